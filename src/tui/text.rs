//! Every string an operator sees, in one place (for review, wording and later translation).
//! Labels are short on purpose: the smallest screen is 20 columns wide.

use chrono::NaiveDateTime;

use super::app::ScreenId;
use super::count::{AnswerKind, ScanAnswer, Why};
use super::keymap::{Command, Context};
use crate::domain::{CountId, CountStatus};

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
/// Count list title.
pub const TITLE_COUNTS: &str = "Counts";
/// Scan loop title (the count number follows when known).
pub const TITLE_COUNT: &str = "Count";
/// Numbered confirmation title.
pub const TITLE_CONFIRM: &str = "Confirm";

/// The scan loop's header title: `Count 3`.
pub fn count_title(id: CountId) -> String {
    format!("{TITLE_COUNT} {id}")
}

/// Short label of a command (footer hints, help).
pub fn command_label(cmd: Command) -> &'static str {
    match cmd {
        Command::Help => "Help",
        Command::Back => "Back",
        Command::Redraw => "Redraw",
        Command::Quit => "Quit",
        Command::Select => "Open",
        Command::Review => "Review",
        Command::CancelCount => "Cancel",
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
        Command::Review => "Move the count to review",
        Command::CancelCount => "Cancel the count (asks first)",
        Command::Up => "Move or scroll up",
        Command::Down => "Move or scroll down",
        Command::PageUp => "One page up",
        Command::PageDown => "One page down",
        Command::Finish => "Stop scanning (count stays open)",
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
        Context::CountList => "Count list",
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
        Context::CountList => "Press the line number of a count to join it.",
        Context::Count => "Scan a location label, then each serial. Each scan is saved at once.",
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

/// Answer of the built-in runner when no database is open.
pub const NO_DATABASE: &str = "no database: counting needs one";

// ---- Count list ----

/// Count list: nothing to join.
pub const NO_OPEN_COUNT: &str = "No open count: a supervisor opens one with `tallyman count open`.";
/// Count list: the footer word for Enter (join the marked count).
pub const HINT_JOIN: &str = "Join";
/// Count list: column headings (wide screens).
pub const COUNTS_HEADING: [&str; 6] = ["Count", "Name", "Scope", "Status", "Scanned", "Counters"];
/// Count list details: scope label.
pub const COUNT_SCOPE: &str = "Scope";
/// Count list details: who scanned.
pub const COUNT_BY: &str = "By";
/// Count list details: nobody has scanned yet.
pub const COUNT_NOBODY: &str = "nobody yet";
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
/// Help screen: the marks of the last scans on narrow screens.
pub const HELP_MARKS: &str = "Last scans: + counted, = duplicate, ! not here, ? unknown.";
/// Help screen: digits in the count list.
pub const HELP_COUNT_LIST_DIGITS: &str = "1-9: join the count on that line.";

/// A count status in words.
pub fn status_word(status: CountStatus) -> &'static str {
    match status {
        CountStatus::Open => "open",
        CountStatus::Review => "review",
        CountStatus::Posted => "posted",
        CountStatus::Cancelled => "cancelled",
    }
}

/// Scanned so far, with the expected number in open counting: `140 of 300`, or `140`.
pub fn scanned_of(live: u32, expected: Option<u32>) -> String {
    match expected {
        Some(e) => format!("{live} of {e}"),
        None => format!("{live}"),
    }
}

/// Count list line: `140 of 300 scanned`.
pub fn scanned(live: u32, expected: Option<u32>) -> String {
    format!("{} scanned", scanned_of(live, expected))
}

/// Count list details: `open, 140 of 300 scanned`.
pub fn count_progress(status: CountStatus, live: u32, expected: Option<u32>) -> String {
    format!(
        "{}, {} scanned",
        status_word(status),
        scanned_of(live, expected)
    )
}

/// A count status in a sentence: `Count 3 is in review`.
pub fn status_phrase(status: CountStatus) -> &'static str {
    match status {
        CountStatus::Review => "in review",
        s => status_word(s),
    }
}

/// Count list: a digit with no count on that line.
pub fn no_count_line(digit: char) -> String {
    format!("No count on line {digit}")
}

/// Count list: joining a count that takes no scans.
pub fn cannot_join(id: CountId, status: CountStatus) -> String {
    format!("Count {id} is {}: it takes no scans", status_phrase(status))
}

/// Count list: moving a count to review that is there already.
pub fn already(id: CountId, status: CountStatus) -> String {
    format!("Count {id} is {} already", status_phrase(status))
}

/// Count list: a count was moved.
pub fn count_moved(id: CountId, status: CountStatus) -> String {
    match status {
        CountStatus::Open => format!("Count {id} reopened"),
        CountStatus::Review => format!("Count {id} in review"),
        CountStatus::Posted => format!("Count {id} posted"),
        CountStatus::Cancelled => format!("Count {id} cancelled"),
    }
}

/// The cancel question.
pub fn confirm_cancel(id: CountId, name: &str) -> String {
    format!("Cancel count {id} \"{name}\"? It cannot be reopened. Its scans are kept.")
}

