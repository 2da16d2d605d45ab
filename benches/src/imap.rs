//! IMAP inputs for the comparison of `mailwire-imap` with `imap-codec` and `imap-proto`
//! (`benches/imap.rs`, `src/bin/imap-compare.rs`), and the drivers that decode and encode them
//! with each library the way a client (responses) or a server (commands) would.
//!
//! All inputs are generated deterministically from a seed with [`Rng`]; the same seed gives the
//! same bytes on every machine. Every generated form is accepted by all three libraries (checked by
//! the tests and, once before timing, by the benchmarks).
//!
//! The other libraries are used through their public APIs only.

use std::num::NonZeroU32;

use base64::Engine as _;

use crate::{Rng, message_text};

// -------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------

/// A generated response stream with what it holds.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bytes, as a server writes them.
    pub wire: Vec<u8>,
    /// Number of responses (each ends with CRLF outside a literal).
    pub responses: usize,
    /// How many of them are `FETCH` responses.
    pub fetches: usize,
}

/// A generated command stream with what it holds.
#[derive(Debug, Clone)]
pub struct CommandStream {
    /// The bytes, as a client writes them (literals are non-synchronizing, `{n+}`).
    pub wire: Vec<u8>,
    /// Number of commands (an `IDLE` command and its `DONE` line count as one).
    pub commands: usize,
    /// How many of them are `IDLE` (each followed by a `DONE` line).
    pub idles: usize,
}

/// Appends `s` as a quoted string, escaping `"` and `\`.
fn quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends `s` as a synchronizing literal (`{n}` CRLF data), as servers send 8-bit strings.
fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
    out.extend_from_slice(s);
}

/// Appends `s` upper-cased or as is (servers differ: Gmail and Exchange send `"TEXT" "PLAIN"`,
/// Dovecot `"text" "plain"`).
fn quoted_case(out: &mut Vec<u8>, s: &str, upper: bool) {
    if upper {
        quoted(out, s.to_ascii_uppercase().as_bytes());
    } else {
        quoted(out, s.to_ascii_lowercase().as_bytes());
    }
}

fn pick<'a, T: ?Sized>(rng: &mut Rng, items: &[&'a T]) -> &'a T {
    items[rng.below(items.len())]
}

const FIRST: [&str; 16] = [
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil",
];
const LAST: [&str; 12] = [
    "Example",
    "Smith",
    "Johnson",
    "Okafor",
    "Nakamura",
    "Schmidt",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Novak",
    "Haddad",
    "Lindqvist",
];
const HOSTS: [&str; 8] = [
    "example.org",
    "example.com",
    "mail.example.net",
    "corp.example.co.uk",
    "lists.example.org",
    "eu.example.com",
    "students.example.edu",
    "example.de",
];
/// UTF-8 phrases for encoded words and 8-bit literals.
const UTF8_PHRASES: [&str; 10] = [
    "Grüße aus München",
    "Überweisung bestätigt",
    "Réunion de l'équipe",
    "Café à 15h",
    "Привет, как дела?",
    "会議の議事録",
    "Ελληνικά νέα",
    "Zażółć gęślą jaźń",
    "Año nuevo, señor Núñez",
    "Smörgåsbord på fredag",
];
const UTF8_NAMES: [&str; 8] = [
    "Jürgen Müller",
    "François Lefèvre",
    "Søren Kierkegaard",
    "Ирина Петрова",
    "田中 太郎",
    "José Núñez",
    "Zoë Åström",
    "Łukasz Wróbel",
];
const SUBJECT_WORDS: [&str; 24] = [
    "quarterly",
    "report",
    "meeting",
    "notes",
    "invoice",
    "project",
    "status",
    "update",
    "review",
    "draft",
    "budget",
    "release",
    "schedule",
    "planning",
    "follow-up",
    "question",
    "about",
    "the",
    "new",
    "office",
    "server",
    "migration",
    "for",
    "Q3",
];

