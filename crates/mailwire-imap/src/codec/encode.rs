//! Encoders: messages to fragments (RFC 9051 §4.3, §7.5, RFC 7888).
//!
//! A message encodes to [`Fragment`]s: lines and literals. A synchronizing literal's line ends in
//! `{n}` CRLF; a client driver sends it, waits for the server's `+`, then sends the literal's
//! bytes and the next line. [`Encoded::dump`] joins everything for callers that need no flow
//! control (servers, non-synchronizing literals, tests).

use crate::types::LiteralMode;

/// A piece of an encoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Bytes ending in CRLF (possibly with a literal announcement before it).
    Line {
        /// The bytes.
        data: Vec<u8>,
    },
    /// A literal's data, announced by the previous line.
    Literal {
        /// The bytes.
        data: Vec<u8>,
        /// Synchronizing (wait for `+`) or not.
        mode: LiteralMode,
    },
}

/// An encoded message: its fragments, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encoded {
    fragments: Vec<Fragment>,
}

impl Encoded {
    /// The fragments.
    pub fn fragments(&self) -> &[Fragment] {
        &self.fragments
    }

    /// All bytes, joined.
    pub fn dump(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in &self.fragments {
            match f {
                Fragment::Line { data } | Fragment::Literal { data, .. } => out.extend_from_slice(data),
            }
        }
        out
    }
}

impl IntoIterator for Encoded {
    type Item = Fragment;
    type IntoIter = std::vec::IntoIter<Fragment>;
    fn into_iter(self) -> Self::IntoIter {
        self.fragments.into_iter()
    }
}

/// Collects fragments while encoding.
#[derive(Debug, Default)]
pub struct EncodeContext {
    line: Vec<u8>,
    fragments: Vec<Fragment>,
}

impl EncodeContext {
    /// A new context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes to the current line.
    pub fn push(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
    }

    /// Appends a literal: writes its announcement (`{n}`, `{n+}`, or with `binary` `~{n}`) and
    /// CRLF to the current line, ends the line, and adds the data as a literal fragment.
    pub fn push_literal(&mut self, data: &[u8], mode: LiteralMode, binary: bool) {
        use std::io::Write as _;
        if binary {
            self.line.push(b'~');
        }
        // Writing to a Vec cannot fail.
        let _ = match mode {
            LiteralMode::Sync => write!(self.line, "{{{}}}\r\n", data.len()),
            LiteralMode::NonSync => write!(self.line, "{{{}+}}\r\n", data.len()),
        };
        self.fragments.push(Fragment::Line {
            data: core::mem::take(&mut self.line),
        });
        self.fragments.push(Fragment::Literal {
            data: data.to_vec(),
            mode,
        });
    }

    /// Ends the message: the current line becomes the last fragment.
    pub fn finish(mut self) -> Encoded {
        if !self.line.is_empty() {
            self.fragments.push(Fragment::Line { data: self.line });
        }
        Encoded {
            fragments: self.fragments,
        }
    }
}

/// Writes a message or a part of one.
pub trait Encode {
    /// Appends the encoding to `ctx`.
    fn encode_ctx(&self, ctx: &mut EncodeContext);

    /// Encodes a whole message.
    fn encode(&self) -> Encoded {
        let mut ctx = EncodeContext::new();
        self.encode_ctx(&mut ctx);
        ctx.finish()
    }
}
