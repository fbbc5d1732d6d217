//! Key names <-> key events: `<f1>`-style names for keymap files and key scripts, short labels
//! for the screen, conversion from crossterm events, and the bytes a terminal sends for a key.

use std::fmt;

use crate::domain::limits::clipped;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key without modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A character (letters keep their case; Shift is folded into the character).
    Char(char),
    /// Enter / Return (CR).
    Enter,
    /// Tab.
    Tab,
    /// Shift+Tab.
    BackTab,
    /// Backspace (DEL 0x7F on most terminals).
    Backspace,
    /// Delete (Remove on a VT220).
    Delete,
    /// Insert (Insert Here on a VT220).
    Insert,
    /// Escape (bare Esc is unreliable over terminal-emulation links).
    Esc,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Home (Find on a VT220).
    Home,
    /// End (Select on a VT220).
    End,
    /// Page up (Prev Screen on a VT220).
    PageUp,
    /// Page down (Next Screen on a VT220).
    PageDown,
    /// Function key F1..F24 (PF1..PF4 on VT terminals arrive as F1..F4).
    F(u8),
}

/// A key with its modifiers, as the app sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPress {
    /// The key.
    pub key: Key,
    /// Control held.
    pub ctrl: bool,
    /// Alt (Meta, ESC prefix) held.
    pub alt: bool,
    /// Shift held (only kept for non-character keys).
    pub shift: bool,
}

