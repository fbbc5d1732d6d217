//! Pure views: `view(&AppState, &mut Frame)` draws the whole screen from the state. Layout:
//! header row, body, status row, footer row (plus a rule under the header from 20 rows up).
//! Below 20x8 only a "screen too small" notice is drawn.

mod choose;
mod chrome;
mod confirm;
mod count_list;
mod count_scan;
mod diagnostics;
mod help;
mod keymap_errors;
mod lookup;
mod menu;
pub mod mismatch;
mod mismatch_details;
mod prompt;
mod report;

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::app::{AppState, Screen};

/// Smallest usable width.
pub const MIN_WIDTH: u16 = 20;
/// Smallest usable height.
pub const MIN_HEIGHT: u16 = 8;

/// The parts of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    /// Title bar.
    pub header: Rect,
    /// A rule under the header (tall screens only).
    pub rule: Option<Rect>,
    /// The screen's own content.
    pub body: Rect,
    /// Status line (errors, messages, typed code).
    pub status: Rect,
    /// Key hints.
    pub footer: Rect,
}

/// Splits the screen (which must be at least the minimum size).
pub fn areas(area: Rect) -> Areas {
    let row = |y: u16| Rect::new(area.x, y, area.width, 1);
    let has_rule = area.height >= 20;
    let top = area.y + if has_rule { 2 } else { 1 };
    let bottom = area.y + area.height.saturating_sub(2);
    Areas {
        header: row(area.y),
        rule: has_rule.then(|| row(area.y + 1)),
        body: Rect::new(area.x, top, area.width, bottom.saturating_sub(top)),
        status: row(area.y + area.height.saturating_sub(2)),
        footer: row(area.y + area.height.saturating_sub(1)),
    }
}

/// Is the terminal below the minimum size?
pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// Draws everything.
pub fn view(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    if too_small(area.width, area.height) {
        chrome::too_small(frame, area);
        return;
    }
    let a = areas(area);
    chrome::header(state, frame, a.header);
    if let Some(rule) = a.rule {
        chrome::rule(state, frame, rule);
    }
    match state.screen() {
        Screen::Menu => menu::render(state, frame, a.body),
        Screen::Help { context, scroll } => help::render(state, *context, *scroll, frame, a.body),
        Screen::Diagnostics { scroll } => diagnostics::render(state, *scroll, frame, a.body),
        Screen::KeymapErrors { scroll } => keymap_errors::render(state, *scroll, frame, a.body),
        Screen::CountList | Screen::MismatchCounts => count_list::render(state, frame, a.body),
        Screen::CountScan => count_scan::render(state, frame, a.body),
        Screen::Confirm(c) => confirm::render(state, c, frame, a.body),
        Screen::Mismatches => mismatch::render(state, frame, a.body),
        Screen::MismatchDetails => mismatch_details::render(state, frame, a.body),
        Screen::Choose(c) => choose::render(state, c, frame, a.body),
        Screen::Prompt(p) => prompt::render(state, p, frame, a.body),
        Screen::Lookup => lookup::render(state, frame, a.body),
        Screen::Report => report::render(state, frame, a.body),
    }
    chrome::status(state, frame, a.status);
    chrome::footer(state, frame, a.footer);
}

/// The body area for the state's terminal size.
fn body_for(state: &AppState) -> Rect {
    let (w, h) = state.size;
    areas(Rect::new(0, 0, w, h)).body
}

/// Rows the scrolling part of the top screen has.
pub fn scroll_rows(state: &AppState) -> usize {
    let body = body_for(state);
    match state.screen() {
        Screen::Diagnostics { .. } => diagnostics::scroll_area(body).height as usize,
        Screen::Mismatches => mismatch_page(state),
        Screen::Lookup => lookup::scroll_rows(body),
        Screen::Report => report::visible_rows(body),
        _ => body.height as usize,
    }
}

