//! Units (one serial of one product) and the state each document line moves them into.

use crate::domain::catalog::{PartyId, ProductId};
use crate::domain::day::Day;
use crate::domain::document::{DocKind, DocLine, DocNo, Document};
use crate::domain::money::Money;
use crate::domain::serial::SerialKey;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitState {
    InStock {
        location: String,
    },
    Sold {
        document: DocNo,
        customer: PartyId,
    },
    InRepair,
    WrittenOff,
    Replaced {
        by: SerialKey,
    },
    /// The serial was mistyped at receipt; the unit is really `to` (a count corrected it).
    Renamed {
        to: SerialKey,
    },
}

impl UnitState {
    pub fn name(&self) -> &'static str {
        match self {
            UnitState::InStock { .. } => "in-stock",
            UnitState::Sold { .. } => "sold",
            UnitState::InRepair => "in-repair",
            UnitState::WrittenOff => "written-off",
            UnitState::Replaced { .. } => "replaced",
            UnitState::Renamed { .. } => "renamed",
        }
    }

    pub fn location(&self) -> Option<&str> {
        match self {
            UnitState::InStock { location } => Some(location),
            _ => None,
        }
    }
}

/// The last sale of a unit, kept after a return so margin and history stay known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleInfo {
    pub document: DocNo,
    pub customer: PartyId,
    pub date: Day,
    pub price: Option<Money>,
    pub returned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub product: ProductId,
    pub serial: SerialKey,
    pub state: UnitState,
    /// Purchase cost of this unit's own receipt.
    pub cost: Option<Money>,
    pub receipt: Option<DocNo>,
    pub supplier: Option<PartyId>,
    pub received_on: Option<Day>,
    pub sale: Option<SaleInfo>,
    /// The day the customer activated the warranty, when recorded.
    pub activation: Option<Day>,
    /// Coverages recorded on this unit (extended agreements, inherited replacement terms);
    /// the manufacturer warranty is derived from the product on read.
    pub coverages: Vec<crate::domain::warranty::Coverage>,
}

impl Unit {
    /// Whether the unit is ours and not sold: in stock or in repair.
    pub fn on_hand(&self) -> bool {
        matches!(self.state, UnitState::InStock { .. } | UnitState::InRepair)
    }

    /// The state a serialised line of `doc` leaves the unit in. Pure and total: validation
    /// decided before whether the line is allowed.
    pub fn after_line(
        before: Option<Unit>,
        doc: &Document,
        line: &DocLine,
        serial: &SerialKey,
    ) -> Unit {
        let mut unit = before.unwrap_or_else(|| Unit {
            product: line.product,
            serial: serial.clone(),
            state: UnitState::WrittenOff,
            cost: None,
            receipt: None,
            supplier: None,
            received_on: None,
            sale: None,
            activation: None,
            coverages: Vec::new(),
        });
        let to = doc.to.clone().unwrap_or_default();
        match doc.kind {
            DocKind::Receipt | DocKind::FoundStock => {
                unit.state = UnitState::InStock { location: to };
                unit.cost = line.amount;
                unit.receipt = Some(doc.number.clone());
                unit.supplier = doc.party;
                unit.received_on = Some(doc.date);
            }
            DocKind::Sale => {
                let customer = doc.party.unwrap_or(PartyId(0));
                unit.state = UnitState::Sold {
                    document: doc.number.clone(),
                    customer,
                };
                unit.sale = Some(SaleInfo {
                    document: doc.number.clone(),
                    customer,
                    date: doc.date,
                    price: line.amount,
                    returned: false,
                });
            }
            DocKind::Return => {
                unit.state = UnitState::InStock { location: to };
                if let Some(sale) = unit.sale.as_mut() {
                    sale.returned = true;
                }
            }
            DocKind::Transfer => unit.state = UnitState::InStock { location: to },
            DocKind::WriteOff => unit.state = UnitState::WrittenOff,
            // Corrections are applied by the count's resolution, not line by line.
            DocKind::Correction => {}
        }
        unit
    }
}
