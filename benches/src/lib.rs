//! Shared inputs and drivers for the mailwire benchmarks (`benches/pop3.rs`, `benches/imap.rs`)
//! and the `pop3-throughput` and `imap-compare` programs.
//!
//! Inputs are generated deterministically (no I/O, no randomness from the environment), so every
//! run measures the same bytes.
#![forbid(unsafe_code)]

use mailwire_core::dot::{Stuffer, Unstuffer, stuff};
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::client::{self, Event};
use mailwire_pop3::{Command, MsgNum};

pub mod imap;
pub mod load;

/// 1 MiB.
pub const MIB: usize = 1024 * 1024;

/// The read size of the simulated socket: bodies arrive in chunks of this many bytes.
pub const SOCKET_CHUNK: usize = 64 * 1024;

/// A small deterministic PRNG (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

const WORDS: [&str; 32] = [
    "the",
    "message",
    "server",
    "mailbox",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "retrieve",
    "protocol",
    "with",
    "client",
    "octets",
    "line",
    "for",
    "that",
    "delivery",
    "status",
    "on",
    "maildrop",
    "response",
    "by",
    "this",
    "be",
    "transaction",
    "are",
    "state",
    "from",
    "as",
    "it",
];

/// A realistic message of about `size` bytes: an RFC 5322 header block, then text in lines of
/// about 70 bytes ending in CRLF, with paragraphs, sentences ending in `.`, and about one line in
/// 40 starting with `.` (which dot-stuffing doubles). Ends with CRLF.
pub fn message_text(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(size + 128);
    out.extend_from_slice(
        b"Return-Path: <mrose@dbc.mr.net>\r\n\
          Received: from dbc.mr.net by mail.example.org with ESMTPS id 4F3A2B; Tue, 1 Apr 2025\r\n\
          From: Marshall Rose <mrose@dbc.mr.net>\r\n\
          To: Dewey <dewey@example.org>\r\n\
          Subject: Post Office Protocol - Version 3\r\n\
          Message-ID: <1896.697170952@dbc.mr.net>\r\n\
          MIME-Version: 1.0\r\n\
          Content-Type: text/plain; charset=us-ascii\r\n\r\n",
    );
    while out.len() < size {
        match rng.below(40) {
            0 => out.extend_from_slice(b".."),
            1 => out.push(b'.'),
            2 => {
                out.extend_from_slice(b"\r\n");
                continue;
            }
            _ => {}
        }
        let target = 60 + rng.below(20);
        let start = out.len();
        while out.len() - start < target {
            out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
            out.push(if rng.below(12) == 0 { b'.' } else { b' ' });
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The body as it travels on the wire: dot-stuffed and followed by the `.` line.
pub fn stuffed(body: &[u8]) -> Vec<u8> {
    stuff(body)
}

/// A whole `RETR` answer: the status line then the stuffed body.
pub fn retr_response(body: &[u8]) -> Vec<u8> {
    let mut out = format!("+OK {} octets\r\n", body.len()).into_bytes();
    out.extend_from_slice(&stuff(body));
    out
}

/// Un-stuffs `wire` as a client reading a socket would: `chunk`-sized reads, unconsumed bytes
/// (at most three) carried into the next read, body bytes appended to `out`. Returns the bytes
/// consumed including the terminating line.
pub fn unstuff_chunked(wire: &[u8], chunk: usize, out: &mut Vec<u8>) -> usize {
    let mut u = Unstuffer::new();
    let mut carry: Vec<u8> = Vec::new();
    let mut consumed = 0;
    for piece in wire.chunks(chunk) {
        let p = if carry.is_empty() {
            let p = u.decode_into(piece, out);
            carry.extend_from_slice(&piece[p.consumed..]);
            p
        } else {
            carry.extend_from_slice(piece);
            let p = u.decode_into(&carry, out);
            carry.drain(..p.consumed);
            p
        };
        consumed += p.consumed;
        if p.finished {
            break;
        }
    }
    consumed
}

/// Like [`unstuff_chunked`] but without copying: only the body ranges are summed, as a consumer
/// that slices the socket buffer (the client connection does this) would see them.
pub fn unstuff_chunked_ranges(wire: &[u8], chunk: usize) -> usize {
    let mut u = Unstuffer::new();
    let mut carry: Vec<u8> = Vec::new();
    let mut body = 0;
    for piece in wire.chunks(chunk) {
        let p = if carry.is_empty() {
            let p = u.decode(piece, |r| body += r.len());
            carry.extend_from_slice(&piece[p.consumed..]);
            p
        } else {
            carry.extend_from_slice(piece);
            let p = u.decode(&carry, |r| body += r.len());
            carry.drain(..p.consumed);
            p
        };
        if p.finished {
            break;
        }
    }
    body
}

/// Stuffs `body` in `chunk`-sized pieces, as a server streaming a message from disk would,
/// appending the wire form (with the terminating line) to `out`.
pub fn stuff_chunked(body: &[u8], chunk: usize, out: &mut Vec<u8>) {
    let mut s = Stuffer::new();
    for piece in body.chunks(chunk) {
        s.encode(piece, out);
    }
    s.finish(out);
}

/// A client connection in the TRANSACTION state with a `RETR 1` written, ready to receive `wire`
/// (a [`retr_response`]).
pub fn client_awaiting_retr() -> client::Connection {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"+OK POP3 server ready\r\n");
    c.enqueue(Command::User(
        mailwire_pop3::Arg::new("mrose").expect("valid argument"),
    ))
    .expect("USER");
    c.enqueue(Command::Pass(
        mailwire_pop3::Password::new(&b"tanstaaf"[..]).expect("valid"),
    ))
    .expect("PASS");
    drain(&mut c);
    c.feed(b"+OK\r\n+OK maildrop ready\r\n");
    drain(&mut c);
    c.enqueue(Command::Retr(MsgNum::ONE)).expect("RETR");
    drain(&mut c);
    c
}

fn drain(c: &mut client::Connection) {
    loop {
        match c.next() {
            Ok(_) | Err(Interrupt::Io(Io::Output(_))) => {}
            Err(Interrupt::Io(Io::NeedMoreInput)) => return,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
}

/// Feeds `wire` to `c` in `chunk`-sized reads and handles every event; returns the body bytes
/// received.
pub fn client_receive(c: &mut client::Connection, wire: &[u8], chunk: usize) -> usize {
    let mut body = 0;
    let mut done = false;
    for piece in wire.chunks(chunk) {
        c.feed(piece);
        loop {
            match c.next() {
                Ok(Event::BodyChunk { data, .. }) => body += data.len(),
                Ok(Event::BodyEnd { .. }) => done = true,
                Ok(_) | Err(Interrupt::Io(Io::Output(_))) => {}
                Err(Interrupt::Io(Io::NeedMoreInput)) => break,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
    }
    assert!(done, "the body did not end");
    body
}

/// A mix of command lines as a busy server reads them: logins, listings, retrievals, deletions,
/// AUTH with initial responses, extensions. About `lines` lines.
pub fn command_mix(lines: usize) -> Vec<u8> {
    const MIX: [&str; 16] = [
        "USER mrose\r\n",
        "PASS tanstaaf with spaces\r\n",
        "STAT\r\n",
        "LIST\r\n",
        "LIST 17\r\n",
        "UIDL\r\n",
        "UIDL 4242\r\n",
        "RETR 1\r\n",
        "TOP 12 10\r\n",
        "DELE 3\r\n",
        "NOOP\r\n",
        "CAPA\r\n",
        "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n",
        "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
        "XTND XMIT\r\n",
        "QUIT\r\n",
    ];
    let mut rng = Rng::new(7);
    let mut out = Vec::new();
    for _ in 0..lines {
        out.extend_from_slice(MIX[rng.below(MIX.len())].as_bytes());
    }
    out
}

/// A `LIST` answer with `n` scan listings.
pub fn scan_list(n: usize) -> Vec<u8> {
    let mut rng = Rng::new(11);
    let mut out = format!("+OK {n} messages\r\n").into_bytes();
    for i in 1..=n {
        out.extend_from_slice(format!("{i} {}\r\n", 500 + rng.below(2_000_000)).as_bytes());
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// A `UIDL` answer with `n` unique-id listings (Dovecot-style 24-character ids).
pub fn uid_list(n: usize) -> Vec<u8> {
    let mut rng = Rng::new(13);
    let mut out = b"+OK\r\n".to_vec();
    for i in 1..=n {
        out.extend_from_slice(
            format!(
                "{i} {:08x}{:016x}\r\n",
                rng.next_u64() as u32,
                rng.next_u64()
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_pop3::Response;
    use mailwire_pop3::codec::{Expect, Limits, decode_command, decode_response};

    #[test]
    fn message_text_shape() {
        let m = message_text(MIB, 1);
        assert!(m.len() >= MIB && m.len() < MIB + 200);
        assert!(m.ends_with(b"\r\n"));
        let lines = m.split(|&b| b == b'\n').count();
        let avg = m.len() / lines;
        assert!((55..=80).contains(&avg), "average line {avg}");
        let dotted = m.windows(2).filter(|w| w == b"\n.").count();
        assert!(
            dotted > lines / 60 && dotted < lines / 20,
            "{dotted} of {lines}"
        );
    }

    #[test]
    fn drivers_agree_with_unstuff() {
        let body = message_text(300_000, 2);
        let wire = stuffed(&body);
        for chunk in [1, 3, 64, SOCKET_CHUNK] {
            let mut out = Vec::new();
            assert_eq!(unstuff_chunked(&wire, chunk, &mut out), wire.len());
            assert_eq!(out, body);
            assert_eq!(unstuff_chunked_ranges(&wire, chunk), body.len());
        }
        let mut out = Vec::new();
        stuff_chunked(&body, 1000, &mut out);
        assert_eq!(out, wire);
        let resp = retr_response(&body);
        match decode_response(&resp, Expect::Message, &Limits::default()) {
            Ok((rest, Response::Message { body: b, .. })) => {
                assert!(rest.is_empty());
                assert_eq!(&b[..], &body[..]);
            }
            other => panic!("{other:?}"),
        }
        let mut c = client_awaiting_retr();
        assert_eq!(client_receive(&mut c, &resp, SOCKET_CHUNK), body.len());
    }

    #[test]
    fn generated_protocol_text_decodes() {
        let mix = command_mix(1000);
        let mut rest = &mix[..];
        let mut n = 0;
        while !rest.is_empty() {
            rest = decode_command(rest, &Limits::default()).expect("command").0;
            n += 1;
        }
        assert_eq!(n, 1000);
        for (wire, expect) in [
            (scan_list(10_000), Expect::ScanList),
            (uid_list(10_000), Expect::UidList),
        ] {
            let (rest, r) = decode_response(&wire, expect, &Limits::default()).expect("listing");
            assert!(rest.is_empty());
            match r {
                Response::ScanList { listings, .. } => assert_eq!(listings.len(), 10_000),
                Response::UidList { listings, .. } => assert_eq!(listings.len(), 10_000),
                other => panic!("{other:?}"),
            }
        }
    }
}
