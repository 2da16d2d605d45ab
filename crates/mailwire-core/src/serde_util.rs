//! Serde helpers for protocol bytes (feature `serde`).
//!
//! Protocol text and message bodies are bytes. In serialized form they become a string when they
//! are valid UTF-8 (the common case, readable in JSON) and an array of numbers otherwise, so that
//! serialization never loses information. Both forms deserialize.

/// Serialize and deserialize `Cow<[u8]>`/`Vec<u8>`-like fields as described in the module docs.
/// Use with `#[serde(with = "mailwire_core::serde_util::bytes")]`.
pub mod bytes {
    use std::borrow::Cow;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes bytes as a string if they are UTF-8, else as a sequence of numbers.
    pub fn serialize<S: Serializer>(value: &impl AsRef<[u8]>, s: S) -> Result<S::Ok, S::Error> {
        let b = value.as_ref();
        match core::str::from_utf8(b) {
            Ok(text) => s.serialize_str(text),
            Err(_) => s.collect_seq(b),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Bytes(Vec<u8>),
    }

    /// Deserializes either form into an owned value.
    pub fn deserialize<'de, D: Deserializer<'de>, T: From<Vec<u8>>>(d: D) -> Result<T, D::Error> {
        Ok(T::from(match Either::deserialize(d)? {
            Either::Text(t) => t.into_bytes(),
            Either::Bytes(b) => b,
        }))
    }

    /// Helper so `Cow<'a, [u8]>` can use `deserialize` through `From<Vec<u8>>`.
    pub fn cow<'de, 'a, D: Deserializer<'de>>(d: D) -> Result<Cow<'a, [u8]>, D::Error> {
        deserialize::<D, Vec<u8>>(d).map(Cow::Owned)
    }
}
