//! `imap_server`: the IMAP server connection fed arbitrary client bytes, answered by the scripted
//! application.

use mailwire_core::{Interrupt, Io};
use mailwire_imap::codec::{
    DecodeError, Limits, Options, Quirks, decode_greeting, decode_response,
};
use mailwire_imap::server::{self, Event};
use mailwire_imap::types::{CommandBody, Greeting, IntoStatic};

use crate::imap_app::{App, Open};
use crate::util::{Rng, chunk_len, header};

/// Decodes everything the server writes, strictly (RFC grammar only): the greeting, then
/// responses. Output always ends at a message boundary.
#[derive(Debug)]
pub(crate) struct OutputChecker {
    buf: Vec<u8>,
    greeted: bool,
    opts: Options,
    pub(crate) messages: usize,
}

impl OutputChecker {
    pub(crate) fn new() -> Self {
        let mut opts = Options::commands();
        opts.quirks = Quirks::STRICT;
        opts.limits = Limits::DEFAULT;
        OutputChecker {
            buf: Vec::new(),
            greeted: false,
            opts,
            messages: 0,
        }
    }

    pub(crate) fn output(&mut self, bytes: &[u8]) {
        assert!(!bytes.is_empty(), "empty output");
        self.buf.extend_from_slice(bytes);
        let mut rest: &[u8] = &self.buf;
        while !rest.is_empty() {
            let r = if self.greeted {
                decode_response(rest, &self.opts).map(|(r, _)| r)
            } else {
                decode_greeting(rest, &self.opts).map(|(r, _)| r)
            };
            match r {
                Ok(after) => {
                    self.greeted = true;
                    self.messages += 1;
                    rest = after;
                }
                Err(DecodeError::Incomplete) => {
                    panic!(
                        "output ends inside a message: {:?}",
                        String::from_utf8_lossy(rest)
                    )
                }
                Err(e) => panic!(
                    "the server wrote {:?}, which does not decode: {e}",
                    String::from_utf8_lossy(rest)
                ),
            }
        }
        self.buf.clear();
    }
}

