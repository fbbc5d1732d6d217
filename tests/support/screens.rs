//! The screen tests' harness, one definition of each part: the apps built on a test's
//! database (`app`, `app_on`), snapshots of a key script at each size and profile
//! (`snap_fn!`), the real runtime over the VT filter (`Rt`, `keys`, `vt_runtime`,
//! `assert_vt_rules_at_every_size`), what a screen draws at every size
//! (`assert_draws_at_every_size`), and the guides' screen captures checked against the
//! snapshots (`assert_guide_shows_real_screens`).

#![allow(dead_code)]

use std::sync::Arc;

use tallyman::ops::local::Service;
use tallyman::tui::backend::TermBackend;
use tallyman::tui::testing::{ops_runner_for, test_clock, SharedBuf, TestApp, TestSetup};
use tallyman::tui::view::{MIN_HEIGHT, MIN_WIDTH};
use tallyman::tui::vt_filter::{vt_violations, VtFilter};
use tallyman::tui::{Profile, Runtime};

pub use super::key_events as keys;
use super::Db;

/// The real runtime as the screen tests run it: the VT filter over a shared buffer.
pub type Rt = Runtime<TermBackend<VtFilter<SharedBuf>>>;

/// The sizes every screen file snapshots: a 20x16 handheld, a 40x8 strip, an 80x24 terminal.
pub const SIZES: [(u16, u16); 3] = [(20, 16), (40, 8), (80, 24)];

/// Both colour profiles.
pub const PROFILES: [Profile; 2] = [Profile::Full, Profile::Vt];

/// The sizes the render tests draw at: nothing at all, below the smallest the screens take
/// (20x8) in either direction, the smallest, a handheld, just above, the edges of the
/// layouts (40 and 60 columns), a terminal, a large and a huge one.
pub const RENDER_SIZES: [(u16, u16); 14] = [
    (0, 0),
    (1, 1),
    (19, 7),
    (19, 16),
    (80, 7),
    (20, 8),
    (20, 16),
    (21, 9),
    (39, 10),
    (40, 8),
    (59, 12),
    (60, 10),
    (80, 24),
    (300, 100),
];

impl Db {
    /// A test app of `setup` on this database.
    pub fn app_on(&self, setup: TestSetup) -> TestApp {
        setup.build().with_service(self.svc.clone())
    }
}

/// A test app of `setup` on `db`.
pub fn app_on(db: &Db, setup: TestSetup) -> TestApp {
    db.app_on(setup)
}

/// A test app of the default setup (80x24) on `db`.
pub fn app(db: &Db) -> TestApp {
    app_on(db, TestSetup::default())
}

/// Defines the calling file's `snap(name, script, sizes, profiles)`: snapshots of a key
/// script at each size and profile, each on a fresh app on a fresh database from the file's
/// `db()`, named `NAME_WxH_PROFILE`. A macro so that the snapshots keep the file's names.
#[allow(unused_macros)]
macro_rules! snap_fn {
    () => {
        fn snap(
            name: &str,
            script: &str,
            sizes: &[(u16, u16)],
            profiles: &[tallyman::tui::Profile],
        ) {
            let make = |setup| {
                let db = db();
                let app = support::screens::app_on(&db, setup);
                (db, app)
            };
            support::snap_each!(make, name, script, sizes, profiles);
        }
    };
}
#[allow(unused_imports)]
pub(crate) use snap_fn;

/// The real runtime at `w` x `h` (VT profile, VT filter on) with the ops runner on `svc`,
/// its first frame drawn, and the buffer its bytes go to.
pub fn vt_runtime(svc: &Arc<Service>, w: u16, h: u16) -> (Rt, SharedBuf) {
    let buf = SharedBuf::new();
    let backend = TermBackend::with_size(VtFilter::new(buf.clone(), true), w, h);
    let state = TestSetup::new(w, h, Profile::Vt).build().state;
    let runner = ops_runner_for(&state, svc.clone());
    let mut rt: Rt =
        Runtime::new(backend, state, Box::new(runner), test_clock()).expect("the runtime starts");
    rt.draw().expect("the first frame is drawn");
    (rt, buf)
}

