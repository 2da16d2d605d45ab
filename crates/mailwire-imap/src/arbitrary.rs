//! proptest strategies for the message types (feature `arbitrary`), for property tests and for
//! users testing their own code against valid IMAP traffic.
//!
//! Every generated value is valid and unambiguous: its encoding (see [`crate::codec::Encode`])
//! decodes back to an equal value with [`decode_command`](crate::codec::decode_command) and
//! [`Options::commands`](crate::codec::Options::commands), or
//! [`decode_response`](crate::codec::decode_response) / [`decode_greeting`](crate::codec::decode_greeting)
//! with [`Options::responses`](crate::codec::Options::responses). In particular:
//!
//! * strings keep their form (atom, quoted, literal); quoted strings are UTF-8 without CR, LF and
//!   NUL; literals hold any byte but NUL; response-side literals are synchronizing (`{n+}` is
//!   client to server only), command-side literals are either;
//! * names that would read as something else are avoided: a [`Mailbox::Other`] is never a case
//!   variant of `INBOX`, a [`Flag::Extension`] never a system flag, a [`Code::Other`] never a known
//!   code, a [`Capability::Other`] never a typed capability, extension labels never a known option;
//! * text never starts with `[` (it would read as a response code) nor starts or ends with a space
//!   (responses are decoded with [`Quirks::lenient_spaces`](crate::codec::Quirks), which folds
//!   spaces next to separators);
//! * body structures nest at most 4 levels; [`SinglePartKind::Basic`] never has the media type
//!   `TEXT` nor `MESSAGE/RFC822` or `MESSAGE/GLOBAL` (those decode as `Text` and `Message`); a
//!   non-extensible `BODY` has no extension data at any level;
//! * numbers stay in their grammar's range (`number64` ≤ `i64::MAX`); a
//!   [`TaggedExtSimple::Number`] is 0 or above `u32::MAX` (smaller numbers are sequence sets);
//! * a `STORE` without flags is parenthesized; a LIST with several patterns has
//!   `patterns_parenthesized` set; LIST option values are parenthesized (`option-value`).
//! * extension names that would read as typed ones are avoided: an unknown FETCH attribute or
//!   item, STATUS attribute, select parameter, FETCH or STORE modifier, sort key or threading
//!   algorithm never has a known name (nor a macro's, nor `LAZY` for a FETCH modifier, which
//!   would read as PREVIEW's); an unknown FETCH name never holds `[`; `append-ext` labels are
//!   never `UTF8`, and a message whose data is an `append-data-ext` is last or followed by one
//!   with a flag list or date-time (otherwise its data would read as an `append-ext`);
//! * QRESYNC sets hold no `*` or `$`; a VANISHED set no `*` or `$`; thread lists nest at most 4
//!   levels and opaque values 3.
//!
//! The public component strategies generate response-side values (synchronizing literals only);
//! [`command`] uses command-side variants internally.

use std::borrow::Cow;
use std::num::{NonZeroU32, NonZeroU64};

use mailwire_core::Secret;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use crate::types::*;

mod admin;

pub use self::admin::{
    id_params, list_extended_item, metadata_code, metadata_entry, quota_resource_name, raw_args,
    rights,
};

/// Whether literals may be non-synchronizing (client to server).
#[derive(Clone, Copy)]
struct Dir {
    nonsync: bool,
}

const RESP: Dir = Dir { nonsync: false };
const CMD: Dir = Dir { nonsync: true };

fn chars(pred: fn(u8) -> bool) -> Vec<char> {
    (0x21u8..0x7f)
        .filter(|&b| pred(b))
        .map(char::from)
        .collect()
}

fn token(pred: fn(u8) -> bool, max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9]{0,7}",
        2 => vec(select(chars(pred)), 1..max).prop_map(String::from_iter),
        // Words that are keywords elsewhere in the grammar.
        1 => select(vec!["NIL", "nil", "RETURN", "CHARSET", "UID", "ALL", "BODY", "TEXT", "DONE", "OK", "FLAGS"])
            .prop_map(str::to_string),
    ]
    .prop_filter("matches the character class", move |s| s.bytes().all(pred))
    .boxed()
}

fn ci_in(s: &str, names: &[&str]) -> bool {
    names.iter().any(|n| s.eq_ignore_ascii_case(n))
}

fn nz_u32() -> impl Strategy<Value = NonZeroU32> + Clone {
    prop_oneof![3 => 1u32..100, 1 => 1u32..=u32::MAX]
        .prop_map(|n| NonZeroU32::new(n).expect("non-zero"))
}

fn any_u32() -> impl Strategy<Value = u32> + Clone {
    prop_oneof![3 => 0u32..100, 1 => any::<u32>()]
}

/// `number64`: 0..=`i64::MAX`.
fn number64() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![3 => 0u64..10_000, 1 => 0u64..=i64::MAX as u64]
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/// A command tag.
pub fn tag() -> impl Strategy<Value = Tag<'static>> {
    token(is_tag_char, 10).prop_map(|s| Tag::new(s).expect("tag chars"))
}

/// An atom.
pub fn atom() -> impl Strategy<Value = Atom<'static>> {
    token(is_atom_char, 12).prop_map(|s| Atom::new(s).expect("atom chars"))
}

/// The unquoted form of an astring (may contain `]`).
pub fn atom_ext() -> impl Strategy<Value = AtomExt<'static>> {
    token(is_astring_char, 12).prop_map(|s| AtomExt::new(s).expect("astring chars"))
}

/// The unquoted form of a LIST pattern (may contain `%` and `*`).
pub fn list_char_string() -> impl Strategy<Value = ListCharString<'static>> {
    prop_oneof![
        1 => select(vec!["*", "%", "INBOX.%", "Foo/*"]).prop_map(str::to_string),
        3 => token(is_list_char, 12),
    ]
    .prop_map(|s| ListCharString::new(s).expect("list chars"))
}

fn quoted_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => "[a-zA-Z0-9 ./_-]{0,16}",
        3 => "[ -~]{0,24}",
        1 => "[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f]{0,12}",
        2 => "\\PC{0,12}",
    ]
    .prop_map(String::into_bytes)
}

/// A quoted string: UTF-8 (7-bit included, `"` and `\` too), no CR, LF or NUL.
pub fn quoted() -> impl Strategy<Value = Quoted<'static>> {
    quoted_bytes().prop_map(|b| Quoted::new(b).expect("no CR, LF or NUL"))
}

fn literal_mode_in(dir: Dir) -> BoxedStrategy<LiteralMode> {
    literal_mode(dir)
}

fn literal_mode(dir: Dir) -> BoxedStrategy<LiteralMode> {
    if dir.nonsync {
        prop_oneof![Just(LiteralMode::Sync), Just(LiteralMode::NonSync)].boxed()
    } else {
        Just(LiteralMode::Sync).boxed()
    }
}

fn literal_in(dir: Dir) -> BoxedStrategy<Literal<'static>> {
    let data = prop_oneof![
        3 => "[ -~]{0,20}".prop_map(String::into_bytes),
        2 => vec(1u8..=255, 0..40),
    ];
    (data, literal_mode(dir))
        .prop_map(|(d, m)| Literal::with_mode(d, m).expect("no NUL"))
        .boxed()
}

/// A synchronizing literal: any bytes but NUL.
pub fn literal() -> impl Strategy<Value = Literal<'static>> {
    literal_in(RESP)
}

fn literal8_in(dir: Dir) -> BoxedStrategy<Literal8<'static>> {
    (vec(any::<u8>(), 0..40), literal_mode(dir))
        .prop_map(|(d, mode)| Literal8 {
            data: Cow::Owned(d),
            mode,
        })
        .boxed()
}

/// A synchronizing binary literal: any bytes.
pub fn literal8() -> impl Strategy<Value = Literal8<'static>> {
    literal8_in(RESP)
}

fn istring_in(dir: Dir) -> BoxedStrategy<IString<'static>> {
    prop_oneof![
        4 => quoted().prop_map(IString::Quoted),
        1 => literal_in(dir).prop_map(IString::Literal),
    ]
    .boxed()
}

/// A string: quoted or literal.
pub fn istring() -> impl Strategy<Value = IString<'static>> {
    istring_in(RESP)
}

/// A string or NIL.
pub fn nstring() -> impl Strategy<Value = NString<'static>> {
    option::weighted(0.75, istring()).prop_map(NString)
}

