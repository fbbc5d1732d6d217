//! Screen snapshots (insta) of the menu, help and diagnostics at 20x16, 40x8 and 80x24 in
//! both profiles, with a fixed clock; plus the keymap error screen, an error status line and
//! the "too small" notice. Each row ends in `|` so widths are visible.

mod support;

use support::screens::{PROFILES, SIZES};
use tallyman::tui::keymap::KeymapRequest;
use tallyman::tui::testing::{TestApp, TestSetup};
use tallyman::tui::Profile;

/// The screens of a key script with no database, at each size and profile.
fn each(name: &str, script: &str) {
    let make = |setup: TestSetup| ((), setup.build());
    support::snap_each!(make, name, script, &SIZES, &PROFILES);
}

#[test]
fn menu() {
    each("menu", "");
}

#[test]
fn help() {
    each("help", "?");
}

#[test]
fn diagnostics() {
    each("diagnostics", "9SN-1<gs>21X<enter><f2>");
}

/// Through a server the diagnostics name its socket (on the handheld sizes, scrolled to it).
#[test]
fn diagnostics_through_a_server() {
    for (w, h, downs) in [(20, 16, 3), (40, 8, 6)] {
        let mut setup = TestSetup::new(w, h, Profile::Vt);
        setup.session.link = Some("/run/tallyman/site.sock".into());
        let mut app: TestApp = setup.build();
        app.keys("9");
        for _ in 0..downs {
            app.keys("<down>");
        }
        let screen = app.render();
        // The path may wrap at its folders: compare without the spaces.
        let text: String = screen
            .lines()
            .map(|l| l.trim_end_matches('|'))
            .collect::<String>()
            .split_whitespace()
            .collect();
        assert!(
            text.contains("Via:server/run/tallyman/site.sock"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("diagnostics_server_{w}x{h}_vt"), screen);
    }
}

#[test]
fn menu_with_error() {
    each("menu_error", "5");
}

#[test]
fn keymap_errors() {
    let setup = TestSetup {
        keymap: KeymapRequest {
            cli: Some("handheld".into()),
            site_file: Some("site.toml".into()),
            ..Default::default()
        },
        site_keymap: Some("[count]\nfinish = [\"f\"]\n[lookup]\nactions = [\"<f6>\"]\n".into()),
        ..TestSetup::new(40, 8, Profile::Vt)
    };
    insta::assert_snapshot!("keymap_errors_40x8_vt", setup.build().render());
}

#[test]
fn too_small() {
    let app = TestSetup::new(16, 6, Profile::Vt).build();
    insta::assert_snapshot!("too_small_16x6", app.render());
}
