//! The scan loop's part of `update`: joining a count, a scan (command barcodes here, the rest
//! to the service), undo, the next-is-a-location command, leaving, and the service's answers.

use super::requests::Msg;
use super::state::{AnswerKind, CountSession, Queued, RecentScan, ScanAnswer, Why, RECENT_KEPT};
use super::words;
use crate::domain::count::{ScanCommand, COMMAND_PREFIX};
use crate::domain::CountStatus;
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::nav::{error, good_scan, info, pop_screen, push_screen};
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::count_scan::state::Figures;
use crate::tui::screens::Screen;

/// What the service answered the scan loop.
pub(crate) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Joined {
            count,
            recent,
            location,
            figures,
        } => joined(state, count, recent, location, figures),
        Msg::JoinRefused(msg) => join_refused(state, msg),
        Msg::LocationSet { code, figures } => location_set(state, code, figures),
        Msg::Refused(msg) => error(state, msg),
        Msg::Answered(answer) => scan_answered(state, answer),
        Msg::AskQty { sku } => ask_qty(state, sku),
        Msg::QtyCounted {
            location,
            sku,
            qty,
            counted,
            expected,
        } => qty_counted(state, &location, &sku, qty, counted, expected),
        Msg::BinCounted { location, bins } => bin_counted(state, location, bins),
        Msg::Figures {
            count,
            location,
            figures,
        } => crate::tui::live::figures(state, count, location, figures),
    }
}

/// A count was joined: the count as it is now, this counter's last scans, and the location
/// when there is only one.
pub(crate) fn joined(
    state: &mut AppState,
    count: CountRow,
    recent: Vec<RecentScan>,
    location: Option<String>,
    figures: Option<Figures>,
) -> Vec<Effect> {
    if let Some(s) = state.count_session_mut().filter(|s| s.count.id == count.id) {
        s.count = count;
        s.recent = recent.into_iter().take(RECENT_KEPT).collect();
        if s.location.is_none() {
            s.location = location;
            s.figures = figures;
        }
    }
    Vec::new()
}

/// The count cannot be joined: back to the list.
pub(crate) fn join_refused(state: &mut AppState, msg: String) -> Vec<Effect> {
    if matches!(state.screen(), Screen::CountScan(_)) {
        pop_screen(state);
    }
    let mut effects = error(state, msg);
    effects.push(crate::tui::screens::count_list::requests::load());
    effects
}

/// A location label was scanned.
pub(crate) fn location_set(state: &mut AppState, code: String, figures: Figures) -> Vec<Effect> {
    let Some(s) = state.count_session_mut() else {
        return Vec::new();
    };
    s.location = Some(code.clone());
    s.awaiting_location = false;
    s.figures = Some(figures);
    s.answer = None;
    clear_answered_entry(state);
    good_scan(state);
    info(state, words::location_set(&code));
    Vec::new()
}

/// A scan's (or an undo's) answer arrived: show it, keep the figures, list it.
pub(crate) fn scan_answered(state: &mut AppState, answer: ScanAnswer) -> Vec<Effect> {
    let Some(s) = state.count_session_mut() else {
        return Vec::new();
    };
    if let Some(f) = answer.figures {
        s.figures = Some(f);
    }
    let kind = answer.kind;
    // Recorded scans and refused ones alike go to the list: a bad scan in a burst leaves a
    // trace (marked, with nothing recorded) and counts in the figures.
    // (An undo that was refused is no scan: it has no serial.)
    let refused =
        matches!(kind, AnswerKind::Bad | AnswerKind::Refused) && !answer.serial.is_empty();
    if (kind.recorded() && answer.number.is_some()) || refused {
        s.recent.push_front(RecentScan {
            number: answer.number.filter(|_| !refused),
            serial: answer.serial.clone(),
            sku: answer.sku.clone(),
            location: answer.location.clone(),
            kind,
            why: match &answer.why {
                Why::Refused { message } if refused => Some(message.clone()),
                _ => None,
            },
            waiting: None,
            qty: None,
        });
        s.recent.truncate(RECENT_KEPT);
    }
    if refused {
        s.refused = s.refused.saturating_add(1);
    }
    if kind == AnswerKind::Undone {
        s.recent
            .retain(|r| r.number.is_none() || r.number != answer.number);
        if let Some(f) = s.figures.as_mut().filter(|_| answer.figures.is_none()) {
            f.total = f.total.saturating_sub(1);
        }
    }
    let headline = answer.headline.clone();
    s.answer = Some(answer);
    if kind.recorded() || kind == AnswerKind::Undone {
        // Saved: the answer shows the serial, the field is ready for the next scan. A bad
        // scan stays in the field so a typing mistake can be corrected.
        clear_answered_entry(state);
    }
    if kind.ok() {
        good_scan(state);
        Vec::new()
    } else {
        error(state, headline)
    }
}

