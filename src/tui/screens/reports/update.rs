//! The reports screen's part of `update`: a report's rows (or its refusal) arrive as this
//! screen's message; the rows replace the report shown or open the screen over the list.

use super::requests;
use super::state::{ReportKind, ReportRow, ReportSession};
use crate::domain::Day;
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::nav::{pop_screen, push_screen};
use crate::tui::screens::popups::state::Prompt;
use crate::tui::screens::Screen;

/// What the service answered this screen.
pub(crate) fn on_msg(state: &mut AppState, msg: requests::Msg) -> Vec<Effect> {
    match msg {
        requests::Msg::Loaded { kind, date, rows } => loaded(state, kind, date, rows),
        requests::Msg::Refused(msg) => crate::tui::nav::error(state, msg),
    }
}

/// A report's rows arrived: show them over the list of reports.
fn loaded(state: &mut AppState, kind: ReportKind, date: Day, rows: Vec<ReportRow>) -> Vec<Effect> {
    if matches!(state.screen(), Screen::Prompt(Prompt::Customer)) {
        pop_screen(state);
    }
    if state.has_error() {
        state.status = None;
    }
    let report = ReportSession {
        kind,
        date,
        rows,
        scroll: 0,
    };
    match state.screens.last_mut() {
        Some(Screen::Report(shown)) => *shown = report,
        _ => push_screen(state, Screen::Report(report)),
    }
    Vec::new()
}
