//! Test support (used by unit and integration tests, not by the application): a key-script
//! driver over `update` without a terminal (`app.keys("9<f1>SN-1<enter>")`), rendering to
//! text with ratatui's `TestBackend`, and a fixed clock. Panics on malformed scripts, as test
//! helpers do.

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

use std::sync::Arc;

use super::action::{Action, Effect, EffectRunner, NullRunner};
use super::app::{AppInit, AppState, Screen, SessionInfo};
use super::keymap::{self, KeymapRequest};
use super::keys::{parse_script, KeyPress};
use super::ops_runner::OpsRunner;
use super::profile::Profile;
use super::runtime::{dispatch, fixed_clock, TimeSource};
use super::view::view;
use crate::config::Config;
use crate::ops::ActAs;
use crate::ops::{Call, Local, Ops, Reply, Request};

/// The fixed time of tests and snapshots: 2026-01-02 14:05.
pub fn test_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 2)
        .and_then(|d| d.and_hms_opt(14, 5, 0))
        .unwrap_or_default()
}

/// The fixed clock.
pub fn test_clock() -> TimeSource {
    fixed_clock(test_now())
}

/// How to set up a [`TestApp`].
#[derive(Clone, Debug)]
pub struct TestSetup {
    /// Terminal size.
    pub size: (u16, u16),
    /// Profile.
    pub profile: Profile,
    /// Colour (full profile only).
    pub colour: bool,
    /// Keymap choice.
    pub keymap: KeymapRequest,
    /// Text of a site keymap file (used when `keymap.site_file` is set).
    pub site_keymap: Option<String>,
    /// Configuration.
    pub config: Config,
    /// Session facts.
    pub session: SessionInfo,
}

impl Default for TestSetup {
    fn default() -> Self {
        Self {
            size: (80, 24),
            profile: Profile::Full,
            colour: true,
            keymap: KeymapRequest::default(),
            site_keymap: None,
            config: Config::default(),
            session: SessionInfo {
                term: "xterm-256color".into(),
                user: "clerk1".into(),
                db_label: "/var/lib/tallyman/main.db".into(),
                role: None,
                link: None,
                utc_times: true,
            },
        }
    }
}

impl TestSetup {
    /// A setup of the given size and profile, everything else default.
    pub fn new(width: u16, height: u16, profile: Profile) -> Self {
        let mut s = Self {
            size: (width, height),
            profile,
            ..Self::default()
        };
        if profile == Profile::Vt {
            s.session.term = "vt220".into();
            s.keymap.term = "vt220".into();
        }
        s
    }

    /// Uses the named shipped keymap.
    pub fn keymap(mut self, name: &str) -> Self {
        self.keymap.cli = Some(name.into());
        self
    }

    /// Builds the app.
    pub fn build(self) -> TestApp {
        let site = self.site_keymap.clone();
        let loaded = keymap::load(&self.keymap, |_| {
            site.clone()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no site keymap"))
        });
        let state = AppState::new(AppInit {
            config: self.config,
            keymap: loaded,
            profile: self.profile,
            colour: self.colour,
            session: self.session,
            now: test_now(),
            size: self.size,
        });
        TestApp {
            state,
            runner: Box::new(NullRunner),
            bells: 0,
            quit: false,
            redraws: 0,
        }
    }
}

/// Drives `update` with key scripts; no terminal involved.
pub struct TestApp {
    /// The state.
    pub state: AppState,
    runner: Box<dyn EffectRunner>,
    /// Bells rung so far.
    pub bells: usize,
    /// Quit requested.
    pub quit: bool,
    /// Full repaints requested.
    pub redraws: usize,
}

impl TestApp {
    /// The default test app: 80x24, full profile, default keymap.
    pub fn new() -> Self {
        TestSetup::default().build()
    }

    /// Replaces the effect runner.
    pub fn with_runner(mut self, runner: Box<dyn EffectRunner>) -> Self {
        self.runner = runner;
        self
    }

    /// Runs effects through an [`OpsRunner`] over a real service, acting as the session's
    /// user, with earlier scans' times in UTC (so snapshots do not depend on the time zone).
    pub fn with_service(self, service: impl ActAs) -> Self {
        let runner = ops_runner_for(&self.state, service);
        self.with_runner(Box::new(runner))
    }

    /// Feeds one action (and every follow-up action from the runner).
    pub fn send(&mut self, action: Action) -> &mut Self {
        let out = dispatch(&mut self.state, &mut *self.runner, action);
        self.bells += usize::from(out.bell);
        self.quit |= out.quit;
        self.redraws += usize::from(out.redraw);
        self
    }

    /// Presses one key; then a frame counts as drawn (the runtime draws after each batch of
    /// input, and a key typed by hand is a batch of its own).
    pub fn press(&mut self, k: KeyPress) -> &mut Self {
        self.send(Action::Key(k));
        self.send(Action::Drawn)
    }

