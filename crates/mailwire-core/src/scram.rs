//! SCRAM-SHA-256 (RFC 5802, RFC 7677), sans-IO: the four messages, the key derivation, a stored
//! [`ScramVerifier`], and the server and client state machines.
//!
//! The exchange (RFC 5802 §3, §5):
//!
//! ```text
//! C: n,,n=user,r=<client nonce>                          client-first-message
//! S: r=<client nonce><server nonce>,s=<salt>,i=<count>   server-first-message
//! C: c=biws,r=<both nonces>,p=<ClientProof>              client-final-message
//! S: v=<ServerSignature>                                 server-final-message
//! ```
//!
//! with (RFC 5802 §3)
//!
//! ```text
//! SaltedPassword  := Hi(Normalize(password), salt, i)     (PBKDF2-HMAC-SHA-256)
//! ClientKey       := HMAC(SaltedPassword, "Client Key")
//! StoredKey       := H(ClientKey)
//! AuthMessage     := client-first-message-bare + "," + server-first-message + "," +
//!                    client-final-message-without-proof
//! ClientSignature := HMAC(StoredKey, AuthMessage)
//! ClientProof     := ClientKey XOR ClientSignature
//! ServerKey       := HMAC(SaltedPassword, "Server Key")
//! ServerSignature := HMAC(ServerKey, AuthMessage)
//! ```
//!
//! Channel binding (`SCRAM-SHA-256-PLUS`) is not offered: a client-first message asking for it
//! (`p=`) is refused with [`ScramError::ChannelBindingUnsupported`]. Messages are returned and
//! taken without base64; the protocol layers encode them (RFC 4422 §3, RFC 9051 §6.2.2, RFC 5034
//! §4).
//!
//! ```
//! use mailwire_core::scram::{ScramClient, ScramServer, ScramVerifier};
//! use mailwire_core::Secret;
//!
//! let verifier = ScramVerifier::generate(Secret::new("pencil")).unwrap();
//! let client = ScramClient::new(None, "user", Secret::new("pencil")).unwrap();
//! let server = ScramServer::client_first(&client.client_first()).unwrap();
//! assert_eq!(server.user(), "user");
//! let (server, server_first) = server.server_first(Some(verifier), b"mock key").unwrap();
//! let (client, client_final) = client.server_first(&server_first).unwrap();
//! let success = server.client_final(client_final.expose()).unwrap();
//! client.server_final(success.server_final()).unwrap();
//! ```

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::sasl::{decode_base64, encode_base64};
use crate::secret::Secret;
use crate::text::snippet;

type HmacSha256 = Hmac<Sha256>;

/// The mechanism name (RFC 7677 §5).
pub const MECHANISM: &str = "SCRAM-SHA-256";

/// The smallest iteration count accepted, from a server or for a stored verifier (RFC 7677 §4:
/// "at least 4096").
pub const MIN_ITERATIONS: u32 = 4096;

/// The iteration count of verifiers made by [`ScramVerifier::generate`] (RFC 7677 §4).
pub const DEFAULT_ITERATIONS: u32 = 4096;

/// The largest iteration count a client accepts from a server, so that a hostile server cannot
/// make it spin (RFC 5802 §9 leaves the bound to implementations).
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// The length of the salts made by [`ScramVerifier::generate`] and the mock salts (RFC 5802 §5.1).
pub const SALT_LEN: usize = 16;

/// The longest salt accepted in a message or a stored verifier.
const MAX_SALT_LEN: usize = 256;

/// The longest SCRAM message accepted; real ones are a few hundred octets.
pub const MAX_MESSAGE_LEN: usize = 4096;

/// Random octets in a nonce (base64-encoded to 32 printable characters).
const NONCE_OCTETS: usize = 24;

/// The length of a SHA-256 output (RFC 7677 §3).
const KEY_LEN: usize = 32;

/// Which SCRAM message an error is about (RFC 5802 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScramMessage {
    /// `client-first-message`.
    ClientFirst,
    /// `server-first-message`.
    ServerFirst,
    /// `client-final-message`.
    ClientFinal,
    /// `server-final-message`.
    ServerFinal,
}

impl fmt::Display for ScramMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScramMessage::ClientFirst => "client-first-message",
            ScramMessage::ServerFirst => "server-first-message",
            ScramMessage::ClientFinal => "client-final-message",
            ScramMessage::ServerFinal => "server-final-message",
        })
    }
}