fn astring_in(dir: Dir) -> BoxedStrategy<AString<'static>> {
    prop_oneof![
        1 => atom_ext().prop_map(AString::Atom),
        1 => istring_in(dir).prop_map(AString::String),
    ]
    .boxed()
}

/// An astring: atom form (`NIL` included, it is no special value here), quoted or literal.
pub fn astring() -> impl Strategy<Value = AString<'static>> {
    astring_in(RESP)
}

/// Human-readable text: UTF-8 or 7-bit, possibly empty, never starting with `[` and never
/// starting or ending with a space.
pub fn text() -> impl Strategy<Value = Text<'static>> {
    prop_oneof![
        3 => "[A-Za-z0-9 .,;:!?()-]{0,30}",
        2 => "[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f]{0,20}",
        2 => "\\PC{0,20}",
    ]
    .prop_map(|s| {
        let t = s.trim_start_matches(['[', ' ']).trim_end_matches(' ');
        Text::new(t.as_bytes().to_vec()).expect("no CR, LF or NUL")
    })
}

/// A charset name: atom or quoted.
pub fn charset() -> impl Strategy<Value = Charset<'static>> {
    prop_oneof![
        2 => select(vec!["UTF-8", "US-ASCII", "ISO-8859-1"]).prop_map(|s| Charset::Atom(Atom::new(s).expect("atom"))),
        1 => atom().prop_map(Charset::Atom),
        1 => quoted().prop_map(Charset::Quoted),
    ]
}

fn mailbox_in(dir: Dir) -> BoxedStrategy<Mailbox<'static>> {
    let other = prop_oneof![
        1 => "(INBOX|inbox|Inbox)[./][A-Za-z]{1,5}".prop_map(|s| AString::Atom(AtomExt::new(s).expect("atom"))),
        6 => astring_in(dir),
    ]
    .prop_filter("not INBOX", |a| !a.as_bytes().eq_ignore_ascii_case(b"INBOX"))
    .prop_map(Mailbox::Other);
    prop_oneof![1 => Just(Mailbox::Inbox), 5 => other].boxed()
}

/// A mailbox name: INBOX, or any other name as an astring (never a case variant of `INBOX`).
pub fn mailbox() -> impl Strategy<Value = Mailbox<'static>> {
    mailbox_in(RESP)
}

fn list_mailbox_in(dir: Dir) -> BoxedStrategy<ListMailbox<'static>> {
    prop_oneof![
        1 => list_char_string().prop_map(ListMailbox::Token),
        1 => istring_in(dir).prop_map(ListMailbox::String),
    ]
    .boxed()
}

/// A LIST pattern.
pub fn list_mailbox() -> impl Strategy<Value = ListMailbox<'static>> {
    list_mailbox_in(RESP)
}

// ---------------------------------------------------------------------------------------------
// Flags, attributes, capabilities
// ---------------------------------------------------------------------------------------------

const SYSTEM_FLAGS: [&str; 5] = ["Answered", "Flagged", "Deleted", "Seen", "Draft"];

fn flag_with(extension_excludes: &'static [&'static str]) -> BoxedStrategy<Flag<'static>> {
    prop_oneof![
        4 => select(vec![Flag::Answered, Flag::Flagged, Flag::Deleted, Flag::Seen, Flag::Draft]),
        2 => prop_oneof![
            select(vec!["$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "$Phishing"]).prop_map(|s| Atom::new(s).expect("atom")),
            atom(),
        ]
        .prop_map(Flag::Keyword),
        1 => atom()
            .prop_filter("not a system flag", move |a| {
                !ci_in(a.as_str(), &SYSTEM_FLAGS) && !ci_in(a.as_str(), extension_excludes)
            })
            .prop_map(Flag::Extension),
    ]
    .boxed()
}

/// A flag: system flag, keyword, or `\atom` extension (never a case variant of a system flag).
pub fn flag() -> impl Strategy<Value = Flag<'static>> {
    flag_with(&[])
}

/// A flag in a FETCH response: a flag (never `\Recent` as an extension) or `\Recent`.
pub fn flag_fetch() -> impl Strategy<Value = FlagFetch<'static>> {
    prop_oneof![
        6 => flag_with(&["Recent"]).prop_map(FlagFetch::Flag),
        1 => Just(FlagFetch::Recent),
    ]
}

/// A PERMANENTFLAGS item.
pub fn flag_perm() -> impl Strategy<Value = FlagPerm<'static>> {
    prop_oneof![
        6 => flag().prop_map(FlagPerm::Flag),
        1 => Just(FlagPerm::Asterisk),
    ]
}

/// A mailbox attribute (extensions never a case variant of a known one).
pub fn mailbox_attribute() -> impl Strategy<Value = MailboxAttribute<'static>> {
    let known: Vec<MailboxAttribute<'static>> = MailboxAttribute::KNOWN
        .iter()
        .map(|(_, a)| a.clone())
        .collect();
    let names: Vec<&'static str> = MailboxAttribute::KNOWN.iter().map(|(n, _)| *n).collect();
    prop_oneof![
        4 => select(known),
        1 => atom()
            .prop_filter("not a known attribute", move |a| !ci_in(a.as_str(), &names))
            .prop_map(MailboxAttribute::Extension),
    ]
}

/// A SASL mechanism name.
pub fn auth_mechanism() -> impl Strategy<Value = AuthMechanism<'static>> {
    prop_oneof![
        2 => select(vec!["PLAIN", "LOGIN", "XOAUTH2", "SCRAM-SHA-256", "GSSAPI"]).prop_map(str::to_string),
        1 => token(is_atom_char, 10),
    ]
    .prop_map(|s| AuthMechanism::new(s).expect("atom"))
}

/// A capability (an `Other` is never a typed capability).
pub fn capability() -> impl Strategy<Value = Capability<'static>> {
    prop_oneof![
        1 => Just(Capability::Imap4Rev1),
        1 => Just(Capability::Imap4Rev2),
        1 => Just(Capability::LoginDisabled),
        1 => Just(Capability::StartTls),
        2 => auth_mechanism().prop_map(Capability::Auth),
        3 => atom()
            .prop_filter("not a typed capability", |a| {
                matches!(Capability::from_atom(a.clone()), Capability::Other(_))
            })
            .prop_map(Capability::Other),
        3 => admin::typed_capability(),
    ]
}

fn vec1<T: std::fmt::Debug>(
    s: impl Strategy<Value = T>,
    max: usize,
) -> impl Strategy<Value = Vec1<T>> {
    vec(s, 1..=max).prop_map(|v| Vec1::try_from(v).expect("non-empty"))
}

// ---------------------------------------------------------------------------------------------
// Sequence sets, dates
// ---------------------------------------------------------------------------------------------

fn seq_or_uid(star: bool) -> BoxedStrategy<SeqOrUid> {
    if star {
        prop_oneof![5 => nz_u32().prop_map(SeqOrUid::Value), 1 => Just(SeqOrUid::Asterisk)].boxed()
    } else {
        nz_u32().prop_map(SeqOrUid::Value).boxed()
    }
}

fn sequence(star: bool) -> impl Strategy<Value = Sequence> {
    prop_oneof![
        seq_or_uid(star).prop_map(Sequence::Single),
        (seq_or_uid(star), seq_or_uid(star)).prop_map(|(a, b)| Sequence::Range(a, b)),
    ]
}

/// A sequence set, `*` and `$` included.
pub fn sequence_set() -> impl Strategy<Value = SequenceSet> {
    prop_oneof![
        8 => vec1(sequence(true), 5).prop_map(SequenceSet::Set),
        1 => Just(SequenceSet::LastResult),
    ]
}

/// A set without `*` and `$` (`uid-set`, RFC 4315).
pub fn uid_set() -> impl Strategy<Value = SequenceSet> {
    vec1(sequence(false), 5).prop_map(SequenceSet::Set)
}

/// A sequence set without `$`.
fn sequence_set_no_last() -> impl Strategy<Value = SequenceSet> {
    vec1(sequence(true), 5).prop_map(SequenceSet::Set)
}

/// A valid date, years 1–9999.
pub fn naive_date() -> impl Strategy<Value = NaiveDate> {
    (
        prop_oneof![3 => 1970u16..2100, 1 => 1u16..=9999],
        1u8..=12,
        1u8..=31,
    )
        .prop_filter_map("valid date", |(y, m, d)| NaiveDate::new(y, m, d).ok())
}

