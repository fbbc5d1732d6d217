//! Journal events (what was decided) and per-serial history entries derived from them.

use crate::domain::catalog::{Location, Party, PartyId, Product};
use crate::domain::count::{Count, CountId, CountScan, CountStatus, Resolution};
use crate::domain::day::Day;
use crate::domain::document::{DocKind, DocNo, Document, Warning};
use crate::domain::money::Money;
use serde::{Deserialize, Serialize};

/// One accepted change. Variants are only ever appended (the journal keeps old ones forever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    ProductAdded(Product),
    LocationAdded(Location),
    PartyAdded(Party),
    DocumentPosted(Document),
    CountOpened(Count),
    CountScanned(CountScan),
    CountScanUndone {
        count: CountId,
        number: u32,
    },
    CountStatusChanged {
        count: CountId,
        status: CountStatus,
    },
    CountResolved {
        count: CountId,
        number: u32,
        resolution: Resolution,
    },
    CountResolutionUndone {
        count: CountId,
        number: u32,
    },
}

/// One line of a serial's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: HistoryKind,
    pub document: DocNo,
    pub date: Day,
    pub party: Option<PartyId>,
    pub invoice: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub warning: Option<Warning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryKind {
    Document(DocKind),
    /// Scanned in a count (the entry's document is `COUNT-<id>`, its `to` the location).
    CountScan(CountId),
}

impl HistoryKind {
    pub fn name(self) -> &'static str {
        match self {
            HistoryKind::Document(kind) => kind.event_name(),
            HistoryKind::CountScan(_) => "counted",
        }
    }
}
