//! The mismatch screens' words: lists, reasons, fixes, details, and the words of the
//! runner's fix answers.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::domain::{CountId, HistoryKind, NotHere, ResolutionRecord};
use crate::ops::TimelineLine;
use crate::tui::keymap::KeyCommand;
use crate::tui::screens::mismatch::state::MismatchData;
use crate::tui::text::{command_label, TITLE_MISMATCHES};

/// Details screen title.
pub const TITLE_DETAILS: &str = "Details";

/// The mismatch screen's header title: `Mismatches 3`.
pub fn mismatches_title(id: CountId) -> String {
    format!("{TITLE_MISMATCHES} {id}")
}

/// Bucket figures: labels.
pub const FIG_MATCHED: &str = "Matched";

/// Figures: a product counted by quantity that differs: `BAT-AA@WH1/C/08 -10`.
pub fn qty_piece(sku: &str, q: &crate::domain::count::QtyMismatch) -> String {
    format!("{sku}@{} {:+}", q.location, q.difference())
}

/// Bucket figures: shortage.
pub const FIG_SHORT: &str = "Short";

/// Bucket figures: surplus.
pub const FIG_SURPLUS: &str = "Surplus";

/// Bucket figures: surplus, where the header is short of room (matched keeps its word).
pub const FIG_SURPLUS_SHORT: &str = "Sur";

/// Bucket figures: duplicates.
pub const FIG_DUP: &str = "Dup";

/// Bucket figures: open mismatches.
pub const FIG_OPEN: &str = "Open";

/// Product heading of surplus rows whose scan named no product.
pub const NO_PRODUCT: &str = "no product";

/// Mismatch screen before the picture is there.
pub const MISMATCH_LOADING: &str = "Comparing...";

/// A list's short name (narrow screens).
pub fn list_name(kind: crate::tui::screens::mismatch::state::ListKind) -> &'static str {
    use crate::tui::screens::mismatch::state::ListKind;
    match kind {
        ListKind::Short => "Short",
        ListKind::Surplus => "Surplus",
        ListKind::Fixed => "Fixed",
    }
}

/// A list's heading (wide screens).
pub fn list_heading(kind: crate::tui::screens::mismatch::state::ListKind) -> &'static str {
    use crate::tui::screens::mismatch::state::ListKind;
    match kind {
        ListKind::Short => "Short: expected, not counted",
        ListKind::Surplus => "Surplus: counted, not expected",
        ListKind::Fixed => "Fixed, newest first",
    }
}

/// An empty list.
pub fn list_empty(kind: crate::tui::screens::mismatch::state::ListKind) -> &'static str {
    use crate::tui::screens::mismatch::state::ListKind;
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

/// Why a surplus is surplus, in its short form for list rows (`sold`).
pub fn reason_word(r: &NotHere) -> &'static str {
    crate::ops::why_short(r)
}

/// Why a surplus is surplus (the same words as `tallyman count mismatches`).
pub fn reason_text(data: &MismatchData, r: &NotHere) -> String {
    crate::ops::why_line(r, &|id| data.party(id))
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

/// A resolution in words (the same words as `tallyman count report`), without who and when.
pub fn resolution_what(r: &ResolutionRecord) -> String {
    crate::ops::resolution_what(r)
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
pub fn fix_not_here(cmd: KeyCommand) -> String {
    let rows = match cmd {
        KeyCommand::Relocate | KeyCommand::ReceiveFound => "surplus rows",
        KeyCommand::WriteOff => "short rows",
        _ => "short or surplus rows",
    };
    format!("{} is for {rows}", command_label(cmd))
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

/// Status: a fix was not confirmed.
pub const NOTHING_CHANGED: &str = "Not done: nothing changed";

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
pub fn found_in(serial: &str, list: crate::tui::screens::mismatch::state::ListKind) -> String {
    format!("{serial}: {}", list_name(list))
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
