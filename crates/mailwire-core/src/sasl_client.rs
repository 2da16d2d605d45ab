//! The client side of the SASL mechanisms mail clients use (RFC 4422 §3): the messages of PLAIN
//! (RFC 4616 §2), LOGIN (draft-murchison-sasl-login), XOAUTH2 (Google's documented format),
//! OAUTHBEARER (RFC 7628 §3.1) and SCRAM-SHA-256 (RFC 5802, RFC 7677), as a small sans-IO
//! exchange.
//!
//! [`ClientMechanism::start`] gives the exchange, [`SaslExchange::initial_response`] the initial
//! response, [`SaslExchange::respond`] the answer to each server challenge, and
//! [`SaslExchange::finish`] says, once the server accepted, whether the server proved itself too
//! (SCRAM's server signature, RFC 5802 §5.1). Everything that carries a credential is a
//! [`Secret`].
//!
//! ```
//! use mailwire_core::sasl_client::{ClientMechanism, SaslCredentials};
//! use mailwire_core::Secret;
//!
//! let creds = SaslCredentials::Plain {
//!     authzid: None,
//!     user: "tim".into(),
//!     password: Secret::new("tanstaaftanstaaf".into()),
//! };
//! let mut exchange = ClientMechanism::start(&creds).unwrap();
//! assert_eq!(exchange.mechanism(), "PLAIN");
//! // RFC 4616 §4, example 1.
//! assert_eq!(exchange.initial_response().unwrap().expose(), b"\0tim\0tanstaaftanstaaf");
//! ```

use crate::sasl::PlainCredentials;
use crate::scram::{ScramClient, ScramClientFinal, ScramError};
use crate::secret::Secret;

/// A client-side exchange that cannot go on (RFC 4422 §3.4, §5).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslClientError {
    /// SCRAM-SHA-256 failed: a malformed or hostile server message, a wrong server signature,
    /// credentials SASLprep refuses (RFC 5802 §5.1).
    #[error("SCRAM-SHA-256: {0}")]
    Scram(#[from] ScramError),
    /// The server sent a challenge after the exchange had ended on the client's side.
    #[error("unexpected SASL challenge after the exchange ended")]
    UnexpectedChallenge,
    /// The server reported success before it proved that it knows the credentials (SCRAM's
    /// server-final-message never came, RFC 5802 §5.1).
    #[error("the server accepted before sending its SCRAM server signature")]
    ServerNotVerified,
}

/// Credentials for one of the built-in client mechanisms.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaslCredentials {
    /// PLAIN (RFC 4616 §2): `[authzid] NUL user NUL password`.
    Plain {
        /// Act as this user (authorization identity), if not the authenticated user.
        authzid: Option<String>,
        /// The authentication identity.
        user: String,
        /// The password.
        password: Secret<String>,
    },
    /// LOGIN (draft-murchison-sasl-login-00 §2): the user name, then the password, each as the
    /// answer to a server challenge.
    Login {
        /// The user name.
        user: String,
        /// The password.
        password: Secret<String>,
    },
    /// XOAUTH2 (Google's "OAuth 2.0 Mechanism" page): `user=U ^A auth=Bearer T ^A ^A`.
    XOAuth2 {
        /// The user (e-mail address).
        user: String,
        /// The OAuth 2.0 access token.
        token: Secret<String>,
    },
    /// OAUTHBEARER (RFC 7628 §3.1): a GS2 header and `host`, `port`, `auth` key-value pairs.
    OAuthBearer {
        /// The user (`a=` authorization identity of the GS2 header).
        user: String,
        /// The server's host name (`host=`), if known.
        host: Option<String>,
        /// The server's port (`port=`), if known.
        port: Option<u16>,
        /// The OAuth 2.0 bearer token.
        token: Secret<String>,
    },
    /// SCRAM-SHA-256 (RFC 5802 §5, RFC 7677): the password never crosses the wire, and the
    /// server proves that it knows it too.
    ScramSha256 {
        /// Act as this user (GS2 `a=` authorization identity), if not the authenticated user.
        authzid: Option<String>,
        /// The authentication identity (`n=`).
        user: String,
        /// The password (prepared with SASLprep, RFC 4013).
        password: Secret<String>,
    },
}

