//! The mismatch screens driven by key scripts through `update`, with every effect run by the
//! real `OpsRunner` over a real temporary database: the count picker (menu 2), the figures and
//! the grouped lists, every fix (replace serial number on a sale and on a receipt, from a
//! surplus with the suggestion key or from a shortage with a scan; relocate; receive found
//! stock; write off with a numbered reason; accept with a numbered or typed note), undo,
//! posting with `1=Yes 2=No`, details, find, refusals as sticky errors; one reconciliation per
//! open or refresh; snapshots at 20x16, 40x8 and 80x24 in both profiles with a fixed clock;
//! the vt byte rules on these screens.

mod support;
use std::sync::{Arc, Mutex};
use support::build::party;
use support::screens::{
    app, app_on, assert_draws_at_every_size, assert_guide_shows_real_screens, keys, vt_runtime,
    PROFILES, SIZES,
};
use support::Db;
use support::ScreenClock;

use tallyman::domain::{CountId, CountStatus, DocKind, Mode, PartyRole, SerialFormat, UnitState};
use tallyman::ops::local::Service;
use tallyman::ops::{Call, Command, Query};
use tallyman::tui::app::Screen;
use tallyman::tui::screens::mismatch::state::ListKind;
use tallyman::tui::screens::popups::state::{Choice, Prompt};
use tallyman::tui::testing::{counting_runner_for, TestApp, TestSetup};
use tallyman::tui::vt_filter::vt_violations;
use tallyman::tui::Profile;

const ROUTER_GTIN: &str = "09506000134352";

use support::build::named_product as product;

fn doc(kind: DocKind, sku: &str, serials: &[&str], to: Option<&str>) -> Command {
    support::build::new_doc(kind, sku)
        .parties("Northwind Distribution", "ACME Retail")
        .serials(serials)
        .to(to)
        .reason(None)
        .cmd()
}

fn open_count(svc: &Service, name: &str, location: &str) {
    support::open_named_count(svc, name, location, &[], true);
}

fn scan(svc: &Service, count: u32, at: &str, raw: &str) {
    svc.record_scan("clerk2", CountId(count), at, raw).unwrap();
}

/// Count 1 "Swap" over bin WH1/A/01: routers RT00000001-5 and RT00000009 were received
/// there, RT00000009 was sold to ACME Retail; the clerk scanned RT00000001, 2, 3, 5 and 9
/// (the sale shipped RT00000004 by mistake). Count 2 "Cage" over WH1/B/01: cables
/// CB-000001-3 and routers RT00000011-12 there, router RT00000006 at WH2/A/01; scanned
/// CB-000001, RT00000011, a typo CB-00002, RT00000006 (elsewhere) and a GS1 label of an
/// unknown router RT00000077. Count 3 "Shelf" over WH2/A/01, in review, nothing scanned.
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
            "CBL-USBC",
            "USB-C cable",
            SerialFormat::Plain,
            None,
            Mode::Soft,
        ),
        party("Northwind Distribution", PartyRole::Supplier),
        party("ACME Retail", PartyRole::Customer),
    ];
    for code in ["WH1/A/01", "WH1/B/01", "WH2/A/01"] {
        cmds.push(Command::AddLocation {
            code: code.into(),
            name: String::new(),
        });
    }
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    for c in [
        doc(
            DocKind::Receipt,
            "RT-AX55",
            &[
                "RT00000001",
                "RT00000002",
                "RT00000003",
                "RT00000004",
                "RT00000005",
                "RT00000009",
            ],
            Some("WH1/A/01"),
        ),
        doc(DocKind::Sale, "RT-AX55", &["RT00000009"], None),
        doc(
            DocKind::Receipt,
            "CBL-USBC",
            &["CB-000001", "CB-000002", "CB-000003"],
            Some("WH1/B/01"),
        ),
        doc(
            DocKind::Receipt,
            "RT-AX55",
            &["RT00000011", "RT00000012"],
            Some("WH1/B/01"),
        ),
        doc(
            DocKind::Receipt,
            "RT-AX55",
            &["RT00000006"],
            Some("WH2/A/01"),
        ),
    ] {
        svc.execute("setup", c).unwrap();
    }
    open_count(&svc, "Swap", "WH1/A/01");
    for s in [
        "RT00000001",
        "RT00000002",
        "RT00000003",
        "RT00000005",
        "RT00000009",
    ] {
        scan(&svc, 1, "WH1/A/01", s);
    }
    open_count(&svc, "Cage", "WH1/B/01");
    for s in [
        "CB-000001".to_string(),
        "RT00000011".to_string(),
        "CB-00002".to_string(),
        "RT00000006".to_string(),
        format!("01{ROUTER_GTIN}21RT00000077"),
    ] {
        scan(&svc, 2, "WH1/B/01", &s);
    }
    open_count(&svc, "Shelf", "WH2/A/01");
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

