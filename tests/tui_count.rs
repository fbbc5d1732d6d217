//! The count screens driven by key scripts through `update`, with every effect run by the
//! real `OpsRunner` over a real temporary database: the count list (join, review, cancel with
//! `1=Yes 2=No`), the scan loop (every answer, GS1 and IMEI, location labels, command barcodes,
//! typed codes, undo, figures), snapshots at 20x16, 40x8 and 80x24 in both profiles with a
//! fixed clock, and the bytes an accepted scan costs at 80x24 in the vt profile.

mod support;
use std::sync::Arc;
use support::build::party;
use support::screens::{
    app, app_on, assert_draws_at_every_size, assert_guide_shows_real_screens,
    assert_vt_rules_at_every_size, keys, vt_runtime, PROFILES, SIZES,
};
use support::Db;
use support::ScreenClock;

use tallyman::domain::{CountId, CountStatus, DocKind, Mode, PartyRole, ScanVerdict, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::{Answer, Command, LineRequest, Query};
use tallyman::tui::app::Screen;
use tallyman::tui::keys::parse_script;
use tallyman::tui::screens::count_scan::state::AnswerKind;
use tallyman::tui::testing::{ops_runner_for, TestApp, TestSetup};
use tallyman::tui::vt_filter::vt_violations;
use tallyman::tui::Profile;

const ROUTER_GTIN: &str = "09506000134352";
const IMEI: &str = "490154203237518";
const IMEI_BAD: &str = "490154203237519";

use support::build::named_product as product;

fn doc(kind: DocKind, sku: &str, serials: &[&str], to: Option<&str>) -> Command {
    support::build::new_doc(kind, sku)
        .parties("Northwind Distribution", "ACME Retail")
        .serials(serials)
        .to(to)
        .reason((kind == DocKind::WriteOff).then_some("broken"))
        .cmd()
}

fn open_count(svc: &Service, name: &str, location: &str, blind: bool) {
    support::open_named_count(svc, name, location, &[], blind);
}

/// Routers RT00000001-5, a phone and cables CB-000001-3 at WH1/A/01; RT00000006 at
/// WH1/A/02; RT00000007 at WH2/A/01; RT00000008 sold to ACME Retail; RT00000009 written off.
/// Count 1 "Aisle A" over WH1/A (blind), count 2 "Overflow" over WH2/A/01 (open counting),
/// count 3 "Cage" over WH1/A/02 in review.
fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(ScreenClock)).unwrap();
    let mut cmds = vec![
        product(
            "RT-AX55",
            "Router AX55",
            SerialFormat::Regex("RT[0-9]{8}".into()),
            Some(ROUTER_GTIN),
            Mode::Strict,
        ),
        product(
            "PH-X200",
            "Phone X200",
            SerialFormat::Imei,
            None,
            Mode::Strict,
        ),
        product(
            "CBL-USBC",
            "USB-C cable",
            SerialFormat::Plain,
            None,
            Mode::Soft,
        ),
        party("Northwind Distribution", PartyRole::Supplier),
        party("ACME Retail", PartyRole::Customer),
    ];
    for code in ["WH1/A/01", "WH1/A/02", "WH2/A/01"] {
        cmds.push(Command::AddLocation {
            code: code.into(),
            name: String::new(),
        });
    }
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    let routers = [
        "RT00000001",
        "RT00000002",
        "RT00000003",
        "RT00000004",
        "RT00000005",
        "RT00000008",
        "RT00000009",
    ];
    for c in [
        doc(DocKind::Receipt, "RT-AX55", &routers, Some("WH1/A/01")),
        doc(
            DocKind::Receipt,
            "RT-AX55",
            &["RT00000006"],
            Some("WH1/A/02"),
        ),
        doc(
            DocKind::Receipt,
            "RT-AX55",
            &["RT00000007"],
            Some("WH2/A/01"),
        ),
        doc(DocKind::Receipt, "PH-X200", &[IMEI], Some("WH1/A/01")),
        doc(
            DocKind::Receipt,
            "CBL-USBC",
            &["CB-000001", "CB-000002", "CB-000003"],
            Some("WH1/A/01"),
        ),
        doc(DocKind::Sale, "RT-AX55", &["RT00000008"], None),
        doc(DocKind::WriteOff, "RT-AX55", &["RT00000009"], None),
    ] {
        svc.execute("setup", c).unwrap();
    }
    open_count(&svc, "Aisle A", "WH1/A", true);
    open_count(&svc, "Overflow", "WH2/A/01", false);
    open_count(&svc, "Cage", "WH1/A/02", true);
    svc.execute(
        "super",
        Command::MoveCount {
            count: CountId(3),
            status: CountStatus::Review,
        },
    )
    .unwrap();
    let dir = tmp.path().to_path_buf();
    Db::new(tmp, dir, svc)
}

fn scans(db: &Db, count: u32) -> Vec<tallyman::domain::CountScan> {
    match db
        .svc
        .query(Query::CountScans {
            count: CountId(count),
        })
        .unwrap()
    {
        Answer::Scans(s) => s.into_iter().map(|l| l.scan).collect(),
        other => panic!("{other:?}"),
    }
}

fn count_status(db: &Db, id: u32) -> CountStatus {
    db.svc.store().count(CountId(id)).unwrap().unwrap().status
}

fn answer(app: &TestApp) -> tallyman::tui::screens::count_scan::state::ScanAnswer {
    app.state
        .count_session()
        .and_then(|s| s.answer.clone())
        .expect("an answer")
}

/// Menu 1, count list line 1, location WH1/A/01.
const AT_A01: &str = "11WH1/A/01<enter>";

// ---------------------------------------------------------------- the count list

