//! Validated value types of the mailbox model: UIDs, UID sets, flags, mailbox names, metadata.
//!
//! Every type here is protocol-neutral: it knows the rules that IMAP (RFC 9051) and POP3
//! (RFC 1939) place on the values, but no wire syntax.

use core::fmt;
use core::num::{NonZeroU32, NonZeroU64};
use std::cmp::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

/// A message's unique identifier within one mailbox (RFC 9051 §2.3.1.1): never reused while
/// the mailbox keeps its [`UidValidity`], strictly ascending in order of arrival.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(NonZeroU32);

impl Uid {
    /// The smallest UID, 1.
    pub const MIN: Uid = Uid(NonZeroU32::MIN);
    /// The largest UID, 4294967295 (RFC 9051 §9 `nz-number`).
    pub const MAX: Uid = Uid(NonZeroU32::MAX);

    /// A UID from its number; `None` for 0, which RFC 9051 §9 (`nz-number`) excludes.
    pub const fn new(n: u32) -> Option<Uid> {
        match NonZeroU32::new(n) {
            Some(n) => Some(Uid(n)),
            None => None,
        }
    }

    /// The number.
    pub const fn get(self) -> u32 {
        self.0.get()
    }

    /// The next UID, `None` after [`Uid::MAX`].
    pub const fn next(self) -> Option<Uid> {
        match self.0.checked_add(1) {
            Some(n) => Some(Uid(n)),
            None => None,
        }
    }
}

impl fmt::Debug for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uid({})", self.0)
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A mailbox's UID validity value (RFC 9051 §2.3.1.1): when it changes, every UID a client
/// remembers for the mailbox is void. A new value is always greater than the previous one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct UidValidity(NonZeroU32);

impl UidValidity {
    /// A value from its number; `None` for 0 (RFC 9051 §9 `nz-number`).
    pub const fn new(n: u32) -> Option<UidValidity> {
        match NonZeroU32::new(n) {
            Some(n) => Some(UidValidity(n)),
            None => None,
        }
    }

    /// The number.
    pub const fn get(self) -> u32 {
        self.0.get()
    }
}

impl fmt::Display for UidValidity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A modification sequence (RFC 7162 §3.1.1 `mod-sequence-value`): every change to a message's
/// flags, and every expunge, gets a value greater than all earlier ones in the mailbox.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ModSeq(NonZeroU64);

impl ModSeq {
    /// The smallest value, 1: the HIGHESTMODSEQ of a mailbox nothing has happened to.
    pub const MIN: ModSeq = ModSeq(NonZeroU64::MIN);

    /// A value from its number; `None` for 0. RFC 7162 §3.1.1 limits values to 63 bits; larger
    /// numbers are refused too.
    pub const fn new(n: u64) -> Option<ModSeq> {
        if n > i64::MAX as u64 {
            return None;
        }
        match NonZeroU64::new(n) {
            Some(n) => Some(ModSeq(n)),
            None => None,
        }
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for ModSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A set of UIDs (RFC 9051 §9 `sequence-set` after the server resolved `*`), kept as sorted,
/// disjoint, non-adjacent ranges, so `1:4294967295` costs one range.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct UidSet {
    ranges: Vec<(u32, u32)>,
}

impl UidSet {
    /// The empty set.
    pub const fn new() -> UidSet {
        UidSet { ranges: Vec::new() }
    }

    /// Every UID, `1:4294967295`.
    pub fn all() -> UidSet {
        UidSet::range(Uid::MIN, Uid::MAX)
    }

    /// One UID.
    pub fn single(uid: Uid) -> UidSet {
        UidSet::range(uid, uid)
    }

    /// The UIDs from `a` to `b`, in either order (RFC 9051 §9 `seq-range` is unordered).
    pub fn range(a: Uid, b: Uid) -> UidSet {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        UidSet {
            ranges: vec![(lo.get(), hi.get())],
        }
    }

    /// Adds one UID.
    pub fn insert(&mut self, uid: Uid) {
        self.insert_range(uid, uid);
    }