fn b64(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// RFC 2047 Q encoding of `s` (`_` for space, `=XX` for 8-bit and specials).
fn q_encode(s: &[u8]) -> String {
    let mut out = String::new();
    for &b in s {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' | b'-' => out.push(b as char),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// An RFC 2047 encoded word for `s`: base64 or Q, UTF-8 (sometimes ISO-8859-1 style labels).
fn encoded_word(rng: &mut Rng, s: &str) -> String {
    if rng.below(3) == 0 {
        format!("=?UTF-8?Q?{}?=", q_encode(s.as_bytes()))
    } else {
        format!("=?UTF-8?B?{}?=", b64(s.as_bytes()))
    }
}

fn plain_subject(rng: &mut Rng) -> String {
    let n = 2 + rng.below(7);
    let mut words: Vec<&str> = (0..n)
        .map(|_| SUBJECT_WORDS[rng.below(SUBJECT_WORDS.len())])
        .collect();
    let mut first = words[0].to_string();
    first[..1].make_ascii_uppercase();
    words[0] = &first;
    let s = words.join(" ");
    match rng.below(6) {
        0 => format!("Re: {s}"),
        1 => format!("Fwd: {s}"),
        2 => format!("[list-{}] {s}", rng.below(20)),
        _ => s,
    }
}

/// A subject: an `nstring` in one of the forms servers send.
fn subject(rng: &mut Rng, out: &mut Vec<u8>) {
    match rng.below(40) {
        // NIL: no Subject header.
        0 => out.extend_from_slice(b"NIL"),
        // 8-bit (raw UTF-8) subjects: servers send them as literals.
        1..=3 => {
            let s = format!(
                "{}{}",
                if rng.below(2) == 0 { "Re: " } else { "" },
                pick(rng, &UTF8_PHRASES)
            );
            literal(out, s.as_bytes());
        }
        // A subject with quotes and a backslash (escaped in the quoted string).
        4..=7 => {
            let s = match rng.below(4) {
                0 => format!("Re: \"{}\" is ready", plain_subject(rng)),
                1 => format!("Path C:\\Users\\{}\\Documents", pick(rng, &FIRST)),
                2 => format!("The \"{}\" plan \\ next steps", pick(rng, &SUBJECT_WORDS)),
                _ => format!("{} \\o/ \"done\"", plain_subject(rng)),
            };
            quoted(out, s.as_bytes());
        }
        // One or two encoded words, sometimes after an ASCII prefix.
        8..=17 => {
            let mut s = String::new();
            if rng.below(3) == 0 {
                s.push_str("Re: ");
            }
            let p = pick(rng, &UTF8_PHRASES);
            s.push_str(&encoded_word(rng, p));
            if rng.below(3) == 0 {
                s.push(' ');
                let p = pick(rng, &UTF8_PHRASES);
                s.push_str(&encoded_word(rng, p));
            }
            quoted(out, s.as_bytes());
        }
        _ => quoted(out, plain_subject(rng).as_bytes()),
    }
}

/// One `address`: `(name adl mailbox host)`.
fn address(rng: &mut Rng, out: &mut Vec<u8>) {
    let first = pick(rng, &FIRST);
    let last = pick(rng, &LAST);
    out.push(b'(');
    match rng.below(10) {
        0 | 1 => out.extend_from_slice(b"NIL"),
        2 | 3 => {
            let n = pick(rng, &UTF8_NAMES);
            let w = encoded_word(rng, n);
            quoted(out, w.as_bytes());
        }
        4 => quoted(
            out,
            format!("\"{last}, {first}\" (via {})", pick(rng, &HOSTS)).as_bytes(),
        ),
        5 => quoted(out, format!("CORP\\{}", first.to_lowercase()).as_bytes()),
        _ => quoted(out, format!("{first} {last}").as_bytes()),
    }
    out.extend_from_slice(b" NIL ");
    let mailbox = match rng.below(3) {
        0 => format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        1 => first.to_lowercase(),
        _ => format!(
            "{}{}",
            first.to_lowercase().as_bytes()[0] as char,
            last.to_lowercase()
        ),
    };
    quoted(out, mailbox.as_bytes());
    out.push(b' ');
    quoted(out, pick(rng, &HOSTS).as_bytes());
    out.push(b')');
}

/// An address list of `n` addresses (`NIL` when `n == 0`).
fn address_list(rng: &mut Rng, out: &mut Vec<u8>, n: usize) -> Vec<u8> {
    let start = out.len();
    if n == 0 {
        out.extend_from_slice(b"NIL");
    } else {
        out.push(b'(');
        for _ in 0..n {
            address(rng, out);
        }
        out.push(b')');
    }
    out[start..].to_vec()
}

fn message_id(rng: &mut Rng) -> String {
    format!(
        "<{:016x}.{:08x}@{}>",
        rng.next_u64(),
        rng.next_u64() as u32,
        pick(rng, &HOSTS)
    )
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const ZONES: [&str; 6] = ["+0000", "+0200", "-0700", "+0530", "-0400", "+0900"];

/// An `envelope`.
fn envelope(rng: &mut Rng, out: &mut Vec<u8>) {
    out.push(b'(');
    // date
    let day = 1 + rng.below(28);
    let date = format!(
        "{}, {} {} 20{:02} {:02}:{:02}:{:02} {}",
        pick(rng, &DAYS),
        day,
        pick(rng, &MONTHS),
        20 + rng.below(6),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        pick(rng, &ZONES)
    );
    quoted(out, date.as_bytes());
    out.push(b' ');
    subject(rng, out);
    out.push(b' ');
    // from; sender and reply-to are copies of it (servers fill them in), reply-to sometimes
    // differs (mailing lists)
    let n_from = 1 + usize::from(rng.below(20) == 0);
    let from = address_list(rng, out, n_from);
    out.push(b' ');
    out.extend_from_slice(&from);
    out.push(b' ');
    if rng.below(8) == 0 {
        address_list(rng, out, 1);
    } else {
        out.extend_from_slice(&from);
    }
    out.push(b' ');
    // to, cc, bcc
    let to = 1 + rng.below(4) + if rng.below(10) == 0 { 6 } else { 0 };
    address_list(rng, out, to);
    out.push(b' ');
    let cc = if rng.below(2) == 0 {
        0
    } else {
        1 + rng.below(4)
    };
    address_list(rng, out, cc);
    out.push(b' ');
    let bcc = usize::from(rng.below(15) == 0);
    address_list(rng, out, bcc);
    out.push(b' ');
    // in-reply-to, message-id
    if rng.below(3) == 0 {
        quoted(out, message_id(rng).as_bytes());
    } else {
        out.extend_from_slice(b"NIL");
    }
    out.push(b' ');
    quoted(out, message_id(rng).as_bytes());
    out.push(b')');
}

/// The extension data of a single part after its required fields: md5, disposition, language and
/// location, sometimes without location (Gmail omits it).
fn single_ext(rng: &mut Rng, out: &mut Vec<u8>, disposition: Option<(&str, &[u8])>, upper: bool) {
    out.extend_from_slice(b" NIL ");
    match disposition {
        None => out.extend_from_slice(b"NIL"),
        Some((kind, filename)) => {
            out.push(b'(');
            quoted_case(out, kind, upper);
            if filename.is_empty() {
                out.extend_from_slice(b" NIL)");
            } else {
                out.extend_from_slice(b" (");
                quoted_case(out, "filename", upper);
                out.push(b' ');
                quoted(out, filename);
                out.extend_from_slice(b"))");
            }
        }
    }
    match rng.below(8) {
        0 => out.extend_from_slice(b" \"en\""),
        1 => out.extend_from_slice(b" (\"en\" \"de\")"),
        _ => out.extend_from_slice(b" NIL"),
    }
    if rng.below(3) != 0 {
        out.extend_from_slice(b" NIL");
    }
}

fn params(out: &mut Vec<u8>, pairs: &[(&str, &[u8])], upper: bool) {
    if pairs.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        quoted_case(out, k, upper);
        out.push(b' ');
        quoted(out, v);
    }
    out.push(b')');
}

/// A `text/*` part.
fn text_part(rng: &mut Rng, out: &mut Vec<u8>, subtype: &str, upper: bool) {
    out.push(b'(');
    quoted_case(out, "text", upper);
    out.push(b' ');
    quoted_case(out, subtype, upper);
    out.push(b' ');
    let charset: &[u8] = match rng.below(4) {
        0 => b"us-ascii",
        1 => b"iso-8859-1",
        _ => b"utf-8",
    };
    if subtype == "plain" && rng.below(4) == 0 {
        params(out, &[("charset", charset), ("format", b"flowed")], upper);
    } else {
        params(out, &[("charset", charset)], upper);
    }
    out.extend_from_slice(b" NIL NIL ");
    quoted_case(
        out,
        pick(rng, &["7bit", "quoted-printable", "8bit", "base64"]),
        upper,
    );
    let size = 200 + rng.below(40_000);
    out.extend_from_slice(format!(" {size} {}", size / 60 + 1).as_bytes());
    single_ext(rng, out, None, upper);
    out.push(b')');
}

/// A `name` parameter or `filename`: plain, with spaces, or an encoded word.
fn file_name(rng: &mut Rng, ext: &str) -> Vec<u8> {
    match rng.below(5) {
        0 => {
            let n = pick(rng, &UTF8_PHRASES);
            encoded_word(rng, &format!("{n}.{ext}")).into_bytes()
        }
        1 => format!("Report {} (final).{ext}", pick(rng, &SUBJECT_WORDS)).into_bytes(),
        _ => format!("{}-{}.{ext}", pick(rng, &SUBJECT_WORDS), rng.below(1000)).into_bytes(),
    }
}

/// An attachment or an inline image.
fn attachment(rng: &mut Rng, out: &mut Vec<u8>, upper: bool, inline_image: bool) {
    let (ty, sub, ext) = if inline_image {
        *pick(rng, &[&("image", "png", "png"), &("image", "jpeg", "jpg")])
    } else {
        *pick(
            rng,
            &[
                &("application", "pdf", "pdf"),
                &("application", "octet-stream", "bin"),
                &("image", "jpeg", "jpg"),
                &(
                    "application",
                    "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                ),
                &("application", "zip", "zip"),
            ],
        )
    };
    let name = file_name(rng, ext);
    out.push(b'(');
    quoted_case(out, ty, upper);
    out.push(b' ');
    quoted_case(out, sub, upper);
    out.push(b' ');
    params(out, &[("name", &name)], upper);
    out.push(b' ');
    if inline_image {
        quoted(
            out,
            format!("<image{}@{}>", rng.below(100), HOSTS[0]).as_bytes(),
        );
    } else {
        out.extend_from_slice(b"NIL");
    }
    out.push(b' ');
    if rng.below(6) == 0 {
        quoted(out, b"Attached file");
    } else {
        out.extend_from_slice(b"NIL");
    }
    out.push(b' ');
    quoted_case(out, "base64", upper);
    out.extend_from_slice(format!(" {}", 1_000 + rng.below(3_000_000)).as_bytes());
    let kind = if inline_image { "inline" } else { "attachment" };
    single_ext(rng, out, Some((kind, &name)), upper);
    out.push(b')');
}

/// Multipart extension data: parameters (the boundary), disposition, language, location.
fn multi_ext(rng: &mut Rng, out: &mut Vec<u8>, upper: bool) {
    out.push(b' ');
    let boundary = format!("----=_Part_{}_{:x}", rng.below(100_000), rng.next_u64());
    params(out, &[("boundary", boundary.as_bytes())], upper);
    out.extend_from_slice(b" NIL NIL");
    if rng.below(3) != 0 {
        out.extend_from_slice(b" NIL");
    }
}

fn multipart(out: &mut Vec<u8>, subtype: &str, upper: bool, rng: &mut Rng, parts: &[&[u8]]) {
    out.push(b'(');
    for p in parts {
        out.extend_from_slice(p);
    }
    out.push(b' ');
    quoted_case(out, subtype, upper);
    multi_ext(rng, out, upper);
    out.push(b')');
}

fn alternative(rng: &mut Rng, out: &mut Vec<u8>, upper: bool, related: bool) {
    let mut plain = Vec::new();
    text_part(rng, &mut plain, "plain", upper);
    let mut html = Vec::new();
    if related {
        let mut h = Vec::new();
        text_part(rng, &mut h, "html", upper);
        let mut img = Vec::new();
        attachment(rng, &mut img, upper, true);
        let mut img2 = Vec::new();
        let parts: Vec<&[u8]> = if rng.below(2) == 0 {
            attachment(rng, &mut img2, upper, true);
            vec![&h, &img, &img2]
        } else {
            vec![&h, &img]
        };
        multipart(&mut html, "related", upper, rng, &parts);
    } else {
        text_part(rng, &mut html, "html", upper);
    }
    multipart(out, "alternative", upper, rng, &[&plain, &html]);
}

/// A `message/rfc822` part with its own envelope and structure.
fn message_part(rng: &mut Rng, out: &mut Vec<u8>, upper: bool, depth: usize) {
    out.push(b'(');
    quoted_case(out, "message", upper);
    out.push(b' ');
    quoted_case(out, "rfc822", upper);
    out.extend_from_slice(b" NIL NIL NIL ");
    quoted_case(out, "7bit", upper);
    let size = 2_000 + rng.below(200_000);
    out.extend_from_slice(format!(" {size} ").as_bytes());
    envelope(rng, out);
    out.push(b' ');
    body_structure(rng, out, upper, depth + 1);
    out.extend_from_slice(format!(" {}", size / 70 + 1).as_bytes());
    single_ext(rng, out, Some(("attachment", b"")), upper);
    out.push(b')');
}

/// A `body` (BODYSTRUCTURE form, with extension data).
fn body_structure(rng: &mut Rng, out: &mut Vec<u8>, upper: bool, depth: usize) {
    let r = rng.below(100);
    if r < 35 || depth > 1 && r < 70 {
        text_part(rng, out, "plain", upper);
    } else if r < 60 || depth > 1 {
        alternative(rng, out, upper, false);
    } else {
        // mixed: a text body and attachments, sometimes a forwarded message
        let mut first = Vec::new();
        match rng.below(4) {
            0 => text_part(rng, &mut first, "plain", upper),
            1 => alternative(rng, &mut first, upper, true),
            _ => alternative(rng, &mut first, upper, false),
        }
        let mut parts = vec![first];
        if r >= 88 && depth == 0 {
            let mut m = Vec::new();
            message_part(rng, &mut m, upper, depth);
            parts.push(m);
        }
        for _ in 0..1 + rng.below(3) {
            let mut a = Vec::new();
            attachment(rng, &mut a, upper, false);
            parts.push(a);
        }
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        multipart(out, "mixed", upper, rng, &parts);
    }
}

const FLAG_SETS: [&str; 9] = [
    "()",
    "(\\Seen)",
    "(\\Seen)",
    "(\\Seen)",
    "(\\Answered \\Seen)",
    "(\\Flagged \\Seen)",
    "(\\Seen $Forwarded)",
    "(\\Recent)",
    "(\\Answered \\Flagged \\Seen $Label1 $MDNSent)",
];

/// `INTERNALDATE`: `"dd-Mon-yyyy hh:mm:ss +zzzz"`, the day sometimes space-padded (` 1-Apr`).
fn internal_date(rng: &mut Rng, out: &mut Vec<u8>) {
    let day = 1 + rng.below(28);
    let day = if day < 10 && rng.below(2) == 0 {
        format!(" {day}")
    } else {
        format!("{day:02}")
    };
    out.extend_from_slice(
        format!(
            "\"{day}-{}-20{:02} {:02}:{:02}:{:02} {}\"",
            pick(rng, &MONTHS),
            20 + rng.below(6),
            rng.below(24),
            rng.below(60),
            rng.below(60),
            pick(rng, &ZONES)
        )
        .as_bytes(),
    );
}

/// One `* seq FETCH (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)` response.
pub fn fetch_response(rng: &mut Rng, out: &mut Vec<u8>, seq: u32, uid: u32) {
    let upper = rng.below(2) == 0;
    out.extend_from_slice(format!("* {seq} FETCH (UID {uid} FLAGS ").as_bytes());
    out.extend_from_slice(pick(rng, &FLAG_SETS).as_bytes());
    out.extend_from_slice(
        format!(" RFC822.SIZE {} INTERNALDATE ", 800 + rng.below(4_000_000)).as_bytes(),
    );
    internal_date(rng, out);
    out.extend_from_slice(b" ENVELOPE ");
    envelope(rng, out);
    out.extend_from_slice(b" BODYSTRUCTURE ");
    body_structure(rng, out, upper, 0);
    out.extend_from_slice(b")\r\n");
}

/// The answer to `A0002 SELECT INBOX` for a mailbox of `exists` messages (RFC 3501 form, as
/// Dovecot sends it).
pub fn select_answer(exists: usize, out: &mut Vec<u8>) -> usize {
    let lines: [String; 9] = [
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Label1)"
            .into(),
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Label1 \\*)] Flags permitted."
            .into(),
        format!("* {exists} EXISTS"),
        "* 0 RECENT".into(),
        format!("* OK [UNSEEN {}] First unseen.", exists * 9 / 10),
        "* OK [UIDVALIDITY 1712345678] UIDs valid".into(),
        format!("* OK [UIDNEXT {}] Predicted next UID", exists * 3 + 1),
        "* OK [HIGHESTMODSEQ 987654] Highest".into(),
        "A0002 OK [READ-WRITE] Select completed (0.002 + 0.000 + 0.001 secs).".into(),
    ];
    for l in &lines {
        out.extend_from_slice(l.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    lines.len()
}

/// Scenario (a): a SELECT answer, then `n` FETCH responses of
/// `(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)`, then the tagged completion of the
/// FETCH.
pub fn fetch_session(n: usize, seed: u64) -> Session {
    let mut rng = Rng::new(seed);
    let mut wire = Vec::with_capacity(n * 1500);
    let mut responses = select_answer(n, &mut wire);
    let mut uid = 0u32;
    for seq in 1..=n as u32 {
        uid += 1 + rng.below(3) as u32;
        fetch_response(&mut rng, &mut wire, seq, uid);
    }
    wire.extend_from_slice(b"A0003 OK Fetch completed (0.120 + 0.000 + 0.118 secs).\r\n");
    responses += n + 1;
    Session {
        wire,
        responses,
        fetches: n,
    }
}

/// Scenario (b): `n` responses `* seq FETCH (UID uid BODY[] {size}` CRLF data `)` CRLF, the data a
/// realistic message of exactly `size` bytes.
pub fn body_literals(n: usize, size: usize, seed: u64) -> Session {
    let mut text = message_text(size, seed);
    text.truncate(size);
    let mut wire = Vec::with_capacity(n * (size + 64));
    for seq in 1..=n {
        wire.extend_from_slice(format!("* {seq} FETCH (UID {} BODY[] ", seq * 2).as_bytes());
        literal(&mut wire, &text);
        wire.extend_from_slice(b")\r\n");
    }
    Session {
        wire,
        responses: n,
        fetches: n,
    }
}

/// The 20 commands of scenario (c). `{tag}` is replaced by the tag, `{a}`, `{b}` by UIDs, `{msg}`
/// by an APPEND literal.
const COMMANDS: [&str; 20] = [
    "{tag} CAPABILITY",
    "{tag} LOGIN \"alice@example.org\" \"p4ss \\\"w0rd\\\" \\\\ 42\"",
    "{tag} AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHA0c3MgdzByZA==",
    "{tag} ENABLE CONDSTORE",
    "{tag} SELECT INBOX",
    "{tag} LIST \"\" \"*\"",
    "{tag} STATUS \"Sent Items\" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)",
    "{tag} NOOP",
    "{tag} UID FETCH 1:* (FLAGS)",
    "{tag} UID FETCH {a}:{b} (UID RFC822.SIZE FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)])",
    "{tag} FETCH 1:50 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
    "{tag} UID FETCH {a} (BODY.PEEK[1.2]<0.2048> BODY.PEEK[TEXT])",
    "{tag} UID SEARCH UNSEEN SINCE 1-Feb-2025 NOT DELETED FROM \"alice@example.org\"",
    "{tag} UID SEARCH CHARSET UTF-8 OR SUBJECT \"invoice\" BODY \"payment due\" LARGER 10000",
    "{tag} UID STORE {a},{b}:{c} +FLAGS.SILENT (\\Seen $Forwarded)",
    "{tag} APPEND Sent (\\Seen) \"05-Apr-2025 10:00:00 +0200\" {msg}",
    "{tag} IDLE",
    "{tag} EXPUNGE",
    "{tag} UID MOVE {a}:{b} \"Archive/2025\"",
    "{tag} LOGOUT",
];

/// Scenario (c): `n` client commands drawn from 20 common ones (uniformly), with increasing
/// tags; an `IDLE` is followed by its `DONE` line. APPEND carries a message of about 2 KiB as a
/// non-synchronizing literal (`{n+}`), so that the stream decodes without continuation requests.
pub fn command_stream(n: usize, seed: u64) -> CommandStream {
    let mut rng = Rng::new(seed);
    let mut wire = Vec::with_capacity(n * 150);
    let mut idles = 0;
    let appended = message_text(2_000, seed);
    for i in 1..=n {
        let t = COMMANDS[rng.below(COMMANDS.len())];
        let a = 1000 + rng.below(50_000);
        let b = a + 1 + rng.below(500);
        let line = t
            .replace("{tag}", &format!("A{i:04}"))
            .replace("{a}", &a.to_string())
            .replace("{b}", &b.to_string())
            .replace("{c}", &(b + 1 + rng.below(20)).to_string());
        if let Some(head) = line.strip_suffix("{msg}") {
            wire.extend_from_slice(head.as_bytes());
            wire.extend_from_slice(format!("{{{}+}}\r\n", appended.len()).as_bytes());
            wire.extend_from_slice(&appended);
        } else {
            wire.extend_from_slice(line.as_bytes());
        }
        wire.extend_from_slice(b"\r\n");
        if t.ends_with("IDLE") {
            wire.extend_from_slice(b"DONE\r\n");
            idles += 1;
        }
    }
    CommandStream {
        wire,
        commands: n,
        idles,
    }
}

// -------------------------------------------------------------------------------------------
// A library-neutral digest of FETCH responses, to check the libraries agree
// -------------------------------------------------------------------------------------------

/// What the sanity check compares across libraries for each FETCH response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FetchDigest {
    /// Message sequence number.
    pub seq: u32,
    /// `UID`.
    pub uid: u32,
    /// `RFC822.SIZE`.
    pub size: u64,
    /// The envelope's subject (raw, as sent), if any.
    pub subject: Option<Vec<u8>>,
    /// Addresses in from, sender, reply-to, to, cc and bcc (top-level envelope).
    pub addresses: usize,
    /// Leaf body parts (message/rfc822 bodies counted through).
    pub leaves: usize,
    /// Bytes of `BODY[]` data.
    pub body_len: usize,
}

/// mailwire-imap.
pub mod mailwire {
    use super::*;
    use mailwire_imap::codec::{
        DecodeError, Encode, Options, decode_command, decode_idle_done, decode_response,
    };
    use mailwire_imap::types::{
        BodyStructure, Command, CommandBody, Data, MessageDataItem, Response, SinglePartKind,
    };

    /// Decodes every response in `wire`, as a client does: decode, advance by what was consumed.
    /// Returns the number of responses and of FETCH responses.
    pub fn decode_all(wire: &[u8], opts: &Options) -> Result<(usize, usize), DecodeError> {
        let mut rest = wire;
        let mut n = 0;
        let mut fetches = 0;
        while !rest.is_empty() {
            let (r, resp) = decode_response(rest, opts)?;
            fetches += usize::from(matches!(resp, Response::Data(Data::Fetch { .. })));
            n += 1;
            rest = r;
            std::hint::black_box(resp);
        }
        Ok((n, fetches))
    }

    /// Decodes and keeps every response (for the encoding benchmarks).
    pub fn decode_vec<'a>(wire: &'a [u8], opts: &Options) -> Vec<Response<'a>> {
        let mut rest = wire;
        let mut v = Vec::new();
        while !rest.is_empty() {
            let (r, resp) = decode_response(rest, opts).expect("mailwire-imap decodes");
            v.push(resp);
            rest = r;
        }
        v
    }

    /// Decodes every command in `wire`, as a server does (a `DONE` line is expected after
    /// `IDLE`). Returns the number of commands.
    pub fn decode_commands(wire: &[u8], opts: &Options) -> Result<usize, DecodeError> {
        let mut rest = wire;
        let mut n = 0;
        while !rest.is_empty() {
            let (r, cmd) = decode_command(rest, opts)?;
            rest = r;
            if cmd.body == CommandBody::Idle {
                rest = decode_idle_done(rest, opts)?.0;
            }
            n += 1;
            std::hint::black_box(cmd);
        }
        Ok(n)
    }

    /// Decodes and keeps every command.
    pub fn decode_command_vec<'a>(wire: &'a [u8], opts: &Options) -> Vec<Command<'a>> {
        let mut rest = wire;
        let mut v = Vec::new();
        while !rest.is_empty() {
            let (r, cmd) = decode_command(rest, opts).expect("mailwire-imap decodes");
            rest = r;
            if cmd.body == CommandBody::Idle {
                rest = decode_idle_done(rest, opts).expect("DONE").0;
            }
            v.push(cmd);
        }
        v
    }

    /// Encodes every message to bytes; returns the total length.
    pub fn encode_all<T: Encode>(msgs: &[T]) -> usize {
        msgs.iter()
            .map(|m| std::hint::black_box(m.encode().dump()).len())
            .sum()
    }

    fn leaves(b: &BodyStructure<'_>) -> usize {
        match b {
            BodyStructure::Single {
                kind: SinglePartKind::Message { body, .. },
                ..
            } => leaves(body),
            BodyStructure::Single { .. } => 1,
            BodyStructure::Multi { parts, .. } => parts.iter().map(leaves).sum(),
        }
    }

    /// The digests of the FETCH responses among `responses`.
    pub fn digests(responses: &[Response<'_>]) -> Vec<FetchDigest> {
        let mut out = Vec::new();
        for r in responses {
            let Response::Data(Data::Fetch { seq, items }) = r else {
                continue;
            };
            let mut d = FetchDigest {
                seq: seq.get(),
                ..FetchDigest::default()
            };
            for item in items {
                match item {
                    MessageDataItem::Uid(u) => d.uid = u.get(),
                    MessageDataItem::Rfc822Size(s) => d.size = *s,
                    MessageDataItem::Envelope(e) => {
                        d.subject = e.subject.as_bytes().map(<[u8]>::to_vec);
                        d.addresses = [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc]
                            .iter()
                            .map(|l| l.as_ref().map_or(0, Vec::len))
                            .sum();
                    }
                    MessageDataItem::BodyStructure(b) => d.leaves = leaves(b),
                    MessageDataItem::BodySection { data, .. } => {
                        d.body_len = data.as_bytes().map_or(0, <[u8]>::len)
                    }
                    _ => {}
                }
            }
            out.push(d);
        }
        out
    }
}

