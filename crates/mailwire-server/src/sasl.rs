//! The server side of the SASL mechanisms both protocols offer: PLAIN (RFC 4616), LOGIN
//! (draft-murchison-sasl-login) and SCRAM-SHA-256 (RFC 5802, RFC 7677), with or without an
//! initial response (RFC 4959 SASL-IR, RFC 5034 §4). The sessions carry the exchange over their
//! own wire format (IMAP `AUTHENTICATE`, RFC 9051 §6.2.2; POP3 `AUTH`, RFC 5034).
//!
//! SCRAM-SHA-256 needs the store twice: for the user's verifier after the client-first-message
//! ([`Next::ScramLookup`]) and to open the account once the exchange succeeded
//! ([`Next::Authenticated`]). The server-final-message goes as a last challenge, answered by an
//! empty response (RFC 9051 §6.2.2, RFC 5034 §4).

use std::sync::OnceLock;

use mailwire_core::Secret;
use mailwire_core::sasl::PlainCredentials;
use mailwire_core::scram::{self, ScramServer, ScramServerFinal, ScramVerifier};

/// An exchange waiting for the client's next response.
#[derive(Debug)]
pub(crate) enum Sasl {
    /// PLAIN without an initial response: the next response is the message.
    Plain,
    /// LOGIN waiting for the user name.
    LoginUser,
    /// LOGIN waiting for the password.
    LoginPassword(String),
    /// SCRAM-SHA-256 without an initial response: the next response is the
    /// client-first-message.
    ScramFirst,
    /// SCRAM-SHA-256 waiting for the client-final-message.
    ScramFinal(Box<ScramServerFinal>),
    /// SCRAM-SHA-256 after the server-final-message: waiting for the empty response.
    ScramDone(String),
}

/// What the session does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send this challenge and keep the exchange.
    Challenge(Sasl, Vec<u8>),
    /// Check these credentials.
    Login(String, Secret<String>),
    /// Look up the SCRAM-SHA-256 verifier of the user the client named, then go on with
    /// [`Sasl::scram_server_first`].
    ScramLookup(Box<ScramServer>),
    /// The exchange proved the user's identity: open the account without a password.
    Authenticated(String),
    /// The client's data is malformed or its proof wrong: authentication failed.
    Failed,
    /// The mechanism is not offered.
    Unsupported,
}

/// The key of the mock salts for unknown users (RFC 5802 §5.1): random per process, so that a
/// user name gets the same salt on every attempt while the server runs.
/// `None` if the operating system's generator failed (SCRAM logins then fail).
fn mock_key() -> Option<&'static [u8; 32]> {
    static KEY: OnceLock<Option<[u8; 32]>> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).ok().map(|()| k)
    })
    .as_ref()
}

impl Sasl {
    /// Starts `mechanism` (case-insensitive) with the client's initial response, if any.
    /// `scram` says whether SCRAM-SHA-256 is offered (the store keeps verifiers).
    pub(crate) fn start(mechanism: &str, initial: Option<Secret<Vec<u8>>>, scram: bool) -> Next {
        if scram && mechanism.eq_ignore_ascii_case(scram::MECHANISM) {
            return match initial {
                Some(ir) => scram_first(ir.expose()),
                None => Next::Challenge(Sasl::ScramFirst, Vec::new()),
            };
        }
        if mechanism.eq_ignore_ascii_case("PLAIN") {
            match initial {
                Some(ir) => plain(ir.expose()),
                None => Next::Challenge(Sasl::Plain, Vec::new()),
            }
        } else if mechanism.eq_ignore_ascii_case("LOGIN") {
            match initial {
                Some(ir) if !ir.expose().is_empty() => Sasl::LoginUser.respond(ir),
                _ => Next::Challenge(Sasl::LoginUser, b"Username:".to_vec()),
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
                    Next::Challenge(Sasl::LoginPassword(user), b"Password:".to_vec())
                }
                _ => Next::Failed,
            },
            Sasl::LoginPassword(user) => match String::from_utf8(data.into_inner()) {
                Ok(p) => Next::Login(user, Secret::new(p)),
                Err(_) => Next::Failed,
            },
            Sasl::ScramFirst => scram_first(data.expose()),
            Sasl::ScramFinal(server) => match server.client_final(data.expose()) {
                Ok(ok) => {
                    let server_final = ok.server_final().to_vec();
                    Next::Challenge(Sasl::ScramDone(ok.user().to_owned()), server_final)
                }
                Err(e) => {
                    tracing::debug!(error = %e, "SCRAM-SHA-256 client-final refused");
                    Next::Failed
                }
            },
            // RFC 5034 §4, RFC 9051 §6.2.2: the answer to the server-final-message is empty.
            Sasl::ScramDone(user) if data.expose().is_empty() => Next::Authenticated(user),
            Sasl::ScramDone(_) => Next::Failed,
        }
    }

    /// Answers a SCRAM-SHA-256 client-first-message with the server-first-message, given the
    /// user's verifier (`None` for an unknown user or one without SCRAM credentials: a mock
    /// salt is sent and the exchange fails at the proof, RFC 5802 §5.1).
    pub(crate) fn scram_server_first(server: ScramServer, verifier: Option<ScramVerifier>) -> Next {
        let Some(key) = mock_key() else {
            tracing::error!("no random key for SCRAM mock salts: the OS generator failed");
            return Next::Failed;
        };
        match server.server_first(verifier, key) {
            Ok((server, message)) => Next::Challenge(Sasl::ScramFinal(Box::new(server)), message),
            Err(e) => {
                tracing::error!(error = %e, "SCRAM-SHA-256 server-first");
                Next::Failed
            }
        }
    }
}

