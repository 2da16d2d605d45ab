//! Response decoding (client side): RFC 9051 / RFC 3501 known-answer tests, every server
//! response example of both RFCs, real-server quirks, nesting limits and zero-copy checks.
//!
//! Vectors are the `S:` lines of the RFC text files in `/work/shared/rfc/` (line numbers given),
//! joined where the RFC wraps a long line: with one space where the wrap replaces a space, and
//! with nothing inside base64 or between list items that the grammar does not separate (for
//! example `1*address` and `1*namespace-descr`).

use std::num::NonZeroU32;

use mailwire_imap::codec::{
    DecodeError, ErrorKind, Options, decode_challenge, decode_greeting, decode_response,
};
use mailwire_imap::types::*;

// -------------------------------------------------------------------------------------------------
// Helpers.
// -------------------------------------------------------------------------------------------------

fn opts() -> Options {
    Options::responses()
}

/// The RFC grammar only: no tolerated deviations.
fn strict() -> Options {
    let mut o = Options::responses();
    o.quirks = Options::commands().quirks;
    o
}

fn line(s: &str) -> Vec<u8> {
    format!("{s}\r\n").into_bytes()
}

/// A line that lives for the rest of the test run (for values kept after a `let ... else`).
fn leaked(s: &str) -> &'static [u8] {
    line(s).leak()
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Decodes one whole response and checks that it used all the input.
fn decode_with<'a>(input: &'a [u8], o: &Options) -> Response<'a> {
    match decode_response(input, o) {
        Ok((rest, r)) => {
            assert!(
                rest.is_empty(),
                "trailing input after {:?}: {:?}",
                show(input),
                show(rest)
            );
            r
        }
        Err(e) => panic!("{:?} failed: {e:?}", show(input)),
    }
}

fn decode(input: &[u8]) -> Response<'_> {
    decode_with(input, &opts())
}

fn data(input: &[u8]) -> Data<'_> {
    match decode(input) {
        Response::Data(d) => d,
        other => panic!("not data: {other:?}"),
    }
}

fn fails(input: &[u8], o: &Options) -> ErrorKind {
    match decode_response(input, o) {
        Err(DecodeError::Failed(e)) => {
            assert_eq!(
                e.skip,
                input.len(),
                "skip must reach the end of the bad message"
            );
            e.kind
        }
        other => panic!("{:?} should fail, got {other:?}", show(input)),
    }
}

/// Every strict prefix of `input` is incomplete (or, right after a `{n}` CRLF, a literal
/// announcement).
fn check_prefixes(input: &[u8], dec: impl Fn(&[u8]) -> Result<(), DecodeError>) {
    for n in 0..input.len() {
        let prefix = &input[..n];
        match dec(prefix) {
            Err(DecodeError::Incomplete) => {}
            Err(DecodeError::LiteralFound { .. }) if prefix.ends_with(b"}\r\n") => {}
            other => panic!("prefix {:?} of {:?}: {other:?}", show(prefix), show(input)),
        }
    }
}

fn check_response_prefixes(input: &[u8]) {
    check_prefixes(input, |b| decode_response(b, &opts()).map(|_| ()));
}

