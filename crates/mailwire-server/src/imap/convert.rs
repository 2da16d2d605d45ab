//! Values between the wire types of `mailwire-imap` and the store types of `mailwire-mailbox`:
//! flags (RFC 9051 §2.3.2), dates (§2.3.3, §9 `date-time`), sizes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mailwire_imap::types::{Atom, DateTime, Flag as WireFlag, FlagFetch, FlagPerm, NaiveDate};
use mailwire_mailbox::{Flag, Flags, Keyword, SystemFlag};

/// The wire form of a system flag.
fn system_out(f: SystemFlag) -> WireFlag<'static> {
    match f {
        SystemFlag::Seen => WireFlag::Seen,
        SystemFlag::Answered => WireFlag::Answered,
        SystemFlag::Flagged => WireFlag::Flagged,
        SystemFlag::Deleted => WireFlag::Deleted,
        _ => WireFlag::Draft,
    }
}

/// A store flag on the wire. `None` only for a keyword that is no IMAP atom, which the store's
/// keyword validation (the same `ATOM-CHAR` set) rules out.
pub(crate) fn flag_out(f: &Flag) -> Option<WireFlag<'static>> {
    Some(match f {
        Flag::System(s) => system_out(*s),
        Flag::Keyword(k) => WireFlag::Keyword(Atom::new(k.as_str().to_string()).ok()?),
    })
}

/// The FLAGS of a FETCH response (`\Recent` only for IMAP4rev1 sessions, RFC 3501 §2.3.2).
pub(crate) fn flags_out(flags: &Flags, recent: bool) -> Vec<FlagFetch<'static>> {
    let mut out: Vec<FlagFetch<'static>> = flags
        .iter()
        .filter_map(|f| flag_out(&f).map(FlagFetch::Flag))
        .collect();
    if recent {
        out.push(FlagFetch::Recent);
    }
    out
}

/// Why flags from the client are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum FlagError {
    /// A system flag this server does not know, or `\Recent` (which clients cannot set).
    #[error("unknown system flag \\{0}")]
    UnknownSystemFlag(String),
    /// A keyword the store cannot keep.
    #[error("invalid keyword {0:?}")]
    BadKeyword(String),
}

/// A client's flag list as store flags (RFC 9051 §6.4.6, §6.3.12).
pub(crate) fn flags_in<'a>(
    list: impl IntoIterator<Item = &'a WireFlag<'a>>,
) -> Result<Flags, FlagError> {
    let mut flags = Flags::new();
    for f in list {
        flags.insert(flag_in(f)?);
    }
    Ok(flags)
}

/// One client flag as a store flag.
pub(crate) fn flag_in(f: &WireFlag<'_>) -> Result<Flag, FlagError> {
    Ok(match f {
        WireFlag::Seen => SystemFlag::Seen.into(),
        WireFlag::Answered => SystemFlag::Answered.into(),
        WireFlag::Flagged => SystemFlag::Flagged.into(),
        WireFlag::Deleted => SystemFlag::Deleted.into(),
        WireFlag::Draft => SystemFlag::Draft.into(),
        WireFlag::Keyword(a) => Keyword::new(a.as_str())
            .map_err(|_| FlagError::BadKeyword(a.as_str().to_string()))?
            .into(),
        WireFlag::Extension(a) => return Err(FlagError::UnknownSystemFlag(a.as_str().to_string())),
        _ => return Err(FlagError::UnknownSystemFlag(String::new())),
    })
}

/// The flags a SELECT announces (RFC 9051 §7.3.5): the system flags, the keywords RFC 9051
/// §2.3.2 asks servers to support, and those in use.
pub(crate) fn defined_flags(in_use: &Flags) -> Vec<WireFlag<'static>> {
    let mut all = Flags::new();
    for f in SystemFlag::ALL {
        all.insert(f);
    }
    for k in ["$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "$Phishing"] {
        if let Ok(k) = Keyword::new(k) {
            all.insert(k);
        }
    }
    for k in in_use.keywords() {
        all.insert(k.clone());
    }
    all.iter().filter_map(|f| flag_out(&f)).collect()
}

/// PERMANENTFLAGS (RFC 9051 §7.1): the defined flags and `\*` (any keyword can be made); empty
/// for a read-only selection.
pub(crate) fn permanent_flags(
    defined: &[WireFlag<'static>],
    read_only: bool,
) -> Vec<FlagPerm<'static>> {
    if read_only {
        return Vec::new();
    }
    let mut v: Vec<FlagPerm<'static>> = defined.iter().cloned().map(FlagPerm::Flag).collect();
    v.push(FlagPerm::Asterisk);
    v
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn unix(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// A store time as an INTERNALDATE (RFC 9051 §2.3.3), in UTC. Years outside 1–9999 are clamped.
pub(crate) fn date_time_out(t: SystemTime) -> DateTime {
    let secs = unix(t).clamp(-62_135_596_800, 253_402_300_799);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    NaiveDate::new(y as u16, m, d)
        .and_then(|date| {
            DateTime::new(
                date,
                (rem / 3600) as u8,
                (rem / 60 % 60) as u8,
                (rem % 60) as u8,
                0,
            )
        })
        // The clamped seconds give years 1..=9999 and valid times.
        .expect("a clamped time is a valid date-time")
}

/// The UTC date of a store time (SEARCH `BEFORE`, `ON`, `SINCE`, RFC 9051 §6.4.4 compare
/// dates without time).
pub(crate) fn date_out(t: SystemTime) -> NaiveDate {
    date_time_out(t).date()
}

/// A client's date-time as a store time (APPEND, RFC 9051 §6.3.12).
pub(crate) fn date_time_in(d: &DateTime) -> SystemTime {
    let s = d.unix_timestamp();
    if s >= 0 {
        UNIX_EPOCH + Duration::from_secs(s as u64)
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(s.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// Seconds since the Unix epoch of a store time.
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    unix(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        // RFC 9051 §6.3.12 example date: 7-Feb-1994 21:52:25 -0800 is 05:52:25 UTC next day.
        let d = DateTime::new(NaiveDate::new(1994, 2, 7).unwrap(), 21, 52, 25, -8 * 60).unwrap();
        let t = date_time_in(&d);
        let back = date_time_out(t);
        assert_eq!(back.to_string(), " 8-Feb-1994 05:52:25 +0000");
        assert_eq!(back.unix_timestamp(), d.unix_timestamp());
        assert_eq!(date_out(UNIX_EPOCH).to_string(), "1-Jan-1970");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(date_out(leap).to_string(), "29-Feb-2000");
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(date_out(before).to_string(), "31-Dec-1969");
    }

    #[test]
    fn flags_both_ways() {
        let wire = [
            WireFlag::Seen,
            WireFlag::Keyword(Atom::try_from("$Junk").unwrap()),
        ];
        let f = flags_in(&wire).unwrap();
        assert!(f.has(SystemFlag::Seen));
        assert_eq!(f.keywords().len(), 1);
        let out = flags_out(&f, true);
        assert_eq!(out.len(), 3);
        assert_eq!(out[2], FlagFetch::Recent);
        let bad = [WireFlag::Extension(Atom::try_from("Recent").unwrap())];
        assert!(matches!(
            flags_in(&bad),
            Err(FlagError::UnknownSystemFlag(_))
        ));
        let defined = defined_flags(&f);
        assert!(defined.contains(&WireFlag::Keyword(Atom::try_from("$Forwarded").unwrap())));
        assert!(permanent_flags(&defined, true).is_empty());
        assert_eq!(
            permanent_flags(&defined, false).last(),
            Some(&FlagPerm::Asterisk)
        );
    }
}
