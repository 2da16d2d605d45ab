//! Message framing (RFC 9051 §2.2 and §4.3, RFC 7888, RFC 3516 `literal8`).
//!
//! An IMAP message is a line, or a line ending in a literal announcement (`{n}`, `{n+}`, `~{n}`)
//! followed by `n` octets and the rest of the message, which is again a line. The framer finds
//! where a message ends without parsing it: it scans line bytes for LF (each byte once), checks the
//! end of each line for an announcement, and skips literal bytes by count.
//!
//! [`find_message_end`] does this over a complete buffer (for the whole-message decoders).
//! [`Framer`] does it incrementally for a connection, with total work linear in the input, and
//! never buffers more than one message: a message that breaks a limit is dropped as it arrives
//! and reported once it ends.

use bytes::{Buf, Bytes, BytesMut};

use crate::types::LiteralMode;

/// Framing limits. All sizes in octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, including CRLF (literals do not count). Default 1 MiB: long enough for
    /// `SEARCH` results and `UID` sets of a large mailbox on one line.
    pub max_line: usize,
    /// Largest literal. Default 128 MiB.
    pub max_literal: u64,
    /// Largest message: all lines and literals of one command or response. Default 256 MiB.
    pub max_message: u64,
}

impl Limits {
    /// The default limits.
    pub const DEFAULT: Limits = Limits {
        max_line: 1024 * 1024,
        max_literal: 128 * 1024 * 1024,
        max_message: 256 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A framing error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A line longer than [`Limits::max_line`].
    #[error("line longer than {limit} octets")]
    LineTooLong {
        /// The limit.
        limit: usize,
    },
    /// A literal larger than [`Limits::max_literal`].
    #[error("literal of {length} octets is over the limit of {limit}")]
    LiteralTooLong {
        /// The announced size.
        length: u64,
        /// The limit.
        limit: u64,
    },
    /// A message larger than [`Limits::max_message`].
    #[error("message longer than {limit} octets")]
    MessageTooLong {
        /// The limit.
        limit: u64,
    },
    /// A line ending in LF without CR.
    #[error("line ends in LF without CR")]
    BareLf,
}

/// A literal announcement at the end of a line (without CRLF): `(~)?{n(+|-)?}`.
pub(crate) fn literal_announcement(line: &[u8]) -> Option<(u64, LiteralMode, bool)> {
    let rest = line.strip_suffix(b"}")?;
    let (rest, mode) = match rest.strip_suffix(b"+") {
        Some(r) => (r, LiteralMode::NonSync),
        // RFC 7888 LITERAL- uses the same "+" form; "-" is not wire syntax.
        None => (rest, LiteralMode::Sync),
    };
    let digits_start = rest
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let digits = &rest[digits_start..];
    if digits.is_empty()
        || digits.len() > 19
        || rest.get(digits_start.checked_sub(1)?) != Some(&b'{')
    {
        return None;
    }
    let n: u64 = core::str::from_utf8(digits).ok()?.parse().ok()?;
    let binary = digits_start >= 2 && rest[digits_start - 2] == b'~';
    Some((n, mode, binary))
}

/// The result of [`find_message_end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameStatus {
    /// The first message is `len` bytes long.
    Complete {
        /// Its length, including the final CRLF.
        len: usize,
    },
    /// More input is needed.
    Incomplete,
    /// A synchronizing literal was announced at the end of the line ending at `line_end`, and its
    /// data has not arrived yet.
    LiteralAnnounced {
        /// Offset just after the announcing line's CRLF.
        line_end: usize,
        /// The announced size.
        length: u64,
    },
    /// A limit was broken (or a bare LF found in strict mode).
    Error {
        /// What.
        error: FrameError,
        /// Where the message ends, if its end has arrived (to resume after it).
        end: Option<usize>,
    },
}

