//! A destructive step's question with its numbered answers (`1=Yes 2=No`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::wrap;
use crate::tui::app::AppState;
use crate::tui::count::Confirm;
use crate::tui::text;

pub(super) fn render(state: &AppState, confirm: &Confirm, frame: &mut Frame, body: Rect) {
    let question = match confirm {
        Confirm::CancelCount { id, name } => text::confirm_cancel(*id, name),
        Confirm::PostCount { id, name } => text::confirm_post(*id, name),
        Confirm::Replace { old, new } => text::confirm_replace(old, new),
    };
    let mut lines: Vec<Line<'static>> = wrap(&question, body.width)
        .into_iter()
        .map(Line::from)
        .collect();
    // The choices must show even when the question does not fit.
    let keep = (body.height as usize).saturating_sub(2).max(1);
    lines.truncate(keep);
    if lines.len() + 2 <= body.height as usize {
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        text::CONFIRM_CHOICES.to_string(),
        state.theme.headline(),
    )));
    frame.render_widget(Paragraph::new(lines), body);
}
