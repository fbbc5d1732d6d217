//! The lookup screen driven by key scripts through `update`, with every effect run by the real
//! `OpsRunner` over a real temporary database: scanning a sold phone's IMEI, a GS1 label and a
//! hand-typed one, an unknown serial (sticky error and bell), a serial two products share
//! (numbered choice); the warranty band in words and in colour only where the profile has
//! colour; the history newest first with replacements linking both serials; scrolling and
//! scanning the next serial at any moment; time as data. Snapshots at 20x16, 40x8 and 80x24
//! in both profiles with a fixed date, and the vt byte rules on this screen.

use chrono::NaiveDate;
use ratatui::style::{Color, Modifier};
use tallyman::tui::app::Screen;
use tallyman::tui::screens::popups::state::Choice;
use tallyman::tui::testing::{TestApp, TestSetup};
use tallyman::tui::{Action, Profile};
mod support;
use support::screens::{
    app, app_on, assert_draws_at_every_size, assert_guide_shows_real_screens,
    assert_vt_rules_at_every_size, PROFILES, SIZES,
};
use support::warranty_db::*;
fn shown(app: &TestApp) -> Option<String> {
    app.state
        .lookup()
        .and_then(|l| l.shown.as_ref())
        .map(|f| format!("{} {}", f.unit.product.sku, f.unit.unit.serial))
}

/// The rows of the screen (without the `|` ends).
fn rows(app: &TestApp) -> Vec<String> {
    app.render()
        .lines()
        .map(|l| l.trim_end_matches('|').trim_end().to_string())
        .collect()
}

#[test]
fn menu_entry_3_opens_the_lookup_with_its_field() {
    let db = db();
    let mut app = app(&db);
    assert!(app.render().contains("3 Lookup"), "{}", app.render());
    app.keys("3");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    let text = app.render();
    assert!(text.contains("SN:"), "{text}");
    assert!(text.contains("Scan or type a serial"), "{text}");
    // Printable keys go to the field (a scan may start at any moment).
    app.keys("?0q");
    assert_eq!(app.state.field.value(), "?0q");
    app.keys("<f3>");
    assert_eq!(app.screen(), &Screen::Menu);
    assert!(app.state.lookup().is_none());
}

#[test]
fn a_sold_phones_imei_shows_customer_warranty_and_history_newest_first() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("3{IMEI}<enter>"));
    assert_eq!(shown(&app).as_deref(), Some(&*format!("PH-X200 {IMEI}")));
    assert_eq!(app.bells, 0);
    assert_eq!(app.state.field.value(), "", "ready for the next scan");
    let l = app.state.lookup().cloned().unwrap();
    let w = &l.shown.as_ref().unwrap().warranty;
    assert_eq!(w.days_left, Some(18));
    let text = app.render();
    for want in [
        "sold to ACME Retail on S-2025-",
        "received on R-2024-",
        "from Northwind Distribution, cost 419.00",
        "price 649.00",
        "EXPIRING, 18 days left",
        "type serialized (manufacturer to 2026-01-20)",
        "start 2025-01-20, end 2026-01-20",
        "History, newest first",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // Newest first: the sale above the receipt, with party, invoice and amounts.
    let r = rows(&app);
    let sold = r
        .iter()
        .position(|l| l.contains("sold  ") || l.contains("sold       "))
        .unwrap();
    let received = r.iter().position(|l| l.contains("received  ")).unwrap();
    assert!(sold < received, "{r:#?}");
    assert!(
        r[sold].contains("to ACME Retail  inv INV-1001"),
        "{}",
        r[sold]
    );
    assert!(text.contains("price 649.00"), "{text}");
    assert!(text.contains("cost 419.00"), "{text}");
}

#[test]
fn gs1_labels_scanned_or_typed_by_hand_are_decoded() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("301{ROUTER_GTIN}21RT00000003<gs>10LOT7<enter>"));
    assert_eq!(shown(&app).as_deref(), Some("RT-AX55 RT00000003"));
    let text = app.render();
    assert!(text.contains("in stock at WH1/A/01"), "{text}");
    assert!(text.contains("NONE"), "{text}");
    assert!(text.contains("counted   COUNT-1  -> WH1/A/01"), "{text}");
    app.keys(&format!("({}){ROUTER_GTIN}(21)RT00000002<enter>", "01"));
    assert_eq!(shown(&app).as_deref(), Some("RT-AX55 RT00000002"));
    assert!(app.render().contains("EXPIRED, "), "{}", app.render());
}

