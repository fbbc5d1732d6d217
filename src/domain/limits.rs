//! How big any input may be: the length of every free-text field of a command, the size of
//! input files and CSV lines, the range of dates, warranty periods and the demo's size, and
//! the one way a message quotes a value it refuses (never more than 80 characters of it).

use std::fmt::Write as _;

use crate::domain::{Day, Period};

/// Codes and numbers: SKU, location code, invoice, agreement number, tag, order, GTIN, user.
pub const MAX_CODE: usize = 64;
/// Names: of a product, party, count, location, category or service type.
pub const MAX_NAME: usize = 200;
/// Reasons, notes and addresses.
pub const MAX_NOTE: usize = 500;
/// What a scanner or a clerk sends as one scan or serial (a GS1 label with all its fields
/// fits easily; the serial inside is checked against its own, shorter limit).
pub const MAX_SCAN: usize = 256;
/// A product's serial format (a regular expression): short enough to quote whole.
pub const MAX_PATTERN: usize = 80;
/// Items in one list of a command (the SKUs or categories of a count's scope).
pub const MAX_LIST: usize = 1_000;

/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The largest keymap file read.
pub const MAX_KEYMAP_BYTES: u64 = 1024 * 1024;
/// The longest line of a CSV file to import.
pub const MAX_CSV_LINE_BYTES: usize = 4 * 1024;
/// The longest line `count scan` reads (a longer one is a bad scan).
pub const MAX_SCAN_LINE_BYTES: usize = 4 * 1024;

/// The most units `demo --units` makes.
pub const MAX_DEMO_UNITS: u64 = 5_000_000;

/// The first and last year of a date the user enters.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// The longest warranty period, in months and in days (20 years).
pub const MAX_WARRANTY_MONTHS: u32 = 240;
pub const MAX_WARRANTY_DAYS: u32 = 7_305;

/// At most this many characters of a bad value are shown in a message.
pub const MAX_SHOWN: usize = 80;

/// A value in double quotes for a message: at most [`MAX_SHOWN`] characters of it (then
/// `…`), control characters as `\xNN`, quotes and backslashes escaped.
pub fn quoted(value: &str) -> String {
    quoted_bytes(value.as_bytes())
}

/// Bytes in double quotes as [`quoted`] shows text; bytes that are not UTF-8 as `\xNN`.
pub fn quoted_bytes(bytes: &[u8]) -> String {
    format!("\"{}\"", clipped_bytes(bytes))
}

/// What [`quoted`] shows of a value, without the quotes (for names a message puts in
/// backticks, such as an unknown key).
pub fn clipped(value: &str) -> String {
    clipped_bytes(value.as_bytes())
}

fn clipped_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().min(MAX_SHOWN * 4) + 8);
    let mut shown = 0;
    let mut clipped = false;
    'chunks: for chunk in bytes.utf8_chunks() {
        let invalid = chunk.invalid().iter().map(|&b| Err(b));
        for unit in chunk.valid().chars().map(Ok).chain(invalid) {
            if shown == MAX_SHOWN {
                clipped = true;
                break 'chunks;
            }
            shown += 1;
            match unit {
                Ok(c @ ('"' | '\\')) => {
                    out.push('\\');
                    out.push(c);
                }
                Ok(c) if c.is_control() => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
                Ok(c) => out.push(c),
                Err(b) => {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
        }
    }
    if clipped {
        out.push('…');
    }
    out
}

/// Refuses a field longer than `max` characters: `reason is 600 characters; at most 500`,
/// then the start of the value.
pub fn check_len(field: &str, value: &str, max: usize) -> Result<(), String> {
    // Bytes are never fewer than characters: most values need no counting.
    if value.len() <= max {
        return Ok(());
    }
    let n = value.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(format!(
        "{field} is {n} characters; at most {max}: {}",
        quoted(value)
    ))
}

/// [`check_len`] of an optional field.
pub fn check_opt(field: &str, value: Option<&str>, max: usize) -> Result<(), String> {
    value.map_or(Ok(()), |v| check_len(field, v, max))
}

/// Refuses a list of more than [`MAX_LIST`] items, or an item longer than `max`.
pub fn check_list(field: &str, items: &[String], max: usize) -> Result<(), String> {
    if items.len() > MAX_LIST {
        return Err(format!(
            "{field} has {} items; at most {MAX_LIST}",
            items.len()
        ));
    }
    items.iter().try_for_each(|i| check_len(field, i, max))
}

/// The first and last day a user may enter.
pub fn day_range() -> (Day, Day) {
    (
        Day::from_ymd(FIRST_YEAR, 1, 1).unwrap_or(Day(0)),
        Day::from_ymd(LAST_YEAR, 12, 31).unwrap_or(Day(0)),
    )
}

/// Refuses a date outside [`FIRST_YEAR`]..=[`LAST_YEAR`]: `date is "0000-01-01"; expected
/// 2000-01-01 to 2099-12-31`.
pub fn check_day(field: &str, day: Day) -> Result<(), String> {
    let (first, last) = day_range();
    if (first..=last).contains(&day) {
        Ok(())
    } else {
        Err(format!(
            "{field} is {}; expected {first} to {last}",
            quoted(&day.to_string())
        ))
    }
}

