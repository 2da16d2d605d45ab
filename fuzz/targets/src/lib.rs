//! The bodies of the mailwire fuzz targets.
//!
//! Each target is a plain function over the fuzzer's bytes, so the same code runs under libFuzzer
//! (`fuzz/fuzz_targets/<name>.rs` only calls it) and as an ordinary test over the seed corpora and
//! saved regressions (`tests/seeds.rs`). A target returns normally on any input it does not like;
//! it panics only when an invariant of `mailwire-core`, `mailwire-pop3` or `mailwire-imap` is
//! broken.
//!
//! Inputs that drive state machines start with a few header bytes (flags, a seed for a small PRNG
//! that picks chunk sizes and application choices, a chunk-size limit), followed by protocol text,
//! so that seeds stay readable. Each function documents its layout.
//!
//! | target | what it checks |
//! |---|---|
//! | [`pop3_command`] | command and SASL-line decoding never panics; canonical encodings round-trip to a fixed point |
//! | [`pop3_response`] | response decoding of every [`Expect`](mailwire_pop3::codec::Expect) shape never panics, is self-delimiting, and round-trips to a fixed point |
//! | [`pop3_body`] | dot un-stuffing is chunking-independent and agrees with `unstuff`; stuffing round-trips and leaves no unstuffed dot at a line start |
//! | [`line_framer`] | the line framer matches a reference model, never buffers an oversized line, never returns a line over the limit |
//! | [`pop3_server`] | the server connection with a scripted application: every event maps to one client line, no pre-TLS command after STLS, bounded output |
//! | [`pop3_client`] | the client connection against arbitrary server bytes: FIFO completions, well-nested bodies, output is exactly the enqueued commands |
//! | [`pop3_pair`] | client and server back to back: every command gets exactly one answer, equal to what the application sent |
//! | [`pop3_values`] | commands and responses built with the public constructors encode to text that decodes back to an equal value |
//! | [`imap_command`] | IMAP command, AUTHENTICATE-line and DONE decoding never panics, frames like `find_message_end`; encodings round-trip to a fixed point |
//! | [`imap_response`] | IMAP greeting, response and challenge decoding never panics; encodings reach a fixed point after one re-encoding |
//! | [`imap_frame`] | the incremental IMAP framer agrees with `find_message_end`, keeps its buffer bound, handles literal decisions |
//! | [`imap_server`] | the IMAP server connection with a scripted application: valid calls succeed, no pre-TLS command after STARTTLS, strict-valid output |
//! | [`imap_client`] | the IMAP client connection against arbitrary server bytes: completions of enqueued commands, challenge and IDLE answers |
//! | [`imap_pair`] | IMAP client and server back to back: every command completes once, the server gets what the client sent |
#![forbid(unsafe_code)]
// The option structs of mailwire are `#[non_exhaustive]`: they can only be built by assigning
// fields of a default value.
#![allow(clippy::field_reassign_with_default)]

mod app;
mod body;
mod client;
mod codec;
mod framer;
mod imap_app;
mod imap_client;
mod imap_codec;
mod imap_frame;
mod imap_pair;
mod imap_server;
mod imap_util;
mod pair;
mod server;
mod util;
mod values;

/// `decode_command` and `decode_auth_line` on arbitrary bytes (a stream of lines).
///
/// Layout: the whole input is client text.
pub fn pop3_command(data: &[u8]) {
    codec::command(data)
}

/// `decode_response` on arbitrary bytes.
///
/// Layout: `[shape]` selects the expected shape (`shape % 14`: Greeting, Status, Stat, Scan,
/// ScanList, Uid, UidList, Capabilities, Message, Mechanisms, Languages, Auth, MultiLine, Guess),
/// the rest is server text.
pub fn pop3_response(data: &[u8]) {
    codec::response(data)
}

/// `mailwire_core::dot`: `unstuff`, the streaming `Unstuffer`, `stuff` and the `Stuffer`.
///
/// Layout: `[flags, chunk_max, seed]` then the payload. Flags bit 0: the streaming decoder also
/// accepts `.` LF as the terminator.
pub fn pop3_body(data: &[u8]) {
    body::body(data)
}

/// `mailwire_core::line::LineFramer`.
///
/// Layout: `[flags, limit, seed, chunk_max]` then the stream. Flags: bit 0 accept bare LF, bit 1
/// large limit (`limit * 64 + 1`, else `limit + 1`), bit 2 a random limit per call, bit 3
/// interleave `take`, `advance` and `take_all`.
pub fn line_framer(data: &[u8]) {
    framer::line_framer(data)
}

/// `mailwire_pop3::server::Connection` fed client bytes, answered by a scripted application.
///
/// Layout: `[flags, seed, chunk_max]` then the client's byte stream. Flags: bit 0 allow plaintext
/// auth, bit 1 TLS active, bit 2 accept bare LF, bit 3 normalize line endings, bit 4 `-ERR`
/// greeting, bits 5-7 consecutive-error limit (0: default, 7: unlimited).
pub fn pop3_server(data: &[u8]) {
    server::server(data)
}