/// A valid date-time, leap second and zones up to ±99:59 included.
pub fn date_time() -> impl Strategy<Value = DateTime> {
    (
        naive_date(),
        0u8..24,
        0u8..60,
        0u8..=60,
        -99i16..=99,
        0i16..60,
    )
        .prop_map(|(d, h, m, s, zh, zm)| {
            let zone = if zh < 0 { zh * 60 - zm } else { zh * 60 + zm };
            DateTime::new(d, h, m, s, zone).expect("valid fields")
        })
}

// ---------------------------------------------------------------------------------------------
// FETCH
// ---------------------------------------------------------------------------------------------

fn part_numbers(min: usize) -> impl Strategy<Value = Vec<NonZeroU32>> {
    vec(
        prop_oneof![4 => 1u32..10, 1 => 1u32..=u32::MAX]
            .prop_map(|n| NonZeroU32::new(n).expect("nz")),
        min..=4,
    )
}

/// A body part number such as `1.2.3`.
pub fn part() -> impl Strategy<Value = Part> {
    part_numbers(1).prop_map(|v| Part(Vec1::try_from(v).expect("non-empty")))
}

fn section_in(dir: Dir) -> BoxedStrategy<Section<'static>> {
    let names = move || vec1(astring_in(dir), 3);
    prop_oneof![
        part().prop_map(Section::Part),
        option::of(part()).prop_map(Section::Header),
        (option::of(part()), names()).prop_map(|(p, n)| Section::HeaderFields(p, n)),
        (option::of(part()), names()).prop_map(|(p, n)| Section::HeaderFieldsNot(p, n)),
        option::of(part()).prop_map(Section::Text),
        part().prop_map(Section::Mime),
    ]
    .boxed()
}

/// A section-spec.
pub fn section() -> impl Strategy<Value = Section<'static>> {
    section_in(RESP)
}

/// A partial range `<offset.count>`.
pub fn partial() -> impl Strategy<Value = Partial> {
    (number64(), number64()).prop_map(|(offset, c)| Partial {
        offset,
        count: NonZeroU64::new(c.max(1)).expect("non-zero"),
    })
}

fn fetch_attribute_in(dir: Dir) -> BoxedStrategy<FetchAttribute<'static>> {
    use FetchAttribute as F;
    prop_oneof![
        4 => select(vec![
            F::Envelope, F::Flags, F::InternalDate, F::Rfc822Size, F::Body, F::BodyStructure, F::Uid,
            F::Rfc822, F::Rfc822Header, F::Rfc822Text,
        ]),
        3 => (option::of(section_in(dir)), option::of(partial()), any::<bool>())
            .prop_map(|(section, partial, peek)| F::BodySection { section, partial, peek }),
        1 => (part_numbers(0), option::of(partial()), any::<bool>())
            .prop_map(|(section, partial, peek)| F::Binary { section, partial, peek }),
        1 => part_numbers(0).prop_map(|section| F::BinarySize { section }),
        2 => select(vec![
            F::ModSeq, F::SaveDate, F::EmailId, F::ThreadId, F::Preview { lazy: false },
            F::Preview { lazy: true }, F::GmailMsgId, F::GmailThrId, F::GmailLabels,
        ]),
        1 => unknown_name(KNOWN_FETCH_NAMES).prop_map(F::Other),
    ]
    .boxed()
}

/// A FETCH attribute.
pub fn fetch_attribute() -> impl Strategy<Value = FetchAttribute<'static>> {
    fetch_attribute_in(RESP)
}

fn macro_or_attributes_in(dir: Dir) -> BoxedStrategy<MacroOrAttributes<'static>> {
    prop_oneof![
        1 => select(vec![Macro::All, Macro::Fast, Macro::Full]).prop_map(MacroOrAttributes::Macro),
        4 => vec(fetch_attribute_in(dir), 1..5).prop_map(MacroOrAttributes::Attributes),
    ]
    .boxed()
}

/// What a FETCH asks for: a macro or one or more attributes (never an empty list).
pub fn macro_or_attributes() -> impl Strategy<Value = MacroOrAttributes<'static>> {
    macro_or_attributes_in(RESP)
}

// ---------------------------------------------------------------------------------------------
// ENVELOPE and BODYSTRUCTURE
// ---------------------------------------------------------------------------------------------

/// An address.
pub fn address() -> impl Strategy<Value = Address<'static>> {
    (nstring(), nstring(), nstring(), nstring()).prop_map(|(name, adl, mailbox, host)| Address {
        name,
        adl,
        mailbox,
        host,
    })
}

fn address_list() -> impl Strategy<Value = Option<Vec<Address<'static>>>> {
    prop_oneof![
        3 => Just(None),
        6 => vec(address(), 1..4).prop_map(Some),
        1 => Just(Some(Vec::new())),
    ]
}

/// An envelope (address lists NIL, non-empty, or occasionally the tolerated `()`).
pub fn envelope() -> impl Strategy<Value = Envelope<'static>> {
    (
        (nstring(), nstring()),
        (address_list(), address_list(), address_list()),
        (address_list(), address_list(), address_list()),
        (nstring(), nstring()),
    )
        .prop_map(
            |(
                (date, subject),
                (from, sender, reply_to),
                (to, cc, bcc),
                (in_reply_to, message_id),
            )| Envelope {
                date,
                subject,
                from,
                sender,
                reply_to,
                to,
                cc,
                bcc,
                in_reply_to,
                message_id,
            },
        )
}

fn quoted_str(s: &'static str) -> IString<'static> {
    IString::Quoted(Quoted::new(s.as_bytes()).expect("quoted"))
}

fn nstring_param_value() -> impl Strategy<Value = NString<'static>> {
    // NIL values are tolerated when decoding responses (`Quirks::nil_as_string`).
    option::weighted(0.9, istring()).prop_map(NString)
}

/// `body-fld-param`: NIL or attribute/value pairs.
pub fn params() -> impl Strategy<Value = Params<'static>> {
    option::weighted(0.7, vec1((istring(), nstring_param_value()), 3))
}

fn basic_fields() -> BoxedStrategy<BasicFields<'static>> {
    let encoding = prop_oneof![
        3 => select(vec!["7BIT", "8BIT", "BINARY", "BASE64", "QUOTED-PRINTABLE"]).prop_map(quoted_str),
        1 => istring(),
    ];
    (params(), nstring(), nstring(), encoding, any_u32())
        .prop_map(|(params, id, description, encoding, size)| BasicFields {
            params,
            id,
            description,
            encoding,
            size,
        })
        .boxed()
}

fn body_extension() -> BoxedStrategy<BodyExtension<'static>> {
    let leaf = prop_oneof![
        nstring().prop_map(BodyExtension::NString),
        number64().prop_map(BodyExtension::Number),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        vec1(inner, 4).prop_map(BodyExtension::List)
    })
    .boxed()
}

fn extension_tail() -> BoxedStrategy<ExtensionTail<'static>> {
    let disposition =
        option::of((istring(), params()).prop_map(|(kind, params)| Disposition { kind, params }));
    let language = prop_oneof![
        nstring().prop_map(Language::Single),
        vec1(istring(), 3).prop_map(Language::List),
    ];
    let location = option::of((nstring(), vec(body_extension(), 0..3)).prop_map(
        |(location, extensions)| LocationTail {
            location,
            extensions,
        },
    ));
    let rest = option::of(
        (language, location).prop_map(|(language, location)| LanguageTail { language, location }),
    );
    (disposition.boxed(), rest.boxed())
        .prop_map(|(disposition, rest)| ExtensionTail { disposition, rest })
        .boxed()
}

fn single_extension(ext: bool) -> BoxedStrategy<Option<SinglePartExtension<'static>>> {
    if !ext {
        return Just(None).boxed();
    }
    option::of(
        (nstring(), option::of(extension_tail()))
            .prop_map(|(md5, tail)| SinglePartExtension { md5, tail }),
    )
    .boxed()
}

fn multi_extension(ext: bool) -> BoxedStrategy<Option<MultiPartExtension<'static>>> {
    if !ext {
        return Just(None).boxed();
    }
    option::of(
        (params(), option::of(extension_tail()))
            .prop_map(|(params, tail)| MultiPartExtension { params, tail }),
    )
    .boxed()
}

