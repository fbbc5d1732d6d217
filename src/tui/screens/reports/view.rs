//! A warranty report: its name and date, how many units, then one row per unit (serial, SKU,
//! days left, the band in words; the band coloured only where the profile has colour).
//! Below 40 columns each unit takes two lines (serial; band, days and SKU). Only the rows on
//! screen are drawn; Up/Down and PgUp/PgDn scroll by rows.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::screens::reports::state::{ReportRow, ReportSession};
use crate::tui::view::layout::{fit, tail, wrap};

/// Wide enough for one line per unit.
const WIDE: u16 = 40;
/// Wide enough for the end date too.
const WIDER: u16 = 60;

/// The report's name, and its count and date, as lines of `width`: the name wraps (a long
/// customer's name), and the count and the date share a line only when both fit whole, so a
/// date is never cut.
fn head_text(r: &ReportSession, width: u16) -> (Vec<String>, Vec<String>) {
    let narrow = width < WIDE;
    let name: Vec<String> = wrap(&words::report_heading(&r.kind, narrow), width)
        .into_iter()
        .take(2)
        .collect();
    let count = words::report_count(r.rows.len(), r.date, narrow);
    let count = if count.chars().count() <= width as usize {
        vec![count]
    } else {
        vec![
            words::report_units(r.rows.len()),
            words::report_date(r.date),
        ]
    };
    (name, count)
}

/// Lines above the rows: the name, the count (and the column headings when wide).
fn head_lines(r: &ReportSession, body: Rect) -> usize {
    let (name, count) = head_text(r, body.width);
    name.len() + count.len() + usize::from(body.width >= WIDE)
}

/// Lines per unit.
fn per_row(body: Rect) -> usize {
    if body.width >= WIDE {
        1
    } else {
        2
    }
}

/// Units that fit on one screen.
pub(crate) fn visible_rows(state: &AppState, body: Rect) -> usize {
    let head = state.report().map_or(2, |r| head_lines(r, body));
    ((body.height as usize).saturating_sub(head) / per_row(body)).max(1)
}

/// How far the report can scroll (in units).
pub(crate) fn max_scroll(state: &AppState, body: Rect) -> usize {
    state.report().map_or(0, |r| {
        r.rows.len().saturating_sub(visible_rows(state, body))
    })
}

/// The first `n` characters of `s`.
fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let Some(r) = state.report() else { return };
    let w = body.width as usize;
    if w == 0 || body.height == 0 {
        return;
    }
    let (name, count) = head_text(r, body.width);
    let mut lines: Vec<Line<'static>> = name
        .into_iter()
        .map(|l| Line::from(Span::styled(cut(&l, w), state.theme.headline())))
        .collect();
    lines.extend(count.into_iter().map(|l| Line::from(cut(&l, w))));
    if r.rows.is_empty() {
        lines.push(Line::from(cut(words::REPORT_EMPTY, w)));
        frame.render_widget(Paragraph::new(lines), body);
        return;
    }
    let first = r.scroll.min(max_scroll(state, body));
    let shown = r.rows.iter().skip(first).take(visible_rows(state, body));
    if body.width >= WIDE {
        let cols = Columns::new(r, body.width);
        lines.push(Line::from(Span::styled(
            cut(&cols.heading(), w),
            state.theme.heading(),
        )));
        lines.extend(shown.map(|row| cols.row(state, row, w)));
    } else {
        for row in shown {
            lines.push(Line::from(Span::styled(
                tail(&row.serial, w),
                state.theme.headline(),
            )));
            let band = row.status.label().to_string();
            let days = format!(" {}d ", words::report_days(row.days_left));
            let room = w.saturating_sub(band.chars().count() + days.chars().count());
            lines.push(Line::from(vec![
                Span::styled(band, state.theme.band(row.status)),
                Span::raw(days),
                Span::raw(fit(&row.sku, room)),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// Column widths of the wide layout (from every row, so they stay put while scrolling).
struct Columns {
    serial: usize,
    sku: usize,
    ends: bool,
    /// Spaces between columns.
    gap: usize,
}

const DAYS_W: usize = 5;
const BAND_W: usize = 8;

impl Columns {
    fn new(r: &ReportSession, width: u16) -> Columns {
        let longest = |f: fn(&ReportRow) -> usize, min: usize| {
            r.rows.iter().map(f).max().unwrap_or(0).max(min)
        };
        let wider = width >= WIDER;
        let gap = if wider { 2 } else { 1 };
        let sku = longest(|x| x.sku.chars().count(), 3).min(12);
        // The band's word always fits whole: a long serial keeps its tail.
        let room = (width as usize).saturating_sub(sku + DAYS_W + BAND_W + 3 * gap);
        let serial = longest(|x| x.serial.chars().count(), 6)
            .min(20)
            .min(room)
            .max(4);
        Columns {
            serial,
            sku,
            ends: wider,
            gap,
        }
    }

    fn heading(&self) -> String {
        let [serial, sku, days, band, ends] = words::REPORT_COLUMNS;
        let g = " ".repeat(self.gap);
        let mut t = format!(
            "{serial:<sw$}{g}{sku:<kw$}{g}{days:>DAYS_W$}{g}{band:<BAND_W$}",
            sw = self.serial,
            kw = self.sku
        );
        if self.ends {
            t.push_str(&format!("  {ends}"));
        }
        t
    }

    fn row(&self, state: &AppState, row: &ReportRow, w: usize) -> Line<'static> {
        let g = " ".repeat(self.gap);
        let lead = format!(
            "{:<sw$}{g}{:<kw$}{g}{:>DAYS_W$}{g}",
            tail(&row.serial, self.serial),
            cut(&row.sku, self.sku),
            words::report_days(row.days_left),
            sw = self.serial,
            kw = self.sku
        );
        let lead_len = lead.chars().count();
        let band = cut(row.status.label(), w.saturating_sub(lead_len));
        let mut spans = vec![
            Span::raw(cut(&lead, w)),
            Span::styled(band.clone(), state.theme.band(row.status)),
        ];
        if self.ends {
            if let Some(end) = row.end {
                let pad = BAND_W.saturating_sub(band.chars().count());
                let rest = format!("{}  {end}", " ".repeat(pad));
                let room = w.saturating_sub(lead_len + band.chars().count());
                spans.push(Span::raw(cut(&rest, room)));
            }
        }
        Line::from(spans)
    }
}
