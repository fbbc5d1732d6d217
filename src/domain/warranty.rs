//! Warranty engine: coverages of a unit, their start and end dates, the warranty type and the
//! status band at a date, agreements with their numbers and events, and what a replacement
//! (RMA) hands on to the new serial. Pure: no I/O, no clock; every date is passed in.
//!
//! Dates are whole [`Day`]s and both ends of a coverage are **inclusive**: a coverage from
//! `start` to `end` covers `end` itself, so on its end day it has 0 days left and the day after
//! it is expired. A period is added to the start day (`2026-01-15` + 12 months ends
//! `2027-01-15`); months are added calendar-correctly and clamp to the month's end
//! (`2027-01-31` + 1 month = `2027-02-28`, `2028-01-31` + 1 month = `2028-02-29`).
//!
//! End-date precedence (first that is present wins, see [`resolve_end`]):
//!
//! | step | source ([`EndSource`]) | end date |
//! |---|---|---|
//! | 1 | end date entered on the agreement | that date (a date before the start is clamped to the start) |
//! | 2 | the agreement's duration | start + duration |
//! | 3 | the product's warranty period | start + period |
//! | 4 | the system's maximum warranty days | start + maximum days |

#![warn(missing_docs)]

use crate::domain::catalog::{Period, ProductId};
use crate::domain::day::Day;
use crate::domain::serial::SerialKey;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The default width of the "expiring soon" band in days (`[warranty] expiring_soon_days`).
pub const DEFAULT_SOON_DAYS: u32 = 30;

// ---------------------------------------------------------------------------------------------
// Date arithmetic
// ---------------------------------------------------------------------------------------------

/// The last day chrono can represent, as a [`Day`]: month arithmetic saturates here.
fn last_representable_day() -> Day {
    Day::from_date(NaiveDate::MAX)
}

/// Adds `months` calendar months to `day`, clamping to the end of a shorter month
/// (`Jan 31 + 1 month = Feb 28`, or `Feb 29` in a leap year; `Feb 29 + 12 months = Feb 28`).
///
/// Total and monotonic: never panics, never goes back, and a larger `months` never gives an
/// earlier day. A result past the last representable date saturates at that date; a `day`
/// that is not a representable date is returned unchanged.
pub fn add_months(day: Day, months: u32) -> Day {
    let Some(date) = day.date() else {
        return day;
    };
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(months);
    let year = index.div_euclid(12);
    // rem_euclid(12) is 0..=11, so the month is 1..=12.
    let month = u32::try_from(index.rem_euclid(12) + 1).unwrap_or(12);
    let Ok(year) = i32::try_from(year) else {
        return last_representable_day();
    };
    // Try the same day of month, then step back to the month's last day (28 always exists).
    (0..4)
        .filter_map(|back| date.day().checked_sub(back))
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .map(Day::from_date)
        .unwrap_or_else(last_representable_day)
}

/// Adds `days` to `day`, saturating instead of overflowing.
pub fn add_days(day: Day, days: u32) -> Day {
    Day(day
        .0
        .saturating_add(i32::try_from(days).unwrap_or(i32::MAX)))
}

/// The end day of `period` counted from `start` (inclusive end: `start + period`).
pub fn end_of(period: Period, start: Day) -> Day {
    match period {
        Period::Days(n) => add_days(start, n),
        Period::Months(n) => add_months(start, n),
    }
}