fn basic_media_type() -> impl Strategy<Value = (IString<'static>, IString<'static>)> {
    let media_type = prop_oneof![
        3 => select(vec!["APPLICATION", "AUDIO", "IMAGE", "FONT", "MESSAGE", "MODEL", "VIDEO", "application", "image"])
            .prop_map(quoted_str),
        1 => istring(),
    ];
    let subtype = prop_oneof![
        3 => select(vec!["OCTET-STREAM", "PDF", "PNG", "DELIVERY-STATUS", "jpeg"]).prop_map(quoted_str),
        1 => istring(),
    ];
    (media_type, subtype).prop_filter("decodes as a basic body", |(t, s)| {
        let t = t.as_bytes();
        let s = s.as_bytes();
        !t.eq_ignore_ascii_case(b"TEXT")
            && !(t.eq_ignore_ascii_case(b"MESSAGE")
                && (s.eq_ignore_ascii_case(b"RFC822") || s.eq_ignore_ascii_case(b"GLOBAL")))
    })
}

fn text_subtype() -> impl Strategy<Value = IString<'static>> {
    prop_oneof![
        3 => select(vec!["PLAIN", "HTML", "plain", "CALENDAR"]).prop_map(quoted_str),
        1 => istring(),
    ]
}

fn single_leaf(ext: bool) -> BoxedStrategy<BodyStructure<'static>> {
    let kind = prop_oneof![
        basic_media_type()
            .prop_map(|(media_type, subtype)| SinglePartKind::Basic {
                media_type,
                subtype
            })
            .boxed(),
        (text_subtype(), number64())
            .prop_map(|(subtype, lines)| SinglePartKind::Text { subtype, lines })
            .boxed(),
    ];
    (basic_fields(), kind, single_extension(ext))
        .prop_map(|(fields, kind, extension)| BodyStructure::Single {
            fields,
            kind,
            extension: extension.map(Box::new),
        })
        .boxed()
}

fn body_structure_with(ext: bool) -> BoxedStrategy<BodyStructure<'static>> {
    single_leaf(ext)
        .prop_recursive(4, 16, 3, move |inner| {
            let multi = (
                vec1(inner.clone(), 3),
                prop_oneof![
                    3 => select(vec!["MIXED", "ALTERNATIVE", "RELATED", "mixed"]).prop_map(quoted_str),
                    1 => istring(),
                ],
                multi_extension(ext),
            )
                .prop_map(|(parts, subtype, extension)| BodyStructure::Multi {
                    parts,
                    subtype,
                    extension: extension.map(Box::new),
                })
                .boxed();
            let message = (
                basic_fields(),
                select(vec!["RFC822", "GLOBAL", "rfc822"]).prop_map(quoted_str),
                envelope().boxed(),
                inner,
                number64(),
                single_extension(ext),
            )
                .prop_map(|(fields, subtype, envelope, body, lines, extension)| BodyStructure::Single {
                    fields,
                    kind: SinglePartKind::Message {
                        subtype,
                        envelope: Box::new(envelope),
                        body: Box::new(body),
                        lines,
                    },
                    extension: extension.map(Box::new),
                })
                .boxed();
            prop_oneof![2 => multi, 1 => message]
        })
        .boxed()
}

/// A body structure as BODYSTRUCTURE returns it (extension data optional at every level),
/// at most 4 levels deep.
pub fn body_structure() -> impl Strategy<Value = BodyStructure<'static>> {
    body_structure_with(true)
}

/// A body structure as the non-extensible BODY returns it: no extension data anywhere.
pub fn body_structure_basic() -> impl Strategy<Value = BodyStructure<'static>> {
    body_structure_with(false)
}

fn binary_data() -> impl Strategy<Value = BinaryData<'static>> {
    prop_oneof![
        nstring().prop_map(BinaryData::NString),
        literal8().prop_map(BinaryData::Literal8),
    ]
}

/// One item of a FETCH response.
pub fn message_data_item() -> impl Strategy<Value = MessageDataItem<'static>> {
    use MessageDataItem as M;
    prop_oneof![
        3 => vec(flag_fetch(), 0..5).prop_map(M::Flags),
        1 => envelope().prop_map(|e| M::Envelope(Box::new(e))),
        2 => date_time().prop_map(M::InternalDate),
        2 => number64().prop_map(M::Rfc822Size),
        1 => body_structure_basic().prop_map(|b| M::Body(Box::new(b))),
        1 => body_structure().prop_map(|b| M::BodyStructure(Box::new(b))),
        2 => (option::of(section()), option::of(any_u32()), nstring())
            .prop_map(|(section, origin, data)| M::BodySection { section, origin, data }),
        1 => (part_numbers(0), option::of(any_u32()), binary_data())
            .prop_map(|(section, origin, value)| M::Binary { section, origin, value }),
        1 => (part_numbers(0), any_u32()).prop_map(|(section, size)| M::BinarySize { section, size }),
        2 => nz_u32().prop_map(M::Uid),
        1 => nstring().prop_map(M::Rfc822),
        1 => nstring().prop_map(M::Rfc822Header),
        1 => nstring().prop_map(M::Rfc822Text),
        1 => mod_seq().prop_map(M::ModSeq),
        1 => option::of(date_time()).prop_map(M::SaveDate),
        1 => object_id().prop_map(M::EmailId),
        1 => option::of(object_id()).prop_map(M::ThreadId),
        1 => nstring().prop_map(M::Preview),
        1 => any::<u64>().prop_map(M::GmailMsgId),
        1 => any::<u64>().prop_map(M::GmailThrId),
        1 => vec(gmail_label(), 0..4).prop_map(M::GmailLabels),
        1 => (unknown_name(KNOWN_ITEM_NAMES), opaque_value())
            .prop_map(|(name, value)| M::Other { name, value }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Codes, STATUS, SEARCH, extensions
// ---------------------------------------------------------------------------------------------

/// An RFC 5530 condition.
pub fn condition() -> impl Strategy<Value = Condition> {
    select(Condition::ALL.iter().map(|(c, _)| *c).collect::<Vec<_>>())
}

const KNOWN_CODES: [&str; 25] = [
    "ALERT",
    "BADCHARSET",
    "CAPABILITY",
    "PARSE",
    "PERMANENTFLAGS",
    "READ-ONLY",
    "READ-WRITE",
    "TRYCREATE",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "APPENDUID",
    "COPYUID",
    "UIDNOTSTICKY",
    "CLOSED",
    "UNKNOWN-CTE",
    "USEATTR",
    "COMPRESSIONACTIVE",
    "METADATA",
    "HIGHESTMODSEQ",
    "NOMODSEQ",
    "MODIFIED",
    "MAILBOXID",
    "UIDREQUIRED",
    "TOOBIG",
];

/// A response code (an `Other` never has a known code's name; its text, if any, is printable
/// ASCII without `]`, not starting or ending with a space).
pub fn code() -> impl Strategy<Value = Code<'static>> {
    let other_name = prop_oneof![
        "X-[A-Z0-9]{1,8}".prop_map(|s| Atom::new(s).expect("atom")),
        atom()
    ]
    .prop_filter("not a known code", |a| {
        !ci_in(a.as_str(), &KNOWN_CODES)
            && !Condition::ALL
                .iter()
                .any(|(_, n)| a.as_str().eq_ignore_ascii_case(n))
    });
    let other_text = "[!-\\x5c\\x5e-~]([ -\\x5c\\x5e-~]{0,14}[!-\\x5c\\x5e-~])?"
        .prop_map(|s| Text::new(s.into_bytes()).expect("text"));
    prop_oneof![
        select(vec![
            Code::Alert,
            Code::Parse,
            Code::ReadOnly,
            Code::ReadWrite,
            Code::TryCreate,
            Code::UidNotSticky,
            Code::Closed,
            Code::UnknownCte,
            Code::NoModSeq,
            Code::UidRequired,
            Code::TooBig,
        ]),
        mod_seq().prop_map(Code::HighestModSeq),
        sequence_set_no_last().prop_map(Code::Modified),
        object_id().prop_map(Code::MailboxId),
        option::of(vec1(charset(), 3)).prop_map(Code::BadCharset),
        vec1(capability(), 5).prop_map(Code::Capability),
        vec(flag_perm(), 0..5).prop_map(Code::PermanentFlags),
        nz_u32().prop_map(Code::UidNext),
        nz_u32().prop_map(Code::UidValidity),
        nz_u32().prop_map(Code::Unseen),
        (nz_u32(), uid_set())
            .prop_map(|(uid_validity, uids)| Code::AppendUid { uid_validity, uids }),
        (nz_u32(), uid_set(), uid_set()).prop_map(|(uid_validity, source, destination)| {
            Code::CopyUid {
                uid_validity,
                source,
                destination,
            }
        }),
        condition().prop_map(Code::Condition),
        (other_name, option::of(other_text)).prop_map(|(name, text)| Code::Other { name, text }),
        admin::code(),
    ]
}

/// A STATUS attribute (an `Other` never has a known attribute's name).
pub fn status_attribute() -> impl Strategy<Value = StatusAttribute> {
    prop_oneof![
        6 => select(StatusAttribute::ALL.to_vec()),
        1 => unknown_name(KNOWN_STATUS_NAMES).prop_map(|a| StatusAttribute::Other(a.into_static())),
    ]
}

const KNOWN_STATUS_NAMES: &[&str] = &[
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "DELETED",
    "SIZE",
    "HIGHESTMODSEQ",
    "MAILBOXID",
    "APPENDLIMIT",
];

/// A STATUS attribute with its value.
pub fn status_value() -> impl Strategy<Value = StatusValue> {
    prop_oneof![
        any_u32().prop_map(StatusValue::Messages),
        any_u32().prop_map(StatusValue::Recent),
        nz_u32().prop_map(StatusValue::UidNext),
        nz_u32().prop_map(StatusValue::UidValidity),
        any_u32().prop_map(StatusValue::Unseen),
        any_u32().prop_map(StatusValue::Deleted),
        number64().prop_map(StatusValue::Size),
        number64().prop_map(StatusValue::DeletedStorage),
        mod_seq_valzer().prop_map(StatusValue::HighestModSeq),
        object_id().prop_map(|o| StatusValue::MailboxId(o.into_static())),
        option::of(any_u32()).prop_map(StatusValue::AppendLimit),
        (unknown_name(KNOWN_STATUS_NAMES), opaque_value()).prop_map(|(name, value)| {
            StatusValue::Other {
                name: name.into_static(),
                value: value.into_static(),
            }
        }),
    ]
}

/// A `tagged-ext-label`.
pub fn tagged_label() -> impl Strategy<Value = TaggedLabel<'static>> {
    prop_oneof![
        3 => "X-[A-Z]{1,8}",
        1 => "[A-Za-z_.\\-][A-Za-z0-9_.:\\-]{0,8}",
    ]
    .prop_map(|s| TaggedLabel::new(s).expect("label chars"))
}

