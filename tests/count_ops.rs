//! Counting through `ops::Service`: every scan answer, blind vs open counting, undo, state
//! transitions and what each state refuses, and many counters scanning at once.

use std::collections::HashSet;
use std::sync::Arc;
use tallyman::domain::{
    CountId, CountStatus, DocKind, ScanVerdict, SerialFormat, SerialKey, Unexpected,
};
use tallyman::ops::local::Service;
use tallyman::ops::{Command, OpsError, Outcome};

mod support;
use support::{assert_replay_equals_state, FixedClock};

fn product(sku: &str, format: SerialFormat, gtin: Option<&str>, category: &str) -> Command {
    support::product(sku, format, gtin, category, None)
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

const ROUTER_GTIN: &str = "09506000134352";
const IMEI_A: &str = "490154203237518";

struct Db {
    _tmp: tempfile::TempDir,
    svc: Service,
}

/// Routers RT1-RT5 at WH1/A/01, RT6 at WH1/A/02, RT7 sold, RT8 written off, RT9 at WH2;
/// a phone at WH1/A/01; a quantity-only product.
fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    let mut cmds = vec![
        product(
            "RT",
            SerialFormat::Regex("RT[0-9]+".into()),
            Some(ROUTER_GTIN),
            "network",
        ),
        product("PH", SerialFormat::Imei, None, "phones"),
    ];
    cmds.extend(support::parties_and_locations(&[
        "WH1/A/01", "WH1/A/02", "WH2/A/01",
    ]));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    for c in [
        doc(
            DocKind::Receipt,
            "RT",
            &["RT1", "RT2", "RT3", "RT4", "RT5", "RT7", "RT8"],
            None,
            Some("WH1/A/01"),
        ),
        doc(DocKind::Receipt, "RT", &["RT6"], None, Some("WH1/A/02")),
        doc(DocKind::Receipt, "RT", &["RT9"], None, Some("WH2/A/01")),
        doc(DocKind::Receipt, "PH", &[IMEI_A], None, Some("WH1/A/01")),
        doc(DocKind::Sale, "RT", &["RT7"], None, None),
        doc(DocKind::WriteOff, "RT", &["RT8"], None, None),
    ] {
        svc.execute("setup", c).unwrap();
    }
    Db { _tmp: tmp, svc }
}

impl Db {
    fn open_count(&self, skus: &[&str], blind: bool) -> CountId {
        support::open_count(&self.svc, "WH1/A", skus, blind)
    }

    fn scan(
        &self,
        who: &str,
        count: CountId,
        at: &str,
        raw: &str,
    ) -> Result<tallyman::ops::ScanReport, OpsError> {
        self.svc.record_scan(who, count, at, raw)
    }

    fn verdict(&self, count: CountId, at: &str, raw: &str) -> ScanVerdict {
        self.scan("clerk1", count, at, raw).unwrap().scan.verdict
    }

    fn refused(&self, count: CountId, at: &str, raw: &str) -> String {
        let before = self.svc.store().count(count).unwrap().unwrap();
        let err = self
            .scan("clerk1", count, at, raw)
            .expect_err("the scan must be refused");
        assert!(
            err.refusal()
                .is_some_and(|r| r.kind != tallyman::ops::RefusalKind::NotPermitted),
            "{err}"
        );
        let after = self.svc.store().count(count).unwrap().unwrap();
        assert_eq!(before, after, "a refused scan recorded something");
        // The kind says "bad scan", never the words.
        match &err {
            OpsError::Refused(r) if r.kind == tallyman::ops::RefusalKind::BadScan => {
                format!("bad scan: {}", r.message)
            }
            _ => err.to_string(),
        }
    }

    fn status(&self, count: CountId) -> CountStatus {
        self.svc.store().count(count).unwrap().unwrap().status
    }

    fn mv(&self, count: CountId, status: CountStatus) -> Result<Outcome, OpsError> {
        self.svc
            .execute("super", Command::MoveCount { count, status })
    }
}