/// At each of [`SIZES`], on a fresh database from `db`, the key scripts one batch each:
/// every frame's bytes follow the VT rules.
pub fn assert_vt_rules_at_every_size(db: impl Fn() -> Db, scripts: &[&str]) {
    for (w, h) in SIZES {
        let db = db();
        let (mut rt, buf) = vt_runtime(&db.svc, w, h);
        for script in scripts {
            rt.step(keys(script)).expect("a step runs");
            let bytes = buf.take();
            let v = vt_violations(&bytes);
            assert!(v.is_empty(), "{w}x{h} {script}: {v:?}");
        }
    }
}

/// Whether the screens draw themselves at `w` x `h` (from it on) or the "too small" notice.
pub fn fits(w: u16, h: u16) -> bool {
    w >= MIN_WIDTH && h >= MIN_HEIGHT
}

/// Each step's keys, then at every one of [`RENDER_SIZES`]: the screen's header or the
/// "too small" notice ([`TestApp::assert_renders_at`]), and where the screen fits, each of
/// the step's words, whole, in what it draws (read in order, rows joined by a space, so a
/// word cut at a row's end or off the screen is missing). The words are what the step is
/// about: the title, the field, the serial typed, the message of the status line.
pub fn assert_draws_at_every_size(app: &mut TestApp, steps: &[(&str, &[&str])]) {
    for (script, words) in steps {
        app.resize(80, 24);
        app.keys(script);
        for (w, h) in RENDER_SIZES {
            app.assert_renders_at(w, h);
            if !fits(w, h) {
                continue;
            }
            let drawn = format!(" {} ", app.words());
            for word in *words {
                assert!(
                    drawn.contains(word),
                    "after {script:?} at {w}x{h}: expected {word:?}, found\n{}",
                    app.render()
                );
            }
        }
    }
    app.resize(80, 24);
}

/// The screens of the snapshots whose file names start with `prefix` (`""`: all), as the
/// guides show them (the `|` that ends each row dropped).
pub fn snapshot_screens(prefix: &str) -> Vec<String> {
    let mut screens = Vec::new();
    for e in std::fs::read_dir("tests/snapshots").expect("tests/snapshots") {
        let p = e.expect("a snapshot").path();
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with(prefix) && name.ends_with(".snap") {
            let text = std::fs::read_to_string(&p).expect("a snapshot reads");
            let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
            let rows: Vec<&str> = body
                .lines()
                .map(|l| l.strip_suffix('|').unwrap_or(l))
                .collect();
            screens.push(rows.join("\n"));
        }
    }
    screens
}

/// Every screen capture in the guide `doc` (a fenced block showing the screens' clock,
/// 14:05) is one of the snapshots whose names start with `prefix`, exactly, and there are at
/// least `min`: the guide shows what the screens really draw. Returns the guide's text.
pub fn assert_guide_shows_real_screens(doc: &str, prefix: &str, min: usize) -> String {
    let text = std::fs::read_to_string(doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let screens = snapshot_screens(prefix);
    let mut captures = 0;
    let mut wrong = Vec::new();
    for (i, block) in text.split("```").enumerate() {
        // Odd parts are inside fences.
        let block = block.strip_prefix('\n').unwrap_or(block);
        if i % 2 == 1 && block.contains("14:05") {
            captures += 1;
            let block = block.trim_end_matches('\n');
            if !screens.iter().any(|s| s == block) {
                wrong.push(block.to_string());
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{doc} shows screens no snapshot{} has:\n{}",
        if prefix.is_empty() {
            String::new()
        } else {
            format!(" {prefix}*")
        },
        wrong.join("\n\n")
    );
    assert!(
        captures >= min,
        "{doc}: only {captures} captures, expected {min}"
    );
    text
}
