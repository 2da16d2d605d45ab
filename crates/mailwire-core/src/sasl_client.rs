//! The client side of the SASL mechanisms mail clients use (RFC 4422 §3): the messages of PLAIN
//! (RFC 4616 §2), LOGIN (draft-murchison-sasl-login), XOAUTH2 (Google's documented format) and
//! OAUTHBEARER (RFC 7628 §3.1), as a small sans-IO exchange.
//!
//! [`ClientMechanism::start`] gives the initial response, [`SaslExchange::respond`] the answer to
//! each server challenge. Everything that carries a credential is a [`Secret`].
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
//! let mut exchange = ClientMechanism::start(&creds);
//! assert_eq!(exchange.mechanism(), "PLAIN");
//! // RFC 4616 §4, example 1.
//! assert_eq!(exchange.initial_response().unwrap().expose(), b"\0tim\0tanstaaftanstaaf");
//! ```

use crate::sasl::PlainCredentials;
use crate::secret::Secret;

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
}

impl SaslCredentials {
    /// The mechanism name, upper case (RFC 4422 §3.1).
    pub fn mechanism(&self) -> &'static str {
        match self {
            SaslCredentials::Plain { .. } => "PLAIN",
            SaslCredentials::Login { .. } => "LOGIN",
            SaslCredentials::XOAuth2 { .. } => "XOAUTH2",
            SaslCredentials::OAuthBearer { .. } => "OAUTHBEARER",
        }
    }
}

/// Starts exchanges for [`SaslCredentials`].
#[derive(Debug, Clone, Copy)]
pub struct ClientMechanism;

impl ClientMechanism {
    /// A new exchange for `credentials`.
    pub fn start(credentials: &SaslCredentials) -> SaslExchange {
        SaslExchange {
            credentials: credentials.clone(),
            step: 0,
            initial_sent: false,
        }
    }
}

/// One client-side SASL exchange (RFC 4422 §3.4).
#[derive(Debug, Clone)]
pub struct SaslExchange {
    credentials: SaslCredentials,
    step: u32,
    initial_sent: bool,
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
    /// §3.3): PLAIN, XOAUTH2 and OAUTHBEARER. `None` for LOGIN, which waits for a challenge.
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
    pub fn respond(&mut self, _challenge: &[u8]) -> Secret<Vec<u8>> {
        self.step += 1;
        if let SaslCredentials::Login { user, password } = &self.credentials {
            return match self.step {
                1 => Secret::new(user.as_bytes().to_vec()),
                2 => Secret::new(password.expose().as_bytes().to_vec()),
                _ => Secret::new(Vec::new()),
            };
        }
        if !self.initial_sent {
            self.initial_sent = true;
            if let Some(m) = self.first_message() {
                return m;
            }
        }
        match self.credentials {
            SaslCredentials::OAuthBearer { .. } => Secret::new(vec![0x01]),
            _ => Secret::new(Vec::new()),
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
        let mut ex = ClientMechanism::start(&creds);
        // RFC 4616 §4 example 2.
        assert_eq!(ex.respond(b"").expose(), b"Ursel\0Kurt\0xipj3plmq");
        assert_eq!(ex.respond(b"").expose(), b"");
    }

    #[test]
    fn login_answers_user_then_password() {
        let creds = SaslCredentials::Login {
            user: "alice".into(),
            password: Secret::new("secret".into()),
        };
        let mut ex = ClientMechanism::start(&creds);
        assert!(ex.initial_response().is_none());
        assert_eq!(ex.respond(b"Username:").expose(), b"alice");
        assert_eq!(ex.respond(b"Password:").expose(), b"secret");
    }

    #[test]
    fn xoauth2_message_and_error_answer() {
        // Google's XOAUTH2 page example (token shortened).
        let creds = SaslCredentials::XOAuth2 {
            user: "someuser@example.com".into(),
            token: Secret::new("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg".into()),
        };
        let mut ex = ClientMechanism::start(&creds);
        assert_eq!(
            ex.initial_response().unwrap().expose(),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        assert_eq!(ex.respond(b"{\"status\":\"401\"}").expose(), b"");
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
        let mut ex = ClientMechanism::start(&creds);
        assert_eq!(
            ex.initial_response().unwrap().expose(),
            b"n,a=us=3Der=2Cx@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(
            ex.respond(b"{\"status\":\"invalid_token\"}").expose(),
            b"\x01"
        );
    }

    #[test]
    fn debug_hides_credentials() {
        let creds = SaslCredentials::XOAuth2 {
            user: "u".into(),
            token: Secret::new("tok-123".into()),
        };
        let ex = ClientMechanism::start(&creds);
        let shown = format!("{creds:?} {ex:?}");
        assert!(!shown.contains("tok-123"), "{shown}");
    }
}
