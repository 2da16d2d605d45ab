//! Strategies for the administrative extensions (ID, QUOTA, METADATA, ACL, CREATE parameters,
//! COMPRESS, UNAUTHENTICATE) and the generic forms of unknown commands and responses.

use std::borrow::Cow;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use super::{
    CMD, Dir, RESP, astring_in, atom, ci_in, istring_in, literal_in, literal8_in,
    mailbox_attribute, mailbox_in, quoted, tagged_ext_value_in, tagged_label, vec1,
};
use crate::types::*;

/// A quota resource name (an `Other` is never a known one).
pub fn quota_resource_name() -> impl Strategy<Value = QuotaResourceName<'static>> {
    prop_oneof![
        3 => select(vec![
            QuotaResourceName::Storage,
            QuotaResourceName::Message,
            QuotaResourceName::Mailbox,
            QuotaResourceName::AnnotationStorage,
        ]),
        1 => atom()
            .prop_map(QuotaResourceName::from_atom)
            .prop_filter("unknown resource", |r| matches!(r, QuotaResourceName::Other(_))),
    ]
}

fn limit64() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0u64..100_000, 1 => 0u64..=i64::MAX as u64]
}

/// A capability that [`Capability::from_atom`] gives back from its encoding.
pub(super) fn typed_capability() -> BoxedStrategy<Capability<'static>> {
    let letters = "[a-z0-9]{1,8}".prop_map(|s| Atom::new(s).expect("atom"));
    prop_oneof![
        6 => select(vec![
            Capability::Idle, Capability::Enable, Capability::UidPlus, Capability::Move,
            Capability::CondStore, Capability::QResync, Capability::LiteralPlus,
            Capability::LiteralMinus, Capability::SaslIr, Capability::Id, Capability::Namespace,
            Capability::Unselect, Capability::Children, Capability::SpecialUse,
            Capability::CreateSpecialUse, Capability::ListExtended, Capability::ListStatus,
            Capability::ESearch, Capability::SearchRes, Capability::Within, Capability::Sort,
            Capability::SortDisplay, Capability::Quota, Capability::QuotaSet,
            Capability::Metadata, Capability::MetadataServer, Capability::Binary,
            Capability::Utf8Accept, Capability::Utf8Only, Capability::StatusSize,
            Capability::ObjectId, Capability::Preview, Capability::Unauthenticate,
            Capability::Acl, Capability::MultiAppend, Capability::SaveDate, Capability::UidOnly,
            Capability::XGmExt1,
        ]),
        1 => select(vec!["REFERENCES", "ORDEREDSUBJECT", "REFS"])
            .prop_map(|s| Capability::Thread(Atom::new(s).expect("atom"))),
        1 => quota_resource_name().prop_map(Capability::QuotaRes),
        1 => letters.prop_map(Capability::Rights),
        1 => option::of(any::<u32>()).prop_map(Capability::AppendLimit),
        1 => prop_oneof![
            Just(CompressionAlgorithm::Deflate),
            "X[A-Z]{1,6}".prop_map(|s| CompressionAlgorithm::Other(Atom::new(s).expect("atom"))),
        ]
        .prop_map(Capability::Compress),
    ]
    .boxed()
}

/// A METADATA response code.
pub fn metadata_code() -> impl Strategy<Value = MetadataCode> {
    prop_oneof![
        any::<u32>().prop_map(MetadataCode::LongEntries),
        any::<u32>().prop_map(MetadataCode::MaxSize),
        Just(MetadataCode::TooMany),
        Just(MetadataCode::NoPrivate),
    ]
}

/// The response codes of these extensions.
pub(super) fn code() -> BoxedStrategy<Code<'static>> {
    prop_oneof![
        Just(Code::UseAttr),
        Just(Code::CompressionActive),
        metadata_code().prop_map(Code::Metadata),
    ]
    .boxed()
}

