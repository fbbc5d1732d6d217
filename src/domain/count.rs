//! Inventory counts: a session over a scope, its status, and what each scan was found to be.

use crate::domain::catalog::{Location, PartyId, Product, ProductId};
use crate::domain::document::DocNo;
use crate::domain::serial::SerialKey;
use crate::domain::unit::{Unit, UnitState};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CountId(pub u32);

impl fmt::Display for CountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CountStatus {
    Open,
    Review,
    Posted,
    Cancelled,
}

impl CountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CountStatus::Open => "open",
            CountStatus::Review => "review",
            CountStatus::Posted => "posted",
            CountStatus::Cancelled => "cancelled",
        }
    }

    /// The status in a sentence: "open", "in review", "posted", "cancelled".
    pub fn describe(self) -> &'static str {
        match self {
            CountStatus::Review => "in review",
            other => other.as_str(),
        }
    }

    /// An active count: open or in review (still counted or settled; a posted or cancelled
    /// count is done). The one place this rule is written.
    pub fn is_active(self) -> bool {
        matches!(self, CountStatus::Open | CountStatus::Review)
    }

    /// Whether a count may move from this status to `to`.
    pub fn can_move_to(self, to: CountStatus) -> bool {
        matches!(
            (self, to),
            (CountStatus::Open, CountStatus::Review)
                | (CountStatus::Review, CountStatus::Open)
                | (CountStatus::Review, CountStatus::Posted)
                | (CountStatus::Open, CountStatus::Cancelled)
                | (CountStatus::Review, CountStatus::Cancelled)
        )
    }
}

/// What a count covers: a location subtree, optionally only some products or categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountScope {
    pub location: String,
    pub products: Vec<ProductId>,
    pub categories: Vec<String>,
}

impl CountScope {
    /// A serialised product the count covers (counted serial by serial).
    pub fn covers_product(&self, product: &Product) -> bool {
        product.tracking.serialised() && self.names(product)
    }

    /// An unserialised product the count covers (counted by quantity).
    pub fn covers_qty_product(&self, product: &Product) -> bool {
        !product.tracking.serialised() && self.names(product)
    }

    /// The scope's products and categories take in this product (none named: all).
    fn names(&self, product: &Product) -> bool {
        (self.products.is_empty() || self.products.contains(&product.id))
            && (self.categories.is_empty()
                || self
                    .categories
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&product.category)))
    }

    pub fn covers_location(&self, code: &str) -> bool {
        Location::within(code, &self.location)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub id: CountId,
    pub name: String,
    pub scope: CountScope,
    /// Blind counting (the default) shows counters no expected figures.
    pub blind: bool,
    pub status: CountStatus,
    pub opened_by: String,
    pub opened_at_ms: i64,
    /// The journal entry that opened the count (movements after it are "during the count").
    pub opened_seq: u64,
    /// Scans recorded so far (numbers run 1..=scans).
    pub scans: u32,
    /// Scans that count: not duplicates, not undone.
    pub live: u32,
    /// Everyone who has scanned into the count, in order of their first scan.
    pub counters: Vec<String>,
    /// Resolutions recorded so far (numbers run 1..=resolutions).
    pub resolutions: u32,
}

/// A bin (location) of a count that a counter said is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedBin {
    pub count: CountId,
    pub location: String,
    pub counter: String,
    pub at_ms: i64,
}

/// A quantity of an unserialised product counted at a location: it adds to what was counted
/// there before (several counters, several boxes); a negative one takes back what was counted
/// too many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountQty {
    pub count: CountId,
    pub location: String,
    pub product: ProductId,
    pub qty: i32,
    pub counter: String,
    pub at_ms: i64,
}

/// What a count has counted of an unserialised product at a location, in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QtyCounted {
    pub location: String,
    pub product: ProductId,
    pub qty: u64,
}

/// An unserialised product whose counted quantity at a location differs from the books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QtyMismatch {
    pub location: String,
    pub product: ProductId,
    pub expected: i64,
    pub counted: i64,
}

impl QtyMismatch {
    /// Counted minus expected: below zero short, above zero surplus.
    pub fn difference(&self) -> i64 {
        self.counted - self.expected
    }
}

