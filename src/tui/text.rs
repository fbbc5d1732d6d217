//! The words several screens share (the frame, command labels, titles other screens name,
//! status messages of the common keys). A screen's own words are in its folder's `words.rs`.
//! Labels are short on purpose: the smallest screen is 20 columns wide.

use super::keymap::{Context, KeyCommand};
use crate::domain::{CountId, CountStatus, UnitState};
use crate::ops::UnitView;

/// The product name in headers.
pub const APP_NAME: &str = "Tallyman";

/// Scan loop title (the count number follows when known).
pub const TITLE_COUNT: &str = "Count";

/// Status: a bulk fix was recorded.
pub fn bulk_done(first: u32, n: u32) -> String {
    format!("#{first}-#{} done ({n} fixes)", first + n.saturating_sub(1))
}

/// Short label of a command (footer hints, help).
pub fn command_label(cmd: KeyCommand) -> &'static str {
    match cmd {
        KeyCommand::Help => "Help",
        KeyCommand::Back => "Back",
        KeyCommand::Redraw => "Redraw",
        KeyCommand::Quit => "Quit",
        KeyCommand::Select => "Open",
        KeyCommand::Review => "Review",
        KeyCommand::CancelCount => "Cancel",
        KeyCommand::NewCount => "New count",
        KeyCommand::Up => "Up",
        KeyCommand::Down => "Down",
        KeyCommand::PageUp => "Page up",
        KeyCommand::PageDown => "Page down",
        KeyCommand::Finish => "Finish",
        KeyCommand::UndoLast => "Undo",
        KeyCommand::SetLocation => "Location",
        KeyCommand::BinDone => "Bin done",
        KeyCommand::ReplaceSerial => "Replace SN",
        KeyCommand::Relocate => "Relocate",
        KeyCommand::ReceiveFound => "Receive",
        KeyCommand::WriteOff => "Write off",
        KeyCommand::Accept => "Accept",
        KeyCommand::Details => "Details",
        KeyCommand::NextList => "Next list",
        KeyCommand::UndoFix => "Undo",
        KeyCommand::Post => "Post",
        KeyCommand::Find => "Find",
        KeyCommand::Bulk => "Fix all",
        KeyCommand::Actions => "Actions",
        KeyCommand::ClearField => "Clear",
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

/// Status: a typed code that means nothing here.
pub fn unknown_code(code: &str) -> String {
    format!("Unknown code {code}")
}

/// Status: a command whose screen does not exist yet.
pub const NOT_AVAILABLE: &str = "Not available yet";

/// Status: a typed code is being entered (the code follows).
pub const CODE_PROMPT: &str = "Code:";

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

/// Footer hint: more lines below.
pub const HINT_MORE: &str = "More";
/// Footer hint: at the end, scroll back.
pub const HINT_SCROLL_BACK: &str = "Scroll";

/// Header, right: a service effect is outstanding (fits beside a title at 20 columns).
pub const WORKING: &str = "working...";

/// Error: a key whose request the user's role does not allow (nothing was started).
pub fn needs_role(role: crate::domain::Role) -> String {
    format!("needs {role}")
}

/// Header, right: the server does not answer, so what the screen shows is as it was.
pub const NOT_CURRENT: &str = "not current";

/// Error: the worker that runs the service's requests has stopped.
pub const WORKER_GONE: &str = "the service worker stopped: restart tallyman";

/// Answer of the built-in runner when no service is connected.
pub const NO_SERVICE: &str = "none (TUI only)";

/// Answer of the built-in runner when no database is open.
pub const NO_DATABASE: &str = "no database: counting needs one";

/// A scan on a screen that takes none (nothing happened).
pub const SCAN_IGNORED: &str = "scan ignored here";

// ---- Counts (count list, scan loop, mismatches) ----

/// Scanned so far, with the expected number in open counting: `140 of 300`, or `140`.
pub fn scanned_of(live: u32, expected: Option<u32>) -> String {
    match expected {
        Some(e) => format!("{live} of {e}"),
        None => format!("{live}"),
    }
}

/// A count status in a sentence: `Count 3 is in review`.
pub fn status_phrase(status: CountStatus) -> &'static str {
    status.describe()
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

/// Scan loop, wide screens: the count's line.
pub fn count_heading(id: CountId, name: &str, scope: &str, blind: bool) -> String {
    format!(
        "{}{}",
        count_named(id, name, scope),
        if blind { "" } else { ", open counting" }
    )
}

/// A count by its number, name and scope: `Count 2 "Aisle A" over WH1/A`.
pub fn count_named(id: CountId, name: &str, scope: &str) -> String {
    format!("Count {id} \"{name}\" over {scope}")
}

/// Mismatch screens title (the count number follows on the list screen).
pub const TITLE_MISMATCHES: &str = "Mismatches";

/// Further suggestions: `also RT00000005, RT00000006`.
pub fn more_suggestions(serials: &[&str]) -> String {
    format!("also {}", serials.join(", "))
}

/// Error: a scan that names no serial.
pub fn no_serial_in(raw: &str) -> String {
    format!("\"{raw}\" carries no serial: rescan")
}

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

// ---- Units, warranty and reports (lookup, mismatch details, popups, reports) ----

/// Lookup screen title.
pub const TITLE_LOOKUP: &str = "Lookup";

/// Reports title (the choice and the report screen).
pub const TITLE_REPORTS: &str = "Reports";
/// Report: every sold unit with a warranty.
pub const REPORT_TRACKING: &str = "Warranty tracking";

/// Report: the expiring report's name.
pub fn report_expiring(days: u32) -> String {
    format!("Expiring within {days} days")
}

// ---- Words the screens' requests put into their messages (they live with their screen) ----

pub use super::screens::count_list::words::no_such_count;
pub use super::screens::count_scan::words::{
    cannot_join, outside_scope, BAD_SCAN, LOCATION_EXPECTED, LOCATION_FIRST, NOT_A_LOCATION,
    NOT_SAVED, NOT_UNDONE, NO_LOCATION, UNDONE, WRONG_LOCATION,
};
pub use super::screens::mismatch::words::{fix_done, fix_undone, no_product};
pub use super::screens::reports::words::no_customer;