fn unit_state(db: &Db, serial: &str) -> UnitState {
    let units = db.svc.lookup(serial).unwrap();
    assert_eq!(units.len(), 1, "{serial}");
    units[0].unit.state.clone()
}

fn open(app: &TestApp) -> usize {
    app.state.mismatch().and_then(|s| s.open()).unwrap()
}

fn list(app: &TestApp) -> ListKind {
    app.state.mismatch().unwrap().list
}

fn marked(app: &TestApp) -> String {
    app.state
        .mismatch()
        .and_then(|s| s.marked_serial())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn count_status(db: &Db, id: u32) -> CountStatus {
    db.svc.store().count(CountId(id)).unwrap().unwrap().status
}

/// Menu 2, the count on line `n` of the picker.
fn at_count(n: u32) -> String {
    format!("2{n}")
}

// ---------------------------------------------------------------- picker and screen

#[test]
fn menu_entry_2_picks_a_count_then_shows_its_buckets() {
    let db = db();
    let mut app = app(&db);
    let text = app.render();
    assert!(text.contains("2 Mismatches"), "{text}");
    app.keys("2");
    assert!(matches!(app.screen(), Screen::MismatchCounts(_)));
    let ids: Vec<u32> = app.state.counts().unwrap().iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [1, 2, 3], "open and in review");
    assert!(app.render().contains("Enter Open"), "{}", app.render());
    // A count in review opens too (fixes are allowed until it is posted).
    app.keys("3");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(open(&app), 1);
    assert_eq!(
        (list(&app), marked(&app).as_str()),
        (ListKind::Short, "RT00000006")
    );
    assert!(
        app.render().contains("Nothing surplus."),
        "{}",
        app.render()
    );
    app.keys("0");
    assert!(matches!(app.screen(), Screen::MismatchCounts(_)));
    assert!(app.state.mismatch().is_none());
    // The mark stays on the count last opened.
    app.keys("<up><enter>");
    let s = app.state.mismatch().cloned().unwrap();
    assert_eq!(s.count, CountId(2));
    let m = &s.data.as_ref().unwrap().m;
    assert_eq!(
        (
            m.rec.matched.len(),
            m.rec.shortage.len(),
            m.rec.surplus.len()
        ),
        (2, 3, 3)
    );
    let text = app.render();
    for want in [
        "Open 6",
        "Short 3",
        "Surplus 3",
        "Matched 2",
        "CBL-USBC USB-C cable (2)",
        "RT-AX55 Router AX55 (1)",
        "CB-000002",
        "CB-00002",
        "elsewhere",
        "unknown",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // A digit with no count on its line is an error.
    app.keys("0");
    app.keys("8");
    assert_eq!(app.status(), Some("No count on line 8"));
}

#[test]
fn the_sale_swap_is_fixed_with_the_suggestion_key_and_posted() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    assert_eq!(open(&app), 2);
    // The surplus is marked first; its top suggestion is the router that is short.
    assert_eq!(
        (list(&app), marked(&app).as_str()),
        (ListKind::Surplus, "RT00000009")
    );
    let s = app.state.mismatch().cloned().unwrap();
    assert_eq!(s.suggestions[0].missing.as_str(), "RT00000004");
    let text = app.render();
    assert!(text.contains("sold to ACME Retail on S-"), "{text}");
    assert!(text.contains("1 Replace by RT00000004"), "{text}");
    // One key, then what it rewrites is shown first: nothing changes until 1=Yes.
    app.keys("1");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    let text = app.render();
    assert!(
        text.contains("line RT00000009 becomes RT00000004")
            && text.contains("RT00000009 is back in stock")
            && text.contains("at WH1/A/01?")
            && text.contains("1=Yes 2=No"),
        "{text}"
    );
    assert!(text.contains("Sale S-2026-0001"), "{text}");
    assert_eq!(open(&app), 2, "nothing changed before the answer");
    app.keys("1");
    assert_eq!(app.status(), Some("#1 replace-on-sale done"));
    assert_eq!(app.bells, 0);
    assert_eq!(open(&app), 0);
    assert!(matches!(
        unit_state(&db, "RT00000004"),
        UnitState::Sold { .. }
    ));
    assert_eq!(
        unit_state(&db, "RT00000009"),
        UnitState::InStock {
            location: "WH1/A/01".into()
        }
    );
    let text = app.render();
    assert!(text.contains("Open 0"), "{text}");
    assert!(text.contains("Nothing short."), "{text}");
    assert!(
        text.contains("9 Post"),
        "the footer offers posting:\n{text}"
    );
    // Posting asks first; 2 keeps the count open.
    app.keys("9");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    assert!(app.render().contains("1=Yes 2=No"), "{}", app.render());
    app.keys("2");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(count_status(&db, 1), CountStatus::Open);
    app.keys("/p<enter>1");
    assert_eq!(count_status(&db, 1), CountStatus::Posted);
    assert!(matches!(app.screen(), Screen::MismatchCounts(_)));
    assert_eq!(app.status(), Some("Count 1 posted"));
    let ids: Vec<u32> = app.state.counts().unwrap().iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [2, 3], "a posted count leaves the list");
}

