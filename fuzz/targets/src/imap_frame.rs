//! `imap_frame`: the incremental IMAP `Framer` against the whole-buffer `find_message_end`.
//!
//! # The buffering bound
//!
//! Without an error, the framer holds one message in progress: the lines and literals read so
//! far, which are at most `max_message` octets (a literal is only waited for when the message
//! through it fits: `total + length <= max_message`), plus the current line, which fails as soon
//! as it grows past `max_line` without an LF. A failed message is dropped as it arrives, except
//! the last `ANNOUNCEMENT_TAIL` (24) octets of its current line, kept so that a literal
//! announcement at the line's end is still seen when the LF arrives. So once `next()` has
//! returned `None` (outside a literal decision),
//!
//! ```text
//! buffered() <= B = max(max_message + max_line, 24)
//! ```
//!
//! and the first term is reached: a message of exactly `max_message` octets through a literal,
//! then `max_line` octets of a line without LF. Between `feed` and the `next()` calls that
//! consume it, the feed adds its length; while a synchronizing literal waits for the
//! application's decision nothing is consumed, so every byte fed since the announcement adds too.
//! The target checks `buffered() <= B + (bytes fed since the framer last settled)` after every
//! feed and `buffered() <= B` whenever it settles: the brief's "max(max_message bound, largest
//! single feed)" made precise (B is the message bound including the partial line; the feed term
//! is one feed when the driver drains after each feed).

use mailwire_imap::codec::frame::{Frame, FrameStatus, Framer, find_message_end};
use mailwire_imap::codec::{FrameError, Limits};
use mailwire_imap::types::LiteralMode;

use crate::util::{Rng, header};

/// How many octets of a dropped message the framer keeps (`ERROR_HEAD` in the framer).
const ERROR_HEAD: usize = 1024;

/// How many octets of a failed message's current line the framer keeps while dropping the rest,
/// to see a literal announcement at its end (`ANNOUNCEMENT_TAIL` in the framer: `~{`, 19 digits,
/// `+}`, CR).
const ANNOUNCEMENT_TAIL: u64 = 24;

/// The bytes one frame took off the front of `pending`, and what `find_message_end` says about
/// the same bytes, checked for consistency.
fn check_against_whole_buffer(
    frame: &Frame,
    pending: &[u8],
    consumed: usize,
    limits: &Limits,
    bare_lf: bool,
) {
    let status = find_message_end(pending, limits, bare_lf);
    match frame {
        Frame::Message(m) => {
            assert_eq!(m.len(), consumed);
            assert_eq!(&pending[..consumed], &m[..]);
            assert_eq!(
                status,
                FrameStatus::Complete { len: m.len() },
                "Framer returned message {:?}",
                String::from_utf8_lossy(m)
            );
            assert!(m.ends_with(b"\n"));
            assert!(m.len() as u64 <= limits.max_message);
        }
        Frame::Error { error, head } => {
            assert!(consumed > 0);
            assert_eq!(&head[..], &pending[..consumed.min(ERROR_HEAD)]);
            // The message's last line announces a non-synchronizing literal, and
            // `find_message_end` says the message goes on past it (it reads the literal), while
            // the Framer ended it there. (A bad line announcing a synchronizing literal ends the
            // message in both: the peer waits for an answer.)
            let goes_on = match status {
                FrameStatus::Incomplete | FrameStatus::Error { end: None, .. } => true,
                FrameStatus::Error { end: Some(end), .. } => end > consumed,
                _ => false,
            };
            match last_line_literal(&pending[..consumed]) {
                // (Fuzz finding, fixed in b8b9040: once a message was in error, the Framer
                // dropped each later line piece by piece as it arrived, so a `{n+}`
                // announcement split from its LF by a feed boundary was missed and the
                // literal's bytes were framed as the next messages: commands smuggled in a
                // LITERAL+ literal ran, depending on TCP segmentation. See
                // fuzz/regressions/imap_frame/.)
                Some(LiteralMode::NonSync) if goes_on => panic!(
                    "the Framer ended a message at a line announcing {{n+}}, find_message_end reads the literal: {:?}",
                    String::from_utf8_lossy(&pending[..consumed])
                ),
                _ => {}
            }
            match status {
                FrameStatus::Error { error: e2, end } => {
                    assert_eq!(
                        end,
                        Some(consumed),
                        "Framer dropped {consumed} bytes for {error:?}, find_message_end {e2:?} ends at {end:?}"
                    );
                    // The first error seen may depend on chunking: a line that grows past
                    // `max_line` before its (bare) LF arrives is reported as too long.
                    let chunking = matches!(
                        (error, e2),
                        (FrameError::LineTooLong { .. }, FrameError::BareLf)
                    );
                    assert!(
                        *error == e2 || chunking,
                        "Framer says {error:?}, find_message_end {e2:?}"
                    );
                }
                other => panic!(
                    "Framer reported {error:?} after {consumed} bytes of {:?}; find_message_end says {other:?}",
                    String::from_utf8_lossy(&pending[..consumed])
                ),
            }
        }
        Frame::LiteralAnnounced { head, length } => {
            assert_eq!(consumed, 0);
            assert_eq!(
                status,
                FrameStatus::LiteralAnnounced {
                    line_end: head.len(),
                    length: *length
                }
            );
            assert_eq!(&pending[..head.len()], &head[..]);
            assert_eq!(
                pending.len(),
                head.len(),
                "announced with data already there"
            );
            assert!(*length > 0);
        }
    }
}

