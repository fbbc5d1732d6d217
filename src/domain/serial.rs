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
