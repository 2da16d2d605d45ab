//! Encoders: the canonical wire form of every message (RFC 1939, RFC 2449, RFC 5034, RFC 6856).
//!
//! Canonical means: keywords, capability tags and response codes in upper case, single spaces,
//! message numbers without leading zeros, base64 with padding, bodies dot-stuffed and ending in
//! CRLF before the `.` line.

use mailwire_core::dot::Stuffer;
use mailwire_core::sasl::encode_base64;

use crate::types::{
    AuthLine, Capability, Command, ExpirePolicy, LangRequest, LanguageListing, Response,
    ScanListing, Status, StatusKind, UidListing,
};

/// Writes a message in its canonical wire form.
pub trait Encode {
    /// Appends the encoding to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// The encoding as a new vector.
    fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

fn push_num(out: &mut Vec<u8>, n: impl core::fmt::Display) {
    use std::io::Write as _;
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

impl Encode for Command<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.keyword().as_bytes());
        let arg = |out: &mut Vec<u8>, a: &[u8]| {
            out.push(b' ');
            out.extend_from_slice(a);
        };
        match self {
            Command::User(name) => arg(out, name.as_str().as_bytes()),
            Command::Pass(p) => arg(out, p.expose()),
            Command::Apop { name, digest } => {
                arg(out, name.as_str().as_bytes());
                arg(out, digest.to_hex().as_bytes());
            }
            Command::List(Some(n))
            | Command::Uidl(Some(n))
            | Command::Retr(n)
            | Command::Dele(n) => {
                out.push(b' ');
                push_num(out, n);
            }
            Command::Top { msg, lines } => {
                out.push(b' ');
                push_num(out, msg);
                out.push(b' ');
                push_num(out, lines);
            }
            Command::Auth(Some(a)) => {
                arg(out, a.mechanism.as_str().as_bytes());
                match &a.initial_response {
                    None => {}
                    Some(ir) if ir.expose().is_empty() => arg(out, b"="),
                    Some(ir) => arg(out, encode_base64(ir.expose()).as_bytes()),
                }
            }
            Command::Lang(Some(LangRequest::Wildcard)) => arg(out, b"*"),
            Command::Lang(Some(LangRequest::Range(t))) => arg(out, t.as_str().as_bytes()),
            Command::Other { params, .. } => {
                for p in params {
                    arg(out, p.as_str().as_bytes());
                }
            }
            Command::Stat
            | Command::List(None)
            | Command::Uidl(None)
            | Command::Noop
            | Command::Rset
            | Command::Quit
            | Command::Capa
            | Command::Stls
            | Command::Auth(None)
            | Command::Utf8
            | Command::Lang(None) => {}
        }
        out.extend_from_slice(b"\r\n");
    }
}

impl Encode for AuthLine {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            AuthLine::Cancel => out.push(b'*'),
            AuthLine::Response(r) => out.extend_from_slice(encode_base64(r.expose()).as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// Writes a status line without its CRLF.
pub(crate) fn status_line(status: &Status<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(match status.kind {
        StatusKind::Ok => b"+OK",
        StatusKind::Err => b"-ERR",
    });
    if let Some(code) = &status.code {
        out.extend_from_slice(b" [");
        out.extend_from_slice(code.as_str().as_bytes());
        out.push(b']');
    }
    if !status.text.is_empty() {
        out.push(b' ');
        out.extend_from_slice(status.text.as_bytes());
    }
}

impl Encode for Status<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        status_line(self, out);
        out.extend_from_slice(b"\r\n");
    }
}

fn scan(l: &ScanListing<'_>, out: &mut Vec<u8>) {
    push_num(out, l.msg);
    out.push(b' ');
    push_num(out, l.size);
    if !l.info.is_empty() {
        out.push(b' ');
        out.extend_from_slice(l.info.as_bytes());
    }
}

fn uid(l: &UidListing<'_>, out: &mut Vec<u8>) {
    push_num(out, l.msg);
    out.push(b' ');
    out.extend_from_slice(l.uid.as_str().as_bytes());
}

fn language(l: &LanguageListing<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(l.tag.as_str().as_bytes());
    if !l.description.is_empty() {
        out.push(b' ');
        out.extend_from_slice(l.description.as_bytes());
    }
}

