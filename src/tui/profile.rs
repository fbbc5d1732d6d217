//! Terminal profiles (`full`, `vt`) chosen from TERM or overridden, and the theme each one
//! allows. Style discipline for `vt`: no colours, only bold/underline/reverse, ASCII symbols.
//! `NO_COLOR` strips colour from the full profile's styles (not via crossterm, which would
//! also reset bold).

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::ProfileSetting;
use crate::domain::warranty::Status;

/// How much the terminal can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// xterm-like: colour, Unicode, alternate screen.
    Full,
    /// VT100/VT220/ansi/unknown: 7-bit ASCII, no colour, emphasis by reverse/bold/underline.
    Vt,
}

impl Profile {
    /// The profile a TERM value implies. Unknown and empty TERM values get `vt`.
    pub fn from_term(term: &str) -> Profile {
        let t = term.trim().to_ascii_lowercase();
        let full = [
            "xterm",
            "screen",
            "tmux",
            "rxvt",
            "alacritty",
            "kitty",
            "wezterm",
            "foot",
            "konsole",
            "gnome",
            "vte",
            "st-",
            "putty",
            "linux",
            "iterm",
            "contour",
            "ghostty",
            "mintty",
            "cygwin",
            "ms-terminal",
            "windows",
        ];
        if full.iter().any(|p| t.starts_with(p)) || t == "st" {
            Profile::Full
        } else {
            Profile::Vt
        }
    }

    /// Command line, then config file, then TERM.
    pub fn resolve(
        cli: Option<ProfileSetting>,
        config: Option<ProfileSetting>,
        term: &str,
    ) -> Profile {
        match cli.or(config) {
            Some(ProfileSetting::Full) => Profile::Full,
            Some(ProfileSetting::Vt) => Profile::Vt,
            None => Profile::from_term(term),
        }
    }

    /// `full` or `vt`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Vt => "vt",
        }
    }
}

/// The styles and symbols screens draw with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// The profile.
    pub profile: Profile,
    /// Colour allowed (full profile without `NO_COLOR`).
    pub colour: bool,
}

impl Theme {
    /// A theme; colour is only ever on in the full profile.
    pub fn new(profile: Profile, colour: bool) -> Self {
        Self {
            profile,
            colour: colour && profile == Profile::Full,
        }
    }

    /// The header bar.
    pub fn header(&self) -> Style {
        if self.colour {
            Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// The marked entry of a list.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The sticky error line.
    pub fn error(&self) -> Style {
        if self.colour {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// Informational status text.
    pub fn info(&self) -> Style {
        Style::new()
    }

    /// Key names in hints and help.
    pub fn key(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The headline of a scan answer.
    pub fn headline(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Headings inside a screen.
    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The entry field.
    pub fn field(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The warranty band: green, yellow, red where there is colour; else bold (active),
    /// reverse (expiring), reverse and bold (expired). The words are always shown too.
    pub fn band(&self, status: Status) -> Style {
        if self.colour {
            let (fg, bg) = match status {
                Status::Active => (Color::Black, Color::Green),
                Status::ExpiringSoon => (Color::Black, Color::Yellow),
                Status::Expired => (Color::White, Color::Red),
                Status::None => return Style::new(),
            };
            Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
        } else {
            match status {
                Status::Active => Style::new().add_modifier(Modifier::BOLD),
                Status::ExpiringSoon => Style::new().add_modifier(Modifier::REVERSED),
                Status::Expired => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                Status::None => Style::new(),
            }
        }
    }

    /// A horizontal rule character.
    pub fn rule(&self) -> &'static str {
        match self.profile {
            Profile::Full => "\u{2500}",
            Profile::Vt => "-",
        }
    }

    /// Borders for boxes.
    pub fn border(&self) -> border::Set<'static> {
        match self.profile {
            Profile::Full => border::PLAIN,
            Profile::Vt => border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            },
        }
    }

    /// How a control character in a field (GS and friends) is shown.
    pub fn control_glyph(&self, c: char, gs_substitute: Option<char>) -> char {
        if c == '\x1d' {
            if let Some(s) = gs_substitute {
                return s;
            }
        }
        match self.profile {
            Profile::Full => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            Profile::Vt => '~',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_table() {
        for t in [
            "xterm",
            "xterm-256color",
            "screen.xterm",
            "tmux-256color",
            "linux",
            "st",
        ] {
            assert_eq!(Profile::from_term(t), Profile::Full, "{t}");
        }
        for t in ["vt100", "vt220", "vt320", "ansi", "dumb", "", "wyse60"] {
            assert_eq!(Profile::from_term(t), Profile::Vt, "{t}");
        }
    }

    #[test]
    fn overrides() {
        assert_eq!(
            Profile::resolve(
                Some(ProfileSetting::Vt),
                Some(ProfileSetting::Full),
                "xterm"
            ),
            Profile::Vt
        );
        assert_eq!(
            Profile::resolve(None, Some(ProfileSetting::Full), "vt220"),
            Profile::Full
        );
        assert_eq!(Profile::resolve(None, None, "vt220"), Profile::Vt);
    }

    #[test]
    fn vt_theme_has_no_colour_and_ascii_symbols() {
        let t = Theme::new(Profile::Vt, true);
        assert!(!t.colour);
        for s in [
            t.header(),
            t.selected(),
            t.error(),
            t.info(),
            t.key(),
            t.heading(),
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        for st in [
            Status::Active,
            Status::ExpiringSoon,
            Status::Expired,
            Status::None,
        ] {
            assert_eq!((t.band(st).fg, t.band(st).bg), (None, None));
        }
        assert_ne!(t.band(Status::Active), t.band(Status::Expired));
        assert!(t.rule().is_ascii());
        assert_eq!(t.control_glyph('\x1d', None), '~');
        assert_eq!(t.control_glyph('\x1d', Some('#')), '#');
        let full = Theme::new(Profile::Full, true);
        assert_eq!(full.control_glyph('\x1d', None), '\u{241d}');
    }
}
