//! The help screen: what the screen below is for and every key and typed code it takes, all
//! generated from the loaded keymap; it scrolls.

pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{body_for, hint, scroll_hint, scrolled, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::Ctx;

/// The help screen.
pub struct Help;

impl ScreenKind for Help {
    fn title(&self, _: &Screen) -> &'static str {
        words::TITLE_HELP
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        if let Screen::Help { context, scroll } = screen {
            view::render(state, *context, *scroll, frame, body);
        }
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let at = match screen {
            Screen::Help { scroll, .. } => *scroll,
            _ => 0,
        };
        [
            hint(state, KeyCommand::Back),
            scroll_hint(state, at, self.max_scroll(state, screen, body_for(state))),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        match screen {
            Screen::Help { context, .. } => view::lines(state, *context, body.width)
                .len()
                .saturating_sub(self.scroll_rows(state, screen, body)),
            _ => 0,
        }
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, max: usize) {
        if let Screen::Help { scroll, .. } = screen {
            *scroll = scrolled(*scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, _: &mut Ctx, max: usize) {
        if let Screen::Help { scroll, .. } = screen {
            *scroll = (*scroll).min(max);
        }
    }
}
