//! Why a serial is not here, in words: the one renderer of `domain::NotHere`, used by the
//! command line, the scan screen and the mismatch screens alike.
//!
//! Two sizes: the short form is a word or two with no names in it, for list rows and the
//! narrowest screens (always within 20 columns); the long form is a few phrases, each within
//! 20 columns unless a name in it is longer, shown one a line on narrow screens and as one
//! line elsewhere.

use crate::domain::{NotHere, PartyId};

/// What a scan never received came to: it is kept in the unknown bucket.
pub const KEPT_AS_UNKNOWN: &str = "kept as unknown";

/// The short form: `sold`, `elsewhere`, `written off`...
pub fn why_short(r: &NotHere) -> &'static str {
    match r {
        NotHere::Unknown => "unknown",
        NotHere::Elsewhere { .. } => "elsewhere",
        NotHere::Sold { .. } => "sold",
        NotHere::WrittenOff => "written off",
        NotHere::InRepair => "in repair",
        NotHere::Replaced { .. } => "replaced",
        NotHere::OtherProduct => "other product",
    }
}

/// The long form, as phrases: `["sold to ACME Retail", "on S-2026-0001"]`. Parties are
/// named through `party`.
pub fn why_long(r: &NotHere, party: &dyn Fn(PartyId) -> String) -> Vec<String> {
    match r {
        NotHere::Unknown => vec!["never received".into()],
        NotHere::Elsewhere { location } => vec![format!("in stock at {location}")],
        NotHere::Sold { document, customer } => {
            vec![
                format!("sold to {}", party(*customer)),
                format!("on {document}"),
            ]
        }
        NotHere::WrittenOff => vec!["written off".into()],
        NotHere::InRepair => vec!["in repair".into()],
        NotHere::Replaced { by } => vec![format!("replaced by {by}")],
        NotHere::OtherProduct => vec!["not in this count".into()],
    }
}

/// The long form on one line: `sold to ACME Retail on S-2026-0001` (lists, details, reports).
pub fn why_line(r: &NotHere, party: &dyn Fn(PartyId) -> String) -> String {
    why_long(r, party).join(" ")
}

/// What to say about a scan that is not here: why (the long form), then what became of the
/// scan when that is news (`kept as unknown`).
pub fn scan_facts(r: &NotHere, party: &dyn Fn(PartyId) -> String) -> Vec<String> {
    let mut out = why_long(r, party);
    if *r == NotHere::Unknown {
        out.push(KEPT_AS_UNKNOWN.into());
    }
    out
}

/// Names parties by the one name a report carries (the service resolved it), or by number.
pub fn party_named(name: Option<&str>) -> impl Fn(PartyId) -> String + '_ {
    move |id| name.map_or_else(|| format!("party #{}", id.0), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_scan_never_received_says_what_became_of_it() {
        let party = |_| "ACME".to_string();
        assert_eq!(
            scan_facts(&NotHere::Unknown, &party),
            ["never received", KEPT_AS_UNKNOWN]
        );
        assert_eq!(
            scan_facts(&NotHere::WrittenOff, &party),
            why_long(&NotHere::WrittenOff, &party)
        );
    }

    #[test]
    fn parties_are_named_or_numbered() {
        assert_eq!(party_named(Some("ACME"))(PartyId(3)), "ACME");
        assert_eq!(party_named(None)(PartyId(3)), "party #3");
    }
}
