//! Every string an operator sees, in one place (for review, wording and later translation).
//! Labels are short on purpose: the smallest screen is 20 columns wide.

use chrono::NaiveDateTime;

use super::app::ScreenId;
use super::ask::{Choice, Prompt};
use super::count::{AnswerKind, ScanAnswer, Why};
use super::keymap::{Command, Context};
use super::mismatch::MismatchData;
use crate::domain::reconcile::SurplusReason;
use crate::domain::warranty::{Coverage, Status as WarrantyStatus};
use crate::domain::{CountId, CountStatus, DocKind, HistoryKind, ResolutionRecord, UnitState};
use crate::ops::{TimelineLine, UnitView};

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
        Command::UndoFix => "Undo",
        Command::Post => "Post",
        Command::Find => "Find",
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
        Command::NextList => "Next list (short/surplus/fixed)",
        Command::UndoFix => "Undo the marked fix (or the last)",
        Command::Post => "Post the count (asks first)",
        Command::Find => "Scan a serial to find its row",
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
        ScreenId::Lookup => "History and warranty by serial",
        ScreenId::Receive => "Book in goods from a supplier",
        ScreenId::Sell => "Sell units to a customer",
        ScreenId::Return => "Take back units from a customer",
        ScreenId::Transfer => "Move units between locations",
        ScreenId::Reports => "Warranty expiry and tracking",
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
    status.as_str()
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
    status.describe()
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

// ---- Mismatches ----

/// Mismatch screens title (the count number follows on the list screen).
pub const TITLE_MISMATCHES: &str = "Mismatches";
/// Details screen title.
pub const TITLE_DETAILS: &str = "Details";

/// The mismatch screen's header title: `Mismatches 3`.
pub fn mismatches_title(id: CountId) -> String {
    format!("{TITLE_MISMATCHES} {id}")
}

/// Help screen of the count picker (mismatches): what the digits do.
pub const MISMATCH_PICK_INTRO: &str = "Press the line number of a count to see its mismatches.";
/// Help screen: digits in the count picker.
pub const HELP_MISMATCH_PICK_DIGITS: &str = "1-9: open the mismatches of the count on that line.";
/// Help screen: the marks of the mismatch lists.
pub const HELP_MISMATCH_MARKS: &str = "Marks: A accepted, * moved during the count.";
/// Help screen: scanning on the mismatch screen.
pub const HELP_MISMATCH_FIND: &str =
    "Digits are fixes here: to go to a serial, press Find, then scan it.";
/// Count picker footer: Enter opens the marked count's mismatches.
pub const HINT_OPEN: &str = "Open";
/// Footer of numbered choices.
pub const HINT_PICK: &str = "Pick";

/// Bucket figures: labels.
pub const FIG_MATCHED: &str = "Matched";
/// Bucket figures: shortage.
pub const FIG_SHORT: &str = "Short";
/// Bucket figures: surplus.
pub const FIG_SURPLUS: &str = "Surplus";
/// Bucket figures: duplicates.
pub const FIG_DUP: &str = "Dup";
/// Bucket figures: open mismatches.
pub const FIG_OPEN: &str = "Open";
/// Product heading of surplus rows whose scan named no product.
pub const NO_PRODUCT: &str = "no product";
/// Mismatch screen before the picture is there.
pub const MISMATCH_LOADING: &str = "Comparing...";

/// A list's short name (narrow screens).
pub fn list_name(kind: super::mismatch::ListKind) -> &'static str {
    use super::mismatch::ListKind;
    match kind {
        ListKind::Short => "Short",
        ListKind::Surplus => "Surplus",
        ListKind::Fixed => "Fixed",
    }
}

/// A list's heading (wide screens).
pub fn list_heading(kind: super::mismatch::ListKind) -> &'static str {
    use super::mismatch::ListKind;
    match kind {
        ListKind::Short => "Short: expected, not counted",
        ListKind::Surplus => "Surplus: counted, not expected",
        ListKind::Fixed => "Fixed, newest first",
    }
}

