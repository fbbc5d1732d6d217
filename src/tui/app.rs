//! The application state (`AppState`), the screen stack, and the menu registry. Later screens
//! register by adding a [`Screen`] variant and flipping `built` in [`MENU`].

use std::collections::VecDeque;

use chrono::NaiveDateTime;

use super::ask::{Choice, Prompt};
use super::count::{Confirm, CountRow, CountSession};
use super::keymap::{Context, Keymap, KeymapError, KeymapSource, LoadedKeymap};
use super::keys::KeyPress;
use super::lookup::LookupSession;
use super::mismatch::MismatchSession;
use super::profile::{Profile, Theme};
use super::reports::ReportSession;
use super::scan_field::ScanField;
use super::text;
use crate::config::Config;

/// Screens reachable from the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScreenId {
    /// Count by serial numbers.
    Count,
    /// Mismatches of a count.
    Mismatches,
    /// History and warranty lookup.
    Lookup,
    /// Goods receipt.
    Receive,
    /// Sale.
    Sell,
    /// Customer return.
    Return,
    /// Transfer between locations.
    Transfer,
    /// Reports.
    Reports,
    /// Terminal and scanner diagnostics.
    Diagnostics,
    /// Leave the application.
    Quit,
}

/// One numbered menu entry. Numbers are stable, whether or not an entry is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MenuEntry {
    /// The digit that opens it.
    pub number: u8,
    /// What it opens.
    pub id: ScreenId,
    /// Is its screen built? Entries that are not are hidden.
    pub built: bool,
}

/// The main menu, in display order.
pub const MENU: &[MenuEntry] = &[
    MenuEntry {
        number: 1,
        id: ScreenId::Count,
        built: true,
    },
    MenuEntry {
        number: 2,
        id: ScreenId::Mismatches,
        built: true,
    },
    MenuEntry {
        number: 3,
        id: ScreenId::Lookup,
        built: true,
    },
    MenuEntry {
        number: 4,
        id: ScreenId::Receive,
        built: false,
    },
    MenuEntry {
        number: 5,
        id: ScreenId::Sell,
        built: false,
    },
    MenuEntry {
        number: 6,
        id: ScreenId::Return,
        built: false,
    },
    MenuEntry {
        number: 7,
        id: ScreenId::Transfer,
        built: false,
    },
    MenuEntry {
        number: 8,
        id: ScreenId::Reports,
        built: true,
    },
    MenuEntry {
        number: 9,
        id: ScreenId::Diagnostics,
        built: true,
    },
    MenuEntry {
        number: 0,
        id: ScreenId::Quit,
        built: true,
    },
];

/// The entries shown in the menu.
pub fn visible_entries() -> Vec<&'static MenuEntry> {
    MENU.iter().filter(|e| e.built).collect()
}

/// A screen on the stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    /// The main menu (always at the bottom).
    Menu,
    /// The keys of the screen below.
    Help {
        /// The context whose keys are shown.
        context: Context,
        /// First line shown.
        scroll: usize,
    },
    /// Terminal, keymap and scanner diagnostics, with a scan test field.
    Diagnostics {
        /// First line of the scrolling part shown.
        scroll: usize,
    },
    /// The chosen keymap had errors; the default one is in use.
    KeymapErrors {
        /// First line shown.
        scroll: usize,
    },
    /// The counts that are open or in review: join one, move it to review, cancel it.
    CountList,
    /// The scan loop of the joined count ([`AppState::count_session`]).
    CountScan,
    /// A destructive step waiting for `1=Yes 2=No`.
    Confirm(Confirm),
    /// The counts that are open or in review, to pick one whose mismatches to fix.
    MismatchCounts,
    /// The mismatches of the picked count ([`AppState::mismatch`]).
    Mismatches,
    /// The marked row's unit: its state, last documents and the fixes that apply.
    MismatchDetails,
    /// A question answered with a digit.
    Choose(Choice),
    /// A question answered by scanning or typing.
    Prompt(Prompt),
    /// Scan a serial: its unit, warranty and history ([`AppState::lookup`]).
    Lookup,
    /// A warranty report's rows ([`AppState::report`]).
    Report,
}

impl Screen {
    /// The keymap context of this screen.
    pub fn context(&self) -> Context {
        match self {
            Screen::Menu => Context::Menu,
            Screen::Help { .. }
            | Screen::KeymapErrors { .. }
            | Screen::Confirm(_)
            | Screen::Choose(_)
            | Screen::Report => Context::Popup,
            Screen::Diagnostics { .. } | Screen::Prompt(_) => Context::Input,
            Screen::CountList | Screen::MismatchCounts => Context::CountList,
            Screen::CountScan => Context::Count,
            Screen::Mismatches | Screen::MismatchDetails => Context::Mismatch,
            Screen::Lookup => Context::Lookup,
        }
    }

    /// The header title.
    pub fn title(&self) -> &'static str {
        match self {
            Screen::Menu => text::TITLE_MENU,
            Screen::Help { .. } => text::TITLE_HELP,
            Screen::Diagnostics { .. } => text::TITLE_DIAGNOSTICS,
            Screen::KeymapErrors { .. } => text::TITLE_KEYMAP_ERRORS,
            Screen::CountList => text::TITLE_COUNTS,
            Screen::CountScan => text::TITLE_COUNT,
            Screen::Confirm(_) => text::TITLE_CONFIRM,
            Screen::MismatchCounts | Screen::Mismatches => text::TITLE_MISMATCHES,
            Screen::MismatchDetails => text::TITLE_DETAILS,
            Screen::Choose(c) => text::choice_title(c),
            Screen::Prompt(p) => text::prompt_title(p),
            Screen::Lookup => text::TITLE_LOOKUP,
            Screen::Report => text::TITLE_REPORTS,
        }
    }

    /// Does this screen take scans (printable keys go to its field)?
    pub fn has_scan_field(&self) -> bool {
        self.context().scan_bearing()
    }
}

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
}

/// Everything the screens show and `update` changes.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The screen stack; the menu is at the bottom and never popped.
    pub screens: Vec<Screen>,
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
    /// The count list, once loaded.
    pub counts: Option<Vec<CountRow>>,
    /// Index of the marked count in [`AppState::counts`].
    pub count_selected: usize,
    /// The joined count, while its scan loop is open.
    pub count_session: Option<CountSession>,
    /// The count whose mismatches are open.
    pub mismatch: Option<MismatchSession>,
    /// The lookup screen, while it is open.
    pub lookup: Option<LookupSession>,
    /// The report shown, while its screen is open.
    pub report: Option<ReportSession>,
    /// Set when the user asked to leave.
    pub quit: bool,
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
        Self {
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
            counts: None,
            count_selected: 0,
            count_session: None,
            mismatch: None,
            lookup: None,
            report: None,
            quit: false,
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

    /// The header title: the screen's, with the count number in the scan loop.
    pub fn title(&self) -> String {
        match (self.screen(), &self.count_session, &self.mismatch) {
            (Screen::CountScan, Some(s), _) => text::count_title(s.count.id),
            (Screen::Mismatches, _, Some(m)) => text::mismatches_title(m.count),
            (screen, _, _) => screen.title().to_string(),
        }
    }

    /// Is an error showing?
    pub fn has_error(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.error)
    }
}