#[test]
fn menu_entry_1_opens_the_count_list_with_open_and_review_counts() {
    let db = db();
    let mut app = app(&db);
    assert!(app.render().contains("1 Count"), "{}", app.render());
    app.keys("1");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    let rows = app.state.counts().cloned().unwrap();
    let ids: Vec<u32> = rows.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(rows[2].status, CountStatus::Review);
    // Blind counts show no expected figure; open counting does.
    assert_eq!(rows[0].expected, None);
    assert_eq!(rows[1].expected, Some(1));
    let text = app.render();
    assert!(text.contains("Aisle A"), "{text}");
    // Scans and the units expected are two columns: "0 of 1" read as progress towards done.
    let overflow: Vec<&str> = text
        .lines()
        .find(|l| l.contains("#2"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(overflow[4..7], ["open", "0", "1"], "{text}");
    assert!(!text.contains(" of "), "{text}");
    assert!(text.contains("Enter Join"), "{text}");
}

/// A count with a long name, openly counted, after 4 scans of which 3 do not belong (another
/// bin's router, a sold one, a serial nobody received): the list says "4 scans" and, apart,
/// the units expected, never "4 of N scanned" as if the 4 were N's; the marked count's whole
/// name is on a line of its own, also at 40x8 where the list line cuts it.
#[test]
fn the_list_shows_the_whole_name_and_scans_apart_from_the_units_expected() {
    for (w, h) in [(20, 16), (40, 8)] {
        let db = db();
        let name = "Returns from the spring sale";
        support::open_named_count(&db.svc, name, "WH1/A", &[], false);
        for serial in ["RT00000001", "RT00000007", "RT00000008", "NOBODY-1"] {
            db.svc
                .record_scan("clerk2", CountId(4), "WH1/A/01", serial)
                .unwrap();
        }
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        app.keys("1<down><down><down>");
        let screen = app.render();
        let words = app.words();
        assert!(words.contains(&format!("Count 4 {name}")), "{screen}");
        assert!(words.contains("4 scans"), "{screen}");
        assert!(words.contains("10 units expected"), "{screen}");
        assert!(!words.contains(" of "), "{screen}");
        insta::assert_snapshot!(format!("count_list_long_name_{w}x{h}_vt"), screen);
    }
}

#[test]
fn an_empty_database_says_who_opens_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(ScreenClock)).unwrap();
    let mut app = TestSetup::default().build().with_service(Arc::new(svc));
    app.keys("1");
    let text = app.render();
    assert!(
        text.contains("No open count: a supervisor opens one"),
        "{text}"
    );
    assert!(text.contains("here (New count)"), "{text}");
    assert!(text.contains("tallyman count"), "{text}");
    // No line to join: a digit is an error, Enter does nothing.
    app.keys("<enter>");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    app.keys("1");
    assert_eq!(app.status(), Some("No count on line 1"));
    assert_eq!(app.bells, 1);
}

#[test]
fn enter_or_the_line_digit_joins_and_back_returns_to_the_list() {
    let db = db();
    let mut app = app(&db);
    app.keys("1<down><enter>");
    assert!(matches!(app.screen(), Screen::CountScan(_)));
    let s = app.state.count_session().cloned().unwrap();
    assert_eq!(s.count.id, CountId(2));
    // Count 2 covers one location: no label needed, figures with the expected number.
    assert_eq!(s.location.as_deref(), Some("WH2/A/01"));
    assert_eq!(s.figures.unwrap().expected_here, Some(1));
    assert!(app.render().contains("Here 0 of 1"), "{}", app.render());
    app.keys("<f3>");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert!(app.state.count_session().is_none());
    app.keys("1");
    assert!(matches!(app.screen(), Screen::CountScan(_)));
    let s = app.state.count_session().cloned().unwrap();
    assert_eq!(s.count.id, CountId(1));
    assert_eq!(s.location, None, "WH1/A has several locations");
    app.keys("/b<enter>");
    assert!(matches!(app.screen(), Screen::CountList(_)));
}

#[test]
fn a_count_in_review_cannot_be_joined() {
    let db = db();
    let mut app = app(&db);
    app.keys("13");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert_eq!(
        app.status(),
        Some("Count 3 is in review: it takes no scans")
    );
    assert_eq!(app.bells, 1);
    app.keys("9");
    assert_eq!(app.status(), Some("No count on line 9"));
}

#[test]
fn a_count_closed_meanwhile_sends_the_counter_back_to_the_list() {
    let db = db();
    let mut app = app(&db);
    app.keys("1");
    db.svc
        .execute(
            "super",
            Command::MoveCount {
                count: CountId(1),
                status: CountStatus::Review,
            },
        )
        .unwrap();
    app.keys("1");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert_eq!(
        app.status(),
        Some("Count 1 is in review: it takes no scans")
    );
    // The list was reloaded.
    assert_eq!(app.state.counts().unwrap()[0].status, CountStatus::Review);
}

#[test]
fn a_supervisor_opens_a_count_from_the_list() {
    let db = db();
    let mut app = app(&db);
    app.keys("1<f7>");
    assert!(
        app.render().contains("scan or type the location"),
        "{}",
        app.render()
    );
    // A location that is not there: the service says so, nothing is opened.
    app.keys("WH9/Z<enter>21");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert!(app.state.has_error());
    assert!(
        app.status().unwrap().contains("WH9/Z"),
        "{:?}",
        app.status()
    );
    assert!(db.svc.store().count(CountId(4)).unwrap().is_none());
    // The aisle, open counting, routers only (typed SKU, any case).
    app.keys("<enter>/n<enter>WH1/A<enter>");
    assert!(app.render().contains("1=Blind"), "{}", app.render());
    app.keys("2");
    assert!(app.render().contains("2=Some"), "{}", app.render());
    app.keys("2rt-ax55<enter>");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert_eq!(app.status(), Some("Count 4 opened: WH1/A 01-02"));
    let c = db.svc.store().count(CountId(4)).unwrap().unwrap();
    assert_eq!(
        (c.scope.location.as_str(), c.blind, c.scope.products.len()),
        ("WH1/A", false, 1)
    );
    // The list marks it; Enter joins it.
    let marked = &app.state.counts().unwrap()[app.state.count_selected()];
    assert_eq!(marked.id, CountId(4));
    // Blind over every product, from a scanned location label.
    app.keys("/n<enter>WH2/A/01<enter>11");
    assert_eq!(app.status(), Some("Count 5 opened: WH2/A/01 01-02"));
    let c = db.svc.store().count(CountId(5)).unwrap().unwrap();
    assert!(c.blind && c.scope.products.is_empty());
}

