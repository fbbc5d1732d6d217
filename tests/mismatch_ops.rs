//! Mismatches and their resolutions through `ops::local::Service`: replace serial number (on a sale
//! and on a receipt) with its refusals, relocate, found stock, write-off, accept; undo restores
//! the exact prior state; posting rules; replay equals state; and a property test that the
//! suggested replacements clear injected sale-scan swaps and receipt typos.

use proptest::prelude::*;
use std::collections::BTreeMap;
use tallyman::domain::NotHere;
use tallyman::domain::{CountId, CountStatus, DocKind, SerialFormat, SerialKey, UnitState};
use tallyman::ops::local::reconcile::mismatches;
use tallyman::ops::local::Service;
use tallyman::ops::{suggestions, Mismatches};
use tallyman::ops::{Command, DocRequest, LineRequest, OpsError, Outcome, ResolveAction};

mod support;
use support::{Db, FixedClock};

const GTIN: &str = "09506000134352";

fn product(sku: &str, gtin: Option<&str>) -> Command {
    support::product(sku, SerialFormat::Plain, gtin, "test", None)
}

fn doc(
    kind: DocKind,
    sku: &str,
    serials: &[&str],
    from: Option<&str>,
    to: Option<&str>,
) -> Command {
    support::doc(kind, sku, serials, from, to, None)
}

fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    let mut cmds = vec![product("RT", Some(GTIN)), product("LAP", None)];
    cmds.extend(support::parties_and_locations(&[
        "WH1/A/01", "WH1/A/02", "WH2/R",
    ]));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    let dir = tmp.path().to_path_buf();
    Db::new(tmp, dir, svc)
}

impl Db {
    fn run(&self, c: Command) -> Outcome {
        self.svc.execute("super", c).unwrap()
    }

    fn open_count(&self, at: &str) -> CountId {
        support::open_count(&self.svc, at, &[], true)
    }

    fn scan_all(&self, c: CountId, at: &str, serials: &[&str]) {
        for s in serials {
            self.svc.record_scan("clerk", c, at, s).unwrap();
        }
    }

    fn m(&self, c: CountId) -> Mismatches {
        mismatches(&self.svc.store(), c).unwrap()
    }

    fn resolve(&self, c: CountId, action: ResolveAction) -> Result<Outcome, OpsError> {
        self.svc
            .execute("super", Command::Resolve { count: c, action })
    }

    fn state(&self, serial: &str) -> UnitState {
        self.svc.lookup(serial).unwrap()[0].unit.state.clone()
    }

    /// Every key and value but the ones a resolution's own bookkeeping changes for good
    /// (the store's meta record, the count record's counter, the resolution log, the
    /// journal entries' hashes).
    fn snapshot(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.svc
            .store()
            .entries()
            .unwrap()
            .map(|r| r.unwrap())
            .filter(|(k, _)| !matches!(k.first(), Some(b'M' | b'C' | b'r' | b'E')))
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect()
    }
}

fn replace(found: &str, missing: &str) -> ResolveAction {
    ResolveAction::Replace {
        found: found.into(),
        missing: missing.into(),
    }
}

/// RT1-RT5 and RT9 received at WH1/A/01; RT9 recorded sold, but RT4 is what left.
fn sale_swap() -> (Db, CountId) {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1", "RT2", "RT3", "RT4", "RT5", "RT9"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(DocKind::Sale, "RT", &["RT9"], None, None));
    let c = db.open_count("WH1/A/01");
    db.scan_all(c, "WH1/A/01", &["RT1", "RT2", "RT3", "RT5", "RT9"]);
    (db, c)
}

