//! Dot-stuffing of multi-line bodies (RFC 1939 §3; the same scheme as SMTP, RFC 5321 §4.5.2).
//!
//! A multi-line POP3 response ends with a line holding a single `.`. Every body line that begins
//! with `.` is sent with one more `.` in front, and the receiver strips the first `.` of every line
//! that begins with one.
//!
//! Both directions here are streaming and linear: input may arrive in any chunking, the state
//! between chunks is a few flags, and the hot loop is a SIMD search for the two-byte sequence
//! `LF .` (`memchr::memmem`), so bodies without such lines are copied in one piece.
//!
//! **Line starts.** RFC 1939 lines end in CRLF. Both the [`Stuffer`] and the [`Unstuffer`] treat
//! the byte after *any* LF as a line start. For the stuffer this closes a smuggling hole: a body
//! holding `LF . CR LF` (a bare LF followed by a dot line) would end the response early at a
//! receiver that splits lines at LF, as many do; we stuff it. The unstuffer is symmetric, so a
//! mailwire peer always gets back exactly the bytes that were sent.

use core::ops::Range;
use std::borrow::Cow;

use memchr::memmem::Finder;

fn lf_dot() -> Finder<'static> {
    Finder::new(b"\n.")
}

/// How far [`Unstuffer::decode`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Progress {
    /// Input bytes consumed. Unconsumed bytes (at most three, held back while a line that starts
    /// with `.` is undecided) must be presented again, followed by more input.
    pub consumed: usize,
    /// The terminating `.` line has been consumed; the body is complete.
    pub finished: bool,
}

/// Streaming decoder for a dot-stuffed body: strips stuffing dots and finds the terminating line.
///
/// ```
/// use mailwire_core::dot::Unstuffer;
///
/// let mut body = Vec::new();
/// let mut u = Unstuffer::new();
/// let p = u.decode_into(b"line 1\r\n..dot line\r\n", &mut body);
/// assert_eq!((p.consumed, p.finished), (20, false));
/// let p = u.decode_into(b".\r\n+OK next", &mut body);
/// assert_eq!((p.consumed, p.finished), (3, true));
/// assert_eq!(body, b"line 1\r\n.dot line\r\n");
/// ```
#[derive(Debug, Clone)]
pub struct Unstuffer {
    at_line_start: bool,
    finished: bool,
    bare_lf_terminator: bool,
    finder: Finder<'static>,
}

impl Default for Unstuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl Unstuffer {
    /// A decoder positioned at the start of the body (just after the status line's CRLF).
    pub fn new() -> Self {
        Unstuffer {
            at_line_start: true,
            finished: false,
            bare_lf_terminator: false,
            finder: lf_dot(),
        }
    }

    /// Quirk: also accept `.` LF (without CR) as the terminating line. Seen from servers that
    /// store and serve LF-only maildrops without converting line endings. Off by default.
    pub fn with_bare_lf_terminator(mut self, accept: bool) -> Self {
        self.bare_lf_terminator = accept;
        self
    }

    /// `true` once the terminating line has been consumed.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Decodes as much of `input` as possible, calling `emit` with the ranges of `input` that form
    /// the body, in order. Ranges are never empty.
    pub fn decode(&mut self, input: &[u8], mut emit: impl FnMut(Range<usize>)) -> Progress {
        let mut pos = 0;
        loop {
            if self.finished {
                return Progress {
                    consumed: pos,
                    finished: true,
                };
            }
            if self.at_line_start {
                let Some(&first) = input.get(pos) else {
                    return self.hold(pos);
                };
                if first == b'.' {
                    match (input.get(pos + 1), input.get(pos + 2)) {
                        (None, _) | (Some(b'\r'), None) => return self.hold(pos),
                        (Some(b'\r'), Some(b'\n')) => {
                            self.finished = true;
                            pos += 3;
                            continue;
                        }
                        (Some(b'\n'), _) if self.bare_lf_terminator => {
                            self.finished = true;
                            pos += 2;
                            continue;
                        }
                        // A stuffed line: drop the first dot.
                        _ => pos += 1,
                    }
                }
                self.at_line_start = false;
            }
            match self.finder.find(&input[pos..]) {
                Some(i) => {
                    let next_line = pos + i + 1;
                    emit(pos..next_line);
                    pos = next_line;
                    self.at_line_start = true;
                }
                None => {
                    if pos < input.len() {
                        emit(pos..input.len());
                        self.at_line_start = input[input.len() - 1] == b'\n';
                    }
                    return self.hold(input.len());
                }
            }
        }
    }

    fn hold(&self, consumed: usize) -> Progress {
        Progress {
            consumed,
            finished: self.finished,
        }
    }

    /// Like [`decode`](Self::decode), appending the body bytes to `out`.
    pub fn decode_into(&mut self, input: &[u8], out: &mut Vec<u8>) -> Progress {
        self.decode(input, |r| out.extend_from_slice(&input[r]))
    }
}

