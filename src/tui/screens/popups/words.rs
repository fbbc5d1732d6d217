//! The popups' words: choice options and questions, prompt questions and labels.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::domain::CountId;
use crate::tui::screens::popups::state::{Choice, Prompt};
use crate::tui::text::{report_expiring, REPORT_TRACKING, TITLE_LOOKUP, TITLE_REPORTS};

/// Numbered confirmation title.
pub const TITLE_CONFIRM: &str = "Confirm";

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

/// Footer of numbered choices.
pub const HINT_PICK: &str = "Pick";

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
        Choice::ExtendBy { .. } => crate::tui::screens::lookup::state::EXTEND_MONTHS
            .iter()
            .map(|m| format!("{m} months"))
            .collect(),
        Choice::CountKind { .. } => COUNT_KINDS.map(String::from).to_vec(),
        Choice::Bulk { location, sku } => {
            let mut v = vec![format!("Accept all of {location}")];
            if let Some(sku) = sku {
                v.push(format!("Accept all {sku}"));
            }
            v.push(BULK_WRITE_OFF.to_string());
            v
        }
        Choice::BulkNote { .. } => ACCEPT_NOTES[..3].iter().map(|s| s.to_string()).collect(),
        Choice::BulkWriteOffReason => WRITE_OFF_REASONS.map(String::from).to_vec(),
        Choice::PostScope { .. } => POST_SCOPES.map(String::from).to_vec(),
        Choice::CountProducts { .. } => COUNT_PRODUCTS.map(String::from).to_vec(),
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
        Choice::CountKind { location } => format!("Count {location}: blind or open?"),
        Choice::Bulk { .. } => "Fix many at once:".into(),
        Choice::BulkNote { .. } => "Accept them as they are: why?".into(),
        Choice::BulkWriteOffReason => "Write off the short units of the counted bins: why?".into(),
        Choice::PostScope { id, .. } => {
            format!("Count {id} has counted bins. Its shortages are those of:")
        }
        Choice::CountProducts { location, .. } => format!("Count {location}: which products?"),
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
        Choice::CountKind { .. } | Choice::CountProducts { .. } => TITLE_NEW_COUNT,
        Choice::Bulk { .. } | Choice::BulkNote { .. } | Choice::BulkWriteOffReason => "Fix all",
        Choice::PostScope { .. } => "Post",
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
        Prompt::CountScope | Prompt::CountSkus { .. } => TITLE_NEW_COUNT,
        Prompt::CountQty { .. } => "Quantity",
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
        Prompt::CountScope => {
            "New count: scan or type the location. Every bin below it is counted.".into()
        }
        Prompt::CountQty { sku } => {
            format!(
                "{sku} is counted by quantity: type or scan how many are here (-2 takes 2 back)."
            )
        }
        Prompt::CountSkus { location, .. } => format!(
            "Count {location}: type the SKUs or scan the barcodes, space between, then Enter."
        ),
    }
}

/// A prompt's field label.
pub fn prompt_label(p: &Prompt) -> &'static str {
    match p {
        Prompt::Note { .. } | Prompt::RepairNote { .. } => "Note:",
        Prompt::Product { .. } => "SKU:",
        Prompt::NewSerial { .. } => "New:",
        Prompt::Customer => "Name:",
        Prompt::CountScope => "Loc:",
        Prompt::CountSkus { .. } => "SKUs:",
        Prompt::CountQty { .. } => "Qty:",
        _ => "SN:",
    }
}

/// Actions choice title.
pub const TITLE_ACTIONS: &str = "Actions";

/// An action of the lookup's actions choice.
pub fn unit_action(a: crate::tui::screens::lookup::state::UnitAction) -> &'static str {
    use crate::tui::screens::lookup::state::UnitAction;
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

/// Confirm: a count fix that rewrites a document or stock, with what changes.
pub fn confirm_fix(change: &str) -> String {
    let mut first = change.chars();
    let head: String = first
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .collect();
    format!("{head}{}?", first.as_str())
}

/// Bulk fixes: the write-off of every shortage of the counted bins.
pub const BULK_WRITE_OFF: &str = "Write off short in counted bins";

/// Posting a count with counted bins, numbered from 1 on screen.
pub const POST_SCOPES: [&str; 2] = ["The counted bins only", "The whole scope"];

/// The posting question of a count with counted bins.
pub fn confirm_post_bins(id: CountId, name: &str) -> String {
    format!(
        "Post count {id} \"{name}\" with the shortages of its counted bins only? Bins nobody finished keep their stock. Its fixes become final."
    )
}

/// New count: the popups' title.
pub const TITLE_NEW_COUNT: &str = "New count";

/// New count: blind or open counting, numbered from 1 on screen.
pub const COUNT_KINDS: [&str; 2] = ["Blind: no figures", "Open: show expected"];

/// New count: every product or some, numbered from 1 on screen.
pub const COUNT_PRODUCTS: [&str; 2] = ["All products", "Some: type SKUs"];

/// Report: the units sold to a customer.
pub const REPORT_CUSTOMER: &str = "Sold to a customer";