#[test]
fn replace_on_sale_corrects_the_sale() {
    let (db, c) = sale_swap();
    let m = db.m(c);
    assert_eq!(m.rec.shortage.len(), 1);
    assert_eq!(m.rec.surplus.len(), 1);
    assert!(matches!(m.rec.surplus[0].reason, NotHere::Sold { .. }));
    let s = suggestions(&m, &m.rec.surplus[0]);
    assert_eq!(s[0].missing.as_str(), "RT4", "{s:?}");
    let sale = match db.state("RT9") {
        UnitState::Sold { document, .. } => document,
        other => panic!("{other:?}"),
    };
    db.resolve(c, replace("RT9", "RT4")).unwrap();
    assert_eq!(
        db.state("RT9"),
        UnitState::InStock {
            location: "WH1/A/01".into()
        }
    );
    match db.state("RT4") {
        UnitState::Sold { document, .. } => assert_eq!(document, sale),
        other => panic!("{other:?}"),
    }
    let rt4 = &db.svc.lookup("RT4").unwrap()[0];
    assert_eq!(
        rt4.unit.sale.as_ref().unwrap().price,
        Some(tallyman::domain::Money(1000)),
        "the price moves with the line"
    );
    assert_eq!(rt4.timeline.last().unwrap().entry.kind.name(), "corrected");
    let rt9 = &db.svc.lookup("RT9").unwrap()[0];
    assert!(rt9.unit.sale.is_none());
    assert!(rt9
        .timeline
        .last()
        .unwrap()
        .entry
        .reason
        .as_deref()
        .unwrap()
        .contains("\"RT9\" was scanned"));
    let stored = db.svc.store().document(&sale.0).unwrap().unwrap();
    let serials: Vec<&str> = stored
        .document
        .lines
        .iter()
        .map(|l| l.serial.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(serials, ["RT4"]);
    assert_eq!(stored.corrected_by.len(), 1);
    assert_eq!(db.m(c).open_mismatches(), 0);
}

#[test]
fn replace_on_receipt_corrects_a_typo() {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1", "RT17"],
        None,
        Some("WH1/A/01"),
    ));
    let c = db.open_count("WH1/A/01");
    // The unit labelled RT71 was received as RT17.
    db.scan_all(c, "WH1/A/01", &["RT1", "RT71"]);
    let m = db.m(c);
    assert_eq!(m.rec.surplus[0].reason, NotHere::Unknown);
    let s = suggestions(&m, &m.rec.surplus[0]);
    assert_eq!(s[0].missing.as_str(), "RT17", "{s:?}");
    let receipt = db.svc.lookup("RT17").unwrap()[0]
        .unit
        .receipt
        .clone()
        .unwrap();
    db.resolve(c, replace("RT71", "RT17")).unwrap();
    let rt71 = &db.svc.lookup("RT71").unwrap()[0];
    assert_eq!(
        rt71.unit.state,
        UnitState::InStock {
            location: "WH1/A/01".into()
        }
    );
    assert_eq!(
        rt71.unit.cost,
        Some(tallyman::domain::Money(1000)),
        "keeps its cost"
    );
    assert_eq!(
        rt71.supplier.as_deref(),
        Some("Supplier"),
        "keeps its supplier"
    );
    assert_eq!(rt71.unit.receipt.as_ref(), Some(&receipt));
    assert_eq!(
        db.state("RT17"),
        UnitState::Renamed {
            to: SerialKey::normalize("RT71", true).unwrap()
        }
    );
    let stored = db.svc.store().document(&receipt.0).unwrap().unwrap();
    assert!(stored
        .document
        .lines
        .iter()
        .any(|l| l.serial.as_ref().unwrap().as_str() == "RT71"));
    assert_eq!(db.m(c).open_mismatches(), 0);
}