/// [`check_day`] of an optional date.
pub fn check_opt_day(field: &str, day: Option<Day>) -> Result<(), String> {
    day.map_or(Ok(()), |d| check_day(field, d))
}

/// Refuses a warranty period over 20 years: `warranty is 300 months; at most 240`.
pub fn check_period(field: &str, period: Period) -> Result<(), String> {
    match period {
        Period::Months(n) if n > MAX_WARRANTY_MONTHS => Err(format!(
            "{field} is {n} months; at most {MAX_WARRANTY_MONTHS}"
        )),
        Period::Days(n) if n > MAX_WARRANTY_DAYS => {
            Err(format!("{field} is {n} days; at most {MAX_WARRANTY_DAYS}"))
        }
        _ => Ok(()),
    }
}

/// [`check_period`] of an optional period.
pub fn check_opt_period(field: &str, period: Option<Period>) -> Result<(), String> {
    period.map_or(Ok(()), |p| check_period(field, p))
}

/// Refuses a demo size of 0 or over [`MAX_DEMO_UNITS`].
pub fn check_demo_units(units: u64) -> Result<(), String> {
    if (1..=MAX_DEMO_UNITS).contains(&units) {
        Ok(())
    } else {
        Err(format!(
            "--units is {units}; expected 1 to {MAX_DEMO_UNITS}"
        ))
    }
}

/// The bad-scan message of a `count scan` line longer than [`MAX_SCAN_LINE_BYTES`] (`start`
/// is what was kept of it).
pub fn scan_line_too_long(start: &[u8]) -> String {
    format!(
        "scan is over {MAX_SCAN_LINE_BYTES} bytes; at most {MAX_SCAN} characters: {}",
        quoted_bytes(start)
    )
}

/// The bad-scan message of a scan that is not text (not UTF-8).
pub fn scan_not_text(bytes: &[u8]) -> String {
    format!("scan is not text (UTF-8): {}: rescan", quoted_bytes(bytes))
}

/// The message of a file larger than its limit.
pub fn file_too_large(max: u64) -> String {
    format!("the file is over the limit of {max} bytes")
}

/// The message of a line longer than its limit.
pub fn line_too_long(line: u64, max: usize) -> String {
    format!("line {line}: longer than {max} bytes, the most a line may hold")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_clips_after_80_characters() {
        assert_eq!(quoted("SN1"), "\"SN1\"");
        let long = "é".repeat(81);
        let q = quoted(&long);
        assert_eq!(q, format!("\"{}…\"", "é".repeat(80)));
        assert_eq!(quoted(&"x".repeat(80)), format!("\"{}\"", "x".repeat(80)));
        assert_eq!(quoted("a\"b\\c\u{1d}"), "\"a\\\"b\\\\c\\x1d\"");
    }

    #[test]
    fn bytes_that_are_not_text_show_as_hex() {
        assert_eq!(quoted_bytes(b"SN\xff1"), "\"SN\\xff1\"");
        let long = vec![0xffu8; 1000];
        let q = quoted_bytes(&long);
        assert!(q.ends_with("…\""), "{q}");
        assert!(q.chars().count() < 500, "{q}");
    }

    #[test]
    fn a_long_field_is_refused_with_its_length_and_the_limit() {
        assert_eq!(check_len("reason", &"r".repeat(500), MAX_NOTE), Ok(()));
        let e = check_len("reason", &"r".repeat(501), MAX_NOTE).unwrap_err();
        assert_eq!(
            e,
            format!(
                "reason is 501 characters; at most 500: \"{}…\"",
                "r".repeat(80)
            )
        );
        // Characters, not bytes.
        assert_eq!(check_len("name", &"é".repeat(200), MAX_NAME), Ok(()));
        let many = vec!["A".to_string(); MAX_LIST + 1];
        assert_eq!(
            check_list("SKU", &many, MAX_CODE).unwrap_err(),
            "SKU has 1001 items; at most 1000"
        );
    }

    #[test]
    fn dates_and_periods_have_a_range() {
        let (first, last) = day_range();
        assert_eq!(first.to_string(), "2000-01-01");
        assert_eq!(last.to_string(), "2099-12-31");
        assert_eq!(check_day("date", first), Ok(()));
        assert_eq!(check_day("date", last), Ok(()));
        assert_eq!(
            check_day("date", Day(first.0 - 1)).unwrap_err(),
            "date is \"1999-12-31\"; expected 2000-01-01 to 2099-12-31"
        );
        assert_eq!(check_period("warranty", Period::Months(240)), Ok(()));
        assert_eq!(
            check_period("warranty", Period::Months(u32::MAX)).unwrap_err(),
            "warranty is 4294967295 months; at most 240"
        );
        assert_eq!(
            check_period("warranty", Period::Days(7_306)).unwrap_err(),
            "warranty is 7306 days; at most 7305"
        );
        assert_eq!(check_demo_units(MAX_DEMO_UNITS), Ok(()));
        assert_eq!(
            check_demo_units(u64::MAX).unwrap_err(),
            "--units is 18446744073709551615; expected 1 to 5000000"
        );
        assert!(check_demo_units(0).is_err());
    }
}