    /// Adds the UIDs from `a` to `b`, in either order.
    pub fn insert_range(&mut self, a: Uid, b: Uid) {
        let (lo, hi) = if a <= b {
            (a.get(), b.get())
        } else {
            (b.get(), a.get())
        };
        // Fast path: appending in ascending order, as stores and servers usually do.
        if let Some(last) = self.ranges.last_mut() {
            if lo > last.1 {
                if lo == last.1 + 1 {
                    last.1 = hi;
                } else {
                    self.ranges.push((lo, hi));
                }
                return;
            }
        } else {
            self.ranges.push((lo, hi));
            return;
        }
        // General case: find the ranges that touch [lo, hi] and merge them.
        let start = self
            .ranges
            .partition_point(|&(_, e)| e < lo.saturating_sub(1));
        let mut end = start;
        let (mut nlo, mut nhi) = (lo, hi);
        while end < self.ranges.len() && self.ranges[end].0 <= hi.saturating_add(1) {
            nlo = nlo.min(self.ranges[end].0);
            nhi = nhi.max(self.ranges[end].1);
            end += 1;
        }
        self.ranges.splice(start..end, [(nlo, nhi)]);
    }

    /// Whether the set holds `uid`.
    pub fn contains(&self, uid: Uid) -> bool {
        let n = uid.get();
        let i = self.ranges.partition_point(|&(_, e)| e < n);
        i < self.ranges.len() && self.ranges[i].0 <= n
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// How many UIDs the set holds.
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
    }

    /// The ranges, ascending, as inclusive `(first, last)` pairs.
    pub fn ranges(&self) -> impl Iterator<Item = (Uid, Uid)> + '_ {
        self.ranges
            .iter()
            .filter_map(|&(a, b)| Some((Uid::new(a)?, Uid::new(b)?)))
    }

    /// Every UID, ascending. Beware of sets like [`UidSet::all`]: iterate a mailbox's messages and
    /// test [`UidSet::contains`] instead.
    pub fn iter(&self) -> impl Iterator<Item = Uid> + '_ {
        self.ranges
            .iter()
            .flat_map(|&(a, b)| (a..=b).filter_map(Uid::new))
    }

    /// The smallest UID.
    pub fn first(&self) -> Option<Uid> {
        self.ranges.first().and_then(|r| Uid::new(r.0))
    }

    /// The largest UID.
    pub fn last(&self) -> Option<Uid> {
        self.ranges.last().and_then(|r| Uid::new(r.1))
    }
}

impl FromIterator<Uid> for UidSet {
    fn from_iter<T: IntoIterator<Item = Uid>>(iter: T) -> Self {
        let mut set = UidSet::new();
        for uid in iter {
            set.insert(uid);
        }
        set
    }
}

impl fmt::Debug for UidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UidSet({self})")
    }
}

/// The RFC 9051 §9 `sequence-set` notation, e.g. `1:3,7`; empty sets print as nothing.
impl fmt::Display for UidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}:{b}")?;
            }
        }
        Ok(())
    }
}

/// Why a value was refused by a validating constructor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// The value is empty.
    #[error("{what} is empty")]
    Empty {
        /// What was being validated.
        what: &'static str,
    },
    /// The value is longer than allowed.
    #[error("{what} is longer than {max} bytes")]
    TooLong {
        /// What was being validated.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// The value holds a byte or character that is never allowed in it.
    #[error("{what} {value:?} holds the forbidden character {ch:?} at byte {at}")]
    Forbidden {
        /// What was being validated.
        what: &'static str,
        /// The offending value.
        value: String,
        /// The character.
        ch: char,
        /// Its byte offset.
        at: usize,
    },
    /// The value breaks a structural rule (an empty hierarchy level, `.` or `..`, ...).
    #[error("{what} {value:?}: {reason}")]
    Malformed {
        /// What was being validated.
        what: &'static str,
        /// The offending value.
        value: String,
        /// The rule it breaks.
        reason: &'static str,
    },
}

