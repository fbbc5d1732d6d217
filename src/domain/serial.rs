//! Serial keys: the normalised form under which a serial is stored, compared and looked up.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest serial accepted (IMEIs are 15, GS1 (21) is 20; some vendors use long ones).
pub const MAX_SERIAL_LEN: usize = 64;

/// A normalised serial: trimmed, no control characters, optionally upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SerialKey(String);

impl SerialKey {
    /// Normalises raw text into a key. `fold_case` upper-cases it (the default for products).
    pub fn normalize(raw: &str, fold_case: bool) -> Result<SerialKey, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("expected a serial, found an empty one".to_string());
        }
        if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
            return Err(format!(
                "serial \"{}\" contains the control character 0x{:02X}",
                trimmed.escape_debug(),
                c as u32
            ));
        }
        if trimmed.chars().count() > MAX_SERIAL_LEN {
            return Err(format!(
                "serial \"{trimmed}\" is longer than {MAX_SERIAL_LEN} characters"
            ));
        }
        let key = if fold_case {
            trimmed.to_uppercase()
        } else {
            trimmed.to_string()
        };
        Ok(SerialKey(key))
    }

    /// A key known to be normalised already (read back from the store).
    pub fn from_stored(text: String) -> SerialKey {
        SerialKey(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The characters a site allows in a serial: ASCII letters and digits, plus a configured set
/// of marks (by default `-./_`). A scan with anything else is a misread and records nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialChars {
    marks: String,
}

/// The marks a serial may carry besides letters and digits when the site names none.
pub const DEFAULT_SERIAL_MARKS: &str = "-./_";

impl Default for SerialChars {
    fn default() -> Self {
        SerialChars {
            marks: DEFAULT_SERIAL_MARKS.to_string(),
        }
    }
}

impl SerialChars {
    /// The allowed marks, each a printable ASCII character that is not a letter or digit
    /// (a space is not printable here: serials never hold one).
    pub fn new(marks: &str) -> Result<SerialChars, String> {
        if let Some(c) = marks
            .chars()
            .find(|c| !c.is_ascii_graphic() || c.is_ascii_alphanumeric())
        {
            return Err(format!(
                "expected printable marks such as \"-./_\", found \"{}\"",
                c.escape_debug()
            ));
        }
        Ok(SerialChars {
            marks: marks.to_string(),
        })
    }

    /// The marks allowed besides letters and digits.
    pub fn marks(&self) -> &str {
        &self.marks
    }

    /// Whether every character of `serial` is allowed; the error names the first that is not.
    pub fn check(&self, serial: &str) -> Result<(), String> {
        let serial = serial.trim();
        match serial
            .chars()
            .find(|&c| !c.is_ascii_alphanumeric() && !self.marks.contains(c))
        {
            None => Ok(()),
            Some(c) => Err(format!(
                "SN \"{serial}\" has \"{}\", no serial character: rescan",
                c.escape_debug()
            )),
        }
    }
}

impl fmt::Display for SerialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_folds() {
        assert_eq!(
            SerialKey::normalize("  ab-12 \r\n", true).unwrap().as_str(),
            "AB-12"
        );
        assert_eq!(
            SerialKey::normalize("ab-12", false).unwrap().as_str(),
            "ab-12"
        );
        assert!(SerialKey::normalize("   ", true).is_err());
        let err = SerialKey::normalize("A\u{1d}B", true).unwrap_err();
        assert!(err.contains("0x1D"), "{err}");
        assert!(SerialKey::normalize(&"X".repeat(65), true).is_err());
    }

    #[test]
    fn only_letters_digits_and_the_sites_marks_make_a_serial() {
        let site = SerialChars::default();
        assert!(site.check("RT-0001/a.b_c").is_ok());
        let err = site.check("#$%garbage!!").unwrap_err();
        assert_eq!(
            err,
            "SN \"#$%garbage!!\" has \"#\", no serial character: rescan"
        );
        assert!(site.check("AB 12").unwrap_err().contains("\" \""));
        assert!(site.check("ÄB12").is_err());
        let strict = SerialChars::new("-").unwrap();
        assert!(strict.check("A-1").is_ok());
        assert!(strict.check("A/1").is_err());
        assert!(SerialChars::new("- ").is_err());
        assert!(SerialChars::new("a").is_err());
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(raw in ".{0,80}", fold in any::<bool>()) {
            if let Ok(once) = SerialKey::normalize(&raw, fold) {
                let twice = SerialKey::normalize(once.as_str(), fold).unwrap();
                prop_assert_eq!(once, twice);
            }
        }
    }
}
