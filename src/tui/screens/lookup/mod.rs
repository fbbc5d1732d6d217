//! The lookup screen: scan a serial, see its unit, warranty and history; the actions key
//! offers the warranty and repair actions that apply to the unit shown.

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
use crate::tui::text;

/// Opens the screen with an empty field.
pub(crate) fn open(ctx: &mut Ctx) -> Vec<Effect> {
    ctx.push(Screen::Lookup(state::LookupSession::default()));
    Vec::new()
}

/// The lookup screen.
pub struct Lookup;

impl ScreenKind for Lookup {
    fn title(&self, _: &Screen) -> &'static str {
        text::TITLE_LOOKUP
    }

    fn render(&self, state: &AppState, _: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, frame, body);
    }

    /// What an action said stays above the unit, in full.
    fn shows_status(&self, state: &AppState, _: &Screen) -> bool {
        let said = state.lookup().and_then(|l| l.said.as_ref());
        match (said, state.status_here()) {
            (Some(said), Some(st)) => said.text == st.text,
            _ => false,
        }
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let at = state.lookup().map_or(0, |l| l.scroll);
        let mut out: Vec<Hint> =
            scroll_hint(state, at, self.max_scroll(state, screen, body_for(state)))
                .into_iter()
                .collect();
        // The actions of the unit shown (warranty, repair), once there is one.
        if state.lookup().is_some_and(|l| l.shown.is_some()) {
            out.extend(hints_of(state, &[KeyCommand::Actions]));
        }
        out.extend(hints_of(state, &[KeyCommand::Back, KeyCommand::Help]));
        out
    }

    fn scroll_rows(&self, _: &AppState, _: &Screen, body: Rect) -> usize {
        view::scroll_rows(body)
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        view::lines(state, body.width)
            .len()
            .saturating_sub(self.scroll_rows(state, screen, body))
    }

    fn scan(&self, screen: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {
        match update::session(screen) {
            Some(l) => update::scan(l, ctx, value),
            None => Vec::new(),
        }
    }

    fn command(&self, screen: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        match c {
            KeyCommand::Back => Some(ctx.pop()),
            KeyCommand::Actions => Some(match update::session(screen) {
                Some(l) => update::unit_actions(l, ctx),
                None => Vec::new(),
            }),
            _ => None,
        }
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, max: usize) {
        if let Some(l) = update::session(screen) {
            l.scroll = scrolled(l.scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, _: &mut Ctx, max: usize) {
        if let Some(l) = update::session(screen) {
            l.scroll = l.scroll.min(max);
        }
    }
}
