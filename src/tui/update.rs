//! The pure `update`: applies an [`Action`] to the [`AppState`] and returns the [`Effect`]s to
//! run. No I/O, no clock, no terminal. Errors become state (a sticky status line and the bell).

use super::action::{Action, Effect};
use super::app::{visible_entries, AppState, Screen, ScreenId, Status, KEY_HISTORY};
use super::ask::{Choice, Prompt};
use super::count::{AnswerKind, Confirm, CountSession, RecentScan, ScanAnswer, Why, RECENT_KEPT};
use super::keymap::{Command, Context};
use super::keys::{Key, KeyPress};
use super::lookup::{Said, UnitAct, UnitAction, EXTEND_MONTHS};
use super::mismatch::{Details, Fix, ListKind, MismatchSession};
use super::reports::{ReportKind, ReportSession};
use super::scan_field::FieldOutcome;
use super::text;
use super::view;
use crate::config::Terminator;
use crate::domain::count::{ScanCommand, COMMAND_PREFIX};
use crate::domain::reconcile::SurplusReason;
use crate::domain::scan::{decode, ScanConfig};
use crate::domain::{CountStatus, Day};

/// Applies one action. Pure: everything it needs is in `state` and `action`.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(k) => on_key(state, k),
        Action::Resize { width, height } => {
            state.size = (width, height);
            clamp_scroll(state);
            Vec::new()
        }
        Action::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Action::Command(c) => command(state, c),
        Action::ServiceStatus(s) => {
            state.service = Some(s);
            Vec::new()
        }
        Action::Failed(msg) => error(state, text::failed(&msg)),
        Action::Drawn => {
            if let Some(s) = state.status.as_mut() {
                s.shown = true;
            }
            Vec::new()
        }
        Action::CountsLoaded(rows) => {
            state.count_selected = state.count_selected.min(rows.len().saturating_sub(1));
            state.counts = Some(rows);
            Vec::new()
        }
        Action::CountJoined {
            count,
            recent,
            location,
            figures,
        } => {
            if let Some(s) = state
                .count_session
                .as_mut()
                .filter(|s| s.count.id == count.id)
            {
                s.count = count;
                s.recent = recent.into_iter().take(RECENT_KEPT).collect();
                if s.location.is_none() {
                    s.location = location;
                    s.figures = figures;
                }
            }
            Vec::new()
        }
        Action::JoinRefused(msg) => {
            if matches!(state.screen(), Screen::CountScan) {
                pop_screen(state);
            }
            state.count_session = None;
            let mut effects = error(state, msg);
            effects.push(Effect::LoadCounts);
            effects
        }
        Action::LocationSet { code, figures } => {
            let Some(s) = state.count_session.as_mut() else {
                return Vec::new();
            };
            s.location = Some(code.clone());
            s.awaiting_location = false;
            s.figures = Some(figures);
            s.answer = None;
            state.field.clear();
            good_scan(state);
            info(state, text::location_set(&code));
            Vec::new()
        }
        Action::CountRefused(msg) => error(state, msg),
        Action::ScanAnswered(answer) => scan_answered(state, answer),
        Action::CountMoved { count, status } => {
            state.status = None;
            info(state, text::count_moved(count, status));
            vec![Effect::LoadCounts]
        }
        Action::MismatchesLoaded(data) => {
            let page = view::mismatch_page(state);
            if let Some(s) = state
                .mismatch
                .as_mut()
                .filter(|s| s.count == data.m.count.id)
            {
                s.load(data, page);
            }
            Vec::new()
        }
        Action::MismatchesRefused(msg) => {
            leave_mismatches(state);
            let mut effects = error(state, msg);
            effects.push(Effect::LoadCounts);
            effects
        }
        Action::FixDone(msg) => {
            while matches!(
                state.screen(),
                Screen::Prompt(_)
                    | Screen::Choose(_)
                    | Screen::MismatchDetails
                    | Screen::Confirm(_)
            ) {
                pop_screen(state);
            }
            if let Some(s) = state.mismatch.as_mut() {
                s.details = None;
            }
            if state.has_error() {
                state.status = None;
            }
            info(state, msg);
            match &state.mismatch {
                Some(s) => vec![Effect::LoadMismatches { count: s.count }],
                None => Vec::new(),
            }
        }
        Action::FixRefused(msg) => error(state, msg),
        Action::CountPosted(count) => {
            leave_mismatches(state);
            state.status = None;
            info(state, text::count_moved(count, CountStatus::Posted));
            vec![Effect::LoadCounts]
        }
        Action::LookedUp { serial, units } => looked_up(state, serial, units),
        Action::Acted(msg) => acted(state, msg),
        Action::ActRefused(msg) => {
            if let Some(l) = state.lookup.as_mut() {
                l.said = Some(Said {
                    text: msg.clone(),
                    refused: true,
                });
            }
            error(state, msg)
        }
        Action::ReportLoaded { kind, date, rows } => {
            if matches!(state.screen(), Screen::Prompt(Prompt::Customer)) {
                pop_screen(state);
            }
            if state.has_error() {
                state.status = None;
            }
            state.report = Some(ReportSession {
                kind,
                date,
                rows,
                scroll: 0,
            });
            if !matches!(state.screen(), Screen::Report) {
                push_screen(state, Screen::Report);
            }
            Vec::new()
        }
        Action::ReportRefused(msg) => error(state, msg),
        Action::DetailsLoaded { serial, unit } => {
            if let Some(d) = state
                .mismatch
                .as_mut()
                .and_then(|s| s.details.as_mut())
                .filter(|d| d.serial == serial)
            {
                d.unit = unit;
                d.loaded = true;
            }
            Vec::new()
        }
    }
}

