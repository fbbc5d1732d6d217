//! The count list, in its two uses: the counts to join for counting (`Screen::CountList`) and
//! the counts whose mismatches to open (`Screen::MismatchCounts`). A digit or select takes
//! the line; review and cancel move the marked count.

pub mod requests;
pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{hint_as, hints_of, marked, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::keys::KeyPress;
use crate::tui::nav::Ctx;
use crate::tui::text;

/// Opens the list (for counting, or for mismatches when `mismatches`) and loads it.
pub(crate) fn open(ctx: &mut Ctx, mismatches: bool) -> Vec<Effect> {
    let list = state::CountListSession::default();
    let screen = match mismatches {
        true => Screen::MismatchCounts(list),
        false => Screen::CountList(list),
    };
    ctx.push(screen);
    vec![requests::load()]
}

/// The count list.
pub struct CountList;

impl ScreenKind for CountList {
    fn title(&self, screen: &Screen) -> &'static str {
        match screen {
            Screen::MismatchCounts(_) => text::TITLE_MISMATCHES,
            _ => words::TITLE_COUNTS,
        }
    }

    fn render(&self, state: &AppState, _: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, frame, body);
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = Vec::new();
        match state.counts() {
            // The empty list says "New count" (in both uses): its key first, so that even
            // 20 columns show it.
            Some(c) if c.is_empty() => {
                out.extend(hints_of(state, &[KeyCommand::NewCount, KeyCommand::Back]));
            }
            counts => {
                if counts.is_some() {
                    let take = match screen {
                        Screen::MismatchCounts(_) => words::HINT_OPEN,
                        _ => words::HINT_JOIN,
                    };
                    out.extend(hint_as(state, KeyCommand::Select, take));
                    let review = match update::marked_status(state) {
                        Some(crate::domain::CountStatus::Review) => words::HINT_REOPEN,
                        _ => text::command_label(KeyCommand::Review),
                    };
                    out.extend(hint_as(state, KeyCommand::Review, review));
                    out.extend(hints_of(state, &[KeyCommand::CancelCount]));
                }
                out.extend(hints_of(state, &[KeyCommand::Back, KeyCommand::NewCount]));
            }
        }
        out.extend(hints_of(state, &[KeyCommand::Help]));
        out
    }

    fn key(&self, screen: &mut Screen, ctx: &mut Ctx, k: &KeyPress) -> Option<Vec<Effect>> {
        match (update::session(screen), k.printable()) {
            (Some(l), Some(d @ '1'..='9')) => Some(update::digit(l, ctx, d)),
            _ => None,
        }
    }

    fn command(&self, screen: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        let l = update::session(screen)?;
        match c {
            // Repainting the list also brings its figures up to date.
            KeyCommand::Redraw => Some(vec![Effect::Redraw, requests::load()]),
            KeyCommand::Select => {
                let i = l.selected;
                Some(update::take_line(l, ctx, i))
            }
            _ => None,
        }
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, _: usize) {
        if let Some(list) = update::session(screen) {
            let n = list.counts.as_ref().map_or(0, Vec::len);
            list.selected = marked(list.selected, delta, n);
        }
    }
}