#[test]
fn replace_refusals() {
    let (db, c) = sale_swap();
    db.run(doc(
        DocKind::Receipt,
        "LAP",
        &["L1"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(DocKind::Sale, "LAP", &["L1"], None, None));
    db.scan_all(c, "WH1/A/01", &["L1"]);
    let refused = |a: ResolveAction| db.resolve(c, a).unwrap_err().to_string();
    let m = refused(replace("L1", "RT4"));
    assert!(m.contains("same product"), "{m}");
    // The shortage serial must be in stock.
    let m = refused(replace("RT9", "L1"));
    assert!(m.contains("not in stock"), "{m}");
    // A serial counted where it belongs is no surplus (and nothing to relocate either).
    let m = refused(replace("RT1", "RT4"));
    assert!(
        m.contains("SN \"RT1\" was counted where it belongs") && m.contains("not a surplus"),
        "{m}"
    );
    assert!(!m.contains("relocate"), "{m}");
    let m = refused(replace("RT8", "RT4"));
    assert!(m.contains("not counted"), "{m}");
    // A sale that was returned already.
    db.run(Command::Post(DocRequest {
        kind: DocKind::Return,
        date: None,
        party: Some("ACME".into()),
        invoice: None,
        from: None,
        to: Some("WH2/R".into()),
        reason: Some("changed mind".into()),
        declared_qty: None,
        lines: vec![LineRequest {
            sku: "RT".into(),
            serial: Some("RT9".into()),
            qty: 1,
            amount: None,
        }],
    }));
    let m = refused(replace("RT9", "RT4"));
    assert!(m.contains("returned already"), "{m}");
}

#[test]
fn relocate_found_stock_write_off_and_accept() {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1", "RT2"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT3"],
        None,
        Some("WH1/A/02"),
    ));
    let c = db.open_count("WH1/A/01");
    db.scan_all(
        c,
        "WH1/A/01",
        &["RT1", "RT3", "NEW-1", &format!("(01){GTIN}(21)NEW-2")],
    );
    // RT2 short; RT3 elsewhere; NEW-1 unknown without GTIN; NEW-2 unknown with GTIN.
    assert_eq!(db.m(c).open_mismatches(), 4);
    db.resolve(
        c,
        ResolveAction::Relocate {
            serial: "RT3".into(),
        },
    )
    .unwrap();
    assert_eq!(
        db.state("RT3"),
        UnitState::InStock {
            location: "WH1/A/01".into()
        }
    );
    let m = db
        .resolve(
            c,
            ResolveAction::ReceiveFound {
                serial: "NEW-1".into(),
                product: None,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(m.contains("which product"), "{m}");
    db.resolve(
        c,
        ResolveAction::ReceiveFound {
            serial: "NEW-1".into(),
            product: Some("LAP".into()),
        },
    )
    .unwrap();
    db.resolve(
        c,
        ResolveAction::ReceiveFound {
            serial: "NEW-2".into(),
            product: None,
        },
    )
    .unwrap();
    assert_eq!(
        db.svc.lookup("NEW-2").unwrap()[0].product.sku,
        "RT",
        "product from the GTIN"
    );
    let m = db
        .resolve(
            c,
            ResolveAction::WriteOff {
                serial: "RT2".into(),
                reason: " ".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(m.contains("reason"), "{m}");
    db.resolve(
        c,
        ResolveAction::WriteOff {
            serial: "RT2".into(),
            reason: "lost".into(),
        },
    )
    .unwrap();
    assert_eq!(db.state("RT2"), UnitState::WrittenOff);
    assert_eq!(db.m(c).open_mismatches(), 0);
    let m = db
        .resolve(
            c,
            ResolveAction::Relocate {
                serial: "RT1".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(m.contains("not a surplus"), "{m}");
}

#[test]
fn undo_restores_the_exact_prior_state() {
    let (db, c) = sale_swap();
    let before = db.snapshot();
    let n = match db.resolve(c, replace("RT9", "RT4")).unwrap() {
        Outcome::Resolved { number, .. } => number,
        other => panic!("{other:?}"),
    };
    assert_ne!(db.snapshot(), before);
    db.run(Command::UndoResolution {
        count: c,
        number: n,
    });
    assert_eq!(db.snapshot(), before, "undo must restore every key");
    assert_eq!(
        refusal_words(db.svc.execute(
            "super",
            Command::UndoResolution {
                count: c,
                number: n
            }
        )),
        "conflict: resolution 1 of count 1 is undone already"
    );
    // Undo is refused once something changed what the resolution touched.
    let n = match db.resolve(c, replace("RT9", "RT4")).unwrap() {
        Outcome::Resolved { number, .. } => number,
        other => panic!("{other:?}"),
    };
    db.run(doc(
        DocKind::Transfer,
        "RT",
        &["RT9"],
        Some("WH1/A/01"),
        Some("WH1/A/02"),
    ));
    let m = db
        .svc
        .execute(
            "super",
            Command::UndoResolution {
                count: c,
                number: n,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(m.contains("changed since"), "{m}");
}

#[test]
fn posting_rules() {
    let (db, c) = sale_swap();
    let post = || {
        db.svc.execute(
            "super",
            Command::MoveCount {
                count: c,
                status: CountStatus::Posted,
            },
        )
    };
    assert!(
        post().unwrap_err().to_string().contains("2 mismatches"),
        "an open count is posted through review, so its mismatches are checked"
    );
    db.run(Command::MoveCount {
        count: c,
        status: CountStatus::Review,
    });
    let m = post().unwrap_err().to_string();
    assert!(m.contains("2 mismatches"), "{m}");
    db.resolve(
        c,
        ResolveAction::Accept {
            serial: "RT9".into(),
            note: "customer collects later".into(),
        },
    )
    .unwrap();
    db.resolve(
        c,
        ResolveAction::Accept {
            serial: "RT4".into(),
            note: "searching".into(),
        },
    )
    .unwrap();
    post().unwrap();
    let m = db
        .resolve(c, replace("RT9", "RT4"))
        .unwrap_err()
        .to_string();
    assert!(m.contains("posted"), "{m}");
    assert_eq!(
        refusal_words(db.svc.execute(
            "super",
            Command::UndoResolution {
                count: c,
                number: 1
            }
        )),
        "conflict: count 1 is posted: its mismatches can no longer change"
    );
}

fn check(db: Db) {
    let (tmp, _) = db.close();
    support::assert_replay_equals_state(tmp.path());
}

#[test]
fn replay_equals_state_after_every_kind_of_resolution() {
    let (db, c) = sale_swap();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT17", "RT30", "RT50"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT40"],
        None,
        Some("WH1/A/02"),
    ));
    db.scan_all(c, "WH1/A/01", &["RT71", "RT40", "FOUND-1"]);
    db.resolve(c, replace("RT9", "RT4")).unwrap();
    db.resolve(c, replace("RT71", "RT17")).unwrap();
    db.resolve(
        c,
        ResolveAction::Relocate {
            serial: "RT40".into(),
        },
    )
    .unwrap();
    db.resolve(
        c,
        ResolveAction::ReceiveFound {
            serial: "FOUND-1".into(),
            product: Some("RT".into()),
        },
    )
    .unwrap();
    db.resolve(
        c,
        ResolveAction::WriteOff {
            serial: "RT30".into(),
            reason: "lost".into(),
        },
    )
    .unwrap();
    let n = match db
        .resolve(
            c,
            ResolveAction::Accept {
                serial: "RT50".into(),
                note: "n".into(),
            },
        )
        .unwrap()
    {
        Outcome::Resolved { number, .. } => number,
        other => panic!("{other:?}"),
    };
    db.run(Command::UndoResolution {
        count: c,
        number: n,
    });
    // Undone, RT50 is short again; accepted again, nothing is open.
    assert_eq!(db.m(c).open_mismatches(), 1);
    db.resolve(
        c,
        ResolveAction::Accept {
            serial: "RT50".into(),
            note: "n".into(),
        },
    )
    .unwrap();
    assert_eq!(db.m(c).open_mismatches(), 0);
    check(db);
}

// ---------------------------------------------------------------- property

#[derive(Debug, Clone)]
struct Story {
    units: usize,
    swaps: Vec<(usize, usize)>,
    /// Receipt typos: (unit, kind, position, letter); kind 0 substitution, 1 deletion, 2
    /// transposition of two neighbours, 3 insertion.
    typos: Vec<(usize, u8, usize, u8)>,
}

fn story() -> impl Strategy<Value = Story> {
    (6usize..24).prop_flat_map(|units| {
        (
            Just(units),
            proptest::collection::vec((0..units, 0..units), 0..3),
            proptest::collection::vec((0..units, 0u8..4, 1usize..4, b'A'..=b'Z'), 0..3),
        )
            .prop_map(|(units, swaps, typos)| Story {
                units,
                swaps,
                typos,
            })
    })
}

fn serial(i: usize) -> String {
    format!("P{i:03}")
}

/// The serial as the receipt clerk typed it: one edit of the real one.
fn typo(i: usize, kind: u8, pos: usize, letter: u8) -> String {
    let mut s: Vec<u8> = serial(i).into_bytes();
    let pos = pos.min(s.len() - 1);
    match kind {
        0 => s[pos] = letter,
        1 => {
            s.remove(pos);
        }
        2 if pos + 1 < s.len() => s.swap(pos, pos + 1),
        2 => s.swap(pos - 1, pos),
        _ => s.insert(pos, letter),
    }
    String::from_utf8(s).unwrap()
}

/// Edit distance with adjacent transpositions (optimal string alignment), written plainly:
/// the test's own measure, not the service's.
fn osa(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The suggestion docs/mismatch.md promises for a surplus, worked out independently: for a
/// unit recorded sold, the only shortage of its product here, else the only one in the
/// count; for a serial never received, the only shortage one edit away, else the only one
/// two away; otherwise none.
fn expected_suggestion(
    m: &Mismatches,
    row: &tallyman::domain::reconcile::SurplusRow,
) -> Option<String> {
    let shortages = &m.rec.shortage;
    match &row.reason {
        NotHere::Sold { .. } => {
            let product = row.product?;
            let same: Vec<_> = shortages.iter().filter(|s| s.product == product).collect();
            let here: Vec<_> = same.iter().filter(|s| s.location == row.location).collect();
            match (here.as_slice(), same.as_slice()) {
                ([one], _) => Some(one.serial.to_string()),
                ([], [one]) => Some(one.serial.to_string()),
                _ => None,
            }
        }
        NotHere::Unknown => {
            for d in 1..=2 {
                let near: Vec<_> = shortages
                    .iter()
                    .filter(|s| row.product.is_none_or(|p| p == s.product))
                    .filter(|s| osa(row.serial.as_str(), s.serial.as_str()) == d)
                    .collect();
                match near.as_slice() {
                    [] => continue,
                    [one] => return Some(one.serial.to_string()),
                    _ => return None,
                }
            }
            None
        }
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn suggested_replacements_clear_swaps_and_typos(story in story()) {
        let db = db();
        // Receipts: a typo'd unit is received under its typo; the label says the real serial.
        // A typo that changes nothing or names a serial that exists is no typo: left out.
        let mut typoed: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
        for &(i, kind, pos, letter) in &story.typos {
            let t = typo(i, kind, pos, letter);
            let real = (0..story.units).any(|j| serial(j) == t);
            if !real && !typoed.contains_key(&i) && !typoed.values().any(|v| *v == t) {
                typoed.insert(i, t);
            }
        }
        let received: Vec<String> = (0..story.units)
            .map(|i| typoed.get(&i).cloned().unwrap_or_else(|| serial(i)))
            .collect();
        let refs: Vec<&str> = received.iter().map(String::as_str).collect();
        db.run(doc(DocKind::Receipt, "RT", &refs, None, Some("WH1/A/01")));
        // Sale-scan swaps: the system sells `shown`, the customer took `taken`.
        let mut gone = std::collections::HashSet::new();
        let mut sold_in_system = std::collections::HashSet::new();
        for &(shown, taken) in &story.swaps {
            // No chains (a unit taken that the system already sold, or sold after it was
            // taken): each swap is one sale line that names the wrong unit.
            if shown == taken || gone.contains(&taken) || sold_in_system.contains(&shown)
                || sold_in_system.contains(&taken)
                || typoed.contains_key(&shown) || typoed.contains_key(&taken) || gone.contains(&shown) {
                continue;
            }
            db.run(doc(DocKind::Sale, "RT", &[&serial(shown)], None, None));
            sold_in_system.insert(shown);
            gone.insert(taken);
        }
        let c = db.open_count("WH1/A/01");
        let physical: Vec<String> = (0..story.units).filter(|i| !gone.contains(i)).map(serial).collect();
        let refs: Vec<&str> = physical.iter().map(String::as_str).collect();
        db.scan_all(c, "WH1/A/01", &refs);
        // What really happened, surplus serial -> missing serial: a swap's shown unit stands
        // for the taken one, a typo's real label for the serial received.
        let mut truth: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for &(shown, taken) in &story.swaps {
            if sold_in_system.contains(&shown) && gone.contains(&taken) && !truth.contains_key(&serial(shown)) {
                truth.insert(serial(shown), serial(taken));
            }
        }
        for (&t, typed) in &typoed {
            truth.insert(serial(t), typed.clone());
        }
        let mistakes = truth.len();
        // Each suggestion is exactly the documented one; with a single mistake it is always
        // offered and it is the truth. Resolve each surplus with the truth.
        for _ in 0..story.units {
            let m = db.m(c);
            let Some(row) = m.rec.surplus.first() else { break };
            let want = truth.get(row.serial.as_str()).cloned();
            prop_assert!(want.is_some(), "a surplus nobody caused: {row:?}");
            let want = want.unwrap();
            let s = suggestions(&m, row);
            prop_assert!(s.len() <= 1, "more than one suggestion: {s:?}");
            let offered = s.first().map(|x| x.missing.to_string());
            prop_assert_eq!(&offered, &expected_suggestion(&m, row), "the rule for {:?}", row);
            if mistakes == 1 {
                prop_assert_eq!(offered.as_deref(), Some(want.as_str()), "the only mistake {:?}", row);
            }
            db.resolve(c, replace(row.serial.as_str(), &want)).unwrap();
        }
        let m = db.m(c);
        prop_assert_eq!(m.open_mismatches(), 0, "left: {:?} {:?}", m.rec.shortage, m.rec.surplus);
        // Each unit in exactly one state, consistent with the stock index.
        let stock: std::collections::HashSet<String> = db.svc.store().stock(None).unwrap().into_iter().map(|r| r.serial.to_string()).collect();
        for p in &physical {
            prop_assert_eq!(db.state(p), UnitState::InStock { location: "WH1/A/01".into() });
            prop_assert!(stock.contains(p));
        }
        check(db);
    }
}

#[test]
fn the_tests_own_edit_distance_counts_each_kind_of_typo_as_one() {
    for (kind, pos) in [(0, 2), (1, 1), (2, 2), (2, 3), (3, 2)] {
        let t = typo(7, kind, pos, b'Q');
        assert_eq!(osa("P007", &t), 1, "{kind} {pos}: {t}");
    }
    assert_eq!(osa("P007", "P700"), 2);
    assert_eq!(osa("ABCD", "BADC"), 2);
}

// ------------------------------------------------- resolutions checked against the buckets

/// Each resolution is refused unless the serials it names are in the right bucket of this
/// count now, and a refusal changes nothing.
#[test]
fn resolutions_are_checked_against_the_buckets_at_commit() {
    let (db, c) = sale_swap();
    // More stock: RT6 in the count's bin (short), RT7 outside the count's scope.
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT6"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(DocKind::Receipt, "RT", &["RT7"], None, Some("WH2/R")));
    db.scan_all(c, "WH1/A/01", &["UNKNOWN-1"]);
    let before = db.snapshot();
    let refused = |a: ResolveAction| db.resolve(c, a).unwrap_err().to_string();

    // Replace: the missing serial was counted (the reported hole: it would become sold).
    let m = refused(replace("RT9", "RT1"));
    assert_eq!(
        m,
        "SN \"RT1\" was counted in count 1 (scan 1 at WH1/A/01): it is not short"
    );
    // The receipt variant: an unknown scan may not rename a counted unit either.
    let m = refused(replace("UNKNOWN-1", "RT2"));
    assert_eq!(
        m,
        "SN \"RT2\" was counted in count 1 (scan 2 at WH1/A/01): it is not short"
    );
    // The missing serial is in stock outside the count's scope.
    let m = refused(replace("RT9", "RT7"));
    assert_eq!(
        m,
        "SN \"RT7\" is in stock at WH2/R, not expected in count 1: it is not short"
    );
    // The found serial was counted where it belongs.
    let m = refused(replace("RT3", "RT4"));
    assert_eq!(
        m,
        "SN \"RT3\" was counted where it belongs (scan 3 at WH1/A/01): it is not a surplus"
    );
    // Write-off: only a shortage.
    let m = refused(ResolveAction::WriteOff {
        serial: "RT5".into(),
        reason: "lost".into(),
    });
    assert_eq!(
        m,
        "SN \"RT5\" was counted in count 1 (scan 4 at WH1/A/01): it is not short"
    );
    // Relocate: only a surplus.
    let m = refused(ResolveAction::Relocate {
        serial: "RT2".into(),
    });
    assert!(m.ends_with("it is not a surplus"), "{m}");
    // Accept: only an open mismatch.
    let m = refused(ResolveAction::Accept {
        serial: "RT2".into(),
        note: "fine".into(),
    });
    assert!(m.ends_with("it is not a surplus"), "{m}");
    let m = refused(ResolveAction::Accept {
        serial: "RT7".into(),
        note: "fine".into(),
    });
    assert!(m.ends_with("it is not short"), "{m}");
    assert_eq!(db.snapshot(), before, "a refusal changed the store");

    // Accepted once, a mismatch is no longer open to another resolution.
    db.resolve(
        c,
        ResolveAction::Accept {
            serial: "RT6".into(),
            note: "on the truck".into(),
        },
    )
    .unwrap();
    for action in [
        ResolveAction::WriteOff {
            serial: "RT6".into(),
            reason: "lost".into(),
        },
        ResolveAction::Accept {
            serial: "RT6".into(),
            note: "again".into(),
        },
        replace("UNKNOWN-1", "RT6"),
    ] {
        let m = refused(action);
        assert_eq!(
            m,
            "SN \"RT6\" was accepted as it is in count 1: undo that first"
        );
    }
    db.resolve(
        c,
        ResolveAction::Accept {
            serial: "UNKNOWN-1".into(),
            note: "label to check".into(),
        },
    )
    .unwrap();
    let m = refused(ResolveAction::ReceiveFound {
        serial: "UNKNOWN-1".into(),
        product: Some("RT".into()),
    });
    assert_eq!(
        m,
        "SN \"UNKNOWN-1\" was accepted as it is in count 1: undo that first"
    );
    // The real fix still goes through.
    db.resolve(c, replace("RT9", "RT4")).unwrap();
    check(db);
}

/// A suggestion is offered only for the one plausible candidate, and never for a unit whose
/// scan was taken back in this count.
#[test]
fn a_suggestion_only_for_the_one_plausible_candidate() {
    let (db, c) = sale_swap();
    let m = db.m(c);
    let s = suggestions(&m, &m.rec.surplus[0]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].missing.as_str(), "RT4");
    assert!(s[0].why.contains("only one short here"), "{s:?}");

    // Two shortages of the product in the bin: which one the customer has is not known.
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT6"],
        None,
        Some("WH1/A/01"),
    ));
    let m = db.m(c);
    assert_eq!(m.rec.shortage.len(), 2);
    assert!(suggestions(&m, &m.rec.surplus[0]).is_empty());

    // RT6 scanned, then the scan taken back: RT6 is short again but was in the counter's
    // hand, so RT4 is the only candidate left.
    db.svc.record_scan("clerk", c, "WH1/A/01", "RT6").unwrap();
    db.svc
        .execute(
            "clerk",
            Command::UndoLastScan {
                count: c,
                location: None,
            },
        )
        .unwrap();
    let m = db.m(c);
    assert!(
        m.undone.iter().any(|s| s.as_str() == "RT6"),
        "{:?}",
        m.undone
    );
    let s = suggestions(&m, &m.rec.surplus[0]);
    assert_eq!(
        s.iter().map(|s| s.missing.as_str()).collect::<Vec<_>>(),
        ["RT4"]
    );

    // A typo: the only shortage one character away; none when two are as close.
    drop(db);
    let db = self::db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["AB17", "AB99", "AB72"],
        None,
        Some("WH1/A/01"),
    ));
    let c = db.open_count("WH1/A/01");
    db.scan_all(c, "WH1/A/01", &["AB71", "AB98"]);
    let m = db.m(c);
    let row = |serial: &str| {
        m.rec
            .surplus
            .iter()
            .find(|r| r.serial.as_str() == serial)
            .unwrap()
            .clone()
    };
    // AB98: AB99 is one away (the only one); AB71: AB17 (swapped) and AB72 are both one away.
    let s = suggestions(&m, &row("AB98"));
    assert_eq!(
        s.iter().map(|s| s.missing.as_str()).collect::<Vec<_>>(),
        ["AB99"]
    );
    assert!(suggestions(&m, &row("AB71")).is_empty());
}

// ---------------------------------------------------------------- partial and large counts

/// Aisle WH1/A: RT1-RT3 at bin 01, RT4-RT6 at bin 02, LAP1-LAP2 at bin 01. A count over the
/// aisle finds RT1, RT2, LAP1, LAP2 and a stranger X1 in bin 01 (bin done), RT4 in bin 02
/// (bin done); bin WH1/A/03 has RT7 and nobody went there.
fn partial() -> (Db, CountId) {
    let db = db();
    db.run(Command::AddLocation {
        code: "WH1/A/03".into(),
        name: String::new(),
    });
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1", "RT2", "RT3"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT4", "RT5", "RT6"],
        None,
        Some("WH1/A/02"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT7"],
        None,
        Some("WH1/A/03"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "LAP",
        &["LAP1", "LAP2"],
        None,
        Some("WH1/A/01"),
    ));
    let c = db.open_count("WH1/A");
    db.scan_all(c, "WH1/A/01", &["RT1", "RT2", "LAP1", "LAP2", "X1"]);
    db.scan_all(c, "WH1/A/02", &["RT4"]);
    for bin in ["WH1/A/01", "WH1/A/02"] {
        let done = db.svc.execute(
            "clerk",
            Command::FinishBin {
                count: c,
                location: bin.into(),
            },
        );
        assert!(matches!(done, Ok(Outcome::BinCounted { .. })), "{done:?}");
    }
    (db, c)
}