/// Finds the end of the first message in `input`.
pub fn find_message_end(input: &[u8], limits: &Limits, bare_lf: bool) -> FrameStatus {
    let mut pos = 0usize;
    let mut error: Option<FrameError> = None;
    loop {
        let Some(lf) = memchr::memchr(b'\n', &input[pos..]) else {
            if input.len() - pos > limits.max_line && error.is_none() {
                return FrameStatus::Error {
                    error: FrameError::LineTooLong {
                        limit: limits.max_line,
                    },
                    end: None,
                };
            }
            return FrameStatus::Incomplete;
        };
        let line_end = pos + lf + 1;
        let line = &input[pos..pos + lf];
        let line = match line.strip_suffix(b"\r") {
            Some(l) => l,
            None if bare_lf => line,
            None => {
                error.get_or_insert(FrameError::BareLf);
                line
            }
        };
        if line_end - pos > limits.max_line {
            error.get_or_insert(FrameError::LineTooLong {
                limit: limits.max_line,
            });
        }
        match literal_announcement(line) {
            None => {
                if line_end as u64 > limits.max_message {
                    error.get_or_insert(FrameError::MessageTooLong {
                        limit: limits.max_message,
                    });
                }
                return match error {
                    Some(error) => FrameStatus::Error {
                        error,
                        end: Some(line_end),
                    },
                    None => FrameStatus::Complete { len: line_end },
                };
            }
            Some((length, mode, _)) => {
                if length > limits.max_literal {
                    error.get_or_insert(FrameError::LiteralTooLong {
                        length,
                        limit: limits.max_literal,
                    });
                } else if (line_end as u64).saturating_add(length) > limits.max_message {
                    error.get_or_insert(FrameError::MessageTooLong {
                        limit: limits.max_message,
                    });
                }
                if let (Some(error), LiteralMode::Sync) = (error, mode) {
                    // The peer waits for an answer and sends nothing more of this message (the
                    // incremental Framer ends the message at the same place).
                    return FrameStatus::Error {
                        error,
                        end: Some(line_end),
                    };
                }
                let available = (input.len() - line_end) as u64;
                if available < length {
                    return match mode {
                        LiteralMode::Sync if available == 0 && error.is_none() => {
                            FrameStatus::LiteralAnnounced { line_end, length }
                        }
                        _ => FrameStatus::Incomplete,
                    };
                }
                pos = line_end + length as usize;
            }
        }
    }
}

/// What [`Framer::next`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete message, lines and literals, ending in CRLF.
    Message(Bytes),
    /// A synchronizing literal was announced and the limits allow it. `head` is the message so
    /// far (through the announcing line). A server answers with a continuation request (then the
    /// client sends the data and framing goes on) or calls [`Framer::reject_literal`] and answers
    /// with a tagged `NO`/`BAD`.
    LiteralAnnounced {
        /// The message so far.
        head: Bytes,
        /// The announced size.
        length: u64,
    },
    /// A message broke a limit. It was dropped; `head` holds its first bytes (up to 1 KiB) for
    /// the error message and to find its tag.
    Error {
        /// What.
        error: FrameError,
        /// The start of the message.
        head: Bytes,
    },
}

/// How many bytes of a dropped message are kept to show in the error.
const ERROR_HEAD: usize = 1024;

/// The longest literal announcement with its CR: `~{` + 19 digits + `+}` + CR.
const ANNOUNCEMENT_TAIL: usize = 24;

/// The incremental framer for a connection.
#[derive(Debug)]
pub struct Framer {
    limits: Limits,
    bare_lf: bool,
    /// Report synchronizing literal announcements (server side).
    announce: bool,
    buf: BytesMut,
    /// Start of the current line or literal, as an index into `buf`.
    pos: usize,
    /// While in a line: bytes of `buf[pos..scanned]` hold no LF.
    scanned: usize,
    /// While in a literal: octets still to come.
    literal_left: Option<u64>,
    /// Bytes of the current message dropped so far (after an error).
    dropped: u64,
    error: Option<FrameError>,
    head: Vec<u8>,
    /// A synchronizing literal was reported and not yet accepted or rejected.
    awaiting_answer: bool,
}

impl Framer {
    /// A framer. `announce_sync_literals`: report [`Frame::LiteralAnnounced`] (server side).
    pub fn new(limits: Limits, bare_lf: bool, announce_sync_literals: bool) -> Self {
        Framer {
            limits,
            bare_lf,
            announce: announce_sync_literals,
            buf: BytesMut::new(),
            pos: 0,
            scanned: 0,
            literal_left: None,
            dropped: 0,
            error: None,
            head: Vec::new(),
            awaiting_answer: false,
        }
    }

    /// Appends input.
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet returned.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// `true` when nothing is buffered.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// `true` while a synchronizing literal announcement waits for `accept_literal` or
    /// `reject_literal` (the peer sends nothing more of the message meanwhile).
    pub(crate) fn awaiting_answer(&self) -> bool {
        self.awaiting_answer
    }

    /// Removes and returns everything buffered (for STARTTLS, COMPRESS or an abort).
    pub fn take_all(&mut self) -> Bytes {
        self.reset_message();
        self.buf.split().freeze()
    }