fn label_except(names: &'static [&'static str]) -> impl Strategy<Value = TaggedLabel<'static>> {
    tagged_label().prop_filter("not a known name", move |l| !ci_in(l.as_str(), names))
}

fn tagged_ext_comp_in(dir: Dir) -> BoxedStrategy<TaggedExtComp<'static>> {
    astring_in(dir)
        .prop_map(TaggedExtComp::AString)
        .prop_recursive(3, 12, 3, |inner| {
            // A Many directly inside a Many would flatten: wrap it in parentheses.
            let item = inner.clone().prop_map(|c| match c {
                TaggedExtComp::Many(_) => TaggedExtComp::Paren(Box::new(c)),
                c => c,
            });
            prop_oneof![
                vec(item, 2..4)
                    .prop_map(|v| TaggedExtComp::Many(Vec1::try_from(v).expect("non-empty"))),
                inner.prop_map(|c| TaggedExtComp::Paren(Box::new(c))),
            ]
        })
        .boxed()
}

/// A `tagged-ext-comp` (a `Many` never directly holds another `Many`).
pub fn tagged_ext_comp() -> impl Strategy<Value = TaggedExtComp<'static>> {
    tagged_ext_comp_in(RESP)
}

fn tagged_ext_value_in(dir: Dir) -> BoxedStrategy<TaggedExtValue<'static>> {
    prop_oneof![
        2 => sequence_set().prop_map(|s| TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(s))),
        1 => prop_oneof![Just(0u64), (u32::MAX as u64 + 1)..=i64::MAX as u64]
            .prop_map(|n| TaggedExtValue::Simple(TaggedExtSimple::Number(n))),
        1 => Just(TaggedExtValue::Comp(None)),
        3 => tagged_ext_comp_in(dir).prop_map(|c| TaggedExtValue::Comp(Some(c))),
    ]
    .boxed()
}

/// A `tagged-ext-val`.
pub fn tagged_ext_value() -> impl Strategy<Value = TaggedExtValue<'static>> {
    tagged_ext_value_in(RESP)
}

/// `option-value = "(" option-val-comp ")"`: the only value form LIST options have.
fn option_value_in(dir: Dir) -> impl Strategy<Value = TaggedExtValue<'static>> {
    tagged_ext_comp_in(dir).prop_map(|c| TaggedExtValue::Comp(Some(c)))
}

fn search_key_in(dir: Dir) -> BoxedStrategy<SearchKey<'static>> {
    use SearchKey as K;
    let s = move || astring_in(dir);
    let leaf = prop_oneof![
        6 => select(vec![
            K::All, K::Answered, K::Deleted, K::Draft, K::Flagged, K::New, K::Old, K::Recent, K::Seen,
            K::Unanswered, K::Undeleted, K::Undraft, K::Unflagged, K::Unseen,
        ]),
        1 => s().prop_map(K::Bcc),
        1 => s().prop_map(K::Body),
        1 => s().prop_map(K::Cc),
        1 => s().prop_map(K::From),
        1 => s().prop_map(K::Subject),
        1 => s().prop_map(K::Text),
        1 => s().prop_map(K::To),
        1 => (s(), s()).prop_map(|(a, b)| K::Header(a, b)),
        1 => atom().prop_map(K::Keyword),
        1 => atom().prop_map(K::Unkeyword),
        1 => number64().prop_map(K::Larger),
        1 => number64().prop_map(K::Smaller),
        1 => naive_date().prop_map(K::Before),
        1 => naive_date().prop_map(K::On),
        1 => naive_date().prop_map(K::Since),
        1 => naive_date().prop_map(K::SentBefore),
        1 => naive_date().prop_map(K::SentOn),
        1 => naive_date().prop_map(K::SentSince),
        1 => sequence_set().prop_map(K::Uid),
        2 => sequence_set().prop_map(K::SequenceSet),
        1 => (option::of(mod_seq_entry()), mod_seq_valzer())
            .prop_map(|(entry, mod_seq)| K::ModSeq { entry, mod_seq }),
        1 => nz_u32().prop_map(K::Older),
        1 => nz_u32().prop_map(K::Younger),
        1 => naive_date().prop_map(K::SavedBefore),
        1 => naive_date().prop_map(K::SavedOn),
        1 => naive_date().prop_map(K::SavedSince),
        1 => Just(K::SaveDateSupported),
        1 => object_id().prop_map(K::EmailId),
        1 => object_id().prop_map(K::ThreadId),
        1 => s().prop_map(K::GmailRaw),
        1 => any::<u64>().prop_map(K::GmailMsgId),
        1 => any::<u64>().prop_map(K::GmailThrId),
        1 => gmail_label_in(dir).prop_map(K::GmailLabels),
    ];
    leaf.prop_recursive(4, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| K::Not(Box::new(k))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| K::Or(Box::new(a), Box::new(b))),
            vec1(inner, 3).prop_map(K::And),
        ]
    })
    .boxed()
}

/// A search key, nesting at most 4 levels.
pub fn search_key() -> impl Strategy<Value = SearchKey<'static>> {
    search_key_in(CMD)
}

/// A SEARCH return option (an `Other` label is never a known option).
pub fn search_return_option() -> impl Strategy<Value = SearchReturnOption<'static>> {
    prop_oneof![
        3 => select(vec![
            SearchReturnOption::Min,
            SearchReturnOption::Max,
            SearchReturnOption::All,
            SearchReturnOption::Count,
            SearchReturnOption::Save,
        ]),
        1 => (label_except(&["MIN", "MAX", "ALL", "COUNT", "SAVE"]), option::of(tagged_ext_value_in(CMD)))
            .prop_map(|(l, v)| SearchReturnOption::Other(l, v)),
    ]
}