/// A SCRAM exchange that failed (RFC 5802 §5, §7). Errors show the offending part of a message,
/// never a password, key or proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScramError {
    /// A message does not follow the RFC 5802 §7 grammar.
    #[error("malformed SCRAM {message}: {reason} in \"{near}\"")]
    Malformed {
        /// The message.
        message: ScramMessage,
        /// What is wrong.
        reason: &'static str,
        /// The offending attribute, escaped (a proof's value is left out).
        near: String,
    },
    /// The client asked for channel binding (`p=`), which needs `SCRAM-SHA-256-PLUS`, not offered
    /// here (RFC 5802 §6, §7 `gs2-cbind-flag`).
    #[error("channel binding \"{0}\" requested, but SCRAM-SHA-256-PLUS is not offered")]
    ChannelBindingUnsupported(String),
    /// The client-final `c=` does not repeat the client-first GS2 header (RFC 5802 §5.1).
    #[error("the channel binding attribute does not match the GS2 header")]
    ChannelBindingMismatch,
    /// The nonce does not start with the client's nonce, or the client-final nonce is not the
    /// server-first one (RFC 5802 §5.1).
    #[error("nonce mismatch in \"{0}\"")]
    NonceMismatch(String),
    /// A mandatory extension (`m=`) that is not supported (RFC 5802 §5.1 `reserved-mext`).
    #[error("unsupported mandatory extension \"{0}\"")]
    UnsupportedExtension(String),
    /// An iteration count below [`MIN_ITERATIONS`] (RFC 7677 §4).
    #[error("iteration count {0} is below the minimum of 4096 (RFC 7677 §4)")]
    TooFewIterations(u32),
    /// An iteration count above [`MAX_ITERATIONS`].
    #[error("iteration count {0} is above the limit of 10000000")]
    TooManyIterations(u32),
    /// A user name or password that SASLprep (RFC 4013) refuses, e.g. one with a control
    /// character. Names which one, not its value.
    #[error("the {0} is not allowed by SASLprep (RFC 4013)")]
    Saslprep(&'static str),
    /// A nonce given to a `with_nonce` constructor is not `printable` (RFC 5802 §7).
    #[error("invalid nonce \"{0}\"")]
    InvalidNonce(String),
    /// The operating system's random generator failed, so no nonce or salt could be made
    /// (RFC 5802 §5.1 asks for unpredictable nonces).
    #[error("the operating system's random generator failed")]
    Random,
    /// The client's proof is wrong: wrong password or unknown user (RFC 5802 §5.1).
    #[error("authentication failed")]
    AuthenticationFailed,
    /// The server's signature is wrong: the server does not know the password, or someone is
    /// in the middle (RFC 5802 §5.1, §9).
    #[error("the server signature is wrong")]
    ServerSignatureMismatch,
    /// The server answered `e=` (RFC 5802 §7 `server-error`).
    #[error("the server reported \"{0}\"")]
    ServerError(String),
    /// A stored verifier does not parse (see [`ScramVerifier::from_stored`]).
    #[error("invalid stored SCRAM verifier: {0}")]
    InvalidVerifier(&'static str),
}

fn malformed(message: ScramMessage, reason: &'static str, near: &str) -> ScramError {
    // A proof is derived from the password: never show it.
    let near = if near.starts_with("p=") {
        "p=…".to_owned()
    } else {
        snippet(near.as_bytes())
    };
    ScramError::Malformed {
        message,
        reason,
        near,
    }
}

// ---- key derivation (RFC 5802 §2.2, §3) ---------------------------------------------------------

fn hmac(key: &[u8], data: &[u8]) -> [u8; KEY_LEN] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn sha256(data: &[u8]) -> [u8; KEY_LEN] {
    Sha256::digest(data).into()
}

/// `Hi(str, salt, i)` (RFC 5802 §2.2): PBKDF2 with HMAC-SHA-256, one block.
fn hi(password: &[u8], salt: &[u8], iterations: u32) -> Secret<[u8; KEY_LEN]> {
    let mut out = [0u8; KEY_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
    Secret::new(out)
}

/// `Normalize(str)` (RFC 5802 §2.2): SASLprep (RFC 4013) as a stored string.
fn normalize(s: &str, what: &'static str) -> Result<String, ScramError> {
    stringprep::saslprep(s)
        .map(|c| c.into_owned())
        .map_err(|_| ScramError::Saslprep(what))
}

fn xor(a: &[u8; KEY_LEN], b: &[u8; KEY_LEN]) -> [u8; KEY_LEN] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// Compares in time that depends only on the (fixed) length.
fn ct_eq(a: &[u8; KEY_LEN], b: &[u8; KEY_LEN]) -> bool {
    a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Random octets from the operating system; its failure fails the exchange (a fixed value would
/// be worse, a panic would take the connection's task down).
fn random_bytes<const N: usize>() -> Result<[u8; N], ScramError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| ScramError::Random)?;
    Ok(b)
}

fn fresh_nonce() -> Result<String, ScramError> {
    Ok(encode_base64(&random_bytes::<NONCE_OCTETS>()?))
}

/// What a server stores for a user instead of the password (RFC 5802 §3, §5): the salt, the
/// iteration count, `StoredKey` and `ServerKey`. `Debug` shows neither key.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramVerifier {
    iterations: u32,
    salt: Vec<u8>,
    stored_key: [u8; KEY_LEN],
    server_key: [u8; KEY_LEN],
}

impl fmt::Debug for ScramVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramVerifier")
            .field("iterations", &self.iterations)
            .field("salt_len", &self.salt.len())
            .finish_non_exhaustive()
    }
}

