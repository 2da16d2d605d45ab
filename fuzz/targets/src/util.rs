//! Helpers shared by the targets: a header split, a small PRNG, chunking, the command-plan
//! parser and the response-shape helpers.

use mailwire_pop3::codec::{Expect, Limits, decode_command};
use mailwire_pop3::{Command, Response};

/// Splits `N` header bytes off `data` (missing bytes read as 0).
pub(crate) fn header<const N: usize>(data: &[u8]) -> ([u8; N], &[u8]) {
    let mut h = [0u8; N];
    let n = data.len().min(N);
    h[..n].copy_from_slice(&data[..n]);
    (h, &data[n..])
}

/// SplitMix64: deterministic choices derived from a seed byte in the input, so that seeds stay
/// readable (header + protocol text) while the fuzzer can still vary schedules.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// `true` with probability `1/n`.
    pub(crate) fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// The next chunk size: `chunk_max == 0` means "everything left", otherwise `1..=chunk_max`.
pub(crate) fn chunk_len(rng: &mut Rng, chunk_max: u8, left: usize) -> usize {
    if chunk_max == 0 {
        left
    } else {
        rng.range(1, chunk_max as usize).min(left)
    }
}

/// Every response shape, selectable by an input byte.
pub(crate) const EXPECTS: [Expect; 14] = [
    Expect::Greeting,
    Expect::Status,
    Expect::Stat,
    Expect::Scan,
    Expect::ScanList,
    Expect::Uid,
    Expect::UidList,
    Expect::Capabilities,
    Expect::Message,
    Expect::Mechanisms,
    Expect::Languages,
    Expect::Auth,
    Expect::MultiLine,
    Expect::Guess,
];

/// The shape to decode an encoded `response` with (as `mailwire_pop3::arbitrary::expect_for`).
pub(crate) fn expect_for(response: &Response<'_>) -> Expect {
    match response {
        Response::Greeting(_) => Expect::Greeting,
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
        _ => Expect::Status,
    }
}

/// Limits large enough that only the grammar decides (for re-decoding canonical encodings, which
/// may be a little longer than the input they came from).
pub(crate) fn relaxed_limits() -> Limits {
    let mut l = Limits::default();
    l.max_command_line = 1 << 24;
    l.max_status_line = 1 << 24;
    l.max_sasl_line = 1 << 24;
    l
}

/// The body a receiver gets back for `body` sent through a `Stuffer` (normalizing or not): bare
/// LFs become CRLF when normalizing, and a non-empty body that does not end in CRLF gets one.
pub(crate) fn expected_body(body: &[u8], normalize: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 2);
    if normalize {
        for (i, &b) in body.iter().enumerate() {
            if b == b'\n' && (i == 0 || body[i - 1] != b'\r') {
                out.push(b'\r');
            }
            out.push(b);
        }
    } else {
        out.extend_from_slice(body);
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// One command of a plan: the command and an optional explicit response shape.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) command: Command<'static>,
    pub(crate) expect: Option<Expect>,
}

/// Parses a command plan: one command per line (LF or CRLF), as a client would write it. A line
/// `~X rest` sets the expected shape to `EXPECTS[X % 14]` for the command `rest`. Lines that do
/// not decode are skipped. At most 64 commands.
pub(crate) fn parse_plan(section: &[u8]) -> Vec<Planned> {
    let limits = relaxed_limits();
    let mut plan = Vec::new();
    for raw in section.split(|&b| b == b'\n') {
        if plan.len() >= 64 {
            break;
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (expect, text) = match raw {
            [b'~', sel, rest @ ..] => (
                Some(EXPECTS[*sel as usize % EXPECTS.len()]),
                rest.strip_prefix(b" ").unwrap_or(rest),
            ),
            _ => (None, raw),
        };
        let mut line = text.to_vec();
        line.extend_from_slice(b"\r\n");
        if let Ok((_, command)) = decode_command(&line, &limits) {
            plan.push(Planned {
                command: command.into_static(),
                expect,
            });
        }
    }
    plan
}

/// Splits `data` at its first empty line (LF or CRLF): `(before, after)`. Without an empty line,
/// everything is `before`.
pub(crate) fn split_at_empty_line(data: &[u8]) -> (&[u8], &[u8]) {
    let mut start = 0;
    while start <= data.len() {
        let end = memchr_lf(&data[start..]).map_or(data.len(), |i| start + i);
        let line = &data[start..end];
        if line.is_empty() || line == b"\r" {
            let after = (end + 1).min(data.len());
            return (&data[..start], &data[after..]);
        }
        start = end + 1;
    }
    (data, &[])
}

fn memchr_lf(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// `true` for the extension keyword the scripted applications answer with a multi-line body.
pub(crate) fn is_multi_line_extension(command: &Command<'_>) -> bool {
    matches!(command, Command::Other { keyword, .. } if keyword.as_str().eq_ignore_ascii_case("XTND"))
}

/// A body with the features that matter to dot-stuffing: CRLF and bare LF line ends, bare CRs,
/// lines starting with dots, `.` lines, 8-bit and NUL bytes.
pub(crate) fn random_body(rng: &mut Rng, max: usize) -> Vec<u8> {
    let len = rng.range(0, max);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        match rng.below(12) {
            0..=2 => out.extend_from_slice(b"\r\n"),
            3 => out.push(b'.'),
            4 => out.extend_from_slice(b"\r\n.\r\n"),
            5 => out.push(b'\n'),
            6 => out.push(b'\r'),
            7 => out.push(0xff),
            8 => out.push(0),
            _ => out.extend_from_slice(b"text "),
        }
    }
    out
}
