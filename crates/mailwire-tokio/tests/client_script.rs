//! The async clients against scripted servers over in-memory pipes: the exact bytes each side
//! sends, for what a real server cannot be made to do on demand (IDLE past 29 minutes with time
//! paused, keepalive, stopping IDLE from another task, XOAUTH2/OAUTHBEARER and their failure
//! answers, unsolicited responses in the middle of a command, abandoned streams, literal flow).

use std::time::Duration;

use futures::StreamExt;
use mailwire_core::Secret;
use mailwire_core::sasl::encode_base64;
use mailwire_imap::types::{
    Code, Condition, FetchAttribute, MacroOrAttributes, SequenceSet, StatusKind,
};
use mailwire_tokio::client::imap::{IdleOptions, IdleStop, Unsolicited};
use mailwire_tokio::client::{Error, ImapClient, Pop3Client, SaslCredentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};

/// One step of a scripted server.
enum Step {
    /// The client must send exactly these bytes next.
    Expect(&'static str),
    /// The client must send exactly these bytes next (built at run time).
    ExpectOwned(String),
    /// The server sends these bytes.
    Send(&'static str),
    /// A SCRAM-SHA-256 server that knows "pencil": reads the client-first-message (base64) from
    /// a line starting with this prefix, answers with the server-first-message, reads and checks
    /// the client-final-message, then misbehaves as told.
    Scram(&'static str, ScramEnd),
}

/// How a scripted SCRAM server ends the exchange.
#[derive(Clone, Copy)]
enum ScramEnd {
    /// Sends a server-final-message with one bit of the signature flipped.
    TamperedSignature,
    /// Sends no server-final-message (the next step reports success).
    NoSignature,
}

use Step::{Expect, ExpectOwned, Send};

/// Runs `steps` on the server side of a pipe; returns the client side and the script's task,
/// which fails if the client sent anything else.
fn scripted(steps: Vec<Step>) -> (DuplexStream, tokio::task::JoinHandle<DuplexStream>) {
    let (client, mut server) = duplex(1 << 20);
    let task = tokio::spawn(async move {
        for step in steps {
            match step {
                Send(s) => server.write_all(s.as_bytes()).await.unwrap(),
                Expect(e) => expect(&mut server, e).await,
                ExpectOwned(e) => expect(&mut server, &e).await,
                Step::Scram(prefix, end) => scram_server(&mut server, prefix, end).await,
            }
        }
        server
    });
    (client, task)
}

async fn read_line(server: &mut DuplexStream) -> String {
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        line.push(server.read_u8().await.unwrap());
    }
    line.truncate(line.len() - 2);
    String::from_utf8(line).unwrap()
}

async fn scram_server(server: &mut DuplexStream, prefix: &str, end: ScramEnd) {
    use mailwire_core::sasl::decode_base64;
    use mailwire_core::scram::{ScramServer, ScramVerifier};
    let line = read_line(server).await;
    let first = line.strip_prefix(prefix).expect("the AUTH line");
    let scram = ScramServer::client_first(&decode_base64(first.as_bytes()).unwrap()).unwrap();
    let verifier = ScramVerifier::generate(Secret::new("pencil")).unwrap();
    let (scram, server_first) = scram
        .server_first(Some(verifier), b"k")
        .expect("server-first");
    let challenge = format!("+ {}\r\n", encode_base64(&server_first));
    server.write_all(challenge.as_bytes()).await.unwrap();
    let client_final = decode_base64(read_line(server).await.as_bytes()).unwrap();
    let ok = scram.client_final(&client_final).unwrap();
    if let ScramEnd::TamperedSignature = end {
        let mut sig = decode_base64(&ok.server_final()[2..]).unwrap();
        sig[31] ^= 0x80;
        let tampered = format!("v={}", encode_base64(&sig));
        let challenge = format!("+ {}\r\n", encode_base64(tampered.as_bytes()));
        server.write_all(challenge.as_bytes()).await.unwrap();
    }
}

fn scram_pencil() -> SaslCredentials {
    SaslCredentials::ScramSha256 {
        authzid: None,
        user: "user".into(),
        password: Secret::new("pencil".into()),
    }
}

/// A SCRAM-SHA-256 server whose signature is wrong, or that reports success without one, has
/// not shown that it knows the password (RFC 5802 §5.1): both clients fail even though the
/// server answers OK, cancelling a tampered exchange with `*` (RFC 9051 §6.2.2, RFC 5034 §4).
#[tokio::test]
async fn scram_refuses_a_server_without_a_valid_signature() {
    for end in [ScramEnd::TamperedSignature, ScramEnd::NoSignature] {
        let (tail, expected): (fn(&'static str) -> Vec<Step>, _) = match end {
            ScramEnd::TamperedSignature => {
                (|ok| vec![Expect("*\r\n"), Send(ok)], "signature is wrong")
            }
            ScramEnd::NoSignature => (
                |ok| vec![Send(ok)],
                "before sending its SCRAM server signature",
            ),
        };
        let check = |e: Error| {
            assert!(matches!(e, Error::Sasl(_)), "{e:?}");
            assert!(e.to_string().contains(expected), "{e}");
        };
        let mut steps = vec![
            Send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] hi\r\n"),
            Step::Scram("A1 AUTHENTICATE SCRAM-SHA-256 ", end),
        ];
        steps.extend(tail("A1 OK logged in\r\n"));
        let (io, server) = scripted(steps);
        let mut c = ImapClient::new(io).await.unwrap();
        check(c.authenticate(&scram_pencil()).await.unwrap_err());
        server.await.unwrap();

        let mut steps = vec![
            Send("+OK ready\r\n"),
            Expect("CAPA\r\n"),
            Send("+OK\r\nSASL SCRAM-SHA-256\r\n.\r\n"),
            Step::Scram("AUTH SCRAM-SHA-256 ", end),
        ];
        steps.extend(tail("+OK logged in\r\n"));
        let (io, server) = scripted(steps);
        let mut c = Pop3Client::new(io).await.unwrap();
        check(c.authenticate(&scram_pencil()).await.unwrap_err());
        server.await.unwrap();
    }
}

async fn expect(server: &mut DuplexStream, expected: &str) {
    let mut got = vec![0; expected.len()];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&got), expected);
}

