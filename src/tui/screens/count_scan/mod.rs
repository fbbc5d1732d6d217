//! The scan loop of a joined count: location, scan field, the last answer, the running
//! figures and the last scans. Scans go to the service in order; command barcodes (finish,
//! undo, location) are read here.

pub mod requests;
pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{hints_of, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::text;

/// The scan loop.
pub struct CountScan;

impl ScreenKind for CountScan {
    fn title(&self, _: &Screen) -> &'static str {
        text::TITLE_COUNT
    }

    fn full_title(&self, state: &AppState, screen: &Screen) -> String {
        match state.count_session() {
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
                KeyCommand::Finish,
                KeyCommand::UndoLast,
                KeyCommand::BinDone,
                KeyCommand::SetLocation,
                KeyCommand::Help,
            ],
        )
    }

    fn scan(&self, state: &mut AppState, value: String) -> Vec<Effect> {
        update::with_scan(state, |s, ctx| update::scan(s, ctx, value))
    }

    fn command(&self, state: &mut AppState, c: KeyCommand) -> Option<Vec<Effect>> {
        match c {
            KeyCommand::Back | KeyCommand::Finish => Some(update::with_scan(state, update::leave)),
            KeyCommand::UndoLast => Some(update::with_scan(state, update::undo)),
            KeyCommand::SetLocation => Some(update::with_scan(state, update::next_is_location)),
            KeyCommand::BinDone => Some(update::with_scan(state, update::bin_done)),
            _ => None,
        }
    }
}
