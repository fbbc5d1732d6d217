//! The diagnostics screen, for setting up a new device type on site: a scan test field, the
//! keys and bytes received, and the terminal, keymap and service facts; it scrolls.

pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{body_for, hints_of, scroll_hint, scrolled, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::{info, push_screen};

/// Opens the screen and asks the service who it is.
pub(crate) fn open(state: &mut AppState) -> Vec<Effect> {
    state.service = None;
    push_screen(state, Screen::Diagnostics { scroll: 0 });
    vec![Effect::ProbeService]
}

/// The service's status line arrived.
pub(crate) fn service_status(state: &mut AppState, s: String) -> Vec<Effect> {
    state.service = Some(s);
    Vec::new()
}

fn at(screen: &Screen) -> usize {
    match screen {
        Screen::Diagnostics { scroll } => *scroll,
        _ => 0,
    }
}

/// The diagnostics screen.
pub struct Diagnostics;

impl ScreenKind for Diagnostics {
    fn title(&self, _: &Screen) -> &'static str {
        words::TITLE_DIAGNOSTICS
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, at(screen), frame, body);
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = hints_of(state, &[KeyCommand::Back, KeyCommand::ClearField]);
        out.extend(scroll_hint(
            state,
            at(screen),
            self.max_scroll(state, screen, body_for(state)),
        ));
        out.extend(hints_of(state, &[KeyCommand::Help]));
        out
    }

    fn scroll_rows(&self, _: &AppState, _: &Screen, body: Rect) -> usize {
        view::scroll_area(body).height as usize
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        view::scroll_lines(state, body)
            .len()
            .saturating_sub(self.scroll_rows(state, screen, body))
    }

    fn scan(&self, state: &mut AppState, value: String) -> Vec<Effect> {
        state.status = None;
        info(state, words::scan_read(value.chars().count()));
        state.last_scan = Some(value);
        Vec::new()
    }

    fn move_by(&self, state: &mut AppState, delta: isize, max: usize) {
        if let Some(Screen::Diagnostics { scroll }) = state.screens.last_mut() {
            *scroll = scrolled(*scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, state: &mut AppState, max: usize) {
        if let Some(Screen::Diagnostics { scroll }) = state.screens.last_mut() {
            *scroll = (*scroll).min(max);
        }
    }
}
