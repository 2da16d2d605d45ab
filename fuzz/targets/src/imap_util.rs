//! Helpers shared by the IMAP targets: decoder options from a header byte, the message-stream
//! walk with its framing checks, command plans, and fixed server responses.

use mailwire_imap::codec::frame::{FrameStatus, find_message_end};
use mailwire_imap::codec::{DecodeError, Limits, Options, Quirks, decode_command, decode_response};
use mailwire_imap::types::{CommandBody, IntoStatic, Response};

/// Decoder options from two header bytes, relative to `base` (so that `[0, 0]` gives `base`).
///
/// `quirks`: bits 0-5 toggle `lenient_spaces`, `bare_continuation`, `nil_as_string`, `bare_lf`,
/// `eight_bit`, `nul_in_literals` (XOR with `base.quirks`). `knobs`: bits 0-1 the nesting bound
/// (`base.max_depth`, 8, 512 = `MAX_DEPTH_LIMIT`, 1000 which the decoder clamps to 512), bit 2
/// small limits (`max_line` 200, `max_literal` 40, `max_message` 300).
pub(crate) fn options(quirks: u8, knobs: u8, base: Options) -> Options {
    let mut o = base;
    let q = base.quirks;
    o.quirks = Quirks {
        lenient_spaces: q.lenient_spaces ^ (quirks & 1 != 0),
        bare_continuation: q.bare_continuation ^ (quirks & 2 != 0),
        nil_as_string: q.nil_as_string ^ (quirks & 4 != 0),
        bare_lf: q.bare_lf ^ (quirks & 8 != 0),
        eight_bit: q.eight_bit ^ (quirks & 16 != 0),
        nul_in_literals: q.nul_in_literals ^ (quirks & 32 != 0),
    };
    o.max_depth = match knobs & 3 {
        0 => base.max_depth,
        1 => 8,
        2 => 512,
        _ => 1000,
    };
    if knobs & 4 != 0 {
        o.limits.max_line = 200;
        o.limits.max_literal = 40;
        o.limits.max_message = 300;
    }
    o
}

/// `opts` with the default (large) limits: for re-decoding canonical encodings, which may be
/// longer than the input they came from.
pub(crate) fn relaxed(opts: &Options) -> Options {
    let mut o = *opts;
    o.limits = Limits::DEFAULT;
    o
}

/// Result of decoding one message of a stream.
pub(crate) type Decoded<'a, T> = Result<(&'a [u8], T), DecodeError>;

