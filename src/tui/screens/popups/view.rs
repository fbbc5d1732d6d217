//! The popups' views: a numbered choice (the question, then one option per line,
//! `1=Damaged`; a digit answers), a destructive step's question with its numbered answers
//! (`1=Yes 2=No`), and an entry prompt (the question and a scan field).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::words;
use crate::tui::app::AppState;
use crate::tui::screens::popups::state::Choice;
use crate::tui::screens::popups::state::Confirm;
use crate::tui::screens::popups::state::Prompt;
use crate::tui::view::layout::wrap;

pub(crate) fn render_choice(state: &AppState, choice: &Choice, frame: &mut Frame, body: Rect) {
    let options = words::choice_options(choice);
    let h = body.height as usize;
    // Each option on its own line; a long one goes on under itself, indented.
    let mut option_lines: Vec<Line<'static>> = Vec::new();
    for (i, o) in options.iter().enumerate() {
        let first = format!("{}={o}", i + 1);
        for (j, l) in wrap(&first, body.width).into_iter().enumerate() {
            if j == 0 {
                let rest = l
                    .split_once('=')
                    .map_or(String::new(), |(_, r)| r.to_string());
                option_lines.push(Line::from(vec![
                    Span::styled(format!("{}", i + 1), state.theme.key()),
                    Span::raw(format!("={rest}")),
                ]));
            } else {
                option_lines.push(Line::from(format!("  {l}")));
            }
        }
    }
    let mut lines: Vec<Line<'static>> = wrap(&words::choice_question(choice), body.width)
        .into_iter()
        .map(Line::from)
        .collect();
    // The options must show even when the question does not fit.
    lines.truncate(h.saturating_sub(option_lines.len()).max(1));
    if lines.len() + 1 + option_lines.len() <= h {
        lines.push(Line::default());
    }
    lines.extend(option_lines);
    frame.render_widget(Paragraph::new(lines), body);
}

pub(crate) fn render_confirm(state: &AppState, confirm: &Confirm, frame: &mut Frame, body: Rect) {
    let question = match confirm {
        Confirm::CancelCount { id, name } => words::confirm_cancel(*id, name),
        Confirm::PostCount {
            id,
            name,
            counted_bins_only: false,
        } => words::confirm_post(*id, name),
        Confirm::PostCount { id, name, .. } => words::confirm_post_bins(*id, name),
        Confirm::Bulk { change, .. } => words::confirm_fix(change),
        Confirm::Replace { old, new } => words::confirm_replace(old, new),
        Confirm::Fix { change, .. } => words::confirm_fix(change),
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
        words::CONFIRM_CHOICES.to_string(),
        state.theme.headline(),
    )));
    frame.render_widget(Paragraph::new(lines), body);
}

pub(crate) fn render_prompt(state: &AppState, prompt: &Prompt, frame: &mut Frame, body: Rect) {
    let h = body.height as usize;
    let w = body.width as usize;
    if h == 0 || w == 0 {
        return;
    }
    let mut lines: Vec<Line<'static>> = wrap(&words::prompt_question(prompt), body.width)
        .into_iter()
        .map(Line::from)
        .collect();
    // The field must show even when the question does not fit.
    lines.truncate(h.saturating_sub(1));
    if lines.len() + 2 <= h {
        lines.push(Line::default());
    }
    let label = words::prompt_label(prompt);
    let fw = w.saturating_sub(label.len() + 1);
    let (field_text, cursor) = state
        .field
        .display(fw, &state.theme, state.config.gs_substitute);
    let field_row = lines.len();
    lines.push(Line::from(vec![
        Span::raw(format!("{label} ")),
        Span::styled(format!("{field_text:<fw$}"), state.theme.field()),
    ]));
    frame.render_widget(Paragraph::new(lines), body);
    if state.code.is_none() && fw > 0 && field_row < h {
        let x = body.x + (label.len() + 1) as u16 + (cursor as u16).min(fw as u16 - 1);
        frame.set_cursor_position((x, body.y + field_row as u16));
    }
}
