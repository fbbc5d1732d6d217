//! The mismatch screen: the figures of every bucket at the top; the short and surplus lists
//! grouped by product (side by side from 60 columns, one at a time below, the next-list key
//! switching), or the list of fixes; under them what is known about the marked row and the
//! suggestion the replace key takes. Only the rows in view are formatted, however long the
//! lists are. One serial per row on 20 columns; a long serial keeps its tail.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::domain::CountStatus;
use crate::tui::app::AppState;
use crate::tui::keymap::{Context, KeyCommand};
use crate::tui::screens::mismatch::state::{Item, ListKind, MismatchData, MismatchSession};
use crate::tui::text;
use crate::tui::view::layout::{fit, tail, wrap, wrap_keep_tail};

/// Serial column width in list rows (GS1 serials are up to 20 characters).
const SERIAL_W: usize = 20;

/// From this width a row has a second column and a heading the product's name.
const ROW_EXTRA: usize = 30;

/// Where the parts of the screen go, in rows of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Short and surplus side by side (wide and tall screens).
    pub panes: bool,
    /// The list name shares the figures' line (short screens).
    pub compact: bool,
    /// Lines of figures.
    pub figures: usize,
    /// Lines of the list(s).
    pub list: usize,
    /// A blank line between the list and the information below.
    pub gap: bool,
    /// Lines of information about the marked row.
    pub info: usize,
}

/// The layout for a body area.
pub fn layout(body: Rect) -> Layout {
    let w = body.width as usize;
    let h = body.height as usize;
    if h < 10 {
        let info = if h >= 5 { 2 } else { 0 };
        return Layout {
            panes: false,
            compact: true,
            figures: 1,
            list: h.saturating_sub(1 + info),
            gap: false,
            info,
        };
    }
    let info = if h >= 12 { 4 } else { 2 };
    let gap = h >= 16;
    if w >= 60 {
        // Count line, figures, blank, pane headings.
        let head = 4;
        return Layout {
            panes: true,
            compact: false,
            figures: 1,
            list: h.saturating_sub(head + info + usize::from(gap)),
            gap,
            info,
        };
    }
    let figures = if w >= 40 { 1 } else { 2 };
    Layout {
        panes: false,
        compact: false,
        figures,
        list: h.saturating_sub(figures + 1 + info + usize::from(gap)),
        gap,
        info,
    }
}

/// Which bucket a figure counts (the list on screen names its own already).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bucket {
    Open,
    Short,
    Surplus,
    Matched,
    Dup,
    Qty,
}

/// One figure of the header: its bucket and its words, with a shorter word where it has one.
struct Figure {
    bucket: Bucket,
    long: String,
    short: String,
}

/// The bucket figures, open mismatches first.
fn figures(data: &MismatchData) -> Vec<Figure> {
    let m = &data.m;
    let fig = |bucket, word: &str, short: &str, n: usize| Figure {
        bucket,
        long: format!("{word} {n}"),
        short: format!("{short} {n}"),
    };
    let mut out = vec![
        fig(
            Bucket::Open,
            words::FIG_OPEN,
            words::FIG_OPEN,
            m.open_mismatches(),
        ),
        fig(
            Bucket::Short,
            words::FIG_SHORT,
            words::FIG_SHORT,
            m.rec.shortage.len(),
        ),
        fig(
            Bucket::Surplus,
            words::FIG_SURPLUS,
            words::FIG_SURPLUS_SHORT,
            m.rec.surplus.len(),
        ),
        fig(
            Bucket::Matched,
            words::FIG_MATCHED,
            words::FIG_MATCHED,
            m.rec.matched.len(),
        ),
        fig(
            Bucket::Dup,
            words::FIG_DUP,
            words::FIG_DUP,
            m.rec.duplicates.len(),
        ),
    ];
    out.extend(data.qty.iter().map(|q| {
        let t = words::qty_piece(data.sku(Some(q.product)), q);
        Figure {
            bucket: Bucket::Qty,
            long: t.clone(),
            short: t,
        }
    }));
    out
}

/// Words packed greedily into at most `max_lines` lines of `width`, `gap` between them; none
/// when one of them does not fit.
fn pack_all(pieces: &[&str], width: usize, max_lines: usize, gap: &str) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for p in pieces {
        let len = p.chars().count();
        let n = lines.len();
        match lines.last_mut() {
            Some(l) if l.chars().count() + gap.len() + len <= width => {
                l.push_str(gap);
                l.push_str(p);
            }
            _ if n < max_lines && len <= width => lines.push(p.to_string()),
            _ => return None,
        }
    }
    Some(lines)
}

