//! The screens, one folder each. A folder owns its screen's state (`state.rs`), its part of
//! `update` (`update.rs`), its view (`view.rs`), its footer hints and its words (`words.rs`);
//! its `mod.rs` ties them together in a [`ScreenKind`]. A screen is registered here: a
//! [`Screen`] variant and its arm in [`kind`]. See docs/architecture.md, "How the screens are
//! organised".

pub mod access;
pub mod count_list;
pub mod count_scan;
pub mod diagnostics;
pub mod help;
pub mod keymap_errors;
pub mod lookup;
pub mod menu;
pub mod mismatch;
pub mod popups;
pub mod reports;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::Effect;
use super::app::AppState;
use super::keymap::{Context, KeyCommand};
use super::keys::KeyPress;
use super::text;
use popups::state::{Choice, Confirm, Prompt};

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
    CountList(count_list::state::CountListSession),
    /// The scan loop of the joined count, with its session.
    CountScan(count_scan::state::CountSession),
    /// A destructive step waiting for `1=Yes 2=No`.
    Confirm(Confirm),
    /// The counts that are open or in review, to pick one whose mismatches to fix (a list of
    /// its own).
    MismatchCounts(count_list::state::CountListSession),
    /// The mismatches of the picked count (the session the details screen reads too).
    Mismatches(mismatch::state::MismatchSession),
    /// The marked row's unit: its state, last documents and the fixes that apply.
    MismatchDetails,
    /// A question answered with a digit.
    Choose(Choice),
    /// A question answered by scanning or typing.
    Prompt(Prompt),
    /// Scan a serial: its unit, warranty and history.
    Lookup(lookup::state::LookupSession),
    /// A warranty report's rows.
    Report(reports::state::ReportSession),
}

/// The screen module that handles a screen: the one registration point besides the
/// [`Screen`] variant.
pub fn kind(screen: &Screen) -> &'static dyn ScreenKind {
    match screen {
        Screen::Menu => &menu::Menu,
        Screen::Help { .. } => &help::Help,
        Screen::Diagnostics { .. } => &diagnostics::Diagnostics,
        Screen::KeymapErrors { .. } => &keymap_errors::KeymapErrors,
        Screen::CountList(_) | Screen::MismatchCounts(_) => &count_list::CountList,
        Screen::CountScan(_) => &count_scan::CountScan,
        Screen::Mismatches(_) | Screen::MismatchDetails => &mismatch::Mismatch,
        Screen::Lookup(_) => &lookup::Lookup,
        Screen::Report(_) => &reports::Reports,
        Screen::Confirm(_) | Screen::Choose(_) | Screen::Prompt(_) => &popups::Popups,
    }
}

/// Which screen a service call is for and what it asked: its reply goes back to that
/// screen's `requests.rs`, which reads it into the screen's own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asker {
    /// The lookup screen.
    Lookup(lookup::requests::Asked),
    /// The reports screen.
    Reports(reports::requests::Asked),
    /// The mismatch screens.
    Mismatch(mismatch::requests::Asked),
    /// The count list (both uses).
    CountList(count_list::requests::Asked),
    /// The scan loop.
    CountScan(count_scan::requests::Asked),
}

/// A screen's own message (what the service answered it), handed to that screen only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScreenMsg {
    /// For the lookup screen.
    Lookup(lookup::requests::Msg),
    /// For the reports screen.
    Reports(reports::requests::Msg),
    /// For the mismatch screens.
    Mismatch(mismatch::requests::Msg),
    /// For the count list on the stack.
    CountList(count_list::requests::Msg),
    /// For the scan loop.
    CountScan(count_scan::requests::Msg),
}

