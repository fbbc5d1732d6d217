//! The popups other screens open: a numbered choice ([`Screen::Choose`], a digit answers), a
//! destructive step's `1=Yes 2=No` ([`Screen::Confirm`]) and an entry prompt
//! ([`Screen::Prompt`], scanned or typed). Their answers go to the screen that asked.

pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{hint, hints_of, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::keys::KeyPress;
use crate::tui::nav::Ctx;

/// The popups.
pub struct Popups;

impl ScreenKind for Popups {
    fn title(&self, screen: &Screen) -> &'static str {
        match screen {
            Screen::Choose(c) => words::choice_title(c),
            Screen::Prompt(p) => words::prompt_title(p),
            _ => words::TITLE_CONFIRM,
        }
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        match screen {
            Screen::Choose(c) => view::render_choice(state, c, frame, body),
            Screen::Prompt(p) => view::render_prompt(state, p, frame, body),
            Screen::Confirm(c) => view::render_confirm(state, c, frame, body),
            _ => {}
        }
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = Vec::new();
        match screen {
            Screen::Choose(c) => {
                let n = words::choice_options(c).len();
                out.push((format!("1-{n}"), words::HINT_PICK));
                out.extend(hint(state, KeyCommand::Back));
            }
            Screen::Confirm(_) => {
                out.push(("1".to_string(), words::HINT_YES));
                out.push(("2".to_string(), words::HINT_NO));
                out.extend(hint(state, KeyCommand::Back));
            }
            _ => out.extend(hints_of(
                state,
                &[KeyCommand::Back, KeyCommand::ClearField, KeyCommand::Help],
            )),
        }
        out
    }

    fn scan(&self, screen: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {
        match screen {
            Screen::Prompt(p) => update::prompt_answer(ctx, p.clone(), value),
            _ => Vec::new(),
        }
    }

    fn key(&self, screen: &mut Screen, ctx: &mut Ctx, k: &KeyPress) -> Option<Vec<Effect>> {
        match (screen, k.printable()) {
            (Screen::Confirm(c), Some(d @ ('1' | '2'))) => Some(update::confirm(ctx, c.clone(), d)),
            (Screen::Choose(c), Some(d @ '1'..='9')) => Some(update::choose(ctx, c.clone(), d)),
            _ => None,
        }
    }
}
