//! The scan loop's part of `update`: joining a count, a scan (command barcodes here, the rest
//! to the service), undo, the next-is-a-location command, leaving, and the service's answers.
//! The functions take the loop's own session and a [`Ctx`] for the rest: they can change no
//! other screen's session.

use super::requests::{self, Msg};
use super::state::{AnswerKind, CountSession, Queued, RecentScan, ScanAnswer, Why, RECENT_KEPT};
use super::words;
use crate::domain::count::ScanCommand;
use crate::domain::{CountId, CountStatus};
use crate::ops::count_input::{bin_first, read_line, CountLine};
use crate::tui::effect::Effect;
use crate::tui::nav::Ctx;
use crate::tui::screens::access;
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::count_scan::state::Figures;
use crate::tui::screens::screen::Screen;

/// The scan loop's session in a screen.
pub(crate) fn session(screen: &mut Screen) -> Option<&mut CountSession> {
    match screen {
        Screen::CountScan(s) => Some(s),
        _ => None,
    }
}

/// What the service answered the scan loop (`s`: its session, if its screen is on the
/// stack).
pub(crate) fn on_msg(s: Option<&mut CountSession>, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::JoinRefused(msg) => join_refused(ctx, msg),
        Msg::Refused(msg) => ctx.error(msg),
        Msg::QtyRefused { sku, message } => qty_refused(ctx, sku, message),
        Msg::AskQty { sku } => ask_qty(ctx, sku),
        msg => match s {
            Some(s) => on_own_msg(s, ctx, msg),
            None => Vec::new(),
        },
    }
}

/// An answer that changes the session.
fn on_own_msg(s: &mut CountSession, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Joined {
            count,
            recent,
            location,
            figures,
        } => joined(s, count, recent, location, figures),
        Msg::LocationSet { code, figures } => location_set(s, ctx, code, figures),
        Msg::LinkLost => link_lost(s),
        Msg::Answered(answer) => scan_answered(s, ctx, answer),
        Msg::QtyCounted {
            location,
            sku,
            qty,
            counted,
            expected,
        } => qty_counted(s, ctx, &location, &sku, qty, counted, expected),
        Msg::BinCounted { location, bins } => bin_counted(s, ctx, location, bins),
        Msg::Figures {
            count,
            location,
            figures,
        } => refreshed(s, count, location, figures),
        Msg::JoinRefused(msg) | Msg::Refused(msg) => ctx.error(msg),
        Msg::QtyRefused { sku, message } => qty_refused(ctx, sku, message),
        Msg::AskQty { sku } => ask_qty(ctx, sku),
    }
}

/// A count was joined: the count as it is now, this counter's last scans, and the location
/// when there is only one.
fn joined(
    s: &mut CountSession,
    count: CountRow,
    recent: Vec<RecentScan>,
    location: Option<String>,
    figures: Option<Figures>,
) -> Vec<Effect> {
    if s.count.id == count.id {
        s.count = count;
        s.recent = recent.into_iter().take(RECENT_KEPT).collect();
        if s.location.is_none() {
            s.location = location;
            s.figures = figures;
        }
    }
    Vec::new()
}

/// The count cannot be joined: back to the list (the session goes with its screen).
fn join_refused(ctx: &mut Ctx, msg: String) -> Vec<Effect> {
    if matches!(ctx.top(), Screen::CountScan(_)) {
        ctx.pop();
    }
    let mut effects = ctx.error(msg);
    effects.push(crate::tui::screens::count_list::requests::load());
    effects
}

/// A location label was scanned.
fn location_set(
    s: &mut CountSession,
    ctx: &mut Ctx,
    code: String,
    figures: Figures,
) -> Vec<Effect> {
    s.location = Some(code.clone());
    s.awaiting_location = false;
    s.figures = Some(figures);
    s.answer = None;
    clear_answered_entry(ctx);
    ctx.good_scan();
    ctx.info(words::location_set(&code));
    Vec::new()
}

/// A scan's (or an undo's) answer arrived: show it, keep the figures, list it.
fn scan_answered(s: &mut CountSession, ctx: &mut Ctx, answer: ScanAnswer) -> Vec<Effect> {
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
        clear_answered_entry(ctx);
    }
    if kind.ok() {
        ctx.good_scan();
        Vec::new()
    } else {
        ctx.error(headline)
    }
}

/// The server stopped answering: the last answer goes, unless it is a scan that waits.
fn link_lost(s: &mut CountSession) -> Vec<Effect> {
    if s.answer
        .as_ref()
        .is_some_and(|a| a.kind != AnswerKind::Waiting)
    {
        s.answer = None;
    }
    Vec::new()
}

/// A scan could not reach the server: the client keeps it, and the screen says so (in Last
/// scans as waiting, and as the last answer); the field is free for the next scan.
pub(crate) fn waiting(
    s: &mut CountSession,
    ctx: &mut Ctx,
    key: String,
    raw: String,
    location: Option<String>,
) -> Vec<Effect> {
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
    clear_answered_entry(ctx);
    Vec::new()
}