/// imap-codec (and its types crate, imap-types).
pub mod imap_codec {
    use super::*;
    use ::imap_codec::decode::{CommandDecodeError, Decoder, ResponseDecodeError};
    use ::imap_codec::encode::Encoder;
    use ::imap_codec::imap_types::body::{BodyStructure, SpecificFields};
    use ::imap_codec::imap_types::command::{Command, CommandBody};
    use ::imap_codec::imap_types::fetch::MessageDataItem;
    use ::imap_codec::imap_types::response::{Data, Response};
    use ::imap_codec::{CommandCodec, IdleDoneCodec, ResponseCodec};

    /// Why a stream did not decode.
    #[derive(Debug)]
    pub enum Error {
        /// A response failed.
        Response(usize, ResponseDecodeError),
        /// A command failed.
        Command(usize, String),
    }

    /// Decodes every response in `wire`, as a client does. Returns the number of responses and
    /// of FETCH responses.
    pub fn decode_all(wire: &[u8], codec: &ResponseCodec) -> Result<(usize, usize), Error> {
        let mut rest = wire;
        let mut n = 0;
        let mut fetches = 0;
        while !rest.is_empty() {
            let (r, resp) = codec
                .decode(rest)
                .map_err(|e| Error::Response(wire.len() - rest.len(), e))?;
            fetches += usize::from(matches!(resp, Response::Data(Data::Fetch { .. })));
            n += 1;
            rest = r;
            std::hint::black_box(resp);
        }
        Ok((n, fetches))
    }

