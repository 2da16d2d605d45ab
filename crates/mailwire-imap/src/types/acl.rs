//! ACL (RFC 4314, with the RFC 2086 rights letters): identifiers, rights and their modifiers.

use super::core::{AString, ValidationError};

/// One right (RFC 4314 §2.1 and §2.1.1; `c` and `d` are the RFC 2086 rights kept by RFC 4314 for
/// compatibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Right {
    /// `l`: lookup (visible to LIST, SUBSCRIBE).
    Lookup,
    /// `r`: read (SELECT, STATUS, FETCH...).
    Read,
    /// `s`: keep seen/unseen information.
    Seen,
    /// `w`: write flags other than `\Seen` and `\Deleted`.
    Write,
    /// `i`: insert (APPEND, COPY into).
    Insert,
    /// `p`: post (send mail to the submission address).
    Post,
    /// `k`: create mailboxes below (RFC 4314).
    CreateMailbox,
    /// `x`: delete the mailbox (RFC 4314).
    DeleteMailbox,
    /// `t`: set or clear `\Deleted` (RFC 4314).
    DeleteMessages,
    /// `e`: expunge (RFC 4314).
    Expunge,
    /// `a`: administer (SETACL, DELETEACL, GETACL, LISTRIGHTS).
    Administer,
    /// `c`: the RFC 2086 create right (in RFC 4314 a macro for `k` and possibly `x`).
    LegacyCreate,
    /// `d`: the RFC 2086 delete right (in RFC 4314 a macro for `e`, `t` and possibly `x`).
    LegacyDelete,
    /// A right letter or digit this crate does not name (RFC 4314 §2.1 allows new ones).
    Other(char),
}

impl Right {
    /// The right for a letter or digit (`None` for anything else).
    pub fn from_char(c: char) -> Option<Right> {
        Some(match c {
            'l' => Right::Lookup,
            'r' => Right::Read,
            's' => Right::Seen,
            'w' => Right::Write,
            'i' => Right::Insert,
            'p' => Right::Post,
            'k' => Right::CreateMailbox,
            'x' => Right::DeleteMailbox,
            't' => Right::DeleteMessages,
            'e' => Right::Expunge,
            'a' => Right::Administer,
            'c' => Right::LegacyCreate,
            'd' => Right::LegacyDelete,
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => Right::Other(c),
            _ => return None,
        })
    }

    /// The letter.
    pub fn as_char(self) -> char {
        match self {
            Right::Lookup => 'l',
            Right::Read => 'r',
            Right::Seen => 's',
            Right::Write => 'w',
            Right::Insert => 'i',
            Right::Post => 'p',
            Right::CreateMailbox => 'k',
            Right::DeleteMailbox => 'x',
            Right::DeleteMessages => 't',
            Right::Expunge => 'e',
            Right::Administer => 'a',
            Right::LegacyCreate => 'c',
            Right::LegacyDelete => 'd',
            Right::Other(c) => c,
        }
    }
}

fn is_right_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// A rights string (RFC 4314 §7 `rights = astring`, "only lowercase ASCII letters and digits are
/// allowed"), in the form it was sent. May be empty (`""`, as in LISTRIGHTS).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "AString<'a>", into = "AString<'a>")
)]
pub struct Rights<'a>(AString<'a>);

impl<'a> Rights<'a> {
    /// Validates a wire value.
    pub fn new(value: AString<'a>) -> Result<Self, ValidationError> {
        if value.as_bytes().iter().all(|&b| is_right_byte(b)) {
            Ok(Rights(value))
        } else {
            Err(ValidationError::new(
                "rights",
                "not lowercase letters and digits",
                value.as_bytes(),
            ))
        }
    }

    /// Rights from their letters (an empty string is sent as `""`).
    pub fn parse(letters: &'a str) -> Result<Self, ValidationError> {
        Self::new(AString::from_bytes(letters.as_bytes())?)
    }