/// A scan could not reach the server: the client keeps it, and the screen says so (in Last
/// scans as waiting, and as the last answer); the field is free for the next scan.
pub(crate) fn waiting(
    state: &mut AppState,
    key: String,
    raw: String,
    location: Option<String>,
) -> Vec<Effect> {
    let Some(s) = state.count_session_mut() else {
        return Vec::new();
    };
    let serial = raw.trim().to_string();
    let location = location.unwrap_or_default();
    s.recent.push_front(RecentScan {
        number: None,
        serial: serial.clone(),
        sku: None,
        location: location.clone(),
        kind: AnswerKind::Waiting,
        why: None,
        waiting: Some(key),
        qty: None,
    });
    s.recent.truncate(RECENT_KEPT);
    s.answer = Some(ScanAnswer {
        kind: AnswerKind::Waiting,
        headline: words::WAITING.into(),
        serial,
        sku: None,
        number: None,
        location,
        why: Why::Refused {
            message: words::WAITING_WHY.into(),
        },
        figures: None,
    });
    clear_answered_entry(state);
    Vec::new()
}

/// A waiting scan reached the server: its line gives way to its answer, which follows.
pub(crate) fn waiting_sent(state: &mut AppState, key: &str) -> Vec<Effect> {
    if let Some(s) = state.count_session_mut() {
        s.recent.retain(|r| r.waiting.as_deref() != Some(key));
    }
    Vec::new()
}

/// Empties the field after an answer, but only while it still shows a finished entry: answers
/// arrive while the next scan is being typed, and those characters must never be lost.
fn clear_answered_entry(state: &mut AppState) {
    if state.field.is_stale() || state.field.value().is_empty() {
        state.field.clear();
    }
}

/// A scan in the scan loop: a command barcode is done here; anything else goes to the
/// service, which tells a location label from a serial.
pub(crate) fn scan(state: &mut AppState, value: String) -> Vec<Effect> {
    if let Some(cmd) = ScanCommand::parse(&value, COMMAND_PREFIX) {
        state.field.clear();
        return match cmd {
            Ok(ScanCommand::Finish) => leave(state),
            Ok(ScanCommand::Undo) => undo(state),
            Ok(ScanCommand::Location) => next_is_location(state),
            Ok(ScanCommand::Done) => bin_done(state),
            Err(e) => {
                let answer = ScanAnswer {
                    kind: AnswerKind::Bad,
                    headline: words::BAD_SCAN.into(),
                    serial: value.trim().to_string(),
                    sku: None,
                    number: None,
                    location: String::new(),
                    why: Why::Refused { message: e },
                    figures: None,
                };
                scan_answered(state, answer)
            }
        };
    }
    let raw = crate::tui::nav::with_gs(state, &value);
    ask(state, Queued::Scan(raw))
}

pub(crate) fn undo(state: &mut AppState) -> Vec<Effect> {
    ask(state, Queued::Undo)
}

pub(crate) fn next_is_location(state: &mut AppState) -> Vec<Effect> {
    ask(state, Queued::NextIsLocation)
}

/// The counter says the bin is counted (a key or the `#TM:DONE` barcode).
pub(crate) fn bin_done(state: &mut AppState) -> Vec<Effect> {
    let no_bin = state
        .count_session()
        .is_some_and(|s| s.location.is_none() && !s.waiting && s.queued.is_empty());
    if no_bin {
        return error(state, words::BIN_FIRST.into());
    }
    ask(state, Queued::BinDone)
}

/// The scan was a product counted by quantity: ask how many.
pub(crate) fn ask_qty(state: &mut AppState, sku: String) -> Vec<Effect> {
    clear_answered_entry(state);
    push_screen(
        state,
        Screen::Prompt(crate::tui::screens::popups::state::Prompt::CountQty { sku }),
    );
    Vec::new()
}

/// A quantity typed or scanned for a product counted by quantity.
pub(crate) fn count_qty(state: &mut AppState, sku: String, value: &str) -> Vec<Effect> {
    let Ok(qty) = value.trim().parse::<i32>() else {
        return error(state, words::not_a_qty(value.trim()));
    };
    if qty == 0 {
        return error(state, words::not_a_qty(value.trim()));
    }
    if matches!(state.screen(), Screen::Prompt(_)) {
        pop_screen(state);
    }
    let Some(s) = state.count_session() else {
        return Vec::new();
    };
    vec![Effect::CountQty {
        count: s.count.id,
        location: s.location.clone(),
        sku,
        qty,
    }]
}