/// Checks length and characters of a text value.
pub(crate) fn validate_text(
    what: &'static str,
    s: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<(), InvalidValue> {
    if s.is_empty() {
        return Err(InvalidValue::Empty { what });
    }
    if s.len() > max {
        return Err(InvalidValue::TooLong { what, max });
    }
    match s.char_indices().find(|&(_, c)| !allowed(c)) {
        Some((at, ch)) => Err(InvalidValue::Forbidden {
            what,
            value: s.to_owned(),
            ch,
            at,
        }),
        None => Ok(()),
    }
}

/// A message keyword (RFC 9051 §2.3.2 `flag-keyword`, an `atom`), such as `$Forwarded` or
/// `$Junk`. Keywords compare ASCII case-insensitively and keep the case they were created with.
#[derive(Clone)]
pub struct Keyword(Arc<str>);

impl Keyword {
    /// The longest keyword accepted (a storage limit of this crate; RFC 9051 sets none).
    pub const MAX_LEN: usize = 128;

    /// Validates a keyword: 1 to [`Keyword::MAX_LEN`] bytes of the RFC 9051 §9 `ATOM-CHAR` set
    /// (printable ASCII except `(`, `)`, `{`, space, `%`, `*`, `"`, `\`, `]`), so that it can be
    /// written as an IMAP atom and stored in any backend.
    pub fn new(s: &str) -> Result<Keyword, InvalidValue> {
        validate_text("keyword", s, Self::MAX_LEN, is_atom_char)?;
        Ok(Keyword(Arc::from(s)))
    }

    /// The keyword as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 9051 §9: `ATOM-CHAR = <any CHAR except atom-specials>`, where atom-specials are
/// `(`, `)`, `{`, SP, CTL, list-wildcards (`%`, `*`), quoted-specials (`"`, `\`) and `]`.
fn is_atom_char(c: char) -> bool {
    matches!(c, '\x21'..='\x7e') && !matches!(c, '(' | ')' | '{' | '%' | '*' | '"' | '\\' | ']')
}

impl PartialEq for Keyword {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for Keyword {}
impl PartialOrd for Keyword {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Keyword {
    fn cmp(&self, other: &Self) -> Ordering {
        let a = self.0.bytes().map(|b| b.to_ascii_lowercase());
        let b = other.0.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(b)
    }
}
impl core::hash::Hash for Keyword {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}
impl fmt::Debug for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keyword({:?})", &*self.0)
    }
}
impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl TryFrom<&str> for Keyword {
    type Error = InvalidValue;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Keyword::new(s)
    }
}

/// A system flag (RFC 9051 §2.3.2). `\Recent` is a per-session notion of RFC 3501 and is kept
/// by the server, not the store.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum SystemFlag {
    /// `\Seen`: the message has been read.
    Seen,
    /// `\Answered`: the message has been answered.
    Answered,
    /// `\Flagged`: the message is flagged for urgent or special attention.
    Flagged,
    /// `\Deleted`: the message is marked for removal by a later expunge.
    Deleted,
    /// `\Draft`: the message is a draft.
    Draft,
}

impl SystemFlag {
    /// Every system flag.
    pub const ALL: [SystemFlag; 5] = [
        SystemFlag::Seen,
        SystemFlag::Answered,
        SystemFlag::Flagged,
        SystemFlag::Deleted,
        SystemFlag::Draft,
    ];

    const fn bit(self) -> u8 {
        match self {
            SystemFlag::Seen => 1,
            SystemFlag::Answered => 2,
            SystemFlag::Flagged => 4,
            SystemFlag::Deleted => 8,
            SystemFlag::Draft => 16,
        }
    }

    /// The flag's name with its backslash, as RFC 9051 §2.3.2 spells it (e.g. `\Seen`).
    pub const fn name(self) -> &'static str {
        match self {
            SystemFlag::Seen => "\\Seen",
            SystemFlag::Answered => "\\Answered",
            SystemFlag::Flagged => "\\Flagged",
            SystemFlag::Deleted => "\\Deleted",
            SystemFlag::Draft => "\\Draft",
        }
    }
}

/// A flag: a system flag or a keyword (RFC 9051 §2.3.2).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Flag {
    /// A system flag.
    System(SystemFlag),
    /// A keyword.
    Keyword(Keyword),
}

impl From<SystemFlag> for Flag {
    fn from(f: SystemFlag) -> Self {
        Flag::System(f)
    }
}
impl From<Keyword> for Flag {
    fn from(k: Keyword) -> Self {
        Flag::Keyword(k)
    }
}

/// A message's flags (RFC 9051 §2.3.2): a set of system flags and a set of keywords.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Flags {
    system: u8,
    /// Sorted and deduplicated (case-insensitively).
    keywords: Vec<Keyword>,
}

impl Flags {
    /// No flags.
    pub const fn new() -> Flags {
        Flags {
            system: 0,
            keywords: Vec::new(),
        }
    }

    /// Whether the set holds `flag`.
    pub fn contains(&self, flag: &Flag) -> bool {
        match flag {
            Flag::System(f) => self.has(*f),
            Flag::Keyword(k) => self.keywords.binary_search(k).is_ok(),
        }
    }

    /// Whether the set holds the system flag `f`.
    pub fn has(&self, f: SystemFlag) -> bool {
        self.system & f.bit() != 0
    }

    /// Adds a flag; returns whether it was new.
    pub fn insert(&mut self, flag: impl Into<Flag>) -> bool {
        match flag.into() {
            Flag::System(f) => {
                let new = !self.has(f);
                self.system |= f.bit();
                new
            }
            Flag::Keyword(k) => match self.keywords.binary_search(&k) {
                Ok(_) => false,
                Err(i) => {
                    self.keywords.insert(i, k);
                    true
                }
            },
        }
    }

