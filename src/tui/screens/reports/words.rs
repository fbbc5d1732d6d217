//! The reports screen's words: headings, columns and messages.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::tui::text::{report_expiring, REPORT_TRACKING};

/// Report: nothing to show.
pub const REPORT_EMPTY: &str = "No units.";

/// Report: the column headings (wide screens).
pub const REPORT_COLUMNS: [&str; 5] = ["Serial", "SKU", "Days", "Warranty", "Ends"];

/// Report: the heading of a report (shorter on narrow screens).
pub fn report_heading(kind: &crate::tui::reports::ReportKind, narrow: bool) -> String {
    use crate::tui::reports::ReportKind;
    match kind {
        ReportKind::Expiring { days } if narrow => format!("Expiring in {days} days"),
        ReportKind::Expiring { days } => report_expiring(*days),
        ReportKind::Tracking => REPORT_TRACKING.to_string(),
        ReportKind::Customer { name } => format!("Sold to {name}"),
    }
}

/// Report: how many units, and the date they are judged at (shorter on narrow screens).
pub fn report_count(n: usize, date: crate::domain::Day, narrow: bool) -> String {
    let on = if narrow { "" } else { " on" };
    match n {
        1 => format!("1 unit{on} {date}"),
        _ => format!("{n} units{on} {date}"),
    }
}

/// Report: the days column: `18`, `-3` (ended), `-` (no coverage).
pub fn report_days(days_left: Option<i64>) -> String {
    days_left.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// Error: a customer name no party has.
pub fn no_customer(name: &str) -> String {
    format!("No customer named \"{}\"", name.trim())
}
