//! SORT and THREAD keys (RFC 5256 §2.1 base subject, §2.2 sent date, §3 sort keys and the
//! REFERENCES message-id rules; RFC 5957 display names).

/// The result of RFC 5256 §2.1 base subject extraction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BaseSubject {
    /// The base subject, in UTF-8 (encoded words decoded), case preserved. Compare with
    /// [`subject_key`] for the case-insensitive comparison RFC 5256 asks for.
    pub text: String,
    /// Whether extraction removed a `re:`/`fwd:` leader, a `(fwd)` trailer or a `[fwd: ...]`
    /// wrapper: the message is a reply or forward (RFC 5256 §3, REFERENCES).
    pub is_reply_or_forward: bool,
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Step (1): tabs and line breaks to spaces, runs of spaces to one space.
fn normalize_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn starts_with_ci(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p)
}

/// `subj-blob = "[" *BLOBCHAR "]" *WSP`: its length at the start of `s`.
fn blob_len(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let close = s[1..].iter().position(|&b| b == b']' || b == b'[')?;
    if s[1 + close] != b']' {
        return None;
    }
    let mut n = close + 2;
    while n < s.len() && is_wsp(s[n]) {
        n += 1;
    }
    Some(n)
}

/// `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"`: its length at the start of `s`.
fn refwd_len(s: &[u8]) -> Option<usize> {
    let mut n = if starts_with_ci(s, b"re") {
        2
    } else if starts_with_ci(s, b"fwd") {
        3
    } else if starts_with_ci(s, b"fw") {
        2
    } else {
        return None;
    };
    while n < s.len() && is_wsp(s[n]) {
        n += 1;
    }
    if let Some(b) = blob_len(&s[n..]) {
        n += b;
    }
    (s.get(n) == Some(&b':')).then_some(n + 1)
}

/// `subj-leader = (*subj-blob subj-refwd) / WSP`: its length at the start of `s`, or where
/// matching stopped (after the run of blobs) when there is none.
fn leader_len(s: &[u8]) -> Result<usize, usize> {
    if s.first().is_some_and(|&b| is_wsp(b)) {
        return Ok(1);
    }
    let mut n = 0;
    loop {
        if let Some(r) = refwd_len(&s[n..]) {
            return Ok(n + r);
        }
        n += blob_len(&s[n..]).ok_or(n)?;
    }
}

