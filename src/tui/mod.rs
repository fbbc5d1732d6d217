//! The terminal application: Elm-style core (`Action`, pure `update`, pure `view`), keymaps
//! as data, terminal profiles (`full`, `vt`) with an output filter for VTs, and the runtime
//! (the only part that touches the terminal). Entry point: [`run`].

pub mod action;
pub mod app;
pub mod backend;
pub mod burst;
pub mod effect;
pub mod keymap;
pub mod keys;
pub mod live;
pub mod nav;
pub mod ops_runner;
pub mod profile;
pub mod runtime;
pub mod scan_field;
pub mod screens;
pub mod terminal;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod update;
pub mod view;
pub mod vt_filter;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Instant;

pub use action::{Action, Effect, EffectRunner, NullRunner};
pub use app::AppState;
pub use keymap::KeymapRequest;
pub use profile::Profile;
pub use runtime::{fixed_clock, local_clock, Exit, Runtime, TimeSource};
pub use update::update;
pub use view::view;

use crate::config::{Config, ProfileSetting};
use app::{AppInit, SessionInfo};
use backend::{FrameBuffer, TermBackend};
use terminal::{spawn_input_thread, SignalWatch, TerminalGuard};
use vt_filter::VtFilter;

/// Everything the TUI needs to start, resolved by the caller (see [`TuiOptions::from_env`]).
#[derive(Clone)]
pub struct TuiOptions {
    /// The configuration.
    pub config: Config,
    /// What decides the keymap.
    pub keymap: KeymapRequest,
    /// Terminal profile.
    pub profile: Profile,
    /// Colour allowed (false with `NO_COLOR`; ignored in the vt profile).
    pub colour: bool,
    /// TERM.
    pub term: String,
    /// The OS user.
    pub user: String,
    /// Which database (path, or the server's socket).
    pub db_label: String,
    /// The time source.
    pub clock: TimeSource,
    /// The role the user holds (what the screens offer): the server's word, admin when the
    /// database is opened in this process.
    pub role: crate::domain::Role,
    /// Scans left waiting for the server by a client that died (sent once it answers).
    pub waiting: usize,
    /// The server's socket the screens work through (none: the database is opened here).
    pub link: Option<String>,
}

impl std::fmt::Debug for TuiOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TuiOptions")
            .field("config", &self.config)
            .field("keymap", &self.keymap)
            .field("profile", &self.profile)
            .field("colour", &self.colour)
            .field("term", &self.term)
            .field("user", &self.user)
            .field("db_label", &self.db_label)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub use crate::identity::os_user;

impl TuiOptions {
    /// Resolves the options from the command line values, the config and the environment
    /// (`TERM`, `NO_COLOR`, `TALLYMAN_KEYMAP`, `USER`). Profile: `--profile`, then config,
    /// then TERM. Keymap: `--keymap`, then `TALLYMAN_KEYMAP`, then config, then TERM, then
    /// default; `--keymap-file` is layered on top.
    pub fn from_env(
        config: Config,
        keymap: Option<String>,
        keymap_file: Option<PathBuf>,
        profile: Option<ProfileSetting>,
        db_label: String,
    ) -> Self {
        let term = env("TERM").unwrap_or_default();
        let profile = Profile::resolve(profile, config.profile, &term);
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self {
            keymap: KeymapRequest {
                cli: keymap,
                env: env("TALLYMAN_KEYMAP"),
                config: config.keymap.clone(),
                term: term.clone(),
                site_file: keymap_file,
            },
            config,
            profile,
            colour,
            term,
            user: os_user(),
            db_label,
            clock: local_clock(),
            role: crate::domain::Role::Admin,
            waiting: 0,
            link: None,
        }
    }

    /// The initial state these options give, at a given terminal size.
    pub fn initial_state(&self, size: (u16, u16)) -> AppState {
        let loaded = keymap::load(&self.keymap, keymap::read_file);
        let mut state = AppState::new(AppInit {
            config: self.config.clone(),
            keymap: loaded,
            profile: self.profile,
            colour: self.colour,
            session: SessionInfo {
                term: self.term.clone(),
                user: self.user.clone(),
                db_label: self.db_label.clone(),
                role: Some(self.role),
                link: self.link.clone(),
                utc_times: false,
            },
            now: (self.clock)(),
            size,
        });
        state.live.waiting = self.waiting;
        state
    }
}

/// The TUI ended without the user quitting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Interrupted {
    /// A signal (SIGTERM, SIGHUP when an SSH session drops, SIGINT, SIGQUIT).
    #[error("terminated by signal {0}")]
    Signal(i32),
    /// The terminal input ended.
    #[error("terminal input closed: {0}")]
    InputClosed(String),
}

impl Interrupted {
    /// The conventional exit status (128 + signal; 129, as for SIGHUP, for closed input).
    pub fn exit_code(&self) -> i32 {
        match self {
            Interrupted::Signal(s) => 128 + s,
            Interrupted::InputClosed(_) => 129,
        }
    }
}

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main` so the start-to-first-frame time covers the whole start.
pub fn mark_start() {
    let _ = STARTED.set(Instant::now());
}

/// Runs the TUI on the process's terminal until the user quits. The terminal is restored on
/// return, on panic and on SIGTERM/SIGHUP. Returns [`Interrupted`] (inside the error) when a
/// signal or a lost terminal ended it, so `main` can exit with [`Interrupted::exit_code`].
///
/// With `TALLYMAN_STARTUP_REPORT=FILE` set, writes `first_frame_ms=...` (time from
/// [`mark_start`], or from this call, to the first frame written) to FILE on exit.
pub fn run(options: TuiOptions, runner: Box<dyn EffectRunner + Send>) -> anyhow::Result<()> {
    let started = *STARTED.get_or_init(Instant::now);
    let profile = options.profile;
    let state = options.initial_state((0, 0));
    let guard = TerminalGuard::enter(profile).map_err(|e| {
        anyhow::anyhow!(
            "the screens need a terminal ({e}); run a command instead, see `tallyman --help`"
        )
    })?;
    let (tx, rx) = mpsc::channel();
    let signals = SignalWatch::start(tx.clone())?;
    spawn_input_thread(tx)?;
    let writer = VtFilter::new(FrameBuffer::new(io::stdout()), profile == Profile::Vt);
    let mut rt = Runtime::new(
        TermBackend::new(writer),
        state,
        runner,
        options.clock.clone(),
    )?
    .with_worker()?;
    rt.draw()?;
    let first_frame = started.elapsed();
    #[cfg(debug_assertions)]
    if std::env::var_os("TALLYMAN_TEST_PANIC").is_some() {
        panic!("injected test panic (TALLYMAN_TEST_PANIC)");
    }
    let exit = rt.run(&rx);
    drop(rt);
    drop(signals);
    drop(guard);
    if let Some(path) = std::env::var_os("TALLYMAN_STARTUP_REPORT") {
        let report = format!("first_frame_ms={:.3}\n", first_frame.as_secs_f64() * 1000.0);
        let _ = std::fs::File::create(path).and_then(|mut f| f.write_all(report.as_bytes()));
    }
    match exit? {
        Exit::Quit => Ok(()),
        Exit::Signal(s) => Err(Interrupted::Signal(s).into()),
        Exit::InputClosed(m) => Err(Interrupted::InputClosed(m).into()),
    }
}
