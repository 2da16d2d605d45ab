//! Strict base64 for SASL exchanges (RFC 4422 §3, RFC 4648 §4, RFC 5034 §4, RFC 9051 §6.2.2) and
//! the PLAIN mechanism's message (RFC 4616 §2).
//!
//! RFC 5034 §4: "servers and clients MUST reject (and not ignore) any character not explicitly
//! allowed by the Base64 alphabet, and MUST reject any sequence of Base64 characters that contains
//! the pad character ('=') anywhere other than the end of the string". The decoder here also
//! rejects missing padding and non-zero trailing bits, so every accepted string has exactly one
//! decoding and encodes back to itself.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::secret::Secret;
use crate::text::snippet;

/// A base64 string that does not follow RFC 4648 §4 strictly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("invalid base64 ({reason}) in \"{near}\"")]
pub struct Base64Error {
    /// What is wrong.
    pub reason: String,
    /// The start of the offending input, escaped.
    pub near: String,
}

/// Decodes strict base64 (alphabet `A-Z a-z 0-9 + /`, `=` padding only at the end, required).
///
/// ```
/// use mailwire_core::sasl::decode_base64;
/// assert_eq!(decode_base64(b"dGVzdA==").unwrap(), b"test");
/// assert!(decode_base64(b"dGVzdA").is_err());      // padding missing
/// assert!(decode_base64(b"dGV zdA==").is_err());   // space
/// assert!(decode_base64(b"=AAA").is_err());
/// ```
pub fn decode_base64(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
    STANDARD.decode(input).map_err(|e| Base64Error {
        reason: e.to_string(),
        near: snippet(input),
    })
}

/// Encodes bytes as base64 with padding.
pub fn encode_base64(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// The length of the base64 encoding of `n` bytes.
pub const fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// The credentials carried by a PLAIN message (RFC 4616 §2):
/// `[authzid] NUL authcid NUL passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// The authorization identity, if the client asked to act as another user.
    pub authzid: Option<String>,
    /// The authentication identity (the user name).
    pub authcid: String,
    /// The password.
    pub password: Secret<String>,
}

/// A PLAIN message that does not follow RFC 4616 §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlainError {
    /// The message does not have exactly two NUL separators.
    #[error("PLAIN message must have exactly two NUL separators")]
    Separators,
    /// The authentication identity or the password is empty.
    #[error("PLAIN authcid and password must not be empty")]
    Empty,
    /// A field is longer than 255 octets.
    #[error("PLAIN field longer than 255 octets")]
    TooLong,
    /// A field is not UTF-8.
    #[error("PLAIN field is not UTF-8")]
    NotUtf8,
}

impl PlainCredentials {
    /// Parses a decoded PLAIN message.
    ///
    /// ```
    /// use mailwire_core::sasl::PlainCredentials;
    /// // RFC 4616 §4 example 1 (after base64 decoding).
    /// let c = PlainCredentials::parse(b"\0tim\0tanstaaftanstaaf").unwrap();
    /// assert_eq!((c.authzid, c.authcid.as_str()), (None, "tim"));
    /// assert_eq!(c.password.expose(), "tanstaaftanstaaf");
    /// ```
    pub fn parse(message: &[u8]) -> Result<Self, PlainError> {
        let mut parts = message.split(|&b| b == 0);
        let (Some(authzid), Some(authcid), Some(passwd), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(PlainError::Separators);
        };
        if authcid.is_empty() || passwd.is_empty() {
            return Err(PlainError::Empty);
        }
        if authzid.len() > 255 || authcid.len() > 255 || passwd.len() > 255 {
            return Err(PlainError::TooLong);
        }
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| PlainError::NotUtf8);
        Ok(PlainCredentials {
            authzid: if authzid.is_empty() {
                None
            } else {
                Some(text(authzid)?)
            },
            authcid: text(authcid)?,
            password: Secret::new(text(passwd)?),
        })
    }

    /// Builds the PLAIN message (not yet base64-encoded).
    pub fn to_message(&self) -> Secret<Vec<u8>> {
        let mut out = Vec::new();
        if let Some(z) = &self.authzid {
            out.extend_from_slice(z.as_bytes());
        }
        out.push(0);
        out.extend_from_slice(self.authcid.as_bytes());
        out.push(0);
        out.extend_from_slice(self.password.expose().as_bytes());
        Secret::new(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_rejections() {
        for bad in [
            &b"AAA=BBBB"[..],
            b"A",
            b"AA=A",
            b"AB==",
            b"dGVzdA=",
            b"dGVz\r\ndA==",
        ] {
            assert!(decode_base64(bad).is_err(), "{:?}", bad);
        }
        assert_eq!(decode_base64(b"").unwrap(), b"");
    }

    #[test]
    fn rfc4616_examples() {
        // RFC 4616 §4: "Kurt" acting as "Ursel", and the plain "tim" example.
        let c = PlainCredentials::parse(b"Kurt\0Ursel\0xipj3plmq").unwrap();
        assert_eq!(c.authzid.as_deref(), Some("Kurt"));
        assert_eq!(c.to_message().expose(), b"Kurt\0Ursel\0xipj3plmq");
        assert_eq!(PlainCredentials::parse(b"\0\0x"), Err(PlainError::Empty));
        assert_eq!(
            PlainCredentials::parse(b"a\0b"),
            Err(PlainError::Separators)
        );
        assert_eq!(
            PlainCredentials::parse(b"\0b\0c\0"),
            Err(PlainError::Separators)
        );
    }

    proptest::proptest! {
        #[test]
        fn base64_round_trip(data in proptest::collection::vec(proptest::num::u8::ANY, 0..100)) {
            let enc = encode_base64(&data);
            proptest::prop_assert_eq!(enc.len(), encoded_len(data.len()));
            proptest::prop_assert_eq!(decode_base64(enc.as_bytes()).unwrap(), data);
        }
    }
}
