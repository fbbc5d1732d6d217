//! Journal events (what was decided) and per-serial history entries derived from them.

use crate::domain::catalog::ProductId;
use crate::domain::catalog::{Location, Party, PartyId, Product};
use crate::domain::count::{Count, CountId, CountScan, CountStatus, Resolution};
use crate::domain::day::Day;
use crate::domain::document::{DocKind, DocNo, Document, Warning};
use crate::domain::money::Money;
use crate::domain::serial::SerialKey;
use crate::domain::warranty::{
    Agreement, AgreementEvent, GenericWarranty, Repair, Replacement, ReplacementPolicy, StartBasis,
};
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
    ProductWarrantyTerms {
        product: ProductId,
        basis: StartBasis,
        policy: ReplacementPolicy,
    },
    WarrantyActivated {
        product: ProductId,
        serial: SerialKey,
        date: Day,
    },
    /// An extended agreement on a unit (its coverage joins the unit's coverages).
    AgreementAdded(Agreement),
    AgreementEventRecorded {
        number: String,
        event: AgreementEvent,
    },
    RepairOpened(Repair),
    RepairClosed {
        number: String,
        to: Option<String>,
        note: String,
        date: Day,
    },
    UnitReplaced(Replacement),
    GenericWarrantyAdded {
        id: u32,
        generic: GenericWarranty,
    },
    /// A user given a role (`Some`) or removed (`None`).
    UserSet {
        name: String,
        role: Option<super::Role>,
    },
    /// A count's buckets at posting, kept as its report for good.
    CountFrozen {
        count: super::CountId,
        report: super::reconcile::FrozenReport,
    },
    /// A counter finished a bin of a count: its shortages may be settled before the others.
    BinCounted(super::count::CountedBin),
    /// A count was posted with its shortages taken from its counted bins only.
    PostedCountedBins {
        count: super::CountId,
    },
    /// A quantity of an unserialised product was counted.
    CountQtyAdded(super::count::CountQty),
    /// A count's quantity differences at posting, kept for its report for good.
    CountQtyFrozen {
        count: super::CountId,
        rows: Vec<super::count::QtyMismatch>,
    },
    /// The first entry of a command written in parts (a large import): the entries from
    /// here to the one that ends or abandons the parts are one command, kept all or not at
    /// all. Until then the store keeps what each part replaced, to take it back.
    PartsBegun,
    /// The parts begun in entry `first` are kept: the command is whole.
    PartsEnded {
        first: u64,
    },
    /// The parts begun in entry `first` are taken back (a part was refused, or the process
    /// stopped before the last): the store is as it was before them.
    PartsAbandoned {
        first: u64,
    },
    /// The scan `number` of `count` was sent with the client's key `key`: the same scan sent
    /// again (its answer lost in an outage) is answered from this record, not recorded twice.
    ScanKeyed {
        count: CountId,
        number: u32,
        key: String,
    },
}

/// The journal sequence of the last document on a timeline (0 when there is none): a unit
/// moved since entry `seq` when this is greater.
pub fn last_document_seq(history: &[HistoryEntry]) -> u64 {
    history
        .iter()
        .filter(|h| matches!(h.kind, HistoryKind::Document(_)))
        .map(|h| h.seq)
        .max()
        .unwrap_or(0)
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
    /// A warranty fact (the entry's document is the agreement, repair or other serial).
    Warranty(WarrantyNote),
}

/// What happened to a unit's warranty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarrantyNote {
    Activated,
    Extended,
    AgreementEvent,
    RepairIn,
    RepairOut,
    /// This unit was replaced by the one named in `document`.
    ReplacedBy,
    /// This unit replaces the one named in `document`.
    ReplacementFor,
}

impl HistoryKind {
    pub fn name(self) -> &'static str {
        match self {
            HistoryKind::Document(kind) => kind.event_name(),
            HistoryKind::CountScan(_) => "counted",
            HistoryKind::Warranty(n) => match n {
                WarrantyNote::Activated => "activated",
                WarrantyNote::Extended => "extended",
                WarrantyNote::AgreementEvent => "agreement",
                WarrantyNote::RepairIn => "repair-in",
                WarrantyNote::RepairOut => "repair-out",
                WarrantyNote::ReplacedBy => "replaced-by",
                WarrantyNote::ReplacementFor => "replacement-for",
            },
        }
    }
}
