//! What one line read in a count session means, for every client of a count: the command
//! line's `count scan` and the count screen read each scan through [`read_line`], so the two
//! can never disagree on command barcodes, on the quantity asked for, or on their words.
//! What the service then does with a scan or a quantity (a location label, a serial, a
//! quantity of 0) is the service's rule, not the reader's.

use super::{Refusal, RefusalKind};
use crate::domain::count::{ScanCommand, COMMAND_PREFIX};
use crate::domain::limits::quoted;

/// A line of a count session, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountLine {
    /// Nothing but blanks: no scan (it gets an answer, nothing else).
    Blank,
    /// A command barcode (`#TM:UNDO`). It also ends a quantity question.
    Command(ScanCommand),
    /// The command prefix with an unknown word: refused, nothing sent.
    BadCommand(Refusal),
    /// The quantity asked for, for the service to count (it refuses 0).
    Quantity {
        /// The product asked about.
        sku: String,
        /// How many (negative: taken back).
        qty: i32,
    },
    /// Not a quantity while one was asked for: refused, nothing sent, and the question stays.
    NotAQuantity(Refusal),
    /// A scan for the service: a location label or a serial (trimmed of its line end only).
    Scan(String),
}

/// Reads `line` as a count session reads it: `asking_qty` is the product whose quantity the
/// service asked for with the last answer (`qty?`), if any.
pub fn read_line(line: &str, asking_qty: Option<&str>) -> CountLine {
    let raw = line.trim_end_matches(['\r', '\n']);
    if raw.trim().is_empty() {
        return CountLine::Blank;
    }
    if let Some(command) = ScanCommand::parse(raw, COMMAND_PREFIX) {
        return match command {
            Ok(c) => CountLine::Command(c),
            Err(message) => CountLine::BadCommand(Refusal::new(RefusalKind::BadScan, message)),
        };
    }
    if let Some(sku) = asking_qty {
        return match raw.trim().parse::<i32>() {
            Ok(qty) => CountLine::Quantity {
                sku: sku.to_string(),
                qty,
            },
            Err(_) => CountLine::NotAQuantity(not_a_quantity(sku, raw.trim())),
        };
    }
    CountLine::Scan(raw.to_string())
}

/// The refusal of a line that is no quantity while one is asked for.
pub fn not_a_quantity(sku: &str, found: &str) -> Refusal {
    Refusal::new(
        RefusalKind::BadScan,
        format!(
            "expected a quantity of {} like 24 (or -2 to take back), found {}",
            quoted(sku),
            quoted(found)
        ),
    )
}

/// The refusal of "this bin is counted" before any location label was scanned.
pub fn bin_first() -> Refusal {
    Refusal::new(
        RefusalKind::Location,
        "expected a location label before the bin is done, found none",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_barcode_is_a_command_even_while_a_quantity_is_asked() {
        assert_eq!(
            read_line("#tm:undo\r\n", Some("CABLE")),
            CountLine::Command(ScanCommand::Undo)
        );
        assert_eq!(
            read_line("#TM:DONE", None),
            CountLine::Command(ScanCommand::Done)
        );
    }

    #[test]
    fn an_unknown_command_word_is_refused_naming_every_command() {
        let CountLine::BadCommand(r) = read_line("#TM:STOP", None) else {
            panic!("not refused");
        };
        assert_eq!(r.kind, RefusalKind::BadScan);
        for word in ["FINISH", "UNDO", "LOCATION", "DONE", "\"STOP\""] {
            assert!(r.message.contains(word), "{word} missing: {}", r.message);
        }
    }

    #[test]
    fn a_quantity_is_read_only_when_asked_for() {
        assert_eq!(
            read_line(" -2 ", Some("CABLE")),
            CountLine::Quantity {
                sku: "CABLE".into(),
                qty: -2
            }
        );
        // 0 is the service's to refuse: the reader passes it on.
        assert_eq!(
            read_line("0", Some("CABLE")),
            CountLine::Quantity {
                sku: "CABLE".into(),
                qty: 0
            }
        );
        assert_eq!(read_line("24", None), CountLine::Scan("24".into()));
    }

    #[test]
    fn a_non_number_while_asked_is_refused_with_what_was_found() {
        let CountLine::NotAQuantity(r) = read_line("SN123", Some("CABLE")) else {
            panic!("not refused");
        };
        assert_eq!(
            r.message,
            "expected a quantity of \"CABLE\" like 24 (or -2 to take back), found \"SN123\""
        );
    }

    #[test]
    fn blanks_are_no_scan_and_a_scan_keeps_its_inner_spaces() {
        assert_eq!(read_line("  \r\n", Some("CABLE")), CountLine::Blank);
        assert_eq!(read_line(" SN 1\r", None), CountLine::Scan(" SN 1".into()));
    }
}