fn q(s: &'static str) -> IString<'static> {
    IString::Quoted(Quoted::new(s.as_bytes()).unwrap())
}

fn quoted(s: &'static str) -> Quoted<'static> {
    Quoted::new(s.as_bytes()).unwrap()
}

fn ns(s: &'static str) -> NString<'static> {
    NString(Some(q(s)))
}

const NIL: NString<'static> = NString::NIL;

fn atom(s: &'static str) -> Atom<'static> {
    Atom::new(s).unwrap()
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

fn text(s: &'static str) -> Text<'static> {
    Text::new(s.as_bytes()).unwrap()
}

fn tag(s: &'static str) -> Tag<'static> {
    Tag::new(s).unwrap()
}

fn a_atom(s: &'static str) -> AString<'static> {
    AString::Atom(AtomExt::new(s).unwrap())
}

fn a_q(s: &'static str) -> AString<'static> {
    AString::String(q(s))
}

fn v1<T>(v: Vec<T>) -> Vec1<T> {
    Vec1::try_from(v).unwrap()
}

/// `"2,4:7,9:*"` as a sequence set.
fn seqset(spec: &str) -> SequenceSet {
    let one = |s: &str| {
        if s == "*" {
            SeqOrUid::Asterisk
        } else {
            SeqOrUid::Value(nz(s.parse().unwrap()))
        }
    };
    SequenceSet::Set(v1(spec
        .split(',')
        .map(|item| match item.split_once(':') {
            Some((a, b)) => Sequence::Range(one(a), one(b)),
            None => Sequence::Single(one(item)),
        })
        .collect()))
}

fn addr(name: Option<&'static str>, mailbox: &'static str, host: &'static str) -> Address<'static> {
    Address {
        name: name.map_or(NIL, ns),
        adl: NIL,
        mailbox: ns(mailbox),
        host: ns(host),
    }
}

fn tagged(
    t: &'static str,
    kind: StatusKind,
    code: Option<Code<'static>>,
    txt: &'static str,
) -> Response<'static> {
    Response::Status(Status::Tagged {
        tag: tag(t),
        kind,
        code,
        text: text(txt),
    })
}

fn untagged(kind: StatusKind, code: Option<Code<'static>>, txt: &'static str) -> Response<'static> {
    Response::Status(Status::Untagged {
        kind,
        code,
        text: text(txt),
    })
}

fn text_part(
    subtype: &'static str,
    params: Params<'static>,
    encoding: &'static str,
    size: u32,
    lines: u64,
) -> BodyStructure<'static> {
    BodyStructure::Single {
        fields: BasicFields {
            params,
            id: NIL,
            description: NIL,
            encoding: q(encoding),
            size,
        },
        kind: SinglePartKind::Text {
            subtype: q(subtype),
            lines,
        },
        extension: None,
    }
}

fn params(p: &[(&'static str, &'static str)]) -> Params<'static> {
    Some(v1(p.iter().map(|&(k, v)| (q(k), ns(v))).collect()))
}

fn fetch(input: &[u8]) -> (NonZeroU32, Vec<MessageDataItem<'_>>) {
    match data(input) {
        Data::Fetch { seq, items } => (seq, items.into_vec()),
        other => panic!("not FETCH: {other:?}"),
    }
}

/// The single FETCH item of `* 1 FETCH (<item>)`.
fn fetch_item(item: &str) -> MessageDataItem<'static> {
    let (_, mut items) = fetch(leaked(&format!("* 1 FETCH ({item})")));
    assert_eq!(items.len(), 1);
    items.pop().unwrap()
}

// -------------------------------------------------------------------------------------------------
// The RFC examples.
// -------------------------------------------------------------------------------------------------

/// RFC 9051 §6–§8 server lines that fit on one line (duplicates removed). Left out: the elided
/// examples (`* 2 FETCH ....`, `* 4 FETCH (...)`, `* 2 FETCH (UID 14 ...`), `* PREAUTH` (greeting
/// only, see `rfc_greetings`) and `* XPIG-LATIN ...` (see `rfc_examples_that_cannot_decode`).
const RFC9051: &[(u32, &str)] = &[
    (1253, r#"abcd OK CAPABILITY completed"#),
    (1255, r#"efgh OK STARTTLS completed"#),
    (1258, r#"* CAPABILITY IMAP4rev2 AUTH=GSSAPI AUTH=PLAIN"#),
    (1259, r#"ijkl OK CAPABILITY completed"#),
    (1285, r#"* 22 EXPUNGE"#),
    (1286, r#"* 23 EXISTS"#),
    (1287, r#"* 14 FETCH (UID 1305 FLAGS (\Seen \Deleted))"#),
    (1288, r#"a047 OK NOOP completed"#),
    (1306, r#"* BYE IMAP4rev2 Server logging out"#),
    (1307, r#"A023 OK LOGOUT completed"#),
    (1392, r#"* CAPABILITY IMAP4rev2 STARTTLS LOGINDISABLED"#),
    (1393, r#"a001 OK CAPABILITY completed"#),
    (1395, r#"a002 OK Begin TLS negotiation now"#),
    (1398, r#"* CAPABILITY IMAP4rev2 AUTH=PLAIN"#),
    (1399, r#"a003 OK CAPABILITY completed"#),
    (1401, r#"a004 OK Success (tls protection)"#),
    (1525, r#"+"#),
    (1548, r#"A001 OK GSSAPI authentication successful"#),
    (1557, r#"A01 OK STARTTLS completed"#),
    (1561, r#"A02 OK CAPABILITY completed"#),
    (1563, r#"A03 OK Success (tls protection)"#),
    (1573, r#"C01 OK Completed"#),
    (1577, r#"A01 OK Success (tls protection)"#),
    (1589, r#"* CAPABILITY IMAP4rev2 AUTH=PLAIN AUTH=EXTERNAL"#),
    (1624, r#"a001 OK LOGIN completed"#),
    (1729, r#"* CAPABILITY IMAP4rev2 ID LITERAL+ X-GOOD-IDEA"#),
    (1730, r#"t1 OK foo"#),
    (1732, r#"* ENABLED X-GOOD-IDEA"#),
    (1733, r#"t2 OK foo"#),
    (1736, r#"t3 OK foo again"#),
    (1742, r#"* ENABLED CONDSTORE"#),
    (1743, r#"a1 OK Conditional Store enabled"#),
    (1834, r#"* 172 EXISTS"#),
    (1835, r#"* OK [UIDVALIDITY 3857529045] UIDs valid"#),
    (1836, r#"* OK [UIDNEXT 4392] Predicted next UID"#),
    (
        1837,
        r#"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)"#,
    ),
    (1838, r#"* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited"#),
    (1839, r#"* LIST () "/" INBOX"#),
    (1840, r#"A142 OK [READ-WRITE] SELECT completed"#),
    (1853, r#"* OK [CLOSED] Previous mailbox is now closed"#),
    (1854, r#"* 5 EXISTS"#),
    (1855, r#"* OK [UIDVALIDITY 9877410381] UIDs valid"#),
    (1856, r#"* OK [UIDNEXT 102] Predicted next UID"#),
    (1857, r#"* LIST () "/" Drafts"#),
    (1861, r#"A143 OK [READ-WRITE] SELECT completed"#),
    (1892, r#"* 17 EXISTS"#),
    (1895, r#"* LIST () "/" blurdybloop"#),
    (
        1897,
        r#"* OK [PERMANENTFLAGS ()] No permanent flags permitted"#,
    ),
    (1898, r#"A932 OK [READ-ONLY] EXAMINE completed"#),
    (1954, r#"A003 OK CREATE completed"#),
    (1956, r#"A004 OK CREATE completed"#),
    (
        1958,
        r#"* LIST () "/" "Normalized" ("OLDNAME" ("NonNormalized"))"#,
    ),
    (1959, r#"A005 OK CREATE completed"#),
    (2029, r#"* LIST (\Noselect) "/" foo"#),
    (2030, r#"* LIST () "/" foo/bar"#),
    (2031, r#"A682 OK LIST completed"#),
    (2033, r#"A683 OK DELETE completed"#),
    (
        2035,
        r#"A684 NO Name "foo" has inferior hierarchical names"#,
    ),
    (2037, r#"A685 OK DELETE Completed"#),
    (2040, r#"A686 OK LIST completed"#),
    (2042, r#"A687 OK DELETE Completed"#),
    (2047, r#"* LIST () "." blurdybloop"#),
    (2048, r#"* LIST () "." foo"#),
    (2049, r#"* LIST () "." foo.bar"#),
    (2050, r#"A82 OK LIST completed"#),
    (2052, r#"A83 OK DELETE completed"#),
    (2054, r#"A84 OK DELETE Completed"#),
    (2057, r#"A85 OK LIST completed"#),
    (2059, r#"* LIST (\Noselect) "." foo"#),
    (2060, r#"A86 OK LIST completed"#),
    (2140, r#"A683 OK RENAME completed"#),
    (2142, r#"A684 OK RENAME Completed"#),
    (2144, r#"* LIST () "/" sarasoop"#),
    (2145, r#"* LIST (\Noselect) "/" zowie"#),
    (2146, r#"* LIST () "/" zowie/bar"#),
    (2147, r#"A685 OK LIST completed"#),
    (2150, r#"* LIST () "." INBOX"#),
    (2151, r#"* LIST () "." INBOX.bar"#),
    (2152, r#"Z432 OK LIST completed"#),
    (2154, r#"Z433 OK RENAME completed"#),
    (2158, r#"* LIST () "." old-mail"#),
    (2159, r#"Z434 OK LIST completed"#),
    (2201, r#"A002 OK SUBSCRIBE completed"#),
    (2222, r#"A002 OK UNSUBSCRIBE completed"#),
    (
        2573,
        r#"* LIST (\Subscribed \NonExistent) "/" "Fruit/Peach""#,
    ),
    (2745, r#"* LIST (\NonExistent) "." "INBOX.DeletedMailbox""#),
    (
        2749,
        r#"* LIST () "/" "NewMailbox" ("OLDNAME" ("OldMailbox"))"#,
    ),
    (2758, r#"* LIST (\Noselect) "/" """#),
    (2759, r#"A101 OK LIST Completed"#),
    (2761, r#"* LIST (\Noselect) "." #news."#),
    (2762, r#"A102 OK LIST Completed"#),
    (2764, r#"* LIST (\Noselect) "/" /"#),
    (2765, r#"A103 OK LIST Completed"#),
    (2767, r#"* LIST (\Noselect) "/" ~/Mail/foo"#),
    (2768, r#"* LIST () "/" ~/Mail/meetings"#),
    (2769, r#"A202 OK LIST completed"#),
    (2777, r#"* LIST (\Marked \NoInferiors) "/" "inbox""#),
    (2778, r#"* LIST () "/" "Fruit""#),
    (2779, r#"* LIST () "/" "Fruit/Apple""#),
    (2780, r#"* LIST () "/" "Fruit/Banana""#),
    (2781, r#"* LIST () "/" "Tofu""#),
    (2782, r#"* LIST () "/" "Vegetable""#),
    (2783, r#"* LIST () "/" "Vegetable/Broccoli""#),
    (2784, r#"* LIST () "/" "Vegetable/Corn""#),
    (2785, r#"A01 OK done"#),
    (
        2798,
        r#"* LIST (\Marked \NoInferiors \Subscribed) "/" "inbox""#,
    ),
    (2799, r#"* LIST (\Subscribed) "/" "Fruit/Banana""#),
    (2801, r#"* LIST (\Subscribed) "/" "Vegetable""#),
    (2802, r#"* LIST (\Subscribed) "/" "Vegetable/Broccoli""#),
    (2803, r#"A02 OK done"#),
    (2815, r#"* LIST (\HasChildren) "/" "Fruit""#),
    (2816, r#"* LIST (\HasNoChildren) "/" "Tofu""#),
    (2817, r#"* LIST (\HasChildren) "/" "Vegetable""#),
    (2818, r#"A03 OK done"#),
    (2828, r#"* LIST (\Remote \HasNoChildren) "/" "Bread""#),
    (2829, r#"* LIST (\HasChildren \Remote) "/" "Meat""#),
    (2830, r#"A04 OK done"#),
    (2845, r#"* LIST (\Remote \Subscribed) "/" "Bread""#),
    (2846, r#"A05 OK done"#),
    (2867, r#"* LIST (\Remote) "/" "Meat""#),
    (2868, r#"A06 OK done"#),
    (2877, r#"* LIST () "/" "Foo""#),
    (2878, r#"* LIST () "/" "Foo/Bar""#),
    (2879, r#"* LIST () "/" "Foo/Baz""#),
    (2880, r#"* LIST () "/" "Moo""#),
    (2881, r#"C01 OK done"#),
    (2887, r#"* LIST (\HasChildren) "/" "Foo""#),
    (2888, r#"* LIST (\HasNoChildren) "/" "Moo""#),
    (2889, r#"CA3 OK done"#),
    (2895, r#"* LIST (\Subscribed) "/" "Foo/Baz""#),
    (2896, r#"C02 OK done"#),
    (2904, r#"* LIST () "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))"#),
    (2905, r#"C04 OK done"#),
    (2944, r#"* LIST (\HasChildren \Subscribed) "/" "Foo""#),
    (2945, r#"* LIST (\HasNoChildren \Subscribed) "/" "Moo""#),
    (2959, r#"* LIST () "/" "foo2""#),
    (2960, r#"* LIST () "/" "foo2/bar1""#),
    (2961, r#"* LIST () "/" "foo2/bar2""#),
    (2962, r#"* LIST () "/" "baz2""#),
    (2963, r#"* LIST () "/" "baz2/bar2""#),
    (2964, r#"* LIST () "/" "baz2/bar22""#),
    (2965, r#"* LIST () "/" "baz2/bar222""#),
    (2966, r#"* LIST () "/" "eps2""#),
    (2967, r#"* LIST () "/" "eps2/mamba""#),
    (2968, r#"* LIST () "/" "qux2/bar2""#),
    (2969, r#"D01 OK done"#),
    (2974, r#"* LIST (\Subscribed) "/" "foo2/bar1""#),
    (2975, r#"* LIST (\Subscribed) "/" "foo2/bar2""#),
    (2976, r#"* LIST (\Subscribed) "/" "baz2/bar2""#),
    (2977, r#"* LIST (\Subscribed) "/" "baz2/bar22""#),
    (2978, r#"* LIST (\Subscribed) "/" "baz2/bar222""#),
    (2979, r#"* LIST (\Subscribed) "/" "eps2""#),
    (2980, r#"* LIST (\Subscribed) "/" "eps2/mamba""#),
    (2981, r#"* LIST (\Subscribed) "/" "qux2/bar2""#),
    (2982, r#"D02 OK done"#),
    (2987, r#"* LIST () "/" "foo2" ("CHILDINFO" ("SUBSCRIBED"))"#),
    (
        2992,
        r#"* LIST (\Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (2994, r#"D03 OK done"#),
    (3000, r#"* LIST () "/" "baz2" ("CHILDINFO" ("SUBSCRIBED"))"#),
    (
        3001,
        r#"* LIST (\NonExistent) "/" "qux2" ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (3037, r#"* LIST () "/" foo"#),
    (3038, r#"a1 OK done"#),
    (3041, r#"* LIST (\Subscribed \NonExistent) "/" foo/bar"#),
    (3042, r#"a2 OK done"#),
    (
        3045,
        r#"* LIST (\HasNoChildren) "/" foo ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (3046, r#"a3 OK done"#),
    (3054, r#"* LIST () "/" music/rock"#),
    (3055, r#"* LIST (\Remote) "/" also/jazz"#),
    (3059, r#"* LIST (\NonExistent \HasChildren) "/" music"#),
    (3064, r#"* LIST (\NonExistent \HasChildren) "/" also"#),
    (3069, r#"a3.1 OK done"#),
    (3078, r#"* LIST () "."  "INBOX""#),
    (3079, r#"* STATUS "INBOX" (MESSAGES 17 UNSEEN 16)"#),
    (3080, r#"* LIST () "." "foo""#),
    (3081, r#"* STATUS "foo" (MESSAGES 30 UNSEEN 29)"#),
    (3082, r#"* LIST (\NoSelect) "." "bar""#),
    (3083, r#"A01 OK List completed."#),
    (3089, r#"* LIST (\Subscribed) "."  "INBOX""#),
    (3090, r#"* STATUS "INBOX" (MESSAGES 17)"#),
    (3091, r#"* LIST () "." "foo" (CHILDINFO ("SUBSCRIBED"))"#),
    (3092, r#"A02 OK List completed."#),
    (3124, r#"* NAMESPACE (("" "/")) NIL NIL"#),
    (3125, r#"A001 OK NAMESPACE command completed"#),
    (3135, r#"* NAMESPACE NIL NIL (("" "."))"#),
    (
        3144,
        r#"* NAMESPACE (("" "/")) NIL (("Public Folders/" "/"))"#,
    ),
    (3169, r#"* NAMESPACE (("INBOX." ".")) NIL  NIL"#),
    (3175, r#"A002 OK CREATE command completed"#),
    (3214, r#"* LIST (\NonExistent \Archive) "/" Archives"#),
    (3215, r#"* LIST (\NonExistent \Drafts) "/" Drafts"#),
    (3216, r#"* LIST (\NonExistent \Junk) "/" Junk"#),
    (3217, r#"* LIST (\NonExistent \Sent) "/" "Sent Mail""#),
    (3218, r#"* LIST (\NonExistent \Trash) "/" "Deleted Items""#),
    (3219, r#"A002 OK LIST Completed"#),
    (
        3222,
        r##"* LIST (\NonExistent \Archive) "/" "#mh/Archives""##,
    ),
    (3223, r##"* LIST (\NonExistent \Drafts) "/" "#mh/Drafts""##),
    (3224, r##"* LIST (\NonExistent \Junk) "/" "#mh/Junk""##),
    (3225, r##"* LIST (\NonExistent \Sent) "/" "#mh/Sent Mail""##),
    (
        3226,
        r##"* LIST (\NonExistent \Trash) "/" "#mh/Deleted Items""##,
    ),
    (3227, r#"A003 OK LIST Completed"#),
    (3235, r#"A004 OK CREATE command completed"#),
    (3241, r#"A005 OK CREATE command completed"#),
    (3244, r#"A006 OK CREATE command completed"#),
    (3271, r#"* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL"#),
    (3275, r#"* LIST () "/" "Other Users/Mike""#),
    (3276, r#"* LIST () "/" "Other Users/Karen""#),
    (3277, r#"* LIST () "/" "Other Users/Matthew""#),
    (3278, r#"* LIST () "/" "Other Users/Tesa""#),
    (3279, r#"A002 OK LIST command completed"#),
    (3289, r##"* NAMESPACE (("" "/")) (("#Users/" "/")) NIL"##),
    (3300, r#"A002 NO The requested item could not be found."#),
    (3303, r##"* LIST () "/" "#Users/Mike/INBOX""##),
    (3304, r##"* LIST () "/" "#Users/Mike/Foo""##),
    (3305, r#"A003 OK LIST command completed."#),
    (3318, r#"* NAMESPACE (("" "/")) (("~" "/")) NIL"#),
    (3324, r#"* LIST () "/" "~mark/INBOX""#),
    (3325, r#"* LIST () "/" "~mark/foo""#),
    (3403, r#"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)"#),
    (3404, r#"A042 OK STATUS completed"#),
    (3485, r#"+ Ready for literal data"#),
    (3496, r#"A003 OK APPEND completed"#),
    (3511, r#"A003 OK [APPENDUID 38505 3955] APPEND completed"#),
    (
        3513,
        r#"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done"#,
    ),
    (3515, r#"A005 OK No matching messages, so nothing copied"#),
    (3517, r#"A006 OK Done"#),
    (3519, r#"* 1 EXISTS"#),
    (
        3520,
        r#"* OK [UIDVALIDITY 3857529045] Validity session-only"#,
    ),
    (3521, r#"* OK [UIDNEXT 2] Predicted next UID"#),
    (3522, r#"* NO [UIDNOTSTICKY] Non-persistent UIDs"#),
    (3524, r#"* OK [PERMANENTFLAGS (\Deleted \Seen)] Limited"#),
    (3525, r#"* LIST () "." funny"#),
    (3526, r#"A007 OK [READ-WRITE] SELECT completed"#),
    (3592, r#"* FLAGS (\Deleted \Seen \Flagged)"#),
    (
        3593,
        r#"* OK [PERMANENTFLAGS (\Deleted \Seen \Flagged)] Limited"#,
    ),
    (3594, r#"* 3 EXISTS"#),
    (3595, r#"* OK [UIDVALIDITY 1]"#),
    (3596, r#"* OK [UIDNEXT 1]"#),
    (3598, r#"A001 OK [READ-WRITE] SELECT completed"#),
    (3600, r#"+ idling"#),
    (3602, r#"* 4 EXISTS"#),
    (3604, r#"A002 OK IDLE terminated"#),
    (3608, r#"A003 OK FETCH completed"#),
    (3610, r#"* 2 EXPUNGE"#),
    (3614, r#"* 3 EXPUNGE"#),
    (3615, r#"* 2 EXISTS"#),
    (3619, r#"A004 OK IDLE terminated"#),
    (3622, r#"A005 OK FETCH completed"#),
    (3665, r#"A341 OK CLOSE completed"#),
    (3685, r#"A342 OK Unselect completed"#),
    (3708, r#"* 5 EXPUNGE"#),
    (3709, r#"* 8 EXPUNGE"#),
    (3710, r#"A202 OK EXPUNGE completed"#),
    (3990, r#"* ESEARCH (TAG "A282") MIN 2 COUNT 3"#),
    (3991, r#"A282 OK SEARCH completed"#),
    (3997, r#"* ESEARCH (TAG "A283") ALL 2,10:11"#),
    (3998, r#"A283 OK SEARCH completed"#),
    (4003, r#"* ESEARCH (TAG "A284")"#),
    (4004, r#"A284 OK SEARCH completed"#),
    (4006, r#"+ Ready for literal text"#),
    (4008, r#"* ESEARCH (TAG "A285") ALL 43"#),
    (4009, r#"A285 OK SEARCH completed"#),
    (4018, r#"* ESEARCH (TAG "A284") MIN 4"#),
    (4028, r#"* ESEARCH (TAG "A285") UID MIN 7 MAX 3800"#),
    (4037, r#"* ESEARCH (TAG "A286") COUNT 15"#),
    (4038, r#"A286 OK SEARCH completed"#),
    (4164, r#"A282 OK SEARCH completed, result saved"#),
    (4169, r#"A283 OK completed"#),
    (4191, r#"A300 OK SEARCH completed"#),
    (4193, r#"* ESEARCH (TAG "A301") UID ALL 17,900,901"#),
    (4194, r#"A301 OK completed"#),
    (4209, r#"P282 OK SEARCH completed"#),
    (
        4212,
        r#"* ESEARCH (TAG "P283") ALL 882,1102,3003,3005:3006"#,
    ),
    (4213, r#"P283 OK completed"#),
    (4223, r#"B282 OK SEARCH completed"#),
    (
        4227,
        r#"B283 NO [BADCHARSET UTF-8] KOI8-R is not supported"#,
    ),
    (4253, r#"E282 OK SEARCH completed"#),
    (4254, r#"E283 OK COPY completed, nothing copied"#),
    (4261, r#"F282 OK SEARCH completed"#),
    (4262, r#"F283 OK COPY completed"#),
    (4263, r#"F284 OK STORE completed"#),
    (4273, r#"* ESEARCH (TAG "G283") ALL 3:15,27,29:103"#),
    (4274, r#"G283 OK SEARCH completed"#),
    (4275, r#"G282 OK SEARCH completed"#),
    (4285, r#"H282 OK SEARCH completed"#),
    (4286, r#"H283 OK SEARCH completed"#),
    (4296, r#"* ESEARCH (TAG "C283") ALL 2,10:15,21"#),
    (4298, r#"C282 OK SEARCH completed"#),
    (4304, r#"C283 OK SEARCH completed"#),
    (4308, r#"* ESEARCH (TAG "C284") MIN 2"#),
    (4310, r#"C284 OK SEARCH completed"#),
    (4314, r#"* ESEARCH (TAG "C285") MIN 2 MAX 21"#),
    (4316, r#"C285 OK SEARCH completed"#),
    (4320, r#"* ESEARCH (TAG "C286") MIN 2 MAX 21 COUNT 8"#),
    (4322, r#"C286 OK SEARCH completed"#),
    (4326, r#"* ESEARCH (TAG "C286") MIN 2 ALL 2,10:15,21"#),
    (4469, r#"A654 OK FETCH completed"#),
    (4597, r#"* 2 FETCH (FLAGS (\Deleted \Seen))"#),
    (4598, r#"* 3 FETCH (FLAGS (\Deleted))"#),
    (4599, r#"* 4 FETCH (FLAGS (\Deleted \Flagged \Seen))"#),
    (4600, r#"A003 OK STORE completed"#),
    (
        4648,
        r#"A003 OK [COPYUID 38505 304,319:320 3956:3958] COPY completed"#,
    ),
    (4723, r#"* OK [COPYUID 432432 42:69 1202:1229]"#),
    (4726, r#"a OK Done"#),
    (4796, r#"A003 OK UID EXPUNGE completed"#),
    (4839, r#"* 23 FETCH (FLAGS (\Seen) UID 4827313)"#),
    (4840, r#"* 24 FETCH (FLAGS (\Seen) UID 4827943)"#),
    (4841, r#"* 25 FETCH (FLAGS (\Seen) UID 4828442)"#),
    (4842, r#"A999 OK UID FETCH completed"#),
    (4864, r#"* CAPABILITY IMAP4rev2 XPIG-LATIN"#),
    (4865, r#"a441 OK CAPABILITY completed"#),
    (4868, r#"A442 OK XPIG-LATIN ompleted-cay"#),
    (
        4954,
        r#"o356 NO [ALREADYEXISTS] Mailbox "that" already exists"#,
    ),
    (4993, r#"b NO [AUTHENTICATIONFAILED] Authentication failed"#),
    (
        5004,
        r#"c1 NO [AUTHORIZATIONFAILED] No such authorization-ID"#,
    ),
    (
        5008,
        r#"c2 NO [AUTHORIZATIONFAILED] Authenticator is not an admin"#,
    ),
    (5021, r#"l NO [CANNOT] Adjacent slashes are not supported"#),
    (5038, r#"k1 OK [READ-ONLY] Done"#),
    (5041, r#"k2 OK [CLIENTBUG] Done"#),
    (5062, r#"e NO [CONTACTADMIN]"#),
    (5092, r#"i NO [CORRUPTION] Cannot open mailbox"#),
    (5100, r#"d NO [EXPIRED] That password isn't valid any more"#),
    (5108, r#"* ESEARCH (TAG "h") ALL 1:3,5,8,13,21,42"#),
    (5109, r#"h OK [EXPUNGEISSUED] Search completed"#),
    (
        5117,
        r#"o356 NO [HASCHILDREN] Mailbox "Notes" has children"#,
    ),
    (5130, r#"g NO [INUSE] Mailbox in use"#),
    (
        5138,
        r#"m NO [LIMIT] At most 32 flags in one mailbox supported"#,
    ),
    (5145, r#"p NO [NONEXISTENT] No such mailbox"#),
    (5153, r#"f NO [NOPERM] Access denied"#),
    (5164, r#"n1 NO [OVERQUOTA] Sorry"#),
    (
        5167,
        r#"n2 OK [OVERQUOTA] You are now over your soft quota"#,
    ),
    (
        5201,
        r#"d NO [PRIVACYREQUIRED] Connection offers no privacy"#,
    ),
    (5219, r#"j NO [SERVERBUG] This should not happen"#),
    (
        5257,
        r#"a NO [UNAVAILABLE] User's backend down for maintenance"#,
    ),
    (5285, r#"* OK IMAP4rev2 server ready"#),
    (5287, r#"* OK [ALERT] System shutdown in 10 minutes"#),
    (5288, r#"A001 OK LOGIN Completed"#),
    (
        5305,
        r#"* NO Disk is 98% full, please delete unnecessary data"#,
    ),
    (5306, r#"A222 OK COPY completed"#),
    (
        5309,
        r#"* NO Disk is 99% full, please delete unnecessary data"#,
    ),
    (5310, r#"A223 NO COPY failed: disk is full"#),
    (5328, r#"* BAD Command line too long"#),
    (5330, r#"* BAD Empty command line"#),
    (
        5332,
        r#"* BAD Disk crash, attempting salvage to a new disk!"#,
    ),
    (5333, r#"* OK Salvage successful, no data lost"#),
    (5334, r#"A443 OK Expunge completed"#),
    (5395, r#"* BYE Autologout; idle for too long"#),
    (5414, r#"* ENABLED CONDSTORE QRESYNC"#),
    (5783, r#"* ESEARCH UID COUNT 17 ALL 4:18,21,28"#),
    (
        5787,
        r#"* ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28"#,
    ),
    (5791, r#"* ESEARCH COUNT 18 ALL 1:17,21"#),
    (5879, r#"* 44 EXPUNGE"#),
    (
        6169,
        r#"* 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827 UID 447)"#,
    ),
    (6194, r#"+ Ready for additional command text"#),
    (6198, r#"A001 OK LOGIN completed"#),
    (6200, r#"A044 BAD No such command as "BLURDYBLOOP""#),
    (6222, r#"A001 OK SCRAM-SHA-256 authentication successful"#),
    (6224, r#"* ENABLED IMAP4rev2"#),
    (6225, r#"babc OK Some capabilities enabled"#),
    (6227, r#"* 18 EXISTS"#),
    (6230, r#"* LIST () "/" INBOX ("OLDNAME" ("inbox"))"#),
    (6231, r#"a002 OK [READ-WRITE] SELECT completed"#),
    (6246, r#"a003 OK FETCH completed"#),
    (6259, r#"a004 OK FETCH completed"#),
    (6261, r#"* 12 FETCH (FLAGS (\Seen \Deleted))"#),
    (6262, r#"a005 OK +FLAGS completed"#),
    (6264, r#"* BYE IMAP4rev2 server terminating connection"#),
    (6265, r#"a006 OK LOGOUT completed"#),
    // Wrapped examples, joined.
    (
        1251,
        r#"* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED"#,
    ),
    (
        1522,
        r#"* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] Capabilities"#,
    ),
    (
        1540,
        r#"+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMCAQGiQgRAtHTEuOP2BXb9sBYFR4SJlDZxmg39IxmRBOhXRKdDA0uHTCOT9Bq3OsUTXUlk0CsFLoa8j+gvGDlgHuqzWHPSQg=="#,
    ),
    (
        1544,
        r#"+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="#,
    ),
    (
        1554,
        r#"* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED] Server ready"#,
    ),
    (
        1859,
        r#"* OK [PERMANENTFLAGS (\Deleted \Seen \Answered \Flagged \Draft \*)] System flags and keywords allowed"#,
    ),
    (
        2914,
        r#"* LIST (\Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (
        2921,
        r#"* LIST (\Subscribed \HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (
        2930,
        r#"* LIST (\NonExistent) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))"#,
    ),
    (
        3154,
        r##"* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))"##,
    ),
    (
        3209,
        r##"* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL"##,
    ),
    (
        5478,
        r#"* CAPABILITY STARTTLS AUTH=GSSAPI IMAP4rev2 LOGINDISABLED XPIG-LATIN"#,
    ),
    (
        5690,
        r#"* LIST () ":" Tables:new (tablecloth ("edge" "lacy") Sample ("text" "more text"))"#,
    ),
    (
        6207,
        r#"* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready"#,
    ),
    (6210, r#"a000 OK Proceed with TLS negotiation"#),
    (
        6214,
        r#"+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY="#,
    ),
    (
        6219,
        r#"+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ=="#,
    ),
    (6233, SAMPLE_FETCH_9051),
];

/// RFC 9051 §8, the `fetch 12 full` answer (the wrap after `ENVELOPE (` and between the two Cc
/// addresses is joined without a space, as the grammar has none there).
const SAMPLE_FETCH_9051: &str = concat!(
    r#"* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 "#,
    r#"ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" "#,
    r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) "#,
    r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) "#,
    r#"((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "#,
    r#""<B27397-0100000@cac.washington.ed>") "#,
    r#"BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))"#,
);

/// The same answer in RFC 3501 §8 (line 4447).
const SAMPLE_FETCH_3501: &str = concat!(
    r#"* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 "#,
    r#"ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" "#,
    r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) "#,
    r#"(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) "#,
    r#"((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "#,
    r#""<B27397-0100000@cac.washington.edu>") "#,
    r#"BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))"#,
);

/// RFC 9051 §8 (line 6248) and RFC 3501 §8 (line 4461): `BODY[HEADER]` as a literal; the RFC's
/// count of 342 matches the lines with CRLF.
fn sample_header_fetch(rev: &str) -> Vec<u8> {
    let header = format!(
        "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\
         From: Terry Gray <gray@cac.washington.edu>\r\n\
         Subject: IMAP4{rev} WG mtg summary and minutes\r\n\
         To: imap@cac.washington.edu\r\n\
         cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n\
         Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
         \r\n"
    );
    assert_eq!(header.len(), 342);
    format!("* 12 FETCH (BODY[HEADER] {{342}}\r\n{header})\r\n").into_bytes()
}

/// RFC 3501 server lines that differ from the RFC 9051 ones (LSUB, RECENT, SEARCH, the UNSEEN
/// code, IMAP4rev1 wording).
const RFC3501: &[(u32, &str)] = &[
    (1352, r#"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI"#),
    (1356, r#"efgh OK STARTLS completed"#),
    (1386, r#"* 3 RECENT"#),
    (1387, r#"* 14 FETCH (FLAGS (\Seen \Deleted))"#),
    (1505, r#"a004 OK LOGIN completed"#),
    (1631, r#"* OK IMAP4rev1 Server"#),
    (1828, r#"* 1 RECENT"#),
    (1829, r#"* OK [UNSEEN 12] Message 12 is first unseen"#),
    (1879, r#"* 2 RECENT"#),
    (1880, r#"* OK [UNSEEN 8] Message 8 is first unseen"#),
    (2416, r#"* LSUB () "." #news.comp.mail.mime"#),
    (2417, r#"* LSUB () "." #news.comp.mail.misc"#),
    (2418, r#"A002 OK LSUB completed"#),
    (2420, r#"* LSUB (\NoSelect) "." #news.comp.mail"#),
    (2421, r#"A003 OK LSUB completed"#),
    (2649, r#"FXXZ OK CHECK Completed"#),
    (2976, r#"* SEARCH 2 84 882"#),
    (2979, r#"* SEARCH"#),
    (2983, r#"* SEARCH 43"#),
    (3329, r#"A003 OK COPY completed"#),
    (
        3829,
        r#"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN"#,
    ),
    (3937, r#"* SEARCH 2 3 6"#),
    (4009, r#"* 5 RECENT"#),
    (4382, r#"* 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827)"#),
    (4436, r#"* OK IMAP4rev1 Service Ready"#),
    (
        4443,
        r#"* OK [UNSEEN 17] Message 17 is the first unseen message"#,
    ),
    (4447, SAMPLE_FETCH_3501),
];

/// Examples from other RFCs this decoder covers: UIDPLUS (RFC 4315 §3 and §4), RFC 5530 §3
/// (`e OK [CONTACTADMIN]` is an OK there), ENABLE (RFC 5161 §3.1), NAMESPACE (RFC 2342 §5).
const OTHER_RFCS: &[(&str, &str)] = &[
    ("rfc4315:251", "* 1 RECENT"),
    ("rfc4315:252", "* OK [UNSEEN 1] Message 1 is first unseen"),
    ("rfc5530:180", "e OK [CONTACTADMIN]"),
    ("rfc5530:208", "* SEARCH 1 2 3 5 8 13 21 42"),
    (
        "rfc5161:148",
        "* CAPABILITY IMAP4rev1 ID LITERAL+ ENABLE X-GOOD-IDEA",
    ),
    (
        "rfc2342:262",
        r##"* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL"##,
    ),
];

/// Greetings (RFC 9051 §7.1.1, §7.1.4, §7.1.5 and §8; RFC 3501 §7.1 and §8).
const GREETINGS: &[(&str, &str)] = &[
    ("rfc9051:5285", "* OK IMAP4rev2 server ready"),
    (
        "rfc9051:5358",
        "* PREAUTH IMAP4rev2 server logged in as Smith",
    ),
    ("rfc9051:5395", "* BYE Autologout; idle for too long"),
    (
        "rfc9051:1522",
        "* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] Capabilities",
    ),
    (
        "rfc9051:6207",
        "* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready",
    ),
    ("rfc3501:3654", "* OK IMAP4rev1 server ready"),
    (
        "rfc3501:3723",
        "* PREAUTH IMAP4rev1 server logged in as Smith",
    ),
    ("rfc3501:4436", "* OK IMAP4rev1 Service Ready"),
];

fn all_vectors() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    v.extend(
        RFC9051
            .iter()
            .map(|(n, s)| (format!("rfc9051:{n}"), line(s))),
    );
    v.extend(
        RFC3501
            .iter()
            .map(|(n, s)| (format!("rfc3501:{n}"), line(s))),
    );
    v.extend(OTHER_RFCS.iter().map(|(n, s)| (n.to_string(), line(s))));
    v.push(("rfc9051:6248".into(), sample_header_fetch("rev2")));
    v.push(("rfc3501:4461".into(), sample_header_fetch("rev1")));
    v
}

// -------------------------------------------------------------------------------------------------
// Every RFC example decodes.
// -------------------------------------------------------------------------------------------------

#[test]
fn rfc_examples_decode_completely() {
    let vectors = all_vectors();
    assert!(vectors.len() > 390, "{}", vectors.len());
    for (name, input) in &vectors {
        match decode_response(input, &opts()) {
            Ok((rest, _)) => assert!(rest.is_empty(), "{name}: trailing input"),
            Err(e) => panic!("{name}: {:?}: {e:?}", show(input)),
        }
    }
}

#[test]
fn rfc_examples_decode_strictly_except_known_deviations() {
    // These examples break the grammar they illustrate, in ways the default quirks accept.
    let lenient_only = [
        "rfc9051:1525", // "+" alone (bare continuation)
        "rfc9051:3078",
        "rfc9051:3089",
        "rfc9051:3169", // two spaces where SP is required
    ];
    for (name, input) in all_vectors() {
        let strict_result = decode_response(&input, &strict());
        if lenient_only.contains(&name.as_str()) {
            assert!(
                matches!(strict_result, Err(DecodeError::Failed(_))),
                "{name} should need a quirk"
            );
        } else {
            assert!(
                strict_result.is_ok(),
                "{name}: {:?}: {strict_result:?}",
                show(&input)
            );
        }
    }
}

#[test]
fn rfc_examples_every_prefix_is_incomplete() {
    for (_, input) in all_vectors() {
        check_response_prefixes(&input);
    }
}

#[test]
fn rfc_examples_as_one_stream() {
    // The RFC 9051 §8 session, every server message in one buffer.
    let mut stream = Vec::new();
    for s in [
        "* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready",
        "a000 OK Proceed with TLS negotiation",
        "+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=",
        "+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==",
        "A001 OK SCRAM-SHA-256 authentication successful",
        "* ENABLED IMAP4rev2",
        "babc OK Some capabilities enabled",
        "* 18 EXISTS",
        r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)",
        "* OK [UIDVALIDITY 3857529045] UIDs valid",
        r#"* LIST () "/" INBOX ("OLDNAME" ("inbox"))"#,
        "a002 OK [READ-WRITE] SELECT completed",
        SAMPLE_FETCH_9051,
        "a003 OK FETCH completed",
    ] {
        stream.extend(line(s));
    }
    stream.extend(sample_header_fetch("rev2"));
    for s in [
        "a004 OK FETCH completed",
        r"* 12 FETCH (FLAGS (\Seen \Deleted))",
        "a005 OK +FLAGS completed",
        "* BYE IMAP4rev2 server terminating connection",
        "a006 OK LOGOUT completed",
    ] {
        stream.extend(line(s));
    }
    let (mut rest, g) = decode_greeting(&stream, &opts()).unwrap();
    assert_eq!(g.kind, GreetingKind::Ok);
    let mut count = 0;
    while !rest.is_empty() {
        let (r, _) = decode_response(rest, &opts()).unwrap();
        rest = r;
        count += 1;
    }
    assert_eq!(count, 19);
}

#[test]
fn rfc_greetings() {
    for (name, s) in GREETINGS {
        let input = line(s);
        let (rest, _) =
            decode_greeting(&input, &opts()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(rest.is_empty());
        check_prefixes(&input, |b| decode_greeting(b, &opts()).map(|_| ()));
    }
    let input = line("* PREAUTH IMAP4rev2 server logged in as Smith");
    let (_, g) = decode_greeting(&input, &opts()).unwrap();
    assert_eq!(
        g,
        Greeting {
            kind: GreetingKind::PreAuth,
            code: None,
            text: text("IMAP4rev2 server logged in as Smith")
        }
    );
    let input = line("* BYE Autologout; idle for too long");
    let (_, g) = decode_greeting(&input, &opts()).unwrap();
    assert_eq!(
        g,
        Greeting {
            kind: GreetingKind::Bye,
            code: None,
            text: text("Autologout; idle for too long")
        }
    );
    let input = line(
        "* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready",
    );
    let (_, g) = decode_greeting(&input, &opts()).unwrap();
    assert_eq!(
        g,
        Greeting {
            kind: GreetingKind::Ok,
            code: Some(Code::Capability(v1(vec![
                Capability::StartTls,
                Capability::Auth(AuthMechanism::new("SCRAM-SHA-256").unwrap()),
                Capability::LoginDisabled,
                Capability::Imap4Rev2,
            ]))),
            text: text("IMAP4rev2 Service Ready"),
        }
    );
    // A greeting is not a tagged response, and a response decoder refuses PREAUTH.
    assert!(matches!(
        decode_greeting(&line("a1 OK hi"), &opts()),
        Err(DecodeError::Failed(_))
    ));
    fails(
        &line("* PREAUTH IMAP4rev2 server logged in as Smith"),
        &opts(),
    );
}

#[test]
fn rfc_examples_that_cannot_decode() {
    // RFC 9051 line 5688 (also RFC 5258): `Sample "text"` is not a tagged-ext-val (a quoted
    // string is neither tagged-ext-simple nor parenthesized); `TaggedExtValue` has no form for it.
    let input = line(
        r#"* LIST (\Marked) ":" Tables (tablecloth (("edge" "lacy") ("color" "red")) Sample "text")"#,
    );
    fails(&input, &opts());
    // RFC 9051 line 4867: an unknown untagged response; `Data` has no variant for it.
    fails(
        &line("* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay"),
        &opts(),
    );
    // Elided examples.
    fails(&line("* 4 FETCH (...)"), &opts());
    fails(&line("* 2 FETCH ...."), &opts());
    fails(&line("* 2 FETCH (UID 14 ..."), &opts());
}

// -------------------------------------------------------------------------------------------------
// Known answers: status responses and codes.
// -------------------------------------------------------------------------------------------------

#[test]
fn kat_tagged_and_untagged_status() {
    assert_eq!(
        decode(&line("abcd OK CAPABILITY completed")),
        tagged("abcd", StatusKind::Ok, None, "CAPABILITY completed")
    );
    assert_eq!(
        decode(&line(r#"A044 BAD No such command as "BLURDYBLOOP""#)),
        tagged(
            "A044",
            StatusKind::Bad,
            None,
            r#"No such command as "BLURDYBLOOP""#
        )
    );
    assert_eq!(
        decode(&line("A223 NO COPY failed: disk is full")),
        tagged("A223", StatusKind::No, None, "COPY failed: disk is full")
    );
    assert_eq!(
        decode(&line(
            "* NO Disk is 98% full, please delete unnecessary data"
        )),
        untagged(
            StatusKind::No,
            None,
            "Disk is 98% full, please delete unnecessary data"
        )
    );
    assert_eq!(
        decode(&line("* BAD Empty command line")),
        untagged(StatusKind::Bad, None, "Empty command line")
    );
    assert_eq!(
        decode(&line("* BYE IMAP4rev2 Server logging out")),
        Response::Status(Status::Bye {
            code: None,
            text: text("IMAP4rev2 Server logging out")
        })
    );
    assert_eq!(
        decode(&line("a3.1 OK done")),
        tagged("a3.1", StatusKind::Ok, None, "done")
    );
    assert_eq!(
        decode(&line("A142 OK [READ-WRITE] SELECT completed")),
        tagged(
            "A142",
            StatusKind::Ok,
            Some(Code::ReadWrite),
            "SELECT completed"
        )
    );
    assert_eq!(
        decode(&line("A932 OK [READ-ONLY] EXAMINE completed")),
        tagged(
            "A932",
            StatusKind::Ok,
            Some(Code::ReadOnly),
            "EXAMINE completed"
        )
    );
    assert_eq!(
        decode(&line("* OK [ALERT] System shutdown in 10 minutes")),
        untagged(
            StatusKind::Ok,
            Some(Code::Alert),
            "System shutdown in 10 minutes"
        )
    );
    assert_eq!(
        decode(&line("* OK [CLOSED] Previous mailbox is now closed")),
        untagged(
            StatusKind::Ok,
            Some(Code::Closed),
            "Previous mailbox is now closed"
        )
    );
    // Keywords are case-insensitive; the text keeps its case.
    assert_eq!(
        decode(&line("a1 ok [read-write] Done")),
        tagged("a1", StatusKind::Ok, Some(Code::ReadWrite), "Done")
    );
}

#[test]
fn kat_codes_with_arguments() {
    assert_eq!(
        decode(&line("* OK [UIDVALIDITY 3857529045] UIDs valid")),
        untagged(
            StatusKind::Ok,
            Some(Code::UidValidity(nz(3_857_529_045))),
            "UIDs valid"
        )
    );
    assert_eq!(
        decode(&line("* OK [UIDNEXT 4392] Predicted next UID")),
        untagged(
            StatusKind::Ok,
            Some(Code::UidNext(nz(4392))),
            "Predicted next UID"
        )
    );
    // RFC 3501 line 1829.
    assert_eq!(
        decode(&line("* OK [UNSEEN 12] Message 12 is first unseen")),
        untagged(
            StatusKind::Ok,
            Some(Code::Unseen(nz(12))),
            "Message 12 is first unseen"
        )
    );
    assert_eq!(
        decode(&line(r"* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited")),
        untagged(
            StatusKind::Ok,
            Some(Code::PermanentFlags(vec![
                FlagPerm::Flag(Flag::Deleted),
                FlagPerm::Flag(Flag::Seen),
                FlagPerm::Asterisk
            ])),
            "Limited"
        )
    );
    assert_eq!(
        decode(&line(
            "* OK [PERMANENTFLAGS ()] No permanent flags permitted"
        )),
        untagged(
            StatusKind::Ok,
            Some(Code::PermanentFlags(vec![])),
            "No permanent flags permitted"
        )
    );
    assert_eq!(
        decode(&line("A003 OK [APPENDUID 38505 3955] APPEND completed")),
        tagged(
            "A003",
            StatusKind::Ok,
            Some(Code::AppendUid {
                uid_validity: nz(38505),
                uids: seqset("3955")
            }),
            "APPEND completed"
        )
    );
    assert_eq!(
        decode(&line("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done")),
        tagged(
            "A004",
            StatusKind::Ok,
            Some(Code::CopyUid {
                uid_validity: nz(38505),
                source: seqset("304,319:320"),
                destination: seqset("3956:3958"),
            }),
            "Done"
        )
    );
    assert_eq!(
        decode(&line("* NO [UIDNOTSTICKY] Non-persistent UIDs")),
        untagged(
            StatusKind::No,
            Some(Code::UidNotSticky),
            "Non-persistent UIDs"
        )
    );
    // RFC 9051 line 3595: no text after the code.
    assert_eq!(
        decode(&line("* OK [UIDVALIDITY 1]")),
        untagged(StatusKind::Ok, Some(Code::UidValidity(nz(1))), "")
    );
    assert_eq!(
        decode(&line("* OK [BADCHARSET (UTF-8 \"KOI8-R\")] x")),
        untagged(
            StatusKind::Ok,
            Some(Code::BadCharset(Some(v1(vec![
                Charset::Atom(atom("UTF-8")),
                Charset::Quoted(quoted("KOI8-R")),
            ])))),
            "x"
        )
    );
    assert_eq!(
        decode(&line("a NO [BADCHARSET] no")),
        tagged("a", StatusKind::No, Some(Code::BadCharset(None)), "no")
    );
    assert_eq!(
        decode(&line("a OK [UNKNOWN-CTE] x")),
        tagged("a", StatusKind::Ok, Some(Code::UnknownCte), "x")
    );
    assert_eq!(
        decode(&line("a BAD [PARSE] x")),
        tagged("a", StatusKind::Bad, Some(Code::Parse), "x")
    );
    assert_eq!(
        decode(&line("a NO [TRYCREATE] x")),
        tagged("a", StatusKind::No, Some(Code::TryCreate), "x")
    );
}

#[test]
fn kat_rfc5530_conditions() {
    for (cond, name) in Condition::ALL {
        let input = line(&format!("a NO [{name}] Sorry"));
        assert_eq!(
            decode(&input),
            tagged("a", StatusKind::No, Some(Code::Condition(cond)), "Sorry"),
            "{name}"
        );
        let input = line(&format!("a NO [{}] Sorry", name.to_ascii_lowercase()));
        assert_eq!(
            decode(&input),
            tagged("a", StatusKind::No, Some(Code::Condition(cond)), "Sorry"),
            "{name}"
        );
    }
    // RFC 9051 line 5062: no text.
    assert_eq!(
        decode(&line("e NO [CONTACTADMIN]")),
        tagged(
            "e",
            StatusKind::No,
            Some(Code::Condition(Condition::ContactAdmin)),
            ""
        )
    );
}

#[test]
fn kat_codes_falling_back_to_other() {
    // RFC 9051 line 1855: 9877410381 does not fit nz-number (32 bits); kept raw.
    assert_eq!(
        decode(&line("* OK [UIDVALIDITY 9877410381] UIDs valid")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("UIDVALIDITY"),
                text: Some(text("9877410381"))
            }),
            "UIDs valid"
        )
    );
    // RFC 9051 line 4227: BADCHARSET without the parentheses the grammar requires.
    assert_eq!(
        decode(&line("B283 NO [BADCHARSET UTF-8] KOI8-R is not supported")),
        tagged(
            "B283",
            StatusKind::No,
            Some(Code::Other {
                name: atom("BADCHARSET"),
                text: Some(text("UTF-8"))
            }),
            "KOI8-R is not supported"
        )
    );
    // Unknown codes (RFC 2221 REFERRAL, RFC 7162 HIGHESTMODSEQ), with and without arguments.
    assert_eq!(
        decode(&line(
            "a NO [REFERRAL imap://user;AUTH=*@SERVER2/] Remote Server"
        )),
        tagged(
            "a",
            StatusKind::No,
            Some(Code::Other {
                name: atom("REFERRAL"),
                text: Some(text("imap://user;AUTH=*@SERVER2/"))
            }),
            "Remote Server"
        )
    );
    assert_eq!(
        decode(&line("* OK [HIGHESTMODSEQ 715194045007] Highest")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("HIGHESTMODSEQ"),
                text: Some(text("715194045007"))
            }),
            "Highest"
        )
    );
    assert_eq!(
        decode(&line("* OK [NOMODSEQ] Sorry")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("NOMODSEQ"),
                text: None
            }),
            "Sorry"
        )
    );
    // A known code with arguments it does not take, or missing ones.
    assert_eq!(
        decode(&line("* OK [ALERT now] x")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("ALERT"),
                text: Some(text("now"))
            }),
            "x"
        )
    );
    assert_eq!(
        decode(&line("* OK [UIDNEXT] x")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("UIDNEXT"),
                text: None
            }),
            "x"
        )
    );
    assert_eq!(
        decode(&line("* OK [UIDNEXT 0] x")),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("UIDNEXT"),
                text: Some(text("0"))
            }),
            "x"
        )
    );
    // uid-set has no "*".
    assert_eq!(
        decode(&line("a OK [COPYUID 1 1:* 5:9] x")),
        tagged(
            "a",
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("COPYUID"),
                text: Some(text("1 1:* 5:9"))
            }),
            "x"
        )
    );
    // A "[" that starts no code is text.
    assert_eq!(
        decode(&line("* OK [oops")),
        untagged(StatusKind::Ok, None, "[oops")
    );
    assert_eq!(
        decode(&line("* OK [] x")),
        untagged(StatusKind::Ok, None, "[] x")
    );
    // A missing SP after "]" is tolerated.
    assert_eq!(
        decode(&line("* OK [ALERT]Hi")),
        untagged(StatusKind::Ok, Some(Code::Alert), "Hi")
    );
}

// -------------------------------------------------------------------------------------------------
// Known answers: continuation requests and SASL challenges.
// -------------------------------------------------------------------------------------------------

fn basic(code: Option<Code<'static>>, txt: &'static str) -> Response<'static> {
    Response::Continuation(Continuation::Basic {
        code,
        text: text(txt),
    })
}

fn challenge_bytes(input: &[u8]) -> Vec<u8> {
    match decode_challenge(input, &opts()) {
        Ok((rest, Response::Continuation(Continuation::Base64(s)))) => {
            assert!(rest.is_empty());
            s.expose().clone()
        }
        other => panic!("{:?}: {other:?}", show(input)),
    }
}

#[test]
fn kat_continuations() {
    assert_eq!(
        decode(&line("+ Ready for literal data")),
        basic(None, "Ready for literal data")
    );
    assert_eq!(decode(&line("+ idling")), basic(None, "idling"));
    assert_eq!(decode(&line("+ ")), basic(None, ""));
    assert_eq!(
        decode(&line("+ [ALERT] careful")),
        basic(Some(Code::Alert), "careful")
    );
    // RFC 9051 line 1525 shows "+" alone (bare-continuation quirk, on by default).
    assert_eq!(decode(&line("+")), basic(None, ""));
    fails(&line("+"), &strict());
    assert_eq!(decode_with(&line("+ "), &strict()), basic(None, ""));
    // Base64 text is only a challenge for decode_challenge.
    assert_eq!(decode(&line("+ PQ==")), basic(None, "PQ=="));
}

#[test]
fn kat_sasl_challenges() {
    // RFC 9051 §8 (SCRAM-SHA-256, RFC 7677).
    assert_eq!(
        challenge_bytes(&line(
            "+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY="
        )),
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    );
    assert_eq!(
        challenge_bytes(&line(
            "+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ=="
        )),
        b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    );
    // RFC 9051 line 1544 (GSSAPI).
    let g = challenge_bytes(&line(
        "+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=",
    ));
    assert_eq!(&g[..4], &[0x60, 0x33, 0x06, 0x09]);
    assert_eq!(g.len(), 53);
    // Empty challenges.
    assert!(challenge_bytes(&line("+ ")).is_empty());
    assert!(challenge_bytes(&line("+")).is_empty());
    // Text that is not strict base64 stays text.
    for s in ["+ Ready for literal data", "+ idling", "+ PQ=", "+ PQ== "] {
        let input = line(s);
        let (_, r) = decode_challenge(&input, &opts()).unwrap();
        assert!(
            matches!(r, Response::Continuation(Continuation::Basic { .. })),
            "{s}: {r:?}"
        );
    }
    // Other responses are unaffected, and the secret never reaches Debug output.
    let input = line("A001 OK GSSAPI authentication successful");
    let (_, r) = decode_challenge(&input, &opts()).unwrap();
    assert_eq!(
        r,
        tagged(
            "A001",
            StatusKind::Ok,
            None,
            "GSSAPI authentication successful"
        )
    );
    let input = line("+ c2VjcmV0");
    let (_, r) = decode_challenge(&input, &opts()).unwrap();
    assert!(!format!("{r:?}").contains("secret"));
    check_prefixes(&input, |b| decode_challenge(b, &opts()).map(|_| ()));
}

// -------------------------------------------------------------------------------------------------
// Known answers: server and mailbox data.
// -------------------------------------------------------------------------------------------------

#[test]
fn kat_capability_and_enabled() {
    assert_eq!(
        data(&line(
            "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED"
        )),
        Data::Capability(v1(vec![
            Capability::Imap4Rev2,
            Capability::StartTls,
            Capability::Auth(AuthMechanism::new("GSSAPI").unwrap()),
            Capability::LoginDisabled,
        ]))
    );
    assert_eq!(
        data(&line("* CAPABILITY IMAP4rev2 ID LITERAL+ X-GOOD-IDEA")),
        Data::Capability(v1(vec![
            Capability::Imap4Rev2,
            Capability::Other(atom("ID")),
            Capability::Other(atom("LITERAL+")),
            Capability::Other(atom("X-GOOD-IDEA")),
        ]))
    );
    assert_eq!(
        data(&line("* ENABLED CONDSTORE QRESYNC")),
        Data::Enabled(vec![atom("CONDSTORE"), atom("QRESYNC")])
    );
    assert_eq!(data(&line("* ENABLED")), Data::Enabled(vec![]));
    fails(&line("* CAPABILITY"), &opts());
}

#[test]
fn kat_list_and_lsub() {
    assert_eq!(
        data(&line(r#"* LIST (\Noselect) "/" ~/Mail/foo"#)),
        Data::List(MailboxList {
            attributes: vec![MailboxAttribute::NoSelect],
            delimiter: Some(quoted("/")),
            mailbox: Mailbox::Other(a_atom("~/Mail/foo")),
            extended: None,
        })
    );
    // "inbox" in any case and form is INBOX.
    assert_eq!(
        data(&line(r#"* LIST (\Marked \NoInferiors) "/" "inbox""#)),
        Data::List(MailboxList {
            attributes: vec![MailboxAttribute::Marked, MailboxAttribute::NoInferiors],
            delimiter: Some(quoted("/")),
            mailbox: Mailbox::Inbox,
            extended: None,
        })
    );
    assert_eq!(
        data(&line(r#"* LIST (\Noselect) "/" """#)),
        Data::List(MailboxList {
            attributes: vec![MailboxAttribute::NoSelect],
            delimiter: Some(quoted("/")),
            mailbox: Mailbox::Other(a_q("")),
            extended: None,
        })
    );
    // Special-use and children attributes, case-insensitively; unknown ones kept as sent.
    assert_eq!(
        data(&line(
            r#"* LIST (\nonexistent \ARCHIVE \HasNoChildren \Important) NIL "Sent Mail""#
        )),
        Data::List(MailboxList {
            attributes: vec![
                MailboxAttribute::NonExistent,
                MailboxAttribute::Archive,
                MailboxAttribute::HasNoChildren,
                MailboxAttribute::Extension(atom("Important")),
            ],
            delimiter: None,
            mailbox: Mailbox::Other(a_q("Sent Mail")),
            extended: None,
        })
    );
    let specials = r"\All \Archive \Drafts \Flagged \Junk \Sent \Trash \Subscribed \Remote \HasChildren \Unmarked";
    let Data::List(l) = data(leaked(&format!(r#"* LIST ({specials}) "." x"#))) else {
        panic!()
    };
    assert_eq!(
        l.attributes,
        vec![
            MailboxAttribute::All,
            MailboxAttribute::Archive,
            MailboxAttribute::Drafts,
            MailboxAttribute::Flagged,
            MailboxAttribute::Junk,
            MailboxAttribute::Sent,
            MailboxAttribute::Trash,
            MailboxAttribute::Subscribed,
            MailboxAttribute::Remote,
            MailboxAttribute::HasChildren,
            MailboxAttribute::Unmarked,
        ]
    );
    // RFC 3501 line 2420.
    assert_eq!(
        data(&line(r#"* LSUB (\NoSelect) "." #news.comp.mail"#)),
        Data::Lsub(MailboxList {
            attributes: vec![MailboxAttribute::NoSelect],
            delimiter: Some(quoted(".")),
            mailbox: Mailbox::Other(a_atom("#news.comp.mail")),
            extended: None,
        })
    );
}

#[test]
fn kat_list_extended_items() {
    let comp_str = |s| TaggedExtValue::Comp(Some(TaggedExtComp::AString(a_q(s))));
    // RFC 9051 line 1958: OLDNAME.
    assert_eq!(
        data(&line(
            r#"* LIST () "/" "Normalized" ("OLDNAME" ("NonNormalized"))"#
        )),
        Data::List(MailboxList {
            attributes: vec![],
            delimiter: Some(quoted("/")),
            mailbox: Mailbox::Other(a_q("Normalized")),
            extended: Some(vec![ListExtendedItem {
                tag: a_q("OLDNAME"),
                value: comp_str("NonNormalized")
            }]),
        })
    );
    // RFC 9051 line 3091: CHILDINFO, tag unquoted.
    assert_eq!(
        data(&line(r#"* LIST () "." "foo" (CHILDINFO ("SUBSCRIBED"))"#)),
        Data::List(MailboxList {
            attributes: vec![],
            delimiter: Some(quoted(".")),
            mailbox: Mailbox::Other(a_q("foo")),
            extended: Some(vec![ListExtendedItem {
                tag: a_atom("CHILDINFO"),
                value: comp_str("SUBSCRIBED")
            }]),
        })
    );
    // RFC 9051 line 5690: nested comps.
    let Data::List(l) = data(leaked(
        r#"* LIST () ":" Tables:new (tablecloth ("edge" "lacy") Sample ("text" "more text"))"#,
    )) else {
        panic!()
    };
    assert_eq!(
        l.extended,
        Some(vec![
            ListExtendedItem {
                tag: a_atom("tablecloth"),
                value: TaggedExtValue::Comp(Some(TaggedExtComp::Many(v1(vec![
                    TaggedExtComp::AString(a_q("edge")),
                    TaggedExtComp::AString(a_q("lacy")),
                ])))),
            },
            ListExtendedItem {
                tag: a_atom("Sample"),
                value: TaggedExtValue::Comp(Some(TaggedExtComp::Many(v1(vec![
                    TaggedExtComp::AString(a_q("text")),
                    TaggedExtComp::AString(a_q("more text")),
                ])))),
            },
        ])
    );
    // Empty extended data and a number value.
    let Data::List(l) = data(leaked(r#"* LIST () "/" a ()"#)) else {
        panic!()
    };
    assert_eq!(l.extended, Some(vec![]));
    let Data::List(l) = data(leaked(r#"* LIST () "/" a (X-COUNT 5)"#)) else {
        panic!()
    };
    assert_eq!(
        l.extended,
        Some(vec![ListExtendedItem {
            tag: a_atom("X-COUNT"),
            value: TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(seqset("5"))),
        }])
    );
}

#[test]
fn kat_namespace() {
    let d = |prefix, delim| NamespaceDescription {
        prefix: q(prefix),
        delimiter: Some(quoted(delim)),
        extensions: vec![],
    };
    assert_eq!(
        data(&line(r#"* NAMESPACE (("" "/")) NIL NIL"#)),
        Data::Namespace {
            personal: Some(v1(vec![d("", "/")])),
            other: None,
            shared: None
        }
    );
    assert_eq!(
        data(&line(
            r##"* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))"##
        )),
        Data::Namespace {
            personal: Some(v1(vec![d("", "/")])),
            other: Some(v1(vec![d("~", "/")])),
            shared: Some(v1(vec![
                d("#shared/", "/"),
                d("#public/", "/"),
                d("#ftp/", "/"),
                d("#news.", ".")
            ])),
        }
    );
    assert_eq!(
        data(&line(
            r##"* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL"##
        )),
        Data::Namespace {
            personal: Some(v1(vec![
                d("", "/"),
                NamespaceDescription {
                    prefix: q("#mh/"),
                    delimiter: Some(quoted("/")),
                    extensions: vec![(q("X-PARAM"), v1(vec![q("FLAG1"), q("FLAG2")]))],
                },
            ])),
            other: None,
            shared: None,
        }
    );
    assert_eq!(
        data(&line(r#"* NAMESPACE (("" NIL)) NIL NIL"#)),
        Data::Namespace {
            personal: Some(v1(vec![NamespaceDescription {
                prefix: q(""),
                delimiter: None,
                extensions: vec![]
            }])),
            other: None,
            shared: None,
        }
    );
    fails(&line("* NAMESPACE () NIL NIL"), &opts());
}

#[test]
fn kat_status() {
    assert_eq!(
        data(&line("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)")),
        Data::Status {
            mailbox: Mailbox::Other(a_atom("blurdybloop")),
            values: vec![StatusValue::Messages(231), StatusValue::UidNext(nz(44292))],
        }
    );
    assert_eq!(
        data(&line(r#"* STATUS "INBOX" (MESSAGES 17 UNSEEN 16)"#)),
        Data::Status {
            mailbox: Mailbox::Inbox,
            values: vec![StatusValue::Messages(17), StatusValue::Unseen(16)]
        }
    );
    assert_eq!(
        data(&line(
            "* STATUS x (messages 1 recent 2 uidnext 3 uidvalidity 4 unseen 5 deleted 6 size 12345678901)"
        )),
        Data::Status {
            mailbox: Mailbox::Other(a_atom("x")),
            values: vec![
                StatusValue::Messages(1),
                StatusValue::Recent(2),
                StatusValue::UidNext(nz(3)),
                StatusValue::UidValidity(nz(4)),
                StatusValue::Unseen(5),
                StatusValue::Deleted(6),
                StatusValue::Size(12_345_678_901),
            ],
        }
    );
    assert_eq!(
        data(&line("* STATUS x ()")),
        Data::Status {
            mailbox: Mailbox::Other(a_atom("x")),
            values: vec![]
        }
    );
    // StatusValue has no variant for other attributes (RFC 7162 HIGHESTMODSEQ...).
    fails(&line("* STATUS x (HIGHESTMODSEQ 7)"), &opts());
}

#[test]
fn kat_esearch_and_search() {
    assert_eq!(
        data(&line(r#"* ESEARCH (TAG "A282") MIN 2 COUNT 3"#)),
        Data::ESearch {
            tag: Some(a_q("A282")),
            uid: false,
            data: vec![SearchReturnData::Min(nz(2)), SearchReturnData::Count(3)],
        }
    );
    assert_eq!(
        data(&line(r#"* ESEARCH (TAG "A285") UID MIN 7 MAX 3800"#)),
        Data::ESearch {
            tag: Some(a_q("A285")),
            uid: true,
            data: vec![
                SearchReturnData::Min(nz(7)),
                SearchReturnData::Max(nz(3800))
            ],
        }
    );
    assert_eq!(
        data(&line(r#"* ESEARCH (TAG "A284")"#)),
        Data::ESearch {
            tag: Some(a_q("A284")),
            uid: false,
            data: vec![]
        }
    );
    assert_eq!(
        data(&line("* ESEARCH COUNT 18 ALL 1:17,21")),
        Data::ESearch {
            tag: None,
            uid: false,
            data: vec![
                SearchReturnData::Count(18),
                SearchReturnData::All(seqset("1:17,21"))
            ],
        }
    );
    assert_eq!(
        data(&line("* ESEARCH UID COUNT 17 ALL 4:18,21,28")),
        Data::ESearch {
            tag: None,
            uid: true,
            data: vec![
                SearchReturnData::Count(17),
                SearchReturnData::All(seqset("4:18,21,28"))
            ],
        }
    );
    // Unknown items (RFC 7162 MODSEQ, RFC 9394 PARTIAL) and a known item with an unexpected
    // value are kept as search-ret-data-ext; the tag-string may be an atom.
    assert_eq!(
        data(&line(
            "* ESEARCH (tag a1) ALL 1 MODSEQ 12345678901 PARTIAL (1:10 1,3) MIN 0"
        )),
        Data::ESearch {
            tag: Some(a_atom("a1")),
            uid: false,
            data: vec![
                SearchReturnData::All(seqset("1")),
                SearchReturnData::Other(
                    TaggedLabel::new("MODSEQ").unwrap(),
                    TaggedExtValue::Simple(TaggedExtSimple::Number(12_345_678_901))
                ),
                SearchReturnData::Other(
                    TaggedLabel::new("PARTIAL").unwrap(),
                    TaggedExtValue::Comp(Some(TaggedExtComp::Many(v1(vec![
                        TaggedExtComp::AString(a_atom("1:10")),
                        TaggedExtComp::AString(a_atom("1,3")),
                    ]))))
                ),
                SearchReturnData::Other(
                    TaggedLabel::new("MIN").unwrap(),
                    TaggedExtValue::Simple(TaggedExtSimple::Number(0))
                ),
            ],
        }
    );
    // RFC 3501 SEARCH.
    assert_eq!(
        data(&line("* SEARCH 2 84 882")),
        Data::Search(vec![nz(2), nz(84), nz(882)])
    );
    assert_eq!(data(&line("* SEARCH")), Data::Search(vec![]));
    fails(&line("* SEARCH 0"), &opts());
}

#[test]
fn kat_flags_and_message_status() {
    assert_eq!(
        data(&line(r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)")),
        Data::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft
        ])
    );
    assert_eq!(
        data(&line(r"* FLAGS (\seen $Forwarded \Recent \X-Custom)")),
        Data::Flags(vec![
            Flag::Seen,
            Flag::Keyword(atom("$Forwarded")),
            Flag::Extension(atom("Recent")),
            Flag::Extension(atom("X-Custom")),
        ])
    );
    assert_eq!(data(&line("* 23 EXISTS")), Data::Exists(23));
    assert_eq!(data(&line("* 0 EXISTS")), Data::Exists(0));
    assert_eq!(data(&line("* 5 RECENT")), Data::Recent(5));
    assert_eq!(data(&line("* 44 EXPUNGE")), Data::Expunge(nz(44)));
    fails(&line("* 0 EXPUNGE"), &opts());
    fails(&line("* 0 FETCH (UID 1)"), &opts());
    fails(&line("* 3 FOO"), &opts());
}

// -------------------------------------------------------------------------------------------------
// Known answers: FETCH.
// -------------------------------------------------------------------------------------------------

#[test]
fn kat_fetch_simple_items() {
    let (seq, items) = fetch(b"* 14 FETCH (UID 1305 FLAGS (\\Seen \\Deleted))\r\n");
    assert_eq!(seq, nz(14));
    assert_eq!(
        items,
        vec![
            MessageDataItem::Uid(nz(1305)),
            MessageDataItem::Flags(vec![
                FlagFetch::Flag(Flag::Seen),
                FlagFetch::Flag(Flag::Deleted)
            ]),
        ]
    );
    let (seq, items) = fetch(b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827 UID 447)\r\n");
    assert_eq!(seq, nz(23));
    assert_eq!(
        items,
        vec![
            MessageDataItem::Flags(vec![FlagFetch::Flag(Flag::Seen)]),
            MessageDataItem::Rfc822Size(44827),
            MessageDataItem::Uid(nz(447)),
        ]
    );
    assert_eq!(
        fetch_item(r"FLAGS (\Recent \recent $Junk)"),
        MessageDataItem::Flags(vec![
            FlagFetch::Recent,
            FlagFetch::Recent,
            FlagFetch::Flag(Flag::Keyword(atom("$Junk")))
        ])
    );
    assert_eq!(fetch_item("FLAGS ()"), MessageDataItem::Flags(vec![]));
    // RFC822.SIZE is number64 in RFC 9051.
    assert_eq!(
        fetch_item("RFC822.SIZE 8589934592"),
        MessageDataItem::Rfc822Size(8_589_934_592)
    );
    assert_eq!(
        fetch_item(r#"INTERNALDATE " 7-Feb-1994 21:52:25 -0800""#),
        MessageDataItem::InternalDate(
            DateTime::new(NaiveDate::new(1994, 2, 7).unwrap(), 21, 52, 25, -8 * 60).unwrap()
        )
    );
    fails(&line("* 1 FETCH ()"), &opts());
    // MessageDataItem has no variant for other items (RFC 7162 MODSEQ, Gmail X-GM-*...).
    fails(&line("* 1 FETCH (UID 1 MODSEQ (7))"), &opts());
}

#[test]
fn kat_fetch_rfc_sample_session() {
    let envelope = |subject, message_id| Envelope {
        date: ns("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"),
        subject: ns(subject),
        from: Some(vec![addr(Some("Terry Gray"), "gray", "cac.washington.edu")]),
        sender: Some(vec![addr(Some("Terry Gray"), "gray", "cac.washington.edu")]),
        reply_to: Some(vec![addr(Some("Terry Gray"), "gray", "cac.washington.edu")]),
        to: Some(vec![addr(None, "imap", "cac.washington.edu")]),
        cc: Some(vec![
            addr(None, "minutes", "CNRI.Reston.VA.US"),
            addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
        ]),
        bcc: None,
        in_reply_to: NIL,
        message_id: ns(message_id),
    };
    let expected = |subject, message_id| {
        vec![
            MessageDataItem::Flags(vec![FlagFetch::Flag(Flag::Seen)]),
            MessageDataItem::InternalDate(
                DateTime::new(NaiveDate::new(1996, 7, 17).unwrap(), 2, 44, 25, -7 * 60).unwrap(),
            ),
            MessageDataItem::Rfc822Size(4286),
            MessageDataItem::Envelope(Box::new(envelope(subject, message_id))),
            MessageDataItem::Body(Box::new(text_part(
                "PLAIN",
                params(&[("CHARSET", "US-ASCII")]),
                "7BIT",
                3028,
                92,
            ))),
        ]
    };
    let (seq, items) = fetch(leaked(SAMPLE_FETCH_9051));
    assert_eq!(seq, nz(12));
    assert_eq!(
        items,
        expected(
            "IMAP4rev2 WG mtg summary and minutes",
            "<B27397-0100000@cac.washington.ed>"
        )
    );
    let (_, items) = fetch(leaked(SAMPLE_FETCH_3501));
    assert_eq!(
        items,
        expected(
            "IMAP4rev1 WG mtg summary and minutes",
            "<B27397-0100000@cac.washington.edu>"
        )
    );

    let input = sample_header_fetch("rev2");
    let (_, items) = fetch(&input);
    let [
        MessageDataItem::BodySection {
            section,
            origin,
            data,
        },
    ] = &items[..]
    else {
        panic!("{items:?}")
    };
    assert_eq!(*section, Some(Section::Header(None)));
    assert_eq!(*origin, None);
    let bytes = data.as_bytes().unwrap();
    assert_eq!(bytes.len(), 342);
    assert!(bytes.starts_with(b"Date: Wed, 17 Jul 1996"));
}

#[test]
fn kat_fetch_sections_and_rfc822_items() {
    let input = b"* 7 FETCH (BODY[1.2]<0> \"abc\" BODY[HEADER.FIELDS (FROM \"Subject\")] {4}\r\nab\r\n BODY[1.MIME] NIL BODY[TEXT]<100> NIL BODY[] \"\")\r\n";
    let (_, items) = fetch(input);
    assert_eq!(
        items,
        vec![
            MessageDataItem::BodySection {
                section: Some(Section::Part(Part(v1(vec![nz(1), nz(2)])))),
                origin: Some(0),
                data: ns("abc"),
            },
            MessageDataItem::BodySection {
                section: Some(Section::HeaderFields(
                    None,
                    v1(vec![a_atom("FROM"), a_q("Subject")])
                )),
                origin: None,
                data: NString(Some(IString::Literal(
                    Literal::new(&b"ab\r\n"[..]).unwrap()
                ))),
            },
            MessageDataItem::BodySection {
                section: Some(Section::Mime(Part(v1(vec![nz(1)])))),
                origin: None,
                data: NIL
            },
            MessageDataItem::BodySection {
                section: Some(Section::Text(None)),
                origin: Some(100),
                data: NIL
            },
            MessageDataItem::BodySection {
                section: None,
                origin: None,
                data: ns("")
            },
        ]
    );
    check_response_prefixes(input);

    // RFC 3501 RFC822, RFC822.HEADER, RFC822.TEXT.
    let input = b"* 2 FETCH (RFC822 {5}\r\nhello RFC822.HEADER \"h: v\" RFC822.TEXT NIL)\r\n";
    let (_, items) = fetch(input);
    assert_eq!(
        items,
        vec![
            MessageDataItem::Rfc822(NString(Some(IString::Literal(
                Literal::new(&b"hello"[..]).unwrap()
            )))),
            MessageDataItem::Rfc822Header(ns("h: v")),
            MessageDataItem::Rfc822Text(NIL),
        ]
    );
    check_response_prefixes(input);
}

#[test]
fn kat_fetch_binary() {
    let input = b"* 3 FETCH (BINARY[1] ~{4}\r\n\x00\x01\r\n BINARY.SIZE[1] 4 BINARY[] NIL BINARY[2.1] \"ab\" BINARY.SIZE[] 0)\r\n";
    let (_, items) = fetch(input);
    assert_eq!(
        items,
        vec![
            MessageDataItem::Binary {
                section: vec![nz(1)],
                value: BinaryData::Literal8(Literal8 {
                    data: (&b"\x00\x01\r\n"[..]).into(),
                    mode: LiteralMode::Sync
                }),
            },
            MessageDataItem::BinarySize {
                section: vec![nz(1)],
                size: 4
            },
            MessageDataItem::Binary {
                section: vec![],
                value: BinaryData::NString(NIL)
            },
            MessageDataItem::Binary {
                section: vec![nz(2), nz(1)],
                value: BinaryData::NString(ns("ab"))
            },
            MessageDataItem::BinarySize {
                section: vec![],
                size: 0
            },
        ]
    );
    check_response_prefixes(input);
    // NUL is only allowed in literal8.
    fails(b"* 3 FETCH (BODY[] {2}\r\n\x00a)\r\n", &opts());
}

// -------------------------------------------------------------------------------------------------
// Known answers: body structures.
// -------------------------------------------------------------------------------------------------

fn bodystructure(s: &str) -> BodyStructure<'static> {
    match fetch_item(&format!("BODYSTRUCTURE {s}")) {
        MessageDataItem::BodyStructure(b) => *b,
        other => panic!("{other:?}"),
    }
}

#[test]
fn kat_body_rfc_examples() {
    // RFC 9051 §7.5.2 (BODYSTRUCTURE description).
    assert_eq!(
        bodystructure(r#"("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48)"#),
        text_part(
            "PLAIN",
            params(&[("CHARSET", "US-ASCII")]),
            "7BIT",
            2279,
            48
        )
    );
    let two_parts = concat!(
        r#"(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)"#,
        r#"("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "#,
        r#""<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")"#
    );
    let expected = BodyStructure::Multi {
        parts: v1(vec![
            text_part(
                "PLAIN",
                params(&[("CHARSET", "US-ASCII")]),
                "7BIT",
                1152,
                23,
            ),
            BodyStructure::Single {
                fields: BasicFields {
                    params: params(&[("CHARSET", "US-ASCII"), ("NAME", "cc.diff")]),
                    id: ns("<960723163407.20117h@cac.washington.edu>"),
                    description: ns("Compiler diff"),
                    encoding: q("BASE64"),
                    size: 4554,
                },
                kind: SinglePartKind::Text {
                    subtype: q("PLAIN"),
                    lines: 73,
                },
                extension: None,
            },
        ]),
        subtype: q("MIXED"),
        extension: None,
    };
    assert_eq!(bodystructure(two_parts), expected);
    assert_eq!(
        fetch_item(&format!("BODY {two_parts}")),
        MessageDataItem::Body(Box::new(expected))
    );
}

#[test]
fn kat_body_extension_data() {
    let s = concat!(
        r#"(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 120 3 "md5sum" ("INLINE" NIL) ("EN" "DE") "#,
        r#""http://loc" 7 ("x" (1 NIL)))"#,
        r#"("APPLICATION" "OCTET-STREAM" ("NAME" "a.bin") "<id@x>" "desc" "BASE64" 4096 NIL "#,
        r#"("ATTACHMENT" ("FILENAME" "a.bin")) "en" NIL) "#,
        r#""MIXED" ("BOUNDARY" "xyz") ("INLINE" NIL) NIL "loc" 42)"#
    );
    let part1 = BodyStructure::Single {
        fields: BasicFields {
            params: params(&[("CHARSET", "UTF-8")]),
            id: NIL,
            description: NIL,
            encoding: q("QUOTED-PRINTABLE"),
            size: 120,
        },
        kind: SinglePartKind::Text {
            subtype: q("PLAIN"),
            lines: 3,
        },
        extension: Some(Box::new(SinglePartExtension {
            md5: ns("md5sum"),
            tail: Some(ExtensionTail {
                disposition: Some(Disposition {
                    kind: q("INLINE"),
                    params: None,
                }),
                rest: Some(LanguageTail {
                    language: Language::List(v1(vec![q("EN"), q("DE")])),
                    location: Some(LocationTail {
                        location: ns("http://loc"),
                        extensions: vec![
                            BodyExtension::Number(7),
                            BodyExtension::List(v1(vec![
                                BodyExtension::NString(ns("x")),
                                BodyExtension::List(v1(vec![
                                    BodyExtension::Number(1),
                                    BodyExtension::NString(NIL),
                                ])),
                            ])),
                        ],
                    }),
                }),
            }),
        })),
    };
    let part2 = BodyStructure::Single {
        fields: BasicFields {
            params: params(&[("NAME", "a.bin")]),
            id: ns("<id@x>"),
            description: ns("desc"),
            encoding: q("BASE64"),
            size: 4096,
        },
        kind: SinglePartKind::Basic {
            media_type: q("APPLICATION"),
            subtype: q("OCTET-STREAM"),
        },
        extension: Some(Box::new(SinglePartExtension {
            md5: NIL,
            tail: Some(ExtensionTail {
                disposition: Some(Disposition {
                    kind: q("ATTACHMENT"),
                    params: params(&[("FILENAME", "a.bin")]),
                }),
                rest: Some(LanguageTail {
                    language: Language::Single(ns("en")),
                    location: Some(LocationTail {
                        location: NIL,
                        extensions: vec![],
                    }),
                }),
            }),
        })),
    };
    assert_eq!(
        bodystructure(s),
        BodyStructure::Multi {
            parts: v1(vec![part1, part2]),
            subtype: q("MIXED"),
            extension: Some(Box::new(MultiPartExtension {
                params: params(&[("BOUNDARY", "xyz")]),
                tail: Some(ExtensionTail {
                    disposition: Some(Disposition {
                        kind: q("INLINE"),
                        params: None
                    }),
                    rest: Some(LanguageTail {
                        language: Language::Single(NIL),
                        location: Some(LocationTail {
                            location: ns("loc"),
                            extensions: vec![BodyExtension::Number(42)]
                        }),
                    }),
                }),
            })),
        }
    );
    // Each extension level is optional.
    let BodyStructure::Multi { extension, .. } =
        bodystructure(r#"(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" NIL)"#)
    else {
        panic!()
    };
    assert_eq!(
        extension,
        Some(Box::new(MultiPartExtension {
            params: None,
            tail: None
        }))
    );
    let BodyStructure::Single { extension, .. } =
        bodystructure(r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL)"#)
    else {
        panic!()
    };
    assert_eq!(
        extension,
        Some(Box::new(SinglePartExtension {
            md5: NIL,
            tail: Some(ExtensionTail {
                disposition: None,
                rest: None
            })
        }))
    );
    let BodyStructure::Single { extension, .. } =
        bodystructure(r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL)"#)
    else {
        panic!()
    };
    assert_eq!(
        extension,
        Some(Box::new(SinglePartExtension {
            md5: NIL,
            tail: Some(ExtensionTail {
                disposition: None,
                rest: Some(LanguageTail {
                    language: Language::Single(NIL),
                    location: None
                }),
            }),
        }))
    );
}

#[test]
fn kat_body_message_rfc822() {
    let inner = r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 100 5)"#;
    let env = r#"(NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL)"#;
    let expected_env = Envelope {
        date: NIL,
        subject: ns("inner"),
        from: None,
        sender: None,
        reply_to: None,
        to: None,
        cc: None,
        bcc: None,
        in_reply_to: NIL,
        message_id: NIL,
    };
    let fields = || BasicFields {
        params: None,
        id: NIL,
        description: NIL,
        encoding: q("7BIT"),
        size: 500,
    };
    for subtype in ["RFC822", "rfc822", "GLOBAL"] {
        let s = format!(r#"("MESSAGE" "{subtype}" NIL NIL NIL "7BIT" 500 {env} {inner} 20)"#);
        let BodyStructure::Single {
            fields: f,
            kind:
                SinglePartKind::Message {
                    subtype: st,
                    envelope,
                    body,
                    lines,
                },
            extension,
        } = bodystructure(&s)
        else {
            panic!("{s}")
        };
        assert_eq!(f, fields());
        assert_eq!(st.as_bytes(), subtype.as_bytes());
        assert_eq!(*envelope, expected_env);
        assert_eq!(*body, text_part("PLAIN", None, "7BIT", 100, 5));
        assert_eq!(lines, 20);
        assert_eq!(extension, None);
    }
    // Synthetic: a message/rfc822 part sent without envelope, body and lines is kept as a basic
    // part (one byte of lookahead decides; nothing is parsed twice).
    assert_eq!(
        bodystructure(r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500)"#),
        BodyStructure::Single {
            fields: fields(),
            kind: SinglePartKind::Basic {
                media_type: q("MESSAGE"),
                subtype: q("RFC822")
            },
            extension: None,
        }
    );
    let BodyStructure::Single {
        kind, extension, ..
    } = bodystructure(r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 NIL)"#)
    else {
        panic!()
    };
    assert_eq!(
        kind,
        SinglePartKind::Basic {
            media_type: q("MESSAGE"),
            subtype: q("RFC822")
        }
    );
    assert_eq!(
        extension,
        Some(Box::new(SinglePartExtension {
            md5: NIL,
            tail: None
        }))
    );
    // Other message subtypes are basic.
    let BodyStructure::Single { kind, .. } =
        bodystructure(r#"("MESSAGE" "DELIVERY-STATUS" NIL NIL NIL "7BIT" 5)"#)
    else {
        panic!()
    };
    assert_eq!(
        kind,
        SinglePartKind::Basic {
            media_type: q("MESSAGE"),
            subtype: q("DELIVERY-STATUS")
        }
    );
    // Synthetic: a text part without its line count is kept as basic.
    let BodyStructure::Single { kind, .. } =
        bodystructure(r#"("text" "plain" NIL NIL NIL "7bit" 5)"#)
    else {
        panic!()
    };
    assert_eq!(
        kind,
        SinglePartKind::Basic {
            media_type: q("text"),
            subtype: q("plain")
        }
    );
    // Literals anywhere a string goes.
    let input =
        b"* 1 FETCH (BODY ({4}\r\nTEXT \"PLAIN\" ({7}\r\ncharset \"x\") NIL NIL \"7BIT\" 1 1))\r\n";
    let (_, items) = fetch(input);
    let [MessageDataItem::Body(body)] = &items[..] else {
        panic!("{items:?}")
    };
    let BodyStructure::Single {
        kind: SinglePartKind::Text { lines: 1, .. },
        fields,
        ..
    } = &**body
    else {
        panic!("{body:?}")
    };
    assert_eq!(fields.params.as_ref().unwrap()[0].0.as_bytes(), b"charset");
    check_response_prefixes(input);
}

#[test]
fn body_errors() {
    // Encoding, subtype and type are strings: NIL is refused even with the nil-as-string quirk.
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL NIL 1 1))"#),
        &opts(),
    );
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" NIL NIL NIL NIL "7BIT" 1 1))"#),
        &opts(),
    );
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) NIL))"#),
        &opts(),
    );
    // Params is NIL or a non-empty list (the type cannot hold "()").
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" () NIL NIL "7BIT" 1 1))"#),
        &opts(),
    );
    // Missing fields, unbalanced parentheses.
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT"))"#),
        &opts(),
    );
    fails(
        &line(r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"#),
        &opts(),
    );
    fails(&line(r#"* 1 FETCH (BODYSTRUCTURE ())"#), &opts());
}

// -------------------------------------------------------------------------------------------------
// Real-server quirks (default options accept them; strict options do not).
// -------------------------------------------------------------------------------------------------

#[test]
fn quirk_bare_continuation() {
    // Seen from Yandex ("+\r\n" instead of "+ \r\n"): djc/imap-proto issue #67; the same fix in
    // apple/swift-nio-imap pull request #222.
    let input = b"+\r\n";
    assert_eq!(decode(input), basic(None, ""));
    fails(input, &strict());
}

#[test]
fn quirk_trailing_space_after_status() {
    // Seen from Microsoft Exchange (STATUS with a trailing space): duesee/imap-codec pull request
    // #468 and flourishlib/flourish-classes issue #225 (Exchange 2007).
    let input = b"* STATUS INBOX (MESSAGES 0) \r\n";
    assert_eq!(
        data(input),
        Data::Status {
            mailbox: Mailbox::Inbox,
            values: vec![StatusValue::Messages(0)]
        }
    );
    fails(input, &strict());
}

#[test]
fn quirk_trailing_space_after_list() {
    // Synthetic: the trailing space of the Exchange STATUS quirk, after a LIST response, as
    // described in the docs of `Quirks::lenient_spaces` (no public capture checked).
    let input = b"* LIST (\\HasNoChildren) \"/\" Foo \r\n";
    assert_eq!(
        data(input),
        Data::List(MailboxList {
            attributes: vec![MailboxAttribute::HasNoChildren],
            delimiter: Some(quoted("/")),
            mailbox: Mailbox::Other(a_atom("Foo")),
            extended: None,
        })
    );
    fails(input, &strict());
}

#[test]
fn quirk_space_before_close_paren_in_flag_lists() {
    // Seen from SurgeMail 8.0e: chatmail/async-imap issue #123, modern-email/defects issue #48.
    let flags = vec![
        Flag::Answered,
        Flag::Flagged,
        Flag::Deleted,
        Flag::Draft,
        Flag::Seen,
        Flag::Keyword(atom("$Forwarded")),
    ];
    let input = b"* FLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )\r\n";
    assert_eq!(data(input), Data::Flags(flags.clone()));
    fails(input, &strict());
    let input = b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )] Limited\r\n";
    assert_eq!(
        decode(input),
        untagged(
            StatusKind::Ok,
            Some(Code::PermanentFlags(
                flags.into_iter().map(FlagPerm::Flag).collect()
            )),
            "Limited"
        )
    );
    // Strictly, the code does not parse, so it is kept raw (the response still decodes).
    assert_eq!(
        decode_with(input, &strict()),
        untagged(
            StatusKind::Ok,
            Some(Code::Other {
                name: atom("PERMANENTFLAGS"),
                text: Some(text(
                    r"(\Answered \Flagged \Deleted \Draft \Seen $Forwarded )"
                )),
            }),
            "Limited"
        )
    );
}

#[test]
fn quirk_space_before_close_paren_in_fetch() {
    // Seen from imap.qq.com: jakartaee/mail-api issue #209.
    let input = b"* 11487 FETCH (UID 19436 )\r\n";
    assert_eq!(
        fetch(input),
        (nz(11487), vec![MessageDataItem::Uid(nz(19436))])
    );
    fails(input, &strict());
}

#[test]
fn quirk_space_before_close_paren_in_bodystructure() {
    // Seen from yahoo.co.jp (space after the multipart disposition): emailjs/emailjs-imap-handler
    // pull request #8. The BODYSTRUCTURE of that report; its other items are left out.
    let input = concat!(
        r#"* 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "ISO-2022-JP") NIL NIL "7bit" 2515 64 NIL NIL NIL NIL)"#,
        r#"("text" "html" ("charset" "ISO-2022-JP") NIL NIL "7bit" 7723 151 NIL NIL NIL NIL) "alternative" "#,
        r#"("boundary" "pzu8t3naw7b5therma1t") NIL ) UID 2)"#,
        "\r\n"
    )
    .as_bytes();
    let (_, items) = fetch(input);
    let [
        MessageDataItem::BodyStructure(body),
        MessageDataItem::Uid(_),
    ] = &items[..]
    else {
        panic!("{items:?}")
    };
    let BodyStructure::Multi {
        parts,
        subtype,
        extension,
    } = &**body
    else {
        panic!("{body:?}")
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(*subtype, q("alternative"));
    assert_eq!(
        *extension,
        Some(Box::new(MultiPartExtension {
            params: params(&[("boundary", "pzu8t3naw7b5therma1t")]),
            tail: Some(ExtensionTail {
                disposition: None,
                rest: None
            }),
        }))
    );
    fails(input, &strict());
}

#[test]
fn quirk_nil_parameter_value() {
    // Seen from imap.mail.ru ("boundary" NIL): pimalaya/himalaya issue #649, listed as
    // modern-email/defects issue #50. Reduced to the multipart/alternative part of that report.
    let input = concat!(
        r#"* 1992 FETCH (UID 153422 BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 1721 0 NIL NIL NIL NIL)"#,
        r#"("text" "html" ("charset" "utf-8") NIL NIL "8bit" 31289 0 NIL NIL NIL NIL) "alternative" ("boundary" NIL)))"#,
        "\r\n"
    )
    .as_bytes();
    let (_, items) = fetch(input);
    let [
        MessageDataItem::Uid(_),
        MessageDataItem::BodyStructure(body),
    ] = &items[..]
    else {
        panic!("{items:?}")
    };
    let BodyStructure::Multi {
        extension: Some(ext),
        ..
    } = &**body
    else {
        panic!("{body:?}")
    };
    assert_eq!(ext.params, Some(v1(vec![(q("boundary"), NIL)])));
    fails(input, &strict());
    // Also in a single part (the case `Quirks::nil_as_string` documents as `("charset" NIL)`).
    let BodyStructure::Single { fields, .. } =
        bodystructure(r#"("TEXT" "PLAIN" ("charset" NIL) NIL NIL "7BIT" 1 1)"#)
    else {
        panic!()
    };
    assert_eq!(fields.params, Some(v1(vec![(q("charset"), NIL)])));
}

#[test]
fn quirk_runs_of_spaces() {
    // Seen from imap-n.global-mail.cn (two spaces between capabilities): emersion/go-imap pull
    // request #653. Reduced.
    let input = b"* CAPABILITY IMAP4rev1 LITERAL+  STARTTLS\r\n";
    assert_eq!(
        data(input),
        Data::Capability(v1(vec![
            Capability::Imap4Rev1,
            Capability::Other(atom("LITERAL+")),
            Capability::StartTls
        ]))
    );
    fails(input, &strict());
    // RFC 9051 itself (lines 3078 and 3169) has two spaces in examples.
    assert_eq!(
        data(b"* NAMESPACE ((\"INBOX.\" \".\")) NIL  NIL\r\n"),
        Data::Namespace {
            personal: Some(v1(vec![NamespaceDescription {
                prefix: q("INBOX."),
                delimiter: Some(quoted(".")),
                extensions: vec![],
            }])),
            other: None,
            shared: None,
        }
    );
    // Synthetic: a trailing space after SEARCH results and capabilities.
    assert_eq!(data(b"* SEARCH 1 2 \r\n"), Data::Search(vec![nz(1), nz(2)]));
    assert_eq!(data(b"* SEARCH \r\n"), Data::Search(vec![]));
    fails(b"* SEARCH 1 2 \r\n", &strict());
}

#[test]
fn real_world_bodystructure() {
    // From apple/swift-nio-imap issue #263 (case 2): valid, deeply nested, with dispositions.
    let input = concat!(
        r#"* 433 FETCH (BODYSTRUCTURE (((("TEXT" "PLAIN" ("CHARSET" "ISO-8859-1") NIL NIL "QUOTED-PRINTABLE" 710 20 NIL NIL NIL)"#,
        r#"("TEXT" "HTML" ("CHARSET" "ISO-8859-1") NIL NIL "QUOTED-PRINTABLE" 4323 42 NIL ("INLINE" NIL) NIL) "ALTERNATIVE" "#,
        r#"("BOUNDARY" "4__=rtfgha") NIL NIL)("IMAGE" "JPEG" ("NAME" "bike.jpeg") "<2__=lgkfjr>" NIL "BASE64" 64 NIL "#,
        r#"("INLINE" ("FILENAME" "bike.jpeg")) NIL) "RELATED" ("BOUNDARY" "0__=rtfgaa") NIL NIL)("APPLICATION" "PDF" "#,
        r#"("NAME" "title.pdf") "<5__=jlgkfr>" NIL "BASE64" 333980 NIL ("ATTACHMENT" ("FILENAME" "list.pdf")) NIL) "MIXED" "#,
        r#"("BOUNDARY" "1__=tfgrhs") NIL NIL))"#,
        "\r\n"
    )
    .as_bytes();
    let (_, items) = fetch(input);
    let [MessageDataItem::BodyStructure(body)] = &items[..] else {
        panic!("{items:?}")
    };
    let BodyStructure::Multi { parts, subtype, .. } = &**body else {
        panic!("{body:?}")
    };
    assert_eq!(*subtype, q("MIXED"));
    assert_eq!(parts.len(), 2);
    let BodyStructure::Multi { parts: related, .. } = &parts[0] else {
        panic!()
    };
    assert!(matches!(&related[0], BodyStructure::Multi { parts, .. } if parts.len() == 2));
    // Strictly too: this one is well-formed.
    decode_with(input, &strict());
    check_response_prefixes(input);
}

// -------------------------------------------------------------------------------------------------
// Nesting depth.
// -------------------------------------------------------------------------------------------------

/// A body structure `levels` deep: `levels - 1` multiparts around one text part.
fn nested_multipart(levels: usize) -> Vec<u8> {
    let mut s = String::from("* 1 FETCH (BODYSTRUCTURE ");
    s.push_str(&"(".repeat(levels - 1));
    s.push_str(r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"#);
    s.push_str(&r#" "MIXED")"#.repeat(levels - 1));
    s.push_str(")\r\n");
    s.into_bytes()
}

/// `levels` nested message/rfc822 parts around one text part.
fn nested_messages(levels: usize) -> Vec<u8> {
    let env = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";
    let mut s = String::from("* 1 FETCH (BODYSTRUCTURE ");
    for _ in 1..levels {
        s.push_str(&format!(
            r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 1 {env} "#
        ));
    }
    s.push_str(r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"#);
    s.push_str(&" 1)".repeat(levels - 1));
    s.push_str(")\r\n");
    s.into_bytes()
}

fn too_deep(input: &[u8], o: &Options) -> bool {
    matches!(decode_response(input, o), Err(DecodeError::Failed(e)) if matches!(e.kind, ErrorKind::TooDeep(_)))
}

#[test]
fn depth_64_accepted_65_refused() {
    for make in [nested_multipart, nested_messages] {
        let ok = make(64);
        let r = decode(&ok);
        // A value this deep can be cloned, compared, printed and dropped.
        let copy = r.clone();
        assert_eq!(copy, r);
        assert!(format!("{copy:?}").len() > 64);
        drop(copy);
        drop(r);
        let deep = make(65);
        assert!(matches!(fails(&deep, &opts()), ErrorKind::TooDeep(64)));
    }
    // The limit follows the options.
    let mut o = opts();
    o.max_depth = 10;
    assert!(decode_response(&nested_multipart(10), &o).is_ok());
    assert!(too_deep(&nested_multipart(11), &o));
}

#[test]
fn depth_of_extension_lists_is_bounded() {
    // body-extension lists: one level for the body, 63 for the lists.
    let ext = |n: usize| {
        line(&format!(
            r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL {}1{}))"#,
            "(".repeat(n),
            ")".repeat(n)
        ))
    };
    assert!(decode_response(&ext(63), &opts()).is_ok());
    assert!(too_deep(&ext(64), &opts()));
    // LIST extended data (tagged-ext-comp).
    let list = |n: usize| {
        line(&format!(
            r#"* LIST () "/" a (X ({}b{}))"#,
            "(".repeat(n),
            ")".repeat(n)
        ))
    };
    assert!(decode_response(&list(63), &opts()).is_ok());
    assert!(too_deep(&list(64), &opts()));
}

#[test]
fn hundred_thousand_parentheses_fail_without_overflow() {
    let n = 100_000;
    let open = "(".repeat(n);
    let close = ")".repeat(n);
    for input in [
        line(&format!("* 1 FETCH (BODYSTRUCTURE {open}{close})")),
        line(&format!("* 1 FETCH (BODY {open}")),
        line(&format!(
            r#"* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL {open}1{close}))"#
        )),
        line(&format!(r#"* LIST () "/" a (X {open}b{close})"#)),
        line(&format!("* ESEARCH (TAG a) X-EXT {open}b{close}")),
        line(&format!("* 1 FETCH {open}")),
        line(&format!("* FLAGS {open}")),
    ] {
        // Run on a small stack: recursion must stop at the depth limit, long before 512 KiB.
        let handle = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                matches!(
                    decode_response(&input, &opts()),
                    Err(DecodeError::Failed(_))
                )
            })
            .unwrap();
        assert!(handle.join().unwrap());
    }
    // A response code's raw text may hold any number of parentheses: nothing nests there.
    let input = line(&format!("* OK [X {open}] {open}"));
    let Response::Status(Status::Untagged {
        code: Some(Code::Other { text: Some(t), .. }),
        ..
    }) = decode(&input)
    else {
        panic!()
    };
    assert_eq!(t.as_bytes().len(), n);
}

#[test]
fn maximum_configurable_depth_fits_a_small_stack() {
    // MAX_DEPTH_LIMIT (512) levels decode and drop on a 4 MiB stack even in debug builds.
    let mut o = opts();
    o.max_depth = 10_000; // clamped to 512
    let handle = std::thread::Builder::new()
        .stack_size(4 * 1024 * 1024)
        .spawn(move || {
            let ok = nested_multipart(512);
            assert!(decode_response(&ok, &o).is_ok());
            assert!(too_deep(&nested_multipart(513), &o));
        })
        .unwrap();
    handle.join().unwrap();
}

// -------------------------------------------------------------------------------------------------
// Zero copy.
// -------------------------------------------------------------------------------------------------

fn inside(input: &[u8], data: &[u8]) -> bool {
    let range = input.as_ptr_range();
    range.contains(&data.as_ptr()) && data.len() <= input.len()
}

#[test]
fn literals_and_strings_are_borrowed() {
    let input = sample_header_fetch("rev2");
    let (_, items) = fetch(&input);
    let [
        MessageDataItem::BodySection {
            data: NString(Some(IString::Literal(l))),
            ..
        },
    ] = &items[..]
    else {
        panic!("{items:?}")
    };
    assert_eq!(l.data().len(), 342);
    assert!(inside(&input, l.data()));

    let input = line(SAMPLE_FETCH_9051);
    let (_, items) = fetch(&input);
    let MessageDataItem::Envelope(e) = &items[3] else {
        panic!()
    };
    assert!(inside(&input, e.subject.as_bytes().unwrap()));
    assert!(inside(
        &input,
        e.from.as_ref().unwrap()[0].name.as_bytes().unwrap()
    ));
    let MessageDataItem::Body(body) = &items[4] else {
        panic!()
    };
    let BodyStructure::Single { fields, .. } = &**body else {
        panic!()
    };
    assert!(inside(&input, fields.encoding.as_bytes()));

    let input = b"* 3 FETCH (BINARY[1] ~{3}\r\n\x00\x01\x02)\r\n";
    let (_, items) = fetch(input);
    let [
        MessageDataItem::Binary {
            value: BinaryData::Literal8(l),
            ..
        },
    ] = &items[..]
    else {
        panic!()
    };
    assert!(matches!(l.data, std::borrow::Cow::Borrowed(_)));
    assert!(inside(input, &l.data));

    let input = line("* OK [ALERT] System shutdown in 10 minutes");
    let Response::Status(Status::Untagged { text: t, .. }) = decode(&input) else {
        panic!()
    };
    assert!(inside(&input, t.as_bytes()));
}

#[test]
fn several_messages_in_one_buffer() {
    let input = b"* 1 EXISTS\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\na OK done\r\n* 2 EXI";
    let (rest, r) = decode_response(input, &opts()).unwrap();
    assert_eq!(r, Response::Data(Data::Exists(1)));
    let (rest, _) = decode_response(rest, &opts()).unwrap();
    let (rest, r) = decode_response(rest, &opts()).unwrap();
    assert_eq!(r, tagged("a", StatusKind::Ok, None, "done"));
    assert_eq!(decode_response(rest, &opts()), Err(DecodeError::Incomplete));
}