fn refused(r: Result<Outcome, OpsError>) -> String {
    match r {
        Err(OpsError::Refused(r)) => r.message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_partial_count_posts_the_shortages_of_its_counted_bins_only() {
    let (db, c) = partial();
    let bins: Vec<String> = db
        .svc
        .store()
        .counted_bins(c)
        .unwrap()
        .into_iter()
        .map(|b| b.location)
        .collect();
    assert_eq!(bins, ["WH1/A/01", "WH1/A/02"]);
    // A bin outside the scope is refused.
    let m = refused(db.svc.execute(
        "clerk",
        Command::FinishBin {
            count: c,
            location: "WH2/R".into(),
        },
    ));
    assert!(m.contains("outside count"), "{m}");
    // Short: RT3 (bin 01), RT5, RT6 (bin 02), RT7 (bin 03, not counted). Whole scope: refused.
    let post = |bins_only| {
        db.svc.execute(
            "super",
            Command::PostCount {
                count: c,
                counted_bins_only: bins_only,
            },
        )
    };
    let m = refused(post(false));
    assert!(m.contains("5 mismatches"), "{m}");
    let m = refused(post(true));
    assert!(
        m.contains("4 mismatches"),
        "counted bins: RT3 RT5 RT6 and X1: {m}"
    );
    // Bulk: write off what is short in the counted bins, accept the stranger.
    match db.run(Command::ResolveAll {
        count: c,
        fix: tallyman::ops::BulkFix::WriteOffCountedBins {
            reason: "Lost".into(),
        },
    }) {
        Outcome::ResolvedAll {
            first, resolved, ..
        } => assert_eq!((first, resolved), (1, 3)),
        other => panic!("{other:?}"),
    }
    for s in ["RT3", "RT5", "RT6"] {
        assert_eq!(db.state(s), UnitState::WrittenOff, "{s}");
    }
    assert_eq!(
        db.state("RT7"),
        UnitState::InStock {
            location: "WH1/A/03".into()
        }
    );
    match db.run(Command::ResolveAll {
        count: c,
        fix: tallyman::ops::BulkFix::Accept {
            location: Some("WH1/A/01".into()),
            sku: None,
            note: "Customer property".into(),
        },
    }) {
        Outcome::ResolvedAll { resolved, .. } => assert_eq!(resolved, 1),
        other => panic!("{other:?}"),
    }
    // Still refused for the whole scope (RT7), posted for the counted bins.
    assert!(refused(post(false)).contains("1 mismatch neither"));
    assert!(matches!(post(true), Ok(Outcome::CountMoved(_))));
    assert!(db.svc.store().posted_bins_only(c).unwrap());
    let m = db.m(c);
    assert_eq!(m.count.status, CountStatus::Posted);
    let short: Vec<&str> = m.rec.shortage.iter().map(|r| r.serial.as_str()).collect();
    assert!(
        !short.contains(&"RT7"),
        "the report keeps the counted bins' shortages: {short:?}"
    );
    // RT7 was never looked at: its stock is untouched.
    assert_eq!(
        db.state("RT7"),
        UnitState::InStock {
            location: "WH1/A/03".into()
        }
    );
}

#[test]
fn bulk_fixes_refuse_what_they_cannot_do_and_change_nothing() {
    let (db, c) = partial();
    let before = db.snapshot();
    let all = |fix| {
        db.svc
            .execute("super", Command::ResolveAll { count: c, fix })
    };
    use tallyman::ops::BulkFix;
    let m = refused(all(BulkFix::Accept {
        location: None,
        sku: None,
        note: "x".into(),
    }));
    assert!(m.contains("a bin, a product or both"), "{m}");
    // Blank names are no names: a blank bin or product is none, not an unknown one.
    for (location, sku) in [(Some(" "), None), (None, Some("")), (Some(""), Some("  "))] {
        let m = refused(all(BulkFix::Accept {
            location: location.map(str::to_string),
            sku: sku.map(str::to_string),
            note: "x".into(),
        }));
        assert!(
            m.contains("a bin, a product or both"),
            "{location:?} {sku:?}: {m}"
        );
    }
    let m = refused(all(BulkFix::Accept {
        location: Some("WH1/A/01".into()),
        sku: None,
        note: " ".into(),
    }));
    assert!(m.contains("needs a note"), "{m}");
    let m = refused(all(BulkFix::Accept {
        location: Some("WH2/R".into()),
        sku: None,
        note: "x".into(),
    }));
    assert!(m.contains("nothing to resolve"), "{m}");
    let m = refused(all(BulkFix::WriteOffCountedBins { reason: "".into() }));
    assert!(m.contains("needs a reason"), "{m}");
    assert_eq!(before, db.snapshot(), "a refused bulk fix changed nothing");
    // By product: every open LAP row (none: both were counted), then RT in bin 02.
    let m = refused(all(BulkFix::Accept {
        location: None,
        sku: Some("lap".into()),
        note: "x".into(),
    }));
    assert!(m.contains("nothing to resolve"), "{m}");
    match all(BulkFix::Accept {
        location: Some("WH1/A/02".into()),
        sku: Some("RT".into()),
        note: "Known difference".into(),
    }) {
        Ok(Outcome::ResolvedAll { resolved, .. }) => assert_eq!(resolved, 2, "RT5 and RT6"),
        other => panic!("{other:?}"),
    }
    // Each is its own resolution, undone alone.
    let undone = db.svc.execute(
        "super",
        Command::UndoResolution {
            count: c,
            number: 2,
        },
    );
    assert!(undone.is_ok(), "{undone:?}");
    assert_eq!(db.m(c).accepted.len(), 1);
}

#[test]
fn posting_counted_bins_only_needs_a_counted_bin() {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1"],
        None,
        Some("WH1/A/01"),
    ));
    let c = db.open_count("WH1/A");
    let m = refused(db.svc.execute(
        "super",
        Command::PostCount {
            count: c,
            counted_bins_only: true,
        },
    ));
    assert!(m.contains("no counted bin"), "{m}");
}

