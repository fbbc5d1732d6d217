//! The reports screen's part of `update`: a report's rows (or its refusal) arrive as this
//! screen's message; the rows replace the report shown or open the screen over the list.

use super::requests;
use super::state::{ReportKind, ReportRow, ReportSession};
use crate::domain::Day;
use crate::tui::effect::Effect;
use crate::tui::nav::Ctx;
use crate::tui::screens::popups::state::Prompt;
use crate::tui::screens::screen::Screen;

/// What the service answered this screen (its screen opens with the rows: no session yet).
pub(crate) fn on_msg(ctx: &mut Ctx, msg: requests::Msg) -> Vec<Effect> {
    match msg {
        requests::Msg::Loaded { kind, date, rows } => loaded(ctx, kind, date, rows),
        requests::Msg::Refused(msg) => ctx.error(msg),
    }
}

/// A report's rows arrived: show them over the list of reports.
fn loaded(ctx: &mut Ctx, kind: ReportKind, date: Day, rows: Vec<ReportRow>) -> Vec<Effect> {
    if matches!(ctx.top(), Screen::Prompt(Prompt::Customer)) {
        ctx.pop();
    }
    if ctx.has_error() {
        ctx.clear_status();
    }
    let report = Screen::Report(ReportSession {
        kind,
        date,
        rows,
        scroll: 0,
    });
    match ctx.top() {
        Screen::Report(_) => ctx.replace_top(report),
        _ => ctx.push(report),
    }
    Vec::new()
}