/// Decodes a complete dot-stuffed body at the start of `input`.
///
/// Returns the body (borrowed when no dot had to be removed) and the number of bytes consumed,
/// including the terminating line, or `None` when the terminating line has not arrived yet.
pub fn unstuff(input: &[u8]) -> Option<(Cow<'_, [u8]>, usize)> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let progress = Unstuffer::new().decode(input, |r| match ranges.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ => ranges.push(r),
    });
    if !progress.finished {
        return None;
    }
    let body = match ranges.as_slice() {
        [] => Cow::Borrowed(&input[..0]),
        [one] => Cow::Borrowed(&input[one.clone()]),
        many => {
            let mut out = Vec::with_capacity(many.iter().map(|r| r.len()).sum());
            for r in many {
                out.extend_from_slice(&input[r.clone()]);
            }
            Cow::Owned(out)
        }
    };
    Some((body, progress.consumed))
}

/// Decodes a complete dot-stuffed body at the start of `input`, appending it to `out`.
///
/// Returns the bytes consumed (terminating line included), or `None` (with `out` unchanged) when
/// the terminating line has not arrived. Reusing `out` across calls avoids the page faults of a
/// fresh large allocation, which dominate the cost of [`unstuff`] on multi-megabyte bodies.
pub fn unstuff_into(input: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let start = out.len();
    let progress = Unstuffer::new().decode_into(input, out);
    if progress.finished {
        Some(progress.consumed)
    } else {
        out.truncate(start);
        None
    }
}

/// Streaming encoder for a dot-stuffed body.
///
/// Feed the body in any chunking with [`encode`](Self::encode), then call
/// [`finish`](Self::finish), which ends the last line with CRLF if the body did not, and appends
/// the terminating `.` line.
///
/// ```
/// use mailwire_core::dot::Stuffer;
///
/// let mut out = Vec::new();
/// let mut s = Stuffer::new();
/// s.encode(b".hidden\r\nend", &mut out);
/// s.finish(&mut out);
/// assert_eq!(out, b"..hidden\r\nend\r\n.\r\n");
/// ```
#[derive(Debug, Clone)]
pub struct Stuffer {
    at_line_start: bool,
    /// The last two content bytes written (0 where none).
    tail: [u8; 2],
    written: bool,
    normalize: bool,
    finder: Finder<'static>,
}

impl Default for Stuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl Stuffer {
    /// An encoder that keeps line endings as they are.
    pub fn new() -> Self {
        Stuffer {
            at_line_start: true,
            tail: [0; 2],
            written: false,
            normalize: false,
            finder: lf_dot(),
        }
    }

    /// An encoder that also turns every bare LF into CRLF, for stores that keep messages with Unix
    /// line endings (Maildir files usually do). The octet count then differs from the stored size.
    pub fn normalizing() -> Self {
        Stuffer {
            normalize: true,
            ..Self::new()
        }
    }

    /// Appends the stuffed form of `input` to `out`.
    pub fn encode(&mut self, input: &[u8], out: &mut Vec<u8>) {
        if input.is_empty() {
            return;
        }
        let start = out.len();
        out.reserve(input.len() + input.len() / 64 + 2);
        if self.normalize {
            self.encode_normalizing(input, out);
        } else {
            if self.at_line_start && input[0] == b'.' {
                out.push(b'.');
            }
            let mut pos = 0;
            while let Some(i) = self.finder.find(&input[pos..]) {
                let dot = pos + i + 1;
                out.extend_from_slice(&input[pos..dot]);
                out.push(b'.');
                pos = dot;
            }
            out.extend_from_slice(&input[pos..]);
        }
        self.at_line_start = input[input.len() - 1] == b'\n';
        self.written = true;
        let new = &out[start..];
        self.tail = match new {
            [.., a, b] => [*a, *b],
            [b] => [self.tail[1], *b],
            [] => self.tail,
        };
    }

    fn encode_normalizing(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut pos = 0;
        while pos < input.len() {
            if self.at_line_start && input[pos] == b'.' {
                out.push(b'.');
            }
            match memchr::memchr(b'\n', &input[pos..]) {
                Some(i) => {
                    let lf = pos + i;
                    let before = if lf > 0 { input[lf - 1] } else { self.tail[1] };
                    out.extend_from_slice(&input[pos..lf]);
                    if before != b'\r' {
                        out.push(b'\r');
                    }
                    out.push(b'\n');
                    pos = lf + 1;
                    self.at_line_start = true;
                }
                None => {
                    out.extend_from_slice(&input[pos..]);
                    self.at_line_start = false;
                    break;
                }
            }
        }
    }

    /// Ends the body: adds CRLF if the body did not end with one, then the `.` CRLF line. The
    /// encoder is reset and can encode another body.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.written && self.tail != *b"\r\n" {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        let normalize = self.normalize;
        *self = Stuffer::new();
        self.normalize = normalize;
    }
}

