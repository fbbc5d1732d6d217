//! Key-script tests: `update` driven by scripts such as `9SN-1<enter>`, no terminal.

use tallyman::config::Terminator;
use tallyman::tui::app::Screen;
use tallyman::tui::keymap::{Context, KeyCommand, KeymapRequest};
use tallyman::tui::screens::menu::visible_entries;
use tallyman::tui::testing::{RecordingRunner, TestApp, TestSetup};
use tallyman::tui::{Action, Effect, Profile};

fn app() -> TestApp {
    TestSetup::default().build()
}

#[test]
fn menu_shows_only_built_entries_with_stable_numbers() {
    let numbers: Vec<u8> = visible_entries().iter().map(|e| e.number).collect();
    assert_eq!(numbers, [1, 2, 3, 8, 9, 0]);
    let text = app().render();
    assert!(text.contains("1 Count"), "{text}");
    assert!(text.contains("9 Diagnostics"), "{text}");
    assert!(text.contains("0 Quit"), "{text}");
    assert!(text.contains("3 Lookup"), "{text}");
    assert!(text.contains("8 Reports"), "{text}");
    assert!(!text.contains("Receive"), "{text}");
}

#[test]
fn a_digit_opens_its_entry() {
    let mut app = app();
    app.keys("9");
    assert_eq!(app.screen(), &Screen::Diagnostics { scroll: 0 });
    assert_eq!(app.state.service.as_deref(), Some("none (TUI only)"));
}

#[test]
fn a_digit_without_entry_is_an_error_with_bell() {
    let mut app = app();
    app.keys("5");
    assert_eq!(app.screen(), &Screen::Menu);
    assert_eq!(app.status(), Some("No entry 5"));
    assert!(app.state.has_error());
    assert_eq!(app.bells, 1);
    // The error stays on other keys, and Enter clears it without opening anything.
    app.keys("<down>");
    assert!(app.state.has_error());
    app.keys("<enter>");
    assert!(app.state.status.is_none());
    assert_eq!(app.screen(), &Screen::Menu);
}

#[test]
fn bell_can_be_switched_off() {
    let mut setup = TestSetup::default();
    setup.config.bell = false;
    let mut app = setup.build();
    app.keys("5");
    assert!(app.state.has_error());
    assert_eq!(app.bells, 0);
}

#[test]
fn zero_and_the_quit_key_and_the_quit_code_quit() {
    for script in ["0", "<f10>", "/q<enter>", "/Q<tab>", "<up><enter>"] {
        let mut app = app();
        app.keys(script);
        assert!(app.quit, "{script}");
    }
}

#[test]
fn arrows_move_the_mark_and_wrap() {
    let mut app = app();
    assert_eq!(app.state.menu_selected, 0);
    let n = visible_entries().len();
    app.keys("<down>");
    assert_eq!(app.state.menu_selected, 1);
    app.keys(&"<down>".repeat(n - 1));
    assert_eq!(app.state.menu_selected, 0);
    app.keys("<up><enter>");
    assert!(app.quit);
}

#[test]
fn help_opens_for_the_screen_below_and_goes_back() {
    let mut app = app();
    app.keys("?");
    assert_eq!(
        app.screen(),
        &Screen::Help {
            context: Context::Menu,
            scroll: 0
        }
    );
    app.keys("0");
    assert_eq!(app.screen(), &Screen::Menu);
    app.keys("9<f1>");
    assert_eq!(
        app.screen(),
        &Screen::Help {
            context: Context::Input,
            scroll: 0
        }
    );
    app.keys("<f3>");
    assert_eq!(app.screen(), &Screen::Diagnostics { scroll: 0 });
    app.keys("/h<enter>");
    assert!(matches!(app.screen(), Screen::Help { .. }));
    app.keys("/b<enter>");
    assert_eq!(app.screen(), &Screen::Diagnostics { scroll: 0 });
}

#[test]
fn typed_codes_work_in_the_menu_and_unknown_ones_are_errors() {
    let mut app = app();
    app.keys("/h");
    assert_eq!(app.state.code.as_deref(), Some("/h"));
    app.keys("<enter>");
    assert!(matches!(app.screen(), Screen::Help { .. }));
    let mut app2 = TestApp::new();
    app2.keys("SN-1234<enter>");
    assert_eq!(app2.status(), Some("Unknown code SN-1234"));
    assert_eq!(app2.bells, 1);
    assert_eq!(app2.screen(), &Screen::Menu);
    // Backspace edits a code; emptying it cancels it.
    let mut app3 = TestApp::new();
    app3.keys("/x<backspace><backspace>");
    assert_eq!(app3.state.code, None);
}

