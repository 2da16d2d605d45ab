//! ID (RFC 2971): the field/value list of the ID command and response.

use super::core::{IString, NString, ValidationError};

/// The most field/value pairs an ID list may hold (RFC 2971 §3.3).
pub const ID_MAX_PAIRS: usize = 30;
/// The longest field name, in octets (RFC 2971 §3.3).
pub const ID_MAX_FIELD: usize = 30;
/// The longest value, in octets (RFC 2971 §3.3).
pub const ID_MAX_VALUE: usize = 1024;

/// `id_params_list = "(" #(string SPACE nstring) ")" / nil` (RFC 2971 §4): `None` is `NIL`.
/// Bounded as RFC 2971 §3.3 requires: at most 30 pairs, field names of at most 30 octets, values
/// of at most 1024.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(
        try_from = "Option<Vec<(IString<'a>, NString<'a>)>>",
        into = "Option<Vec<(IString<'a>, NString<'a>)>>"
    )
)]
pub struct IdParams<'a>(Option<Vec<(IString<'a>, NString<'a>)>>);

impl<'a> IdParams<'a> {
    /// `NIL`.
    pub const NIL: IdParams<'static> = IdParams(None);

    /// Validates a list of pairs.
    pub fn new(pairs: Vec<(IString<'a>, NString<'a>)>) -> Result<Self, ValidationError> {
        if pairs.len() > ID_MAX_PAIRS {
            return Err(ValidationError::new(
                "ID list",
                "more than 30 field/value pairs",
                b"",
            ));
        }
        for (field, value) in &pairs {
            if field.as_bytes().len() > ID_MAX_FIELD {
                return Err(ValidationError::new(
                    "ID field",
                    "longer than 30 octets",
                    field.as_bytes(),
                ));
            }
            if value.as_bytes().is_some_and(|v| v.len() > ID_MAX_VALUE) {
                return Err(ValidationError::new(
                    "ID value",
                    "longer than 1024 octets",
                    b"",
                ));
            }
        }
        Ok(IdParams(Some(pairs)))
    }

    /// Builds a list from text pairs (`None` values are `NIL`).
    pub fn from_pairs(
        pairs: &[(&str, Option<&str>)],
    ) -> Result<IdParams<'static>, ValidationError> {
        let mut v = Vec::with_capacity(pairs.len());
        for (f, val) in pairs {
            let field = IString::from_bytes(f.as_bytes().to_vec())?;
            let value = match val {
                Some(s) => NString(Some(IString::from_bytes(s.as_bytes().to_vec())?)),
                None => NString(None),
            };
            v.push((field, value));
        }
        IdParams::new(v)
    }

    /// The pairs, `None` for `NIL`.
    pub fn pairs(&self) -> Option<&[(IString<'a>, NString<'a>)]> {
        self.0.as_deref()
    }

    /// The value of a field (field names are case-insensitive, RFC 2971 §3.3).
    pub fn get(&self, field: &str) -> Option<&NString<'a>> {
        self.pairs()?
            .iter()
            .find(|(f, _)| f.as_bytes().eq_ignore_ascii_case(field.as_bytes()))
            .map(|(_, v)| v)
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> IdParams<'static> {
        IdParams(self.0.map(|v| {
            v.into_iter()
                .map(|(f, v)| (f.into_static(), v.into_static()))
                .collect()
        }))
    }
}

impl<'a> TryFrom<Option<Vec<(IString<'a>, NString<'a>)>>> for IdParams<'a> {
    type Error = ValidationError;
    fn try_from(v: Option<Vec<(IString<'a>, NString<'a>)>>) -> Result<Self, ValidationError> {
        match v {
            None => Ok(IdParams(None)),
            Some(v) => IdParams::new(v),
        }
    }
}

impl<'a> From<IdParams<'a>> for Option<Vec<(IString<'a>, NString<'a>)>> {
    fn from(p: IdParams<'a>) -> Self {
        p.0
    }
}
