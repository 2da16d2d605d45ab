//! `mailwire decode`: decode captured traffic into JSON Lines (or re-encode it canonically).
//!
//! This module holds what does not depend on the protocol: the command-line arguments, reading the
//! input, splitting a transcript into its two streams, and writing the output. Each protocol
//! module (`pop3`, `imap`) walks the streams and reports every message or error to
//! [`Output`].

mod imap;
mod pop3;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, ValueEnum};
use serde::Serialize;

/// The long `--help` text of `mailwire decode`.
pub(crate) const LONG_HELP: &str = "\
Decode captured traffic and print one JSON object per message (JSON Lines).

  mailwire decode --protocol pop3|imap --from client|server [FILE]
  mailwire decode --protocol pop3|imap --transcript FILE

A raw capture holds the bytes of one direction (FILE, or stdin when FILE is absent or `-`).
A transcript holds lines that start with `C: ` (client) or `S: ` (server); the rest of the line
is its content and is decoded as if sent with CRLF. `C:` or `S:` alone is an empty line (and one
space after the colon is optional). Every other line is ignored, so transcripts may hold comments
and prose.

Output, one object per line:
  {\"offset\":N,\"message\":...}                   a decoded message
  {\"offset\":N,\"error\":\"...\",\"near\":\"...\"}      input that does not decode
`offset` is the byte offset in the one-direction stream (in a transcript: the concatenated client
or server lines, CRLF-terminated). In transcript mode each object also carries
\"from\":\"client\"|\"server\" and \"line\" (the 1-based transcript line where the message starts),
and objects come in transcript order. `message` is the typed codec value; secrets (passwords,
APOP digests, SASL data) are printed as \"/* REDACTED */\". After an error, decoding goes on at
the next message boundary; input that ends inside a message is reported as \"truncated input\".

POP3 shapes: in a transcript the commands are known, so every response is decoded in the shape
its command calls for, and the client lines after `AUTH mechanism` are SASL lines until the
server's final +OK/-ERR. In a raw server stream the first response is the greeting and the
others are guessed: a +OK followed by a line starting with neither `+` nor `-` is multi-line, a
line starting with `+ ` is a SASL challenge. In a raw client stream, the lines after
`AUTH mechanism` are SASL lines (base64 or `*`) until a line that decodes as a standard POP3
command (a keyword RFC 1939/2449/2595/5034/6856 defines; not an unknown extension keyword).

IMAP shapes: `message` is a Command, AuthenticateData, IdleDone (`DONE`, printed as null),
Greeting or Response of mailwire-imap. A client stream is a sequence of commands; a literal's data
follows its announcing line (in a capture it comes after the server's `+`), and a synchronizing
literal announced at the very end of the input is truncated input. After `AUTHENTICATE
mechanism`, client lines are AUTHENTICATE data (base64 or `*`): in a transcript until the server's
tagged completion of that command; in a raw client stream until `*` or a line that looks like a
command (it decodes as one, or starts with a tag and a space, which base64 never does). After
`IDLE`, the next client line is `DONE`, unless the server completes the IDLE first (transcript)
or the line decodes as a command (raw client stream: the server refused IDLE). A server stream
starts with the greeting (in a transcript only when the server speaks first; excerpts that start
with the client have none), then responses. In a transcript, a `+ base64` line while AUTHENTICATE
runs is a SASL challenge; a raw server stream does not know when AUTHENTICATE runs and keeps
every continuation request as text.

--reencode writes the canonical wire encoding of every decoded message instead of JSON (as a
C:/S: transcript in transcript mode) and the error objects to stderr. It prints the real bytes
of the capture, passwords and SASL data included. In a transcript each message is written whole
where it starts, so an IMAP command's literal data comes before the server's `+` that let it go.

Exit status: 0 when everything decoded, 1 when anything failed to decode, 2 for usage and I/O
errors.";

/// The arguments of `mailwire decode`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["from", "transcript"])))]
pub(crate) struct DecodeArgs {
    /// The protocol of the capture.
    #[arg(long, value_enum)]
    pub(crate) protocol: Protocol,

    /// The side that sent the raw stream.
    #[arg(long, value_enum)]
    pub(crate) from: Option<Direction>,

    /// Decode an RFC-style transcript of `C: ` and `S: ` lines (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub(crate) transcript: Option<PathBuf>,

    /// Write the canonical wire encoding of each decoded message instead of JSON (prints secrets).
    #[arg(long)]
    pub(crate) reencode: bool,

    /// The raw one-direction stream; stdin when absent or `-`.
    #[arg(value_name = "FILE", conflicts_with = "transcript")]
    pub(crate) file: Option<PathBuf>,
}

/// The protocols `mailwire decode` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Protocol {
    /// POP3 (RFC 1939 and its extensions RFC 2449, 2595, 3206, 5034, 6856).
    Pop3,
    /// IMAP (IMAP4rev1 RFC 3501, IMAP4rev2 RFC 9051, and the extensions `mailwire-imap` reads).
    Imap,
}

/// Which side of the connection sent a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Direction {
    /// The client: commands and SASL responses.
    Client,
    /// The server: greeting and responses.
    Server,
}

/// How a decode run ended (I/O errors aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Everything decoded.
    pub(crate) clean: bool,
}