/// The starts whose coverage of `period` ends from `first` to `last` (both included), as the
/// first and last start day; `None` when no start does. Ends grow with starts, so the starts
/// are one run of days, found by bisection.
pub fn starts_ending_within(period: Period, first: Day, last: Day) -> Option<(Day, Day)> {
    if last < first {
        return None;
    }
    // An end lies at most this many days after its start.
    let span = match period {
        Period::Days(n) => i64::from(n),
        Period::Months(n) => (i64::from(n) + 1) * 31,
    };
    let end = |s: i64| i64::from(end_of(period, Day(day_in_range(s))).0);
    // The first start whose end is at least `target`, searched from `lo` to `hi`.
    let first_reaching = |target: i64, mut lo: i64, mut hi: i64| {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if end(mid) >= target {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    let (low, high) = (i64::from(first.0) - span, i64::from(last.0) + 1);
    let from = first_reaching(i64::from(first.0), low, high);
    let to = first_reaching(i64::from(last.0) + 1, low, high) - 1;
    (from <= to).then(|| (Day(day_in_range(from)), Day(day_in_range(to))))
}

fn day_in_range(day: i64) -> i32 {
    i32::try_from(day).unwrap_or(if day < 0 { i32::MIN } else { i32::MAX })
}

/// Days from `date` to `end`: 0 on the end day, negative once it has passed.
pub fn days_between(date: Day, end: Day) -> i64 {
    i64::from(end.0) - i64::from(date.0)
}

// ---------------------------------------------------------------------------------------------
// Start and end of a coverage
// ---------------------------------------------------------------------------------------------

/// Which date a product's warranty counts from when no activation date is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StartBasis {
    /// The sale to the customer (the usual case).
    Sale,
    /// Our receipt from the supplier (a supplier's warranty to us).
    Receipt,
}

impl StartBasis {
    /// The word used in config and import files: `sale` or `receipt`.
    pub fn as_str(self) -> &'static str {
        match self {
            StartBasis::Sale => "sale",
            StartBasis::Receipt => "receipt",
        }
    }

    /// Parses `sale` or `receipt` (any case).
    pub fn parse(text: &str) -> Result<StartBasis, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sale" => Ok(StartBasis::Sale),
            "receipt" => Ok(StartBasis::Receipt),
            _ => Err(format!(
                "expected a warranty start basis sale or receipt, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

/// The day a coverage starts: the activation date if one is recorded, else the sale date
/// (basis [`StartBasis::Sale`]) or the receipt date (basis [`StartBasis::Receipt`]).
///
/// There is no fallback from one basis to the other: a supplier warranty of a unit without a
/// receipt date has no start (`None`), rather than silently counting from the sale.
pub fn coverage_start(
    activation: Option<Day>,
    sale: Option<Day>,
    receipt: Option<Day>,
    basis: StartBasis,
) -> Option<Day> {
    activation.or(match basis {
        StartBasis::Sale => sale,
        StartBasis::Receipt => receipt,
    })
}

/// Which step of the end-date precedence gave a coverage its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EndSource {
    /// An end date entered on the agreement.
    Entered,
    /// The agreement's duration, counted from the start.
    AgreementDuration,
    /// The product's warranty period, counted from the start.
    ProductPeriod,
    /// The system's maximum warranty days, counted from the start.
    SystemMaximum,
}

impl EndSource {
    /// All steps, in precedence order (first wins).
    pub const ALL: [EndSource; 4] = [
        EndSource::Entered,
        EndSource::AgreementDuration,
        EndSource::ProductPeriod,
        EndSource::SystemMaximum,
    ];

    /// What a screen or report says about where the end date came from.
    pub fn label(self) -> &'static str {
        match self {
            EndSource::Entered => "end date entered on the agreement",
            EndSource::AgreementDuration => "agreement duration",
            EndSource::ProductPeriod => "product warranty period",
            EndSource::SystemMaximum => "system maximum warranty days",
        }
    }
}

/// The end of a coverage starting `start`, by precedence: an entered end date, else the
/// agreement's duration, else the product's warranty period, else `max_days` (the system's
/// maximum warranty days). Returns the end and the step that gave it.
///
/// The result is never before `start`: an entered end date before the start is clamped to the
/// start (check it with [`check_entered_end`] when it is entered, so the clerk is told).
pub fn resolve_end(
    entered_end: Option<Day>,
    agreement_duration: Option<Period>,
    product_period: Option<Period>,
    max_days: u32,
    start: Day,
) -> (Day, EndSource) {
    if let Some(end) = entered_end {
        (end.max(start), EndSource::Entered)
    } else if let Some(period) = agreement_duration {
        (end_of(period, start), EndSource::AgreementDuration)
    } else if let Some(period) = product_period {
        (end_of(period, start), EndSource::ProductPeriod)
    } else {
        (add_days(start, max_days), EndSource::SystemMaximum)
    }
}

/// Refuses an entered end date that lies before the coverage's start.
pub fn check_entered_end(start: Day, end: Day) -> Result<(), String> {
    if end < start {
        Err(format!(
            "expected a warranty end date on or after the start \"{start}\", found \"{end}\""
        ))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Coverages
// ---------------------------------------------------------------------------------------------

/// Where a coverage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CoverageKind {
    /// The manufacturer's (or supplier's) warranty.
    Manufacturer,
    /// An extended warranty agreement sold with or after the unit.
    Extended,
    /// Coverage handed on to this serial when it replaced another one (RMA).
    Replacement,
    /// The shop's own generic terms, recorded against this serial.
    Generic,
}

impl CoverageKind {
    /// The word used in lists and files.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageKind::Manufacturer => "manufacturer",
            CoverageKind::Extended => "extended",
            CoverageKind::Replacement => "replacement",
            CoverageKind::Generic => "generic",
        }
    }

    /// Parses `manufacturer`, `extended`, `replacement` or `generic` (any case).
    pub fn parse(text: &str) -> Result<CoverageKind, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "manufacturer" => Ok(CoverageKind::Manufacturer),
            "extended" => Ok(CoverageKind::Extended),
            "replacement" => Ok(CoverageKind::Replacement),
            "generic" => Ok(CoverageKind::Generic),
            _ => Err(format!(
                "expected a coverage kind manufacturer, extended, replacement or generic, found {q_text}", q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

/// One warranty on one unit (a serial of a product), from `start` to `end`, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Where the coverage comes from.
    pub kind: CoverageKind,
    /// The product of the covered unit.
    pub product: ProductId,
    /// The covered serial.
    pub serial: SerialKey,
    /// The agreement number, for agreement coverages (and coverages inherited from one).
    pub agreement: Option<String>,
    /// First covered day.
    pub start: Day,
    /// Last covered day.
    pub end: Day,
    /// Which precedence step gave the end date.
    pub end_source: EndSource,
    /// The serial this coverage was handed on from by a replacement; the old unit's state
    /// names this one (`Replaced { by }`), so the two timelines link both ways.
    pub inherited_from: Option<SerialKey>,
}

impl Coverage {
    /// Whether `date` lies within the coverage (`start <= date <= end`).
    pub fn covers(&self, date: Day) -> bool {
        self.start <= date && date <= self.end
    }

    /// Days from `date` to the end: 0 on the last covered day, negative once expired.
    pub fn days_left(&self, date: Day) -> i64 {
        days_between(date, self.end)
    }
}

/// The coverage that ends last among those for which `keep` holds; on equal ends the first in
/// the slice.
fn ends_last(coverages: &[Coverage], keep: impl Fn(&Coverage) -> bool) -> Option<&Coverage> {
    coverages
        .iter()
        .filter(|c| keep(c))
        .fold(None, |best, c| match best {
            Some(b) if b.end >= c.end => Some(b),
            _ => Some(c),
        })
}

// ---------------------------------------------------------------------------------------------
// Status band
// ---------------------------------------------------------------------------------------------

/// The warranty band of a unit at a date. Screens show [`Status::label`] and the days left,
/// never colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Covered, more than the configured number of days left (green).
    Active,
    /// Covered, ending within the configured number of days (yellow).
    ExpiringSoon,
    /// Had a coverage, it has ended (red).
    Expired,
    /// No coverage has started.
    None,
}

impl Status {
    /// The text shown with (or instead of) the colour.
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "ACTIVE",
            Status::ExpiringSoon => "EXPIRING",
            Status::Expired => "EXPIRED",
            Status::None => "NONE",
        }
    }

    /// The label with the days, e.g. `ACTIVE, 120 days left`, `EXPIRING, last day`,
    /// `EXPIRED, 3 days ago`, `NONE`.
    pub fn describe(self, days_left: Option<i64>) -> String {
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        match (self, days_left) {
            (Status::None, _) | (_, None) => self.label().to_string(),
            (_, Some(0)) => format!("{}, last day", self.label()),
            (_, Some(n)) if n > 0 => format!("{}, {n} day{} left", self.label(), plural(n)),
            (_, Some(n)) => format!("{}, {} day{} ago", self.label(), -n, plural(-n)),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The band of a unit's coverages at `date`, with the days left (negative once expired, `None`
/// for [`Status::None`]) and the coverage that decided it: the one that ends last among those
/// that have started (`start <= date`).
///
/// Bands: `days_left > soon_days` is [`Status::Active`]; `0 <= days_left <= soon_days` is
/// [`Status::ExpiringSoon`]; `days_left < 0` is [`Status::Expired`]. `soon_days = 0` turns the
/// expiring band off (a coverage is active up to and including its last day).
pub fn status_at(
    coverages: &[Coverage],
    date: Day,
    soon_days: u32,
) -> (Status, Option<i64>, Option<&Coverage>) {
    let Some(coverage) = ends_last(coverages, |c| c.start <= date) else {
        return (Status::None, None, None);
    };
    let left = coverage.days_left(date);
    let status = if left < 0 {
        Status::Expired
    } else if soon_days > 0 && left <= i64::from(soon_days) {
        Status::ExpiringSoon
    } else {
        Status::Active
    };
    (status, Some(left), Some(coverage))
}

// ---------------------------------------------------------------------------------------------
// Warranty type (serialized / generic / none)
// ---------------------------------------------------------------------------------------------

/// A warranty that is not tied to a serial: it applies to every unit of a product category
/// and/or to a service type while it is effective (`effective <= date <= expiry`).
///
/// A field that is `None` matches anything, so a rule naming neither is shop-wide. Names are
/// compared ignoring ASCII case, as categories are elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenericWarranty {
    /// The product category it applies to (`None`: any).
    pub category: Option<String>,
    /// The service type it applies to (`None`: any).
    pub service_type: Option<String>,
    /// First day it applies.
    pub effective: Day,
    /// Last day it applies.
    pub expiry: Day,
    /// On a rule naming a service type: this generic warranty wins over a serial coverage.
    pub force_generic: bool,
}

impl GenericWarranty {
    /// Checks the rule as it is entered: expiry not before effective, names not blank, and
    /// "force generic" only with a service type.
    pub fn check(&self) -> Result<(), String> {
        if self.expiry < self.effective {
            return Err(format!(
                "expected a generic warranty expiry on or after its effective date \"{}\", found \"{}\"",
                self.effective, self.expiry
            ));
        }
        for (what, name) in [
            ("category", &self.category),
            ("service type", &self.service_type),
        ] {
            if let Some(n) = name {
                if n.trim().is_empty() {
                    return Err(format!(
                        "expected a {what} name or none on a generic warranty, found {q_n}",
                        q_n = crate::domain::limits::quoted(n)
                    ));
                }
            }
        }
        if self.force_generic && self.service_type.is_none() {
            return Err(
                "expected a service type on a generic warranty that forces generic, found none"
                    .to_string(),
            );
        }
        Ok(())
    }

    /// Whether the rule is effective on `date` (`effective <= date <= expiry`).
    pub fn effective_on(&self, date: Day) -> bool {
        self.effective <= date && date <= self.expiry
    }

    /// Whether the rule applies to a unit of `category` taken in for `service_type`.
    pub fn applies_to(&self, category: &str, service_type: Option<&str>) -> bool {
        let category_ok = self
            .category
            .as_deref()
            .is_none_or(|c| c.trim().eq_ignore_ascii_case(category.trim()));
        let service_ok = match (self.service_type.as_deref(), service_type) {
            (None, _) => true,
            (Some(want), Some(have)) => want.trim().eq_ignore_ascii_case(have.trim()),
            (Some(_), None) => false,
        };
        category_ok && service_ok
    }

    /// Whether the rule forces generic handling: it forces and names a service type.
    pub fn forces(&self) -> bool {
        self.force_generic && self.service_type.is_some()
    }

    /// How specific the rule is: category and service type (3), service type (2),
    /// category (1), neither (0).
    fn specificity(&self) -> u8 {
        match (self.category.is_some(), self.service_type.is_some()) {
            (true, true) => 3,
            (false, true) => 2,
            (true, false) => 1,
            (false, false) => 0,
        }
    }
}

/// The kind of warranty a unit has at a date (e.g. at repair intake).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarrantyType {
    /// A coverage on the serial is active: the one that ends last.
    Serialized(Coverage),
    /// A generic warranty for the category or service type is effective.
    Generic(GenericWarranty),
    /// No warranty.
    None,
}

