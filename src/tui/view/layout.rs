//! The frame's layout and the text helpers every view shares (wrapping, cutting, scrolling).
//! A leaf: it names no screen, so the screens' views take their helpers from here.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// Draws lines from `scroll` on, clamped so the last page stays full.
pub fn draw_scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, scroll: usize) {
    let max = lines.len().saturating_sub(area.height as usize);
    let start = scroll.min(max);
    let shown: Vec<Line<'static>> = lines.into_iter().skip(start).collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// Greedy word wrap by terminal columns (a CJK character or an emoji takes two); words wider
/// than the width are cut, never inside a character.
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = (width as usize).max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0usize;
    for word in text.split(' ') {
        let wlen = word.width();
        if len > 0 && len + 1 + wlen <= width {
            line.push(' ');
            line.push_str(word);
            len += 1 + wlen;
            continue;
        }
        if len > 0 {
            out.push(std::mem::take(&mut line));
        }
        len = 0;
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if len > 0 && len + cw > width {
                out.push(std::mem::take(&mut line));
                len = 0;
            }
            line.push(c);
            len += cw;
        }
    }
    if len > 0 || !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The first `width` characters of `s` (the start of a reason says what it is about).
pub fn head(s: &str, width: usize) -> String {
    s.chars().take(width).collect()
}

/// A row of exactly `w` characters: `s` padded, or, when longer, cut and marked with "..."
/// (as the status line marks a cut): after the last whole word that fits when that keeps at
/// least half the row, else where the row ends, so a cut never passes for the whole text.
pub fn fit(s: &str, w: usize) -> String {
    const MORE: &str = "...";
    let n = s.chars().count();
    if n <= w {
        return format!("{s:<w$}");
    }
    if w <= MORE.len() {
        return s.chars().take(w).collect();
    }
    let room = w - MORE.len();
    let head: String = s.chars().take(room + 1).collect();
    // The last space at or before `room` ends the last whole word that fits.
    let cut = head
        .char_indices()
        .filter(|(i, c)| *c == ' ' && head[..*i].chars().count() <= room)
        .map(|(i, _)| i)
        .next_back()
        .filter(|i| head[..*i].chars().count() * 2 >= room);
    let kept: String = match cut {
        Some(i) => head[..i].trim_end().to_string(),
        None => s.chars().take(room).collect(),
    };
    format!("{kept}{MORE:<0$}", w - kept.chars().count())
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
    fn fit_pads_or_cuts_after_a_whole_word() {
        assert_eq!(fit("Aisle A", 10), "Aisle A   ");
        assert_eq!(
            fit("on sale S-2026-0001 (X-2026-0001)", 24),
            "on sale S-2026-0001...  "
        );
        assert_eq!(fit("#1 replace-on-sale done", 20), "#1 replace-on-sal...");
        assert_eq!(fit("RT-AX55-LONG-SKU-NAME", 10), "RT-AX55...");
        assert_eq!(fit("abcdef", 2), "ab");
        for w in 0..30 {
            assert_eq!(fit("one two three four five six", w).chars().count(), w);
        }
    }

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
    fn wide_characters_take_two_columns() {
        // "日本" is four columns: with a space and "has" it is eight, one more than seven.
        assert_eq!(wrap("日本 has", 7), ["日本", "has"]);
        assert_eq!(wrap("日本 has", 8), ["日本 has"]);
        // A wide word is cut between characters, each line within the width.
        assert_eq!(wrap("日本語🦀", 5), ["日本", "語🦀"]);
        for line in wrap("SN \"ñandú-日本🦀\" has \"ñ\", no serial character", 20) {
            assert!(line.width() <= 20, "{line}");
        }
    }

    #[test]
    fn long_words_keep_their_tail() {
        assert_eq!(
            wrap_keep_tail("IMEI \"490154203237519\" fails", 10),
            ["IMEI", "154203237519\"", "fails"].map(|s| tail(s, 10))
        );
        assert_eq!(tail("RT00000001", 4), "0001");
        assert_eq!(head("IMEI fails", 4), "IMEI");
        assert_eq!(head("AB", 4), "AB");
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
