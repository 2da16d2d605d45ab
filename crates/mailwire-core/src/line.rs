//! A bounded line framer (RFC 1939 §3, RFC 2449 §4, RFC 9051 §2.2).
//!
//! Text protocols are framed before they are parsed: the framer finds line ends, and only complete
//! lines reach the parsers. Every call to [`LineFramer::next_line`] names the longest line the
//! caller accepts at that point (POP3 commands: 255 octets; status lines: 512; SASL responses:
//! larger). A line longer than that is never kept: the framer drops its bytes as they arrive,
//! remembers only the first [`ERROR_CONTEXT`] bytes to show in the
//! error, and reports [`Frame::TooLong`] once the line's end arrives, so the protocol resumes at the
//! next line.
//!
//! Total work is linear in the input: bytes already searched for a line end are not searched again.

use bytes::{Buf, Bytes, BytesMut};

use crate::text::ERROR_CONTEXT;

/// Which line endings the framer accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LineEnding {
    /// Lines end in CRLF (the RFCs). A bare LF still ends the line, but it is reported as
    /// [`Frame::BareLf`] so the caller can answer with an error.
    #[default]
    Crlf,
    /// Quirk: accept a bare LF as a line end. Seen in hand-typed sessions (`nc`, `telnet` on Unix)
    /// and some scripts; off by default.
    CrlfOrLf,
}

/// One result of [`LineFramer::next_line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line, without its line ending.
    Line(Bytes),
    /// A line that ended in a bare LF while [`LineEnding::Crlf`] is in force; without the LF.
    BareLf(Bytes),
    /// A line longer than the limit was skipped up to and including its line end.
    TooLong(Oversized),
}

/// A line that exceeded its limit and was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    /// The whole line's length in octets, including the line ending.
    pub length: usize,
    /// The limit in force, including the line ending.
    pub limit: usize,
    /// The first bytes of the line (at most the limit, and at most
    /// [`ERROR_CONTEXT`]), to show in an error message.
    pub head: Bytes,
}

#[derive(Debug, Clone)]
struct Discard {
    length: usize,
    limit: usize,
    head: Bytes,
}

/// Splits a byte stream into lines, with a limit on line length.
///
/// ```
/// use mailwire_core::line::{Frame, LineFramer};
///
/// let mut framer = LineFramer::new();
/// framer.feed(&[b'x'; 300]);
/// assert_eq!(framer.next_line(255), None); // too long already: the bytes are dropped
/// assert_eq!(framer.buffered().len(), 0);
/// framer.feed(b"xx\r\nNOOP\r\n");
/// match framer.next_line(255) {
///     Some(Frame::TooLong(o)) => assert_eq!(o.length, 304),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(framer.next_line(255), Some(Frame::Line("NOOP".into())));
/// ```
#[derive(Debug, Clone, Default)]
pub struct LineFramer {
    buf: BytesMut,
    /// Bytes at the front of `buf` known to hold no LF.
    scanned: usize,
    discarding: Option<Discard>,
    ending: LineEnding,
}

impl LineFramer {
    /// A framer that requires CRLF line endings.
    pub fn new() -> Self {
        Self::default()
    }

    /// A framer with the given line-ending policy.
    pub fn with_line_ending(ending: LineEnding) -> Self {
        LineFramer {
            ending,
            ..Self::default()
        }
    }

    /// The line-ending policy in force.
    pub fn line_ending(&self) -> LineEnding {
        self.ending
    }

    /// Appends input. While an oversized line is being skipped, its bytes are dropped here and never
    /// buffered.
    pub fn feed(&mut self, mut data: &[u8]) {
        if let Some(d) = &mut self.discarding {
            match memchr::memchr(b'\n', data) {
                None => {
                    d.length += data.len();
                    return;
                }
                Some(i) => {
                    // Keep the LF so that next_line reports the skipped line at its end.
                    d.length += i;
                    data = &data[i..];
                }
            }
        }
        self.buf.extend_from_slice(data);
    }

