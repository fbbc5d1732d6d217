//! The reports screen (menu 8) driven by key scripts through `update`, with every effect run
//! by the real `OpsRunner` over a real temporary database: the numbered list of reports,
//! expiring within the config's expiring-soon days, warranty tracking (every sold unit), sold
//! to a customer (typed name; an unknown one is a sticky error with the bell); the band in
//! words, coloured only in the full profile; scrolling by rows; the date from the screens'
//! clock. Snapshots at 20x16, 40x8 and 80x24, and the vt byte rules on these screens.

use std::sync::Arc;

use chrono::NaiveDate;
use ratatui::style::Color;
use tallyman::domain::{
    CountId, Day, DocKind, Mode, Money, PartyRole, Period, SerialFormat, Tracking,
};
use tallyman::ops::{
    Clock, Command, DocRequest, LineRequest, NewCount, NewParty, NewProduct, Service,
};
use tallyman::tui::app::Screen;
use tallyman::tui::ask::{Choice, Prompt};
use tallyman::tui::backend::TermBackend;
use tallyman::tui::keys::parse_script;
use tallyman::tui::reports::ReportKind;
use tallyman::tui::terminal::InputEvent;
use tallyman::tui::testing::{ops_runner_for, test_clock, SharedBuf, TestApp, TestSetup};
use tallyman::tui::vt_filter::{vt_violations, VtFilter};
use tallyman::tui::{Action, Profile, Runtime};

/// The service's clock: 2026-01-02 14:05 UTC, the screens' test clock.
struct FixedClock;

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }
    fn today(&self) -> Day {
        Day::from_ymd(2026, 1, 2).unwrap()
    }
}

const ROUTER_GTIN: &str = "09506000134352";
const IMEI: &str = "490154203237518";

struct Db {
    _tmp: tempfile::TempDir,
    svc: Arc<Service>,
}

fn product(
    sku: &str,
    name: &str,
    format: SerialFormat,
    gtin: Option<&str>,
    warranty: Option<Period>,
) -> Command {
    Command::AddProduct(NewProduct {
        sku: sku.into(),
        name: name.into(),
        gtin: gtin.map(str::to_string),
        category: "goods".into(),
        tracking: Tracking::all(Mode::Strict),
        serial_format: format,
        warranty,
        fold_case: true,
    })
}

fn party(name: &str, role: PartyRole) -> Command {
    Command::AddParty(NewParty {
        name: name.into(),
        role,
        bill_to: String::new(),
        ship_to: String::new(),
    })
}

fn doc(kind: DocKind, date: &str, sku: &str, serials: &[&str], amount: &str) -> Command {
    Command::Post(DocRequest {
        kind,
        date: Some(Day::parse(date).unwrap()),
        party: match kind {
            DocKind::Receipt => Some("Northwind Distribution".into()),
            DocKind::Sale | DocKind::Return => Some("ACME Retail".into()),
            _ => None,
        },
        invoice: match kind {
            DocKind::Receipt => Some("PINV-77".into()),
            DocKind::Sale => Some("INV-1001".into()),
            _ => None,
        },
        from: None,
        to: (kind == DocKind::Receipt).then(|| "WH1/A/01".to_string()),
        reason: None,
        declared_qty: None,
        lines: serials
            .iter()
            .map(|s| LineRequest {
                sku: sku.into(),
                serial: Some(s.to_string()),
                qty: 1,
                amount: Some(Money::parse(amount).unwrap()),
            })
            .collect(),
    })
}

