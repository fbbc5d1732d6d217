//! Documents: receipts, sales, returns, transfers and write-offs, line by line.

use crate::domain::catalog::{PartyId, ProductId};
use crate::domain::day::Day;
use crate::domain::money::Money;
use crate::domain::serial::SerialKey;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A document number such as `S-2026-0042`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocNo(pub String);

impl fmt::Display for DocNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocKind {
    Receipt,
    Sale,
    Return,
    Transfer,
    WriteOff,
    /// Stock found in a count and taken in (no supplier).
    FoundStock,
    /// A count's correction of an earlier document (replace serial number).
    Correction,
}

impl DocKind {
    pub const ALL: [DocKind; 7] = [
        DocKind::Receipt,
        DocKind::Sale,
        DocKind::Return,
        DocKind::Transfer,
        DocKind::WriteOff,
        DocKind::FoundStock,
        DocKind::Correction,
    ];

    /// The letter that starts this kind's document numbers.
    pub fn prefix(self) -> &'static str {
        match self {
            DocKind::Receipt => "R",
            DocKind::Sale => "S",
            DocKind::Return => "C",
            DocKind::Transfer => "T",
            DocKind::WriteOff => "W",
            DocKind::FoundStock => "F",
            DocKind::Correction => "X",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Receipt => "receipt",
            DocKind::Sale => "sale",
            DocKind::Return => "return",
            DocKind::Transfer => "transfer",
            DocKind::WriteOff => "write-off",
            DocKind::FoundStock => "found-stock",
            DocKind::Correction => "correction",
        }
    }

    /// The verb a timeline shows for this kind.
    pub fn event_name(self) -> &'static str {
        match self {
            DocKind::Receipt => "received",
            DocKind::Sale => "sold",
            DocKind::Return => "returned",
            DocKind::Transfer => "transferred",
            DocKind::WriteOff => "written-off",
            DocKind::FoundStock => "found",
            DocKind::Correction => "corrected",
        }
    }

    pub fn number(self, year: i32, seq: u64) -> DocNo {
        DocNo(format!("{}-{year}-{seq:04}", self.prefix()))
    }
}

/// A rule break accepted in soft mode: what was wrong and the reason the clerk gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub message: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocLine {
    pub product: ProductId,
    /// The serial of a serialised product; `None` for quantity-only lines.
    pub serial: Option<SerialKey>,
    pub qty: u32,
    /// Cost on a receipt, price on a sale; absent elsewhere.
    pub amount: Option<Money>,
    pub warning: Option<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub number: DocNo,
    pub kind: DocKind,
    pub date: Day,
    /// Supplier of a receipt, customer of a sale or return.
    pub party: Option<PartyId>,
    pub invoice: Option<String>,
    /// Source location (sale, transfer, write-off).
    pub from: Option<String>,
    /// Target location (receipt, return, transfer).
    pub to: Option<String>,
    /// Why (write-off reason, return reason).
    pub reason: Option<String>,
    /// A rule break of the whole document accepted in soft mode (a receipt whose declared
    /// quantity differs from its serials).
    pub warning: Option<Warning>,
    pub lines: Vec<DocLine>,
}

impl Document {
    /// Where a quantity line takes goods from and puts them (source, target).
    pub fn qty_flow(&self) -> (Option<&str>, Option<&str>) {
        match self.kind {
            DocKind::Receipt | DocKind::Return | DocKind::FoundStock => (None, self.to.as_deref()),
            DocKind::Sale | DocKind::WriteOff => (self.from.as_deref(), None),
            DocKind::Transfer => (self.from.as_deref(), self.to.as_deref()),
            DocKind::Correction => (None, None),
        }
    }
}
