//! Every string an operator sees, in one place (for review, wording and later translation).
//! Labels are short on purpose: the smallest screen is 20 columns wide.

use super::app::ScreenId;
use super::keymap::{Command, Context};

/// The product name in headers.
pub const APP_NAME: &str = "Tallyman";

/// Screen titles.
pub const TITLE_MENU: &str = "Menu";
/// Help screen title.
pub const TITLE_HELP: &str = "Help";
/// Diagnostics screen title.
pub const TITLE_DIAGNOSTICS: &str = "Diagnostics";
/// Keymap error screen title.
pub const TITLE_KEYMAP_ERRORS: &str = "Keymap error";

/// Short label of a command (footer hints, help).
pub fn command_label(cmd: Command) -> &'static str {
    match cmd {
        Command::Help => "Help",
        Command::Back => "Back",
        Command::Redraw => "Redraw",
        Command::Quit => "Quit",
        Command::Select => "Open",
        Command::Up => "Up",
        Command::Down => "Down",
        Command::PageUp => "Page up",
        Command::PageDown => "Page down",
        Command::Finish => "Finish",
        Command::UndoLast => "Undo",
        Command::SetLocation => "Location",
        Command::ReplaceSerial => "Replace SN",
        Command::Relocate => "Relocate",
        Command::ReceiveFound => "Receive",
        Command::WriteOff => "Write off",
        Command::Accept => "Accept",
        Command::Details => "Details",
        Command::NextList => "Next list",
        Command::Actions => "Actions",
        Command::ClearField => "Clear",
    }
}

/// One-line explanation of a command (help screen, docs).
pub fn command_help(cmd: Command) -> &'static str {
    match cmd {
        Command::Help => "Show the keys of this screen",
        Command::Back => "Leave this screen",
        Command::Redraw => "Repaint the whole screen",
        Command::Quit => "Leave tallyman",
        Command::Select => "Open the marked entry",
        Command::Up => "Move or scroll up",
        Command::Down => "Move or scroll down",
        Command::PageUp => "One page up",
        Command::PageDown => "One page down",
        Command::Finish => "Finish counting and review",
        Command::UndoLast => "Take back the last scan",
        Command::SetLocation => "Scan or type the location",
        Command::ReplaceSerial => "Correct a wrong serial",
        Command::Relocate => "Move the unit to here",
        Command::ReceiveFound => "Book in unknown found stock",
        Command::WriteOff => "Write off a missing unit",
        Command::Accept => "Accept as it is",
        Command::Details => "Show the unit's details",
        Command::NextList => "Next list (short/surplus/dup)",
        Command::Actions => "What can be done with it",
        Command::ClearField => "Empty the entry field",
    }
}

/// What a context is (help screen heading, docs).
pub fn context_title(ctx: Context) -> &'static str {
    match ctx {
        Context::Global => "Everywhere",
        Context::Menu => "Menu",
        Context::Count => "Counting",
        Context::Mismatch => "Mismatches",
        Context::Lookup => "Lookup",
        Context::Input => "Entry field",
        Context::Popup => "Message/Help",
    }
}

/// The help screen's first paragraph for a context.
pub fn context_intro(ctx: Context) -> &'static str {
    match ctx {
        Context::Global => "These keys work on every screen.",
        Context::Menu => "Press the number of an entry to open it.",
        Context::Count => "Scan each serial. Each scan is saved at once.",
        Context::Mismatch => "Pick a line, then press the number of a fix.",
        Context::Lookup => "Scan a serial to see its history.",
        Context::Input => "Scan or type, then Enter. A new scan replaces the text.",
        Context::Popup => "Read, then go back.",
    }
}

/// Menu entry label.
pub fn menu_label(id: ScreenId) -> &'static str {
    match id {
        ScreenId::Count => "Count",
        ScreenId::Mismatches => "Mismatches",
        ScreenId::Lookup => "Lookup",
        ScreenId::Receive => "Receive",
        ScreenId::Sell => "Sell",
        ScreenId::Return => "Return",
        ScreenId::Transfer => "Transfer",
        ScreenId::Reports => "Reports",
        ScreenId::Diagnostics => "Diagnostics",
        ScreenId::Quit => "Quit",
    }
}

/// Menu entry description (wide screens).
pub fn menu_description(id: ScreenId) -> &'static str {
    match id {
        ScreenId::Count => "Count stock by scanning serials",
        ScreenId::Mismatches => "Fix what a count did not match",
        ScreenId::Lookup => "History and warranty of a serial",
        ScreenId::Receive => "Book in goods from a supplier",
        ScreenId::Sell => "Sell units to a customer",
        ScreenId::Return => "Take back units from a customer",
        ScreenId::Transfer => "Move units between locations",
        ScreenId::Reports => "Counts, stock and warranty lists",
        ScreenId::Diagnostics => "Terminal, keys and scanner test",
        ScreenId::Quit => "Leave tallyman",
    }
}