/// The service's reply to a screen's call: read by the screen that asked into its message.
/// A link that is down is said on every screen; other failures are a sticky error.
pub(crate) fn replied(state: &mut AppState, to: Asker, reply: crate::ops::Reply) -> Vec<Effect> {
    let crate::ops::Reply::V1(result) = reply;
    if let Err(crate::ops::OpsError::Link(why)) = result {
        return super::live::link_lost(state, why);
    }
    let msg = match to {
        Asker::Lookup(asked) => lookup::requests::answer(asked, result).map(ScreenMsg::Lookup),
        Asker::Reports(asked) => reports::requests::answer(asked, result).map(ScreenMsg::Reports),
        Asker::CountList(asked) => {
            count_list::requests::answer(asked, result).map(ScreenMsg::CountList)
        }
        Asker::Mismatch(asked) => {
            mismatch::requests::answer(asked, result).map(ScreenMsg::Mismatch)
        }
        Asker::CountScan(asked) => {
            count_scan::requests::answer(asked, result).map(ScreenMsg::CountScan)
        }
    };
    match msg {
        Ok(msg) => deliver(state, msg),
        Err(e) => super::nav::error(state, text::failed(&e.to_string())),
    }
}

/// A step was held back behind scans that wait for the server: the screen that asked says so.
pub(crate) fn held(state: &mut AppState, to: Asker, waiting: usize) -> Vec<Effect> {
    match to {
        Asker::CountScan(_) => deliver(
            state,
            ScreenMsg::CountScan(count_scan::requests::held(waiting)),
        ),
        _ => super::nav::error(state, count_scan::words::wait_first(waiting)),
    }
}

/// A screen's message, to the screen it is for.
pub(crate) fn deliver(state: &mut AppState, msg: ScreenMsg) -> Vec<Effect> {
    match msg {
        ScreenMsg::Lookup(msg) => {
            lookup::update::with_lookup(state, |l, ctx| lookup::update::on_msg(l, ctx, msg))
        }
        ScreenMsg::Reports(msg) => {
            super::nav::with_ctx(state, |ctx| reports::update::on_msg(ctx, msg))
        }
        ScreenMsg::Mismatch(msg) => mismatch::update::on_msg(state, msg),
        ScreenMsg::CountList(msg) => count_list::update::on_msg(state, msg),
        ScreenMsg::CountScan(msg) => count_scan::update::on_msg(state, msg),
    }
}

/// The words of a refusal of the service; other failures pass on.
pub fn refusal_words(e: crate::ops::OpsError) -> Result<String, crate::ops::OpsError> {
    use crate::ops::OpsError;
    match e {
        OpsError::Refused(r) => Ok(r.message),
        OpsError::Rejected(r) => Ok(r
            .into_iter()
            .map(|r| r.refusal.message)
            .collect::<Vec<_>>()
            .join("; ")),
        e => Err(e),
    }
}

/// A footer hint: the key's label and what it does.
pub type Hint = (String, &'static str);

/// What a screen folder provides. `update`, `view` and the footer ask the top screen's
/// [`kind`]; methods with a default are for screens that need them.
pub trait ScreenKind: Sync {
    /// The keymap context keys are read in.
    fn context(&self, screen: &Screen) -> Context;

    /// The header title.
    fn title(&self, screen: &Screen) -> &'static str;

    /// The header title with what the state knows (a count's number). Default: [`Self::title`].
    fn full_title(&self, state: &AppState, screen: &Screen) -> String {
        let _ = state;
        self.title(screen).to_string()
    }

    /// Draws the body.
    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect);

    /// Does the body show the status message in full already? Then the status line keeps to
    /// its one row instead of wrapping over the body. Default: no.
    fn shows_status(&self, state: &AppState, screen: &Screen) -> bool {
        let _ = (state, screen);
        false
    }

    /// The footer hints, most important first (the footer drops what does not fit).
    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint>;

    /// Rows the scrolling part has in `body`.
    fn scroll_rows(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        let _ = (state, screen);
        body.height as usize
    }

    /// How far the screen can scroll in `body`.
    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        let _ = (state, screen, body);
        0
    }

    /// A scan (or typed entry) ended on this screen.
    fn scan(&self, state: &mut AppState, value: String) -> Vec<Effect> {
        let _ = (state, value);
        Vec::new()
    }

    /// A scan on a screen without a scan field (its characters are never keys). Default: it
    /// is ignored, and the status line says so with the bell.
    fn burst(&self, state: &mut AppState, text: String) -> Vec<Effect> {
        let _ = text;
        super::nav::error(state, super::text::SCAN_IGNORED.to_string())
    }

    /// A key no keymap command took (digits on lists, Enter on notices). `None`: not this
    /// screen's, the key starts a typed code if printable.
    fn key(&self, state: &mut AppState, k: &KeyPress) -> Option<Vec<Effect>> {
        let _ = (state, k);
        None
    }

    /// A keymap command. `None`: the global handling applies.
    fn command(&self, state: &mut AppState, c: KeyCommand) -> Option<Vec<Effect>> {
        let _ = (state, c);
        None
    }

    /// A typed code the keymap does not know. `None`: an "unknown code" error.
    fn unknown_code(&self, state: &mut AppState, code: &str) -> Option<Vec<Effect>> {
        let _ = (state, code);
        None
    }

    /// Moves the mark or the scroll position by `delta` (`max`: [`Self::max_scroll`]).
    fn move_by(&self, state: &mut AppState, delta: isize, max: usize) {
        let _ = (state, delta, max);
    }

    /// Keeps the scroll position within `max` after a resize.
    fn clamp_scroll(&self, state: &mut AppState, max: usize) {
        let _ = (state, max);
    }
}

