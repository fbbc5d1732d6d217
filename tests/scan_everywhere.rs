//! A scan is a scan on every screen: every demo serial and every raw input of the scan-vector
//! file, arriving as a scanner types it (one burst, terminator last), on every screen at every
//! size, does only what a scan means there. Nowhere does it fix, post, move a count, record a
//! warranty or repair action, or quit; the screen stack changes only where a scan is meant to
//! change it (the menu opens Lookup with it; the mismatch details go back to the list to find
//! its row).

mod support;

use std::sync::{Arc, Mutex};

use tallyman::domain::CountId;
use tallyman::ops::local::Service;
use tallyman::ops::Query;
use tallyman::tui::app::Screen;
use tallyman::tui::keys::{Key, KeyPress};
use tallyman::tui::profile::Profile;
use tallyman::tui::screens::count_list;
use tallyman::tui::screens::mismatch::requests::Asked;
use tallyman::tui::testing::{ops_runner_for, TestSetup};
use tallyman::tui::{Action, Effect, EffectRunner};

/// Records every effect the screens ask for, then lets the real runner answer.
struct Recording {
    inner: tallyman::tui::ops_runner::OpsRunner,
    seen: Arc<Mutex<Vec<Effect>>>,
}

impl EffectRunner for Recording {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        self.seen.lock().unwrap().push(effect.clone());
        self.inner.run(effect)
    }
}

/// The screens on the stack, without what a screen's session holds (a scan may move the
/// mark of a list, which the session keeps): which screens, and every popup whole.
fn stack(screens: &[Screen]) -> Vec<Screen> {
    screens
        .iter()
        .map(|s| match s {
            Screen::Lookup(_) => Screen::Lookup(Default::default()),
            Screen::Report(r) => {
                Screen::Report(tallyman::tui::screens::reports::state::ReportSession {
                    rows: Vec::new(),
                    scroll: 0,
                    ..r.clone()
                })
            }
            Screen::Mismatches(m) => Screen::Mismatches(
                tallyman::tui::screens::mismatch::state::MismatchSession::new(
                    m.count,
                    m.name.clone(),
                ),
            ),
            other => other.clone(),
        })
        .collect()
}

/// What a scan must never cause, on any screen.
fn forbidden(e: &Effect) -> bool {
    matches!(
        e,
        Effect::Call {
            to: tallyman::tui::screens::Asker::Mismatch(
                Asked::Fix | Asked::Undo { .. } | Asked::Post { .. } | Asked::Bulk
            ),
            ..
        } | Effect::Call {
            to: tallyman::tui::screens::Asker::CountList(
                count_list::requests::Asked::Open | count_list::requests::Asked::Move { .. }
            ),
            ..
        } | Effect::Call {
            to: tallyman::tui::screens::Asker::Lookup(
                tallyman::tui::screens::lookup::requests::Asked::Act
            ),
            ..
        } | Effect::Quit
    )
}

/// The demo database (its own count is 1) with count 2 over aisle A and a few scans in it (so it has
/// mismatches), and its serials.
fn database() -> (tempfile::TempDir, Arc<Service>, Vec<String>) {
    let (tmp, svc) = support::demo_with_aisle_count(200);
    let lines = match svc
        .query(tallyman::ops::Query::Stock {
            location: None,
            sku: None,
        })
        .unwrap()
    {
        tallyman::ops::Answer::Stock(lines) => lines,
        other => panic!("{other:?}"),
    };
    let serials: Vec<String> = lines.into_iter().filter_map(|l| l.serial).collect();
    for s in serials.iter().take(5) {
        let _ = svc.record_scan("clerk", CountId(2), "WH1/A/01", s);
    }
    (tmp, svc, serials)
}

