//! Pure views: `view(&AppState, &mut Frame)` draws the whole screen from the state: the shared
//! frame (header row, body, status row, footer row, plus a rule under the header from 20 rows
//! up) around the top screen's body, which its folder under `screens` draws. Below 20x8 only
//! a "screen too small" notice is drawn. Also the text helpers the screens' views share.

mod chrome;
pub mod layout;

pub use layout::*;

use ratatui::Frame;

use super::app::AppState;
use super::screens::{self, kind};

/// Draws everything.
pub fn view(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    if too_small(area.width, area.height) {
        chrome::too_small(frame, area);
        return;
    }
    let a = areas(area);
    chrome::header(state, frame, a.header);
    if let Some(rule) = a.rule {
        chrome::rule(state, frame, rule);
    }
    let screen = state.screen();
    kind(screen).render(state, screen, frame, a.body);
    chrome::status(state, frame, a.status, a.body);
    chrome::footer(state, frame, a.footer);
}

/// Rows the scrolling part of the top screen has.
pub fn scroll_rows(state: &AppState) -> usize {
    let screen = state.screen();
    kind(screen).scroll_rows(state, screen, screens::kind::body_for(state))
}

/// How far the top screen can scroll.
pub fn max_scroll(state: &AppState) -> usize {
    let screen = state.screen();
    kind(screen).max_scroll(state, screen, screens::kind::body_for(state))
}
