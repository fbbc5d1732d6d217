//! The application state (`AppState`): the screen stack (each entry a screen with its
//! session, as plain data) and the shared parts: the status line, the keymap, the time, the
//! size, the link to the server. It names no screen's logic: the screens stand above it.

use std::collections::VecDeque;

use chrono::NaiveDateTime;

use super::keymap::{Context, Keymap, KeymapError, KeymapSource, LoadedKeymap};
use super::keys::KeyPress;
use super::profile::{Profile, Theme};
use super::scan_field::ScanField;
use super::screens::count_list::state::{CountListSession, CountRow};
use super::screens::count_scan::state::CountSession;
use super::screens::lookup::state::LookupSession;
use super::screens::mismatch::state::MismatchSession;
use super::screens::reports::state::ReportSession;
use crate::config::Config;

pub use super::screens::screen::Screen;

/// A status line message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// An error: reverse video, stays until the next good scan or Enter.
    pub error: bool,
    /// It has been on screen (a frame was drawn since). A good scan only clears an error the
    /// clerk could see: a burst of scans is drawn once, after its last scan.
    pub shown: bool,
    /// The visit of the screen the message belongs to: it shows (and an error takes Enter)
    /// only there. None: every screen (the link to the server).
    pub visit: Option<u64>,
}

/// How the keymap in use was chosen, and what went wrong.
#[derive(Clone, Debug)]
pub struct KeymapInfo {
    /// The name asked for.
    pub requested: String,
    /// Why that name.
    pub source: KeymapSource,
    /// Errors; non-empty means the default keymap replaced the requested one.
    pub errors: Vec<KeymapError>,
}

/// Facts about the session shown on the diagnostics screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionInfo {
    /// TERM as the process saw it.
    pub term: String,
    /// The OS user.
    pub user: String,
    /// Which database (path or server socket).
    pub db_label: String,
    /// The user's role, as the server said at start (None: not asked, all is offered).
    pub role: Option<crate::domain::Role>,
    /// The server's socket the screens work through; none when they open the database
    /// themselves (embedded mode).
    pub link: Option<String>,
    /// Times of earlier scans are shown in UTC (tests and snapshots), not in local time.
    pub utc_times: bool,
}

/// Everything the screens show and `update` changes.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The screen stack; the menu is at the bottom and never popped.
    pub screens: Vec<Screen>,
    /// One visit number per entry of [`AppState::screens`]: answers are tagged with the
    /// visit they were asked from and dropped once it has left the stack.
    pub visits: Vec<u64>,
    /// The next visit number.
    pub next_visit: u64,
    /// The visit whose service answer is being applied (its messages belong to it).
    pub answering: Option<u64>,
    /// Service effects asked for and not answered yet (the header says "working...").
    pub pending: usize,
    /// Index of the marked entry in [`visible_entries`].
    pub menu_selected: usize,
    /// The keymap in use.
    pub keymap: Keymap,
    /// How it was chosen.
    pub keymap_info: KeymapInfo,
    /// Styles for the profile.
    pub theme: Theme,
    /// Session facts.
    pub session: SessionInfo,
    /// The configuration.
    pub config: Config,
    /// The current time, as last told by the runtime.
    pub now: NaiveDateTime,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The status line.
    pub status: Option<Status>,
    /// A typed code being entered on a screen without a scan field.
    pub code: Option<String>,
    /// The scan field of the current scan-taking screen.
    pub field: ScanField,
    /// The last keys received, newest first.
    pub last_keys: VecDeque<KeyPress>,
    /// The last scan read on the diagnostics screen.
    pub last_scan: Option<String>,
    /// The service's status line, once known.
    pub service: Option<String>,
    /// Set when the user asked to leave.
    pub quit: bool,
    /// Polling the service for changes others made.
    pub live: Live,
}

/// The polling state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Live {
    /// The last entry number seen.
    pub seen: Option<u64>,
    /// A poll is with the service.
    pub polling: bool,
    /// When the last poll was sent.
    pub last_poll: Option<NaiveDateTime>,
    /// Why the last poll failed, while the service does not answer.
    pub link_down: Option<String>,
    /// Scans kept by the client that wait for the server.
    pub waiting: usize,
    /// The waiting scans are being sent.
    pub sending: bool,
    /// The server's refusal of this user (removed while logged in), once it said so.
    pub refused: Option<String>,
}

/// How many keys the diagnostics screen remembers.
pub const KEY_HISTORY: usize = 16;

/// What [`AppState::new`] needs.
#[derive(Clone, Debug)]
pub struct AppInit {
    /// The configuration.
    pub config: Config,
    /// The keymap and how it was chosen.
    pub keymap: LoadedKeymap,
    /// Terminal profile.
    pub profile: Profile,
    /// Colour allowed (false with `NO_COLOR`).
    pub colour: bool,
    /// Session facts.
    pub session: SessionInfo,
    /// The time at start.
    pub now: NaiveDateTime,
    /// The terminal size at start.
    pub size: (u16, u16),
}