/// A scan that is an instruction, not a serial (printed by `tallyman labels commands`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanCommand {
    /// Leave the scan loop.
    Finish,
    /// Take back the last own scan.
    Undo,
    /// The next scan is a location label.
    Location,
    /// This bin is counted: the counter looked at everything in it.
    Done,
}

impl ScanCommand {
    pub const ALL: [ScanCommand; 4] = [
        ScanCommand::Finish,
        ScanCommand::Undo,
        ScanCommand::Location,
        ScanCommand::Done,
    ];

    pub fn word(self) -> &'static str {
        match self {
            ScanCommand::Finish => "FINISH",
            ScanCommand::Undo => "UNDO",
            ScanCommand::Location => "LOCATION",
            ScanCommand::Done => "DONE",
        }
    }

    /// What the label says under the barcode.
    pub fn caption(self) -> &'static str {
        match self {
            ScanCommand::Finish => "Finish counting here",
            ScanCommand::Undo => "Undo my last scan",
            ScanCommand::Location => "Next scan is a location",
            ScanCommand::Done => "This bin is counted",
        }
    }

    /// The barcode text: the configured prefix and the word.
    pub fn code(self, prefix: &str) -> String {
        format!("{prefix}{}", self.word())
    }

    /// Reads a scan as a command when it starts with the prefix.
    pub fn parse(raw: &str, prefix: &str) -> Option<Result<ScanCommand, String>> {
        let raw = raw.trim();
        let head = raw.get(..prefix.len())?;
        if prefix.is_empty() || !head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        let rest = &raw[prefix.len()..];
        Some(
            ScanCommand::ALL
                .into_iter()
                .find(|c| c.word().eq_ignore_ascii_case(rest.trim()))
                .ok_or_else(|| {
                    format!(
                        "expected a command FINISH, UNDO, LOCATION or DONE after {}, found {}",
                        crate::domain::limits::quoted(prefix),
                        crate::domain::limits::quoted(rest)
                    )
                }),
        )
    }
}

/// The default prefix of command barcodes.
pub const COMMAND_PREFIX: &str = "#TM:";

/// Why a scanned unit is not expected at the place it was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unexpected {
    /// In stock, but at another location.
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
    /// The unit's product is outside the count's scope, or not the one the label names.
    OtherProduct {
        sku: String,
    },
}

/// What one scan was found to be. Bad scans are refused and never recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScanVerdict {
    Counted,
    /// Already counted in this count (the first scan's number).
    Duplicate {
        first: u32,
    },
    Unexpected(Unexpected),
    /// Never seen: kept in the unknown bucket.
    Unknown,
}

impl ScanVerdict {
    pub fn name(&self) -> &'static str {
        match self {
            ScanVerdict::Counted => "counted",
            ScanVerdict::Duplicate { .. } => "duplicate",
            ScanVerdict::Unexpected(_) => "unexpected",
            ScanVerdict::Unknown => "unknown",
        }
    }
}

/// One recorded scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountScan {
    pub count: CountId,
    pub number: u32,
    pub serial: SerialKey,
    /// The product the serial was matched to, when known.
    pub product: Option<ProductId>,
    pub location: String,
    pub counter: String,
    pub at_ms: i64,
    pub verdict: ScanVerdict,
    /// Set when the counter took the scan back.
    pub undone: bool,
}