    /// Removes a flag; returns whether it was there.
    pub fn remove(&mut self, flag: &Flag) -> bool {
        match flag {
            Flag::System(f) => {
                let had = self.has(*f);
                self.system &= !f.bit();
                had
            }
            Flag::Keyword(k) => match self.keywords.binary_search(k) {
                Ok(i) => {
                    self.keywords.remove(i);
                    true
                }
                Err(_) => false,
            },
        }
    }

    /// The system flags, in [`SystemFlag::ALL`] order.
    pub fn system_flags(&self) -> impl Iterator<Item = SystemFlag> + '_ {
        SystemFlag::ALL.into_iter().filter(|f| self.has(*f))
    }

    /// The keywords, sorted case-insensitively.
    pub fn keywords(&self) -> &[Keyword] {
        &self.keywords
    }

    /// Every flag: system flags first, then keywords.
    pub fn iter(&self) -> impl Iterator<Item = Flag> + '_ {
        self.system_flags()
            .map(Flag::System)
            .chain(self.keywords.iter().cloned().map(Flag::Keyword))
    }

    /// Whether there are no flags.
    pub fn is_empty(&self) -> bool {
        self.system == 0 && self.keywords.is_empty()
    }

    /// Applies a STORE-style operation (RFC 9051 §6.4.6) and returns the result.
    pub fn apply(&self, op: FlagOp, flags: &Flags) -> Flags {
        match op {
            FlagOp::Replace => flags.clone(),
            FlagOp::Add => {
                let mut out = self.clone();
                out.system |= flags.system;
                for k in &flags.keywords {
                    out.insert(k.clone());
                }
                out
            }
            FlagOp::Remove => {
                let mut out = self.clone();
                out.system &= !flags.system;
                out.keywords
                    .retain(|k| flags.keywords.binary_search(k).is_err());
                out
            }
        }
    }
}

impl<F: Into<Flag>> FromIterator<F> for Flags {
    fn from_iter<T: IntoIterator<Item = F>>(iter: T) -> Self {
        let mut flags = Flags::new();
        for f in iter {
            flags.insert(f);
        }
        flags
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for s in self.system_flags() {
            list.entry(&format_args!("{}", s.name()));
        }
        for k in &self.keywords {
            list.entry(&format_args!("{k}"));
        }
        list.finish()
    }
}

/// How a flag update combines with the flags a message has (RFC 9051 §6.4.6 `FLAGS`,
/// `+FLAGS`, `-FLAGS`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FlagOp {
    /// Replace the flags with the given ones.
    Replace,
    /// Add the given flags.
    Add,
    /// Remove the given flags.
    Remove,
}

/// A mailbox name: a path of hierarchy levels joined by [`MailboxName::SEPARATOR`] (RFC 9051
/// §5.1). The name `INBOX` is case-insensitive and always spelled `INBOX` (RFC 9051 §5.1), also
/// as the first level of a longer name.
///
/// Names are Unicode text; a server decodes modified UTF-7 (RFC 9051 §5.1.3) before making one.
/// Refused: empty names and levels, `.` and `..` levels, and control characters (including NUL),
/// so a name can never leave the account's storage.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MailboxName(Arc<str>);

impl MailboxName {
    /// The hierarchy separator of every mailwire store.
    pub const SEPARATOR: char = '/';
    /// The longest name accepted, in bytes.
    pub const MAX_LEN: usize = 1000;
    /// The deepest hierarchy accepted.
    pub const MAX_DEPTH: usize = 32;

    /// The `INBOX`.
    pub fn inbox() -> MailboxName {
        MailboxName(Arc::from("INBOX"))
    }