fn check_iterations(i: u32) -> Result<u32, ScramError> {
    if i < MIN_ITERATIONS {
        Err(ScramError::TooFewIterations(i))
    } else if i > MAX_ITERATIONS {
        Err(ScramError::TooManyIterations(i))
    } else {
        Ok(i)
    }
}

impl ScramVerifier {
    /// A verifier from its parts (RFC 5802 §3). The iteration count must be within
    /// [`MIN_ITERATIONS`]..=[`MAX_ITERATIONS`] and the salt 1 to 256 octets.
    pub fn new(
        iterations: u32,
        salt: Vec<u8>,
        stored_key: [u8; 32],
        server_key: [u8; 32],
    ) -> Result<ScramVerifier, ScramError> {
        check_iterations(iterations)?;
        if salt.is_empty() || salt.len() > MAX_SALT_LEN {
            return Err(ScramError::InvalidVerifier(
                "the salt must be 1 to 256 octets",
            ));
        }
        Ok(ScramVerifier {
            iterations,
            salt,
            stored_key,
            server_key,
        })
    }

    /// Derives the verifier of `password` (SASLprep'ed, RFC 4013) with this salt and iteration
    /// count (RFC 5802 §3).
    pub fn derive(
        password: Secret<&str>,
        salt: &[u8],
        iterations: u32,
    ) -> Result<ScramVerifier, ScramError> {
        let salted = salted_password(password, salt, check_iterations(iterations)?)?;
        let keys = Keys::new(&salted);
        ScramVerifier::new(iterations, salt.to_vec(), keys.stored_key, keys.server_key)
    }

    /// Derives a verifier with a fresh random salt of [`SALT_LEN`] octets and
    /// [`DEFAULT_ITERATIONS`] (RFC 5802 §5.1, RFC 7677 §4).
    pub fn generate(password: Secret<&str>) -> Result<ScramVerifier, ScramError> {
        Self::derive(password, &random_bytes::<SALT_LEN>()?, DEFAULT_ITERATIONS)
    }

    /// The stand-in a server uses for an unknown user, so that the server-first message does not
    /// tell unknown users from known ones (RFC 5802 §5.1: "a server... SHOULD ... return a
    /// 'mock' salt"). The salt is derived from the user name and the server's secret `key`, so
    /// it is the same on every attempt; the keys match no password.
    pub fn mock(user: &str, key: &[u8]) -> ScramVerifier {
        let tagged = |tag: &[u8]| {
            let mut data = tag.to_vec();
            data.extend_from_slice(user.as_bytes());
            hmac(key, &data)
        };
        ScramVerifier {
            iterations: DEFAULT_ITERATIONS,
            salt: tagged(b"mailwire scram mock salt\0")[..SALT_LEN].to_vec(),
            stored_key: tagged(b"mailwire scram mock stored\0"),
            server_key: tagged(b"mailwire scram mock server\0"),
        }
    }

    /// The iteration count (RFC 5802 §5.1 `i=`).
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The salt (RFC 5802 §5.1 `s=`).
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// `StoredKey` (RFC 5802 §3).
    pub fn stored_key(&self) -> &[u8; 32] {
        &self.stored_key
    }

    /// `ServerKey` (RFC 5802 §3).
    pub fn server_key(&self) -> &[u8; 32] {
        &self.server_key
    }

