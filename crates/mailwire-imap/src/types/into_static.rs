//! [`IntoStatic`]: detach a decoded value from the input buffer it borrows from.

use std::num::{NonZeroU32, NonZeroU64};

use mailwire_core::Secret;

use super::*;

/// Converts a value that may borrow from the input into one that owns its data.
pub trait IntoStatic {
    /// The owned type.
    type Static: 'static;
    /// Copies any borrowed data.
    fn into_static(self) -> Self::Static;
}

macro_rules! identity {
    ($($t:ty),*) => {$(
        impl IntoStatic for $t {
            type Static = $t;
            fn into_static(self) -> $t { self }
        }
    )*};
}

identity!(
    u32,
    u64,
    bool,
    NonZeroU32,
    NonZeroU64,
    Secret<Vec<u8>>,
    SequenceSet,
    DateTime,
    NaiveDate,
    StatusAttribute,
    StatusValue,
    StoreMode,
    Macro,
    Partial,
    Part,
    Condition,
    LiteralMode,
    TaggedExtSimple,
    GreetingKind,
    StatusKind,
    IdleDone,
    AuthenticateData,
    State,
    ModSeq,
    ModSeqValzer,
    EntryType,
    SeqMatchData,
    QresyncParam,
    ThreadList
);

macro_rules! inherent {
    ($($t:ident),*) => {$(
        impl IntoStatic for $t<'_> {
            type Static = $t<'static>;
            fn into_static(self) -> $t<'static> { $t::into_static(self) }
        }
    )*};
}

inherent!(
    Tag,
    Atom,
    AtomExt,
    ListCharString,
    AuthMechanism,
    TaggedLabel,
    Quoted,
    Literal,
    Literal8,
    IString,
    NString,
    AString,
    Text,
    Charset,
    Flag,
    MailboxAttribute,
    Mailbox,
    ListMailbox,
    Capability,
    ObjectId,
    OpaqueToken
);

impl<T: IntoStatic> IntoStatic for Option<T> {
    type Static = Option<T::Static>;
    fn into_static(self) -> Self::Static {
        self.map(IntoStatic::into_static)
    }
}

impl<T: IntoStatic> IntoStatic for Vec<T> {
    type Static = Vec<T::Static>;
    fn into_static(self) -> Self::Static {
        self.into_iter().map(IntoStatic::into_static).collect()
    }
}

impl<T: IntoStatic> IntoStatic for Vec1<T> {
    type Static = Vec1<T::Static>;
    fn into_static(self) -> Self::Static {
        self.map(IntoStatic::into_static)
    }
}

impl<T: IntoStatic> IntoStatic for Box<T> {
    type Static = Box<T::Static>;
    fn into_static(self) -> Self::Static {
        Box::new((*self).into_static())
    }
}

impl<A: IntoStatic, B: IntoStatic> IntoStatic for (A, B) {
    type Static = (A::Static, B::Static);
    fn into_static(self) -> Self::Static {
        (self.0.into_static(), self.1.into_static())
    }
}

impl IntoStatic for Secret<AString<'_>> {
    type Static = Secret<AString<'static>>;
    fn into_static(self) -> Self::Static {
        self.map(AString::into_static)
    }
}

/// Implements IntoStatic for a struct by converting every field.
macro_rules! structure {
    ($t:ident { $($f:ident),* }) => {
        impl IntoStatic for $t<'_> {
            type Static = $t<'static>;
            fn into_static(self) -> $t<'static> {
                $t { $($f: self.$f.into_static()),* }
            }
        }
    };
}

