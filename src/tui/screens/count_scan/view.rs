//! The scan loop: location, scan field, the last answer, the running figures and the last
//! scans. One thing per line on narrow screens (20 columns); location and figures share a
//! line from 40 columns. Serials are never wrapped: a long one keeps its tail. The rows of
//! each part stay in place from scan to scan (the answer block has a fixed height where there
//! is room), so an accepted scan rewrites only the cells that changed.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::screens::count_scan::state::CountSession;
use crate::tui::screens::count_scan::state::ScanAnswer;
use crate::tui::text;
use crate::tui::view::layout::{fit, tail, wrap_keep_tail};

/// Up to 24 rows at most this many recent scans are shown: each one costs bytes on every
/// scan, as the list moves down (slow links are small terminals). Taller terminals use their
/// room.
pub const MAX_RECENT_ROWS: usize = 5;

/// Serial column width in the recent list (GS1 serials are up to 20 characters).
const SERIAL_W: usize = 20;

/// Control characters (GS) as the profile shows them.
fn shown(state: &AppState, s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                state.theme.control_glyph(c, state.config.gs_substitute)
            } else {
                c
            }
        })
        .collect()
}

fn location_text(s: &CountSession) -> (String, bool) {
    match (&s.location, s.awaiting_location) {
        (_, true) => (words::LOC_NEXT.to_string(), true),
        (None, false) => (words::LOC_NEEDED.to_string(), true),
        (Some(l), false) => (l.clone(), false),
    }
}

fn figures(s: &CountSession) -> (Option<String>, String) {
    let total = s.figures.map_or(s.count.live, |f| f.total);
    let here = match (&s.location, s.figures) {
        (Some(_), Some(f)) => Some(words::figures_here(
            f.here,
            f.unexpected_here + f.unknown_here,
            f.expected_here,
        )),
        _ => None,
    };
    (here, words::figures_total(total, s.refused))
}

/// The answer's fact lines, wrapped to `width`.
fn fact_lines(a: &ScanAnswer, width: u16, narrow: bool, utc: bool) -> Vec<String> {
    let mut facts = words::answer_facts(a, utc);
    if narrow {
        if let Some(sku) = a.sku.as_ref().filter(|_| a.kind.recorded()) {
            facts.insert(0, sku.clone());
        }
        facts
            .iter()
            .flat_map(|f| wrap_keep_tail(f, width))
            .collect()
    } else if facts.is_empty() {
        Vec::new()
    } else {
        wrap_keep_tail(&facts.join(", "), width)
    }
}

/// The rows of one recent scan: one, and under a refused scan on a narrow screen a second
/// with why (wider screens say why on the same row).
fn recent_rows(
    state: &AppState,
    r: &crate::tui::screens::count_scan::state::RecentScan,
    w: usize,
) -> Vec<String> {
    let mut rows = vec![recent_line(state, r, w)];
    if let Some(why) = r.why.as_deref().filter(|_| w < 40) {
        rows.push(format!(" {}", fit(why, w.saturating_sub(1))));
    }
    rows
}