/// The header's figures in `max_lines` lines of `width`, after `lead` (the marked list's
/// position on short screens), leaving out the bucket `own`. Open, short, surplus and matched
/// are what a supervisor reads first: to make room the quantities and the duplicates go
/// first, then the gaps narrow, then `Surplus` shortens; only then does a figure go
/// (surplus, then short), open and matched last of all.
fn figure_lines(
    lead: Option<String>,
    data: &MismatchData,
    own: Option<Bucket>,
    width: usize,
    max_lines: usize,
) -> Vec<String> {
    let all: Vec<Figure> = figures(data)
        .into_iter()
        .filter(|f| Some(f.bucket) != own)
        .collect();
    let wide_gap = if width >= 40 { "  " } else { " " };
    let essential = |b: Bucket| !matches!(b, Bucket::Dup | Bucket::Qty);
    let optional: Vec<usize> = (0..all.len())
        .filter(|&i| !essential(all[i].bucket))
        .collect();
    let try_pack = |kept: &dyn Fn(usize) -> bool, short: bool, gap: &str| {
        let mut pieces: Vec<&str> = lead.iter().map(String::as_str).collect();
        pieces.extend(
            all.iter()
                .enumerate()
                .filter(|(i, _)| kept(*i))
                .map(|(_, f)| {
                    if short {
                        f.short.as_str()
                    } else {
                        f.long.as_str()
                    }
                }),
        );
        pack_all(&pieces, width, max_lines, gap)
    };
    // The optional figures from the end, then the gaps, then the shorter words.
    for gap in [wide_gap, " "] {
        for keep in (0..=optional.len()).rev() {
            let kept = |i: usize| essential(all[i].bucket) || optional[..keep].contains(&i);
            if let Some(lines) = try_pack(&kept, false, gap) {
                return lines;
            }
        }
    }
    let mut gone: Vec<Bucket> = Vec::new();
    for next in [None, Some(Bucket::Surplus), Some(Bucket::Short)] {
        gone.extend(next);
        let kept = |i: usize| essential(all[i].bucket) && !gone.contains(&all[i].bucket);
        if let Some(lines) = try_pack(&kept, true, " ") {
            return lines;
        }
    }
    // Not even open and matched fit: as much as fits, cut.
    let mut pieces: Vec<String> = lead.into_iter().collect();
    pieces.extend(all.into_iter().map(|f| f.short));
    vec![fit(&pieces.join(" "), width)]
}

/// `Surplus 2/5`: the list's name and where the mark is.
fn list_position(s: &MismatchSession, kind: ListKind) -> String {
    let v = s.view(kind);
    if v.is_empty() {
        format!("{} 0", words::list_name(kind))
    } else {
        format!("{} {}/{}", words::list_name(kind), v.selected + 1, v.len())
    }
}

/// One line of a list at `width`: a product heading or a row, with the mark when `marked`.
fn item_line(
    state: &AppState,
    data: &MismatchData,
    kind: ListKind,
    item: Item,
    marked: bool,
    width: usize,
) -> (String, Style) {
    let sel = if marked { '>' } else { ' ' };
    let style = if marked {
        state.theme.selected()
    } else {
        Style::new()
    };
    match item {
        Item::Group { product, rows } => {
            let t = match product.and_then(|p| data.products.get(&p)) {
                Some(p) if width >= ROW_EXTRA => format!("{} {} ({rows})", p.sku, p.name),
                Some(p) => format!("{} ({rows})", p.sku),
                None => format!("{} ({rows})", words::NO_PRODUCT),
            };
            (fit(&t, width), state.theme.heading())
        }
        Item::Row(i) => {
            let i = i as usize;
            let t = match kind {
                ListKind::Short => match data.m.rec.shortage.get(i) {
                    Some(r) => row(
                        sel,
                        words::row_mark(data.accepted(&r.serial), data.moved(&r.serial)),
                        r.serial.as_str(),
                        &r.location,
                        width,
                    ),
                    None => String::new(),
                },
                ListKind::Surplus => match data.m.rec.surplus.get(i) {
                    Some(r) => row(
                        sel,
                        words::row_mark(data.accepted(&r.serial), data.moved(&r.serial)),
                        r.serial.as_str(),
                        words::reason_word(&r.reason),
                        width,
                    ),
                    None => String::new(),
                },
                ListKind::Fixed => match data.m.resolutions.get(i) {
                    Some(r) if width >= 60 => format!("{sel} {}", words::resolution_long(r)),
                    Some(r) => format!("{sel}{}", words::resolution_short(r)),
                    None => String::new(),
                },
            };
            (fit(&t, width), style)
        }
    }
}

