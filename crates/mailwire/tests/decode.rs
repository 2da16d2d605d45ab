//! Runs the `mailwire decode` binary on small captures.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::{TempFile, mailwire, messages, offsets};

fn status(kind: &str, text: &str) -> Value {
    json!({"kind": kind, "code": null, "text": text})
}

#[test]
fn clean_client_stream() {
    let capture = b"USER mrose\r\nPASS hunter2 with spaces\r\nSTAT\r\nLIST\r\nRETR 1\r\n\
                    TOP 2 10\r\nUIDL 3\r\nQUIT\r\n";
    let file = TempFile::new(capture);
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "client",
            file.path(),
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let objects = run.objects();
    assert_eq!(offsets(&objects), [0, 12, 38, 44, 50, 58, 68, 76]);
    assert_eq!(
        messages(&objects),
        [
            json!({"User": "mrose"}),
            json!({"Pass": "/* REDACTED */"}),
            json!("Stat"),
            json!({"List": null}),
            json!({"Retr": 1}),
            json!({"Top": {"msg": 2, "lines": 10}}),
            json!({"Uidl": 3}),
            json!("Quit"),
        ]
    );
    // Raw mode has no `from` or `line`.
    assert!(
        objects
            .iter()
            .all(|o| o.get("from").is_none() && o.get("line").is_none())
    );
    assert!(!String::from_utf8_lossy(&run.stdout).contains("hunter2"));
}

#[test]
fn clean_server_stream() {
    let capture = b"+OK POP3 server ready\r\n\
                    +OK mrose's maildrop has 2 messages\r\n\
                    +OK 120 octets\r\n\
                    Subject: dots\r\n\
                    \r\n\
                    ..starts with a dot\r\n\
                    ...\r\n\
                    .\r\n\
                    -ERR no such message\r\n\
                    +OK bye\r\n";
    // From stdin.
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--from", "server"],
        capture,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let objects = run.objects();
    assert_eq!(offsets(&objects), [0, 23, 60, 122, 144]);
    assert_eq!(
        messages(&objects),
        [
            json!({"Greeting": status("Ok", "POP3 server ready")}),
            json!({"Status": status("Ok", "mrose's maildrop has 2 messages")}),
            // Without the command, the shape of a multi-line answer is not known.
            json!({"MultiLine": {
                "status": status("Ok", "120 octets"),
                "body": "Subject: dots\r\n\r\n.starts with a dot\r\n..\r\n",
            }}),
            json!({"Status": status("Err", "no such message")}),
            // The last line: decoded as a single line although nothing follows it.
            json!({"Status": status("Ok", "bye")}),
        ]
    );
}

/// RFC 1939 §10, with message bodies in place of the RFC's placeholders, prose and a comment.
const RFC1939_SESSION: &str = "\
# RFC 1939 section 10
The session starts here.
S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
S: +OK mrose's maildrop has 2 messages (320 octets)
C: STAT
S: +OK 2 320
C: LIST
S: +OK 2 messages (320 octets)
S: 1 120
S: 2 200
S: .
C: RETR 1
S: +OK 120 octets
S: Subject: one
S:
S: ..a line that starts with a dot
S: .
C: DELE 1
S: +OK message 1 deleted
C: RETR 2
S: +OK 200 octets
S: Subject: two
S: .
C: DELE 2
S: +OK message 2 deleted
C: QUIT
S: +OK dewey POP3 server signing off (maildrop empty)
";

