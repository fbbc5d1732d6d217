//! Money as whole minor units (cents), parsed and printed with two decimals.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money(pub i64);

impl Money {
    /// Parses `12`, `12.5`, `12.50` (a dot or a comma as decimal mark).
    pub fn parse(text: &str) -> Result<Money, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "expected an amount like 12.50, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )
        };
        if t.is_empty() {
            return Err(bad());
        }
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = match t.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || whole.len() > 15
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse::<i64>().map_err(|_| bad())?,
        };
        let value = whole * 100 + cents;
        Ok(Money(if neg { -value } else { value }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", v / 100, v % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(Money::parse("12").unwrap(), Money(1200));
        assert_eq!(Money::parse("12.5").unwrap(), Money(1250));
        assert_eq!(Money::parse("12,05").unwrap(), Money(1205));
        assert_eq!(Money::parse("-0.01").unwrap(), Money(-1));
        assert!(Money::parse("1.234").is_err());
        assert!(Money::parse("abc").unwrap_err().contains("\"abc\""));
        assert!(Money::parse("").is_err());
        assert_eq!(Money(123456).to_string(), "1234.56");
        assert_eq!(Money(-5).to_string(), "-0.05");
    }
}
