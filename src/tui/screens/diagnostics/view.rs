//! The diagnostics screen, for setting up a new device type on site: a scan test field and the
//! newest key at the top, then TERM, size, profile, keymap, user, database, how it is reached
//! (through a server, on which socket, or opened here), service, time,
//! scan settings, and the last keys with their bytes. Key bytes are rebuilt from the key code
//! (crossterm does not hand out raw input); scans show their real characters, GS included.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::keymap::Trigger;
use crate::tui::keys::{hex, KeyPress};
use crate::tui::view::layout::{draw_scrolled, wrap};

const PINNED: u16 = 2;

fn wide(body: Rect) -> bool {
    body.width >= 70
}

/// The scrolling part of the body.
pub(crate) fn scroll_area(body: Rect) -> Rect {
    let pinned = PINNED.min(body.height);
    let rest = Rect::new(body.x, body.y + pinned, body.width, body.height - pinned);
    if wide(body) {
        Rect {
            width: body.width / 2,
            ..rest
        }
    } else {
        rest
    }
}

fn key_line(state: &AppState, k: &KeyPress) -> String {
    let label = state.keymap.trigger_label(&Trigger::Key(*k));
    format!("{label:<6} {}", k.hex())
}

fn item(out: &mut Vec<Line<'static>>, label: &str, value: &str, width: u16) {
    let w = width as usize;
    if label.len() + 1 + value.chars().count() <= w {
        out.push(Line::from(format!("{label} {value}")));
    } else {
        out.push(Line::from(label.to_string()));
        for l in wrap_at_folders(value, w.saturating_sub(1).max(1)) {
            out.push(Line::from(format!(" {l}")));
        }
    }
}

/// Lines of at most `w` characters that break a value after its spaces and after each '/' of
/// a path (`/var/lib/tallyman/` then `main.db`), never inside a name that fits on a line.
fn wrap_at_folders(value: &str, w: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in value.split_inclusive(['/', ' ']) {
        let n = piece.chars().count();
        if line.chars().count() + n > w && !line.is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
        }
        let mut rest: Vec<char> = piece.chars().collect();
        while rest.len() > w {
            lines.push(rest.drain(..w).collect());
        }
        line.extend(rest);
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

fn key_history(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        words::DIAG_KEYS.to_string(),
        state.theme.heading(),
    ))];
    for k in &state.last_keys {
        out.push(Line::from(key_line(state, k)));
    }
    for l in wrap(words::DIAG_BYTES_NOTE, width) {
        out.push(Line::from(l));
    }
    out
}

/// The lines of the scrolling part.
pub(crate) fn scroll_lines(state: &AppState, body: Rect) -> Vec<Line<'static>> {
    let width = scroll_area(body).width;
    let mut out: Vec<Line<'static>> = Vec::new();
    if let Some(scan) = &state.last_scan {
        let shown: String = scan
            .chars()
            .map(|c| {
                if c.is_control() {
                    state.theme.control_glyph(c, state.config.gs_substitute)
                } else {
                    c
                }
            })
            .collect();
        item(&mut out, words::DIAG_LAST_SCAN, &shown, width);
        item(&mut out, words::DIAG_BYTES, &hex(scan.as_bytes()), width);
    }
    let (w, h) = state.size;
    let profile =
        if state.theme.profile == crate::tui::profile::Profile::Full && !state.theme.colour {
            format!("{}, {}", state.theme.profile.name(), words::DIAG_NO_COLOUR)
        } else {
            state.theme.profile.name().to_string()
        };
    let keymap = format!(
        "{} ({})",
        state.keymap.name(),
        state.keymap_info.source.name()
    );
    let service = state
        .service
        .clone()
        .unwrap_or_else(|| words::DIAG_ASKING.to_string());
    let ends: Vec<&str> = state
        .config
        .scan_terminators
        .iter()
        .map(|t| t.name())
        .collect();
    let gs = state
        .theme
        .control_glyph('\x1d', state.config.gs_substitute)
        .to_string();
    let term = if state.session.term.is_empty() {
        "-".to_string()
    } else {
        state.session.term.clone()
    };
    let via = match &state.session.link {
        Some(socket) => words::via_server(socket),
        None => words::VIA_ITSELF.to_string(),
    };
    let items: [(&str, String); 12] = [
        (words::DIAG_TERM, term),
        (words::DIAG_SIZE, format!("{w}x{h}")),
        (words::DIAG_PROFILE, profile),
        (words::DIAG_KEYMAP, keymap),
        (words::DIAG_USER, state.session.user.clone()),
        (words::DIAG_DB, state.session.db_label.clone()),
        (words::DIAG_VIA, via),
        (words::DIAG_SERVICE, service),
        (
            words::DIAG_TIME,
            state.now.format("%Y-%m-%d %H:%M").to_string(),
        ),
        (
            words::DIAG_BELL,
            if state.config.bell {
                words::ON
            } else {
                words::OFF
            }
            .to_string(),
        ),
        (words::DIAG_ENDS, ends.join(" ")),
        (words::DIAG_GS, gs),
    ];
    for (label, value) in items {
        item(&mut out, label, &value, width);
    }
    if !wide(body) {
        out.push(Line::default());
        out.extend(key_history(state, width));
    }
    out
}

pub(crate) fn render(state: &AppState, scroll: usize, frame: &mut Frame, body: Rect) {
    if body.height == 0 {
        return;
    }
    // Row 1: the scan field.
    let label = words::DIAG_SCAN;
    let fx = body.x + label.len() as u16 + 1;
    let fw = body.width.saturating_sub(label.len() as u16 + 1);
    let (shown, cursor) =
        state
            .field
            .display(fw as usize, &state.theme, state.config.gs_substitute);
    let line = Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled(format!("{shown:<w$}", w = fw as usize), state.theme.field()),
    ]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..body });
    if state.code.is_none() && fw > 0 {
        frame.set_cursor_position((fx + (cursor as u16).min(fw - 1), body.y));
    }
    // Row 2: the newest key.
    if body.height >= 2 {
        let newest = match state.last_keys.front() {
            Some(k) => key_line(state, k),
            None => words::DIAG_PRESS_A_KEY.to_string(),
        };
        let line = format!("{} {newest}", words::DIAG_KEY);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y: body.y + 1,
                height: 1,
                ..body
            },
        );
    }
    let area = scroll_area(body);
    draw_scrolled(frame, area, scroll_lines(state, body), scroll);
    if wide(body) {
        let right = Rect {
            x: area.x + area.width + 1,
            width: body.width - area.width - 1,
            ..area
        };
        frame.render_widget(Paragraph::new(key_history(state, right.width)), right);
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_at_folders;

    #[test]
    fn a_long_path_wraps_at_its_folders() {
        assert_eq!(
            wrap_at_folders("/var/lib/tallyman/main.db", 19),
            ["/var/lib/tallyman/", "main.db"]
        );
        assert_eq!(
            wrap_at_folders("/srv/x (journal entry 9)", 19),
            ["/srv/x (journal", "entry 9)"]
        );
        assert_eq!(wrap_at_folders("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_at_folders("", 4), [""]);
    }
}