#[test]
fn an_unknown_serial_is_a_sticky_error_with_the_bell() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("3{IMEI}<enter>"));
    app.keys("RT99999999<enter>");
    assert_eq!(
        app.status(),
        Some("SN \"RT99999999\" is unknown: never received, sold or counted here")
    );
    assert!(app.state.has_error());
    assert_eq!(app.bells, 1);
    assert_eq!(shown(&app), None, "the last unit is not left on screen");
    assert!(app.render().contains("is unknown"), "{}", app.render());
    // The scan stays in the field to correct; the error stays through other keys.
    assert_eq!(app.state.field.value(), "RT99999999");
    app.keys("<down><up>");
    assert!(app.state.has_error());
    // A good scan clears it.
    app.keys("RT00000003<enter>");
    assert!(!app.state.has_error());
    assert_eq!(shown(&app).as_deref(), Some("RT-AX55 RT00000003"));
    // A scan that carries no serial says so.
    app.keys(&format!("01{ROUTER_GTIN}<enter>"));
    assert!(app.state.has_error());
    assert!(
        app.status().unwrap().contains("carries no serial"),
        "{:?}",
        app.status()
    );
    assert_eq!(shown(&app), None, "a refused scan clears the body");
    assert!(!app.render().contains("RT00000003"), "{}", app.render());
}

/// A scan the decoder refuses (a GS1 label whose GTIN has a wrong check digit) clears the
/// unit shown before: what stays on screen is the refusal, never the last unit as if it were
/// the answer (here the label even names the same serial).
#[test]
fn a_counted_serial_no_unit_has_shows_its_count_scans() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    app.keys("3RT00000099<enter>");
    assert!(!app.state.has_error(), "{:?}", app.status());
    assert_eq!(app.bells, 0);
    let text = app.render();
    for want in [
        "RT00000099",
        "serial: counted,",
        "2026-01-02 count 1",
        "WH1/A/01 by clerk2",
        "Mismatches",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    // A serial nobody counted is still unknown, with the bell.
    app.keys("RT00000098<enter>");
    assert!(app.state.has_error());
    assert_eq!(app.bells, 1);
    assert!(!app.render().contains("by clerk2"), "{}", app.render());
}

#[test]
fn a_refused_scan_clears_the_unit_shown_before() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000003<enter>");
    assert_eq!(shown(&app).as_deref(), Some("RT-AX55 RT00000003"));
    app.keys("(01)09506000134353(21)RT00000003<enter>");
    assert!(app.state.has_error());
    assert_eq!(shown(&app), None);
    let screen = app.render();
    assert!(!screen.contains("RT-AX55"), "{screen}");
    assert!(screen.contains("check digit"), "{screen}");
}

#[test]
fn a_serial_two_products_share_asks_which_with_a_numbered_choice() {
    let db = db();
    let mut app = app(&db);
    app.keys("3shared-1<enter>");
    let Screen::Choose(Choice::Product { serial, options }) = app.screen().clone() else {
        panic!("{:?}", app.screen());
    };
    assert_eq!(serial, "shared-1");
    assert_eq!(options.len(), 2);
    let text = app.render();
    assert!(text.contains("Several products have serial"), "{text}");
    // Each option is numbered and names its product.
    for (i, o) in options.iter().enumerate() {
        let line = format!("{}={}", i + 1, o);
        assert!(text.contains(&line), "no {line:?} in\n{text}");
    }
    app.keys("3");
    assert_eq!(app.status(), Some("No option 3"));
    let want = if options[1].starts_with("ADP") { 2 } else { 1 };
    app.keys(&format!("<enter>{want}"));
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert_eq!(shown(&app).as_deref(), Some("ADP-USBC SHARED-1"));
    assert!(
        app.render().contains("Also a CBL-USBC with this serial"),
        "{}",
        app.render()
    );
    // Back from the choice shows nothing new.
    app.keys("shared-1<enter>0");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
}

#[test]
fn a_replacement_links_both_serials() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000001<enter>");
    let text = app.render();
    assert!(text.contains("replaced by RT00000004"), "{text}");
    assert!(text.contains("replaced-by  RT00000004"), "{text}");
    assert!(text.contains("repair-in"), "{text}");
    app.keys("RT00000004<enter>");
    let text = app.render();
    assert!(text.contains("replacement-for  RT00000001"), "{text}");
    assert!(text.contains("sold to ACME Retail"), "{text}");
    assert!(text.contains("type serialized"), "{text}");
}

