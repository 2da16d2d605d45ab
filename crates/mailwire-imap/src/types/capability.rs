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
    /// Any other capability, kept as sent.
    Other(Atom<'a>),
    /// `IDLE` (RFC 2177)
    Idle,
    /// `ENABLE` (RFC 5161)
    Enable,
    /// `UIDPLUS` (RFC 4315)
    UidPlus,
    /// `MOVE` (RFC 6851)
    Move,
    /// `CONDSTORE` (RFC 7162)
    CondStore,
    /// `QRESYNC` (RFC 7162)
    QResync,
    /// `LITERAL+` (RFC 7888)
    LiteralPlus,
    /// `LITERAL-` (RFC 7888)
    LiteralMinus,
    /// `SASL-IR` (RFC 4959)
    SaslIr,
    /// `ID` (RFC 2971)
    Id,
    /// `NAMESPACE` (RFC 2342)
    Namespace,
    /// `UNSELECT` (RFC 3691)
    Unselect,
    /// `CHILDREN` (RFC 3348)
    Children,
    /// `SPECIAL-USE` (RFC 6154)
    SpecialUse,
    /// `CREATE-SPECIAL-USE` (RFC 6154)
    CreateSpecialUse,
    /// `LIST-EXTENDED` (RFC 5258)
    ListExtended,
    /// `LIST-STATUS` (RFC 5819)
    ListStatus,
    /// `ESEARCH` (RFC 4731)
    ESearch,
    /// `SEARCHRES` (RFC 5182)
    SearchRes,
    /// `WITHIN` (RFC 5032)
    Within,
    /// `SORT` (RFC 5256)
    Sort,
    /// `SORT=DISPLAY` (RFC 5957)
    SortDisplay,
    /// `THREAD=algorithm` (RFC 5256 §4, `"THREAD=" thread-alg`), the algorithm as sent.
    Thread(Atom<'a>),
    /// `QUOTA` (RFC 2087, RFC 9208)
    Quota,
    /// `QUOTA=RES-name` (RFC 9208 §7 `capa-quota-res`)
    QuotaRes(super::quota::QuotaResourceName<'a>),
    /// `QUOTASET` (RFC 9208)
    QuotaSet,
    /// `METADATA` (RFC 5464)
    Metadata,
    /// `METADATA-SERVER` (RFC 5464)
    MetadataServer,
    /// `BINARY` (RFC 3516)
    Binary,
    /// `UTF8=ACCEPT` (RFC 6855, RFC 9755)
    Utf8Accept,
    /// `UTF8=ONLY` (RFC 6855)
    Utf8Only,
    /// `STATUS=SIZE` (RFC 8438)
    StatusSize,
    /// `OBJECTID` (RFC 8474)
    ObjectId,
    /// `PREVIEW` (RFC 8970)
    Preview,
    /// `UNAUTHENTICATE` (RFC 8437)
    Unauthenticate,
    /// `ACL` (RFC 4314, RFC 2086)
    Acl,
    /// `RIGHTS=letters` (RFC 4314 §7 `rights-capa`), the letters as sent.
    Rights(Atom<'a>),
    /// `MULTIAPPEND` (RFC 3502)
    MultiAppend,
    /// `APPENDLIMIT` or `APPENDLIMIT=n` (RFC 7889 §5)
    AppendLimit(Option<u32>),
    /// `SAVEDATE` (RFC 8514)
    SaveDate,
    /// `UIDONLY` (RFC 9586)
    UidOnly,
    /// `COMPRESS=algorithm` (RFC 4978 §5)
    Compress(CompressionAlgorithm<'a>),
    /// `X-GM-EXT-1` (Gmail's IMAP extensions)
    XGmExt1,
}

/// A compression algorithm (RFC 4978 §5, `algorithm = "DEFLATE"`; future names are atoms).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CompressionAlgorithm<'a> {
    /// `DEFLATE` (RFC 1951 raw deflate)
    Deflate,
    /// Another algorithm name, as sent.
    Other(Atom<'a>),
}

impl<'a> CompressionAlgorithm<'a> {
    /// Classifies an algorithm name.
    pub fn from_atom(atom: Atom<'a>) -> Self {
        if atom.as_str().eq_ignore_ascii_case("DEFLATE") {
            CompressionAlgorithm::Deflate
        } else {
            CompressionAlgorithm::Other(atom)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        match self {
            CompressionAlgorithm::Deflate => "DEFLATE",
            CompressionAlgorithm::Other(a) => a.as_str(),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> CompressionAlgorithm<'static> {
        match self {
            CompressionAlgorithm::Deflate => CompressionAlgorithm::Deflate,
            CompressionAlgorithm::Other(a) => CompressionAlgorithm::Other(a.into_static()),
        }
    }
}

/// The capabilities without arguments, with their wire names (RFC 9051 §6.1.1 and the
/// extension RFCs named on each [`Capability`] variant).
const SIMPLE: [(&str, Capability<'static>); 41] = [
    ("IMAP4rev1", Capability::Imap4Rev1),
    ("IMAP4rev2", Capability::Imap4Rev2),
    ("LOGINDISABLED", Capability::LoginDisabled),
    ("STARTTLS", Capability::StartTls),
    ("IDLE", Capability::Idle),
    ("ENABLE", Capability::Enable),
    ("UIDPLUS", Capability::UidPlus),
    ("MOVE", Capability::Move),
    ("CONDSTORE", Capability::CondStore),
    ("QRESYNC", Capability::QResync),
    ("LITERAL+", Capability::LiteralPlus),
    ("LITERAL-", Capability::LiteralMinus),
    ("SASL-IR", Capability::SaslIr),
    ("ID", Capability::Id),
    ("NAMESPACE", Capability::Namespace),
    ("UNSELECT", Capability::Unselect),
    ("CHILDREN", Capability::Children),
    ("SPECIAL-USE", Capability::SpecialUse),
    ("CREATE-SPECIAL-USE", Capability::CreateSpecialUse),
    ("LIST-EXTENDED", Capability::ListExtended),
    ("LIST-STATUS", Capability::ListStatus),
    ("ESEARCH", Capability::ESearch),
    ("SEARCHRES", Capability::SearchRes),
    ("WITHIN", Capability::Within),
    ("SORT", Capability::Sort),
    ("SORT=DISPLAY", Capability::SortDisplay),
    ("QUOTA", Capability::Quota),
    ("QUOTASET", Capability::QuotaSet),
    ("METADATA", Capability::Metadata),
    ("METADATA-SERVER", Capability::MetadataServer),
    ("BINARY", Capability::Binary),
    ("UTF8=ACCEPT", Capability::Utf8Accept),
    ("UTF8=ONLY", Capability::Utf8Only),
    ("STATUS=SIZE", Capability::StatusSize),
    ("OBJECTID", Capability::ObjectId),
    ("PREVIEW", Capability::Preview),
    ("UNAUTHENTICATE", Capability::Unauthenticate),
    ("ACL", Capability::Acl),
    ("MULTIAPPEND", Capability::MultiAppend),
    ("SAVEDATE", Capability::SaveDate),
    ("UIDONLY", Capability::UidOnly),
];

/// `atom[n..]` as an atom borrowing like `atom` (the suffix of an atom is an atom when
/// non-empty).
fn suffix<'a>(atom: &Atom<'a>, n: usize) -> Option<Atom<'a>> {
    let s = atom.as_str().get(n..)?;
    if s.is_empty() {
        return None;
    }
    Some(match atom.clone().into_inner() {
        std::borrow::Cow::Borrowed(b) => Atom::unchecked(&b[n..]),
        std::borrow::Cow::Owned(_) => Atom::unchecked(s.to_string()),
    })
}

fn has_prefix(s: &str, p: &str) -> bool {
    s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
}

impl<'a> Capability<'a> {
    /// Classifies a capability atom (names are case-insensitive; a typed capability encodes in
    /// the RFC's spelling, arguments such as mechanism or algorithm names are kept as sent).
    pub fn from_atom(atom: Atom<'a>) -> Self {
        let s = atom.as_str();
        if let Some((_, c)) = SIMPLE.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
            return c.clone();
        }
        if s.eq_ignore_ascii_case("X-GM-EXT-1") {
            return Capability::XGmExt1;
        }
        if s.eq_ignore_ascii_case("APPENDLIMIT") {
            return Capability::AppendLimit(None);
        }
        if has_prefix(s, "APPENDLIMIT=") {
            let digits = &s["APPENDLIMIT=".len()..];
            // `number`: digits only, 32-bit; anything else stays an unknown capability.
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = digits.parse::<u32>() {
                    // Leading zeros would not survive re-encoding.
                    if n.to_string() == digits {
                        return Capability::AppendLimit(Some(n));
                    }
                }
            }
            return Capability::Other(atom);
        }
        type Make<'a> = fn(Atom<'a>) -> Capability<'a>;
        let prefixed: [(&str, Make<'a>); 4] = [
            ("THREAD=", Capability::Thread),
            ("RIGHTS=", Capability::Rights),
            ("COMPRESS=", |a| {
                Capability::Compress(CompressionAlgorithm::from_atom(a))
            }),
            ("QUOTA=RES-", |a| {
                Capability::QuotaRes(super::quota::QuotaResourceName::from_atom(a))
            }),
        ];
        for (p, f) in prefixed {
            if has_prefix(s, p) {
                if let Some(rest) = suffix(&atom, p.len()) {
                    return f(rest);
                }
            }
        }
        if s.len() > 5 && s[..5].eq_ignore_ascii_case("AUTH=") {
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
            Capability::Thread(a) => Capability::Thread(a.into_static()),
            Capability::QuotaRes(r) => Capability::QuotaRes(r.into_static()),
            Capability::Rights(a) => Capability::Rights(a.into_static()),
            Capability::AppendLimit(n) => Capability::AppendLimit(n),
            Capability::Compress(c) => Capability::Compress(c.into_static()),
            Capability::XGmExt1 => Capability::XGmExt1,
            simple => SIMPLE
                .iter()
                .find(|(_, c)| *c == simple)
                .map(|(_, c)| c.clone())
                .unwrap_or(Capability::Imap4Rev1),
        }
    }

    /// The wire name of a capability without arguments (`None` for `AUTH=`, `Other` and the
    /// forms with arguments).
    pub fn simple_name(&self) -> Option<&'static str> {
        SIMPLE.iter().find(|(_, c)| c == self).map(|(n, _)| *n)
    }
}

/// The extensions ENABLE turned on for a connection (RFC 5161 §3.2 `ENABLED` responses), as the
/// client and server connections track them; UNAUTHENTICATE clears them (RFC 8437 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnabledSet(Vec<Atom<'static>>);

impl EnabledSet {
    /// Adds the capabilities of an `ENABLED` response (case-insensitive, without duplicates).
    pub fn record(&mut self, caps: &[Atom<'_>]) {
        for c in caps {
            if !self.contains(c.as_str()) {
                self.0.push(c.clone().into_static());
            }
        }
    }

    /// Whether `capability` is enabled (case-insensitive).
    pub fn contains(&self, capability: &str) -> bool {
        self.0
            .iter()
            .any(|a| a.as_str().eq_ignore_ascii_case(capability))
    }

    /// The enabled capabilities, in the order they were enabled.
    pub fn as_slice(&self) -> &[Atom<'static>] {
        &self.0
    }

    /// Forgets them all.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}