/// Runs `mailwire decode`.
pub(crate) fn run(args: &DecodeArgs) -> io::Result<Summary> {
    let stdout = io::stdout().lock();
    let stderr = io::stderr().lock();
    let mut out = Output::new(io::BufWriter::new(stdout), stderr, args.reencode);
    match (&args.transcript, args.from) {
        (Some(path), _) => {
            let transcript = Transcript::parse(&read_input(Some(path))?);
            match args.protocol {
                Protocol::Pop3 => pop3::decode_transcript(&transcript, &mut out)?,
                Protocol::Imap => imap::decode_transcript(&transcript, &mut out)?,
            }
        }
        (None, Some(from)) => {
            let stream = Stream::raw(read_input(args.file.as_deref())?);
            match args.protocol {
                Protocol::Pop3 => pop3::decode_raw(&stream, from, &mut out)?,
                Protocol::Imap => imap::decode_raw(&stream, from, &mut out)?,
            }
        }
        // The `input` group requires one of the two.
        (None, None) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "either --from or --transcript is required",
            ));
        }
    }
    out.finish()
}

/// Reads a whole file, or stdin for `None` and `-`.
fn read_input(path: Option<&Path>) -> io::Result<Vec<u8>> {
    match path {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => {
            fs::read(p).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        }
    }
}

fn read_stdin() -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut buf)
        .map_err(|e| io::Error::new(e.kind(), format!("stdin: {e}")))?;
    Ok(buf)
}

/// Where a message starts, as printed in every output object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Position {
    /// Byte offset in the one-direction stream.
    pub(crate) offset: usize,
    /// The side that sent it (transcript mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<Direction>,
    /// The 1-based transcript line where it starts (transcript mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<usize>,
}

/// The bytes of one direction, with where they came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stream {
    /// The bytes, as sent.
    pub(crate) bytes: Vec<u8>,
    /// The side (transcript mode only; a raw stream does not print it).
    from: Option<Direction>,
    /// `(stream offset, 1-based transcript line)` of every line, ascending (transcript mode).
    lines: Vec<(usize, usize)>,
}

impl Stream {
    /// A raw capture.
    pub(crate) fn raw(bytes: Vec<u8>) -> Stream {
        Stream {
            bytes,
            from: None,
            lines: Vec::new(),
        }
    }

    /// The position printed for a message starting at `offset`.
    pub(crate) fn position(&self, offset: usize) -> Position {
        Position {
            offset,
            from: self.from,
            line: self.line_at(offset),
        }
    }

    /// The transcript line holding the byte at `offset` (`None` for a raw stream).
    pub(crate) fn line_at(&self, offset: usize) -> Option<usize> {
        let after = self.lines.partition_point(|&(start, _)| start <= offset);
        after.checked_sub(1).map(|i| self.lines[i].1)
    }
}

/// An RFC-style transcript split into its client and server streams.
#[derive(Debug, Clone)]
pub(crate) struct Transcript {
    /// The `C:` lines.
    pub(crate) client: Stream,
    /// The `S:` lines.
    pub(crate) server: Stream,
}

impl Transcript {
    /// Splits a transcript. Lines end at LF (a CR before it is dropped); a line starting with
    /// `C:` or `S:` contributes the rest of the line, without one optional space after the colon,
    /// plus CRLF to its stream; every other line is ignored.
    pub(crate) fn parse(text: &[u8]) -> Transcript {
        let mut client = Stream {
            from: Some(Direction::Client),
            ..Stream::default()
        };
        let mut server = Stream {
            from: Some(Direction::Server),
            ..Stream::default()
        };
        for (i, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let (stream, content) = if let Some(rest) = line.strip_prefix(b"C:") {
                (&mut client, rest)
            } else if let Some(rest) = line.strip_prefix(b"S:") {
                (&mut server, rest)
            } else {
                continue;
            };
            let content = content.strip_prefix(b" ").unwrap_or(content);
            stream.lines.push((stream.bytes.len(), i + 1));
            stream.bytes.extend_from_slice(content);
            stream.bytes.extend_from_slice(b"\r\n");
        }
        Transcript { client, server }
    }
}

