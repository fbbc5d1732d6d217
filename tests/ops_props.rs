//! Property tests of the service against a small model: random sequences of receipts, sales,
//! returns, transfers and write-offs (single commands and batches) over a small serial pool,
//! for a strict and a soft product and a quantity-only one.
//!
//! After every step: the service accepted exactly what the model accepts; a refusal changed
//! nothing; every unit is in the state the model says; a unit is listed in the stock index iff
//! it is in stock, at its location. After the sequence: `maintenance::check` finds the journal
//! chain intact and a replay equal to the store.

mod support;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::lock::retry;
use support::FixedClock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use tallyman::domain::{
    DocKind, Location, Mode, PartyRole, SerialFormat, SerialKey, Tracking, UnitState,
};
use tallyman::ops::local::{maintenance, Service};
use tallyman::ops::{Command, DocRequest, LineRequest, NewParty, NewProduct, OpsError};

/// Product 0 is strict in every flow, product 1 soft; `QTY` has no serials.
const SKUS: [&str; 2] = ["STRICT", "SOFT"];
const QTY: &str = "QTY";
const SERIALS: [&str; 5] = ["A1", "B2", "C3", "D4", "E5"];
const CUSTOMERS: [&str; 2] = ["ACME", "Globex"];
/// Leaf locations (targets) and scopes (sources: leaves plus a parent).
const LOCS: [&str; 3] = ["WH1/A", "WH1/B", "WH2"];
const SCOPES: [&str; 4] = ["WH1/A", "WH1/B", "WH2", "WH1"];

#[derive(Debug, Clone)]
enum Op {
    Receive {
        p: usize,
        serials: Vec<usize>,
        to: usize,
        reason: bool,
    },
    Sell {
        p: usize,
        serials: Vec<usize>,
        customer: usize,
        from: Option<usize>,
        reason: bool,
    },
    Return {
        p: usize,
        serials: Vec<usize>,
        customer: usize,
        to: usize,
        reason: bool,
    },
    Transfer {
        p: usize,
        serials: Vec<usize>,
        from: usize,
        to: usize,
        reason: bool,
    },
    WriteOff {
        p: usize,
        serials: Vec<usize>,
        from: Option<usize>,
    },
    QtyReceive {
        to: usize,
        n: u32,
    },
    QtySell {
        from: usize,
        n: u32,
    },
    QtyTransfer {
        from: usize,
        to: usize,
        n: u32,
    },
}

#[derive(Debug, Clone)]
enum Step {
    One(Op),
    Batch(Vec<Op>),
}

fn serials() -> impl Strategy<Value = Vec<usize>> {
    // Duplicates are possible on purpose (a document with a serial twice is refused).
    prop::collection::vec(0..SERIALS.len(), 1..=3)
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..SKUS.len();
    prop_oneof![
        4 => (p.clone(), serials(), 0..LOCS.len(), any::<bool>())
            .prop_map(|(p, serials, to, reason)| Op::Receive { p, serials, to, reason }),
        3 => (p.clone(), serials(), 0..CUSTOMERS.len(), prop::option::of(0..SCOPES.len()), any::<bool>())
            .prop_map(|(p, serials, customer, from, reason)| Op::Sell { p, serials, customer, from, reason }),
        2 => (p.clone(), serials(), 0..CUSTOMERS.len(), 0..LOCS.len(), any::<bool>())
            .prop_map(|(p, serials, customer, to, reason)| Op::Return { p, serials, customer, to, reason }),
        2 => (p.clone(), serials(), 0..SCOPES.len(), 0..LOCS.len(), any::<bool>())
            .prop_map(|(p, serials, from, to, reason)| Op::Transfer { p, serials, from, to, reason }),
        1 => (p, serials(), prop::option::of(0..SCOPES.len()))
            .prop_map(|(p, serials, from)| Op::WriteOff { p, serials, from }),
        1 => (0..LOCS.len(), 1..5u32).prop_map(|(to, n)| Op::QtyReceive { to, n }),
        1 => (0..SCOPES.len(), 1..5u32).prop_map(|(from, n)| Op::QtySell { from, n }),
        1 => (0..SCOPES.len(), 0..LOCS.len(), 1..5u32)
            .prop_map(|(from, to, n)| Op::QtyTransfer { from, to, n }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => op().prop_map(Step::One),
        1 => prop::collection::vec(op(), 2..=3).prop_map(Step::Batch),
    ]
}

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone, PartialEq, Eq)]
enum MState {
    InStock(String),
    Sold(usize),
    WrittenOff,
}