/// A waiting scan reached the server: its line gives way to its answer, which follows.
pub(crate) fn waiting_sent(s: &mut CountSession, key: &str) -> Vec<Effect> {
    s.recent.retain(|r| r.waiting.as_deref() != Some(key));
    Vec::new()
}

/// Empties the field after an answer, but only while it still shows a finished entry: answers
/// arrive while the next scan is being typed, and those characters must never be lost.
fn clear_answered_entry(ctx: &mut Ctx) {
    let field = ctx.field();
    if field.is_stale() || field.value().is_empty() {
        ctx.clear_field();
    }
}

/// A scan in the scan loop, read as every client of a count reads its lines
/// ([`read_line`]): a command barcode is done here; anything else goes to the service, which
/// tells a location label from a serial.
pub(crate) fn scan(s: &mut CountSession, ctx: &mut Ctx, value: String) -> Vec<Effect> {
    match read_line(&value, None) {
        CountLine::Blank => Vec::new(),
        CountLine::Command(cmd) => {
            ctx.clear_field();
            command(s, ctx, cmd)
        }
        CountLine::BadCommand(r) => {
            ctx.clear_field();
            bad_command(s, ctx, &value, r.message)
        }
        CountLine::Scan(_) | CountLine::Quantity { .. } | CountLine::NotAQuantity(_) => {
            let raw = ctx.with_gs(&value);
            ask(s, ctx, Queued::Scan(raw))
        }
    }
}

/// A command barcode of the scan loop.
fn command(s: &mut CountSession, ctx: &mut Ctx, cmd: ScanCommand) -> Vec<Effect> {
    match cmd {
        ScanCommand::Finish => leave(s, ctx),
        ScanCommand::Undo => undo(s, ctx),
        ScanCommand::Location => next_is_location(s, ctx),
        ScanCommand::Done => bin_done(s, ctx),
    }
}

/// The command prefix with a word no command has: a bad scan, nothing sent.
fn bad_command(s: &mut CountSession, ctx: &mut Ctx, value: &str, message: String) -> Vec<Effect> {
    let answer = ScanAnswer {
        kind: AnswerKind::Bad,
        headline: words::BAD_SCAN.into(),
        serial: value.trim().to_string(),
        sku: None,
        number: None,
        location: String::new(),
        why: Why::Refused { message },
        figures: None,
    };
    scan_answered(s, ctx, answer)
}

/// Takes back this counter's last scan.
pub(crate) fn undo(s: &mut CountSession, ctx: &mut Ctx) -> Vec<Effect> {
    ask(s, ctx, Queued::Undo)
}

/// The next scan is a location label.
pub(crate) fn next_is_location(s: &mut CountSession, ctx: &mut Ctx) -> Vec<Effect> {
    ask(s, ctx, Queued::NextIsLocation)
}

/// The counter says the bin is counted (a key or the `#TM:DONE` barcode).
pub(crate) fn bin_done(s: &mut CountSession, ctx: &mut Ctx) -> Vec<Effect> {
    if s.location.is_none() && !s.waiting && s.queued.is_empty() {
        return ctx.error(bin_first().message);
    }
    ask(s, ctx, Queued::BinDone)
}

/// The scan was a product counted by quantity: ask how many.
fn ask_qty(ctx: &mut Ctx, sku: String) -> Vec<Effect> {
    clear_answered_entry(ctx);
    ctx.push(Screen::Prompt(
        crate::tui::screens::popups::state::Prompt::CountQty { sku },
    ));
    Vec::new()
}

/// A line typed or scanned while a product's quantity is asked (its prompt is on top), read
/// as every client of a count reads it ([`read_line`]): a quantity goes to the service (which
/// refuses 0), a command barcode leaves the question and is done, anything else is refused
/// and the question stays.
pub(crate) fn count_qty(
    s: &mut CountSession,
    ctx: &mut Ctx,
    sku: String,
    value: &str,
) -> Vec<Effect> {
    match read_line(value, Some(&sku)) {
        CountLine::Blank | CountLine::Scan(_) => Vec::new(),
        CountLine::NotAQuantity(r) => ctx.error(r.message),
        CountLine::Command(cmd) => {
            leave_question(ctx);
            command(s, ctx, cmd)
        }
        CountLine::BadCommand(r) => {
            leave_question(ctx);
            bad_command(s, ctx, value, r.message)
        }
        CountLine::Quantity { sku, qty } => {
            leave_question(ctx);
            vec![requests::qty(s.count.id, s.location.clone(), sku, qty)]
        }
    }
}

/// The quantity's prompt closes.
fn leave_question(ctx: &mut Ctx) {
    if matches!(ctx.top(), Screen::Prompt(_)) {
        ctx.pop();
    }
}