structure!(Command { tag, body });
structure!(Greeting { kind, code, text });
structure!(Address {
    name,
    adl,
    mailbox,
    host
});
structure!(Envelope {
    date,
    subject,
    from,
    sender,
    reply_to,
    to,
    cc,
    bcc,
    in_reply_to,
    message_id
});
structure!(BasicFields {
    params,
    id,
    description,
    encoding,
    size
});
structure!(Disposition { kind, params });
structure!(ExtensionTail { disposition, rest });
structure!(LanguageTail { language, location });
structure!(LocationTail {
    location,
    extensions
});
structure!(SinglePartExtension { md5, tail });
structure!(MultiPartExtension { params, tail });
structure!(NamespaceDescription {
    prefix,
    delimiter,
    extensions
});
structure!(ListExtendedItem { tag, value });
structure!(MailboxList {
    attributes,
    delimiter,
    mailbox,
    extended
});

impl IntoStatic for FlagFetch<'_> {
    type Static = FlagFetch<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            FlagFetch::Flag(f) => FlagFetch::Flag(f.into_static()),
            FlagFetch::Recent => FlagFetch::Recent,
        }
    }
}

impl IntoStatic for FlagPerm<'_> {
    type Static = FlagPerm<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            FlagPerm::Flag(f) => FlagPerm::Flag(f.into_static()),
            FlagPerm::Asterisk => FlagPerm::Asterisk,
        }
    }
}

impl IntoStatic for Section<'_> {
    type Static = Section<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            Section::Part(p) => Section::Part(p),
            Section::Header(p) => Section::Header(p),
            Section::HeaderFields(p, n) => Section::HeaderFields(p, n.into_static()),
            Section::HeaderFieldsNot(p, n) => Section::HeaderFieldsNot(p, n.into_static()),
            Section::Text(p) => Section::Text(p),
            Section::Mime(p) => Section::Mime(p),
        }
    }
}

impl IntoStatic for FetchAttribute<'_> {
    type Static = FetchAttribute<'static>;
    fn into_static(self) -> Self::Static {
        use FetchAttribute::*;
        match self {
            Envelope => Envelope,
            Flags => Flags,
            InternalDate => InternalDate,
            Rfc822Size => Rfc822Size,
            Body => Body,
            BodyStructure => BodyStructure,
            Uid => Uid,
            BodySection {
                section,
                partial,
                peek,
            } => BodySection {
                section: section.into_static(),
                partial,
                peek,
            },
            Binary {
                section,
                partial,
                peek,
            } => Binary {
                section,
                partial,
                peek,
            },
            BinarySize { section } => BinarySize { section },
            Rfc822 => Rfc822,
            Rfc822Header => Rfc822Header,
            Rfc822Text => Rfc822Text,
            ModSeq => ModSeq,
            SaveDate => SaveDate,
            EmailId => EmailId,
            ThreadId => ThreadId,
            Preview { lazy } => Preview { lazy },
            GmailMsgId => GmailMsgId,
            GmailThrId => GmailThrId,
            GmailLabels => GmailLabels,
            Other(a) => Other(a.into_static()),
        }
    }
}

impl IntoStatic for MacroOrAttributes<'_> {
    type Static = MacroOrAttributes<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            MacroOrAttributes::Macro(m) => MacroOrAttributes::Macro(m),
            MacroOrAttributes::Attributes(a) => MacroOrAttributes::Attributes(a.into_static()),
        }
    }
}

impl IntoStatic for BinaryData<'_> {
    type Static = BinaryData<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            BinaryData::NString(n) => BinaryData::NString(n.into_static()),
            BinaryData::Literal8(l) => BinaryData::Literal8(l.into_static()),
        }
    }
}

