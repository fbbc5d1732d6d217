//! The main menu: numbered entries, one column with descriptions on wide screens, several
//! columns on short ones, a scrolling column if nothing else fits. Only the marked entry's
//! own cells change when the mark moves, which keeps a move to a few dozen bytes.

use super::words;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::visible_entries;
use crate::tui::app::AppState;
use crate::tui::keymap::Context;

/// Wide and tall enough to show the keys beside the menu.
fn side_keys(body: Rect) -> Option<(Rect, Rect)> {
    if body.width >= 76 && body.height >= 14 {
        let left = Rect { width: 50, ..body };
        let right = Rect {
            x: body.x + 52,
            width: body.width - 52,
            y: body.y + 1,
            height: body.height - 1,
        };
        Some((left, right))
    } else {
        None
    }
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    match side_keys(body) {
        Some((left, right)) => {
            entries(state, frame, left);
            let lines =
                crate::tui::screens::help::view::key_list(state, Context::Menu, right.width);
            frame.render_widget(Paragraph::new(lines), right);
        }
        None => entries(state, frame, body),
    }
}

fn entries(state: &AppState, frame: &mut Frame, body: Rect) {
    let entries = visible_entries();
    let n = entries.len();
    if n == 0 || body.height == 0 {
        return;
    }
    let lw = entries
        .iter()
        .map(|e| words::menu_label(e.id).len())
        .max()
        .unwrap_or(0);
    // "> 9 Diagnostics " : marker, number, label padded, one space.
    let seg_w = lw + 5;
    let selected = state.menu_selected.min(n - 1);
    let segment = |i: usize| -> Span<'static> {
        let e = entries[i];
        let marker = if i == selected { '>' } else { ' ' };
        let s = format!("{marker} {} {:<lw$} ", e.number, words::menu_label(e.id));
        if i == selected {
            Span::styled(s, state.theme.selected())
        } else {
            Span::raw(s)
        }
    };
    let h = body.height as usize;
    let w = body.width as usize;
    let indent = if w >= 40 { 2 } else { 0 };
    let top = if h > n + 1 { 1 } else { 0 };
    let desc_w = entries
        .iter()
        .map(|e| words::menu_description(e.id).len())
        .max()
        .unwrap_or(0);
    let describe = w >= indent + seg_w + 1 + desc_w;

    if n <= h - top {
        let mut lines: Vec<Line<'static>> = vec![Line::default(); top];
        for (i, e) in entries.iter().enumerate() {
            let mut spans = vec![Span::raw(" ".repeat(indent)), segment(i)];
            if describe {
                spans.push(Span::raw(format!(" {}", words::menu_description(e.id))));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    let cols = n.div_ceil(h);
    if cols * seg_w <= w {
        let col_w = w / cols;
        let mut lines: Vec<Line<'static>> = Vec::new();
        for row in 0..h {
            let mut spans = Vec::new();
            for col in 0..cols {
                let i = col * h + row;
                if i >= n {
                    break;
                }
                let pad = if col == 0 { 0 } else { col_w - seg_w };
                if col > 0 {
                    // Pad the previous column out to its width.
                    spans.push(Span::raw(" ".repeat(pad.min(w))));
                }
                spans.push(segment(i));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    // One scrolling column that keeps the marked entry in view.
    let first = selected.saturating_sub(h - 1);
    let lines: Vec<Line<'static>> = (first..n.min(first + h))
        .map(|i| Line::from(segment(i)))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}
