//! Command decoding (server side): every client command example of RFC 9051 (§6 examples and the
//! §8 sample session) and RFC 3501, known-answer tests, errors, nesting limits and prefixes.

use std::num::{NonZeroU32, NonZeroU64};

use mailwire_core::Secret;
use mailwire_imap::codec::{
    DecodeError, ErrorKind, Options, decode_authenticate_data, decode_command, decode_idle_done,
};
use mailwire_imap::types::*;

// ---------------------------------------------------------------------------------------------
// The vectors: client commands as sent on the wire (without the final CRLF). Lines the RFCs break
// for editorial clarity are joined with one SP; literal data follows its announcement as the
// client sends it after the server's `+` (or at once for `{n+}`).
// ---------------------------------------------------------------------------------------------

/// RFC 9051 §6.3.12, first APPEND example (`{326}`, synchronizing).
const APPEND_9051_SYNC: &str = concat!(
    "A003 APPEND saved-messages (\\Seen) {326}\r\n",
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n",
    "From: Fred Foobar <foobar@Blurdybloop.example>\r\n",
    "Subject: afternoon meeting\r\n",
    "To: mooch@owatagu.siam.edu.example\r\n",
    "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n",
    "MIME-Version: 1.0\r\n",
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n",
    "\r\n",
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n",
);

/// RFC 9051 §6.3.12, second APPEND example (`{297+}`, LITERAL+).
const APPEND_9051_NONSYNC: &str = concat!(
    "A003 APPEND saved-messages (\\Seen) {297+}\r\n",
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n",
    "From: Fred Foobar <foobar@example.com>\r\n",
    "Subject: afternoon meeting\r\n",
    "To: mooch@example.com\r\n",
    "Message-Id: <B27397-0100000@example.com>\r\n",
    "MIME-Version: 1.0\r\n",
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n",
    "\r\n",
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n",
);

/// RFC 3501 §6.3.11 APPEND example (`{310}`).
const APPEND_3501: &str = concat!(
    "A003 APPEND saved-messages (\\Seen) {310}\r\n",
    "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n",
    "From: Fred Foobar <foobar@Blurdybloop.COM>\r\n",
    "Subject: afternoon meeting\r\n",
    "To: mooch@owatagu.siam.edu\r\n",
    "Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n",
    "MIME-Version: 1.0\r\n",
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n",
    "\r\n",
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n",
);

fn wire(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.extend_from_slice(b"\r\n");
    v
}

fn store_250() -> String {
    let flags: Vec<String> = (1..=250).map(|n| format!("f{n}")).collect();
    format!("m STORE 42 FLAGS {}", flags.join(" "))
}

fn file_vectors(prefix: &str) -> Vec<Vec<u8>> {
    let all = read_vec(include_bytes!("vectors/rfc-commands.vec"));
    let v: Vec<Vec<u8>> = all
        .into_iter()
        .filter(|(l, _)| l.starts_with(prefix))
        .map(|(_, b)| b)
        .collect();
    assert!(!v.is_empty(), "no {prefix} vectors");
    v
}

fn rfc9051_vectors() -> Vec<Vec<u8>> {
    file_vectors("rfc9051")
}

fn rfc3501_vectors() -> Vec<Vec<u8>> {
    file_vectors("rfc3501")
}

/// Reads a `.vec` file from `tests/vectors/`: records of a `# label` line followed by the exact
/// bytes of one message (CRLF line ends, literals included). See `tests/vectors/README.md`.
fn read_vec(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        assert!(rest.starts_with(b"# "), "record must start with a label");
        let nl = rest.iter().position(|&b| b == b'\n').expect("label line");
        let label = String::from_utf8(rest[2..nl].to_vec()).expect("UTF-8 label");
        rest = &rest[nl + 1..];
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n# ")
            .map_or(rest.len(), |p| p + 2);
        out.push((label, rest[..end].to_vec()));
        rest = &rest[end..];
    }
    out
}

fn all_vectors() -> Vec<Vec<u8>> {
    let mut v = rfc9051_vectors();
    v.extend(rfc3501_vectors());
    v
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn opts() -> Options {
    Options::commands()
}

fn decode(input: &[u8]) -> Command<'_> {
    match decode_command(input, &opts()) {
        Ok((rest, cmd)) => {
            assert!(
                rest.is_empty(),
                "{:?}: {} bytes left",
                String::from_utf8_lossy(input),
                rest.len()
            );
            cmd
        }
        Err(e) => panic!("{:?}: {e:?}", String::from_utf8_lossy(input)),
    }
}

/// The error for a complete message: (kind, offset, tag).
fn failure(input: &str) -> (ErrorKind, usize, Option<String>) {
    let msg = wire(input);
    match decode_command(&msg, &opts()) {
        Err(DecodeError::Failed(e)) => {
            assert_eq!(e.skip, msg.len(), "{input:?}: skip");
            (e.kind, e.offset, e.tag.map(|t| t.as_str().to_string()))
        }
        other => panic!("{input:?}: expected a failure, got {other:?}"),
    }
}

