//! The mismatch screens' part of `update`: opening a count's mismatches, the fixes on the
//! marked row (some ask first, in a popup), find, post, and the service's answers.

use super::requests::{self, Msg};
use super::state::{Details, Fix, ListKind, MismatchData, MismatchSession, Shared};
use super::words;
use crate::domain::NotHere;
use crate::domain::{CountId, CountStatus};
use crate::ops::UnitView;
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::{error, info, pop_screen, push_screen};
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::popups::state::{Choice, Confirm, Prompt};
use crate::tui::screens::{count_list, Screen};
use crate::tui::text;

/// What the service answered these screens.
pub(crate) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Loaded(data) => loaded(state, data),
        Msg::LoadRefused(msg) => refused(state, msg),
        Msg::Fixed { words, data } => {
            let mut effects = fix_done(state, words);
            effects.extend(loaded(state, data));
            effects
        }
        Msg::FixRefused(msg) => error(state, msg),
        Msg::Previewed { count, fix, change } => ask_before_fix(state, count, fix, change),
        Msg::BulkPreviewed { count, fix, change } => ask_before_bulk(state, count, fix, change),
        Msg::Posted(count) => posted(state, count),
        Msg::Details { serial, unit } => details_loaded(state, serial, unit),
    }
}

/// Opens the mismatches of the count the picker took.
pub(crate) fn open(state: &mut AppState, row: CountRow) -> Vec<Effect> {
    let session = MismatchSession::new(row.id, row.name.clone());
    push_screen(state, Screen::Mismatches(session));
    vec![requests::load(row.id)]
}

/// The count's mismatch picture arrived.
fn loaded(state: &mut AppState, data: Shared<MismatchData>) -> Vec<Effect> {
    let page = super::view::page(state);
    if let Some(s) = state.mismatch_mut().filter(|s| s.count == data.m.count.id) {
        s.load(data, page);
    }
    Vec::new()
}

/// The mismatches cannot be shown: back to the list, with the reason.
fn refused(state: &mut AppState, msg: String) -> Vec<Effect> {
    leave(state);
    let mut effects = error(state, msg);
    effects.push(count_list::requests::load());
    effects
}

/// A resolution (or an undo) was recorded: back to the list, say what. The new comparison
/// arrives with it (the same request), as the next action.
fn fix_done(state: &mut AppState, msg: String) -> Vec<Effect> {
    while matches!(
        state.screen(),
        Screen::Prompt(_) | Screen::Choose(_) | Screen::MismatchDetails | Screen::Confirm(_)
    ) {
        pop_screen(state);
    }
    if let Some(s) = state.mismatch_mut() {
        s.details = None;
    }
    if state.has_error() {
        state.status = None;
    }
    info(state, msg);
    Vec::new()
}

/// The count was posted: back to the list.
fn posted(state: &mut AppState, count: CountId) -> Vec<Effect> {
    leave(state);
    state.status = None;
    info(state, text::count_moved(count, CountStatus::Posted));
    vec![count_list::requests::load()]
}

/// The unit of the details screen arrived.
fn details_loaded(
    state: &mut AppState,
    serial: String,
    unit: Option<Shared<UnitView>>,
) -> Vec<Effect> {
    if let Some(d) = state
        .mismatch_mut()
        .and_then(|s| s.details.as_mut())
        .filter(|d| d.serial == serial)
    {
        d.unit = unit;
        d.loaded = true;
    }
    Vec::new()
}

/// After a resize the marks of every list stay in view.
pub(crate) fn keep_marks_in_view(state: &mut AppState) {
    let page = super::view::page(state);
    if let Some(s) = state.mismatch_mut() {
        for kind in ListKind::ALL {
            s.view_mut(kind).scroll_into_view(page);
        }
    }
}

/// Leaves the mismatch screens for the count picker.
pub(crate) fn leave(state: &mut AppState) {
    while matches!(
        state.screen(),
        Screen::Mismatches(_)
            | Screen::MismatchDetails
            | Screen::Prompt(_)
            | Screen::Choose(_)
            | Screen::Confirm(_)
    ) {
        pop_screen(state);
    }
}

