//! `line_framer`: `mailwire_core::line::LineFramer` against a reference model.

use mailwire_core::line::{Frame, LineEnding, LineFramer};
use mailwire_core::text::ERROR_CONTEXT;

use crate::util::{Rng, header};

/// What the reference model expects next.
#[derive(Debug, PartialEq, Eq)]
enum Want {
    Line(Vec<u8>),
    BareLf(Vec<u8>),
    TooLong {
        length: usize,
        limit: usize,
        head: Vec<u8>,
    },
}

fn got(frame: &Frame) -> Want {
    match frame {
        Frame::Line(l) => Want::Line(l.to_vec()),
        Frame::BareLf(l) => Want::BareLf(l.to_vec()),
        Frame::TooLong(o) => Want::TooLong {
            length: o.length,
            limit: o.limit,
            head: o.head.to_vec(),
        },
    }
}

/// The model: split the unconsumed stream at LF; a line longer than `limit` (with its ending) is
/// reported as too long with its first `min(limit, ERROR_CONTEXT)` bytes.
fn model_next(pending: &mut Vec<u8>, limit: usize, ending: LineEnding) -> Option<Want> {
    let lf = pending.iter().position(|&b| b == b'\n')?;
    let length = lf + 1;
    let mut line: Vec<u8> = pending.drain(..length).collect();
    if length > limit {
        line.truncate(limit.min(ERROR_CONTEXT));
        return Some(Want::TooLong {
            length,
            limit,
            head: line,
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
        Some(Want::Line(line))
    } else if ending == LineEnding::CrlfOrLf {
        Some(Want::Line(line))
    } else {
        Some(Want::BareLf(line))
    }
}

/// Header: `[flags, limit, seed, chunk_max]`. Flags: bit 0 CRLF-or-LF, bit 1 large limits
/// (`limit * 64 + 1`, else `limit + 1`), bit 2 a different limit on every call (invariants only,
/// no model), bit 3 interleave `take`/`advance`/`take_all`. The rest is fed in chunks of
/// `0..=chunk_max` bytes (`chunk_max == 0`: one feed).
pub(crate) fn line_framer(data: &[u8]) {
    let (h, stream) = header::<4>(data);
    let flags = h[0];
    let ending = if flags & 1 != 0 {
        LineEnding::CrlfOrLf
    } else {
        LineEnding::Crlf
    };
    let limit = if flags & 2 != 0 {
        h[1] as usize * 64 + 1
    } else {
        h[1] as usize + 1
    };
    let varying = flags & 4 != 0;
    let ops = flags & 8 != 0;
    let mut rng = Rng::new(u64::from(h[2]) | (stream.len() as u64) << 8);
    let chunk_max = h[3] as usize;

    let mut f = LineFramer::with_line_ending(ending);
    assert_eq!(f.line_ending(), ending);
    assert!(f.is_empty());
    let mut model: Vec<u8> = Vec::new();
    let mut largest_feed = 0;
    let mut largest_limit = limit;
    let mut pos = 0;
    let mut first = true;
    while first || pos < stream.len() {
        first = false;
        let n = if chunk_max == 0 {
            stream.len() - pos
        } else {
            rng.range(0, chunk_max).min(stream.len() - pos)
        };
        let chunk = &stream[pos..pos + n];
        pos += n;
        let before = f.buffered().len();
        f.feed(chunk);
        largest_feed = largest_feed.max(n);
        assert!(f.buffered().len() <= before + n);
        model.extend_from_slice(chunk);

        if ops && !varying && !f.buffered().is_empty() && rng.one_in(3) {
            // Only when something is buffered, i.e. no oversized line is being skipped.
            assert_eq!(f.buffered(), model.as_slice());
            match rng.below(3) {
                0 => {
                    let k = rng.range(0, model.len() + 2);
                    let taken = f.take(k);
                    let k = k.min(model.len());
                    assert_eq!(&taken[..], &model[..k]);
                    model.drain(..k);
                }
                1 => {
                    let k = rng.range(0, model.len() + 2).min(model.len());
                    f.advance(k);
                    model.drain(..k);
                }
                _ => {
                    assert_eq!(&f.take_all()[..], model.as_slice());
                    model.clear();
                }
            }
            assert_eq!(f.buffered(), model.as_slice());
        }

        let mut last_limit;
        loop {
            let lim = if varying {
                match rng.below(4) {
                    0 => 1 + rng.below(8),
                    1 => 1 + rng.below(300),
                    2 => limit,
                    _ => 16 * 1024,
                }
            } else {
                limit
            };
            last_limit = lim;
            largest_limit = largest_limit.max(lim);
            let frame = f.next_line(lim);
            assert!(
                f.buffered().len() <= largest_limit.max(largest_feed),
                "{} bytes buffered, limit {largest_limit}, largest feed {largest_feed}",
                f.buffered().len()
            );
            let Some(frame) = frame else { break };
            match &frame {
                Frame::Line(l) => {
                    assert!(!l.contains(&b'\n'));
                    let min_ending = if ending == LineEnding::Crlf { 2 } else { 1 };
                    assert!(
                        l.len() + min_ending <= lim,
                        "line of {} with limit {lim}",
                        l.len()
                    );
                }
                Frame::BareLf(l) => {
                    assert_eq!(ending, LineEnding::Crlf);
                    assert!(!l.contains(&b'\n') && l.last() != Some(&b'\r'));
                    assert!(l.len() < lim);
                }
                Frame::TooLong(o) => {
                    assert!(o.length > o.limit);
                    assert_eq!(o.head.len(), o.limit.min(ERROR_CONTEXT));
                }
            }
            if !varying {
                let want = model_next(&mut model, limit, ending).expect("model has a line");
                assert_eq!(got(&frame), want);
            }
        }
        // Oversized lines are never kept across feeds.
        assert!(f.buffered().len() < last_limit.max(1));
        if !varying {
            assert!(!model.contains(&b'\n'));
            if model.len() >= limit {
                assert!(f.buffered().is_empty(), "an oversized line is buffered");
            } else {
                assert_eq!(f.buffered(), model.as_slice());
            }
            assert_eq!(f.is_empty(), model.is_empty());
        }
    }
}