    /// The verifier as one line of text for a credentials file:
    /// `SCRAM-SHA-256$<iterations>$<salt>$<StoredKey>$<ServerKey>`, each binary part in base64.
    /// This is RFC 5803 §3's `authPassword` layout with `$` in place of `:`, so that the value
    /// contains no `:` and fits `:`-separated files. Keep it as secret as a password hash.
    pub fn to_stored(&self) -> Secret<String> {
        Secret::new(format!(
            "{MECHANISM}${}${}${}${}",
            self.iterations,
            encode_base64(&self.salt),
            encode_base64(&self.stored_key),
            encode_base64(&self.server_key)
        ))
    }

    /// Parses [`ScramVerifier::to_stored`]'s format.
    pub fn from_stored(s: &str) -> Result<ScramVerifier, ScramError> {
        let bad = ScramError::InvalidVerifier;
        let mut parts = s.split('$');
        let (Some(MECHANISM), Some(i), Some(salt), Some(stored), Some(server), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad(
                "expected SCRAM-SHA-256$iterations$salt$StoredKey$ServerKey",
            ));
        };
        let i = parse_count(i).ok_or(bad("the iteration count is not a number"))?;
        let salt = decode_base64(salt.as_bytes()).map_err(|_| bad("the salt is not base64"))?;
        let key = |k: &str| -> Result<[u8; 32], ScramError> {
            decode_base64(k.as_bytes())
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
                .ok_or(bad("a key is not 32 octets of base64"))
        };
        ScramVerifier::new(i, salt, key(stored)?, key(server)?)
    }
}

fn salted_password(
    password: Secret<&str>,
    salt: &[u8],
    iterations: u32,
) -> Result<Secret<[u8; KEY_LEN]>, ScramError> {
    let normalized = Secret::new(normalize(password.expose(), "password")?);
    Ok(hi(normalized.expose().as_bytes(), salt, iterations))
}

/// The keys derived from `SaltedPassword` (RFC 5802 §3).
struct Keys {
    client_key: [u8; KEY_LEN],
    stored_key: [u8; KEY_LEN],
    server_key: [u8; KEY_LEN],
}

impl Keys {
    fn new(salted: &Secret<[u8; KEY_LEN]>) -> Keys {
        let client_key = hmac(salted.expose(), b"Client Key");
        Keys {
            client_key,
            stored_key: sha256(&client_key),
            server_key: hmac(salted.expose(), b"Server Key"),
        }
    }
}

// ---- message grammar (RFC 5802 §7) ----------------------------------------------------------

fn as_text(message: ScramMessage, bytes: &[u8]) -> Result<&str, ScramError> {
    if bytes.len() > MAX_MESSAGE_LEN {
        return Err(malformed(message, "too long", ""));
    }
    core::str::from_utf8(bytes).map_err(|_| ScramError::Malformed {
        message,
        reason: "not UTF-8",
        near: snippet(bytes),
    })
}

/// The value of `field` if it is `key=value`.
fn value(field: &str, key: char) -> Option<&str> {
    field.strip_prefix(key)?.strip_prefix('=')
}

/// The value of a required attribute.
fn required<'a>(
    message: ScramMessage,
    field: Option<&'a str>,
    key: char,
    reason: &'static str,
) -> Result<&'a str, ScramError> {
    let field = field.unwrap_or_default();
    value(field, key).ok_or_else(|| malformed(message, reason, field))
}

/// `attr-val` (RFC 5802 §7): `ALPHA "=" value` for extensions, which are ignored.
fn check_extensions<'a>(
    message: ScramMessage,
    fields: impl Iterator<Item = &'a str>,
) -> Result<(), ScramError> {
    for f in fields {
        let mut c = f.chars();
        if !(c.next().is_some_and(|a| a.is_ascii_alphabetic()) && c.next() == Some('=')) {
            return Err(malformed(message, "expected an attribute", f));
        }
    }
    Ok(())
}