#[test]
fn no_to_a_fix_closes_its_questions_and_changes_nothing() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    // From a shortage: the prompt, the scan, the question; 2 closes both.
    app.keys("77");
    assert_eq!(marked(&app), "RT00000004");
    app.keys("1RT00000009<enter>");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    app.keys("2");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(app.status(), Some("Not done: nothing changed"));
    assert_eq!(open(&app), 2);
    assert!(matches!(
        unit_state(&db, "RT00000009"),
        UnitState::Sold { .. }
    ));
    // A scan on the question does nothing; Back is a no too.
    app.keys("<tab>1");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    app.keys("RT00000004<enter>");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    assert_eq!(open(&app), 2);
    app.keys("0");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(open(&app), 2);
    let m = &app.state.mismatch().unwrap().data.as_ref().unwrap().m;
    assert!(m.resolutions.is_empty(), "{:?}", m.resolutions);
}

#[test]
fn a_desk_without_confirmation_fixes_with_one_key() {
    let db = db();
    let mut setup = TestSetup::default();
    setup.config.confirm_fixes = false;
    let mut app = app_on(&db, setup);
    app.keys(&at_count(1));
    app.keys("1");
    assert_eq!(app.status(), Some("#1 replace-on-sale done"));
    assert_eq!(open(&app), 0);
}

#[test]
fn posting_with_open_mismatches_is_refused_without_asking() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    app.keys("9");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(app.status(), Some("2 open: fix or accept each first"));
    assert_eq!(app.bells, 1);
    assert_eq!(count_status(&db, 1), CountStatus::Open);
}

#[test]
fn undo_takes_a_fix_back_until_the_count_is_posted() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    app.keys("11");
    assert_eq!(open(&app), 0);
    // From any list, undo takes back the newest fix.
    app.keys("8");
    assert_eq!(app.status(), Some("#1 undone"));
    assert_eq!(open(&app), 2);
    assert!(matches!(
        unit_state(&db, "RT00000009"),
        UnitState::Sold { .. }
    ));
    // The fixed list shows it undone; undoing it again is refused by the service.
    app.keys("<tab>");
    assert_eq!(list(&app), ListKind::Fixed);
    let text = app.render();
    assert!(text.contains("#1 undone: replace"), "{text}");
    assert!(
        text.contains("replace \"RT00000009\" by \"RT00000004\""),
        "{text}"
    );
    app.keys("/u<enter>");
    assert!(app.state.has_error());
    assert!(
        app.status().unwrap().contains("undone already"),
        "{:?}",
        app.status()
    );
    assert_eq!(app.bells, 1);
    // Fix again, undo the marked one in the fixed list.
    app.keys("<enter><tab><tab>11<tab>");
    assert_eq!(list(&app), ListKind::Fixed);
    assert_eq!(
        app.state.mismatch().unwrap().resolution().unwrap().number,
        2
    );
    app.keys("<f8>");
    assert_eq!(app.status(), Some("#2 undone"));
    assert_eq!(open(&app), 2);
}

#[test]
fn replace_from_a_shortage_asks_for_the_counted_serial() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    app.keys("77");
    assert_eq!(
        (list(&app), marked(&app).as_str()),
        (ListKind::Short, "RT00000004")
    );
    app.keys("1");
    assert_eq!(
        app.screen(),
        &Screen::Prompt(Prompt::FoundAs {
            missing: "RT00000004".into()
        })
    );
    // A serial that is not the surplus is refused by the service: sticky, the prompt stays
    // with the scan in the field to correct.
    app.keys("RT00000001<enter>");
    assert!(app.state.has_error());
    assert!(matches!(app.screen(), Screen::Prompt(_)));
    assert_eq!(app.bells, 1);
    let text = app.render();
    assert!(text.contains("RT00000001"), "{text}");
    // The scanner's GS1 label of the right unit.
    app.keys(&format!("01{ROUTER_GTIN}21RT00000009<enter>"));
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    app.keys("1");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(app.status(), Some("#1 replace-on-sale done"));
    assert_eq!(open(&app), 0);
}