/// An ESEARCH return data item (`ALL` never `$`; an `Other` label never a known item nor `UID`).
pub fn search_return_data() -> impl Strategy<Value = SearchReturnData<'static>> {
    prop_oneof![
        nz_u32().prop_map(SearchReturnData::Min),
        nz_u32().prop_map(SearchReturnData::Max),
        sequence_set_no_last().prop_map(SearchReturnData::All),
        any_u32().prop_map(SearchReturnData::Count),
        mod_seq().prop_map(SearchReturnData::ModSeq),
        (
            label_except(&["MIN", "MAX", "ALL", "COUNT", "UID", "MODSEQ"]),
            tagged_ext_value()
        )
            .prop_map(|(l, v)| SearchReturnData::Other(l, v)),
    ]
}

/// A LIST `option-standard-tag` or `option-vendor-tag` (an atom) that is not one of `names`.
fn option_name_except(names: &'static [&'static str]) -> impl Strategy<Value = Atom<'static>> {
    prop_oneof![
        2 => tagged_label().prop_map(|l| Atom::new(l.as_str().to_string()).expect("atom")),
        1 => "[A-Za-z0-9]{1,4}-[!#&'+,./0-9:;<=>?@A-Z^_`a-z|~-]{1,6}".prop_map(|s| Atom::new(s).expect("atom")),
    ]
    .prop_filter("not a known name", move |a| !ci_in(a.as_str(), names))
}

/// A LIST selection option (an `Other` value is always parenthesized).
pub fn list_select_option() -> impl Strategy<Value = ListSelectOption<'static>> {
    prop_oneof![
        3 => select(vec![
            ListSelectOption::Subscribed,
            ListSelectOption::Remote,
            ListSelectOption::RecursiveMatch,
            ListSelectOption::SpecialUse,
        ]),
        1 => (
            option_name_except(&["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"]),
            option::of(option_value_in(CMD)),
        )
            .prop_map(|(l, v)| ListSelectOption::Other(l, v)),
    ]
}

/// A LIST return option (an `Other` value is always parenthesized).
pub fn list_return_option() -> impl Strategy<Value = ListReturnOption<'static>> {
    prop_oneof![
        3 => select(vec![ListReturnOption::Subscribed, ListReturnOption::Children, ListReturnOption::SpecialUse]),
        1 => vec1(status_attribute(), 4).prop_map(ListReturnOption::Status),
        1 => (
            option_name_except(&["SUBSCRIBED", "CHILDREN", "STATUS", "SPECIAL-USE"]),
            option::of(option_value_in(CMD)),
        )
            .prop_map(|(l, v)| ListReturnOption::Other(l, v)),
    ]
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// A one-character quoted hierarchy delimiter.
pub fn delimiter() -> impl Strategy<Value = Quoted<'static>> {
    prop_oneof![
        3 => select(vec!["/", ".", "\\", "\""]).prop_map(str::to_string),
        1 => "[ -~]",
    ]
    .prop_map(|s| Quoted::new(s.into_bytes()).expect("one character"))
}

/// A NAMESPACE description.
pub fn namespace_description() -> impl Strategy<Value = NamespaceDescription<'static>> {
    (
        istring(),
        option::of(delimiter()),
        vec((istring(), vec1(istring(), 3)), 0..3),
    )
        .prop_map(|(prefix, delimiter, extensions)| NamespaceDescription {
            prefix,
            delimiter,
            extensions,
        })
}

/// A LIST response payload (`extended` only with `lsub == false`).
pub fn mailbox_list(lsub: bool) -> impl Strategy<Value = MailboxList<'static>> {
    let extended = if lsub {
        Just(None).boxed()
    } else {
        option::of(vec(list_extended_item(), 0..3)).boxed()
    };
    (
        vec(mailbox_attribute(), 0..4),
        option::weighted(0.8, delimiter()),
        mailbox(),
        extended,
    )
        .prop_map(|(attributes, delimiter, mailbox, extended)| MailboxList {
            attributes,
            delimiter,
            mailbox,
            extended,
        })
}

fn namespace() -> impl Strategy<Value = Option<Vec1<NamespaceDescription<'static>>>> {
    option::of(vec1(namespace_description(), 3))
}

/// Untagged data.
pub fn data() -> impl Strategy<Value = Data<'static>> {
    prop_oneof![
        1 => vec1(capability(), 6).prop_map(Data::Capability),
        1 => vec(atom(), 0..4).prop_map(Data::Enabled),
        2 => mailbox_list(false).prop_map(Data::List),
        1 => mailbox_list(true).prop_map(Data::Lsub),
        1 => (namespace(), namespace(), namespace())
            .prop_map(|(personal, other, shared)| Data::Namespace { personal, other, shared }),
        1 => (mailbox(), vec(status_value(), 0..5)).prop_map(|(mailbox, values)| Data::Status { mailbox, values }),
        1 => (option::of(astring()), any::<bool>(), vec(search_return_data(), 0..4))
            .prop_map(|(tag, uid, data)| Data::ESearch { tag, uid, data }),
        1 => vec(nz_u32(), 0..6).prop_map(Data::Search),
        1 => (vec1(nz_u32(), 5), mod_seq()).prop_map(|(ids, mod_seq)| Data::SearchModSeq { ids, mod_seq }),
        1 => (any::<bool>(), uid_set()).prop_map(|(earlier, uids)| Data::Vanished { earlier, uids }),
        1 => vec(nz_u32(), 0..6).prop_map(Data::Sort),
        1 => (vec1(nz_u32(), 5), mod_seq()).prop_map(|(ids, mod_seq)| Data::SortModSeq { ids, mod_seq }),
        1 => vec(thread_list(), 0..4).prop_map(Data::Thread),
        2 => (nz_u32(), vec1(message_data_item(), 4)).prop_map(|(uid, items)| Data::UidFetch { uid, items }),
        1 => vec(flag(), 0..6).prop_map(Data::Flags),
        1 => any_u32().prop_map(Data::Exists),
        1 => any_u32().prop_map(Data::Recent),
        1 => nz_u32().prop_map(Data::Expunge),
        4 => (nz_u32(), vec1(message_data_item(), 5)).prop_map(|(seq, items)| Data::Fetch { seq, items }),
        4 => admin::data(),
    ]
}

fn status_kind() -> impl Strategy<Value = StatusKind> {
    select(vec![StatusKind::Ok, StatusKind::No, StatusKind::Bad])
}

/// A status response: tagged, untagged or BYE.
pub fn status() -> impl Strategy<Value = Status<'static>> {
    prop_oneof![
        3 => (tag(), status_kind(), option::of(code()), text())
            .prop_map(|(tag, kind, code, text)| Status::Tagged { tag, kind, code, text }),
        2 => (status_kind(), option::of(code()), text()).prop_map(|(kind, code, text)| Status::Untagged { kind, code, text }),
        1 => (option::of(code()), text()).prop_map(|(code, text)| Status::Bye { code, text }),
    ]
}

/// A continuation request with text (never base64: see [`challenge`]).
pub fn continuation() -> impl Strategy<Value = Continuation<'static>> {
    (option::of(code()), text()).prop_map(|(code, text)| Continuation::Basic { code, text })
}

/// A SASL challenge (`+ base64`, never empty), for `decode_challenge`.
pub fn challenge() -> impl Strategy<Value = Continuation<'static>> {
    vec(any::<u8>(), 1..48).prop_map(|d| Continuation::Base64(Secret::new(d)))
}

/// Any response `decode_response` produces: status, data, or text continuation request.
pub fn response() -> impl Strategy<Value = Response<'static>> {
    prop_oneof![
        2 => status().prop_map(Response::Status),
        5 => data().prop_map(Response::Data),
        1 => continuation().prop_map(Response::Continuation),
    ]
}

/// A server greeting.
pub fn greeting() -> impl Strategy<Value = Greeting<'static>> {
    (
        select(vec![
            GreetingKind::Ok,
            GreetingKind::PreAuth,
            GreetingKind::Bye,
        ]),
        option::of(code()),
        text(),
    )
        .prop_map(|(kind, code, text)| Greeting { kind, code, text })
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/// A client line during AUTHENTICATE.
pub fn authenticate_data() -> impl Strategy<Value = AuthenticateData> {
    prop_oneof![
        5 => vec(any::<u8>(), 0..48).prop_map(|d| AuthenticateData::Continue(Secret::new(d))),
        1 => Just(AuthenticateData::Cancel),
    ]
}

