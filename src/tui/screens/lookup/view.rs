//! The lookup screen: the scan field on top (a new scan may come at any moment), under it the
//! unit: product and serial, its state (where it is, or who has it), the warranty block (band
//! in words with the days, type, start and end; coloured only where the profile has colour)
//! and the history, newest first. Condensed below 40 columns (one fact per line), full from
//! 40, one history entry per line from 60. Everything below the field scrolls. What the last
//! warranty or repair action (F6) said stays above the unit until the next scan.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::screens::lookup::state::Found;
use crate::tui::text;
use crate::tui::view::layout::{tail, wrap, wrap_keep_tail};

/// Rows of the scrolling part.
pub(crate) fn scroll_rows(body: Rect) -> usize {
    (body.height as usize).saturating_sub(1)
}

fn plain(out: &mut Vec<Line<'static>>, t: &str, width: u16) {
    out.extend(wrap_keep_tail(t, width).into_iter().map(Line::from));
}

/// Everything below the field, at `width`.
pub(crate) fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let Some(l) = state.lookup() else {
        return out;
    };
    // What the last action did (or why it was refused), above the unit, in full.
    if let Some(s) = &l.said {
        let style = if s.refused {
            state.theme.error()
        } else {
            state.theme.info()
        };
        out.extend(
            wrap_keep_tail(&s.text, width)
                .into_iter()
                .map(|t| Line::from(Span::styled(t, style))),
        );
    }
    let Some(f) = &l.shown else {
        match (&l.unknown, l.counted.is_empty()) {
            (Some(s), false) => counted(state, s, &l.counted, width, &mut out),
            (Some(s), true) => plain(&mut out, &words::unknown_serial(s), width),
            (None, _) => out.extend(wrap(words::LOOKUP_START, width).into_iter().map(Line::from)),
        }
        return out;
    };
    if width < 40 {
        condensed(state, f, &l.also, width, &mut out);
    } else {
        full(state, f, &l.also, width, &mut out);
    }
    out
}

/// A serial no unit has, found by counters: what it is, its count scans newest first, and
/// where it is resolved.
fn counted(
    state: &AppState,
    serial: &str,
    scans: &[crate::ops::ScanLine],
    width: u16,
    out: &mut Vec<Line<'static>>,
) {
    out.push(Line::from(Span::styled(
        tail(serial, width as usize),
        state.theme.headline(),
    )));
    plain(out, words::COUNTED_NO_UNIT, width);
    out.push(Line::from(Span::styled(
        words::LOOKUP_HISTORY_SHORT.to_string(),
        state.theme.heading(),
    )));
    for s in scans.iter().rev() {
        plain(out, &words::count_scan_line(s), width);
    }
    plain(out, words::COUNTED_RESOLVE, width);
}

/// One fact per line, for 20-column handhelds.
fn condensed(
    state: &AppState,
    f: &Found,
    also: &[String],
    width: u16,
    out: &mut Vec<Line<'static>>,
) {
    let w = width as usize;
    let v = &f.unit;
    let wv = &f.warranty;
    out.push(Line::from(Span::styled(
        tail(v.unit.serial.as_str(), w),
        state.theme.headline(),
    )));
    plain(out, &v.product.sku, width);
    plain(out, &text::unit_state(v), width);
    out.push(Line::from(Span::styled(
        words::band_short(wv.status, wv.days_left, w),
        state.theme.band(wv.status),
    )));
    if let Some(c) = &wv.current {
        plain(out, &words::warranty_to(c), width);
    }
    plain(out, &words::warranty_type(wv.kind.label()), width);
    if !also.is_empty() {
        plain(out, &words::also_products(also), width);
    }
    out.push(Line::from(Span::styled(
        words::LOOKUP_HISTORY_SHORT.to_string(),
        state.theme.heading(),
    )));
    for t in v.timeline.iter().rev() {
        // The date (and what, when it fits) in bold starts each entry; its parts follow,
        // indented by one.
        let e = &t.entry;
        let head = format!("{} {}", e.date, e.kind.name());
        if head.chars().count() <= w {
            out.push(Line::from(Span::styled(head, state.theme.headline())));
        } else {
            out.push(Line::from(Span::styled(
                e.date.to_string(),
                state.theme.headline(),
            )));
            plain(out, e.kind.name(), width);
        }
        for p in words::history_parts(t) {
            for l in wrap_keep_tail(&p, width.saturating_sub(1).max(1)) {
                out.push(Line::from(format!(" {l}")));
            }
        }
    }
}

