//! Validated string newtypes shared by the protocol crates.

use crate::text::snippet;

/// A value that does not satisfy its type's grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("invalid {what}: {reason} in \"{near}\"")]
pub struct ValidationError {
    /// The kind of value (`"message number"`, `"unique-id"`…).
    pub what: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
    /// The offending input, escaped and shortened.
    pub near: String,
}

impl ValidationError {
    #[doc(hidden)]
    pub fn new(what: &'static str, reason: &'static str, input: &[u8]) -> Self {
        ValidationError {
            what,
            reason,
            near: snippet(input),
        }
    }
}

/// Defines a validated string newtype over `::std::borrow::Cow<'a, str>`.
#[macro_export]
#[doc(hidden)]
macro_rules! validated_str {
    ($(#[$meta:meta])* $name:ident, $what:literal, $validate:expr) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name<'a>(::std::borrow::Cow<'a, str>);

        impl<'a> $name<'a> {
            /// Validates `value` against the grammar and wraps it.
            pub fn new(value: impl Into<::std::borrow::Cow<'a, str>>) -> Result<Self, $crate::ValidationError> {
                let value = value.into();
                let check: fn(&[u8]) -> Result<(), &'static str> = $validate;
                match check(value.as_bytes()) {
                    Ok(()) => Ok($name(value)),
                    Err(reason) => Err($crate::ValidationError::new($what, reason, value.as_bytes())),
                }
            }

            /// Wraps a value the decoder has already checked.
            #[allow(dead_code)]
            pub(crate) fn unchecked(value: impl Into<::std::borrow::Cow<'a, str>>) -> Self {
                let value = value.into();
                debug_assert!(($validate as fn(&[u8]) -> Result<(), &'static str>)(value.as_bytes()).is_ok());
                $name(value)
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Copies any borrowed data so the value no longer borrows the input.
            pub fn into_static(self) -> $name<'static> {
                $name(::std::borrow::Cow::Owned(self.0.into_owned()))
            }

            /// Unwraps the text.
            pub fn into_inner(self) -> ::std::borrow::Cow<'a, str> {
                self.0
            }
        }

        impl ::core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl ::core::fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name<'_> {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'a> TryFrom<&'a str> for $name<'a> {
            type Error = $crate::ValidationError;
            fn try_from(value: &'a str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for $name<'static> {
            type Error = $crate::ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de, 'a> serde::Deserialize<'de> for $name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}
