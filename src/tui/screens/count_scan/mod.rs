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
use crate::tui::nav::Ctx;
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

    fn scan(&self, screen: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {
        match update::session(screen) {
            Some(s) => update::scan(s, ctx, value),
            None => Vec::new(),
        }
    }

    fn command(&self, screen: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        let step: fn(&mut state::CountSession, &mut Ctx) -> Vec<Effect> = match c {
            KeyCommand::Back | KeyCommand::Finish => update::leave,
            KeyCommand::UndoLast => update::undo,
            KeyCommand::SetLocation => update::next_is_location,
            KeyCommand::BinDone => update::bin_done,
            _ => return None,
        };
        Some(
            update::session(screen)
                .map(|s| step(s, ctx))
                .unwrap_or_default(),
        )
    }
}