/// `saslname` (RFC 5802 §7): `=2C` and `=3D` stand for `,` and `=`; no NUL.
fn decode_saslname(message: ScramMessage, s: &str) -> Result<String, ScramError> {
    if s.is_empty() {
        return Err(malformed(message, "empty name", s));
    }
    if s.contains('\0') {
        return Err(malformed(message, "NUL in a name", s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3);
        match esc {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(malformed(message, "`=` not followed by 2C or 3D", s)),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `saslname` encoding of a name (RFC 5802 §5.1).
fn encode_saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

/// `printable` (RFC 5802 §7): `%x21-2B / %x2D-7E`, one or more.
fn is_nonce(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| matches!(b, 0x21..=0x2b | 0x2d..=0x7e))
}

fn nonce(message: ScramMessage, field: Option<&str>) -> Result<&str, ScramError> {
    let n = required(message, field, 'r', "expected r=nonce")?;
    if !is_nonce(n) {
        return Err(malformed(message, "the nonce is not printable", n));
    }
    Ok(n)
}

/// `posit-number` (RFC 5802 §7): no leading zero.
fn parse_count(s: &str) -> Option<u32> {
    if s.starts_with('0') || s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn base64_field(message: ScramMessage, field: &str, v: &str) -> Result<Vec<u8>, ScramError> {
    decode_base64(v.as_bytes()).map_err(|_| malformed(message, "not base64", field))
}

/// A parsed client-first-message (RFC 5802 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFirst {
    /// The GS2 header as received (`n,,`, `y,,`, `n,a=name,`): `c=` must repeat it.
    gs2_header: String,
    /// The authorization identity (`a=`), decoded.
    authzid: Option<String>,
    /// The user name (`n=`), decoded.
    user: String,
    /// The client's nonce (`r=`).
    nonce: String,
    /// `client-first-message-bare` as received, for the AuthMessage.
    bare: String,
}

impl ClientFirst {
    /// Parses a client-first-message (RFC 5802 §7). `p=` (channel binding) is refused with
    /// [`ScramError::ChannelBindingUnsupported`], `m=` with
    /// [`ScramError::UnsupportedExtension`].
    pub fn parse(bytes: &[u8]) -> Result<ClientFirst, ScramError> {
        const M: ScramMessage = ScramMessage::ClientFirst;
        let text = as_text(M, bytes)?;
        let mut parts = text.splitn(3, ',');
        let (Some(cbind), Some(authz), Some(bare)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed(M, "expected a GS2 header", text));
        };
        match cbind {
            "n" | "y" => {}
            _ => {
                if let Some(name) = value(cbind, 'p') {
                    return Err(ScramError::ChannelBindingUnsupported(snippet(
                        name.as_bytes(),
                    )));
                }
                return Err(malformed(M, "expected n, y or p=", cbind));
            }
        }
        let authzid = match authz {
            "" => None,
            a => Some(decode_saslname(
                M,
                value(a, 'a').ok_or_else(|| malformed(M, "expected a=authzid", a))?,
            )?),
        };
        let mut fields = bare.split(',');
        let mut first = fields.next();
        if let Some(m) = first.and_then(|f| value(f, 'm')) {
            return Err(ScramError::UnsupportedExtension(snippet(m.as_bytes())));
        }
        let user = decode_saslname(M, required(M, first.take(), 'n', "expected n=username")?)?;
        let nonce = nonce(M, fields.next())?.to_owned();
        check_extensions(M, fields)?;
        Ok(ClientFirst {
            gs2_header: text[..cbind.len() + authz.len() + 2].to_owned(),
            authzid,
            user,
            nonce,
            bare: bare.to_owned(),
        })
    }

    /// The authentication identity (`n=`, RFC 5802 §5.1), unescaped.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The authorization identity (`a=`, RFC 5802 §5.1), unescaped, if given.
    pub fn authzid(&self) -> Option<&str> {
        self.authzid.as_deref()
    }

    /// The client's nonce (`r=`, RFC 5802 §5.1).
    pub fn nonce(&self) -> &str {
        &self.nonce
    }
}

/// A parsed server-first-message (RFC 5802 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFirst {
    /// The combined nonce (`r=`).
    pub nonce: String,
    /// The salt (`s=`), decoded.
    pub salt: Vec<u8>,
    /// The iteration count (`i=`).
    pub iterations: u32,
}

impl ServerFirst {
    /// Parses a server-first-message (RFC 5802 §7). The iteration count is not range-checked
    /// here; the client does it.
    pub fn parse(bytes: &[u8]) -> Result<ServerFirst, ScramError> {
        const M: ScramMessage = ScramMessage::ServerFirst;
        let text = as_text(M, bytes)?;
        let mut fields = text.split(',');
        let first = fields.next();
        if let Some(m) = first.and_then(|f| value(f, 'm')) {
            return Err(ScramError::UnsupportedExtension(snippet(m.as_bytes())));
        }
        let nonce = nonce(M, first)?.to_owned();
        let s_field = fields.next().unwrap_or_default();
        let s = required(M, Some(s_field), 's', "expected s=salt")?;
        let salt = base64_field(M, s_field, s)?;
        if salt.is_empty() || salt.len() > MAX_SALT_LEN {
            return Err(malformed(M, "the salt must be 1 to 256 octets", s_field));
        }
        let i_field = fields.next().unwrap_or_default();
        let i = required(M, Some(i_field), 'i', "expected i=iteration-count")?;
        let iterations =
            parse_count(i).ok_or_else(|| malformed(M, "bad iteration count", i_field))?;
        check_extensions(M, fields)?;
        Ok(ServerFirst {
            nonce,
            salt,
            iterations,
        })
    }

    /// Formats the message (RFC 5802 §7).
    pub fn to_message(&self) -> String {
        format!(
            "r={},s={},i={}",
            self.nonce,
            encode_base64(&self.salt),
            self.iterations
        )
    }
}

/// A parsed client-final-message (RFC 5802 §7). `Debug` leaves out the proof.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientFinal {
    /// The channel binding attribute (`c=`), decoded.
    pub channel_binding: Vec<u8>,
    /// The combined nonce (`r=`).
    pub nonce: String,
    /// The proof (`p=`).
    proof: [u8; KEY_LEN],
    /// `client-final-message-without-proof` as received, for the AuthMessage.
    without_proof: String,
}

