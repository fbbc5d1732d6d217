//! The diagnostics screen, for setting up a new device type on site: a scan test field, the
//! keys and bytes received, and the terminal, keymap and service facts; it scrolls.

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

/// Opens the screen and asks the service who it is.
pub(crate) fn open(ctx: &mut Ctx) -> Vec<Effect> {
    ctx.forget_service();
    ctx.push(Screen::Diagnostics { scroll: 0 });
    vec![Effect::ProbeService]
}

fn at(screen: &Screen) -> usize {
    match screen {
        Screen::Diagnostics { scroll } => *scroll,
        _ => 0,
    }
}

/// The diagnostics screen.
pub struct Diagnostics;

impl ScreenKind for Diagnostics {
    fn title(&self, _: &Screen) -> &'static str {
        words::TITLE_DIAGNOSTICS
    }

    fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, at(screen), frame, body);
    }

    fn hints(&self, state: &AppState, screen: &Screen) -> Vec<Hint> {
        let mut out = hints_of(state, &[KeyCommand::Back, KeyCommand::ClearField]);
        out.extend(scroll_hint(
            state,
            at(screen),
            self.max_scroll(state, screen, body_for(state)),
        ));
        out.extend(hints_of(state, &[KeyCommand::Help]));
        out
    }

    fn scroll_rows(&self, _: &AppState, _: &Screen, body: Rect) -> usize {
        view::scroll_area(body).height as usize
    }

    fn max_scroll(&self, state: &AppState, screen: &Screen, body: Rect) -> usize {
        view::scroll_lines(state, body)
            .len()
            .saturating_sub(self.scroll_rows(state, screen, body))
    }

    fn scan(&self, _: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {
        ctx.clear_status();
        ctx.info(words::scan_read(value.chars().count()));
        ctx.note_scan(value);
        Vec::new()
    }

    fn move_by(&self, screen: &mut Screen, _: &mut Ctx, delta: isize, max: usize) {
        if let Screen::Diagnostics { scroll } = screen {
            *scroll = scrolled(*scroll, delta, max);
        }
    }

    fn clamp_scroll(&self, screen: &mut Screen, _: &mut Ctx, max: usize) {
        if let Screen::Diagnostics { scroll } = screen {
            *scroll = (*scroll).min(max);
        }
    }
}