impl Screen {
    /// The keymap context of this screen.
    pub fn context(&self) -> Context {
        kind(self).context(self)
    }

    /// The header title.
    pub fn title(&self) -> &'static str {
        kind(self).title(self)
    }

    /// Does this screen take scans (printable keys go to its field)?
    pub fn has_scan_field(&self) -> bool {
        self.context().scan_bearing()
    }
}

/// The body area for the state's terminal size.
pub(crate) fn body_for(state: &AppState) -> Rect {
    let (w, h) = state.size;
    super::view::areas(Rect::new(0, 0, w, h)).body
}

/// The footer hint of a command in the top screen's context, with its usual label.
pub(crate) fn hint(state: &AppState, c: KeyCommand) -> Option<Hint> {
    if !access::may_use(state, c) {
        return None;
    }
    state
        .keymap
        .hint(state.context(), c)
        .map(|k| (k, text::command_label(c)))
}

/// The footer hint of a command with another label.
pub(crate) fn hint_as(state: &AppState, c: KeyCommand, label: &'static str) -> Option<Hint> {
    if !access::may_use(state, c) {
        return None;
    }
    state.keymap.hint(state.context(), c).map(|k| (k, label))
}

/// The hints of several commands, those that have a key and that the user's role allows.
pub(crate) fn hints_of(state: &AppState, commands: &[KeyCommand]) -> Vec<Hint> {
    commands.iter().filter_map(|&c| hint(state, c)).collect()
}

/// "More" while there is more below, "Scroll" (back up) once at the end.
pub(crate) fn scroll_hint(state: &AppState, at: usize) -> Option<Hint> {
    let max = super::view::max_scroll(state);
    if at < max {
        hint_as(state, KeyCommand::Down, text::HINT_MORE)
    } else if at > 0 {
        hint_as(state, KeyCommand::Up, text::HINT_SCROLL_BACK)
    } else {
        None
    }
}

/// Moves a scroll position by `delta` within `0..=max`.
pub(crate) fn scrolled(at: usize, delta: isize, max: usize) -> usize {
    (at as isize + delta).clamp(0, max as isize) as usize
}

/// Moves a mark among `n` lines: single steps wrap around, pages stop at the ends.
pub(crate) fn marked(at: usize, delta: isize, n: usize) -> usize {
    let n = n as isize;
    if n <= 0 {
        return at;
    }
    let i = at as isize;
    let next = if delta.abs() == 1 {
        (i + delta).rem_euclid(n)
    } else {
        (i + delta).clamp(0, n - 1)
    };
    next as usize
}

/// After a resize: the mismatch lists keep their marks in view, the top screen its scroll
/// position.
pub(crate) fn resized(state: &mut AppState) {
    let max = super::view::max_scroll(state);
    mismatch::update::with_mismatch(state, mismatch::update::keep_marks_in_view);
    kind(state.screen()).clamp_scroll(state, max);
}