    fn reset_message(&mut self) {
        self.pos = 0;
        self.scanned = 0;
        self.literal_left = None;
        self.dropped = 0;
        self.error = None;
        self.head.clear();
        self.awaiting_answer = false;
    }

    /// The server refuses the literal just announced: the message so far is dropped and framing
    /// resumes with the next message (the client does not send the data).
    pub fn reject_literal(&mut self) {
        if self.awaiting_answer {
            self.buf.advance(self.pos.min(self.buf.len()));
            self.reset_message();
        }
    }

    /// The server accepts the literal just announced (it sent a continuation request).
    pub fn accept_literal(&mut self) {
        self.awaiting_answer = false;
    }

    /// Drops the first `n` buffered bytes of the current (failed) message, keeping its head.
    fn drop_front(&mut self, n: usize) {
        if self.head.len() < ERROR_HEAD {
            let keep = (ERROR_HEAD - self.head.len()).min(n);
            self.head.extend_from_slice(&self.buf[..keep]);
        }
        self.buf.advance(n);
        self.dropped += n as u64;
        self.pos = self.pos.saturating_sub(n);
        self.scanned = self.scanned.saturating_sub(n);
    }

    fn fail(&mut self, error: FrameError) {
        self.error.get_or_insert(error);
    }

    /// Returns the next frame, or `None` when more input is needed.
    // Not an Iterator: `None` means "feed more", not "finished".
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Frame> {
        if self.awaiting_answer {
            return None;
        }
        loop {
            if let Some(left) = self.literal_left {
                let avail = (self.buf.len() - self.pos) as u64;
                if self.error.is_some() {
                    let n = left.min(avail) as usize;
                    let end = self.pos + n;
                    self.drop_front(end);
                    let left = left - n as u64;
                    if left > 0 {
                        self.literal_left = Some(left);
                        return None;
                    }
                } else if avail < left {
                    return None;
                } else {
                    self.pos += left as usize;
                }
                self.literal_left = None;
                self.scanned = self.pos;
                continue;
            }
            let Some(lf) = memchr::memchr(b'\n', &self.buf[self.scanned..]) else {
                if self.buf.len() - self.pos > self.limits.max_line {
                    self.fail(FrameError::LineTooLong {
                        limit: self.limits.max_line,
                    });
                }
                if self.error.is_some() {
                    // Drop the line as it arrives, but keep its last bytes: a literal
                    // announcement (at most `~{` 19 digits `+}` CR) at the end of the line must
                    // still be seen when the LF arrives, or the literal's bytes would be framed
                    // as the next messages (chunking would decide what a client smuggles in).
                    let keep = (self.buf.len() - self.pos).min(ANNOUNCEMENT_TAIL);
                    let n = self.buf.len() - keep;
                    self.drop_front(n);
                }
                self.scanned = self.buf.len();
                return None;
            };
            let line_end = self.scanned + lf + 1;
            let mut line = &self.buf[self.pos..line_end - 1];
            let mut bare = false;
            match line.strip_suffix(b"\r") {
                Some(l) => line = l,
                None => bare = !self.bare_lf,
            }
            let announced = literal_announcement(line);
            if bare {
                self.fail(FrameError::BareLf);
            }
            if line_end - self.pos > self.limits.max_line {
                self.fail(FrameError::LineTooLong {
                    limit: self.limits.max_line,
                });
            }
            let total = self.dropped + line_end as u64;
            let Some((length, mode, _)) = announced else {
                if total > self.limits.max_message {
                    self.fail(FrameError::MessageTooLong {
                        limit: self.limits.max_message,
                    });
                }
                return Some(self.finish(line_end));
            };
            if length > self.limits.max_literal {
                self.fail(FrameError::LiteralTooLong {
                    length,
                    limit: self.limits.max_literal,
                });
            } else if total.saturating_add(length) > self.limits.max_message {
                self.fail(FrameError::MessageTooLong {
                    limit: self.limits.max_message,
                });
            }
            if self.error.is_some() && mode == LiteralMode::Sync {
                // The peer waits for an answer and sends nothing more of this message.
                return Some(self.finish(line_end));
            }
            self.pos = line_end;
            self.literal_left = Some(length);
            if self.error.is_some() {
                self.drop_front(line_end);
                continue;
            }
            if self.announce
                && mode == LiteralMode::Sync
                && self.buf.len() == line_end
                && length > 0
            {
                self.awaiting_answer = true;
                return Some(Frame::LiteralAnnounced {
                    head: Bytes::copy_from_slice(&self.buf[..line_end]),
                    length,
                });
            }
        }
    }

