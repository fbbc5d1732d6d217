//! Reconciliation of a count: what was expected (units in stock in scope, now) against what
//! was counted, live, so movements during the count make no false mismatches.

use crate::domain::catalog::ProductId;
use crate::domain::count::CountScan;
use crate::domain::not_here::NotHere;
use crate::domain::serial::SerialKey;
use crate::domain::unit::{Unit, UnitState};
use std::collections::{HashMap, HashSet};

/// A unit the store has in stock in the count's scope.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Expected {
    pub product: ProductId,
    pub serial: SerialKey,
    pub location: String,
}

/// A counted serial as the store knows it now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counted {
    pub scan: CountScan,
    /// The unit, when the serial belongs to one.
    pub unit: Option<Unit>,
    /// Whether the unit's product is one the count covers.
    pub in_scope: bool,
    /// The unit moved (a document touched it) after this scan.
    pub moved_after_scan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatchedRow {
    pub product: ProductId,
    pub serial: SerialKey,
    pub location: String,
    pub scan: u32,
    /// Scanned, then moved (sold, transferred) during the count.
    pub moved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortageRow {
    pub product: ProductId,
    pub serial: SerialKey,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SurplusRow {
    pub product: Option<ProductId>,
    pub serial: SerialKey,
    /// Where it was counted.
    pub location: String,
    pub scan: u32,
    /// Why it is surplus there.
    pub reason: NotHere,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reconciliation {
    pub matched: Vec<MatchedRow>,
    pub shortage: Vec<ShortageRow>,
    pub surplus: Vec<SurplusRow>,
    /// Scans of serials already counted (scan numbers).
    pub duplicates: Vec<u32>,
}

/// A count's buckets as they were when it was posted, kept for good: its report never
/// changes when stock moves later. Stored in the journal, so every list is ordered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FrozenReport {
    pub rec: Reconciliation,
    /// Serials whose mismatch was accepted as it is (sorted).
    pub accepted: Vec<SerialKey>,
    /// Serials scanned and taken back with no live scan (sorted).
    pub undone: Vec<SerialKey>,
    /// Serials a document touched after the count opened (sorted).
    pub moved_since_open: Vec<SerialKey>,
}

impl Reconciliation {
    pub fn mismatches(&self) -> usize {
        self.shortage.len() + self.surplus.len()
    }
}

/// The reason a unit in this state is surplus at `location`, or None when it is right there.
pub fn surplus_reason(unit: &Unit, location: &str) -> Option<NotHere> {
    match &unit.state {
        UnitState::InStock { location: at } if at == location => None,
        UnitState::InStock { location: at } => Some(NotHere::Elsewhere {
            location: at.clone(),
        }),
        UnitState::Sold { document, customer } => Some(NotHere::Sold {
            document: document.clone(),
            customer: *customer,
        }),
        UnitState::WrittenOff => Some(NotHere::WrittenOff),
        UnitState::InRepair => Some(NotHere::InRepair),
        UnitState::Replaced { by } => Some(NotHere::Replaced { by: by.clone() }),
        UnitState::Renamed { to } => Some(NotHere::Replaced { by: to.clone() }),
    }
}

/// Compares expected and counted. `counted` holds the live scans only (no duplicates, none
/// undone); a scanned unit found in stock anywhere in scope is not also a shortage.
/// A scan that matched when it was made and whose unit moved afterwards stays matched.
pub fn reconcile(
    expected: Vec<Expected>,
    counted: Vec<Counted>,
    duplicates: Vec<u32>,
) -> Reconciliation {
    let mut out = Reconciliation {
        duplicates,
        ..Reconciliation::default()
    };
    // The scans read here are few (the common case was matched before); a unit any of
    // them names is no shortage, whatever became of it. Expected units are many: they are
    // filtered once, never hashed.
    let mut seen: HashMap<ProductId, HashSet<SerialKey>> = HashMap::new();
    for c in counted {
        let scan = c.scan;
        let Some(unit) = c.unit else {
            out.surplus.push(SurplusRow {
                product: scan.product,
                serial: scan.serial,
                location: scan.location,
                scan: scan.number,
                reason: NotHere::Unknown,
            });
            continue;
        };
        seen.entry(unit.product)
            .or_default()
            .insert(unit.serial.clone());
        if !c.in_scope {
            out.surplus.push(SurplusRow {
                product: Some(unit.product),
                serial: unit.serial,
                location: scan.location,
                scan: scan.number,
                reason: NotHere::OtherProduct,
            });
            continue;
        }
        let matched_then = c.moved_after_scan
            && matches!(scan.verdict, crate::domain::count::ScanVerdict::Counted);
        match surplus_reason(&unit, &scan.location) {
            None => out.matched.push(MatchedRow {
                product: unit.product,
                serial: unit.serial,
                location: scan.location,
                scan: scan.number,
                moved: false,
            }),
            Some(_) if matched_then => out.matched.push(MatchedRow {
                product: unit.product,
                serial: unit.serial,
                location: scan.location,
                scan: scan.number,
                moved: true,
            }),
            Some(reason) => out.surplus.push(SurplusRow {
                product: Some(unit.product),
                serial: unit.serial,
                location: scan.location,
                scan: scan.number,
                reason,
            }),
        }
    }
    let mut shortage: Vec<ShortageRow> = expected
        .into_iter()
        .filter(|e| !seen.get(&e.product).is_some_and(|s| s.contains(&e.serial)))
        .map(|e| ShortageRow {
            product: e.product,
            serial: e.serial,
            location: e.location,
        })
        .collect();
    // Each unit once, so the order is total and an unstable sort gives the same rows.
    shortage.sort_unstable_by(|a, b| {
        (a.product, &a.location, &a.serial).cmp(&(b.product, &b.location, &b.serial))
    });
    out.shortage = shortage;
    out.surplus.sort_by(|a, b| {
        (a.product, &a.location, &a.serial).cmp(&(b.product, &b.location, &b.serial))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::count::{CountId, ScanVerdict};
    use crate::domain::document::DocNo;

    const P: ProductId = ProductId(1);

    fn key(s: &str) -> SerialKey {
        SerialKey::from_stored(s.to_string())
    }

    fn expected(serial: &str, at: &str) -> Expected {
        Expected {
            product: P,
            serial: key(serial),
            location: at.into(),
        }
    }

    fn unit(serial: &str, state: UnitState) -> Unit {
        Unit {
            product: P,
            serial: key(serial),
            state,
            cost: None,
            receipt: None,
            supplier: None,
            received_on: None,
            sale: None,
            activation: None,
            coverages: Vec::new(),
        }
    }

    fn in_stock(at: &str) -> UnitState {
        UnitState::InStock {
            location: at.into(),
        }
    }

    /// Each state of a counted unit gives its own reason, word for word: a counted unit in
    /// repair is never listed as written off (each arm swapped for another fails here).
    #[test]
    fn every_state_of_a_surplus_unit_has_its_own_reason() {
        let here = "WH1/A/01";
        let sold = UnitState::Sold {
            document: DocNo("S-2026-0042".into()),
            customer: crate::domain::PartyId(3),
        };
        let cases = [
            (in_stock(here), None),
            (
                in_stock("WH1/A/02"),
                Some(NotHere::Elsewhere {
                    location: "WH1/A/02".into(),
                }),
            ),
            (
                sold,
                Some(NotHere::Sold {
                    document: DocNo("S-2026-0042".into()),
                    customer: crate::domain::PartyId(3),
                }),
            ),
            (UnitState::WrittenOff, Some(NotHere::WrittenOff)),
            (UnitState::InRepair, Some(NotHere::InRepair)),
            (
                UnitState::Replaced { by: key("X2") },
                Some(NotHere::Replaced { by: key("X2") }),
            ),
            (
                UnitState::Renamed { to: key("X3") },
                Some(NotHere::Replaced { by: key("X3") }),
            ),
        ];
        let mut reasons = Vec::new();
        for (state, reason) in cases {
            let got = surplus_reason(&unit("S1", state.clone()), here);
            assert_eq!(got, reason, "{state:?}");
            reasons.push(got);
        }
        // No two states share a reason (the renamed and replaced ones name different units).
        for (i, a) in reasons.iter().enumerate() {
            for b in &reasons[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    fn counted(
        n: u32,
        serial: &str,
        at: &str,
        unit: Option<Unit>,
        verdict: ScanVerdict,
    ) -> Counted {
        Counted {
            scan: CountScan {
                count: CountId(1),
                number: n,
                serial: key(serial),
                product: unit.as_ref().map(|u| u.product),
                location: at.into(),
                counter: "c".into(),
                at_ms: 0,
                verdict,
                undone: false,
            },
            unit,
            in_scope: true,
            moved_after_scan: false,
        }
    }

    #[test]
    fn every_bucket_of_a_count() {
        let sold = UnitState::Sold {
            document: DocNo("S-1".into()),
            customer: crate::domain::PartyId(1),
        };
        let mut other = counted(
            5,
            "O1",
            "A1",
            Some(unit("O1", in_stock("A1"))),
            ScanVerdict::Counted,
        );
        other.in_scope = false;
        let rec = reconcile(
            vec![
                expected("S1", "A1"),
                expected("S2", "A1"),
                expected("S3", "A2"),
            ],
            vec![
                counted(
                    1,
                    "S1",
                    "A1",
                    Some(unit("S1", in_stock("A1"))),
                    ScanVerdict::Counted,
                ),
                // Expected in bin A2, found in A1: surplus here, and not also short there.
                counted(
                    2,
                    "S3",
                    "A1",
                    Some(unit("S3", in_stock("A2"))),
                    ScanVerdict::Counted,
                ),
                counted(3, "X1", "A1", None, ScanVerdict::Unknown),
                counted(4, "S9", "A1", Some(unit("S9", sold)), ScanVerdict::Counted),
                other,
            ],
            vec![7],
        );
        let serials = |rows: Vec<&SerialKey>| {
            rows.iter()
                .map(|s| s.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            serials(rec.matched.iter().map(|r| &r.serial).collect()),
            ["S1"]
        );
        assert_eq!(
            serials(rec.shortage.iter().map(|r| &r.serial).collect()),
            ["S2"]
        );
        let surplus: Vec<(String, NotHere)> = rec
            .surplus
            .iter()
            .map(|r| (r.serial.as_str().to_string(), r.reason.clone()))
            .collect();
        // Sorted by product (none first), location, serial.
        assert_eq!(
            surplus,
            [
                ("X1".to_string(), NotHere::Unknown),
                ("O1".to_string(), NotHere::OtherProduct),
                (
                    "S3".to_string(),
                    NotHere::Elsewhere {
                        location: "A2".into()
                    }
                ),
                (
                    "S9".to_string(),
                    NotHere::Sold {
                        document: DocNo("S-1".into()),
                        customer: crate::domain::PartyId(1)
                    }
                ),
            ]
        );
        assert_eq!(rec.duplicates, [7]);
        assert_eq!(rec.mismatches(), 5);
    }

    #[test]
    fn a_unit_counted_where_it_was_then_moved_stays_matched() {
        let sold = UnitState::Sold {
            document: DocNo("S-2".into()),
            customer: crate::domain::PartyId(1),
        };
        let mut c = counted(
            1,
            "S1",
            "A1",
            Some(unit("S1", sold.clone())),
            ScanVerdict::Counted,
        );
        c.moved_after_scan = true;
        let rec = reconcile(vec![], vec![c], vec![]);
        assert_eq!(rec.matched.len(), 1);
        assert!(rec.matched[0].moved);
        // Not counted where it was then: moved or not, it is a surplus.
        let mut c = counted(1, "S1", "A1", Some(unit("S1", sold)), ScanVerdict::Unknown);
        c.moved_after_scan = true;
        let rec = reconcile(vec![], vec![c], vec![]);
        assert!(rec.matched.is_empty());
        assert_eq!(rec.surplus.len(), 1);
    }
}