/// A short or surplus row: mark, serial (tail kept) and, from 40 columns, one more column.
fn row(sel: char, mark: char, serial: &str, extra: &str, width: usize) -> String {
    if width < ROW_EXTRA {
        format!("{sel}{mark}{}", tail(serial, width.saturating_sub(2)))
    } else {
        format!("{sel}{mark} {:<SERIAL_W$} {extra}", tail(serial, SERIAL_W))
    }
}

/// The lines of one list in view (at most `rows`), each exactly `width` wide.
fn list_lines(
    state: &AppState,
    s: &MismatchSession,
    data: &MismatchData,
    kind: ListKind,
    rows: usize,
    width: usize,
    active: bool,
) -> Vec<(String, Style)> {
    let v = s.view(kind);
    if v.is_empty() {
        return wrap(words::list_empty(kind), width as u16)
            .into_iter()
            .take(rows)
            .map(|l| (fit(&l, width), Style::new()))
            .collect();
    }
    let marked = v.selected_pos();
    v.items
        .iter()
        .enumerate()
        .skip(v.top)
        .take(rows)
        .map(|(pos, item)| {
            item_line(
                state,
                data,
                kind,
                *item,
                active && Some(pos) == marked,
                width,
            )
        })
        .collect()
}

/// What is known about the marked row, as lines of `width` (the first `max` of them).
fn info_lines(
    state: &AppState,
    s: &MismatchSession,
    data: &MismatchData,
    width: u16,
    max: usize,
) -> Vec<String> {
    let w = width as usize;
    let mut out: Vec<String> = Vec::new();
    // A message is not repeated here: the status line wraps over these rows to show it whole.
    let narrow = w < 40;
    let mut facts: Vec<String> = Vec::new();
    if let Some(r) = s.shortage() {
        let name = data.products.get(&r.product);
        facts.push(match (narrow, name) {
            (false, Some(p)) => format!("{}  {} {}", r.serial, p.sku, p.name),
            (true, Some(p)) => p.sku.clone(),
            (_, None) => r.serial.to_string(),
        });
        facts.push(words::expected_at(&r.location));
        facts.extend(words::marks_text(
            data.accepted(&r.serial),
            data.moved(&r.serial),
        ));
    } else if let Some(r) = s.surplus() {
        facts.push(words::reason_text(data, &r.reason));
        if let Some(top) = s.suggestions.first() {
            let key = state
                .keymap
                .hint(Context::Mismatch, KeyCommand::ReplaceSerial)
                .unwrap_or_default();
            facts.push(if narrow {
                words::suggestion_short(&key, top.missing.as_str())
            } else {
                let line = words::suggestion_line(&key, top.missing.as_str());
                format!("{line}  ({})", top.why)
            });
        }
        facts.push(words::counted_at(&r.location, r.scan));
        if let Some(p) = r.product.and_then(|p| data.products.get(&p)) {
            facts.push(if narrow {
                p.sku.clone()
            } else {
                format!("{}  {} {}", r.serial, p.sku, p.name)
            });
        }
        facts.extend(words::marks_text(
            data.accepted(&r.serial),
            data.moved(&r.serial),
        ));
    } else if let Some(r) = s.resolution() {
        facts.push(words::resolution_long(r));
    } else if data.m.open_mismatches() == 0 && data.m.count.status != CountStatus::Posted {
        let key = state
            .keymap
            .hint(Context::Mismatch, KeyCommand::Post)
            .unwrap_or_default();
        facts.push(words::nothing_open(&key));
    }
    for f in facts {
        out.extend(wrap_keep_tail(&f, width));
    }
    out.truncate(max);
    out
}

/// Lines of the mismatch list(s) at the state's size: the page the mark moves within.
pub fn page(state: &AppState) -> usize {
    page_in(crate::tui::screens::kind::body_for(state))
}