#[test]
fn the_history_scrolls_and_the_next_scan_comes_at_any_moment() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    app.keys("3RT00000001<enter>");
    assert!(app.render().contains("Down More"), "{}", app.render());
    app.keys("<down><down><pgdn>");
    let scroll = app.state.lookup().unwrap().scroll;
    assert!(scroll > 2, "{scroll}");
    app.keys(&"<pgdn>".repeat(20));
    let end = app.state.lookup().unwrap().scroll;
    app.keys("<down>");
    assert_eq!(app.state.lookup().unwrap().scroll, end, "clamped");
    assert!(app.render().contains("Up Scroll"), "{}", app.render());
    // A scan while scrolled: the new unit shows from its top.
    app.keys(&format!("{IMEI}<enter>"));
    assert_eq!(app.state.lookup().unwrap().scroll, 0);
    assert_eq!(shown(&app).as_deref(), Some(&*format!("PH-X200 {IMEI}")));
}

#[test]
fn the_date_comes_from_the_screens_clock() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("3{IMEI}<enter>"));
    assert!(app.render().contains("EXPIRING, 18 days left"));
    let later = NaiveDate::from_ymd_opt(2026, 2, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    app.send(Action::Tick(later));
    app.keys(&format!("{IMEI}<enter>"));
    assert!(
        app.render().contains("EXPIRED, 12 days ago"),
        "{}",
        app.render()
    );
}

#[test]
fn the_band_is_coloured_only_in_the_full_profile_and_always_written() {
    let db = db();
    for (profile, colour) in [(Profile::Full, true), (Profile::Vt, false)] {
        for (serial, word, bg, modifier) in [
            (IMEI, "EXPIRING", Color::Yellow, Modifier::REVERSED),
            ("RT00000002", "EXPIRED", Color::Red, Modifier::REVERSED),
            ("RT00000004", "ACTIVE", Color::Green, Modifier::BOLD),
        ] {
            let mut app = app_on(&db, TestSetup::new(80, 24, profile));
            app.keys(&format!("3{serial}<enter>"));
            let buf = app.buffer();
            let text = app.render();
            let row = text.lines().position(|l| l.contains(word)).unwrap();
            let col = text.lines().nth(row).unwrap().find(word).unwrap();
            let cell = &buf[(col as u16, row as u16)];
            if colour {
                assert_eq!(cell.bg, bg, "{profile:?} {word}");
            } else {
                assert_eq!(cell.bg, Color::Reset, "{profile:?} {word}");
                assert_eq!(cell.fg, Color::Reset, "{profile:?} {word}");
                assert!(cell.modifier.contains(modifier), "{profile:?} {word}");
            }
        }
    }
    // NO_COLOR: the full profile without colour looks like the vt one.
    let mut setup = TestSetup::new(80, 24, Profile::Full);
    setup.colour = false;
    let mut app = app_on(&db, setup);
    app.keys(&format!("3{IMEI}<enter>"));
    let text = app.render();
    let row = text.lines().position(|l| l.contains("EXPIRING")).unwrap();
    let col = text.lines().nth(row).unwrap().find("EXPIRING").unwrap();
    let cell = &app.buffer()[(col as u16, row as u16)];
    assert_eq!(cell.bg, Color::Reset);
    assert!(cell.modifier.contains(Modifier::REVERSED));
}

#[test]
fn help_lists_the_keys_and_explains_the_band() {
    let db = db();
    let mut app = app(&db);
    app.keys("3<f1>");
    let text = app.render();
    assert!(text.contains("Scan a serial to see its history."), "{text}");
    assert!(text.contains("ACTIVE, EXPIRING"), "{text}");
    app.keys("0");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
}