#[test]
fn transcript_rfc1939_session() {
    let file = TempFile::new(RFC1939_SESSION.as_bytes());
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--transcript", file.path()],
        b"",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let objects = run.objects();
    let from: Vec<&str> = objects
        .iter()
        .map(|o| o["from"].as_str().unwrap())
        .collect();
    let mut expected_from = vec!["server"];
    for _ in 0..8 {
        expected_from.extend(["client", "server"]);
    }
    assert_eq!(from, expected_from);
    // Transcript order, with the transcript line where each message starts.
    let lines: Vec<u64> = objects
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [3, 4, 5, 6, 7, 8, 9, 13, 14, 19, 20, 21, 22, 25, 26, 27, 28]
    );
    // Offsets count within each direction's stream.
    let client: Vec<&Value> = objects.iter().filter(|o| o["from"] == "client").collect();
    let client_offsets: Vec<u64> = client
        .iter()
        .map(|o| o["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(client_offsets, [0, 45, 51, 57, 65, 73, 81, 89]);
    let server: Vec<&Value> = objects.iter().filter(|o| o["from"] == "server").collect();
    assert_eq!(server[0]["offset"], 0);
    assert_eq!(server[1]["offset"], 57);

    let m = messages(&objects);
    assert_eq!(
        m[0],
        json!({"Greeting": status("Ok", "POP3 server ready <1896.697170952@dbc.mtview.ca.us>")})
    );
    // The digest is credential material.
    assert_eq!(
        m[1],
        json!({"Apop": {"name": "mrose", "digest": "/* REDACTED */"}})
    );
    // Each response is decoded in the shape its command calls for.
    assert_eq!(m[4], json!({"Stat": {"count": 2, "size": 320, "text": ""}}));
    assert_eq!(
        m[6],
        json!({"ScanList": {
            "status": status("Ok", "2 messages (320 octets)"),
            "listings": [
                {"msg": 1, "size": 120, "info": ""},
                {"msg": 2, "size": 200, "info": ""},
            ],
        }})
    );
    assert_eq!(
        m[8],
        json!({"Message": {
            "status": status("Ok", "120 octets"),
            "body": "Subject: one\r\n\r\n.a line that starts with a dot\r\n",
        }})
    );
    assert_eq!(m[15], json!("Quit"));
    assert_eq!(
        m[16],
        json!({"Status": status("Ok", "dewey POP3 server signing off (maildrop empty)")})
    );
}

#[test]
fn transcript_sasl_exchange() {
    // RFC 5034 §6 (PLAIN without initial response), ending with an empty client response line
    // and followed by a line that would also be valid base64.
    let transcript = "\
S: +OK ready
C: AUTH PLAIN
S: +
C: dGVzdAB0ZXN0AHRlc3Q=
S: + 
C:
S: +OK Maildrop locked and ready
C: STAT
S: +OK 0 0
";
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--transcript", "-"],
        transcript.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    let m = messages(&run.objects());
    assert_eq!(
        m,
        [
            json!({"Greeting": status("Ok", "ready")}),
            json!({"Auth": {"mechanism": "PLAIN", "initial_response": null}}),
            json!({"Challenge": "/* REDACTED */"}),
            json!({"Response": "/* REDACTED */"}),
            json!({"Challenge": "/* REDACTED */"}),
            json!({"Response": "/* REDACTED */"}),
            json!({"Status": status("Ok", "Maildrop locked and ready")}),
            // After the server's final +OK, client lines are commands again.
            json!("Stat"),
            json!({"Stat": {"count": 0, "size": 0, "text": ""}}),
        ]
    );
}

#[test]
fn raw_client_sasl_heuristic() {
    // After AUTH, lines are SASL lines until one decodes as a standard command. `STAT` and `QUIT`
    // are valid base64 too, but they are taken as commands.
    let capture = b"AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\nSTAT\r\nAUTH PLAIN\r\n*\r\nQUIT\r\n";
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--from", "client"],
        capture,
    );
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    assert_eq!(
        messages(&run.objects()),
        [
            json!({"Auth": {"mechanism": "LOGIN", "initial_response": null}}),
            json!({"Response": "/* REDACTED */"}),
            json!({"Response": "/* REDACTED */"}),
            json!("Stat"),
            json!({"Auth": {"mechanism": "PLAIN", "initial_response": null}}),
            json!("Cancel"),
            json!("Quit"),
        ]
    );
}

#[test]
fn raw_server_long_sasl_challenge() {
    // SASL lines are not bound by the 512-octet status line limit (RFC 5034 §4).
    let challenge = "QUFB".repeat(200);
    let capture = format!("+OK hi\r\n+ {challenge}\r\n+OK done\r\n");
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--from", "server"],
        capture.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stdout.escape_ascii());
    assert_eq!(
        messages(&run.objects())[1],
        json!({"Challenge": "/* REDACTED */"})
    );
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "server",
            "--reencode",
        ],
        capture.as_bytes(),
    );
    assert_eq!(run.stdout, capture.as_bytes());
}

#[test]
fn error_then_resume_at_next_line() {
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--from", "client"],
        b"RETR 0\r\nSTAT\r\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(objects[0]["offset"], 0);
    assert_eq!(objects[0]["near"], "RETR 0");
    let error = objects[0]["error"].as_str().unwrap();
    assert!(error.contains("invalid message number"), "{error}");
    assert!(objects[0].get("message").is_none());
    assert_eq!(objects[1], json!({"offset": 8, "message": "Stat"}));
}