/// A greeting from its wire form.
pub(crate) fn greeting(wire: &'static [u8]) -> Greeting<'static> {
    decode_greeting(wire, &Options::responses())
        .expect("fixed greeting")
        .1
        .into_static()
}

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 TLS active, bit 1 allow plaintext LOGIN,
/// bit 2 the application decides on literals (`auto_accept_literals` off), bit 3 bare-LF quirk,
/// bit 4 lenient-spaces quirk, bits 5-6 the greeting (OK, PREAUTH, BYE, OK with a code), bit 7
/// small limits (`max_line` 256, `max_literal` 64, `max_message` 1024). The seed also picks the
/// consecutive-error limit. The rest is the client's byte stream, fed in chunks of
/// `1..=chunk_max` bytes (`0`: one feed).
pub(crate) fn server(data: &[u8]) {
    let (h, stream) = header::<3>(data);
    let flags = h[0];
    let seed = u64::from(h[1]) | (stream.len() as u64) << 8;
    let mut rng = Rng::new(seed);
    let mut opts = server::Options::default();
    opts.tls_active = flags & 1 != 0;
    opts.allow_plaintext_login = flags & 2 != 0;
    opts.auto_accept_literals = flags & 4 == 0;
    opts.decode.quirks.bare_lf = flags & 8 != 0;
    opts.decode.quirks.lenient_spaces = flags & 16 != 0;
    if flags & 128 != 0 {
        opts.decode.limits = Limits {
            max_line: 256,
            max_literal: 64,
            max_message: 1024,
        };
    }
    opts.max_consecutive_errors = match h[1] % 8 {
        0 => 1,
        1 => 3,
        2 => u32::MAX,
        _ => 10,
    };
    let g = match (flags >> 5) & 3 {
        0 => greeting(b"* OK IMAP4rev2 server ready\r\n"),
        1 => greeting(b"* PREAUTH [CAPABILITY IMAP4rev2] logged in as Smith\r\n"),
        2 => greeting(b"* BYE Autologout; idle for too long\r\n"),
        _ => greeting(b"* OK [CAPABILITY IMAP4rev2 STARTTLS LOGINDISABLED] ready\r\n"),
    };
    let tls_at_start = opts.tls_active;
    let plaintext_ok = opts.allow_plaintext_login;
    let manual_literals = !opts.auto_accept_literals;
    let chunk_max = h[2];
    let mut conn = server::Connection::new(opts, g);
    let mut app = App::new(seed.rotate_left(17));
    let mut out = OutputChecker::new();
    assert_eq!(conn.is_tls(), tls_at_start);

    let mut fed = 0;
    let mut upgraded_since_feed = false;
    let mut upgrades = 0;
    let mut closed = false;
    let mut failed = false;
    let mut compressed = false;
    // After an accepted literal whose message the harness completed: the exchange that was open.
    let mut awaiting_event: Option<Open> = None;
    let max_steps = 64 * (stream.len() + 16);
    for step in 0.. {
        assert!(step < max_steps, "no progress after {step} steps");
        let next = conn.next();
        // Compression may start and end (UNAUTHENTICATE) between two outputs.
        compressed |= conn.is_compressed();
        match next {
            Ok(ev) => {
                assert!(!failed, "event after a fatal error");
                if let Event::Command(cmd) = &ev {
                    assert!(
                        !upgraded_since_feed,
                        "{cmd:?} delivered after UpgradeTls from pre-TLS input"
                    );
                    assert!(
                        cmd.body.valid_in(conn.state()),
                        "{} delivered in {:?}",
                        cmd.body.name(),
                        conn.state()
                    );
                    let plaintext = match &cmd.body {
                        CommandBody::Login { .. } => true,
                        CommandBody::Authenticate { mechanism, .. } => {
                            mechanism.is("PLAIN") || mechanism.is("LOGIN")
                        }
                        _ => false,
                    };
                    assert!(
                        !plaintext || conn.is_tls() || plaintext_ok,
                        "plaintext authentication without TLS"
                    );
                    if matches!(cmd.body, CommandBody::StartTls) {
                        assert!(!conn.is_tls(), "STARTTLS delivered under TLS");
                    }
                }
                if let Event::AuthenticateData(_) | Event::IdleDone = &ev {
                    assert!(!upgraded_since_feed, "{ev:?} after UpgradeTls");
                }
                let announced = match &ev {
                    Event::LiteralAnnounced { length, .. } => {
                        assert!(manual_literals, "literal announced with auto-accept");
                        Some(*length)
                    }
                    _ => None,
                };
                awaiting_event = None;
                let open_before = app.open.clone();
                app.event(&mut conn, &ev);
                if let Some(length) = announced.filter(|&l| l <= 4096)
                    && app.accepted_literal
                {
                    // Liveness: send the literal and end the message, as the client would after
                    // the continuation request; the completed message must produce an event
                    // before the connection asks for more input.
                    let mut probe = vec![b'x'; length as usize];
                    probe.extend_from_slice(b"\r\n");
                    conn.feed(&probe);
                    awaiting_event = Some(open_before);
                }
            }
            Err(Interrupt::Io(Io::Output(bytes))) => {
                assert!(!closed && !failed);
                // After COMPRESS's OK the output is DEFLATE (RFC 4978), no longer checked here.
                if !compressed {
                    out.output(&bytes);
                }
            }
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                assert!(!closed && !failed);
                match awaiting_event.take() {
                    Some(Open::None) => {
                        panic!("a message completed after an accepted literal, and no event")
                    }
                    // (Fuzz finding, fixed in b8b9040: with `auto_accept_literals` off, a literal
                    // announced during AUTHENTICATE or IDLE made the connection forget the
                    // exchange and stall. It now ends the exchange with a rejection.)
                    Some(open) => panic!(
                        "a message completed after an accepted literal during {open:?}: no event (stall)"
                    ),
                    None => {}
                }
                if fed == stream.len() {
                    break;
                }
                let n = chunk_len(&mut rng, chunk_max, stream.len() - fed);
                conn.feed(&stream[fed..fed + n]);
                fed += n;
                upgraded_since_feed = false;
            }
            Err(Interrupt::Io(Io::UpgradeTls)) => {
                assert!(!closed && !failed);
                assert!(
                    app.starttls_ok,
                    "UpgradeTls without a STARTTLS completed OK"
                );
                app.starttls_ok = false;
                assert!(conn.is_tls());
                assert!(!tls_at_start && upgrades == 0, "a second TLS upgrade");
                upgrades += 1;
                upgraded_since_feed = true;
            }
            Err(Interrupt::Io(Io::Close)) => {
                if closed {
                    break;
                }
                closed = true;
                // Close is sticky and feeding a closed connection does nothing.
                conn.feed(b"a1 NOOP\r\n");
            }
            Err(Interrupt::Error(e)) => {
                assert!(!failed, "a second fatal error");
                match e {
                    server::Error::PlaintextAfterStartTls { bytes } => {
                        assert!(bytes > 0);
                        assert!(app.starttls_ok, "{e:?} without a STARTTLS completed OK");
                        app.starttls_ok = false;
                    }
                    server::Error::Compress(_) => {
                        assert!(conn.is_compressed(), "{e:?} without COMPRESS");
                    }
                    other => panic!("server error other than PlaintextAfterStartTls: {other:?}"),
                }
                failed = true;
            }
        }
    }
    if app.open == Open::None && !closed && !failed {
        // Nothing the application left open: no command is waiting for it.
        assert!(
            conn.pending().is_none(),
            "a command is pending that the application never saw"
        );
    }
}