impl KeyPress {
    /// A key without modifiers.
    pub const fn plain(key: Key) -> Self {
        Self {
            key,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    /// A character key without modifiers.
    pub const fn char(c: char) -> Self {
        Self::plain(Key::Char(c))
    }

    /// Ctrl + a character.
    pub const fn ctrl(c: char) -> Self {
        Self {
            key: Key::Char(c),
            ctrl: true,
            alt: false,
            shift: false,
        }
    }

    /// The printable character this key types, if it types one (no Ctrl/Alt).
    pub fn printable(&self) -> Option<char> {
        match self.key {
            Key::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }

    /// A function key, Esc, or anything with Ctrl or Alt: keys that terminal-emulation links
    /// and handheld keyboards do not deliver reliably. Every action needs another path too.
    pub fn is_unreliable(&self) -> bool {
        self.ctrl || self.alt || matches!(self.key, Key::F(_) | Key::Esc)
    }

    /// Ctrl-S / Ctrl-Q: XOFF/XON flow control on serial and TE links, never bindable.
    pub fn is_flow_control(&self) -> bool {
        self.ctrl && !self.alt && matches!(self.key, Key::Char('s' | 'q'))
    }

    /// The control byte 0x1C..0x1F that crossterm reports as Ctrl+'4'..'7' (FS, GS, RS, US):
    /// scanners send GS between GS1 fields.
    pub fn separator_byte(&self) -> Option<char> {
        match self.key {
            Key::Char(c @ '4'..='7') if self.ctrl && !self.alt => {
                char::from_u32(0x1C + (c as u32 - '4' as u32))
            }
            _ => None,
        }
    }

    /// LF, which crossterm reports as Ctrl+J in raw mode.
    pub fn is_line_feed(&self) -> bool {
        self.ctrl && !self.alt && self.key == Key::Char('j')
    }

    /// BS (0x08), which crossterm reports as Ctrl+H; treated as Backspace in fields.
    pub fn is_backspace(&self) -> bool {
        self.key == Key::Backspace || (self.ctrl && !self.alt && self.key == Key::Char('h'))
    }

    /// Converts a crossterm key event; `None` for key releases.
    pub fn from_crossterm(ev: KeyEvent) -> Option<Self> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let m = ev.modifiers;
        let ctrl = m.contains(KeyModifiers::CONTROL);
        let alt = m.contains(KeyModifiers::ALT);
        let shift = m.contains(KeyModifiers::SHIFT);
        let key = match ev.code {
            KeyCode::Char(c) => {
                let c = if ctrl { c.to_ascii_lowercase() } else { c };
                return Some(Self {
                    key: Key::Char(c),
                    ctrl,
                    alt,
                    shift: false,
                });
            }
            KeyCode::Enter => Key::Enter,
            KeyCode::Tab => Key::Tab,
            KeyCode::BackTab => {
                return Some(Self {
                    key: Key::BackTab,
                    ctrl,
                    alt,
                    shift: false,
                })
            }
            KeyCode::Backspace => Key::Backspace,
            KeyCode::Delete => Key::Delete,
            KeyCode::Insert => Key::Insert,
            KeyCode::Esc => Key::Esc,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Left => Key::Left,
            KeyCode::Right => Key::Right,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            KeyCode::F(n) => Key::F(n),
            // NUL arrives as Ctrl+Space; other codes (media keys, keypad begin...) are ignored.
            _ => return None,
        };
        Some(Self {
            key,
            ctrl,
            alt,
            shift,
        })
    }

    /// The inverse of [`KeyPress::from_crossterm`], for tests that feed the real event path.
    pub fn to_crossterm(&self) -> KeyEvent {
        let mut m = KeyModifiers::empty();
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        if self.shift {
            m |= KeyModifiers::SHIFT;
        }
        let code = match self.key {
            Key::Char(c) => KeyCode::Char(c),
            Key::Enter => KeyCode::Enter,
            Key::Tab => KeyCode::Tab,
            Key::BackTab => KeyCode::BackTab,
            Key::Backspace => KeyCode::Backspace,
            Key::Delete => KeyCode::Delete,
            Key::Insert => KeyCode::Insert,
            Key::Esc => KeyCode::Esc,
            Key::Up => KeyCode::Up,
            Key::Down => KeyCode::Down,
            Key::Left => KeyCode::Left,
            Key::Right => KeyCode::Right,
            Key::Home => KeyCode::Home,
            Key::End => KeyCode::End,
            Key::PageUp => KeyCode::PageUp,
            Key::PageDown => KeyCode::PageDown,
            Key::F(n) => KeyCode::F(n),
        };
        KeyEvent::new(code, m)
    }

    /// Parses a key name as written in keymap files: a single character (`1`, `?`), or a name
    /// in angle brackets with optional `ctrl-`/`alt-`/`shift-` prefixes (`<f1>`, `<enter>`,
    /// `<ctrl-l>`, `<space>`, `<lt>`). Script aliases: `<cr>`, `<lf>`, `<fs>`, `<gs>`,
    /// `<rs>`, `<us>`, `<bs>`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c != '<' || s == "<" => {
                if c.is_control() {
                    return Err(format!("control character {:?} must be named", c));
                }
                return Ok(Self::char(c));
            }
            (None, _) => return Err("empty key name".into()),
            _ => {}
        }
        let inner = s
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .ok_or_else(|| format!("`{}` is neither one character nor a <name>", clipped(s)))?;
        let mut kp = Self::plain(Key::Enter);
        // Lower-cased once (ASCII only, so byte offsets stay the same): lower-casing what is
        // left on every prefix made a long `<ctrl-ctrl-...>` quadratic.
        let lower_inner = inner.to_ascii_lowercase();
        let mut lower = lower_inner.as_str();
        loop {
            if let Some(r) = strip_any(lower, &["ctrl-", "c-"]) {
                kp.ctrl = true;
                lower = r;
            } else if let Some(r) = strip_any(lower, &["alt-", "a-", "m-"]) {
                kp.alt = true;
                lower = r;
            } else if let Some(r) = strip_any(lower, &["shift-", "s-"]) {
                kp.shift = true;
                lower = r;
            } else {
                break;
            }
        }
        let rest = &inner[inner.len() - lower.len()..];
        let s = &clipped(s);
        let mut rc = rest.chars();
        if let (Some(c), None) = (rc.next(), rc.next()) {
            if c.is_control() {
                return Err(format!("control character in `{s}`"));
            }
            kp.key = Key::Char(if kp.ctrl { c.to_ascii_lowercase() } else { c });
            if kp.shift {
                return Err(format!("`{s}`: write the shifted character itself"));
            }
            return Ok(kp);
        }
        let (key, ctrl_char) = match lower {
            "enter" | "ret" | "return" | "cr" => (Key::Enter, None),
            "tab" => (Key::Tab, None),
            "backtab" => (Key::BackTab, None),
            "backspace" | "bs" => (Key::Backspace, None),
            "del" | "delete" => (Key::Delete, None),
            "ins" | "insert" => (Key::Insert, None),
            "esc" | "escape" => (Key::Esc, None),
            "up" => (Key::Up, None),
            "down" => (Key::Down, None),
            "left" => (Key::Left, None),
            "right" => (Key::Right, None),
            "home" => (Key::Home, None),
            "end" => (Key::End, None),
            "pgup" | "pageup" => (Key::PageUp, None),
            "pgdn" | "pagedown" => (Key::PageDown, None),
            "space" => (Key::Char(' '), None),
            "lt" => (Key::Char('<'), None),
            "gt" => (Key::Char('>'), None),
            "lf" => (Key::Char('j'), Some(())),
            "fs" => (Key::Char('4'), Some(())),
            "gs" => (Key::Char('5'), Some(())),
            "rs" => (Key::Char('6'), Some(())),
            "us" => (Key::Char('7'), Some(())),
            f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                Ok(n @ 1..=24) => (Key::F(n), None),
                _ => return Err(format!("unknown key `{s}`")),
            },
            _ => return Err(format!("unknown key `{s}`")),
        };
        kp.key = key;
        if ctrl_char.is_some() {
            if kp.ctrl || kp.alt || kp.shift {
                return Err(format!("`{s}` takes no modifiers"));
            }
            kp.ctrl = true;
        }
        Ok(kp)
    }

    /// The canonical name (what [`KeyPress::parse`] reads back).
    pub fn name(&self) -> String {
        let base = match self.key {
            Key::Char(' ') => "space".to_string(),
            Key::Char('<') => "lt".to_string(),
            Key::Char('>') => "gt".to_string(),
            Key::Char(c) => c.to_string(),
            Key::Enter => "enter".into(),
            Key::Tab => "tab".into(),
            Key::BackTab => "backtab".into(),
            Key::Backspace => "backspace".into(),
            Key::Delete => "del".into(),
            Key::Insert => "ins".into(),
            Key::Esc => "esc".into(),
            Key::Up => "up".into(),
            Key::Down => "down".into(),
            Key::Left => "left".into(),
            Key::Right => "right".into(),
            Key::Home => "home".into(),
            Key::End => "end".into(),
            Key::PageUp => "pgup".into(),
            Key::PageDown => "pgdn".into(),
            Key::F(n) => format!("f{n}"),
        };
        let bare_char = matches!(self.key, Key::Char(c) if c != ' ' && c != '<' && c != '>');
        if bare_char && !self.ctrl && !self.alt && !self.shift {
            return base;
        }
        let mut s = String::from("<");
        if self.ctrl {
            s.push_str("ctrl-");
        }
        if self.alt {
            s.push_str("alt-");
        }
        if self.shift {
            s.push_str("shift-");
        }
        s.push_str(&base);
        s.push('>');
        s
    }

    /// A short label for footers and help (`F1`, `^L`, `Enter`, `?`).
    pub fn label(&self) -> String {
        if self.ctrl && !self.alt && !self.shift {
            if let Key::Char(c) = self.key {
                let named = match c {
                    '4' => "FS",
                    '5' => "GS",
                    '6' => "RS",
                    '7' => "US",
                    'j' => "LF",
                    'h' => "BS",
                    _ => return format!("^{}", c.to_ascii_uppercase()),
                };
                return named.to_string();
            }
        }
        let base = match self.key {
            Key::Char(' ') => "Space".to_string(),
            Key::Char(c) => c.to_string(),
            Key::Enter => "Enter".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "BkTab".into(),
            Key::Backspace => "BkSp".into(),
            Key::Delete => "Del".into(),
            Key::Insert => "Ins".into(),
            Key::Esc => "Esc".into(),
            Key::Up => "Up".into(),
            Key::Down => "Down".into(),
            Key::Left => "Left".into(),
            Key::Right => "Right".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::F(n) => format!("F{n}"),
        };
        let mut s = String::new();
        if self.ctrl {
            s.push_str("C-");
        }
        if self.alt {
            s.push_str("M-");
        }
        if self.shift {
            s.push_str("S-");
        }
        s.push_str(&base);
        s
    }

    /// The bytes a VT220/xterm-style terminal sends for this key (normal cursor-key mode).
    /// crossterm does not hand out raw input bytes, so the diagnostics screen shows this
    /// reconstruction; keys that several byte sequences map to show the most common one.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.alt {
            out.push(0x1B);
        }
        let csi = |s: &str| {
            let mut v = b"\x1b[".to_vec();
            v.extend_from_slice(s.as_bytes());
            v
        };
        let body: Vec<u8> = match self.key {
            Key::Char(c) if self.ctrl => match c {
                'a'..='z' => vec![c as u8 - b'a' + 1],
                ' ' | '2' | '@' => vec![0],
                '4'..='7' => vec![0x1C + (c as u8 - b'4')],
                '[' | '3' => vec![0x1B],
                '\\' => vec![0x1C],
                ']' => vec![0x1D],
                '^' => vec![0x1E],
                '_' | '/' => vec![0x1F],
                '8' | '?' => vec![0x7F],
                _ => c.to_string().into_bytes(),
            },
            Key::Char(c) => c.to_string().into_bytes(),
            Key::Enter => vec![0x0D],
            Key::Tab => vec![0x09],
            Key::BackTab => csi("Z"),
            Key::Backspace => vec![0x7F],
            Key::Delete => csi("3~"),
            Key::Insert => csi("2~"),
            Key::Esc => vec![0x1B],
            Key::Up => csi("A"),
            Key::Down => csi("B"),
            Key::Right => csi("C"),
            Key::Left => csi("D"),
            Key::Home => csi("1~"),
            Key::End => csi("4~"),
            Key::PageUp => csi("5~"),
            Key::PageDown => csi("6~"),
            Key::F(n @ 1..=4) => vec![0x1B, b'O', b'P' + (n - 1)],
            Key::F(n) => {
                let code = match n {
                    5 => 15,
                    6..=10 => n as u16 + 11,
                    11..=14 => n as u16 + 12,
                    15 | 16 => n as u16 + 13,
                    17..=20 => n as u16 + 14,
                    _ => n as u16 + 14,
                };
                csi(&format!("{code}~"))
            }
        };
        out.extend(body);
        out
    }

    /// [`KeyPress::bytes`] as hex (`1B 4F 50`).
    pub fn hex(&self) -> String {
        hex(&self.bytes())
    }
}