#[test]
fn a_receipt_typo_is_replaced_by_its_nearest_shortage() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    app.keys("/f<enter>CB-00002<enter>");
    assert_eq!(marked(&app), "CB-00002");
    let s = app.state.mismatch().cloned().unwrap();
    assert_eq!(s.suggestions[0].missing.as_str(), "CB-000002");
    assert!(s.suggestions[0].why.contains("typo"), "{:?}", s.suggestions);
    app.keys("1");
    assert!(
        app.render().contains("line CB-000002 becomes CB-00002"),
        "{}",
        app.render()
    );
    app.keys("1");
    assert_eq!(app.status(), Some("#1 replace-on-receipt done"));
    assert_eq!(
        unit_state(&db, "CB-00002"),
        UnitState::InStock {
            location: "WH1/B/01".into()
        }
    );
    assert_eq!(open(&app), 4);
}

#[test]
fn relocate_and_receive_found_stock() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    // Typed straight on the screen, a serial that starts with a letter goes to its row.
    app.keys("RT00000006<enter>");
    assert_eq!(marked(&app), "RT00000006");
    assert_eq!(app.status(), Some("RT00000006: Surplus"));
    // Receive is for unknown serials.
    app.keys("3");
    assert!(
        app.status().unwrap().contains("is known"),
        "{:?}",
        app.status()
    );
    app.keys("<enter>2");
    assert!(
        app.render()
            .contains("Transfer RT00000006 from WH2/A/01 to WH1/B/01?"),
        "{}",
        app.render()
    );
    app.keys("1");
    assert_eq!(app.status(), Some("#1 relocate done"));
    assert_eq!(
        unit_state(&db, "RT00000006"),
        UnitState::InStock {
            location: "WH1/B/01".into()
        }
    );
    // The GS1 label named the product: one key.
    app.keys("RT00000077<enter>31");
    assert_eq!(app.status(), Some("#2 receive-found done"));
    assert_eq!(
        unit_state(&db, "RT00000077"),
        UnitState::InStock {
            location: "WH1/B/01".into()
        }
    );
    // A plain unknown scan asks for the product; a wrong one is refused in the prompt.
    app.keys("CB-00002<enter>3");
    assert_eq!(
        app.screen(),
        &Screen::Prompt(Prompt::Product {
            serial: "CB-00002".into()
        })
    );
    app.keys("NOPE<enter>");
    assert!(app.state.has_error());
    assert!(app.status().unwrap().starts_with("No product \"NOPE\""));
    app.keys("cbl-usbc<enter>");
    assert!(
        app.render()
            .contains("Receive CB-00002 at WH1/B/01 as found stock?"),
        "{}",
        app.render()
    );
    app.keys("1");
    assert_eq!(app.status(), Some("#3 receive-found done"));
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(open(&app), 3);
}

#[test]
fn write_off_asks_a_numbered_reason() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    app.keys("/f<enter>CB-000003<enter>");
    assert_eq!(
        (list(&app), marked(&app).as_str()),
        (ListKind::Short, "CB-000003")
    );
    app.keys("4");
    assert_eq!(
        app.screen(),
        &Screen::Choose(Choice::WriteOffReason {
            serial: "CB-000003".into()
        })
    );
    let text = app.render();
    for want in ["1=Damaged", "2=Lost", "3=Stolen", "4=Other"] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    app.keys("7");
    assert_eq!(app.status(), Some("No option 7"));
    // Back leaves it as it was.
    app.keys("<enter>0");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(open(&app), 6);
    app.keys("42");
    assert!(
        app.render()
            .contains("Write off CB-000003 at WH1/B/01: count 2: Lost?"),
        "{}",
        app.render()
    );
    app.keys("1");
    assert_eq!(app.status(), Some("#1 write-off done"));
    assert_eq!(unit_state(&db, "CB-000003"), UnitState::WrittenOff);
    let units = db.svc.lookup("CB-000003").unwrap();
    let last = units[0].timeline.last().unwrap();
    assert_eq!(last.entry.reason.as_deref(), Some("count 2: Lost"));
    // Write-off is for shortages.
    app.keys("RT00000006<enter>4");
    assert_eq!(app.status(), Some("Write off is for short rows"));
}

#[test]
fn accept_with_a_numbered_note_or_a_typed_one() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    app.keys("RT00000012<enter>5");
    assert!(matches!(
        app.screen(),
        Screen::Choose(Choice::AcceptNote { .. })
    ));
    app.keys("1");
    assert_eq!(app.status(), Some("#1 accept done"));
    assert_eq!(open(&app), 5);
    let d = app.state.mismatch().unwrap().data.clone().unwrap();
    assert!(d.m.resolutions[0]
        .resolution
        .serials()
        .iter()
        .any(|s| s.as_str() == "RT00000012"));
    // Accepted rows carry the mark and cannot be accepted twice.
    assert!(app.render().contains("A RT00000012"), "{}", app.render());
    app.keys("5");
    assert_eq!(app.status(), Some("RT00000012 is accepted already"));
    // The last option asks for a typed note.
    app.keys("<enter>CB-00002<enter>54");
    assert_eq!(
        app.screen(),
        &Screen::Prompt(Prompt::Note {
            serial: "CB-00002".into()
        })
    );
    app.keys("label on the bin<enter>");
    assert_eq!(app.status(), Some("#2 accept done"));
    let d = app.state.mismatch().unwrap().data.clone().unwrap();
    let text = tallyman::tui::screens::mismatch::words::resolution_what(&d.m.resolutions[1]);
    assert_eq!(text, "accept \"CB-00002\": label on the bin");
}