#[test]
fn every_scan_answer() {
    let db = db();
    let c = db.open_count(&[], true);
    let here = "WH1/A/01";
    assert_eq!(db.verdict(c, here, "RT1"), ScanVerdict::Counted);
    // Case folding: a lower-case scan is the same serial.
    assert_eq!(
        db.verdict(c, here, "rt1"),
        ScanVerdict::Duplicate { first: 1 }
    );
    let dup = db.scan("clerk2", c, "WH1/A/02", "RT1").unwrap();
    assert_eq!(
        dup.first
            .as_ref()
            .map(|f| (f.counter.as_str(), f.location.as_str())),
        Some(("clerk1", here))
    );
    assert_eq!(
        db.verdict(c, here, "RT6"),
        ScanVerdict::Unexpected(Unexpected::Elsewhere {
            location: "WH1/A/02".into()
        })
    );
    assert!(matches!(
        db.verdict(c, here, "RT7"),
        ScanVerdict::Unexpected(Unexpected::Sold { .. })
    ));
    assert_eq!(
        db.verdict(c, here, "RT8"),
        ScanVerdict::Unexpected(Unexpected::WrittenOff)
    );
    assert_eq!(
        db.verdict(c, here, "RT9"),
        ScanVerdict::Unexpected(Unexpected::Elsewhere {
            location: "WH2/A/01".into()
        })
    );
    assert_eq!(db.verdict(c, here, "RT404"), ScanVerdict::Unknown);
    // GS1 label: the serial from (21), the product from (01).
    let gs1 = format!("(01){ROUTER_GTIN}(21)RT2");
    assert_eq!(db.verdict(c, here, &gs1), ScanVerdict::Counted);
    let aim = format!("]C101{ROUTER_GTIN}21RT3");
    assert_eq!(db.verdict(c, here, &aim), ScanVerdict::Counted);
    // The phone's IMEI, checked.
    assert_eq!(db.verdict(c, here, IMEI_A), ScanVerdict::Counted);
    let words = tallyman::ops::scan_words(&db.scan("clerk1", c, here, "RT4").unwrap(), &|_| {
        "ACME".into()
    });
    assert_eq!((words.ok, words.headline.as_str()), (true, "COUNTED"));
}

#[test]
fn bad_scans_record_nothing() {
    let db = db();
    let c = db.open_count(&[], true);
    let here = "WH1/A/01";
    // An IMEI with a wrong check digit while phones are counted.
    let m = db.refused(c, here, "490154203237516");
    assert!(
        m.contains("bad scan") && m.contains("\"490154203237516\""),
        "{m}"
    );
    // A GS1 label with a wrong GTIN check digit.
    let m = db.refused(c, here, "(01)09506000134353(21)RT1");
    assert!(m.contains("bad scan"), "{m}");
    // A serial of a known product that fails its format.
    let m = db.refused(c, here, &format!("(01){ROUTER_GTIN}(21)XX1"));
    assert!(m.contains("bad scan") && m.contains("XX1"), "{m}");
    // Outside the scope, and a location that does not exist.
    let m = db.refused(c, "WH2/A/01", "RT9");
    assert!(m.contains("outside"), "{m}");
    let m = db.refused(c, "WH9", "RT1");
    assert!(m.contains("\"WH9\""), "{m}");
}

#[test]
fn other_products_are_not_counted_here() {
    let db = db();
    let c = db.open_count(&["RT"], true);
    assert_eq!(
        db.verdict(c, "WH1/A/01", IMEI_A),
        ScanVerdict::Unexpected(Unexpected::OtherProduct { sku: "PH".into() })
    );
    // A router label on a phone's serial is a wrong label or a misread: refused, not counted.
    let c2 = db.open_count(&["RT"], true);
    assert_eq!(
        db.refused(c2, "WH1/A/01", &format!("(01){ROUTER_GTIN}(21){IMEI_A}")),
        format!("bad scan: label is RT, SN \"{IMEI_A}\" is product PH: rescan")
    );
}

