//! Strings, numbers and lists of the IMAP grammar (RFC 9051 §4 and §9, RFC 3501 §4 and §9).
//!
//! The string types keep the form they were sent in (atom, quoted or literal) so that a decoded
//! message re-encodes to the same bytes. Constructors from Rust strings pick the simplest form
//! that can carry the value: an atom where the grammar allows one and the value is an atom, else a
//! quoted string, else a literal.

use std::borrow::Cow;
use std::fmt;

pub use mailwire_core::ValidationError;
use mailwire_core::validated_str;

/// `atom-specials` (RFC 9051 §9): `(` `)` `{` SP CTL `%` `*` `"` `\` `]`.
pub(crate) const fn is_atom_char(b: u8) -> bool {
    b > 0x20 && b < 0x7f && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// `ASTRING-CHAR = ATOM-CHAR / resp-specials`.
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// `list-char = ATOM-CHAR / list-wildcards / resp-specials`.
pub(crate) fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

/// `tag = 1*<any ASTRING-CHAR except "+">`.
pub(crate) fn is_tag_char(b: u8) -> bool {
    is_astring_char(b) && b != b'+'
}

/// `TEXT-CHAR` plus the 8-bit bytes a tolerant decoder accepts: anything but CR, LF and NUL.
pub(crate) fn is_text_byte(b: u8) -> bool {
    b != b'\r' && b != b'\n' && b != 0
}

fn all(b: &[u8], f: fn(u8) -> bool) -> Result<(), &'static str> {
    if b.is_empty() {
        Err("empty")
    } else if b.iter().all(|&c| f(c)) {
        Ok(())
    } else {
        Err("character not allowed")
    }
}

validated_str!(
    /// A command tag (RFC 9051 §2.2.1, `tag`): printable ASCII without `(`, `)`, `{`, SP, `%`,
    /// `*`, `"`, `\` and `+`.
    Tag, "tag", |b| all(b, is_tag_char)
);

validated_str!(
    /// An atom (RFC 9051 §4.1, `atom`).
    Atom, "atom", |b| all(b, is_atom_char)
);

validated_str!(
    /// The unquoted form of an astring (RFC 9051 §9, `1*ASTRING-CHAR`): an atom that may also
    /// contain `]`.
    AtomExt, "astring atom", |b| all(b, is_astring_char)
);

validated_str!(
    /// The unquoted form of a LIST pattern (RFC 9051 §9, `1*list-char`): may contain `%` and `*`.
    ListCharString, "list pattern", |b| all(b, is_list_char)
);

/// Bytes held by a quoted string, a literal, or response text. Borrowed from the input where
/// possible.
pub type ByteStr<'a> = Cow<'a, [u8]>;

/// A quoted string (RFC 9051 §4.3, `quoted`), held unescaped. It may hold any byte but CR, LF and
/// NUL; bytes beyond ASCII are UTF-8 in IMAP4rev2 and tolerated as 8-bit from older peers.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Quoted<'a>(
    #[cfg_attr(
        feature = "serde",
        serde(
            serialize_with = "mailwire_core::serde_util::bytes::serialize",
            deserialize_with = "mailwire_core::serde_util::bytes::cow"
        )
    )]
    ByteStr<'a>,
);

impl<'a> Quoted<'a> {
    /// Validates (no CR, LF or NUL) and wraps the unescaped content.
    pub fn new(value: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.iter().all(|&b| is_text_byte(b)) {
            Ok(Quoted(value))
        } else {
            Err(ValidationError::new(
                "quoted string",
                "CR, LF or NUL",
                &value,
            ))
        }
    }

    pub(crate) fn unchecked(value: ByteStr<'a>) -> Self {
        Quoted(value)
    }

    /// The unescaped content.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Quoted<'static> {
        Quoted(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Quoted({:?})",
            mailwire_core::text::Escaped::new(&self.0, usize::MAX)
        )
    }
}

/// How a literal is sent (RFC 9051 §4.3, RFC 7888).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LiteralMode {
    /// `{n}`: the client waits for a `+` continuation before sending the data.
    Sync,
    /// `{n+}` (LITERAL+ / LITERAL-, RFC 7888): the data follows at once. Client to server only.
    NonSync,
}

/// A literal (RFC 9051 §4.3, `literal`): any bytes but NUL, announced by their count.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Literal<'a> {
    #[cfg_attr(
        feature = "serde",
        serde(
            serialize_with = "mailwire_core::serde_util::bytes::serialize",
            deserialize_with = "mailwire_core::serde_util::bytes::cow"
        )
    )]
    data: ByteStr<'a>,
    mode: LiteralMode,
}

