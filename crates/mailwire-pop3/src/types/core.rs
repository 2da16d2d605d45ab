//! Validated value types (RFC 1939 §3–§7, RFC 2449 §3, RFC 4422 §3.1, RFC 5646 §2.1).

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU32;

use mailwire_core::Secret;

pub use mailwire_core::ValidationError;
use mailwire_core::validated_str as str_newtype;

pub(crate) fn is_vchar(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// A parameter: printable non-space characters; UTF-8 beyond ASCII is allowed (RFC 6856 §2.2).
fn validate_arg(b: &[u8]) -> Result<(), &'static str> {
    if b.is_empty() {
        return Err("empty");
    }
    if b.iter().any(|&c| c <= 0x20 || c == 0x7f) {
        return Err("space or control character");
    }
    core::str::from_utf8(b).map(|_| ()).map_err(|_| "not UTF-8")
}

str_newtype!(
    /// A command argument such as a user name (RFC 2449 §3 `param = 1*VCHAR`, widened to UTF-8 by
    /// RFC 6856 §2.2): at least one character, no spaces or control characters.
    Arg, "argument", validate_arg
);

fn validate_keyword(b: &[u8]) -> Result<(), &'static str> {
    if !(3..=4).contains(&b.len()) {
        return Err("not 3 or 4 characters");
    }
    if !b.iter().all(|&c| is_vchar(c)) {
        return Err("not printable ASCII");
    }
    if crate::types::command::KNOWN_KEYWORDS
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(b))
    {
        return Err("a standard command keyword");
    }
    Ok(())
}

str_newtype!(
    /// The keyword of an extension command this crate does not know (RFC 2449 §3
    /// `keyword = 3*4VCHAR`). Standard keywords are refused: they have their own
    /// [`Command`](crate::Command) variants.
    Keyword, "command keyword", validate_keyword
);

fn validate_mechanism(b: &[u8]) -> Result<(), &'static str> {
    if b.is_empty() || b.len() > 20 {
        return Err("not 1 to 20 characters");
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
    {
        return Err("not upper-case letters, digits, '-' or '_'");
    }
    Ok(())
}

str_newtype!(
    /// A SASL mechanism name (RFC 4422 §3.1 `sasl-mech = 1*20mech-char`, upper case). The decoder
    /// accepts any case (RFC 5034 §5) and upper-cases it.
    Mechanism, "SASL mechanism", validate_mechanism
);

impl Mechanism<'_> {
    /// `PLAIN` (RFC 4616).
    pub const PLAIN: Mechanism<'static> = Mechanism(Cow::Borrowed("PLAIN"));
    /// `LOGIN` (draft-murchison-sasl-login; widely deployed).
    pub const LOGIN: Mechanism<'static> = Mechanism(Cow::Borrowed("LOGIN"));
    /// `XOAUTH2` (Google and Microsoft).
    pub const XOAUTH2: Mechanism<'static> = Mechanism(Cow::Borrowed("XOAUTH2"));
    /// `OAUTHBEARER` (RFC 7628).
    pub const OAUTHBEARER: Mechanism<'static> = Mechanism(Cow::Borrowed("OAUTHBEARER"));
    /// `SCRAM-SHA-256` (RFC 7677).
    pub const SCRAM_SHA_256: Mechanism<'static> = Mechanism(Cow::Borrowed("SCRAM-SHA-256"));

    /// Builds a mechanism from any-case input, upper-casing it.
    pub fn from_any_case(name: &str) -> Result<Mechanism<'static>, ValidationError> {
        Mechanism::new(name.to_ascii_uppercase())
    }
}

fn validate_unique_id(b: &[u8]) -> Result<(), &'static str> {
    if b.is_empty() || b.len() > 70 {
        return Err("not 1 to 70 octets");
    }
    if !b.iter().all(|&c| is_vchar(c)) {
        return Err("octet outside 0x21..0x7E");
    }
    Ok(())
}

str_newtype!(
    /// A message's unique-id (RFC 1939 §7 UIDL): 1 to 70 octets in the range 0x21 to 0x7E.
    UniqueId, "unique-id", validate_unique_id
);

fn validate_capa_tag(b: &[u8]) -> Result<(), &'static str> {
    if b.is_empty() {
        return Err("empty");
    }
    // cchar = %x21-2D / %x2F-7F: printable ASCII without "."
    if !b.iter().all(|&c| is_vchar(c) && c != b'.') {
        return Err("not printable ASCII without '.'");
    }
    if crate::types::capability::KNOWN_TAGS
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(b))
    {
        return Err("a standard capability tag");
    }
    Ok(())
}

