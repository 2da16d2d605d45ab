//! Runs `mailwire decode --protocol imap` on small captures.

mod common;

use serde_json::{Value, json};

use common::{Run, TempFile, mailwire, messages, offsets};

fn imap(args: &[&str], stdin: &[u8]) -> Run {
    mailwire(&[&["decode", "--protocol", "imap"], args].concat(), stdin)
}

fn tagged(tag: &str, kind: &str, code: Value, text: &str) -> Value {
    json!({"Status": {"Tagged": {"tag": tag, "kind": kind, "code": code, "text": text}}})
}

/// `(from, line)` of every object of a transcript run.
fn sides(objects: &[Value]) -> Vec<(String, u64)> {
    objects
        .iter()
        .map(|o| {
            (
                o["from"].as_str().unwrap().to_owned(),
                o["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn raw_client_stream_with_literals() {
    // LOGIN with two synchronizing literals, APPEND with a date and a synchronizing literal, and
    // APPEND with a LITERAL+ literal. In a capture the literal data follows the announcing line.
    let capture = b"a1 LOGIN {4}\r\nfred {7}\r\nhunter2\r\n\
                    a2 select inbox\r\n\
                    a3 APPEND saved (\\Seen) \"05-Jan-2024 10:00:00 +0100\" {12}\r\nHello\r\nworld\r\n\
                    a4 APPEND Drafts {3+}\r\nabc\r\n\
                    a5 LOGOUT\r\n";
    let file = TempFile::new(capture);
    let run = imap(&["--from", "client", file.path()], b"");
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let objects = run.objects();
    assert_eq!(offsets(&objects), [0, 33, 50, 123, 151]);
    assert_eq!(
        messages(&objects),
        [
            json!({"tag": "a1", "body": {"Login": {
                "username": {"String": {"Literal": {"data": "fred", "mode": "Sync"}}},
                "password": "/* REDACTED */",
            }}}),
            json!({"tag": "a2", "body": {"Select": {"mailbox": "Inbox", "params": []}}}),
            json!({"tag": "a3", "body": {"Append": {
                "mailbox": {"Other": {"Atom": "saved"}},
                "messages": [{
                    "flags": ["Seen"],
                    "date": {
                        "date": {"year": 2024, "month": 1, "day": 5},
                        "hour": 10, "minute": 0, "second": 0, "zone_minutes": 60,
                    },
                    "extensions": [],
                    "data": {"Literal": {"data": "Hello\r\nworld", "mode": "Sync"}},
                }],
            }}}),
            json!({"tag": "a4", "body": {"Append": {
                "mailbox": {"Other": {"Atom": "Drafts"}},
                "messages": [{
                    "flags": null,
                    "date": null,
                    "extensions": [],
                    "data": {"Literal": {"data": "abc", "mode": "NonSync"}},
                }],
            }}}),
            json!({"tag": "a5", "body": "Logout"}),
        ]
    );
    // Raw mode has no `from` or `line`, and the password is not printed.
    assert!(
        objects
            .iter()
            .all(|o| o.get("from").is_none() && o.get("line").is_none())
    );
    assert!(!String::from_utf8_lossy(&run.stdout).contains("hunter2"));
}

const SERVER_CAPTURE: &[u8] = b"* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] IMAP4rev2 server ready\r\n\
    * 172 EXISTS\r\n\
    * FLAGS (\\Answered \\Seen)\r\n\
    * OK [UIDVALIDITY 3857529045] UIDs valid\r\n\
    * LIST () \"/\" INBOX\r\n\
    a1 OK [READ-WRITE] SELECT completed\r\n\
    * 12 FETCH (UID 7 BODY[HEADER] {15}\r\nSubject: hi\r\n\r\n)\r\n\
    + Ready for literal data\r\n\
    a2 OK FETCH completed\r\n";

#[test]
fn raw_server_stream() {
    // From stdin.
    let run = imap(&["--from", "server"], SERVER_CAPTURE);
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let objects = run.objects();
    assert_eq!(offsets(&objects), [0, 63, 77, 104, 146, 167, 204, 259, 285]);
    assert_eq!(
        messages(&objects),
        [
            // The first message is the greeting.
            json!({
                "kind": "Ok",
                "code": {"Capability": ["Imap4Rev2", {"Auth": "PLAIN"}]},
                "text": "IMAP4rev2 server ready",
            }),
            json!({"Data": {"Exists": 172}}),
            json!({"Data": {"Flags": ["Answered", "Seen"]}}),
            json!({"Status": {"Untagged": {
                "kind": "Ok", "code": {"UidValidity": 3857529045u32}, "text": "UIDs valid",
            }}}),
            json!({"Data": {"List": {
                "attributes": [], "delimiter": "/", "mailbox": "Inbox", "extended": null,
            }}}),
            tagged("a1", "Ok", json!("ReadWrite"), "SELECT completed"),
            json!({"Data": {"Fetch": {"seq": 12, "items": [
                {"Uid": 7},
                {"BodySection": {
                    "section": {"Header": null},
                    "origin": null,
                    "data": {"Literal": {"data": "Subject: hi\r\n\r\n", "mode": "Sync"}},
                }},
            ]}}}),
            json!({"Continuation": {"Basic": {"code": null, "text": "Ready for literal data"}}}),
            tagged("a2", "Ok", json!(null), "FETCH completed"),
        ]
    );
    // The capture is canonical: re-encoding gives it back.
    let run = imap(&["--from", "server", "--reencode"], SERVER_CAPTURE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.escape_ascii().to_string(),
        SERVER_CAPTURE.escape_ascii().to_string()
    );
}

#[test]
fn raw_server_stream_keeps_challenges_as_text() {
    // A raw server stream does not know when AUTHENTICATE runs: `+ base64` stays text.
    let run = imap(
        &["--from", "server"],
        b"* OK hi\r\n+ \r\n+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n",
    );
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let m = messages(&run.objects());
    assert_eq!(
        m[1],
        json!({"Continuation": {"Basic": {"code": null, "text": ""}}})
    );
    assert_eq!(
        m[2]["Continuation"]["Basic"]["text"],
        "YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="
    );
}

/// RFC 9051 §6.2.2 (the GSSAPI exchange; the first client response is cut short) and §6.3.13
/// (IDLE), with prose between them.
const RFC9051_SESSION: &str = "\
From RFC 9051 section 6.2.2; the first client response is abridged.
S: * OK IMAP4rev2 Server
C: A001 AUTHENTICATE GSSAPI
S: +
C: YIIB+wYJKoZIhvcSAQICAQBuggHqMIIB5qADAgEFoQMCAQ6iBwMFACAAAACjggEmYYIBIjCCAR6gAwIBBaESGxB1Lndhc2hpbmd0b24uZWR1
S: + YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMCAQGiQgRAtHTEuOP2BXb9sBYFR4SJlDZxmg39IxmRBOhXRKdDA0uHTCOT9Bq3OsUTXUlk0CsFLoa8j+gvGDlgHuqzWHPSQg==
C:
S: + YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=
C: YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE=
S: A001 OK GSSAPI authentication successful
From RFC 9051 section 6.3.13:
C: A002 SELECT INBOX
S: * 3 EXISTS
S: A002 OK [READ-WRITE] SELECT completed
C: A003 IDLE
S: + idling
...time passes; new mail arrives...
S: * 4 EXISTS
C: DONE
S: A003 OK IDLE terminated
C: A004 LOGOUT
S: * BYE IMAP4rev2 Server logging out
S: A004 OK LOGOUT completed
";

#[test]
fn transcript_authenticate_and_idle() {
    let file = TempFile::new(RFC9051_SESSION.as_bytes());
    let run = imap(&["--transcript", file.path()], b"");
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let objects = run.objects();
    let s = |l: u64| ("server".to_owned(), l);
    let c = |l: u64| ("client".to_owned(), l);
    // Transcript order, with the line where each message starts.
    assert_eq!(
        sides(&objects),
        [
            s(2),
            c(3),
            s(4),
            c(5),
            s(6),
            c(7),
            s(8),
            c(9),
            s(10),
            c(12),
            s(13),
            s(14),
            c(15),
            s(16),
            s(18),
            c(19),
            s(20),
            c(21),
            s(22),
            s(23),
        ]
    );
    // Offsets count within each direction's stream.
    let client: Vec<&Value> = objects.iter().filter(|o| o["from"] == "client").collect();
    let client_offsets: Vec<u64> = client
        .iter()
        .map(|o| o["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(client_offsets, [0, 26, 136, 138, 212, 231, 242, 248]);

    let m = messages(&objects);
    let secret = json!("/* REDACTED */");
    assert_eq!(
        m,
        [
            json!({"kind": "Ok", "code": null, "text": "IMAP4rev2 Server"}),
            json!({"tag": "A001", "body": {"Authenticate": {
                "mechanism": "GSSAPI", "initial_response": null,
            }}}),
            // While AUTHENTICATE runs, `+` lines are SASL challenges (here an empty one) and
            // client lines are AUTHENTICATE data (here an empty response).
            json!({"Continuation": {"Base64": secret}}),
            json!({"Continue": secret}),
            json!({"Continuation": {"Base64": secret}}),
            json!({"Continue": secret}),
            json!({"Continuation": {"Base64": secret}}),
            json!({"Continue": secret}),
            tagged(
                "A001",
                "Ok",
                json!(null),
                "GSSAPI authentication successful"
            ),
            // After the tagged completion, client lines are commands again.
            json!({"tag": "A002", "body": {"Select": {"mailbox": "Inbox", "params": []}}}),
            json!({"Data": {"Exists": 3}}),
            tagged("A002", "Ok", json!("ReadWrite"), "SELECT completed"),
            json!({"tag": "A003", "body": "Idle"}),
            // Outside AUTHENTICATE, a continuation request is text.
            json!({"Continuation": {"Basic": {"code": null, "text": "idling"}}}),
            json!({"Data": {"Exists": 4}}),
            // `DONE` is `IdleDone`, serialized as the string "DONE".
            json!("DONE"),
            tagged("A003", "Ok", json!(null), "IDLE terminated"),
            json!({"tag": "A004", "body": "Logout"}),
            json!({"Status": {"Bye": {"code": null, "text": "IMAP4rev2 Server logging out"}}}),
            tagged("A004", "Ok", json!(null), "LOGOUT completed"),
        ]
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(!stdout.contains("YDMGCSqGSIb3"), "{stdout}");
}

#[test]
fn transcript_reencode_round_trips() {
    let file = TempFile::new(RFC9051_SESSION.as_bytes());
    let run = imap(&["--transcript", file.path(), "--reencode"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The same C:/S: lines without the prose, in canonical form: the bare `+` gets its space.
    let expected: String = RFC9051_SESSION
        .lines()
        .filter(|l| l.starts_with("C:") || l.starts_with("S:"))
        .map(|l| match l {
            "S: +" => "S: + \n".to_owned(),
            _ => format!("{l}\n"),
        })
        .collect();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected);
    // And the output decodes to the same messages.
    let again = imap(&["--transcript", "-"], &run.stdout);
    let original = imap(&["--transcript", file.path()], b"");
    assert_eq!(again.code, 0);
    assert_eq!(messages(&again.objects()), messages(&original.objects()));
}

#[test]
fn transcript_excerpt_without_greeting() {
    // RFC 9051 §6.3.13 starts with the client: no greeting is expected. (The RFC's FETCH lines
    // hold `(...)` placeholders; these fetch FLAGS instead.)
    let transcript = "\
C: A001 SELECT INBOX
S: * FLAGS (\\Deleted \\Seen \\Flagged)
S: * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited
S: A001 OK [READ-WRITE] SELECT completed
C: A002 IDLE
S: + idling
...time passes; new mail arrives...
S: * 4 EXISTS
C: DONE
S: A002 OK IDLE terminated
C: A003 FETCH 4 FLAGS
S: * 4 FETCH (FLAGS (\\Seen))
S: A003 OK FETCH completed
";
    let file = TempFile::new(transcript.as_bytes());
    let run = imap(&["--transcript", file.path()], b"");
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let m = messages(&run.objects());
    assert_eq!(m.len(), 12, "{m:?}");
    assert_eq!(
        m[1],
        json!({"Data": {"Flags": ["Deleted", "Seen", "Flagged"]}})
    );
    assert_eq!(
        m[2],
        json!({"Status": {"Untagged": {
            "kind": "Ok",
            "code": {"PermanentFlags": [{"Flag": "Deleted"}, {"Flag": "Seen"}, "Asterisk"]},
            "text": "Limited",
        }}})
    );
    assert_eq!(m[7], json!("DONE"));
    assert_eq!(
        m[9],
        json!({"tag": "A003", "body": {"Fetch": {
            "uid": false,
            "set": {"Set": [{"Single": {"Value": 4}}]},
            "attributes": {"Attributes": ["Flags"]},
            "modifiers": [],
        }}})
    );
    assert_eq!(
        m[10],
        json!({"Data": {"Fetch": {"seq": 4, "items": [{"Flags": [{"Flag": "Seen"}]}]}}})
    );
}

#[test]
fn transcript_literals_refused_idle_and_cancelled_authenticate() {
    // The client's literal data comes after the server's `+`; the message starts at its first
    // line. An IDLE that the server refuses is not followed by DONE. `*` cancels AUTHENTICATE and
    // the server's tagged BAD ends it.
    let transcript = "\
S: * OK ready
C: a1 LOGIN {4}
S: + Ready for literal data
C: fred {7}
S: + go on
C: hunter2
S: a1 OK [CAPABILITY IMAP4rev2] logged in
C: a2 IDLE
S: a2 NO [LIMIT] not now
C: a3 AUTHENTICATE PLAIN
S: +
C: *
S: a3 BAD cancelled
C: a4 NOOP
S: a4 OK done
";
    let run = imap(&["--transcript", "-"], transcript.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let objects = run.objects();
    let lines: Vec<u64> = objects
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    let m = messages(&objects);
    assert_eq!(
        m[1],
        json!({"tag": "a1", "body": {"Login": {
            "username": {"String": {"Literal": {"data": "fred", "mode": "Sync"}}},
            "password": "/* REDACTED */",
        }}})
    );
    assert_eq!(
        m[2],
        json!({"Continuation": {"Basic": {"code": null, "text": "Ready for literal data"}}})
    );
    assert_eq!(m[5], json!({"tag": "a2", "body": "Idle"}));
    assert_eq!(
        m[6],
        tagged("a2", "No", json!({"Condition": "Limit"}), "not now")
    );
    assert_eq!(m[8], json!({"Continuation": {"Base64": "/* REDACTED */"}}));
    assert_eq!(m[9], json!("Cancel"));
    assert_eq!(m[10], tagged("a3", "Bad", json!(null), "cancelled"));
    // After the refused IDLE and the cancelled AUTHENTICATE, lines are commands.
    assert_eq!(m[11], json!({"tag": "a4", "body": "Noop"}));
}

#[test]
fn raw_client_exchange_heuristics() {
    // After AUTHENTICATE, lines are AUTHENTICATE data until a line that looks like a command
    // (`tag SP ...`); `*` ends the exchange too. After IDLE, a command in place of DONE means
    // the server refused IDLE.
    let capture = b"a1 AUTHENTICATE PLAIN\r\n\
                    dGVzdAB0ZXN0AHRlc3Q=\r\n\
                    \r\n\
                    a2 NOOP\r\n\
                    a3 AUTHENTICATE PLAIN =\r\n\
                    *\r\n\
                    a4 IDLE\r\n\
                    DONE\r\n\
                    a5 IDLE\r\n\
                    a6 CAPABILITY\r\n";
    let run = imap(&["--from", "client"], capture);
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let secret = json!("/* REDACTED */");
    assert_eq!(
        messages(&run.objects()),
        [
            json!({"tag": "a1", "body": {"Authenticate": {
                "mechanism": "PLAIN", "initial_response": null,
            }}}),
            json!({"Continue": secret}),
            json!({"Continue": secret}),
            json!({"tag": "a2", "body": "Noop"}),
            // SASL-IR: the empty initial response `=`.
            json!({"tag": "a3", "body": {"Authenticate": {
                "mechanism": "PLAIN", "initial_response": secret,
            }}}),
            json!("Cancel"),
            json!({"tag": "a4", "body": "Idle"}),
            json!("DONE"),
            json!({"tag": "a5", "body": "Idle"}),
            json!({"tag": "a6", "body": "Capability"}),
        ]
    );

    // A command that does not decode still ends the exchange and is reported as a command
    // (an unknown name decodes in its generic form; COPY without arguments does not decode).
    let run = imap(
        &["--from", "client"],
        b"a1 AUTHENTICATE PLAIN\r\nAAAA\r\na2 COPY\r\n!!!!\r\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 4, "{objects:?}");
    assert_eq!(objects[1]["message"], json!({"Continue": "/* REDACTED */"}));
    assert_eq!(objects[2]["offset"], 29);
    assert!(
        objects[2]["error"]
            .as_str()
            .unwrap()
            .contains("syntax error"),
        "{}",
        objects[2]
    );
    // After it, lines are commands again: `!!!!` is read as a tag, not as bad base64.
    assert_eq!(objects[3]["offset"], 38);
    let error = objects[3]["error"].as_str().unwrap();
    assert!(error.contains("expected SP"), "{error}");
}

#[test]
fn errors_resume_at_the_next_message() {
    // A FETCH without its arguments, then a LOGIN whose literal is followed by no password: the
    // bad message is skipped as a whole, literal included.
    let capture = b"a1 FETCH\r\na2 LOGIN {9}\r\na3 NOOP\r\n\r\na4 NOOP\r\n";
    let run = imap(&["--from", "client"], capture);
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 3, "{objects:?}");
    assert_eq!(offsets(&objects), [0, 10, 35]);
    assert!(objects[0].get("message").is_none());
    assert!(
        objects[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("syntax error"),
        "{}",
        objects[0]
    );
    assert_eq!(objects[0]["near"], "\\r\\n");
    assert!(objects[1].get("error").is_some(), "{}", objects[1]);
    assert_eq!(
        objects[2],
        json!({"offset": 35, "message": {"tag": "a4", "body": "Noop"}})
    );

    // On the server side: a line that is no response, then more responses.
    let run = imap(
        &["--from", "server"],
        b"* OK hi\r\n* 0 FETCH\r\n* 1 EXISTS\r\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 3, "{objects:?}");
    assert_eq!(objects[1]["offset"], 9);
    assert!(objects[1]["error"].is_string());
    assert_eq!(
        objects[2],
        json!({"offset": 20, "message": {"Data": {"Exists": 1}}})
    );

    // In a transcript, the error object carries `from` and `line`.
    let run = imap(
        &["--transcript", "-"],
        b"S: * OK hi\nC: a1 SELECT\nS: a1 BAD missing mailbox\nC: a2 NOOP\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 4, "{objects:?}");
    assert_eq!(objects[1]["from"], "client");
    assert_eq!(objects[1]["line"], 2);
    assert_eq!(objects[1]["offset"], 0);
    assert!(objects[1]["error"].is_string());
    assert_eq!(objects[3]["message"], json!({"tag": "a2", "body": "Noop"}));
}

#[test]
fn truncated_input_stops() {
    // A synchronizing literal announced at the end of the capture: its data never came.
    let run = imap(&["--from", "client"], b"a1 NOOP\r\na2 LOGIN {4}\r\n");
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(
        objects[1],
        json!({"offset": 9, "error": "truncated input", "near": "a2 LOGIN {4}\\r\\n"})
    );

    // A literal cut short, then nothing more is decoded from that stream.
    let run = imap(
        &["--from", "server"],
        b"* OK hi\r\n* 1 FETCH (BODY[] {10}\r\nabc\r\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(
        objects[1],
        json!({"offset": 9, "error": "truncated input", "near": "* 1 FETCH (BODY[] {10}\\r\\nabc\\r\\n"})
    );

    // A last line without CRLF.
    let run = imap(&["--from", "client"], b"a1 NOOP");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.objects(),
        [json!({"offset": 0, "error": "truncated input", "near": "a1 NOOP"})]
    );
}

#[test]
fn reencode_writes_canonical_bytes() {
    let run = imap(
        &["--from", "client", "--reencode"],
        b"a1 select inbox\r\na2 login fred \"hunter2\"\r\na3 uid fetch 1:* (flags uid)\r\n\
          a4 idle\r\ndone\r\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "a1 SELECT INBOX\r\na2 LOGIN fred \"hunter2\"\r\na3 UID FETCH 1:* (FLAGS UID)\r\n\
         a4 IDLE\r\nDONE\r\n"
    );

    let run = imap(
        &["--from", "server", "--reencode"],
        b"* ok  hello\r\n* 3 exists\r\na1 ok [read-write] done\r\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "* OK hello\r\n* 3 EXISTS\r\na1 OK [READ-WRITE] done\r\n"
    );

    // Errors go to stderr, the messages that decode to stdout.
    let run = imap(
        &["--from", "client", "--reencode"],
        b"a1 noop\r\na2 copy\r\na3 noop\r\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, b"a1 NOOP\r\na3 NOOP\r\n");
    let errors = run.error_objects();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["offset"], 9);
}

#[test]
fn exit_status() {
    // 0: everything decoded (also an empty capture).
    assert_eq!(imap(&["--from", "client"], b"").code, 0);
    assert_eq!(imap(&["--from", "server"], b"* OK hi\r\n").code, 0);
    // 1: something did not decode.
    assert_eq!(imap(&["--from", "server"], b"+OK POP3 ready\r\n").code, 1);
    // 2: usage and I/O errors, with nothing on stdout.
    for args in [
        &[][..],
        &["--from", "both"],
        &["--from", "client", "--transcript", "x"],
    ] {
        let run = imap(args, b"");
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let missing = std::env::temp_dir().join("mailwire-decode-imap-test-does-not-exist");
    let run = imap(&["--transcript", missing.to_str().unwrap()], b"");
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("does-not-exist"), "{}", run.stderr);
}