/// Asks the runner to record a fix on the open count. A fix that rewrites history (replace,
/// relocate, found stock, write-off) is first tried by the service, and its change shown
/// with `1=Yes 2=No`, unless the site's config turns that off (desk use).
pub(crate) fn fix(state: &AppState, fix: Fix) -> Vec<Effect> {
    let Some(s) = state.mismatch() else {
        return Vec::new();
    };
    let rewrites = !matches!(fix, Fix::Accept { .. });
    if rewrites && state.config.confirm_fixes {
        return vec![requests::preview(s.count, fix)];
    }
    vec![requests::fix(s.count, fix)]
}

/// The service's trial of a fix came back: ask before doing it.
fn ask_before_fix(state: &mut AppState, count: CountId, fix: Fix, change: String) -> Vec<Effect> {
    if state.mismatch().map(|s| s.count) != Some(count) {
        return Vec::new();
    }
    push_screen(state, Screen::Confirm(Confirm::Fix { count, fix, change }));
    Vec::new()
}

/// Asks the service how many mismatches a bulk fix takes, then asks the supervisor.
pub(crate) fn bulk(state: &mut AppState, fix: crate::ops::BulkFix) -> Vec<Effect> {
    match state.mismatch() {
        Some(s) => vec![requests::preview_bulk(s.count, fix)],
        None => Vec::new(),
    }
}

/// The service's trial of a bulk fix came back: always asked (it rewrites many at once).
fn ask_before_bulk(
    state: &mut AppState,
    count: CountId,
    fix: crate::ops::BulkFix,
    change: String,
) -> Vec<Effect> {
    if state.mismatch().map(|s| s.count) != Some(count) {
        return Vec::new();
    }
    push_screen(state, Screen::Confirm(Confirm::Bulk { count, fix, change }));
    Vec::new()
}

/// No to a fix: the popups that led to it close, nothing changed.
pub(crate) fn fix_declined(state: &mut AppState) -> Vec<Effect> {
    while matches!(state.screen(), Screen::Prompt(_) | Screen::Choose(_)) {
        pop_screen(state);
    }
    info(state, words::NOTHING_CHANGED.into());
    Vec::new()
}

/// Goes to a serial's row; from the find prompt, the prompt closes when it is found.
pub(crate) fn find_serial(state: &mut AppState, serial: &str, from_prompt: bool) -> Vec<Effect> {
    let page = super::view::page(state);
    let Some(s) = state.mismatch_mut() else {
        return Vec::new();
    };
    let id = s.count;
    match s.find(serial, page) {
        Some(list) => {
            if from_prompt {
                pop_screen(state);
            }
            if state.has_error() {
                state.status = None;
            }
            info(state, words::found_in(serial, list));
            Vec::new()
        }
        None => error(state, words::not_a_mismatch(serial, id)),
    }
}

