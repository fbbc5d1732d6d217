//! Questions the screens ask: a numbered choice (answered with a digit, in a popup) and an
//! entry prompt (scanned or typed into a field). Plain data; the words are in `words`.

use super::super::lookup::state::UnitAction;
use crate::domain::CountId;

/// A question answered with the digit of one of its numbered options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Why a missing unit is written off (`words::WRITE_OFF_REASONS`).
    WriteOffReason {
        /// The serial.
        serial: String,
    },
    /// Why a mismatch is accepted as it is (`words::ACCEPT_NOTES`; the last option asks for
    /// a typed note).
    AcceptNote {
        /// The serial.
        serial: String,
    },
    /// Which of the products that share a serial is meant (lookup).
    Product {
        /// The serial.
        serial: String,
        /// The products, as `SKU name`, in the order of the units found.
        options: Vec<String>,
    },
    /// What to do with the unit shown on the lookup screen (warranty and repair).
    Actions {
        /// The serial.
        serial: String,
        /// The actions that apply, in the order shown.
        actions: Vec<UnitAction>,
    },
    /// By how long to extend the warranty (`lookup::EXTEND_MONTHS`).
    ExtendBy {
        /// The serial.
        serial: String,
    },
    /// Many mismatches at once: of the marked row's bin, of its product, or the shortages of
    /// the counted bins.
    Bulk {
        /// The marked row's bin.
        location: String,
        /// The marked row's product.
        sku: Option<String>,
    },
    /// Why the bulk accept: a numbered note.
    BulkNote {
        /// The bin, when it is about one.
        location: Option<String>,
        /// The product, when it is about one.
        sku: Option<String>,
    },
    /// Why the bulk write-off: a numbered reason.
    BulkWriteOffReason,
    /// Posting a count with counted bins: their shortages only, or the whole scope's.
    PostScope {
        /// The count.
        id: CountId,
        /// Its name.
        name: String,
    },
    /// A new count: blind or open counting.
    CountKind {
        /// The scope's location.
        location: String,
    },
    /// A new count: every product, or some.
    CountProducts {
        /// The scope's location.
        location: String,
        /// Blind counting.
        blind: bool,
    },
    /// Which report to show.
    Report {
        /// The expiring-soon days of the config.
        days: u32,
    },
}

/// A question answered by scanning or typing into the entry field, then Enter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Replace serial number from a surplus: which expected serial does it stand for?
    ReplaceBy {
        /// The counted serial.
        found: String,
    },
    /// Replace serial number from a shortage: which serial was counted instead?
    FoundAs {
        /// The expected serial.
        missing: String,
    },
    /// Receive found stock: which product is it (SKU or product barcode)?
    Product {
        /// The unknown serial.
        serial: String,
    },
    /// Accept with a typed note.
    Note {
        /// The serial.
        serial: String,
    },
    /// Find a serial among the mismatches.
    Find,
    /// Repair intake: a short note of what is wrong.
    RepairNote {
        /// The serial.
        serial: String,
    },
    /// Warranty replacement: scan the new serial.
    NewSerial {
        /// The serial replaced.
        old: String,
    },
    /// The report of the units sold to a customer: the customer's name.
    Customer,
    /// A new count: the location whose subtree it counts.
    CountScope,
    /// How many of a product counted by quantity (typed, or scanned from a box label).
    CountQty {
        /// Its SKU.
        sku: String,
    },
    /// A new count: the products it counts, by SKU or barcode.
    CountSkus {
        /// The scope's location.
        location: String,
        /// Blind counting.
        blind: bool,
    },
}

/// A destructive step waiting for its numbered answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Cancel a count.
    CancelCount {
        /// Which.
        id: CountId,
        /// Its name.
        name: String,
    },
    /// Post a count: its fixes become final.
    PostCount {
        /// Which.
        id: CountId,
        /// Its name.
        name: String,
        /// Shortages of the counted bins only.
        counted_bins_only: bool,
    },
    /// A bulk fix, with how many mismatches it takes.
    Bulk {
        /// The count.
        count: CountId,
        /// The fix.
        fix: crate::ops::BulkFix,
        /// What it changes, in words.
        change: String,
    },
    /// A fix that rewrites history, with what it changes.
    Fix {
        /// The count.
        count: CountId,
        /// The fix.
        fix: crate::ops::ResolveAction,
        /// What it changes, as the service worded it.
        change: String,
    },
    /// Replace a unit under warranty: the old serial is marked replaced.
    Replace {
        /// The unit replaced.
        old: String,
        /// The unit given instead.
        new: String,
    },
}