#[test]
fn a_serial_holds_only_the_sites_characters() {
    let db = db();
    let c = db.open_count(&[], true);
    assert_eq!(
        db.refused(c, "WH1/A/01", "#$%garbage!!"),
        "bad scan: SN \"#$%garbage!!\" has \"#\", no serial character: rescan"
    );
    assert_eq!(
        db.refused(c, "WH1/A/01", "RT 1"),
        "bad scan: SN \"RT 1\" has \" \", no serial character: rescan"
    );
    // Digits that only look like GS1 (an all-zero GTIN) stay one plain serial, judged whole
    // (here against the products' formats), never as serial "12".
    assert_eq!(
        db.refused(c, "WH1/A/01", "01000000000000002112"),
        "bad scan: \"01000000000000002112\" fits the serial format of no product in this count: rescan"
    );
}

#[test]
fn blind_and_open_counting_figures() {
    let db = db();
    let blind = db.open_count(&[], true);
    let r = db.scan("clerk1", blind, "WH1/A/01", "RT1").unwrap();
    let f = r.figures.unwrap();
    assert_eq!((f.here, f.total, f.expected_here), (1, 1, None));
    let open = db.open_count(&["RT"], false);
    db.scan("clerk1", open, "WH1/A/01", "RT1").unwrap();
    let f = db
        .scan("clerk1", open, "WH1/A/01", "RT2")
        .unwrap()
        .figures
        .unwrap();
    // RT1-RT5 are in stock at WH1/A/01 (RT7 sold, RT8 written off, the phone out of scope).
    assert_eq!((f.here, f.total, f.expected_here), (2, 2, Some(5)));
    let f = db
        .scan("clerk1", open, "WH1/A/02", "RT6")
        .unwrap()
        .figures
        .unwrap();
    assert_eq!((f.here, f.total, f.expected_here), (1, 3, Some(1)));
}

#[test]
fn here_counts_only_what_belongs_here_and_the_rest_apart() {
    let db = db();
    let c = db.open_count(&["RT"], false);
    let figures = |raw: &str| {
        let f = db
            .scan("clerk1", c, "WH1/A/01", raw)
            .unwrap()
            .figures
            .unwrap();
        (
            f.here,
            f.unexpected_here,
            f.unknown_here,
            f.expected_here,
            f.total,
        )
    };
    // RT1-RT5 belong at WH1/A/01; RT5 is missing from the bin.
    for s in ["RT1", "RT2", "RT3", "RT4"] {
        figures(s);
    }
    // A unit of the next bin, a sold one and an unknown serial found here: the bin is not
    // complete, and the three are counted apart.
    assert_eq!(figures("RT6"), (4, 1, 0, Some(5), 5));
    assert_eq!(figures("RT7"), (4, 2, 0, Some(5), 6));
    assert_eq!(figures("RT12345"), (4, 2, 1, Some(5), 7));
    // A duplicate is in no figure; an undo takes its own figure back.
    assert_eq!(figures("RT6"), (4, 2, 1, Some(5), 7));
    let undo = || match db.svc.execute(
        "clerk1",
        Command::UndoLastScan {
            count: c,
            location: Some("WH1/A/01".into()),
        },
    ) {
        Ok(tallyman::ops::Outcome::ScanUndone {
            figures: Some(f), ..
        }) => (f.here, f.unexpected_here, f.unknown_here, f.total),
        other => panic!("expected an undo with figures, got {other:?}"),
    };
    assert_eq!(
        undo(),
        (4, 2, 1, 7),
        "undoing the duplicate changes no figure"
    );
    assert_eq!(undo(), (4, 2, 0, 6), "undoing the unknown serial");
}