/// Bytes as upper-case hex pairs separated by spaces.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

fn strip_any<'a>(s: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| {
        if s.len() > p.len() {
            s.strip_prefix(p)
        } else {
            None
        }
    })
}

impl fmt::Display for KeyPress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Parses a key script such as `1<f1>SN-1<enter>`: characters stand for themselves, `<name>`
/// is a named key (see [`KeyPress::parse`]); write `<lt>` for a literal `<`.
pub fn parse_script(script: &str) -> Result<Vec<KeyPress>, String> {
    let mut out = Vec::new();
    let mut rest = script;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest
                .find('>')
                .ok_or_else(|| format!("unclosed `<` in key script at `{rest}`"))?;
            let name = &rest[..=end];
            let name = if name == "<>" {
                return Err("empty <> in key script".into());
            } else {
                name
            };
            out.push(KeyPress::parse(name)?);
            rest = &rest[end + 1..];
        } else {
            out.push(match c {
                '\r' => KeyPress::plain(Key::Enter),
                '\t' => KeyPress::plain(Key::Tab),
                '\n' => KeyPress::ctrl('j'),
                c => KeyPress::char(c),
            });
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "a",
            "Z",
            "1",
            "?",
            "/",
            "<space>",
            "<lt>",
            "<gt>",
            "<enter>",
            "<tab>",
            "<backtab>",
            "<backspace>",
            "<del>",
            "<ins>",
            "<esc>",
            "<up>",
            "<down>",
            "<left>",
            "<right>",
            "<home>",
            "<end>",
            "<pgup>",
            "<pgdn>",
            "<f1>",
            "<f12>",
            "<f24>",
            "<ctrl-l>",
            "<alt-x>",
            "<shift-f3>",
            "<ctrl-5>",
            "<ctrl-alt-d>",
        ] {
            let k = KeyPress::parse(name).unwrap();
            assert_eq!(k.name(), name, "{name}");
        }
    }

    #[test]
    fn aliases() {
        assert_eq!(KeyPress::parse("<gs>").unwrap(), KeyPress::ctrl('5'));
        assert_eq!(KeyPress::parse("<lf>").unwrap(), KeyPress::ctrl('j'));
        assert_eq!(KeyPress::parse("<C-L>").unwrap(), KeyPress::ctrl('l'));
        assert_eq!(KeyPress::parse("<F1>").unwrap(), KeyPress::plain(Key::F(1)));
        assert!(KeyPress::parse("<f25>").is_err());
        assert!(KeyPress::parse("<nope>").is_err());
        assert!(KeyPress::parse("ab").is_err());
        assert!(KeyPress::parse("").is_err());
        assert_eq!(KeyPress::parse("<").unwrap(), KeyPress::char('<'));
    }

    #[test]
    fn crossterm_round_trip_and_normalisation() {
        for name in ["a", "<f1>", "<ctrl-5>", "<up>", "<alt-x>", "<enter>"] {
            let k = KeyPress::parse(name).unwrap();
            assert_eq!(KeyPress::from_crossterm(k.to_crossterm()), Some(k));
        }
        let shifted = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert_eq!(KeyPress::from_crossterm(shifted), Some(KeyPress::char('A')));
    }

    #[test]
    fn bytes_are_reconstructed() {
        let b = |n: &str| KeyPress::parse(n).unwrap().hex();
        assert_eq!(b("a"), "61");
        assert_eq!(b("<enter>"), "0D");
        assert_eq!(b("<f1>"), "1B 4F 50");
        assert_eq!(b("<f5>"), "1B 5B 31 35 7E");
        assert_eq!(b("<f10>"), "1B 5B 32 31 7E");
        assert_eq!(b("<f12>"), "1B 5B 32 34 7E");
        assert_eq!(b("<gs>"), "1D");
        assert_eq!(b("<ctrl-l>"), "0C");
        assert_eq!(b("<up>"), "1B 5B 41");
        assert_eq!(b("<alt-x>"), "1B 78");
        assert_eq!(b("<backspace>"), "7F");
    }

    #[test]
    fn scripts() {
        let keys = parse_script("1<f1>SN-1<enter>").unwrap();
        let names: Vec<String> = keys.iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            ["1", "<f1>", "S", "N", "-", "1", "<enter>"].map(String::from)
        );
        assert!(parse_script("<f1").is_err());
        assert_eq!(parse_script("<lt>").unwrap(), vec![KeyPress::char('<')]);
    }

    #[test]
    fn classes() {
        assert!(KeyPress::parse("<f1>").unwrap().is_unreliable());
        assert!(KeyPress::parse("<esc>").unwrap().is_unreliable());
        assert!(!KeyPress::parse("<up>").unwrap().is_unreliable());
        assert!(KeyPress::parse("<ctrl-s>").unwrap().is_flow_control());
        assert_eq!(KeyPress::ctrl('5').separator_byte(), Some('\x1d'));
        assert_eq!(KeyPress::ctrl('7').separator_byte(), Some('\x1f'));
        assert_eq!(KeyPress::char('5').separator_byte(), None);
        assert_eq!(KeyPress::char('a').printable(), Some('a'));
        assert_eq!(KeyPress::ctrl('a').printable(), None);
    }
}
