//! The scan loop of a joined count: location, scan field, the last answer, the running
//! figures and the last scans. Scans go to the service in order; command barcodes (finish,
//! undo, location) are read here.

pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::{hints_of, Hint, Screen, ScreenKind};
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::keymap::{Command, Context};
use crate::tui::text;

/// The scan loop.
pub struct CountScan;

impl ScreenKind for CountScan {
    fn context(&self, _: &Screen) -> Context {
        Context::Count
    }

    fn title(&self, _: &Screen) -> &'static str {
        text::TITLE_COUNT
    }

    fn full_title(&self, state: &AppState, screen: &Screen) -> String {
        match &state.count_session {
            Some(s) => words::count_title(s.count.id),
            None => self.title(screen).to_string(),
        }
    }

    fn render(&self, state: &AppState, _: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, frame, body);
    }

    fn hints(&self, state: &AppState, _: &Screen) -> Vec<Hint> {
        hints_of(
            state,
            // Finish first: on a 20-column handheld it and Help are what fit.
            &[
                Command::Finish,
                Command::UndoLast,
                Command::BinDone,
                Command::SetLocation,
                Command::Help,
            ],
        )
    }

    fn scan(&self, state: &mut AppState, value: String) -> Vec<Effect> {
        update::scan(state, value)
    }

    fn command(&self, state: &mut AppState, c: Command) -> Option<Vec<Effect>> {
        match c {
            Command::Back | Command::Finish => Some(update::leave(state)),
            Command::UndoLast => Some(update::undo(state)),
            Command::SetLocation => Some(update::next_is_location(state)),
            Command::BinDone => Some(update::bin_done(state)),
            _ => None,
        }
    }
}
