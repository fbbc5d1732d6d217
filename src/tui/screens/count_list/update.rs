//! The count list's part of `update`: the list arrives, a line is taken (joined for counting
//! or opened for its mismatches), the marked count is moved to review or cancelled. The
//! functions take the list's own session and a [`Ctx`] for the rest: they can change no other
//! screen's session. Taking a line hands the row to the screen it opens.

use super::requests::{self, Msg};
use super::state::{CountListSession, CountRow};
use super::words;
use crate::domain::{CountId, CountStatus};
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::Ctx;
use crate::tui::screens::popups::state::{Confirm, Prompt};
use crate::tui::screens::screen::Screen;
use crate::tui::text;

/// The count list's session in a screen (either use).
pub(crate) fn session(screen: &mut Screen) -> Option<&mut CountListSession> {
    match screen {
        Screen::CountList(l) | Screen::MismatchCounts(l) => Some(l),
        _ => None,
    }
}

/// What the service answered this screen (`l`: the session of the count list nearest the
/// top, if one is on the stack).
pub(crate) fn on_msg(l: Option<&mut CountListSession>, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Loaded(rows) => l.map(|l| loaded(l, rows)).unwrap_or_default(),
        Msg::Moved { count, status } => moved(ctx, count, status),
        Msg::Opened { count, name } => {
            if let Some(l) = l {
                l.mark = Some(count);
            }
            opened(ctx, count, name)
        }
        Msg::Refused(msg) => ctx.error(msg),
    }
}

/// The counts arrived.
fn loaded(l: &mut CountListSession, rows: Vec<CountRow>) -> Vec<Effect> {
    if let Some(id) = l.mark.take() {
        if let Some(i) = rows.iter().position(|r| r.id == id) {
            l.selected = i;
        }
    }
    l.selected = l.selected.min(rows.len().saturating_sub(1));
    l.counts = Some(rows);
    Vec::new()
}

/// A count changed status: say so and reload the list.
fn moved(ctx: &mut Ctx, count: CountId, status: CountStatus) -> Vec<Effect> {
    ctx.clear_status();
    ctx.info(text::count_moved(count, status));
    vec![requests::load()]
}

/// A count was opened: say which, and reload the list (it marks it there).
fn opened(ctx: &mut Ctx, count: CountId, name: String) -> Vec<Effect> {
    ctx.clear_status();
    ctx.info(words::opened(count, &name));
    vec![requests::load()]
}

/// A digit 1-9: the count on that line.
pub(crate) fn digit(l: &mut CountListSession, ctx: &mut Ctx, d: char) -> Vec<Effect> {
    let i = (d as u8 - b'1') as usize;
    if l.counts.as_ref().is_some_and(|c| i < c.len()) {
        return take_line(l, ctx, i);
    }
    ctx.error(words::no_count_line(d))
}

/// Takes the count on line `index` (it is marked): joins it, or opens its mismatches. The
/// screen it opens gets the row itself.
pub(crate) fn take_line(l: &mut CountListSession, ctx: &mut Ctx, index: usize) -> Vec<Effect> {
    let Some(row) = l.counts.as_ref().and_then(|c| c.get(index)).cloned() else {
        return Vec::new();
    };
    l.selected = index;
    match ctx.top() {
        Screen::MismatchCounts(_) => crate::tui::screens::mismatch::update::open(ctx, row),
        _ => crate::tui::screens::count_scan::update::join(ctx, row),
    }
}

/// The new count's first question: where.
pub(crate) fn new_count(ctx: &mut Ctx) -> Vec<Effect> {
    ctx.push(Screen::Prompt(Prompt::CountScope));
    Vec::new()
}

/// The status of the marked count, if the list has one.
pub(crate) fn marked_status(state: &AppState) -> Option<CountStatus> {
    state.count_list()?.marked().map(|r| r.status)
}

/// Review or cancel the marked count of the list.
pub(crate) fn on_marked(l: &mut CountListSession, ctx: &mut Ctx, c: KeyCommand) -> Vec<Effect> {
    match c {
        // One key both ways: an open count goes to review, a count in review reopens.
        KeyCommand::Review => match l.marked().map(|r| (r.id, r.status)) {
            Some((id, CountStatus::Open)) => vec![requests::move_to(id, CountStatus::Review)],
            Some((id, CountStatus::Review)) => vec![requests::move_to(id, CountStatus::Open)],
            Some((id, status)) => ctx.error(words::already(id, status)),
            None => Vec::new(),
        },
        KeyCommand::CancelCount => match l.marked() {
            Some(r) => {
                let confirm = Confirm::CancelCount {
                    id: r.id,
                    name: r.name.clone(),
                };
                ctx.push(Screen::Confirm(confirm));
                Vec::new()
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}
