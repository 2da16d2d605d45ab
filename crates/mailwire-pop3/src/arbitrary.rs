//! proptest strategies for every message type (feature `arbitrary`), for property tests and for
//! users testing their own code against valid POP3 traffic.
//!
//! Every generated value is valid and encodes to its canonical form, which decodes back to an
//! equal value (for responses, with the shape from [`expect_for`]).

use std::borrow::Cow;

use mailwire_core::Secret;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::codec::Expect;
use crate::types::*;

fn bytes_without_crlf(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..max,
    )
}

/// Human-readable text (8-bit allowed). It never starts with `[`, which would read as a response
/// code.
pub fn text() -> impl Strategy<Value = Text<'static>> {
    bytes_without_crlf(40).prop_filter_map("text", |b| {
        if b.first() == Some(&b'[') {
            return None;
        }
        Text::new(b).ok()
    })
}

/// A command argument: printable ASCII or UTF-8, no spaces.
pub fn arg() -> impl Strategy<Value = Arg<'static>> {
    prop_oneof!["[!-~]{1,16}", "[a-z\u{e9}\u{4e2d}\u{1f600}]{1,6}",]
        .prop_map(|s| Arg::new(s).expect("strategy yields valid arguments"))
}

/// A message number.
pub fn msg_num() -> impl Strategy<Value = MsgNum> {
    prop_oneof![1u32..20, 1u32..=u32::MAX].prop_map(|n| MsgNum::new(n).expect("non-zero"))
}

/// A SASL mechanism name.
pub fn mechanism() -> impl Strategy<Value = Mechanism<'static>> {
    "[A-Z0-9_-]{1,20}".prop_map(|s| Mechanism::new(s).expect("valid mechanism"))
}

/// A language tag.
pub fn language_tag() -> impl Strategy<Value = LanguageTag<'static>> {
    "[a-z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}".prop_map(|s| LanguageTag::new(s).expect("valid tag"))
}

/// A unique-id.
pub fn unique_id() -> impl Strategy<Value = UniqueId<'static>> {
    "[!-~]{1,70}".prop_map(|s| UniqueId::new(s).expect("valid unique-id"))
}

fn keyword() -> impl Strategy<Value = Keyword<'static>> {
    "[A-Z][A-Z0-9]{2,3}".prop_filter_map("not a standard keyword", |s| Keyword::new(s).ok())
}

fn secret_bytes(max: usize) -> impl Strategy<Value = Secret<Vec<u8>>> {
    vec(any::<u8>(), 0..max).prop_map(Secret::new)
}

/// Any command.
pub fn command() -> impl Strategy<Value = Command<'static>> {
    prop_oneof![
        arg().prop_map(Command::User),
        bytes_without_crlf(30)
            .prop_filter_map("no NUL", |p| Password::new(p).ok().map(Command::Pass)),
        (arg(), any::<[u8; 16]>()).prop_map(|(name, d)| Command::Apop {
            name,
            digest: ApopDigest::from_bytes(d)
        }),
        Just(Command::Stat),
        proptest::option::of(msg_num()).prop_map(Command::List),
        msg_num().prop_map(Command::Retr),
        msg_num().prop_map(Command::Dele),
        Just(Command::Noop),
        Just(Command::Rset),
        Just(Command::Quit),
        (msg_num(), any::<u32>()).prop_map(|(msg, lines)| Command::Top { msg, lines }),
        proptest::option::of(msg_num()).prop_map(Command::Uidl),
        Just(Command::Capa),
        Just(Command::Stls),
        proptest::option::of((mechanism(), proptest::option::of(secret_bytes(40)))).prop_map(|a| {
            Command::Auth(a.map(|(mechanism, initial_response)| SaslAuth {
                mechanism,
                initial_response,
            }))
        }),
        Just(Command::Utf8),
        proptest::option::of(prop_oneof![
            Just(LangRequest::Wildcard),
            language_tag().prop_map(LangRequest::Range)
        ])
        .prop_map(Command::Lang),
        (keyword(), vec(arg(), 0..3))
            .prop_map(|(keyword, params)| Command::Other { keyword, params }),
    ]
}

/// A response code.
pub fn response_code() -> impl Strategy<Value = ResponseCode<'static>> {
    prop_oneof![
        Just(ResponseCode::InUse),
        Just(ResponseCode::LoginDelay),
        Just(ResponseCode::SysTemp),
        Just(ResponseCode::SysPerm),
        Just(ResponseCode::Auth),
        Just(ResponseCode::Utf8),
        "[A-Z0-9-]{1,8}(/[A-Z0-9-]{1,8}){0,2}".prop_filter_map("unknown code", |s| {
            RespCodeText::new(s).ok().map(ResponseCode::Other)
        }),
    ]
}

/// A status line of the given kind.
pub fn status_of(kind: StatusKind) -> impl Strategy<Value = Status<'static>> {
    (proptest::option::of(response_code()), text()).prop_map(move |(code, text)| Status {
        kind,
        code,
        text,
    })
}