impl WarrantyType {
    /// The word shown for the type: `serialized`, `generic` or `none`.
    pub fn label(&self) -> &'static str {
        match self {
            WarrantyType::Serialized(_) => "serialized",
            WarrantyType::Generic(_) => "generic",
            WarrantyType::None => "none",
        }
    }

    /// The type with what backs it: `serialized (AG-000001 to 2027-03-15)`, `generic
    /// (category phones to 2026-12-31)`, `none`.
    pub fn describe(&self) -> String {
        match self {
            WarrantyType::Serialized(c) => format!(
                "serialized ({} to {})",
                c.agreement.as_deref().unwrap_or(c.kind.as_str()),
                c.end
            ),
            WarrantyType::Generic(g) => format!(
                "generic ({} to {})",
                g.category
                    .as_deref()
                    .or(g.service_type.as_deref())
                    .unwrap_or("all products"),
                g.expiry
            ),
            WarrantyType::None => "none".to_string(),
        }
    }
}

/// The warranty type of a unit at `date`:
///
/// 1. *generic*, if an effective generic warranty that applies forces generic (on a service
///    type), even when a serial coverage is active;
/// 2. *serialized*, if one of the unit's `coverages` covers `date` (the one that ends last;
///    every coverage recorded on the serial counts, whatever its kind);
/// 3. *generic*, if a generic warranty for the product's category or the service type is
///    effective on `date`;
/// 4. *none*.
///
/// Among several applicable generic warranties the most specific wins (category and service
/// type, then service type, then category, then shop-wide), then the one expiring last, then
/// the first in `generics`.
pub fn warranty_type_at(
    date: Day,
    coverages: &[Coverage],
    generics: &[GenericWarranty],
    product_category: &str,
    service_type: Option<&str>,
) -> WarrantyType {
    let best_generic = |forced_only: bool| {
        generics
            .iter()
            .filter(|g| {
                g.effective_on(date)
                    && g.applies_to(product_category, service_type)
                    && (!forced_only || g.forces())
            })
            .fold(None::<&GenericWarranty>, |best, g| match best {
                Some(b) if (b.specificity(), b.expiry) >= (g.specificity(), g.expiry) => Some(b),
                _ => Some(g),
            })
    };
    if let Some(forced) = best_generic(true) {
        return WarrantyType::Generic(forced.clone());
    }
    if let Some(coverage) = ends_last(coverages, |c| c.covers(date)) {
        return WarrantyType::Serialized(coverage.clone());
    }
    match best_generic(false) {
        Some(g) => WarrantyType::Generic(g.clone()),
        None => WarrantyType::None,
    }
}

// ---------------------------------------------------------------------------------------------
// Agreements
// ---------------------------------------------------------------------------------------------

/// How agreement numbers are made (chosen in config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgreementNumbering {
    /// The unit's serial is the agreement number: `SN4711`.
    Serial,
    /// Invoice number and the item's sequence on it: `INV-1/2`.
    Invoice,
    /// A generated sequence with a branch prefix, zero-padded to 6 digits: `BR1-000042`.
    Sequence {
        /// The branch prefix.
        branch: String,
    },
    /// Order number and its first warranty line: `SO-77/1`.
    Order,
}

impl AgreementNumbering {
    /// The config text: `serial`, `invoice`, `sequence:BR1`, `order`.
    pub fn describe(&self) -> String {
        match self {
            AgreementNumbering::Serial => "serial".to_string(),
            AgreementNumbering::Invoice => "invoice".to_string(),
            AgreementNumbering::Sequence { branch } => format!("sequence:{branch}"),
            AgreementNumbering::Order => "order".to_string(),
        }
    }

    /// Parses `serial`, `invoice`, `sequence:BRANCH` or `order` (method in any case; the
    /// branch prefix is kept as written, trimmed).
    pub fn parse(text: &str) -> Result<AgreementNumbering, String> {
        let t = text.trim();
        let (method, branch) = match t.split_once(':') {
            Some((m, b)) => (m.trim().to_ascii_lowercase(), Some(b.trim())),
            None => (t.to_ascii_lowercase(), None),
        };
        match (method.as_str(), branch) {
            ("serial", None) => Ok(AgreementNumbering::Serial),
            ("invoice", None) => Ok(AgreementNumbering::Invoice),
            ("order", None) => Ok(AgreementNumbering::Order),
            ("sequence", Some(b)) if !b.is_empty() => Ok(AgreementNumbering::Sequence {
                branch: b.to_string(),
            }),
            _ => Err(format!(
                "expected an agreement numbering serial, invoice, sequence:BRANCH or order, found {q_text}", q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

/// Makes an agreement number by `method`:
///
/// | method | format | example |
/// |---|---|---|
/// | serial | the serial | `SN4711` |
/// | invoice | `{invoice}/{item_seq}` | `INV-1/2` |
/// | sequence | `{branch}-{next_seq:06}` | `BR1-000042` |
/// | order | `{order}/{first_line}` | `SO-77/1` |
///
/// Inputs the method does not use are ignored. Fails when the method needs an invoice,
/// order or branch that is missing or blank.
pub fn agreement_number(
    method: &AgreementNumbering,
    serial: &SerialKey,
    invoice: Option<&str>,
    item_seq: u32,
    next_seq: u64,
    order: Option<&str>,
    first_line: u32,
) -> Result<String, String> {
    fn needed<'a>(what: &str, value: Option<&'a str>) -> Result<&'a str, String> {
        match value.map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v),
            Some(v) => Err(format!(
                "expected {what} for the agreement number, found {q_v}",
                q_v = crate::domain::limits::quoted(v)
            )),
            None => Err(format!(
                "expected {what} for the agreement number, found none"
            )),
        }
    }
    match method {
        AgreementNumbering::Serial => Ok(serial.as_str().to_string()),
        AgreementNumbering::Invoice => Ok(format!(
            "{}/{item_seq}",
            needed("an invoice number", invoice)?
        )),
        AgreementNumbering::Sequence { branch } => Ok(format!(
            "{}-{next_seq:06}",
            needed("a branch prefix", Some(branch))?
        )),
        AgreementNumbering::Order => Ok(format!(
            "{}/{first_line}",
            needed("an order number", order)?
        )),
    }
}

/// Where the unit under an agreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgreementStatus {
    /// With the customer, in use.
    InService,
    /// Returned to us.
    Returned,
    /// In repair.
    InRepair,
    /// The unit was replaced; the agreement names the new serial.
    Replaced,
}