impl IntoStatic for MessageDataItem<'_> {
    type Static = MessageDataItem<'static>;
    fn into_static(self) -> Self::Static {
        use MessageDataItem::*;
        match self {
            Flags(f) => Flags(f.into_static()),
            Envelope(e) => Envelope(e.into_static()),
            InternalDate(d) => InternalDate(d),
            Rfc822Size(s) => Rfc822Size(s),
            Body(b) => Body(b.into_static()),
            BodyStructure(b) => BodyStructure(b.into_static()),
            BodySection {
                section,
                origin,
                data,
            } => BodySection {
                section: section.into_static(),
                origin,
                data: data.into_static(),
            },
            Binary {
                section,
                origin,
                value,
            } => Binary {
                section,
                origin,
                value: value.into_static(),
            },
            BinarySize { section, size } => BinarySize { section, size },
            Uid(u) => Uid(u),
            Rfc822(n) => Rfc822(n.into_static()),
            Rfc822Header(n) => Rfc822Header(n.into_static()),
            Rfc822Text(n) => Rfc822Text(n.into_static()),
            ModSeq(m) => ModSeq(m),
            SaveDate(d) => SaveDate(d),
            EmailId(o) => EmailId(o.into_static()),
            ThreadId(o) => ThreadId(o.into_static()),
            Preview(n) => Preview(n.into_static()),
            GmailMsgId(n) => GmailMsgId(n),
            GmailThrId(n) => GmailThrId(n),
            GmailLabels(l) => GmailLabels(l.into_static()),
            Other { name, value } => Other {
                name: name.into_static(),
                value: value.into_static(),
            },
        }
    }
}

impl IntoStatic for SinglePartKind<'_> {
    type Static = SinglePartKind<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            SinglePartKind::Basic {
                media_type,
                subtype,
            } => SinglePartKind::Basic {
                media_type: media_type.into_static(),
                subtype: subtype.into_static(),
            },
            SinglePartKind::Text { subtype, lines } => SinglePartKind::Text {
                subtype: subtype.into_static(),
                lines,
            },
            SinglePartKind::Message {
                subtype,
                envelope,
                body,
                lines,
            } => SinglePartKind::Message {
                subtype: subtype.into_static(),
                envelope: envelope.into_static(),
                body: body.into_static(),
                lines,
            },
        }
    }
}

impl IntoStatic for Language<'_> {
    type Static = Language<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            Language::Single(n) => Language::Single(n.into_static()),
            Language::List(l) => Language::List(l.into_static()),
        }
    }
}

impl IntoStatic for BodyExtension<'_> {
    type Static = BodyExtension<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            BodyExtension::NString(n) => BodyExtension::NString(n.into_static()),
            BodyExtension::Number(n) => BodyExtension::Number(n),
            BodyExtension::List(l) => BodyExtension::List(l.into_static()),
        }
    }
}

impl IntoStatic for BodyStructure<'_> {
    type Static = BodyStructure<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            BodyStructure::Single {
                fields,
                kind,
                extension,
            } => BodyStructure::Single {
                fields: fields.into_static(),
                kind: kind.into_static(),
                extension: extension.into_static(),
            },
            BodyStructure::Multi {
                parts,
                subtype,
                extension,
            } => BodyStructure::Multi {
                parts: parts.into_static(),
                subtype: subtype.into_static(),
                extension: extension.into_static(),
            },
        }
    }
}

impl IntoStatic for TaggedExtValue<'_> {
    type Static = TaggedExtValue<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            TaggedExtValue::Simple(s) => TaggedExtValue::Simple(s),
            TaggedExtValue::Comp(c) => TaggedExtValue::Comp(c.into_static()),
        }
    }
}

impl IntoStatic for TaggedExtComp<'_> {
    type Static = TaggedExtComp<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            TaggedExtComp::AString(a) => TaggedExtComp::AString(a.into_static()),
            TaggedExtComp::Many(m) => TaggedExtComp::Many(m.into_static()),
            TaggedExtComp::Paren(p) => TaggedExtComp::Paren(p.into_static()),
        }
    }
}