/// The lookup's answer: one unit is shown, several products ask which, none is an error.
fn looked_up(
    state: &mut AppState,
    serial: String,
    units: Vec<super::lookup::Found>,
) -> Vec<Effect> {
    let Some(l) = state.lookup.as_mut() else {
        return Vec::new();
    };
    // A refresh after an action shows the same product again.
    if let Some(i) = l
        .keep
        .take()
        .and_then(|p| units.iter().position(|f| f.unit.unit.product == p))
    {
        l.show(units, i);
        return Vec::new();
    }
    match units.len() {
        0 => {
            l.shown = None;
            l.also = Vec::new();
            l.scroll = 0;
            l.unknown = Some(serial.clone());
            error(state, text::unknown_serial(&serial))
        }
        1 => {
            l.show(units, 0);
            state.field.clear();
            good_scan(state);
            Vec::new()
        }
        _ => {
            let options = units
                .iter()
                .map(|f| format!("{} {}", f.unit.product.sku, f.unit.product.name))
                .collect();
            l.pending = units;
            state.field.clear();
            good_scan(state);
            push_screen(state, Screen::Choose(Choice::Product { serial, options }));
            Vec::new()
        }
    }
}

/// A warranty or repair action was recorded: back to the lookup, say what was done, and
/// look the unit up again (the same product, also for a shared serial).
fn acted(state: &mut AppState, msg: String) -> Vec<Effect> {
    while matches!(
        state.screen(),
        Screen::Prompt(_) | Screen::Choose(_) | Screen::Confirm(_)
    ) {
        pop_screen(state);
    }
    if state.has_error() {
        state.status = None;
    }
    info(state, msg.clone());
    let Some(l) = state.lookup.as_mut() else {
        return Vec::new();
    };
    l.said = Some(Said {
        text: msg,
        refused: false,
    });
    match l.shown_unit() {
        Some((serial, product)) => {
            l.keep = Some(product);
            vec![Effect::Lookup {
                serial,
                date: Day::from_date(state.now.date()),
            }]
        }
        None => Vec::new(),
    }
}

/// The actions key on the lookup screen: the numbered actions that apply to the unit shown.
fn unit_actions(state: &mut AppState) -> Vec<Effect> {
    let Some(f) = state.lookup.as_ref().and_then(|l| l.shown.as_ref()) else {
        return error(state, text::SCAN_FIRST.into());
    };
    let choice = Choice::Actions {
        serial: f.unit.unit.serial.to_string(),
        actions: super::lookup::actions_for(&f.unit),
    };
    push_screen(state, Screen::Choose(choice));
    Vec::new()
}

/// A scan on the lookup screen.
fn lookup_scan(state: &mut AppState, value: String) -> Vec<Effect> {
    if let Some(l) = state.lookup.as_mut() {
        l.said = None;
        l.keep = None;
    }
    match scan_serial(state, &value) {
        Ok(serial) => vec![Effect::Lookup {
            serial,
            date: Day::from_date(state.now.date()),
        }],
        Err(e) => error(state, e),
    }
}

/// Leaves the mismatch screens for the count picker.
fn leave_mismatches(state: &mut AppState) {
    while matches!(
        state.screen(),
        Screen::Mismatches
            | Screen::MismatchDetails
            | Screen::Prompt(_)
            | Screen::Choose(_)
            | Screen::Confirm(_)
    ) {
        pop_screen(state);
    }
    state.mismatch = None;
}

/// A good scan clears the status line, but an error only once it has been on screen: in a
/// burst drawn as one frame, an error followed by good scans still shows.
fn good_scan(state: &mut AppState) {
    if state.status.as_ref().is_none_or(|s| !s.error || s.shown) {
        state.status = None;
    }
}

