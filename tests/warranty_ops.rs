//! Warranty through `ops::Service`: the manufacturer coverage from the sale (or receipt),
//! activation, extended agreements by precedence, repair intake's warranty type, replacement
//! inheritance under each policy, replace serial number moving the coverage, and the reports.

use tallyman::domain::warranty::{
    CoverageKind, EndSource, GenericWarranty, ReplacementPolicy, StartBasis, Status,
};
use tallyman::domain::{Day, DocKind, Period, SerialFormat, UnitState};
use tallyman::ops::local::Service;
use tallyman::ops::{Command, Outcome, ResolveAction};

mod support;
use support::{day, FixedClock};

fn db() -> (tempfile::TempDir, Service) {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    let mut cmds = vec![
        support::product(
            "PH",
            SerialFormat::Plain,
            None,
            "phones",
            Some(Period::Months(24)),
        ),
        support::product("CB", SerialFormat::Plain, None, "cables", None),
    ];
    cmds.extend(support::parties_and_locations(&["WH1/A/01"]));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    (tmp, svc)
}

fn post(svc: &Service, kind: DocKind, sku: &str, serials: &[&str], date: Day) {
    let to = (kind == DocKind::Receipt).then_some("WH1/A/01");
    svc.execute(
        "clerk",
        support::doc(kind, sku, serials, None, to, Some(date)),
    )
    .unwrap();
}

fn unit(svc: &Service, serial: &str) -> tallyman::domain::Unit {
    svc.lookup(serial).unwrap().remove(0).unit
}

