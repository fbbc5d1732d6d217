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
use crate::tui::nav::Ctx;
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
    fn burst(&self, screen: &mut Screen, ctx: &mut Ctx, text: String) -> Vec<Effect> {
        let serial = match ctx.scan_serial(&text) {
            Ok(s) => s,
            Err(e) => return ctx.error(e),
        };
        if matches!(ctx.top(), Screen::MismatchDetails) {
            ctx.pop();
        }
        match update::session(screen) {
            Some(s) => update::find_serial(s, ctx, &serial, false),
            None => Vec::new(),
        }
    }

    fn command(&self, screen: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        let details = matches!(ctx.top(), Screen::MismatchDetails);
        let s = update::session(screen)?;
        match c {
            KeyCommand::Back if details => {
                s.details = None;
                Some(ctx.pop())
            }
            KeyCommand::Back => {
                update::leave(ctx);
                Some(vec![crate::tui::screens::count_list::requests::load()])
            }
            KeyCommand::Redraw if !details => Some(vec![Effect::Redraw, requests::load(s.count)]),
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
            | KeyCommand::Find => Some(update::command(s, ctx, c)),
            _ => None,
        }
    }

    fn unknown_code(&self, screen: &mut Screen, ctx: &mut Ctx, code: &str) -> Option<Vec<Effect>> {
        // A serial scanned on the mismatch screen (one that starts with a letter: digits are
        // fixes there) goes to its row.
        if !matches!(ctx.top(), Screen::Mismatches(_)) || code.starts_with('/') {
            return None;
        }
        let s = update::session(screen)?;
        Some(match ctx.scan_serial(code) {
            Ok(serial) => update::find_serial(s, ctx, &serial, false),
            Err(e) => ctx.error(e),
        })
    }

    fn move_by(&self, screen: &mut Screen, ctx: &mut Ctx, delta: isize, max: usize) {
        let Some(s) = update::session(screen) else {
            return;
        };
        if matches!(ctx.top(), Screen::Mismatches(_)) {
            let page = view::page_in(ctx.body());
            let list = s.list;
            s.view_mut(list).move_by(delta, page);
            s.refresh_suggestions();
            return;
        }
        if let Some(d) = s.details.as_mut() {
            d.scroll = scrolled(d.scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, ctx: &mut Ctx, max: usize) {
        if matches!(ctx.top(), Screen::MismatchDetails) {
            if let Some(d) = update::session(screen).and_then(|s| s.details.as_mut()) {
                d.scroll = d.scroll.min(max);
            }
        }
    }
}