/// An empty list.
pub fn list_empty(kind: super::mismatch::ListKind) -> &'static str {
    use super::mismatch::ListKind;
    match kind {
        ListKind::Short => "Nothing short.",
        ListKind::Surplus => "Nothing surplus.",
        ListKind::Fixed => "Nothing fixed yet.",
    }
}

/// The mark of a row: accepted, moved during the count, or nothing.
pub fn row_mark(accepted: bool, moved: bool) -> char {
    if accepted {
        'A'
    } else if moved {
        '*'
    } else {
        ' '
    }
}

/// Why a surplus is surplus (the same words as `tallyman count mismatches`).
pub fn reason_text(data: &MismatchData, r: &SurplusReason) -> String {
    crate::ops::reconcile::surplus_why(r, &|id| data.party(id))
}

/// A shortage's place: `expected at WH1/A/01`.
pub fn expected_at(location: &str) -> String {
    format!("expected at {location}")
}

/// Where and when a surplus was counted: `counted at WH1/A/01, scan 5`.
pub fn counted_at(location: &str, scan: u32) -> String {
    format!("counted at {location}, scan {scan}")
}

/// The row's marks in words.
pub fn marks_text(accepted: bool, moved: bool) -> Option<String> {
    match (accepted, moved) {
        (false, false) => None,
        (true, false) => Some("[accepted]".into()),
        (false, true) => Some("[moved during count]".into()),
        (true, true) => Some("[accepted] [moved during count]".into()),
    }
}

/// The top suggestion and the key that takes it: `1 Replace by RT00000004`.
pub fn suggestion_line(key: &str, missing: &str) -> String {
    format!("{key} Replace by {missing}")
}

/// The top suggestion on a narrow screen, so the serial fits: `1 -> RT00000004`.
pub fn suggestion_short(key: &str, missing: &str) -> String {
    format!("{key} -> {missing}")
}

/// Further suggestions: `also RT00000005, RT00000006`.
pub fn more_suggestions(serials: &[&str]) -> String {
    format!("also {}", serials.join(", "))
}

/// A resolution in words (the same words as `tallyman count report`), without who and when.
pub fn resolution_what(r: &ResolutionRecord) -> String {
    crate::ops::reconcile::resolution_what(r)
}

/// A fixed-list row: `#1 replace-on-sale RT00000009` (narrow) with `(undone)`.
pub fn resolution_short(r: &ResolutionRecord) -> String {
    let serial = r
        .resolution
        .serials()
        .first()
        .map(|s| s.to_string())
        .unwrap_or_default();
    format!(
        "#{} {}{} {serial}",
        r.number,
        if r.undone { "undone: " } else { "" },
        r.resolution.name(),
    )
}

/// A fixed-list row on wide screens: `#1 replace "A" by "B" on sale ... by clerk1`.
pub fn resolution_long(r: &ResolutionRecord) -> String {
    format!(
        "#{} {}{} by {}",
        r.number,
        if r.undone { "undone: " } else { "" },
        resolution_what(r),
        r.actor,
    )
}

/// Status: a resolution was recorded.
pub fn fix_done(number: u32, name: &str) -> String {
    format!("#{number} {name} done")
}

/// Status: a resolution was undone.
pub fn fix_undone(number: u32) -> String {
    format!("#{number} undone")
}

/// Mismatch screen: nothing left to fix.
pub fn nothing_open(post_key: &str) -> String {
    format!("Nothing open: {post_key} posts the count.")
}

/// Error: posting with mismatches left.
pub fn open_left(n: usize) -> String {
    format!("{n} open: fix or accept each first")
}

/// Error: a fix on a row it is not for.
pub fn fix_not_here(cmd: Command) -> String {
    let rows = match cmd {
        Command::Relocate | Command::ReceiveFound => "surplus rows",
        Command::WriteOff => "short rows",
        _ => "short or surplus rows",
    };
    format!("{} is for {rows}", command_label(cmd))
}

/// Error: a scan that names no serial.
pub fn no_serial_in(raw: &str) -> String {
    format!("\"{raw}\" carries no serial: rescan")
}

/// Error: a product that is neither a SKU nor a product barcode.
pub fn no_product(raw: &str) -> String {
    format!(
        "No product \"{}\": type its SKU or scan its barcode",
        raw.trim()
    )
}