    /// Ends the current message at `line_end` (an index into the buffer).
    fn finish(&mut self, line_end: usize) -> Frame {
        let frame = match self.error {
            None => Frame::Message(self.buf.split_to(line_end).freeze()),
            Some(error) => {
                self.drop_front(line_end);
                Frame::Error {
                    error,
                    head: Bytes::from(core::mem::take(&mut self.head)),
                }
            }
        };
        self.reset_message();
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(f: &mut Framer) -> Vec<Frame> {
        core::iter::from_fn(|| f.next()).collect()
    }

    #[test]
    fn announcement_forms() {
        assert_eq!(
            literal_announcement(b"A1 LOGIN {5}"),
            Some((5, LiteralMode::Sync, false))
        );
        assert_eq!(
            literal_announcement(b"A1 APPEND x {12+}"),
            Some((12, LiteralMode::NonSync, false))
        );
        assert_eq!(
            literal_announcement(b"* 1 FETCH (BINARY[] ~{3}"),
            Some((3, LiteralMode::Sync, true))
        );
        assert_eq!(literal_announcement(b"A1 NOOP"), None);
        assert_eq!(literal_announcement(b"{}"), None);
        assert_eq!(literal_announcement(b"x{99999999999999999999}"), None);
    }

    #[test]
    fn whole_buffer_status() {
        let l = Limits::DEFAULT;
        assert_eq!(
            find_message_end(b"A1 NOOP\r\nA2", &l, false),
            FrameStatus::Complete { len: 9 }
        );
        assert_eq!(
            find_message_end(b"A1 LOGIN {3}\r\n", &l, false),
            FrameStatus::LiteralAnnounced {
                line_end: 14,
                length: 3
            }
        );
        assert_eq!(
            find_message_end(b"A1 LOGIN {3}\r\nab", &l, false),
            FrameStatus::Incomplete
        );
        assert_eq!(
            find_message_end(b"A1 LOGIN {3}\r\na\nc pw\r\n", &l, false),
            FrameStatus::Complete { len: 22 }
        );
        assert_eq!(
            find_message_end(b"A1 LOGIN {3+}\r\n", &l, false),
            FrameStatus::Incomplete
        );
    }

    #[test]
    fn literal_bytes_are_not_scanned_and_may_hold_crlf() {
        let mut f = Framer::new(Limits::DEFAULT, false, true);
        f.feed(b"A1 APPEND INBOX {9}\r\n");
        assert!(matches!(
            f.next(),
            Some(Frame::LiteralAnnounced { length: 9, .. })
        ));
        assert_eq!(f.next(), None);
        f.accept_literal();
        f.feed(b"a\r\nb\r\n.\r");
        assert_eq!(f.next(), None);
        f.feed(b"\n");
        assert_eq!(f.next(), None);
        f.feed(b"\r\nA2 NOOP\r\n");
        assert_eq!(
            frames(&mut f),
            vec![
                Frame::Message(Bytes::from_static(
                    b"A1 APPEND INBOX {9}\r\na\r\nb\r\n.\r\n\r\n"
                )),
                Frame::Message(Bytes::from_static(b"A2 NOOP\r\n")),
            ]
        );
    }

    #[test]
    fn rejected_literal_resumes_with_the_next_command() {
        let mut f = Framer::new(Limits::DEFAULT, false, true);
        f.feed(b"A1 LOGIN {5}\r\n");
        assert!(matches!(f.next(), Some(Frame::LiteralAnnounced { .. })));
        f.reject_literal();
        f.feed(b"A2 NOOP\r\n");
        assert_eq!(
            frames(&mut f),
            vec![Frame::Message(Bytes::from_static(b"A2 NOOP\r\n"))]
        );
    }

    #[test]
    fn oversized_sync_literal_is_refused_before_any_data() {
        let limits = Limits {
            max_literal: 10,
            ..Limits::DEFAULT
        };
        let mut f = Framer::new(limits, false, true);
        f.feed(b"A1 APPEND INBOX {11}\r\nA2 NOOP\r\n");
        match f.next() {
            Some(Frame::Error {
                error:
                    FrameError::LiteralTooLong {
                        length: 11,
                        limit: 10,
                    },
                head,
            }) => {
                assert!(head.starts_with(b"A1 APPEND"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            frames(&mut f),
            vec![Frame::Message(Bytes::from_static(b"A2 NOOP\r\n"))]
        );
    }

    #[test]
    fn oversized_nonsync_literal_is_skipped_without_buffering() {
        let limits = Limits {
            max_literal: 10,
            ..Limits::DEFAULT
        };
        let mut f = Framer::new(limits, false, true);
        f.feed(b"A1 APPEND INBOX {100000+}\r\n");
        for _ in 0..100 {
            f.feed(&[b'x'; 1000]);
            assert_eq!(f.next(), None);
            assert!(f.buffered() < 2000);
        }
        f.feed(b" more\r\nA2 NOOP\r\n");
        assert!(matches!(
            f.next(),
            Some(Frame::Error {
                error: FrameError::LiteralTooLong { .. },
                ..
            })
        ));
        assert_eq!(
            frames(&mut f),
            vec![Frame::Message(Bytes::from_static(b"A2 NOOP\r\n"))]
        );
    }

    #[test]
    fn long_line_is_dropped_as_it_arrives() {
        let limits = Limits {
            max_line: 100,
            ..Limits::DEFAULT
        };
        let mut f = Framer::new(limits, false, false);
        for _ in 0..50 {
            f.feed(&[b'a'; 1000]);
            assert_eq!(f.next(), None);
            assert!(f.buffered() <= 1000);
        }
        f.feed(b"\r\n* OK\r\n");
        assert!(matches!(
            f.next(),
            Some(Frame::Error {
                error: FrameError::LineTooLong { limit: 100 },
                ..
            })
        ));
        assert_eq!(
            frames(&mut f),
            vec![Frame::Message(Bytes::from_static(b"* OK\r\n"))]
        );
    }

    #[test]
    fn a_bad_line_announcing_a_sync_literal_ends_the_message_there() {
        // The client waits for "+" and never sends the literal: both framers stop at the line.
        let limits = Limits {
            max_line: 11,
            ..Limits::DEFAULT
        };
        let input = b"a1 LOGIN {5}\r\na2 NOOP\r\n";
        assert_eq!(
            find_message_end(input, &limits, false),
            FrameStatus::Error {
                error: FrameError::LineTooLong { limit: 11 },
                end: Some(14)
            }
        );
        let mut f = Framer::new(limits, false, true);
        f.feed(input);
        assert!(matches!(
            f.next(),
            Some(Frame::Error {
                error: FrameError::LineTooLong { .. },
                ..
            })
        ));
        assert_eq!(
            f.next(),
            Some(Frame::Message(Bytes::from_static(b"a2 NOOP\r\n")))
        );
    }

    #[test]
    fn announcement_after_an_error_is_seen_in_any_chunking() {
        // A too-long line that ends in a LITERAL+ announcement: the literal's bytes belong to the
        // failed message whatever the chunking (fuzz finding: they were framed as commands).
        let limits = Limits {
            max_line: 16,
            ..Limits::DEFAULT
        };
        let input = b"a1 APPEND INBOX (\\Seen) {11+}\r\nb2 DELETE x\r\nc3 NOOP\r\n";
        for split in 1..input.len() {
            let mut f = Framer::new(limits, false, true);
            let mut got = Vec::new();
            for chunk in [&input[..split], &input[split..]] {
                f.feed(chunk);
                got.extend(frames(&mut f));
            }
            assert_eq!(got.len(), 2, "split {split}: {got:?}");
            assert!(matches!(got[0], Frame::Error { .. }), "split {split}");
            assert_eq!(
                got[1],
                Frame::Message(Bytes::from_static(b"c3 NOOP\r\n")),
                "split {split}"
            );
        }
    }

    #[test]
    fn every_chunking_gives_the_same_frames() {
        let input: &[u8] =
            b"* 1 FETCH (BODY[] {5}\r\nab\r\nc UID 3)\r\n* OK done\r\nA1 OK {0}\r\n\r\n";
        let mut whole = Framer::new(Limits::DEFAULT, false, false);
        whole.feed(input);
        let expected = frames(&mut whole);
        assert_eq!(expected.len(), 3);
        for split in 0..input.len() {
            let mut f = Framer::new(Limits::DEFAULT, false, false);
            f.feed(&input[..split]);
            let mut got = frames(&mut f);
            f.feed(&input[split..]);
            got.extend(frames(&mut f));
            assert_eq!(got, expected, "split at {split}");
        }
    }
}