impl AgreementStatus {
    /// The word shown and stored in files: `in-service`, `returned`, `in-repair`, `replaced`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::InService => "in-service",
            AgreementStatus::Returned => "returned",
            AgreementStatus::InRepair => "in-repair",
            AgreementStatus::Replaced => "replaced",
        }
    }

    /// Parses the words of [`AgreementStatus::as_str`] (any case, `_` or blank for `-`).
    pub fn parse(text: &str) -> Result<AgreementStatus, String> {
        let t = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        match t.as_str() {
            "in-service" => Ok(AgreementStatus::InService),
            "returned" => Ok(AgreementStatus::Returned),
            "in-repair" => Ok(AgreementStatus::InRepair),
            "replaced" => Ok(AgreementStatus::Replaced),
            _ => Err(format!(
                "expected an agreement status in-service, returned, in-repair or replaced, found {q_text}", q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

/// What happened to the unit under an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgreementEventCode {
    /// A component was replaced (`CR`).
    ComponentReplacement,
    /// The whole item was replaced (`IR`).
    ItemReplacement,
    /// Labour (`LAB`).
    Labour,
    /// Sent back to the factory (`RTF`).
    ReturnToFactory,
    /// The repair was re-invoiced (`REINV`).
    ReInvoicedForRepair,
}

impl AgreementEventCode {
    /// All codes, in the order lists show them.
    pub const ALL: [AgreementEventCode; 5] = [
        AgreementEventCode::ComponentReplacement,
        AgreementEventCode::ItemReplacement,
        AgreementEventCode::Labour,
        AgreementEventCode::ReturnToFactory,
        AgreementEventCode::ReInvoicedForRepair,
    ];

    /// The short code: `CR`, `IR`, `LAB`, `RTF`, `REINV`.
    pub fn code(self) -> &'static str {
        match self {
            AgreementEventCode::ComponentReplacement => "CR",
            AgreementEventCode::ItemReplacement => "IR",
            AgreementEventCode::Labour => "LAB",
            AgreementEventCode::ReturnToFactory => "RTF",
            AgreementEventCode::ReInvoicedForRepair => "REINV",
        }
    }

    /// The words shown next to the code.
    pub fn label(self) -> &'static str {
        match self {
            AgreementEventCode::ComponentReplacement => "component replacement",
            AgreementEventCode::ItemReplacement => "item replacement",
            AgreementEventCode::Labour => "labour",
            AgreementEventCode::ReturnToFactory => "return to factory",
            AgreementEventCode::ReInvoicedForRepair => "re-invoiced for repair",
        }
    }

    /// Parses a short code or its label, ignoring case.
    pub fn parse(text: &str) -> Result<AgreementEventCode, String> {
        let t = text.trim();
        AgreementEventCode::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                format!(
                    "expected an agreement event code CR, IR, LAB, RTF or REINV, found {q_text}",
                    q_text = crate::domain::limits::quoted(text)
                )
            })
    }
}

/// One event on an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementEvent {
    /// What happened.
    pub code: AgreementEventCode,
    /// When.
    pub date: Day,
    /// Free text (may be empty).
    pub note: String,
}

/// An extended warranty agreement on one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The agreement number (see [`agreement_number`]).
    pub number: String,
    /// The serial the agreement covers now (the new one after a replacement).
    pub serial: SerialKey,
    /// Where the unit under the agreement is.
    pub status: AgreementStatus,
    /// A free tag (e.g. a campaign or contract reference).
    pub tag: Option<String>,
    /// The activation date, when recorded; the coverage counts from it.
    pub activation: Option<Day>,
    /// The coverage the agreement gives.
    pub coverage: Coverage,
    /// Events, oldest first.
    pub events: Vec<AgreementEvent>,
}

impl Agreement {
    /// Appends an event (events never change the status by themselves).
    pub fn record(&mut self, code: AgreementEventCode, date: Day, note: &str) {
        self.events.push(AgreementEvent {
            code,
            date,
            note: note.trim().to_string(),
        });
    }

    /// The agreement after its unit was replaced by `new_serial` on `day`: it names the new
    /// serial, its coverage is handed on by `policy` (see [`inherit`]), its status is
    /// [`AgreementStatus::Replaced`] and it gains an item-replacement event whose note names
    /// both serials (`SN OLD replaced by NEW`, then `: note` when a note is given).
    pub fn replaced_by(
        &self,
        new_serial: &SerialKey,
        policy: ReplacementPolicy,
        day: Day,
        product_period: Option<Period>,
        max_days: u32,
        note: &str,
    ) -> Agreement {
        let mut next = self.clone();
        next.coverage = inherit(
            &self.coverage,
            new_serial,
            policy,
            day,
            product_period,
            max_days,
        );
        next.serial = new_serial.clone();
        next.status = AgreementStatus::Replaced;
        let note = note.trim();
        let text = if note.is_empty() {
            format!("SN {} replaced by {new_serial}", self.serial)
        } else {
            format!("SN {} replaced by {new_serial}: {note}", self.serial)
        };
        next.record(AgreementEventCode::ItemReplacement, day, &text);
        next
    }
}

// ---------------------------------------------------------------------------------------------
// Replacement (RMA)
// ---------------------------------------------------------------------------------------------

/// What coverage a replacement serial gets (per product).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ReplacementPolicy {
    /// The old coverage's term, unchanged (the default).
    #[default]
    Remaining,
    /// A full new term from the replacement day.
    Fresh,
    /// Whichever of the two ends later.
    LongerOfBoth,
}