impl IntoStatic for SearchKey<'_> {
    type Static = SearchKey<'static>;
    fn into_static(self) -> Self::Static {
        use SearchKey::*;
        match self {
            All => All,
            Answered => Answered,
            Bcc(a) => Bcc(a.into_static()),
            Before(d) => Before(d),
            Body(a) => Body(a.into_static()),
            Cc(a) => Cc(a.into_static()),
            Deleted => Deleted,
            Draft => Draft,
            Flagged => Flagged,
            From(a) => From(a.into_static()),
            Header(a, b) => Header(a.into_static(), b.into_static()),
            Keyword(a) => Keyword(a.into_static()),
            Larger(n) => Larger(n),
            New => New,
            Not(k) => Not(k.into_static()),
            Old => Old,
            On(d) => On(d),
            Or(a, b) => Or(a.into_static(), b.into_static()),
            Recent => Recent,
            Seen => Seen,
            SentBefore(d) => SentBefore(d),
            SentOn(d) => SentOn(d),
            SentSince(d) => SentSince(d),
            Since(d) => Since(d),
            Smaller(n) => Smaller(n),
            Subject(a) => Subject(a.into_static()),
            Text(a) => Text(a.into_static()),
            To(a) => To(a.into_static()),
            Uid(s) => Uid(s),
            Unanswered => Unanswered,
            Undeleted => Undeleted,
            Undraft => Undraft,
            Unflagged => Unflagged,
            Unkeyword(a) => Unkeyword(a.into_static()),
            Unseen => Unseen,
            SequenceSet(s) => SequenceSet(s),
            And(k) => And(k.into_static()),
            ModSeq { entry, mod_seq } => ModSeq {
                entry: entry.into_static(),
                mod_seq,
            },
            Older(n) => Older(n),
            Younger(n) => Younger(n),
            SavedBefore(d) => SavedBefore(d),
            SavedOn(d) => SavedOn(d),
            SavedSince(d) => SavedSince(d),
            SaveDateSupported => SaveDateSupported,
            EmailId(o) => EmailId(o.into_static()),
            ThreadId(o) => ThreadId(o.into_static()),
            GmailRaw(a) => GmailRaw(a.into_static()),
            GmailMsgId(n) => GmailMsgId(n),
            GmailThrId(n) => GmailThrId(n),
            GmailLabels(l) => GmailLabels(l.into_static()),
        }
    }
}

impl IntoStatic for SearchReturnOption<'_> {
    type Static = SearchReturnOption<'static>;
    fn into_static(self) -> Self::Static {
        use SearchReturnOption::*;
        match self {
            Min => Min,
            Max => Max,
            All => All,
            Count => Count,
            Save => Save,
            Other(l, v) => Other(l.into_static(), v.into_static()),
        }
    }
}

impl IntoStatic for SearchReturnData<'_> {
    type Static = SearchReturnData<'static>;
    fn into_static(self) -> Self::Static {
        use SearchReturnData::*;
        match self {
            Min(n) => Min(n),
            Max(n) => Max(n),
            All(s) => All(s),
            Count(n) => Count(n),
            Other(l, v) => Other(l.into_static(), v.into_static()),
            ModSeq(m) => ModSeq(m),
        }
    }
}

impl IntoStatic for ListSelectOption<'_> {
    type Static = ListSelectOption<'static>;
    fn into_static(self) -> Self::Static {
        use ListSelectOption::*;
        match self {
            Subscribed => Subscribed,
            Remote => Remote,
            RecursiveMatch => RecursiveMatch,
            SpecialUse => SpecialUse,
            Other(l, v) => Other(l.into_static(), v.into_static()),
        }
    }
}

impl IntoStatic for ListReturnOption<'_> {
    type Static = ListReturnOption<'static>;
    fn into_static(self) -> Self::Static {
        use ListReturnOption::*;
        match self {
            Subscribed => Subscribed,
            Children => Children,
            Status(s) => Status(s),
            SpecialUse => SpecialUse,
            Other(l, v) => Other(l.into_static(), v.into_static()),
        }
    }
}