/// Stuffs a whole body and appends the terminating line.
pub fn stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 64 + 5);
    let mut s = Stuffer::new();
    s.encode(body, &mut out);
    s.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstuff_into_appends_or_leaves_untouched() {
        let mut out = b"prefix".to_vec();
        assert_eq!(unstuff_into(b"a\r\n..b\r\n.\r\nrest", &mut out), Some(11));
        assert_eq!(out, b"prefixa\r\n.b\r\n");
        assert_eq!(unstuff_into(b"a\r\n", &mut out), None);
        assert_eq!(out, b"prefixa\r\n.b\r\n");
    }

    #[test]
    fn empty_body() {
        assert_eq!(stuff(b""), b".\r\n");
        assert_eq!(unstuff(b".\r\n").unwrap(), (Cow::Borrowed(&b""[..]), 3));
    }

    #[test]
    fn dots_at_line_starts_only() {
        let body = b".a\r\nb.c\r\n..\r\n.\r\n";
        let wire = stuff(body);
        assert_eq!(wire, b"..a\r\nb.c\r\n...\r\n..\r\n.\r\n");
        let (back, used) = unstuff(&wire).unwrap();
        assert_eq!((&back[..], used), (&body[..], wire.len()));
    }

    #[test]
    fn unterminated_last_line_gets_crlf() {
        assert_eq!(stuff(b"no newline"), b"no newline\r\n.\r\n");
        assert_eq!(stuff(b"cr only\r"), b"cr only\r\r\n.\r\n");
    }

    #[test]
    fn bare_lf_dot_line_is_stuffed() {
        // A body that would end the response early at an LF-splitting receiver.
        let wire = stuff(b"a\n.\r\nEVIL\r\n");
        assert_eq!(wire, b"a\n..\r\nEVIL\r\n.\r\n");
        assert_eq!(unstuff(&wire).unwrap().0, &b"a\n.\r\nEVIL\r\n"[..]);
    }

    #[test]
    fn normalizing_turns_lf_into_crlf() {
        let mut out = Vec::new();
        let mut s = Stuffer::normalizing();
        s.encode(b"a\n.b\r\n\nc", &mut out);
        s.encode(b"\r", &mut out);
        s.encode(b"\n\n", &mut out);
        s.finish(&mut out);
        assert_eq!(out, b"a\r\n..b\r\n\r\nc\r\n\r\n.\r\n");
    }

    #[test]
    fn incomplete_and_held_back() {
        let mut u = Unstuffer::new();
        let mut out = Vec::new();
        let p = u.decode_into(b"abc\r\n.", &mut out);
        assert_eq!((p.consumed, p.finished), (5, false));
        let p = u.decode_into(b".\r", &mut out);
        assert_eq!((p.consumed, p.finished), (0, false));
        let p = u.decode_into(b".\r\n", &mut out);
        assert_eq!((p.consumed, p.finished), (3, true));
        assert_eq!(out, b"abc\r\n");
        assert!(unstuff(b"abc\r\n").is_none());
    }

    #[test]
    fn bare_lf_terminator_quirk() {
        assert!(unstuff(b"a\n.\n").is_none());
        let mut u = Unstuffer::new().with_bare_lf_terminator(true);
        let mut out = Vec::new();
        let p = u.decode_into(b"a\n.\nrest", &mut out);
        assert_eq!((p.consumed, p.finished, &out[..]), (4, true, &b"a\n"[..]));
    }

    fn chunked_decode(wire: &[u8], sizes: &[usize]) -> (Vec<u8>, usize) {
        let mut u = Unstuffer::new();
        let mut out = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut fed = 0;
        let mut consumed_total = 0;
        let mut sizes = sizes.iter().cycle();
        loop {
            let n = (*sizes.next().unwrap()).max(1).min(wire.len() - fed);
            buf.extend_from_slice(&wire[fed..fed + n]);
            fed += n;
            let p = u.decode_into(&buf, &mut out);
            consumed_total += p.consumed;
            buf.drain(..p.consumed);
            if p.finished || fed == wire.len() {
                return (out, consumed_total);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn stuff_unstuff_round_trip(body in proptest::collection::vec(
            proptest::sample::select(vec![b'.', b'\r', b'\n', b'a', 0xff]), 0..200),
            sizes in proptest::collection::vec(1usize..9, 1..5)) {
            let mut wire = Vec::new();
            let mut s = Stuffer::new();
            // Encode in two chunks to exercise the cross-chunk state.
            let mid = body.len() / 2;
            s.encode(&body[..mid], &mut wire);
            s.encode(&body[mid..], &mut wire);
            s.finish(&mut wire);
            proptest::prop_assert_eq!(&wire, &stuff(&body));
            let mut expected = body.clone();
            if !body.is_empty() && !body.ends_with(b"\r\n") {
                expected.extend_from_slice(b"\r\n");
            }
            let (whole, used) = unstuff(&wire).unwrap();
            proptest::prop_assert_eq!(&whole[..], &expected[..]);
            proptest::prop_assert_eq!(used, wire.len());
            let (chunked, used) = chunked_decode(&wire, &sizes);
            proptest::prop_assert_eq!(chunked, expected);
            proptest::prop_assert_eq!(used, wire.len());
        }
    }
}
