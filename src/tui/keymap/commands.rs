//! Where keys are read (contexts), what they can be bound to (commands) and how (triggers).

use std::fmt;

use super::super::keys::KeyPress;
use crate::domain::limits::clipped;

/// Where keys are interpreted. Each screen has one context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Applies in every context (added to each context's own bindings).
    Global,
    /// The main menu.
    Menu,
    /// The list of open counts: join one, move it to review, cancel it.
    CountList,
    /// Scanning serials in a count session.
    Count,
    /// The mismatch lists of a count.
    Mismatch,
    /// Warranty/history lookup by scanned serial.
    Lookup,
    /// A data-entry prompt with a scan field.
    Input,
    /// Read-only overlays: help, messages, confirmations, error screens.
    Popup,
}

impl Context {
    /// All contexts in file order.
    pub const ALL: [Context; 8] = [
        Self::Global,
        Self::Menu,
        Self::CountList,
        Self::Count,
        Self::Mismatch,
        Self::Lookup,
        Self::Input,
        Self::Popup,
    ];

    /// The section name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Menu => "menu",
            Self::CountList => "count_list",
            Self::Count => "count",
            Self::Mismatch => "mismatch",
            Self::Lookup => "lookup",
            Self::Input => "input",
            Self::Popup => "popup",
        }
    }

    /// Parses a section name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Contexts with a scan field: a scan (printable characters) can arrive at any moment, so
    /// no bare printable key may be bound. `global` counts, since it applies there too.
    pub fn scan_bearing(self) -> bool {
        matches!(
            self,
            Self::Global | Self::Count | Self::Lookup | Self::Input
        )
    }

    /// Contexts a user can be in (all but `global`).
    pub fn screens() -> impl Iterator<Item = Context> {
        Self::ALL.into_iter().filter(|c| *c != Self::Global)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! commands {
    ($($variant:ident = $name:literal in [$($ctx:ident),*];)*) => {
        /// A bindable command: what a key (or typed code) means in a context.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum KeyCommand {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl KeyCommand {
            /// Every command, in documentation order.
            pub const ALL: &'static [KeyCommand] = &[$(Self::$variant),*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The contexts this command belongs to (where `default.toml` binds it).
            pub fn home(self) -> &'static [Context] {
                match self { $(Self::$variant => &[$(Context::$ctx),*],)* }
            }
        }
    };
}

commands! {
    Help = "help" in [Global];
    Back = "back" in [Global];
    Redraw = "redraw" in [Global];
    Quit = "quit" in [Menu];
    Select = "select" in [Menu, CountList];
    Up = "up" in [Menu, CountList, Mismatch, Lookup, Input, Popup];
    Down = "down" in [Menu, CountList, Mismatch, Lookup, Input, Popup];
    PageUp = "page_up" in [Mismatch, Lookup, Popup];
    PageDown = "page_down" in [Mismatch, Lookup, Popup];
    Review = "review" in [CountList];
    CancelCount = "cancel_count" in [CountList];
    NewCount = "new_count" in [CountList];
    Finish = "finish" in [Count];
    UndoLast = "undo_last" in [Count];
    SetLocation = "set_location" in [Count];
    BinDone = "bin_done" in [Count];
    ReplaceSerial = "replace_serial" in [Mismatch];
    Relocate = "relocate" in [Mismatch];
    ReceiveFound = "receive_found" in [Mismatch];
    WriteOff = "write_off" in [Mismatch];
    Accept = "accept" in [Mismatch];
    Details = "details" in [Mismatch];
    NextList = "next_list" in [Mismatch];
    UndoFix = "undo" in [Mismatch];
    Post = "post" in [Mismatch];
    Find = "find" in [Mismatch];
    Bulk = "bulk" in [Mismatch];
    Actions = "actions" in [Lookup];
    ClearField = "clear_field" in [Input];
}

impl KeyCommand {
    /// Parses a command name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == s)
    }

    /// May this command be bound in `ctx`? Global commands may be bound in any context.
    pub fn allowed_in(self, ctx: Context) -> bool {
        self.home().contains(&ctx) || self.home().contains(&Context::Global)
    }
}

impl fmt::Display for KeyCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What triggers a command: a key, or a code typed and ended with Enter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// A key press.
    Key(KeyPress),
    /// A typed code such as `/h` (matched case-insensitively).
    Code(String),
}

impl Trigger {
    /// Parses a trigger as written in a keymap file.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() >= 2 && s.starts_with('/') {
            if s.chars().all(|c| c.is_ascii_graphic()) {
                return Ok(Self::Code(s.to_string()));
            }
            return Err(format!(
                "typed code `{}` may only hold printable ASCII without spaces",
                clipped(s)
            ));
        }
        KeyPress::parse(s).map(Self::Key)
    }

    /// Reachable on any device: a typed code, or a key that is not a function key, Esc, Ctrl
    /// or Alt.
    pub fn is_reliable(&self) -> bool {
        match self {
            Self::Code(_) => true,
            Self::Key(k) => !k.is_unreliable(),
        }
    }

    /// The name as written in files.
    pub fn name(&self) -> String {
        match self {
            Self::Key(k) => k.name(),
            Self::Code(c) => c.clone(),
        }
    }
}