impl SaslCredentials {
    /// The mechanism name, upper case (RFC 4422 §3.1).
    pub fn mechanism(&self) -> &'static str {
        match self {
            SaslCredentials::Plain { .. } => "PLAIN",
            SaslCredentials::Login { .. } => "LOGIN",
            SaslCredentials::XOAuth2 { .. } => "XOAUTH2",
            SaslCredentials::OAuthBearer { .. } => "OAUTHBEARER",
            SaslCredentials::ScramSha256 { .. } => crate::scram::MECHANISM,
        }
    }
}

/// Starts exchanges for [`SaslCredentials`].
#[derive(Debug, Clone, Copy)]
pub struct ClientMechanism;

impl ClientMechanism {
    /// A new exchange for `credentials`. Fails only for SCRAM-SHA-256 credentials that
    /// SASLprep refuses (RFC 5802 §5.1, RFC 4013).
    pub fn start(credentials: &SaslCredentials) -> Result<SaslExchange, SaslClientError> {
        let scram = match credentials {
            SaslCredentials::ScramSha256 {
                authzid,
                user,
                password,
            } => Some(Scram::Start(ScramClient::new(
                authzid.as_deref(),
                user,
                Secret::new(password.expose()),
            )?)),
            _ => None,
        };
        Ok(SaslExchange {
            credentials: credentials.clone(),
            step: 0,
            initial_sent: false,
            scram,
        })
    }
}

/// One client-side SASL exchange (RFC 4422 §3.4).
#[derive(Debug, Clone)]
pub struct SaslExchange {
    credentials: SaslCredentials,
    step: u32,
    initial_sent: bool,
    scram: Option<Scram>,
}

/// Where a SCRAM-SHA-256 exchange is (RFC 5802 §5).
#[derive(Debug, Clone)]
enum Scram {
    /// Waiting for the server-first-message.
    Start(ScramClient),
    /// Waiting for the server-final-message.
    Final(ScramClientFinal),
    /// The server signature checked out.
    Verified,
    /// The exchange failed.
    Failed,
}