fn store_mode() -> impl Strategy<Value = StoreMode> {
    select(vec![StoreMode::Replace, StoreMode::Add, StoreMode::Remove])
}

/// A command body (literals synchronizing or not).
pub fn command_body() -> impl Strategy<Value = CommandBody<'static>> {
    use CommandBody as C;
    let mbx = || mailbox_in(CMD);
    let simple = select(vec![
        C::Capability,
        C::Noop,
        C::Logout,
        C::StartTls,
        C::Namespace,
        C::Idle,
        C::Check,
        C::Close,
        C::Unselect,
        C::Expunge,
    ]);
    let authenticate =
        (auth_mechanism(), option::of(vec(any::<u8>(), 0..32))).prop_map(|(mechanism, ir)| {
            C::Authenticate {
                mechanism,
                initial_response: ir.map(Secret::new),
            }
        });
    let login = (astring_in(CMD), astring_in(CMD)).prop_map(|(username, password)| C::Login {
        username,
        password: Secret::new(password),
    });
    let one_mailbox = (0usize..6, mbx()).prop_map(|(k, m)| match k {
        0 => C::select(m),
        1 => C::examine(m),
        2 => C::Create(m),
        3 => C::Delete(m),
        4 => C::Subscribe(m),
        _ => C::Unsubscribe(m),
    });
    let list = (
        option::of(vec(list_select_option(), 0..3)),
        mbx(),
        vec1(list_mailbox_in(CMD), 3),
        any::<bool>(),
        option::of(vec(list_return_option(), 0..3)),
    )
        .prop_map(|(selection, reference, patterns, paren, returns)| C::List {
            selection,
            patterns_parenthesized: paren || patterns.len() > 1,
            reference,
            patterns,
            returns,
        });
    let lsub = (mbx(), list_mailbox_in(CMD))
        .prop_map(|(reference, pattern)| C::Lsub { reference, pattern });
    let status = (mbx(), vec1(status_attribute(), 5)).prop_map(|(mailbox, attributes)| C::Status {
        mailbox,
        attributes,
    });
    let append = (mbx(), vec1(append_message(), 3)).prop_map(|(mailbox, messages)| {
        // An append-data-ext is only recognized as data when the next message starts with
        // a flag list or a date-time.
        let mut messages = messages.into_vec();
        for k in 1..messages.len() {
            let next = &messages[k];
            if matches!(messages[k - 1].data, AppendData::Other(..))
                && next.flags.is_none()
                && next.date.is_none()
            {
                messages[k].flags = Some(Vec::new());
            }
        }
        C::Append {
            mailbox,
            messages: Vec1::try_from(messages).expect("non-empty"),
        }
    });
    let select_cmd =
        (any::<bool>(), mbx(), vec(select_param(), 1..3)).prop_map(|(examine, mailbox, params)| {
            if examine {
                C::Examine { mailbox, params }
            } else {
                C::Select { mailbox, params }
            }
        });
    let search = (
        any::<bool>(),
        option::of(vec(search_return_option(), 0..3)),
        option::of(charset()),
        vec1(search_key_in(CMD), 3),
    )
        .prop_map(|(uid, returns, charset, criteria)| C::Search {
            uid,
            returns,
            charset,
            criteria,
        });
    let fetch = (
        any::<bool>(),
        sequence_set(),
        macro_or_attributes_in(CMD),
        prop_oneof![3 => Just(Vec::new()), 1 => vec(fetch_modifier(), 1..3)],
    )
        .prop_map(|(uid, set, attributes, modifiers)| C::Fetch {
            uid,
            set,
            attributes,
            modifiers,
        });
    let store_mods = || prop_oneof![3 => Just(Vec::new()), 1 => vec(store_modifier(), 1..3)];
    let store = (
        any::<bool>(),
        sequence_set(),
        store_mods(),
        store_mode(),
        any::<bool>(),
        vec(flag(), 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(uid, set, modifiers, mode, silent, flags, paren)| C::Store {
                uid,
                set,
                modifiers,
                mode,
                silent,
                parenthesized: paren || flags.is_empty(),
                flags,
            },
        );
    let copy_move = (any::<bool>(), any::<bool>(), sequence_set(), mbx()).prop_map(
        |(is_move, uid, set, mailbox)| {
            if is_move {
                C::Move { uid, set, mailbox }
            } else {
                C::Copy { uid, set, mailbox }
            }
        },
    );
    prop_oneof![
        3 => simple,
        1 => authenticate,
        1 => login,
        1 => vec1(atom(), 3).prop_map(C::Enable),
        3 => one_mailbox,
        1 => (mbx(), mbx()).prop_map(|(from, to)| C::Rename { from, to }),
        2 => list,
        1 => lsub,
        1 => status,
        2 => append,
        1 => sequence_set().prop_map(C::UidExpunge),
        3 => search,
        3 => fetch,
        2 => store,
        2 => copy_move,
        6 => admin::command_body(),
        2 => select_cmd,
        2 => sort_command(),
        1 => thread_command(),
        1 => (any::<bool>(), sequence_set(), store_mods(), store_mode(), any::<bool>(), vec(gmail_label_in(CMD), 0..4), any::<bool>())
            .prop_map(|(uid, set, modifiers, mode, silent, labels, paren)| C::StoreGmailLabels {
                uid,
                set,
                modifiers,
                mode,
                silent,
                parenthesized: paren || labels.is_empty(),
                labels,
            }),
    ]
}

/// A tagged command.
pub fn command() -> impl Strategy<Value = Command<'static>> {
    (tag(), command_body()).prop_map(|(tag, body)| Command { tag, body })
}

// ---------------------------------------------------------------------------------------------
// Message-level extensions (RFC 4466, RFC 7162, RFC 5256, RFC 3502, RFC 8474, X-GM-EXT-1)
// ---------------------------------------------------------------------------------------------

/// FETCH attribute names and macros an unknown attribute must not have.
const KNOWN_FETCH_NAMES: &[&str] = &[
    "ENVELOPE",
    "FLAGS",
    "INTERNALDATE",
    "RFC822.SIZE",
    "RFC822.HEADER",
    "RFC822.TEXT",
    "RFC822",
    "BODYSTRUCTURE",
    "UID",
    "BODY",
    "BODY.PEEK",
    "BINARY",
    "BINARY.PEEK",
    "BINARY.SIZE",
    "MODSEQ",
    "SAVEDATE",
    "EMAILID",
    "THREADID",
    "PREVIEW",
    "X-GM-MSGID",
    "X-GM-THRID",
    "X-GM-LABELS",
    "ALL",
    "FAST",
    "FULL",
];

/// FETCH data item names an unknown item must not have.
const KNOWN_ITEM_NAMES: &[&str] = &[
    "FLAGS",
    "ENVELOPE",
    "INTERNALDATE",
    "RFC822.SIZE",
    "BODY",
    "BODYSTRUCTURE",
    "BINARY",
    "BINARY.SIZE",
    "UID",
    "RFC822",
    "RFC822.HEADER",
    "RFC822.TEXT",
    "MODSEQ",
    "SAVEDATE",
    "EMAILID",
    "THREADID",
    "PREVIEW",
    "X-GM-MSGID",
    "X-GM-THRID",
    "X-GM-LABELS",
];

/// An atom without `[` that is none of `known` (the name of an unknown item or attribute).
fn unknown_name(known: &'static [&'static str]) -> impl Strategy<Value = Atom<'static>> {
    prop_oneof![
        2 => "X-[A-Z0-9]{1,8}".prop_map(|s| Atom::new(s).expect("atom")),
        1 => atom(),
    ]
    .prop_filter("an unknown name without \"[\"", move |a| {
        !a.as_str().contains('[') && !ci_in(a.as_str(), known)
    })
}

/// A mod-sequence, 1 ..= 2^63 - 1.
pub fn mod_seq() -> impl Strategy<Value = ModSeq> {
    prop_oneof![3 => 1u64..100_000, 1 => 1u64..=i64::MAX as u64]
        .prop_map(|n| ModSeq::new(n).expect("in range"))
}