#[derive(Debug, Clone, Default)]
struct Model {
    units: BTreeMap<(usize, usize), MState>,
    qty: BTreeMap<String, i64>,
}

fn at_source(state: Option<&MState>, from: Option<&str>) -> bool {
    match (state, from) {
        (Some(MState::InStock(loc)), Some(from)) => Location::within(loc, from),
        (Some(MState::InStock(_)), None) => true,
        _ => false,
    }
}

impl Model {
    /// Applies an op if the service should accept it; false (and no change) if not.
    fn apply(&mut self, op: &Op) -> bool {
        let (p, serials, reason, from_to_same) = match op {
            Op::Receive {
                p, serials, reason, ..
            }
            | Op::Sell {
                p, serials, reason, ..
            }
            | Op::Return {
                p, serials, reason, ..
            } => (*p, serials, *reason, false),
            Op::Transfer {
                p,
                serials,
                reason,
                from,
                to,
            } => (*p, serials, *reason, SCOPES[*from] == LOCS[*to]),
            // A write-off always has a reason, which also accepts soft-mode problems.
            Op::WriteOff { p, serials, .. } => (*p, serials, true, false),
            Op::QtyReceive { to, n } => {
                *self.qty.entry(LOCS[*to].to_string()).or_default() += i64::from(*n);
                return true;
            }
            Op::QtySell { from, n } => {
                let have = self.qty.get(SCOPES[*from]).copied().unwrap_or(0);
                if have < i64::from(*n) {
                    return false;
                }
                *self.qty.get_mut(SCOPES[*from]).unwrap() -= i64::from(*n);
                return true;
            }
            Op::QtyTransfer { from, to, n } => {
                let have = self.qty.get(SCOPES[*from]).copied().unwrap_or(0);
                if SCOPES[*from] == LOCS[*to] || have < i64::from(*n) {
                    return false;
                }
                *self.qty.get_mut(SCOPES[*from]).unwrap() -= i64::from(*n);
                *self.qty.entry(LOCS[*to].to_string()).or_default() += i64::from(*n);
                return true;
            }
        };
        if from_to_same {
            return false;
        }
        let distinct: BTreeSet<usize> = serials.iter().copied().collect();
        if distinct.len() != serials.len() {
            return false;
        }
        let soft = p == 1;
        for s in serials {
            let state = self.units.get(&(p, *s));
            let problem = match op {
                Op::Receive { .. } => {
                    matches!(state, Some(MState::InStock(_)) | Some(MState::Sold(_)))
                }
                Op::Sell { from, .. } => !at_source(state, from.map(|f| SCOPES[f])),
                Op::Return { customer, .. } => state != Some(&MState::Sold(*customer)),
                Op::Transfer { from, .. } => !at_source(state, Some(SCOPES[*from])),
                Op::WriteOff { from, .. } => !at_source(state, from.map(|f| SCOPES[f])),
                _ => unreachable!(),
            };
            if problem && !(soft && reason) {
                return false;
            }
        }
        for s in serials {
            let after = match op {
                Op::Receive { to, .. } | Op::Return { to, .. } | Op::Transfer { to, .. } => {
                    MState::InStock(LOCS[*to].to_string())
                }
                Op::Sell { customer, .. } => MState::Sold(*customer),
                Op::WriteOff { .. } => MState::WrittenOff,
                _ => unreachable!(),
            };
            self.units.insert((p, *s), after);
        }
        true
    }
}

// ---------------------------------------------------------------- the service side

