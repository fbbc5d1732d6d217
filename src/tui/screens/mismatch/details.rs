//! The details of a mismatch row: the serial and product, why it is short or surplus, the
//! unit's state now, its last documents (newest first), the fixes that apply with their keys
//! (the numbered menu of this row) and, for a surplus, every ranked suggestion. Scrolls.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::keymap::{Context, KeyCommand};
use crate::tui::screens::mismatch::state::ListKind;
use crate::tui::text;
use crate::tui::view::layout::{draw_scrolled, tail, wrap_keep_tail};

/// How many documents are listed.
const DOCUMENTS: usize = 5;

/// All lines of the details at `width`.
pub(crate) fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let w = width as usize;
    let mut out: Vec<Line<'static>> = Vec::new();
    let Some(s) = state.mismatch() else {
        return out;
    };
    let (Some(d), Some(data)) = (&s.details, &s.data) else {
        return out;
    };
    let push = |out: &mut Vec<Line<'static>>, t: &str| {
        out.extend(wrap_keep_tail(t, width).into_iter().map(Line::from));
    };
    out.push(Line::from(Span::styled(
        tail(&d.serial, w),
        state.theme.headline(),
    )));
    match d.list {
        ListKind::Short => {
            if let Some(r) = data.m.rec.shortage.get(d.row) {
                if let Some(p) = data.products.get(&r.product) {
                    push(&mut out, &format!("{} {}", p.sku, p.name));
                }
                push(&mut out, &words::details_short(&r.location));
                if let Some(m) = words::marks_text(data.accepted(&r.serial), data.moved(&r.serial))
                {
                    push(&mut out, &m);
                }
            }
        }
        ListKind::Surplus => {
            if let Some(r) = data.m.rec.surplus.get(d.row) {
                let name = r
                    .product
                    .and_then(|p| data.products.get(&p))
                    .map(|p| format!("{} {}", p.sku, p.name));
                if let Some(n) = name {
                    push(&mut out, &n);
                }
                push(
                    &mut out,
                    &words::details_surplus(&words::reason_text(data, &r.reason)),
                );
                push(&mut out, &words::counted_at(&r.location, r.scan));
                if let Some(m) = words::marks_text(data.accepted(&r.serial), data.moved(&r.serial))
                {
                    push(&mut out, &m);
                }
            }
        }
        ListKind::Fixed => {}
    }
    out.push(Line::default());
    match (&d.unit, d.loaded) {
        (_, false) => push(&mut out, words::DETAILS_LOADING),
        (None, true) => push(&mut out, words::DETAILS_NO_UNIT),
        (Some(u), true) => {
            push(&mut out, &words::details_now(&text::unit_state(u)));
            out.push(Line::default());
            out.push(Line::from(Span::styled(
                words::DETAILS_DOCUMENTS.to_string(),
                state.theme.heading(),
            )));
            let docs: Vec<_> = u
                .timeline
                .iter()
                .rev()
                .filter(|t| words::is_document(t))
                .take(DOCUMENTS)
                .collect();
            if docs.is_empty() {
                push(&mut out, words::DETAILS_NO_DOCUMENTS);
            }
            for t in docs {
                if w >= 40 {
                    push(&mut out, &words::timeline_line(t));
                } else {
                    // Date and what on one line, the document and party under it.
                    let e = &t.entry;
                    push(&mut out, &format!("{} {}", e.date, e.kind.name()));
                    let mut rest = format!(" {}", e.document);
                    if let Some(p) = &t.party_name {
                        rest.push_str(&format!(" {p}"));
                    }
                    push(&mut out, &rest);
                }
            }
        }
    }
    // The fixes that apply, with their keys: this row's numbered menu.
    let fixes = s.fixes();
    if !fixes.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            words::DETAILS_FIXES.to_string(),
            state.theme.heading(),
        )));
        for c in fixes {
            let key = state.keymap.hint(Context::Mismatch, c).unwrap_or_default();
            let label = match (c, s.suggestions.first()) {
                (KeyCommand::ReplaceSerial, Some(top)) => {
                    words::suggestion_line(&key, top.missing.as_str())
                }
                _ => format!("{key} {}", text::command_label(c)),
            };
            push(&mut out, &label);
        }
    }
    if !s.suggestions.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            words::DETAILS_SUGGESTIONS.to_string(),
            state.theme.heading(),
        )));
        for sug in &s.suggestions {
            push(&mut out, &format!("{}: {}", sug.missing, sug.why));
        }
    }
    out
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let scroll = state
        .mismatch()
        .and_then(|s| s.details.as_ref())
        .map_or(0, |d| d.scroll);
    draw_scrolled(frame, body, lines(state, body.width), scroll);
}