    /// Validates a name (see the type's documentation).
    pub fn new(s: &str) -> Result<MailboxName, InvalidValue> {
        const WHAT: &str = "mailbox name";
        if s.is_empty() {
            return Err(InvalidValue::Empty { what: WHAT });
        }
        if s.len() > Self::MAX_LEN {
            return Err(InvalidValue::TooLong {
                what: WHAT,
                max: Self::MAX_LEN,
            });
        }
        if let Some((at, ch)) = s.char_indices().find(|&(_, c)| c.is_control()) {
            return Err(InvalidValue::Forbidden {
                what: WHAT,
                value: s.to_owned(),
                ch,
                at,
            });
        }
        let malformed = |reason| InvalidValue::Malformed {
            what: WHAT,
            value: s.to_owned(),
            reason,
        };
        let mut depth = 0;
        for level in s.split(Self::SEPARATOR) {
            depth += 1;
            if level.is_empty() {
                return Err(malformed("empty hierarchy level"));
            }
            if level == "." || level == ".." {
                return Err(malformed("`.` and `..` are not mailbox names"));
            }
        }
        if depth > Self::MAX_DEPTH {
            return Err(malformed("hierarchy too deep"));
        }
        let first = s.split(Self::SEPARATOR).next().unwrap_or(s);
        if first.eq_ignore_ascii_case("INBOX") && first != "INBOX" {
            let mut normal = String::with_capacity(s.len());
            normal.push_str("INBOX");
            normal.push_str(&s[first.len()..]);
            return Ok(MailboxName(Arc::from(normal)));
        }
        Ok(MailboxName(Arc::from(s)))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the INBOX itself.
    pub fn is_inbox(&self) -> bool {
        &*self.0 == "INBOX"
    }

    /// The hierarchy levels.
    pub fn levels(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.split(Self::SEPARATOR)
    }

    /// The parent mailbox's name, if this name has more than one level.
    pub fn parent(&self) -> Option<MailboxName> {
        let i = self.0.rfind(Self::SEPARATOR)?;
        Some(MailboxName(Arc::from(&self.0[..i])))
    }

    /// Whether `self` is a strict descendant of `ancestor` (`a/b/c` of `a` and `a/b`).
    pub fn is_descendant_of(&self, ancestor: &MailboxName) -> bool {
        self.0.len() > ancestor.0.len()
            && self.0.starts_with(&*ancestor.0)
            && self.0[ancestor.0.len()..].starts_with(Self::SEPARATOR)
    }

    /// The name `self` would have if `from` (itself or an ancestor) were renamed to `to`.
    pub fn rebase(&self, from: &MailboxName, to: &MailboxName) -> Option<MailboxName> {
        if self == from {
            Some(to.clone())
        } else if self.is_descendant_of(from) {
            MailboxName::new(&format!("{}{}", to.0, &self.0[from.0.len()..])).ok()
        } else {
            None
        }
    }
}

impl fmt::Debug for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MailboxName({:?})", &*self.0)
    }
}
impl fmt::Display for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl TryFrom<&str> for MailboxName {
    type Error = InvalidValue;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        MailboxName::new(s)
    }
}

/// A special-use attribute (RFC 6154 §2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum SpecialUse {
    /// `\All`: a virtual mailbox of every message.
    All,
    /// `\Archive`: archived messages.
    Archive,
    /// `\Drafts`: drafts.
    Drafts,
    /// `\Flagged`: a virtual mailbox of flagged messages.
    Flagged,
    /// `\Junk`: junk mail.
    Junk,
    /// `\Sent`: sent mail.
    Sent,
    /// `\Trash`: deleted messages.
    Trash,
}

impl SpecialUse {
    /// Every attribute.
    pub const ALL: [SpecialUse; 7] = [
        SpecialUse::All,
        SpecialUse::Archive,
        SpecialUse::Drafts,
        SpecialUse::Flagged,
        SpecialUse::Junk,
        SpecialUse::Sent,
        SpecialUse::Trash,
    ];

    /// The attribute's name with its backslash (RFC 6154 §2), e.g. `\Sent`.
    pub const fn name(self) -> &'static str {
        match self {
            SpecialUse::All => "\\All",
            SpecialUse::Archive => "\\Archive",
            SpecialUse::Drafts => "\\Drafts",
            SpecialUse::Flagged => "\\Flagged",
            SpecialUse::Junk => "\\Junk",
            SpecialUse::Sent => "\\Sent",
            SpecialUse::Trash => "\\Trash",
        }
    }

    /// Parses a name, with or without its backslash, case-insensitively.
    pub fn from_name(s: &str) -> Option<SpecialUse> {
        let s = s.strip_prefix('\\').unwrap_or(s);
        SpecialUse::ALL
            .into_iter()
            .find(|u| u.name()[1..].eq_ignore_ascii_case(s))
    }
}

/// A POP3 unique-id (RFC 1939 §7 `UIDL`): 1 to 70 characters in `0x21..=0x7E`, the same for a
/// message in every session and across restarts.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UniqueId(Arc<str>);

impl UniqueId {
    /// The longest unique-id, 70 characters (RFC 1939 §7).
    pub const MAX_LEN: usize = 70;

    /// Validates a unique-id.
    pub fn new(s: &str) -> Result<UniqueId, InvalidValue> {
        validate_text("unique-id", s, Self::MAX_LEN, |c| {
            matches!(c, '\x21'..='\x7e')
        })?;
        Ok(UniqueId(Arc::from(s)))
    }