/// A status line.
pub fn status() -> impl Strategy<Value = Status<'static>> {
    prop_oneof![status_of(StatusKind::Ok), status_of(StatusKind::Err)]
}

/// A capability.
pub fn capability() -> impl Strategy<Value = Capability<'static>> {
    prop_oneof![
        Just(Capability::Top),
        Just(Capability::User),
        vec(mechanism(), 0..4).prop_map(Capability::Sasl),
        Just(Capability::RespCodes),
        (any::<u32>(), any::<bool>())
            .prop_map(|(seconds, per_user)| Capability::LoginDelay { seconds, per_user }),
        Just(Capability::Pipelining),
        (
            prop_oneof![
                Just(ExpirePolicy::Never),
                any::<u32>().prop_map(ExpirePolicy::Days)
            ],
            any::<bool>()
        )
            .prop_map(|(policy, per_user)| Capability::Expire { policy, per_user }),
        Just(Capability::Uidl),
        text().prop_map(Capability::Implementation),
        Just(Capability::Stls),
        Just(Capability::AuthRespCode),
        any::<bool>().prop_map(|user| Capability::Utf8 { user }),
        Just(Capability::Lang),
        ("[A-Z][A-Z0-9-]{0,11}", vec("[!-~]{1,8}", 0..3)).prop_filter_map(
            "unknown tag",
            |(t, p)| {
                Some(Capability::Other {
                    tag: CapaTag::new(t).ok()?,
                    params: p
                        .into_iter()
                        .map(|p| Arg::new(p).ok())
                        .collect::<Option<_>>()?,
                })
            }
        ),
    ]
}

fn scan_listing() -> impl Strategy<Value = ScanListing<'static>> {
    (msg_num(), any::<u64>(), text()).prop_map(|(msg, size, info)| ScanListing { msg, size, info })
}

fn uid_listing() -> impl Strategy<Value = UidListing<'static>> {
    (msg_num(), unique_id()).prop_map(|(msg, uid)| UidListing { msg, uid })
}

/// A message body that survives the round trip: empty, or lines each ending in CRLF (dots,
/// 8-bit bytes and bare CRs included).
pub fn body() -> impl Strategy<Value = Vec<u8>> {
    vec(
        vec(
            prop_oneof![
                Just(b'.'),
                Just(b'\r'),
                any::<u8>().prop_filter("no LF", |b| *b != b'\n')
            ],
            0..20,
        ),
        0..8,
    )
    .prop_map(|lines| {
        let mut out = Vec::new();
        for l in lines {
            out.extend_from_slice(&l);
            out.extend_from_slice(b"\r\n");
        }
        out
    })
}

/// Any response (multi-line variants carry a `+OK` status).
pub fn response() -> impl Strategy<Value = Response<'static>> {
    let ok = || status_of(StatusKind::Ok);
    prop_oneof![
        status().prop_map(Response::Greeting),
        status().prop_map(Response::Status),
        (any::<u32>(), any::<u64>(), text()).prop_map(|(count, size, text)| Response::Stat {
            count,
            size,
            text
        }),
        scan_listing().prop_map(Response::Scan),
        (ok(), vec(scan_listing(), 0..5))
            .prop_map(|(status, listings)| Response::ScanList { status, listings }),
        uid_listing().prop_map(Response::Uid),
        (ok(), vec(uid_listing(), 0..5))
            .prop_map(|(status, listings)| Response::UidList { status, listings }),
        (ok(), vec(capability(), 0..6)).prop_map(|(status, capabilities)| Response::Capabilities {
            status,
            capabilities
        }),
        (ok(), vec(mechanism(), 0..4))
            .prop_map(|(status, mechanisms)| Response::Mechanisms { status, mechanisms }),
        (ok(), vec((language_tag(), text()), 0..4)).prop_map(|(status, l)| Response::Languages {
            status,
            languages: l
                .into_iter()
                .map(|(tag, description)| LanguageListing { tag, description })
                .collect()
        }),
        (ok(), body()).prop_map(|(status, b)| Response::Message {
            status,
            body: Cow::Owned(b)
        }),
        (ok(), body()).prop_map(|(status, b)| Response::MultiLine {
            status,
            body: Cow::Owned(b)
        }),
        secret_bytes(60).prop_map(Response::Challenge),
    ]
}

/// The shape to decode `response` with.
pub fn expect_for(response: &Response<'_>) -> Expect {
    match response {
        Response::Greeting(_) => Expect::Greeting,
        Response::Status(_) => Expect::Status,
        Response::Stat { .. } => Expect::Stat,
        Response::Scan(_) => Expect::Scan,
        Response::ScanList { .. } => Expect::ScanList,
        Response::Uid(_) => Expect::Uid,
        Response::UidList { .. } => Expect::UidList,
        Response::Capabilities { .. } => Expect::Capabilities,
        Response::Mechanisms { .. } => Expect::Mechanisms,
        Response::Languages { .. } => Expect::Languages,
        Response::Message { .. } => Expect::Message,
        Response::MultiLine { .. } => Expect::MultiLine,
        Response::Challenge(_) => Expect::Auth,
    }
}
