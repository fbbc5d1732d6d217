//! What a screen folder provides ([`ScreenKind`]) and the helpers every screen shares: footer
//! hints, marks and scrolling, the body's area, a refusal's words. Names no screen: a screen's
//! `mod.rs` takes these from here, never from the registry.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::access;
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::keys::KeyPress;
use crate::tui::nav::Ctx;
use crate::tui::text;

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

    // The hooks below change the screen: each gets the screen's own data (`screen`, lent by
    // the registry: the top screen, or for the mismatch details the list whose session they
    // show) and a [`Ctx`] for the shared parts, so it can change no other screen's session.

    /// A scan (or typed entry) ended on this screen.
    fn scan(&self, screen: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {
        let _ = (screen, ctx, value);
        Vec::new()
    }

    /// A scan on a screen without a scan field (its characters are never keys). Default: it
    /// is ignored, and the status line says so with the bell.
    fn burst(&self, screen: &mut Screen, ctx: &mut Ctx, text: String) -> Vec<Effect> {
        let _ = (screen, text);
        ctx.error(text::SCAN_IGNORED.to_string())
    }

    /// A key no keymap command took (digits on lists, Enter on notices). `None`: not this
    /// screen's, the key starts a typed code if printable.
    fn key(&self, screen: &mut Screen, ctx: &mut Ctx, k: &KeyPress) -> Option<Vec<Effect>> {
        let _ = (screen, ctx, k);
        None
    }

    /// A keymap command. `None`: the global handling applies.
    fn command(&self, screen: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        let _ = (screen, ctx, c);
        None
    }

    /// A typed code the keymap does not know. `None`: an "unknown code" error.
    fn unknown_code(&self, screen: &mut Screen, ctx: &mut Ctx, code: &str) -> Option<Vec<Effect>> {
        let _ = (screen, ctx, code);
        None
    }

    /// Moves the mark or the scroll position by `delta` (`max`: [`Self::max_scroll`]).
    fn move_by(&self, screen: &mut Screen, ctx: &mut Ctx, delta: isize, max: usize) {
        let _ = (screen, ctx, delta, max);
    }

    /// Keeps the scroll position within `max` after a resize.
    fn clamp_scroll(&self, screen: &mut Screen, ctx: &mut Ctx, max: usize) {
        let _ = (screen, ctx, max);
    }
}

/// The body area for the state's terminal size.
pub(crate) fn body_for(state: &AppState) -> Rect {
    let (w, h) = state.size;
    crate::tui::view::layout::areas(Rect::new(0, 0, w, h)).body
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

/// "More" while there is more below (`max`: how far the screen can scroll), "Scroll" (back
/// up) once at the end.
pub(crate) fn scroll_hint(state: &AppState, at: usize, max: usize) -> Option<Hint> {
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