/// At every size: the "too small" notice below 20x8, and from it on the screen's header and
/// what each step is about, in whole words: the serial looked up, its product and state, the
/// choice between products, the refusal of an unknown serial.
#[test]
fn every_size_renders_the_screen_or_the_too_small_notice() {
    let db = db();
    let mut app = app(&db);
    assert_draws_at_every_size(
        &mut app,
        &[
            ("3", &["Lookup", "SN:"]),
            (
                "RT00000001<enter>",
                &["RT00000001", "RT-AX55", "replaced by RT00000004"],
            ),
            ("<pgdn><pgdn>", &["RT00000001", "RT-AX55"]),
            (
                "shared-1<enter>",
                &["Several products", "CBL-USBC", "ADP-USBC"],
            ),
            ("1", &["SHARED-1", "CBL-USBC", "in stock at WH1/A/01"]),
            (
                "nope<enter>",
                &["SN: nope", "SN \"nope\" is unknown: never received"],
            ),
            // Text of several bytes a character: drawn whole, never split inside a
            // character, and quoted back as typed in the refusal.
            (
                "<f3>3ñandú-çà<enter>",
                &[
                    "SN: ñandú-çà",
                    "SN \"ñandú-çà\" has \"ñ\", no serial character",
                ],
            ),
        ],
    );
}

/// A refusal that quotes characters two columns wide (CJK, emoji) is wrapped by columns, so
/// no word after the quote is cut at the screen's edge (counting characters, `SN "ñandú-日本🦀"
/// has` lost its last letter at 20 columns).
#[test]
fn a_refusal_quoting_wide_characters_is_wrapped_by_columns() {
    let db = db();
    let mut app = app_on(&db, TestSetup::new(20, 16, Profile::Vt));
    app.keys("3ñandú-日本🦀<enter>");
    let words = app.words();
    assert!(
        words.contains("has \"ñ\", no serial character"),
        "a word cut at the edge:\n{}",
        app.render()
    );
}

// ---------------------------------------------------------------- snapshots

support::screens::snap_fn!();

#[test]
fn snapshot_start() {
    snap("lookup_start", "3", &SIZES, &PROFILES);
}

#[test]
fn snapshot_sold_phone() {
    snap(
        "lookup_phone",
        &format!("3{IMEI}<enter>"),
        &SIZES,
        &PROFILES,
    );
}