/// The phone (IMEI) sold 2025-01-20 with a 12-month warranty: expiring on 2026-01-02.
/// Routers (GS1 label): RT00000001 sold 2025-06-01 (24 months) then replaced under warranty
/// by RT00000004; RT00000002 sold 2023-01-10 (expired); RT00000003 in stock, counted.
/// Cable and adapter share serial SHARED-1.
fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    svc.execute(
        "setup",
        Command::Batch(vec![
            product(
                "PH-X200",
                "Phone X200",
                SerialFormat::Imei,
                None,
                Some(Period::Months(12)),
            ),
            product(
                "RT-AX55",
                "Router AX55",
                SerialFormat::Regex("RT[0-9]{8}".into()),
                Some(ROUTER_GTIN),
                Some(Period::Months(24)),
            ),
            product("CBL-USBC", "USB-C cable", SerialFormat::Plain, None, None),
            product("ADP-USBC", "USB-C adapter", SerialFormat::Plain, None, None),
            party("Northwind Distribution", PartyRole::Supplier),
            party("ACME Retail", PartyRole::Customer),
            Command::AddLocation {
                code: "WH1/A/01".into(),
                name: String::new(),
            },
        ]),
    )
    .unwrap();
    for c in [
        doc(DocKind::Receipt, "2024-12-02", "PH-X200", &[IMEI], "419.00"),
        doc(DocKind::Sale, "2025-01-20", "PH-X200", &[IMEI], "649.00"),
        doc(
            DocKind::Receipt,
            "2022-12-01",
            "RT-AX55",
            &["RT00000002"],
            "49.90",
        ),
        doc(
            DocKind::Sale,
            "2023-01-10",
            "RT-AX55",
            &["RT00000002"],
            "89.90",
        ),
        doc(
            DocKind::Receipt,
            "2025-05-02",
            "RT-AX55",
            &["RT00000001", "RT00000003", "RT00000004"],
            "54.90",
        ),
        doc(
            DocKind::Sale,
            "2025-06-01",
            "RT-AX55",
            &["RT00000001"],
            "89.90",
        ),
        doc(
            DocKind::Receipt,
            "2025-07-01",
            "CBL-USBC",
            &["SHARED-1"],
            "2.50",
        ),
        doc(
            DocKind::Receipt,
            "2025-07-01",
            "ADP-USBC",
            &["SHARED-1"],
            "4.00",
        ),
    ] {
        svc.execute("setup", c).unwrap();
    }
    svc.execute(
        "support",
        Command::RepairIntake {
            serial: "RT00000001".into(),
            service_type: None,
            note: "no wifi".into(),
        },
    )
    .unwrap();
    svc.execute(
        "support",
        Command::WarrantyReplace {
            old: "RT00000001".into(),
            new: "RT00000004".into(),
            policy: None,
            note: "dead on bench".into(),
        },
    )
    .unwrap();
    svc.execute(
        "super",
        Command::OpenCount(NewCount {
            name: "Bin".into(),
            location: "WH1/A/01".into(),
            skus: vec![],
            categories: vec![],
            blind: true,
        }),
    )
    .unwrap();
    svc.record_scan("clerk2", CountId(1), "WH1/A/01", "RT00000003")
        .unwrap();
    Db {
        _tmp: tmp,
        svc: Arc::new(svc),
    }
}

fn app_on(db: &Db, setup: TestSetup) -> TestApp {
    setup.build().with_service(db.svc.clone())
}

fn app(db: &Db) -> TestApp {
    app_on(db, TestSetup::default())
}

/// The serials of the report shown, in order.
fn serials(app: &TestApp) -> Vec<String> {
    app.state
        .report
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .map(|r| r.serial.clone())
        .collect()
}

#[test]
fn menu_entry_8_lists_the_reports_by_number() {
    let db = db();
    let mut app = app(&db);
    assert!(app.render().contains("8 Reports"), "{}", app.render());
    app.keys("8");
    assert_eq!(app.screen(), &Screen::Choose(Choice::Report { days: 30 }));
    let text = app.render();
    for want in [
        "Which report?",
        "1=Expiring within 30 days",
        "2=Warranty tracking",
        "3=Sold to a customer",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Menu);
}