#[test]
fn transcript_error_keeps_commands_and_answers_paired() {
    // The server's -ERR answers the line that did not decode, so the next LIST answer is still
    // read as a scan listing.
    let transcript = "\
S: +OK hi
C: RETR 0
S: -ERR no such message
C: LIST
S: +OK
S: 1 120
S: .
";
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--transcript", "-"],
        transcript.as_bytes(),
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 5, "{objects:?}");
    assert_eq!(objects[1]["from"], "client");
    assert_eq!(objects[1]["line"], 2);
    assert_eq!(objects[1]["near"], "RETR 0");
    assert_eq!(
        objects[2]["message"],
        json!({"Status": status("Err", "no such message")})
    );
    assert_eq!(objects[3]["message"], json!({"List": null}));
    assert_eq!(
        objects[4]["message"],
        json!({"ScanList": {
            "status": status("Ok", ""),
            "listings": [{"msg": 1, "size": 120, "info": ""}],
        }})
    );
}

#[test]
fn truncated_input_stops() {
    let run = mailwire(
        &["decode", "--protocol", "pop3", "--from", "server"],
        b"+OK hi\r\n+OK 3 octets\r\nabc\r\n",
    );
    assert_eq!(run.code, 1);
    let objects = run.objects();
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(
        objects[1],
        json!({"offset": 8, "error": "truncated input", "near": "+OK 3 octets\\r\\nabc\\r\\n"})
    );
}

#[test]
fn reencode_raw_streams() {
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "client",
            "--reencode",
        ],
        b"user mrose\r\npass s3cret\r\nretr 01\r\nTop 1 007\r\nauth plain =\r\nquit\r\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        b"USER mrose\r\nPASS s3cret\r\nRETR 1\r\nTOP 1 7\r\nAUTH PLAIN =\r\nQUIT\r\n"
    );

    let server = b"+OK ready\r\n+OK [in-use] busy\r\n+OK 5 octets\r\n..x\r\n.\r\n";
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "server",
            "--reencode",
        ],
        server,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        b"+OK ready\r\n+OK [IN-USE] busy\r\n+OK 5 octets\r\n..x\r\n.\r\n"
    );
}

#[test]
fn reencode_reports_errors_on_stderr() {
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "client",
            "--reencode",
        ],
        b"NOOP\r\nRETR x\r\nrset\r\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, b"NOOP\r\nRSET\r\n");
    let errors = run.error_objects();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["offset"], 6);
    assert_eq!(errors[0]["near"], "RETR x");
}

#[test]
fn reencode_transcript_round_trips() {
    let file = TempFile::new(RFC1939_SESSION.as_bytes());
    let args = ["decode", "--protocol", "pop3", "--transcript", file.path()];
    let run = mailwire(&[&args[..], &["--reencode"]].concat(), b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The same C:/S: lines, without the comment and prose.
    let expected: String = RFC1939_SESSION
        .lines()
        .filter(|l| l.starts_with("C:") || l.starts_with("S:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(String::from_utf8(run.stdout.clone()).unwrap(), expected);
    // And the output decodes to the same messages.
    let again = mailwire(
        &["decode", "--protocol", "pop3", "--transcript", "-"],
        &run.stdout,
    );
    let original = mailwire(&args, b"");
    assert_eq!(again.code, 0);
    assert_eq!(messages(&again.objects()), messages(&original.objects()));
}

#[test]
fn usage_and_io_errors_exit_2() {
    for args in [
        &["decode", "--protocol", "pop3"][..],
        &["decode", "--protocol", "smtp", "--from", "client"],
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "client",
            "--transcript",
            "x",
        ],
        &["decode", "--from", "client"],
    ] {
        let run = mailwire(args, b"");
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let missing = std::env::temp_dir().join("mailwire-decode-test-does-not-exist");
    let run = mailwire(
        &[
            "decode",
            "--protocol",
            "pop3",
            "--from",
            "server",
            missing.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist"), "{}", run.stderr);
}

/// Every transcript vector of the POP3 codec decodes without error and re-encodes to its own
/// lines, when the vectors are present.
#[test]
fn codec_vectors_decode_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mailwire-pop3/tests/vectors");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "trace") {
            continue;
        }
        let p = path.to_str().unwrap();
        let run = mailwire(&["decode", "--protocol", "pop3", "--transcript", p], b"");
        assert_eq!(run.code, 0, "{p}: {}", String::from_utf8_lossy(&run.stdout));
        let run = mailwire(
            &[
                "decode",
                "--protocol",
                "pop3",
                "--transcript",
                p,
                "--reencode",
            ],
            b"",
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: String = text
            .lines()
            .filter(|l| l.starts_with("C:") || l.starts_with("S:"))
            .map(|l| match l {
                "C: " | "S: " => format!("{}\n", &l[..2]),
                _ => format!("{l}\n"),
            })
            .collect();
        assert_eq!(String::from_utf8_lossy(&run.stdout), expected, "{p}");
    }
}
