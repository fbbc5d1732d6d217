//! A count's mismatch picture as it travels, and the pure helpers the front ends need over
//! it: the resolution words and the suggestion of which shortage a surplus stands for.

use crate::domain::reconcile::{self, Reconciliation, SurplusRow};
use crate::domain::{Count, NotHere, ProductId, Resolution, ResolutionRecord, SerialKey};
use std::collections::HashSet;

/// A count's mismatch picture: the buckets, what was accepted, the resolutions, and which rows
/// movements since the count opened have touched.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mismatches {
    pub count: Count,
    pub rec: Reconciliation,
    /// Serials whose mismatch was accepted as it is.
    pub accepted: HashSet<SerialKey>,
    /// Serials scanned in this count and taken back, with no live scan now: never suggested
    /// (the counter had the unit in hand and said the scan was wrong).
    pub undone: HashSet<SerialKey>,
    pub resolutions: Vec<ResolutionRecord>,
    /// Serials a document touched after the count opened.
    pub moved_since_open: HashSet<SerialKey>,
}

impl Mismatches {
    /// The buckets to keep as the report of a count being posted (lists sorted).
    pub fn freeze(&self) -> crate::domain::reconcile::FrozenReport {
        let sorted = |set: &HashSet<SerialKey>| {
            let mut v: Vec<SerialKey> = set.iter().cloned().collect();
            v.sort();
            v
        };
        crate::domain::reconcile::FrozenReport {
            rec: self.rec.clone(),
            accepted: sorted(&self.accepted),
            undone: sorted(&self.undone),
            moved_since_open: sorted(&self.moved_since_open),
        }
    }

    /// Surplus and shortage rows not accepted.
    pub fn open_mismatches(&self) -> usize {
        self.rec
            .surplus
            .iter()
            .filter(|r| !self.accepted.contains(&r.serial))
            .count()
            + self
                .rec
                .shortage
                .iter()
                .filter(|r| !self.accepted.contains(&r.serial))
                .count()
    }
}

/// A resolution in words, without who and when.
pub fn resolution_what(r: &ResolutionRecord) -> String {
    match &r.resolution {
        Resolution::ReplaceOnSale {
            found,
            missing,
            sale,
            correction,
            ..
        } => format!(
            "replace \"{found}\" by \"{missing}\" on sale {sale} ({})",
            correction.number
        ),
        Resolution::ReplaceOnReceipt {
            found,
            missing,
            receipt,
            correction,
            ..
        } => format!(
            "receipt {receipt}: \"{missing}\" corrected to \"{found}\" ({})",
            correction.number
        ),
        Resolution::Posting(doc) => format!(
            "{} {} of {}",
            r.resolution.name(),
            doc.number,
            doc.lines
                .iter()
                .filter_map(|l| l.serial.as_ref())
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Resolution::Accept { serial, note, .. } => format!("accept \"{serial}\": {note}"),
    }
}

/// Edit distance between two serials (insertions, deletions, substitutions, adjacent
/// transpositions), or None when it is more than `max`: the work stops as soon as every
/// path is longer, so comparing unlike serials is cheap.
pub fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![usize::MAX / 2; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// Edit distance between two serials (see `edit_distance_within`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, usize::MAX / 4).unwrap_or(usize::MAX)
}

/// A shortage a surplus serial may stand for, best first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    pub missing: SerialKey,
    pub product: ProductId,
    pub location: String,
    /// Why: "same product, sold recently" or "typo at receipt (distance 1)".
    pub why: String,
}

/// The replacement suggested for a surplus, when there is exactly one plausible candidate
/// (at most one is ever offered; otherwise the supervisor picks from the shortages):
///
/// - a unit recorded **sold** but counted: the only open shortage of the same product at the
///   location where it was counted, else the only one of that product in the whole count;
/// - a serial **never received**: the only open shortage (of the scan's product, when its
///   label named one) one character away (a receipt typo), else the only one two away.
///
/// Never a shortage that was accepted, nor one whose serial was scanned in this count and
/// the scan taken back (the counter had that unit in hand). Counted units are never
/// shortages, so they are never suggested.
pub fn suggestions(m: &Mismatches, surplus: &SurplusRow) -> Vec<Suggestion> {
    // Only a unit recorded sold or never received can stand for a shortage: the others never
    // read the shortage list (a count with thousands of units from elsewhere read it once
    // per row).
    if !matches!(surplus.reason, NotHere::Sold { .. } | NotHere::Unknown) {
        return Vec::new();
    }
    let open: Vec<&reconcile::ShortageRow> = m
        .rec
        .shortage
        .iter()
        .filter(|s| !m.accepted.contains(&s.serial) && !m.undone.contains(&s.serial))
        .collect();
    let suggest = |short: &reconcile::ShortageRow, why: String| Suggestion {
        missing: short.serial.clone(),
        product: short.product,
        location: short.location.clone(),
        why,
    };
    match &surplus.reason {
        NotHere::Sold { document, .. } => {
            let Some(product) = surplus.product else {
                return Vec::new();
            };
            let same: Vec<&&reconcile::ShortageRow> =
                open.iter().filter(|s| s.product == product).collect();
            let here: Vec<&&&reconcile::ShortageRow> = same
                .iter()
                .filter(|s| s.location == surplus.location)
                .collect();
            let why = format!(
                "only one short {}; \"{}\" sold on {document}",
                if here.is_empty() {
                    "in the count"
                } else {
                    "here"
                },
                surplus.serial
            );
            match (here.as_slice(), same.as_slice()) {
                ([one], _) => vec![suggest(one, why)],
                ([], [one]) => vec![suggest(one, why)],
                _ => Vec::new(),
            }
        }
        NotHere::Unknown => {
            for d in 1..=2 {
                let near: Vec<&&reconcile::ShortageRow> = open
                    .iter()
                    .filter(|s| surplus.product.is_none_or(|p| p == s.product))
                    .filter(|s| {
                        edit_distance_within(surplus.serial.as_str(), s.serial.as_str(), 2)
                            == Some(d)
                    })
                    .collect();
                match near.as_slice() {
                    [] => continue,
                    [one] => {
                        return vec![suggest(
                            one,
                            format!(
                                "typo at receipt? ({d} character{} away, the only one)",
                                if d == 1 { "" } else { "s" }
                            ),
                        )]
                    }
                    _ => return Vec::new(),
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, edit_distance_within};

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("RT0001", "RT0001"), 0);
        assert_eq!(edit_distance("RT0001", "RT0007"), 1);
        assert_eq!(edit_distance("RT0012", "RT0021"), 1);
        assert_eq!(edit_distance("RT001", "RT0001"), 1);
        assert_eq!(edit_distance("ABC", "XYZ"), 3);
        assert_eq!(edit_distance_within("RT0012", "RT0021", 2), Some(1));
        assert_eq!(edit_distance_within("RT0012", "XY9999", 2), None);
        assert_eq!(edit_distance_within("AB", "ABCDE", 2), None);
        assert_eq!(edit_distance_within("ABC", "ABCDE", 2), Some(2));
    }
}