/// A decoded message, as printed.
#[derive(Serialize)]
struct MessageRecord<'a, M> {
    #[serde(flatten)]
    at: Position,
    message: &'a M,
}

/// Input that did not decode, as printed.
#[derive(Serialize)]
struct ErrorRecord<'a> {
    #[serde(flatten)]
    at: Position,
    error: &'a str,
    near: &'a str,
}

/// Where decoded messages and errors go.
#[derive(Debug)]
pub(crate) struct Output<W: Write, E: Write> {
    out: W,
    err: E,
    reencode: bool,
    failed: bool,
}

impl<W: Write, E: Write> Output<W, E> {
    /// JSON Lines to `out`, or with `reencode` wire bytes to `out` and errors to `err`.
    pub(crate) fn new(out: W, err: E, reencode: bool) -> Self {
        Output {
            out,
            err,
            reencode,
            failed: false,
        }
    }

    /// Reports a decoded message; `wire` gives its canonical encoding.
    pub(crate) fn message<M: Serialize>(
        &mut self,
        at: Position,
        message: &M,
        wire: impl FnOnce() -> Vec<u8>,
    ) -> io::Result<()> {
        if !self.reencode {
            return write_json(&mut self.out, &MessageRecord { at, message });
        }
        let wire = wire();
        let Some(from) = at.from else {
            return self.out.write_all(&wire);
        };
        let prefix: &[u8] = match from {
            Direction::Client => b"C:",
            Direction::Server => b"S:",
        };
        let mut rest = &wire[..];
        while !rest.is_empty() {
            let (line, next) = match rest.windows(2).position(|w| w == b"\r\n") {
                Some(i) => (&rest[..i], &rest[i + 2..]),
                None => (rest, &[][..]),
            };
            self.out.write_all(prefix)?;
            if !line.is_empty() {
                self.out.write_all(b" ")?;
                self.out.write_all(line)?;
            }
            self.out.write_all(b"\n")?;
            rest = next;
        }
        Ok(())
    }

    /// Reports input that does not decode.
    pub(crate) fn error(&mut self, at: Position, error: &str, near: &str) -> io::Result<()> {
        self.failed = true;
        let record = ErrorRecord { at, error, near };
        if self.reencode {
            write_json(&mut self.err, &record)
        } else {
            write_json(&mut self.out, &record)
        }
    }

    /// Flushes the output and tells how the run went.
    pub(crate) fn finish(mut self) -> io::Result<Summary> {
        self.out.flush()?;
        self.err.flush()?;
        Ok(Summary {
            clean: !self.failed,
        })
    }
}

fn write_json(w: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_split() {
        let t = Transcript::parse(b"# comment\nS: +OK hi\r\nC: USER a\nprose\nC:\nC:x\nS:  two\n");
        assert_eq!(t.client.bytes, b"USER a\r\n\r\nx\r\n");
        assert_eq!(t.server.bytes, b"+OK hi\r\n two\r\n");
        assert_eq!(t.client.line_at(0), Some(3));
        assert_eq!(t.client.line_at(8), Some(5));
        assert_eq!(t.client.line_at(10), Some(6));
        assert_eq!(t.server.line_at(8), Some(7));
        assert_eq!(
            t.server.position(8),
            Position {
                offset: 8,
                from: Some(Direction::Server),
                line: Some(7)
            }
        );
        assert_eq!(Stream::raw(b"x".to_vec()).line_at(0), None);
    }

    #[test]
    fn reencode_transcript_lines() {
        let mut out = Output::new(Vec::new(), Vec::new(), true);
        let at = Position {
            offset: 0,
            from: Some(Direction::Server),
            line: Some(1),
        };
        out.message(at, &(), || b"+OK\r\n\r\n..x\r\n.\r\n".to_vec())
            .unwrap();
        assert_eq!(out.out, b"S: +OK\nS:\nS: ..x\nS: .\n");
    }

    #[test]
    fn errors_go_to_stderr_when_reencoding() {
        let mut out = Output::new(Vec::new(), Vec::new(), true);
        out.error(Stream::raw(Vec::new()).position(3), "bad", "x")
            .unwrap();
        assert!(out.out.is_empty());
        assert_eq!(
            out.err,
            b"{\"offset\":3,\"error\":\"bad\",\"near\":\"x\"}\n"
        );
        assert!(!out.finish().unwrap().clean);
    }
}
