//! The screen stack's entries: one [`Screen`] variant per screen, holding its session (plain
//! data from each folder's `state.rs`), and the keymap context each is read in. A leaf besides
//! the screens' states: the screens' logic, the application state and navigation name it
//! without naming the registry.

use super::count_list::state::CountListSession;
use super::count_scan::state::CountSession;
use super::lookup::state::LookupSession;
use super::mismatch::state::{Fix, MismatchSession};
use super::popups::state::{Choice, Confirm, Prompt};
use super::reports::state::ReportSession;
use crate::tui::keymap::Context;

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
    CountList(CountListSession),
    /// The scan loop of the joined count, with its session.
    CountScan(CountSession),
    /// A destructive step waiting for `1=Yes 2=No`.
    Confirm(Confirm),
    /// The counts that are open or in review, to pick one whose mismatches to fix (a list of
    /// its own).
    MismatchCounts(CountListSession),
    /// The mismatches of the picked count (the session the details screen reads too).
    Mismatches(MismatchSession),
    /// The marked row's unit: its state, last documents and the fixes that apply.
    MismatchDetails,
    /// A question answered with a digit.
    Choose(Choice),
    /// A question answered by scanning or typing.
    Prompt(Prompt),
    /// Scan a serial: its unit, warranty and history.
    Lookup(LookupSession),
    /// A warranty report's rows.
    Report(ReportSession),
}

impl Screen {
    /// The keymap context keys are read in on this screen.
    pub fn context(&self) -> Context {
        match self {
            Screen::Menu => Context::Menu,
            Screen::Help { .. } | Screen::KeymapErrors { .. } | Screen::Report(_) => Context::Popup,
            Screen::Diagnostics { .. } | Screen::Prompt(_) => Context::Input,
            Screen::CountList(_) | Screen::MismatchCounts(_) => Context::CountList,
            Screen::CountScan(_) => Context::Count,
            Screen::Mismatches(_) | Screen::MismatchDetails => Context::Mismatch,
            Screen::Lookup(_) => Context::Lookup,
            Screen::Confirm(_) | Screen::Choose(_) => Context::Popup,
        }
    }

    /// Does this screen take scans (printable keys go to its field)?
    pub fn has_scan_field(&self) -> bool {
        self.context().scan_bearing()
    }
}

impl Screen {
    /// A screen of the same kind without its own data (a session's default; the rest, small,
    /// copied): it stands in the stack while the registry lends the screen to a hook.
    pub fn hollow(&self) -> Screen {
        match self {
            Screen::CountList(_) => Screen::CountList(CountListSession::default()),
            Screen::MismatchCounts(_) => Screen::MismatchCounts(CountListSession::default()),
            Screen::CountScan(_) => Screen::CountScan(CountSession::default()),
            Screen::Mismatches(_) => Screen::Mismatches(MismatchSession::default()),
            Screen::Lookup(_) => Screen::Lookup(LookupSession::default()),
            other => other.clone(),
        }
    }
}

/// What a screen's hook hands to another screen's session, through the registry: a popup's
/// answer to the screen that asked it, the menu's scan to the lookup it opened. Plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handover {
    /// A fix for the mismatch screens (their session decides the count and whether to ask
    /// first).
    Fix(Fix),
    /// A bulk fix for the mismatch screens (tried first, then asked).
    Bulk(crate::ops::BulkFix),
    /// A serial to find on the mismatch list (typed into its prompt).
    Find(String),
    /// A quantity typed for a product of the scan loop.
    Qty {
        /// The product asked about.
        sku: String,
        /// What was typed.
        value: String,
    },
    /// The product picked for the lookup's shared serial (its index).
    Product(usize),
    /// A scan for the lookup screen.
    LookUp(String),
}
