//! A lookup is one request: `Query::Find` answers the units with a serial and, when no unit
//! has it, the serial's live count scans, so the command line asks once for an unknown
//! serial that a counter found (it asked a second query before).

mod support;

use tallyman::ops::{Answer, Query};

#[test]
fn find_answers_the_units_or_the_count_scans_of_a_serial_no_unit_has() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    {
        let svc = support::open_service(&db);
        svc.execute(
            "setup",
            tallyman::ops::Command::Batch(support::parties_and_locations(&["WH1/A/01"])),
        )
        .unwrap();
        let count = support::open_count(&svc, "WH1/A", &[], false);
        svc.record_scan("clerk", count, "WH1/A/01", "ZZ-404")
            .unwrap();
        let find = |serial: &str| {
            svc.query(Query::Find {
                serial: serial.into(),
                date: None,
            })
            .unwrap()
        };
        let Answer::Found { units, scans } = find("ZZ-404") else {
            panic!("expected units and scans");
        };
        assert!(units.is_empty());
        assert_eq!(scans.len(), 1, "{scans:?}");
        assert_eq!(scans[0].scan.serial.as_str(), "ZZ-404");
        assert_eq!(scans[0].scan.counter, "clerk");
        let Answer::Found { units, scans } = find("NEVER-SEEN") else {
            panic!("expected units and scans");
        };
        assert!(units.is_empty() && scans.is_empty());
        svc.store().flush_all().unwrap();
    }
    // The command line says where it was counted, from the one answer.
    let out = support::cli::run(&db, "clerk", &["lookup", "ZZ-404"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", support::cli::stderr(&out));
    assert!(
        support::cli::stderr(&out).contains(
            "SN \"ZZ-404\" has no unit: never received, but counted in count 1 at WH1/A/01 (scan 1 by clerk); settle it with `tallyman count mismatches 1`"
        ),
        "{}",
        support::cli::stderr(&out)
    );
    let out = support::cli::run(&db, "clerk", &["lookup", "NEVER-SEEN"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        support::cli::stderr(&out)
            .contains("SN \"NEVER-SEEN\" is unknown: never received, sold or counted here"),
        "{}",
        support::cli::stderr(&out)
    );
}