impl IntoStatic for AppendData<'_> {
    type Static = AppendData<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            AppendData::Literal(l) => AppendData::Literal(l.into_static()),
            AppendData::Literal8(l) => AppendData::Literal8(l.into_static()),
            AppendData::Utf8(l) => AppendData::Utf8(l.into_static()),
            AppendData::Other(l, v) => AppendData::Other(l.into_static(), v.into_static()),
        }
    }
}

impl IntoStatic for CommandBody<'_> {
    type Static = CommandBody<'static>;
    fn into_static(self) -> Self::Static {
        use CommandBody::*;
        match self {
            Capability => Capability,
            Noop => Noop,
            Logout => Logout,
            StartTls => StartTls,
            Authenticate {
                mechanism,
                initial_response,
            } => Authenticate {
                mechanism: mechanism.into_static(),
                initial_response,
            },
            Login { username, password } => Login {
                username: username.into_static(),
                password: password.into_static(),
            },
            Enable(c) => Enable(c.into_static()),
            Select { mailbox, params } => Select {
                mailbox: mailbox.into_static(),
                params: params.into_static(),
            },
            Examine { mailbox, params } => Examine {
                mailbox: mailbox.into_static(),
                params: params.into_static(),
            },
            Create(m) => Create(m.into_static()),
            Delete(m) => Delete(m.into_static()),
            Rename { from, to } => Rename {
                from: from.into_static(),
                to: to.into_static(),
            },
            Subscribe(m) => Subscribe(m.into_static()),
            Unsubscribe(m) => Unsubscribe(m.into_static()),
            List {
                selection,
                reference,
                patterns,
                patterns_parenthesized,
                returns,
            } => List {
                selection: selection.into_static(),
                reference: reference.into_static(),
                patterns: patterns.into_static(),
                patterns_parenthesized,
                returns: returns.into_static(),
            },
            Lsub { reference, pattern } => Lsub {
                reference: reference.into_static(),
                pattern: pattern.into_static(),
            },
            Namespace => Namespace,
            Status {
                mailbox,
                attributes,
            } => Status {
                mailbox: mailbox.into_static(),
                attributes,
            },
            Append { mailbox, messages } => Append {
                mailbox: mailbox.into_static(),
                messages: messages.into_static(),
            },
            Idle => Idle,
            Check => Check,
            Close => Close,
            Unselect => Unselect,
            Expunge => Expunge,
            UidExpunge(s) => UidExpunge(s),
            Search {
                uid,
                returns,
                charset,
                criteria,
            } => Search {
                uid,
                returns: returns.into_static(),
                charset: charset.into_static(),
                criteria: criteria.into_static(),
            },
            Fetch {
                uid,
                set,
                attributes,
                modifiers,
            } => Fetch {
                uid,
                set,
                attributes: attributes.into_static(),
                modifiers: modifiers.into_static(),
            },
            Store {
                uid,
                set,
                modifiers,
                mode,
                silent,
                flags,
                parenthesized,
            } => Store {
                uid,
                set,
                modifiers: modifiers.into_static(),
                mode,
                silent,
                flags: flags.into_static(),
                parenthesized,
            },
            Copy { uid, set, mailbox } => Copy {
                uid,
                set,
                mailbox: mailbox.into_static(),
            },
            Move { uid, set, mailbox } => Move {
                uid,
                set,
                mailbox: mailbox.into_static(),
            },
            c @ (Id(_)
            | CreateWithParams { .. }
            | GetQuota(_)
            | GetQuotaRoot(_)
            | SetQuota { .. }
            | GetMetadata { .. }
            | SetMetadata { .. }
            | SetAcl { .. }
            | DeleteAcl { .. }
            | GetAcl(_)
            | ListRights { .. }
            | MyRights(_)
            | Unauthenticate
            | Compress(_)
            | Other { .. }) => super::into_static_admin::command_body(c),
            Sort {
                uid,
                returns,
                criteria,
                charset,
                keys,
            } => Sort {
                uid,
                returns: returns.into_static(),
                criteria: criteria.into_static(),
                charset: charset.into_static(),
                keys: keys.into_static(),
            },
            Thread {
                uid,
                algorithm,
                charset,
                keys,
            } => Thread {
                uid,
                algorithm: algorithm.into_static(),
                charset: charset.into_static(),
                keys: keys.into_static(),
            },
            StoreGmailLabels {
                uid,
                set,
                modifiers,
                mode,
                silent,
                labels,
                parenthesized,
            } => StoreGmailLabels {
                uid,
                set,
                modifiers: modifiers.into_static(),
                mode,
                silent,
                labels: labels.into_static(),
                parenthesized,
            },
        }
    }
}