#[test]
fn review_moves_the_marked_count_and_cancel_asks_first() {
    let db = db();
    let mut app = app(&db);
    app.keys("1<f6>");
    assert_eq!(count_status(&db, 1), CountStatus::Review);
    assert_eq!(app.status(), Some("Count 1 in review"));
    assert_eq!(app.state.counts().unwrap()[0].status, CountStatus::Review);
    // The same key reopens a count in review; the footer says so.
    assert!(app.render().contains("F6 Reopen"), "{}", app.render());
    app.keys("/v<enter>");
    assert_eq!(app.status(), Some("Count 1 reopened"));
    assert_eq!(count_status(&db, 1), CountStatus::Open);
    assert!(app.render().contains("F6 Review"), "{}", app.render());
    // Cancel count 2: 2=No keeps it.
    app.keys("<down><f8>");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    let text = app.render();
    assert!(text.contains("Cancel count 2 \"Overflow\"?"), "{text}");
    assert!(text.contains("1=Yes 2=No"), "{text}");
    app.keys("2");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert_eq!(count_status(&db, 2), CountStatus::Open);
    // Back (0) is No too.
    app.keys("/x<enter>0");
    assert!(matches!(app.screen(), Screen::CountList(_)));
    assert_eq!(count_status(&db, 2), CountStatus::Open);
    // Enter is no answer.
    app.keys("<f8><enter>");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    app.keys("1");
    assert_eq!(count_status(&db, 2), CountStatus::Cancelled);
    assert_eq!(app.status(), Some("Count 2 cancelled"));
    let ids: Vec<u32> = app.state.counts().unwrap().iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [1, 3], "a cancelled count leaves the list");
}

#[test]
fn redraw_in_the_list_reloads_the_progress() {
    let db = db();
    let mut app = app(&db);
    app.keys("1");
    db.svc
        .record_scan("clerk2", CountId(1), "WH1/A/01", "RT00000001")
        .unwrap();
    assert_eq!(app.state.counts().unwrap()[0].live, 0);
    app.keys("<ctrl-l>");
    let row = app.state.counts().unwrap()[0].clone();
    assert_eq!(row.live, 1);
    assert_eq!(row.counters, ["clerk2"]);
    assert_eq!(app.redraws, 1);
}

// ---------------------------------------------------------------- the scan loop

#[test]
fn a_location_label_then_serials_one_after_another() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    let s = app.state.count_session().cloned().unwrap();
    assert_eq!(s.location.as_deref(), Some("WH1/A/01"));
    assert_eq!(app.status(), Some("Location WH1/A/01"));
    app.keys("RT00000001<enter>RT00000002<enter>CB-000001<enter>");
    let a = answer(&app);
    assert_eq!(
        (a.kind, a.headline.as_str()),
        (AnswerKind::Counted, "COUNTED")
    );
    assert_eq!(a.serial, "CB-000001");
    let s = app.state.count_session().cloned().unwrap();
    let f = s.figures.unwrap();
    assert_eq!((f.here, f.total, f.expected_here), (3, 3, None));
    let recent: Vec<&str> = s.recent.iter().map(|r| r.serial.as_str()).collect();
    assert_eq!(recent, ["CB-000001", "RT00000002", "RT00000001"]);
    assert_eq!(app.bells, 0);
    assert!(!app.state.has_error());
    // Saved: the field is empty for the next scan.
    assert_eq!(app.state.field.value(), "");
    let recorded = scans(&db, 1);
    assert_eq!(recorded.len(), 3);
    assert!(recorded
        .iter()
        .all(|s| s.verdict == ScanVerdict::Counted && s.counter == "clerk1"));
}

#[test]
fn every_answer_but_counted_rings_and_sticks() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    let cases: [(&str, AnswerKind, &str, &[&str]); 7] = [
        ("RT00000001", AnswerKind::Counted, "COUNTED", &[]),
        (
            "RT00000001",
            AnswerKind::Duplicate,
            "DUPLICATE",
            &["scan 1 by clerk1", "at WH1/A/01 14:05"],
        ),
        (
            "RT00000006",
            AnswerKind::NotHere,
            "NOT HERE",
            &["in stock at WH1/A/02"],
        ),
        (
            "RT00000008",
            AnswerKind::NotHere,
            "NOT HERE",
            &["sold to ACME Retail"],
        ),
        (
            "RT00000009",
            AnswerKind::NotHere,
            "NOT HERE",
            &["written off"],
        ),
        (
            "CB-NEW-1",
            AnswerKind::Unknown,
            "UNKNOWN",
            &["never received", "kept as unknown"],
        ),
        (
            IMEI_BAD,
            AnswerKind::Bad,
            "BAD SCAN",
            &["fails its check digit"],
        ),
    ];
    let mut bells = 0;
    for (serial, kind, headline, facts) in cases {
        app.keys(&format!("{serial}<enter>"));
        let a = answer(&app);
        assert_eq!((a.kind, a.headline.as_str()), (kind, headline), "{serial}");
        let text = tallyman::tui::screens::count_scan::words::answer_facts(&a, true).join(", ");
        for f in facts {
            assert!(text.contains(f), "{serial}: {text:?} lacks {f:?}");
        }
        if kind == AnswerKind::Counted {
            assert!(!app.state.has_error());
        } else {
            bells += 1;
            assert!(app.state.has_error(), "{serial}");
            assert_eq!(app.status(), Some(headline));
            // It stays through other keys.
            app.keys("<f1><f3>");
            assert!(app.state.has_error(), "{serial}");
        }
        assert_eq!(app.bells, bells, "{serial}");
    }
    // The bad scan recorded nothing and stays in the field to be corrected.
    assert_eq!(scans(&db, 1).len(), 6);
    assert_eq!(app.state.field.value(), IMEI_BAD);
    app.keys("<backspace>8<enter>");
    assert_eq!(answer(&app).kind, AnswerKind::Counted);
    assert!(!app.state.has_error(), "a good scan clears the error");
    // Enter on its own acknowledges an error.
    app.keys("RT00000001<enter>");
    assert!(app.state.has_error());
    app.keys("<enter>");
    assert!(!app.state.has_error());
    let text = app.render();
    assert!(
        text.contains("DUPLICATE"),
        "the answer stays in the body:\n{text}"
    );
}

