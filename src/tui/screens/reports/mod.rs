//! The reports screen: a warranty report's rows (expiring soon, warranty tracking, sold to a
//! customer), picked from a numbered choice; it scrolls.

pub mod requests;
pub mod state;
pub mod update;
pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{body_for, hints_of, scroll_hint, scrolled, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::Ctx;
use crate::tui::screens::popups::state::Choice;
use crate::tui::text;

/// Opens the numbered choice of reports.
pub(crate) fn open(ctx: &mut Ctx) -> Vec<Effect> {
    let days = ctx.config().expiring_soon_days;
    ctx.push(Screen::Choose(Choice::Report { days }));
    Vec::new()
}

/// The reports screen.
pub struct Reports;

impl ScreenKind for Reports {
    fn title(&self, _: &Screen) -> &'static str {
        text::TITLE_REPORTS
    }

    fn render(&self, state: &AppState, _: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, frame, body);
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let at = state.report().map_or(0, |r| r.scroll);
        let mut out: Vec<Hint> =
            scroll_hint(state, at, self.max_scroll(state, screen, body_for(state)))
                .into_iter()
                .collect();
        out.extend(hints_of(state, &[KeyCommand::Back, KeyCommand::Help]));
        out
    }

    fn scroll_rows(&self, state: &AppState, _: &Screen, body: Rect) -> usize {
        view::visible_rows(state, body)
    }

    fn max_scroll(&self, state: &AppState, _: &Screen, body: Rect) -> usize {
        view::max_scroll(state, body)
    }

    fn command(&self, _: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        match c {
            KeyCommand::Back => Some(ctx.pop()),
            _ => None,
        }
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, max: usize) {
        if let Screen::Report(r) = screen {
            r.scroll = scrolled(r.scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, _: &mut Ctx, max: usize) {
        if let Screen::Report(r) = screen {
            r.scroll = r.scroll.min(max);
        }
    }
}
