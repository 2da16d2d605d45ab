//! RFC 5322 §3.4 address lists split into the ENVELOPE address structure (RFC 9051 §7.5.2):
//! display name, source route, mailbox and host, with group start and end markers.
//!
//! ENVELOPE carries header text as written, so this splitter works on the raw field value and
//! keeps RFC 2047 encoded words as they are (`mail-parser`'s address parser decodes them, which
//! is right for SEARCH but not for ENVELOPE). It accepts the obsolete forms of RFC 5322 §4.4
//! (routes, missing commas, CFWS anywhere) and never fails: what cannot be read is skipped.

/// One address structure, as byte strings (`None` is NIL).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RawAddress {
    /// Display name: the phrase with quoted strings unquoted, words joined by one space; or the
    /// comment of an address without phrase.
    pub name: Option<Vec<u8>>,
    /// Obsolete source route, `@a,@b`.
    pub adl: Option<Vec<u8>>,
    /// Local part, or the group name in a group start marker.
    pub mailbox: Option<Vec<u8>>,
    /// Domain; `None` in group markers.
    pub host: Option<Vec<u8>>,
}

/// Host reported for an address without a domain (RFC 9051 §9 `addr-host` is NIL only in group
/// syntax, so a domainless address needs a placeholder; UW-IMAP's spelling).
pub(crate) const MISSING_HOST: &[u8] = b".MISSING-HOST-NAME.";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// A run of atext and dots (atom, dot-atom, obs-phrase words).
    Atom(&'a [u8]),
    /// A quoted string: raw form (quotes included) and unescaped content.
    Quoted(&'a [u8], Vec<u8>),
    /// A comment's content, unescaped, nested comments flattened.
    Comment(Vec<u8>),
    /// A domain literal, brackets included.
    Literal(&'a [u8]),
    /// `<`, `>`, `@`, `,`, `;`, `:`.
    Special(u8),
}

fn is_special(b: u8) -> bool {
    matches!(
        b,
        b'<' | b'>' | b'@' | b',' | b';' | b':' | b'"' | b'(' | b')' | b'[' | b']'
    )
}

/// Splits the value into tokens; whitespace separates and is dropped.
fn tokenize(v: &[u8]) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'"' => {
                let start = i;
                let mut content = Vec::new();
                i += 1;
                while i < v.len() && v[i] != b'"' {
                    if v[i] == b'\\' && i + 1 < v.len() {
                        i += 1;
                    }
                    if !matches!(v[i], b'\r' | b'\n') {
                        content.push(v[i]);
                    }
                    i += 1;
                }
                i = (i + 1).min(v.len());
                out.push(Token::Quoted(&v[start..i], content));
            }
            b'(' => {
                let mut depth = 0usize;
                let mut content = Vec::new();
                while i < v.len() {
                    match v[i] {
                        b'\\' if i + 1 < v.len() => {
                            content.push(v[i + 1]);
                            i += 2;
                            continue;
                        }
                        b'(' => {
                            if depth > 0 {
                                content.push(b'(');
                            }
                            depth += 1;
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                            content.push(b')');
                        }
                        b'\r' | b'\n' => {}
                        c => content.push(c),
                    }
                    i += 1;
                }
                out.push(Token::Comment(content));
            }
            b'[' => {
                let start = i;
                while i < v.len() && v[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(v.len());
                out.push(Token::Literal(&v[start..i]));
            }
            b'<' | b'>' | b'@' | b',' | b';' | b':' => {
                out.push(Token::Special(b));
                i += 1;
            }
            b')' | b']' => i += 1,
            _ => {
                let start = i;
                while i < v.len()
                    && !is_special(v[i])
                    && !matches!(v[i], b' ' | b'\t' | b'\r' | b'\n')
                {
                    i += 1;
                }
                out.push(Token::Atom(&v[start..i]));
            }
        }
    }
    out
}

/// Joins phrase words with single spaces, quoted strings unquoted.
fn phrase(words: &[&Token<'_>]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for w in words {
        let piece: &[u8] = match w {
            Token::Atom(a) => a,
            Token::Quoted(_, c) => c,
            Token::Literal(l) => l,
            Token::Special(c) => std::slice::from_ref(c),
            Token::Comment(_) => continue,
        };
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(piece);
    }
    (!out.is_empty()).then_some(out)
}