#[test]
fn gs1_labels_give_serial_and_product_and_imeis_are_checked() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    // A scanner's GS1 DataMatrix: (01) GTIN, GS, (21) serial.
    app.keys(&format!("01{ROUTER_GTIN}21RT00000003<gs>10LOT7<enter>"));
    let a = answer(&app);
    assert_eq!(a.kind, AnswerKind::Counted, "{a:?}");
    assert_eq!(a.serial, "RT00000003");
    assert_eq!(a.sku.as_deref(), Some("RT-AX55"));
    // Hand-typed with brackets.
    app.keys(&format!("(01){ROUTER_GTIN}(21)RT00000004<enter>"));
    assert_eq!(answer(&app).serial, "RT00000004");
    // A typed stand-in for GS, as configured.
    let db2 = self::db();
    let mut setup = TestSetup::default();
    setup.config.gs_substitute = Some('#');
    let mut app2 = app_on(&db2, setup);
    app2.keys(AT_A01);
    app2.keys(&format!("01{ROUTER_GTIN}21RT00000005#10LOT7<enter>"));
    assert_eq!(answer(&app2).serial, "RT00000005");
    // IMEIs: a good one is counted, one with a wrong check digit is a bad scan.
    app.keys(&format!("{IMEI}<enter>"));
    assert_eq!(answer(&app).sku.as_deref(), Some("PH-X200"));
    app.keys(&format!("{IMEI_BAD}<enter>"));
    assert_eq!(answer(&app).kind, AnswerKind::Bad);
    assert_eq!(scans(&db, 1).len(), 3);
}

#[test]
fn a_serial_before_any_location_is_not_saved() {
    let db = db();
    let mut app = app(&db);
    app.keys("11RT00000001<enter>");
    let a = answer(&app);
    assert_eq!(a.headline, "NO LOCATION");
    assert_eq!(app.status(), Some("NO LOCATION"));
    assert_eq!(app.bells, 1);
    assert!(scans(&db, 1).is_empty());
    // A label outside the count's scope is refused too.
    app.keys("WH2/A/01<enter>");
    assert_eq!(answer(&app).headline, "WRONG LOCATION");
    assert_eq!(
        tallyman::tui::screens::count_scan::words::answer_facts(&answer(&app), true),
        ["outside count 1 (WH1/A)"]
    );
    assert_eq!(app.state.count_session().unwrap().location, None);
}

#[test]
fn the_location_command_takes_only_a_label_next() {
    for how in ["<f2>", "/l<enter>", "/L<tab>", "#TM:LOCATION<enter>"] {
        let db = db();
        let mut app = app(&db);
        app.keys(AT_A01);
        app.keys(how);
        let s = app.state.count_session().cloned().unwrap();
        assert!(s.awaiting_location, "{how}");
        assert!(app.render().contains("scan new label"), "{how}");
        // A serial now is not a location, and is not counted at the old one.
        app.keys("RT00000001<enter>");
        assert_eq!(answer(&app).headline, "NOT A LOCATION", "{how}");
        assert!(scans(&db, 1).is_empty(), "{how}");
        app.keys("wh1/a/02<enter>");
        let s = app.state.count_session().cloned().unwrap();
        assert_eq!(s.location.as_deref(), Some("WH1/A/02"), "{how}");
        assert!(!s.awaiting_location);
        assert!(!app.state.has_error(), "{how}");
        app.keys("RT00000006<enter>");
        assert_eq!(answer(&app).kind, AnswerKind::Counted, "{how}");
    }
}

#[test]
fn a_location_label_changes_the_location_at_any_time() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    app.keys("RT00000001<enter>WH1/A/02<enter>RT00000006<enter>");
    let s = app.state.count_session().cloned().unwrap();
    assert_eq!(s.location.as_deref(), Some("WH1/A/02"));
    let f = s.figures.unwrap();
    assert_eq!((f.here, f.total), (1, 2));
    let at: Vec<String> = scans(&db, 1).into_iter().map(|s| s.location).collect();
    assert_eq!(at, ["WH1/A/01", "WH1/A/02"]);
}

#[test]
fn undo_takes_back_the_last_own_scan() {
    for how in ["<f8>", "/u<enter>", "#TM:UNDO<enter>", "#TM:undo<enter>"] {
        let db = db();
        let mut app = app(&db);
        app.keys(AT_A01);
        // Another counter's scan in between is not ours to undo.
        app.keys("RT00000001<enter>RT00000002<enter>");
        db.svc
            .record_scan("clerk2", CountId(1), "WH1/A/01", "RT00000003")
            .unwrap();
        app.keys(how);
        let a = answer(&app);
        assert_eq!(
            (a.kind, a.headline.as_str()),
            (AnswerKind::Undone, "UNDONE"),
            "{how}"
        );
        assert_eq!(a.serial, "RT00000002");
        assert!(!app.state.has_error());
        assert_eq!(app.bells, 0);
        let s = app.state.count_session().cloned().unwrap();
        let recent: Vec<&str> = s.recent.iter().map(|r| r.serial.as_str()).collect();
        assert_eq!(recent, ["RT00000001"], "{how}");
        let f = s.figures.unwrap();
        assert_eq!(
            (f.here, f.total),
            (2, 2),
            "{how}: clerk2's scan still counts"
        );
        let undone: Vec<(String, bool)> = scans(&db, 1)
            .into_iter()
            .map(|s| (s.serial.to_string(), s.undone))
            .collect();
        assert_eq!(
            undone,
            [
                ("RT00000001".to_string(), false),
                ("RT00000002".to_string(), true),
                ("RT00000003".to_string(), false)
            ]
        );
    }
}