fn recent_line(
    state: &AppState,
    r: &crate::tui::screens::count_scan::state::RecentScan,
    w: usize,
) -> String {
    let sku = match r.kind {
        crate::tui::screens::count_scan::state::AnswerKind::Waiting => words::answer_word(r.kind),
        _ => r.sku.as_deref().unwrap_or("-"),
    };
    if let Some(qty) = r.qty {
        // A quantity: how many of which product, where a scan has its serial.
        let what = words::qty_recent(qty, sku);
        return if w >= 60 {
            format!(
                "{:>5}  {:<SERIAL_W$}  {:<10}  {:<12}  {}",
                "-",
                fit(&what, SERIAL_W),
                sku,
                r.location,
                words::answer_word(r.kind)
            )
        } else if w >= 40 {
            format!("{} {what}", words::answer_mark(r.kind))
        } else {
            format!("{}{what}", words::answer_mark(r.kind))
        };
    }
    let serial = shown(state, &r.serial);
    if let (Some(why), true) = (r.why.as_deref(), w >= 40) {
        // A refused scan: why, where a recorded one has its product (and place).
        let serial = tail(&serial, SERIAL_W);
        let lead = if w >= 60 {
            format!("{:>5}  {serial:<SERIAL_W$}  ", "-")
        } else {
            format!("{} {serial:<SERIAL_W$} ", words::answer_mark(r.kind))
        };
        let room = w.saturating_sub(lead.chars().count());
        let worded = format!("{}: {why}", words::answer_word(r.kind));
        let said = if worded.chars().count() <= room {
            worded
        } else {
            fit(why, room)
        };
        return format!("{lead}{said}");
    }
    if w >= 60 {
        format!(
            "{:>5}  {:<SERIAL_W$}  {:<10}  {:<12}  {}",
            r.number.map_or_else(|| "-".to_string(), |n| n.to_string()),
            tail(&serial, SERIAL_W),
            sku,
            r.location,
            words::answer_word(r.kind)
        )
    } else if w >= 40 {
        format!(
            "{} {:<SERIAL_W$} {sku}",
            words::answer_mark(r.kind),
            tail(&serial, SERIAL_W)
        )
    } else {
        format!(
            "{}{}",
            words::answer_mark(r.kind),
            tail(&serial, w.saturating_sub(1))
        )
    }
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let Some(s) = state.count_session() else {
        return;
    };
    if body.height == 0 || body.width == 0 {
        return;
    }
    let w = body.width as usize;
    let h = body.height as usize;
    let wide = w >= 40;
    let tall = h >= 16;
    let bold = state.theme.headline();
    let mut lines: Vec<Line<'static>> = Vec::new();

    if tall {
        let c = &s.count;
        lines.push(Line::from(text::count_heading(
            c.id, &c.name, &c.scope, c.blind,
        )));
    }
    // Location (and the figures beside it on wide screens).
    let (loc, prompt) = location_text(s);
    let loc_w = w.saturating_sub(words::LOC.len() + 1);
    let loc_span = if prompt {
        Span::styled(loc, bold)
    } else {
        Span::raw(tail(&loc, loc_w))
    };
    let (here, total) = figures(s);
    let mut loc_line = vec![Span::raw(format!("{} ", words::LOC)), loc_span];
    if wide {
        let fig = match &here {
            Some(here) => format!("{here}  {total}"),
            None => total.clone(),
        };
        let used: usize = loc_line.iter().map(|s| s.content.chars().count()).sum();
        let fig_len = fig.chars().count();
        if used + 2 + fig_len <= w {
            loc_line.push(Span::raw(" ".repeat(w - used - fig_len)));
            loc_line.push(Span::raw(fig));
        }
    }
    lines.push(Line::from(loc_line));

    // The scan field.
    let field_row = lines.len();
    let label = words::COUNT_SCAN;
    let fw = w.saturating_sub(label.len() + 1);
    let (field_text, cursor) = state
        .field
        .display(fw, &state.theme, state.config.gs_substitute);
    lines.push(Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled(format!("{field_text:<fw$}"), state.theme.field()),
    ]));
    if tall {
        lines.push(Line::default());
    }

    // The answer block.
    let facts_max = if wide { 2 } else { 3 };
    let mut block: Vec<Line<'static>> = Vec::new();
    match &s.answer {
        Some(a) => {
            let serial = shown(state, &a.serial);
            if wide {
                let mut head = vec![Span::styled(a.headline.clone(), bold)];
                if !serial.is_empty() {
                    head.push(Span::raw(format!("  {}", tail(&serial, SERIAL_W))));
                }
                if let Some(sku) = &a.sku {
                    head.push(Span::raw(format!("  {sku}")));
                }
                block.push(Line::from(head));
            } else {
                block.push(Line::from(Span::styled(a.headline.clone(), bold)));
                if !serial.is_empty() {
                    block.push(Line::from(tail(&serial, w)));
                }
            }
            let facts = fact_lines(a, body.width, !wide, state.session.utc_times);
            block.extend(facts.into_iter().take(facts_max).map(Line::from));
        }
        None if s.location.is_none() => {
            block.extend(
                crate::tui::view::layout::wrap(words::COUNT_START, body.width)
                    .into_iter()
                    .take(facts_max)
                    .map(Line::from),
            );
        }
        None => {}
    }
    // A fixed height where there is room, so the parts below stay in place.
    let block_rows = if wide { 1 + facts_max } else { 2 + facts_max };
    let fixed_below = if wide { 0 } else { 2 } + usize::from(tall) * 2;
    if lines.len() + block_rows + fixed_below < h {
        block.resize(block_rows, Line::default());
    }
    lines.extend(block);

    // Running figures (own lines on narrow screens).
    if !wide {
        lines.push(Line::from(here.unwrap_or_default()));
        lines.push(Line::from(total));
    }

    // The last scans.
    if tall {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            words::LAST_SCANS.to_string(),
            state.theme.heading(),
        )));
    }
    let cap = if h > 20 {
        crate::tui::screens::count_scan::state::RECENT_KEPT
    } else {
        MAX_RECENT_ROWS
    };
    let room = h.saturating_sub(lines.len()).min(cap);
    let rows = s.recent.iter().flat_map(|r| recent_rows(state, r, w));
    for row in rows.take(room) {
        lines.push(Line::from(row));
    }

    frame.render_widget(Paragraph::new(lines), body);
    if state.code.is_none() && fw > 0 && field_row < h {
        let x = body.x + (label.len() + 1) as u16 + (cursor as u16).min(fw as u16 - 1);
        frame.set_cursor_position((x, body.y + field_row as u16));
    }
}