#[test]
fn a_unit_counted_then_sold_during_the_count_stays_matched_and_marked_moved() {
    let (db, c) = sale_swap();
    // RT1 was counted where it belongs; then it was sold while the count was open.
    db.run(doc(DocKind::Sale, "RT", &["RT1"], None, None));
    let m = db.m(c);
    let row = m
        .rec
        .matched
        .iter()
        .find(|r| r.serial.as_str() == "RT1")
        .unwrap_or_else(|| panic!("RT1 stays matched: {:?}", m.rec));
    assert!(row.moved, "marked as moved after its scan");
    assert!(m.rec.shortage.iter().all(|r| r.serial.as_str() != "RT1"));
    assert!(m.rec.surplus.iter().all(|r| r.serial.as_str() != "RT1"));
    // It is no surplus to fix: relocating it is refused, by kind and words, changing nothing.
    let before = db.snapshot();
    let relocate = ResolveAction::Relocate {
        serial: "RT1".into(),
    };
    assert_eq!(
        refusal_words(db.resolve(c, relocate)),
        "conflict: SN \"RT1\" was counted where it belongs (scan 1 at WH1/A/01): it is not a surplus"
    );
    assert_eq!(db.snapshot(), before);
    // A unit never counted and sold during the count is simply no longer expected.
    db.run(doc(DocKind::Sale, "RT", &["RT4"], None, None));
    let m = db.m(c);
    assert!(m.rec.shortage.iter().all(|r| r.serial.as_str() != "RT4"));
}