#[test]
fn expiring_lists_sold_units_ending_within_the_configs_days() {
    let db = db();
    let mut app = app(&db);
    app.keys("81");
    assert_eq!(app.screen(), &Screen::Report);
    assert_eq!(serials(&app), [IMEI]);
    let text = app.render();
    for want in [
        "Expiring within 30 days",
        "1 unit on 2026-01-02",
        "Serial",
        "PH-X200",
        "18",
        "EXPIRING",
        "2026-01-20",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // Back to the list of reports, then the menu.
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Choose(Choice::Report { days: 30 }));
    assert!(app.state.report.is_none());
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Menu);

    // The days come from the config.
    let mut setup = TestSetup::default();
    setup.config.expiring_soon_days = 600;
    let mut app = app_on(&db, setup);
    app.keys("81");
    assert_eq!(serials(&app), [IMEI, "RT00000004"]);
    assert!(app.render().contains("Expiring within 600 days"));
}

#[test]
fn tracking_lists_every_sold_unit_soonest_end_first() {
    let db = db();
    let mut app = app(&db);
    app.keys("82");
    assert_eq!(
        app.state.report.as_ref().unwrap().kind,
        ReportKind::Tracking
    );
    // The replaced router is not sold any more; the expired one is listed (ended first).
    assert_eq!(serials(&app), ["RT00000002", IMEI, "RT00000004"]);
    let text = app.render();
    for want in [
        "Warranty tracking",
        "3 units on 2026-01-02",
        "EXPIRED",
        "ACTIVE",
        "515",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
}

#[test]
fn sold_to_a_customer_asks_for_the_name() {
    let db = db();
    let mut app = app(&db);
    app.keys("83");
    assert_eq!(app.screen(), &Screen::Prompt(Prompt::Customer));
    assert!(app.render().contains("Name:"), "{}", app.render());
    // An unknown name: a sticky error with the bell, the prompt stays.
    app.keys("Nobody<enter>");
    assert_eq!(app.screen(), &Screen::Prompt(Prompt::Customer));
    assert_eq!(app.bells, 1);
    assert_eq!(app.status(), Some("No customer named \"Nobody\""));
    app.keys("<f9>acme retail<enter>");
    assert_eq!(app.screen(), &Screen::Report);
    assert!(!app.state.has_error());
    assert_eq!(serials(&app), ["RT00000002", IMEI, "RT00000004"]);
    assert!(app.render().contains("Sold to acme retail"));
    // Back returns to the list of reports.
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Choose(Choice::Report { days: 30 }));
}

#[test]
fn the_report_scrolls_by_rows_and_draws_only_those() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(40, 8, Profile::Vt));
    app.keys("82");
    let text = app.render();
    assert!(text.contains("RT00000002"), "{text}");
    assert!(!text.contains("RT00000004"), "{text}");
    assert!(text.contains("More"), "{text}");
    app.keys("<down>");
    assert_eq!(app.state.report.as_ref().unwrap().scroll, 1);
    let text = app.render();
    assert!(!text.contains("RT00000002"), "{text}");
    assert!(text.contains("RT00000004"), "{text}");
    app.keys("<down><down>");
    assert_eq!(app.state.report.as_ref().unwrap().scroll, 1);
    app.keys("<up>");
    assert_eq!(app.state.report.as_ref().unwrap().scroll, 0);
    // Condensed on a handheld: two lines a unit, all three fit.
    app.resize(20, 16);
    let text = app.render();
    for want in [
        "RT00000002",
        "EXPIRED",
        "EXPIRING 18d PH-X200",
        "RT00000004",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
}

#[test]
fn the_date_comes_from_the_screens_clock() {
    let db = db();
    let mut app = app(&db);
    let later = NaiveDate::from_ymd_opt(2026, 1, 10)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    app.send(Action::Tick(later));
    app.keys("81");
    let r = app.state.report.as_ref().unwrap();
    assert_eq!(r.rows[0].days_left, Some(10));
    assert!(app.render().contains("1 unit on 2026-01-10"));
}