/// A scan's (or an undo's) answer arrived: show it, keep the figures, list it.
fn scan_answered(state: &mut AppState, answer: ScanAnswer) -> Vec<Effect> {
    let Some(s) = state.count_session.as_mut() else {
        return Vec::new();
    };
    if let Some(f) = answer.figures {
        s.figures = Some(f);
    }
    let kind = answer.kind;
    if kind.recorded() {
        if let Some(number) = answer.number {
            s.recent.push_front(RecentScan {
                number,
                serial: answer.serial.clone(),
                sku: answer.sku.clone(),
                location: answer.location.clone(),
                kind,
            });
            s.recent.truncate(RECENT_KEPT);
        }
    }
    if kind == AnswerKind::Undone {
        s.recent.retain(|r| Some(r.number) != answer.number);
        if let Some(f) = s.figures.as_mut().filter(|_| answer.figures.is_none()) {
            f.total = f.total.saturating_sub(1);
        }
    }
    let headline = answer.headline.clone();
    s.answer = Some(answer);
    if kind.recorded() || kind == AnswerKind::Undone {
        // Saved: the answer shows the serial, the field is ready for the next scan. A bad
        // scan stays in the field so a typing mistake can be corrected.
        state.field.clear();
    }
    if kind.ok() {
        good_scan(state);
        Vec::new()
    } else {
        error(state, headline)
    }
}

/// Shows a sticky error and rings the bell (if configured).
fn error(state: &mut AppState, msg: String) -> Vec<Effect> {
    state.status = Some(Status {
        text: msg,
        error: true,
        shown: false,
    });
    if state.config.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}

/// Shows an informational message unless an error is showing.
fn info(state: &mut AppState, msg: String) {
    if !state.has_error() {
        state.status = Some(Status {
            text: msg,
            error: false,
            shown: false,
        });
    }
}

fn on_key(state: &mut AppState, k: KeyPress) -> Vec<Effect> {
    state.last_keys.push_front(k);
    state.last_keys.truncate(KEY_HISTORY);
    // Information lasts one key; errors stay.
    if state.status.as_ref().is_some_and(|s| !s.error) {
        state.status = None;
    }
    let ctx = state.context();
    if state.screen().has_scan_field() {
        scan_key(state, ctx, k)
    } else {
        plain_key(state, ctx, k)
    }
}

fn scan_key(state: &mut AppState, ctx: Context, k: KeyPress) -> Vec<Effect> {
    match state.field.handle_key(&k, &state.config.scan_terminators) {
        FieldOutcome::Edited | FieldOutcome::Swallowed => Vec::new(),
        FieldOutcome::Submitted(v) => submitted(state, ctx, v),
        FieldOutcome::NotMine => match state.keymap.command_for_key(ctx, &k) {
            Some(c) => command(state, c),
            None => Vec::new(),
        },
    }
}

fn submitted(state: &mut AppState, ctx: Context, value: String) -> Vec<Effect> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        // Enter on an empty field acknowledges an error.
        if state.has_error() {
            state.status = None;
        }
        return Vec::new();
    }
    if trimmed.starts_with('/') {
        let code = trimmed.to_string();
        state.field.clear();
        return run_code(state, ctx, &code);
    }
    scan(state, value)
}

/// A scan (or typed entry) arrived on the current screen.
fn scan(state: &mut AppState, value: String) -> Vec<Effect> {
    match state.screen() {
        Screen::Diagnostics { .. } => {
            state.status = None;
            info(state, text::scan_read(value.chars().count()));
            state.last_scan = Some(value);
            Vec::new()
        }
        Screen::CountScan => count_scan(state, value),
        Screen::Prompt(p) => {
            let p = p.clone();
            prompt_answer(state, p, value)
        }
        Screen::Lookup => lookup_scan(state, value),
        _ => Vec::new(),
    }
}

/// The serial a scanned or typed text stands for: GS1 (21), an IMEI, or the text itself.
fn scan_serial(state: &AppState, value: &str) -> Result<String, String> {
    let cfg = ScanConfig {
        gs_substitute: state.config.gs_substitute,
        ..ScanConfig::default()
    };
    let decoded = decode(value, &cfg).map_err(|e| e.to_string())?;
    decoded
        .key()
        .map(str::to_string)
        .ok_or_else(|| text::no_serial_in(value.trim()))
}

/// Asks the runner to record a fix on the open count.
fn fix(state: &AppState, fix: Fix) -> Vec<Effect> {
    match &state.mismatch {
        Some(s) => vec![Effect::Fix {
            count: s.count,
            fix,
        }],
        None => Vec::new(),
    }
}

