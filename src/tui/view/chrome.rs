//! Header, rule, status line, footer hints (from the loaded keymap) and the "too small" notice.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{tail, wrap, MIN_HEIGHT, MIN_WIDTH};
use crate::tui::app::{AppState, Screen};
use crate::tui::keymap::Command;
use crate::tui::text;

pub(super) fn header(state: &AppState, frame: &mut Frame, area: Rect) {
    let style = state.theme.header();
    let w = area.width as usize;
    let title = state.title();
    let left = if w >= 40 {
        format!(" {}: {}", text::APP_NAME, title)
    } else {
        format!(" {title}")
    };
    let time = state.now.format("%H:%M").to_string();
    let right = if w >= 60 && !state.session.user.is_empty() {
        format!("{}  {} ", state.session.user, time)
    } else {
        format!("{time} ")
    };
    let llen = left.chars().count();
    let rlen = right.chars().count();
    let line = if llen + rlen < w {
        format!("{left}{}{right}", " ".repeat(w - llen - rlen))
    } else {
        format!("{left:<w$}")
    };
    frame.render_widget(Paragraph::new(Line::from(Span::styled(line, style))), area);
}

pub(super) fn rule(state: &AppState, frame: &mut Frame, area: Rect) {
    let line = state.theme.rule().repeat(area.width as usize);
    frame.render_widget(Paragraph::new(line), area);
}

pub(super) fn status(state: &AppState, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    if let Some(code) = &state.code {
        let text = format!("{} {code}", text::CODE_PROMPT);
        // Keep the end of a long code visible.
        let shown: String = tail(&text, w.saturating_sub(1));
        let x = area.x + shown.chars().count() as u16;
        frame.render_widget(Paragraph::new(shown), area);
        frame.set_cursor_position((x, area.y));
        return;
    }
    let Some(st) = &state.status else { return };
    let (style, text) = if st.error {
        (state.theme.error(), format!("{:<w$}", st.text))
    } else {
        (state.theme.info(), st.text.clone())
    };
    frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
}

/// (key label, command label) pairs for the footer of the top screen.
fn hints(state: &AppState) -> Vec<(String, &'static str)> {
    let ctx = state.context();
    let km = &state.keymap;
    let hint = |c: Command| km.hint(ctx, c).map(|k| (k, text::command_label(c)));
    let mut out = Vec::new();
    let scroll = |out: &mut Vec<(String, &'static str)>, at: usize| {
        let max = super::max_scroll(state);
        if at < max {
            out.extend(km.hint(ctx, Command::Down).map(|k| (k, text::HINT_MORE)));
        } else if at > 0 {
            out.extend(
                km.hint(ctx, Command::Up)
                    .map(|k| (k, text::HINT_SCROLL_BACK)),
            );
        }
    };
    match state.screen() {
        Screen::Menu => out.extend(
            [hint(Command::Help), hint(Command::Quit)]
                .into_iter()
                .flatten(),
        ),
        Screen::Help { scroll: at, .. } => {
            out.extend(hint(Command::Back));
            scroll(&mut out, *at);
        }
        Screen::Diagnostics { scroll: at } => {
            out.extend(
                [hint(Command::Back), hint(Command::ClearField)]
                    .into_iter()
                    .flatten(),
            );
            scroll(&mut out, *at);
            out.extend(hint(Command::Help));
        }
        Screen::KeymapErrors { scroll: at } => {
            out.push(("Enter".to_string(), text::HINT_CONTINUE));
            scroll(&mut out, *at);
        }
        Screen::CountList => {
            if state.counts.as_ref().is_some_and(|c| !c.is_empty()) {
                out.extend(km.hint(ctx, Command::Select).map(|k| (k, text::HINT_JOIN)));
                out.extend(
                    [hint(Command::Review), hint(Command::CancelCount)]
                        .into_iter()
                        .flatten(),
                );
            }
            out.extend(
                [hint(Command::Back), hint(Command::Help)]
                    .into_iter()
                    .flatten(),
            );
        }
        Screen::MismatchCounts => {
            if state.counts.as_ref().is_some_and(|c| !c.is_empty()) {
                out.extend(km.hint(ctx, Command::Select).map(|k| (k, text::HINT_OPEN)));
                out.extend(
                    [hint(Command::Review), hint(Command::CancelCount)]
                        .into_iter()
                        .flatten(),
                );
            }
            out.extend(
                [hint(Command::Back), hint(Command::Help)]
                    .into_iter()
                    .flatten(),
            );
        }
        Screen::Mismatches | Screen::MismatchDetails => {
            let (fixes, open) = match &state.mismatch {
                Some(s) => (s.fixes(), s.open()),
                None => (Vec::new(), None),
            };
            if let Some(d) = state.mismatch.as_ref().and_then(|s| s.details.as_ref()) {
                let max = super::max_scroll(state);
                if d.scroll < max {
                    out.extend(km.hint(ctx, Command::Down).map(|k| (k, text::HINT_MORE)));
                }
            }
            out.extend(fixes.into_iter().filter_map(hint));
            if matches!(state.screen(), Screen::Mismatches) {
                out.extend(hint(Command::NextList));
                if open == Some(0) {
                    out.extend(hint(Command::Post));
                }
            } else {
                out.extend(hint(Command::Back));
            }
            out.extend(hint(Command::Help));
        }
        Screen::Choose(c) => {
            let n = text::choice_options(c).len();
            out.push((format!("1-{n}"), text::HINT_PICK));
            out.extend(hint(Command::Back));
        }
        Screen::Report => {
            let at = state.report.as_ref().map_or(0, |r| r.scroll);
            scroll(&mut out, at);
            out.extend(
                [hint(Command::Back), hint(Command::Help)]
                    .into_iter()
                    .flatten(),
            );
        }
        Screen::Lookup => {
            let at = state.lookup.as_ref().map_or(0, |l| l.scroll);
            scroll(&mut out, at);
            out.extend(
                [hint(Command::Back), hint(Command::Help)]
                    .into_iter()
                    .flatten(),
            );
        }
        Screen::Prompt(_) => out.extend(
            [
                hint(Command::Back),
                hint(Command::ClearField),
                hint(Command::Help),
            ]
            .into_iter()
            .flatten(),
        ),
        Screen::CountScan => out.extend(
            [
                hint(Command::UndoLast),
                hint(Command::SetLocation),
                hint(Command::Finish),
                hint(Command::Help),
            ]
            .into_iter()
            .flatten(),
        ),
        Screen::Confirm(_) => {
            out.push(("1".to_string(), text::HINT_YES));
            out.push(("2".to_string(), text::HINT_NO));
            out.extend(hint(Command::Back));
        }
    }
    out
}

pub(super) fn footer(state: &AppState, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let gap = if w >= 40 { "  " } else { " " };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    for (key, label) in hints(state) {
        let sep = if spans.is_empty() { "" } else { gap };
        let len = sep.len() + key.chars().count() + 1 + label.chars().count();
        if used + len > w {
            break;
        }
        used += len;
        if !sep.is_empty() {
            spans.push(Span::raw(sep));
        }
        spans.push(Span::styled(key, state.theme.key()));
        spans.push(Span::raw(format!(" {label}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(super) fn too_small(frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let mut lines: Vec<Line<'static>> = Vec::new();
    for l in wrap(&text::too_small(area.width, area.height), area.width) {
        lines.push(Line::from(Span::styled(l, Style::new())));
    }
    for l in wrap(&text::too_small_need(MIN_WIDTH, MIN_HEIGHT), area.width) {
        lines.push(Line::from(l));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
