//! The scan field (on top of tui-input): what a scanner or the keyboard types. A scan replaces
//! the field's content (after a scan ends the text stays visible, and the next character
//! starts afresh); the Ctrl+'4'..'7' events crossterm makes of bytes 0x1C-0x1F are turned back
//! into those bytes; Enter, CR LF, LF and Tab end a scan as configured.

use tui_input::{Input, InputRequest};

use super::keys::{Key, KeyPress};
use super::profile::Theme;
use crate::config::Terminator;

/// What the field did with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldOutcome {
    /// The text or cursor changed.
    Edited,
    /// A terminator ended the entry; here is the text (may be empty).
    Submitted(String),
    /// The LF of a CR LF pair, swallowed.
    Swallowed,
    /// Not a key for the field.
    NotMine,
}

/// A single-line entry field for scans and typed input.
#[derive(Clone, Debug, Default)]
pub struct ScanField {
    input: Input,
    /// The shown text is a finished entry: the next character replaces it.
    stale: bool,
    /// The previous key was a CR that ended an entry (for CR LF).
    after_cr: bool,
}

impl ScanField {
    /// An empty field.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current text (control bytes included).
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Is the shown text a finished entry that the next character replaces?
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.input.reset();
        self.stale = false;
        self.after_cr = false;
    }

    fn insert(&mut self, c: char) {
        if self.stale {
            self.input.reset();
            self.stale = false;
        }
        self.input.handle(InputRequest::InsertChar(c));
    }

    fn edit(&mut self, req: InputRequest) {
        self.stale = false;
        self.input.handle(req);
    }

    /// Handles a key.
    pub fn handle_key(&mut self, k: &KeyPress, terminators: &[Terminator]) -> FieldOutcome {
        let has = |t: Terminator| terminators.contains(&t);
        let after_cr = std::mem::take(&mut self.after_cr);
        if let Some(byte) = k.separator_byte() {
            self.insert(byte);
            return FieldOutcome::Edited;
        }
        if k.is_line_feed() {
            if after_cr && has(Terminator::CrLf) {
                return FieldOutcome::Swallowed;
            }
            if has(Terminator::Lf) {
                return self.submit();
            }
            return FieldOutcome::NotMine;
        }
        if k.is_backspace() {
            self.edit(InputRequest::DeletePrevChar);
            return FieldOutcome::Edited;
        }
        if k.ctrl || k.alt {
            return FieldOutcome::NotMine;
        }
        match k.key {
            Key::Enter if has(Terminator::Enter) || has(Terminator::CrLf) => {
                self.after_cr = true;
                self.submit()
            }
            Key::Tab if has(Terminator::Tab) => self.submit(),
            Key::Delete => {
                self.edit(InputRequest::DeleteNextChar);
                FieldOutcome::Edited
            }
            Key::Left => {
                self.edit(InputRequest::GoToPrevChar);
                FieldOutcome::Edited
            }
            Key::Right => {
                self.edit(InputRequest::GoToNextChar);
                FieldOutcome::Edited
            }
            Key::Home => {
                self.edit(InputRequest::GoToStart);
                FieldOutcome::Edited
            }
            Key::End => {
                self.edit(InputRequest::GoToEnd);
                FieldOutcome::Edited
            }
            Key::Char(c) if !c.is_control() => {
                self.insert(c);
                FieldOutcome::Edited
            }
            _ => FieldOutcome::NotMine,
        }
    }

    fn submit(&mut self) -> FieldOutcome {
        if self.stale {
            // A terminator on a finished entry: nothing new was entered.
            return FieldOutcome::Submitted(String::new());
        }
        let value = self.input.value().to_string();
        if !value.is_empty() {
            self.stale = true;
            self.input.handle(InputRequest::GoToEnd);
        }
        FieldOutcome::Submitted(value)
    }

    /// The text to show in `width` columns and the cursor column: control bytes as glyphs,
    /// and if it does not fit, the tail stays visible (the end of a serial matters most).
    pub fn display(
        &self,
        width: usize,
        theme: &Theme,
        gs_substitute: Option<char>,
    ) -> (String, usize) {
        let shown: Vec<char> = self
            .value()
            .chars()
            .map(|c| {
                if c.is_control() {
                    theme.control_glyph(c, gs_substitute)
                } else {
                    c
                }
            })
            .collect();
        if width == 0 {
            return (String::new(), 0);
        }
        let cursor = self.input.cursor().min(shown.len());
        // Keep the cursor visible, preferring to show the tail.
        let start = if shown.len() < width {
            0
        } else {
            let tail_start = shown.len() + 1 - width;
            tail_start.min(cursor)
        };
        let end = (start + width).min(shown.len());
        let text: String = shown[start..end].iter().collect();
        (text, cursor - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::parse_script;
    use crate::tui::profile::Profile;

    const DEFAULT: [Terminator; 3] = [Terminator::Enter, Terminator::CrLf, Terminator::Tab];

    fn feed(f: &mut ScanField, script: &str, terms: &[Terminator]) -> Vec<FieldOutcome> {
        parse_script(script)
            .unwrap()
            .iter()
            .map(|k| f.handle_key(k, terms))
            .filter(|o| *o != FieldOutcome::Edited)
            .collect()
    }

    #[test]
    fn a_scan_replaces_the_previous_one() {
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "SN-1<enter>", &DEFAULT),
            [FieldOutcome::Submitted("SN-1".into())]
        );
        assert_eq!(f.value(), "SN-1");
        assert!(f.is_stale());
        assert_eq!(
            feed(&mut f, "SN-2<enter>", &DEFAULT),
            [FieldOutcome::Submitted("SN-2".into())]
        );
    }

    #[test]
    fn editing_a_finished_entry_keeps_it() {
        let mut f = ScanField::new();
        feed(&mut f, "SN-1<enter><backspace>2", &DEFAULT);
        assert_eq!(f.value(), "SN-2");
    }

    #[test]
    fn group_separators_come_back_as_bytes() {
        let mut f = ScanField::new();
        let out = feed(
            &mut f,
            "0109501101530003<gs>21ABC<ctrl-4><ctrl-6><ctrl-7><enter>",
            &DEFAULT,
        );
        assert_eq!(
            out,
            [FieldOutcome::Submitted(
                "0109501101530003\x1d21ABC\x1c\x1e\x1f".into()
            )]
        );
    }

    #[test]
    fn terminators_are_configurable() {
        let mut f = ScanField::new();
        // CR LF: the LF is swallowed, no empty second scan.
        assert_eq!(
            feed(&mut f, "A<enter><lf>", &DEFAULT),
            [FieldOutcome::Submitted("A".into()), FieldOutcome::Swallowed]
        );
        // Tab ends a scan by default; not when switched off.
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "B<tab>", &DEFAULT),
            [FieldOutcome::Submitted("B".into())]
        );
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "B<tab>", &[Terminator::Enter]),
            [FieldOutcome::NotMine]
        );
        // LF alone.
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "C<lf>", &[Terminator::Lf]),
            [FieldOutcome::Submitted("C".into())]
        );
        let mut f = ScanField::new();
        assert_eq!(feed(&mut f, "C<lf>", &DEFAULT), [FieldOutcome::NotMine]);
        // Enter switched off.
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "D<enter>", &[Terminator::Tab]),
            [FieldOutcome::NotMine]
        );
    }

    #[test]
    fn ctrl_h_is_backspace_and_function_keys_are_not_mine() {
        let mut f = ScanField::new();
        assert_eq!(
            feed(&mut f, "AB<ctrl-h><f1>", &DEFAULT),
            [FieldOutcome::NotMine]
        );
        assert_eq!(f.value(), "A");
    }

    #[test]
    fn display_keeps_the_tail_and_shows_separators() {
        let theme = Theme::new(Profile::Vt, false);
        let mut f = ScanField::new();
        feed(&mut f, "0123456789<gs>ABCDEF", &DEFAULT);
        let (text, cursor) = f.display(8, &theme, None);
        assert_eq!(text, "~ABCDEF");
        assert_eq!(cursor, 7);
        let (text, _) = f.display(40, &theme, Some('#'));
        assert_eq!(text, "0123456789#ABCDEF");
        feed(&mut f, "<home>", &DEFAULT);
        let (text, cursor) = f.display(8, &theme, None);
        assert_eq!((text.as_str(), cursor), ("01234567", 0));
    }
}
