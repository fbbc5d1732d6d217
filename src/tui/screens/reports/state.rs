//! What the reports screen knows: which report, its rows (one per sold unit, with its
//! warranty at the report's date) and how far they are scrolled. Plain data, filled by
//! `update` from the runner's answers; the words are in `words`.

use crate::domain::warranty::Status as WarrantyStatus;
use crate::domain::Day;

/// The reports, in menu order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportKind {
    /// Sold units whose warranty ends within `days` (still covered today).
    Expiring {
        /// The expiring-soon days of the config.
        days: u32,
    },
    /// Every sold unit with a warranty.
    Tracking,
    /// The units sold to one customer.
    Customer {
        /// The customer's name, as typed.
        name: String,
    },
}

impl ReportKind {
    /// The `days` argument of the service's warranty report.
    pub fn days(&self) -> u32 {
        match self {
            ReportKind::Expiring { days } => *days,
            ReportKind::Tracking | ReportKind::Customer { .. } => u32::MAX,
        }
    }
}

/// One unit of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    /// The serial.
    pub serial: String,
    /// Its product's SKU.
    pub sku: String,
    /// Days of cover left (negative: since it ended), when it has a coverage.
    pub days_left: Option<i64>,
    /// The band at the report's date.
    pub status: WarrantyStatus,
    /// The end of the coverage the band speaks of.
    pub end: Option<Day>,
}

/// A report on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSession {
    /// Which report.
    pub kind: ReportKind,
    /// The day it is judged at.
    pub date: Day,
    /// Its rows, soonest end first.
    pub rows: Vec<ReportRow>,
    /// First row shown.
    pub scroll: usize,
}

/// What the reports screen asked: a report at a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asked {
    /// Which report.
    pub kind: ReportKind,
    /// The day the warranties are judged at (the screen's clock).
    pub date: Day,
}