impl AppState {
    /// The state at start: the menu, with the keymap error screen on top if the keymap had
    /// errors.
    pub fn new(init: AppInit) -> Self {
        let mut screens = vec![Screen::Menu];
        if !init.keymap.errors.is_empty() {
            screens.push(Screen::KeymapErrors { scroll: 0 });
        }
        let visits: Vec<u64> = (0..screens.len() as u64).collect();
        Self {
            next_visit: visits.len() as u64,
            visits,
            pending: 0,
            answering: None,
            screens,
            menu_selected: 0,
            keymap: init.keymap.keymap,
            keymap_info: KeymapInfo {
                requested: init.keymap.requested,
                source: init.keymap.source,
                errors: init.keymap.errors,
            },
            theme: Theme::new(init.profile, init.colour),
            session: init.session,
            config: init.config,
            now: init.now,
            size: init.size,
            status: None,
            code: None,
            field: ScanField::new(),
            last_keys: VecDeque::with_capacity(KEY_HISTORY),
            last_scan: None,
            service: None,
            quit: false,
            live: Live::default(),
        }
    }

    /// The screen on top.
    pub fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&Screen::Menu)
    }

    /// The context keys are read in.
    pub fn context(&self) -> Context {
        self.screen().context()
    }

    /// The terminal profile.
    pub fn profile(&self) -> Profile {
        self.theme.profile
    }

    /// The visit of the screen on top, not counting help (it asks nothing; what is asked
    /// while it is open belongs to the screen below). Answers carry it.
    pub fn top_visit(&self) -> u64 {
        self.screens
            .iter()
            .zip(&self.visits)
            .rev()
            .find(|(s, _)| !matches!(s, Screen::Help { .. }))
            .map_or(0, |(_, v)| *v)
    }

    /// Is the screen of this visit still on the stack?
    pub fn on_stack(&self, visit: u64) -> bool {
        self.visits.contains(&visit)
    }

    /// Is a service effect outstanding?
    pub fn busy(&self) -> bool {
        self.pending > 0
    }

    /// Is an answer expected from the service (work the user waits for, or a poll)?
    pub fn expecting_answers(&self) -> bool {
        self.pending > 0 || self.live.polling
    }

    /// The lookup screen's session, while the screen is on the stack.
    pub fn lookup(&self) -> Option<&LookupSession> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Lookup(l) => Some(l),
            _ => None,
        })
    }

    /// The lookup screen's session, to change (its own `update` only).
    pub fn lookup_mut(&mut self) -> Option<&mut LookupSession> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Lookup(l) => Some(l),
            _ => None,
        })
    }

    /// The scan loop's session (the joined count), while its screen is on the stack.
    pub fn count_session(&self) -> Option<&CountSession> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::CountScan(c) => Some(c),
            _ => None,
        })
    }

    /// The scan loop's session, to change (its own `update` only).
    pub fn count_session_mut(&mut self) -> Option<&mut CountSession> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::CountScan(c) => Some(c),
            _ => None,
        })
    }

    /// The session of the count list nearest the top of the stack (for counting or for
    /// mismatches: each use has its own).
    pub fn count_list(&self) -> Option<&CountListSession> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::CountList(l) | Screen::MismatchCounts(l) => Some(l),
            _ => None,
        })
    }

    /// That session, to change (the count list's own `update` only).
    pub fn count_list_mut(&mut self) -> Option<&mut CountListSession> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::CountList(l) | Screen::MismatchCounts(l) => Some(l),
            _ => None,
        })
    }

    /// The rows of that count list, once loaded.
    pub fn counts(&self) -> Option<&Vec<CountRow>> {
        self.count_list()?.counts.as_ref()
    }

    /// The marked line of that count list.
    pub fn count_selected(&self) -> usize {
        self.count_list().map_or(0, |l| l.selected)
    }

    /// The mismatch screens' session (the count whose mismatches are open), while they are
    /// on the stack.
    pub fn mismatch(&self) -> Option<&MismatchSession> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Mismatches(m) => Some(m),
            _ => None,
        })
    }

    /// The mismatch screens' session, to change (their own `update` only).
    pub fn mismatch_mut(&mut self) -> Option<&mut MismatchSession> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Mismatches(m) => Some(m),
            _ => None,
        })
    }

    /// The report shown, while its screen is on the stack.
    pub fn report(&self) -> Option<&ReportSession> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Report(r) => Some(r),
            _ => None,
        })
    }

    /// The report shown, to change (its own screen only).
    pub fn report_mut(&mut self) -> Option<&mut ReportSession> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Report(r) => Some(r),
            _ => None,
        })
    }

    /// Is an error showing?
    pub fn has_error(&self) -> bool {
        self.status_here().is_some_and(|s| s.error)
    }

    /// The status message, if it belongs to the screen on top (or to every screen).
    pub fn status_here(&self) -> Option<&Status> {
        let top = self.visits.last().copied();
        self.status
            .as_ref()
            .filter(|s| s.visit.is_none() || s.visit == top)
    }
}
