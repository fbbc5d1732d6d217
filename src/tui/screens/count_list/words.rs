//! The count list's words: headings, progress, status words and its messages.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::domain::{CountId, CountStatus};
use crate::tui::text::status_phrase;

/// Count list title.
pub const TITLE_COUNTS: &str = "Counts";

/// Count list: nothing to join.
pub const NO_OPEN_COUNT: &str =
    "No open count: a supervisor opens one here (New count) or with `tallyman count open`.";

/// Count list: the footer word for Enter (join the marked count).
pub const HINT_JOIN: &str = "Join";

/// Count list: column headings (wide screens).
pub const COUNTS_HEADING: [&str; 7] = [
    "Count", "Name", "Scope", "Status", "Scans", "Expected", "Counters",
];

/// Count list table: no expected figure (blind counting).
pub const NO_EXPECTED: &str = "-";

/// Count list details: scope label.
pub const COUNT_SCOPE: &str = "Scope";

/// Count list details: who scanned.
pub const COUNT_BY: &str = "By";

/// Count list details: nobody has scanned yet.
pub const COUNT_NOBODY: &str = "nobody yet";

/// A count status in words.
pub fn status_word(status: CountStatus) -> &'static str {
    status.as_str()
}

/// A count status on a 20-column list line (the details below say it in full).
pub fn status_short(status: CountStatus) -> &'static str {
    match status {
        CountStatus::Review => "rev",
        other => other.as_str(),
    }
}

/// Count list line: the scans that count so far, `140 scans`. Never "of" the expected
/// figure: scans of units that belong elsewhere count too, so "4 of 4" would read as done
/// when only one of the four was found.
pub fn scans(live: u32) -> String {
    match live {
        1 => "1 scan".to_string(),
        n => format!("{n} scans"),
    }
}

/// Count list details: the units the books expect in the scope (open counting).
pub fn expected(units: u32) -> String {
    match units {
        1 => "1 unit expected".to_string(),
        n => format!("{n} units expected"),
    }
}

/// Count list details: `open, 140 scans`.
pub fn count_progress(status: CountStatus, live: u32) -> String {
    format!("{}, {}", status_word(status), scans(live))
}

/// Count list: a digit with no count on that line.
pub fn no_count_line(digit: char) -> String {
    format!("No count on line {digit}")
}

/// Count list: moving a count to review that is there already.
pub fn already(id: CountId, status: CountStatus) -> String {
    format!("Count {id} is {} already", status_phrase(status))
}

/// A count that is not there (any more).
pub fn no_such_count(id: CountId) -> String {
    format!("Count {id} is not there any more")
}

/// Status: a count was opened from the list.
pub fn opened(id: CountId, name: &str) -> String {
    format!("Count {id} opened: {name}")
}

/// Count list footer: the review key on a count in review.
pub const HINT_REOPEN: &str = "Reopen";

/// Count picker footer: Enter opens the marked count's mismatches.
pub const HINT_OPEN: &str = "Open";