/// RFC 5256 §2.1 base subject of a decoded subject. Linear in the subject's length: text is
/// only removed at the ends, tracked by indices.
pub fn base_subject(subject: &str) -> BaseSubject {
    let s = normalize_spaces(subject);
    let b = s.as_bytes();
    let (mut start, mut end) = (0usize, b.len());
    let mut reply = false;
    loop {
        // (2) Trailers: "(fwd)" and WSP, repeatedly.
        loop {
            if end > start && is_wsp(b[end - 1]) {
                end -= 1;
            } else if end - start >= 5 && b[end - 5..end].eq_ignore_ascii_case(b"(fwd)") {
                end -= 5;
                reply = true;
            } else {
                break;
            }
        }
        // (3)-(5): leaders and blobs. A leader search that failed after a run of blobs fails
        // again from any later blob of the same run, so it is not repeated there.
        let mut no_leader_before = start;
        loop {
            let mut changed = false;
            while start >= no_leader_before {
                match leader_len(&b[start..end]) {
                    Ok(n) => {
                        if !(n == 1 && is_wsp(b[start])) {
                            reply = true;
                        }
                        start += n;
                        no_leader_before = start;
                        changed = true;
                    }
                    Err(stop) => {
                        no_leader_before = start + stop + 1;
                    }
                }
            }
            // (4) A blob is removed when something (trailing WSP is gone) remains after it.
            if let Some(n) = blob_len(&b[start..end]) {
                if start + n < end {
                    start += n;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // (6) "[fwd:" ... "]".
        if end - start >= 6 && starts_with_ci(&b[start..end], b"[fwd:") && b[end - 1] == b']' {
            start += 5;
            end -= 1;
            reply = true;
            continue;
        }
        break;
    }
    BaseSubject {
        // Cuts are at ASCII characters, so the slice is valid UTF-8.
        text: s[start..end].to_string(),
        is_reply_or_forward: reply,
    }
}

/// The comparison key for subjects: RFC 5256 §"Internationalization Considerations" compares
/// base subjects case-insensitively (`i;ascii-casemap` by default, i;unicode-casemap in
/// RFC 5957 terms); this folds with Unicode lower-casing, a superset of both for ASCII.
pub fn subject_key(base: &str) -> String {
    base.to_lowercase()
}

/// Extracts the message ids `<...>` of a header value, normalized as RFC 5256 §3 REFERENCES
/// asks: quoting removed (`<"a b"@x>` equals `<a b@x>`), whitespace and comments dropped,
/// brackets removed. Ids without content are skipped. Comparison is case-sensitive.
pub fn message_ids(value: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'(' => {
                // Comment outside an id.
                let mut depth = 0usize;
                while i < value.len() {
                    match value[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                // A quoted phrase outside an id (obsolete In-Reply-To phrases).
                i += 1;
                while i < value.len() && value[i] != b'"' {
                    if value[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'<' => {
                let mut id = Vec::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < value.len() {
                    match value[j] {
                        b'>' => {
                            closed = true;
                            break;
                        }
                        b'<' => break,
                        b'"' => {
                            j += 1;
                            while j < value.len() && value[j] != b'"' {
                                if value[j] == b'\\' && j + 1 < value.len() {
                                    j += 1;
                                }
                                if !matches!(value[j], b'\r' | b'\n') {
                                    id.push(value[j]);
                                }
                                j += 1;
                            }
                        }
                        b' ' | b'\t' | b'\r' | b'\n' => {}
                        b'(' => {
                            while j < value.len() && value[j] != b')' {
                                j += 1;
                            }
                        }
                        c => id.push(c),
                    }
                    j += 1;
                }
                if closed && !id.is_empty() {
                    out.push(String::from_utf8_lossy(&id).into_owned());
                    i = j + 1;
                } else {
                    i = j.max(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> (String, bool) {
        let b = base_subject(s);
        (b.text, b.is_reply_or_forward)
    }

    #[test]
    fn base_subject_strips_leaders_trailers_and_blobs() {
        assert_eq!(base("Re: hello"), ("hello".into(), true));
        assert_eq!(base("RE: Re: re: hello"), ("hello".into(), true));
        assert_eq!(base("Fwd: hello (fwd)"), ("hello".into(), true));
        assert_eq!(base("[list] Re: hello"), ("hello".into(), true));
        assert_eq!(base("Re [list]: hello"), ("hello".into(), true));
        assert_eq!(base("[Fwd: Re: hello]"), ("hello".into(), true));
        assert_eq!(base("  hello \t  world  "), ("hello world".into(), false));
        // A blob is kept when removing it would leave nothing.
        assert_eq!(base("[only blob]"), ("[only blob]".into(), false));
        assert_eq!(base("[a] [b] subject"), ("subject".into(), false));
        assert_eq!(base("Ref: not a reply"), ("Ref: not a reply".into(), false));
        assert_eq!(base(""), ("".into(), false));
        assert_eq!(base("Re:"), ("".into(), true));
        assert_eq!(base("[a][b]"), ("[b]".into(), false));
        assert_eq!(base("[a] [b] Re: [c] x"), ("x".into(), true));
        assert_eq!(base("Re: [Fwd: hi] (fwd)"), ("hi".into(), true));
    }

    #[test]
    fn hostile_subjects_stay_linear() {
        // Quadratic work here would take minutes.
        for s in [
            "[a]".repeat(200_000),
            "Re: ".repeat(200_000),
            "[fwd:".repeat(100_000) + &"]".repeat(100_000),
            "[x".repeat(200_000),
        ] {
            let _ = base_subject(&s);
        }
        assert_eq!(base(&("[a]".repeat(1000) + "s")).0, "s");
    }

    #[test]
    fn message_ids_are_normalized() {
        // RFC 5256 §3: these two MUST be the same id.
        assert_eq!(
            message_ids(b"<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>"),
            message_ids(b"<01KF8JCEOCBS0045PS@xxx.yyy.com>")
        );
        assert_eq!(
            message_ids(b" <a@x> (comment <no@id>)\r\n <b@y>"),
            vec!["a@x".to_string(), "b@y".to_string()]
        );
        assert_eq!(
            message_ids(b"\"Joe\" <j@x> (sent at noon) <k@x>"),
            vec!["j@x".to_string(), "k@x".to_string()]
        );
        assert!(message_ids(b"<> < > <unclosed").is_empty());
    }
}