/// An entry name (RFC 5464 §3.2) as atom, quoted string or literal.
fn metadata_entry_in(dir: Dir) -> BoxedStrategy<MetadataEntry<'static>> {
    let name = "/(private|shared|PRIVATE|Shared)(/[a-zA-Z0-9.-]{1,8}){1,3}";
    let form = prop_oneof![
        2 => name.prop_map(|s| AString::Atom(AtomExt::new(s).expect("astring chars"))),
        2 => name.prop_map(|s| AString::String(IString::Quoted(Quoted::new(s.into_bytes()).expect("quotable")))),
        1 => (name, super::literal_mode_in(dir)).prop_map(|(s, m)| {
            AString::String(IString::Literal(Literal::with_mode(s.into_bytes(), m).expect("no NUL")))
        }),
        1 => "/vendor/x y/[a-z]{1,4}".prop_map(|s| AString::String(IString::Quoted(Quoted::new(s.into_bytes()).expect("quotable")))),
    ];
    form.prop_map(|a| MetadataEntry::new(a).expect("valid entry"))
        .boxed()
}

/// A metadata entry name.
pub fn metadata_entry() -> impl Strategy<Value = MetadataEntry<'static>> {
    metadata_entry_in(RESP)
}

fn metadata_value_in(dir: Dir) -> BoxedStrategy<MetadataValue<'static>> {
    prop_oneof![
        4 => option::weighted(0.8, istring_in(dir)).prop_map(|s| MetadataValue::NString(NString(s))),
        1 => literal8_in(dir).prop_map(MetadataValue::Literal8),
    ]
    .boxed()
}

fn entry_values_in(
    dir: Dir,
) -> impl Strategy<Value = Vec1<(MetadataEntry<'static>, MetadataValue<'static>)>> {
    vec1((metadata_entry_in(dir), metadata_value_in(dir)), 3)
}

fn rights_in(dir: Dir, empty: bool) -> BoxedStrategy<Rights<'static>> {
    let min = usize::from(!empty);
    let letters = proptest::string::string_regex(&format!("[a-z0-9]{{{min},8}}")).expect("regex");
    (letters, 0..4u8, super::literal_mode_in(dir))
        .prop_map(|(s, form, mode)| {
            let a = match form {
                0 if !s.is_empty() => AString::Atom(AtomExt::new(s).expect("atom")),
                1 => AString::String(IString::Literal(
                    Literal::with_mode(s.into_bytes(), mode).expect("no NUL"),
                )),
                _ => AString::String(IString::Quoted(
                    Quoted::new(s.into_bytes()).expect("quotable"),
                )),
            };
            Rights::new(a).expect("rights")
        })
        .boxed()
}

/// A rights string (letters and digits; an empty one is quoted).
pub fn rights() -> impl Strategy<Value = Rights<'static>> {
    rights_in(RESP, true)
}

fn identifier_in(dir: Dir) -> BoxedStrategy<AclIdentifier<'static>> {
    prop_oneof![
        1 => select(vec!["anyone", "-Fred", "$team", "fred@example.com"])
            .prop_map(|s| AclIdentifier(AString::Atom(AtomExt::new(s).expect("atom")))),
        3 => astring_in(dir).prop_map(AclIdentifier),
    ]
    .boxed()
}

fn id_params_in(dir: Dir) -> BoxedStrategy<IdParams<'static>> {
    let field = istring_in(dir).prop_filter("field of at most 30 octets", |f| {
        f.as_bytes().len() <= ID_MAX_FIELD
    });
    let value = option::weighted(0.8, istring_in(dir)).prop_map(NString);
    prop_oneof![
        1 => Just(IdParams::NIL),
        4 => vec((field, value), 0..5).prop_map(|v| IdParams::new(v).expect("within bounds")),
    ]
    .boxed()
}

/// An ID field list or NIL.
pub fn id_params() -> impl Strategy<Value = IdParams<'static>> {
    id_params_in(RESP)
}

