//! The keymap error screen: every error in the chosen keymap (file and line), then a note
//! that the default keymap is in use. Enter or back goes on; it scrolls.

pub mod words;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::kind::{body_for, scroll_hint, scrolled, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keys::{Key, KeyPress};
use crate::tui::nav::Ctx;
use crate::tui::view::layout::{draw_scrolled, wrap};

/// All lines at `width`.
pub(crate) fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    for l in wrap(words::KEYMAP_ERRORS_INTRO, width) {
        out.push(Line::from(Span::styled(l, state.theme.heading())));
    }
    for e in &state.keymap_info.errors {
        for l in wrap(&e.to_string(), width) {
            out.push(Line::from(l));
        }
    }
    out.push(Line::default());
    for t in [words::KEYMAP_ERRORS_FALLBACK, words::KEYMAP_ERRORS_CONTINUE] {
        for l in wrap(t, width) {
            out.push(Line::from(l));
        }
    }
    out
}

fn render(state: &AppState, scroll: usize, frame: &mut Frame, body: Rect) {
    draw_scrolled(frame, body, lines(state, body.width), scroll);
}

fn at(screen: &Screen) -> usize {
    match screen {
        Screen::KeymapErrors { scroll } => *scroll,
        _ => 0,
    }
}

/// The keymap error screen.
pub struct KeymapErrors;

impl ScreenKind for KeymapErrors {
    fn title(&self, _: &Screen) -> &'static str {
        words::TITLE_KEYMAP_ERRORS
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        render(state, at(screen), frame, body);
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = vec![("Enter".to_string(), words::HINT_CONTINUE)];
        out.extend(scroll_hint(
            state,
            at(screen),
            self.max_scroll(state, screen, body_for(state)),
        ));
        out
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        lines(state, body.width)
            .len()
            .saturating_sub(self.scroll_rows(state, screen, body))
    }

    fn key(&self, _: &mut Screen, ctx: &mut Ctx, k: &KeyPress) -> Option<Vec<Effect>> {
        (*k == KeyPress::plain(Key::Enter)).then(|| ctx.pop())
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, max: usize) {
        if let Screen::KeymapErrors { scroll } = screen {
            *scroll = scrolled(*scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, _: &mut Ctx, max: usize) {
        if let Screen::KeymapErrors { scroll } = screen {
            *scroll = (*scroll).min(max);
        }
    }
}
