//! Versioned stored records: each stored type is wrapped in an enum whose variants are only
//! appended, so old bytes always decode.

use crate::codec::{self, CodecError};
use crate::domain::{
    Count, CountScan, Document, HistoryEntry, Location, Party, Product, ResolutionRecord, Unit,
};
use crate::journal::EntryHash;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bookkeeping of the store: what has been applied from the journal, and counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub applied_seq: u64,
    pub applied_start: u64,
    pub applied_end: u64,
    pub applied_hash: EntryHash,
    /// A big entry applied in parts: (its sequence, steps already applied).
    pub applying: Option<(u64, u64)>,
    pub next_product: u32,
    pub next_party: u32,
    pub next_count: u32,
    pub next_generic: u32,
    /// Last number used per document series, keyed `S-2026`.
    pub doc_counters: BTreeMap<String, u64>,
}

/// A unit and its timeline (oldest first), stored together so a lookup is one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUnit {
    pub unit: Unit,
    pub history: Vec<HistoryEntry>,
}

/// A posted document with who posted it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDocument {
    pub document: Document,
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    /// Correction documents that changed this one since it was posted.
    pub corrected_by: Vec<crate::domain::DocNo>,
}

/// A command being written in parts: the entry that began them, and the meta record as it
/// was then (its counters are put back if the parts are abandoned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartsOpen {
    pub first: u64,
    pub meta: Meta,
}

/// What each key one sled batch of a part wrote held before it (`None`: it was absent).
pub type Images = Vec<(Vec<u8>, Option<Vec<u8>>)>;

macro_rules! versioned {
    ($record:ident, $ty:ty, $what:literal) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum $record {
            V1($ty),
        }

        impl $record {
            pub fn encode(value: &$ty) -> Result<Vec<u8>, CodecError> {
                /// Encodes exactly like the record (bincode writes the variant index, not
                /// its name) without cloning the value.
                #[derive(Serialize)]
                enum Borrowed<'a> {
                    V1(&'a $ty),
                }
                codec::encode($what, &Borrowed::V1(value))
            }

            pub fn decode(bytes: &[u8]) -> Result<$ty, CodecError> {
                let $record::V1(value) = codec::decode::<$record>($what, bytes)?;
                Ok(value)
            }
        }
    };
}

versioned!(MetaRecord, Meta, "store meta");
versioned!(PartsOpenRecord, PartsOpen, "parts begun");
versioned!(ImagesRecord, Images, "parts images");
versioned!(ProductRecord, Product, "product");
versioned!(UserRecord, crate::domain::User, "user");
versioned!(
    FrozenRecord,
    crate::domain::reconcile::FrozenReport,
    "frozen count report"
);
versioned!(PartyRecord, Party, "party");
versioned!(LocationRecord, Location, "location");
versioned!(UnitRecord, StoredUnit, "unit");

impl UnitRecord {
    /// The unit of a stored unit record without decoding its timeline, which follows it
    /// (reports read many units and none of their timelines).
    pub fn decode_unit(bytes: &[u8]) -> Result<crate::domain::Unit, CodecError> {
        /// The record's variants, each with only the unit its value begins with.
        #[derive(Deserialize)]
        enum Head {
            V1(crate::domain::Unit),
        }
        let Head::V1(unit) = codec::decode_prefix::<Head>("unit", bytes)?;
        Ok(unit)
    }
}
versioned!(DocumentRecord, StoredDocument, "document");
versioned!(CountRecord, Count, "count");
versioned!(CountScanRecord, CountScan, "count scan");
versioned!(ResolutionRecordV, ResolutionRecord, "count resolution");
versioned!(
    AgreementRecord,
    crate::domain::warranty::Agreement,
    "agreement"
);
versioned!(RepairRecord, crate::domain::warranty::Repair, "repair");
versioned!(
    GenericRecord,
    crate::domain::warranty::GenericWarranty,
    "generic warranty"
);
