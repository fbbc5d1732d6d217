//! What the lookup screen knows: the unit shown (with its warranty at the screen's date), the
//! units waiting for a choice when several products share a serial, an unknown serial, and
//! how far the history is scrolled. Plain data, filled by `update` from the runner's answers;
//! the words are in `text`.

use crate::ops::warranty::WarrantyView;
use crate::ops::UnitView;

use super::mismatch::Shared;

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
    /// First line of the result shown.
    pub scroll: usize,
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
        self.scroll = 0;
    }
}
