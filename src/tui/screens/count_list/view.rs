//! The count list: the counts that are open or in review, with their progress and who is
//! counting. Lines 1-9 carry their digit (press it to join). Below 60 columns one short line
//! per count and the marked count's details under the list; from 60 columns a table.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::text;
use crate::tui::view::layout::{fit, tail, wrap};

fn digit(i: usize) -> char {
    if i < 9 {
        char::from(b'1' + i as u8)
    } else {
        ' '
    }
}

fn counters(r: &CountRow) -> String {
    if r.counters.is_empty() {
        words::COUNT_NOBODY.to_string()
    } else {
        r.counters.join(", ")
    }
}

/// The marked count's details (below 60 columns): its whole name first (the list line cuts
/// it), then its scope, progress, the units expected (open counting) and who counts. From 40
/// columns the list line shows status and scans, and the rest shares lines as room allows.
fn details(r: &CountRow, width: u16) -> Vec<String> {
    let w = width as usize;
    let mut out = wrap(&format!("{} {} {}", text::TITLE_COUNT, r.id, r.name), width);
    let by = format!("{} {}", words::COUNT_BY, counters(r));
    if w >= 40 {
        let mut pieces = vec![format!("{} {}", words::COUNT_SCOPE, r.scope)];
        pieces.extend(r.expected.map(words::expected));
        pieces.push(by);
        let mut line = String::new();
        for p in pieces {
            if line.is_empty() {
                line = p;
            } else if line.chars().count() + 2 + p.chars().count() <= w {
                line.push_str("  ");
                line.push_str(&p);
            } else {
                out.extend(wrap(&line, width));
                line = p;
            }
        }
        out.extend(wrap(&line, width));
    } else {
        out.push(format!(
            "{} {}",
            words::COUNT_SCOPE,
            tail(&r.scope, w.saturating_sub(words::COUNT_SCOPE.len() + 1))
        ));
        out.extend(wrap(&words::count_progress(r.status, r.live), width));
        if let Some(e) = r.expected {
            out.extend(wrap(&words::expected(e), width));
        }
        out.extend(wrap(&by, width));
    }
    out
}

/// The room the scans column takes on a 40-column list: the widest of the rows, so the
/// columns line up.
fn scans_width(rows: &[CountRow]) -> usize {
    rows.iter()
        .map(|r| words::scans(r.live).chars().count())
        .max()
        .unwrap_or(0)
}

/// One count on a narrow screen: its line digit (the key), its id (what the CLI, the reports
/// and colleagues call it), its name cut to the room left (the details say it whole), its
/// status (and from 40 columns its scans).
fn short_line(r: &CountRow, i: usize, selected: bool, w: usize, scans_w: usize) -> String {
    let marker = if selected { '>' } else { ' ' };
    let id = format!("#{}", r.id);
    if w >= 40 {
        let status = words::status_word(r.status);
        let scans = words::scans(r.live);
        // The scans keep their room; the name gets what is left.
        let name_w = w.saturating_sub(4 + id.len() + 1 + 1 + 6 + 1 + scans_w);
        format!(
            "{marker} {} {id} {} {status:<6} {scans:>scans_w$}",
            digit(i),
            fit(&r.name, name_w)
        )
    } else {
        let status = words::status_short(r.status);
        let name_w = w.saturating_sub(4 + id.len() + 1 + 1 + status.len());
        format!(
            "{marker} {} {id} {} {status}",
            digit(i),
            fit(&r.name, name_w)
        )
    }
}

fn table_line(r: &CountRow, i: usize, selected: bool, w: usize) -> String {
    let marker = if selected { '>' } else { ' ' };
    let expected = r
        .expected
        .map_or_else(|| words::NO_EXPECTED.to_string(), |e| e.to_string());
    let line = format!(
        "{marker} {} {:<5} {} {} {:<7} {:>5} {:>8}  {}",
        digit(i),
        format!("#{}", r.id),
        fit(&r.name, 18),
        fit(&r.scope, 14),
        words::status_word(r.status),
        r.live,
        expected,
        counters(r)
    );
    fit(&line, w)
}

fn table_heading(w: usize) -> String {
    let [count, name, scope, status, scans, expected, counters] = words::COUNTS_HEADING;
    let line = format!(
        "    {count:<5} {} {} {status:<7} {scans:>5} {expected:>8}  {counters}",
        fit(name, 18),
        fit(scope, 14)
    );
    fit(&line, w)
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let Some(rows) = state.counts() else { return };
    let w = body.width as usize;
    let h = body.height as usize;
    if h == 0 || w == 0 {
        return;
    }
    if rows.is_empty() {
        let lines: Vec<Line<'static>> = wrap(words::NO_OPEN_COUNT, body.width)
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    let n = rows.len();
    let selected = state.count_selected().min(n - 1);
    let table = w >= 60;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let detail = if table {
        Vec::new()
    } else {
        details(&rows[selected], body.width)
    };
    if table {
        lines.push(Line::from(Span::styled(
            table_heading(w),
            state.theme.heading(),
        )));
    }
    let room = h.saturating_sub(lines.len());
    // The list first (at least half the room), the details in what is left.
    let list_rows = if table {
        n.min(room)
    } else {
        n.min(room.saturating_sub(detail.len() + 1).max(room.div_ceil(2)))
    };
    let scans_w = scans_width(rows);
    let first = selected.saturating_sub(list_rows.saturating_sub(1));
    for (i, r) in rows.iter().enumerate().skip(first).take(list_rows) {
        let text = if table {
            table_line(r, i, i == selected, w)
        } else {
            fit(&short_line(r, i, i == selected, w, scans_w), w)
        };
        if i == selected {
            lines.push(Line::from(Span::styled(text, state.theme.selected())));
        } else {
            lines.push(Line::from(text));
        }
    }
    if !detail.is_empty() {
        if lines.len() + detail.len() < h {
            lines.push(Line::default());
        }
        lines.extend(detail.into_iter().map(Line::from));
    }
    frame.render_widget(Paragraph::new(lines), body);
}
