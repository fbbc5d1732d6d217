//! A unit's warranty as it travels ([`WarrantyView`]), and the site's warranty settings the
//! service is opened with.

use crate::domain::warranty::{self, AgreementNumbering, Coverage, Status, WarrantyType};
use crate::domain::Day;

/// Site settings of warranty handling (from the config file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarrantySettings {
    /// "Expiring soon" means within this many days.
    pub soon_days: u32,
    /// The last fallback of the end-date precedence.
    pub max_days: u32,
    pub numbering: AgreementNumbering,
}

impl Default for WarrantySettings {
    fn default() -> Self {
        WarrantySettings {
            soon_days: warranty::DEFAULT_SOON_DAYS,
            max_days: 5 * 365,
            numbering: AgreementNumbering::Sequence {
                branch: "AG".into(),
            },
        }
    }
}

/// A unit's warranty on a date: every coverage, the status band and the warranty type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WarrantyView {
    pub date: Day,
    pub coverages: Vec<Coverage>,
    pub status: Status,
    pub days_left: Option<i64>,
    /// The coverage the status speaks of.
    pub current: Option<Coverage>,
    pub kind: WarrantyType,
}