#[test]
fn undo_takes_back_only_the_counters_own_last_scan() {
    let db = db();
    let c = db.open_count(&[], true);
    db.scan("clerk1", c, "WH1/A/01", "RT1").unwrap();
    db.scan("clerk2", c, "WH1/A/01", "RT2").unwrap();
    let undone = match db
        .svc
        .execute(
            "clerk1",
            Command::UndoLastScan {
                count: c,
                location: None,
            },
        )
        .unwrap()
    {
        Outcome::ScanUndone { scan, .. } => scan,
        other => panic!("{other:?}"),
    };
    assert_eq!(undone.serial.as_str(), "RT1");
    let count = db.svc.store().count(c).unwrap().unwrap();
    assert_eq!((count.scans, count.live), (2, 1));
    // RT1 can be counted again; RT2 (clerk2's) still stands.
    assert_eq!(db.verdict(c, "WH1/A/01", "RT1"), ScanVerdict::Counted);
    assert_eq!(
        db.verdict(c, "WH1/A/01", "RT2"),
        ScanVerdict::Duplicate { first: 2 }
    );
    let err = db
        .svc
        .execute(
            "clerk9",
            Command::UndoLastScan {
                count: c,
                location: None,
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("clerk9 has no scan to undo"),
        "{err}"
    );
    let key = SerialKey::normalize("RT1", true).unwrap();
    // Scan 1 (RT1) was undone; RT1's live scan is now scan 3.
    assert_eq!(db.svc.store().count_serial(c, &key).unwrap(), Some(3));
}

#[test]
fn states_and_what_they_refuse() {
    let db = db();
    let c = db.open_count(&[], true);
    db.scan("clerk1", c, "WH1/A/01", "RT1").unwrap();
    // Posting an open count goes through review in the same entry: here it is refused only
    // because the count still has mismatches, and it stays open.
    assert!(db
        .mv(c, CountStatus::Posted)
        .unwrap_err()
        .to_string()
        .contains("neither resolved nor accepted"));
    assert_eq!(db.status(c), CountStatus::Open);
    db.mv(c, CountStatus::Review).unwrap();
    assert_eq!(db.status(c), CountStatus::Review);
    let m = db.refused(c, "WH1/A/01", "RT2");
    assert!(m.contains("in review, not open"), "{m}");
    assert_eq!(
        refusal_words(db.svc.execute(
            "clerk1",
            Command::UndoLastScan {
                count: c,
                location: None,
            },
        )),
        "conflict: count 1 is in review, not open: reopen it to scan"
    );
    assert!(db
        .mv(c, CountStatus::Review)
        .unwrap_err()
        .to_string()
        .contains("already"));
    db.mv(c, CountStatus::Open).unwrap();
    assert_eq!(db.verdict(c, "WH1/A/01", "RT2"), ScanVerdict::Counted);
    db.mv(c, CountStatus::Cancelled).unwrap();
    assert!(db
        .mv(c, CountStatus::Open)
        .unwrap_err()
        .to_string()
        .contains("cancelled"));
    let m = db.refused(c, "WH1/A/01", "RT3");
    assert!(m.contains("cancelled"), "{m}");
    let err = db
        .svc
        .record_scan("clerk1", CountId(99), "WH1/A/01", "RT1")
        .unwrap_err();
    assert!(err.to_string().contains("\"99\""), "{err}");
}

#[test]
fn a_scan_shows_in_the_serials_timeline() {
    let db = db();
    let c = db.open_count(&[], true);
    db.scan("clerk1", c, "WH1/A/01", "RT1").unwrap();
    let views = db.svc.lookup("RT1").unwrap();
    let last = views[0].timeline.last().unwrap();
    assert_eq!(last.entry.kind.name(), "counted");
    assert_eq!(last.entry.to.as_deref(), Some("WH1/A/01"));
    assert_eq!(last.entry.actor, "clerk1");
    // Replaying the journal gives the same store, counts and scans included.
    let Db { _tmp: tmp, svc } = db;
    drop(svc);
    assert_replay_equals_state(tmp.path());
}

#[test]
fn eight_counters_at_once_lose_and_double_nothing() {
    let db = db();
    let serials: Vec<String> = (0..150).map(|i| format!("RT{}", 1000 + i)).collect();
    let refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "RT", &refs, None, Some("WH1/A/01")),
        )
        .unwrap();
    let c = db.open_count(&[], true);
    let svc = Arc::new(db.svc);
    let mut handles = Vec::new();
    for t in 0..8usize {
        let svc = Arc::clone(&svc);
        let serials = serials.clone();
        handles.push(std::thread::spawn(move || {
            let who = format!("clerk{t}");
            let mut counted = Vec::new();
            // Each thread walks the same serials from its own starting point.
            for i in 0..serials.len() {
                let s = &serials[(i + t * 19) % serials.len()];
                let r = svc.record_scan(&who, c, "WH1/A/01", s).unwrap();
                if r.scan.verdict == ScanVerdict::Counted {
                    counted.push(s.clone());
                }
            }
            counted
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(
        all.len(),
        serials.len(),
        "every serial counted exactly once"
    );
    assert_eq!(unique.len(), serials.len());
    let count = svc.store().count(c).unwrap().unwrap();
    assert_eq!(count.scans as usize, 8 * serials.len(), "no scan lost");
    assert_eq!(count.live as usize, serials.len());
    assert_eq!(count.counters.len(), 8);
    let scans = svc.store().count_scans(c).unwrap();
    let numbers: Vec<u32> = scans.iter().map(|s| s.number).collect();
    assert_eq!(
        numbers,
        (1..=count.scans).collect::<Vec<_>>(),
        "scan numbers run without gaps"
    );
}

// ---------------------------------------------------------------- quantity goods

const BAT_GTIN: &str = "04006381333931";

/// The count database plus batteries counted by quantity: 10 at WH1/A/01, 5 at WH1/A/02.
fn with_batteries() -> Db {
    let db = db();
    let mut bat = match support::product("BAT", SerialFormat::Plain, Some(BAT_GTIN), "power", None)
    {
        Command::AddProduct(p) => p,
        _ => unreachable!(),
    };
    bat.tracking = tallyman::domain::Tracking::all(tallyman::domain::Mode::None);
    db.svc.execute("setup", Command::AddProduct(bat)).unwrap();
    for (at, qty) in [("WH1/A/01", 10), ("WH1/A/02", 5)] {
        let mut req = match support::doc(DocKind::Receipt, "BAT", &[], None, Some(at), None) {
            Command::Post(r) => r,
            _ => unreachable!(),
        };
        req.lines = vec![tallyman::ops::LineRequest {
            sku: "BAT".into(),
            serial: None,
            qty,
            amount: None,
        }];
        db.svc.execute("setup", Command::Post(req)).unwrap();
    }
    db
}

/// The count's mismatch view, as the screens and the CLI get it.
fn mismatch_view(db: &Db, count: CountId) -> tallyman::ops::MismatchView {
    match db
        .svc
        .query(tallyman::ops::Query::Mismatches { count })
        .unwrap()
    {
        tallyman::ops::Answer::Mismatches(v) => *v,
        other => panic!("{other:?}"),
    }
}

fn qty(
    db: &Db,
    count: CountId,
    at: &str,
    product: &str,
    n: i32,
) -> Result<tallyman::ops::Outcome, OpsError> {
    db.svc.execute(
        "clerk1",
        Command::CountQty {
            count,
            location: at.into(),
            product: product.into(),
            qty: n,
        },
    )
}

#[test]
fn quantity_goods_are_counted_by_number_and_posting_books_the_difference() {
    let db = with_batteries();
    let c = db.open_count(&[], false);
    // Its SKU (any case) or its barcode asks how many; nothing is recorded.
    for raw in ["bat", BAT_GTIN, &format!("]E0{}", &BAT_GTIN[1..])] {
        let asked = db.svc.execute(
            "clerk1",
            Command::CountScan {
                count: c,
                location: Some("WH1/A/01".into()),
                raw: raw.to_string(),
                label_only: false,
            },
        );
        assert!(
            matches!(&asked, Ok(tallyman::ops::Outcome::AskQty { sku }) if sku == "BAT"),
            "{raw}: {asked:?}"
        );
    }
    assert_eq!(db.svc.store().count(c).unwrap().unwrap().scans, 0);
    // Two boxes: 4, then 3; the answer says what the count has there, of what the books say.
    qty(&db, c, "WH1/A/01", "BAT", 4).unwrap();
    match qty(&db, c, "WH1/A/01", BAT_GTIN, 3).unwrap() {
        tallyman::ops::Outcome::QtyCounted {
            counted, expected, ..
        } => assert_eq!((counted, expected), (7, Some(10))),
        other => panic!("{other:?}"),
    }
    // Refused: nothing, a serialised product, a place outside the scope.
    for (at, p, n, want) in [
        ("WH1/A/01", "BAT", 0, "found \"0\""),
        ("WH1/A/01", "BAT", -8, "takes back more than the 7 counted"),
        ("WH1/A/01", "RT", 2, "counted by serial"),
        ("WH2/A/01", "BAT", 2, "outside"),
    ] {
        match qty(&db, c, at, p, n) {
            Err(OpsError::Refused(r)) => assert!(r.message.contains(want), "{}", r.message),
            other => panic!("{p} {n}: {other:?}"),
        }
    }
    // WH1/A/02 was not counted for batteries and is no counted bin: not compared.
    let view = mismatch_view(&db, c);
    let rows: Vec<(String, i64, i64)> = view
        .qty
        .iter()
        .map(|q| (q.location.clone(), q.expected, q.counted))
        .collect();
    assert_eq!(rows, [("WH1/A/01".to_string(), 10, 7)]);
    // Posting books the difference: 3 written off at WH1/A/01, WH1/A/02 untouched.
    let bat = db.svc.store().product_by_sku("BAT").unwrap().unwrap().id;
    for s in ["RT1", "RT2", "RT3", "RT4", "RT5", IMEI_A] {
        db.scan("clerk1", c, "WH1/A/01", s).unwrap();
    }
    db.scan("clerk1", c, "WH1/A/02", "RT6").unwrap();
    let posted = db.svc.execute(
        "super",
        Command::PostCount {
            count: c,
            counted_bins_only: false,
        },
    );
    assert!(posted.is_ok(), "{posted:?}");
    assert_eq!(db.svc.store().qty("WH1/A/01", bat).unwrap(), 7);
    assert_eq!(db.svc.store().qty("WH1/A/02", bat).unwrap(), 5);
    // The report keeps the difference as it was at posting.
    let rows: Vec<i64> = mismatch_view(&db, c)
        .qty
        .iter()
        .map(|q| q.difference())
        .collect();
    assert_eq!(rows, [-3]);
}

#[test]
fn a_counted_bin_with_none_of_a_quantity_product_is_short_of_all_of_it() {
    let db = with_batteries();
    let c = db.open_count(&[], false);
    qty(&db, c, "WH1/A/01", "BAT", 12).unwrap();
    db.svc
        .execute(
            "clerk1",
            Command::FinishBin {
                count: c,
                location: "WH1/A/02".into(),
            },
        )
        .unwrap();
    let view = mismatch_view(&db, c);
    let rows: Vec<(String, i64)> = view
        .qty
        .iter()
        .map(|q| (q.location.clone(), q.difference()))
        .collect();
    assert_eq!(
        rows,
        [("WH1/A/01".to_string(), 2), ("WH1/A/02".to_string(), -5)]
    );
}

#[test]
fn a_serial_two_products_share_is_refused_unless_the_label_or_the_scope_says_which() {
    let db = db();
    db.svc
        .execute(
            "setup",
            product(
                "RT2",
                SerialFormat::Regex("RT[0-9]+".into()),
                None,
                "network",
            ),
        )
        .unwrap();
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "RT2", &["RT1"], None, Some("WH1/A/01")),
        )
        .unwrap();
    // Both products in scope: which one is it? Refused (NOT SAVED on the screen), nothing
    // recorded, and the answer says how to tell.
    let c = db.open_count(&[], true);
    let err = db.scan("clerk1", c, "WH1/A/01", "RT1").unwrap_err();
    match &err {
        OpsError::Refused(r) => {
            assert_eq!(r.kind, tallyman::ops::RefusalKind::Conflict);
            assert_eq!(
                r.message,
                "SN \"RT1\" belongs to several products (RT, RT2): scan the product label (GTIN) with it"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(db.svc.store().count(c).unwrap().unwrap().scans, 0);
    // The label says which.
    let r = db
        .scan(
            "clerk1",
            c,
            "WH1/A/01",
            &format!("(01){ROUTER_GTIN}(21)RT1"),
        )
        .unwrap();
    assert_eq!(r.sku.as_deref(), Some("RT"));
    assert_eq!(r.scan.verdict, ScanVerdict::Counted);
    // A count of one of the products takes the serial as that product's.
    let only_rt2 = db.open_count(&["RT2"], true);
    let r = db.scan("clerk1", only_rt2, "WH1/A/01", "RT1").unwrap();
    assert_eq!(r.sku.as_deref(), Some("RT2"));
}

/// A refusal's kind and words (a test of a refusal checks both, never only that it failed).
fn refusal_words(r: Result<tallyman::ops::Outcome, tallyman::ops::OpsError>) -> String {
    match r {
        Err(tallyman::ops::OpsError::Refused(r)) => format!("{}: {}", r.kind.as_str(), r.message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A count reads the stock of its scope in two halves side by side, split at a location
/// code: the halves hold every unit of the scope once, and nothing of a sibling whose code
/// begins the same (WH10 beside WH1).
#[test]
fn the_stock_of_a_scope_read_in_two_halves_is_the_whole_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(dir.path(), Box::new(FixedClock)).unwrap();
    let bins = [
        "WH1",
        "WH1/A",
        "WH1/A/01",
        "WH1/A/02",
        "WH1/A/02/X",
        "WH1/B/01",
        "WH1/B/02",
        "WH10/A/01",
    ];
    let mut setup = vec![product("LAP", SerialFormat::Plain, None, "laptops")];
    setup.extend(support::parties_and_locations(&bins));
    svc.execute("setup", Command::Batch(setup)).unwrap();
    for (i, bin) in bins.iter().enumerate() {
        let serials: Vec<String> = (0..3).map(|n| format!("S{i}-{n}")).collect();
        let serials: Vec<&str> = serials.iter().map(String::as_str).collect();
        svc.execute(
            "clerk",
            doc(DocKind::Receipt, "LAP", &serials, None, Some(bin)),
        )
        .unwrap();
    }
    let store = svc.store();
    let read = |from: Option<&str>, to: Option<&str>| {
        let mut seen = Vec::new();
        store
            .for_each_stock_between(Some("WH1"), from, to, |location, _, serial, _| {
                seen.push((location.to_string(), serial.to_string()))
            })
            .unwrap();
        seen
    };
    let mut whole = Vec::new();
    store
        .for_each_stock(Some("WH1"), |location, _, serial, _| {
            whole.push((location.to_string(), serial.to_string()))
        })
        .unwrap();
    assert_eq!(
        whole.len(),
        7 * 3,
        "WH1 and everything under it, not WH10: {whole:?}"
    );
    let split = store
        .stock_split("WH1")
        .unwrap()
        .expect("WH1 has several locations");
    // WH1/B is made as the parent of WH1/B/01: eight codes, the fifth splits them.
    assert_eq!(split, "WH1/A/02/X");
    let (first, second) = (read(None, Some(&split)), read(Some(&split), None));
    assert!(
        !first.is_empty() && !second.is_empty(),
        "{first:?} {second:?}"
    );
    assert_eq!([first, second].concat(), whole);
    assert_eq!(
        store.stock_split("WH10/A/01").unwrap(),
        None,
        "one location"
    );
}

/// A scan sent with its client's key, and sent again with the same key (its answer was lost,
/// or it waited through an outage), is recorded once and answered the same both times; a new
/// key is a new scan; the key survives replay; only count scans take a key.
#[test]
fn a_keyed_scan_sent_again_is_answered_from_its_record_not_counted_twice() {
    let db = db();
    let c = db.open_count(&[], true);
    let keyed = |key: &str, raw: &str| Command::Keyed {
        key: key.into(),
        command: Box::new(Command::CountScan {
            count: c,
            location: Some("WH1/A/01".into()),
            raw: raw.into(),
            label_only: false,
        }),
    };
    let report = |o: Outcome| match o {
        Outcome::Scanned(r) => r,
        other => panic!("{other:?}"),
    };
    let first = report(db.svc.execute("clerk1", keyed("k-1", "RT6")).unwrap());
    assert!(matches!(
        first.scan.verdict,
        ScanVerdict::Unexpected(Unexpected::Elsewhere { .. })
    ));
    let again = report(db.svc.execute("clerk1", keyed("k-1", "RT6")).unwrap());
    assert_eq!(again.scan, first.scan, "answered from the record");
    assert_eq!(
        again.words.as_ref().map(|w| &w.headline),
        first.words.as_ref().map(|w| &w.headline)
    );
    assert_eq!(
        db.svc.store().count_scans(c).unwrap().len(),
        1,
        "recorded once"
    );
    // A second scan of the same unit under a new key is a new scan: a duplicate.
    let dup = report(db.svc.execute("clerk1", keyed("k-2", "RT6")).unwrap());
    assert_eq!(
        dup.scan.verdict,
        ScanVerdict::Duplicate {
            first: first.scan.number
        }
    );
    let dup_again = report(db.svc.execute("clerk1", keyed("k-2", "RT6")).unwrap());
    assert_eq!(dup_again.first.map(|f| f.number), Some(first.scan.number));
    assert_eq!(db.svc.store().count_scans(c).unwrap().len(), 2);
    // A location label and a refusal record nothing, so their keys name nothing.
    let label = db.svc.execute("clerk1", keyed("k-3", "WH1/A/02")).unwrap();
    assert!(matches!(label, Outcome::LocationSet { .. }), "{label:?}");
    assert!(db.svc.execute("clerk1", keyed("k-4", "RT-BAD")).is_err());
    assert_eq!(db.svc.store().count_scans(c).unwrap().len(), 2);
    // Only a count scan takes a key.
    let other = db.svc.execute(
        "super",
        Command::Keyed {
            key: "k-5".into(),
            command: Box::new(Command::MoveCount {
                count: c,
                status: CountStatus::Review,
            }),
        },
    );
    assert!(refusal_words(other).contains("only a count scan"));
    // A key longer than the limit is refused before anything is looked at.
    let long = "k".repeat(tallyman::ops::MAX_KEY + 1);
    assert!(db.svc.execute("clerk1", keyed(&long, "RT1")).is_err());
    // The key is in the journal: replaying it gives the same store, and after a reopen a
    // resend is still answered from the record.
    let Db { _tmp: tmp, svc } = db;
    drop(svc);
    assert_replay_equals_state(tmp.path());
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    let again = report(svc.execute("clerk1", keyed("k-1", "RT6")).unwrap());
    assert_eq!(again.scan.number, first.scan.number);
    assert_eq!(svc.store().count_scans(c).unwrap().len(), 2);
}