    /// The rights.
    pub fn iter(&self) -> impl Iterator<Item = Right> + '_ {
        self.0
            .as_bytes()
            .iter()
            .filter_map(|&b| Right::from_char(b as char))
    }

    /// Whether `right` is among them.
    pub fn contains(&self, right: Right) -> bool {
        self.iter().any(|r| r == right)
    }

    /// The letters.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The wire value.
    pub fn as_astring(&self) -> &AString<'a> {
        &self.0
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Rights<'static> {
        Rights(self.0.into_static())
    }
}

impl<'a> TryFrom<AString<'a>> for Rights<'a> {
    type Error = ValidationError;
    fn try_from(a: AString<'a>) -> Result<Self, ValidationError> {
        Rights::new(a)
    }
}

impl<'a> From<Rights<'a>> for AString<'a> {
    fn from(r: Rights<'a>) -> AString<'a> {
        r.0
    }
}

/// How SETACL changes the rights (RFC 4314 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RightsMode {
    /// No prefix: replace.
    Replace,
    /// `+`: add.
    Add,
    /// `-`: remove.
    Remove,
}

/// The rights argument of SETACL (RFC 4314 §7 `mod-rights = astring`: `+rights` to add,
/// `-rights` to remove, `rights` to replace), validated, in the form it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "AString<'a>", into = "AString<'a>")
)]
pub struct ModRights<'a>(AString<'a>);

impl<'a> ModRights<'a> {
    /// Validates a wire value.
    pub fn new(value: AString<'a>) -> Result<Self, ValidationError> {
        let b = value.as_bytes();
        let letters = match b.first() {
            Some(b'+' | b'-') => &b[1..],
            _ => b,
        };
        if letters.iter().all(|&c| is_right_byte(c)) {
            Ok(ModRights(value))
        } else {
            Err(ValidationError::new(
                "mod-rights",
                "not [+-] and lowercase letters and digits",
                b,
            ))
        }
    }

    /// Parses `+abc`, `-abc` or `abc`.
    pub fn parse(text: &'a str) -> Result<Self, ValidationError> {
        Self::new(AString::from_bytes(text.as_bytes())?)
    }

    /// Replace, add or remove.
    pub fn mode(&self) -> RightsMode {
        match self.0.as_bytes().first() {
            Some(b'+') => RightsMode::Add,
            Some(b'-') => RightsMode::Remove,
            _ => RightsMode::Replace,
        }
    }

    /// The rights, without the prefix.
    pub fn rights(&self) -> impl Iterator<Item = Right> + '_ {
        let b = self.0.as_bytes();
        let letters = if self.mode() == RightsMode::Replace {
            b
        } else {
            &b[1..]
        };
        letters.iter().filter_map(|&c| Right::from_char(c as char))
    }

    /// The wire value.
    pub fn as_astring(&self) -> &AString<'a> {
        &self.0
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> ModRights<'static> {
        ModRights(self.0.into_static())
    }
}

impl<'a> TryFrom<AString<'a>> for ModRights<'a> {
    type Error = ValidationError;
    fn try_from(a: AString<'a>) -> Result<Self, ValidationError> {
        ModRights::new(a)
    }
}

impl<'a> From<ModRights<'a>> for AString<'a> {
    fn from(r: ModRights<'a>) -> AString<'a> {
        r.0
    }
}

/// An ACL identifier (RFC 4314 §7 `identifier = astring`): a user or group name, `anyone`, or a
/// name with a leading `-` for negative rights (§2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct AclIdentifier<'a>(pub AString<'a>);

impl AclIdentifier<'_> {
    /// `anyone`: every user, authenticated or not (RFC 4314 §2).
    pub fn is_anyone(&self) -> bool {
        self.0.as_bytes().eq_ignore_ascii_case(b"anyone")
    }

    /// A leading `-`: negative rights (RFC 4314 §2).
    pub fn is_negative(&self) -> bool {
        self.0.as_bytes().first() == Some(&b'-')
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> AclIdentifier<'static> {
        AclIdentifier(self.0.into_static())
    }
}
