//! The lookup screen's words: unit, warranty and history lines, actions.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::domain::warranty::{Coverage, Status as WarrantyStatus};
use crate::domain::{DocKind, HistoryKind};
use crate::ops::{TimelineLine, UnitView};

/// Lookup: the field label.
pub const LOOKUP_LABEL: &str = "SN:";

/// Lookup: what to do first.
pub const LOOKUP_START: &str =
    "Scan or type a serial: its product, state, warranty and history show here.";

/// Lookup: heading of the warranty block (wide screens).
pub const LOOKUP_WARRANTY: &str = "Warranty";

/// Lookup: heading of the history.
pub const LOOKUP_HISTORY: &str = "History, newest first";

/// Lookup: heading of the history (narrow screens).
pub const LOOKUP_HISTORY_SHORT: &str = "History";

/// Error: a serial no unit has (the words of `tallyman lookup`).
pub fn unknown_serial(serial: &str) -> String {
    format!("SN \"{serial}\" is unknown: never received, sold or counted here")
}

/// Lookup: a serial no unit has, found in a count.
pub const COUNTED_NO_UNIT: &str = "No unit has this serial: counted, never received.";

/// Lookup: where such a serial is settled.
pub const COUNTED_RESOLVE: &str =
    "Settle it on Mismatches: receive it as found stock, or replace the serial it stands for.";

/// Lookup: one count scan of a serial no unit has: `2026-11-29 count 3 WH1/A/01 by clerk2`.
pub fn count_scan_line(s: &crate::ops::ScanLine) -> String {
    format!(
        "{} count {} {} by {}{}",
        crate::domain::Day::from_ms(s.scan.at_ms),
        s.scan.count,
        s.scan.location,
        s.scan.counter,
        s.sku
            .as_ref()
            .map(|k| format!(" as {k}"))
            .unwrap_or_default()
    )
}

/// Lookup: other products with the same serial.
pub fn also_products(skus: &[String]) -> String {
    format!(
        "Also a {} with this serial (scan again to choose)",
        skus.join(", a ")
    )
}

/// Lookup: where the unit came from: `from Northwind on R-2026-0001 (2026-01-02), cost 54.90`.
pub fn received_text(v: &UnitView) -> Option<String> {
    let u = &v.unit;
    let receipt = u.receipt.as_ref()?;
    let mut t = format!("received on {receipt}");
    if let Some(d) = u.received_on {
        t.push_str(&format!(" ({d})"));
    }
    if let Some(s) = &v.supplier {
        t.push_str(&format!(" from {s}"));
    }
    if let Some(c) = u.cost {
        t.push_str(&format!(", cost {c}"));
    }
    Some(t)
}

/// Lookup: the sale: `sold on S-2026-0001 (2026-01-02), price 89.90`, with `returned`.
pub fn sale_text(v: &UnitView) -> Option<String> {
    let sale = v.unit.sale.as_ref()?;
    let mut t = format!("sold on {} ({})", sale.document, sale.date);
    if let Some(p) = sale.price {
        t.push_str(&format!(", price {p}"));
    }
    if sale.returned {
        t.push_str(", returned");
    }
    Some(t)
}

/// The warranty band in words with the days: `ACTIVE, 120 days left`.
pub fn band_text(status: WarrantyStatus, days_left: Option<i64>) -> String {
    status.describe(days_left)
}

/// The warranty band in at most `width` characters: `ACTIVE 364 days left`, else
/// `ACTIVE 1825d left`.
pub fn band_short(status: WarrantyStatus, days_left: Option<i64>, width: usize) -> String {
    let label = status.label();
    let long = match (status, days_left) {
        (WarrantyStatus::None, _) | (_, None) => return label.to_string(),
        (_, Some(0)) => format!("{label} last day"),
        (_, Some(n)) if n > 0 => format!("{label} {n} days left"),
        (_, Some(n)) => format!("{label} {} days ago", -n),
    };
    if long.chars().count() <= width {
        return long;
    }
    match days_left {
        Some(n) if n > 0 => format!("{label} {n}d left"),
        Some(n) if n < 0 => format!("{label} {}d ago", -n),
        _ => label.to_string(),
    }
}

/// One coverage: `manufacturer 2026-01-02 to 2027-01-02, agreement AG-000001`.
pub fn coverage_text(c: &Coverage) -> String {
    let mut t = format!("{} {} to {}", c.kind.as_str(), c.start, c.end);
    if let Some(a) = &c.agreement {
        t.push_str(&format!(", agreement {a}"));
    }
    if let Some(f) = &c.inherited_from {
        t.push_str(&format!(", from {f}"));
    }
    t
}

/// The warranty type: `type serialized (AG-000001 to 2028-11-22)`.
pub fn warranty_type(described: &str) -> String {
    format!("type {described}")
}

/// The reported coverage's start and end: `start 2026-01-02, end 2027-01-02`.
pub fn warranty_span(c: &Coverage) -> String {
    format!("start {}, end {}", c.start, c.end)
}

/// The warranty's end: `to 2027-01-02`.
pub fn warranty_to(c: &Coverage) -> String {
    format!("to {}", c.end)
}

/// The parts of a timeline entry after its date and kind: the document, the party (`from`
/// a supplier, `to` a customer), the invoice, the movement, the amount (`cost`, `price`)
/// and the reason.
pub fn history_parts(t: &TimelineLine) -> Vec<String> {
    let e = &t.entry;
    let doc = match e.kind {
        HistoryKind::Document(k) => Some(k),
        _ => None,
    };
    let mut out = Vec::new();
    if !e.document.0.is_empty() {
        out.push(e.document.to_string());
    }
    if let Some(p) = &t.party_name {
        out.push(match doc {
            Some(DocKind::Receipt) | Some(DocKind::Return) => format!("from {p}"),
            Some(DocKind::Sale) => format!("to {p}"),
            _ => p.clone(),
        });
    }
    if let Some(i) = &e.invoice {
        out.push(format!("inv {i}"));
    }
    match (&e.from, &e.to) {
        (Some(f), Some(to)) => out.push(format!("{f} -> {to}")),
        (None, Some(to)) => out.push(format!("-> {to}")),
        (Some(f), None) => out.push(format!("{f} ->")),
        (None, None) => {}
    }
    if let Some(a) = e.amount {
        out.push(match doc {
            Some(DocKind::Receipt) => format!("cost {a}"),
            Some(DocKind::Sale) => format!("price {a}"),
            _ => a.to_string(),
        });
    }
    if let Some(r) = t.reason() {
        out.push(format!("({r})"));
    }
    if let Some(w) = &e.warning {
        out.push(format!("[warned: {}; {}]", w.message, w.reason));
    }
    out
}

/// Error: the actions key before a unit is shown.
pub const SCAN_FIRST: &str = "Scan a serial first";
