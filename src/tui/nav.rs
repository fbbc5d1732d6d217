//! What every screen may ask of the stack and the status line: push a screen, pop it, show an
//! error or a notice, clear the status after a good scan, and read a scan the way the service
//! will. A leaf: it names no screen, so a screen's folder takes its navigation from here and
//! never from `update`.

use super::app::{AppState, Screen, Status};
use super::effect::Effect;
pub use super::screens::screen::Handover;
use super::text;
use crate::domain::scan::{decode, ScanConfig};

/// Puts a screen on top, with a new visit number (answers are tagged with it).
pub fn push_screen(state: &mut AppState, screen: Screen) {
    state.code = None;
    if screen.has_scan_field() {
        state.field.clear();
    }
    state.screens.push(screen);
    state.visits.push(state.next_visit);
    state.next_visit += 1;
}

/// Takes the top screen off (never the menu at the bottom); answers for it are dropped.
pub fn pop_screen(state: &mut AppState) -> Vec<Effect> {
    state.code = None;
    if state.screens.len() > 1 {
        state.visits.pop();
        // The field belongs to the screen that has one: leaving help keeps what is in it.
        if state.screens.pop().is_some_and(|s| s.has_scan_field()) {
            state.field.clear();
        }
    }
    Vec::new()
}

/// A good scan clears the status line, but an error only once it has been on screen: in a
/// burst drawn as one frame, an error followed by good scans still shows.
pub fn good_scan(state: &mut AppState) {
    if state.status_here().is_some_and(|s| !s.error || s.shown) {
        state.status = None;
    }
}

/// The visit a message set now belongs to: the screen whose answer is being applied, if it
/// is still on the stack (it may be under a help screen), else the screen on top.
fn message_visit(state: &AppState) -> Option<u64> {
    state
        .answering
        .filter(|v| state.visits.contains(v))
        .or_else(|| state.visits.last().copied())
}

/// Shows a sticky error and rings the bell (if configured).
pub fn error(state: &mut AppState, msg: String) -> Vec<Effect> {
    state.status = Some(Status {
        text: msg,
        error: true,
        shown: false,
        visit: message_visit(state),
    });
    if state.config.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}

/// Shows an informational message unless an error is showing.
pub fn info(state: &mut AppState, msg: String) {
    if !state.has_error() {
        state.status = Some(Status {
            text: msg,
            error: false,
            shown: false,
            visit: message_visit(state),
        });
    }
}

/// A scan as the service should read it: a typed stand-in for GS (hand-typed GS1 data)
/// becomes the real separator.
pub fn with_gs(state: &AppState, value: &str) -> String {
    match state.config.gs_substitute {
        Some(sub) => value.replace(sub, "\u{1d}"),
        None => value.to_string(),
    }
}

/// The serial a scanned or typed text stands for: GS1 (21), an IMEI, or the text itself.
pub fn scan_serial(state: &AppState, value: &str) -> Result<String, String> {
    let cfg = ScanConfig {
        gs_substitute: state.config.gs_substitute,
        ..ScanConfig::default()
    };
    let decoded = decode(value, &cfg).map_err(|e| e.to_string())?;
    decoded
        .key()
        .map(str::to_string)
        .ok_or_else(|| text::no_serial_in(value.trim()))
}

/// What a screen's `update` and hooks may do besides changing their own session: read the
/// shared parts (the configuration, the keymap, the user's role, the time, the size, the
/// status line, the field) and change only some of them through these methods (the stack,
/// the status line, the scan field; quitting, the menu's mark, the last scan and the service
/// probe's answer, which are no screen's session), and hand an answer to another screen. A screen that takes its session and a `Ctx` can neither read nor change another
/// screen's session: the compiler holds it to that.
pub struct Ctx<'a> {
    state: &'a mut AppState,
    handed: Option<Handover>,
}