#[test]
fn fixes_for_the_other_list_are_errors_and_nothing_changes() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    for (keys, want) in [
        (
            "2",
            "RT00000009 is not in stock elsewhere: nothing to relocate",
        ),
        ("4", "Write off is for short rows"),
        ("<tab>3", "Receive is for surplus rows"),
        ("1", "Replace SN is for short or surplus rows"),
        ("8", "Nothing to undo"),
    ] {
        app.keys(keys);
        assert_eq!(app.status(), Some(want), "{keys}");
    }
    assert_eq!(app.bells, 5);
    assert_eq!(open(&app), 2);
}

#[test]
fn details_show_the_units_state_last_documents_and_fixes() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    app.keys("<enter>");
    assert_eq!(app.screen(), &Screen::MismatchDetails);
    let text = app.render();
    for want in [
        "RT00000009",
        "RT-AX55 Router AX55",
        "Surplus: sold to ACME Retail on S-",
        "Now: sold to ACME Retail",
        "Last documents",
        "sold S-",
        "received R-",
        "Northwind Distribution",
        "1 Replace by RT00000004",
        "5 Accept",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // The fix keys work here too; afterwards the list is back.
    app.keys("6");
    assert_eq!(app.screen(), &Screen::MismatchDetails);
    app.keys("11");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(open(&app), 0);
    // An unknown serial has no unit.
    let mut app = self::app(&db);
    app.keys(&at_count(2));
    app.keys("CB-00002<enter><enter>");
    assert!(
        app.render().contains("No unit has this serial"),
        "{}",
        app.render()
    );
    app.keys("0");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
}

#[test]
fn find_goes_to_a_serial_or_says_it_is_no_mismatch() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    app.keys("<f2>");
    assert_eq!(app.screen(), &Screen::Prompt(Prompt::Find));
    app.keys("RT00000011<enter>");
    assert_eq!(app.status(), Some("RT00000011 is no mismatch of count 2"));
    assert!(matches!(app.screen(), Screen::Prompt(_)), "to scan another");
    app.keys(&format!("01{ROUTER_GTIN}21RT00000012<enter>"));
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    assert_eq!(
        (list(&app), marked(&app).as_str()),
        (ListKind::Short, "RT00000012")
    );
}

#[test]
fn marks_move_by_row_page_and_wrap_and_survive_a_refresh() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(2));
    assert_eq!(marked(&app), "CB-00002");
    app.keys("<down>");
    assert_eq!(marked(&app), "RT00000006");
    app.keys("<down><down>");
    assert_eq!(marked(&app), "CB-00002", "wraps");
    app.keys("<up>");
    assert_eq!(marked(&app), "RT00000077");
    app.keys("<pgup>");
    assert_eq!(marked(&app), "CB-00002");
    app.keys("<ctrl-l>");
    assert_eq!(marked(&app), "CB-00002");
    app.keys("<pgdn>");
    assert_eq!(marked(&app), "RT00000077");
}

/// How many reconciliations the requests logged so far asked for, and how many requests.
fn reconciliations(calls: &Mutex<Vec<Call>>) -> (usize, usize) {
    let calls = calls.lock().unwrap();
    let rec = calls
        .iter()
        .filter(|c| {
            matches!(
                c,
                Call::Query(Query::Mismatches { .. })
                    | Call::ExecuteThen(_, Query::Mismatches { .. })
            )
        })
        .count();
    (rec, calls.len())
}

#[test]
fn one_reconciliation_per_open_and_per_refresh() {
    let db = db();
    let app = TestSetup::default().build();
    let (runner, calls) = counting_runner_for(&app.state, db.svc.clone());
    let mut app = app.with_runner(Box::new(runner));
    app.keys(&at_count(2));
    let (open, _) = reconciliations(&calls);
    assert_eq!(open, 1, "open");
    app.keys("<down><down><up><pgdn><tab><tab><tab><enter>0?0");
    assert_eq!(
        reconciliations(&calls).0,
        1,
        "moving, details and help compute nothing"
    );
    let before = reconciliations(&calls).1;
    app.keys("RT00000006<enter>2");
    assert_eq!(
        reconciliations(&calls),
        (1, before + 1),
        "the trial of a fix"
    );
    app.keys("1");
    let (rec, requests) = reconciliations(&calls);
    assert_eq!(rec, 2, "a fix refreshes once");
    assert_eq!(
        requests - before,
        2,
        "the trial, then the fix and its refresh in one request"
    );
    app.keys("/r<enter>");
    assert_eq!(reconciliations(&calls).0, 3, "redraw refreshes");
}