    /// Presses the keys of a script such as `9<f1>SN-1<enter>`.
    ///
    /// # Panics
    /// On a malformed script.
    pub fn keys(&mut self, script: &str) -> &mut Self {
        let keys = match parse_script(script) {
            Ok(k) => k,
            Err(e) => panic!("bad key script {script:?}: {e}"),
        };
        for k in keys {
            self.press(k);
        }
        self
    }

    /// Changes the terminal size.
    pub fn resize(&mut self, width: u16, height: u16) -> &mut Self {
        self.send(Action::Resize { width, height })
    }

    /// The screen on top.
    pub fn screen(&self) -> &Screen {
        self.state.screen()
    }

    /// The status line text, if any (as the screen on top shows it).
    pub fn status(&self) -> Option<&str> {
        self.state.status_here().map(|s| s.text.as_str())
    }

    /// Renders the state at its size.
    pub fn buffer(&self) -> Buffer {
        let (w, h) = self.state.size;
        let backend = TestBackend::new(w, h);
        let mut terminal = match Terminal::new(backend) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        let state = &self.state;
        if let Err(e) = terminal.draw(|f| view(state, f)) {
            match e {}
        }
        terminal.backend().buffer().clone()
    }

    /// Renders the state as text, one line per row, each ending in `|`.
    pub fn render(&self) -> String {
        buffer_text(&self.buffer())
    }

    /// The screen's words in reading order, rows joined by one space: what a sentence
    /// wrapped over rows says.
    pub fn words(&self) -> String {
        self.render()
            .lines()
            .map(|l| l.trim_end_matches('|').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Renders at `w` x `h` and checks what is drawn: below the smallest size the screens
    /// take, the "too small" notice (when there is room to draw it) and nothing of the
    /// screen; from it on, the screen's own header (the first word of its title) and no
    /// notice.
    pub fn assert_renders_at(&mut self, w: u16, h: u16) {
        let full = crate::tui::screens::title(&self.state);
        let title = full
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let title = title.as_str();
        self.resize(w, h);
        let text = self.render();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), usize::from(h), "{w}x{h}: rows\n{text}");
        let small = w < crate::tui::view::MIN_WIDTH || h < crate::tui::view::MIN_HEIGHT;
        let words = self.words();
        if small {
            if w >= 6 && h >= 2 {
                assert!(words.contains("Screen"), "{w}x{h}: no notice\n{text}");
            }
            assert!(
                !words.contains(title) || title.is_empty(),
                "{w}x{h}:\n{text}"
            );
        } else {
            let header = rows[0];
            assert!(
                header.contains(title),
                "{w}x{h}: header without {title:?}\n{text}"
            );
            assert!(!words.contains("too small"), "{w}x{h}:\n{text}");
        }
    }
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}

/// A buffer as text, one line per row, each row ending in `|` so widths show.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut skip = 0usize;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            out.push_str(sym);
            skip = sym.chars().count().saturating_sub(1);
        }
        out.push_str("|\n");
    }
    out
}

/// The runner the tests use over a real service: acting as the state's session user, times in
/// UTC.
pub fn ops_runner_for(state: &AppState, service: impl ActAs) -> OpsRunner {
    OpsRunner::shared(Arc::new(service.act_as(state.session.user.clone())))
}

/// An [`Ops`] that logs every request it passes on (tests count requests per user intent).
pub struct CountingOps {
    inner: Local,
    /// Every call, in order.
    pub calls: Arc<std::sync::Mutex<Vec<Call>>>,
}

impl Ops for CountingOps {
    fn call(&self, request: Request) -> Reply {
        let Request::V1(call) = &request;
        if let Ok(mut log) = self.calls.lock() {
            log.push(call.clone());
        }
        self.inner.call(request)
    }
}

/// A runner over a real service, as [`ops_runner_for`], whose requests are logged.
pub fn counting_runner_for(
    state: &AppState,
    service: impl ActAs,
) -> (OpsRunner, Arc<std::sync::Mutex<Vec<Call>>>) {
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let ops = CountingOps {
        inner: service.act_as(state.session.user.clone()),
        calls: calls.clone(),
    };
    (OpsRunner::shared(Arc::new(ops)), calls)
}

/// A runner that records effects and answers like [`NullRunner`].
#[derive(Clone, Debug, Default)]
pub struct RecordingRunner {
    /// Effects seen, in order.
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<Effect>>>,
}

impl EffectRunner for RecordingRunner {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        if let Ok(mut v) = self.seen.lock() {
            v.push(effect.clone());
        }
        NullRunner.run(effect)
    }
}

/// A `Write` target tests can read while a backend owns a clone of it.
#[derive(Clone, Debug, Default)]
pub struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuf {
    /// A new empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the bytes written so far.
    pub fn take(&self) -> Vec<u8> {
        match self.0.lock() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(_) => Vec::new(),
        }
    }
}

impl std::io::Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut v) => {
                v.extend_from_slice(buf);
                Ok(buf.len())
            }
            Err(_) => Err(std::io::Error::other("poisoned")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