impl<'a> Literal<'a> {
    /// A synchronizing literal. NUL bytes are refused (`CHAR8`); use [`Literal8`] for binary.
    pub fn new(data: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        Self::with_mode(data, LiteralMode::Sync)
    }

    /// A literal sent in the given mode.
    pub fn with_mode(
        data: impl Into<ByteStr<'a>>,
        mode: LiteralMode,
    ) -> Result<Self, ValidationError> {
        let data = data.into();
        if memchr::memchr(0, &data).is_some() {
            return Err(ValidationError::new("literal", "NUL byte", &data));
        }
        Ok(Literal { data, mode })
    }

    pub(crate) fn unchecked(data: ByteStr<'a>, mode: LiteralMode) -> Self {
        Literal { data, mode }
    }

    /// The data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Synchronizing or not.
    pub fn mode(&self) -> LiteralMode {
        self.mode
    }

    /// The same literal in another mode.
    pub fn into_mode(self, mode: LiteralMode) -> Self {
        Literal { mode, ..self }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Literal<'static> {
        Literal {
            data: Cow::Owned(self.data.into_owned()),
            mode: self.mode,
        }
    }
}

impl fmt::Debug for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Literal({:?}, {:?})",
            mailwire_core::text::Escaped::new(&self.data, 256),
            self.mode
        )
    }
}

/// A binary literal (RFC 3516 §4.2 and RFC 9051 §9, `literal8 = "~{" number64 ["+"] "}" CRLF
/// *OCTET`): any bytes, NUL included.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Literal8<'a> {
    /// The data.
    #[cfg_attr(
        feature = "serde",
        serde(
            serialize_with = "mailwire_core::serde_util::bytes::serialize",
            deserialize_with = "mailwire_core::serde_util::bytes::cow"
        )
    )]
    pub data: ByteStr<'a>,
    /// Synchronizing or not (the `+` form is client to server only).
    pub mode: LiteralMode,
}

impl Literal8<'_> {
    /// Copies any borrowed data.
    pub fn into_static(self) -> Literal8<'static> {
        Literal8 {
            data: Cow::Owned(self.data.into_owned()),
            mode: self.mode,
        }
    }
}

impl fmt::Debug for Literal8<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Literal8({:?}, {:?})",
            mailwire_core::text::Escaped::new(&self.data, 256),
            self.mode
        )
    }
}

/// `string = quoted / literal` (RFC 9051 §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IString<'a> {
    /// A quoted string.
    Quoted(Quoted<'a>),
    /// A literal.
    Literal(Literal<'a>),
}

impl<'a> IString<'a> {
    /// The string's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            IString::Quoted(q) => q.as_bytes(),
            IString::Literal(l) => l.data(),
        }
    }

    /// The simplest form that carries `value`: quoted if it can be, else a literal.
    pub fn from_bytes(value: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        let value = value.into();
        if quotable(&value) {
            Ok(IString::Quoted(Quoted(value)))
        } else {
            Literal::new(value).map(IString::Literal)
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> IString<'static> {
        match self {
            IString::Quoted(q) => IString::Quoted(q.into_static()),
            IString::Literal(l) => IString::Literal(l.into_static()),
        }
    }
}

/// Whether `value` can be sent as a quoted string without surprising a strict peer: printable,
/// no CR/LF/NUL, and not too long (long values go as literals).
pub(crate) fn quotable(value: &[u8]) -> bool {
    value.len() <= 1024 && value.iter().all(|&b| is_text_byte(b))
}

impl TryFrom<&'static str> for IString<'static> {
    type Error = ValidationError;
    fn try_from(s: &'static str) -> Result<Self, Self::Error> {
        IString::from_bytes(s.as_bytes())
    }
}

/// `nstring = string / nil` (RFC 9051 §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct NString<'a>(pub Option<IString<'a>>);

impl<'a> NString<'a> {
    /// `NIL`.
    pub const NIL: NString<'static> = NString(None);

    /// The bytes, or `None` for `NIL`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.0.as_ref().map(IString::as_bytes)
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> NString<'static> {
        NString(self.0.map(IString::into_static))
    }
}