/// A quantity was counted: say it with the running figure.
pub(crate) fn qty_counted(
    state: &mut AppState,
    location: &str,
    sku: &str,
    qty: i32,
    counted: u64,
    expected: Option<i64>,
) -> Vec<Effect> {
    state.field.clear();
    // The last scans list it too: a box counted (or taken back) is part of the bin's count.
    if let Some(s) = state.count_session_mut() {
        s.recent.push_front(RecentScan {
            number: None,
            serial: String::new(),
            sku: Some(sku.to_string()),
            location: location.to_string(),
            kind: if qty < 0 {
                AnswerKind::Undone
            } else {
                AnswerKind::Counted
            },
            why: None,
            waiting: None,
            qty: Some(qty),
        });
        s.recent.truncate(RECENT_KEPT);
    }
    good_scan(state);
    info(
        state,
        words::qty_counted(sku, qty, location, counted, expected),
    );
    Vec::new()
}

/// A bin was counted: the next bin's label comes next.
pub(crate) fn bin_counted(state: &mut AppState, location: String, bins: u32) -> Vec<Effect> {
    let Some(s) = state.count_session_mut() else {
        return Vec::new();
    };
    // The figures' total stays; "here" goes with the location.
    s.location = None;
    s.answer = None;
    good_scan(state);
    info(state, words::bin_counted(&location, bins));
    Vec::new()
}

/// Does a step now, or, while the service is still answering the one before, queues it.
fn ask(state: &mut AppState, step: Queued) -> Vec<Effect> {
    let Some(s) = state.count_session_mut() else {
        return Vec::new();
    };
    if s.waiting {
        s.queued.push_back(step);
        return Vec::new();
    }
    send(s, step).into_iter().collect()
}

/// Does a step: a scan or an undo goes to the service (the session waits for its answer),
/// the location command marks the next scan as a label (the location line says "scan new
/// label").
fn send(s: &mut CountSession, step: Queued) -> Option<Effect> {
    let effect = match step {
        Queued::Scan(raw) => Effect::CountInput {
            count: s.count.id,
            location: s.location.clone(),
            raw,
            location_only: s.awaiting_location,
        },
        Queued::Undo => Effect::UndoScan {
            count: s.count.id,
            location: s.location.clone(),
        },
        Queued::NextIsLocation => {
            s.awaiting_location = true;
            return None;
        }
        Queued::BinDone => Effect::FinishBin {
            count: s.count.id,
            location: s.location.clone(),
        },
    };
    s.waiting = true;
    Some(effect)
}

/// The service answered a request of the screen visit `from`: if it was this session's, the
/// next queued step goes out.
pub(crate) fn answered(state: &mut AppState, from: u64) -> Vec<Effect> {
    let Some(s) = state.count_session_mut().filter(|s| s.visit == from) else {
        return Vec::new();
    };
    s.waiting = false;
    while let Some(step) = s.queued.pop_front() {
        if let Some(effect) = send(s, step) {
            return vec![effect];
        }
    }
    Vec::new()
}

/// Leaves the scan loop for the count list (the count stays open).
/// Scans still queued go to the service first, in order: none is lost.
pub(crate) fn leave(state: &mut AppState) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(s) = state.count_session_mut() {
        if !s.queued.is_empty() {
            effects.push(Effect::FlushScans {
                count: s.count.id,
                location: s.location.clone(),
                location_only: s.awaiting_location,
                steps: s.queued.drain(..).collect(),
            });
        }
    }
    if matches!(state.screen(), Screen::CountScan(_)) {
        pop_screen(state);
    }
    effects.push(crate::tui::screens::count_list::requests::load());
    effects
}

/// Joins the count the list took.
pub(crate) fn join(state: &mut AppState, row: CountRow) -> Vec<Effect> {
    let scanning = crate::tui::screens::access::scanning();
    if !crate::tui::screens::access::may(state, scanning) {
        return crate::tui::screens::access::refuse(state, scanning);
    }
    if row.status != CountStatus::Open {
        return error(state, words::cannot_join(row.id, row.status));
    }
    let id = row.id;
    let mut session = CountSession::new(row);
    // The visit the screen gets: answers to its requests carry it.
    session.visit = state.next_visit;
    session.waiting = true;
    push_screen(state, Screen::CountScan(session));
    vec![Effect::JoinCount { count: id }]
}