/// The raw inputs of the scan-vector file, control characters decoded.
fn vectors() -> Vec<String> {
    let text = std::fs::read_to_string("tests/fixtures/scan-vectors.tsv").unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2))
        .map(|raw| {
            let mut out = String::new();
            let mut rest = raw;
            while let Some(i) = rest.find("\\x") {
                out.push_str(&rest[..i]);
                let code = u32::from_str_radix(&rest[i + 2..i + 4], 16).unwrap();
                out.push(char::from_u32(code).unwrap());
                rest = &rest[i + 4..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// The screens at 20x16 (VT220) over the database.
fn handheld(svc: &Arc<Service>) -> tallyman::tui::testing::TestApp {
    TestSetup::new(20, 16, Profile::Vt)
        .build()
        .with_service(svc.clone())
}

/// The keys a scanner types for `text`, Enter last (GS as Ctrl+5, as terminals send it).
fn burst(text: &str) -> Action {
    let mut keys: Vec<KeyPress> = text
        .chars()
        .filter_map(|c| match c {
            '\u{1d}' => Some(KeyPress {
                ctrl: true,
                ..KeyPress::plain(Key::Char('5'))
            }),
            c if c.is_control() => None,
            c => Some(KeyPress::plain(Key::Char(c))),
        })
        .collect();
    keys.push(KeyPress::plain(Key::Enter));
    Action::Burst {
        keys,
        text: text.to_string(),
    }
}

/// The screens without a scan field, each reached by keys typed by hand.
const SCREENS: [(&str, &str); 13] = [
    ("menu", ""),
    ("count list", "1"),
    ("cancel confirmation", "1<f8>"),
    ("new count: blind or open", "1<f7>WH1/A<enter>"),
    ("new count: which products", "1<f7>WH1/A<enter>1"),
    ("mismatch counts", "2"),
    ("mismatches", "2<enter>"),
    ("mismatch details", "2<enter><enter>"),
    ("fix confirmation", "2<enter>41"),
    ("fix all", "2<enter><f9>"),
    ("reports", "8"),
    ("a report", "81"),
    ("help", "?"),
];

#[test]
fn a_scan_on_a_screen_without_a_field_never_acts_as_keys() {
    let (_tmp, svc, serials) = database();
    let mut inputs: Vec<String> = serials.iter().step_by(7).cloned().collect();
    inputs.extend(vectors());
    inputs.push("#$%garbage!!".into());
    inputs.push("0000".into());
    let mut checked = 0;
    for (w, h) in [(20u16, 16u16), (40, 8), (80, 24)] {
        for (name, script) in SCREENS {
            for input in &inputs {
                let seen = Arc::new(Mutex::new(Vec::new()));
                let mut app = TestSetup::new(w, h, Profile::Vt).build();
                let runner = Recording {
                    inner: ops_runner_for(&app.state, svc.clone()),
                    seen: seen.clone(),
                };
                app = app.with_runner(Box::new(runner));
                app.keys(script);
                let before = stack(&app.state.screens);
                seen.lock().unwrap().clear();
                let seq = svc.store().meta().unwrap().applied_seq;
                app.send(burst(input));
                let effects = seen.lock().unwrap().clone();
                let what = format!("{name} at {w}x{h}, scan {input:?}");
                assert!(!effects.iter().any(forbidden), "{what}: {effects:?}");
                assert!(!app.quit, "{what}: quit");
                assert_eq!(
                    svc.store().meta().unwrap().applied_seq,
                    seq,
                    "{what}: the database changed"
                );
                let after = &stack(&app.state.screens);
                let allowed = match name {
                    "menu" => after == &before || matches!(after.last(), Some(Screen::Lookup(_))),
                    "mismatch details" => {
                        after == &before || matches!(after.last(), Some(Screen::Mismatches(_)))
                    }
                    _ => after == &before,
                };
                assert!(allowed, "{what}: screens {before:?} -> {after:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 3 * SCREENS.len() * 100, "{checked}");
}

#[test]
fn on_the_mismatch_list_a_scan_finds_its_row() {
    let (_tmp, svc, _) = database();
    let mut app = handheld(&svc);
    app.keys("2<enter>");
    assert!(matches!(app.screen(), Screen::Mismatches(_)));
    let m = app.state.mismatch().unwrap();
    let data = m.data.as_ref().expect("the picture is loaded");
    let short = data
        .m
        .rec
        .shortage
        .last()
        .map(|r| r.serial.to_string())
        .or_else(|| data.m.rec.surplus.last().map(|r| r.serial.to_string()))
        .expect("a mismatch");
    app.send(burst(&short));
    let status = app.status().unwrap_or_default().to_string();
    assert!(status.contains(&short), "{status}");
    assert_eq!(
        app.state
            .mismatch()
            .unwrap()
            .marked_serial()
            .map(|s| s.to_string()),
        Some(short)
    );
}

#[test]
fn on_the_menu_a_scan_is_looked_up() {
    let (_tmp, svc, serials) = database();
    let mut app = handheld(&svc);
    // An IMEI-like serial full of menu digits (3 Lookup, 0 Quit) opens nothing but Lookup.
    let serial = serials.iter().find(|s| s.contains('0')).unwrap();
    app.send(burst(serial));
    assert!(matches!(app.screen(), Screen::Lookup(_)));
    assert!(!app.quit);
    assert!(
        app.render().contains(&serial[serial.len() - 6..]),
        "{}",
        app.render()
    );
}

/// While "screen too small" shows nothing can be seen, so nothing happens: keys do nothing
/// (not even quit), and a scan only beeps. Made big enough again, the menu is as it was.
#[test]
fn while_the_screen_is_too_small_keys_and_scans_do_nothing() {
    let (_tmp, svc, serials) = database();
    let mut app = handheld(&svc);
    let before = svc.query(Query::Status).unwrap();
    app.send(Action::Resize {
        width: 12,
        height: 5,
    });
    assert!(app.render().contains("small"), "{}", app.render());
    let bells = app.bells;
    app.keys("1<enter>3<f10>0");
    app.send(burst(&serials[0]));
    assert_eq!(app.screen(), &Screen::Menu);
    assert!(!app.quit, "a key typed blind quit the program");
    assert_eq!(app.bells, bells + 1, "the scan beeps, the keys do not");
    assert_eq!(svc.query(Query::Status).unwrap(), before, "nothing changed");
    app.send(Action::Resize {
        width: 20,
        height: 16,
    });
    app.keys("3");
    assert!(matches!(app.screen(), Screen::Lookup(_)), "keys work again");
}