    /// Decodes and keeps every response.
    pub fn decode_vec<'a>(wire: &'a [u8], codec: &ResponseCodec) -> Vec<Response<'a>> {
        let mut rest = wire;
        let mut v = Vec::new();
        while !rest.is_empty() {
            let (r, resp) = codec.decode(rest).expect("imap-codec decodes");
            v.push(resp);
            rest = r;
        }
        v
    }

    fn command_error(e: CommandDecodeError<'_>) -> String {
        format!("{e:?}")
    }

    /// Decodes every command in `wire`, as a server does. Returns the number of commands.
    pub fn decode_commands(
        wire: &[u8],
        codec: &CommandCodec,
        done: &IdleDoneCodec,
    ) -> Result<usize, Error> {
        let mut rest = wire;
        let mut n = 0;
        while !rest.is_empty() {
            let at = wire.len() - rest.len();
            let (r, cmd) = codec
                .decode(rest)
                .map_err(|e| Error::Command(at, command_error(e)))?;
            rest = r;
            if cmd.body == CommandBody::Idle {
                rest = done
                    .decode(rest)
                    .map_err(|e| Error::Command(at, format!("{e:?}")))?
                    .0;
            }
            n += 1;
            std::hint::black_box(cmd);
        }
        Ok(n)
    }

    /// Decodes and keeps every command.
    pub fn decode_command_vec<'a>(
        wire: &'a [u8],
        codec: &CommandCodec,
        done: &IdleDoneCodec,
    ) -> Vec<Command<'a>> {
        let mut rest = wire;
        let mut v = Vec::new();
        while !rest.is_empty() {
            let (r, cmd) = codec.decode(rest).expect("imap-codec decodes");
            rest = r;
            if cmd.body == CommandBody::Idle {
                rest = done.decode(rest).expect("DONE").0;
            }
            v.push(cmd);
        }
        v
    }

    /// Encodes every response to bytes; returns the total length.
    pub fn encode_responses(codec: &ResponseCodec, msgs: &[Response<'_>]) -> usize {
        msgs.iter()
            .map(|m| std::hint::black_box(codec.encode(m).dump()).len())
            .sum()
    }

    /// Encodes every command to bytes; returns the total length.
    pub fn encode_commands(codec: &CommandCodec, msgs: &[Command<'_>]) -> usize {
        msgs.iter()
            .map(|m| std::hint::black_box(codec.encode(m).dump()).len())
            .sum()
    }

    fn leaves(b: &BodyStructure<'_>) -> usize {
        match b {
            BodyStructure::Single { body, .. } => match &body.specific {
                SpecificFields::Message { body_structure, .. } => leaves(body_structure),
                _ => 1,
            },
            BodyStructure::Multi { bodies, .. } => bodies.as_ref().iter().map(leaves).sum(),
        }
    }

    /// The digests of the FETCH responses among `responses`.
    pub fn digests(responses: &[Response<'_>]) -> Vec<FetchDigest> {
        let mut out = Vec::new();
        for r in responses {
            let Response::Data(Data::Fetch { seq, items }) = r else {
                continue;
            };
            let mut d = FetchDigest {
                seq: seq.get(),
                ..FetchDigest::default()
            };
            for item in items.as_ref() {
                match item {
                    MessageDataItem::Uid(u) => d.uid = NonZeroU32::get(*u),
                    MessageDataItem::Rfc822Size(s) => d.size = u64::from(*s),
                    MessageDataItem::Envelope(e) => {
                        d.subject = e.subject.0.as_ref().map(|s| s.as_ref().to_vec());
                        d.addresses = e.from.len()
                            + e.sender.len()
                            + e.reply_to.len()
                            + e.to.len()
                            + e.cc.len()
                            + e.bcc.len();
                    }
                    MessageDataItem::BodyStructure(b) => d.leaves = leaves(b),
                    MessageDataItem::BodyExt { data, .. } => {
                        d.body_len = data.0.as_ref().map_or(0, |s| s.as_ref().len())
                    }
                    _ => {}
                }
            }
            out.push(d);
        }
        out
    }
}

/// imap-proto (responses only: it has no command parser and no encoder).
pub mod imap_proto {
    use super::*;
    use ::imap_proto::{AttributeValue, BodyStructure, Response};

    /// Decodes every response in `wire`, as a client does. Returns the number of responses and
    /// of FETCH responses, or the offset of the response that failed.
    pub fn decode_all(wire: &[u8]) -> Result<(usize, usize), usize> {
        let mut rest = wire;
        let mut n = 0;
        let mut fetches = 0;
        while !rest.is_empty() {
            let (r, resp) = Response::parse(rest).map_err(|_| wire.len() - rest.len())?;
            fetches += usize::from(matches!(resp, Response::Fetch(..)));
            n += 1;
            rest = r;
            std::hint::black_box(resp);
        }
        Ok((n, fetches))
    }

    /// Decodes and keeps every response.
    pub fn decode_vec(wire: &[u8]) -> Vec<Response<'_>> {
        let mut rest = wire;
        let mut v = Vec::new();
        while !rest.is_empty() {
            let (r, resp) = Response::parse(rest).expect("imap-proto decodes");
            v.push(resp);
            rest = r;
        }
        v
    }

    /// Removes the `\\` of quoted-string escapes (the generated literals hold no backslash).
    fn unescape(s: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(s.len());
        let mut escaped = false;
        for &b in s {
            if b == b'\\' && !escaped {
                escaped = true;
            } else {
                out.push(b);
                escaped = false;
            }
        }
        out
    }

    fn leaves(b: &BodyStructure<'_>) -> usize {
        match b {
            BodyStructure::Message { body, .. } => leaves(body),
            BodyStructure::Multipart { bodies, .. } => bodies.iter().map(leaves).sum(),
            _ => 1,
        }
    }

    /// The digests of the FETCH responses among `responses`.
    pub fn digests(responses: &[Response<'_>]) -> Vec<FetchDigest> {
        let mut out = Vec::new();
        for r in responses {
            let Response::Fetch(seq, items) = r else {
                continue;
            };
            let mut d = FetchDigest {
                seq: *seq,
                ..FetchDigest::default()
            };
            for item in items {
                match item {
                    AttributeValue::Uid(u) => d.uid = *u,
                    AttributeValue::Rfc822Size(s) => d.size = u64::from(*s),
                    AttributeValue::Envelope(e) => {
                        // imap-proto hands quoted strings out as sent, escapes included.
                        d.subject = e.subject.as_ref().map(|s| unescape(s));
                        d.addresses = [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc]
                            .iter()
                            .map(|l| l.as_ref().map_or(0, Vec::len))
                            .sum();
                    }
                    AttributeValue::BodyStructure(b) => d.leaves = leaves(b),
                    AttributeValue::BodySection { data, .. } => {
                        d.body_len = data.as_ref().map_or(0, |s| s.len())
                    }
                    _ => {}
                }
            }
            out.push(d);
        }
        out
    }
}

// -------------------------------------------------------------------------------------------
// Checks run once before timing
// -------------------------------------------------------------------------------------------

/// Asserts that every library decodes every response of `s` with its default settings, that the
/// response and FETCH counts are right, and that the three agree on every FETCH response (see
/// [`FetchDigest`]).
pub fn check_session(s: &Session) {
    let opts = mailwire_imap::codec::Options::responses();
    let rc = ::imap_codec::ResponseCodec::default();
    let counts = (s.responses, s.fetches);
    assert_eq!(
        mailwire::decode_all(&s.wire, &opts).expect("mailwire-imap decodes every response"),
        counts,
        "mailwire-imap"
    );
    assert_eq!(
        imap_codec::decode_all(&s.wire, &rc).expect("imap-codec decodes every response"),
        counts,
        "imap-codec"
    );
    assert_eq!(
        imap_proto::decode_all(&s.wire).expect("imap-proto decodes every response"),
        counts,
        "imap-proto"
    );
    let m = mailwire::digests(&mailwire::decode_vec(&s.wire, &opts));
    assert_eq!(m.len(), s.fetches);
    assert!(m.iter().enumerate().all(|(i, d)| d.seq as usize == i + 1));
    assert!(
        m.iter()
            .all(|d| d.uid > 0 && (d.leaves > 0 || d.body_len > 0))
    );
    assert_eq!(
        m,
        imap_codec::digests(&imap_codec::decode_vec(&s.wire, &rc)),
        "imap-codec disagrees"
    );
    assert_eq!(
        m,
        imap_proto::digests(&imap_proto::decode_vec(&s.wire)),
        "imap-proto disagrees"
    );
}

/// Asserts that mailwire-imap and imap-codec decode every command of `c` with their default
/// settings (imap-proto has no command parser), and that the count is right.
pub fn check_commands(c: &CommandStream) {
    let opts = mailwire_imap::codec::Options::commands();
    assert_eq!(
        mailwire::decode_commands(&c.wire, &opts).expect("mailwire-imap decodes every command"),
        c.commands
    );
    let v = mailwire::decode_command_vec(&c.wire, &opts);
    let idles = v
        .iter()
        .filter(|c| c.body == mailwire_imap::types::CommandBody::Idle)
        .count();
    assert_eq!(idles, c.idles);
    assert_eq!(
        imap_codec::decode_commands(
            &c.wire,
            &::imap_codec::CommandCodec::default(),
            &::imap_codec::IdleDoneCodec::default()
        )
        .expect("imap-codec decodes every command"),
        c.commands
    );
}

/// Encodes every response with mailwire-imap, asserts that each decodes back to the same value,
/// and returns the encoded length.
pub fn check_mailwire_encoding<T>(msgs: &[T]) -> usize
where
    T: mailwire_imap::codec::Encode + Reencode,
{
    msgs.iter()
        .map(|m| {
            let bytes = m.encode().dump();
            m.assert_decodes_back(&bytes);
            bytes.len()
        })
        .sum()
}

/// A mailwire-imap message that can be decoded back from its encoding.
pub trait Reencode {
    /// Asserts that `bytes` decode to `self`.
    fn assert_decodes_back(&self, bytes: &[u8]);
}

impl Reencode for mailwire_imap::types::Response<'_> {
    fn assert_decodes_back(&self, bytes: &[u8]) {
        let opts = mailwire_imap::codec::Options::responses();
        let (rest, back) = mailwire_imap::codec::decode_response(bytes, &opts).expect("re-decodes");
        assert!(rest.is_empty());
        assert_eq!(&back, self);
    }
}

impl Reencode for mailwire_imap::types::Command<'_> {
    fn assert_decodes_back(&self, bytes: &[u8]) {
        let opts = mailwire_imap::codec::Options::commands();
        let (rest, back) = mailwire_imap::codec::decode_command(bytes, &opts).expect("re-decodes");
        assert!(rest.is_empty());
        assert_eq!(&back, self);
    }
}