    /// The bytes buffered and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        if self.discarding.is_some() {
            &[]
        } else {
            &self.buf
        }
    }

    /// `true` when no input is buffered and no oversized line is being skipped.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty() && self.discarding.is_none()
    }

    /// Removes and returns the first `n` buffered bytes (for raw data such as literals and
    /// multi-line bodies, which are not framed as lines).
    ///
    /// # Panics
    /// Never: `n` is clamped to the buffered length.
    pub fn take(&mut self, n: usize) -> Bytes {
        let n = n.min(self.buf.len());
        self.scanned = self.scanned.saturating_sub(n);
        self.buf.split_to(n).freeze()
    }

    /// Drops the first `n` buffered bytes (clamped to the buffered length).
    pub fn advance(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.scanned = self.scanned.saturating_sub(n);
        self.buf.advance(n);
    }

    /// Removes everything buffered and returns it; also ends any skip in progress.
    pub fn take_all(&mut self) -> Bytes {
        self.scanned = 0;
        self.discarding = None;
        self.buf.split().freeze()
    }

    /// Returns the next complete line if one is buffered, `None` if more input is needed.
    ///
    /// `max_len` is the longest acceptable line, *including* its line ending (RFC 2449 §4 counts
    /// the CRLF). Longer lines are reported as [`Frame::TooLong`] once their end has arrived.
    pub fn next_line(&mut self, max_len: usize) -> Option<Frame> {
        let max_len = max_len.max(1);
        if self.discarding.is_some() {
            // feed() only buffers from the LF on while skipping.
            if self.buf.first() != Some(&b'\n') {
                return None;
            }
            self.buf.advance(1);
            let d = self.discarding.take()?;
            return Some(Frame::TooLong(Oversized {
                length: d.length + 1,
                limit: d.limit,
                head: d.head,
            }));
        }
        match memchr::memchr(b'\n', &self.buf[self.scanned..]) {
            Some(i) => {
                let end = self.scanned + i; // index of LF
                self.scanned = 0;
                let length = end + 1;
                if length > max_len {
                    let head = Bytes::copy_from_slice(&self.buf[..max_len.min(ERROR_CONTEXT)]);
                    self.buf.advance(length);
                    return Some(Frame::TooLong(Oversized {
                        length,
                        limit: max_len,
                        head,
                    }));
                }
                let mut line = self.buf.split_to(length);
                line.truncate(end);
                if line.last() == Some(&b'\r') {
                    line.truncate(end - 1);
                    Some(Frame::Line(line.freeze()))
                } else if self.ending == LineEnding::CrlfOrLf {
                    Some(Frame::Line(line.freeze()))
                } else {
                    Some(Frame::BareLf(line.freeze()))
                }
            }
            None => {
                self.scanned = self.buf.len();
                if self.buf.len() >= max_len {
                    // No line end within the limit: the line is too long whatever comes next.
                    let head = Bytes::copy_from_slice(&self.buf[..max_len.min(ERROR_CONTEXT)]);
                    self.discarding = Some(Discard {
                        length: self.buf.len(),
                        limit: max_len,
                        head,
                    });
                    self.buf.clear();
                    self.scanned = 0;
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(framer: &mut LineFramer, max: usize) -> Vec<Frame> {
        core::iter::from_fn(|| framer.next_line(max)).collect()
    }

    #[test]
    fn splits_crlf_and_reports_bare_lf() {
        let mut f = LineFramer::new();
        f.feed(b"a\r\nb\nc\r\n\r\n");
        assert_eq!(
            lines(&mut f, 10),
            vec![
                Frame::Line("a".into()),
                Frame::BareLf("b".into()),
                Frame::Line("c".into()),
                Frame::Line("".into())
            ]
        );
        let mut f = LineFramer::with_line_ending(LineEnding::CrlfOrLf);
        f.feed(b"b\n");
        assert_eq!(f.next_line(10), Some(Frame::Line("b".into())));
    }

    #[test]
    fn limit_counts_the_crlf() {
        let mut f = LineFramer::new();
        f.feed(b"abc\r\nabcd\r\n");
        assert_eq!(f.next_line(5), Some(Frame::Line("abc".into())));
        match f.next_line(5) {
            Some(Frame::TooLong(o)) => {
                assert_eq!((o.length, o.limit, &o.head[..]), (6, 5, &b"abcd\r"[..]))
            }
            other => panic!("{other:?}"),
        }
        assert!(f.is_empty());
    }

    #[test]
    fn oversized_line_is_not_buffered_across_feeds() {
        let mut f = LineFramer::new();
        for _ in 0..1000 {
            f.feed(&[b'z'; 1000]);
            assert_eq!(f.next_line(255), None);
            assert!(f.buf.len() < 1000);
        }
        f.feed(b"\r\nQUIT\r\n");
        match f.next_line(255) {
            Some(Frame::TooLong(o)) => {
                assert_eq!(o.length, 1_000_002);
                assert_eq!(&o.head[..], &[b'z'; ERROR_CONTEXT][..]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.next_line(255), Some(Frame::Line("QUIT".into())));
    }

    #[test]
    fn byte_by_byte_is_same_as_whole() {
        let input = b"USER a\r\nPASS b c\r\nxxxxxxxxxxxxxxxxxxxxxxx\r\nQUIT\r\n";
        let mut whole = LineFramer::new();
        whole.feed(input);
        let expected = lines(&mut whole, 12);
        let mut f = LineFramer::new();
        let mut got = Vec::new();
        for b in input {
            f.feed(&[*b]);
            got.extend(lines(&mut f, 12));
        }
        assert_eq!(got, expected);
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn take_returns_raw_bytes() {
        let mut f = LineFramer::new();
        f.feed(b"hello\r\nworld");
        assert_eq!(f.next_line(64), Some(Frame::Line("hello".into())));
        assert_eq!(&f.take(3)[..], b"wor");
        assert_eq!(f.buffered(), b"ld");
        assert_eq!(&f.take_all()[..], b"ld");
    }
}
