//! [`Secret<T>`]: a value that never reaches `Debug` output, logs or serialized output.
//!
//! Passwords (RFC 1939 §7 `PASS`), APOP digests and SASL payloads (RFC 4422 §3) are wrapped in
//! `Secret` by every mailwire type that carries them. Code that really needs the value calls
//! [`Secret::expose`]; the name makes such places easy to find in review.

use core::fmt;

/// A value whose `Debug` (and, with the `serde` feature, `Serialize`) output is redacted.
///
/// ```
/// use mailwire_core::Secret;
/// let pass = Secret::new("hunter2".to_string());
/// assert_eq!(format!("{pass:?}"), "Secret(/* REDACTED */)");
/// assert_eq!(pass.expose(), "hunter2");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// Borrows the secret value. Keep the borrow short and never log it.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }

    /// Maps the inner value, keeping it secret.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Secret<U> {
        Secret(f(self.0))
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(/* REDACTED */)")
    }
}

/// The text that stands for a secret in serialized output.
pub const REDACTED: &str = "/* REDACTED */";

#[cfg(feature = "serde")]
impl<T> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(feature = "serde")]
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_even_nested() {
        let s = Secret::new(b"top secret".to_vec());
        let nested = Some((1, s.clone()));
        let out = format!("{nested:?} {s:#?}");
        assert!(!out.contains("116"), "{out}"); // 't' as a number
        assert!(!out.contains("top"), "{out}");
        assert!(out.contains("REDACTED"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serialize_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"/* REDACTED */\"");
    }
}