/// Error: a fix with no row marked.
pub const NO_ROW: &str = "No row marked";
/// Error: nothing to undo.
pub const NOTHING_TO_UNDO: &str = "Nothing to undo";

/// Error: accepting an accepted row.
pub fn accepted_already(serial: &str) -> String {
    format!("{serial} is accepted already")
}

/// Error: relocating something that is not in stock elsewhere.
pub fn not_elsewhere(serial: &str) -> String {
    format!("{serial} is not in stock elsewhere: nothing to relocate")
}

/// Error: receiving something that is known.
pub fn not_unknown(serial: &str) -> String {
    format!("{serial} is known: found stock is for serials never seen")
}

/// Error: a serial Find did not find.
pub fn not_a_mismatch(serial: &str, id: CountId) -> String {
    format!("{serial} is no mismatch of count {id}")
}

/// Status: Find went to a row.
pub fn found_in(serial: &str, list: super::mismatch::ListKind) -> String {
    format!("{serial}: {}", list_name(list))
}

/// The posting question.
pub fn confirm_post(id: CountId, name: &str) -> String {
    format!("Post count {id} \"{name}\"? Its fixes become final and cannot be undone.")
}

/// Write-off reasons, numbered from 1 on screen.
pub const WRITE_OFF_REASONS: [&str; 4] = ["Damaged", "Lost", "Stolen", "Other"];

/// Accept notes, numbered from 1 on screen; the last one asks for a typed note.
pub const ACCEPT_NOTES: [&str; 4] = [
    "Known difference",
    "Customer property",
    "Booked outside tallyman",
    "Type a note",
];

/// The numbered options of a choice.
pub fn choice_options(c: &Choice) -> Vec<String> {
    match c {
        Choice::WriteOffReason { .. } => WRITE_OFF_REASONS.map(String::from).to_vec(),
        Choice::AcceptNote { .. } => ACCEPT_NOTES.map(String::from).to_vec(),
        Choice::Product { options, .. } => options.clone(),
        Choice::Actions { actions, .. } => actions
            .iter()
            .map(|a| unit_action(*a).to_string())
            .collect(),
        Choice::ExtendBy { .. } => crate::tui::lookup::EXTEND_MONTHS
            .iter()
            .map(|m| format!("{m} months"))
            .collect(),
        Choice::Report { days } => vec![
            report_expiring(*days),
            REPORT_TRACKING.to_string(),
            REPORT_CUSTOMER.to_string(),
        ],
    }
}

/// A choice's question.
pub fn choice_question(c: &Choice) -> String {
    match c {
        Choice::WriteOffReason { serial } => format!("Write off {serial}: why?"),
        Choice::AcceptNote { serial } => format!("Accept {serial} as it is: why?"),
        Choice::Product { serial, .. } => {
            format!("Several products have serial {serial}. Which one?")
        }
        Choice::Actions { serial, .. } => format!("{serial}: what to do?"),
        Choice::ExtendBy { serial } => format!("Extend the warranty of {serial} by:"),
        Choice::Report { .. } => "Which report?".into(),
    }
}

/// A choice's header title.
pub fn choice_title(c: &Choice) -> &'static str {
    match c {
        Choice::WriteOffReason { .. } => "Write off",
        Choice::AcceptNote { .. } => "Accept",
        Choice::Product { .. } => TITLE_LOOKUP,
        Choice::Actions { .. } => TITLE_ACTIONS,
        Choice::ExtendBy { .. } => "Extend",
        Choice::Report { .. } => TITLE_REPORTS,
    }
}

/// Error: a digit that is not an option.
pub fn no_option(digit: char) -> String {
    format!("No option {digit}")
}

/// A prompt's header title.
pub fn prompt_title(p: &Prompt) -> &'static str {
    match p {
        Prompt::ReplaceBy { .. } | Prompt::FoundAs { .. } => "Replace SN",
        Prompt::Product { .. } => "Receive",
        Prompt::Note { .. } => "Accept",
        Prompt::Find => "Find",
        Prompt::RepairNote { .. } => "Repair",
        Prompt::NewSerial { .. } => "Replace",
        Prompt::Customer => TITLE_REPORTS,
    }
}