/// An answer typed or scanned into a prompt.
fn prompt_answer(state: &mut AppState, prompt: Prompt, value: String) -> Vec<Effect> {
    let serial = |state: &mut AppState, v: &str| match scan_serial(state, v) {
        Ok(s) => Ok(s),
        Err(e) => Err(error(state, e)),
    };
    match prompt {
        Prompt::ReplaceBy { found } => match serial(state, &value) {
            Ok(missing) => fix(state, Fix::Replace { found, missing }),
            Err(e) => e,
        },
        Prompt::FoundAs { missing } => match serial(state, &value) {
            Ok(found) => fix(state, Fix::Replace { found, missing }),
            Err(e) => e,
        },
        Prompt::Product { serial } => fix(
            state,
            Fix::ReceiveFound {
                serial,
                product: Some(value.trim().to_string()),
            },
        ),
        Prompt::Note { serial } => fix(
            state,
            Fix::Accept {
                serial,
                note: value.trim().to_string(),
            },
        ),
        Prompt::Find => match serial(state, &value) {
            Ok(s) => find_serial(state, &s, true),
            Err(e) => e,
        },
        Prompt::RepairNote { serial } => vec![Effect::Act(UnitAct::RepairIntake {
            serial,
            note: value.trim().to_string(),
        })],
        Prompt::NewSerial { old } => match serial(state, &value) {
            Ok(new) => {
                push_screen(state, Screen::Confirm(Confirm::Replace { old, new }));
                Vec::new()
            }
            Err(e) => e,
        },
        Prompt::Customer => vec![Effect::LoadReport {
            kind: ReportKind::Customer {
                name: value.trim().to_string(),
            },
            date: Day::from_date(state.now.date()),
        }],
    }
}

/// Goes to a serial's row; from the find prompt, the prompt closes when it is found.
fn find_serial(state: &mut AppState, serial: &str, from_prompt: bool) -> Vec<Effect> {
    let page = view::mismatch_page(state);
    let Some(s) = state.mismatch.as_mut() else {
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
            info(state, text::found_in(serial, list));
            Vec::new()
        }
        None => error(state, text::not_a_mismatch(serial, id)),
    }
}