fn request(op: &Op) -> DocRequest {
    let blank = DocRequest {
        kind: DocKind::Receipt,
        date: None,
        party: None,
        invoice: None,
        from: None,
        to: None,
        reason: None,
        declared_qty: None,
        lines: Vec::new(),
    };
    let serial_lines = |p: usize, serials: &[usize]| -> Vec<LineRequest> {
        serials
            .iter()
            .map(|s| LineRequest {
                sku: SKUS[p].into(),
                serial: Some(SERIALS[*s].into()),
                qty: 1,
                amount: None,
            })
            .collect()
    };
    let qty_lines = |n: u32| {
        vec![LineRequest {
            sku: QTY.into(),
            serial: None,
            qty: n,
            amount: None,
        }]
    };
    let why = |reason: bool| reason.then(|| "clerk says so".to_string());
    match op {
        Op::Receive {
            p,
            serials,
            to,
            reason,
        } => DocRequest {
            party: Some("Northwind".into()),
            invoice: Some("INV".into()),
            to: Some(LOCS[*to].into()),
            reason: why(*reason),
            lines: serial_lines(*p, serials),
            ..blank
        },
        Op::Sell {
            p,
            serials,
            customer,
            from,
            reason,
        } => DocRequest {
            kind: DocKind::Sale,
            party: Some(CUSTOMERS[*customer].into()),
            invoice: Some("SI".into()),
            from: from.map(|f| SCOPES[f].to_string()),
            reason: why(*reason),
            lines: serial_lines(*p, serials),
            ..blank
        },
        Op::Return {
            p,
            serials,
            customer,
            to,
            reason,
        } => DocRequest {
            kind: DocKind::Return,
            party: Some(CUSTOMERS[*customer].into()),
            to: Some(LOCS[*to].into()),
            reason: why(*reason),
            lines: serial_lines(*p, serials),
            ..blank
        },
        Op::Transfer {
            p,
            serials,
            from,
            to,
            reason,
        } => DocRequest {
            kind: DocKind::Transfer,
            from: Some(SCOPES[*from].into()),
            to: Some(LOCS[*to].into()),
            reason: why(*reason),
            lines: serial_lines(*p, serials),
            ..blank
        },
        Op::WriteOff { p, serials, from } => DocRequest {
            kind: DocKind::WriteOff,
            from: from.map(|f| SCOPES[f].to_string()),
            reason: Some("broken".into()),
            lines: serial_lines(*p, serials),
            ..blank
        },
        Op::QtyReceive { to, n } => DocRequest {
            party: Some("Northwind".into()),
            invoice: Some("INV".into()),
            to: Some(LOCS[*to].into()),
            lines: qty_lines(*n),
            ..blank
        },
        Op::QtySell { from, n } => DocRequest {
            kind: DocKind::Sale,
            party: Some(CUSTOMERS[0].into()),
            invoice: Some("SI".into()),
            from: Some(SCOPES[*from].into()),
            lines: qty_lines(*n),
            ..blank
        },
        Op::QtyTransfer { from, to, n } => DocRequest {
            kind: DocKind::Transfer,
            from: Some(SCOPES[*from].into()),
            to: Some(LOCS[*to].into()),
            lines: qty_lines(*n),
            ..blank
        },
    }
}

fn setup(svc: &Service) {
    let mut cmds = Vec::new();
    for (name, role) in [
        ("Northwind", PartyRole::Supplier),
        ("ACME", PartyRole::Customer),
        ("Globex", PartyRole::Customer),
    ] {
        cmds.push(Command::AddParty(NewParty {
            name: name.into(),
            role,
            bill_to: String::new(),
            ship_to: String::new(),
        }));
    }
    for code in LOCS {
        cmds.push(Command::AddLocation {
            code: code.into(),
            name: String::new(),
        });
    }
    for (sku, mode) in [
        (SKUS[0], Mode::Strict),
        (SKUS[1], Mode::Soft),
        (QTY, Mode::None),
    ] {
        cmds.push(Command::AddProduct(NewProduct {
            sku: sku.into(),
            name: sku.into(),
            gtin: None,
            category: String::new(),
            tracking: Tracking::all(mode),
            serial_format: SerialFormat::Plain,
            warranty: None,
            fold_case: true,
        }));
    }
    svc.execute("setup", Command::Batch(cmds)).expect("setup");
}

fn entries(svc: &Service) -> Vec<(Vec<u8>, Vec<u8>)> {
    svc.store()
        .entries()
        .unwrap()
        .map(|r| {
            let (k, v) = r.unwrap();
            (k.to_vec(), v.to_vec())
        })
        .collect()
}