/// What a scanned unit is, seen from a count scanning at `location`.
pub fn judge_unit(unit: &Unit, location: &str, product_in_scope: bool, sku: &str) -> ScanVerdict {
    if !product_in_scope {
        return ScanVerdict::Unexpected(Unexpected::OtherProduct {
            sku: sku.to_string(),
        });
    }
    match &unit.state {
        UnitState::InStock { location: at } if at == location => ScanVerdict::Counted,
        UnitState::InStock { location: at } => ScanVerdict::Unexpected(Unexpected::Elsewhere {
            location: at.clone(),
        }),
        UnitState::Sold { document, customer } => ScanVerdict::Unexpected(Unexpected::Sold {
            document: document.clone(),
            customer: *customer,
        }),
        UnitState::WrittenOff => ScanVerdict::Unexpected(Unexpected::WrittenOff),
        UnitState::InRepair => ScanVerdict::Unexpected(Unexpected::InRepair),
        UnitState::Replaced { by } | UnitState::Renamed { to: by } => {
            ScanVerdict::Unexpected(Unexpected::Replaced { by: by.clone() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_barcodes() {
        assert_eq!(
            ScanCommand::parse("#TM:FINISH", COMMAND_PREFIX),
            Some(Ok(ScanCommand::Finish))
        );
        assert_eq!(
            ScanCommand::parse(" #TM:undo\r", COMMAND_PREFIX),
            Some(Ok(ScanCommand::Undo))
        );
        assert!(ScanCommand::parse("#TM:DANCE", COMMAND_PREFIX)
            .unwrap()
            .unwrap_err()
            .contains("\"DANCE\""));
        assert_eq!(ScanCommand::parse("RT00000001", COMMAND_PREFIX), None);
        // Scanners in lower-case mode still send commands.
        assert_eq!(
            ScanCommand::parse("#tm:undo", COMMAND_PREFIX),
            Some(Ok(ScanCommand::Undo))
        );
        assert_eq!(ScanCommand::parse("#", COMMAND_PREFIX), None);
        for c in ScanCommand::ALL {
            assert_eq!(ScanCommand::parse(&c.code("%%"), "%%"), Some(Ok(c)));
        }
    }

    fn product(id: u32, category: &str, mode: crate::domain::Mode) -> Product {
        Product {
            id: ProductId(id),
            sku: format!("P{id}"),
            name: String::new(),
            gtin: None,
            category: category.into(),
            tracking: crate::domain::Tracking::all(mode),
            serial_format: crate::domain::SerialFormat::Plain,
            warranty: None,
            fold_case: true,
            warranty_basis: crate::domain::warranty::StartBasis::Sale,
            replacement_policy: crate::domain::warranty::ReplacementPolicy::Remaining,
        }
    }

    #[test]
    fn a_scope_covers_serialised_products_by_serial_and_the_rest_by_quantity() {
        use crate::domain::Mode::{None as Unserialised, Soft, Strict};
        let all = CountScope {
            location: "WH1".into(),
            products: vec![],
            categories: vec![],
        };
        for (p, by_serial) in [
            (product(1, "phones", Strict), true),
            (product(2, "cables", Soft), true),
            (product(3, "batteries", Unserialised), false),
        ] {
            assert_eq!(all.covers_product(&p), by_serial, "{}", p.sku);
            assert_eq!(all.covers_qty_product(&p), !by_serial, "{}", p.sku);
        }
        // Named products or categories (any case) take in only those.
        let named = CountScope {
            products: vec![ProductId(3)],
            ..all.clone()
        };
        assert!(named.covers_qty_product(&product(3, "batteries", Unserialised)));
        assert!(!named.covers_qty_product(&product(4, "batteries", Unserialised)));
        assert!(!named.covers_product(&product(1, "phones", Strict)));
        let category = CountScope {
            categories: vec!["PHONES".into()],
            ..all
        };
        assert!(category.covers_product(&product(1, "phones", Strict)));
        assert!(!category.covers_product(&product(2, "cables", Strict)));
        assert!(!category.covers_qty_product(&product(3, "batteries", Unserialised)));
    }

    #[test]
    fn status_moves() {
        use CountStatus::*;
        assert!(Open.can_move_to(Review));
        assert!(Review.can_move_to(Open));
        assert!(Review.can_move_to(Posted));
        assert!(!Open.can_move_to(Posted));
        assert!(!Posted.can_move_to(Open));
        assert!(!Cancelled.can_move_to(Open));
        assert!(Open.can_move_to(Cancelled));
    }

    fn unit(state: UnitState) -> Unit {
        Unit {
            product: ProductId(1),
            serial: SerialKey::normalize("S1", true).unwrap(),
            state,
            cost: None,
            receipt: None,
            supplier: None,
            received_on: None,
            sale: None,
            activation: None,
            coverages: Vec::new(),
        }
    }

    fn sn(raw: &str) -> SerialKey {
        SerialKey::normalize(raw, true).unwrap()
    }

    fn posting(kind: crate::domain::DocKind, from: Option<&str>, to: Option<&str>) -> Resolution {
        Resolution::Posting(crate::domain::document::Document {
            number: DocNo("D-1".into()),
            kind,
            date: crate::domain::Day::from_ymd(2026, 3, 15).unwrap(),
            party: None,
            invoice: None,
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            reason: Some("lost".into()),
            warning: None,
            lines: ["RT7", "RT8"]
                .iter()
                .map(|s| crate::domain::document::DocLine {
                    product: ProductId(1),
                    serial: Some(sn(s)),
                    qty: 1,
                    amount: None,
                    warning: None,
                })
                .collect(),
        })
    }

    /// Each resolution's name (the JSON `kind`), the change a confirmation shows before it is
    /// done, and the serials it is about.
    #[test]
    fn resolutions_say_what_they_change() {
        use crate::domain::DocKind;
        let correction = match posting(DocKind::Sale, None, None) {
            Resolution::Posting(doc) => doc,
            _ => unreachable!(),
        };
        let cases = [
            (
                Resolution::ReplaceOnSale {
                    product: ProductId(1),
                    found: sn("RT3"),
                    missing: sn("RT7"),
                    sale: DocNo("S-2026-0042".into()),
                    location: "WH1/A/01".into(),
                    correction: correction.clone(),
                },
                "replace-on-sale",
                "sale S-2026-0042 line RT3 becomes RT7; RT3 is back in stock at WH1/A/01",
                vec!["RT3", "RT7"],
            ),
            (
                Resolution::ReplaceOnReceipt {
                    product: ProductId(1),
                    found: sn("RT9"),
                    missing: sn("RT6"),
                    receipt: DocNo("R-2026-0001".into()),
                    location: "WH1/A/01".into(),
                    correction,
                },
                "replace-on-receipt",
                "receipt R-2026-0001 line RT6 becomes RT9",
                vec!["RT9", "RT6"],
            ),
            (
                posting(DocKind::Transfer, Some("WH1/A/02"), Some("WH1/A/01")),
                "relocate",
                "transfer RT7, RT8 from WH1/A/02 to WH1/A/01",
                vec!["RT7", "RT8"],
            ),
            (
                posting(DocKind::FoundStock, None, Some("WH1/A/01")),
                "receive-found",
                "receive RT7, RT8 at WH1/A/01 as found stock",
                vec!["RT7", "RT8"],
            ),
            (
                posting(DocKind::WriteOff, Some("WH1/A/01"), None),
                "write-off",
                "write off RT7, RT8 at WH1/A/01: lost",
                vec!["RT7", "RT8"],
            ),
            (
                posting(DocKind::Receipt, None, Some("WH1")),
                "posting",
                "receipt of RT7, RT8",
                vec!["RT7", "RT8"],
            ),
            (
                Resolution::Accept {
                    product: None,
                    serial: sn("RT5"),
                    note: "on the truck".into(),
                },
                "accept",
                "accept RT5: on the truck",
                vec!["RT5"],
            ),
        ];
        for (r, name, change, serials) in cases {
            assert_eq!(r.name(), name);
            assert_eq!(r.change(), change, "{name}");
            let got: Vec<String> = r.serials().iter().map(|s| s.to_string()).collect();
            assert_eq!(got, serials, "{name}");
        }
    }

    #[test]
    fn judges_units_by_where_they_should_be() {
        let here = unit(UnitState::InStock {
            location: "WH1/A/01".into(),
        });
        assert_eq!(
            judge_unit(&here, "WH1/A/01", true, "X"),
            ScanVerdict::Counted
        );
        assert_eq!(
            judge_unit(&here, "WH1/A/02", true, "X"),
            ScanVerdict::Unexpected(Unexpected::Elsewhere {
                location: "WH1/A/01".into()
            })
        );
        assert_eq!(
            judge_unit(&here, "WH1/A/01", false, "X"),
            ScanVerdict::Unexpected(Unexpected::OtherProduct { sku: "X".into() })
        );
        assert_eq!(
            judge_unit(&unit(UnitState::WrittenOff), "WH1/A/01", true, "X"),
            ScanVerdict::Unexpected(Unexpected::WrittenOff)
        );
    }
}

/// How a mismatch of a count was resolved. Each is journaled as one event and can be undone
/// while the count is not posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    /// The clerk sold `missing` but scanned `found`: the line of `found` on `sale` becomes
    /// `missing`; `found` is back in stock at `location` where it was counted.
    ReplaceOnSale {
        product: ProductId,
        found: SerialKey,
        missing: SerialKey,
        sale: DocNo,
        location: String,
        correction: crate::domain::document::Document,
    },
    /// `missing` was mistyped at receipt: the unit is really `found`, in stock at `location`.
    ReplaceOnReceipt {
        product: ProductId,
        found: SerialKey,
        missing: SerialKey,
        receipt: DocNo,
        location: String,
        correction: crate::domain::document::Document,
    },
    /// A transfer (relocate), found-stock receipt or write-off posted for the count.
    Posting(crate::domain::document::Document),
    /// The mismatch stays as it is, on purpose.
    Accept {
        product: Option<ProductId>,
        serial: SerialKey,
        note: String,
    },
}

impl Resolution {
    pub fn name(&self) -> &'static str {
        match self {
            Resolution::ReplaceOnSale { .. } => "replace-on-sale",
            Resolution::ReplaceOnReceipt { .. } => "replace-on-receipt",
            Resolution::Posting(doc) => match doc.kind {
                crate::domain::document::DocKind::Transfer => "relocate",
                crate::domain::document::DocKind::FoundStock => "receive-found",
                crate::domain::document::DocKind::WriteOff => "write-off",
                _ => "posting",
            },
            Resolution::Accept { .. } => "accept",
        }
    }

    /// What the resolution changes, in the words a confirmation shows before it is done
    /// (`sale S-2026-0042 line RT0003 becomes RT0007`).
    pub fn change(&self) -> String {
        use crate::domain::document::DocKind;
        match self {
            Resolution::ReplaceOnSale {
                found,
                missing,
                sale,
                location,
                ..
            } => format!(
                "sale {sale} line {found} becomes {missing}; {found} is back in stock at {location}"
            ),
            Resolution::ReplaceOnReceipt {
                found,
                missing,
                receipt,
                ..
            } => format!("receipt {receipt} line {missing} becomes {found}"),
            Resolution::Posting(doc) => {
                let serials = doc
                    .lines
                    .iter()
                    .filter_map(|l| l.serial.as_ref().map(SerialKey::to_string))
                    .collect::<Vec<_>>()
                    .join(", ");
                let at = |l: &Option<String>| l.clone().unwrap_or_default();
                match doc.kind {
                    DocKind::Transfer => format!(
                        "transfer {serials} from {} to {}",
                        at(&doc.from),
                        at(&doc.to)
                    ),
                    DocKind::FoundStock => {
                        format!("receive {serials} at {} as found stock", at(&doc.to))
                    }
                    DocKind::WriteOff => format!(
                        "write off {serials} at {}: {}",
                        at(&doc.from),
                        doc.reason.clone().unwrap_or_default()
                    ),
                    kind => format!("{} of {serials}", kind.as_str()),
                }
            }
            Resolution::Accept { serial, note, .. } => format!("accept {serial}: {note}"),
        }
    }

    /// The serials this resolution is about.
    pub fn serials(&self) -> Vec<&SerialKey> {
        match self {
            Resolution::ReplaceOnSale { found, missing, .. }
            | Resolution::ReplaceOnReceipt { found, missing, .. } => vec![found, missing],
            Resolution::Posting(doc) => {
                doc.lines.iter().filter_map(|l| l.serial.as_ref()).collect()
            }
            Resolution::Accept { serial, .. } => vec![serial],
        }
    }
}

/// A stored resolution: what it did, who and when, and the store's keys before and after, so
/// an undo restores exactly what was there (and refuses if something changed them since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionRecord {
    pub count: CountId,
    pub number: u32,
    pub resolution: Resolution,
    pub actor: String,
    pub at_ms: i64,
    pub seq: u64,
    pub images: Vec<KeyImage>,
    pub undone: bool,
}

/// One store key a resolution changed: its value before and after (None: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyImage {
    pub key: Vec<u8>,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}