/// A fix (or another command of the mismatch context) on the marked row.
pub(crate) fn command(state: &mut AppState, c: KeyCommand) -> Vec<Effect> {
    let Some(s) = state.mismatch() else {
        return Vec::new();
    };
    if s.data.is_none() {
        // Nothing to act on before the picture is there.
        return Vec::new();
    }
    let list = s.list;
    let wrong = |state: &mut AppState| error(state, words::fix_not_here(c));
    match c {
        KeyCommand::NextList => {
            if matches!(state.screen(), Screen::MismatchDetails) {
                return Vec::new();
            }
            if let Some(s) = state.mismatch_mut() {
                s.list = s.list.next();
                s.refresh_suggestions();
            }
            Vec::new()
        }
        KeyCommand::Find => {
            push_screen(state, Screen::Prompt(Prompt::Find));
            Vec::new()
        }
        KeyCommand::Post => {
            let has_bins = s.data.as_ref().is_some_and(|d| !d.counted_bins.is_empty());
            if has_bins {
                // The service checks what is open in the scope chosen.
                let choice = Choice::PostScope {
                    id: s.count,
                    name: s.name.clone(),
                };
                push_screen(state, Screen::Choose(choice));
                return Vec::new();
            }
            let open = s.open().unwrap_or(0);
            if open > 0 {
                return error(state, words::open_left(open));
            }
            let confirm = Confirm::PostCount {
                id: s.count,
                name: s.name.clone(),
                counted_bins_only: false,
            };
            push_screen(state, Screen::Confirm(confirm));
            Vec::new()
        }
        KeyCommand::Bulk => {
            let row = match (s.shortage(), s.surplus()) {
                (Some(r), _) => Some((r.location.clone(), Some(r.product))),
                (_, Some(r)) => Some((r.location.clone(), r.product)),
                _ => None,
            };
            let Some((location, product)) = row else {
                return error(state, words::NO_ROW.into());
            };
            let sku = product.and_then(|p| {
                s.data
                    .as_ref()
                    .and_then(|d| d.products.get(&p))
                    .map(|n| n.sku.clone())
            });
            push_screen(state, Screen::Choose(Choice::Bulk { location, sku }));
            Vec::new()
        }
        KeyCommand::UndoFix => {
            let number = match s.resolution() {
                Some(r) => Some(r.number),
                None if list == ListKind::Fixed => None,
                None => s.data.as_ref().and_then(|d| {
                    d.m.resolutions
                        .iter()
                        .rev()
                        .find(|r| !r.undone)
                        .map(|r| r.number)
                }),
            };
            match number {
                Some(number) => vec![requests::undo(s.count, number)],
                None => error(state, words::NOTHING_TO_UNDO.into()),
            }
        }
        KeyCommand::Details => {
            if matches!(state.screen(), Screen::MismatchDetails) {
                return Vec::new();
            }
            let (serial, product) = match (s.shortage(), s.surplus()) {
                (Some(r), _) => (r.serial.to_string(), Some(r.product)),
                (_, Some(r)) => (r.serial.to_string(), r.product),
                _ if list == ListKind::Fixed => return wrong(state),
                _ => return error(state, words::NO_ROW.into()),
            };
            let row = s.current().selected_row().unwrap_or(0);
            if let Some(s) = state.mismatch_mut() {
                s.details = Some(Details {
                    list,
                    row,
                    serial: serial.clone(),
                    unit: None,
                    loaded: false,
                    scroll: 0,
                });
            }
            push_screen(state, Screen::MismatchDetails);
            vec![requests::details(serial, product)]
        }
        KeyCommand::ReplaceSerial => match (s.shortage(), s.surplus()) {
            (Some(r), _) => {
                let missing = r.serial.to_string();
                push_screen(state, Screen::Prompt(Prompt::FoundAs { missing }));
                Vec::new()
            }
            (_, Some(r)) => {
                let found = r.serial.to_string();
                match s.suggestions.first() {
                    Some(top) => {
                        let missing = top.missing.to_string();
                        fix(state, Fix::Replace { found, missing })
                    }
                    None => {
                        push_screen(state, Screen::Prompt(Prompt::ReplaceBy { found }));
                        Vec::new()
                    }
                }
            }
            _ if list == ListKind::Fixed => wrong(state),
            _ => error(state, words::NO_ROW.into()),
        },
        KeyCommand::Relocate => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if !matches!(r.reason, NotHere::Elsewhere { .. }) {
                    return error(state, words::not_elsewhere(&serial));
                }
                fix(state, Fix::Relocate { serial })
            }
            None if list == ListKind::Surplus => error(state, words::NO_ROW.into()),
            None => wrong(state),
        },
        KeyCommand::ReceiveFound => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if r.reason != NotHere::Unknown {
                    return error(state, words::not_unknown(&serial));
                }
                if r.product.is_none() {
                    push_screen(state, Screen::Prompt(Prompt::Product { serial }));
                    return Vec::new();
                }
                fix(
                    state,
                    Fix::ReceiveFound {
                        serial,
                        product: None,
                    },
                )
            }
            None if list == ListKind::Surplus => error(state, words::NO_ROW.into()),
            None => wrong(state),
        },
        KeyCommand::WriteOff => match s.shortage() {
            Some(r) => {
                let serial = r.serial.to_string();
                push_screen(state, Screen::Choose(Choice::WriteOffReason { serial }));
                Vec::new()
            }
            None if list == ListKind::Short => error(state, words::NO_ROW.into()),
            None => wrong(state),
        },
        KeyCommand::Accept => match (s.marked_serial(), &s.data) {
            (Some(serial), Some(d)) => {
                if d.accepted(serial) {
                    return error(state, words::accepted_already(serial.as_str()));
                }
                let serial = serial.to_string();
                push_screen(state, Screen::Choose(Choice::AcceptNote { serial }));
                Vec::new()
            }
            _ if list == ListKind::Fixed => wrong(state),
            _ => error(state, words::NO_ROW.into()),
        },
        _ => Vec::new(),
    }
}
