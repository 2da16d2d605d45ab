//! Dates and date-times (RFC 9051 §9 `date`, `date-time`).

use core::fmt;

use super::core::ValidationError;

/// Month names as IMAP writes them.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A calendar date (RFC 9051 §9, `date-text`), used by SEARCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NaiveDate {
    year: u16,
    month: u8,
    day: u8,
}

impl NaiveDate {
    /// Validates year (4 digits), month (1–12) and day (valid in that month).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ValidationError> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(ValidationError::new(
                "date",
                "out of range",
                format!("{year}-{month}-{day}").as_bytes(),
            ));
        }
        Ok(NaiveDate { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.day
    }
}

impl fmt::Display for NaiveDate {
    /// `d-Mon-yyyy`, the `date-text` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }
}

/// A date-time with zone (RFC 9051 §9, `date-time`), used by INTERNALDATE and APPEND.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DateTime {
    date: NaiveDate,
    hour: u8,
    minute: u8,
    second: u8,
    /// Offset east of UTC in minutes, −5999..=5999 (`zone = ("+" / "-") 4DIGIT`, hhmm).
    zone_minutes: i16,
}

impl DateTime {
    /// Validates the fields. `zone_minutes` is the offset east of UTC in minutes; its hour part
    /// may be 0–99 and its minute part 0–59, as `4DIGIT` allows.
    pub fn new(
        date: NaiveDate,
        hour: u8,
        minute: u8,
        second: u8,
        zone_minutes: i16,
    ) -> Result<Self, ValidationError> {
        // Second 60 is a leap second.
        if hour > 23 || minute > 59 || second > 60 || zone_minutes.unsigned_abs() > 99 * 60 + 59 {
            return Err(ValidationError::new(
                "date-time",
                "out of range",
                format!("{hour}:{minute}:{second} {zone_minutes}").as_bytes(),
            ));
        }
        Ok(DateTime {
            date,
            hour,
            minute,
            second,
            zone_minutes,
        })
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Hour, minute, second.
    pub fn time(&self) -> (u8, u8, u8) {
        (self.hour, self.minute, self.second)
    }

    /// The zone offset east of UTC, in minutes.
    pub fn zone_minutes(&self) -> i16 {
        self.zone_minutes
    }

    /// Seconds since the Unix epoch (UTC).
    pub fn unix_timestamp(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm, public domain description).
        let (y, m, d) = (
            self.date.year as i64,
            self.date.month as i64,
            self.date.day as i64,
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64
            - self.zone_minutes as i64 * 60
    }
}

impl fmt::Display for DateTime {
    /// `dd-Mon-yyyy hh:mm:ss +zzzz` without the quotes (day padded with a space).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let z = self.zone_minutes;
        let sign = if z < 0 { '-' } else { '+' };
        let z = z.unsigned_abs();
        write!(
            f,
            "{:>2}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}",
            self.date.day,
            MONTHS[self.date.month as usize - 1],
            self.date.year,
            self.hour,
            self.minute,
            self.second,
            sign,
            z / 60,
            z % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_epoch() {
        // RFC 9051 §6.3.12 example date.
        let d = DateTime::new(NaiveDate::new(1994, 2, 7).unwrap(), 21, 52, 25, -8 * 60).unwrap();
        assert_eq!(d.to_string(), " 7-Feb-1994 21:52:25 -0800");
        assert_eq!(d.unix_timestamp(), 760_686_745);
        assert!(NaiveDate::new(2023, 2, 29).is_err());
        assert!(NaiveDate::new(2024, 2, 29).is_ok());
    }
}
