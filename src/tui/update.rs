//! The pure `update`: applies an [`Action`] to the [`AppState`] and returns the [`Effect`]s to
//! run. No I/O, no clock, no terminal. Errors become state (a sticky status line and the bell).
//! Here is the dispatch to the screens (keys, scans and commands to the top screen's
//! [`ScreenKind`]; a service reply or a screen's message goes whole to `screens::replied` /
//! `screens::deliver`, which hand it to the screen it is for) and what all screens share:
//! help, back, redraw, moving, typed codes, the status line, resize and the time. Each
//! screen's own part is in its folder under `screens`.

use super::action::{Action, Effect};
use super::app::{AppState, Screen, KEY_HISTORY};
use super::keymap::{Context, KeyCommand};
use super::keys::{Key, KeyPress};
use super::nav::{error, pop_screen, push_screen};
use super::scan_field::FieldOutcome;
use super::screens::{self, count_list, count_scan};
use super::text;
use super::view;
use crate::config::Terminator;

/// Applies one action. Pure: everything it needs is in `state` and `action`. Counts the
/// service effects it asks for as pending until their [`Action::Answered`] comes back.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    let was_down = state.live.link_down.is_some();
    let mut effects = apply(state, action);
    if !was_down && state.live.link_down.is_some() {
        // The link went down: the scan loop hears it as its own message.
        let lost = screens::ScreenMsg::CountScan(count_scan::requests::Msg::LinkLost);
        effects.extend(screens::deliver(state, lost));
    }
    state.pending += effects
        .iter()
        .filter(|e| !e.is_terminal() && !matches!(e, Effect::Poll))
        .count();
    effects
}

/// Is the terminal below the size the screens need (only "screen too small" shows)?
fn too_small(state: &AppState) -> bool {
    crate::tui::view::too_small(state.size.0, state.size.1)
}

/// The answers to one service effect: applied if the screen that asked is still on the
/// stack, dropped if the user has left it.
fn answered(state: &mut AppState, from: u64, actions: Vec<Action>) -> Vec<Effect> {
    // A poll's answer is applied wherever the user is (it says whether the service is there).
    if let [Action::Polled(_) | Action::AccessRefused(_)] = actions.as_slice() {
        let mut effects = Vec::new();
        for a in actions {
            effects.extend(apply(state, a));
        }
        return effects;
    }
    state.pending = state.pending.saturating_sub(1);
    if !state.on_stack(from) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    // What the answer says belongs to the screen that asked.
    state.answering = Some(from);
    for a in actions {
        effects.extend(apply(state, a));
    }
    state.answering = None;
    effects.extend(with_scan(state, |s, ctx| {
        count_scan::update::answered(s, ctx, from)
    }));
    effects
}

/// Runs `f` on the scan loop's session (nothing when its screen is not on the stack).
fn with_scan<R: Default>(
    state: &mut AppState,
    f: impl FnOnce(&mut count_scan::state::CountSession, &mut super::nav::Ctx) -> R,
) -> R {
    super::nav::with_session(state, count_scan::update::session, f).unwrap_or_default()
}

fn apply(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Answered { from, actions } => answered(state, from, actions),
        // While "screen too small" shows, nothing can be seen: keys do nothing, and a scan
        // does nothing but beep (so the clerk knows it was not taken).
        Action::Key(_) if too_small(state) => Vec::new(),
        Action::Burst { .. } if too_small(state) => {
            if state.config.bell {
                vec![Effect::Bell]
            } else {
                Vec::new()
            }
        }
        Action::Key(k) => on_key(state, k),
        Action::Burst { keys, text } => burst(state, keys, text),
        Action::Resize { width, height } => {
            state.size = (width, height);
            screens::resized(state);
            Vec::new()
        }
        Action::Tick(now) => {
            state.now = now;
            super::live::tick(state)
        }
        Action::Polled(answer) => super::live::polled(state, answer),
        Action::KeyCommand(c) => command(state, c),
        Action::ServiceStatus(s) => {
            state.service = Some(s);
            Vec::new()
        }
        Action::Failed(msg) => error(state, text::failed(&msg)),
        Action::LinkDown(why) => super::live::link_lost(state, why),
        Action::ScanWaiting { key, raw, location } => with_scan(state, |s, ctx| {
            count_scan::update::waiting(s, ctx, key, raw, location)
        }),
        Action::WaitingSent { key } => {
            super::live::link_back(state);
            with_scan(state, |s, _| count_scan::update::waiting_sent(s, &key))
        }
        Action::Outbox(n) => super::live::outbox(state, n),
        Action::AccessRefused(msg) => super::live::access_refused(state, msg),
        Action::Drawn => {
            if state.status_here().is_some() {
                if let Some(s) = state.status.as_mut() {
                    s.shown = true;
                }
            }
            Vec::new()
        }
        Action::Replied { to, reply } => screens::replied(state, to, *reply),
        Action::Held { to, waiting } => screens::held(state, to, waiting),
        Action::Screen(msg) => screens::deliver(state, msg),
    }
}

