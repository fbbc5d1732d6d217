//! A scan's answer in words: the headline a 20-column handheld shows and the detail.

use crate::domain::{NotHere, ScanVerdict};

/// A scan answer in words: a short headline (fits a 20-column handheld) and the detail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScanWords {
    pub ok: bool,
    pub headline: String,
    pub detail: String,
}

/// Puts a scan report into words, naming parties through `party`.
pub fn scan_words(
    report: &super::types::ScanReport,
    party: &dyn Fn(crate::domain::PartyId) -> String,
) -> ScanWords {
    let scan = &report.scan;
    let sn = format!("SN \"{}\"", scan.serial);
    let (ok, headline, detail) = match &scan.verdict {
        ScanVerdict::Counted => (
            true,
            "COUNTED",
            format!("{sn} {}", report.sku.as_deref().unwrap_or("")),
        ),
        ScanVerdict::Duplicate { first } => {
            let by = match &report.first {
                Some(f) => format!(
                    " by {} at {} {}",
                    f.counter,
                    f.location,
                    chrono::DateTime::from_timestamp_millis(f.at_ms)
                        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                        .unwrap_or_default()
                ),
                None => String::new(),
            };
            (
                false,
                "DUPLICATE",
                format!("{sn} already counted (scan {first}){by}"),
            )
        }
        ScanVerdict::Unexpected(u) => (false, "NOT HERE", not_here(&sn, report, &u.into(), party)),
        ScanVerdict::Unknown => (
            false,
            "UNKNOWN",
            not_here(&sn, report, &NotHere::Unknown, party),
        ),
    };
    ScanWords {
        ok,
        headline: headline.to_string(),
        detail,
    }
}

/// The detail of a scan that is not here: `SN "X" RT-AX55: sold to ACME, on S-2026-0001`,
/// the facts as the scan screen shows them on one line.
fn not_here(
    sn: &str,
    report: &super::types::ScanReport,
    why: &NotHere,
    party: &dyn Fn(crate::domain::PartyId) -> String,
) -> String {
    let sku = report
        .sku
        .as_deref()
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    format!(
        "{sn}{sku}: {}",
        super::not_here::scan_facts(why, party).join(", ")
    )
}
