//! The help screen: what the screen below is for and every key and typed code it takes, all
//! generated from the loaded keymap. Narrow screens put the keys under each command.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::keymap::{Context, KeyCommand, Trigger};
use crate::tui::text;
use crate::tui::view::layout::{draw_scrolled, wrap};

/// All lines of the help for `ctx` at `width`.
pub(crate) fn lines(state: &AppState, ctx: Context, width: u16) -> Vec<Line<'static>> {
    let w = width as usize;
    let km = &state.keymap;
    let mut out: Vec<Line<'static>> = Vec::new();
    // The count list also picks a count for its mismatches.
    let picking = ctx == Context::CountList
        && matches!(
            state.screens.iter().rev().nth(1),
            Some(crate::tui::app::Screen::MismatchCounts(_))
        );
    let intro = if picking {
        words::MISMATCH_PICK_INTRO
    } else {
        words::context_intro(ctx)
    };
    for l in wrap(intro, width) {
        out.push(Line::from(l));
    }
    out.push(Line::default());
    let cmds = km.commands(ctx);
    let wide = w >= 36;
    let key_w = cmds
        .iter()
        .map(|c| km.labels(ctx, *c).join(" ").chars().count())
        .max()
        .unwrap_or(0)
        .min(w / 2);
    for cmd in &cmds {
        let keys = km.labels(ctx, *cmd).join(" ");
        let label = if w >= 50 {
            words::command_help(*cmd)
        } else {
            text::command_label(*cmd)
        };
        if wide {
            out.push(Line::from(vec![
                Span::styled(format!("{keys:<key_w$}"), state.theme.key()),
                Span::raw(format!("  {label}")),
            ]));
        } else {
            out.push(Line::from(label.to_string()));
            for l in wrap(&keys, width.saturating_sub(2)) {
                out.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(l, state.theme.key()),
                ]));
            }
        }
    }
    out.push(Line::default());
    let has_code = cmds.iter().any(|c| {
        km.bindings(ctx, *c)
            .iter()
            .any(|b| matches!(b.trigger, Trigger::Code(_)))
    });
    let mut notes: Vec<String> = Vec::new();
    match ctx {
        Context::Menu => notes.push(words::HELP_MENU_DIGITS.into()),
        Context::CountList if picking => notes.push(words::HELP_MISMATCH_PICK_DIGITS.into()),
        Context::CountList => notes.push(words::HELP_COUNT_LIST_DIGITS.into()),
        Context::Mismatch => {
            notes.push(words::HELP_MISMATCH_FIND.into());
            notes.push(words::HELP_MISMATCH_MARKS.into());
        }
        Context::Popup => notes.push(words::HELP_POPUP_DIGITS.into()),
        c if c.scan_bearing() => notes.push(words::HELP_SCAN_FIELD.into()),
        _ => {}
    }
    if ctx == Context::Lookup {
        notes.push(words::HELP_LOOKUP_BAND.into());
    }
    if ctx == Context::Count {
        notes.push(words::help_command_barcodes());
        notes.push(words::help_marks());
    }
    if has_code {
        notes.push(words::HELP_CODES.into());
    }
    for n in notes {
        for l in wrap(&n, width) {
            out.push(Line::from(l));
        }
    }
    for l in wrap(&format!("{} {}", words::HELP_KEYMAP, km.name()), width) {
        out.push(Line::from(l));
    }
    out
}

/// A compact key list for a side panel: one line per command, short labels.
pub(crate) fn key_list(state: &AppState, ctx: Context, width: u16) -> Vec<Line<'static>> {
    let km = &state.keymap;
    let cmds = km.commands(ctx);
    let key_w = cmds
        .iter()
        .map(|c| km.labels(ctx, *c).join(" ").chars().count())
        .max()
        .unwrap_or(0)
        .min((width as usize).saturating_sub(10));
    let mut out = vec![Line::from(Span::styled(
        words::KEYS_HEADING.to_string(),
        state.theme.heading(),
    ))];
    if ctx == Context::Menu {
        out.push(Line::from(vec![
            Span::styled(format!("{:<key_w$}", "0-9"), state.theme.key()),
            Span::raw(format!(" {}", text::command_label(KeyCommand::Select))),
        ]));
    }
    for cmd in cmds {
        let keys = km.labels(ctx, cmd).join(" ");
        out.push(Line::from(vec![
            Span::styled(format!("{keys:<key_w$}"), state.theme.key()),
            Span::raw(format!(" {}", text::command_label(cmd))),
        ]));
    }
    out
}

pub(crate) fn render(state: &AppState, ctx: Context, scroll: usize, frame: &mut Frame, body: Rect) {
    draw_scrolled(frame, body, lines(state, ctx, body.width), scroll);
}