    /// A unique-id derived from any text: the text itself when it qualifies, otherwise a
    /// 16-digit hex digest of it (FNV-1a, stable across versions and platforms).
    pub fn derive(s: &str) -> UniqueId {
        UniqueId::new(s).unwrap_or_else(|_| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in s.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            UniqueId(Arc::from(format!("{h:016x}")))
        })
    }

    /// The unique-id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UniqueId({:?})", &*self.0)
    }
}
impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a store knows about one message (the metadata of RFC 9051 §2.3 plus RFC 7162 and
/// RFC 8514 values), as listed by [`Mailbox::list`](crate::Mailbox::list).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct MessageMeta {
    /// The UID (RFC 9051 §2.3.1.1).
    pub uid: Uid,
    /// The size in bytes of what [`Mailbox::read`](crate::Mailbox::read) returns, lines ending in
    /// CRLF (RFC 9051 §2.3.4 `RFC822.SIZE`; RFC 1939 §5 `LIST`).
    pub size: u64,
    /// The flags (RFC 9051 §2.3.2).
    pub flags: Flags,
    /// The internal date (RFC 9051 §2.3.3), to the second.
    pub internal_date: SystemTime,
    /// When the message was added to this mailbox (RFC 8514 §3 `SAVEDATE`), to the second.
    pub save_date: SystemTime,
    /// The modification sequence of the last change (RFC 7162 §3.1.1).
    pub modseq: ModSeq,
    /// The POP3 unique-id (RFC 1939 §7).
    pub unique_id: UniqueId,
}

/// A mailbox's status (RFC 9051 §6.3.11 `STATUS`, RFC 7162 §3.1.2 `HIGHESTMODSEQ`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct MailboxStatus {
    /// `UIDVALIDITY`.
    pub uid_validity: UidValidity,
    /// `UIDNEXT`: the UID the next message will get at least.
    pub uid_next: Uid,
    /// `MESSAGES`: how many messages the mailbox holds.
    pub messages: u32,
    /// `UNSEEN`: how many messages lack `\Seen`.
    pub unseen: u32,
    /// `DELETED` (RFC 9051 §6.3.11): how many messages have `\Deleted`.
    pub deleted: u32,
    /// `SIZE` (RFC 9051 §6.3.11): the total of the messages' sizes.
    pub size: u64,
    /// `HIGHESTMODSEQ` (RFC 7162 §3.1.2.1).
    pub highest_modseq: ModSeq,
}

/// One entry of [`Account::list`](crate::Account::list) (RFC 9051 §6.3.9 `LIST`).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct MailboxInfo {
    /// The name.
    pub name: MailboxName,
    /// Whether the account subscribes to it (RFC 9051 §6.3.7; the `\Subscribed` attribute).
    pub subscribed: bool,
    /// Whether other mailboxes exist below it (`\HasChildren`, RFC 9051 §7.3.1).
    pub has_children: bool,
    /// Its special use (RFC 6154 §2), if any.
    pub special_use: Option<SpecialUse>,
}

/// A message to append (RFC 9051 §6.3.12 `APPEND`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewMessage {
    /// The message (RFC 5322), lines ending in CRLF.
    pub content: bytes::Bytes,
    /// The flags to set.
    pub flags: Flags,
    /// The internal date; `None` means now.
    pub internal_date: Option<SystemTime>,
}

impl NewMessage {
    /// A message with no flags and the current time as internal date.
    pub fn new(content: impl Into<bytes::Bytes>) -> NewMessage {
        NewMessage {
            content: content.into(),
            flags: Flags::new(),
            internal_date: None,
        }
    }

    /// Sets the flags.
    pub fn with_flags(mut self, flags: Flags) -> NewMessage {
        self.flags = flags;
        self
    }

    /// Sets the internal date.
    pub fn with_internal_date(mut self, date: SystemTime) -> NewMessage {
        self.internal_date = Some(date);
        self
    }
}

/// The result of [`Mailbox::append`](crate::Mailbox::append) (RFC 4315 §3 `APPENDUID`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct Appended {
    /// The mailbox's UIDVALIDITY.
    pub uid_validity: UidValidity,
    /// The new message's UID.
    pub uid: Uid,
    /// The new message's modification sequence.
    pub modseq: ModSeq,
}

/// One message's flags after [`Mailbox::store_flags`](crate::Mailbox::store_flags).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct FlagUpdate {
    /// The message.
    pub uid: Uid,
    /// Its flags now.
    pub flags: Flags,
    /// Its modification sequence now (unchanged if its flags did not change).
    pub modseq: ModSeq,
}

