//! The pure `update`: applies an [`Action`] to the [`AppState`] and returns the [`Effect`]s to
//! run. No I/O, no clock, no terminal. Errors become state (a sticky status line and the bell).

use super::action::{Action, Effect};
use super::app::{visible_entries, AppState, Screen, ScreenId, Status, KEY_HISTORY};
use super::keymap::{Command, Context};
use super::keys::{Key, KeyPress};
use super::scan_field::FieldOutcome;
use super::text;
use super::view;
use crate::config::Terminator;

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
    }
}

/// Shows a sticky error and rings the bell (if configured).
fn error(state: &mut AppState, msg: String) -> Vec<Effect> {
    state.status = Some(Status {
        text: msg,
        error: true,
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
        _ => Vec::new(),
    }
}

fn run_code(state: &mut AppState, ctx: Context, code: &str) -> Vec<Effect> {
    match state.keymap.command_for_code(ctx, code) {
        Some(c) => {
            if state.has_error() {
                state.status = None;
            }
            command(state, c)
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
        state.screens.pop();
        state.field.clear();
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
            _ => pop_screen(state),
        },
        Command::Redraw => vec![Effect::Redraw],
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
            _ => Vec::new(),
        },
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
        | Command::Actions => error(state, text::NOT_AVAILABLE.into()),
    }
}

fn page_size(state: &AppState) -> isize {
    (view::scroll_rows(state) as isize - 1).max(1)
}

fn move_by(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let max = view::max_scroll(state);
    match state.screens.last_mut() {
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
    if let Some(
        Screen::Help { scroll, .. }
        | Screen::Diagnostics { scroll }
        | Screen::KeymapErrors { scroll },
    ) = state.screens.last_mut()
    {
        *scroll = (*scroll).min(max);
    }
}