/// The rows of a list page in `body`.
pub fn page_in(body: Rect) -> usize {
    layout(body).list.max(1)
}

pub(crate) fn render(state: &AppState, frame: &mut Frame, body: Rect) {
    let Some(s) = state.mismatch() else { return };
    if body.height == 0 || body.width == 0 {
        return;
    }
    let w = body.width as usize;
    let Some(data) = &s.data else {
        let lines: Vec<Line<'static>> = wrap(words::MISMATCH_LOADING, body.width)
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), body);
        return;
    };
    let l = layout(body);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let heading = state.theme.heading();

    // The figures (and the list's name).
    if l.compact {
        // The marked list's own figure is in its position already.
        let own = match s.list {
            ListKind::Short => Some(Bucket::Short),
            ListKind::Surplus => Some(Bucket::Surplus),
            ListKind::Fixed => None,
        };
        let line = figure_lines(Some(list_position(s, s.list)), data, own, w, 1).join("");
        lines.push(Line::from(fit(&line, w)));
    } else {
        if l.panes {
            let c = &data.m.count;
            // Its status, not how it was counted: "open counting, open" read as a stutter.
            lines.push(Line::from(fit(
                &format!(
                    "{}, {}",
                    text::count_named(c.id, &c.name, &c.scope.location),
                    c.status.describe()
                ),
                w,
            )));
        }
        let figures = figure_lines(None, data, None, w, l.figures);
        for i in 0..l.figures {
            lines.push(Line::from(figures.get(i).cloned().unwrap_or_default()));
        }
        if l.panes {
            lines.push(Line::default());
        }
    }

    // The list(s).
    if l.panes && s.list != ListKind::Fixed {
        let lw = (w - 1) / 2;
        let rw = w - 1 - lw;
        let sep = if state.theme.profile == crate::tui::Profile::Vt {
            "|"
        } else {
            "\u{2502}"
        };
        let head = |kind: ListKind, width: usize| {
            let t = if s.list == kind {
                format!(
                    "{} {}",
                    words::list_heading(kind),
                    list_position_short(s, kind)
                )
            } else {
                format!("{} ({})", words::list_heading(kind), s.view(kind).len())
            };
            Span::styled(fit(&t, width), heading)
        };
        lines.push(Line::from(vec![
            head(ListKind::Short, lw),
            Span::raw(sep),
            head(ListKind::Surplus, rw),
        ]));
        let left = list_lines(
            state,
            s,
            data,
            ListKind::Short,
            l.list,
            lw,
            s.list == ListKind::Short,
        );
        let right = list_lines(
            state,
            s,
            data,
            ListKind::Surplus,
            l.list,
            rw,
            s.list == ListKind::Surplus,
        );
        for i in 0..l.list {
            let (lt, ls) = left
                .get(i)
                .cloned()
                .unwrap_or_else(|| (" ".repeat(lw), Style::new()));
            let (rt, rs) = right
                .get(i)
                .cloned()
                .unwrap_or_else(|| (" ".repeat(rw), Style::new()));
            lines.push(Line::from(vec![
                Span::styled(lt, ls),
                Span::raw(sep),
                Span::styled(rt, rs),
            ]));
        }
    } else {
        if !l.compact {
            let t = if l.panes {
                format!(
                    "{} {}",
                    words::list_heading(s.list),
                    list_position_short(s, s.list)
                )
            } else {
                list_position(s, s.list)
            };
            lines.push(Line::from(Span::styled(fit(&t, w), heading)));
        }
        let rows = list_lines(state, s, data, s.list, l.list, w, true);
        let n = rows.len();
        for (t, st) in rows {
            lines.push(Line::from(Span::styled(t, st)));
        }
        for _ in n..l.list {
            lines.push(Line::default());
        }
    }
    if l.gap {
        lines.push(Line::default());
    }

    // What is known about the marked row.
    for t in info_lines(state, s, data, body.width, l.info) {
        lines.push(Line::from(t));
    }
    frame.render_widget(Paragraph::new(lines), body);
}

/// `2/5`: where the mark is in a list.
fn list_position_short(s: &MismatchSession, kind: ListKind) -> String {
    let v = s.view(kind);
    if v.is_empty() {
        "0".to_string()
    } else {
        format!("{}/{}", v.selected + 1, v.len())
    }
}