/// Lines of the mismatch list(s) at the state's size: the page the mark moves within.
pub fn mismatch_page(state: &AppState) -> usize {
    mismatch::layout(body_for(state)).list.max(1)
}

/// How far the top screen can scroll.
pub fn max_scroll(state: &AppState) -> usize {
    let body = body_for(state);
    let lines = match state.screen() {
        Screen::Menu
        | Screen::CountList
        | Screen::CountScan
        | Screen::Confirm(_)
        | Screen::MismatchCounts
        | Screen::Mismatches
        | Screen::Choose(_)
        | Screen::Prompt(_) => return 0,
        Screen::MismatchDetails => mismatch_details::lines(state, body.width).len(),
        Screen::Lookup => lookup::lines(state, body.width).len(),
        Screen::Report => return report::max_scroll(state, body),
        Screen::Help { context, .. } => help::lines(state, *context, body.width).len(),
        Screen::Diagnostics { .. } => diagnostics::scroll_lines(state, body).len(),
        Screen::KeymapErrors { .. } => keymap_errors::lines(state, body.width).len(),
    };
    lines.saturating_sub(scroll_rows(state))
}

/// Draws lines from `scroll` on, clamped so the last page stays full.
fn draw_scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, scroll: usize) {
    let max = lines.len().saturating_sub(area.height as usize);
    let start = scroll.min(max);
    let shown: Vec<Line<'static>> = lines.into_iter().skip(start).collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// Greedy word wrap by characters; words longer than the width are cut.
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = (width as usize).max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0usize;
    for word in text.split(' ') {
        let mut chars: Vec<char> = word.chars().collect();
        let wlen = chars.len();
        if len > 0 && len + 1 + wlen <= width {
            line.push(' ');
            line.extend(chars.iter());
            len += 1 + wlen;
            continue;
        }
        if len > 0 {
            out.push(std::mem::take(&mut line));
        }
        while chars.len() > width {
            let rest = chars.split_off(width);
            out.push(chars.iter().collect());
            chars = rest;
        }
        line.extend(chars.iter());
        len = chars.len();
    }
    if len > 0 || out.is_empty() {
        out.push(line);
    }
    out
}

/// The last `width` characters of `s` (the end of a serial matters most).
pub fn tail(s: &str, width: usize) -> String {
    let n = s.chars().count();
    s.chars().skip(n.saturating_sub(width)).collect()
}

/// Word wrap like [`wrap`], but a word longer than the width (a long serial) keeps its tail
/// on one line instead of being split.
pub fn wrap_keep_tail(text: &str, width: u16) -> Vec<String> {
    let w = (width as usize).max(1);
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.chars().count() > w {
                tail(word, w)
            } else {
                word.to_string()
            }
        })
        .collect();
    wrap(&words.join(" "), width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_words() {
        assert_eq!(
            wrap("Press the number of an entry", 10),
            ["Press the", "number of", "an entry"]
        );
        assert_eq!(wrap("ABCDEFGHIJKL", 5), ["ABCDE", "FGHIJ", "KL"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn long_words_keep_their_tail() {
        assert_eq!(
            wrap_keep_tail("IMEI \"490154203237519\" fails", 10),
            ["IMEI", "154203237519\"", "fails"].map(|s| tail(s, 10))
        );
        assert_eq!(tail("RT00000001", 4), "0001");
        assert_eq!(tail("AB", 4), "AB");
    }

    #[test]
    fn areas_fit() {
        let a = areas(Rect::new(0, 0, 20, 16));
        assert_eq!((a.body.y, a.body.height), (1, 13));
        let a = areas(Rect::new(0, 0, 40, 8));
        assert_eq!(
            (a.body.y, a.body.height, a.status.y, a.footer.y),
            (1, 5, 6, 7)
        );
        let a = areas(Rect::new(0, 0, 80, 24));
        assert_eq!((a.body.y, a.body.height), (2, 20));
    }
}
