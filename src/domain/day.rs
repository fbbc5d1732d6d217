//! Calendar days as plain numbers, so stored dates are compact and independent of any clock.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day, stored as days since 0001-01-01 (day 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

impl Day {
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce())
    }

    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.0)
    }

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_date)
    }

    pub fn year(self) -> i32 {
        self.date().map(|d| d.year()).unwrap_or(0)
    }

    /// The UTC calendar day of a time in milliseconds since the epoch.
    pub fn from_ms(ms: i64) -> Day {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| Day::from_date(t.date_naive()))
            .unwrap_or(Day(0))
    }

    /// Parses `YYYY-MM-DD`, a date from 2000-01-01 to 2099-12-31 (see `limits::day_range`).
    pub fn parse(text: &str) -> Result<Day, String> {
        let quoted = super::limits::quoted;
        let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Day::from_date)
            .map_err(|_| format!("expected a date as YYYY-MM-DD, found {}", quoted(text)))?;
        let (first, last) = super::limits::day_range();
        if (first..=last).contains(&day) {
            Ok(day)
        } else {
            Err(format!(
                "expected a date from {first} to {last}, found {}",
                quoted(text)
            ))
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.date() {
            Some(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            None => write!(f, "day#{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        let d = Day::parse("2026-02-28").unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert_eq!(d.year(), 2026);
        assert!(Day::parse("2026-02-30").is_err());
        assert!(Day::parse("28.02.2026")
            .unwrap_err()
            .contains("\"28.02.2026\""));
    }

    #[test]
    fn dates_outside_this_century_are_refused_with_the_range() {
        assert_eq!(Day::parse("2000-01-01").unwrap().to_string(), "2000-01-01");
        assert_eq!(Day::parse("2099-12-31").unwrap().to_string(), "2099-12-31");
        for text in ["0000-01-01", "1999-12-31", "2100-01-01", "+262142-01-01"] {
            let e = Day::parse(text).unwrap_err();
            assert!(
                e == format!("expected a date from 2000-01-01 to 2099-12-31, found \"{text}\"")
                    || e == format!("expected a date as YYYY-MM-DD, found \"{text}\""),
                "{text}: {e}"
            );
        }
        assert_eq!(
            Day::parse("0000-01-01").unwrap_err(),
            "expected a date from 2000-01-01 to 2099-12-31, found \"0000-01-01\""
        );
    }
}