#[test]
fn nothing_to_undo_is_an_error() {
    let db = db();
    let mut app = app(&db);
    app.keys("11<f8>");
    assert_eq!(answer(&app).headline, "NOT UNDONE");
    assert_eq!(app.status(), Some("NOT UNDONE"));
    assert_eq!(app.bells, 1);
}

#[test]
fn finish_leaves_the_loop_and_the_count_stays_open() {
    for how in ["<f4>", "/f<enter>", "#TM:FINISH<enter>"] {
        let db = db();
        let mut app = app(&db);
        app.keys(AT_A01);
        app.keys("RT00000001<enter>");
        app.keys(how);
        assert!(matches!(app.screen(), Screen::CountList(_)), "{how}");
        assert_eq!(count_status(&db, 1), CountStatus::Open);
        // The list shows the new progress and who counted.
        let row = app.state.counts().unwrap()[0].clone();
        assert_eq!(
            (row.live, row.counters.clone()),
            (1, vec!["clerk1".to_string()])
        );
    }
}

#[test]
fn an_unknown_command_barcode_is_a_bad_scan() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    app.keys("#TM:DANCE<enter>");
    let a = answer(&app);
    assert_eq!(a.kind, AnswerKind::Bad);
    assert!(
        tallyman::tui::screens::count_scan::words::answer_facts(&a, true)[0]
            .contains("FINISH, UNDO, LOCATION or DONE")
    );
    assert_eq!(app.bells, 1);
    assert!(scans(&db, 1).is_empty());
}

#[test]
fn rejoining_shows_the_counters_last_scans() {
    let db = db();
    let mut app = app(&db);
    app.keys(AT_A01);
    app.keys("RT00000001<enter>RT00000002<enter>RT00000002<enter><f8><f4>");
    app.keys("1");
    let s = app.state.count_session().cloned().unwrap();
    let recent: Vec<(Option<u32>, &str)> = s
        .recent
        .iter()
        .map(|r| (r.number, r.serial.as_str()))
        .collect();
    assert_eq!(recent, [(Some(2), "RT00000002"), (Some(1), "RT00000001")]);
    // Back where the last scan was (rejoining_puts_the_counter_back_at_their_last_location).
    assert_eq!(s.location.as_deref(), Some("WH1/A/01"));
}

#[test]
fn printable_keys_go_to_the_field_not_to_commands() {
    let db = db();
    let mut app = app(&db);
    app.keys("11?0q");
    assert!(matches!(app.screen(), Screen::CountScan(_)));
    assert_eq!(app.state.field.value(), "?0q");
}

#[test]
fn help_lists_the_keys_codes_and_command_barcodes() {
    let db = db();
    let mut app = app(&db);
    app.keys("11<f1>");
    let text = app.render();
    assert!(text.contains("#TM:FINISH"), "{text}");
    assert!(text.contains("Take back the last scan"), "{text}");
    app.keys("0<f3>?");
    let text = app.render();
    assert!(
        text.contains("Press the line number of a count to join it."),
        "{text}"
    );
    assert!(text.contains("Move the count to review"), "{text}");
}

/// At every size: the "too small" notice below 20x8, and from it on the screen's header and
/// what each step is about, in whole words: the counts, the location to scan, each scan's
/// answer and serial.
#[test]
fn every_size_renders_the_screen_or_the_too_small_notice() {
    let db = db();
    let mut app = app(&db);
    assert_draws_at_every_size(
        &mut app,
        &[
            ("1", &["Counts", "Aisle A", "Overflow", "Cage"]),
            ("1", &["Count 1", "Loc: scan a label", "Scan:"]),
            (
                "WH1/A/01<enter>RT00000001<enter>",
                &["Loc: WH1/A/01", "COUNTED", "RT00000001", "RT-AX55"],
            ),
            ("RT00000001<enter>", &["DUPLICATE", "RT00000001"]),
        ],
    );
}

// ---------------------------------------------------------------- snapshots

support::screens::snap_fn!();

#[test]
fn snapshot_count_list() {
    snap("count_list", "1", &SIZES, &PROFILES);
}

#[test]
fn snapshot_count_list_marked_second() {
    snap("count_list_second", "1<down>", &SIZES, &[Profile::Vt]);
}

#[test]
fn snapshot_count_list_empty() {
    for (w, h) in SIZES {
        let tmp = tempfile::tempdir().unwrap();
        let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(ScreenClock)).unwrap();
        let mut app = TestSetup::new(w, h, Profile::Vt)
            .build()
            .with_service(Arc::new(svc));
        app.keys("1");
        insta::assert_snapshot!(format!("count_list_empty_{w}x{h}_vt"), app.render());
    }
}

#[test]
fn snapshot_cancel_confirmation() {
    snap("count_cancel", "1<f8>", &SIZES, &PROFILES);
}

#[test]
fn snapshot_scan_loop_start() {
    snap("count_scan_start", "11", &SIZES, &PROFILES);
}

#[test]
fn snapshot_scan_loop_counted() {
    snap(
        "count_scan_counted",
        &format!("{AT_A01}RT00000001<enter>RT00000002<enter>{IMEI}<enter>CB-000001<enter>"),
        &SIZES,
        &PROFILES,
    );
}

#[test]
fn snapshot_scan_loop_duplicate() {
    snap(
        "count_scan_duplicate",
        &format!("{AT_A01}RT00000001<enter>RT00000002<enter>RT00000001<enter>"),
        &SIZES,
        &PROFILES,
    );
}

#[test]
fn snapshot_scan_loop_other_answers() {
    let some: [(u16, u16); 3] = [(20, 16), (40, 8), (80, 24)];
    for (name, serial) in [
        ("count_scan_elsewhere", "RT00000006"),
        ("count_scan_sold", "RT00000008"),
        ("count_scan_unknown", "CB-NEW-000042"),
        ("count_scan_bad", IMEI_BAD),
    ] {
        snap(
            name,
            &format!("{AT_A01}RT00000001<enter>{serial}<enter>"),
            &some,
            &[Profile::Vt],
        );
    }
}