impl Ctx<'_> {
    /// The configuration.
    pub fn config(&self) -> &crate::config::Config {
        &self.state.config
    }

    /// May the user do what needs `role`? (No role known: everything is offered, the server
    /// decides.)
    pub fn may(&self, role: crate::domain::Role) -> bool {
        self.state.session.role.is_none_or(|r| r.may(role))
    }

    /// The keymap in use.
    pub fn keymap(&self) -> &super::keymap::Keymap {
        &self.state.keymap
    }

    /// The current time, as last told by the runtime.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.state.now
    }

    /// The screen body's area at the terminal's size.
    pub fn body(&self) -> ratatui::layout::Rect {
        let (w, h) = self.state.size;
        super::view::layout::areas(ratatui::layout::Rect::new(0, 0, w, h)).body
    }

    /// Is an error showing?
    pub fn has_error(&self) -> bool {
        self.state.has_error()
    }

    /// The scan field.
    pub fn field(&self) -> &super::scan_field::ScanField {
        &self.state.field
    }

    /// The visit number the next screen pushed gets (answers to its requests carry it).
    pub fn next_visit(&self) -> u64 {
        self.state.next_visit
    }

    /// A scan as the service should read it (see [`with_gs`]).
    pub fn with_gs(&self, value: &str) -> String {
        with_gs(self.state, value)
    }

    /// The serial a scanned or typed text stands for (see [`scan_serial`]).
    pub fn scan_serial(&self, value: &str) -> Result<String, String> {
        scan_serial(self.state, value)
    }

    /// The screen on top.
    pub fn top(&self) -> &Screen {
        self.state.screen()
    }

    /// Puts a screen on top.
    pub fn push(&mut self, screen: Screen) {
        push_screen(self.state, screen);
    }

    /// Puts `screen` in the place of the top one, which keeps its visit (a screen showing
    /// new data of its own kind).
    pub fn replace_top(&mut self, screen: Screen) {
        match self.state.screens.last_mut() {
            Some(top) => *top = screen,
            None => push_screen(self.state, screen),
        }
    }

    /// Takes the top screen off (not the screen whose session is being changed: its session
    /// would go with it).
    pub fn pop(&mut self) -> Vec<Effect> {
        pop_screen(self.state)
    }

    /// Shows a sticky error, with the bell if configured.
    pub fn error(&mut self, msg: String) -> Vec<Effect> {
        error(self.state, msg)
    }

    /// Shows a sticky error on the screen on top (a question the answer being applied opened
    /// again), with the bell if configured.
    pub fn error_on_top(&mut self, msg: String) -> Vec<Effect> {
        let effects = error(self.state, msg);
        let top = self.state.visits.last().copied();
        if let Some(s) = self.state.status.as_mut() {
            s.visit = top;
        }
        effects
    }

    /// Shows a notice unless an error is showing.
    pub fn info(&mut self, msg: String) {
        info(self.state, msg);
    }

    /// A good scan: the status line clears (an error only once it was seen).
    pub fn good_scan(&mut self) {
        good_scan(self.state);
    }

    /// Clears the status line.
    pub fn clear_status(&mut self) {
        self.state.status = None;
    }

    /// Empties the scan field.
    pub fn clear_field(&mut self) {
        self.state.field.clear();
    }

    /// Hands `what` to another screen's session (a popup's answer to the screen that asked,
    /// the menu's scan to the lookup it opens): the registry delivers it after the hook
    /// returns. Only the hooks the registry runs ([`with_screen`]) hand over.
    pub fn hand_over(&mut self, what: Handover) {
        self.handed = Some(what);
    }

    /// The application quits.
    pub fn quit(&mut self) {
        self.state.quit = true;
    }

    /// The line the menu marks.
    pub fn menu_mark(&self) -> usize {
        self.state.menu_selected
    }

    /// Marks line `i` of the menu.
    pub fn set_menu_mark(&mut self, i: usize) {
        self.state.menu_selected = i;
    }

    /// Notes the last scan read (the diagnostics screen shows it).
    pub fn note_scan(&mut self, value: String) {
        self.state.last_scan = Some(value);
    }

    /// Forgets what the service probe said (the diagnostics screen asks again).
    pub fn forget_service(&mut self) {
        self.state.service = None;
    }
}

/// Runs `f` with a [`Ctx`] only: for what changes no session (a notice, a screen to push).
pub fn with_ctx<R>(state: &mut AppState, f: impl FnOnce(&mut Ctx) -> R) -> R {
    f(&mut Ctx {
        state,
        handed: None,
    })
}

/// Runs `f` on the session of the screen nearest the top that `get` finds, with a [`Ctx`]
/// for the rest. The session is taken out of its screen meanwhile and put back after, unless
/// that screen left the stack. `None`: no such screen on the stack.
pub fn with_session<S: Default, R>(
    state: &mut AppState,
    get: fn(&mut Screen) -> Option<&mut S>,
    f: impl FnOnce(&mut S, &mut Ctx) -> R,
) -> Option<R> {
    let mut found = false;
    let out = with_session_if_any(state, get, |s, ctx| {
        s.map(|s| {
            found = true;
            f(s, ctx)
        })
    });
    out.filter(|_| found)
}

/// As [`with_session`], but `f` runs also when no screen on the stack has the session (it
/// gets `None`): a message for a screen says its words wherever the screen is.
pub fn with_session_if_any<S: Default, R>(
    state: &mut AppState,
    get: fn(&mut Screen) -> Option<&mut S>,
    f: impl FnOnce(Option<&mut S>, &mut Ctx) -> R,
) -> R {
    let i = (0..state.screens.len())
        .rev()
        .find(|&i| get(&mut state.screens[i]).is_some());
    let Some(i) = i else {
        return with_ctx(state, |ctx| f(None, ctx));
    };
    let visit = state.visits.get(i).copied();
    let mut session = get(&mut state.screens[i])
        .map(std::mem::take)
        .unwrap_or_default();
    let out = with_ctx(state, |ctx| f(Some(&mut session), ctx));
    if state.visits.get(i).copied() == visit {
        if let Some(slot) = state.screens.get_mut(i).and_then(get) {
            *slot = session;
        }
    }
    out
}

/// Runs `f` on the screen at `i` in the stack (its own data: a session, a scroll position,
/// a popup's question) and a [`Ctx`] for the rest: the split the registry makes for a hook.
/// The screen is taken out meanwhile (a hollow one of the same kind stands in its place, so
/// the stack reads the same) and put back after, unless it left the stack. Also returns
/// what the hook handed over ([`Ctx::hand_over`]). `None`: no screen at `i`.
pub fn with_screen<R>(
    state: &mut AppState,
    i: usize,
    f: impl FnOnce(&mut Screen, &mut Ctx) -> R,
) -> Option<(R, Option<Handover>)> {
    let visit = state.visits.get(i).copied();
    let hollow = state.screens.get(i)?.hollow();
    let mut screen = std::mem::replace(&mut state.screens[i], hollow);
    let mut ctx = Ctx {
        state,
        handed: None,
    };
    let out = f(&mut screen, &mut ctx);
    let handed = ctx.handed.take();
    if state.visits.get(i).copied() == visit {
        if let Some(slot) = state.screens.get_mut(i) {
            *slot = screen;
        }
    }
    Some((out, handed))
}