/// Raw arguments: text without braces or `~` and literals, never two texts in a row.
fn raw_args_in(dir: Dir) -> BoxedStrategy<RawArgs<'static>> {
    let text = "[A-Za-z0-9 ()\"*%\\[\\]\\\\.:=+-]{1,16}"
        .prop_map(|s| RawPart::Text(Cow::Owned(s.into_bytes())));
    let lit = prop_oneof![
        3 => literal_in(dir).prop_map(RawPart::Literal),
        1 => literal8_in(dir).prop_map(RawPart::Literal8),
    ];
    vec((option::of(text), option::of(lit)), 0..3)
        .prop_map(|pairs| {
            let mut parts = Vec::new();
            for (t, l) in pairs {
                let last_text = matches!(parts.last(), Some(RawPart::Text(_)));
                if let Some(t) = t {
                    if !last_text {
                        parts.push(t);
                    }
                }
                if let Some(l) = l {
                    parts.push(l);
                }
            }
            RawArgs::new(parts).expect("valid raw arguments")
        })
        .boxed()
}

/// Raw arguments of an unknown response.
pub fn raw_args() -> impl Strategy<Value = RawArgs<'static>> {
    raw_args_in(RESP)
}

/// A name no command or response of this crate (or its extensions) has.
fn unknown_name() -> impl Strategy<Value = Atom<'static>> {
    "XX[A-Z0-9_.-]{1,6}".prop_map(|s| Atom::new(s).expect("atom"))
}

fn mailbox_list_item_value() -> BoxedStrategy<(AString<'static>, ListExtendedValue<'static>)> {
    let tagged = |s: &'static str| {
        prop_oneof![
            Just(AString::String(IString::Quoted(
                Quoted::new(s.as_bytes()).expect("q")
            ))),
            Just(AString::Atom(AtomExt::new(s).expect("atom"))),
        ]
    };
    prop_oneof![
        1 => (tagged("CHILDINFO"), vec1(quoted(), 3))
            .prop_map(|(t, v)| (t, ListExtendedValue::ChildInfo(v))),
        1 => (tagged("OLDNAME"), astring_in(RESP))
            .prop_map(|(t, m)| (t, ListExtendedValue::OldName(m))),
        3 => (
            super::astring().prop_filter("not a typed item", |a| {
                !ci_in(&String::from_utf8_lossy(a.as_bytes()), &["CHILDINFO", "OLDNAME"])
            }),
            super::tagged_ext_value(),
        )
            .prop_map(|(t, v)| (t, ListExtendedValue::Other(v))),
    ]
    .boxed()
}

/// A LIST extended data item.
pub fn list_extended_item() -> impl Strategy<Value = ListExtendedItem<'static>> {
    mailbox_list_item_value().prop_map(|(tag, value)| ListExtendedItem { tag, value })
}

/// The untagged data of these extensions.
pub(super) fn data() -> BoxedStrategy<Data<'static>> {
    let mbx = || mailbox_in(RESP);
    prop_oneof![
        id_params().prop_map(Data::Id),
        (
            astring_in(RESP),
            vec((quota_resource_name(), limit64(), limit64()), 0..4)
        )
            .prop_map(|(root, r)| Data::Quota {
                root,
                resources: r
                    .into_iter()
                    .map(|(name, usage, limit)| QuotaResource { name, usage, limit })
                    .collect(),
            }),
        (mbx(), vec(astring_in(RESP), 0..3))
            .prop_map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots }),
        (mbx(), entry_values_in(RESP)).prop_map(|(mailbox, v)| Data::Metadata {
            mailbox,
            items: MetadataItems::Values(v),
        }),
        (mbx(), vec1(metadata_entry(), 3)).prop_map(|(mailbox, e)| Data::Metadata {
            mailbox,
            items: MetadataItems::Entries(e),
        }),
        (
            mbx(),
            vec((identifier_in(RESP), rights_in(RESP, true)), 0..3)
        )
            .prop_map(|(mailbox, entries)| Data::Acl { mailbox, entries }),
        (
            mbx(),
            identifier_in(RESP),
            rights_in(RESP, true),
            vec(rights_in(RESP, false), 0..3)
        )
            .prop_map(
                |(mailbox, identifier, required, optional)| Data::ListRights {
                    mailbox,
                    identifier,
                    required,
                    optional,
                }
            ),
        (mbx(), rights_in(RESP, true))
            .prop_map(|(mailbox, rights)| Data::MyRights { mailbox, rights }),
        (
            option::of(any::<u32>()),
            unknown_name(),
            option::of(raw_args())
        )
            .prop_map(|(number, name, args)| Data::Other { number, name, args }),
    ]
    .boxed()
}

