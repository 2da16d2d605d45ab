//! Printing raw protocol bytes in error messages.
//!
//! Errors in mailwire show the offending input. Raw bytes may hold anything, so they are shown
//! escaped (`\r`, `\n`, `\xNN`) and cut to a bounded length.

use core::fmt;

/// How many input bytes an error shows at most.
pub const ERROR_CONTEXT: usize = 64;

/// Displays bytes as printable ASCII with escapes, cut after `max` bytes (an ellipsis marks the cut).
///
/// ```
/// use mailwire_core::text::Escaped;
/// assert_eq!(Escaped::new(b"RETR \xff\r\n", 64).to_string(), "RETR \\xff\\r\\n");
/// assert_eq!(Escaped::new(b"abcdef", 3).to_string(), "abc...");
/// ```
#[derive(Clone, Copy)]
pub struct Escaped<'a> {
    bytes: &'a [u8],
    max: usize,
}

impl<'a> Escaped<'a> {
    /// Shows at most `max` bytes of `bytes`.
    pub fn new(bytes: &'a [u8], max: usize) -> Self {
        Escaped { bytes, max }
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.bytes[..self.bytes.len().min(self.max)];
        for chunk in shown.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\r' => f.write_str("\\r")?,
                    '\n' => f.write_str("\\n")?,
                    '\t' => f.write_str("\\t")?,
                    '\\' => f.write_str("\\\\")?,
                    c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                    c => fmt::Write::write_char(f, c)?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        if self.bytes.len() > self.max {
            f.write_str("...")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Escapes at most [`ERROR_CONTEXT`] bytes into an owned string, for error values.
pub fn snippet(bytes: &[u8]) -> String {
    Escaped::new(bytes, ERROR_CONTEXT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invalid_utf8() {
        assert_eq!(snippet(b"a\x00b\xc3\xa9\xc3"), "a\\u{0}bé\\xc3");
        assert_eq!(snippet(&[b'x'; 100]).len(), ERROR_CONTEXT + 3);
    }
}