str_newtype!(
    /// The tag of a capability this crate does not know (RFC 2449 §3 `capa-tag = 1*cchar`).
    /// Standard tags are refused: they have their own [`Capability`](crate::Capability) variants.
    CapaTag, "capability tag", validate_capa_tag
);

fn validate_resp_code(b: &[u8]) -> Result<(), &'static str> {
    // resp-code = resp-level *("/" resp-level); rchar = %x21-2E / %x30-5C / %x5E-7F
    if b.is_empty() {
        return Err("empty");
    }
    for level in b.split(|&c| c == b'/') {
        if level.is_empty() {
            return Err("empty level");
        }
        if !level.iter().all(|&c| is_vchar(c) && c != b']') {
            return Err("not printable ASCII without ']'");
        }
    }
    if crate::types::response::KNOWN_CODES
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(b))
    {
        return Err("a standard response code");
    }
    Ok(())
}

str_newtype!(
    /// The text of a response code this crate does not know (RFC 2449 §8
    /// `resp-code = resp-level *("/" resp-level)`), without the brackets.
    RespCodeText, "response code", validate_resp_code
);

fn validate_language_tag(b: &[u8]) -> Result<(), &'static str> {
    // A language tag or basic language range (RFC 5646 §2.1, RFC 4647 §2.1): alphanumeric
    // subtags of 1 to 8 characters joined by "-".
    if b.is_empty() {
        return Err("empty");
    }
    for sub in b.split(|&c| c == b'-') {
        if sub.is_empty() || sub.len() > 8 || !sub.iter().all(u8::is_ascii_alphanumeric) {
            return Err("not 1 to 8 letters or digits between '-'");
        }
    }
    Ok(())
}

str_newtype!(
    /// A language tag or basic language range (RFC 6856 §3, RFC 5646, RFC 4647 §2.1), e.g. `en`,
    /// `en-boont`.
    LanguageTag, "language tag", validate_language_tag
);

/// The argument of `PASS` (RFC 1939 §7): the rest of the line, any bytes but CR, LF and NUL
/// (spaces included). Refusing line ends keeps a password from smuggling a second command onto the
/// wire. `Debug` and `Serialize` never show it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Password<'a>(Secret<Cow<'a, [u8]>>);

impl<'a> Password<'a> {
    /// Validates (no CR, LF or NUL) and wraps.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(ValidationError::new(
                "password",
                "CR, LF or NUL",
                b"/* REDACTED */",
            ));
        }
        Ok(Password(Secret::new(value)))
    }

    /// The password bytes. Keep the borrow short and never log it.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Password<'static> {
        Password(self.0.map(|c| Cow::Owned(c.into_owned())))
    }
}

impl fmt::Debug for Password<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(/* REDACTED */)")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Password<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(mailwire_core::secret::REDACTED)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Password<'_> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let b = mailwire_core::serde_util::bytes::cow(d)?;
        Password::new(b).map_err(serde::de::Error::custom)
    }
}

/// A 1-based message number (RFC 1939 §5 `msg`). Zero is not a message number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u32", into = "u32"))]
pub struct MsgNum(NonZeroU32);

impl MsgNum {
    /// The first message.
    pub const ONE: MsgNum = MsgNum(NonZeroU32::MIN);

    /// `None` for 0.
    pub const fn new(n: u32) -> Option<MsgNum> {
        match NonZeroU32::new(n) {
            Some(n) => Some(MsgNum(n)),
            None => None,
        }
    }

    /// The number.
    pub const fn get(self) -> u32 {
        self.0.get()
    }

    /// The 0-based index into a maildrop snapshot.
    pub const fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// The message number of the 0-based `index`, if it fits.
    pub fn from_index(index: usize) -> Option<MsgNum> {
        u32::try_from(index.checked_add(1)?)
            .ok()
            .and_then(MsgNum::new)
    }
}

impl TryFrom<u32> for MsgNum {
    type Error = ValidationError;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        MsgNum::new(n).ok_or_else(|| ValidationError::new("message number", "zero", b"0"))
    }
}

impl From<MsgNum> for u32 {
    fn from(n: MsgNum) -> u32 {
        n.get()
    }
}

impl fmt::Debug for MsgNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MsgNum({})", self.0)
    }
}

impl fmt::Display for MsgNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The digest argument of `APOP` (RFC 1939 §7): the MD5 of the greeting's timestamp followed by the
/// shared secret, sent as 32 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApopDigest([u8; 16]);

