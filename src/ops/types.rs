//! The service's vocabulary: commands and queries in, outcomes and answers out.

use crate::domain::{Count, CountId, CountScan, CountStatus, Day};
use crate::domain::{
    DocKind, DocNo, HistoryEntry, Location, Money, Party, PartyRole, Period, Product, SerialFormat,
    Tracking, Unit, Warning,
};

#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub gtin: Option<String>,
    pub category: String,
    pub tracking: Tracking,
    pub serial_format: SerialFormat,
    pub warranty: Option<Period>,
    pub fold_case: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewParty {
    pub name: String,
    pub role: PartyRole,
    pub bill_to: String,
    pub ship_to: String,
}

/// One line of a document request: a serial of a product, or a quantity of an unserialised one.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRequest {
    pub sku: String,
    pub serial: Option<String>,
    pub qty: u32,
    pub amount: Option<Money>,
}

/// A document to post: receipt, sale, return, transfer or write-off.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRequest {
    pub kind: DocKind,
    /// Defaults to the service's today.
    pub date: Option<Day>,
    /// Supplier (receipt) or customer (sale, return) by name.
    pub party: Option<String>,
    pub invoice: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The reason of a write-off or return, and the reason that accepts soft-mode warnings.
    pub reason: Option<String>,
    /// Quantity the clerk declared per product for a receipt (strict: must equal the serials).
    pub declared_qty: Option<u32>,
    pub lines: Vec<LineRequest>,
}

/// A count to open: a location subtree, optionally only some products or categories.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCount {
    pub name: String,
    pub location: String,
    pub skus: Vec<String>,
    pub categories: Vec<String>,
    /// Blind counting (the default): counters see no expected figures.
    pub blind: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    AddProduct(NewProduct),
    AddLocation {
        code: String,
        name: String,
    },
    AddParty(NewParty),
    Post(DocRequest),
    OpenCount(NewCount),
    /// One scan (a serial, an IMEI or a GS1 label) into an open count at a location.
    CountScan {
        count: CountId,
        location: String,
        raw: String,
    },
    /// Takes back the acting counter's last live scan.
    UndoLastScan {
        count: CountId,
    },
    /// open -> review (close), review -> open (reopen), -> cancelled, review -> posted.
    MoveCount {
        count: CountId,
        status: CountStatus,
    },
    /// Resolves one mismatch of a count (journaled, undoable until the count is posted).
    Resolve {
        count: CountId,
        action: ResolveAction,
    },
    UndoResolution {
        count: CountId,
        number: u32,
    },
    WarrantyTerms {
        sku: String,
        basis: crate::domain::warranty::StartBasis,
        policy: crate::domain::warranty::ReplacementPolicy,
    },
    ActivateWarranty {
        serial: String,
        date: Option<Day>,
    },
    /// An extended agreement: end by `until`, else `duration`, else the product's period, else
    /// the system maximum.
    ExtendWarranty {
        serial: String,
        duration: Option<crate::domain::Period>,
        until: Option<Day>,
        start: Option<Day>,
        tag: Option<String>,
        invoice: Option<String>,
        order: Option<String>,
    },
    AgreementEvent {
        number: String,
        code: crate::domain::warranty::AgreementEventCode,
        note: String,
    },
    RepairIntake {
        serial: String,
        service_type: Option<String>,
        note: String,
    },
    RepairClose {
        serial: String,
        to: Option<String>,
        note: String,
    },
    WarrantyReplace {
        old: String,
        new: String,
        policy: Option<crate::domain::warranty::ReplacementPolicy>,
        note: String,
    },
    AddGenericWarranty(crate::domain::warranty::GenericWarranty),
    /// All or nothing: every command is validated against the state the ones before it leave.
    Batch(Vec<Command>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    ProductAdded(Product),
    /// The location and any ancestors created with it, outermost first.
    LocationAdded(Vec<String>),
    PartyAdded(Party),
    Posted {
        document: DocNo,
        kind: DocKind,
        lines: usize,
        warnings: Vec<Warning>,
    },
    Batch(Vec<Outcome>),
    CountOpened(Count),
    Scanned(ScanReport),
    ScanUndone(CountScan),
    CountMoved(Count),
    Resolved {
        count: CountId,
        number: u32,
        resolution: crate::domain::Resolution,
    },
    ResolutionUndone {
        count: CountId,
        number: u32,
    },
    /// A warranty or repair fact recorded, in words.
    Noted(String),
}

/// What a supervisor does about one mismatch.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolveAction {
    /// Replace serial number: `found` (surplus) stands for `missing` (shortage).
    Replace {
        found: String,
        missing: String,
    },
    /// Move a surplus in stock elsewhere to where it was counted.
    Relocate {
        serial: String,
    },
    /// Take in an unknown serial as found stock (product from the scan's GTIN, or named).
    ReceiveFound {
        serial: String,
        sku: Option<String>,
    },
    WriteOff {
        serial: String,
        reason: String,
    },
    /// Leave the mismatch as it is, with a note.
    Accept {
        serial: String,
        note: String,
    },
}

/// The running figures a counter sees after a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Live scans at this location (all counters).
    pub here: u32,
    /// Live scans in the whole count.
    pub total: u32,
    /// Units expected at this location (open counting only).
    pub expected_here: Option<u32>,
}

/// What one scan was found to be, with what a counter needs to see.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanReport {
    pub scan: CountScan,
    pub sku: Option<String>,
    /// The first scan of a duplicate.
    pub first: Option<CountScan>,
    pub figures: Option<Figures>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Products,
    Locations,
    Parties,
    /// Every unit with this serial (normally one), with its product and timeline.
    Lookup {
        serial: String,
    },
    Stock {
        location: Option<String>,
        sku: Option<String>,
    },
    Document {
        number: String,
    },
    Counts,
    /// Every scan of a count, in scan order.
    CountScans {
        count: CountId,
    },
}

/// One line of a serial's timeline, with the party's name resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineLine {
    pub entry: HistoryEntry,
    pub party_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitView {
    pub unit: Unit,
    pub product: Product,
    pub supplier: Option<String>,
    pub customer: Option<String>,
    pub timeline: Vec<TimelineLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StockLine {
    pub location: String,
    pub sku: String,
    pub name: String,
    pub serial: Option<String>,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Products(Vec<Product>),
    Locations(Vec<Location>),
    Parties(Vec<Party>),
    Units(Vec<UnitView>),
    Stock(Vec<StockLine>),
    Document(Option<Box<crate::store::StoredDocument>>),
    Counts(Vec<Count>),
    Scans(Vec<CountScan>),
}

/// One refusal inside a batch: which command (0-based), which of its lines, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub index: usize,
    /// The line of a document command, when one line was refused.
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The command breaks a rule or its input is invalid; nothing changed.
    #[error("{0}")]
    Refused(String),
    /// Some commands of a batch were refused; nothing changed.
    #[error("{} of the commands were refused; nothing was changed", .0.len())]
    Rejected(Vec<Rejection>),
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Storage(String),
}

impl OpsError {
    /// The process exit code the CLI uses: 1 refused or invalid, 3 storage failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            OpsError::Refused(_) | OpsError::Rejected(_) => 1,
            OpsError::Journal(_) | OpsError::Store(_) | OpsError::Storage(_) => 3,
        }
    }
}
