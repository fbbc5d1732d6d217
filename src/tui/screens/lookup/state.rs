//! What the lookup screen knows: the unit shown (with its warranty at the screen's date), the
//! units waiting for a choice when several products share a serial, an unknown serial, and
//! how far the history is scrolled. Plain data, filled by `update` from the runner's answers;
//! the words are in `words`.

use crate::domain::{ProductId, UnitState};
use crate::ops::UnitView;
use crate::ops::WarrantyView;

use crate::tui::screens::mismatch::state::Shared;

/// One unit as looked up: its life and its warranty on the day of the lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The unit, its product, parties and timeline (oldest first).
    pub unit: Shared<UnitView>,
    /// The warranty at the lookup's date.
    pub warranty: WarrantyView,
}

/// The lookup screen's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupSession {
    /// The unit shown.
    pub shown: Option<Found>,
    /// The SKUs of the other products that share the shown serial.
    pub also: Vec<String>,
    /// Units of several products with the scanned serial, waiting for the numbered choice.
    pub pending: Vec<Found>,
    /// The last scan named no unit (its serial).
    pub unknown: Option<String>,
    /// The live count scans of that serial (a counter found it, no unit has it).
    pub counted: Vec<crate::ops::ScanLine>,
    /// First line of the result shown.
    pub scroll: usize,
    /// What the last warranty or repair action said (shown above the unit until the next
    /// scan).
    pub said: Option<Said>,
    /// The product of the unit being refreshed after an action (a shared serial shows the
    /// same product again instead of asking).
    pub keep: Option<ProductId>,
}

/// The answer to a warranty or repair action, in the service's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// The words.
    pub text: String,
    /// A refusal (nothing changed).
    pub refused: bool,
}

/// A warranty or repair action offered on the unit shown (the options of the actions
/// choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitAction {
    /// Activate the warranty today.
    Activate,
    /// Extend the warranty (an agreement) by a numbered duration.
    Extend,
    /// Take the unit in for repair, with a typed note (not when it is in repair already, or
    /// gone: replaced, renamed, written off).
    RepairIntake,
    /// Close the open repair (only when the unit is in repair).
    RepairClose,
    /// Replace the unit under warranty by a new serial (only when it is the customer's: sold,
    /// or in repair after a sale that was not returned).
    Replace,
}

/// The actions that apply to a unit in its state, in menu order: what the service would
/// refuse is not offered.
pub fn actions_for(unit: &UnitView) -> Vec<UnitAction> {
    let u = &unit.unit;
    let mut out = vec![UnitAction::Activate, UnitAction::Extend];
    match u.state {
        UnitState::InRepair => out.push(UnitAction::RepairClose),
        UnitState::Replaced { .. } | UnitState::Renamed { .. } | UnitState::WrittenOff => {}
        _ => out.push(UnitAction::RepairIntake),
    }
    let customers = match u.state {
        UnitState::Sold { .. } => true,
        UnitState::InRepair => u.sale.as_ref().is_some_and(|s| !s.returned),
        _ => false,
    };
    if customers {
        out.push(UnitAction::Replace);
    }
    out
}

/// The durations the extend choice offers, in months.
pub const EXTEND_MONTHS: [u32; 3] = [12, 24, 36];

/// A warranty or repair step for the service (the runner turns it into an ops command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitAct {
    /// Activate the warranty today.
    Activate {
        /// The serial.
        serial: String,
    },
    /// An extended warranty agreement of `months`.
    Extend {
        /// The serial.
        serial: String,
        /// Its duration.
        months: u32,
    },
    /// Repair intake with a note.
    RepairIntake {
        /// The serial.
        serial: String,
        /// What is wrong, as typed.
        note: String,
    },
    /// Close the repair.
    RepairClose {
        /// The serial.
        serial: String,
    },
    /// Warranty replacement of `old` by `new`.
    Replace {
        /// The unit replaced.
        old: String,
        /// The unit given instead.
        new: String,
    },
}

impl LookupSession {
    /// Shows one of the units found (the others are named).
    pub fn show(&mut self, mut units: Vec<Found>, index: usize) {
        if index >= units.len() {
            return;
        }
        let shown = units.swap_remove(index);
        let mut also: Vec<String> = units.iter().map(|f| f.unit.product.sku.clone()).collect();
        also.sort();
        self.also = also;
        self.shown = Some(shown);
        self.pending = Vec::new();
        self.unknown = None;
        self.counted = Vec::new();
        self.scroll = 0;
    }

    /// Shows nothing: a scan was refused or found nothing, so the last unit must not stay
    /// on screen as if it were the answer.
    pub fn forget(&mut self) {
        self.shown = None;
        self.also = Vec::new();
        self.pending = Vec::new();
        self.unknown = None;
        self.counted = Vec::new();
        self.scroll = 0;
    }

    /// The serial and product of the unit shown.
    pub fn shown_unit(&self) -> Option<(String, ProductId)> {
        self.shown
            .as_ref()
            .map(|f| (f.unit.unit.serial.to_string(), f.unit.unit.product))
    }
}

/// What the lookup screen asked (the reply is read by it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// Every unit with a serial (or its count scans when no unit has it).
    Units {
        /// The serial as asked.
        serial: String,
    },
    /// A warranty or repair action.
    Act,
}