impl IntoStatic for Code<'_> {
    type Static = Code<'static>;
    fn into_static(self) -> Self::Static {
        use Code::*;
        match self {
            Alert => Alert,
            BadCharset(c) => BadCharset(c.into_static()),
            Capability(c) => Capability(c.into_static()),
            Parse => Parse,
            PermanentFlags(f) => PermanentFlags(f.into_static()),
            ReadOnly => ReadOnly,
            ReadWrite => ReadWrite,
            TryCreate => TryCreate,
            UidNext(n) => UidNext(n),
            UidValidity(n) => UidValidity(n),
            Unseen(n) => Unseen(n),
            AppendUid { uid_validity, uids } => AppendUid { uid_validity, uids },
            CopyUid {
                uid_validity,
                source,
                destination,
            } => CopyUid {
                uid_validity,
                source,
                destination,
            },
            UidNotSticky => UidNotSticky,
            Closed => Closed,
            UnknownCte => UnknownCte,
            Condition(c) => Condition(c),
            Other { name, text } => Other {
                name: name.into_static(),
                text: text.into_static(),
            },
            UseAttr => UseAttr,
            CompressionActive => CompressionActive,
            Metadata(m) => Metadata(m),
            HighestModSeq(m) => HighestModSeq(m),
            NoModSeq => NoModSeq,
            Modified(s) => Modified(s),
            MailboxId(o) => MailboxId(o.into_static()),
            UidRequired => UidRequired,
            TooBig => TooBig,
        }
    }
}

impl IntoStatic for Status<'_> {
    type Static = Status<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            Status::Tagged {
                tag,
                kind,
                code,
                text,
            } => Status::Tagged {
                tag: tag.into_static(),
                kind,
                code: code.into_static(),
                text: text.into_static(),
            },
            Status::Untagged { kind, code, text } => Status::Untagged {
                kind,
                code: code.into_static(),
                text: text.into_static(),
            },
            Status::Bye { code, text } => Status::Bye {
                code: code.into_static(),
                text: text.into_static(),
            },
        }
    }
}

impl IntoStatic for Data<'_> {
    type Static = Data<'static>;
    fn into_static(self) -> Self::Static {
        use Data::*;
        match self {
            Capability(c) => Capability(c.into_static()),
            Enabled(c) => Enabled(c.into_static()),
            List(l) => List(l.into_static()),
            Lsub(l) => Lsub(l.into_static()),
            Namespace {
                personal,
                other,
                shared,
            } => Namespace {
                personal: personal.into_static(),
                other: other.into_static(),
                shared: shared.into_static(),
            },
            Status { mailbox, values } => Status {
                mailbox: mailbox.into_static(),
                values,
            },
            ESearch { tag, uid, data } => ESearch {
                tag: tag.into_static(),
                uid,
                data: data.into_static(),
            },
            Search(s) => Search(s),
            Flags(f) => Flags(f.into_static()),
            Exists(n) => Exists(n),
            Recent(n) => Recent(n),
            Expunge(n) => Expunge(n),
            Fetch { seq, items } => Fetch {
                seq,
                items: items.into_static(),
            },
            d @ (Id(_)
            | Quota { .. }
            | QuotaRoot { .. }
            | Metadata { .. }
            | Acl { .. }
            | ListRights { .. }
            | MyRights { .. }
            | Other { .. }) => super::into_static_admin::data(d),
            SearchModSeq { ids, mod_seq } => SearchModSeq { ids, mod_seq },
            Vanished { earlier, uids } => Vanished { earlier, uids },
            Sort(s) => Sort(s),
            SortModSeq { ids, mod_seq } => SortModSeq { ids, mod_seq },
            Thread(t) => Thread(t),
            UidFetch { uid, items } => UidFetch {
                uid,
                items: items.into_static(),
            },
        }
    }
}