/// What every key (and every scan) does first: it is remembered for the diagnostics screen,
/// and information on the status line lasts one key (errors stay).
fn key_arrived(state: &mut AppState, k: KeyPress) {
    state.last_keys.push_front(k);
    state.last_keys.truncate(KEY_HISTORY);
    if state.status_here().is_some_and(|s| !s.error) {
        state.status = None;
    }
}

fn on_key(state: &mut AppState, k: KeyPress) -> Vec<Effect> {
    key_arrived(state, k);
    let ctx = state.context();
    if state.screen().has_scan_field() {
        scan_key(state, ctx, k)
    } else {
        plain_key(state, ctx, k)
    }
}

/// A scan that arrived at a scanner's speed. A screen with a scan field takes its keys as
/// typed (the terminator submits it); any other screen says what a scan means there, and
/// none of its characters is read as a key.
fn burst(state: &mut AppState, keys: Vec<KeyPress>, text: String) -> Vec<Effect> {
    if state.screen().has_scan_field() {
        let mut effects = Vec::new();
        for k in keys {
            effects.extend(on_key(state, k));
        }
        return effects;
    }
    if let Some(k) = keys.last() {
        key_arrived(state, *k);
    }
    state.code = None;
    screens::on_top(state, |k, screen, ctx| Some(k.burst(screen, ctx, text))).unwrap_or_default()
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
    screens::on_top(state, |k, screen, ctx| Some(k.scan(screen, ctx, value))).unwrap_or_default()
}

fn run_code(state: &mut AppState, ctx: Context, code: &str) -> Vec<Effect> {
    match state.keymap.command_for_code(ctx, code) {
        Some(c) => {
            if state.has_error() {
                state.status = None;
            }
            command(state, c)
        }
        None => match screens::on_top(state, |k, screen, ctx| k.unknown_code(screen, ctx, code)) {
            Some(effects) => effects,
            None => error(state, text::unknown_code(code)),
        },
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
    if let Some(effects) = screens::on_top(state, |kind, screen, ctx| kind.key(screen, ctx, &k)) {
        return effects;
    }
    if let Some(c) = k.printable() {
        state.code = Some(c.to_string());
    }
    Vec::new()
}

/// A keymap command: the top screen's, else what every screen does.
fn command(state: &mut AppState, c: KeyCommand) -> Vec<Effect> {
    // A key the role does not allow says so and starts nothing (no dialog to walk through
    // before the server's refusal).
    if let Some(role) = screens::access::needs(state.screen(), c) {
        if !screens::access::may(state, role) {
            return super::nav::with_ctx(state, |ctx| screens::access::refuse(ctx, role));
        }
    }
    if let Some(effects) = screens::on_top(state, |k, screen, ctx| k.command(screen, ctx, c)) {
        return effects;
    }
    match c {
        KeyCommand::Help => {
            if !matches!(state.screen(), Screen::Help { .. }) {
                let context = state.context();
                push_screen(state, Screen::Help { context, scroll: 0 });
            }
            Vec::new()
        }
        KeyCommand::Back | KeyCommand::Quit => pop_screen(state),
        KeyCommand::Redraw => vec![Effect::Redraw],
        KeyCommand::Select => Vec::new(),
        // The marked count of the list last loaded, wherever the keymap binds these.
        KeyCommand::Review | KeyCommand::CancelCount => {
            super::nav::with_session(state, count_list::update::session, |l, ctx| {
                count_list::update::on_marked(l, ctx, c)
            })
            .unwrap_or_default()
        }
        KeyCommand::NewCount => super::nav::with_ctx(state, count_list::update::new_count),
        KeyCommand::Up => move_by(state, -1),
        KeyCommand::Down => move_by(state, 1),
        KeyCommand::PageUp => {
            let page = page_size(state);
            move_by(state, -page)
        }
        KeyCommand::PageDown => {
            let page = page_size(state);
            move_by(state, page)
        }
        KeyCommand::ClearField => {
            state.field.clear();
            Vec::new()
        }
        KeyCommand::Finish
        | KeyCommand::BinDone
        | KeyCommand::UndoLast
        | KeyCommand::SetLocation
        | KeyCommand::ReplaceSerial
        | KeyCommand::Relocate
        | KeyCommand::ReceiveFound
        | KeyCommand::WriteOff
        | KeyCommand::Accept
        | KeyCommand::Details
        | KeyCommand::NextList
        | KeyCommand::UndoFix
        | KeyCommand::Post
        | KeyCommand::Find
        | KeyCommand::Bulk
        | KeyCommand::Actions => error(state, text::NOT_AVAILABLE.into()),
    }
}

fn page_size(state: &AppState) -> isize {
    (view::scroll_rows(state) as isize - 1).max(1)
}

fn move_by(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let max = view::max_scroll(state);
    screens::on_top(state, |k, screen, ctx| {
        k.move_by(screen, ctx, delta, max);
        None
    });
    Vec::new()
}
