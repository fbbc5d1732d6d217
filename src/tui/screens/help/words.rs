//! The help screen's words: command descriptions, context titles and notes.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::tui::keymap::{Context, KeyCommand};

/// Help screen title.
pub const TITLE_HELP: &str = "Help";

/// One-line explanation of a command (help screen, docs).
pub fn command_help(cmd: KeyCommand) -> &'static str {
    match cmd {
        KeyCommand::Help => "Show the keys of this screen",
        KeyCommand::Back => "Leave this screen",
        KeyCommand::Redraw => "Repaint the whole screen",
        KeyCommand::Quit => "Leave tallyman",
        KeyCommand::Select => "Open the marked entry",
        KeyCommand::Review => "Move the count to review, or reopen it",
        KeyCommand::CancelCount => "Cancel the count (asks first)",
        KeyCommand::NewCount => "Open a new count",
        KeyCommand::Up => "Move or scroll up",
        KeyCommand::Down => "Move or scroll down",
        KeyCommand::PageUp => "One page up",
        KeyCommand::PageDown => "One page down",
        KeyCommand::Finish => "Stop scanning (count stays open)",
        KeyCommand::UndoLast => "Take back the last scan",
        KeyCommand::SetLocation => "Scan or type the location",
        KeyCommand::BinDone => "This bin is counted; next bin",
        KeyCommand::ReplaceSerial => "Correct a wrong serial",
        KeyCommand::Relocate => "Move the unit to here",
        KeyCommand::ReceiveFound => "Book in unknown found stock",
        KeyCommand::WriteOff => "Write off a missing unit",
        KeyCommand::Accept => "Accept as it is",
        KeyCommand::Details => "Show the unit's details",
        KeyCommand::NextList => "Next list (short/surplus/fixed)",
        KeyCommand::UndoFix => "Undo the marked fix (or the last)",
        KeyCommand::Post => "Post the count (asks first)",
        KeyCommand::Find => "Scan a serial to find its row",
        KeyCommand::Bulk => "Accept or write off many at once",
        KeyCommand::Actions => "What can be done with it",
        KeyCommand::ClearField => "Empty the entry field",
    }
}

/// The help screen's first paragraph for a context.
pub fn context_intro(ctx: Context) -> &'static str {
    match ctx {
        Context::Global => "These keys work on every screen.",
        Context::Menu => "Press the number of an entry to open it.",
        Context::CountList => "Press the line number of a count to join it.",
        Context::Count => "Scan a location label, then each serial. Each scan is saved at once.",
        Context::Mismatch => "Pick a line, then press the number of a fix.",
        Context::Lookup => "Scan a serial to see its history.",
        Context::Input => "Scan or type, then Enter. A new scan replaces the text.",
        Context::Popup => "Read, then go back.",
    }
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

/// Help screen: the command barcodes of the scan loop.
pub fn help_command_barcodes() -> String {
    let codes: Vec<String> = crate::domain::count::ScanCommand::ALL
        .iter()
        .map(|c| c.code(crate::domain::count::COMMAND_PREFIX))
        .collect();
    format!(
        "Command barcodes (print them with `tallyman labels commands`): {}.",
        codes.join(", ")
    )
}

/// Help screen: every mark the last scans use on narrow screens, from the marks themselves
/// (`+ counted, = duplicate, ..., x bad scan or not saved, no mark: undone`).
pub fn help_marks() -> String {
    use crate::tui::screens::count_scan::state::AnswerKind;
    use crate::tui::screens::count_scan::words::{answer_mark, answer_word};
    let kinds = [
        AnswerKind::Counted,
        AnswerKind::Duplicate,
        AnswerKind::NotHere,
        AnswerKind::Unknown,
        AnswerKind::Bad,
        AnswerKind::Refused,
        AnswerKind::Undone,
    ];
    let mut marks: Vec<(char, Vec<&str>)> = Vec::new();
    for k in kinds {
        let mark = answer_mark(k);
        match marks.iter_mut().find(|(m, _)| *m == mark) {
            Some((_, said)) => said.push(answer_word(k)),
            None => marks.push((mark, vec![answer_word(k)])),
        }
    }
    let parts: Vec<String> = marks
        .into_iter()
        .map(|(mark, said)| match mark {
            ' ' => format!("no mark: {}", said.join(" or ")),
            m => format!("{m} {}", said.join(" or ")),
        })
        .collect();
    format!("Last scans: {}.", parts.join(", "))
}

/// Help screen: digits in the count list.
pub const HELP_COUNT_LIST_DIGITS: &str = "1-9: join the count on that line.";

/// Help screen of the count picker (mismatches): what the digits do.
pub const MISMATCH_PICK_INTRO: &str = "Press the line number of a count to see its mismatches.";

/// Help screen: digits in the count picker.
pub const HELP_MISMATCH_PICK_DIGITS: &str = "1-9: open the mismatches of the count on that line.";

/// Help screen: the marks of the mismatch lists.
pub const HELP_MISMATCH_MARKS: &str = "Marks: A accepted, * moved during the count.";

/// Help screen: scanning on the mismatch screen.
pub const HELP_MISMATCH_FIND: &str =
    "Digits are fixes here: to go to a serial, press Find, then scan it.";

/// Help screen: the warranty band.
pub const HELP_LOOKUP_BAND: &str =
    "Warranty: ACTIVE, EXPIRING (within the expiring-soon days), EXPIRED or NONE, always with the days; green, yellow and red where the terminal has colour.";
