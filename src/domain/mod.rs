//! Pure rules and types of the warehouse: no I/O, no clock, no terminal, no storage.

pub mod catalog;
pub mod count;
pub mod day;
pub mod document;
pub mod event;
pub mod limits;
pub mod money;
pub mod not_here;
pub mod reconcile;
pub mod role;
pub mod rules;
pub mod scan;
pub mod serial;
pub mod unit;
pub mod warranty;

pub use catalog::{
    Flow, Location, Mode, Party, PartyId, PartyRole, Period, Product, ProductId, SerialFormat,
    Tracking,
};
pub use count::{
    Count, CountId, CountScan, CountScope, CountStatus, KeyImage, Resolution, ResolutionRecord,
    ScanCommand, ScanVerdict, Unexpected,
};
pub use day::Day;
pub use document::{DocKind, DocLine, DocNo, Document, Warning};
pub use event::{Event, HistoryEntry, HistoryKind, WarrantyNote};
pub use money::Money;
pub use not_here::NotHere;
pub use role::{Role, User};
pub use serial::{SerialChars, SerialKey};
pub use unit::{Unit, UnitState};