/// RFC 5802 §5.1 client-first-message; acting as another user is refused.
fn scram_first(message: &[u8]) -> Next {
    match ScramServer::client_first(message) {
        Ok(s) if s.authzid().is_none_or(|z| z == s.user()) => Next::ScramLookup(Box::new(s)),
        Ok(_) => Next::Failed,
        Err(e) => {
            tracing::debug!(error = %e, "SCRAM-SHA-256 client-first refused");
            Next::Failed
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
            Sasl::start("plain", Some(s(b"\0alice\0pw")), true),
            Next::Login(u, p) if u == "alice" && p.expose() == "pw"
        ));
        assert!(matches!(
            Sasl::start("PLAIN", Some(s(b"bob\0alice\0pw")), true),
            Next::Failed
        ));
        let Next::Challenge(st, c) = Sasl::start("PLAIN", None, true) else {
            panic!()
        };
        assert_eq!(c, b"");
        assert!(matches!(
            st.respond(s(b"alice\0alice\0pw")),
            Next::Login(..)
        ));
        let Next::Challenge(st, c) = Sasl::start("LOGIN", None, true) else {
            panic!()
        };
        assert_eq!(c, b"Username:");
        let Next::Challenge(st, c) = st.respond(s(b"alice")) else {
            panic!()
        };
        assert_eq!(c, b"Password:");
        assert!(matches!(st.respond(s(b"pw")), Next::Login(u, _) if u == "alice"));
        // SASL-IR with LOGIN: the initial response is the user name.
        assert!(matches!(
            Sasl::start("LOGIN", Some(s(b"alice")), true),
            Next::Challenge(Sasl::LoginPassword(_), c) if c == b"Password:"
        ));
        assert!(matches!(
            Sasl::start("CRAM-MD5", None, true),
            Next::Unsupported
        ));
        assert!(matches!(Sasl::LoginUser.respond(s(&[0xff])), Next::Failed));
    }

    /// Runs a SCRAM-SHA-256 exchange as a session would, the store knowing "pencil" for
    /// "user"; gives the final step.
    fn scram_run(password: &str, initial: bool, known: bool, last: &[u8]) -> Next {
        use mailwire_core::scram::ScramClient;
        let client = ScramClient::new(None, "user", Secret::new(password)).unwrap();
        let first = s(&client.client_first());
        let next = if initial {
            Sasl::start("scram-sha-256", Some(first), true)
        } else {
            let Next::Challenge(st, c) = Sasl::start("SCRAM-SHA-256", None, true) else {
                panic!()
            };
            assert_eq!(c, b"");
            st.respond(first)
        };
        let Next::ScramLookup(server) = next else {
            panic!("{next:?}")
        };
        assert_eq!(server.user(), "user");
        let verifier = known.then(|| ScramVerifier::generate(Secret::new("pencil")).unwrap());
        let Next::Challenge(st, server_first) = Sasl::scram_server_first(*server, verifier) else {
            panic!()
        };
        let Ok((client, client_final)) = client.server_first(&server_first) else {
            panic!()
        };
        match st.respond(client_final) {
            Next::Challenge(st @ Sasl::ScramDone(_), server_final) => {
                client.server_final(&server_final).unwrap();
                st.respond(s(last))
            }
            other => other,
        }
    }

    #[test]
    fn scram_sha256() {
        for initial in [true, false] {
            assert!(matches!(
                scram_run("pencil", initial, true, b""),
                Next::Authenticated(u) if u == "user"
            ));
        }
        assert!(matches!(
            scram_run("pencil", true, true, b"x"),
            Next::Failed
        ));
        assert!(matches!(scram_run("wrong", true, true, b""), Next::Failed));
        assert!(matches!(
            scram_run("pencil", true, false, b""),
            Next::Failed
        ));
        // Not offered when the store keeps no verifiers; malformed, channel binding and
        // another authzid fail.
        assert!(matches!(
            Sasl::start("SCRAM-SHA-256", None, false),
            Next::Unsupported
        ));
        for bad in [
            &b"n,,n=user"[..],
            b"p=tls-unique,,n=user,r=abc",
            b"n,a=bob,n=user,r=abc",
        ] {
            assert!(matches!(
                Sasl::start("SCRAM-SHA-256", Some(s(bad)), true),
                Next::Failed
            ));
        }
    }
}
