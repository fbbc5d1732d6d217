//! The command line's words for what the service answers: counts, count outcomes, mismatch
//! rows, resolutions and warranties in text, and the scans typed as arguments. A leaf: the
//! text and the JSON printers both read it, and it reads neither.

use super::Failure;
use crate::domain::scan::{self, ScanConfig};
use crate::domain::{Count, NotHere, ResolutionRecord};
use crate::ops::{suggestions, MismatchView, Outcome, WarrantyView};

/// A count in a line.
pub fn count_text(c: &Count) -> String {
    format!(
        "count {} \"{}\" over {}{}: {}, {} scan(s), {} live, counters: {}",
        c.id,
        c.name,
        c.scope.location,
        if c.blind {
            " (blind)"
        } else {
            " (open counting)"
        },
        c.status.as_str(),
        c.scans,
        c.live,
        if c.counters.is_empty() {
            "none yet".to_string()
        } else {
            c.counters.join(", ")
        }
    )
}

/// A count's outcome in a line (none for the outcomes of other commands).
pub fn count_outcome_text(o: &Outcome) -> Option<String> {
    Some(match o {
        Outcome::CountOpened(c) => format!("opened {}", count_text(c)),
        Outcome::CountMoved(c) => count_text(c),
        Outcome::ScanUndone { scan: s, .. } => format!(
            "undone scan {}: SN \"{}\" at {}",
            s.number, s.serial, s.location
        ),
        Outcome::LocationSet { code, .. } => format!("location {code}"),
        Outcome::Scanned(r) => format!("{} SN \"{}\"", r.scan.verdict.name(), r.scan.serial),
        _ => return None,
    })
}

pub fn reason_text(v: &MismatchView, r: &NotHere) -> String {
    crate::ops::why_line(r, &|id| v.party(id))
}

pub fn resolution_text(r: &ResolutionRecord) -> String {
    let what = crate::ops::resolution_what(r);
    let when = chrono::DateTime::from_timestamp_millis(r.at_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    format!(
        "#{} {what} by {} at {when}{}",
        r.number,
        r.actor,
        if r.undone { " (undone)" } else { "" }
    )
}

/// One shortage row, as the text and the JSON both print it.
pub struct ShortageLine<'a> {
    pub serial: &'a str,
    pub sku: String,
    pub location: &'a str,
    pub accepted: bool,
    pub moved: bool,
}

/// One surplus row, as the text and the JSON both print it, with the shortage it stands for
/// when there is exactly one plausible candidate.
pub struct SurplusLine<'a> {
    pub serial: &'a str,
    pub sku: String,
    pub location: &'a str,
    pub scan: u32,
    pub reason: &'static str,
    pub why: String,
    pub accepted: bool,
    pub moved: bool,
    pub suggestions: Vec<crate::ops::Suggestion>,
}

/// The shortage rows of a report, made one at a time.
pub fn shortage_lines(v: &MismatchView) -> impl Iterator<Item = ShortageLine<'_>> {
    let m = &v.mismatches;
    m.rec.shortage.iter().map(move |r| ShortageLine {
        serial: r.serial.as_str(),
        sku: v.sku(Some(r.product)),
        location: &r.location,
        accepted: m.accepted.contains(&r.serial),
        moved: m.moved_since_open.contains(&r.serial),
    })
}

/// The surplus rows of a report, made one at a time.
pub fn surplus_lines(v: &MismatchView) -> impl Iterator<Item = SurplusLine<'_>> {
    let m = &v.mismatches;
    m.rec.surplus.iter().map(move |r| SurplusLine {
        serial: r.serial.as_str(),
        sku: v.sku(r.product),
        location: &r.location,
        scan: r.scan,
        reason: r.reason.name(),
        why: reason_text(v, &r.reason),
        accepted: m.accepted.contains(&r.serial),
        moved: m.moved_since_open.contains(&r.serial),
        suggestions: suggestions(m, r),
    })
}

/// The warranty block of `lookup` and `warranty show` in text.
pub fn warranty_text(v: &WarrantyView) -> Vec<String> {
    let mut out = vec![format!(
        "warranty: {} ({})",
        v.status.describe(v.days_left),
        v.kind.describe()
    )];
    for c in &v.coverages {
        out.push(format!(
            "  {:<12} {} to {}  {}{}{}",
            c.kind.as_str(),
            c.start,
            c.end,
            c.end_source.label(),
            c.agreement
                .as_deref()
                .map(|a| format!("  agreement {a}"))
                .unwrap_or_default(),
            c.inherited_from
                .as_ref()
                .map(|s| format!("  from \"{s}\""))
                .unwrap_or_default(),
        ));
    }
    out
}

/// A scan typed on a command line: `\x1d` stands for the GS separator.
pub fn unescape_gs(raw: &str) -> String {
    raw.replace("\\x1d", "\u{1d}").replace("\\x1D", "\u{1d}")
}

/// The serial a typed or scanned argument stands for: GS1 (21), an IMEI, or the text itself.
pub fn scan_key(raw: &str) -> Result<String, Failure> {
    let unescaped = unescape_gs(raw);
    let decoded = scan::decode(&unescaped, &ScanConfig::default())
        .map_err(|e| Failure::invalid(e.to_string()))?;
    decoded.key().map(str::to_string).ok_or_else(|| {
        Failure::invalid(format!(
            "scan \"{raw}\" carries no serial (no (21) and no IMEI)"
        ))
    })
}