impl ReplacementPolicy {
    /// The word used in config and import files: `remaining`, `fresh`, `longer`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplacementPolicy::Remaining => "remaining",
            ReplacementPolicy::Fresh => "fresh",
            ReplacementPolicy::LongerOfBoth => "longer",
        }
    }

    /// Parses `remaining`, `fresh`, `longer` (or `max`), any case.
    pub fn parse(text: &str) -> Result<ReplacementPolicy, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "remaining" => Ok(ReplacementPolicy::Remaining),
            "fresh" => Ok(ReplacementPolicy::Fresh),
            "longer" | "max" => Ok(ReplacementPolicy::LongerOfBoth),
            _ => Err(format!(
                "expected a replacement policy remaining, fresh or longer, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

/// The coverage `new_serial` gets when it replaces the unit of `old` on `replacement_day`.
///
/// - [`ReplacementPolicy::Remaining`]: the old term unchanged (same start, end and source), so
///   the remaining days carry over.
/// - [`ReplacementPolicy::Fresh`]: from `replacement_day` to the end the product's period gives
///   (else `max_days`, as in [`resolve_end`]).
/// - [`ReplacementPolicy::LongerOfBoth`]: whichever of the two ends later; on a tie the old term.
///
/// The result is of kind [`CoverageKind::Replacement`], keeps the product and the agreement
/// number and names the old serial in `inherited_from`.
pub fn inherit(
    old: &Coverage,
    new_serial: &SerialKey,
    policy: ReplacementPolicy,
    replacement_day: Day,
    product_period: Option<Period>,
    max_days: u32,
) -> Coverage {
    let (fresh_end, fresh_source) =
        resolve_end(None, None, product_period, max_days, replacement_day);
    let remaining = (old.start, old.end, old.end_source);
    let fresh = (replacement_day, fresh_end, fresh_source);
    let (start, end, end_source) = match policy {
        ReplacementPolicy::Remaining => remaining,
        ReplacementPolicy::Fresh => fresh,
        ReplacementPolicy::LongerOfBoth if fresh.1 > remaining.1 => fresh,
        ReplacementPolicy::LongerOfBoth => remaining,
    };
    Coverage {
        kind: CoverageKind::Replacement,
        product: old.product,
        serial: new_serial.clone(),
        agreement: old.agreement.clone(),
        start,
        end,
        end_source,
        inherited_from: Some(old.serial.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn sn(text: &str) -> SerialKey {
        SerialKey::normalize(text, true).unwrap()
    }

    fn cov(kind: CoverageKind, start: &str, end: &str) -> Coverage {
        Coverage {
            kind,
            product: ProductId(7),
            serial: sn("SN1"),
            agreement: None,
            start: d(start),
            end: d(end),
            end_source: EndSource::ProductPeriod,
            inherited_from: None,
        }
    }

    fn generic(
        category: Option<&str>,
        service: Option<&str>,
        effective: &str,
        expiry: &str,
        force: bool,
    ) -> GenericWarranty {
        GenericWarranty {
            category: category.map(str::to_string),
            service_type: service.map(str::to_string),
            effective: d(effective),
            expiry: d(expiry),
            force_generic: force,
        }
    }

    #[test]
    fn months_are_added_calendar_correctly() {
        let cases = [
            ("2027-01-31", 1, "2027-02-28"),
            ("2028-01-31", 1, "2028-02-29"),
            ("2026-08-31", 6, "2027-02-28"),
            ("2027-08-31", 6, "2028-02-29"),
            ("2028-02-29", 12, "2029-02-28"),
            ("2028-02-29", 48, "2032-02-29"),
            ("2026-03-31", 1, "2026-04-30"),
            ("2026-01-15", 12, "2027-01-15"),
            ("2026-12-31", 2, "2027-02-28"),
            ("2026-11-30", 1, "2026-12-30"),
            ("2026-05-17", 0, "2026-05-17"),
            ("2026-10-31", 24, "2028-10-31"),
        ];
        for (start, months, want) in cases {
            assert_eq!(
                add_months(d(start), months),
                d(want),
                "{start} + {months} months"
            );
        }
    }

    #[test]
    fn months_saturate_and_odd_days_pass_through() {
        let last = last_representable_day();
        assert_eq!(add_months(d("2026-01-31"), u32::MAX), last);
        assert_eq!(add_months(last, 1), last);
        let off_calendar = Day(i32::MAX);
        assert_eq!(add_months(off_calendar, 5), off_calendar);
        assert_eq!(add_days(Day(i32::MAX - 1), 10), Day(i32::MAX));
    }

    #[test]
    fn end_of_periods() {
        let cases = [
            (Period::Days(0), "2026-03-01", "2026-03-01"),
            (Period::Days(30), "2026-03-01", "2026-03-31"),
            (Period::Days(365), "2028-01-01", "2028-12-31"),
            (Period::Months(1), "2027-01-31", "2027-02-28"),
            (Period::Months(24), "2026-02-28", "2028-02-28"),
        ];
        for (period, start, want) in cases {
            assert_eq!(end_of(period, d(start)), d(want), "{period} from {start}");
        }
    }

    #[test]
    fn start_is_activation_else_sale_or_receipt() {
        let (act, sale, rec) = (d("2026-03-10"), d("2026-03-01"), d("2026-01-20"));
        let cases = [
            (
                Some(act),
                Some(sale),
                Some(rec),
                StartBasis::Sale,
                Some(act),
            ),
            (
                Some(act),
                Some(sale),
                Some(rec),
                StartBasis::Receipt,
                Some(act),
            ),
            (None, Some(sale), Some(rec), StartBasis::Sale, Some(sale)),
            (None, Some(sale), Some(rec), StartBasis::Receipt, Some(rec)),
            (None, None, Some(rec), StartBasis::Sale, None),
            (None, Some(sale), None, StartBasis::Receipt, None),
            (Some(act), None, None, StartBasis::Receipt, Some(act)),
            (None, None, None, StartBasis::Sale, None),
        ];
        for (i, (a, s, r, basis, want)) in cases.into_iter().enumerate() {
            assert_eq!(coverage_start(a, s, r, basis), want, "case {i}");
        }
        assert_eq!(StartBasis::parse(" Receipt ").unwrap(), StartBasis::Receipt);
        assert!(StartBasis::parse("ship")
            .unwrap_err()
            .contains("found \"ship\""));
    }

    #[test]
    fn end_date_precedence_step_by_step() {
        let start = d("2026-01-31");
        let entered = Some(d("2026-06-30"));
        let agreement = Some(Period::Months(36));
        let product = Some(Period::Months(1));
        let cases = [
            // step 1: an entered end date beats everything
            (
                entered,
                agreement,
                product,
                "2026-06-30",
                EndSource::Entered,
            ),
            (entered, None, None, "2026-06-30", EndSource::Entered),
            // step 2: the agreement's duration beats the product and the maximum
            (
                None,
                agreement,
                product,
                "2029-01-31",
                EndSource::AgreementDuration,
            ),
            (
                None,
                Some(Period::Days(90)),
                None,
                "2026-05-01",
                EndSource::AgreementDuration,
            ),
            // step 3: the product's period beats the maximum
            (None, None, product, "2026-02-28", EndSource::ProductPeriod),
            // step 4: the system maximum when nothing else is known
            (None, None, None, "2027-01-31", EndSource::SystemMaximum),
        ];
        for (i, (e, a, p, want, source)) in cases.into_iter().enumerate() {
            assert_eq!(
                resolve_end(e, a, p, 365, start),
                (d(want), source),
                "case {i}"
            );
        }
    }

    #[test]
    fn entered_end_before_start_is_clamped_and_refused_on_entry() {
        let start = d("2026-05-10");
        assert_eq!(
            resolve_end(Some(d("2026-05-01")), None, None, 365, start),
            (start, EndSource::Entered)
        );
        let err = check_entered_end(start, d("2026-05-01")).unwrap_err();
        assert!(
            err.contains("\"2026-05-10\"") && err.contains("found \"2026-05-01\""),
            "{err}"
        );
        assert!(check_entered_end(start, start).is_ok());
    }

    #[test]
    fn status_bands_at_their_boundaries() {
        let c = [cov(CoverageKind::Manufacturer, "2025-06-01", "2026-06-30")];
        let cases = [
            // (date, soon days, status, days left)
            ("2026-06-30", 30, Status::ExpiringSoon, Some(0)),
            ("2026-06-30", 0, Status::Active, Some(0)),
            ("2026-05-31", 30, Status::ExpiringSoon, Some(30)),
            ("2026-05-30", 30, Status::Active, Some(31)),
            ("2026-06-29", 1, Status::ExpiringSoon, Some(1)),
            ("2026-06-28", 1, Status::Active, Some(2)),
            ("2026-07-01", 30, Status::Expired, Some(-1)),
            ("2027-07-01", 30, Status::Expired, Some(-366)),
            ("2025-06-01", 30, Status::Active, Some(394)),
            ("2025-05-31", 30, Status::None, None),
        ];
        for (date, soon, status, left) in cases {
            let (s, l, chosen) = status_at(&c, d(date), soon);
            assert_eq!((s, l), (status, left), "{date} with {soon} days");
            assert_eq!(chosen.is_some(), status != Status::None, "{date}");
        }
        assert_eq!(
            status_at(&[], d("2026-01-01"), 30),
            (Status::None, None, None)
        );
    }

    #[test]
    fn status_picks_the_started_coverage_that_ends_last() {
        let manufacturer = cov(CoverageKind::Manufacturer, "2025-01-01", "2026-12-31");
        let extended = cov(CoverageKind::Extended, "2025-01-01", "2028-12-31");
        let future = cov(CoverageKind::Extended, "2027-01-01", "2030-12-31");
        let all = [manufacturer.clone(), extended.clone(), future.clone()];
        let (s, left, chosen) = status_at(&all, d("2026-12-31"), 30);
        assert_eq!((s, chosen), (Status::Active, Some(&extended)));
        assert_eq!(left, Some(731)); // 2028 is a leap year
                                     // Whatever the order of the coverages: the one ending last, not the last one listed.
        let reversed = [future.clone(), extended.clone(), manufacturer.clone()];
        let (_, _, chosen) = status_at(&reversed, d("2026-12-31"), 30);
        assert_eq!(chosen, Some(&extended));
        // On equal ends the first listed is the one reported.
        let twin = cov(CoverageKind::Generic, "2026-01-01", "2028-12-31");
        let tied = [extended.clone(), twin.clone()];
        assert_eq!(status_at(&tied, d("2026-12-31"), 30).2, Some(&extended));
        let tied = [twin.clone(), extended.clone()];
        assert_eq!(status_at(&tied, d("2026-12-31"), 30).2, Some(&twin));
        // a coverage that has not started does not count
        let only_future = [future];
        let (s, _, chosen) = status_at(&only_future, d("2026-12-31"), 30);
        assert_eq!((s, chosen), (Status::None, None));
        // an ended coverage is reported as expired while the next one has not started
        let later = cov(CoverageKind::Extended, "2027-03-01", "2030-12-31");
        let ended = [manufacturer.clone(), later];
        let (s, left, chosen) = status_at(&ended, d("2027-02-01"), 30);
        assert_eq!(
            (s, left, chosen),
            (Status::Expired, Some(-32), Some(&manufacturer))
        );
    }

    #[test]
    fn status_labels_and_text() {
        let cases = [
            (Status::Active, Some(120), "ACTIVE, 120 days left"),
            (Status::ExpiringSoon, Some(1), "EXPIRING, 1 day left"),
            (Status::ExpiringSoon, Some(0), "EXPIRING, last day"),
            (Status::Expired, Some(-1), "EXPIRED, 1 day ago"),
            (Status::Expired, Some(-3), "EXPIRED, 3 days ago"),
            (Status::None, None, "NONE"),
        ];
        for (status, left, want) in cases {
            assert_eq!(status.describe(left), want);
        }
        let labels: Vec<&str> = [
            Status::Active,
            Status::ExpiringSoon,
            Status::Expired,
            Status::None,
        ]
        .iter()
        .map(|s| s.label())
        .collect();
        assert_eq!(labels, ["ACTIVE", "EXPIRING", "EXPIRED", "NONE"]);
        assert_eq!(Status::Expired.to_string(), "EXPIRED");
    }

    #[test]
    fn warranty_type_serialized_generic_or_none() {
        let serial = cov(CoverageKind::Manufacturer, "2026-01-01", "2026-12-31");
        let phones = generic(Some("phones"), None, "2026-01-01", "2027-12-31", false);
        let battery = generic(None, Some("battery"), "2026-06-01", "2026-06-30", true);
        let screen = generic(None, Some("screen"), "2026-01-01", "2027-12-31", false);
        let generics = [phones.clone(), battery.clone(), screen.clone()];
        let ser = WarrantyType::Serialized(serial.clone());
        let one = [serial];
        let none: [Coverage; 0] = [];
        type Case<'a> = (
            &'a str,
            &'a [Coverage],
            &'a str,
            Option<&'a str>,
            WarrantyType,
        );
        let cases: Vec<Case> = vec![
            // a serial coverage wins over a plain generic warranty
            ("2026-03-01", &one, "PHONES", None, ser.clone()),
            ("2026-12-31", &one, "phones", None, ser.clone()),
            // coverage ended: the category's generic warranty
            (
                "2027-01-01",
                &one,
                "phones",
                None,
                WarrantyType::Generic(phones.clone()),
            ),
            // other category, no service type: nothing
            ("2027-01-01", &one, "tablets", None, WarrantyType::None),
            ("2026-03-01", &none, "tablets", None, WarrantyType::None),
            // force generic on a service type beats the serial coverage while effective
            (
                "2026-06-01",
                &one,
                "phones",
                Some("Battery"),
                WarrantyType::Generic(battery.clone()),
            ),
            (
                "2026-06-30",
                &one,
                "tablets",
                Some("battery"),
                WarrantyType::Generic(battery.clone()),
            ),
            // ... and not before its effective date or after its expiry
            ("2026-05-31", &one, "phones", Some("battery"), ser.clone()),
            ("2026-07-01", &one, "phones", Some("battery"), ser.clone()),
            (
                "2026-07-01",
                &none,
                "tablets",
                Some("battery"),
                WarrantyType::None,
            ),
            // a service-type rule without force does not beat a serial coverage
            ("2026-03-01", &one, "tablets", Some("screen"), ser.clone()),
            // without coverage the service type rule is more specific than the category rule
            (
                "2027-03-01",
                &none,
                "phones",
                Some("screen"),
                WarrantyType::Generic(screen.clone()),
            ),
            // generic boundaries: effective day and expiry day count, the day after does not
            (
                "2026-01-01",
                &none,
                "phones",
                None,
                WarrantyType::Generic(phones.clone()),
            ),
            (
                "2027-12-31",
                &none,
                "phones",
                None,
                WarrantyType::Generic(phones.clone()),
            ),
            ("2028-01-01", &none, "phones", None, WarrantyType::None),
            ("2025-12-31", &none, "phones", None, WarrantyType::None),
        ];
        for (i, (date, coverages, category, service, want)) in cases.into_iter().enumerate() {
            assert_eq!(
                warranty_type_at(d(date), coverages, &generics, category, service),
                want,
                "case {i}: {date} {category} {service:?}"
            );
        }
    }

    #[test]
    fn warranty_type_picks_last_ending_coverage_and_counts_generic_kind_as_serial() {
        let a = cov(CoverageKind::Manufacturer, "2026-01-01", "2026-12-31");
        let b = cov(CoverageKind::Generic, "2026-01-01", "2027-06-30");
        let got = warranty_type_at(d("2026-05-01"), &[a, b.clone()], &[], "x", None);
        assert_eq!(got, WarrantyType::Serialized(b));
        assert_eq!(got.label(), "serialized");
    }

    #[test]
    fn generic_specificity_and_shop_wide_rule() {
        let shop = generic(None, None, "2026-01-01", "2026-12-31", false);
        let cat = generic(Some("phones"), None, "2026-01-01", "2026-06-30", false);
        let both = generic(
            Some("phones"),
            Some("screen"),
            "2026-01-01",
            "2026-03-31",
            false,
        );
        let all = [shop.clone(), cat.clone(), both.clone()];
        let cases = [
            ("2026-02-01", "phones", Some("screen"), both),
            ("2026-04-01", "phones", Some("screen"), cat.clone()),
            ("2026-02-01", "phones", None, cat),
            ("2026-02-01", "tablets", None, shop.clone()),
            ("2026-08-01", "phones", Some("screen"), shop),
        ];
        // The most specific rule wins, then the one expiring last, whatever their order.
        let mut reversed = all.clone();
        reversed.reverse();
        for (date, category, service, want) in cases {
            for rules in [&all[..], &reversed[..]] {
                assert_eq!(
                    warranty_type_at(d(date), &[], rules, category, service),
                    WarrantyType::Generic(want.clone()),
                    "{date} {category} {service:?}"
                );
            }
        }
        let short = generic(Some("phones"), None, "2026-01-01", "2026-06-30", false);
        let long = generic(Some("phones"), None, "2026-01-01", "2026-12-31", false);
        for rules in [[short.clone(), long.clone()], [long.clone(), short.clone()]] {
            assert_eq!(
                warranty_type_at(d("2026-02-01"), &[], &rules, "phones", None),
                WarrantyType::Generic(long.clone())
            );
        }
    }

    #[test]
    fn generic_rules_are_checked_on_entry() {
        assert!(
            generic(None, Some("battery"), "2026-01-01", "2026-01-01", true)
                .check()
                .is_ok()
        );
        let cases = [
            (
                generic(Some("phones"), None, "2026-02-01", "2026-01-31", false),
                "found \"2026-01-31\"",
            ),
            (
                generic(Some("phones"), None, "2026-01-01", "2026-12-31", true),
                "service type",
            ),
            (
                generic(Some(" "), None, "2026-01-01", "2026-12-31", false),
                "found \" \"",
            ),
        ];
        for (rule, want) in cases {
            let err = rule.check().unwrap_err();
            assert!(err.contains(want), "{err}");
        }
        // force on a rule without a service type never forces
        let odd = generic(Some("phones"), None, "2026-01-01", "2026-12-31", true);
        let serial = cov(CoverageKind::Manufacturer, "2026-01-01", "2026-12-31");
        assert_eq!(
            warranty_type_at(
                d("2026-05-01"),
                std::slice::from_ref(&serial),
                &[odd],
                "phones",
                Some("x")
            ),
            WarrantyType::Serialized(serial)
        );
    }

    #[test]
    fn agreement_numbers_by_method() {
        let serial = sn("sn4711");
        let seq = |b: &str| AgreementNumbering::Sequence {
            branch: b.to_string(),
        };
        let cases: Vec<(AgreementNumbering, Result<&str, &str>)> = vec![
            (AgreementNumbering::Serial, Ok("SN4711")),
            (AgreementNumbering::Invoice, Ok("INV-1/2")),
            (seq("BR1"), Ok("BR1-000042")),
            (AgreementNumbering::Order, Ok("SO-77/1")),
        ];
        for (method, want) in cases {
            let got = agreement_number(&method, &serial, Some("INV-1"), 2, 42, Some("SO-77"), 1);
            assert_eq!(got.as_deref().map_err(|_| "err"), want, "{method:?}");
        }
        assert_eq!(
            agreement_number(&seq("BR1"), &serial, None, 0, 1_234_567, None, 0).unwrap(),
            "BR1-1234567"
        );
        let errors = [
            (AgreementNumbering::Invoice, None, "an invoice number"),
            (AgreementNumbering::Order, Some(" "), "an order number"),
            (seq(""), None, "a branch prefix"),
        ];
        for (method, text, want) in errors {
            let err = agreement_number(&method, &serial, text, 1, 1, text, 1).unwrap_err();
            assert!(err.starts_with(&format!("expected {want}")), "{err}");
        }
    }

    #[test]
    fn numbering_methods_parse_and_describe() {
        for text in ["serial", "invoice", "sequence:BR1", "order"] {
            assert_eq!(
                AgreementNumbering::parse(text).unwrap().describe(),
                text,
                "{text}"
            );
        }
        assert_eq!(
            AgreementNumbering::parse(" Sequence : br-2 ").unwrap(),
            AgreementNumbering::Sequence {
                branch: "br-2".to_string()
            }
        );
        for bad in ["sequence", "sequence:", "serial:x", "lot"] {
            let err = AgreementNumbering::parse(bad).unwrap_err();
            assert!(err.contains(&format!("found \"{bad}\"")), "{err}");
        }
    }

    #[test]
    fn agreement_codes_and_statuses_round_trip() {
        for code in AgreementEventCode::ALL {
            assert_eq!(AgreementEventCode::parse(code.code()).unwrap(), code);
            assert_eq!(AgreementEventCode::parse(code.label()).unwrap(), code);
        }
        assert_eq!(
            AgreementEventCode::parse(" reinv ").unwrap(),
            AgreementEventCode::ReInvoicedForRepair
        );
        assert!(AgreementEventCode::parse("XX")
            .unwrap_err()
            .contains("found \"XX\""));
        for status in [
            AgreementStatus::InService,
            AgreementStatus::Returned,
            AgreementStatus::InRepair,
            AgreementStatus::Replaced,
        ] {
            assert_eq!(AgreementStatus::parse(status.as_str()).unwrap(), status);
        }
        assert_eq!(
            AgreementStatus::parse("In Service").unwrap(),
            AgreementStatus::InService
        );
        assert!(AgreementStatus::parse("lost").is_err());
        for kind in [
            CoverageKind::Manufacturer,
            CoverageKind::Extended,
            CoverageKind::Replacement,
            CoverageKind::Generic,
        ] {
            assert_eq!(CoverageKind::parse(kind.as_str()).unwrap(), kind);
        }
        for policy in [
            ReplacementPolicy::Remaining,
            ReplacementPolicy::Fresh,
            ReplacementPolicy::LongerOfBoth,
        ] {
            assert_eq!(ReplacementPolicy::parse(policy.as_str()).unwrap(), policy);
        }
        assert_eq!(ReplacementPolicy::default(), ReplacementPolicy::Remaining);
        assert!(ReplacementPolicy::parse("new")
            .unwrap_err()
            .contains("found \"new\""));
    }

    #[test]
    fn replacement_inherits_by_policy() {
        let mut old = cov(CoverageKind::Extended, "2025-01-31", "2027-01-31");
        old.agreement = Some("BR1-000042".to_string());
        old.end_source = EndSource::AgreementDuration;
        let new = sn("NEW1");
        let twelve = Some(Period::Months(12));
        let cases = [
            // (policy, day, product period, start, end, source)
            (
                ReplacementPolicy::Remaining,
                "2026-08-31",
                twelve,
                "2025-01-31",
                "2027-01-31",
                EndSource::AgreementDuration,
            ),
            (
                ReplacementPolicy::Fresh,
                "2026-08-31",
                twelve,
                "2026-08-31",
                "2027-08-31",
                EndSource::ProductPeriod,
            ),
            (
                ReplacementPolicy::Fresh,
                "2026-08-31",
                None,
                "2026-08-31",
                "2026-11-29",
                EndSource::SystemMaximum,
            ),
            // fresh ends later: fresh
            (
                ReplacementPolicy::LongerOfBoth,
                "2026-08-31",
                twelve,
                "2026-08-31",
                "2027-08-31",
                EndSource::ProductPeriod,
            ),
            // remaining ends later: remaining
            (
                ReplacementPolicy::LongerOfBoth,
                "2025-06-30",
                twelve,
                "2025-01-31",
                "2027-01-31",
                EndSource::AgreementDuration,
            ),
            // tie: the old term
            (
                ReplacementPolicy::LongerOfBoth,
                "2026-01-31",
                twelve,
                "2025-01-31",
                "2027-01-31",
                EndSource::AgreementDuration,
            ),
        ];
        for (i, (policy, day, period, start, end, source)) in cases.into_iter().enumerate() {
            let got = inherit(&old, &new, policy, d(day), period, 90);
            let want = Coverage {
                kind: CoverageKind::Replacement,
                product: ProductId(7),
                serial: new.clone(),
                agreement: Some("BR1-000042".to_string()),
                start: d(start),
                end: d(end),
                end_source: source,
                inherited_from: Some(sn("SN1")),
            };
            assert_eq!(got, want, "case {i}: {policy:?}");
        }
    }

    #[test]
    fn agreement_follows_the_new_serial() {
        let mut coverage = cov(CoverageKind::Extended, "2026-01-10", "2028-01-10");
        coverage.agreement = Some("INV-1/2".to_string());
        let mut agreement = Agreement {
            number: "INV-1/2".to_string(),
            serial: sn("SN1"),
            status: AgreementStatus::InService,
            tag: Some("promo".to_string()),
            activation: Some(d("2026-01-10")),
            coverage,
            events: Vec::new(),
        };
        agreement.record(
            AgreementEventCode::ReturnToFactory,
            d("2026-05-02"),
            " DOA ",
        );
        let next = agreement.replaced_by(
            &sn("sn2"),
            ReplacementPolicy::Remaining,
            d("2026-05-20"),
            None,
            365,
            "board dead",
        );
        assert_eq!(next.serial, sn("SN2"));
        assert_eq!(next.status, AgreementStatus::Replaced);
        assert_eq!(next.coverage.serial, sn("SN2"));
        assert_eq!(next.coverage.inherited_from, Some(sn("SN1")));
        assert_eq!(next.coverage.end, d("2028-01-10"));
        assert_eq!(next.coverage.agreement.as_deref(), Some("INV-1/2"));
        assert_eq!(
            next.events,
            vec![
                AgreementEvent {
                    code: AgreementEventCode::ReturnToFactory,
                    date: d("2026-05-02"),
                    note: "DOA".to_string(),
                },
                AgreementEvent {
                    code: AgreementEventCode::ItemReplacement,
                    date: d("2026-05-20"),
                    note: "SN SN1 replaced by SN2: board dead".to_string(),
                },
            ]
        );
        assert_eq!(
            (next.number.as_str(), next.tag.as_deref()),
            ("INV-1/2", Some("promo"))
        );
    }

    #[test]
    fn starts_ending_within_a_month_of_24_month_coverages() {
        assert_eq!(
            starts_ending_within(Period::Months(24), d("2026-12-01"), d("2026-12-31")),
            Some((d("2024-12-01"), d("2024-12-31")))
        );
        // 29 February 2024 + 12 months ends on 28 February 2025, as 28 February 2024 does.
        assert_eq!(
            starts_ending_within(Period::Months(12), d("2025-02-28"), d("2025-02-28")),
            Some((d("2024-02-28"), d("2024-02-29")))
        );
        // An empty range (its last day before its first) has no starts.
        assert_eq!(
            starts_ending_within(Period::Days(30), d("2026-01-31"), d("2026-01-30")),
            None
        );
        assert_eq!(
            starts_ending_within(Period::Days(30), d("2026-03-01"), d("2026-03-03")),
            Some((d("2026-01-30"), d("2026-02-01")))
        );
    }

    proptest! {
        #[test]
        fn add_months_is_total_and_monotonic(day in any::<i32>(), a in any::<u32>(), b in any::<u32>()) {
            let (lo, hi) = (a.min(b), a.max(b));
            let day = Day(day);
            let at_lo = add_months(day, lo);
            prop_assert!(at_lo >= day);
            prop_assert!(add_months(day, hi) >= at_lo);
        }

        /// On real dates (years 1900-2199, as a warranty meets them): the month moves by
        /// exactly `n`, the day of month stays, or is clamped to the end of a shorter month
        /// and only then.
        #[test]
        fn add_months_moves_the_month_by_exactly_n_and_keeps_or_clamps_the_day(
            year in 1900i32..2200,
            month in 1u32..=12,
            dom in 1u32..=31,
            n in 0u32..600,
        ) {
            let Some(day) = Day::from_ymd(year, month, dom) else {
                // 31 April and the like are not dates: none is made here.
                return Ok(());
            };
            let got = add_months(day, n).date().unwrap();
            let months = |y: i32, m: u32| i64::from(y) * 12 + i64::from(m) - 1;
            prop_assert_eq!(months(got.year(), got.month()), months(year, month) + i64::from(n));
            let last = (28..=31u32)
                .rev()
                .find(|d| NaiveDate::from_ymd_opt(got.year(), got.month(), *d).is_some())
                .unwrap();
            prop_assert_eq!(got.day(), dom.min(last), "{}-{}-{} + {} months", year, month, dom, n);
        }

        #[test]
        fn add_months_on_calendar_days_is_monotonic(
            day in 1i32..3_700_000,
            a in 0u32..2_400,
            b in 0u32..2_400,
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            let day = Day(day);
            prop_assert!(add_months(day, lo) <= add_months(day, hi));
            prop_assert!(add_months(day, lo + 1) > add_months(day, lo));
        }

        /// A start is in the window `starts_ending_within` gives exactly when its end falls
        /// in the asked range: the expiring report reads no fewer units than it prints.
        #[test]
        fn starts_ending_within_holds_exactly_the_starts_whose_end_is_in_range(
            start in 700_000i32..760_000,
            first in 700_000i32..770_000,
            len in 0i32..400,
            months in any::<bool>(),
            n in 0u32..130,
        ) {
            let period = if months { Period::Months(n) } else { Period::Days(n * 11) };
            let (first, last) = (Day(first), Day(first + len));
            let end = end_of(period, Day(start));
            let within = end >= first && end <= last;
            let window = starts_ending_within(period, first, last);
            let inside = window.is_some_and(|(a, b)| a <= Day(start) && Day(start) <= b);
            prop_assert_eq!(inside, within, "start {} end {} window {:?}", Day(start), end, window);
        }

        #[test]
        fn resolved_end_never_before_start(
            start in any::<i32>(),
            entered in proptest::option::of(any::<i32>()),
            agreement in proptest::option::of((any::<bool>(), any::<u32>())),
            product in proptest::option::of((any::<bool>(), any::<u32>())),
            max_days in any::<u32>(),
        ) {
            let period = |(months, n): (bool, u32)| if months { Period::Months(n) } else { Period::Days(n) };
            let start = Day(start);
            let (end, _) = resolve_end(
                entered.map(Day),
                agreement.map(period),
                product.map(period),
                max_days,
                start,
            );
            prop_assert!(end >= start);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Repairs and replacements as recorded facts
// ---------------------------------------------------------------------------------------------

/// A unit taken in for repair: the warranty type on the intake day decides who pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    /// `RP-2026-0001`.
    pub number: String,
    /// The unit's product.
    pub product: ProductId,
    /// The unit's serial.
    pub serial: SerialKey,
    /// Intake day.
    pub intake: Day,
    /// The warranty type on the intake day, as shown to the clerk (`serialized`, `generic`, `none`).
    pub warranty_type: String,
    /// The service type asked for (decides generic warranties).
    pub service_type: Option<String>,
    /// What the customer reported.
    pub note: String,
    /// The unit's state before intake, restored when the repair closes.
    pub before: crate::domain::unit::UnitState,
    /// The closing day, once closed.
    pub closed: Option<Day>,
}

/// A warranty replacement (RMA): the customer's `old` unit is exchanged for `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    /// The product of both units.
    pub product: ProductId,
    /// The unit that failed.
    pub old: SerialKey,
    /// The unit the customer gets.
    pub new: SerialKey,
    /// The replacement day.
    pub day: Day,
    /// The policy used.
    pub policy: ReplacementPolicy,
    /// The coverages `new` gets.
    pub coverages: Vec<Coverage>,
    /// A note (the fault).
    pub note: String,
}