#[test]
fn manufacturer_coverage_runs_from_the_sale_or_the_receipt() {
    let (_t, svc) = db();
    post(
        &svc,
        DocKind::Receipt,
        "PH",
        &["P1", "P2"],
        day(2026, 1, 10),
    );
    post(&svc, DocKind::Sale, "PH", &["P1"], day(2026, 1, 31));
    let w = svc
        .warranty_of(&unit(&svc, "P1"), day(2026, 3, 15))
        .unwrap();
    let c = w.current.as_ref().unwrap();
    assert_eq!(
        (c.kind, c.start, c.end),
        (
            CoverageKind::Manufacturer,
            day(2026, 1, 31),
            day(2028, 1, 31)
        )
    );
    assert_eq!(c.end_source, EndSource::ProductPeriod);
    assert_eq!(w.status, Status::Active);
    // Unsold with a sale basis: no coverage yet.
    assert_eq!(
        svc.warranty_of(&unit(&svc, "P2"), day(2026, 3, 15))
            .unwrap()
            .status,
        Status::None
    );
    // Supplier warranty counts from the receipt.
    svc.execute(
        "s",
        Command::WarrantyTerms {
            sku: "PH".into(),
            basis: StartBasis::Receipt,
            policy: ReplacementPolicy::Remaining,
        },
    )
    .unwrap();
    let w = svc
        .warranty_of(&unit(&svc, "P2"), day(2026, 3, 15))
        .unwrap();
    assert_eq!(w.current.unwrap().start, day(2026, 1, 10));
    // Activation wins over the sale date, and never before the sale.
    let err = svc
        .execute(
            "s",
            Command::ActivateWarranty {
                serial: "P1".into(),
                date: Some(day(2026, 1, 1)),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("before the sale"), "{err}");
    svc.execute(
        "s",
        Command::WarrantyTerms {
            sku: "PH".into(),
            basis: StartBasis::Sale,
            policy: ReplacementPolicy::Remaining,
        },
    )
    .unwrap();
    svc.execute(
        "s",
        Command::ActivateWarranty {
            serial: "P1".into(),
            date: Some(day(2026, 2, 29 - 1)),
        },
    )
    .unwrap();
    let w = svc
        .warranty_of(&unit(&svc, "P1"), day(2026, 3, 15))
        .unwrap();
    assert_eq!(w.current.unwrap().start, day(2026, 2, 28));
    let err = svc
        .execute(
            "s",
            Command::ActivateWarranty {
                serial: "P2".into(),
                date: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("never sold"), "{err}");
}

#[test]
fn extended_agreements_follow_the_precedence() {
    let (_t, svc) = db();
    post(&svc, DocKind::Receipt, "PH", &["P1"], day(2026, 1, 10));
    post(&svc, DocKind::Receipt, "CB", &["C1"], day(2026, 1, 10));
    post(&svc, DocKind::Sale, "CB", &["C1"], day(2026, 1, 31));
    let extend = |serial: &str, duration, until| {
        svc.execute(
            "s",
            Command::ExtendWarranty {
                serial: serial.into(),
                duration,
                until,
                start: Some(day(2026, 3, 15)),
                tag: None,
                invoice: None,
                order: None,
            },
        )
    };
    extend("P1", Some(Period::Months(12)), Some(day(2026, 12, 31))).unwrap();
    extend("P1", Some(Period::Months(12)), None).unwrap();
    extend("P1", None, None).unwrap();
    extend("C1", None, None).unwrap();
    let p1 = unit(&svc, "P1");
    let got: Vec<(Day, EndSource)> = p1.coverages.iter().map(|c| (c.end, c.end_source)).collect();
    assert_eq!(
        got,
        vec![
            (day(2026, 12, 31), EndSource::Entered),
            (day(2027, 3, 15), EndSource::AgreementDuration),
            (day(2028, 3, 15), EndSource::ProductPeriod),
        ]
    );
    let c1 = unit(&svc, "C1");
    assert_eq!(
        c1.coverages[0].end_source,
        EndSource::SystemMaximum,
        "no period anywhere: the system maximum"
    );
    let numbers: Vec<String> = p1
        .coverages
        .iter()
        .filter_map(|c| c.agreement.clone())
        .collect();
    assert_eq!(numbers, ["AG-000001", "AG-000002", "AG-000003"]);
    let err = extend("P1", None, Some(day(2026, 1, 1))).unwrap_err();
    assert!(err.to_string().contains("2026-01-01"), "{err}");
}

#[test]
fn repair_intake_shows_the_warranty_type_on_the_day() {
    let (_t, svc) = db();
    post(&svc, DocKind::Receipt, "PH", &["P1"], day(2026, 1, 10));
    post(
        &svc,
        DocKind::Receipt,
        "CB",
        &["C1", "C2"],
        day(2026, 1, 10),
    );
    post(&svc, DocKind::Sale, "PH", &["P1"], day(2026, 1, 31));
    post(&svc, DocKind::Sale, "CB", &["C1", "C2"], day(2026, 1, 31));
    let intake = |serial: &str, service: Option<&str>| match svc
        .execute(
            "s",
            Command::RepairIntake {
                serial: serial.into(),
                service_type: service.map(str::to_string),
                note: "broken".into(),
            },
        )
        .unwrap()
    {
        Outcome::Noted(t) => t,
        other => panic!("{other:?}"),
    };
    assert!(intake("P1", None).contains("serialized"));
    assert!(intake("C1", None).contains("none"));
    svc.execute(
        "s",
        Command::AddGenericWarranty(GenericWarranty {
            category: Some("cables".into()),
            service_type: None,
            effective: day(2026, 1, 1),
            expiry: day(2026, 12, 31),
            force_generic: false,
        }),
    )
    .unwrap();
    assert!(intake("C2", None).contains("generic"));
    assert_eq!(unit(&svc, "P1").state, UnitState::InRepair);
    assert_eq!(
        refusal_words(svc.execute(
            "s",
            Command::RepairIntake {
                serial: "P1".into(),
                service_type: None,
                note: String::new()
            }
        )),
        "conflict: SN \"P1\" is in repair already"
    );
    svc.execute(
        "s",
        Command::RepairClose {
            serial: "P1".into(),
            to: None,
            note: "fixed".into(),
        },
    )
    .unwrap();
    assert!(
        matches!(unit(&svc, "P1").state, UnitState::Sold { .. }),
        "back to the customer"
    );
}

#[test]
fn replacement_inherits_by_policy() {
    for (policy, end) in [
        (ReplacementPolicy::Remaining, day(2028, 1, 31)),
        (ReplacementPolicy::Fresh, day(2028, 3, 15)),
        (ReplacementPolicy::LongerOfBoth, day(2028, 3, 15)),
    ] {
        let (_t, svc) = db();
        post(
            &svc,
            DocKind::Receipt,
            "PH",
            &["OLD", "NEW"],
            day(2026, 1, 10),
        );
        post(&svc, DocKind::Sale, "PH", &["OLD"], day(2026, 1, 31));
        svc.execute(
            "s",
            Command::WarrantyReplace {
                old: "OLD".into(),
                new: "NEW".into(),
                policy: Some(policy),
                note: "dead".into(),
            },
        )
        .unwrap();
        let new = unit(&svc, "NEW");
        assert!(
            matches!(new.state, UnitState::Sold { .. }),
            "{policy:?}: the customer has the new unit"
        );
        let w = svc.warranty_of(&new, day(2026, 3, 15)).unwrap();
        let c = w.current.unwrap();
        assert_eq!(
            (c.kind, c.end),
            (CoverageKind::Replacement, end),
            "{policy:?}"
        );
        assert_eq!(c.inherited_from.as_ref().map(|s| s.as_str()), Some("OLD"));
        let old = svc.lookup("OLD").unwrap().remove(0);
        assert!(matches!(old.unit.state, UnitState::Replaced { .. }));
        let was = svc.warranty_of(&old.unit, day(2026, 3, 15)).unwrap();
        assert_eq!(
            was.status,
            Status::None,
            "the old unit handed its coverage on"
        );
        assert_eq!(
            old.timeline.last().unwrap().entry.kind.name(),
            "replaced-by"
        );
        let err = svc
            .execute(
                "s",
                Command::WarrantyReplace {
                    old: "OLD".into(),
                    new: "NEW".into(),
                    policy: None,
                    note: String::new(),
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("replaced"), "{err}");
    }
}

#[test]
fn replace_serial_from_a_count_moves_the_coverage() {
    let (_t, svc) = db();
    post(
        &svc,
        DocKind::Receipt,
        "PH",
        &["S1", "X1"],
        day(2026, 1, 10),
    );
    post(&svc, DocKind::Sale, "PH", &["S1"], day(2026, 1, 31));
    svc.execute(
        "s",
        Command::ExtendWarranty {
            serial: "S1".into(),
            duration: Some(Period::Months(36)),
            until: None,
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
    )
    .unwrap();
    let c = support::open_count(&svc, "WH1/A/01", &[], true);
    svc.record_scan("clerk", c, "WH1/A/01", "S1").unwrap();
    svc.execute(
        "s",
        Command::Resolve {
            count: c,
            action: ResolveAction::Replace {
                found: "S1".into(),
                missing: "X1".into(),
            },
        },
    )
    .unwrap();
    let x1 = unit(&svc, "X1");
    assert_eq!(x1.coverages.len(), 1, "the extended agreement moved");
    assert_eq!(x1.coverages[0].serial.as_str(), "X1");
    let s1 = unit(&svc, "S1");
    assert!(s1.coverages.is_empty());
    assert_eq!(
        svc.warranty_of(&s1, day(2026, 3, 15)).unwrap().status,
        Status::None,
        "S1 was never sold"
    );
    assert_eq!(
        svc.warranty_of(&x1, day(2026, 3, 15)).unwrap().status,
        Status::Active
    );
    // The reports read from the indexes follow the move.
    let listed = |days: u32| -> Vec<String> {
        let customer = match unit(&svc, "Y1").state {
            UnitState::Sold { customer, .. } => Some(customer),
            _ => None,
        };
        let mut out: Vec<String> = svc
            .warranty_report(day(2026, 3, 15), days, None)
            .unwrap()
            .into_iter()
            .map(|r| format!("expiring {}", r.unit.serial))
            .collect();
        out.extend(
            svc.warranty_report(day(2026, 3, 15), 30, customer)
                .unwrap()
                .into_iter()
                .map(|r| format!("customer {}", r.unit.serial)),
        );
        out
    };
    // Another unit sold the same day to the same customer shares the resolution's index
    // lists; undo is not refused for it, and the lists keep it.
    post(&svc, DocKind::Receipt, "PH", &["Y1"], day(2026, 1, 10));
    post(&svc, DocKind::Sale, "PH", &["Y1"], day(2026, 1, 31));
    assert_eq!(
        listed(1200),
        ["expiring Y1", "expiring X1", "customer Y1", "customer X1"]
    );
    svc.execute(
        "s",
        Command::UndoResolution {
            count: c,
            number: 1,
        },
    )
    .unwrap();
    assert_eq!(
        listed(1200),
        ["expiring Y1", "expiring S1", "customer Y1", "customer S1"]
    );
    assert!(listed(600).iter().all(|l| l.starts_with("customer")));
}

#[test]
fn expiring_report_lists_units_ending_within_n_days() {
    let (_t, svc) = db();
    post(
        &svc,
        DocKind::Receipt,
        "PH",
        &["E1", "E2", "E3"],
        day(2024, 1, 10),
    );
    post(&svc, DocKind::Sale, "PH", &["E1"], day(2024, 3, 20)); // ends 2026-03-20: 5 days left
    post(&svc, DocKind::Sale, "PH", &["E2"], day(2024, 4, 14)); // ends 2026-04-14: 30 days left
    post(&svc, DocKind::Sale, "PH", &["E3"], day(2024, 3, 14)); // ended yesterday
    let rows = svc.warranty_report(day(2026, 3, 15), 30, None).unwrap();
    let got: Vec<(&str, Option<i64>, Status)> = rows
        .iter()
        .map(|r| {
            (
                r.unit.serial.as_str(),
                r.warranty.days_left,
                r.warranty.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("E1", Some(5), Status::ExpiringSoon),
            ("E2", Some(30), Status::ExpiringSoon)
        ]
    );
    let all = svc
        .warranty_report(day(2026, 3, 15), u32::MAX, None)
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(all
        .iter()
        .any(|r| r.unit.serial.as_str() == "E3" && r.warranty.status == Status::Expired));
}

/// A refusal's kind and words (a test of a refusal checks both, never only that it failed).
fn refusal_words(r: Result<tallyman::ops::Outcome, tallyman::ops::OpsError>) -> String {
    match r {
        Err(tallyman::ops::OpsError::Refused(r)) => format!("{}: {}", r.kind.as_str(), r.message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The expiring and customer reports read only the units the warranty indexes name; the
/// tracking report reads every unit. On many days and windows, through activations,
/// agreements, a return and resale, a replacement and a change of start basis, they agree.
#[test]
fn reports_read_from_the_indexes_agree_with_a_full_scan() {
    let (_t, svc) = db();
    indexed_reports_agree_with_a_full_scan(svc);
}

/// The same with the named units read on two threads (a big store's reports), the full scan
/// on one.
#[test]
fn reports_read_on_two_threads_agree_with_a_full_scan() {
    let (_t, svc) = db();
    indexed_reports_agree_with_a_full_scan(svc.with_report_threads_from(2));
}

fn indexed_reports_agree_with_a_full_scan(svc: Service) {
    use support::build;
    use tallyman::domain::PartyRole;
    svc.execute(
        "setup",
        Command::Batch(vec![
            build::party("Beta", PartyRole::Customer),
            build::new_product("TB")
                .warranty(Some(Period::Days(400)))
                .cmd(),
        ]),
    )
    .unwrap();
    let ph: Vec<String> = (0..30).map(|i| format!("S{i:02}")).collect();
    let tb: Vec<String> = (0..10).map(|i| format!("T{i:02}")).collect();
    let receive = |sku: &str, serials: &[String], date: Day| {
        let cmd = build::new_doc(DocKind::Receipt, sku)
            .serials(serials)
            .to(Some("WH1/A/01"))
            .date(Some(date))
            .cmd();
        svc.execute("clerk", cmd).unwrap();
    };
    let move_to = |kind: DocKind, sku: &str, serial: &str, customer: &str, date: Day| {
        let to = (kind == DocKind::Return).then_some("WH1/A/01");
        let cmd = build::new_doc(kind, sku)
            .serials(&[serial])
            .to(to)
            .date(Some(date))
            .reason(Some("test"))
            .parties("Supplier", customer)
            .cmd();
        svc.execute("clerk", cmd).unwrap();
    };
    receive("PH", &ph, day(2024, 1, 5));
    receive("PH", &["R01".to_string()], day(2024, 1, 5));
    receive("TB", &tb, day(2024, 1, 5));
    let plus = |d: Day, n: i32| Day(d.0 + n);
    for (i, s) in ph.iter().enumerate() {
        let customer = if i % 2 == 0 { "ACME" } else { "Beta" };
        move_to(
            DocKind::Sale,
            "PH",
            s,
            customer,
            plus(day(2024, 1, 10), i as i32 * 9),
        );
    }
    for (i, s) in tb.iter().enumerate().filter(|(i, _)| i % 3 != 2) {
        move_to(
            DocKind::Sale,
            "TB",
            s,
            "ACME",
            plus(day(2024, 2, 1), i as i32 * 20),
        );
    }
    let run = |cmd: Command| svc.execute("s", cmd).unwrap();
    run(Command::ActivateWarranty {
        serial: "S03".into(),
        date: Some(day(2024, 3, 1)),
    });
    for (serial, duration, until) in [
        ("S05", Some(Period::Months(12)), None),
        ("S06", None, Some(day(2027, 2, 10))),
    ] {
        run(Command::ExtendWarranty {
            serial: serial.into(),
            duration,
            until,
            start: Some(day(2025, 6, 1)),
            tag: None,
            invoice: None,
            order: None,
        });
    }
    move_to(DocKind::Return, "PH", "S07", "Beta", day(2024, 6, 1));
    move_to(DocKind::Sale, "PH", "S07", "ACME", day(2025, 2, 2));
    move_to(DocKind::Return, "PH", "S11", "Beta", day(2024, 9, 1));
    run(Command::WarrantyReplace {
        old: "S09".into(),
        new: "R01".into(),
        policy: Some(ReplacementPolicy::LongerOfBoth),
        note: "dead".into(),
    });
    run(Command::WarrantyTerms {
        sku: "TB".into(),
        basis: StartBasis::Receipt,
        policy: ReplacementPolicy::Remaining,
    });

    let rows = |date: Day, days: u32, customer| {
        svc.warranty_report(date, days, customer)
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.unit.serial.as_str().to_string(),
                    r.unit.state,
                    r.warranty.days_left,
                )
            })
            .collect::<Vec<_>>()
    };
    let customers: Vec<_> = rows(day(2026, 3, 15), u32::MAX, None)
        .into_iter()
        .filter_map(|(_, state, _)| match state {
            UnitState::Sold { customer, .. } => Some(customer),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(customers.len(), 2, "both customers hold units");
    let mut listed = 0;
    for step in 0..60 {
        let date = plus(day(2025, 1, 1), step * 23);
        let all = rows(date, u32::MAX, None);
        assert_eq!(
            all.len(),
            30 + 7 - 1,
            "sold units, S11 returned, S09 replaced by R01"
        );
        for days in [0, 1, 30, 400] {
            let want: Vec<_> = all
                .iter()
                .filter(|(_, _, left)| left.is_some_and(|d| d >= 0 && d <= i64::from(days)))
                .cloned()
                .collect();
            listed += want.len();
            assert_eq!(rows(date, days, None), want, "{date}, {days} days");
        }
        for c in &customers {
            let want: Vec<_> = all
                .iter()
                .filter(|(_, state, _)| matches!(state, UnitState::Sold { customer, .. } if customer == c))
                .cloned()
                .collect();
            assert_eq!(rows(date, 30, Some(*c)), want, "{date}, customer {c:?}");
        }
    }
    assert!(listed > 300, "the windows list units: {listed}");
}