fn getmetadata_option() -> impl Strategy<Value = GetMetadataOption<'static>> {
    prop_oneof![
        any::<u32>().prop_map(GetMetadataOption::MaxSize),
        select(vec![
            MetadataDepth::Zero,
            MetadataDepth::One,
            MetadataDepth::Infinity
        ])
        .prop_map(GetMetadataOption::Depth),
        (
            tagged_label().prop_filter("not a known option", |l| !ci_in(
                l.as_str(),
                &["MAXSIZE", "DEPTH"]
            )),
            option::of(tagged_ext_value_in(CMD)),
        )
            .prop_map(|(l, v)| GetMetadataOption::Other(l, v)),
    ]
}

fn create_param() -> impl Strategy<Value = CreateParam<'static>> {
    prop_oneof![
        2 => vec(mailbox_attribute(), 0..4).prop_map(CreateParam::Use),
        1 => (
            tagged_label().prop_filter("not USE", |l| !l.as_str().eq_ignore_ascii_case("USE")),
            option::of(tagged_ext_value_in(CMD)),
        )
            .prop_map(|(l, v)| CreateParam::Other(l, v)),
    ]
}

fn mod_rights() -> impl Strategy<Value = ModRights<'static>> {
    ("[+-]?", rights_in(CMD, true)).prop_map(|(prefix, r)| {
        let text = format!("{prefix}{}", String::from_utf8_lossy(r.as_bytes()));
        ModRights::new(AString::from_bytes(text.into_bytes()).expect("astring"))
            .expect("mod-rights")
    })
}

/// The commands of these extensions (literals synchronizing or not).
pub(super) fn command_body() -> BoxedStrategy<CommandBody<'static>> {
    use CommandBody as C;
    let mbx = || mailbox_in(CMD);
    prop_oneof![
        id_params_in(CMD).prop_map(C::Id),
        (mbx(), vec1(create_param(), 3))
            .prop_map(|(mailbox, params)| C::CreateWithParams { mailbox, params }),
        astring_in(CMD).prop_map(C::GetQuota),
        mbx().prop_map(C::GetQuotaRoot),
        (
            astring_in(CMD),
            vec((quota_resource_name(), limit64()), 0..3)
        )
            .prop_map(|(root, l)| {
                C::SetQuota {
                    root,
                    limits: l
                        .into_iter()
                        .map(|(name, limit)| QuotaLimit { name, limit })
                        .collect(),
                }
            }),
        (
            option::of(vec1(getmetadata_option(), 3)),
            mbx(),
            vec1(metadata_entry_in(CMD), 3),
            any::<bool>()
        )
            .prop_map(|(options, mailbox, entries, paren)| C::GetMetadata {
                options,
                mailbox,
                entries_parenthesized: paren || entries.len() > 1,
                entries,
            }),
        (mbx(), entry_values_in(CMD))
            .prop_map(|(mailbox, values)| C::SetMetadata { mailbox, values }),
        (mbx(), identifier_in(CMD), mod_rights()).prop_map(|(mailbox, identifier, rights)| {
            C::SetAcl {
                mailbox,
                identifier,
                rights,
            }
        }),
        (mbx(), identifier_in(CMD)).prop_map(|(mailbox, identifier)| C::DeleteAcl {
            mailbox,
            identifier
        }),
        mbx().prop_map(C::GetAcl),
        (mbx(), identifier_in(CMD)).prop_map(|(mailbox, identifier)| C::ListRights {
            mailbox,
            identifier
        }),
        mbx().prop_map(C::MyRights),
        Just(C::Unauthenticate),
        Just(C::Compress(CompressionAlgorithm::Deflate)),
        (unknown_name(), option::of(raw_args_in(CMD)))
            .prop_map(|(name, args)| C::Other { name, args }),
    ]
    .boxed()
}