fn kat(input: &str, tag: &str, expected: CommandBody<'_>) {
    let msg = wire(input);
    let cmd = decode(&msg);
    assert_eq!(cmd.tag.as_str(), tag, "{input:?}");
    assert_eq!(cmd.body, expected, "{input:?}");
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// A sequence set written as in IMAP (`2:4,7,9:*`, `$`).
fn set(s: &str) -> SequenceSet {
    if s == "$" {
        return SequenceSet::LastResult;
    }
    let one = |x: &str| {
        if x == "*" {
            SeqOrUid::Asterisk
        } else {
            SeqOrUid::Value(nz(x.parse().unwrap()))
        }
    };
    let items: Vec<Sequence> = s
        .split(',')
        .map(|p| match p.split_once(':') {
            Some((a, b)) => Sequence::Range(one(a), one(b)),
            None => Sequence::Single(one(p)),
        })
        .collect();
    SequenceSet::Set(Vec1::try_from(items).unwrap())
}

fn atom_s(s: &'static str) -> AString<'static> {
    AString::Atom(AtomExt::try_from(s).unwrap())
}

fn quoted_s(s: &'static str) -> AString<'static> {
    AString::String(IString::Quoted(Quoted::new(s.as_bytes()).unwrap()))
}

fn literal_s(s: &'static str, mode: LiteralMode) -> AString<'static> {
    AString::String(IString::Literal(
        Literal::with_mode(s.as_bytes(), mode).unwrap(),
    ))
}

fn mbox(s: &'static str) -> Mailbox<'static> {
    Mailbox::Other(atom_s(s))
}

fn mbox_q(s: &'static str) -> Mailbox<'static> {
    Mailbox::Other(quoted_s(s))
}

fn pat(s: &'static str) -> ListMailbox<'static> {
    ListMailbox::Token(ListCharString::try_from(s).unwrap())
}

fn pat_q(s: &'static str) -> ListMailbox<'static> {
    ListMailbox::String(IString::Quoted(Quoted::new(s.as_bytes()).unwrap()))
}

fn atom(s: &'static str) -> Atom<'static> {
    Atom::try_from(s).unwrap()
}

fn date(y: u16, m: u8, d: u8) -> NaiveDate {
    NaiveDate::new(y, m, d).unwrap()
}

fn vec1<T>(v: Vec<T>) -> Vec1<T> {
    Vec1::try_from(v).unwrap()
}

fn list(
    selection: Option<Vec<ListSelectOption<'static>>>,
    reference: Mailbox<'static>,
    patterns: Vec<ListMailbox<'static>>,
    patterns_parenthesized: bool,
    returns: Option<Vec<ListReturnOption<'static>>>,
) -> CommandBody<'static> {
    CommandBody::List {
        selection,
        reference,
        patterns: vec1(patterns),
        patterns_parenthesized,
        returns,
    }
}

fn search(
    uid: bool,
    returns: Option<Vec<SearchReturnOption<'static>>>,
    charset: Option<&'static str>,
    criteria: Vec<SearchKey<'static>>,
) -> CommandBody<'static> {
    CommandBody::Search {
        uid,
        returns,
        charset: charset.map(|c| Charset::Atom(atom(c))),
        criteria: vec1(criteria),
    }
}

fn fetch(uid: bool, s: &str, attributes: Vec<FetchAttribute<'static>>) -> CommandBody<'static> {
    CommandBody::Fetch {
        uid,
        set: set(s),
        attributes: MacroOrAttributes::Attributes(attributes),
        modifiers: vec![],
    }
}

fn not_from(s: &'static str) -> SearchKey<'static> {
    SearchKey::Not(Box::new(SearchKey::From(quoted_s(s))))
}

fn secret(b: &[u8]) -> Option<Secret<Vec<u8>>> {
    Some(Secret::new(b.to_vec()))
}

// ---------------------------------------------------------------------------------------------
// Every vector decodes, consumes everything, and every strict prefix asks for more input.
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc9051_examples_decode_completely() {
    let vectors = rfc9051_vectors();
    assert_eq!(vectors.len(), 194);
    for v in &vectors {
        let cmd = decode(v);
        assert!(v.starts_with(cmd.tag.as_str().as_bytes()));
    }
}

#[test]
fn rfc3501_examples_decode_completely() {
    let vectors = rfc3501_vectors();
    assert_eq!(vectors.len(), 66);
    for v in &vectors {
        let cmd = decode(v);
        assert!(v.starts_with(cmd.tag.as_str().as_bytes()));
    }
}

#[test]
fn pipelined_examples_decode_one_by_one() {
    let vectors = all_vectors();
    let stream: Vec<u8> = vectors.concat();
    let mut rest: &[u8] = &stream;
    let mut n = 0;
    while !rest.is_empty() {
        let (r, cmd) = decode_command(rest, &opts()).unwrap();
        assert!(vectors[n].starts_with(cmd.tag.as_str().as_bytes()));
        rest = r;
        n += 1;
    }
    assert_eq!(n, vectors.len());
}

#[test]
fn every_strict_prefix_is_incomplete_or_literal_found() {
    for v in &all_vectors() {
        for k in 0..v.len() {
            match decode_command(&v[..k], &opts()) {
                Err(DecodeError::Incomplete) => {}
                Err(DecodeError::LiteralFound { length, mode, .. }) => {
                    assert_eq!(mode, LiteralMode::Sync);
                    assert!(length > 0);
                    assert!(
                        v[..k].ends_with(b"}\r\n"),
                        "{:?}",
                        String::from_utf8_lossy(&v[..k])
                    );
                }
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(&v[..k])),
            }
        }
    }
}

#[test]
fn decoded_commands_can_outlive_the_input() {
    let msg = wire(APPEND_9051_SYNC);
    let cmd = decode(&msg).clone();
    let owned = Command {
        tag: cmd.tag.into_static(),
        body: cmd.body,
    };
    assert_eq!(owned.tag.as_str(), "A003");
    match &owned.body {
        CommandBody::Append { messages, .. } => assert_eq!(messages.first().data.data().len(), 326),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Known answers (hand-written expected values).
// ---------------------------------------------------------------------------------------------

#[test]
fn kat_any_state_and_nonauth() {
    kat("abcd CAPABILITY", "abcd", CommandBody::Capability);
    kat("a002 NOOP", "a002", CommandBody::Noop);
    kat("A023 LOGOUT", "A023", CommandBody::Logout);
    kat("efgh STARTTLS", "efgh", CommandBody::StartTls);
    kat("a000 starttls", "a000", CommandBody::StartTls);
    kat("a006 logout", "a006", CommandBody::Logout);
}

#[test]
fn kat_authenticate() {
    kat(
        "a004 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
        "a004",
        CommandBody::Authenticate {
            mechanism: AuthMechanism::plain(),
            initial_response: secret(b"test\0test\0test"),
        },
    );
    kat(
        "A001 AUTHENTICATE GSSAPI",
        "A001",
        CommandBody::Authenticate {
            mechanism: AuthMechanism::try_from("GSSAPI").unwrap(),
            initial_response: None,
        },
    );
    kat(
        "A01 AUTHENTICATE EXTERNAL =",
        "A01",
        CommandBody::Authenticate {
            mechanism: AuthMechanism::try_from("EXTERNAL").unwrap(),
            initial_response: secret(b""),
        },
    );
    kat(
        "A001 AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
        "A001",
        CommandBody::Authenticate {
            mechanism: AuthMechanism::try_from("SCRAM-SHA-256").unwrap(),
            initial_response: secret(b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"),
        },
    );
}

#[test]
fn kat_login() {
    kat(
        "a001 LOGIN SMITH SESAME",
        "a001",
        CommandBody::Login {
            username: atom_s("SMITH"),
            password: Secret::new(atom_s("SESAME")),
        },
    );
    kat(
        "b LOGIN \"fred\" \"foo\"",
        "b",
        CommandBody::Login {
            username: quoted_s("fred"),
            password: Secret::new(quoted_s("foo")),
        },
    );
    // RFC 9051 §7.5 / RFC 3501 §7.5: two synchronizing literals.
    kat(
        "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man",
        "A001",
        CommandBody::Login {
            username: literal_s("FRED FOOBAR", LiteralMode::Sync),
            password: Secret::new(literal_s("fat man", LiteralMode::Sync)),
        },
    );
    // The password never reaches Debug output.
    let msg = wire("a001 LOGIN SMITH SESAME");
    assert!(!format!("{:?}", decode(&msg)).contains("SESAME"));
}

#[test]
fn kat_enable_and_mailbox_commands() {
    kat(
        "t2 ENABLE CONDSTORE X-GOOD-IDEA",
        "t2",
        CommandBody::Enable(vec1(vec![atom("CONDSTORE"), atom("X-GOOD-IDEA")])),
    );
    kat(
        "babc ENABLE IMAP4rev2",
        "babc",
        CommandBody::Enable(Vec1::one(atom("IMAP4rev2"))),
    );
    kat(
        "A142 SELECT INBOX",
        "A142",
        CommandBody::select(Mailbox::Inbox),
    );
    kat("d select inbox", "d", CommandBody::select(Mailbox::Inbox));
    kat(
        "k1 select \"/archive/projects/experiment-iv\"",
        "k1",
        CommandBody::select(mbox_q("/archive/projects/experiment-iv")),
    );
    kat(
        "A932 EXAMINE blurdybloop",
        "A932",
        CommandBody::examine(mbox("blurdybloop")),
    );
    kat(
        "A003 CREATE owatagusiam/",
        "A003",
        CommandBody::Create(mbox("owatagusiam/")),
    );
    kat(
        "A002 CREATE \"INBOX.Sent Mail\"",
        "A002",
        CommandBody::Create(mbox_q("INBOX.Sent Mail")),
    );
    kat(
        "l create \"///////\"",
        "l",
        CommandBody::Create(mbox_q("///////")),
    );
    kat(
        "m356 DELETE Notes",
        "m356",
        CommandBody::Delete(mbox("Notes")),
    );
    kat(
        "Z433 RENAME INBOX old-mail",
        "Z433",
        CommandBody::Rename {
            from: Mailbox::Inbox,
            to: mbox("old-mail"),
        },
    );
    kat(
        "A002 SUBSCRIBE #news.comp.mail.mime",
        "A002",
        CommandBody::Subscribe(mbox("#news.comp.mail.mime")),
    );
    kat(
        "1003 UNSUBSCRIBE X",
        "1003",
        CommandBody::Unsubscribe(mbox("X")),
    );
    kat("A001 NAMESPACE", "A001", CommandBody::Namespace);
}

#[test]
fn kat_list() {
    kat(
        "A682 LIST \"\" *",
        "A682",
        list(None, mbox_q(""), vec![pat("*")], false, None),
    );
    kat(
        "A102 LIST #news.comp.mail.misc \"\"",
        "A102",
        list(
            None,
            mbox("#news.comp.mail.misc"),
            vec![pat_q("")],
            false,
            None,
        ),
    );
    kat(
        "A202 LIST ~/Mail/ %",
        "A202",
        list(None, mbox("~/Mail/"), vec![pat("%")], false, None),
    );
    kat(
        "A03 LIST () \"\" \"%\" RETURN (CHILDREN)",
        "A03",
        list(
            Some(vec![]),
            mbox_q(""),
            vec![pat_q("%")],
            false,
            Some(vec![ListReturnOption::Children]),
        ),
    );
    kat(
        "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"",
        "A05",
        list(
            Some(vec![ListSelectOption::Remote, ListSelectOption::Subscribed]),
            mbox_q(""),
            vec![pat_q("*")],
            false,
            None,
        ),
    );
    kat(
        "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)",
        "A06",
        list(
            Some(vec![ListSelectOption::Remote]),
            mbox_q(""),
            vec![pat_q("*")],
            false,
            Some(vec![ListReturnOption::Subscribed]),
        ),
    );
    kat(
        "a1 LIST \"\" (\"foo\")",
        "a1",
        list(None, mbox_q(""), vec![pat_q("foo")], true, None),
    );
    kat(
        "a3.1 LIST \"\" (% music/rock)",
        "a3.1",
        list(
            None,
            mbox_q(""),
            vec![pat("%"), pat("music/rock")],
            true,
            None,
        ),
    );
    kat(
        "a3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" foo RETURN (CHILDREN)",
        "a3",
        list(
            Some(vec![
                ListSelectOption::Subscribed,
                ListSelectOption::RecursiveMatch,
            ]),
            mbox_q(""),
            vec![pat("foo")],
            false,
            Some(vec![ListReturnOption::Children]),
        ),
    );
    kat(
        "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
        "A01",
        list(
            None,
            mbox_q(""),
            vec![pat("%")],
            false,
            Some(vec![ListReturnOption::Status(vec1(vec![
                StatusAttribute::Messages,
                StatusAttribute::Unseen,
            ]))]),
        ),
    );
    kat(
        "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))",
        "A02",
        list(
            Some(vec![
                ListSelectOption::Subscribed,
                ListSelectOption::RecursiveMatch,
            ]),
            mbox_q(""),
            vec![pat("%")],
            false,
            Some(vec![ListReturnOption::Status(Vec1::one(
                StatusAttribute::Messages,
            ))]),
        ),
    );
    kat(
        "A003 LIST (SPECIAL-USE) \"#mh/\" \"*\"",
        "A003",
        list(
            Some(vec![ListSelectOption::SpecialUse]),
            mbox_q("#mh/"),
            vec![pat_q("*")],
            false,
            None,
        ),
    );
}

#[test]
fn list_extension_options() {
    let msg =
        wire("a LIST (SUBSCRIBED vendor.x-sel (1 (2 3))) \"\" * RETURN (SPECIAL-USE MYRIGHTS)");
    match decode(&msg).body {
        CommandBody::List {
            selection, returns, ..
        } => {
            let selection = selection.unwrap();
            assert_eq!(selection[0], ListSelectOption::Subscribed);
            match &selection[1] {
                ListSelectOption::Other(label, Some(TaggedExtValue::Comp(Some(_)))) => {
                    assert_eq!(label.as_str(), "vendor.x-sel")
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(
                returns.unwrap(),
                vec![
                    ListReturnOption::SpecialUse,
                    ListReturnOption::Other(Atom::try_from("MYRIGHTS").unwrap(), None)
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn kat_lsub_status() {
    kat(
        "A003 LSUB \"#news.\" \"comp.%\"",
        "A003",
        CommandBody::Lsub {
            reference: mbox_q("#news."),
            pattern: pat_q("comp.%"),
        },
    );
    kat(
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
        "A042",
        CommandBody::Status {
            mailbox: mbox("blurdybloop"),
            attributes: vec1(vec![StatusAttribute::UidNext, StatusAttribute::Messages]),
        },
    );
    kat(
        "k2 status \"/archive/projects/experiment-iv\" (messages)",
        "k2",
        CommandBody::Status {
            mailbox: mbox_q("/archive/projects/experiment-iv"),
            attributes: Vec1::one(StatusAttribute::Messages),
        },
    );
    kat(
        "s STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE)",
        "s",
        CommandBody::Status {
            mailbox: Mailbox::Inbox,
            attributes: vec1(StatusAttribute::ALL[..7].to_vec()),
        },
    );
}

fn append_body(data: &str) -> &str {
    let start = data.find("}\r\n").unwrap() + 3;
    &data[start..]
}

#[test]
fn kat_append() {
    for (input, mode) in [
        (APPEND_3501, LiteralMode::Sync),
        (APPEND_9051_SYNC, LiteralMode::Sync),
        (APPEND_9051_NONSYNC, LiteralMode::NonSync),
    ] {
        kat(
            input,
            "A003",
            CommandBody::append(
                mbox("saved-messages"),
                Some(vec![Flag::Seen]),
                None,
                AppendData::Literal(
                    Literal::with_mode(append_body(input).as_bytes(), mode).unwrap(),
                ),
            ),
        );
    }
    kat(
        "A1 APPEND INBOX () \" 7-Feb-1994 21:52:25 -0800\" {3}\r\nabc",
        "A1",
        CommandBody::append(
            Mailbox::Inbox,
            Some(vec![]),
            Some(DateTime::new(date(1994, 2, 7), 21, 52, 25, -8 * 60).unwrap()),
            AppendData::Literal(Literal::new(&b"abc"[..]).unwrap()),
        ),
    );
    kat(
        "A2 APPEND Drafts \"07-Feb-1994 21:52:25 +0100\" ~{3}\r\na\0c",
        "A2",
        CommandBody::append(
            mbox("Drafts"),
            None,
            Some(DateTime::new(date(1994, 2, 7), 21, 52, 25, 60).unwrap()),
            AppendData::Literal8(Literal8 {
                data: (&b"a\0c"[..]).into(),
                mode: LiteralMode::Sync,
            }),
        ),
    );
    kat(
        "A3 APPEND x (\\Seen $Forwarded \\Draft) {0}\r\n",
        "A3",
        CommandBody::append(
            mbox("x"),
            Some(vec![
                Flag::Seen,
                Flag::Keyword(atom("$Forwarded")),
                Flag::Draft,
            ]),
            None,
            AppendData::Literal(Literal::new(&b""[..]).unwrap()),
        ),
    );
}

#[test]
fn kat_selected_state_simple() {
    kat("A002 IDLE", "A002", CommandBody::Idle);
    kat("FXXZ CHECK", "FXXZ", CommandBody::Check);
    kat("A341 CLOSE", "A341", CommandBody::Close);
    kat("A342 UNSELECT", "A342", CommandBody::Unselect);
    kat("A202 EXPUNGE", "A202", CommandBody::Expunge);
    kat(
        "A003 UID EXPUNGE 3000:3002",
        "A003",
        CommandBody::UidExpunge(set("3000:3002")),
    );
}

#[test]
fn kat_search() {
    use SearchKey as K;
    kat(
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED",
        "A282",
        search(
            false,
            Some(vec![SearchReturnOption::Min, SearchReturnOption::Count]),
            None,
            vec![K::Flagged],
        ),
    );
    kat(
        "A283 SEARCH RETURN () FLAGGED",
        "A283",
        search(false, Some(vec![]), None, vec![K::Flagged]),
    );
    kat(
        "A284 SEARCH TEXT \"string not in mailbox\"",
        "A284",
        search(
            false,
            None,
            None,
            vec![K::Text(quoted_s("string not in mailbox"))],
        ),
    );
    kat(
        "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск",
        "A285",
        search(
            false,
            None,
            Some("UTF-8"),
            vec![K::Text(literal_s("отпуск", LiteralMode::Sync))],
        ),
    );
    kat(
        "A285 UID SEARCH RETURN (MIN MAX) 1:5000",
        "A285",
        search(
            true,
            Some(vec![SearchReturnOption::Min, SearchReturnOption::Max]),
            None,
            vec![K::SequenceSet(set("1:5000"))],
        ),
    );
    kat(
        "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        "A282",
        search(
            false,
            None,
            None,
            vec![K::Flagged, K::Since(date(1994, 2, 1)), not_from("Smith")],
        ),
    );
    kat(
        "C285 SEARCH RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "C285",
        search(
            false,
            Some(vec![
                SearchReturnOption::Max,
                SearchReturnOption::Save,
                SearchReturnOption::Min,
            ]),
            None,
            vec![K::Since(date(2006, 2, 12)), not_from("Smith")],
        ),
    );
    kat(
        "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать",
        "P283",
        search(
            false,
            None,
            Some("UTF-8"),
            vec![
                K::And(Vec1::one(K::Or(
                    Box::new(K::SequenceSet(SequenceSet::LastResult)),
                    Box::new(K::SequenceSet(set("1,3000:3021"))),
                ))),
                K::Text(literal_s("мать", LiteralMode::NonSync)),
            ],
        ),
    );
    kat(
        "B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nXXXX",
        "B283",
        search(
            false,
            Some(vec![SearchReturnOption::Save]),
            Some("KOI8-R"),
            vec![
                K::And(Vec1::one(K::Or(
                    Box::new(K::SequenceSet(SequenceSet::LastResult)),
                    Box::new(K::SequenceSet(set("1,3000:3021"))),
                ))),
                K::Text(literal_s("XXXX", LiteralMode::Sync)),
            ],
        ),
    );
    kat(
        "A301 UID SEARCH UID $ SMALLER 4096",
        "A301",
        search(
            true,
            None,
            None,
            vec![K::Uid(SequenceSet::LastResult), K::Smaller(4096)],
        ),
    );
    kat(
        "A301 UID SEARCH $ SMALLER 4096",
        "A301",
        search(
            true,
            None,
            None,
            vec![K::SequenceSet(SequenceSet::LastResult), K::Smaller(4096)],
        ),
    );
    kat(
        "F282 SEARCH RETURN (SAVE) KEYWORD $Junk",
        "F282",
        search(
            false,
            Some(vec![SearchReturnOption::Save]),
            None,
            vec![K::Keyword(atom("$Junk"))],
        ),
    );
    kat(
        "h search from maria@example.com",
        "h",
        search(
            false,
            None,
            None,
            vec![K::From(atom_s("maria@example.com"))],
        ),
    );
    kat(
        "c SEARCH CHARSET \"UTF-8\" ALL",
        "c",
        CommandBody::Search {
            uid: false,
            returns: None,
            charset: Some(Charset::Quoted(Quoted::new(&b"UTF-8"[..]).unwrap())),
            criteria: Vec1::one(K::All),
        },
    );
}

#[test]
fn every_search_key() {
    use SearchKey as K;
    let msg = wire(concat!(
        "t SEARCH ALL ANSWERED BCC b BEFORE 1-Jan-2000 BODY x CC c DELETED DRAFT FLAGGED FROM f ",
        "HEADER X-Spam yes KEYWORD k LARGER 10 NEW NOT SEEN OLD ON 2-Jan-2000 OR NEW OLD RECENT SEEN ",
        "SENTBEFORE 3-Jan-2000 SENTON 4-Jan-2000 SENTSINCE 5-Jan-2000 SINCE \"6-Jan-2000\" SMALLER 20 ",
        "SUBJECT s TEXT t TO o UID 1:* UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD u UNSEEN ",
        "2,4:7,9,12:* * $ (SEEN UNSEEN)"
    ));
    let expected = vec![
        K::All,
        K::Answered,
        K::Bcc(atom_s("b")),
        K::Before(date(2000, 1, 1)),
        K::Body(atom_s("x")),
        K::Cc(atom_s("c")),
        K::Deleted,
        K::Draft,
        K::Flagged,
        K::From(atom_s("f")),
        K::Header(atom_s("X-Spam"), atom_s("yes")),
        K::Keyword(atom("k")),
        K::Larger(10),
        K::New,
        K::Not(Box::new(K::Seen)),
        K::Old,
        K::On(date(2000, 1, 2)),
        K::Or(Box::new(K::New), Box::new(K::Old)),
        K::Recent,
        K::Seen,
        K::SentBefore(date(2000, 1, 3)),
        K::SentOn(date(2000, 1, 4)),
        K::SentSince(date(2000, 1, 5)),
        K::Since(date(2000, 1, 6)),
        K::Smaller(20),
        K::Subject(atom_s("s")),
        K::Text(atom_s("t")),
        K::To(atom_s("o")),
        K::Uid(set("1:*")),
        K::Unanswered,
        K::Undeleted,
        K::Undraft,
        K::Unflagged,
        K::Unkeyword(atom("u")),
        K::Unseen,
        K::SequenceSet(set("2,4:7,9,12:*")),
        K::SequenceSet(set("*")),
        K::SequenceSet(SequenceSet::LastResult),
        K::And(vec1(vec![K::Seen, K::Unseen])),
    ];
    assert_eq!(decode(&msg).body, search(false, None, None, expected));
}

#[test]
fn search_key_prefixes_and_case() {
    use SearchKey as K;
    kat(
        "a1 search unseen undeleted sentbefore 1-jan-2020 seen sentsince 2-FEB-2020 sEnTon 3-Mar-2020 since 4-apr-2020",
        "a1",
        search(
            false,
            None,
            None,
            vec![
                K::Unseen,
                K::Undeleted,
                K::SentBefore(date(2020, 1, 1)),
                K::Seen,
                K::SentSince(date(2020, 2, 2)),
                K::SentOn(date(2020, 3, 3)),
                K::Since(date(2020, 4, 4)),
            ],
        ),
    );
    // A key name must end where the word ends.
    assert!(matches!(
        failure("a SEARCH SEENX").0,
        ErrorKind::Syntax { .. }
    ));
    assert!(matches!(
        failure("a SEARCH ALL UNSEENS").0,
        ErrorKind::Syntax { .. }
    ));
}

#[test]
fn search_return_extension_options() {
    let msg = wire("a SEARCH RETURN (PARTIAL 1:100 CONTEXT UPDATE X-OPT (a b)) ALL");
    match decode(&msg).body {
        CommandBody::Search {
            returns: Some(r), ..
        } => {
            let label = |s: &'static str| TaggedLabel::try_from(s).unwrap();
            assert_eq!(r.len(), 4);
            assert_eq!(
                r[0],
                SearchReturnOption::Other(
                    label("PARTIAL"),
                    Some(TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(set(
                        "1:100"
                    ))))
                )
            );
            assert_eq!(r[1], SearchReturnOption::Other(label("CONTEXT"), None));
            assert_eq!(r[2], SearchReturnOption::Other(label("UPDATE"), None));
            assert!(
                matches!(&r[3], SearchReturnOption::Other(l, Some(TaggedExtValue::Comp(Some(_)))) if l.as_str() == "X-OPT")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn kat_fetch() {
    use FetchAttribute as A;
    kat(
        "A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])",
        "A283",
        fetch(
            false,
            "$",
            vec![
                A::Uid,
                A::InternalDate,
                A::Flags,
                A::BodySection {
                    section: Some(Section::Header(None)),
                    partial: None,
                    peek: true,
                },
            ],
        ),
    );
    kat(
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
        "A654",
        fetch(
            false,
            "2:4",
            vec![
                A::Flags,
                A::BodySection {
                    section: Some(Section::HeaderFields(
                        None,
                        vec1(vec![atom_s("DATE"), atom_s("FROM")]),
                    )),
                    partial: None,
                    peek: false,
                },
            ],
        ),
    );
    kat(
        "A999 UID FETCH 4827313:4828442 FLAGS",
        "A999",
        fetch(true, "4827313:4828442", vec![A::Flags]),
    );
    kat(
        "a004 fetch 12 body[header]",
        "a004",
        fetch(
            false,
            "12",
            vec![A::BodySection {
                section: Some(Section::Header(None)),
                partial: None,
                peek: false,
            }],
        ),
    );
    kat("a1 fetch 1 (uid)", "a1", fetch(false, "1", vec![A::Uid]));
}

#[test]
fn fetch_macros() {
    for (name, m) in [
        ("ALL", Macro::All),
        ("fast", Macro::Fast),
        ("Full", Macro::Full),
    ] {
        let input = format!("a FETCH 1:* {name}");
        let msg = wire(&input);
        assert_eq!(
            decode(&msg).body,
            CommandBody::Fetch {
                uid: false,
                set: set("1:*"),
                attributes: MacroOrAttributes::Macro(m),
                modifiers: vec![],
            }
        );
    }
    kat(
        "a003 fetch 12 full",
        "a003",
        CommandBody::Fetch {
            uid: false,
            set: set("12"),
            attributes: MacroOrAttributes::Macro(Macro::Full),
            modifiers: vec![],
        },
    );
    // A macro is not a fetch-att: it cannot appear in a list.
    assert!(matches!(
        failure("a FETCH 1 (ALL)").0,
        ErrorKind::Syntax { .. }
    ));
}

#[test]
fn every_fetch_attribute_and_prefix_order() {
    use FetchAttribute as A;
    let msg = wire(concat!(
        "a UID FETCH 1:* (RFC822.SIZE RFC822 RFC822.HEADER RFC822.TEXT BODYSTRUCTURE BODY ENVELOPE ",
        "BODY[] BODY.PEEK[TEXT]<0.100> BODY[1.2.MIME] BODY[3.HEADER.FIELDS.NOT (X-A \"X-B\")] ",
        "BINARY.SIZE[1] BINARY.PEEK[1.2]<10.20> BINARY[] BINARY[4] UID FLAGS INTERNALDATE)"
    ));
    let part = |p: &[u32]| Part(vec1(p.iter().map(|&n| nz(n)).collect()));
    let expected = vec![
        A::Rfc822Size,
        A::Rfc822,
        A::Rfc822Header,
        A::Rfc822Text,
        A::BodyStructure,
        A::Body,
        A::Envelope,
        A::BodySection {
            section: None,
            partial: None,
            peek: false,
        },
        A::BodySection {
            section: Some(Section::Text(None)),
            partial: Some(Partial {
                offset: 0,
                count: NonZeroU64::new(100).unwrap(),
            }),
            peek: true,
        },
        A::BodySection {
            section: Some(Section::Mime(part(&[1, 2]))),
            partial: None,
            peek: false,
        },
        A::BodySection {
            section: Some(Section::HeaderFieldsNot(
                Some(part(&[3])),
                vec1(vec![atom_s("X-A"), quoted_s("X-B")]),
            )),
            partial: None,
            peek: false,
        },
        A::BinarySize {
            section: vec![nz(1)],
        },
        A::Binary {
            section: vec![nz(1), nz(2)],
            partial: Some(Partial {
                offset: 10,
                count: NonZeroU64::new(20).unwrap(),
            }),
            peek: true,
        },
        A::Binary {
            section: vec![],
            partial: None,
            peek: false,
        },
        A::Binary {
            section: vec![nz(4)],
            partial: None,
            peek: false,
        },
        A::Uid,
        A::Flags,
        A::InternalDate,
    ];
    assert_eq!(decode(&msg).body, fetch(true, "1:*", expected));
    // BODY.PEEK and BINARY need a section.
    assert!(matches!(
        failure("a FETCH 1 BODY.PEEK").0,
        ErrorKind::Syntax { .. }
    ));
    assert!(matches!(
        failure("a FETCH 1 BINARY").0,
        ErrorKind::Syntax { .. }
    ));
    assert!(matches!(
        failure("a FETCH 1 ()").0,
        ErrorKind::Syntax { .. }
    ));
}

#[test]
fn kat_store() {
    kat(
        "A003 STORE 2:4 +FLAGS (\\Deleted)",
        "A003",
        CommandBody::Store {
            uid: false,
            set: set("2:4"),
            modifiers: vec![],
            mode: StoreMode::Add,
            silent: false,
            flags: vec![Flag::Deleted],
            parenthesized: true,
        },
    );
    kat(
        "F284 STORE $ +FLAGS.Silent (\\Deleted)",
        "F284",
        CommandBody::Store {
            uid: false,
            set: SequenceSet::LastResult,
            modifiers: vec![],
            mode: StoreMode::Add,
            silent: true,
            flags: vec![Flag::Deleted],
            parenthesized: true,
        },
    );
    kat(
        "a005 store 12 +flags \\deleted",
        "a005",
        CommandBody::Store {
            uid: false,
            set: set("12"),
            modifiers: vec![],
            mode: StoreMode::Add,
            silent: false,
            flags: vec![Flag::Deleted],
            parenthesized: false,
        },
    );
    kat(
        "s UID STORE 1:3 -FLAGS.SILENT ()",
        "s",
        CommandBody::Store {
            uid: true,
            set: set("1:3"),
            modifiers: vec![],
            mode: StoreMode::Remove,
            silent: true,
            flags: vec![],
            parenthesized: true,
        },
    );
    let input = store_250();
    let msg = wire(&input);
    match decode(&msg).body {
        CommandBody::Store {
            mode: StoreMode::Replace,
            flags,
            parenthesized: false,
            ..
        } => {
            assert_eq!(flags.len(), 250);
            assert_eq!(flags[249], Flag::Keyword(atom("f250")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn kat_copy_move() {
    kat(
        "A003 COPY 2:4 MEETING",
        "A003",
        CommandBody::Copy {
            uid: false,
            set: set("2:4"),
            mailbox: mbox("MEETING"),
        },
    );
    kat(
        "n1 uid copy 1:* oldmail",
        "n1",
        CommandBody::Copy {
            uid: true,
            set: set("1:*"),
            mailbox: mbox("oldmail"),
        },
    );
    kat(
        "E283 COPY $ \"Other Messages\"",
        "E283",
        CommandBody::Copy {
            uid: false,
            set: SequenceSet::LastResult,
            mailbox: mbox_q("Other Messages"),
        },
    );
    kat(
        "a UID MOVE 42:69 foo",
        "a",
        CommandBody::Move {
            uid: true,
            set: set("42:69"),
            mailbox: mbox("foo"),
        },
    );
    kat(
        "b MOVE 1,3 INBOX",
        "b",
        CommandBody::Move {
            uid: false,
            set: set("1,3"),
            mailbox: Mailbox::Inbox,
        },
    );
}

#[test]
fn command_names_are_case_insensitive() {
    let msg = wire("a1 fetch 1 (uid)");
    assert_eq!(
        decode(&msg).body,
        fetch(false, "1", vec![FetchAttribute::Uid])
    );
    for name in ["noop", "NoOp", "NOOP"] {
        let input = format!("x {name}");
        let msg = wire(&input);
        assert_eq!(decode(&msg).body, CommandBody::Noop);
    }
    let msg = wire("a Uid Fetch 1:* (Body.Peek[header.fields (subject)]<0.100>)");
    match decode(&msg).body {
        CommandBody::Fetch {
            uid: true,
            attributes: MacroOrAttributes::Attributes(a),
            ..
        } => {
            assert!(matches!(
                &a[0],
                FetchAttribute::BodySection {
                    peek: true,
                    section: Some(Section::HeaderFields(None, _)),
                    partial: Some(_)
                }
            ));
        }
        other => panic!("{other:?}"),
    }
    let msg = wire("a list (subscribed) \"\" * return (children status (messages))");
    assert!(matches!(decode(&msg).body, CommandBody::List { .. }));
    let msg = wire("a uid store 1 +flags.silent (\\Seen)");
    assert!(matches!(
        decode(&msg).body,
        CommandBody::Store {
            uid: true,
            silent: true,
            ..
        }
    ));
}

// ---------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------

#[test]
fn synchronizing_literal_asks_for_continuation() {
    match decode_command(b"A1 LOGIN {5}\r\n", &opts()) {
        Err(DecodeError::LiteralFound { tag, length, mode }) => {
            assert_eq!(tag.unwrap().as_str(), "A1");
            assert_eq!(length, 5);
            assert_eq!(mode, LiteralMode::Sync);
        }
        other => panic!("{other:?}"),
    }
    // After the data, the rest of the line is still missing.
    assert_eq!(
        decode_command(b"A1 LOGIN {5}\r\nalice", &opts()),
        Err(DecodeError::Incomplete)
    );
    // The second literal of the same command is announced again.
    assert!(matches!(
        decode_command(b"A1 LOGIN {5}\r\nalice {6}\r\n", &opts()),
        Err(DecodeError::LiteralFound { length: 6, .. })
    ));
}

#[test]
fn non_synchronizing_literals_decode_in_one_go() {
    let input = b"A1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\nA2 NOOP\r\n";
    let (rest, cmd) = decode_command(input, &opts()).unwrap();
    assert_eq!(rest, b"A2 NOOP\r\n");
    assert_eq!(
        cmd.body,
        CommandBody::Login {
            username: literal_s("alice", LiteralMode::NonSync),
            password: Secret::new(literal_s("secret", LiteralMode::NonSync)),
        }
    );
    // A partial non-synchronizing literal is just incomplete.
    assert_eq!(
        decode_command(b"A1 LOGIN {5+}\r\n", &opts()),
        Err(DecodeError::Incomplete)
    );
    assert_eq!(
        decode_command(b"A1 LOGIN {5+}\r\nali", &opts()),
        Err(DecodeError::Incomplete)
    );
}

#[test]
fn literals_are_borrowed_from_the_input() {
    let msg = wire(APPEND_3501);
    let cmd = decode(&msg);
    match &cmd.body {
        CommandBody::Append { messages, .. } => {
            let data = messages.first().data.data();
            let base = msg.as_ptr() as usize;
            let p = data.as_ptr() as usize;
            assert!(p >= base && p + data.len() <= base + msg.len());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_command_with_literal() {
    use mailwire_imap::codec::Encode;
    // RFC 9051 §7.5: A044 BLURDYBLOOP {102856}. Framing comes first, so the server is asked for
    // a continuation; once the data arrives, the command decodes in its generic form (the
    // application answers BAD).
    match decode_command(b"A044 BLURDYBLOOP {102856}\r\n", &opts()) {
        Err(DecodeError::LiteralFound { tag, length, .. }) => {
            assert_eq!(tag.unwrap().as_str(), "A044");
            assert_eq!(length, 102_856);
        }
        other => panic!("{other:?}"),
    }
    let input = b"A044 BLURDYBLOOP {3}\r\nabc\r\n";
    let cmd = decode(input);
    assert_eq!(cmd.tag.as_str(), "A044");
    let CommandBody::Other { name, args } = &cmd.body else {
        panic!("{:?}", cmd.body)
    };
    assert_eq!(name.as_str(), "BLURDYBLOOP");
    assert_eq!(
        args.as_ref().unwrap().parts(),
        &[RawPart::Literal(Literal::new(&b"abc"[..]).unwrap())]
    );
    assert_eq!(cmd.encode().dump(), input);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_commands_decode_generically() {
    use mailwire_imap::codec::Encode;
    // Unknown names (and unknown UID subcommands) keep their raw arguments, byte for byte.
    for (input, name, raw) in [
        ("A442 XPIG-LATIN", "XPIG-LATIN", None),
        ("a1 FROB x", "FROB", Some("x")),
        ("a1 NOOPX", "NOOPX", None),
        ("a1 UID FROB 1", "UID", Some("FROB 1")),
        ("a1 UID NOOP", "UID", Some("NOOP")),
        ("a1 AUTHENTICATEXXXXXXXX", "AUTHENTICATEXXXXXXXX", None),
        ("a1 X-FOO  two  spaces ", "X-FOO", Some(" two  spaces ")),
    ] {
        let msg = wire(input);
        let cmd = decode(&msg);
        let CommandBody::Other { name: n, args } = &cmd.body else {
            panic!("{input}: {:?}", cmd.body)
        };
        assert_eq!(n.as_str(), name, "{input}");
        let text = args.as_ref().map(|a| match a.parts() {
            [RawPart::Text(t)] => String::from_utf8(t.to_vec()).unwrap(),
            [] => String::new(),
            other => panic!("{other:?}"),
        });
        assert_eq!(text.as_deref(), raw, "{input}");
        assert_eq!(cmd.encode().dump(), msg, "{input}");
    }
    // A known command with bad arguments is still an error, not an unknown command.
    assert!(matches!(
        failure("a1 UID FETCH x").0,
        ErrorKind::Syntax { .. } | ErrorKind::Number
    ));
    // The name must be an atom.
    assert!(matches!(failure("a1 (x)").0, ErrorKind::Syntax { .. }));
}

#[test]
fn bad_sequence_sets() {
    for input in [
        "a1 FETCH 0 FLAGS",
        "a1 FETCH 1:0 FLAGS",
        "a1 COPY 0 x",
        "a1 UID EXPUNGE 0",
        "a1 SEARCH UID 0",
    ] {
        let (kind, _, tag) = failure(input);
        assert!(
            matches!(kind, ErrorKind::Syntax { .. }),
            "{input}: {kind:?}"
        );
        assert_eq!(tag.as_deref(), Some("a1"), "{input}");
    }
    let (kind, _, tag) = failure("a2 FETCH 4294967296 FLAGS");
    assert_eq!(kind, ErrorKind::Number);
    assert_eq!(tag.as_deref(), Some("a2"));
}

#[test]
fn bad_dates() {
    assert_eq!(failure("a1 SEARCH SINCE 30-Feb-2020").0, ErrorKind::Date);
    assert_eq!(failure("a1 SEARCH BEFORE 0-Jan-2020").0, ErrorKind::Date);
    assert!(matches!(
        failure("a1 SEARCH ON 1-Foo-2020").0,
        ErrorKind::Syntax { .. }
    ));
    let (kind, _, tag) = failure("a2 APPEND INBOX \"31-Apr-2020 10:00:00 +0000\" {1}\r\nx");
    assert_eq!(kind, ErrorKind::Date);
    assert_eq!(tag.as_deref(), Some("a2"));
    assert_eq!(
        failure("a3 APPEND INBOX \"01-Apr-2020 24:00:00 +0000\" {1}\r\nx").0,
        ErrorKind::Date
    );
}

#[test]
fn missing_or_extra_spaces() {
    for input in [
        "a1 LOGIN fred",
        "a1 SELECT",
        "a1 RENAME a",
        "a1 FETCH 1",
        "a1 STORE 1 FLAGS",
        "a1 UID",
        "a1  NOOP",
        "a1 SELECT  INBOX",
        "a1 FETCH 1 (FLAGS  UID)",
        "a1 FETCH 1 ( FLAGS)",
        "a1 FETCH 1 (FLAGS )",
        "a1 STATUS INBOX(MESSAGES)",
        "a1 LIST \"\"*",
    ] {
        let (kind, _, tag) = failure(input);
        assert!(
            matches!(kind, ErrorKind::Syntax { .. } | ErrorKind::Trailing),
            "{input}: {kind:?}"
        );
        assert_eq!(tag.as_deref(), Some("a1"), "{input}");
    }
    assert_eq!(
        failure("a1 LOGIN fred").0,
        ErrorKind::Syntax { expected: "SP" }
    );
    // No SP after the tag: there is no tag to report.
    let (kind, _, tag) = failure("a1");
    assert!(matches!(kind, ErrorKind::Syntax { .. }));
    assert_eq!(tag, None);
}

#[test]
fn trailing_garbage() {
    assert_eq!(
        failure("a1 NOOP extra"),
        (ErrorKind::Trailing, 7, Some("a1".into()))
    );
    assert_eq!(
        failure("a1 NOOP "),
        (ErrorKind::Trailing, 7, Some("a1".into()))
    );
    assert_eq!(failure("a1 SELECT INBOX x").0, ErrorKind::Trailing);
    assert_eq!(failure("a1 FETCH 1 FLAGS UID").0, ErrorKind::Trailing);
    assert_eq!(failure("a1 LIST \"\" * x").0, ErrorKind::Trailing);
    assert_eq!(failure("a1 APPEND x {1}\r\nab").0, ErrorKind::Trailing);
    assert_eq!(failure("a1 SEARCH ALL)").0, ErrorKind::Trailing);
}

#[test]
fn bad_arguments() {
    for input in [
        "a1 LOGIN fred (pw)",
        "a1 ENABLE",
        "a1 STATUS INBOX ()",
        "a1 STATUS INBOX (\"FOO\")",
        "a1 LIST \"\" ()",
        "a1 APPEND INBOX",
        "a1 APPEND INBOX (\\Seen)",
        "a1 APPEND INBOX \"x\"",
        "a1 SEARCH",
        "a1 SEARCH ()",
        "a1 SEARCH FOO",
        "a1 SEARCH NOT",
        "a1 SEARCH OR ALL",
        "a1 SEARCH HEADER x",
        "a1 SEARCH KEYWORD \\Seen",
        "a1 SEARCH RETURN (MIN)",
        "a1 SEARCH CHARSET",
        "a1 FETCH 1 BODY[HEADER.FIELDS]",
        "a1 FETCH 1 FOO[1]",
        "a1 FETCH 1 (ALL)",
        "a1 STORE 1 FLAG (\\Seen)",
        "a1 STORE 1 *FLAGS (\\Seen)",
        "a1 STORE 1 FLAGS.LOUD (\\Seen)",
        "a1 CREATE (x)",
        "a1 (",
        "a1 ",
    ] {
        let (kind, _, tag) = failure(input);
        assert!(
            matches!(kind, ErrorKind::Syntax { .. } | ErrorKind::Trailing),
            "{input}: {kind:?}"
        );
        assert_eq!(tag.as_deref(), Some("a1"), "{input}");
    }
}

#[test]
fn bad_initial_responses() {
    for input in [
        "a1 AUTHENTICATE PLAIN dGVzdA",
        "a1 AUTHENTICATE PLAIN dGVzdA==x",
        "a1 AUTHENTICATE PLAIN ==",
        "a1 AUTHENTICATE PLAIN dGV zdA==",
    ] {
        assert_eq!(failure(input).0, ErrorKind::Base64, "{input}");
    }
    assert!(matches!(
        failure("a1 AUTHENTICATE PLAIN ").0,
        ErrorKind::Syntax { .. }
    ));
    assert!(matches!(
        failure("a1 AUTHENTICATE").0,
        ErrorKind::Syntax { .. }
    ));
}

#[test]
fn bad_tags() {
    for input in ["+a NOOP", "* NOOP", "(a NOOP", "\"a\" NOOP"] {
        let (kind, offset, tag) = failure(input);
        assert!(
            matches!(kind, ErrorKind::Syntax { .. }),
            "{input}: {kind:?}"
        );
        assert_eq!(offset, 0, "{input}");
        assert_eq!(tag, None, "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// Nesting
// ---------------------------------------------------------------------------------------------

fn nots(n: usize) -> String {
    format!("a SEARCH {}ALL", "NOT ".repeat(n))
}

fn parens(n: usize) -> String {
    format!("a SEARCH {}ALL{}", "(".repeat(n), ")".repeat(n))
}

fn ors(n: usize) -> String {
    format!("a SEARCH {}ALL{}", "OR ".repeat(n), " ALL".repeat(n))
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    for input in [nots(64), parens(64), ors(64)] {
        let msg = wire(&input);
        let cmd = decode(&msg);
        let CommandBody::Search { criteria, .. } = cmd.body else {
            panic!()
        };
        let mut k = criteria.first();
        let mut depth = 0;
        loop {
            k = match k {
                SearchKey::Not(inner) => inner,
                SearchKey::And(v) => v.first(),
                SearchKey::Or(a, _) => a,
                SearchKey::All => break,
                other => panic!("{other:?}"),
            };
            depth += 1;
        }
        assert_eq!(depth, 64);
    }
    let msg = wire(&format!(
        "a SEARCH NOT ({}ALL{}) NOT ALL",
        "OR ".repeat(31),
        " ALL".repeat(31)
    ));
    decode(&msg);
}

#[test]
fn nesting_beyond_the_limit_is_too_deep() {
    for input in [nots(65), parens(65), ors(65), nots(1000), parens(1000)] {
        let (kind, _, tag) = failure(&input);
        assert_eq!(kind, ErrorKind::TooDeep(64));
        assert_eq!(tag.as_deref(), Some("a"));
    }
    let mixed = format!(
        "a SEARCH {}ALL{}",
        "NOT (OR ".repeat(22),
        " ALL)".repeat(22)
    );
    assert_eq!(failure(&mixed).0, ErrorKind::TooDeep(64));
}

#[test]
fn huge_nesting_fails_without_overflowing_the_stack() {
    let input = format!("a SEARCH {}ALL", "(".repeat(100_000));
    assert_eq!(failure(&input).0, ErrorKind::TooDeep(64));
    assert_eq!(failure(&parens(100_000)).0, ErrorKind::TooDeep(64));
    assert_eq!(failure(&nots(100_000)).0, ErrorKind::TooDeep(64));
}

#[test]
fn max_depth_option_is_honoured() {
    let o = Options {
        max_depth: 3,
        ..Options::commands()
    };
    assert!(decode_command(&wire(&nots(3)), &o).is_ok());
    match decode_command(&wire(&nots(4)), &o) {
        Err(DecodeError::Failed(e)) => assert_eq!(e.kind, ErrorKind::TooDeep(3)),
        other => panic!("{other:?}"),
    }
    let deep = Options {
        max_depth: 300,
        ..Options::commands()
    };
    assert!(decode_command(&wire(&parens(300)), &deep).is_ok());
    assert!(decode_command(&wire(&parens(301)), &deep).is_err());
}

// ---------------------------------------------------------------------------------------------
// Quirks
// ---------------------------------------------------------------------------------------------

#[test]
fn lenient_spaces_quirk() {
    let mut o = Options::commands();
    o.quirks.lenient_spaces = true;
    for input in [
        "a1  FETCH  1  ( FLAGS  UID )  ",
        "a1 SEARCH  ALL  ( SEEN  UNSEEN )  ",
        "a1 STORE 1 +FLAGS  \\Seen  \\Deleted ",
        "a1 ENABLE  A  B ",
        "a1 AUTHENTICATE PLAIN  dGVzdAB0ZXN0AHRlc3Q=  ",
        "a1 AUTHENTICATE PLAIN  ",
        "a1 LIST  ( SUBSCRIBED )  \"\"  *  RETURN  ( CHILDREN ) ",
        "a1 NOOP   ",
    ] {
        let msg = wire(input);
        assert!(
            decode_command(&msg, &opts()).is_err(),
            "strict accepted {input:?}"
        );
        let (rest, _) = decode_command(&msg, &o).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
        assert!(rest.is_empty());
    }
    let msg = wire("a1 STORE 1 +FLAGS  \\Seen  \\Deleted ");
    match decode_command(&msg, &o).unwrap().1.body {
        CommandBody::Store { flags, .. } => assert_eq!(flags, vec![Flag::Seen, Flag::Deleted]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bare_lf_quirk() {
    let mut o = Options::commands();
    assert!(decode_command(b"a1 NOOP\n", &o).is_err());
    o.quirks.bare_lf = true;
    let (rest, cmd) = decode_command(b"a1 SELECT INBOX\na2 LOGIN {3}\nabc x\n", &o).unwrap();
    assert_eq!(cmd.body, CommandBody::select(Mailbox::Inbox));
    let (rest, cmd) = decode_command(rest, &o).unwrap();
    assert!(rest.is_empty());
    assert!(matches!(cmd.body, CommandBody::Login { .. }));
}

// ---------------------------------------------------------------------------------------------
// AUTHENTICATE continuation lines and IDLE's DONE
// ---------------------------------------------------------------------------------------------

#[test]
fn authenticate_data_lines() {
    // RFC 9051 §6.2.2 GSSAPI example and §8 SCRAM example (editorial line breaks removed).
    let lines: [&[u8]; 6] = [
        b"YIIB+wYJKoZIhvcSAQICAQBuggHqMIIB5qADAgEFoQMCAQ6iBwMFACAAAACjggEmYYIBIjCCAR6gAwIBBaESGxB1Lndhc2hpbmd0b24uZWR1oi0wK6ADAgEDoSQwIhsEaW1hcBsac2hpdmFtcy5jYWMud2FzaGluZ3Rvbi5lZHWjgdMwgdCgAwIBAaEDAgEDooHDBIHAcS1GSa5b+fXnPZNmXB9SjL8Ollj2SKyb+3S0iXMljen/jNkpJXAleKTz6BQPzj8duz8EtoOuNfKgweViyn/9B9bccy1uuAE2HI0yC/PHXNNU9ZrBziJ8Lm0tTNc98kUpjXnHZhsMcz5Mx2GR6dGknbI0iaGcRerMUsWOuBmKKKRmVMMdR9T3EZdpqsBd7jZCNMWotjhivd5zovQlFqQ2Wjc2+y46vKP/iXxWIuQJuDiisyXF0Y8+5GTpALpHDc1/pIGmMIGjoAMCAQGigZsEgZg2on5mSuxoDHEA1w9bcW9nFdFxDKpdrQhVGVRDIzcCMCTzvUboqb5KjY1NJKJsfjRQiBYBdENKfzK+g5DlV8nrw81uOcP8NOQCLR5XkoMHC0Dr/80ziQzbNqhxO6652Npft0LQwJvenwDI13YxpwOdMXzkWZN/XrEqOWp6GCgXTBvCyLWLlWnbaUkZdEYbKHBPjd8t/1x5Yg==\r\n",
        b"\r\n",
        b"YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE=\r\n",
        b"dGVzdAB0ZXN0AHRlc3Q=\r\n",
        b"Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==\r\n",
        b"*\r\n",
    ];
    for line in lines {
        let (rest, _) = decode_authenticate_data(line, &opts()).unwrap();
        assert!(rest.is_empty());
    }
    let (_, d) = decode_authenticate_data(lines[3], &opts()).unwrap();
    assert_eq!(
        d,
        AuthenticateData::Continue(Secret::new(b"test\0test\0test".to_vec()))
    );
    let (_, d) = decode_authenticate_data(lines[1], &opts()).unwrap();
    assert_eq!(d, AuthenticateData::Continue(Secret::new(Vec::new())));
    let (_, d) = decode_authenticate_data(lines[5], &opts()).unwrap();
    assert_eq!(d, AuthenticateData::Cancel);
    assert!(decode_authenticate_data(b"dGVzdA\r\n", &opts()).is_err());
    assert_eq!(
        decode_authenticate_data(b"dGVz", &opts()),
        Err(DecodeError::Incomplete)
    );
}

#[test]
fn idle_done() {
    assert_eq!(
        decode_idle_done(b"DONE\r\n", &opts()),
        Ok((&b""[..], IdleDone))
    );
    assert_eq!(
        decode_idle_done(b"done\r\nA1 NOOP\r\n", &opts()),
        Ok((&b"A1 NOOP\r\n"[..], IdleDone))
    );
    assert!(decode_idle_done(b"DONE \r\n", &opts()).is_err());
    assert!(decode_idle_done(b"DON\r\n", &opts()).is_err());
    assert_eq!(
        decode_idle_done(b"DONE", &opts()),
        Err(DecodeError::Incomplete)
    );
}

#[test]
fn deepest_allowed_nesting_fits_a_small_stack() {
    // MAX_DEPTH_LIMIT is 512: parsing that deep must not need a large stack, even unoptimized.
    let o = Options {
        max_depth: 512,
        ..Options::commands()
    };
    let inputs: Vec<Vec<u8>> = [parens(512), nots(512), ors(512)]
        .iter()
        .map(|s| wire(s))
        .collect();
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            for msg in &inputs {
                let (rest, cmd) = decode_command(msg, &o).unwrap();
                assert!(rest.is_empty());
                drop(cmd);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
