//! A numbered choice: the question, then one option per line (`1=Damaged`). A digit answers.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::wrap;
use crate::tui::app::AppState;
use crate::tui::ask::Choice;
use crate::tui::text;

pub(super) fn render(state: &AppState, choice: &Choice, frame: &mut Frame, body: Rect) {
    let options = text::choice_options(choice);
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
    let mut lines: Vec<Line<'static>> = wrap(&text::choice_question(choice), body.width)
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