/// Compares every unit, the stock index and the quantities with the model.
fn compare(svc: &Service, model: &Model, history: &[Step]) -> Result<(), TestCaseError> {
    let store = svc.store();
    let customers: Vec<_> = CUSTOMERS
        .iter()
        .map(|c| store.party_by_name(c).unwrap().unwrap().id)
        .collect();
    let mut expected_stock = BTreeSet::new();
    for (p, sku) in SKUS.iter().enumerate() {
        let product = store.product_by_sku(sku).unwrap().unwrap();
        for (s, serial) in SERIALS.iter().enumerate() {
            let key = SerialKey::normalize(serial, true).unwrap();
            let unit = store.unit(product.id, &key).unwrap();
            let want = model.units.get(&(p, s));
            let ok = match (&unit, want) {
                (None, None) => true,
                (Some(u), Some(MState::InStock(loc))) => {
                    u.state
                        == UnitState::InStock {
                            location: loc.clone(),
                        }
                }
                (Some(u), Some(MState::Sold(c))) => matches!(
                    &u.state,
                    UnitState::Sold { customer, .. } if *customer == customers[*c]
                ),
                (Some(u), Some(MState::WrittenOff)) => u.state == UnitState::WrittenOff,
                _ => false,
            };
            prop_assert!(
                ok,
                "unit {} {}: store has {:?}, model has {:?}\nafter {:#?}",
                sku,
                serial,
                unit.map(|u| u.state),
                want,
                history
            );
            if let Some(MState::InStock(loc)) = want {
                expected_stock.insert((loc.clone(), product.id, key.clone()));
            }
            // The timeline has one line per accepted document that named the unit: at least
            // one when the unit exists, none otherwise.
            let lines = store.history(product.id, &key).unwrap().len();
            prop_assert_eq!(lines == 0, want.is_none());
        }
    }
    let stock_rows = store.stock(None).unwrap();
    let actual: BTreeSet<_> = stock_rows
        .iter()
        .map(|r| (r.location.clone(), r.product, r.serial.clone()))
        .collect();
    prop_assert_eq!(actual.len(), stock_rows.len(), "duplicate stock rows");
    prop_assert_eq!(
        &actual,
        &expected_stock,
        "stock index differs from unit states"
    );

    let qty_id = store.product_by_sku(QTY).unwrap().unwrap().id;
    let qty: BTreeMap<String, i64> = store
        .quantities(None)
        .unwrap()
        .into_iter()
        .map(|r| {
            assert_eq!(r.product, qty_id);
            (r.location, r.qty)
        })
        .collect();
    let want: BTreeMap<String, i64> = model
        .qty
        .iter()
        .filter(|(_, q)| **q != 0)
        .map(|(l, q)| (l.clone(), *q))
        .collect();
    prop_assert_eq!(qty, want);
    Ok(())
}

fn run(dir: &Path, steps: &[Step]) -> Result<(), TestCaseError> {
    let (svc, _) = Service::open_with_clock(dir, Box::new(FixedClock)).unwrap();
    setup(&svc);
    let mut model = Model::default();
    let mut accepted_entries = 1u64;
    for (i, step) in steps.iter().enumerate() {
        let (cmd, expect) = match step {
            Step::One(op) => (Command::Post(request(op)), model.apply(op)),
            Step::Batch(ops) => {
                let mut trial = model.clone();
                let all = ops.iter().all(|op| trial.apply(op));
                if all {
                    model = trial;
                }
                (
                    Command::Batch(ops.iter().map(|op| Command::Post(request(op))).collect()),
                    all,
                )
            }
        };
        let before = entries(&svc);
        let result = svc.execute("prop", cmd);
        match (&result, expect) {
            (Ok(_), true) => accepted_entries += 1,
            (Err(OpsError::Refused(_) | OpsError::Rejected(_)), false) => {
                prop_assert!(before == entries(&svc), "a refusal changed the store");
            }
            _ => prop_assert!(
                false,
                "step {}: service said {:?}, model expected {}\nsteps: {:#?}",
                i,
                result,
                if expect { "acceptance" } else { "refusal" },
                &steps[..=i]
            ),
        }
        prop_assert_eq!(svc.store().meta().unwrap().applied_seq, accepted_entries);
        compare(&svc, &model, &steps[..=i])?;
    }
    drop(svc);
    let report = retry(|| maintenance::check(dir, &[], &Default::default())).unwrap();
    prop_assert!(report.problems.is_empty(), "check: {:?}", report.problems);
    prop_assert_eq!(report.entries, accepted_entries);
    Ok(())
}