#[test]
fn back_in_the_menu_only_says_how_to_quit() {
    let mut app = app();
    app.keys("<f3>");
    assert!(!app.quit);
    assert_eq!(app.status(), Some("F10 = Quit"));
    // Information lasts one key.
    app.keys("<down>");
    assert_eq!(app.status(), None);
}

#[test]
fn a_scan_replaces_the_field_and_keeps_the_group_separator() {
    let mut app = app();
    app.keys("9SN-1<enter>");
    assert_eq!(app.state.last_scan.as_deref(), Some("SN-1"));
    assert_eq!(app.state.field.value(), "SN-1");
    app.keys("0109501101530003<gs>21AB<enter>");
    assert_eq!(
        app.state.last_scan.as_deref(),
        Some("0109501101530003\u{1d}21AB")
    );
    assert_eq!(app.state.field.value(), "0109501101530003\u{1d}21AB");
    let text = app.render();
    assert!(text.contains("30 31 30 39"), "{text}");
    assert!(text.contains("1D 32 31 41 42"), "{text}");
}

#[test]
fn cr_lf_ends_one_scan_only() {
    let mut app = app();
    app.keys("9A<enter><lf>B<enter><lf>");
    assert_eq!(app.state.last_scan.as_deref(), Some("B"));
    assert!(app.state.status.as_ref().is_none_or(|s| !s.error));
}

#[test]
fn terminators_follow_the_config() {
    let mut setup = TestSetup::default();
    setup.config.scan_terminators = vec![Terminator::Lf];
    let mut app = setup.build();
    app.keys("9AB<tab>C<enter>");
    assert_eq!(app.state.last_scan, None);
    app.keys("<lf>");
    assert_eq!(app.state.last_scan.as_deref(), Some("ABC"));
}

#[test]
fn a_good_scan_clears_an_error() {
    let mut app = app();
    app.keys("9/zz<enter>");
    assert_eq!(app.status(), Some("Unknown code /zz"));
    app.keys("SN-9<enter>");
    assert!(!app.state.has_error());
    assert_eq!(app.status(), Some("Read 4 chars"));
}

#[test]
fn clear_field_and_printables_in_scan_contexts() {
    let mut app = app();
    // `?` is help in the menu but plain text in a scan field.
    app.keys("9ab?");
    assert_eq!(app.state.field.value(), "ab?");
    assert_eq!(app.screen(), &Screen::Diagnostics { scroll: 0 });
    app.keys("<f9>");
    assert_eq!(app.state.field.value(), "");
    // A code is a whole entry: after a scan, the code replaces it and runs.
    app.keys("xy<enter>/c<enter>");
    assert_eq!(app.state.field.value(), "");
}

#[test]
fn diagnostics_records_keys_newest_first() {
    let mut app = app();
    app.keys("9<f12>a<up>");
    let names: Vec<String> = app.state.last_keys.iter().map(|k| k.name()).collect();
    assert_eq!(names[..4], ["<up>", "a", "<f12>", "9"].map(String::from));
    let text = app.render();
    assert!(text.contains("Key: Up     1B 5B 41"), "{text}");
    assert!(text.contains("F12    1B 5B 32 34 7E"), "{text}");
}

#[test]
fn effects_go_to_the_runner_and_answers_come_back() {
    let runner = RecordingRunner::default();
    let seen = runner.seen.clone();
    let mut app = TestApp::new().with_runner(Box::new(runner));
    app.keys("9");
    assert_eq!(seen.lock().unwrap().as_slice(), &[Effect::ProbeService]);
    assert_eq!(app.state.service.as_deref(), Some("none (TUI only)"));
    // A failing runner's answer becomes a sticky error with the bell.
    let mut app = TestApp::new().with_runner(Box::new(|e: Effect| match e {
        Effect::ProbeService => vec![Action::Failed("socket refused".into())],
        _ => vec![],
    }));
    app.keys("9");
    assert_eq!(app.status(), Some("Error: socket refused"));
    assert_eq!(app.bells, 1);
}

#[test]
fn redraw_is_an_effect_for_the_runtime() {
    let mut app = app();
    app.keys("<ctrl-l>/r<enter>");
    assert_eq!(app.redraws, 2);
}

