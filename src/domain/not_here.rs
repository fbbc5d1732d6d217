//! Why a serial is not here: the one vocabulary of a scan that is not expected where it was
//! made and of a surplus row. The words are made in one place, `ops::not_here`.

use crate::domain::catalog::PartyId;
use crate::domain::count::{ScanVerdict, Unexpected};
use crate::domain::document::DocNo;
use crate::domain::serial::SerialKey;
use serde::{Deserialize, Serialize};

/// Why a counted serial is not expected where it was counted.
///
/// A surplus row carries it as is. A scan's verdict stores the same reasons as
/// [`Unexpected`] (plus [`ScanVerdict::Unknown`]), whose encoding is fixed; it is read as a
/// `NotHere` through [`ScanVerdict::not_here`]. Travels in replies: variants are only ever
/// appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotHere {
    /// Never received: no unit has this serial.
    Unknown,
    /// In stock, at another location.
    Elsewhere {
        location: String,
    },
    Sold {
        document: DocNo,
        customer: PartyId,
    },
    WrittenOff,
    InRepair,
    Replaced {
        by: SerialKey,
    },
    /// A unit of a product the count does not cover, or not the one the label names.
    OtherProduct,
}

impl NotHere {
    /// A stable machine name (`--json` output).
    pub fn name(&self) -> &'static str {
        match self {
            NotHere::Unknown => "unknown",
            NotHere::Elsewhere { .. } => "elsewhere",
            NotHere::Sold { .. } => "sold",
            NotHere::WrittenOff => "written-off",
            NotHere::InRepair => "in-repair",
            NotHere::Replaced { .. } => "replaced",
            NotHere::OtherProduct => "other-product",
        }
    }
}

impl From<&Unexpected> for NotHere {
    /// The stored verdict's reason. Its SKU is dropped: the scan names its product anyway.
    fn from(u: &Unexpected) -> Self {
        match u {
            Unexpected::Elsewhere { location } => NotHere::Elsewhere {
                location: location.clone(),
            },
            Unexpected::Sold { document, customer } => NotHere::Sold {
                document: document.clone(),
                customer: *customer,
            },
            Unexpected::WrittenOff => NotHere::WrittenOff,
            Unexpected::InRepair => NotHere::InRepair,
            Unexpected::Replaced { by } => NotHere::Replaced { by: by.clone() },
            Unexpected::OtherProduct { .. } => NotHere::OtherProduct,
        }
    }
}

impl ScanVerdict {
    /// Why the scanned serial is not here, unless it was counted (or counted before).
    pub fn not_here(&self) -> Option<NotHere> {
        match self {
            ScanVerdict::Counted | ScanVerdict::Duplicate { .. } => None,
            ScanVerdict::Unexpected(u) => Some(u.into()),
            ScanVerdict::Unknown => Some(NotHere::Unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_verdicts_read_as_reasons() {
        assert_eq!(ScanVerdict::Counted.not_here(), None);
        assert_eq!(ScanVerdict::Duplicate { first: 1 }.not_here(), None);
        assert_eq!(ScanVerdict::Unknown.not_here(), Some(NotHere::Unknown));
        assert_eq!(
            ScanVerdict::Unexpected(Unexpected::OtherProduct { sku: "PH".into() }).not_here(),
            Some(NotHere::OtherProduct)
        );
        assert_eq!(
            ScanVerdict::Unexpected(Unexpected::Elsewhere {
                location: "WH2".into()
            })
            .not_here(),
            Some(NotHere::Elsewhere {
                location: "WH2".into()
            })
        );
    }
}