#[test]
fn the_band_is_coloured_only_in_the_full_profile_and_always_written() {
    let db = db();
    for profile in [Profile::Full, Profile::Vt] {
        let mut app = app_on(&db, TestSetup::new(80, 24, profile));
        app.keys("81");
        let buf = app.buffer();
        let text = app.render();
        let row = text.lines().position(|l| l.contains("EXPIRING")).unwrap() as u16;
        let col = text
            .lines()
            .nth(row as usize)
            .unwrap()
            .find("EXPIRING")
            .unwrap() as u16;
        let cell = &buf[(col, row)];
        if profile == Profile::Full {
            assert_eq!(cell.bg, Color::Yellow);
        } else {
            assert_eq!(cell.bg, Color::Reset);
            assert_eq!(cell.fg, Color::Reset);
        }
    }
}

#[test]
fn every_size_renders_without_panicking() {
    let db = db();
    let mut app = app(&db);
    for script in ["8", "2", "<pgdn>", "0", "1", "0", "3", "acme retail<enter>"] {
        app.keys(script);
        for (w, h) in [
            (0, 0),
            (19, 7),
            (20, 8),
            (20, 16),
            (21, 9),
            (39, 10),
            (40, 8),
            (59, 12),
            (80, 24),
            (300, 100),
        ] {
            app.resize(w, h);
            let _ = app.render();
        }
        app.resize(80, 24);
    }
}

// ---------------------------------------------------------------- snapshots

const SIZES: [(u16, u16); 3] = [(20, 16), (40, 8), (80, 24)];

fn snap(name: &str, script: &str, sizes: &[(u16, u16)], profiles: &[Profile]) {
    for &profile in profiles {
        for &(w, h) in sizes {
            let db = db();
            let mut app = app_on(&db, TestSetup::new(w, h, profile));
            app.keys(script);
            insta::assert_snapshot!(format!("{name}_{w}x{h}_{}", profile.name()), app.render());
        }
    }
}

#[test]
fn snapshot_list() {
    snap("reports_list", "8", &SIZES, &[Profile::Vt]);
}

#[test]
fn snapshot_expiring() {
    snap(
        "reports_expiring",
        "81",
        &SIZES,
        &[Profile::Vt, Profile::Full],
    );
}

#[test]
fn snapshot_tracking() {
    snap(
        "reports_tracking",
        "82",
        &[(20, 16), (80, 24)],
        &[Profile::Vt],
    );
}

// ---------------------------------------------------------------- vt bytes

type Rt = Runtime<TermBackend<VtFilter<SharedBuf>>>;

fn keys(script: &str) -> Vec<InputEvent> {
    parse_script(script)
        .unwrap()
        .into_iter()
        .map(InputEvent::Key)
        .collect()
}

#[test]
fn report_frames_follow_the_vt_byte_rules_at_every_size() {
    for (w, h) in SIZES {
        let db = db();
        let buf = SharedBuf::new();
        let backend = TermBackend::with_size(VtFilter::new(buf.clone(), true), w, h);
        let state = TestSetup::new(w, h, Profile::Vt).build().state;
        let runner = ops_runner_for(&state, db.svc.clone());
        let mut rt: Rt = Runtime::new(backend, state, Box::new(runner), test_clock()).unwrap();
        rt.draw().unwrap();
        for script in [
            "8",
            "1",
            "0",
            "2",
            "<down><pgdn>",
            "0",
            "3",
            "Nobody<enter>",
            "/c<enter>ACME Retail<enter>",
            "?",
            "0",
            "0",
            "0",
        ] {
            rt.step(keys(script)).unwrap();
            let bytes = buf.take();
            let v = vt_violations(&bytes);
            assert!(v.is_empty(), "{w}x{h} {script}: {v:?}");
        }
    }
}