/// Encodes every response with imap-codec, asserts that each decodes back (with imap-codec) to
/// the same value, and returns the encoded length.
pub fn check_codec_responses(msgs: &[::imap_codec::imap_types::response::Response<'_>]) -> usize {
    use ::imap_codec::decode::Decoder;
    use ::imap_codec::encode::Encoder;
    let rc = ::imap_codec::ResponseCodec::default();
    msgs.iter()
        .map(|m| {
            let bytes = rc.encode(m).dump();
            let (rest, back) = rc.decode(&bytes).expect("re-decodes");
            assert!(rest.is_empty());
            assert_eq!(&back, m);
            bytes.len()
        })
        .sum()
}

/// Encodes every command with imap-codec and asserts that the encoding is stable: it decodes
/// (with imap-codec) to a value that encodes to the same bytes. (Not to an equal value: by
/// default imap-codec normalizes sequence sets, so `5,6:9` comes back as `5:9`.) Returns the
/// encoded length.
pub fn check_codec_commands(msgs: &[::imap_codec::imap_types::command::Command<'_>]) -> usize {
    use ::imap_codec::decode::Decoder;
    use ::imap_codec::encode::Encoder;
    let cc = ::imap_codec::CommandCodec::default();
    msgs.iter()
        .map(|m| {
            let bytes = cc.encode(m).dump();
            let (rest, back) = cc.decode(&bytes).expect("re-decodes");
            assert!(rest.is_empty());
            assert_eq!(cc.encode(&back).dump(), bytes);
            bytes.len()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_inputs_decode_with_every_library_and_they_agree() {
        check_session(&fetch_session(2_000, 1));
        check_session(&body_literals(3, 4096, 2));
        check_commands(&command_stream(2_000, 3));
    }

    #[test]
    fn generated_inputs_are_varied() {
        let s = fetch_session(2_000, 1);
        let w = &s.wire[..];
        let count = |pat: &[u8]| w.windows(pat.len()).filter(|x| *x == pat).count();
        let lit = count(b"}\r\n");
        assert!(lit > 60 && lit < 400, "{lit} literals");
        assert!(count(b"=?UTF-8?B?") > 500);
        assert!(count(b"=?UTF-8?Q?") > 200);
        assert!(count(b"\\\"") > 200, "escaped quotes");
        assert!(count(b"\\\\") > 100, "escaped backslashes");
        let rfc822 = count(b"\"MESSAGE\" \"RFC822\"") + count(b"\"message\" \"rfc822\"");
        assert!(rfc822 > 50 && rfc822 < 500, "{rfc822} message/rfc822 parts");
        assert!(count(b"\"ALTERNATIVE\"") + count(b"\"alternative\"") > 500);
        assert!(count(b"\"MIXED\"") + count(b"\"mixed\"") > 300);
        assert!(count(b"\"RELATED\"") + count(b"\"related\"") > 20);
        assert_eq!(count(b"BODYSTRUCTURE ("), 2_000);
    }

    #[test]
    fn encodings_decode_back() {
        let s = fetch_session(500, 4);
        let opts = mailwire_imap::codec::Options::responses();
        let m = mailwire::decode_vec(&s.wire, &opts);
        // The generated text is canonical: mailwire-imap encodes it back byte for byte.
        assert_eq!(check_mailwire_encoding(&m), s.wire.len());
        let c = imap_codec::decode_vec(&s.wire, &::imap_codec::ResponseCodec::default());
        assert!(check_codec_responses(&c) > 0);
        let cmds = command_stream(10_000, 3);
        let m =
            mailwire::decode_command_vec(&cmds.wire, &mailwire_imap::codec::Options::commands());
        assert!(check_mailwire_encoding(&m) > 0);
        let c = imap_codec::decode_command_vec(
            &cmds.wire,
            &::imap_codec::CommandCodec::default(),
            &::imap_codec::IdleDoneCodec::default(),
        );
        assert!(check_codec_commands(&c) > 0);
    }
}