/// The mode of the literal the last line of `msg` announces (`{n}` or `~{n}`: sync, `{n+}`:
/// non-sync), if it announces one.
fn last_line_literal(msg: &[u8]) -> Option<LiteralMode> {
    let line = msg.strip_suffix(b"\n").unwrap_or(msg);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let rest = line.strip_suffix(b"}")?;
    let (rest, mode) = match rest.strip_suffix(b"+") {
        Some(r) => (r, LiteralMode::NonSync),
        None => (rest, LiteralMode::Sync),
    };
    let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    ((1..=19).contains(&digits) && rest[..rest.len() - digits].ends_with(b"{")).then_some(mode)
}

/// Header: `[flags, line, literal, message, seed, chunk_max]`. Flags: bit 0 server mode (announce
/// synchronizing literals), bit 1 bare LF, bit 2 `max_line = (line + 1) * 16` (else `line + 1`),
/// bit 3 `max_literal = literal * 64` (else `literal`), bit 4 `max_message = (message + 1) * 64`
/// (else `(message + 1) * 4`), bit 5 the decision on an announced literal may wait for more
/// input, bit 6 sometimes `take_all`. The rest is fed in chunks of `1..=chunk_max` bytes
/// (`0`: one feed).
pub(crate) fn frame(data: &[u8]) {
    let (h, stream) = header::<6>(data);
    let flags = h[0];
    let announce = flags & 1 != 0;
    let bare_lf = flags & 2 != 0;
    let limits = Limits {
        max_line: (h[1] as usize + 1) * if flags & 4 != 0 { 16 } else { 1 },
        max_literal: h[2] as u64 * if flags & 8 != 0 { 64 } else { 1 },
        max_message: (h[3] as u64 + 1) * if flags & 16 != 0 { 64 } else { 4 },
    };
    let may_wait = flags & 32 != 0;
    let take_all = flags & 64 != 0;
    let mut rng = Rng::new(u64::from(h[4]) | (stream.len() as u64) << 8);
    let chunk_max = h[5] as usize;
    let bound = limits
        .max_message
        .saturating_add(limits.max_line as u64)
        .max(ANNOUNCEMENT_TAIL);

    let mut f = Framer::new(limits, bare_lf, announce);
    // Bytes fed and not yet returned, dropped or rejected: the framer's buffer is a suffix.
    let mut pending: Vec<u8> = Vec::new();
    // A literal announcement waits for the decision: its head length.
    let mut deciding: Option<usize> = None;
    let mut since_settled = 0u64;
    let mut pos = 0;
    while pos < stream.len() {
        let n = if chunk_max == 0 {
            stream.len() - pos
        } else {
            rng.range(1, chunk_max).min(stream.len() - pos)
        };
        f.feed(&stream[pos..pos + n]);
        pending.extend_from_slice(&stream[pos..pos + n]);
        pos += n;
        since_settled += n as u64;
        assert!(f.buffered() <= pending.len());
        assert!(
            f.buffered() as u64 <= bound + since_settled,
            "{} buffered after a feed of {n}, bound {bound} + {since_settled}",
            f.buffered()
        );

        if take_all && rng.one_in(8) {
            let all = f.take_all();
            assert_eq!(&all[..], &pending[pending.len() - all.len()..]);
            assert!(f.is_empty() && f.buffered() == 0);
            pending.clear();
            deciding = None;
            since_settled = 0;
            continue;
        }

        loop {
            if let Some(head_len) = deciding {
                assert_eq!(
                    f.next(),
                    None,
                    "a frame while a literal waits for the decision"
                );
                if may_wait && pos < stream.len() && rng.one_in(2) {
                    break;
                }
                deciding = None;
                if rng.one_in(2) {
                    f.accept_literal();
                } else {
                    f.reject_literal();
                    pending.drain(..head_len);
                    assert_eq!(f.buffered(), pending.len());
                }
            }
            let before = pending.len() - f.buffered();
            let Some(frame) = f.next() else {
                since_settled = 0;
                assert!(
                    f.buffered() as u64 <= bound,
                    "{} bytes buffered, bound max(max_message {} + max_line {}, {ANNOUNCEMENT_TAIL})",
                    f.buffered(),
                    limits.max_message,
                    limits.max_line
                );
                break;
            };
            // Bytes of the current message the framer dropped before this frame, plus those the
            // frame returned or dropped now.
            let consumed = pending.len() - f.buffered();
            assert!(consumed >= before);
            check_against_whole_buffer(&frame, &pending, consumed, &limits, bare_lf);
            match frame {
                Frame::LiteralAnnounced { head, .. } => {
                    assert!(announce, "announcement in client mode");
                    deciding = Some(head.len());
                }
                _ => {
                    pending.drain(..consumed);
                }
            }
        }
    }
    // Whatever is left is a message in progress: the whole buffer never holds a complete one.
    if deciding.is_none() && f.buffered() == pending.len() {
        assert!(!matches!(
            find_message_end(&pending, &limits, bare_lf),
            FrameStatus::Complete { .. }
        ));
    }
}
