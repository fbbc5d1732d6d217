//! The shared frame: header (title), rule, status line, the footer drawn from the hints the
//! top screen supplies, and the "too small" notice.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::layout::{tail, wrap, MIN_HEIGHT, MIN_WIDTH};
use crate::tui::app::AppState;
use crate::tui::keymap::KeyCommand;
use crate::tui::screens::{kind, Hint};
use crate::tui::text;

pub(super) fn header(state: &AppState, frame: &mut Frame, area: Rect) {
    let style = state.theme.header();
    let w = area.width as usize;
    let title = crate::tui::screens::title(state);
    let left = if w >= 40 {
        format!(" {}: {}", text::APP_NAME, title)
    } else {
        format!(" {title}")
    };
    let time = state.now.format("%H:%M").to_string();
    // While the server does not answer, what a screen shows of shared data is as it was:
    // said instead of the time, and never cut.
    let stale = crate::tui::live::showing_stale(state);
    let right = if stale {
        format!("{} ", text::NOT_CURRENT)
    } else if state.busy() {
        // Waiting for the service: said instead of the time, and never cut.
        format!("{} ", text::WORKING)
    } else if w >= 60 && !state.session.user.is_empty() {
        format!("{}  {} ", state.session.user, time)
    } else {
        format!("{time} ")
    };
    let llen = left.chars().count();
    let rlen = right.chars().count();
    let line = if llen + rlen < w {
        format!("{left}{}{right}", " ".repeat(w - llen - rlen))
    } else if state.busy() || stale {
        // The title is cut, a space before what the right says.
        let room = w.saturating_sub(rlen + 1);
        let cut: String = left.chars().take(room).collect();
        format!("{cut:<room$} {right}")
    } else {
        format!("{left:<w$}")
    };
    frame.render_widget(Paragraph::new(Line::from(Span::styled(line, style))), area);
}

pub(super) fn rule(state: &AppState, frame: &mut Frame, area: Rect) {
    let line = state.theme.rule().repeat(area.width as usize);
    frame.render_widget(Paragraph::new(line), area);
}

/// The status line. A message longer than the line wraps upwards over the bottom of the body
/// (at most half of it), so it is read whole on a 20-column screen; what still does not fit
/// ends in "...".
pub(super) fn status(state: &AppState, frame: &mut Frame, area: Rect, body: Rect) {
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
    let Some(st) = state.status_here() else {
        return;
    };
    let style = if st.error {
        state.theme.error()
    } else {
        state.theme.info()
    };
    let screen = state.screen();
    let one_line = kind(screen).shows_status(state, screen);
    let room = 1 + (body.height / 2) as usize;
    let lines = status_lines(&st.text, area.width, if one_line { 1 } else { room });
    let rows = lines.len().max(1) as u16;
    let top = area.y.saturating_sub(rows - 1);
    let shown: Vec<Line<'static>> = lines
        .into_iter()
        .map(|l| {
            // An error is a reverse-video block the width of the screen.
            let l = if st.error { format!("{l:<w$}") } else { l };
            Line::from(Span::styled(l, style))
        })
        .collect();
    let over = Rect::new(area.x, top, area.width, rows);
    frame.render_widget(ratatui::widgets::Clear, over);
    frame.render_widget(Paragraph::new(shown), over);
}

/// A status message in at most `room` rows of `width`: wrapped, and when it still does not
/// fit, cut with "..." at the end of the last row.
fn status_lines(text: &str, width: u16, room: usize) -> Vec<String> {
    let w = width as usize;
    let mut lines = wrap(text, width);
    let words_fit = text.split(' ').all(|word| word.chars().count() <= w);
    if lines.len() > room || !words_fit {
        // The last row takes the rest of the message, cut.
        let room = room.max(1);
        let rest = lines.split_off(room - 1).join(" ");
        let keep: String = rest.chars().take(w.saturating_sub(3)).collect();
        lines.push(format!("{}...", keep.trim_end()));
    }
    lines
}

/// (key label, command label) pairs for the footer: what the top screen supplies.
fn hints(state: &AppState) -> Vec<Hint> {
    let screen = state.screen();
    kind(screen).hints(state, screen)
}

pub(super) fn footer(state: &AppState, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let gap = if w >= 40 { "  " } else { " " };
    let all = hints(state);
    let kept = fitting(&all, w, gap.len());
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (i, (key, label)) in all.into_iter().enumerate() {
        if !kept[i] {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::raw(gap));
        }
        spans.push(Span::styled(key, state.theme.key()));
        spans.push(Span::raw(format!(" {label}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Which hints fit in `width`: first the help key (it lists every key of the screen, so
/// nothing is out of reach on a narrow one), then the others in their order (each screen
/// puts its most needed first) as room allows.
fn fitting(all: &[Hint], width: usize, gap: usize) -> Vec<bool> {
    let essential = [text::command_label(KeyCommand::Help)];
    let mut kept = vec![false; all.len()];
    let mut used = 0usize;
    for first in [true, false] {
        for (i, (key, label)) in all.iter().enumerate() {
            if kept[i] || essential.contains(label) != first {
                continue;
            }
            let sep = if used == 0 { 0 } else { gap };
            let len = sep + key.chars().count() + 1 + label.chars().count();
            if used + len <= width {
                kept[i] = true;
                used += len;
            }
        }
    }
    kept
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(pairs: &[(&str, &'static str)]) -> Vec<Hint> {
        pairs.iter().map(|(k, l)| (k.to_string(), *l)).collect()
    }

    #[test]
    fn the_help_key_always_fits_and_the_rest_follow_in_order() {
        let all = hints(&[
            ("PF4", "Finish"),
            ("F8", "Undo"),
            ("PF2", "Location"),
            ("PF1", "Help"),
        ]);
        // 20 columns: "PF4 Finish PF1 Help" (19).
        assert_eq!(fitting(&all, 20, 1), [true, false, false, true]);
        // Too narrow for Finish too: Help still.
        assert_eq!(fitting(&all, 12, 1), [false, false, false, true]);
        // Room for all.
        assert_eq!(fitting(&all, 80, 2), [true; 4]);
        // A later short hint fills a gap a long one left.
        let all = hints(&[
            ("Down", "More"),
            ("F6", "Actions"),
            ("0", "Back"),
            ("?", "Help"),
        ]);
        assert_eq!(fitting(&all, 23, 1), [true, false, true, true]);
    }

    #[test]
    fn a_long_message_wraps_and_only_what_has_no_room_is_cut() {
        let text = "SN \"RT99999999\" is unknown: never received, sold or counted here";
        assert_eq!(
            status_lines(text, 20, 7),
            [
                "SN \"RT99999999\" is",
                "unknown: never",
                "received, sold or",
                "counted here"
            ]
        );
        assert_eq!(
            status_lines(text, 20, 2),
            ["SN \"RT99999999\" is", "unknown: never re..."]
        );
        assert_eq!(status_lines(text, 20, 1), ["SN \"RT99999999\" i..."]);
        assert_eq!(status_lines("Saved", 20, 7), ["Saved"]);
    }
}