impl fmt::Debug for ClientFinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientFinal")
            .field("channel_binding", &self.channel_binding)
            .field("nonce", &self.nonce)
            .finish_non_exhaustive()
    }
}

impl ClientFinal {
    /// Parses a client-final-message (RFC 5802 §7): `c=`, `r=`, extensions, `p=` last.
    pub fn parse(bytes: &[u8]) -> Result<ClientFinal, ScramError> {
        const M: ScramMessage = ScramMessage::ClientFinal;
        let text = as_text(M, bytes)?;
        let Some((without_proof, p_field)) = text.rsplit_once(',') else {
            return Err(malformed(M, "expected c=, r= and p=", text));
        };
        let p = required(M, Some(p_field), 'p', "expected p=proof last")?;
        let proof = decode_base64(p.as_bytes())
            .ok()
            .and_then(|v| <[u8; KEY_LEN]>::try_from(v).ok())
            .ok_or_else(|| malformed(M, "the proof is not 32 octets of base64", p_field))?;
        let mut fields = without_proof.split(',');
        let c_field = fields.next().unwrap_or_default();
        let c = required(M, Some(c_field), 'c', "expected c=channel-binding")?;
        let channel_binding = base64_field(M, c_field, c)?;
        let nonce = nonce(M, fields.next())?.to_owned();
        check_extensions(M, fields)?;
        Ok(ClientFinal {
            channel_binding,
            nonce,
            proof,
            without_proof: without_proof.to_owned(),
        })
    }
}

/// A parsed server-final-message (RFC 5802 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerFinal {
    /// `v=`: the server signature.
    Verifier([u8; 32]),
    /// `e=`: the server's error value (RFC 5802 §7 `server-error-value`).
    Error(String),
}

impl ServerFinal {
    /// Parses a server-final-message (RFC 5802 §7).
    pub fn parse(bytes: &[u8]) -> Result<ServerFinal, ScramError> {
        const M: ScramMessage = ScramMessage::ServerFinal;
        let text = as_text(M, bytes)?;
        let mut fields = text.split(',');
        let first = fields.next().unwrap_or_default();
        let result = if let Some(e) = value(first, 'e') {
            if e.is_empty() {
                return Err(malformed(M, "empty error value", first));
            }
            ServerFinal::Error(e.to_owned())
        } else {
            let v = required(M, Some(first), 'v', "expected v= or e=")?;
            let sig = decode_base64(v.as_bytes())
                .ok()
                .and_then(|v| <[u8; KEY_LEN]>::try_from(v).ok())
                .ok_or_else(|| malformed(M, "the signature is not 32 octets of base64", first))?;
            ServerFinal::Verifier(sig)
        };
        check_extensions(M, fields)?;
        Ok(result)
    }
}

// ---- server (RFC 5802 §5) ---------------------------------------------------------------------

/// The server after the client-first-message (RFC 5802 §5): the caller looks up the user's
/// [`ScramVerifier`] and calls [`ScramServer::server_first`].
#[derive(Debug, Clone)]
pub struct ScramServer {
    first: ClientFirst,
}

impl ScramServer {
    /// Takes the client-first-message.
    pub fn client_first(message: &[u8]) -> Result<ScramServer, ScramError> {
        Ok(ScramServer {
            first: ClientFirst::parse(message)?,
        })
    }

    /// The user name the client gave (`n=`).
    pub fn user(&self) -> &str {
        self.first.user()
    }

    /// The authorization identity the client gave (`a=`), if any.
    pub fn authzid(&self) -> Option<&str> {
        self.first.authzid()
    }