#[test]
fn time_enters_as_data() {
    let mut app = app();
    let t = chrono::NaiveDate::from_ymd_opt(2030, 5, 6)
        .unwrap()
        .and_hms_opt(7, 8, 0)
        .unwrap();
    app.send(Action::Tick(t));
    assert!(app.render().contains("07:08"));
}

#[test]
fn commands_can_be_sent_directly() {
    let mut app = app();
    app.send(Action::KeyCommand(KeyCommand::Help));
    assert!(matches!(app.screen(), Screen::Help { .. }));
}

#[test]
fn help_scrolls_within_its_content() {
    let mut app = TestSetup::new(20, 8, Profile::Vt).build();
    app.keys("?");
    for _ in 0..100 {
        app.keys("<down>");
    }
    let Screen::Help { scroll, .. } = *app.screen() else {
        panic!("not help")
    };
    assert!(scroll > 0 && scroll < 40, "{scroll}");
    let text = app.render();
    assert!(text.contains("Keymap: vt220"), "{text}");
    app.keys("<pgup><pgup><pgup><pgup><pgup><pgup><pgup><pgup><pgup><pgup>");
    assert!(matches!(app.screen(), Screen::Help { scroll: 0, .. }));
}

#[test]
fn resizing_at_any_moment_draws_the_whole_new_size_and_keeps_the_screen() {
    let sizes = [
        (0, 0),
        (1, 1),
        (5, 3),
        (19, 7),
        (19, 16),
        (20, 7),
        (20, 8),
        (20, 16),
        (21, 9),
        (39, 8),
        (40, 8),
        (80, 24),
        (132, 43),
        (300, 100),
        (1, 100),
        (100, 1),
    ];
    let scripts = [
        "",
        "?",
        "9",
        "9<f1>",
        "9abc<enter><down><down><down>",
        "1",
        "/x",
    ];
    for script in scripts {
        let mut app = app();
        app.keys(script);
        let before = app.render();
        let screen = format!("{:?}", app.screen());
        for (w, h) in sizes {
            app.resize(w, h);
            let text = app.render();
            // Every row of the new size is drawn, each exactly as wide as the terminal.
            let rows: Vec<&str> = text.lines().collect();
            assert_eq!(rows.len(), usize::from(h), "{script:?} at {w}x{h}:\n{text}");
            for row in &rows {
                let row = row.strip_suffix('|').unwrap_or(row);
                assert_eq!(
                    row.chars().count(),
                    usize::from(w),
                    "{script:?} at {w}x{h}: {row:?}"
                );
            }
            // Below 20x8 the screen says so and what it needs, where there is room to.
            if (w < 20 || h < 8) && w >= 16 && h >= 3 {
                assert!(
                    text.contains("Screen too small"),
                    "{script:?} at {w}x{h}:\n{text}"
                );
                assert!(text.contains("Need 20x8"), "{script:?} at {w}x{h}:\n{text}");
            }
        }
        // Back at the first size: the same screen in the same state, drawn the same.
        app.resize(80, 24);
        assert_eq!(format!("{:?}", app.screen()), screen, "{script:?}");
        assert_eq!(app.render(), before, "{script:?}");
    }
}

#[test]
fn below_the_minimum_a_notice_is_shown() {
    let mut app = app();
    app.resize(19, 16);
    let text = app.render();
    assert!(text.contains("Screen too small"), "{text}");
    assert!(text.contains("(19x16)"), "{text}");
}

#[test]
fn a_bad_keymap_shows_errors_then_continues_with_the_default() {
    let setup = TestSetup {
        keymap: KeymapRequest {
            cli: Some("vt220".into()),
            site_file: Some("/etc/tallyman/site.toml".into()),
            ..Default::default()
        },
        site_keymap: Some("[count]\nfinsh = [\"<f4>\"]\n[menu]\nquit = [\"<ctrl-s>\"]\n".into()),
        ..TestSetup::default()
    };
    let mut app = setup.build();
    assert_eq!(app.screen(), &Screen::KeymapErrors { scroll: 0 });
    let text = app.render();
    assert!(
        text.contains("/etc/tallyman/site.toml:2: unknown command `finsh`"),
        "{text}"
    );
    assert!(text.contains("site.toml:4:"), "{text}");
    assert!(text.contains("Using the default keymap."), "{text}");
    assert_eq!(app.state.keymap.name(), "default");
    app.keys("<enter>");
    assert_eq!(app.screen(), &Screen::Menu);
    // The default keymap is in use: F10 quits, `PF` labels of vt220 are gone.
    app.keys("<f10>");
    assert!(app.quit);
}