/// The numbered answers of a confirmation.
pub const CONFIRM_CHOICES: &str = "1=Yes 2=No";
/// Footer: yes.
pub const HINT_YES: &str = "Yes";
/// Footer: no.
pub const HINT_NO: &str = "No";

/// A count that is not there (any more).
pub fn no_such_count(id: CountId) -> String {
    format!("Count {id} is not there any more")
}

// ---- Scan loop ----

/// Scan loop: the field label.
pub const COUNT_SCAN: &str = "Scan:";
/// Scan loop: the location label.
pub const LOC: &str = "Loc:";
/// Scan loop: no location yet.
pub const LOC_NEEDED: &str = "scan a label";
/// Scan loop: the next scan is a location.
pub const LOC_NEXT: &str = "scan new label";
/// Scan loop: what to do first (before the first location).
pub const COUNT_START: &str = "Scan the location label, then every serial there.";
/// Scan loop: heading of the recent scans (wide screens).
pub const LAST_SCANS: &str = "Last scans";
/// Headline of a scan that failed its format or the decoder (nothing recorded).
pub const BAD_SCAN: &str = "BAD SCAN";
/// Headline of a scan the count refused for another reason (nothing recorded).
pub const NOT_SAVED: &str = "NOT SAVED";
/// Headline after taking back a scan.
pub const UNDONE: &str = "UNDONE";

/// Scan loop: units scanned at this location (and expected there in open counting).
pub fn figures_here(here: u32, expected: Option<u32>) -> String {
    format!("Here {}", scanned_of(here, expected))
}

/// Scan loop: live scans in the whole count.
pub fn figures_total(total: u32) -> String {
    format!("Total {total}")
}

/// Scan loop, wide screens: the count's line.
pub fn count_heading(id: CountId, name: &str, scope: &str, blind: bool) -> String {
    format!(
        "Count {id} \"{name}\" over {scope}{}",
        if blind { "" } else { ", open counting" }
    )
}

/// Status: the location is set.
pub fn location_set(code: &str) -> String {
    format!("Location {code}")
}

/// Headline: a serial before any location.
pub const NO_LOCATION: &str = "NO LOCATION";
/// Detail: a serial before any location.
pub const LOCATION_FIRST: &str = "scan a location label first";
/// Headline: a location label was asked for.
pub const NOT_A_LOCATION: &str = "NOT A LOCATION";
/// Detail: a location label was asked for.
pub const LOCATION_EXPECTED: &str = "scan a location label";
/// Headline: a location outside the count's scope.
pub const WRONG_LOCATION: &str = "WRONG LOCATION";
/// Detail: a location outside the count's scope.
pub fn outside_scope(id: CountId, scope: &str) -> String {
    format!("outside count {id} ({scope})")
}
/// Headline: the undo was refused.
pub const NOT_UNDONE: &str = "NOT UNDONE";

/// One-character mark of a recent scan (narrow screens): counted, duplicate, not here,
/// unknown.
pub fn answer_mark(kind: AnswerKind) -> char {
    match kind {
        AnswerKind::Counted => '+',
        AnswerKind::Duplicate => '=',
        AnswerKind::NotHere => '!',
        AnswerKind::Unknown => '?',
        AnswerKind::Bad | AnswerKind::Refused | AnswerKind::Undone => ' ',
    }
}

/// A recent scan's answer in a word (wide screens).
pub fn answer_word(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Counted => "counted",
        AnswerKind::Duplicate => "duplicate",
        AnswerKind::NotHere => "not here",
        AnswerKind::Unknown => "unknown",
        AnswerKind::Bad => "bad scan",
        AnswerKind::Refused => "not saved",
        AnswerKind::Undone => "undone",
    }
}

/// What to say about an answer beyond its headline and serial: short phrases, one line each
/// on narrow screens, joined with ", " on wide ones.
pub fn answer_facts(a: &ScanAnswer) -> Vec<String> {
    match &a.why {
        Why::None => match (a.kind, a.number) {
            (AnswerKind::Undone, Some(n)) => vec![format!("scan {n} taken back")],
            _ => Vec::new(),
        },
        Why::Duplicate {
            first,
            by,
            at,
            when,
        } => {
            let mut out = vec![match by {
                Some(by) => format!("scan {first} by {by}"),
                None => format!("scan {first}"),
            }];
            if let Some(at) = at {
                out.push(match when {
                    Some(t) => format!("at {at} {}", clock(t)),
                    None => format!("at {at}"),
                });
            }
            out
        }
        Why::Elsewhere { location } => vec![format!("in stock at {location}")],
        Why::Sold { customer, document } => {
            vec![format!("sold to {customer}"), format!("on {document}")]
        }
        Why::WrittenOff => vec!["written off".into()],
        Why::InRepair => vec!["in repair".into()],
        Why::Replaced { by } => vec![format!("replaced by {by}")],
        Why::OtherProduct { sku } => vec![format!("is a {sku}"), "not in this count".into()],
        Why::Unknown => vec!["never received".into(), "kept as unknown".into()],
        Why::Refused { message } => vec![message.clone()],
    }
}

/// A time of day as the screens show it.
pub fn clock(t: &NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}