#[test]
fn snapshot_scan_loop_open_counting() {
    snap(
        "count_scan_open",
        "12RT00000007<enter>",
        &SIZES,
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_scan_loop_undo_and_location_prompt() {
    snap(
        "count_scan_undo",
        &format!("{AT_A01}RT00000001<enter>RT00000002<enter><f8>"),
        &[(20, 16), (80, 24)],
        &[Profile::Vt],
    );
    snap(
        "count_scan_next_location",
        &format!("{AT_A01}RT00000001<enter><f2>"),
        &[(20, 16), (40, 8)],
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_help_in_the_scan_loop() {
    snap("count_scan_help", "11<f1>", &[(80, 24)], &[Profile::Vt]);
}

/// The help's legend names every mark the last scans use, `x` (nothing saved) too. On a
/// 20x16 handheld the legend is at the end of the help, which scrolls.
#[test]
fn the_help_legend_lists_every_mark_of_the_last_scans() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    app.keys("11<f1>");
    for _ in 0..40 {
        app.keys("<down>");
    }
    let seen = app.render();
    let words = app.words();
    assert!(
        words.contains(
            "Last scans: + counted, = duplicate, ! not here, ? unknown, x bad scan or not saved, no mark: undone."
        ),
        "{seen}"
    );
    insta::assert_snapshot!("count_scan_help_end_20x16_vt", app.render());
}

// ---------------------------------------------------------------- bytes per scan

/// Serials that share no obvious pattern (a scanner's worst case for the screen diff).
fn scattered(n: usize) -> Vec<String> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("CB-{:06}", x % 1_000_000)
        })
        .collect()
}

#[test]
fn an_accepted_scan_costs_at_most_300_bytes_at_80x24_vt() {
    let db = db();
    let serials = scattered(40);
    let refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "CBL-USBC", &refs, Some("WH1/A/01")),
        )
        .unwrap();
    let (mut rt, buf) = vt_runtime(&db.svc, 80, 24);
    // Menu and count by hand (one key a batch), then the location label as a scan.
    for step in ["1", "1", "WH1/A/01<enter>"] {
        rt.step(keys(step)).unwrap();
    }
    // Fill the list of last scans first: the steady state is what a count is made of.
    for s in &serials[..10] {
        rt.step(keys(&format!("{s}<enter>"))).unwrap();
    }
    buf.take();
    let mut sizes = Vec::new();
    for s in &serials[10..] {
        // One scan as a wedge scanner delivers it: one batch of keys ending in Enter.
        rt.step(keys(&format!("{s}<enter>"))).unwrap();
        let bytes = buf.take();
        let v = vt_violations(&bytes);
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(
            rt.state()
                .count_session()
                .and_then(|c| c.answer.as_ref())
                .map(|a| a.kind),
            Some(AnswerKind::Counted)
        );
        sizes.push(bytes.len());
    }
    let max = *sizes.iter().max().unwrap();
    let avg = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    eprintln!(
        "accepted scan at 80x24 vt: max {max} bytes, mean {avg:.0} bytes over {} scans",
        sizes.len()
    );
    assert!(max <= 300, "{sizes:?}");
    // A frame is also drawn when the scan is split over two batches: still cheap.
    let s = &scattered(41)[40];
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "CBL-USBC", &[s], Some("WH1/A/01")),
        )
        .unwrap();
    rt.step(keys(&s[..4])).unwrap();
    let first = buf.take().len();
    rt.step(keys(&format!("{}<enter>", &s[4..]))).unwrap();
    let second = buf.take().len();
    eprintln!("split scan: {first} + {second} bytes");
    assert!(first + second <= 400, "{first} + {second}");
}

#[test]
fn an_error_inside_a_burst_stays_until_the_clerk_has_seen_it() {
    let db = db();
    let (mut rt, buf) = vt_runtime(&db.svc, 20, 16);
    // Menu and count by hand (one key a batch), then the location label as a scan.
    for step in ["1", "1", "WH1/A/01<enter>"] {
        rt.step(keys(step)).unwrap();
    }
    // One batch, drawn once: a bad scan, then two good ones.
    rt.step(keys(&format!(
        "{IMEI_BAD}<enter>RT00000001<enter>RT00000002<enter>"
    )))
    .unwrap();
    let frame = String::from_utf8_lossy(&buf.take()).into_owned();
    assert!(frame.contains('\x07'), "the bell rang");
    let status = rt.state().status.clone().unwrap();
    assert!(status.error && status.text == "BAD SCAN", "{status:?}");
    assert!(frame.contains("BAD SCAN"), "the error reached the screen");
    // Once it was on screen, the next good scan clears it as usual.
    rt.step(keys("RT00000003<enter>")).unwrap();
    assert!(rt.state().status.is_none());
}

#[test]
fn count_frames_follow_the_vt_byte_rules_at_every_size() {
    assert_vt_rules_at_every_size(
        db,
        &[
            "1",
            "<down><f8>",
            "2",
            "1",
            "RT00000001<enter>",
            "WH1/A/01<enter>",
            "RT00000001<enter>RT00000001<enter>",
            &format!("{IMEI_BAD}<enter>"),
            "<enter>",
            "0109506000134352<gs>21RT00000002<enter>",
            "<f8><f2>",
            "<f1>",
            "0<f4>",
            "<f6>",
        ],
    );
}

// ---------------------------------------------------------------- the guide

/// Every screen capture in `docs/count.md` is one of the snapshots above, exactly (so the
/// guide shows what the screens really draw).
#[test]
fn the_clerks_guide_shows_real_screens() {
    let doc = assert_guide_shows_real_screens("docs/count.md", "tui_count__", 15);
    for needle in [
        "#TM:FINISH",
        "#TM:UNDO",
        "#TM:LOCATION",
        "1=Yes 2=No",
        "tallyman count open",
        "tallyman labels commands",
    ] {
        assert!(doc.contains(needle), "docs/count.md lacks {needle:?}");
    }
}

