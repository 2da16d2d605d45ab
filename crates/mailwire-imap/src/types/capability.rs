//! Capabilities (RFC 9051 §6.1.1 and §7.2.2, RFC 3501 §7.2.1).

use super::core::Atom;
use mailwire_core::validated_str;

fn validate_mechanism(b: &[u8]) -> Result<(), &'static str> {
    // RFC 4422 §3.1 sasl-mech; decoders accept any atom and keep it.
    if b.is_empty() || !b.iter().all(|&c| super::core::is_atom_char(c)) {
        Err("not an atom")
    } else {
        Ok(())
    }
}

validated_str!(
    /// A SASL mechanism name (`auth-type = atom`, RFC 9051 §9; RFC 4422 §3.1).
    AuthMechanism, "SASL mechanism", validate_mechanism
);

impl AuthMechanism<'_> {
    /// `PLAIN` (RFC 4616).
    pub fn plain() -> AuthMechanism<'static> {
        AuthMechanism::unchecked("PLAIN")
    }

    /// `LOGIN` (widely deployed, draft-murchison-sasl-login).
    pub fn login() -> AuthMechanism<'static> {
        AuthMechanism::unchecked("LOGIN")
    }

    /// `true` if the name equals `other` ignoring ASCII case.
    pub fn is(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

/// A capability (RFC 9051 §9, `capability = ("AUTH=" auth-type) / atom`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Capability<'a> {
    /// `IMAP4rev1` (RFC 3501)
    Imap4Rev1,
    /// `IMAP4rev2` (RFC 9051)
    Imap4Rev2,
    /// `AUTH=mechanism`
    Auth(AuthMechanism<'a>),
    /// `LOGINDISABLED`
    LoginDisabled,
    /// `STARTTLS`
    StartTls,
    /// Any other capability, kept as sent (extensions are typed in later versions).
    Other(Atom<'a>),
}

impl<'a> Capability<'a> {
    /// Classifies a capability atom.
    pub fn from_atom(atom: Atom<'a>) -> Self {
        let s = atom.as_str();
        if s.eq_ignore_ascii_case("IMAP4rev1") {
            Capability::Imap4Rev1
        } else if s.eq_ignore_ascii_case("IMAP4rev2") {
            Capability::Imap4Rev2
        } else if s.eq_ignore_ascii_case("LOGINDISABLED") {
            Capability::LoginDisabled
        } else if s.eq_ignore_ascii_case("STARTTLS") {
            Capability::StartTls
        } else if s.len() > 5 && s[..5].eq_ignore_ascii_case("AUTH=") {
            match atom.into_inner() {
                std::borrow::Cow::Borrowed(b) => {
                    Capability::Auth(AuthMechanism::unchecked(&b[5..]))
                }
                std::borrow::Cow::Owned(o) => {
                    Capability::Auth(AuthMechanism::unchecked(o[5..].to_string()))
                }
            }
        } else {
            Capability::Other(atom)
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Capability<'static> {
        match self {
            Capability::Imap4Rev1 => Capability::Imap4Rev1,
            Capability::Imap4Rev2 => Capability::Imap4Rev2,
            Capability::Auth(m) => Capability::Auth(m.into_static()),
            Capability::LoginDisabled => Capability::LoginDisabled,
            Capability::StartTls => Capability::StartTls,
            Capability::Other(a) => Capability::Other(a.into_static()),
        }
    }
}