/// The result of [`Mailbox::store_flags`](crate::Mailbox::store_flags) (RFC 9051 §6.4.6,
/// RFC 7162 §3.1.3 `UNCHANGEDSINCE`).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
#[non_exhaustive]
pub struct StoreResult {
    /// Every existing message of the set that passed the `UNCHANGEDSINCE` test, ascending.
    pub updated: Vec<FlagUpdate>,
    /// The messages left alone because their modification sequence was greater than the
    /// `UNCHANGEDSINCE` value (RFC 7162 §3.1.3 `MODIFIED` response code).
    pub modified: UidSet,
}

/// The result of [`Mailbox::copy`](crate::Mailbox::copy) and
/// [`Mailbox::move_to`](crate::Mailbox::move_to) (RFC 4315 §3 `COPYUID`).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct Copied {
    /// The destination's UIDVALIDITY.
    pub uid_validity: UidValidity,
    /// `(source UID, destination UID)`, ascending by source UID.
    pub mapping: Vec<(Uid, Uid)>,
}

/// Whether an expunge removes every message of the set or only those with `\Deleted`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ExpungeMode {
    /// Remove every message of the set (POP3 `DELE` at `QUIT`, RFC 1939 §6).
    Any,
    /// Remove only messages that have `\Deleted` when the store performs the expunge
    /// (IMAP `EXPUNGE` and `UID EXPUNGE`, RFC 9051 §6.4.3 and §6.4.9).
    DeletedOnly,
}

/// What changed in a mailbox since a modification sequence (RFC 7162 §3.1.4.1 `CHANGEDSINCE`,
/// RFC 7162 §3.2.5.1 `VANISHED`).
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct Changes {
    /// The mailbox's UIDVALIDITY: a session that sees it differ from the one it selected with
    /// must drop its UIDs (RFC 9051 §2.3.1.1).
    pub uid_validity: UidValidity,
    /// Messages added or changed since, ascending by UID.
    pub changed: Vec<MessageMeta>,
    /// UIDs expunged since. It may hold UIDs the caller never saw, and, when the store no longer
    /// remembers expunges that old, every UID below `UIDNEXT` that is no longer there, as
    /// RFC 7162 §3.2.5.1 allows.
    pub expunged: UidSet,
    /// The mailbox's HIGHESTMODSEQ: the value to pass next time.
    pub highest_modseq: ModSeq,
}

/// Limits on an account (RFC 9208 §5 resources `STORAGE` and `MESSAGE`); `None` means no limit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Quota {
    /// The largest total size of all messages, in bytes.
    pub storage: Option<u64>,
    /// The largest number of messages.
    pub messages: Option<u64>,
}

impl Quota {
    /// No limits.
    pub const UNLIMITED: Quota = Quota {
        storage: None,
        messages: None,
    };

    /// Limits on storage bytes and message count.
    pub const fn new(storage: Option<u64>, messages: Option<u64>) -> Quota {
        Quota { storage, messages }
    }

    /// Whether `usage` plus `more_bytes` and `more_messages` stays within the limits; the
    /// resource that would be exceeded otherwise.
    pub fn check(
        &self,
        usage: &QuotaUsage,
        more_bytes: u64,
        more_messages: u64,
    ) -> Result<(), QuotaResource> {
        if self
            .storage
            .is_some_and(|max| usage.storage.saturating_add(more_bytes) > max)
        {
            return Err(QuotaResource::Storage);
        }
        if self
            .messages
            .is_some_and(|max| usage.messages.saturating_add(more_messages) > max)
        {
            return Err(QuotaResource::Messages);
        }
        Ok(())
    }
}

/// An account's usage and limits (RFC 9208 §4.2 `QUOTA` response).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[non_exhaustive]
pub struct QuotaUsage {
    /// Bytes used by all messages of all mailboxes.
    pub storage: u64,
    /// Messages in all mailboxes.
    pub messages: u64,
    /// The limits.
    pub limits: Quota,
}

impl QuotaUsage {
    /// Usage figures with their limits.
    pub const fn new(storage: u64, messages: u64, limits: Quota) -> QuotaUsage {
        QuotaUsage {
            storage,
            messages,
            limits,
        }
    }
}

/// A quota resource (RFC 9208 §5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum QuotaResource {
    /// `STORAGE`: bytes.
    Storage,
    /// `MESSAGE`: messages.
    Messages,
}

