//! The count list's part of `update`: the list arrives, a line is taken (joined for counting
//! or opened for its mismatches), the marked count is moved to review or cancelled.

use super::requests::{self, Msg};
use super::state::CountRow;
use super::words;
use crate::domain::{CountId, CountStatus};
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::{error, info, push_screen};
use crate::tui::screens::popups::state::Confirm;
use crate::tui::screens::{count_scan, mismatch, Screen};
use crate::tui::text;

/// What the service answered this screen.
pub(crate) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Loaded(rows) => loaded(state, rows),
        Msg::Moved { count, status } => moved(state, count, status),
        Msg::Opened { count, name } => opened(state, count, name),
        Msg::Refused(msg) => error(state, msg),
    }
}

/// The counts arrived.
fn loaded(state: &mut AppState, rows: Vec<CountRow>) -> Vec<Effect> {
    let Some(list) = state.count_list_mut() else {
        return Vec::new();
    };
    if let Some(id) = list.mark.take() {
        if let Some(i) = rows.iter().position(|r| r.id == id) {
            list.selected = i;
        }
    }
    list.selected = list.selected.min(rows.len().saturating_sub(1));
    list.counts = Some(rows);
    Vec::new()
}

/// A count changed status: say so and reload the list.
fn moved(state: &mut AppState, count: CountId, status: CountStatus) -> Vec<Effect> {
    state.status = None;
    info(state, text::count_moved(count, status));
    vec![requests::load()]
}

/// A digit 1-9: the count on that line.
pub(crate) fn digit(state: &mut AppState, d: char) -> Vec<Effect> {
    let i = (d as u8 - b'1') as usize;
    if state.counts().is_some_and(|c| i < c.len()) {
        return take_line(state, i);
    }
    error(state, words::no_count_line(d))
}

/// Takes the count on line `index` (it is marked): joins it, or opens its mismatches. The
/// screen it opens gets the row itself.
pub(crate) fn take_line(state: &mut AppState, index: usize) -> Vec<Effect> {
    let Some(list) = state.count_list_mut() else {
        return Vec::new();
    };
    let Some(row) = list.counts.as_ref().and_then(|c| c.get(index)).cloned() else {
        return Vec::new();
    };
    list.selected = index;
    match state.screen() {
        Screen::MismatchCounts(_) => mismatch::update::open(state, row),
        _ => count_scan::update::join(state, row),
    }
}

/// The new count's first question: where.
pub(crate) fn new_count(state: &mut AppState) -> Vec<Effect> {
    push_screen(
        state,
        Screen::Prompt(crate::tui::screens::popups::state::Prompt::CountScope),
    );
    Vec::new()
}

/// The status of the marked count, if the list has one.
pub(crate) fn marked_status(state: &AppState) -> Option<CountStatus> {
    selected_count(state).map(|r| r.status)
}

/// A count was opened: say which, reload the list and mark it there.
fn opened(state: &mut AppState, count: CountId, name: String) -> Vec<Effect> {
    state.status = None;
    if let Some(list) = state.count_list_mut() {
        list.mark = Some(count);
    }
    info(state, words::opened(count, &name));
    vec![requests::load()]
}

fn selected_count(state: &AppState) -> Option<&CountRow> {
    state.count_list()?.marked()
}

/// Review or cancel the marked count of the list last loaded.
pub(crate) fn on_marked(state: &mut AppState, c: KeyCommand) -> Vec<Effect> {
    match c {
        // One key both ways: an open count goes to review, a count in review reopens.
        KeyCommand::Review => match selected_count(state).map(|r| (r.id, r.status)) {
            Some((id, CountStatus::Open)) => vec![requests::move_to(id, CountStatus::Review)],
            Some((id, CountStatus::Review)) => vec![requests::move_to(id, CountStatus::Open)],
            Some((id, status)) => error(state, words::already(id, status)),
            None => Vec::new(),
        },
        KeyCommand::CancelCount => match selected_count(state) {
            Some(r) => {
                let confirm = Confirm::CancelCount {
                    id: r.id,
                    name: r.name.clone(),
                };
                push_screen(state, Screen::Confirm(confirm));
                Vec::new()
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}