/// Walks `data` as a stream of messages decoded by `decode`, calling `f` with each decoded
/// message's bytes and value. After an error it resumes `err.skip` bytes further, or past the next
/// LF when `skip` is 0 (the message's end has not arrived). `LiteralFound` and `Incomplete` end
/// the stream.
///
/// Checks the framing contract on the way: a decoded message is exactly what `find_message_end`
/// frames, `skip` never exceeds the input, `LiteralFound` and `Incomplete` agree with
/// `find_message_end`, and strict prefixes of a decoded message are `Incomplete` or
/// `LiteralFound`, never errors or other messages.
pub(crate) fn walk<'a, T>(
    data: &'a [u8],
    opts: &Options,
    decode: impl Fn(&'a [u8], &Options) -> Decoded<'a, T>,
    mut f: impl FnMut(&'a [u8], T),
) {
    let mut rest = data;
    while !rest.is_empty() {
        match decode(rest, opts) {
            Ok((after, value)) => {
                assert!(after.len() < rest.len(), "no progress");
                let used = rest.len() - after.len();
                assert_eq!(
                    find_message_end(rest, &opts.limits, opts.quirks.bare_lf),
                    FrameStatus::Complete { len: used },
                    "decoded message is not the framed message"
                );
                let msg = &rest[..used];
                assert!(msg.ends_with(b"\n"));
                check_prefixes(msg, opts, &decode);
                f(msg, value);
                rest = after;
            }
            Err(DecodeError::Incomplete) => {
                assert_eq!(
                    find_message_end(rest, &opts.limits, opts.quirks.bare_lf),
                    FrameStatus::Incomplete
                );
                break;
            }
            Err(DecodeError::LiteralFound { length, .. }) => {
                assert!(matches!(
                    find_message_end(rest, &opts.limits, opts.quirks.bare_lf),
                    FrameStatus::LiteralAnnounced { length: l, .. } if l == length
                ));
                break;
            }
            Err(DecodeError::Failed(e)) => {
                assert!(e.skip <= rest.len(), "skip {} > {}", e.skip, rest.len());
                let skip = if e.skip > 0 {
                    e.skip
                } else {
                    match rest.iter().position(|&b| b == b'\n') {
                        Some(lf) => lf + 1,
                        None => break,
                    }
                };
                rest = &rest[skip..];
            }
        }
    }
}

/// A few strict prefixes of a complete message: each must be `Incomplete` or `LiteralFound`.
fn check_prefixes<'a, T>(
    msg: &'a [u8],
    opts: &Options,
    decode: &impl Fn(&'a [u8], &Options) -> Decoded<'a, T>,
) {
    let n = msg.len();
    let mut cuts = [n - 1, n / 2, n / 3, (n * 7) / 8];
    cuts.sort_unstable();
    let mut last = usize::MAX;
    for cut in cuts {
        if cut == last || cut >= n {
            continue;
        }
        last = cut;
        match decode(&msg[..cut], opts) {
            Err(DecodeError::Incomplete | DecodeError::LiteralFound { .. }) => {}
            Err(DecodeError::Failed(e)) => {
                // A line over the limit is refused before its end arrives; a prefix of a message
                // that decoded cannot hold one.
                panic!(
                    "prefix {cut}/{n} of {:?} fails: {e}",
                    String::from_utf8_lossy(msg)
                )
            }
            Ok((r, _)) => panic!(
                "prefix {cut}/{n} of {:?} decodes ({} bytes left)",
                String::from_utf8_lossy(msg),
                r.len()
            ),
        }
    }
}

/// Splits a command plan off `data`: commands (decoded with [`Options::commands`] plus the
/// bare-LF quirk, tags ignored) up to an empty line; returns the bodies and the bytes after the
/// empty line. At most `max` commands.
pub(crate) fn parse_plan(data: &[u8], max: usize) -> (Vec<CommandBody<'static>>, &[u8]) {
    let mut opts = Options::commands();
    opts.quirks.bare_lf = true;
    let mut plan = Vec::new();
    let mut rest = data;
    loop {
        if let Some(after) = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
        {
            return (plan, after);
        }
        if rest.is_empty() {
            return (plan, rest);
        }
        match decode_command(rest, &opts) {
            Ok((after, cmd)) => {
                if plan.len() < max {
                    plan.push(cmd.body.into_static());
                }
                rest = after;
            }
            Err(DecodeError::Failed(e)) if e.skip > 0 => rest = &rest[e.skip..],
            Err(DecodeError::Failed(_)) => match rest.iter().position(|&b| b == b'\n') {
                Some(lf) => rest = &rest[lf + 1..],
                None => return (plan, &[]),
            },
            Err(_) => return (plan, &[]),
        }
    }
}

/// Untagged responses the scripted server applications send (decoded once from RFC 9051 text).
pub(crate) fn untagged_responses() -> Vec<Response<'static>> {
    const WIRE: [&[u8]; 8] = [
        b"* 23 EXISTS\r\n",
        b"* 12 FETCH (FLAGS (\\Seen) UID 7 BODY[] {21}\r\nSubject: x\r\n\r\nhello\r\n)\r\n",
        b"* OK [ALERT] System shutdown in 10 minutes\r\n",
        b"* CAPABILITY IMAP4rev2 STARTTLS AUTH=PLAIN LITERAL+ IDLE\r\n",
        b"* LIST (\\Noselect) \"/\" \"~/Mail/foo\"\r\n",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
        b"* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n",
    ];
    WIRE.iter()
        .map(|w| {
            let (rest, r) = decode_response(w, &Options::responses())
                .unwrap_or_else(|e| panic!("fixed response {:?}: {e}", String::from_utf8_lossy(w)));
            assert!(rest.is_empty());
            r.into_static()
        })
        .collect()
}