impl fmt::Display for QuotaResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuotaResource::Storage => "storage",
            QuotaResource::Messages => "message count",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    #[test]
    fn uid_set_merges_and_reports() {
        let mut s = UidSet::new();
        for n in [5, 1, 2, 3, 9, 7, 8, 4] {
            s.insert(uid(n));
        }
        assert_eq!(s.to_string(), "1:5,7:9");
        assert_eq!(s.len(), 8);
        assert!(s.contains(uid(4)) && !s.contains(uid(6)) && !s.contains(uid(10)));
        s.insert_range(uid(20), uid(6));
        assert_eq!(s.to_string(), "1:20");
        let all = UidSet::all();
        assert_eq!(all.len(), u64::from(u32::MAX));
        assert!(all.contains(Uid::MAX));
        assert_eq!(
            UidSet::from_iter([uid(3), uid(1)])
                .iter()
                .collect::<Vec<_>>(),
            [uid(1), uid(3)]
        );
    }

    #[test]
    fn keywords_are_atoms_and_case_insensitive() {
        assert!(Keyword::new("$Forwarded").is_ok());
        for bad in ["", "a b", "a(", "\\Seen", "a]", "é", "a*", "a\"", "x\u{0}"] {
            assert!(Keyword::new(bad).is_err(), "{bad:?}");
        }
        let err = Keyword::new("ab c").unwrap_err();
        assert!(err.to_string().contains("' '"), "{err}");
        let mut f = Flags::new();
        assert!(f.insert(Keyword::new("$Junk").unwrap()));
        assert!(!f.insert(Keyword::new("$JUNK").unwrap()));
        assert_eq!(f.keywords().len(), 1);
        assert_eq!(f.keywords()[0].as_str(), "$Junk");
    }

    #[test]
    fn flag_ops() {
        let kw = Keyword::new("work").unwrap();
        let a: Flags = [Flag::from(SystemFlag::Seen), Flag::from(kw.clone())]
            .into_iter()
            .collect();
        let b: Flags = [SystemFlag::Deleted].into_iter().collect();
        let added = a.apply(FlagOp::Add, &b);
        assert!(added.has(SystemFlag::Deleted) && added.has(SystemFlag::Seen));
        let removed = added.apply(FlagOp::Remove, &a);
        assert_eq!(removed, b);
        assert_eq!(a.apply(FlagOp::Replace, &b), b);
        assert_eq!(format!("{a:?}"), "[\\Seen, work]");
    }

    #[test]
    fn mailbox_names() {
        assert_eq!(MailboxName::new("inbox").unwrap().as_str(), "INBOX");
        assert_eq!(MailboxName::new("InBox/x").unwrap().as_str(), "INBOX/x");
        assert_eq!(MailboxName::new("Inboxes").unwrap().as_str(), "Inboxes");
        for bad in [
            "", "/a", "a/", "a//b", "..", "a/../b", "a/.", "a\0b", "a\nb", "a\x7fb",
        ] {
            assert!(MailboxName::new(bad).is_err(), "{bad:?}");
        }
        // Dots inside a level, and absolute-looking text after the first level, are plain text.
        assert!(MailboxName::new("Mr. Smith").is_ok());
        let a = MailboxName::new("a").unwrap();
        let abc = MailboxName::new("a/b/c").unwrap();
        assert!(abc.is_descendant_of(&a));
        assert!(!MailboxName::new("ab").unwrap().is_descendant_of(&a));
        let z = MailboxName::new("z").unwrap();
        assert_eq!(abc.rebase(&a, &z).unwrap().as_str(), "z/b/c");
        assert_eq!(abc.parent().unwrap().as_str(), "a/b");
    }

    #[test]
    fn unique_ids() {
        assert!(UniqueId::new("abc.123").is_ok());
        assert!(UniqueId::new("a b").is_err());
        assert!(UniqueId::new(&"x".repeat(71)).is_err());
        let long = "y".repeat(100);
        let d = UniqueId::derive(&long);
        assert_eq!(d.as_str().len(), 16);
        assert_eq!(d, UniqueId::derive(&long));
        assert_ne!(d, UniqueId::derive(&"y".repeat(101)));
        assert_eq!(UniqueId::derive("ok").as_str(), "ok");
    }

    #[test]
    fn modseq_is_63_bits() {
        assert!(ModSeq::new(0).is_none());
        assert!(ModSeq::new(1 << 63).is_none());
        assert!(ModSeq::new((1 << 63) - 1).is_some());
    }

    #[test]
    fn special_use_names() {
        assert_eq!(SpecialUse::from_name("\\sent"), Some(SpecialUse::Sent));
        assert_eq!(SpecialUse::from_name("Trash"), Some(SpecialUse::Trash));
        assert_eq!(SpecialUse::from_name("\\Important"), None);
    }
}