/// The service refused a quantity (0, none at the location...): its words, and the question
/// is asked again, as the command line asks it.
fn qty_refused(ctx: &mut Ctx, sku: String, message: String) -> Vec<Effect> {
    ask_qty(ctx, sku);
    ctx.error_on_top(message)
}

/// A quantity was counted: say it with the running figure.
fn qty_counted(
    s: &mut CountSession,
    ctx: &mut Ctx,
    location: &str,
    sku: &str,
    qty: i32,
    counted: u64,
    expected: Option<i64>,
) -> Vec<Effect> {
    ctx.clear_field();
    // The last scans list it too: a box counted (or taken back) is part of the bin's count.
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
    ctx.good_scan();
    ctx.info(words::qty_counted(sku, qty, location, counted, expected));
    Vec::new()
}

/// A bin was counted: the next bin's label comes next.
fn bin_counted(s: &mut CountSession, ctx: &mut Ctx, location: String, bins: u32) -> Vec<Effect> {
    // The figures' total stays; "here" goes with the location.
    s.location = None;
    s.answer = None;
    ctx.good_scan();
    ctx.info(words::bin_counted(&location, bins));
    Vec::new()
}

/// Fresh figures of the scan loop arrived (from a refresh): shown when the counter is still
/// where they were asked for and nothing of theirs is on the way. An absent expected figure
/// keeps the one shown (a refresh does not walk the stock again).
fn refreshed(
    s: &mut CountSession,
    count: CountId,
    location: Option<String>,
    figures: Figures,
) -> Vec<Effect> {
    if s.count.id == count && s.location == location && !s.waiting && s.queued.is_empty() {
        let expected_here = figures
            .expected_here
            .or(s.figures.and_then(|f| f.expected_here));
        s.count.live = figures.total;
        if location.is_some() {
            s.figures = Some(Figures {
                expected_here,
                ..figures
            });
        } else if let Some(f) = s.figures.as_mut() {
            f.total = figures.total;
        }
    }
    Vec::new()
}

/// Does a step now, or, while the service is still answering the one before, queues it.
fn ask(s: &mut CountSession, ctx: &mut Ctx, step: Queued) -> Vec<Effect> {
    if s.waiting {
        s.queued.push_back(step);
        return Vec::new();
    }
    send(s, ctx, step)
}

/// Does a step: a scan, an undo or a bin done goes to the service (the session waits for its
/// answer), the location command marks the next scan as a label (the location line says
/// "scan new label").
fn send(s: &mut CountSession, ctx: &mut Ctx, step: Queued) -> Vec<Effect> {
    let id = s.count.id;
    let effect = match step {
        Queued::Scan(raw) => {
            let label_only = s.awaiting_location;
            requests::scan(id, s.location.clone(), raw, label_only)
        }
        Queued::Undo => requests::undo(id, s.location.clone()),
        Queued::NextIsLocation => {
            s.awaiting_location = true;
            return Vec::new();
        }
        Queued::BinDone => match s.location.clone() {
            Some(at) => requests::bin_done(id, at),
            None => return ctx.error(bin_first().message),
        },
    };
    s.waiting = true;
    vec![effect]
}

/// The service answered a request of the screen visit `from`: if it was this session's, the
/// next queued step goes out.
pub(crate) fn answered(s: &mut CountSession, ctx: &mut Ctx, from: u64) -> Vec<Effect> {
    if s.visit != from {
        return Vec::new();
    }
    s.waiting = false;
    let mut effects = Vec::new();
    while let Some(step) = s.queued.pop_front() {
        effects.extend(send(s, ctx, step));
        if s.waiting {
            break;
        }
    }
    effects
}

/// Leaves the scan loop for the count list (the count stays open; the session goes with its
/// screen). Scans still queued go to the service first, in order: none is lost.
pub(crate) fn leave(s: &mut CountSession, ctx: &mut Ctx) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !s.queued.is_empty() {
        effects.push(Effect::FlushScans {
            count: s.count.id,
            location: s.location.clone(),
            location_only: s.awaiting_location,
            steps: s.queued.drain(..).collect(),
        });
    }
    if matches!(ctx.top(), Screen::CountScan(_)) {
        ctx.pop();
    }
    effects.push(crate::tui::screens::count_list::requests::load());
    effects
}

/// Joins the count the list took.
pub(crate) fn join(ctx: &mut Ctx, row: CountRow) -> Vec<Effect> {
    let scanning = access::scanning();
    if !ctx.may(scanning) {
        return ctx.error(crate::tui::text::needs_role(scanning));
    }
    if row.status != CountStatus::Open {
        return ctx.error(words::cannot_join(row.id, row.status));
    }
    let id = row.id;
    let mut session = CountSession::new(row);
    // The visit the screen gets: answers to its requests carry it.
    session.visit = ctx.next_visit();
    session.waiting = true;
    ctx.push(Screen::CountScan(session));
    vec![requests::join(id)]
}