impl ApopDigest {
    /// Wraps a raw 16-octet digest.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        ApopDigest(bytes)
    }

    /// The raw digest.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses 32 hex digits (either case; RFC 1939 asks senders for lower case).
    pub fn from_hex(hex: &[u8]) -> Result<Self, ValidationError> {
        let err = |reason| ValidationError::new("APOP digest", reason, hex);
        if hex.len() != 32 {
            return Err(err("not 32 hex digits"));
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
            match (nib(pair[0]), nib(pair[1])) {
                (Some(h), Some(l)) => out[i] = h << 4 | l,
                _ => return Err(err("not a hex digit")),
            }
        }
        Ok(ApopDigest(out))
    }

    /// The 32 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for ApopDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A digest is credential material (it can be attacked offline): keep it out of logs.
        f.write_str("ApopDigest(/* REDACTED */)")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ApopDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(mailwire_core::secret::REDACTED)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ApopDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        ApopDigest::from_hex(s.as_bytes()).map_err(serde::de::Error::custom)
    }
}

/// Human-readable text in a response (RFC 2449 §3 `text`): any octets but CR and LF. Usually
/// ASCII; UTF-8 after `UTF8` or `LANG` (RFC 6856), and 8-bit bytes from some servers are kept as
/// they are.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Text<'a>(
    #[cfg_attr(
        feature = "serde",
        serde(
            serialize_with = "mailwire_core::serde_util::bytes::serialize",
            deserialize_with = "deserialize_text"
        )
    )]
    Cow<'a, [u8]>,
);

#[cfg(feature = "serde")]
fn deserialize_text<'de, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Cow<'a, [u8]>, D::Error> {
    let b = mailwire_core::serde_util::bytes::cow(d)?;
    validate_text(&b).map_err(serde::de::Error::custom)?;
    Ok(b)
}

fn validate_text(b: &[u8]) -> Result<(), &'static str> {
    if b.iter().any(|&c| c == b'\r' || c == b'\n') {
        return Err("CR or LF");
    }
    Ok(())
}

impl<'a> Text<'a> {
    /// Validates (no CR or LF) and wraps.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Result<Self, ValidationError> {
        let value = value.into();
        validate_text(&value).map_err(|r| ValidationError::new("text", r, &value))?;
        Ok(Text(value))
    }

    /// The empty text.
    pub const fn empty() -> Text<'static> {
        Text(Cow::Borrowed(b""))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `true` when there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text, with invalid UTF-8 replaced.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Text<'static> {
        Text(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Text({:?})",
            mailwire_core::text::Escaped::new(&self.0, usize::MAX)
        )
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

impl TryFrom<&'static str> for Text<'static> {
    type Error = ValidationError;
    fn try_from(value: &'static str) -> Result<Self, Self::Error> {
        Text::new(value.as_bytes())
    }
}

impl TryFrom<String> for Text<'static> {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Text::new(value.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_id_bounds() {
        assert!(UniqueId::new("QhdPYR:00WBw1Ph7x7").is_ok());
        assert!(UniqueId::new("x".repeat(70)).is_ok());
        assert!(UniqueId::new("x".repeat(71)).is_err());
        assert!(UniqueId::new("").is_err());
        assert!(UniqueId::new("a b").is_err());
        assert!(UniqueId::new("caf\u{e9}").is_err());
    }

    #[test]
    fn msg_num_is_one_based() {
        assert_eq!(MsgNum::new(0), None);
        assert_eq!(MsgNum::new(1), Some(MsgNum::ONE));
        assert_eq!(MsgNum::ONE.index(), 0);
        assert_eq!(MsgNum::from_index(4).map(MsgNum::get), Some(5));
        assert_eq!(MsgNum::from_index(u32::MAX as usize), None);
    }

    #[test]
    fn digest_hex() {
        // RFC 1939 §7 example digest.
        let d = ApopDigest::from_hex(b"c4c9334bac560ecc979e58001b3e22fb").unwrap();
        assert_eq!(d.to_hex(), "c4c9334bac560ecc979e58001b3e22fb");
        assert_eq!(
            ApopDigest::from_hex(b"C4C9334BAC560ECC979E58001B3E22FB").unwrap(),
            d
        );
        assert!(ApopDigest::from_hex(b"c4c9334bac560ecc979e58001b3e22fg").is_err());
        assert!(!format!("{d:?}").contains("c4"));
    }

    #[test]
    fn keyword_refuses_standard_commands() {
        assert!(Keyword::new("XTND").is_ok());
        assert!(Keyword::new("retr").is_err());
        assert!(Keyword::new("LONGER").is_err());
    }

    #[test]
    fn mechanism_grammar() {
        assert!(Mechanism::new("SCRAM-SHA-256").is_ok());
        assert!(Mechanism::new("plain").is_err());
        assert_eq!(Mechanism::from_any_case("plain").unwrap(), Mechanism::PLAIN);
        assert!(Mechanism::new("A".repeat(21)).is_err());
    }
}