#[test]
fn help_lists_the_fixes_and_how_to_find_a_serial() {
    let db = db();
    let mut app = app(&db);
    app.keys(&at_count(1));
    app.keys("?");
    let text = app.render();
    for want in [
        "Pick a line, then press the number of a fix.",
        "Correct a wrong serial",
        "Write off a missing unit",
        "Undo the marked fix",
        "Post the count",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    app.keys("<pgdn>");
    let text = app.render();
    for want in ["press Find, then scan", "A accepted, * moved"] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    app.keys("0<f3>?");
    assert!(
        app.render().contains("see its mismatches"),
        "{}",
        app.render()
    );
}

/// At every size: the "too small" notice below 20x8, and from it on the screen's header and
/// what each step is about, in whole words: the counts, the rows and why they are not here,
/// the lists, and the status line's messages.
#[test]
fn every_size_renders_the_screen_or_the_too_small_notice() {
    let db = db();
    let mut app = app(&db);
    assert_draws_at_every_size(
        &mut app,
        &[
            ("2", &["Mismatches", "Swap", "Cage", "Shelf"]),
            (
                "2",
                &["Mismatches 2", "Surplus", "CB-00002", "never received"],
            ),
            ("<down>", &["RT00000006", "in stock at WH2/A/01"]),
            ("<tab>", &["Fixed", "Nothing fixed yet."]),
            ("<enter>", &["Details is for short or surplus rows"]),
            ("0<tab>", &["Cage", "WH1/B/01"]),
            ("4", &["No count on line 4"]),
            ("0/f<enter>", &["Menu", "Unknown code /f"]),
            ("0", &["Quit", "Unknown code /f"]),
        ],
    );
}

// ---------------------------------------------------------------- snapshots

support::screens::snap_fn!();

#[test]
fn snapshot_count_picker() {
    snap("mismatch_pick", "2", &SIZES, &PROFILES);
}

#[test]
fn snapshot_sale_swap() {
    snap("mismatch_swap", "21", &SIZES, &PROFILES);
}

#[test]
fn snapshot_sale_swap_fixed() {
    snap("mismatch_confirm_fix", "211", &SIZES, &[Profile::Vt]);
    snap("mismatch_swap_fixed", "2111", &SIZES, &[Profile::Vt]);
}

#[test]
fn snapshot_every_kind_of_mismatch() {
    snap("mismatch_cage", "22", &SIZES, &PROFILES);
    snap(
        "mismatch_cage_short",
        "22<tab><tab><down>",
        &SIZES,
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_details() {
    snap("mismatch_details", "21<enter>", &SIZES, &PROFILES);
}

#[test]
fn snapshot_questions() {
    snap(
        "mismatch_write_off",
        "22/f<enter>CB-000003<enter>4",
        &SIZES,
        &[Profile::Vt],
    );
    snap("mismatch_found_as", "21<tab><tab>1", &SIZES, &[Profile::Vt]);
    snap(
        "mismatch_post",
        "21119",
        &[(20, 16), (40, 8)],
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_fixed_list_and_refusal() {
    snap(
        "mismatch_fixed",
        "21118<tab>",
        &[(20, 16), (80, 24)],
        &[Profile::Vt],
    );
    snap(
        "mismatch_refused",
        "21<tab><tab>1RT00000001<enter>",
        &[(20, 16), (80, 24)],
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_help() {
    snap("mismatch_help", "21?", &[(80, 24)], &[Profile::Vt]);
}

// ---------------------------------------------------------------- vt bytes

#[test]
fn mismatch_frames_follow_the_vt_byte_rules_at_every_size() {
    for (w, h) in SIZES {
        let db = db();
        let (mut rt, buf) = vt_runtime(&db.svc, w, h);
        for script in [
            "2",
            "<down>",
            "<enter>",
            "<down><down><tab>",
            "<tab>",
            "<enter>",
            "0",
            "4",
            "1",
            "1",
            "RT00000006<enter>",
            "2",
            "1",
            "CB-00002<enter>",
            "5",
            "4",
            "note<enter>",
            "<tab>",
            "8",
            "9",
            "<f2>",
            "CB-00002<enter>",
            "1",
            "?",
            "0",
            "1",
            "<f3>",
            "1",
            "1",
            "1",
            "9",
            "1",
        ] {
            rt.step(keys(script)).unwrap();
            let bytes = buf.take();
            let v = vt_violations(&bytes);
            assert!(v.is_empty(), "{w}x{h} {script}: {v:?}");
            if std::env::var_os("TRACE").is_some() {
                eprintln!(
                    "{script:?}: {:?} {:?}",
                    rt.state().screen(),
                    rt.state().status
                );
            }
        }
        assert_eq!(count_status(&db, 1), CountStatus::Posted, "{w}x{h}");
    }
}

// ---------------------------------------------------------------- open time at 100k

// ---------------------------------------------------------------- the guide

/// Every screen capture in `docs/mismatch.md` is one of the snapshots above, exactly.
#[test]
fn the_supervisors_guide_shows_real_screens() {
    let doc = assert_guide_shows_real_screens("docs/mismatch.md", "tui_mismatch__", 10);
    for needle in ["1=Damaged", "1=Yes 2=No", "Find", "Replace SN"] {
        assert!(doc.contains(needle), "docs/mismatch.md lacks {needle:?}");
    }
}

// ---------------------------------------------------------------- bulk fixes and partial posting

fn finish_bin(db: &Db, count: u32, bin: &str) {
    db.svc
        .execute(
            "clerk2",
            Command::FinishBin {
                count: CountId(count),
                location: bin.into(),
            },
        )
        .unwrap();
}

#[test]
fn many_at_once_asks_which_why_and_how_many_then_posts_the_counted_bins() {
    let db = db();
    finish_bin(&db, 2, "WH1/B/01");
    let mut app = app(&db);
    app.keys(&at_count(2));
    assert_eq!(open(&app), 6);
    // The bulk key on the marked row: its bin, its product, or the counted bins' shortages.
    app.keys("/f<enter>CB-000003<enter>/a<enter>");
    let text = app.render();
    for want in [
        "1=Accept all of WH1/B/01",
        "2=Accept all CBL-USBC",
        "3=Write off short in counted bins",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // Write off: a reason, then the service's count of what it takes, then 1=Yes.
    app.keys("32");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    let text = app.render();
    assert!(
        text.contains("Write off 3 units short in the counted bins: Lost?"),
        "{text}"
    );
    assert_eq!(open(&app), 6, "nothing before the answer");
    app.keys("1");
    assert_eq!(app.status(), Some("#1-#3 done (3 fixes)"));
    assert_eq!(open(&app), 3);
    assert_eq!(unit_state(&db, "CB-000003"), UnitState::WrittenOff);
    // Accept the rest of the bin with a numbered note; No first changes nothing.
    app.keys("<tab>/a<enter>11");
    assert!(
        app.render()
            .contains("Accept 3 open mismatches of WH1/B/01 as they are: Known difference?"),
        "{}",
        app.render()
    );
    app.keys("2");
    assert_eq!(app.status(), Some("Not done: nothing changed"));
    assert_eq!(open(&app), 3);
    app.keys("/a<enter>111");
    assert_eq!(app.status(), Some("#4-#6 done (3 fixes)"));
    assert_eq!(open(&app), 0);
    // Posting a count with counted bins asks whose shortages count.
    app.keys("9");
    let text = app.render();
    assert!(text.contains("1=The counted bins only"), "{text}");
    assert!(text.contains("2=The whole scope"), "{text}");
    app.keys("1");
    assert!(
        app.render().contains("counted bins only"),
        "{}",
        app.render()
    );
    app.keys("1");
    assert_eq!(count_status(&db, 2), CountStatus::Posted);
    assert!(db.svc.store().posted_bins_only(CountId(2)).unwrap());
}

#[test]
fn snapshot_bulk_fixes_and_partial_posting() {
    for (w, h) in SIZES {
        let db = db();
        finish_bin(&db, 2, "WH1/B/01");
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        app.keys("22/f<enter>CB-000003<enter>/a<enter>");
        insta::assert_snapshot!(format!("mismatch_bulk_{w}x{h}_vt"), app.render());
        app.keys("32");
        insta::assert_snapshot!(format!("mismatch_bulk_confirm_{w}x{h}_vt"), app.render());
        app.keys("1<tab>/a<enter>111");
        app.keys("9");
        insta::assert_snapshot!(format!("mismatch_post_scope_{w}x{h}_vt"), app.render());
    }
}

/// A shortage a movement touched after the count opened (sold and returned to its bin) is
/// marked `[moved during count]` on the screen; the others are not.
#[test]
fn a_row_moved_during_the_count_is_marked_on_the_screen() {
    let db = db();
    let mut app = app(&db);
    let to_the_shortage = |app: &mut TestApp| {
        for _ in 0..3 {
            if marked(app) != "RT00000004" {
                app.keys("7"); // the next list
            }
        }
    };
    app.keys(&at_count(1));
    to_the_shortage(&mut app);
    assert_eq!(marked(&app), "RT00000004");
    assert!(
        !app.render().contains("[moved during count]"),
        "{}",
        app.render()
    );
    app.keys("0");
    for c in [
        doc(DocKind::Sale, "RT-AX55", &["RT00000004"], None),
        doc(
            DocKind::Return,
            "RT-AX55",
            &["RT00000004"],
            Some("WH1/A/01"),
        ),
    ] {
        db.svc.execute("setup", c).unwrap();
    }
    app.keys("<enter>");
    to_the_shortage(&mut app);
    assert_eq!(marked(&app), "RT00000004", "still short: back in its bin");
    let text = app.render();
    assert!(text.contains("[moved during count]"), "{text}");
}

// ---------------------------------------------------------------- header, messages, picker

/// A refusal longer than a line is shown once, whole: the status line wraps over the rows
/// under the list (no cut copy of it among them).
#[test]
fn a_wrapped_message_shows_once() {
    for (w, h) in [(20, 16), (40, 8)] {
        let db = db();
        let mut app = app_on(&db, TestSetup::new(w, h, Profile::Vt));
        // Count 1's surplus RT00000009 is sold: there is nothing to relocate.
        app.keys("212");
        let said = app.status().unwrap().to_string();
        assert!(said.contains("nothing to relocate"), "{said}");
        let screen = app.render();
        let words = app.words();
        assert_eq!(words.matches("is not in").count(), 1, "{screen}");
        assert!(words.contains("nothing to relocate"), "{screen}");
        insta::assert_snapshot!(format!("mismatch_refusal_once_{w}x{h}_vt"), screen);
    }
}

/// A count of 150 routers at WH2/B/01, 140 of them counted, and 12 serials nobody received:
/// two-digit and three-digit figures.
fn big_count(db: &Db) -> u32 {
    db.svc
        .execute(
            "setup",
            Command::AddLocation {
                code: "WH2/B/01".into(),
                name: String::new(),
            },
        )
        .unwrap();
    let serials: Vec<String> = (100..250).map(|i| format!("RT{i:08}")).collect();
    let refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    db.svc
        .execute(
            "setup",
            doc(DocKind::Receipt, "RT-AX55", &refs, Some("WH2/B/01")),
        )
        .unwrap();
    open_count(&db.svc, "Big", "WH2/B/01");
    for s in &serials[..140] {
        scan(&db.svc, 4, "WH2/B/01", s);
    }
    for i in 0..12 {
        scan(&db.svc, 4, "WH2/B/01", &format!("RT{:08}", 900 + i));
    }
    4
}

/// The header keeps "Matched" however large the figures: the duplicates go first, then the
/// gaps narrow and "Surplus" shortens.
#[test]
fn the_header_keeps_matched() {
    let big = db();
    let count = big_count(&big);
    let mut app = app_on(&big, TestSetup::new(20, 16, Profile::Vt));
    app.keys(&at_count(count));
    let screen = app.render();
    assert!(screen.contains("Matched 140"), "{screen}");
    assert!(screen.contains("Open 22"), "{screen}");
    assert!(screen.contains("Short 10"), "{screen}");
    assert!(screen.contains("Sur 12"), "{screen}");
    insta::assert_snapshot!("mismatch_big_20x16_vt", screen);
    // 40x8, the list of fixes (whose figure is no bucket): every bucket and matched.
    let db = db();
    let mut app = app_on(&db, TestSetup::new(40, 8, Profile::Vt));
    app.keys("2111<tab>");
    assert_eq!(list(&app), ListKind::Fixed);
    let screen = app.render();
    assert!(screen.contains("Matched 5"), "{screen}");
    insta::assert_snapshot!("mismatch_fixed_header_40x8_vt", screen);
}

/// With no count open or in review the picker says a supervisor opens one here (New count):
/// its footer shows the key, and the key opens one.
#[test]
fn the_empty_picker_shows_the_new_count_key_it_names() {
    for (w, h) in [(20, 16), (40, 8)] {
        let tmp = tempfile::tempdir().unwrap();
        let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(ScreenClock)).unwrap();
        let mut app = TestSetup::new(w, h, Profile::Vt)
            .build()
            .with_service(Arc::new(svc));
        app.keys("2");
        assert!(matches!(app.screen(), Screen::MismatchCounts(_)));
        let screen = app.render();
        assert!(screen.contains("(New count)"), "{screen}");
        assert!(screen.contains("F7 New count"), "{screen}");
        insta::assert_snapshot!(format!("mismatch_pick_empty_{w}x{h}_vt"), screen);
        app.keys("<f7>");
        assert_eq!(app.screen(), &Screen::Prompt(Prompt::CountScope));
    }
}

/// The wide header says the count's status once: "open counting, open" was a stutter.
#[test]
fn the_wide_header_says_the_status_of_an_open_counting_count_once() {
    let db = db();
    support::open_named_count(&db.svc, "Seen", "WH2/A/01", &[], false);
    let mut app = app_on(&db, TestSetup::new(80, 24, Profile::Vt));
    app.keys("24");
    let screen = app.render();
    assert!(
        screen.contains("Count 4 \"Seen\" over WH2/A/01, open "),
        "{screen}"
    );
    assert!(!screen.contains("open counting, open"), "{screen}");
}
