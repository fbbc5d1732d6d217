//! The reports screen's words: headings, columns and messages.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::tui::text::{report_expiring, REPORT_TRACKING};

/// Report: nothing to show.
pub const REPORT_EMPTY: &str = "No units.";

/// Report: the column headings (wide screens).
pub const REPORT_COLUMNS: [&str; 5] = ["Serial", "SKU", "Days", "Warranty", "Ends"];

/// Report: the heading of a report (shorter on narrow screens).
pub fn report_heading(
    kind: &crate::tui::screens::reports::state::ReportKind,
    narrow: bool,
) -> String {
    use crate::tui::screens::reports::state::ReportKind;
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
    format!("{}{on} {date}", report_units(n))
}

/// Report: how many units (`1 unit`, `1709 units`).
pub fn report_units(n: usize) -> String {
    match n {
        1 => "1 unit".to_string(),
        _ => format!("{n} units"),
    }
}

/// Report: the date the units are judged at, on a line of its own (`on 2026-12-07`).
pub fn report_date(date: crate::domain::Day) -> String {
    format!("on {date}")
}

/// Report: the days column: `18`, `-3` (ended), `-` (no coverage).
pub fn report_days(days_left: Option<i64>) -> String {
    days_left.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// Error: a customer name no party has.
pub fn no_customer(name: &str) -> String {
    format!("No customer named \"{}\"", name.trim())
}