impl Encode for Capability<'_> {
    /// Writes the capability line without CRLF.
    fn encode(&self, out: &mut Vec<u8>) {
        let user = |out: &mut Vec<u8>, on: bool| {
            if on {
                out.extend_from_slice(b" USER");
            }
        };
        match self {
            Capability::Top => out.extend_from_slice(b"TOP"),
            Capability::User => out.extend_from_slice(b"USER"),
            Capability::Sasl(mechs) => {
                out.extend_from_slice(b"SASL");
                for m in mechs {
                    out.push(b' ');
                    out.extend_from_slice(m.as_str().as_bytes());
                }
            }
            Capability::RespCodes => out.extend_from_slice(b"RESP-CODES"),
            Capability::LoginDelay { seconds, per_user } => {
                out.extend_from_slice(b"LOGIN-DELAY ");
                push_num(out, seconds);
                user(out, *per_user);
            }
            Capability::Pipelining => out.extend_from_slice(b"PIPELINING"),
            Capability::Expire { policy, per_user } => {
                out.extend_from_slice(b"EXPIRE ");
                match policy {
                    ExpirePolicy::Never => out.extend_from_slice(b"NEVER"),
                    ExpirePolicy::Days(d) => push_num(out, d),
                }
                user(out, *per_user);
            }
            Capability::Uidl => out.extend_from_slice(b"UIDL"),
            Capability::Implementation(t) => {
                out.extend_from_slice(b"IMPLEMENTATION");
                if !t.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(t.as_bytes());
                }
            }
            Capability::Stls => out.extend_from_slice(b"STLS"),
            Capability::AuthRespCode => out.extend_from_slice(b"AUTH-RESP-CODE"),
            Capability::Utf8 { user: u } => {
                out.extend_from_slice(b"UTF8");
                user(out, *u);
            }
            Capability::Lang => out.extend_from_slice(b"LANG"),
            Capability::Other { tag, params } => {
                out.extend_from_slice(tag.as_str().as_bytes());
                for p in params {
                    out.push(b' ');
                    out.extend_from_slice(p.as_str().as_bytes());
                }
            }
        }
    }
}

/// A `-ERR` is always a single line (RFC 1939 §3): multi-line variants carrying one encode
/// only their status line.
fn listing<T>(
    status: &Status<'_>,
    items: &[T],
    out: &mut Vec<u8>,
    line: impl Fn(&T, &mut Vec<u8>),
) {
    status.encode(out);
    if status.kind == StatusKind::Err {
        return;
    }
    for item in items {
        // No listing line can start with '.', so none needs stuffing.
        line(item, out);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
}

/// Writes a status line followed by a dot-stuffed body and the terminating line.
pub(crate) fn multi_line_body(status: &Status<'_>, body: &[u8], out: &mut Vec<u8>) {
    status.encode(out);
    if status.kind == StatusKind::Err {
        return;
    }
    let mut s = Stuffer::new();
    s.encode(body, out);
    s.finish(out);
}

impl Encode for Response<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Response::Greeting(s) | Response::Status(s) => s.encode(out),
            Response::Stat { count, size, text } => {
                out.extend_from_slice(b"+OK ");
                push_num(out, count);
                out.push(b' ');
                push_num(out, size);
                if !text.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(text.as_bytes());
                }
                out.extend_from_slice(b"\r\n");
            }
            Response::Scan(l) => {
                out.extend_from_slice(b"+OK ");
                scan(l, out);
                out.extend_from_slice(b"\r\n");
            }
            Response::Uid(l) => {
                out.extend_from_slice(b"+OK ");
                uid(l, out);
                out.extend_from_slice(b"\r\n");
            }
            Response::ScanList { status, listings } => listing(status, listings, out, scan),
            Response::UidList { status, listings } => listing(status, listings, out, uid),
            Response::Capabilities {
                status,
                capabilities,
            } => listing(status, capabilities, out, |c, o| c.encode(o)),
            Response::Mechanisms { status, mechanisms } => {
                listing(status, mechanisms, out, |m, o| {
                    o.extend_from_slice(m.as_str().as_bytes())
                })
            }
            Response::Languages { status, languages } => listing(status, languages, out, language),
            Response::Message { status, body } | Response::MultiLine { status, body } => {
                multi_line_body(status, body, out)
            }
            Response::Challenge(c) => {
                out.extend_from_slice(b"+ ");
                out.extend_from_slice(encode_base64(c.expose()).as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
    }
}