proptest! {
    // A failing case is shrunk and kept in tests/ops_props.proptest-regressions (commit it:
    // it runs first every time after).
    #![proptest_config(Config {
        cases: 64,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::SourceParallel("proptest-regressions"),
        )),
        ..Config::default()
    })]

    #[test]
    fn random_postings_keep_units_stock_and_journal_consistent(
        steps in prop::collection::vec(step(), 1..30)
    ) {
        let tmp = tempfile::tempdir().unwrap();
        run(&tmp.path().join("db"), &steps)?;
    }
}

/// A fixed sequence through every flow, so the property's machinery is known to work even if
/// the random cases happen to refuse a lot.
#[test]
fn a_known_sequence_matches_the_model() {
    let steps = vec![
        Step::One(Op::Receive {
            p: 0,
            serials: vec![0, 1, 2],
            to: 0,
            reason: false,
        }),
        Step::One(Op::Receive {
            p: 1,
            serials: vec![0, 1],
            to: 1,
            reason: false,
        }),
        Step::One(Op::Sell {
            p: 0,
            serials: vec![0],
            customer: 0,
            from: Some(3),
            reason: false,
        }),
        Step::One(Op::Return {
            p: 0,
            serials: vec![0],
            customer: 1,
            to: 2,
            reason: true,
        }),
        Step::One(Op::Return {
            p: 0,
            serials: vec![0],
            customer: 0,
            to: 2,
            reason: false,
        }),
        Step::One(Op::Transfer {
            p: 0,
            serials: vec![1],
            from: 0,
            to: 2,
            reason: false,
        }),
        Step::One(Op::Transfer {
            p: 1,
            serials: vec![0],
            from: 2,
            to: 0,
            reason: true,
        }),
        Step::One(Op::WriteOff {
            p: 0,
            serials: vec![2],
            from: Some(2),
        }),
        Step::One(Op::WriteOff {
            p: 0,
            serials: vec![2],
            from: None,
        }),
        Step::One(Op::Receive {
            p: 0,
            serials: vec![2],
            to: 1,
            reason: false,
        }),
        Step::One(Op::Sell {
            p: 1,
            serials: vec![4],
            customer: 1,
            from: None,
            reason: true,
        }),
        Step::One(Op::QtyReceive { to: 0, n: 4 }),
        Step::One(Op::QtySell { from: 0, n: 5 }),
        Step::Batch(vec![
            Op::QtySell { from: 0, n: 3 },
            Op::QtyTransfer {
                from: 0,
                to: 2,
                n: 1,
            },
        ]),
        Step::Batch(vec![
            Op::Receive {
                p: 0,
                serials: vec![3],
                to: 0,
                reason: false,
            },
            Op::Receive {
                p: 0,
                serials: vec![3],
                to: 1,
                reason: false,
            },
        ]),
        Step::Batch(vec![
            Op::Receive {
                p: 0,
                serials: vec![3],
                to: 0,
                reason: false,
            },
            Op::Sell {
                p: 0,
                serials: vec![3],
                customer: 1,
                from: Some(0),
                reason: false,
            },
        ]),
    ];
    let mut model = Model::default();
    let accepted: Vec<bool> = steps
        .iter()
        .map(|s| match s {
            Step::One(op) => model.apply(op),
            Step::Batch(ops) => {
                let mut trial = model.clone();
                let all = ops.iter().all(|op| trial.apply(op));
                if all {
                    model = trial;
                }
                all
            }
        })
        .collect();
    assert_eq!(
        accepted,
        [
            true, true, true, false, true, true, true, false, true, true, true, true, false, true,
            false, true
        ]
    );
    let tmp = tempfile::tempdir().unwrap();
    run(&tmp.path().join("db"), &steps).unwrap();
}