/// `mailwire_pop3::client::Connection` with planned commands, fed server bytes.
///
/// Layout: `[flags, seed, chunk_max]`, then command lines (`~X CMD` forces response shape
/// `X % 14`; `XTND` expects a multi-line answer) up to the first empty line, then the server's
/// byte stream. Flags: bit 0 pipelining, bit 1 TLS active, bit 2 accept bare LF, bit 3 accept
/// `.` LF as body end, bit 4 tiny line limits, bit 5 enqueue commands a few at a time between
/// feeds.
pub fn pop3_client(data: &[u8]) {
    client::client(data)
}

/// Client and server connections back to back with a scripted application.
///
/// Layout: `[flags, seed, chunk_max]` then command lines. Flags: bit 0 pipelining, bit 1 TLS from
/// the start, bit 2 allow plaintext auth, bit 3 normalize line endings, bit 4 client accepts bare
/// LF, bit 5 client accepts `.` LF as body end.
pub fn pop3_pair(data: &[u8]) {
    pair::pair(data)
}

/// Commands and responses built through the public constructors, encoded and decoded again.
///
/// Layout: `[kind]` (below 128: a command, else a response) then the value's fields: bytes,
/// little-endian `u32`s and NUL-terminated strings. Values the constructors refuse are skipped.
pub fn pop3_values(data: &[u8]) {
    values::values(data)
}

/// `mailwire_imap::codec::decode_command` over a stream of client messages, plus
/// `decode_authenticate_data` and `decode_idle_done` over the same bytes.
///
/// Layout: `[quirks, knobs]` (decoder options: quirk toggles, depth, small limits; `[0, 0]` is
/// `Options::commands()`, see `imap_util::options`), then the client's bytes. Checks: no panic;
/// each decoded message is exactly what `find_message_end` frames and its strict prefixes are
/// incomplete; the canonical encoding decodes to an equal value and re-encodes to the same bytes.
pub fn imap_command(data: &[u8]) {
    imap_codec::command(data)
}

/// `decode_greeting` (first message), `decode_response` and `decode_challenge` over a stream of
/// server messages.
///
/// Layout: `[quirks, knobs]` (`[0, 0]` is `Options::responses()`), then the server's bytes. Checks as
/// [`imap_command`]; the first re-encoding may normalize (quirks), the second must be a fixed
/// point, and values must survive re-encoding.
pub fn imap_response(data: &[u8]) {
    imap_codec::response(data)
}

/// `mailwire_imap::codec::frame::Framer` (server and client mode) against `find_message_end`.
///
/// Layout: `[flags, line, literal, message, seed, chunk_max]` then the stream; see
/// `imap_frame::frame` for the flags and the module docs for the buffering bound.
pub fn imap_frame(data: &[u8]) {
    imap_frame::frame(data)
}

/// `mailwire_imap::server::Connection` fed client bytes, answered by a scripted application.
///
/// Layout: `[flags, seed, chunk_max]` then the client's byte stream. Flags: bit 0 TLS active,
/// bit 1 allow plaintext LOGIN, bit 2 the application decides on literals, bit 3 bare-LF quirk,
/// bit 4 lenient spaces, bits 5-6 greeting (OK, PREAUTH, BYE, OK with code), bit 7 small limits.
pub fn imap_server(data: &[u8]) {
    imap_server::server(data)
}

/// `mailwire_imap::client::Connection` with enqueued commands, fed server bytes.
///
/// Layout: `[flags, seed, chunk_max]`, then commands (any tags) up to an empty line, then the
/// server's byte stream. Flags: bit 0 TLS, bit 1 LITERAL+, bit 2 bare-LF quirk, bit 3 strict
/// quirks, bit 4 small limits, bit 5 enqueue commands between feeds, bit 6 cancel AUTHENTICATE
/// challenges, bit 7 end IDLE at the next feed.
pub fn imap_client(data: &[u8]) {
    imap_client::client(data)
}

/// IMAP client and server connections back to back with the scripted application.
///
/// Layout: `[flags, seed, chunk_max]` then commands (any tags; the plan ends at LOGOUT). Flags:
/// bit 0 TLS, bit 1 plaintext LOGIN allowed, bit 2 LITERAL+, bit 3 the application decides on
/// literals, bit 4 random OK/NO/BAD answers, bit 5 PREAUTH greeting.
pub fn imap_pair(data: &[u8]) {
    imap_pair::pair(data)
}

/// A fuzz target: takes the fuzzer's bytes, panics when an invariant is broken.
pub type Target = fn(&[u8]);

/// Every target by name, for drivers that pick one at run time (the seed-corpus test).
pub const TARGETS: [(&str, Target); 14] = [
    ("pop3_command", pop3_command),
    ("pop3_response", pop3_response),
    ("pop3_body", pop3_body),
    ("line_framer", line_framer),
    ("pop3_server", pop3_server),
    ("pop3_client", pop3_client),
    ("pop3_pair", pop3_pair),
    ("pop3_values", pop3_values),
    ("imap_command", imap_command),
    ("imap_response", imap_response),
    ("imap_frame", imap_frame),
    ("imap_server", imap_server),
    ("imap_client", imap_client),
    ("imap_pair", imap_pair),
];
