//! The mismatch screens of a count: the three lists (short, surplus, fixed) with the fixes
//! for the marked row (`Screen::Mismatches`, which holds the session), and the details of the marked row's unit
//! ([`Screen::MismatchDetails`]). The count is picked on the count list.

pub mod details;
pub mod requests;
pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{hint, hint_as, scrolled, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::{error, pop_screen, scan_serial};
use crate::tui::text;

/// The mismatch list and the details screen.
pub struct Mismatch;

impl ScreenKind for Mismatch {
    fn title(&self, screen: &Screen) -> &'static str {
        match screen {
            Screen::MismatchDetails => words::TITLE_DETAILS,
            _ => text::TITLE_MISMATCHES,
        }
    }

    fn full_title(&self, state: &AppState, screen: &Screen) -> String {
        match (screen, state.mismatch()) {
            (Screen::Mismatches(_), Some(m)) => words::mismatches_title(m.count),
            _ => self.title(screen).to_string(),
        }
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        match screen {
            Screen::MismatchDetails => details::render(state, frame, body),
            _ => view::render(state, frame, body),
        }
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = Vec::new();
        let (fixes, open) = match state.mismatch() {
            Some(s) => (s.fixes(), s.open()),
            None => (Vec::new(), None),
        };
        if let Some(d) = state.mismatch().and_then(|s| s.details.as_ref()) {
            let max = self.max_scroll(state, screen, super::kind::body_for(state));
            if d.scroll < max {
                out.extend(hint_as(state, KeyCommand::Down, text::HINT_MORE));
            }
        }
        out.extend(fixes.into_iter().filter_map(|c| hint(state, c)));
        if matches!(screen, Screen::Mismatches(_)) {
            out.extend(hint(state, KeyCommand::NextList));
            if open == Some(0) {
                out.extend(hint(state, KeyCommand::Post));
            }
        } else {
            out.extend(hint(state, KeyCommand::Back));
        }
        out.extend(hint(state, KeyCommand::Help));
        out
    }

    fn scroll_rows(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        match screen {
            Screen::Mismatches(_) => view::page(state),
            _ => body.height as usize,
        }
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        match screen {
            Screen::MismatchDetails => details::lines(state, body.width)
                .len()
                .saturating_sub(self.scroll_rows(state, screen, body)),
            _ => 0,
        }
    }

    /// A scan goes to its row (from the details, back to the list first); it never fixes.
    fn burst(&self, state: &mut AppState, text: String) -> Vec<Effect> {
        let serial = match crate::tui::nav::scan_serial(state, &text) {
            Ok(s) => s,
            Err(e) => return crate::tui::nav::error(state, e),
        };
        if matches!(state.screen(), Screen::MismatchDetails) {
            crate::tui::nav::pop_screen(state);
        }
        update::with_mismatch(state, |s, ctx| update::find_serial(s, ctx, &serial, false))
    }

    fn command(&self, state: &mut AppState, c: KeyCommand) -> Option<Vec<Effect>> {
        let details = matches!(state.screen(), Screen::MismatchDetails);
        match c {
            KeyCommand::Back if details => {
                if let Some(s) = state.mismatch_mut() {
                    s.details = None;
                }
                Some(pop_screen(state))
            }
            KeyCommand::Back => {
                crate::tui::nav::with_ctx(state, update::leave);
                Some(vec![crate::tui::screens::count_list::requests::load()])
            }
            KeyCommand::Redraw if !details => Some(match state.mismatch() {
                Some(s) => vec![Effect::Redraw, requests::load(s.count)],
                None => vec![Effect::Redraw],
            }),
            KeyCommand::ReplaceSerial
            | KeyCommand::Relocate
            | KeyCommand::ReceiveFound
            | KeyCommand::WriteOff
            | KeyCommand::Accept
            | KeyCommand::Details
            | KeyCommand::NextList
            | KeyCommand::UndoFix
            | KeyCommand::Post
            | KeyCommand::Bulk
            | KeyCommand::Find => Some(update::with_mismatch(state, |s, ctx| {
                update::command(s, ctx, c)
            })),
            _ => None,
        }
    }

    fn unknown_code(&self, state: &mut AppState, code: &str) -> Option<Vec<Effect>> {
        // A serial scanned on the mismatch screen (one that starts with a letter: digits are
        // fixes there) goes to its row.
        if !matches!(state.screen(), Screen::Mismatches(_)) || code.starts_with('/') {
            return None;
        }
        Some(match scan_serial(state, code) {
            Ok(serial) => {
                update::with_mismatch(state, |s, ctx| update::find_serial(s, ctx, &serial, false))
            }
            Err(e) => error(state, e),
        })
    }

    fn move_by(&self, state: &mut AppState, delta: isize, max: usize) {
        if matches!(state.screen(), Screen::Mismatches(_)) {
            let page = view::page(state);
            if let Some(s) = state.mismatch_mut() {
                let list = s.list;
                s.view_mut(list).move_by(delta, page);
                s.refresh_suggestions();
            }
            return;
        }
        if let Some(d) = state.mismatch_mut().and_then(|s| s.details.as_mut()) {
            d.scroll = scrolled(d.scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, state: &mut AppState, max: usize) {
        if matches!(state.screen(), Screen::MismatchDetails) {
            if let Some(d) = state.mismatch_mut().and_then(|s| s.details.as_mut()) {
                d.scroll = d.scroll.min(max);
            }
        }
    }
}