/// RFC 7628 §3.1 `saslname`: `=` and `,` are written `=3D` and `=2C`.
fn gs2_saslname(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

impl SaslExchange {
    /// The mechanism name.
    pub fn mechanism(&self) -> &'static str {
        self.credentials.mechanism()
    }

    /// The message the client sends first, for mechanisms that are "client first" (RFC 4422
    /// §3.3): PLAIN, XOAUTH2, OAUTHBEARER and SCRAM-SHA-256 (its client-first-message). `None`
    /// for LOGIN, which waits for a challenge.
    /// Calling this marks the initial response as sent.
    pub fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        let msg = self.first_message()?;
        self.initial_sent = true;
        Some(msg)
    }

    fn first_message(&self) -> Option<Secret<Vec<u8>>> {
        match &self.credentials {
            SaslCredentials::Plain {
                authzid,
                user,
                password,
            } => Some(
                PlainCredentials {
                    authzid: authzid.clone(),
                    authcid: user.clone(),
                    password: password.clone(),
                }
                .to_message(),
            ),
            SaslCredentials::Login { .. } => None,
            SaslCredentials::ScramSha256 { .. } => match &self.scram {
                Some(Scram::Start(c)) => Some(Secret::new(c.client_first())),
                _ => None,
            },
            SaslCredentials::XOAuth2 { user, token } => Some(Secret::new(
                format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose()).into_bytes(),
            )),
            SaslCredentials::OAuthBearer {
                user,
                host,
                port,
                token,
            } => {
                let mut m = format!("n,a={},\x01", gs2_saslname(user));
                if let Some(h) = host {
                    m.push_str(&format!("host={h}\x01"));
                }
                if let Some(p) = port {
                    m.push_str(&format!("port={p}\x01"));
                }
                m.push_str(&format!("auth=Bearer {}\x01\x01", token.expose()));
                Some(Secret::new(m.into_bytes()))
            }
        }
    }

    /// The answer to a server challenge (already base64-decoded).
    ///
    /// - PLAIN, XOAUTH2, OAUTHBEARER without an initial response: the first (empty) challenge
    ///   gets the initial message (RFC 4422 §3.3, RFC 4959 absent).
    /// - LOGIN: the first challenge gets the user name, the second the password.
    /// - A challenge after the client message of XOAUTH2 carries the server's error (JSON); the
    ///   answer is empty so the server can fail the exchange. For OAUTHBEARER the answer is a
    ///   single `%x01` (RFC 7628 §3.2.3).
    /// - SCRAM-SHA-256: the server-first-message gets the client-final-message; the
    ///   server-final-message (sent as a last challenge, RFC 9051 §6.2.2, RFC 5034 §4) is checked
    ///   and answered with an empty response. A wrong server signature or a malformed message is
    ///   an error: the caller cancels the exchange (`*`) and must not trust the server.
    pub fn respond(&mut self, challenge: &[u8]) -> Result<Secret<Vec<u8>>, SaslClientError> {
        self.step += 1;
        if let SaslCredentials::Login { user, password } = &self.credentials {
            return Ok(match self.step {
                1 => Secret::new(user.as_bytes().to_vec()),
                2 => Secret::new(password.expose().as_bytes().to_vec()),
                _ => Secret::new(Vec::new()),
            });
        }
        if !self.initial_sent {
            self.initial_sent = true;
            if let Some(m) = self.first_message() {
                return Ok(m);
            }
        }
        if let Some(state) = self.scram.take() {
            self.scram = Some(Scram::Failed);
            let (next, answer) = match state {
                Scram::Start(c) => {
                    let (fin, message) = c.server_first(challenge)?;
                    (Scram::Final(fin), message)
                }
                Scram::Final(fin) => {
                    fin.server_final(challenge)?;
                    (Scram::Verified, Secret::new(Vec::new()))
                }
                Scram::Verified | Scram::Failed => {
                    return Err(SaslClientError::UnexpectedChallenge);
                }
            };
            self.scram = Some(next);
            return Ok(answer);
        }
        Ok(match self.credentials {
            SaslCredentials::OAuthBearer { .. } => Secret::new(vec![0x01]),
            _ => Secret::new(Vec::new()),
        })
    }

    /// Called when the server reported success: whether the exchange is complete on the
    /// client's side too. For SCRAM-SHA-256 the server must have sent a valid server signature
    /// (RFC 5802 §5.1); a server that skips it has not shown that it knows the password.
    pub fn finish(&self) -> Result<(), SaslClientError> {
        match self.scram {
            None | Some(Scram::Verified) => Ok(()),
            Some(_) => Err(SaslClientError::ServerNotVerified),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_without_initial_response_answers_the_empty_challenge() {
        let creds = SaslCredentials::Plain {
            authzid: Some("Ursel".into()),
            user: "Kurt".into(),
            password: Secret::new("xipj3plmq".into()),
        };
        let mut ex = ClientMechanism::start(&creds).unwrap();
        // RFC 4616 §4 example 2.
        assert_eq!(ex.respond(b"").unwrap().expose(), b"Ursel\0Kurt\0xipj3plmq");
        assert_eq!(ex.respond(b"").unwrap().expose(), b"");
    }

    #[test]
    fn login_answers_user_then_password() {
        let creds = SaslCredentials::Login {
            user: "alice".into(),
            password: Secret::new("secret".into()),
        };
        let mut ex = ClientMechanism::start(&creds).unwrap();
        assert!(ex.initial_response().is_none());
        assert_eq!(ex.respond(b"Username:").unwrap().expose(), b"alice");
        assert_eq!(ex.respond(b"Password:").unwrap().expose(), b"secret");
    }

    #[test]
    fn xoauth2_message_and_error_answer() {
        // Google's XOAUTH2 page example (token shortened).
        let creds = SaslCredentials::XOAuth2 {
            user: "someuser@example.com".into(),
            token: Secret::new("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg".into()),
        };
        let mut ex = ClientMechanism::start(&creds).unwrap();
        assert_eq!(
            ex.initial_response().unwrap().expose(),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        assert_eq!(ex.respond(b"{\"status\":\"401\"}").unwrap().expose(), b"");
    }

    #[test]
    fn oauthbearer_message_escapes_the_user_and_answers_errors_with_kvsep() {
        // RFC 7628 §4.1 example, with an '=' and ',' in the name to check the escaping.
        let creds = SaslCredentials::OAuthBearer {
            user: "us=er,x@example.com".into(),
            host: Some("server.example.com".into()),
            port: Some(143),
            token: Secret::new("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==".into()),
        };
        let mut ex = ClientMechanism::start(&creds).unwrap();
        assert_eq!(
            ex.initial_response().unwrap().expose(),
            b"n,a=us=3Der=2Cx@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(
            ex.respond(b"{\"status\":\"invalid_token\"}")
                .unwrap()
                .expose(),
            b"\x01"
        );
    }

    fn scram_creds(password: &str) -> SaslCredentials {
        SaslCredentials::ScramSha256 {
            authzid: None,
            user: "user".into(),
            password: Secret::new(password.into()),
        }
    }

    /// Runs `creds` against a SCRAM server that knows "pencil"; `tamper` may change the
    /// server-final-message. Gives the client's verdict on the server-final-message.
    fn scram_against_server(
        creds: &SaslCredentials,
        with_initial_response: bool,
        tamper: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), SaslClientError> {
        use crate::scram::{ScramServer, ScramVerifier};
        let verifier = ScramVerifier::generate(Secret::new("pencil")).unwrap();
        let mut ex = ClientMechanism::start(creds).unwrap();
        assert_eq!(ex.mechanism(), "SCRAM-SHA-256");
        let first = if with_initial_response {
            ex.initial_response().unwrap()
        } else {
            ex.respond(b"").unwrap()
        };
        let server = ScramServer::client_first(first.expose()).unwrap();
        let (server, server_first) = server.server_first(Some(verifier), b"k").unwrap();
        let client_final = ex.respond(&server_first).unwrap();
        assert_eq!(ex.finish(), Err(SaslClientError::ServerNotVerified));
        let mut server_final = match server.client_final(client_final.expose()) {
            Ok(ok) => ok.server_final().to_vec(),
            Err(_) => b"e=invalid-proof".to_vec(),
        };
        tamper(&mut server_final);
        let last = ex.respond(&server_final)?;
        assert_eq!(last.expose(), b"");
        ex.finish()?;
        assert_eq!(
            ex.respond(b"more").unwrap_err(),
            SaslClientError::UnexpectedChallenge
        );
        Ok(())
    }

    #[test]
    fn scram_exchange_checks_the_server_signature() {
        let creds = scram_creds("pencil");
        assert_eq!(scram_against_server(&creds, true, |_| {}), Ok(()));
        assert_eq!(scram_against_server(&creds, false, |_| {}), Ok(()));
        // A flipped bit in the signature: "v=" then base64; change one base64 digit.
        let err = scram_against_server(&creds, true, |m| {
            m[2] = if m[2] == b'A' { b'B' } else { b'A' };
        })
        .unwrap_err();
        assert_eq!(
            err,
            SaslClientError::Scram(ScramError::ServerSignatureMismatch)
        );
        let err = scram_against_server(&scram_creds("wrong"), true, |_| {}).unwrap_err();
        assert!(
            matches!(err, SaslClientError::Scram(ScramError::ServerError(_))),
            "{err}"
        );
        // SASLprep refuses a control character before anything is sent.
        assert!(matches!(
            ClientMechanism::start(&scram_creds("a\u{0}b")),
            Err(SaslClientError::Scram(ScramError::Saslprep("password")))
        ));
    }

    #[test]
    fn debug_hides_credentials() {
        let creds = SaslCredentials::XOAuth2 {
            user: "u".into(),
            token: Secret::new("tok-123".into()),
        };
        let ex = ClientMechanism::start(&creds).unwrap();
        let shown = format!("{creds:?} {ex:?}");
        assert!(!shown.contains("tok-123"), "{shown}");
        let creds = scram_creds("pencil-123");
        let ex = ClientMechanism::start(&creds).unwrap();
        let shown = format!("{creds:?} {ex:?}");
        assert!(!shown.contains("pencil-123"), "{shown}");
    }
}