    /// Answers with the server-first-message and a fresh server nonce. `verifier` is `None` for
    /// an unknown user (or one without SCRAM credentials): the answer then carries the mock salt
    /// of [`ScramVerifier::mock`] with `mock_key`, and the exchange fails at the proof
    /// (RFC 5802 §5.1).
    pub fn server_first(
        self,
        verifier: Option<ScramVerifier>,
        mock_key: &[u8],
    ) -> Result<(ScramServerFinal, Vec<u8>), ScramError> {
        let nonce = fresh_nonce()?;
        Ok(self.answer(verifier, mock_key, &nonce))
    }

    /// [`ScramServer::server_first`] with a given server nonce (for tests and test vectors);
    /// the nonce must be `printable` (RFC 5802 §7).
    pub fn server_first_with_nonce(
        self,
        verifier: Option<ScramVerifier>,
        mock_key: &[u8],
        server_nonce: &str,
    ) -> Result<(ScramServerFinal, Vec<u8>), ScramError> {
        if !is_nonce(server_nonce) {
            return Err(ScramError::InvalidNonce(snippet(server_nonce.as_bytes())));
        }
        Ok(self.answer(verifier, mock_key, server_nonce))
    }

    fn answer(
        self,
        verifier: Option<ScramVerifier>,
        mock_key: &[u8],
        server_nonce: &str,
    ) -> (ScramServerFinal, Vec<u8>) {
        let known = verifier.is_some();
        let verifier = verifier.unwrap_or_else(|| ScramVerifier::mock(self.user(), mock_key));
        let server_first = ServerFirst {
            nonce: format!("{}{server_nonce}", self.first.nonce),
            salt: verifier.salt.clone(),
            iterations: verifier.iterations,
        }
        .to_message();
        let message = server_first.clone().into_bytes();
        (
            ScramServerFinal {
                first: self.first,
                server_first,
                verifier,
                known,
            },
            message,
        )
    }
}

/// The server after the server-first-message, waiting for the client-final-message
/// (RFC 5802 §5).
#[derive(Debug, Clone)]
pub struct ScramServerFinal {
    first: ClientFirst,
    server_first: String,
    verifier: ScramVerifier,
    known: bool,
}

impl ScramServerFinal {
    /// The user name the client gave (`n=`).
    pub fn user(&self) -> &str {
        self.first.user()
    }

    /// Takes the client-final-message: checks the channel binding and nonce, then the proof in
    /// constant time (RFC 5802 §5.1). Success gives the server-final-message to send.
    pub fn client_final(self, message: &[u8]) -> Result<ScramSuccess, ScramError> {
        let fin = ClientFinal::parse(message)?;
        if fin.channel_binding != self.first.gs2_header.as_bytes() {
            return Err(ScramError::ChannelBindingMismatch);
        }
        let expected_nonce = self
            .server_first
            .strip_prefix("r=")
            .and_then(|s| s.split(',').next())
            .unwrap_or_default();
        if fin.nonce != expected_nonce {
            return Err(ScramError::NonceMismatch(snippet(fin.nonce.as_bytes())));
        }
        let auth_message = format!(
            "{},{},{}",
            self.first.bare, self.server_first, fin.without_proof
        );
        let client_signature = hmac(&self.verifier.stored_key, auth_message.as_bytes());
        let client_key = xor(&fin.proof, &client_signature);
        let proof_ok = ct_eq(&sha256(&client_key), &self.verifier.stored_key);
        if !(proof_ok && self.known) {
            return Err(ScramError::AuthenticationFailed);
        }
        let signature = hmac(&self.verifier.server_key, auth_message.as_bytes());
        Ok(ScramSuccess {
            user: self.first.user,
            authzid: self.first.authzid,
            server_final: format!("v={}", encode_base64(&signature)).into_bytes(),
        })
    }
}

/// A successful exchange on the server side (RFC 5802 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramSuccess {
    user: String,
    authzid: Option<String>,
    server_final: Vec<u8>,
}

impl ScramSuccess {
    /// The authenticated user (`n=`).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The authorization identity the client asked for (`a=`), if any; the caller decides
    /// whether the user may act as it (RFC 4422 §3.4.1).
    pub fn authzid(&self) -> Option<&str> {
        self.authzid.as_deref()
    }

    /// The server-final-message (`v=ServerSignature`) to send.
    pub fn server_final(&self) -> &[u8] {
        &self.server_final
    }
}

// ---- client (RFC 5802 §5) ---------------------------------------------------------------------