fn xoauth2(user: &str, token: &str) -> SaslCredentials {
    SaslCredentials::XOAuth2 {
        user: user.into(),
        token: Secret::new(token.into()),
    }
}

const PREAUTH_IDLE: &str = "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n";

#[tokio::test(start_paused = true)]
async fn idle_restarts_before_29_minutes_and_stops_from_another_task() {
    let (io, server) = scripted(vec![
        Send(PREAUTH_IDLE),
        Expect("A1 IDLE\r\n"),
        Send("+ idling\r\n"),
        Send("* 3 EXISTS\r\n"),
        // 29 minutes later, with no traffic: DONE and a new IDLE.
        Expect("DONE\r\n"),
        Send("A1 OK IDLE terminated\r\n"),
        Expect("A2 IDLE\r\n"),
        Send("+ idling\r\n"),
        Send("* 4 EXISTS\r\n"),
        // The stop from another task.
        Expect("DONE\r\n"),
        Send("A2 OK IDLE terminated\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let started = tokio::time::Instant::now();
    let stop = IdleStop::new();
    let mut idle = c.idle_with(IdleOptions::default(), stop.clone());
    assert_eq!(idle.next().await.unwrap(), Some(Unsolicited::Exists(3)));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(idle.next().await.unwrap(), Some(Unsolicited::Exists(4)));
    let restarted_after = started.elapsed();
    assert!(
        restarted_after >= Duration::from_secs(29 * 60)
            && restarted_after < Duration::from_secs(30 * 60),
        "{restarted_after:?}"
    );
    let stopper = tokio::spawn(async move { stop.stop() });
    stopper.await.unwrap();
    assert_eq!(idle.next().await.unwrap(), None);
    assert_eq!(idle.next().await.unwrap(), None, "stays stopped");
    drop(idle);
    assert_eq!(c.exists(), 4);
    server.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn idle_keepalive_sends_done_noop_idle_after_silence() {
    let (io, server) = scripted(vec![
        Send(PREAUTH_IDLE),
        Expect("A1 IDLE\r\n"),
        Send("+ idling\r\n"),
        Expect("DONE\r\n"),
        Send("A1 OK done\r\n"),
        Expect("A2 NOOP\r\n"),
        Send("* 7 EXISTS\r\nA2 OK noop\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let started = tokio::time::Instant::now();
    let options = IdleOptions::default().keepalive(Some(Duration::from_secs(300)));
    let mut idle = c.idle_with(options, IdleStop::new());
    assert_eq!(idle.next().await.unwrap(), Some(Unsolicited::Exists(7)));
    let at = started.elapsed();
    assert!(
        at >= Duration::from_secs(300) && at < Duration::from_secs(301),
        "{at:?}"
    );
    drop(idle);
    server.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn idle_without_the_capability_polls_with_noop() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        Expect("A1 NOOP\r\n"),
        Send("* 1 EXPUNGE\r\nA1 OK noop\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let started = tokio::time::Instant::now();
    let mut idle = c.idle();
    assert_eq!(
        idle.next().await.unwrap(),
        Some(Unsolicited::Expunge(1.try_into().unwrap()))
    );
    assert!(started.elapsed() >= Duration::from_secs(60));
    drop(idle);
    server.await.unwrap();
}

#[tokio::test]
async fn imap_xoauth2_with_sasl_ir_and_its_failure_answer() {
    let good = encode_base64(b"user=u@example.com\x01auth=Bearer tok\x01\x01");
    let err = encode_base64(br#"{"status":"401","schemes":"bearer"}"#);
    let (io, server) = scripted(vec![
        Send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n"),
        ExpectOwned(format!("A1 AUTHENTICATE XOAUTH2 {good}\r\n")),
        Send("+ "),
        Send(Box::leak(format!("{err}\r\n").into_boxed_str())),
        // The client answers the error challenge with an empty response.
        Expect("\r\n"),
        Send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
        ExpectOwned(format!("A2 AUTHENTICATE XOAUTH2 {good}\r\n")),
        Send("A2 OK [CAPABILITY IMAP4rev1 IDLE] Success\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let e = c
        .authenticate(&xoauth2("u@example.com", "tok"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::ImapNo {
                code: Some(Code::Condition(Condition::AuthenticationFailed)),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!format!("{e:?}").contains("tok\u{1}"));
    c.authenticate(&xoauth2("u@example.com", "tok"))
        .await
        .unwrap();
    assert!(c.has_capability("IDLE"), "capabilities from the OK code");
    server.await.unwrap();
}

#[tokio::test]
async fn imap_oauthbearer_without_sasl_ir_answers_the_first_challenge() {
    let msg = encode_base64(
        b"n,a=u@example.com,\x01host=imap.example.com\x01port=993\x01auth=Bearer t0k\x01\x01",
    );
    let (io, server) = scripted(vec![
        Send("* OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER] hi\r\n"),
        Expect("A1 AUTHENTICATE OAUTHBEARER\r\n"),
        Send("+ \r\n"),
        ExpectOwned(format!("{msg}\r\n")),
        Send("A1 OK done\r\n"),
        // No CAPABILITY in the OK: the client asks.
        Expect("A2 CAPABILITY\r\n"),
        Send("* CAPABILITY IMAP4rev2\r\nA2 OK\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    c.authenticate(&SaslCredentials::OAuthBearer {
        user: "u@example.com".into(),
        host: Some("imap.example.com".into()),
        port: Some(993),
        token: Secret::new("t0k".into()),
    })
    .await
    .unwrap();
    assert!(c.has_capability("IMAP4rev2"));
    server.await.unwrap();
}

#[tokio::test]
async fn pop3_xoauth2_inline_and_a_long_token_after_the_challenge() {
    let short = encode_base64(b"user=u\x01auth=Bearer abc\x01\x01");
    let token = "x".repeat(300);
    let long = encode_base64(format!("user=u\x01auth=Bearer {token}\x01\x01").as_bytes());
    let (io, server) = scripted(vec![
        Send("+OK ready\r\n"),
        Expect("CAPA\r\n"),
        Send("+OK\r\nSASL XOAUTH2\r\nUIDL\r\n.\r\n"),
        ExpectOwned(format!("AUTH XOAUTH2 {short}\r\n")),
        Send("+OK logged in\r\n"),
        Expect("CAPA\r\n"),
        Send("-ERR no CAPA after login\r\n"),
        Expect("QUIT\r\n"),
        Send("+OK bye\r\n"),
    ]);
    let mut c = Pop3Client::new(io).await.unwrap();
    c.authenticate(&xoauth2("u", "abc")).await.unwrap();
    assert!(c.capabilities().is_empty(), "-ERR to CAPA: no capabilities");
    c.quit().await.unwrap();
    server.await.unwrap();

    let (io, server) = scripted(vec![
        Send("+OK ready\r\n"),
        Expect("CAPA\r\n"),
        Send("+OK\r\nSASL XOAUTH2\r\n.\r\n"),
        // 400 octets would break the 255-octet command line (RFC 5034 §4).
        Expect("AUTH XOAUTH2\r\n"),
        Send("+ \r\n"),
        ExpectOwned(format!("{long}\r\n")),
        Send("-ERR [AUTH] token expired\r\n"),
    ]);
    let mut c = Pop3Client::new(io).await.unwrap();
    let e = c.authenticate(&xoauth2("u", &token)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Pop3Err { code: Some(c), .. } if c.as_str() == "AUTH"),
        "{e:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn unsolicited_responses_during_a_command_are_queued_not_dropped() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        Expect("A1 SELECT INBOX\r\n"),
        Send(
            "* 2 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 9] v\r\nA1 OK [READ-WRITE] done\r\n",
        ),
        Expect("A2 FETCH 1 UID\r\n"),
        Send("* 1 FETCH (UID 10)\r\n* 3 EXISTS\r\n* OK [ALERT] maintenance at noon\r\n"),
        Send("A2 OK done\r\n"),
        Expect("A3 NOOP\r\n"),
        Send("* 2 FETCH (FLAGS (\\Flagged))\r\n* 1 EXPUNGE\r\n* VANISHED 10\r\nA3 OK\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let sel = c.select("INBOX").await.unwrap();
    assert_eq!(
        (sel.exists, sel.uid_validity.map(|v| v.get())),
        (2, Some(9))
    );
    assert!(
        c.take_unsolicited().is_empty(),
        "SELECT's data is its answer"
    );
    let f = c
        .fetch(
            SequenceSet::single(1.try_into().unwrap()),
            MacroOrAttributes::Attributes(vec![FetchAttribute::Uid]),
        )
        .await
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].uid().map(|u| u.get()), Some(10));
    let u = c.take_unsolicited();
    assert_eq!(u[0], Unsolicited::Exists(3));
    assert!(
        matches!(&u[1], Unsolicited::Status { kind: StatusKind::Ok, code: Some(Code::Alert), text } if text.contains("noon")),
        "{u:?}"
    );
    c.noop().await.unwrap();
    let u = c.take_unsolicited();
    assert!(matches!(&u[0], Unsolicited::Fetch(f) if f.seq.map(|s| s.get()) == Some(2)));
    assert_eq!(u[1], Unsolicited::Expunge(1.try_into().unwrap()));
    assert!(matches!(&u[2], Unsolicited::Vanished(_)));
    assert_eq!(c.exists(), 1, "3 EXISTS, then one EXPUNGE and one VANISHED");
    server.await.unwrap();
}

#[tokio::test]
async fn a_dropped_fetch_stream_is_skipped_before_the_next_command() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        Expect("A1 SELECT INBOX\r\n"),
        Send("* 3 EXISTS\r\nA1 OK selected\r\n"),
        Expect("A2 FETCH 1:* UID\r\n"),
        Send("* 1 FETCH (UID 5)\r\n"),
        // The caller drops the stream here; the rest of the answer still comes, and is
        // skipped before the next command goes out.
        Send("* 2 FETCH (UID 6)\r\n* 3 FETCH (UID 7)\r\n* 9 EXISTS\r\nA2 OK fetched\r\n"),
        Expect("A3 NOOP\r\n"),
        Send("A3 OK\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    c.select("INBOX").await.unwrap();
    {
        let mut s = c.fetch_stream(
            SequenceSet::all(),
            MacroOrAttributes::Attributes(vec![FetchAttribute::Uid]),
        );
        let first = s.next().await.unwrap().unwrap();
        assert_eq!(first.uid().map(|u| u.get()), Some(5));
    }
    c.noop().await.unwrap();
    let u = c.take_unsolicited();
    assert_eq!(
        u.iter()
            .filter(|x| matches!(x, Unsolicited::Exists(9)))
            .count(),
        1
    );
    server.await.unwrap();
}

#[tokio::test]
async fn append_waits_for_the_continuation_unless_literal_plus() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        Expect("A1 APPEND INBOX {5}\r\n"),
        Send("+ go ahead\r\n"),
        Expect("hello\r\n"),
        Send("A1 OK [APPENDUID 7 3] done\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let uid = c.append("INBOX", None, None, b"hello").await.unwrap();
    assert_eq!(
        uid.map(|(v, s)| (v.get(), s)),
        Some((7, SequenceSet::single(3.try_into().unwrap())))
    );
    server.await.unwrap();

    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"),
        Expect("A1 APPEND INBOX {5+}\r\nhello\r\n"),
        Send("A1 NO [TRYCREATE] no such mailbox\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let e = c.append("INBOX", None, None, b"hello").await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ImapNo {
                code: Some(Code::TryCreate),
                ..
            }
        ),
        "{e:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn bye_then_close_is_a_closed_error() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        Expect("A1 NOOP\r\n"),
        Send("* BYE shutting down\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let e = c.noop().await.unwrap_err();
    drop(server.await.unwrap());
    assert!(matches!(e, Error::Closed), "{e:?}");
    assert!(matches!(
        c.take_unsolicited().first(),
        Some(Unsolicited::Bye { .. })
    ));
}

#[tokio::test]
async fn unauthenticate_returns_to_not_authenticated_and_rereads_capabilities() {
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE] ready\r\n"),
        Expect("A1 ENABLE CONDSTORE\r\n"),
        Send("* ENABLED CONDSTORE\r\nA1 OK\r\n"),
        Expect("A2 UNAUTHENTICATE\r\n"),
        Send("A2 OK done\r\n"),
        Expect("A3 CAPABILITY\r\n"),
        Send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA3 OK\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    c.enable(&["CONDSTORE"]).await.unwrap();
    assert!(c.is_enabled("CONDSTORE"));
    c.unauthenticate().await.unwrap();
    assert_eq!(c.state(), mailwire_imap::types::State::NotAuthenticated);
    assert!(
        !c.is_enabled("CONDSTORE"),
        "RFC 8437 §4.1: ENABLE is undone"
    );
    assert!(c.has_capability("AUTH=PLAIN") && !c.has_capability("UNAUTHENTICATE"));
    server.await.unwrap();
}

#[tokio::test]
async fn pop3_utf8_lang_and_the_mechanism_list() {
    // RFC 6856 §2.1 and §3.2 exchanges; the bare AUTH list as many servers answer it.
    let (io, server) = scripted(vec![
        Send("+OK ready\r\n"),
        Expect("CAPA\r\n"),
        Send("+OK\r\nUTF8\r\nLANG\r\nSASL PLAIN\r\n.\r\n"),
        Expect("UTF8\r\n"),
        Send("+OK UTF8 enabled\r\n"),
        Expect("LANG\r\n"),
        Send("+OK Language listing follows:\r\nen English\r\nde Deutsch\r\n.\r\n"),
        Expect("LANG de\r\n"),
        Send("+OK de Sprache geändert\r\n"),
        Expect("AUTH\r\n"),
        Send("+OK\r\nPLAIN\r\nXOAUTH2\r\n.\r\n"),
        Expect("LANG xx\r\n"),
        Send("-ERR invalid language\r\n"),
    ]);
    let mut c = Pop3Client::new(io).await.unwrap();
    c.utf8().await.unwrap();
    let langs = c.languages().await.unwrap();
    assert_eq!(
        langs.iter().map(|l| l.tag.as_str()).collect::<Vec<_>>(),
        ["en", "de"]
    );
    c.set_language(mailwire_pop3::LangRequest::Range(
        mailwire_pop3::LanguageTag::new("de").unwrap(),
    ))
    .await
    .unwrap();
    let mechs = c.auth_mechanisms().await.unwrap();
    assert_eq!(
        mechs.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        ["PLAIN", "XOAUTH2"]
    );
    let e = c
        .set_language(mailwire_pop3::LangRequest::Range(
            mailwire_pop3::LanguageTag::new("xx").unwrap(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Pop3Err { .. }));
    server.await.unwrap();
}

#[tokio::test]
async fn gmail_labels_are_stored_with_x_gm_labels() {
    use mailwire_imap::types::{AString, GmailLabel, StoreMode};
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1 X-GM-EXT-1] ready\r\n"),
        Expect("A1 SELECT INBOX\r\n"),
        Send("* 1 EXISTS\r\nA1 OK\r\n"),
        Expect("A2 UID STORE 5 +X-GM-LABELS (Work)\r\n"),
        Send("* 1 FETCH (X-GM-LABELS (Work \\Inbox) UID 5)\r\nA2 OK\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    c.select("INBOX").await.unwrap();
    let f = c
        .store_gmail_labels(
            true,
            SequenceSet::single(5.try_into().unwrap()),
            StoreMode::Add,
            vec![GmailLabel::Label(AString::try_from("Work").unwrap())],
        )
        .await
        .unwrap();
    assert_eq!(f[0].uid().map(|u| u.get()), Some(5));
    server.await.unwrap();
}

#[tokio::test]
async fn pipelined_commands_get_their_own_answers_even_out_of_order() {
    use mailwire_imap::types::{CommandBody, Data, Mailbox, StatusAttribute, Vec1};
    let status = |name: &'static str| CommandBody::Status {
        mailbox: Mailbox::from_name(name, false).unwrap(),
        attributes: Vec1::one(StatusAttribute::Messages),
    };
    let (io, server) = scripted(vec![
        Send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
        // All three go out before any answer.
        Expect("A1 STATUS a (MESSAGES)\r\nA2 STATUS b (MESSAGES)\r\nA3 NOOP\r\n"),
        Send("* STATUS a (MESSAGES 1)\r\nA1 OK\r\n"),
        // The NOOP completes before the second STATUS.
        Send("A3 OK noop\r\n* STATUS b (MESSAGES 2)\r\nA2 NO [NONEXISTENT] no b\r\n"),
    ]);
    let mut c = ImapClient::new(io).await.unwrap();
    let answers = c
        .pipeline(vec![status("a"), status("b"), CommandBody::Noop])
        .await
        .unwrap();
    let first = answers[0].as_ref().unwrap();
    assert!(
        matches!(&first.data[..], [Data::Status { .. }]),
        "{first:?}"
    );
    assert!(
        matches!(
            &answers[1],
            Err(Error::ImapNo {
                code: Some(Code::Condition(Condition::NonExistent)),
                ..
            })
        ),
        "{:?}",
        answers[1]
    );
    assert_eq!(answers[2].as_ref().unwrap().text, "noop");
    server.await.unwrap();
}
