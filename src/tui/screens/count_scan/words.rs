//! The scan loop's words: labels, answer headlines and facts, and the words of the
//! runner's scan answers.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::domain::{CountId, CountStatus};
use crate::tui::screens::count_scan::state::{AnswerKind, ScanAnswer, Why};
use crate::tui::text::{scanned_of, status_phrase, TITLE_COUNT};
use chrono::NaiveDateTime;

/// The scan loop's header title: `Count 3`.
pub fn count_title(id: CountId) -> String {
    format!("{TITLE_COUNT} {id}")
}

/// Count list: joining a count that takes no scans.
pub fn cannot_join(id: CountId, status: CountStatus) -> String {
    format!("Count {id} is {}: it takes no scans", status_phrase(status))
}

/// Scan loop: the field label.
pub const COUNT_SCAN: &str = "Scan:";

/// Scan loop: the location label.
pub const LOC: &str = "Loc:";

/// Scan loop: no location yet.
pub const LOC_NEEDED: &str = "scan a label";

/// Scan loop: the next scan is a location.
pub const LOC_NEXT: &str = "scan new label";

/// Scan loop: what to do first (before the first location).
pub const COUNT_START: &str = "Scan the location label, then every serial there.";

/// Scan loop: heading of the recent scans (wide screens).
pub const LAST_SCANS: &str = "Last scans";

/// Headline of a scan that failed its format or the decoder (nothing recorded).
pub const BAD_SCAN: &str = "BAD SCAN";

/// Headline of a scan the count refused for another reason (nothing recorded).
pub const NOT_SAVED: &str = "NOT SAVED";

/// Status: a quantity counted, and what the count has of it here now.
pub fn qty_counted(
    sku: &str,
    qty: i32,
    location: &str,
    counted: u64,
    expected: Option<i64>,
) -> String {
    let what = if qty < 0 {
        format!("{} x {sku} taken back", qty.unsigned_abs())
    } else {
        format!("{qty} x {sku} counted")
    };
    match expected {
        Some(e) => format!("{what}; here {counted} of {e} at {location}"),
        None => format!("{what}; here {counted} at {location}"),
    }
}

/// A quantity in the last scans: `24 x BAT-AA`, `-2 x BAT-AA` (taken back).
pub fn qty_recent(qty: i32, sku: &str) -> String {
    format!("{qty} x {sku}")
}

/// Status: a bin is counted.
pub fn bin_counted(location: &str, bins: u32) -> String {
    format!("Bin {location} counted ({bins} done). Scan the next label.")
}

/// Headline after taking back a scan.
pub const UNDONE: &str = "UNDONE";

/// Scan loop: units counted at this location that belong here (of those expected there, in
/// open counting), then `+N` for the scans here that do not belong here: units expected
/// elsewhere or gone, and unknown serials.
pub fn figures_here(here: u32, others: u32, expected: Option<u32>) -> String {
    let counted = format!("Here {}", scanned_of(here, expected));
    if others == 0 {
        counted
    } else {
        format!("{counted} +{others}")
    }
}

/// Scan loop: live scans in the whole count, and this counter's refused scans when any.
pub fn figures_total(total: u32, refused: u32) -> String {
    if refused == 0 {
        format!("Total {total}")
    } else {
        format!("Total {total}, {refused} bad")
    }
}

/// Status: the location is set.
pub fn location_set(code: &str) -> String {
    format!("Location {code}")
}

/// Headline: a serial before any location.
pub const NO_LOCATION: &str = "NO LOCATION";

/// Detail: a serial before any location.
pub const LOCATION_FIRST: &str = "scan a location label first";

/// Headline: a location label was asked for.
pub const NOT_A_LOCATION: &str = "NOT A LOCATION";

/// Detail: a location label was asked for.
pub const LOCATION_EXPECTED: &str = "scan a location label";

/// Headline: a location outside the count's scope.
pub const WRONG_LOCATION: &str = "WRONG LOCATION";

/// Detail: a location outside the count's scope.
pub fn outside_scope(id: CountId, scope: &str) -> String {
    format!("outside count {id} ({scope})")
}

/// Headline: the scan is kept until the server answers again.
pub const WAITING: &str = "WAITING";

/// Detail: what happens to a waiting scan.
pub const WAITING_WHY: &str = "kept, sent later";

/// Refusal: undo, bin done or a quantity while scans wait (they would act on the wrong scan).
pub fn wait_first(n: usize) -> String {
    format!("not done: {n} scans wait for the server")
}

/// Headline: the undo was refused.
pub const NOT_UNDONE: &str = "NOT UNDONE";

/// One-character mark of a recent scan (narrow screens): counted, duplicate, not here,
/// unknown.
pub fn answer_mark(kind: AnswerKind) -> char {
    match kind {
        AnswerKind::Counted => '+',
        AnswerKind::Duplicate => '=',
        AnswerKind::NotHere => '!',
        AnswerKind::Unknown => '?',
        AnswerKind::Bad | AnswerKind::Refused => 'x',
        AnswerKind::Undone => ' ',
        AnswerKind::Waiting => '~',
    }
}

/// A recent scan's answer in a word (wide screens).
pub fn answer_word(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Counted => "counted",
        AnswerKind::Duplicate => "duplicate",
        AnswerKind::NotHere => "not here",
        AnswerKind::Unknown => "unknown",
        AnswerKind::Bad => "bad scan",
        AnswerKind::Refused => "not saved",
        AnswerKind::Undone => "undone",
        AnswerKind::Waiting => "waiting",
    }
}

/// What to say about an answer beyond its headline and serial: short phrases, one line each
/// on narrow screens, joined with ", " on wide ones. Times are shown in UTC with `utc`, else
/// in local time.
pub fn answer_facts(a: &ScanAnswer, utc: bool) -> Vec<String> {
    match &a.why {
        Why::None => match (a.kind, a.number) {
            (AnswerKind::Undone, Some(n)) => vec![format!("scan {n} taken back")],
            _ => Vec::new(),
        },
        Why::Duplicate {
            first,
            by,
            at,
            at_ms,
        } => {
            let mut out = vec![match by {
                Some(by) => format!("scan {first} by {by}"),
                None => format!("scan {first}"),
            }];
            if let Some(at) = at {
                out.push(match at_ms.and_then(|ms| local_time(ms, utc)) {
                    Some(t) => format!("at {at} {}", clock(&t)),
                    None => format!("at {at}"),
                });
            }
            out
        }
        Why::NotHere { reason, customer } => {
            crate::ops::scan_facts(reason, &crate::ops::party_named(customer.as_deref()))
        }
        Why::Refused { message } => vec![message.clone()],
    }
}

/// A moment (milliseconds since 1970) in UTC or in local time.
fn local_time(ms: i64, utc: bool) -> Option<NaiveDateTime> {
    let t = chrono::DateTime::from_timestamp_millis(ms)?;
    Some(if utc {
        t.naive_utc()
    } else {
        t.with_timezone(&chrono::Local).naive_local()
    })
}

/// A time of day as the screens show it.
pub fn clock(t: &NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}
