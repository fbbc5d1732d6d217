//! The keymap error screen: every error in the chosen keymap (file and line), then a note
//! that the default keymap is in use. Enter or back goes on.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::{draw_scrolled, wrap};
use crate::tui::app::AppState;
use crate::tui::text;

/// All lines at `width`.
pub(super) fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    for l in wrap(text::KEYMAP_ERRORS_INTRO, width) {
        out.push(Line::from(Span::styled(l, state.theme.heading())));
    }
    for e in &state.keymap_info.errors {
        for l in wrap(&e.to_string(), width) {
            out.push(Line::from(l));
        }
    }
    out.push(Line::default());
    for t in [text::KEYMAP_ERRORS_FALLBACK, text::KEYMAP_ERRORS_CONTINUE] {
        for l in wrap(t, width) {
            out.push(Line::from(l));
        }
    }
    out
}

pub(super) fn render(state: &AppState, scroll: usize, frame: &mut Frame, body: Rect) {
    draw_scrolled(frame, body, lines(state, body.width), scroll);
}