/// A mod-sequence or zero.
pub fn mod_seq_valzer() -> impl Strategy<Value = ModSeqValzer> {
    number64().prop_map(|n| ModSeqValzer::new(n).expect("in range"))
}

/// An object identifier (RFC 8474).
pub fn object_id() -> impl Strategy<Value = ObjectId<'static>> {
    prop_oneof![
        4 => "[A-Za-z0-9_-]{1,24}",
        1 => "[A-Za-z0-9_-]{250,255}",
    ]
    .prop_map(|s| ObjectId::new(s).expect("objectid chars"))
}

fn gmail_label_in(dir: Dir) -> BoxedStrategy<GmailLabel<'static>> {
    prop_oneof![
        1 => select(vec!["Inbox", "Sent", "Important", "Drafts", "Trash"])
            .prop_map(|s| GmailLabel::System(Atom::new(s).expect("atom"))),
        1 => atom().prop_map(GmailLabel::System),
        3 => astring_in(dir).prop_map(GmailLabel::Label),
    ]
    .boxed()
}

/// A Gmail label: a system label `\atom` or an astring.
pub fn gmail_label() -> impl Strategy<Value = GmailLabel<'static>> {
    gmail_label_in(RESP)
}

/// An opaque value (synchronizing literals only), nesting at most 3 levels.
pub fn opaque_value() -> impl Strategy<Value = OpaqueValue<'static>> {
    let token = prop_oneof![
        2 => "[A-Za-z0-9][A-Za-z0-9.:-]{0,8}",
        1 => select(vec!["NIL", "\\Seen", "\\*", "1:*", "$", "[x]", "~a"]).prop_map(str::to_string),
        1 => vec(select(chars(is_token_char)), 1..8).prop_map(String::from_iter),
    ]
    .prop_map(|s| OpaqueValue::Token(OpaqueToken::new(s).expect("token chars")));
    let leaf = prop_oneof![
        3 => token,
        2 => istring().prop_map(OpaqueValue::String),
        1 => literal8().prop_map(OpaqueValue::Literal8),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        vec(inner, 0..4).prop_map(OpaqueValue::List)
    })
}

/// A thread list, nesting at most 4 levels.
pub fn thread_list() -> impl Strategy<Value = ThreadList> {
    let leaf = vec1(nz_u32(), 3).prop_map(|ids| ThreadList::Members {
        ids,
        nested: Vec::new(),
    });
    leaf.prop_recursive(4, 16, 3, |inner| {
        prop_oneof![
            (vec1(nz_u32(), 3), vec(inner.clone(), 1..3))
                .prop_map(|(ids, nested)| ThreadList::Members { ids, nested }),
            vec1(inner, 3).prop_map(ThreadList::Nested),
        ]
    })
}

fn mod_seq_entry() -> impl Strategy<Value = ModSeqEntry<'static>> {
    (
        flag(),
        select(vec![EntryType::Private, EntryType::Shared, EntryType::All]),
    )
        .prop_map(|(flag, entry_type)| ModSeqEntry { flag, entry_type })
}

/// A QRESYNC parameter (sets without `*` and `$`).
pub fn qresync_param() -> impl Strategy<Value = QresyncParam> {
    (
        nz_u32(),
        mod_seq(),
        option::of(uid_set()),
        option::of((uid_set(), uid_set())),
    )
        .prop_map(|(uid_validity, mod_seq, known_uids, m)| QresyncParam {
            uid_validity,
            mod_seq,
            known_uids,
            seq_match: m.map(|(known_sequence_set, known_uid_set)| SeqMatchData {
                known_sequence_set,
                known_uid_set,
            }),
        })
}

/// A SELECT/EXAMINE parameter (an `Other` label is never CONDSTORE or QRESYNC).
pub fn select_param() -> impl Strategy<Value = SelectParam<'static>> {
    prop_oneof![
        2 => Just(SelectParam::Condstore),
        2 => qresync_param().prop_map(SelectParam::Qresync),
        1 => (label_except(&["CONDSTORE", "QRESYNC"]), option::of(tagged_ext_value_in(CMD)))
            .prop_map(|(l, v)| SelectParam::Other(l, v)),
    ]
}

/// A FETCH modifier (an `Other` label is never CHANGEDSINCE, VANISHED, nor LAZY, which would
/// read as PREVIEW's modifier).
pub fn fetch_modifier() -> impl Strategy<Value = FetchModifier<'static>> {
    prop_oneof![
        2 => mod_seq().prop_map(FetchModifier::ChangedSince),
        1 => Just(FetchModifier::Vanished),
        1 => (label_except(&["CHANGEDSINCE", "VANISHED", "LAZY"]), option::of(tagged_ext_value_in(CMD)))
            .prop_map(|(l, v)| FetchModifier::Other(l, v)),
    ]
}

/// A STORE modifier (an `Other` label is never UNCHANGEDSINCE).
pub fn store_modifier() -> impl Strategy<Value = StoreModifier<'static>> {
    prop_oneof![
        2 => mod_seq_valzer().prop_map(StoreModifier::UnchangedSince),
        1 => (label_except(&["UNCHANGEDSINCE"]), option::of(tagged_ext_value_in(CMD)))
            .prop_map(|(l, v)| StoreModifier::Other(l, v)),
    ]
}

/// One APPEND message (literals synchronizing or not; extension labels never UTF8).
fn append_message() -> impl Strategy<Value = AppendMessage<'static>> {
    let data = prop_oneof![
        4 => literal_in(CMD).prop_map(AppendData::Literal),
        2 => literal8_in(CMD).prop_map(AppendData::Literal8),
        1 => literal8_in(CMD).prop_map(AppendData::Utf8),
        1 => (label_except(&["UTF8"]), tagged_ext_value_in(CMD)).prop_map(|(l, v)| AppendData::Other(l, v)),
    ];
    (
        option::of(vec(flag(), 0..4)),
        option::of(date_time()),
        prop_oneof![3 => Just(Vec::new()), 1 => vec((label_except(&["UTF8"]), tagged_ext_value_in(CMD)), 1..3)],
        data,
    )
        .prop_map(|(flags, date, extensions, data)| AppendMessage {
            flags,
            date,
            extensions,
            data,
        })
}

/// A sort criterion (an `Other` key is never a known key nor REVERSE).
pub fn sort_criterion() -> impl Strategy<Value = SortCriterion<'static>> {
    let known: Vec<SortKey<'static>> = SortKey::KNOWN.iter().map(|(k, _)| k.clone()).collect();
    let names: Vec<&'static str> = SortKey::KNOWN.iter().map(|(_, n)| *n).collect();
    let key = prop_oneof![
        5 => select(known),
        1 => atom()
            .prop_filter("not a known sort key", move |a| !ci_in(a.as_str(), &names) && !a.as_str().eq_ignore_ascii_case("REVERSE"))
            .prop_map(SortKey::Other),
    ];
    (any::<bool>(), key).prop_map(|(reverse, key)| SortCriterion { reverse, key })
}

/// A threading algorithm (an `Other` is never ORDEREDSUBJECT or REFERENCES).
pub fn thread_algorithm() -> impl Strategy<Value = ThreadAlgorithm<'static>> {
    prop_oneof![
        2 => Just(ThreadAlgorithm::OrderedSubject),
        2 => Just(ThreadAlgorithm::References),
        1 => atom()
            .prop_filter("not a known algorithm", |a| !ci_in(a.as_str(), &["ORDEREDSUBJECT", "REFERENCES"]))
            .prop_map(ThreadAlgorithm::Other),
    ]
}

fn sort_command() -> impl Strategy<Value = CommandBody<'static>> {
    (
        any::<bool>(),
        option::of(vec(search_return_option(), 0..3)),
        vec1(sort_criterion(), 4),
        charset(),
        vec1(search_key_in(CMD), 3),
    )
        .prop_map(
            |(uid, returns, criteria, charset, keys)| CommandBody::Sort {
                uid,
                returns,
                criteria,
                charset,
                keys,
            },
        )
}

fn thread_command() -> impl Strategy<Value = CommandBody<'static>> {
    (
        any::<bool>(),
        thread_algorithm(),
        charset(),
        vec1(search_key_in(CMD), 3),
    )
        .prop_map(|(uid, algorithm, charset, keys)| CommandBody::Thread {
            uid,
            algorithm,
            charset,
            keys,
        })
}