/// The client before the server-first-message (RFC 5802 §5). `Debug` leaves out the password.
#[derive(Debug, Clone)]
pub struct ScramClient {
    password: Secret<String>,
    nonce: String,
    gs2_header: String,
    bare: String,
}

impl ScramClient {
    /// A client for `user` (and, to act as another user, `authzid`) with a fresh nonce. The
    /// user name and password are prepared with SASLprep (RFC 5802 §5.1, RFC 4013).
    pub fn new(
        authzid: Option<&str>,
        user: &str,
        password: Secret<&str>,
    ) -> Result<ScramClient, ScramError> {
        Self::with_nonce(authzid, user, password, &fresh_nonce()?)
    }

    /// [`ScramClient::new`] with a given nonce (for tests and test vectors); the nonce must be
    /// `printable` (RFC 5802 §7).
    pub fn with_nonce(
        authzid: Option<&str>,
        user: &str,
        password: Secret<&str>,
        nonce: &str,
    ) -> Result<ScramClient, ScramError> {
        if !is_nonce(nonce) {
            return Err(ScramError::InvalidNonce(snippet(nonce.as_bytes())));
        }
        let user = normalize(user, "user name")?;
        if user.is_empty() {
            return Err(ScramError::Saslprep("user name"));
        }
        let password = Secret::new(normalize(password.expose(), "password")?);
        let gs2_header = match authzid {
            Some(a) => format!("n,a={},", encode_saslname(&normalize(a, "authzid")?)),
            None => "n,,".to_owned(),
        };
        Ok(ScramClient {
            password,
            nonce: nonce.to_owned(),
            gs2_header,
            bare: format!("n={},r={nonce}", encode_saslname(&user)),
        })
    }

    /// The client-first-message (RFC 5802 §7), with `n` as the channel binding flag: this
    /// client does not support channel binding.
    pub fn client_first(&self) -> Vec<u8> {
        format!("{}{}", self.gs2_header, self.bare).into_bytes()
    }

    /// Takes the server-first-message and gives the client-final-message. Refuses a nonce that
    /// does not extend the client's and iteration counts outside
    /// [`MIN_ITERATIONS`]..=[`MAX_ITERATIONS`].
    pub fn server_first(
        self,
        message: &[u8],
    ) -> Result<(ScramClientFinal, Secret<Vec<u8>>), ScramError> {
        let first = ServerFirst::parse(message)?;
        if first.nonce.len() <= self.nonce.len() || !first.nonce.starts_with(&self.nonce) {
            return Err(ScramError::NonceMismatch(snippet(first.nonce.as_bytes())));
        }
        check_iterations(first.iterations)?;
        let salted = hi(
            self.password.expose().as_bytes(),
            &first.salt,
            first.iterations,
        );
        let keys = Keys::new(&salted);
        let without_proof = format!(
            "c={},r={}",
            encode_base64(self.gs2_header.as_bytes()),
            first.nonce
        );
        // The server-first message as received is part of the AuthMessage.
        let server_first = core::str::from_utf8(message).unwrap_or_default();
        let auth_message = format!("{},{server_first},{without_proof}", self.bare);
        let client_signature = hmac(&keys.stored_key, auth_message.as_bytes());
        let proof = xor(&keys.client_key, &client_signature);
        let server_signature = hmac(&keys.server_key, auth_message.as_bytes());
        Ok((
            ScramClientFinal { server_signature },
            Secret::new(format!("{without_proof},p={}", encode_base64(&proof)).into_bytes()),
        ))
    }
}

/// The client after the client-final-message, waiting for the server-final-message
/// (RFC 5802 §5).
#[derive(Clone)]
pub struct ScramClientFinal {
    server_signature: [u8; KEY_LEN],
}

impl fmt::Debug for ScramClientFinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClientFinal").finish_non_exhaustive()
    }
}

impl ScramClientFinal {
    /// Takes the server-final-message and checks the server signature (RFC 5802 §5.1: "The
    /// client ... MUST verify" it). `e=` gives [`ScramError::ServerError`].
    pub fn server_final(self, message: &[u8]) -> Result<(), ScramError> {
        match ServerFinal::parse(message)? {
            ServerFinal::Verifier(sig) if ct_eq(&sig, &self.server_signature) => Ok(()),
            ServerFinal::Verifier(_) => Err(ScramError::ServerSignatureMismatch),
            ServerFinal::Error(e) => Err(ScramError::ServerError(snippet(e.as_bytes()))),
        }
    }
}

#[cfg(test)]
mod tests;