/// An answer that arrives while the next scan is being typed (the worker answers late)
/// must not wipe the characters typed so far: the PTY burst test once lost "PTY0" of a
/// serial this way.
#[test]
fn a_late_answer_keeps_the_next_scan_being_typed() {
    let db = db();
    let app = app(&db);
    let mut app = app;
    app.keys(AT_A01);
    // From here the service answers only when the test says so.
    let recorder = tallyman::tui::testing::RecordingRunner::default();
    let seen = recorder.seen.clone();
    let mut app = app.with_runner(Box::new(recorder));
    app.keys("RT00000001<enter>RT000");
    assert_eq!(seen.lock().unwrap().len(), 1, "the first scan went out");
    let mut real = ops_runner_for(&app.state, db.svc.clone());
    let effect = seen.lock().unwrap()[0].clone();
    let from = app.state.top_visit();
    let actions = tallyman::tui::action::EffectRunner::run(&mut real, effect);
    app.send(tallyman::tui::action::Action::Answered { from, actions });
    assert_eq!(answer(&app).kind, AnswerKind::Counted);
    assert_eq!(
        app.state.field.value(),
        "RT000",
        "typed characters were lost"
    );
    app.keys("00002<enter>");
    let sent = seen.lock().unwrap().clone();
    assert!(
        matches!(
            sent.last(),
            Some(tallyman::tui::action::Effect::Call {
                to: tallyman::tui::screens::Asker::CountScan(
                    tallyman::tui::screens::count_scan::requests::Asked::Scan { raw, .. }
                ),
                ..
            }) if raw == "RT00000002"
        ),
        "{sent:?}"
    );
}