/// Status: a digit with no menu entry.
pub fn no_menu_entry(digit: char) -> String {
    format!("No entry {digit}")
}

/// Status: a typed code that means nothing here.
pub fn unknown_code(code: &str) -> String {
    format!("Unknown code {code}")
}

/// Status: back pressed in the main menu.
pub fn menu_back_hint(quit: &str) -> String {
    format!("{quit} = Quit")
}

/// Status: a command whose screen does not exist yet.
pub const NOT_AVAILABLE: &str = "Not available yet";

/// Status: a typed code is being entered (the code follows).
pub const CODE_PROMPT: &str = "Code:";

/// Status: the diagnostics scan field read a scan.
pub fn scan_read(len: usize) -> String {
    format!("Read {len} chars")
}

/// Status: something failed in the service.
pub fn failed(msg: &str) -> String {
    format!("Error: {msg}")
}

/// Status: too many follow-up actions in one batch (a bug, reported instead of hanging).
pub const ACTION_LOOP: &str = "Internal error: action loop stopped";

/// Shown below the minimum size.
pub fn too_small(w: u16, h: u16) -> String {
    format!("Screen too small ({w}x{h})")
}

/// Shown below the minimum size, second line.
pub fn too_small_need(w: u16, h: u16) -> String {
    format!("Need {w}x{h}")
}

/// Heading of the key list beside the menu on wide screens.
pub const KEYS_HEADING: &str = "Keys";
/// Help screen: typed codes.
pub const HELP_CODES: &str = "Codes like /h: type them, then Enter.";
/// Help screen: menu digits.
pub const HELP_MENU_DIGITS: &str = "0-9: open the entry with that number.";
/// Help screen: scan field keys.
pub const HELP_SCAN_FIELD: &str = "Enter or Tab ends a scan. BkSp deletes.";
/// Help screen: numbered choices in popups.
pub const HELP_POPUP_DIGITS: &str = "1-9 answer numbered questions.";
/// Help screen: the keymap line prefix.
pub const HELP_KEYMAP: &str = "Keymap:";

/// Diagnostics labels.
pub const DIAG_SCAN: &str = "Scan:";
/// Diagnostics: newest key.
pub const DIAG_KEY: &str = "Key:";
/// Diagnostics: no key yet.
pub const DIAG_PRESS_A_KEY: &str = "press any key";
/// Diagnostics: last scan.
pub const DIAG_LAST_SCAN: &str = "Last scan:";
/// Diagnostics: bytes of the last scan.
pub const DIAG_BYTES: &str = "Bytes:";
/// Diagnostics: TERM.
pub const DIAG_TERM: &str = "TERM:";
/// Diagnostics: size.
pub const DIAG_SIZE: &str = "Size:";
/// Diagnostics: profile.
pub const DIAG_PROFILE: &str = "Profile:";
/// Diagnostics: keymap.
pub const DIAG_KEYMAP: &str = "Keymap:";
/// Diagnostics: OS user.
pub const DIAG_USER: &str = "User:";
/// Diagnostics: database label.
pub const DIAG_DB: &str = "DB:";
/// Diagnostics: service status.
pub const DIAG_SERVICE: &str = "Service:";
/// Diagnostics: the time.
pub const DIAG_TIME: &str = "Time:";
/// Diagnostics: bell.
pub const DIAG_BELL: &str = "Bell:";
/// Diagnostics: scan terminators.
pub const DIAG_ENDS: &str = "Scan ends:";
/// Diagnostics: GS display.
pub const DIAG_GS: &str = "GS shows as:";
/// Diagnostics: key list heading.
pub const DIAG_KEYS: &str = "Keys, newest first:";
/// Diagnostics: note on reconstructed bytes.
pub const DIAG_BYTES_NOTE: &str = "Key bytes are rebuilt from the key code.";
/// Diagnostics: waiting for the service.
pub const DIAG_ASKING: &str = "asking...";
/// Diagnostics: colour off.
pub const DIAG_NO_COLOUR: &str = "no colour";
/// On.
pub const ON: &str = "on";
/// Off.
pub const OFF: &str = "off";

/// Keymap error screen: first line.
pub const KEYMAP_ERRORS_INTRO: &str = "The keymap could not be used:";
/// Keymap error screen: fallback line.
pub const KEYMAP_ERRORS_FALLBACK: &str = "Using the default keymap.";
/// Keymap error screen: how to go on.
pub const KEYMAP_ERRORS_CONTINUE: &str = "Press Enter to go on.";
/// Footer hint: more lines below.
pub const HINT_MORE: &str = "More";
/// Footer hint: at the end, scroll back.
pub const HINT_SCROLL_BACK: &str = "Scroll";
/// Footer hint for Enter on the keymap error screen.
pub const HINT_CONTINUE: &str = "Go on";

/// Answer of the built-in runner when no service is connected.
pub const NO_SERVICE: &str = "none (TUI only)";