/// `astring = 1*ASTRING-CHAR / string` (RFC 9051 §9).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AString<'a> {
    /// The unquoted form.
    Atom(AtomExt<'a>),
    /// A quoted string or literal.
    String(IString<'a>),
}

impl<'a> AString<'a> {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            AString::Atom(a) => a.as_str().as_bytes(),
            AString::String(s) => s.as_bytes(),
        }
    }

    /// The simplest form that carries `value`: atom, quoted, or literal.
    pub fn from_bytes(value: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        let value = value.into();
        if !value.is_empty() && value.iter().all(|&b| is_astring_char(b)) && !is_nil(&value) {
            let s = match value {
                Cow::Borrowed(b) => Cow::Borrowed(core::str::from_utf8(b).unwrap_or_default()),
                Cow::Owned(b) => Cow::Owned(String::from_utf8(b).unwrap_or_default()),
            };
            return AtomExt::new(s).map(AString::Atom);
        }
        IString::from_bytes(value).map(AString::String)
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> AString<'static> {
        match self {
            AString::Atom(a) => AString::Atom(a.into_static()),
            AString::String(s) => AString::String(s.into_static()),
        }
    }
}

/// `NIL` is an atom in form, so a value that reads "NIL" is sent quoted where NIL is possible.
pub(crate) fn is_nil(b: &[u8]) -> bool {
    b.eq_ignore_ascii_case(b"NIL")
}

impl TryFrom<&'static str> for AString<'static> {
    type Error = ValidationError;
    fn try_from(s: &'static str) -> Result<Self, Self::Error> {
        AString::from_bytes(s.as_bytes())
    }
}

/// Human-readable text (RFC 9051 §9, `text`), as bytes: UTF-8 in IMAP4rev2, 8-bit from some older
/// servers, kept as sent.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Text<'a>(
    #[cfg_attr(
        feature = "serde",
        serde(
            serialize_with = "mailwire_core::serde_util::bytes::serialize",
            deserialize_with = "mailwire_core::serde_util::bytes::cow"
        )
    )]
    ByteStr<'a>,
);

impl<'a> Text<'a> {
    /// Validates (no CR, LF, NUL) and wraps.
    pub fn new(value: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.iter().all(|&b| is_text_byte(b)) {
            Ok(Text(value))
        } else {
            Err(ValidationError::new("text", "CR, LF or NUL", &value))
        }
    }

    pub(crate) fn unchecked(value: &'a [u8]) -> Self {
        Text(Cow::Borrowed(value))
    }

    /// Empty text.
    pub const fn empty() -> Text<'static> {
        Text(Cow::Borrowed(b""))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text, invalid UTF-8 replaced.
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

impl TryFrom<&'static str> for Text<'static> {
    type Error = ValidationError;
    fn try_from(s: &'static str) -> Result<Self, Self::Error> {
        Text::new(s.as_bytes())
    }
}

/// `charset = atom / quoted` (RFC 9051 §9).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Charset<'a> {
    /// `UTF-8`, `US-ASCII`...
    Atom(Atom<'a>),
    /// A quoted charset name.
    Quoted(Quoted<'a>),
}

impl Charset<'_> {
    /// Copies any borrowed data.
    pub fn into_static(self) -> Charset<'static> {
        match self {
            Charset::Atom(a) => Charset::Atom(a.into_static()),
            Charset::Quoted(q) => Charset::Quoted(q.into_static()),
        }
    }
}

/// A list that cannot be empty, for grammar rules of the form `x *(SP x)`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<T>", into = "Vec<T>"))]
#[cfg_attr(
    feature = "serde",
    serde(bound(
        serialize = "T: Clone + serde::Serialize",
        deserialize = "T: serde::Deserialize<'de>"
    ))
)]
pub struct Vec1<T>(Vec<T>);

impl<T> Vec1<T> {
    /// A list of one.
    pub fn one(item: T) -> Self {
        Vec1(vec![item])
    }

    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The items.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    /// The first item.
    pub fn first(&self) -> &T {
        &self.0[0]
    }

    /// Applies `f` to each item.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Vec1<U> {
        Vec1(self.0.into_iter().map(f).collect())
    }

    pub(crate) fn unchecked(v: Vec<T>) -> Self {
        debug_assert!(!v.is_empty());
        Vec1(v)
    }
}

impl<T> TryFrom<Vec<T>> for Vec1<T> {
    type Error = ValidationError;
    fn try_from(v: Vec<T>) -> Result<Self, Self::Error> {
        if v.is_empty() {
            Err(ValidationError::new("list", "empty", b""))
        } else {
            Ok(Vec1(v))
        }
    }
}

impl<T> From<Vec1<T>> for Vec<T> {
    fn from(v: Vec1<T>) -> Vec<T> {
        v.0
    }
}

impl<T> core::ops::Deref for Vec1<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Vec1<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'a, T> IntoIterator for &'a Vec1<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
