//! An entry prompt: the question, then the field (scan or type, then Enter).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::wrap;
use crate::tui::app::AppState;
use crate::tui::ask::Prompt;
use crate::tui::text;

pub(super) fn render(state: &AppState, prompt: &Prompt, frame: &mut Frame, body: Rect) {
    let h = body.height as usize;
    let w = body.width as usize;
    if h == 0 || w == 0 {
        return;
    }
    let mut lines: Vec<Line<'static>> = wrap(&text::prompt_question(prompt), body.width)
        .into_iter()
        .map(Line::from)
        .collect();
    // The field must show even when the question does not fit.
    lines.truncate(h.saturating_sub(1));
    if lines.len() + 2 <= h {
        lines.push(Line::default());
    }
    let label = text::prompt_label(prompt);
    let fw = w.saturating_sub(label.len() + 1);
    let (field_text, cursor) = state
        .field
        .display(fw, &state.theme, state.config.gs_substitute);
    let field_row = lines.len();
    lines.push(Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled(format!("{field_text:<fw$}"), state.theme.field()),
    ]));
    // A refusal longer than the status line is shown here in full.
    if let Some(st) = state.status.as_ref().filter(|st| st.error) {
        if st.text.chars().count() > w && lines.len() + 2 < h {
            lines.push(Line::default());
            let room = h - lines.len();
            lines.extend(
                super::wrap_keep_tail(&st.text, body.width)
                    .into_iter()
                    .take(room)
                    .map(Line::from),
            );
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
    if state.code.is_none() && fw > 0 && field_row < h {
        let x = body.x + (label.len() + 1) as u16 + (cursor as u16).min(fw as u16 - 1);
        frame.set_cursor_position((x, body.y + field_row as u16));
    }
}