/// A prompt's question.
pub fn prompt_question(p: &Prompt) -> String {
    match p {
        Prompt::ReplaceBy { found } => {
            format!("{found} was counted. Scan or type the expected serial it stands for.")
        }
        Prompt::FoundAs { missing } => {
            format!("{missing} is short. Scan or type the serial counted instead.")
        }
        Prompt::Product { serial } => {
            format!("Receive {serial}: type the product's SKU or scan its barcode.")
        }
        Prompt::Note { serial } => format!("Accept {serial}: type a short note."),
        Prompt::Find => "Scan or type a serial to go to its row.".into(),
        Prompt::RepairNote { serial } => {
            format!("Repair intake of {serial}: type a short note of what is wrong.")
        }
        Prompt::NewSerial { old } => {
            format!("Replace {old} under warranty: scan the NEW serial.")
        }
        Prompt::Customer => "Units sold to a customer: type the customer's name.".into(),
    }
}

/// A prompt's field label.
pub fn prompt_label(p: &Prompt) -> &'static str {
    match p {
        Prompt::Note { .. } | Prompt::RepairNote { .. } => "Note:",
        Prompt::Product { .. } => "SKU:",
        Prompt::NewSerial { .. } => "New:",
        Prompt::Customer => "Name:",
        _ => "SN:",
    }
}

/// Details: the bucket line of a shortage.
pub fn details_short(location: &str) -> String {
    format!("Short: {}", expected_at(location))
}

/// Details: the bucket line of a surplus.
pub fn details_surplus(reason: &str) -> String {
    format!("Surplus: {reason}")
}

/// Details: waiting for the lookup.
pub const DETAILS_LOADING: &str = "Looking up...";
/// Details: no unit has this serial.
pub const DETAILS_NO_UNIT: &str = "No unit has this serial: never received.";
/// Details: heading of the documents.
pub const DETAILS_DOCUMENTS: &str = "Last documents";
/// Details: heading of the fixes that apply.
pub const DETAILS_FIXES: &str = "Fixes";
/// Details: heading of the ranked suggestions.
pub const DETAILS_SUGGESTIONS: &str = "Suggestions";
/// Details: no documents.
pub const DETAILS_NO_DOCUMENTS: &str = "none";

/// A unit's state in words: `in stock at WH1/A/01`, `sold to ACME on S-2026-0001`.
pub fn unit_state(v: &UnitView) -> String {
    match &v.unit.state {
        UnitState::InStock { location } => format!("in stock at {location}"),
        UnitState::Sold { document, .. } => {
            format!(
                "sold to {} on {document}",
                v.customer.as_deref().unwrap_or("?")
            )
        }
        UnitState::InRepair => "in repair".into(),
        UnitState::WrittenOff => "written off".into(),
        UnitState::Replaced { by } => format!("replaced by {by}"),
        UnitState::Renamed { to } => format!("really {to} (corrected)"),
    }
}

/// Details: the state line.
pub fn details_now(state: &str) -> String {
    format!("Now: {state}")
}

/// One timeline entry on one line: date, what, document, party.
pub fn timeline_line(t: &TimelineLine) -> String {
    let e = &t.entry;
    let mut line = format!("{} {} {}", e.date, e.kind.name(), e.document);
    if let Some(p) = &t.party_name {
        line.push_str(&format!(" {p}"));
    }
    line
}

/// Is this timeline entry a document (not a count scan or a warranty note)?
pub fn is_document(t: &TimelineLine) -> bool {
    matches!(t.entry.kind, HistoryKind::Document(_))
}

// ---- Lookup ----

/// Lookup screen title.
pub const TITLE_LOOKUP: &str = "Lookup";
/// Lookup: the field label.
pub const LOOKUP_LABEL: &str = "SN:";
/// Lookup: what to do first.
pub const LOOKUP_START: &str =
    "Scan or type a serial: its product, state, warranty and history show here.";