#[test]
fn snapshot_replaced_router() {
    snap(
        "lookup_replaced",
        "3RT00000001<enter>",
        &SIZES,
        &[Profile::Vt],
    );
    snap(
        "lookup_replaced_scrolled",
        "3RT00000001<enter><pgdn>",
        &[(20, 16)],
        &[Profile::Vt],
    );
    snap(
        "lookup_replacement",
        "3RT00000004<enter>",
        &[(80, 24)],
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_unknown_and_shared() {
    snap(
        "lookup_unknown",
        "3RT99999999<enter>",
        &SIZES,
        &[Profile::Vt],
    );
    snap("lookup_shared", "3shared-1<enter>", &SIZES, &[Profile::Vt]);
    snap(
        "lookup_counted",
        "3RT00000099<enter>",
        &SIZES,
        &[Profile::Vt],
    );
}

#[test]
fn snapshot_help() {
    snap("lookup_help", "3<f1>", &[(80, 24)], &[Profile::Vt]);
}

// ---------------------------------------------------------------- vt bytes

#[test]
fn lookup_frames_follow_the_vt_byte_rules_at_every_size() {
    assert_vt_rules_at_every_size(
        db,
        &[
            "3",
            &format!("{IMEI}<enter>"),
            "<down><pgdn>",
            &format!("01{ROUTER_GTIN}21RT00000001<gs>10LOT<enter>"),
            "RT00000002<enter>",
            "RT99999999<enter>",
            "<enter>",
            "shared-1<enter>",
            "2",
            "<f1>",
            "0",
            "RT00000004<enter>",
            "/a<enter>",
            "3",
            "no power<enter>",
            "/a<enter>",
            "4",
            "/a<enter>",
            "2",
            "1",
            "RT00000003<enter>",
            "/a<enter>",
            "1",
            "/a<enter>",
            "4",
            "RT00000002<enter>",
            "2",
            "<f3>",
        ],
    );
}

// ---------------------------------------------------------------- the guide

/// Every screen capture in `docs/lookup.md` is one of the snapshots above, exactly.
#[test]
fn the_support_guide_shows_real_screens() {
    let doc = assert_guide_shows_real_screens("docs/lookup.md", "tui_lookup__", 8);
    for needle in [
        "ACTIVE", "EXPIRING", "EXPIRED", "NONE", "IMEI", "GS1", "NO_COLOR",
    ] {
        assert!(doc.contains(needle), "docs/lookup.md lacks {needle:?}");
    }
}

// ---------------------------------------------------------------- warranty actions (F6)

/// The option texts of the numbered choice on top.
fn options(app: &TestApp) -> Vec<String> {
    match app.screen() {
        Screen::Choose(c) => tallyman::tui::screens::popups::words::choice_options(c),
        s => panic!("no choice on top: {s:?}"),
    }
}

fn state_line(app: &TestApp) -> String {
    let f = app.state.lookup().unwrap().shown.as_ref().unwrap();
    tallyman::tui::text::unit_state(&f.unit)
}

#[test]
fn actions_need_a_unit_shown() {
    let db = db();
    let mut app = app(&db);
    app.keys("3<f6>");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert_eq!(app.status(), Some("Scan a serial first"));
    assert_eq!(app.bells, 1);
}

#[test]
fn the_actions_that_apply_are_offered_by_number() {
    let db = db();
    let mut app = app(&db);
    // In stock: no close, no replacement.
    app.keys("3RT00000003<enter><f6>");
    assert_eq!(
        options(&app),
        [
            "Activate warranty (today)",
            "Extend warranty",
            "Repair intake"
        ]
    );
    assert!(app.render().contains("RT00000003: what to do?"));
    // Back (0) returns to the unit.
    app.keys("0");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    // Sold: a replacement too; typed code /a works like F6.
    app.keys("RT00000004<enter>/a<enter>");
    assert_eq!(
        options(&app),
        [
            "Activate warranty (today)",
            "Extend warranty",
            "Repair intake",
            "Warranty replacement"
        ]
    );
    // A digit without an option is an error, the choice stays.
    app.keys("9");
    assert_eq!(app.status(), Some("No option 9"));
    assert!(matches!(app.screen(), Screen::Choose(_)));
}

#[test]
fn activating_an_unsold_unit_is_refused_with_the_bell() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000003<enter><f6>1");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert_eq!(app.bells, 1);
    let st = app.state.status.clone().unwrap();
    assert!(st.error);
    assert!(st.text.contains("was never sold"), "{}", st.text);
    // The refusal shows in full above the unit (also where the status line is short).
    app.resize(20, 16);
    assert!(app.render().contains("never sold"), "{}", app.render());
    // Nothing recorded: the unit is as it was.
    let units = db.svc.lookup("RT00000003").unwrap();
    assert!(units[0].unit.activation.is_none());
    // The next scan clears what was said.
    app.keys(&format!("{IMEI}<enter>"));
    assert!(app.state.lookup().unwrap().said.is_none());
}

#[test]
fn activating_a_sold_phone_restarts_its_warranty_today() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("3{IMEI}<enter><f6>1"));
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert_eq!(app.bells, 0);
    let st = app.state.status.clone().unwrap();
    assert!(!st.error);
    assert!(
        st.text.contains("warranty activated on 2026-01-02"),
        "{}",
        st.text
    );
    // The lookup was refreshed: the warranty now runs from today.
    let l = app.state.lookup().cloned().unwrap();
    let w = &l.shown.as_ref().unwrap().warranty;
    assert_eq!(w.days_left, Some(365));
    assert!(app.render().contains("warranty activated"));
}

#[test]
fn extending_offers_numbered_durations() {
    let db = db();
    let mut app = app(&db);
    app.keys(&format!("3{IMEI}<enter><f6>2"));
    assert_eq!(options(&app), ["12 months", "24 months", "36 months"]);
    app.keys("2");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    let st = app.state.status.clone().unwrap();
    assert!(!st.error, "{}", st.text);
    assert!(st.text.contains("agreement"), "{}", st.text);
    assert!(st.text.contains("2026-01-02 to 2028-01-02"), "{}", st.text);
    let l = app.state.lookup().cloned().unwrap();
    assert!(l.shown.as_ref().unwrap().warranty.days_left > Some(18));
}

