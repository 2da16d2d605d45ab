//! Mailbox names on the wire and LIST patterns (RFC 9051 §5.1, §6.3.9; RFC 3501 §5.1.3 modified
//! UTF-7; RFC 5258).
//!
//! The store's names are Unicode with `/` as the hierarchy separator. On the wire they are
//! modified UTF-7 until the client enables IMAP4rev2 or UTF8=ACCEPT (RFC 9051 Appendix A,
//! RFC 6855 §3), UTF-8 after.

use mailwire_imap::types::Mailbox;
use mailwire_mailbox::MailboxName;

/// Why a client's mailbox name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum NameError {
    /// Not modified UTF-7 (or not UTF-8 once enabled).
    #[error("bad mailbox name encoding")]
    Encoding,
    /// The store refuses the name (empty levels, `..`, control characters, too long).
    #[error("{0}")]
    Invalid(String),
}

/// The store name a client sent.
pub(crate) fn from_wire(mailbox: &Mailbox<'_>, utf8: bool) -> Result<MailboxName, NameError> {
    if let Mailbox::Inbox = mailbox {
        return Ok(MailboxName::inbox());
    }
    let name = mailbox.name(utf8).map_err(|_| NameError::Encoding)?;
    MailboxName::new(&name).map_err(|e| NameError::Invalid(e.to_string()))
}

/// The wire form of a store name.
pub(crate) fn to_wire(name: &str, utf8: bool) -> Mailbox<'static> {
    // A store name is never empty; the fallback keeps this total.
    Mailbox::from_name(name, utf8).unwrap_or(Mailbox::Inbox)
}

/// One element of a LIST pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: anything.
    Star,
    /// `%`: anything but the hierarchy separator.
    Percent,
}

/// A LIST or LSUB pattern with its reference applied (RFC 9051 §6.3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    tokens: Vec<Token>,
}

/// The longest pattern accepted, in characters (matching costs pattern × name length).
pub(crate) const MAX_PATTERN: usize = 1024;

impl Pattern {
    /// The pattern `reference` + `pattern`, both already decoded to Unicode. `None` when too
    /// long.
    pub(crate) fn new(reference: &str, pattern: &str) -> Option<Pattern> {
        let joined = format!("{reference}{pattern}");
        if joined.chars().count() > MAX_PATTERN {
            return None;
        }
        let mut tokens: Vec<Token> = Vec::with_capacity(joined.len());
        for c in joined.chars() {
            let t = match c {
                '*' => Token::Star,
                '%' => Token::Percent,
                c => Token::Char(c),
            };
            // `**` is `*`; `%*` and `*%` are `*` (fewer states, same language).
            match (tokens.last().copied(), t) {
                (Some(Token::Star), Token::Star | Token::Percent) => continue,
                (Some(Token::Percent), Token::Star) => {
                    tokens.pop();
                }
                (Some(Token::Percent), Token::Percent) => continue,
                _ => {}
            }
            tokens.push(t);
        }
        Some(Pattern { tokens })
    }

    /// Whether the pattern is empty (`LIST "" ""` asks for the hierarchy separator).
    pub(crate) fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Whether `name` matches. The first level `INBOX` matches case-insensitively (RFC 9051
    /// §5.1).
    pub(crate) fn matches(&self, name: &str) -> bool {
        let inbox_len = if name == "INBOX" || name.starts_with("INBOX/") {
            5
        } else {
            0
        };
        let m = self.tokens.len();
        // NFA simulation: `live[i]` when the first `i` tokens can match the name so far.
        let mut live = vec![false; m + 1];
        live[0] = true;
        self.close(&mut live);
        for (pos, c) in name.chars().enumerate() {
            let mut next = vec![false; m + 1];
            let mut any = false;
            for i in 0..m {
                if !live[i] {
                    continue;
                }
                match self.tokens[i] {
                    Token::Char(p) => {
                        let eq = if pos < inbox_len {
                            p.eq_ignore_ascii_case(&c)
                        } else {
                            p == c
                        };
                        if eq {
                            next[i + 1] = true;
                            any = true;
                        }
                    }
                    Token::Star => {
                        next[i] = true;
                        any = true;
                    }
                    Token::Percent => {
                        if c != MailboxName::SEPARATOR {
                            next[i] = true;
                            any = true;
                        }
                    }
                }
            }
            if !any {
                return false;
            }
            self.close(&mut next);
            live = next;
        }
        live[m]
    }

    /// Adds the states reachable by letting a wildcard match nothing.
    fn close(&self, live: &mut [bool]) {
        for i in 0..self.tokens.len() {
            if live[i] && matches!(self.tokens[i], Token::Star | Token::Percent) {
                live[i + 1] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(reference: &str, pattern: &str, name: &str) -> bool {
        Pattern::new(reference, pattern).unwrap().matches(name)
    }

    #[test]
    fn wildcards() {
        // RFC 9051 §6.3.9: "%" does not match the hierarchy delimiter, "*" does.
        assert!(m("", "*", "a/b/c"));
        assert!(m("", "%", "a"));
        assert!(!m("", "%", "a/b"));
        assert!(m("", "a/%", "a/b"));
        assert!(!m("", "a/%", "a/b/c"));
        assert!(m("", "a/*", "a/b/c"));
        assert!(m("", "a%c", "abbc"));
        assert!(!m("", "a%c", "ab/c"));
        assert!(m("", "%/%", "x/y"));
        assert!(!m("", "", "x"));
        assert!(m("", "Proj*", "Projects/Rust"));
        assert!(!m("", "proj*", "Projects"));
        // The reference is a prefix.
        assert!(m("Projects/", "%", "Projects/Rust"));
        assert!(!m("Projects/", "%", "Other"));
        // INBOX in any case.
        assert!(m("", "inbox", "INBOX"));
        assert!(m("", "InBox/%", "INBOX/sub"));
        assert!(m("", "in*", "INBOX"));
        assert!(!m("", "Inboxes", "INBOX"));
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        let p = format!("{}b", "*a".repeat(300));
        let name = "a".repeat(900);
        assert!(!m("", &p, &name));
        assert!(Pattern::new("", &"x".repeat(MAX_PATTERN + 1)).is_none());
    }

    #[test]
    fn wire_names() {
        let n = MailboxName::new("Entwürfe/台北").unwrap();
        let w = to_wire(n.as_str(), false);
        assert_eq!(w.as_bytes(), b"Entw&APw-rfe/&U,BTFw-");
        assert_eq!(from_wire(&w, false).unwrap(), n);
        let u = to_wire(n.as_str(), true);
        assert_eq!(from_wire(&u, true).unwrap(), n);
        assert_eq!(
            from_wire(&Mailbox::Inbox, false).unwrap(),
            MailboxName::inbox()
        );
        assert!(matches!(
            from_wire(&to_wire("a&", true), false),
            Err(NameError::Encoding)
        ));
        assert!(matches!(
            from_wire(&to_wire("a//b", true), true),
            Err(NameError::Invalid(_))
        ));
    }
}