/// A scan in the scan loop: a command barcode is done here; anything else goes to the
/// service, which tells a location label from a serial.
fn count_scan(state: &mut AppState, value: String) -> Vec<Effect> {
    if let Some(cmd) = ScanCommand::parse(&value, COMMAND_PREFIX) {
        state.field.clear();
        return match cmd {
            Ok(ScanCommand::Finish) => leave_count(state),
            Ok(ScanCommand::Undo) => undo_scan(state),
            Ok(ScanCommand::Location) => next_is_location(state),
            Err(e) => {
                let answer = ScanAnswer {
                    kind: AnswerKind::Bad,
                    headline: text::BAD_SCAN.into(),
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
    let Some(s) = &state.count_session else {
        return Vec::new();
    };
    // A typed stand-in for GS (hand-typed GS1 data) becomes the real separator.
    let raw = match state.config.gs_substitute {
        Some(sub) => value.replace(sub, "\u{1d}"),
        None => value,
    };
    vec![Effect::CountInput {
        count: s.count.id,
        location: s.location.clone(),
        raw,
        location_only: s.awaiting_location,
    }]
}

fn undo_scan(state: &mut AppState) -> Vec<Effect> {
    match &state.count_session {
        Some(s) => vec![Effect::UndoScan {
            count: s.count.id,
            location: s.location.clone(),
        }],
        None => Vec::new(),
    }
}

fn next_is_location(state: &mut AppState) -> Vec<Effect> {
    // The location line says "scan new label".
    if let Some(s) = state.count_session.as_mut() {
        s.awaiting_location = true;
    }
    Vec::new()
}

/// Leaves the scan loop for the count list (the count stays open).
fn leave_count(state: &mut AppState) -> Vec<Effect> {
    if matches!(state.screen(), Screen::CountScan) {
        pop_screen(state);
    }
    state.count_session = None;
    vec![Effect::LoadCounts]
}

/// Joins the count on line `index` of the list.
fn join_count(state: &mut AppState, index: usize) -> Vec<Effect> {
    let Some(row) = state.counts.as_ref().and_then(|c| c.get(index)).cloned() else {
        return Vec::new();
    };
    state.count_selected = index;
    if row.status != CountStatus::Open {
        return error(state, text::cannot_join(row.id, row.status));
    }
    let id = row.id;
    state.count_session = Some(CountSession::new(row));
    push_screen(state, Screen::CountScan);
    vec![Effect::JoinCount { count: id }]
}

fn selected_count(state: &AppState) -> Option<&super::count::CountRow> {
    state.counts.as_ref()?.get(state.count_selected)
}

fn run_code(state: &mut AppState, ctx: Context, code: &str) -> Vec<Effect> {
    match state.keymap.command_for_code(ctx, code) {
        Some(c) => {
            if state.has_error() {
                state.status = None;
            }
            command(state, c)
        }
        // A serial scanned on the mismatch screen (one that starts with a letter: digits are
        // fixes there) goes to its row.
        None if matches!(state.screen(), Screen::Mismatches) && !code.starts_with('/') => {
            match scan_serial(state, code) {
                Ok(serial) => find_serial(state, &serial, false),
                Err(e) => error(state, e),
            }
        }
        None => error(state, text::unknown_code(code)),
    }
}

fn ends_entry(state: &AppState, k: &KeyPress) -> bool {
    let t = &state.config.scan_terminators;
    if k.is_line_feed() {
        return t.contains(&Terminator::Lf);
    }
    if k.ctrl || k.alt {
        return false;
    }
    match k.key {
        Key::Enter => t.contains(&Terminator::Enter) || t.contains(&Terminator::CrLf),
        Key::Tab => t.contains(&Terminator::Tab),
        _ => false,
    }
}

fn plain_key(state: &mut AppState, ctx: Context, k: KeyPress) -> Vec<Effect> {
    // A typed code in progress takes printable keys until a terminator.
    if let Some(code) = state.code.as_mut() {
        if let Some(c) = k.printable() {
            code.push(c);
            return Vec::new();
        }
        if k.is_backspace() {
            code.pop();
            if code.is_empty() {
                state.code = None;
            }
            return Vec::new();
        }
        if ends_entry(state, &k) {
            let code = state.code.take().unwrap_or_default();
            return run_code(state, ctx, &code);
        }
        // Any other key drops the code and counts as itself.
        state.code = None;
    }
    if k == KeyPress::plain(Key::Enter) && state.has_error() {
        state.status = None;
        return Vec::new();
    }
    if let Some(c) = state.keymap.command_for_key(ctx, &k) {
        return command(state, c);
    }
    match (state.screen(), k.printable()) {
        (Screen::Menu, Some(d @ '0'..='9')) => return open_number(state, d),
        (Screen::CountList, Some(d @ '1'..='9')) => {
            let i = (d as u8 - b'1') as usize;
            if state.counts.as_ref().is_some_and(|c| i < c.len()) {
                return join_count(state, i);
            }
            return error(state, text::no_count_line(d));
        }
        (Screen::MismatchCounts, Some(d @ '1'..='9')) => {
            let i = (d as u8 - b'1') as usize;
            if state.counts.as_ref().is_some_and(|c| i < c.len()) {
                return open_mismatches(state, i);
            }
            return error(state, text::no_count_line(d));
        }
        (Screen::Confirm(c), Some(d @ ('1' | '2'))) => {
            let c = c.clone();
            pop_screen(state);
            return match (d, c) {
                ('1', Confirm::CancelCount { id, .. }) => vec![Effect::MoveCount {
                    count: id,
                    status: CountStatus::Cancelled,
                }],
                ('1', Confirm::PostCount { id, .. }) => vec![Effect::PostCount { count: id }],
                ('1', Confirm::Replace { old, new }) => {
                    vec![Effect::Act(UnitAct::Replace { old, new })]
                }
                // No: the new serial's prompt closes too.
                (_, Confirm::Replace { .. }) => {
                    if matches!(state.screen(), Screen::Prompt(Prompt::NewSerial { .. })) {
                        pop_screen(state);
                    }
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        (Screen::Choose(c), Some(d @ '1'..='9')) => {
            let c = c.clone();
            return choose(state, c, d);
        }
        (Screen::KeymapErrors { .. }, _) if k == KeyPress::plain(Key::Enter) => {
            return pop_screen(state);
        }
        _ => {}
    }
    if let Some(c) = k.printable() {
        state.code = Some(c.to_string());
    }
    Vec::new()
}

fn open_number(state: &mut AppState, digit: char) -> Vec<Effect> {
    let entries = visible_entries();
    let n = digit as u8 - b'0';
    match entries.iter().position(|e| e.number == n) {
        Some(i) => {
            state.menu_selected = i;
            open_entry(state, entries[i].id)
        }
        None => error(state, text::no_menu_entry(digit)),
    }
}

fn push_screen(state: &mut AppState, screen: Screen) {
    state.code = None;
    if screen.has_scan_field() {
        state.field.clear();
    }
    state.screens.push(screen);
}

fn pop_screen(state: &mut AppState) -> Vec<Effect> {
    state.code = None;
    if state.screens.len() > 1 {
        // The field belongs to the screen that has one: leaving help keeps what is in it.
        if state.screens.pop().is_some_and(|s| s.has_scan_field()) {
            state.field.clear();
        }
    }
    Vec::new()
}

fn open_entry(state: &mut AppState, id: ScreenId) -> Vec<Effect> {
    match id {
        ScreenId::Diagnostics => {
            state.service = None;
            push_screen(state, Screen::Diagnostics { scroll: 0 });
            vec![Effect::ProbeService]
        }
        ScreenId::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        ScreenId::Count => {
            state.counts = None;
            push_screen(state, Screen::CountList);
            vec![Effect::LoadCounts]
        }
        ScreenId::Mismatches => {
            state.counts = None;
            push_screen(state, Screen::MismatchCounts);
            vec![Effect::LoadCounts]
        }
        ScreenId::Lookup => {
            state.lookup = Some(super::lookup::LookupSession::default());
            push_screen(state, Screen::Lookup);
            Vec::new()
        }
        ScreenId::Reports => {
            let days = state.config.expiring_soon_days;
            push_screen(state, Screen::Choose(Choice::Report { days }));
            Vec::new()
        }
        _ => error(state, text::NOT_AVAILABLE.into()),
    }
}

fn command(state: &mut AppState, c: Command) -> Vec<Effect> {
    match c {
        Command::Help => {
            if !matches!(state.screen(), Screen::Help { .. }) {
                let context = state.context();
                push_screen(state, Screen::Help { context, scroll: 0 });
            }
            Vec::new()
        }
        Command::Back => match state.screen() {
            Screen::Menu => {
                let quit = state
                    .keymap
                    .hint(Context::Menu, Command::Quit)
                    .unwrap_or_else(|| "0".into());
                info(state, text::menu_back_hint(&quit));
                Vec::new()
            }
            Screen::CountScan => leave_count(state),
            Screen::Mismatches => {
                leave_mismatches(state);
                vec![Effect::LoadCounts]
            }
            Screen::MismatchDetails => {
                if let Some(s) = state.mismatch.as_mut() {
                    s.details = None;
                }
                pop_screen(state)
            }
            Screen::Lookup => {
                state.lookup = None;
                pop_screen(state)
            }
            Screen::Report => {
                state.report = None;
                pop_screen(state)
            }
            _ => pop_screen(state),
        },
        Command::Redraw => match state.screen() {
            // Repainting the list also brings its figures up to date.
            Screen::CountList | Screen::MismatchCounts => vec![Effect::Redraw, Effect::LoadCounts],
            Screen::Mismatches => match &state.mismatch {
                Some(s) => vec![Effect::Redraw, Effect::LoadMismatches { count: s.count }],
                None => vec![Effect::Redraw],
            },
            _ => vec![Effect::Redraw],
        },
        Command::Quit => {
            if matches!(state.screen(), Screen::Menu) {
                state.quit = true;
                vec![Effect::Quit]
            } else {
                pop_screen(state)
            }
        }
        Command::Select => match state.screen() {
            Screen::Menu => {
                let entries = visible_entries();
                match entries.get(state.menu_selected) {
                    Some(e) => open_entry(state, e.id),
                    None => Vec::new(),
                }
            }
            Screen::CountList => {
                let i = state.count_selected;
                join_count(state, i)
            }
            Screen::MismatchCounts => {
                let i = state.count_selected;
                open_mismatches(state, i)
            }
            _ => Vec::new(),
        },
        Command::Review => match selected_count(state).map(|r| (r.id, r.status)) {
            Some((id, CountStatus::Open)) => vec![Effect::MoveCount {
                count: id,
                status: CountStatus::Review,
            }],
            Some((id, status)) => error(state, text::already(id, status)),
            None => Vec::new(),
        },
        Command::CancelCount => match selected_count(state) {
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
        Command::Finish if matches!(state.screen(), Screen::CountScan) => leave_count(state),
        Command::UndoLast if matches!(state.screen(), Screen::CountScan) => undo_scan(state),
        Command::SetLocation if matches!(state.screen(), Screen::CountScan) => {
            next_is_location(state)
        }
        Command::Up => move_by(state, -1),
        Command::Down => move_by(state, 1),
        Command::PageUp => {
            let page = page_size(state);
            move_by(state, -page)
        }
        Command::PageDown => {
            let page = page_size(state);
            move_by(state, page)
        }
        Command::ClearField => {
            state.field.clear();
            Vec::new()
        }
        Command::ReplaceSerial
        | Command::Relocate
        | Command::ReceiveFound
        | Command::WriteOff
        | Command::Accept
        | Command::Details
        | Command::NextList
        | Command::UndoFix
        | Command::Post
        | Command::Find
            if matches!(state.screen(), Screen::Mismatches | Screen::MismatchDetails) =>
        {
            mismatch_command(state, c)
        }
        Command::Actions if matches!(state.screen(), Screen::Lookup) => unit_actions(state),
        Command::Finish
        | Command::UndoLast
        | Command::SetLocation
        | Command::ReplaceSerial
        | Command::Relocate
        | Command::ReceiveFound
        | Command::WriteOff
        | Command::Accept
        | Command::Details
        | Command::NextList
        | Command::UndoFix
        | Command::Post
        | Command::Find
        | Command::Actions => error(state, text::NOT_AVAILABLE.into()),
    }
}

/// Opens the mismatches of the count on line `index` of the picker.
fn open_mismatches(state: &mut AppState, index: usize) -> Vec<Effect> {
    let Some(row) = state.counts.as_ref().and_then(|c| c.get(index)).cloned() else {
        return Vec::new();
    };
    state.count_selected = index;
    state.mismatch = Some(MismatchSession::new(row.id, row.name.clone()));
    push_screen(state, Screen::Mismatches);
    vec![Effect::LoadMismatches { count: row.id }]
}

/// A fix (or another command of the mismatch context) on the marked row.
fn mismatch_command(state: &mut AppState, c: Command) -> Vec<Effect> {
    let Some(s) = state.mismatch.as_ref() else {
        return Vec::new();
    };
    if s.data.is_none() {
        // Nothing to act on before the picture is there.
        return Vec::new();
    }
    let list = s.list;
    let wrong = |state: &mut AppState| error(state, text::fix_not_here(c));
    match c {
        Command::NextList => {
            if matches!(state.screen(), Screen::MismatchDetails) {
                return Vec::new();
            }
            if let Some(s) = state.mismatch.as_mut() {
                s.list = s.list.next();
                s.refresh_suggestions();
            }
            Vec::new()
        }
        Command::Find => {
            push_screen(state, Screen::Prompt(Prompt::Find));
            Vec::new()
        }
        Command::Post => {
            let open = s.open().unwrap_or(0);
            if open > 0 {
                return error(state, text::open_left(open));
            }
            let confirm = Confirm::PostCount {
                id: s.count,
                name: s.name.clone(),
            };
            push_screen(state, Screen::Confirm(confirm));
            Vec::new()
        }
        Command::UndoFix => {
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
                Some(number) => vec![Effect::UndoFix {
                    count: s.count,
                    number,
                }],
                None => error(state, text::NOTHING_TO_UNDO.into()),
            }
        }
        Command::Details => {
            if matches!(state.screen(), Screen::MismatchDetails) {
                return Vec::new();
            }
            let (serial, product) = match (s.shortage(), s.surplus()) {
                (Some(r), _) => (r.serial.to_string(), Some(r.product)),
                (_, Some(r)) => (r.serial.to_string(), r.product),
                _ if list == ListKind::Fixed => return wrong(state),
                _ => return error(state, text::NO_ROW.into()),
            };
            let row = s.current().selected_row().unwrap_or(0);
            if let Some(s) = state.mismatch.as_mut() {
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
            vec![Effect::UnitDetails { serial, product }]
        }
        Command::ReplaceSerial => match (s.shortage(), s.surplus()) {
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
            _ => error(state, text::NO_ROW.into()),
        },
        Command::Relocate => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if !matches!(r.reason, SurplusReason::Elsewhere { .. }) {
                    return error(state, text::not_elsewhere(&serial));
                }
                fix(state, Fix::Relocate { serial })
            }
            None if list == ListKind::Surplus => error(state, text::NO_ROW.into()),
            None => wrong(state),
        },
        Command::ReceiveFound => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if r.reason != SurplusReason::Unknown {
                    return error(state, text::not_unknown(&serial));
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
            None if list == ListKind::Surplus => error(state, text::NO_ROW.into()),
            None => wrong(state),
        },
        Command::WriteOff => match s.shortage() {
            Some(r) => {
                let serial = r.serial.to_string();
                push_screen(state, Screen::Choose(Choice::WriteOffReason { serial }));
                Vec::new()
            }
            None if list == ListKind::Short => error(state, text::NO_ROW.into()),
            None => wrong(state),
        },
        Command::Accept => match (s.marked_serial(), &s.data) {
            (Some(serial), Some(d)) => {
                if d.accepted(serial) {
                    return error(state, text::accepted_already(serial.as_str()));
                }
                let serial = serial.to_string();
                push_screen(state, Screen::Choose(Choice::AcceptNote { serial }));
                Vec::new()
            }
            _ if list == ListKind::Fixed => wrong(state),
            _ => error(state, text::NO_ROW.into()),
        },
        _ => Vec::new(),
    }
}

/// A digit on a numbered choice.
fn choose(state: &mut AppState, c: Choice, d: char) -> Vec<Effect> {
    let options = text::choice_options(&c);
    let i = (d as u8 - b'1') as usize;
    let Some(option) = options.get(i) else {
        return error(state, text::no_option(d));
    };
    pop_screen(state);
    match c {
        Choice::Product { .. } => {
            if let Some(l) = state.lookup.as_mut() {
                let units = std::mem::take(&mut l.pending);
                l.show(units, i);
            }
            Vec::new()
        }
        Choice::WriteOffReason { serial } => fix(
            state,
            Fix::WriteOff {
                serial,
                reason: option.to_string(),
            },
        ),
        Choice::AcceptNote { serial } if i + 1 == options.len() => {
            push_screen(state, Screen::Prompt(Prompt::Note { serial }));
            Vec::new()
        }
        Choice::AcceptNote { serial } => fix(
            state,
            Fix::Accept {
                serial,
                note: option.to_string(),
            },
        ),
        Choice::Actions { serial, actions } => match actions.get(i) {
            Some(UnitAction::Activate) => vec![Effect::Act(UnitAct::Activate { serial })],
            Some(UnitAction::Extend) => {
                push_screen(state, Screen::Choose(Choice::ExtendBy { serial }));
                Vec::new()
            }
            Some(UnitAction::RepairIntake) => {
                push_screen(state, Screen::Prompt(Prompt::RepairNote { serial }));
                Vec::new()
            }
            Some(UnitAction::RepairClose) => vec![Effect::Act(UnitAct::RepairClose { serial })],
            Some(UnitAction::Replace) => {
                push_screen(state, Screen::Prompt(Prompt::NewSerial { old: serial }));
                Vec::new()
            }
            None => Vec::new(),
        },
        Choice::ExtendBy { serial } => match EXTEND_MONTHS.get(i) {
            Some(&months) => vec![Effect::Act(UnitAct::Extend { serial, months })],
            None => Vec::new(),
        },
        Choice::Report { days } => {
            // The list of reports stays under the report (back returns to it).
            push_screen(state, Screen::Choose(Choice::Report { days }));
            let kind = match i {
                0 => ReportKind::Expiring { days },
                1 => ReportKind::Tracking,
                _ => {
                    push_screen(state, Screen::Prompt(Prompt::Customer));
                    return Vec::new();
                }
            };
            vec![Effect::LoadReport {
                kind,
                date: Day::from_date(state.now.date()),
            }]
        }
    }
}

fn page_size(state: &AppState) -> isize {
    (view::scroll_rows(state) as isize - 1).max(1)
}

fn move_by(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let max = view::max_scroll(state);
    if matches!(state.screen(), Screen::Mismatches) {
        let page = view::mismatch_page(state);
        if let Some(s) = state.mismatch.as_mut() {
            let list = s.list;
            s.view_mut(list).move_by(delta, page);
            s.refresh_suggestions();
        }
        return Vec::new();
    }
    if matches!(state.screen(), Screen::MismatchDetails) {
        if let Some(d) = state.mismatch.as_mut().and_then(|s| s.details.as_mut()) {
            d.scroll = (d.scroll as isize + delta).clamp(0, max as isize) as usize;
        }
        return Vec::new();
    }
    if matches!(state.screen(), Screen::Lookup) {
        if let Some(l) = state.lookup.as_mut() {
            l.scroll = (l.scroll as isize + delta).clamp(0, max as isize) as usize;
        }
        return Vec::new();
    }
    if matches!(state.screen(), Screen::Report) {
        if let Some(r) = state.report.as_mut() {
            r.scroll = (r.scroll as isize + delta).clamp(0, max as isize) as usize;
        }
        return Vec::new();
    }
    if matches!(state.screen(), Screen::CountList | Screen::MismatchCounts) {
        let n = state.counts.as_ref().map_or(0, Vec::len) as isize;
        if n > 0 {
            let i = state.count_selected as isize;
            let next = if delta.abs() == 1 {
                (i + delta).rem_euclid(n)
            } else {
                (i + delta).clamp(0, n - 1)
            };
            state.count_selected = next as usize;
        }
        return Vec::new();
    }
    match state.screens.last_mut() {
        Some(
            Screen::CountList
            | Screen::CountScan
            | Screen::Confirm(_)
            | Screen::MismatchCounts
            | Screen::Mismatches
            | Screen::MismatchDetails
            | Screen::Choose(_)
            | Screen::Prompt(_)
            | Screen::Lookup
            | Screen::Report,
        ) => {}
        Some(Screen::Menu) | None => {
            let n = visible_entries().len() as isize;
            if n > 0 {
                let i = state.menu_selected as isize;
                let next = if delta.abs() == 1 {
                    (i + delta).rem_euclid(n)
                } else {
                    (i + delta).clamp(0, n - 1)
                };
                state.menu_selected = next as usize;
            }
        }
        Some(
            Screen::Help { scroll, .. }
            | Screen::Diagnostics { scroll }
            | Screen::KeymapErrors { scroll },
        ) => {
            *scroll = (*scroll as isize + delta).clamp(0, max as isize) as usize;
        }
    }
    Vec::new()
}

fn clamp_scroll(state: &mut AppState) {
    let max = view::max_scroll(state);
    let page = view::mismatch_page(state);
    if let Some(s) = state.mismatch.as_mut() {
        for kind in ListKind::ALL {
            s.view_mut(kind).scroll_into_view(page);
        }
    }
    if matches!(state.screen(), Screen::MismatchDetails) {
        if let Some(d) = state.mismatch.as_mut().and_then(|s| s.details.as_mut()) {
            d.scroll = d.scroll.min(max);
        }
    }
    if matches!(state.screen(), Screen::Lookup) {
        if let Some(l) = state.lookup.as_mut() {
            l.scroll = l.scroll.min(max);
        }
    }
    if matches!(state.screen(), Screen::Report) {
        if let Some(r) = state.report.as_mut() {
            r.scroll = r.scroll.min(max);
        }
    }
    if let Some(
        Screen::Help { scroll, .. }
        | Screen::Diagnostics { scroll }
        | Screen::KeymapErrors { scroll },
    ) = state.screens.last_mut()
    {
        *scroll = (*scroll).min(max);
    }
}