/// Finishing while scans still wait for an earlier answer sends them all, in order, each at
/// the location the labels before it set, although the screen never saw those answers.
#[test]
fn finishing_with_scans_waiting_loses_none_and_keeps_their_locations() {
    let db = db();
    let mut app = app(&db);
    app.keys("11");
    // From here nothing is answered: keys go through the pure update only, and the effects
    // it asks for pile up as they would while the worker is busy.
    let mut sent = Vec::new();
    let script =
        "WH1/A/01<enter>RT00000001<enter>WH1/A/02<enter>RT00000006<enter>#TM:FINISH<enter>";
    for k in parse_script(script).unwrap() {
        sent.extend(tallyman::tui::update::update(
            &mut app.state,
            tallyman::tui::action::Action::Key(k),
        ));
    }
    assert!(
        sent.iter().any(|e| matches!(
            e,
            tallyman::tui::action::Effect::FlushScans { steps, .. } if steps.len() == 3
        )),
        "{sent:?}"
    );
    let mut real = ops_runner_for(&app.state, db.svc.clone());
    for effect in sent {
        tallyman::tui::action::EffectRunner::run(&mut real, effect);
    }
    let at: Vec<(String, String, String)> = scans(&db, 1)
        .iter()
        .map(|s| {
            (
                s.serial.to_string(),
                s.location.clone(),
                s.verdict.name().to_string(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("RT00000001".into(), "WH1/A/01".into(), "counted".into()),
            ("RT00000006".into(), "WH1/A/02".into(), "counted".into()),
        ]
    );
}

/// A refused scan keeps its why in the last scans after later scans pushed its answer away:
/// on the row below it on a narrow screen, on its row on wide ones.
#[test]
fn a_refused_scan_keeps_its_why_in_the_last_scans() {
    for (w, h, want) in [
        // Cut after a whole word and marked, never mid-word as if whole.
        (20, 16, " IMEI fails its...  |"),
        (40, 8, "x 490154203237519      IMEI fails its...|"),
        (80, 24, "bad scan: IMEI fails its check digit: rescan"),
    ] {
        let db = db();
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        app.keys(&format!("{AT_A01}{IMEI_BAD}<enter>"));
        // The field kept the bad scan for correction; a scan replaces it.
        app.keys("RT00000001<enter>");
        let s = app.state.count_session().unwrap();
        let bad = s.recent.iter().find(|r| r.serial == IMEI_BAD).unwrap();
        assert_eq!(bad.number, None, "nothing recorded");
        assert!(
            s.recent
                .iter()
                .any(|r| r.serial == "RT00000001" && r.number.is_some()),
            "the next scan counted: {:?}",
            s.recent
        );
        assert!(
            bad.why.as_deref().unwrap().contains("check digit"),
            "{bad:?}"
        );
        assert!(
            s.recent.iter().filter(|r| r.why.is_some()).count() == 1,
            "a counted scan has no why: {:?}",
            s.recent
        );
        let screen = app.render();
        assert!(screen.contains(want), "{w}x{h}:\n{screen}");
        assert!(
            !screen.contains("BAD SCAN  "),
            "the answer moved on:\n{screen}"
        );
    }
}

/// A counter who finishes and comes back is put back at the location of their last scan in
/// the count: the next serial counts there without a location label.
#[test]
fn rejoining_puts_the_counter_back_at_their_last_location() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    app.keys(&format!("{AT_A01}RT00000001<enter>"));
    app.keys("<f4>");
    assert!(!matches!(app.screen(), Screen::CountScan(_)), "finished");
    app.keys("1");
    assert!(matches!(app.screen(), Screen::CountScan(_)));
    let s = app.state.count_session().unwrap();
    assert_eq!(s.location.as_deref(), Some("WH1/A/01"), "{:?}", s.location);
    assert!(app.render().contains("Loc: WH1/A/01"), "{}", app.render());
    app.keys("RT00000002<enter>");
    let a = answer(&app);
    assert_eq!(a.kind, AnswerKind::Counted, "{a:?}");
    assert_eq!(a.location, "WH1/A/01");
}

// ---------------------------------------------------------------- bins done

#[test]
fn a_counter_finishes_a_bin_with_a_key_or_the_done_barcode() {
    let db = db();
    let mut app = app(&db);
    // Before any location there is no bin to finish.
    app.keys("11<f7>");
    assert_eq!(
        app.status(),
        Some(tallyman::ops::count_input::bin_first().message.as_str())
    );
    assert_eq!(app.bells, 1);
    app.keys("<enter>WH1/A/01<enter>RT00000001<enter><f7>");
    assert_eq!(
        app.status(),
        Some("Bin WH1/A/01 counted (1 done). Scan the next label.")
    );
    assert!(app.render().contains("scan a label"), "{}", app.render());
    // The command barcode does the same for the next bin.
    app.keys("WH1/A/02<enter>#TM:DONE<enter>");
    assert_eq!(
        app.status(),
        Some("Bin WH1/A/02 counted (2 done). Scan the next label.")
    );
    let bins: Vec<String> = db
        .svc
        .store()
        .counted_bins(CountId(1))
        .unwrap()
        .into_iter()
        .map(|b| format!("{} by {}", b.location, b.counter))
        .collect();
    assert_eq!(bins, ["WH1/A/01 by clerk1", "WH1/A/02 by clerk1"]);
}

#[test]
fn snapshot_bin_done() {
    snap(
        "count_bin_done",
        &format!("{AT_A01}RT00000001<enter><f7>"),
        &SIZES,
        &[Profile::Vt],
    );
}

// ---------------------------------------------------------------- quantity goods

/// Batteries counted by quantity: 48 at WH1/A/01 on the books.
fn with_batteries(db: &Db) {
    db.svc
        .execute(
            "setup",
            product(
                "BAT-AA",
                "AA battery",
                SerialFormat::Plain,
                None,
                Mode::None,
            ),
        )
        .unwrap();
    let mut receipt = match doc(DocKind::Receipt, "BAT-AA", &[], Some("WH1/A/01")) {
        Command::Post(r) => r,
        _ => unreachable!(),
    };
    receipt.lines = vec![LineRequest {
        sku: "BAT-AA".into(),
        serial: None,
        qty: 48,
        amount: None,
    }];
    db.svc.execute("setup", Command::Post(receipt)).unwrap();
}

#[test]
fn a_product_counted_by_quantity_asks_how_many() {
    let db = db();
    with_batteries(&db);
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    // Count 2 is open counting over WH2/A/01; count 1 is blind over WH1/A.
    app.keys(&format!("{AT_A01}bat-aa<enter>"));
    assert!(
        matches!(app.screen(), Screen::Prompt(_)),
        "{}",
        app.render()
    );
    assert!(app.render().contains("Qty:"), "{}", app.render());
    // Not a number: said, the question stays.
    app.keys("lots<enter>");
    assert!(app.state.has_error());
    assert!(matches!(app.screen(), Screen::Prompt(_)));
    // Nor is a number too large for a quantity: no serial of the count either.
    app.keys("<enter>99999999999<enter>");
    assert!(app.state.has_error());
    assert!(matches!(app.screen(), Screen::Prompt(_)));
    app.keys("<enter>24<enter>");
    assert!(matches!(app.screen(), Screen::CountScan(_)));
    assert_eq!(
        app.status(),
        Some("24 x BAT-AA counted; here 24 at WH1/A/01")
    );
    app.keys("BAT-AA<enter>20<enter>");
    assert_eq!(
        app.status(),
        Some("20 x BAT-AA counted; here 44 at WH1/A/01")
    );
    // A box counted twice: a minus number takes it back.
    app.keys("BAT-AA<enter>-20<enter>");
    assert_eq!(
        app.status(),
        Some("20 x BAT-AA taken back; here 24 at WH1/A/01")
    );
    let count = db.svc.store().count(CountId(1)).unwrap().unwrap();
    assert_eq!(count.scans, 0, "a quantity is no scan");
    assert_eq!(count.counters, ["clerk1"], "but its counter counted");
}

#[test]
fn snapshot_quantity_goods() {
    for (w, h) in SIZES {
        let db = db();
        with_batteries(&db);
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        app.keys(&format!("{AT_A01}BAT-AA<enter>"));
        insta::assert_snapshot!(format!("count_qty_ask_{w}x{h}_vt"), app.render());
        app.keys("24<enter>");
        insta::assert_snapshot!(format!("count_qty_counted_{w}x{h}_vt"), app.render());
    }
}

#[test]
fn snapshot_new_count_questions() {
    for (w, h) in SIZES {
        let db = db();
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        app.keys("1/n<enter>");
        insta::assert_snapshot!(format!("count_new_scope_{w}x{h}_vt"), app.render());
        app.keys("WH1/A<enter>");
        insta::assert_snapshot!(format!("count_new_kind_{w}x{h}_vt"), app.render());
        app.keys("21");
        insta::assert_snapshot!(format!("count_new_opened_{w}x{h}_vt"), app.render());
    }
}

/// A serial two products share, scanned without its product label: NOT SAVED with how to
/// tell them apart, nothing recorded, the bell; the label with it counts.
#[test]
fn a_serial_two_products_share_is_not_saved_until_its_label_says_which() {
    let db = db();
    db.svc
        .execute(
            "setup",
            product("RT-B", "Router B", SerialFormat::Plain, None, Mode::Strict),
        )
        .unwrap();
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "RT-B", &["RT00000001"], Some("WH1/A/01")),
        )
        .unwrap();
    let mut app = app(&db);
    app.keys(AT_A01);
    let scans_before = db.svc.store().count(CountId(1)).unwrap().unwrap().scans;
    app.keys("RT00000001<enter>");
    let a = answer(&app);
    assert_eq!(
        (a.kind, a.headline.as_str()),
        (AnswerKind::Refused, "NOT SAVED")
    );
    let screen = app.render();
    assert!(screen.contains("NOT SAVED"), "{screen}");
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("several products (RT-AX55, RT-B)"),
        "{screen}"
    );
    assert_eq!(
        db.svc.store().count(CountId(1)).unwrap().unwrap().scans,
        scans_before,
        "nothing recorded"
    );
    app.keys(&format!("(01){ROUTER_GTIN}(21)RT00000001<enter>"));
    let a = answer(&app);
    assert_eq!(
        (a.kind, a.headline.as_str()),
        (AnswerKind::Counted, "COUNTED")
    );
}