/// A shortage row says whether its unit moved since the count opened (a document on its
/// timeline since then), read from the unit's stock entry: a transfer within the scope marks
/// it, a unit left alone is not marked, and neither is one moved before the count opened.
#[test]
fn a_shortage_moved_within_scope_since_the_count_opened_is_marked() {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT1", "RT2", "RT3"],
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(
        DocKind::Transfer,
        "RT",
        &["RT3"],
        Some("WH1/A/01"),
        Some("WH1/A/02"),
    ));
    let c = db.open_count("WH1/A");
    db.run(doc(
        DocKind::Transfer,
        "RT",
        &["RT2"],
        Some("WH1/A/01"),
        Some("WH1/A/02"),
    ));
    let m = db.m(c);
    let mut short: Vec<_> = m
        .rec
        .shortage
        .iter()
        .map(|r| (r.serial.as_str(), m.moved_since_open.contains(&r.serial)))
        .collect();
    short.sort();
    assert_eq!(short, [("RT1", false), ("RT2", true), ("RT3", false)]);
}

/// `first_bin` received at WH1/A/01 and RT8 at WH1/A/02; a count of WH1/A/01 that scanned
/// RT1 and RT8 there.
fn rt8_found_in_the_first_bin(first_bin: &[&str]) -> (Db, CountId) {
    let db = db();
    db.run(doc(
        DocKind::Receipt,
        "RT",
        first_bin,
        None,
        Some("WH1/A/01"),
    ));
    db.run(doc(
        DocKind::Receipt,
        "RT",
        &["RT8"],
        None,
        Some("WH1/A/02"),
    ));
    let c = db.open_count("WH1/A/01");
    db.scan_all(c, "WH1/A/01", &["RT1", "RT8"]);
    (db, c)
}

