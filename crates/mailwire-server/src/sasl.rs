//! The server side of the SASL mechanisms both protocols offer: PLAIN (RFC 4616) and LOGIN
//! (draft-murchison-sasl-login), with or without an initial response (RFC 4959 SASL-IR,
//! RFC 5034 §4). The sessions carry the exchange over their own wire format (IMAP
//! `AUTHENTICATE`, RFC 9051 §6.2.2; POP3 `AUTH`, RFC 5034).

use mailwire_core::Secret;
use mailwire_core::sasl::PlainCredentials;

/// An exchange waiting for the client's next response.
#[derive(Debug)]
pub(crate) enum Sasl {
    /// PLAIN without an initial response: the next response is the message.
    Plain,
    /// LOGIN waiting for the user name.
    LoginUser,
    /// LOGIN waiting for the password.
    LoginPassword(String),
}

/// What the session does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send this challenge and keep the exchange.
    Challenge(Sasl, &'static [u8]),
    /// Check these credentials.
    Login(String, Secret<String>),
    /// The client's data is malformed: authentication failed.
    Failed,
    /// The mechanism is not offered.
    Unsupported,
}

impl Sasl {
    /// Starts `mechanism` (case-insensitive) with the client's initial response, if any.
    pub(crate) fn start(mechanism: &str, initial: Option<Secret<Vec<u8>>>) -> Next {
        if mechanism.eq_ignore_ascii_case("PLAIN") {
            match initial {
                Some(ir) => plain(ir.expose()),
                None => Next::Challenge(Sasl::Plain, b""),
            }
        } else if mechanism.eq_ignore_ascii_case("LOGIN") {
            match initial {
                Some(ir) if !ir.expose().is_empty() => Sasl::LoginUser.respond(ir),
                _ => Next::Challenge(Sasl::LoginUser, b"Username:"),
            }
        } else {
            Next::Unsupported
        }
    }

    /// Takes the client's next response.
    pub(crate) fn respond(self, data: Secret<Vec<u8>>) -> Next {
        match self {
            Sasl::Plain => plain(data.expose()),
            Sasl::LoginUser => match String::from_utf8(data.into_inner()) {
                Ok(user) if !user.is_empty() => {
                    Next::Challenge(Sasl::LoginPassword(user), b"Password:")
                }
                _ => Next::Failed,
            },
            Sasl::LoginPassword(user) => match String::from_utf8(data.into_inner()) {
                Ok(p) => Next::Login(user, Secret::new(p)),
                Err(_) => Next::Failed,
            },
        }
    }
}

/// RFC 4616 §2: `[authzid] NUL authcid NUL passwd`; acting as another user is refused.
fn plain(message: &[u8]) -> Next {
    match PlainCredentials::parse(message) {
        Ok(c) if c.authzid.as_ref().is_none_or(|z| *z == c.authcid) => {
            Next::Login(c.authcid, c.password)
        }
        _ => Next::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> Secret<Vec<u8>> {
        Secret::new(b.to_vec())
    }

    #[test]
    fn plain_and_login() {
        assert!(matches!(
            Sasl::start("plain", Some(s(b"\0alice\0pw"))),
            Next::Login(u, p) if u == "alice" && p.expose() == "pw"
        ));
        assert!(matches!(
            Sasl::start("PLAIN", Some(s(b"bob\0alice\0pw"))),
            Next::Failed
        ));
        let Next::Challenge(st, b"") = Sasl::start("PLAIN", None) else {
            panic!()
        };
        assert!(matches!(
            st.respond(s(b"alice\0alice\0pw")),
            Next::Login(..)
        ));
        let Next::Challenge(st, b"Username:") = Sasl::start("LOGIN", None) else {
            panic!()
        };
        let Next::Challenge(st, b"Password:") = st.respond(s(b"alice")) else {
            panic!()
        };
        assert!(matches!(st.respond(s(b"pw")), Next::Login(u, _) if u == "alice"));
        // SASL-IR with LOGIN: the initial response is the user name.
        assert!(matches!(
            Sasl::start("LOGIN", Some(s(b"alice"))),
            Next::Challenge(Sasl::LoginPassword(_), b"Password:")
        ));
        assert!(matches!(Sasl::start("CRAM-MD5", None), Next::Unsupported));
        assert!(matches!(Sasl::LoginUser.respond(s(&[0xff])), Next::Failed));
    }
}