/// Joins local-part or domain tokens as written, without the whitespace and comments between
/// them (quoted strings keep their quotes).
fn joined(words: &[&Token<'_>]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for w in words {
        match w {
            Token::Atom(a) => out.extend_from_slice(a),
            Token::Quoted(raw, _) => out.extend_from_slice(raw),
            Token::Literal(l) => out.extend_from_slice(l),
            Token::Special(c) => out.push(*c),
            Token::Comment(_) => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

fn first_comment(words: &[&Token<'_>]) -> Option<Vec<u8>> {
    words.iter().find_map(|w| match w {
        Token::Comment(c) if !c.is_empty() => Some(c.clone()),
        _ => None,
    })
}

/// Splits an address-list value (unfolded or not) into address structures. An empty or
/// unreadable list gives an empty vector.
pub(crate) fn parse_list(value: &[u8]) -> Vec<RawAddress> {
    let tokens = tokenize(value);
    let mut out = Vec::new();
    let mut in_group = false;
    let mut i = 0;
    while i < tokens.len() {
        // Collect the words before the next special.
        let mut words: Vec<&Token<'_>> = Vec::new();
        while i < tokens.len() && !matches!(tokens[i], Token::Special(_)) {
            words.push(&tokens[i]);
            i += 1;
        }
        let special = tokens.get(i).map(|t| match t {
            Token::Special(c) => *c,
            _ => 0,
        });
        match special {
            Some(b':') if !in_group => {
                // Group start: display-name ":".
                i += 1;
                in_group = true;
                out.push(RawAddress {
                    mailbox: Some(phrase(&words).unwrap_or_default()),
                    ..RawAddress::default()
                });
            }
            Some(b'<') => {
                i += 1;
                let name = phrase(&words);
                // angle-addr: [obs-route] addr-spec ">"
                let mut inner: Vec<&Token<'_>> = Vec::new();
                while i < tokens.len() && tokens[i] != Token::Special(b'>') {
                    inner.push(&tokens[i]);
                    i += 1;
                }
                i = (i + 1).min(tokens.len());
                let mut addr = addr_spec(&inner);
                addr.name = name.or_else(|| first_comment(&inner));
                // Skip anything up to the next separator.
                let trailing_comment = skip_to_separator(&tokens, &mut i);
                if addr.name.is_none() {
                    addr.name = trailing_comment;
                }
                if addr.mailbox.is_some() || addr.host.is_some() {
                    out.push(addr);
                }
            }
            Some(b'@') => {
                // addr-spec without angle brackets: local-part "@" domain [comment].
                i += 1;
                let mut domain: Vec<&Token<'_>> = Vec::new();
                while i < tokens.len()
                    && !matches!(tokens[i], Token::Special(b',' | b';' | b'<' | b':'))
                {
                    domain.push(&tokens[i]);
                    i += 1;
                }
                let local: Vec<&Token<'_>> = words
                    .iter()
                    .copied()
                    .filter(|t| !matches!(t, Token::Comment(_)))
                    .collect();
                let comment = first_comment(&words).or_else(|| first_comment(&domain));
                let domain_words: Vec<&Token<'_>> = domain
                    .iter()
                    .copied()
                    .filter(|t| !matches!(t, Token::Comment(_)))
                    .collect();
                let dom = joined(&domain_words);
                out.push(RawAddress {
                    name: comment,
                    adl: None,
                    mailbox: joined(&local),
                    host: Some(dom.unwrap_or_else(|| MISSING_HOST.to_vec())),
                });
            }
            Some(b',') | Some(b';') | Some(b'>') | Some(b':') | None | Some(_) => {
                // A bare word (local part without domain), or nothing.
                let local: Vec<&Token<'_>> = words
                    .iter()
                    .copied()
                    .filter(|t| !matches!(t, Token::Comment(_)))
                    .collect();
                if let Some(mailbox) = joined(&local) {
                    out.push(RawAddress {
                        name: first_comment(&words),
                        adl: None,
                        mailbox: Some(mailbox),
                        host: Some(MISSING_HOST.to_vec()),
                    });
                }
                if special == Some(b';') && in_group {
                    in_group = false;
                    out.push(RawAddress::default());
                }
                i += 1;
            }
        }
    }
    if in_group {
        out.push(RawAddress::default());
    }
    out
}

/// Advances past tokens up to (not including) the next `,` or `;`; returns the first comment
/// seen (`<a@b> (Name)`).
fn skip_to_separator(tokens: &[Token<'_>], i: &mut usize) -> Option<Vec<u8>> {
    let mut comment = None;
    while *i < tokens.len() && !matches!(tokens[*i], Token::Special(b',' | b';')) {
        if let Token::Comment(c) = &tokens[*i] {
            if comment.is_none() && !c.is_empty() {
                comment = Some(c.clone());
            }
        }
        *i += 1;
    }
    comment
}

/// `[obs-route] local-part "@" domain` inside angle brackets.
fn addr_spec(inner: &[&Token<'_>]) -> RawAddress {
    let words: Vec<&Token<'_>> = inner
        .iter()
        .copied()
        .filter(|t| !matches!(t, Token::Comment(_)))
        .collect();
    // obs-route = obs-domain-list ":"; the list starts with "@".
    let mut rest: &[&Token<'_>] = &words;
    let mut adl = None;
    if matches!(rest.first(), Some(Token::Special(b'@'))) {
        if let Some(colon) = rest.iter().position(|t| **t == Token::Special(b':')) {
            adl = joined(&rest[..colon]);
            rest = &rest[colon + 1..];
        }
    }
    match rest.iter().rposition(|t| **t == Token::Special(b'@')) {
        Some(at) => RawAddress {
            name: None,
            adl,
            mailbox: joined(&rest[..at]),
            host: Some(joined(&rest[at + 1..]).unwrap_or_else(|| MISSING_HOST.to_vec())),
        },
        None => {
            let mailbox = joined(rest);
            RawAddress {
                name: None,
                adl,
                host: mailbox.as_ref().map(|_| MISSING_HOST.to_vec()),
                mailbox,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: Option<&str>, mailbox: Option<&str>, host: Option<&str>) -> RawAddress {
        RawAddress {
            name: name.map(|s| s.as_bytes().to_vec()),
            adl: None,
            mailbox: mailbox.map(|s| s.as_bytes().to_vec()),
            host: host.map(|s| s.as_bytes().to_vec()),
        }
    }

    #[test]
    fn name_addr_and_addr_spec() {
        assert_eq!(
            parse_list(b" \"Doe, John\" <john.doe@example.com>, jane@example.org (Jane)"),
            vec![
                a(Some("Doe, John"), Some("john.doe"), Some("example.com")),
                a(Some("Jane"), Some("jane"), Some("example.org")),
            ]
        );
    }

    #[test]
    fn encoded_words_stay_raw() {
        assert_eq!(
            parse_list(b"=?UTF-8?Q?J=C3=B6rg?= Doe <jd@example.com>"),
            vec![a(
                Some("=?UTF-8?Q?J=C3=B6rg?= Doe"),
                Some("jd"),
                Some("example.com")
            )]
        );
    }

    #[test]
    fn groups_have_start_and_end_markers() {
        // RFC 5322 §A.1.3.
        assert_eq!(
            parse_list(b"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
            vec![
                a(None, Some("A Group"), None),
                a(Some("Ed Jones"), Some("c"), Some("a.test")),
                a(None, Some("joe"), Some("where.test")),
                a(Some("John"), Some("jdoe"), Some("one.test")),
                a(None, None, None),
            ]
        );
        assert_eq!(
            parse_list(b"Undisclosed recipients:;"),
            vec![
                a(None, Some("Undisclosed recipients"), None),
                a(None, None, None)
            ]
        );
    }

    #[test]
    fn obsolete_route_and_missing_domain() {
        let list = parse_list(b"<@a.test,@b.test:joe@c.test>, bare");
        assert_eq!(list[0].adl.as_deref(), Some(&b"@a.test,@b.test"[..]));
        assert_eq!(list[0].mailbox.as_deref(), Some(&b"joe"[..]));
        assert_eq!(list[1].mailbox.as_deref(), Some(&b"bare"[..]));
        assert_eq!(list[1].host.as_deref(), Some(MISSING_HOST));
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            &b""[..],
            b"<",
            b">",
            b"@",
            b"((",
            b"\"",
            b"a:b:c;;;",
            b"<@:>",
            b"[",
            b":;",
        ] {
            let _ = parse_list(input);
        }
    }
}