/// Lookup: heading of the warranty block (wide screens).
pub const LOOKUP_WARRANTY: &str = "Warranty";
/// Lookup: heading of the history.
pub const LOOKUP_HISTORY: &str = "History, newest first";
/// Lookup: heading of the history (narrow screens).
pub const LOOKUP_HISTORY_SHORT: &str = "History";
/// Help screen: the warranty band.
pub const HELP_LOOKUP_BAND: &str =
    "Warranty: ACTIVE, EXPIRING (within the expiring-soon days), EXPIRED or NONE, always with the days; green, yellow and red where the terminal has colour.";

/// Error: a serial no unit has (the words of `tallyman lookup`).
pub fn unknown_serial(serial: &str) -> String {
    format!("SN \"{serial}\" is unknown: never received, sold or counted here")
}

/// Lookup: other products with the same serial.
pub fn also_products(skus: &[String]) -> String {
    format!(
        "Also a {} with this serial (scan again to choose)",
        skus.join(", a ")
    )
}

/// Lookup: where the unit came from: `from Northwind on R-2026-0001 (2026-01-02), cost 54.90`.
pub fn received_text(v: &UnitView) -> Option<String> {
    let u = &v.unit;
    let receipt = u.receipt.as_ref()?;
    let mut t = format!("received on {receipt}");
    if let Some(d) = u.received_on {
        t.push_str(&format!(" ({d})"));
    }
    if let Some(s) = &v.supplier {
        t.push_str(&format!(" from {s}"));
    }
    if let Some(c) = u.cost {
        t.push_str(&format!(", cost {c}"));
    }
    Some(t)
}

/// Lookup: the sale: `sold on S-2026-0001 (2026-01-02), price 89.90`, with `returned`.
pub fn sale_text(v: &UnitView) -> Option<String> {
    let sale = v.unit.sale.as_ref()?;
    let mut t = format!("sold on {} ({})", sale.document, sale.date);
    if let Some(p) = sale.price {
        t.push_str(&format!(", price {p}"));
    }
    if sale.returned {
        t.push_str(", returned");
    }
    Some(t)
}

/// The warranty band in words with the days: `ACTIVE, 120 days left`.
pub fn band_text(status: WarrantyStatus, days_left: Option<i64>) -> String {
    status.describe(days_left)
}

/// The warranty band in at most `width` characters: `ACTIVE 364 days left`, else
/// `ACTIVE 1825d left`.
pub fn band_short(status: WarrantyStatus, days_left: Option<i64>, width: usize) -> String {
    let label = status.label();
    let long = match (status, days_left) {
        (WarrantyStatus::None, _) | (_, None) => return label.to_string(),
        (_, Some(0)) => format!("{label} last day"),
        (_, Some(n)) if n > 0 => format!("{label} {n} days left"),
        (_, Some(n)) => format!("{label} {} days ago", -n),
    };
    if long.chars().count() <= width {
        return long;
    }
    match days_left {
        Some(n) if n > 0 => format!("{label} {n}d left"),
        Some(n) if n < 0 => format!("{label} {}d ago", -n),
        _ => label.to_string(),
    }
}

/// One coverage: `manufacturer 2026-01-02 to 2027-01-02, agreement AG-000001`.
pub fn coverage_text(c: &Coverage) -> String {
    let mut t = format!("{} {} to {}", c.kind.as_str(), c.start, c.end);
    if let Some(a) = &c.agreement {
        t.push_str(&format!(", agreement {a}"));
    }
    if let Some(f) = &c.inherited_from {
        t.push_str(&format!(", from {f}"));
    }
    t
}

/// The warranty type: `type serialized (AG-000001 to 2028-11-22)`.
pub fn warranty_type(described: &str) -> String {
    format!("type {described}")
}

/// The reported coverage's start and end: `start 2026-01-02, end 2027-01-02`.
pub fn warranty_span(c: &Coverage) -> String {
    format!("start {}, end {}", c.start, c.end)
}

/// The warranty's end: `to 2027-01-02`.
pub fn warranty_to(c: &Coverage) -> String {
    format!("to {}", c.end)
}

