//! Known-answer tests: RFC example lines decode to hand-written typed values, and invalid input
//! gives the typed error. (The full RFC sessions are in `tests/vectors/`.)

use mailwire_core::Secret;
use mailwire_pop3::codec::{
    DecodeError, ErrorKind, Expect, Limits, decode_command, decode_response,
};
use mailwire_pop3::*;

fn cmd(wire: &str) -> Command<'_> {
    let (rest, c) = decode_command(wire.as_bytes(), &Limits::default()).unwrap();
    assert!(rest.is_empty());
    c
}

fn resp(wire: &str, e: Expect) -> Response<'_> {
    let (rest, r) = decode_response(wire.as_bytes(), e, &Limits::default()).unwrap();
    assert!(rest.is_empty(), "left over: {:?}", rest);
    r
}

fn cmd_err(wire: &str) -> ErrorKind {
    match decode_command(wire.as_bytes(), &Limits::default()) {
        Err(DecodeError::Failed(e)) => {
            assert_eq!(e.skip, wire.len(), "resume after the bad line");
            e.kind
        }
        other => panic!("{wire:?}: {other:?}"),
    }
}

fn n(x: u32) -> MsgNum {
    MsgNum::new(x).unwrap()
}

fn ok(text: &str) -> Status<'_> {
    Status::ok(text).unwrap()
}

