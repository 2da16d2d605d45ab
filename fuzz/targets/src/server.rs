//! `pop3_server`: the server connection fed arbitrary client bytes, answered by the scripted app.

use mailwire_core::line::LineEnding;
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::codec::{Encode, decode_auth_line, decode_command};
use mailwire_pop3::server::{self, Event};
use mailwire_pop3::{AuthLine, Status};

use crate::app::App;
use crate::util::{Rng, chunk_len, header, relaxed_limits};

/// Most output one client line can cause: the app's largest answer (a stuffed body of at most
/// 600 bytes, a listing of 5 lines, the capability list) or a rejection plus the closing line.
const PER_LINE: usize = 4096;

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 allow plaintext auth, bit 1 TLS active, bit 2
/// accept bare LF, bit 3 normalize line endings, bit 4 `-ERR` greeting, bits 5-7 the error limit
/// (0: default 10, 7: unlimited, else that number). The rest is the client's byte stream, fed in
/// chunks of `1..=chunk_max` bytes (`0`: one feed).
pub(crate) fn server(data: &[u8]) {
    let (h, stream) = header::<3>(data);
    let flags = h[0];
    let mut opts = server::Options::default();
    opts.allow_plaintext_auth = flags & 1 != 0;
    opts.tls_active = flags & 2 != 0;
    opts.line_ending = if flags & 4 != 0 {
        LineEnding::CrlfOrLf
    } else {
        LineEnding::Crlf
    };
    opts.normalize_line_endings = flags & 8 != 0;
    opts.max_consecutive_errors = match flags >> 5 {
        0 => 10,
        7 => u32::MAX,
        n => u32::from(n),
    };
    let greeting = if flags & 16 != 0 {
        Status::err("maildrop busy").expect("text")
    } else {
        Status::ok("POP3 server ready <1896.697170952@dbc.mr.net>").expect("text")
    };
    let greeting_len = greeting.to_wire().len();
    let seed = u64::from(h[1]) | (stream.len() as u64) << 8;
    let mut rng = Rng::new(seed);
    let mut app = App::new(seed.rotate_left(17), opts.normalize_line_endings);
    let chunk_max = h[2];
    let tls_at_start = opts.tls_active;
    let mut conn = server::Connection::new(opts, greeting);
    assert_eq!(conn.is_tls(), tls_at_start);

    let limits = relaxed_limits();
    let mut fed = 0;
    // Start of the next client line that an event must correspond to.
    let mut line_cursor = 0;
    let mut line_events = 0usize;
    let mut out_total = 0usize;
    let mut upgraded_since_feed = false;
    let mut upgrades = 0;
    let mut closed = false;
    let max_steps = 64 * (stream.len() + 16);
    for step in 0.. {
        assert!(step < max_steps, "no progress after {step} steps");
        // The client line the next line event must come from.
        let next_line = |fed: usize, cursor: &mut usize| -> &[u8] {
            let start = *cursor;
            let Some(lf) = stream[start..fed].iter().position(|&b| b == b'\n') else {
                panic!("an event for a line that has not fully arrived (from {start}, fed {fed})");
            };
            *cursor = start + lf + 1;
            &stream[start..=start + lf]
        };
        match conn.next() {
            Ok(Event::Command(cmd)) => {
                assert!(!closed);
                assert!(
                    !upgraded_since_feed,
                    "command after UpgradeTls from pre-TLS input"
                );
                let line = canonical_line(next_line(fed, &mut line_cursor));
                line_events += 1;
                match decode_command(&line, &limits) {
                    Ok((_, c)) => assert_eq!(c, cmd, "command differs from its line"),
                    Err(e) => panic!("{cmd:?} delivered for a line that does not decode: {e}"),
                }
                assert!(conn.pending().is_some());
                app.command(&mut conn, &cmd);
            }
            Ok(Event::AuthResponse(data)) => {
                assert!(
                    !upgraded_since_feed,
                    "AUTH line after UpgradeTls from pre-TLS input"
                );
                let line = canonical_line(next_line(fed, &mut line_cursor));
                line_events += 1;
                match decode_auth_line(&line, &limits) {
                    Ok((_, AuthLine::Response(d))) => assert_eq!(d, data),
                    other => panic!("auth response from a line that decodes as {other:?}"),
                }
                app.auth_response(&mut conn);
            }
            Ok(Event::Rejected(r)) => {
                assert!(
                    !upgraded_since_feed,
                    "rejection after UpgradeTls from pre-TLS input"
                );
                let line = next_line(fed, &mut line_cursor);
                line_events += 1;
                let head: Vec<u8> = line.iter().take(5).map(u8::to_ascii_uppercase).collect();
                if head.starts_with(b"PASS")
                    || head.starts_with(b"APOP")
                    || head.starts_with(b"AUTH ")
                {
                    assert!(
                        r.near.contains("REDACTED"),
                        "credentials shown: {:?}",
                        r.near
                    );
                }
                app.stray(&mut conn);
            }
            Ok(Event::PlaintextDiscarded { bytes }) => {
                assert!(bytes > 0);
                assert!(
                    bytes <= fed - line_cursor,
                    "discarded more than was pending"
                );
            }
            Ok(_) => {}
            Err(Interrupt::Io(Io::Output(bytes))) => {
                assert!(!bytes.is_empty(), "empty output");
                assert!(!closed);
                out_total += bytes.len();
                assert!(
                    out_total <= greeting_len + PER_LINE * line_events,
                    "{out_total} bytes out for {line_events} lines in"
                );
            }
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                assert!(!closed);
                if fed == stream.len() {
                    break;
                }
                let n = chunk_len(&mut rng, chunk_max, stream.len() - fed);
                conn.feed(&stream[fed..fed + n]);
                fed += n;
                upgraded_since_feed = false;
            }
            Err(Interrupt::Io(Io::UpgradeTls)) => {
                assert!(!closed);
                assert!(conn.is_tls());
                assert!(!tls_at_start && upgrades == 0, "a second TLS upgrade");
                upgrades += 1;
                // Everything fed so far is discarded: lines start again at the next byte fed.
                line_cursor = fed;
                upgraded_since_feed = true;
            }
            Err(Interrupt::Io(Io::Close)) => {
                if closed {
                    break;
                }
                closed = true;
                // Close is sticky and feeding a closed connection does nothing.
                conn.feed(b"NOOP\r\n");
            }
            Err(Interrupt::Error(e)) => panic!("server error: {e:?}"),
        }
    }
    assert!(line_events <= stream.iter().filter(|&&b| b == b'\n').count());
}

/// A client line as `decode_command` wants it: without its ending, then CRLF.
fn canonical_line(line: &[u8]) -> Vec<u8> {
    let l = line.strip_suffix(b"\n").unwrap_or(line);
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    let mut v = l.to_vec();
    v.extend_from_slice(b"\r\n");
    v
}