/// Sentences and columns, for 40 columns and up.
fn full(state: &AppState, f: &Found, also: &[String], width: u16, out: &mut Vec<Line<'static>>) {
    let w = width as usize;
    let v = &f.unit;
    let wv = &f.warranty;
    let serial = v.unit.serial.to_string();
    let name = format!("{} {}", v.product.sku, v.product.name);
    if serial.chars().count() + 2 + name.chars().count() <= w {
        out.push(Line::from(vec![
            Span::styled(serial, state.theme.headline()),
            Span::raw(format!("  {name}")),
        ]));
    } else {
        out.push(Line::from(Span::styled(
            tail(&serial, w),
            state.theme.headline(),
        )));
        plain(out, &name, width);
    }
    plain(out, &text::unit_state(v), width);
    // The warranty block: the band in words (coloured where there is colour), then the type,
    // the reported coverage's start and end, and every coverage when there are several.
    let head = format!("{:<10}", words::LOOKUP_WARRANTY);
    let indent = " ".repeat(head.len());
    let rest = width.saturating_sub(head.len() as u16).max(1);
    out.push(Line::from(vec![
        Span::styled(head, state.theme.heading()),
        Span::styled(
            words::band_text(wv.status, wv.days_left),
            state.theme.band(wv.status),
        ),
    ]));
    let mut facts = vec![words::warranty_type(&wv.kind.describe())];
    if let Some(c) = &wv.current {
        facts.push(words::warranty_span(c));
    }
    if wv.coverages.len() > 1 {
        facts.extend(wv.coverages.iter().map(words::coverage_text));
    }
    for fact in facts {
        for l in wrap_keep_tail(&fact, rest) {
            out.push(Line::from(format!("{indent}{l}")));
        }
    }
    if let Some(t) = words::received_text(v) {
        plain(out, &t, width);
    }
    if let Some(t) = words::sale_text(v) {
        plain(out, &t, width);
    }
    if !also.is_empty() {
        plain(out, &words::also_products(also), width);
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        words::LOOKUP_HISTORY.to_string(),
        state.theme.heading(),
    )));
    // One entry per line where it fits: date, what (in a column as wide as the longest),
    // then its parts; a part is never split unless it is longer than a line, and continuation
    // lines start under the parts.
    let kind_w = v
        .timeline
        .iter()
        .map(|t| t.entry.kind.name().len())
        .max()
        .unwrap_or(0);
    for t in v.timeline.iter().rev() {
        let e = &t.entry;
        let lead = if w >= 60 {
            format!("{}  {:<kind_w$}  ", e.date, e.kind.name())
        } else {
            format!("{} {} ", e.date, e.kind.name())
        };
        let cont = if w >= 60 { 12 } else { 2 };
        pack_parts(out, lead, &words::history_parts(t), cont, w);
    }
}

/// Lines of `lead` followed by `parts` (two spaces apart), packed into `width`; continuation
/// lines are indented by `cont`.
fn pack_parts(
    out: &mut Vec<Line<'static>>,
    lead: String,
    parts: &[String],
    cont: usize,
    width: usize,
) {
    let mut line = lead;
    let mut fresh = true;
    for p in parts {
        let len = line.chars().count();
        let sep = if fresh { "" } else { "  " };
        if len + sep.len() + p.chars().count() <= width {
            line.push_str(sep);
            line.push_str(p);
            fresh = false;
            continue;
        }
        // Does not fit: start a continuation line (unless this line has nothing yet).
        if !fresh {
            out.push(Line::from(std::mem::take(&mut line)));
            line = " ".repeat(cont);
        }
        let room = width.saturating_sub(line.chars().count()).max(1);
        let mut pieces = wrap_keep_tail(p, room as u16).into_iter();
        if let Some(first) = pieces.next() {
            line.push_str(&first);
        }
        for piece in pieces {
            out.push(Line::from(std::mem::take(&mut line)));
            line = format!("{}{piece}", " ".repeat(cont));
        }
        fresh = false;
    }
    out.push(Line::from(line.trim_end().to_string()));
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let Some(l) = state.lookup() else { return };
    let w = body.width as usize;
    let h = body.height as usize;
    if h == 0 || w == 0 {
        return;
    }
    let label = words::LOOKUP_LABEL;
    let fw = w.saturating_sub(label.len() + 1);
    let (field_text, cursor) = state
        .field
        .display(fw, &state.theme, state.config.gs_substitute);
    let field = Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled(format!("{field_text:<fw$}"), state.theme.field()),
    ]);
    frame.render_widget(Paragraph::new(vec![field]), Rect { height: 1, ..body });
    let rest = Rect {
        y: body.y + 1,
        height: body.height - 1,
        ..body
    };
    if rest.height > 0 {
        crate::tui::view::layout::draw_scrolled(frame, rest, lines(state, body.width), l.scroll);
    }
    if state.code.is_none() && fw > 0 {
        let x = body.x + (label.len() + 1) as u16 + (cursor as u16).min(fw as u16 - 1);
        frame.set_cursor_position((x, body.y));
    }
}