#[test]
fn rfc1939_commands() {
    assert_eq!(
        cmd("USER mrose\r\n"),
        Command::User(Arg::new("mrose").unwrap())
    );
    assert_eq!(
        cmd("PASS secret\r\n"),
        Command::Pass(Password::new(&b"secret"[..]).unwrap())
    );
    assert_eq!(cmd("STAT\r\n"), Command::Stat);
    assert_eq!(cmd("LIST\r\n"), Command::List(None));
    assert_eq!(cmd("LIST 2\r\n"), Command::List(Some(n(2))));
    assert_eq!(cmd("RETR 1\r\n"), Command::Retr(n(1)));
    assert_eq!(cmd("DELE 1\r\n"), Command::Dele(n(1)));
    assert_eq!(cmd("NOOP\r\n"), Command::Noop);
    assert_eq!(cmd("RSET\r\n"), Command::Rset);
    assert_eq!(cmd("QUIT\r\n"), Command::Quit);
    assert_eq!(
        cmd("TOP 1 10\r\n"),
        Command::Top {
            msg: n(1),
            lines: 10
        }
    );
    assert_eq!(cmd("UIDL\r\n"), Command::Uidl(None));
    assert_eq!(cmd("UIDL 2\r\n"), Command::Uidl(Some(n(2))));
    assert_eq!(
        cmd("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
        Command::Apop {
            name: Arg::new("mrose").unwrap(),
            digest: ApopDigest::from_bytes([
                0xc4, 0xc9, 0x33, 0x4b, 0xac, 0x56, 0x0e, 0xcc, 0x97, 0x9e, 0x58, 0x00, 0x1b, 0x3e,
                0x22, 0xfb
            ])
        }
    );
    // RFC 1939 §3: keywords are case-insensitive.
    assert_eq!(cmd("rEtR 7\r\n"), Command::Retr(n(7)));
}

#[test]
fn extension_commands() {
    assert_eq!(cmd("CAPA\r\n"), Command::Capa); // RFC 2449 §5
    assert_eq!(cmd("STLS\r\n"), Command::Stls); // RFC 2595 §4
    assert_eq!(cmd("UTF8\r\n"), Command::Utf8); // RFC 6856 §2.1
    assert_eq!(cmd("LANG\r\n"), Command::Lang(None)); // RFC 6856 §3.3
    assert_eq!(
        cmd("LANG *\r\n"),
        Command::Lang(Some(LangRequest::Wildcard))
    );
    assert_eq!(
        cmd("LANG en-boont\r\n"),
        Command::Lang(Some(LangRequest::Range(
            LanguageTag::new("en-boont").unwrap()
        )))
    );
    // RFC 5034 §6: PLAIN with initial response "test\0test\0test".
    assert_eq!(
        cmd("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n"),
        Command::Auth(Some(SaslAuth {
            mechanism: Mechanism::PLAIN,
            initial_response: Some(Secret::new(b"test\0test\0test".to_vec()))
        }))
    );
    assert_eq!(
        cmd("AUTH KERBEROS_V4\r\n"),
        Command::Auth(Some(SaslAuth {
            mechanism: Mechanism::new("KERBEROS_V4").unwrap(),
            initial_response: None
        }))
    );
    assert_eq!(cmd("AUTH\r\n"), Command::Auth(None));
    assert_eq!(
        cmd("XTND XMIT\r\n"),
        Command::Other {
            keyword: Keyword::new("XTND").unwrap(),
            params: vec![Arg::new("XMIT").unwrap()]
        }
    );
}

#[test]
fn command_errors() {
    assert_eq!(
        cmd_err("RETR 0\r\n"),
        ErrorKind::InvalidArgument("message number")
    );
    assert_eq!(cmd_err("RETR\r\n"), ErrorKind::MissingArgument);
    assert_eq!(cmd_err("LIST 1 2\r\n"), ErrorKind::TooManyArguments);
    assert_eq!(cmd_err("USER a b\r\n"), ErrorKind::TooManyArguments);
    assert_eq!(cmd_err("STAT \r\n"), ErrorKind::InvalidArgument("spacing"));
    assert_eq!(cmd_err("HELLO\r\n"), ErrorKind::UnknownCommand);
    assert_eq!(cmd_err("\r\n"), ErrorKind::UnknownCommand);
    assert_eq!(cmd_err("PASS\r\n"), ErrorKind::MissingArgument);
    assert_eq!(
        cmd_err("TOP 1 -1\r\n"),
        ErrorKind::InvalidArgument("line count")
    );
    assert_eq!(cmd_err("AUTH PLAIN AAA=BBBB\r\n"), ErrorKind::InvalidBase64);
    assert_eq!(
        cmd_err("APOP mrose c4c9\r\n"),
        ErrorKind::InvalidArgument("APOP digest")
    );
    assert_eq!(cmd_err("STAT\n"), ErrorKind::BareLf);
    // RFC 2449 §4: 255 octets including CRLF.
    let long = format!("USER {}\r\n", "a".repeat(248));
    assert_eq!(long.len(), 255);
    assert!(decode_command(long.as_bytes(), &Limits::default()).is_ok());
    let longer = format!("USER {}\r\n", "a".repeat(249));
    assert_eq!(cmd_err(&longer), ErrorKind::LineTooLong { limit: 255 });
    // The error shows the offending bytes.
    match decode_command(b"RETR \xff\r\n", &Limits::default()) {
        Err(DecodeError::Failed(e)) => assert_eq!(e.near, "RETR \\xff"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rfc1939_responses() {
    let g = resp(
        "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n",
        Expect::Greeting,
    );
    let Response::Greeting(g) = g else { panic!() };
    assert_eq!(
        g.apop_timestamp(),
        Some(&b"<1896.697170952@dbc.mtview.ca.us>"[..])
    );
    assert_eq!(
        resp("+OK 2 320\r\n", Expect::Stat),
        Response::Stat {
            count: 2,
            size: 320,
            text: Text::empty()
        }
    );
    assert_eq!(
        resp(
            "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n",
            Expect::ScanList
        ),
        Response::ScanList {
            status: ok("2 messages (320 octets)"),
            listings: vec![
                ScanListing {
                    msg: n(1),
                    size: 120,
                    info: Text::empty()
                },
                ScanListing {
                    msg: n(2),
                    size: 200,
                    info: Text::empty()
                }
            ]
        }
    );
    assert_eq!(
        resp("+OK 2 200\r\n", Expect::Scan),
        Response::Scan(ScanListing {
            msg: n(2),
            size: 200,
            info: Text::empty()
        })
    );
    assert_eq!(
        resp(
            "-ERR no such message, only 2 messages in maildrop\r\n",
            Expect::ScanList
        ),
        Response::Status(Status::err("no such message, only 2 messages in maildrop").unwrap())
    );
    assert_eq!(
        resp(
            "+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n",
            Expect::UidList
        ),
        Response::UidList {
            status: ok(""),
            listings: vec![
                UidListing {
                    msg: n(1),
                    uid: UniqueId::new("whqtswO00WBw418f9t5JxYwZ").unwrap()
                },
                UidListing {
                    msg: n(2),
                    uid: UniqueId::new("QhdPYR:00WBw1Ph7x7").unwrap()
                }
            ]
        }
    );
    assert_eq!(
        resp("+OK 2 QhdPYR:00WBw1Ph7x7\r\n", Expect::Uid),
        Response::Uid(UidListing {
            msg: n(2),
            uid: UniqueId::new("QhdPYR:00WBw1Ph7x7").unwrap()
        })
    );
    assert_eq!(
        resp(
            "+OK 120 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n",
            Expect::Message
        ),
        Response::Message {
            status: ok("120 octets"),
            body: b"Subject: x\r\n\r\n.dot\r\n"[..].into()
        }
    );
}

#[test]
fn rfc2449_capabilities_and_codes() {
    let wire = "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL CRAM-MD5 KERBEROS_V4\r\nRESP-CODES\r\n\
                LOGIN-DELAY 900\r\nPIPELINING\r\nEXPIRE 60\r\nUIDL\r\nIMPLEMENTATION Shlemazle-Plotz-v302\r\n.\r\n";
    assert_eq!(
        resp(wire, Expect::Capabilities),
        Response::Capabilities {
            status: ok("Capability list follows"),
            capabilities: vec![
                Capability::Top,
                Capability::User,
                Capability::Sasl(vec![
                    Mechanism::new("CRAM-MD5").unwrap(),
                    Mechanism::new("KERBEROS_V4").unwrap()
                ]),
                Capability::RespCodes,
                Capability::LoginDelay {
                    seconds: 900,
                    per_user: false
                },
                Capability::Pipelining,
                Capability::Expire {
                    policy: ExpirePolicy::Days(60),
                    per_user: false
                },
                Capability::Uidl,
                Capability::Implementation(Text::new(&b"Shlemazle-Plotz-v302"[..]).unwrap()),
            ]
        }
    );
    assert_eq!(
        resp(
            "-ERR [IN-USE] Do you have another POP session running?\r\n",
            Expect::Status
        ),
        Response::Status(
            Status::err("Do you have another POP session running?")
                .unwrap()
                .with_code(ResponseCode::InUse)
        )
    );
    // RFC 3206 and RFC 6856 codes; unknown codes are kept; "[" without a valid code is text.
    for (wire, code) in [
        ("-ERR [SYS/TEMP] x\r\n", ResponseCode::SysTemp),
        ("-ERR [SYS/PERM] x\r\n", ResponseCode::SysPerm),
        ("-ERR [AUTH] x\r\n", ResponseCode::Auth),
        ("-ERR [UTF8] x\r\n", ResponseCode::Utf8),
        ("-ERR [LOGIN-DELAY] x\r\n", ResponseCode::LoginDelay),
        (
            "-ERR [X-VENDOR/SUB] x\r\n",
            ResponseCode::Other(RespCodeText::new("X-VENDOR/SUB").unwrap()),
        ),
    ] {
        assert_eq!(
            resp(wire, Expect::Status),
            Response::Status(Status::err("x").unwrap().with_code(code))
        );
    }
    assert_eq!(
        resp("-ERR [not a code] x\r\n", Expect::Status),
        Response::Status(Status::err("[not a code] x").unwrap())
    );
}

#[test]
fn rfc5034_challenges() {
    assert_eq!(
        resp("+ \r\n", Expect::Auth),
        Response::Challenge(Secret::new(Vec::new()))
    );
    assert_eq!(
        resp("+ AmFYig==\r\n", Expect::Auth),
        Response::Challenge(Secret::new(vec![2, 97, 88, 138]))
    );
    // Quirk: "+" without the space is an empty challenge.
    assert_eq!(
        resp("+\r\n", Expect::Auth),
        Response::Challenge(Secret::new(Vec::new()))
    );
    assert_eq!(
        resp("+OK Maildrop locked and ready\r\n", Expect::Auth),
        Response::Status(ok("Maildrop locked and ready"))
    );
    assert!(matches!(
        decode_response(b"+ A=AA\r\n", Expect::Auth, &Limits::default()),
        Err(DecodeError::Failed(e)) if e.kind == ErrorKind::InvalidBase64
    ));
    assert_eq!(
        resp("+OK\r\nPLAIN\r\nlogin\r\n.\r\n", Expect::Mechanisms),
        Response::Mechanisms {
            status: ok(""),
            mechanisms: vec![Mechanism::PLAIN, Mechanism::LOGIN]
        }
    );
}

#[test]
fn rfc6856_languages() {
    assert_eq!(
        resp(
            "+OK Language listing follows:\r\nen English\r\nen-boont English Boontling dialect\r\nde\r\n.\r\n",
            Expect::Languages
        ),
        Response::Languages {
            status: ok("Language listing follows:"),
            languages: vec![
                LanguageListing {
                    tag: LanguageTag::new("en").unwrap(),
                    description: Text::new(&b"English"[..]).unwrap()
                },
                LanguageListing {
                    tag: LanguageTag::new("en-boont").unwrap(),
                    description: Text::new(&b"English Boontling dialect"[..]).unwrap()
                },
                LanguageListing {
                    tag: LanguageTag::new("de").unwrap(),
                    description: Text::empty()
                },
            ]
        }
    );
    assert_eq!(
        resp(
            "+OK\r\nUTF8 USER\r\nLANG\r\nAUTH-RESP-CODE\r\nSTLS\r\nX-FOO a b\r\n.\r\n",
            Expect::Capabilities
        ),
        Response::Capabilities {
            status: ok(""),
            capabilities: vec![
                Capability::Utf8 { user: true },
                Capability::Lang,
                Capability::AuthRespCode,
                Capability::Stls,
                Capability::Other {
                    tag: CapaTag::new("X-FOO").unwrap(),
                    params: vec![Arg::new("a").unwrap(), Arg::new("b").unwrap()]
                }
            ]
        }
    );
    // 8-bit text is kept as bytes.
    let Response::Status(s) = resp("+OK sv Kommandot \"LANG\" lyckades å\r\n", Expect::Status)
    else {
        panic!()
    };
    assert!(s.text.as_bytes().ends_with("å".as_bytes()));
}

#[test]
fn response_errors_resume_after_the_bad_response() {
    // A bad listing line: the error skips the whole multi-line response.
    let wire = b"+OK\r\n1 120\r\nbogus\r\n2 5\r\n.\r\n+OK next\r\n";
    match decode_response(wire, Expect::ScanList, &Limits::default()) {
        Err(DecodeError::Failed(e)) => {
            assert_eq!(e.kind, ErrorKind::InvalidListing("scan listing"));
            assert_eq!(&wire[e.skip..], b"+OK next\r\n");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(decode_response(b"HELLO\r\n", Expect::Status, &Limits::default()),
        Err(DecodeError::Failed(e)) if e.kind == ErrorKind::InvalidStatus && e.skip == 7)
    );
    // A unique-id over 70 octets.
    let long = format!("+OK 1 {}\r\n", "x".repeat(71));
    assert!(
        matches!(decode_response(long.as_bytes(), Expect::Uid, &Limits::default()),
        Err(DecodeError::Failed(e)) if e.kind == ErrorKind::InvalidListing("unique-id listing"))
    );
}

#[test]
fn guess_mode_for_captures_without_commands() {
    let (rest, r) = decode_response(
        b"+OK\r\n1 2\r\n.\r\n+OK\r\n",
        Expect::Guess,
        &Limits::default(),
    )
    .unwrap();
    assert!(matches!(r, Response::MultiLine { ref body, .. } if &body[..] == b"1 2\r\n"));
    assert_eq!(rest, b"+OK\r\n");
    let (rest, r) =
        decode_response(b"+OK a\r\n-ERR b\r\n", Expect::Guess, &Limits::default()).unwrap();
    assert_eq!(r, Response::Status(ok("a")));
    assert_eq!(rest, b"-ERR b\r\n");
    // The last line of a capture cannot be classified yet.
    assert_eq!(
        decode_response(b"+OK a\r\n", Expect::Guess, &Limits::default()).unwrap_err(),
        DecodeError::Incomplete
    );
}