impl IntoStatic for Continuation<'_> {
    type Static = Continuation<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            Continuation::Basic { code, text } => Continuation::Basic {
                code: code.into_static(),
                text: text.into_static(),
            },
            Continuation::Base64(b) => Continuation::Base64(b),
        }
    }
}

impl IntoStatic for Response<'_> {
    type Static = Response<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            Response::Status(s) => Response::Status(s.into_static()),
            Response::Data(d) => Response::Data(d.into_static()),
            Response::Continuation(c) => Response::Continuation(c.into_static()),
        }
    }
}

// Extension types (RFC 4466, RFC 7162, RFC 5256, RFC 3502, RFC 8474, X-GM-EXT-1).

structure!(AppendMessage {
    flags,
    date,
    extensions,
    data
});
structure!(ModSeqEntry { flag, entry_type });
structure!(SortCriterion { reverse, key });

/// IntoStatic for an enum whose variants are unit, `Other(label, value)`, or listed `Copy`
/// payloads.
macro_rules! labelled_enum {
    ($t:ident { $($unit:ident),* } { $($copy:ident),* }) => {
        impl IntoStatic for $t<'_> {
            type Static = $t<'static>;
            fn into_static(self) -> $t<'static> {
                match self {
                    $($t::$unit => $t::$unit,)*
                    $($t::$copy(v) => $t::$copy(v),)*
                    $t::Other(l, v) => $t::Other(l.into_static(), v.into_static()),
                }
            }
        }
    };
}

labelled_enum!(SelectParam { Condstore } { Qresync });
labelled_enum!(FetchModifier { Vanished } { ChangedSince });
labelled_enum!(StoreModifier {} { UnchangedSince });

impl IntoStatic for SortKey<'_> {
    type Static = SortKey<'static>;
    fn into_static(self) -> Self::Static {
        use SortKey::*;
        match self {
            Arrival => Arrival,
            Cc => Cc,
            Date => Date,
            From => From,
            Size => Size,
            Subject => Subject,
            To => To,
            DisplayFrom => DisplayFrom,
            DisplayTo => DisplayTo,
            Other(a) => Other(a.into_static()),
        }
    }
}

impl IntoStatic for ThreadAlgorithm<'_> {
    type Static = ThreadAlgorithm<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            ThreadAlgorithm::OrderedSubject => ThreadAlgorithm::OrderedSubject,
            ThreadAlgorithm::References => ThreadAlgorithm::References,
            ThreadAlgorithm::Other(a) => ThreadAlgorithm::Other(a.into_static()),
        }
    }
}

impl IntoStatic for GmailLabel<'_> {
    type Static = GmailLabel<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            GmailLabel::System(a) => GmailLabel::System(a.into_static()),
            GmailLabel::Label(a) => GmailLabel::Label(a.into_static()),
        }
    }
}

impl IntoStatic for OpaqueValue<'_> {
    type Static = OpaqueValue<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            OpaqueValue::Token(t) => OpaqueValue::Token(t.into_static()),
            OpaqueValue::String(s) => OpaqueValue::String(s.into_static()),
            OpaqueValue::Literal8(l) => OpaqueValue::Literal8(l.into_static()),
            OpaqueValue::List(v) => OpaqueValue::List(v.into_static()),
        }
    }
}