#[test]
fn repair_intake_takes_a_note_and_close_puts_the_unit_back() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000004<enter><f6>3");
    assert!(matches!(app.screen(), Screen::Prompt(_)));
    assert!(app.render().contains("Note:"), "{}", app.render());
    app.keys("no power<enter>");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    let st = app.state.status.clone().unwrap();
    assert!(!st.error, "{}", st.text);
    // The warranty type on intake is named.
    assert!(
        st.text.contains("warranty on intake: serialized"),
        "{}",
        st.text
    );
    assert!(app.render().contains("warranty on intake"));
    assert_eq!(state_line(&app), "in repair");
    // In repair: close, or replace the customer's unit; no second intake.
    app.keys("<f6>");
    assert_eq!(
        options(&app),
        [
            "Activate warranty (today)",
            "Extend warranty",
            "Close repair",
            "Warranty replacement"
        ]
    );
    app.keys("3");
    let st = app.state.status.clone().unwrap();
    assert!(!st.error, "{}", st.text);
    assert!(state_line(&app).starts_with("sold to ACME Retail"));
    // Closed without a note: the history says nothing empty about it.
    for (w, h) in [(20, 16), (80, 24)] {
        app.resize(w, h);
        let mut screen = String::new();
        for _ in 0..20 {
            screen.push_str(&app.render());
            app.keys("<down>");
        }
        assert!(screen.contains("repair-out"), "{screen}");
        assert!(!screen.contains("()"), "{screen}");
    }
}

#[test]
fn a_unit_in_repair_may_be_replaced_from_the_repair() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000004<enter><f6>3no power<enter><f6>4RT00000003<enter>1");
    let st = app.state.status.clone().unwrap();
    assert!(!st.error, "{}", st.text);
    assert_eq!(state_line(&app), "replaced by RT00000003");
    // Replaced: nothing to take in, close or replace any more.
    app.keys("<f6>");
    assert_eq!(
        options(&app),
        ["Activate warranty (today)", "Extend warranty"]
    );
}

#[test]
fn a_replacement_asks_for_the_new_serial_and_confirms() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT00000004<enter><f6>4");
    assert!(
        app.render().contains("scan the NEW serial"),
        "{}",
        app.render()
    );
    app.keys("RT00000003<enter>");
    assert!(matches!(app.screen(), Screen::Confirm(_)));
    assert!(app.render().contains("1=Yes 2=No"));
    // No: nothing happens, back on the unit.
    app.keys("2");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert_eq!(state_line(&app), "sold to ACME Retail on S-2025-0002");
    // Yes: replaced, the lookup shows the old unit naming the new one.
    app.keys("<f6>4RT00000003<enter>1");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    let st = app.state.status.clone().unwrap();
    assert!(!st.error, "{}", st.text);
    assert!(
        st.text.contains("replaced by \"RT00000003\""),
        "{}",
        st.text
    );
    assert_eq!(state_line(&app), "replaced by RT00000003");
}

#[test]
fn a_refused_replacement_stays_on_the_prompt() {
    let db = db();
    let mut app = app(&db);
    // The new serial is the old one's own predecessor: not in stock, refused.
    app.keys("3RT00000004<enter><f6>4RT00000002<enter>1");
    assert!(
        matches!(app.screen(), Screen::Prompt(_)),
        "{:?}",
        app.screen()
    );
    assert_eq!(app.bells, 1);
    assert!(app.state.status.as_ref().is_some_and(|s| s.error));
    assert_eq!(app.state.field.value(), "RT00000002");
    app.keys("<f3>");
    assert!(matches!(app.screen(), Screen::Lookup(_)));
}

#[test]
fn snapshot_actions_choice() {
    snap(
        "lookup_actions",
        "3RT00000004<enter>/a<enter>",
        &[(20, 16), (40, 8), (80, 24)],
        &[Profile::Vt],
    );
    snap(
        "lookup_actions_in_repair",
        "3RT00000004<enter>/a<enter>3no power<enter>/a<enter>",
        &[(20, 16), (40, 8)],
        &[Profile::Vt],
    );
    snap(
        "lookup_activated",
        &format!("3{IMEI}<enter>/a<enter>1"),
        &[(20, 16), (80, 24)],
        &[Profile::Vt],
    );
}

/// A message belongs to its screen: Lookup's error does not follow the clerk to the menu and
/// the count list, and the first Enter there joins the count instead of being spent on
/// clearing an error nobody can see.
#[test]
fn an_error_stays_with_its_screen_and_eats_no_key_elsewhere() {
    let db = db();
    let mut app = app(&db);
    app.keys("3RT99999999<enter>");
    assert!(app.state.has_error());
    app.keys("<f3>");
    assert_eq!(app.screen(), &Screen::Menu);
    assert_eq!(app.status(), None, "the menu shows no Lookup error");
    assert!(!app.render().contains("is unknown"), "{}", app.render());
    app.keys("1<enter>");
    assert!(
        matches!(app.screen(), Screen::CountScan(_)),
        "the first Enter joined the count"
    );
    assert_eq!(app.bells, 1, "only the unknown serial rang");
}
