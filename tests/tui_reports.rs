//! The reports screen (menu 8) driven by key scripts through `update`, with every effect run
//! by the real `OpsRunner` over a real temporary database: the numbered list of reports,
//! expiring within the config's expiring-soon days, warranty tracking (every sold unit), sold
//! to a customer (typed name; an unknown one is a sticky error with the bell); the band in
//! words, coloured only in the full profile; scrolling by rows; the date from the screens'
//! clock. Snapshots at 20x16, 40x8 and 80x24, and the vt byte rules on these screens.

use chrono::NaiveDate;
use ratatui::style::Color;
use tallyman::tui::app::Screen;
use tallyman::tui::screens::popups::state::{Choice, Prompt};
use tallyman::tui::screens::reports::state::ReportKind;
use tallyman::tui::testing::{TestApp, TestSetup};
use tallyman::tui::{Action, Profile};
mod support;
use support::screens::{
    app, app_on, assert_draws_at_every_size, assert_vt_rules_at_every_size, SIZES,
};
use support::warranty_db::*;
/// The serials of the report shown, in order.
fn serials(app: &TestApp) -> Vec<String> {
    app.state
        .report()
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
    assert!(matches!(app.screen(), Screen::Report(_)));
    assert_eq!(serials(&app), [IMEI]);
    let text = app.render();
    for want in [
        "Expiring within 30 days",
        "1 unit on 2026-01-02",
        "Serial",
        // The row itself: 18 days left (a bare "18" is in the IMEI ...518 already).
        "490154203237518  PH-X200     18  EXPIRING  2026-01-20",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // Back to the list of reports, then the menu.
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Choose(Choice::Report { days: 30 }));
    assert!(app.state.report().is_none());
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
    assert_eq!(app.state.report().unwrap().kind, ReportKind::Tracking);
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
    assert!(matches!(app.screen(), Screen::Report(_)));
    assert!(!app.state.has_error());
    assert_eq!(serials(&app), ["RT00000002", IMEI, "RT00000004"]);
    // Named as the books have it, not as typed.
    assert!(
        app.render().contains("Sold to ACME Retail"),
        "{}",
        app.render()
    );
    assert!(!app.render().contains("acme retail"), "{}", app.render());
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
    assert_eq!(app.state.report().unwrap().scroll, 1);
    let text = app.render();
    assert!(!text.contains("RT00000002"), "{text}");
    assert!(text.contains("RT00000004"), "{text}");
    app.keys("<down><down>");
    assert_eq!(app.state.report().unwrap().scroll, 1);
    app.keys("<up>");
    assert_eq!(app.state.report().unwrap().scroll, 0);
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
    let r = app.state.report().unwrap();
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

/// At every size: the "too small" notice below 20x8, and from it on the screen's header and
/// what each step is about, in whole words: the choice of reports, each report's title,
/// units and first row, the customer's name asked for.
#[test]
fn every_size_renders_the_screen_or_the_too_small_notice() {
    let db = db();
    let mut app = app(&db);
    assert_draws_at_every_size(
        &mut app,
        &[
            (
                "8",
                &[
                    "Which report?",
                    "Expiring within 30 days",
                    "Warranty tracking",
                    "Sold to a customer",
                ],
            ),
            (
                "2",
                &[
                    "Warranty tracking",
                    "3 units",
                    "2026-01-02",
                    "RT00000002",
                    "EXPIRED",
                ],
            ),
            ("<pgdn>", &["Warranty tracking", "RT00000002"]),
            ("0", &["Which report?"]),
            (
                "1",
                &["Expiring", "1 unit", "490154203237518", "EXPIRING", "18"],
            ),
            ("0", &["Which report?"]),
            (
                "3",
                &[
                    "Units sold to a customer: type the customer's name.",
                    "Name:",
                ],
            ),
            (
                "acme retail<enter>",
                &["Sold to ACME Retail", "3 units", "RT00000002", "EXPIRED"],
            ),
        ],
    );
}

// ---------------------------------------------------------------- snapshots

support::screens::snap_fn!();

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

#[test]
fn snapshot_customer_by_its_name_in_the_books() {
    snap(
        "reports_customer",
        "83acme retail<enter>",
        &[(20, 16), (40, 8)],
        &[Profile::Vt],
    );
}

/// A report of 1709 units: on 20 columns `1709 units 2026-01-02` does not fit, so the date
/// goes on a line of its own, whole; from 40 columns it shares the count's line.
#[test]
fn a_long_report_never_cuts_its_date() {
    use tallyman::domain::warranty::Status as WarrantyStatus;
    use tallyman::domain::Day;
    use tallyman::tui::screens::reports::requests::Msg;
    use tallyman::tui::screens::reports::state::ReportRow;
    use tallyman::tui::screens::ScreenMsg;
    let date = Day::from_date(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    let rows: Vec<ReportRow> = (0..1709)
        .map(|i| ReportRow {
            serial: format!("CB-{i:06}"),
            sku: "CBL-USBC".into(),
            days_left: Some(-181),
            status: WarrantyStatus::Expired,
            end: None,
        })
        .collect();
    for (w, h) in SIZES {
        let mut app = TestSetup::new(w, h, Profile::Vt).build();
        app.keys("8");
        app.send(Action::Screen(ScreenMsg::Reports(Msg::Loaded {
            kind: ReportKind::Tracking,
            date,
            rows: rows.clone(),
        })));
        let screen = app.render();
        assert!(screen.contains("2026-12-07"), "{screen}");
        assert!(screen.contains("1709 units"), "{screen}");
        if w == 20 {
            insta::assert_snapshot!(format!("reports_long_{w}x{h}_vt"), screen);
            // Scrolling still reaches the last unit, and the page fits the screen.
            for _ in 0..500 {
                app.keys("<pgdn>");
            }
            assert!(app.render().contains("CB-001708"), "{}", app.render());
        }
    }
}

// ---------------------------------------------------------------- vt bytes

#[test]
fn report_frames_follow_the_vt_byte_rules_at_every_size() {
    assert_vt_rules_at_every_size(
        db,
        &[
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
        ],
    );
}