/// A surplus scanned elsewhere and moved into the counted bin since is no surplus any more.
#[test]
fn a_surplus_moved_into_its_bin_since_its_scan_cannot_be_relocated_again() {
    let (db, c) = rt8_found_in_the_first_bin(&["RT1"]);
    // Someone transfers RT8 to where it was found, outside the count.
    db.run(doc(
        DocKind::Transfer,
        "RT",
        &["RT8"],
        Some("WH1/A/02"),
        Some("WH1/A/01"),
    ));
    let before = db.snapshot();
    let relocate = ResolveAction::Relocate {
        serial: "RT8".into(),
    };
    assert_eq!(
        refusal_words(db.resolve(c, relocate)),
        "conflict: SN \"RT8\" was counted where it belongs (scan 2 at WH1/A/01): it is not a surplus"
    );
    assert_eq!(db.snapshot(), before);
}

/// A serial two products share: the surplus is the unit of the product its label named, so
/// the other product's unit in the bin does not make it look counted.
#[test]
fn a_shared_serial_surplus_is_judged_by_the_product_its_label_named() {
    let db = db();
    db.run(doc(DocKind::Receipt, "RT", &["X1"], None, Some("WH1/A/02")));
    db.run(doc(
        DocKind::Receipt,
        "LAP",
        &["X1"],
        None,
        Some("WH1/A/01"),
    ));
    let c = db.open_count("WH1/A/01");
    db.scan_all(c, "WH1/A/01", &["(01)09506000134352(21)X1"]);
    let relocate = ResolveAction::Relocate {
        serial: "X1".into(),
    };
    db.resolve(c, relocate)
        .expect("the router is a surplus here");
    let routers: Vec<UnitState> = db
        .svc
        .lookup("X1")
        .unwrap()
        .into_iter()
        .map(|v| v.unit.state)
        .collect();
    assert!(
        routers.iter().all(|s| *s
            == UnitState::InStock {
                location: "WH1/A/01".into()
            }),
        "both units now in the counted bin: {routers:?}"
    );
}

/// A refusal's kind and words (a test of a refusal checks both, never only that it failed).
fn refusal_words(r: Result<tallyman::ops::Outcome, tallyman::ops::OpsError>) -> String {
    match r {
        Err(tallyman::ops::OpsError::Refused(r)) => format!("{}: {}", r.kind.as_str(), r.message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Replace is for a serial sold by mistake or never received; a found unit the books put in
/// another bin is refused with the way that fits it: relocate.
#[test]
fn replace_of_a_unit_in_stock_elsewhere_says_to_relocate_it() {
    let (db, c) = rt8_found_in_the_first_bin(&["RT1", "RT2"]);
    let before = db.snapshot();
    let words = match db.resolve(c, replace("RT8", "RT2")) {
        Err(OpsError::Refused(r)) => format!("{}: {}", r.kind.as_str(), r.message),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        words,
        "conflict: SN \"RT8\" is in stock at WH1/A/02: replace needs it sold on a sale (or never received); relocate it instead"
    );
    assert_eq!(db.snapshot(), before, "a refusal changes nothing");
}