/// The parts of a timeline entry after its date and kind: the document, the party (`from`
/// a supplier, `to` a customer), the invoice, the movement, the amount (`cost`, `price`)
/// and the reason.
pub fn history_parts(t: &TimelineLine) -> Vec<String> {
    let e = &t.entry;
    let doc = match e.kind {
        HistoryKind::Document(k) => Some(k),
        _ => None,
    };
    let mut out = Vec::new();
    if !e.document.0.is_empty() {
        out.push(e.document.to_string());
    }
    if let Some(p) = &t.party_name {
        out.push(match doc {
            Some(DocKind::Receipt) | Some(DocKind::Return) => format!("from {p}"),
            Some(DocKind::Sale) => format!("to {p}"),
            _ => p.clone(),
        });
    }
    if let Some(i) = &e.invoice {
        out.push(format!("inv {i}"));
    }
    match (&e.from, &e.to) {
        (Some(f), Some(to)) => out.push(format!("{f} -> {to}")),
        (None, Some(to)) => out.push(format!("-> {to}")),
        (Some(f), None) => out.push(format!("{f} ->")),
        (None, None) => {}
    }
    if let Some(a) = e.amount {
        out.push(match doc {
            Some(DocKind::Receipt) => format!("cost {a}"),
            Some(DocKind::Sale) => format!("price {a}"),
            _ => a.to_string(),
        });
    }
    if let Some(r) = &e.reason {
        out.push(format!("({r})"));
    }
    if let Some(w) = &e.warning {
        out.push(format!("[warned: {}; {}]", w.message, w.reason));
    }
    out
}

// ---- Warranty actions (lookup) ----

/// Actions choice title.
pub const TITLE_ACTIONS: &str = "Actions";
/// Error: the actions key before a unit is shown.
pub const SCAN_FIRST: &str = "Scan a serial first";

/// An action of the lookup's actions choice.
pub fn unit_action(a: crate::tui::lookup::UnitAction) -> &'static str {
    use crate::tui::lookup::UnitAction;
    match a {
        UnitAction::Activate => "Activate warranty (today)",
        UnitAction::Extend => "Extend warranty",
        UnitAction::RepairIntake => "Repair intake",
        UnitAction::RepairClose => "Close repair",
        UnitAction::Replace => "Warranty replacement",
    }
}

/// Confirm: a warranty replacement.
pub fn confirm_replace(old: &str, new: &str) -> String {
    format!("Replace {old} by {new} under warranty? {old} is then marked replaced.")
}

// ---- Reports ----

/// Reports title (the choice and the report screen).
pub const TITLE_REPORTS: &str = "Reports";
/// Report: every sold unit with a warranty.
pub const REPORT_TRACKING: &str = "Warranty tracking";
/// Report: the units sold to a customer.
pub const REPORT_CUSTOMER: &str = "Sold to a customer";
/// Report: nothing to show.
pub const REPORT_EMPTY: &str = "No units.";
/// Report: the column headings (wide screens).
pub const REPORT_COLUMNS: [&str; 5] = ["Serial", "SKU", "Days", "Warranty", "Ends"];

/// Report: the expiring report's name.
pub fn report_expiring(days: u32) -> String {
    format!("Expiring within {days} days")
}

/// Report: the heading of a report (shorter on narrow screens).
pub fn report_heading(kind: &crate::tui::reports::ReportKind, narrow: bool) -> String {
    use crate::tui::reports::ReportKind;
    match kind {
        ReportKind::Expiring { days } if narrow => format!("Expiring in {days} days"),
        ReportKind::Expiring { days } => report_expiring(*days),
        ReportKind::Tracking => REPORT_TRACKING.to_string(),
        ReportKind::Customer { name } => format!("Sold to {name}"),
    }
}

/// Report: how many units, and the date they are judged at (shorter on narrow screens).
pub fn report_count(n: usize, date: crate::domain::Day, narrow: bool) -> String {
    let on = if narrow { "" } else { " on" };
    match n {
        1 => format!("1 unit{on} {date}"),
        _ => format!("{n} units{on} {date}"),
    }
}

/// Report: the days column: `18`, `-3` (ended), `-` (no coverage).
pub fn report_days(days_left: Option<i64>) -> String {
    days_left.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// Error: a customer name no party has.
pub fn no_customer(name: &str) -> String {
    format!("No customer named \"{}\"", name.trim())
}
