//! The `--json` shapes: one serde view struct per document the command line prints, built from
//! the ops answer it shows. `docs/cli.md` ("JSON output") documents every shape here.

use super::Failure;
use crate::domain::scan::DecodedScan;
use crate::domain::{Count, CountScan, Product, ResolutionRecord, ScanVerdict, Warning};
use crate::ops::WarrantyView;
use crate::ops::{
    CardView, MismatchView, Outcome, ScanLine, ScanReport, ScanWords, StockLine, UnitView,
    WarrantyRow,
};
use serde::Serialize;

/// Prints one JSON document on its own line.
pub fn print<T: Serialize + ?Sized>(doc: &T) -> Result<(), Failure> {
    use std::io::Write;
    // Written as it is serialised (a large report is never held whole as text), one line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = serde_json::to_writer(&mut out, doc) {
        if e.is_io() {
            super::exit_on_output_error(&std::io::Error::from(e))
        }
        return Err(Failure::storage(format!("cannot write JSON: {e}")));
    }
    if let Err(e) = writeln!(out).and_then(|()| out.flush()) {
        super::exit_on_output_error(&e)
    }
    Ok(())
}

/// A list serialised item by item as it is made, never held whole.
pub struct Streamed<F>(pub F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// An instant as RFC 3339 UTC to the second (`2026-11-22T11:20:03Z`).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// Any failure: `{"error": ..., "exit_code": N}`; a refusal of the service adds its `kind`
/// (bad_scan, unknown, tracking, conflict, invalid, not_permitted, location, out_of_scope)
/// and the value it is `about`.
#[derive(Debug, Serialize)]
pub struct ErrorJson {
    pub error: String,
    pub exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

// ------------------------------------------------------------------ master data

#[derive(Debug, Serialize)]
pub struct ProductJson {
    pub id: u32,
    pub sku: String,
    pub name: String,
    pub gtin: Option<String>,
    pub category: String,
    pub tracking: String,
    pub serial_format: String,
    pub warranty: Option<String>,
}

impl From<&Product> for ProductJson {
    fn from(p: &Product) -> Self {
        ProductJson {
            id: p.id.0,
            sku: p.sku.clone(),
            name: p.name.clone(),
            gtin: p.gtin.clone(),
            category: p.category.clone(),
            tracking: p.tracking.describe(),
            serial_format: p.serial_format.describe(),
            warranty: text(&p.warranty),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LocationJson {
    pub code: String,
    pub name: String,
}

impl From<&crate::domain::Location> for LocationJson {
    fn from(l: &crate::domain::Location) -> Self {
        LocationJson {
            code: l.code.clone(),
            name: l.name.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PartyJson {
    pub id: u32,
    pub name: String,
    pub role: &'static str,
    pub bill_to: String,
    pub ship_to: String,
}

impl From<&crate::domain::Party> for PartyJson {
    fn from(p: &crate::domain::Party) -> Self {
        PartyJson {
            id: p.id.0,
            name: p.name.clone(),
            role: p.role.as_str(),
            bill_to: p.bill_to.clone(),
            ship_to: p.ship_to.clone(),
        }
    }
}

/// The party in `{"party_added": ...}`.
#[derive(Debug, Serialize)]
pub struct PartyAddedJson {
    pub id: u32,
    pub name: String,
    pub role: &'static str,
}

#[derive(Debug, Serialize)]
pub struct WarningJson {
    pub message: String,
    pub reason: String,
}

impl From<&Warning> for WarningJson {
    fn from(w: &Warning) -> Self {
        WarningJson {
            message: w.message.clone(),
            reason: w.reason.clone(),
        }
    }
}

// ------------------------------------------------------------------ outcomes

/// What a command that changes data answers, one shape per kind of outcome.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum OutcomeJson {
    ProductAdded {
        product_added: ProductJson,
    },
    LocationAdded {
        locations_added: Vec<String>,
    },
    PartyAdded {
        party_added: PartyAddedJson,
    },
    Posted {
        document: String,
        kind: &'static str,
        lines: usize,
        warnings: Vec<WarningJson>,
    },
    Batch(Vec<OutcomeJson>),
    CountOpened {
        count_opened: CountJson,
    },
    CountMoved {
        count: CountJson,
    },
    ScanUndone {
        undone: ScanPlaceJson,
    },
    LocationSet {
        location: String,
    },
    Scanned {
        scanned: ScannedJson,
    },
    Resolved {
        count: u32,
        resolution: u32,
        kind: &'static str,
    },
    ResolutionUndone {
        count: u32,
        undone: u32,
    },
    Noted {
        done: String,
    },
    BinCounted {
        count: u32,
        bin_counted: String,
        bins: u32,
    },
    AskQty {
        qty_of: String,
    },
    QtyCounted {
        count: u32,
        location: String,
        sku: String,
        qty: i32,
        counted: u64,
        expected: Option<i64>,
    },
    ResolvedAll {
        count: u32,
        first: u32,
        resolved: u32,
    },
    /// `user add|role|remove`: `{"name": "anna", "role": "clerk"}` (`null` once removed).
    UserSet(UserJson),
}

/// `serve` with `--json`: one line once clients can connect.
#[derive(Debug, Serialize)]
pub struct ServingJson {
    pub database: String,
    pub socket: String,
    pub log: String,
    pub pid: u32,
}

/// One site user (`user list` prints a list of these).
#[derive(Debug, Serialize)]
pub struct UserJson {
    pub name: String,
    pub role: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct ScanPlaceJson {
    pub number: u32,
    pub serial: String,
    pub location: String,
}

#[derive(Debug, Serialize)]
pub struct ScannedJson {
    pub number: u32,
    pub serial: String,
    pub answer: &'static str,
}

impl From<&Outcome> for OutcomeJson {
    fn from(o: &Outcome) -> Self {
        match o {
            Outcome::ProductAdded(p) => OutcomeJson::ProductAdded {
                product_added: p.into(),
            },
            Outcome::LocationAdded(codes) => OutcomeJson::LocationAdded {
                locations_added: codes.clone(),
            },
            Outcome::PartyAdded(p) => OutcomeJson::PartyAdded {
                party_added: PartyAddedJson {
                    id: p.id.0,
                    name: p.name.clone(),
                    role: p.role.as_str(),
                },
            },
            Outcome::Posted {
                document,
                kind,
                lines,
                warnings,
            } => OutcomeJson::Posted {
                document: document.0.clone(),
                kind: kind.as_str(),
                lines: *lines,
                warnings: warnings.iter().map(WarningJson::from).collect(),
            },
            Outcome::Batch(list) => {
                OutcomeJson::Batch(list.iter().map(OutcomeJson::from).collect())
            }
            Outcome::CountOpened(c) => OutcomeJson::CountOpened {
                count_opened: c.into(),
            },
            Outcome::CountMoved(c) => OutcomeJson::CountMoved { count: c.into() },
            Outcome::ScanUndone { scan: s, .. } => OutcomeJson::ScanUndone {
                undone: ScanPlaceJson {
                    number: s.number,
                    serial: s.serial.as_str().to_string(),
                    location: s.location.clone(),
                },
            },
            Outcome::LocationSet { code, .. } => OutcomeJson::LocationSet {
                location: code.clone(),
            },
            Outcome::Scanned(r) => OutcomeJson::Scanned {
                scanned: ScannedJson {
                    number: r.scan.number,
                    serial: r.scan.serial.as_str().to_string(),
                    answer: r.scan.verdict.name(),
                },
            },
            Outcome::Resolved {
                count,
                number,
                resolution,
            } => OutcomeJson::Resolved {
                count: count.0,
                resolution: *number,
                kind: resolution.name(),
            },
            Outcome::UserSet { name, role } => OutcomeJson::UserSet(UserJson {
                name: name.clone(),
                role: role.map(|r| r.name()),
            }),
            Outcome::ResolutionUndone { count, number } => OutcomeJson::ResolutionUndone {
                count: count.0,
                undone: *number,
            },
            Outcome::Noted(text) => OutcomeJson::Noted { done: text.clone() },
            Outcome::BinCounted {
                count,
                location,
                bins,
            } => OutcomeJson::BinCounted {
                count: count.0,
                bin_counted: location.clone(),
                bins: *bins,
            },
            Outcome::AskQty { sku } => OutcomeJson::AskQty {
                qty_of: sku.clone(),
            },
            Outcome::QtyCounted {
                count,
                location,
                sku,
                qty,
                counted,
                expected,
            } => OutcomeJson::QtyCounted {
                count: count.0,
                location: location.clone(),
                sku: sku.clone(),
                qty: *qty,
                counted: *counted,
                expected: *expected,
            },
            Outcome::ResolvedAll {
                count,
                first,
                resolved,
            } => OutcomeJson::ResolvedAll {
                count: count.0,
                first: *first,
                resolved: *resolved,
            },
        }
    }
}

// ------------------------------------------------------------------ lookup and stock

#[derive(Debug, Serialize)]
pub struct StockLineJson {
    pub location: String,
    pub sku: String,
    pub name: String,
    pub serial: Option<String>,
    pub qty: i64,
}

impl From<&StockLine> for StockLineJson {
    fn from(l: &StockLine) -> Self {
        StockLineJson {
            location: l.location.clone(),
            sku: l.sku.clone(),
            name: l.name.clone(),
            serial: l.serial.clone(),
            qty: l.qty,
        }
    }
}

/// One line of a serial's timeline.
#[derive(Debug, Serialize)]
pub struct EventJson {
    pub kind: &'static str,
    pub at: String,
    pub date: String,
    pub document: String,
    pub party: Option<String>,
    pub invoice: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub amount: Option<String>,
    pub reason: Option<String>,
    pub warning: Option<WarningJson>,
    pub actor: String,
    pub seq: u64,
}

impl From<&crate::ops::TimelineLine> for EventJson {
    fn from(t: &crate::ops::TimelineLine) -> Self {
        let e = &t.entry;
        EventJson {
            kind: e.kind.name(),
            at: rfc3339(e.at_ms),
            date: e.date.to_string(),
            document: e.document.0.clone(),
            party: t.party_name.clone(),
            invoice: e.invoice.clone(),
            from: e.from.clone(),
            to: e.to.clone(),
            amount: text(&e.amount),
            reason: e.reason.clone(),
            warning: e.warning.as_ref().map(WarningJson::from),
            actor: e.actor.clone(),
            seq: e.seq,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SaleJson {
    pub document: String,
    pub date: String,
    pub price: Option<String>,
    pub returned: bool,
}

/// One unit as `lookup` shows it.
#[derive(Debug, Serialize)]
pub struct UnitJson {
    pub serial: String,
    pub product: String,
    pub product_name: String,
    pub state: &'static str,
    pub location: Option<String>,
    pub customer: Option<String>,
    pub supplier: Option<String>,
    pub cost: Option<String>,
    pub receipt: Option<String>,
    pub sale: Option<SaleJson>,
    pub events: Vec<EventJson>,
    pub warranty: WarrantyJson,
}

impl From<&UnitView> for UnitJson {
    fn from(v: &UnitView) -> Self {
        let u = &v.unit;
        UnitJson {
            serial: u.serial.as_str().to_string(),
            product: v.product.sku.clone(),
            product_name: v.product.name.clone(),
            state: u.state.name(),
            location: u.state.location().map(str::to_string),
            customer: v.customer.clone(),
            supplier: v.supplier.clone(),
            cost: text(&u.cost),
            receipt: u.receipt.as_ref().map(|d| d.0.clone()),
            sale: u.sale.as_ref().map(|s| SaleJson {
                document: s.document.0.clone(),
                date: s.date.to_string(),
                price: text(&s.price),
                returned: s.returned,
            }),
            events: v.timeline.iter().map(EventJson::from).collect(),
            warranty: (&v.warranty).into(),
        }
    }
}

/// `lookup`: the first product's unit; units of other products with the same serial follow.
#[derive(Debug, Serialize)]
pub struct LookupJson {
    #[serde(flatten)]
    pub unit: UnitJson,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_products: Vec<UnitJson>,
}

impl LookupJson {
    /// None when no unit was found (the caller reports an unknown serial).
    pub fn new(units: &[UnitView]) -> Option<LookupJson> {
        let (first, rest) = units.split_first()?;
        Some(LookupJson {
            unit: first.into(),
            other_products: rest.iter().map(UnitJson::from).collect(),
        })
    }
}

// ------------------------------------------------------------------ warranty

#[derive(Debug, Serialize)]
pub struct CoverageJson {
    pub kind: &'static str,
    pub agreement: Option<String>,
    pub start: String,
    pub end: String,
    pub end_source: &'static str,
    pub inherited_from: Option<String>,
}

/// The `warranty` object of `lookup`, `warranty show`, the reports and the card.
#[derive(Debug, Serialize)]
pub struct WarrantyJson {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub start: Option<String>,
    pub end: Option<String>,
    pub days_left: Option<i64>,
    pub status: String,
    pub band: String,
    pub coverages: Vec<CoverageJson>,
}

impl From<&WarrantyView> for WarrantyJson {
    fn from(v: &WarrantyView) -> Self {
        let c = v.current.as_ref();
        WarrantyJson {
            kind: v.kind.label(),
            start: c.map(|c| c.start.to_string()),
            end: c.map(|c| c.end.to_string()),
            days_left: v.days_left,
            status: v.status.label().to_ascii_lowercase(),
            band: v.status.describe(v.days_left),
            coverages: v
                .coverages
                .iter()
                .map(|c| CoverageJson {
                    kind: c.kind.as_str(),
                    agreement: c.agreement.clone(),
                    start: c.start.to_string(),
                    end: c.end.to_string(),
                    end_source: c.end_source.label(),
                    inherited_from: text(&c.inherited_from),
                })
                .collect(),
        }
    }
}

/// One unit of `warranty show`.
#[derive(Debug, Serialize)]
pub struct WarrantyUnitJson {
    pub serial: String,
    pub product: String,
    pub date: String,
    pub warranty: WarrantyJson,
}

impl From<&UnitView> for WarrantyUnitJson {
    fn from(v: &UnitView) -> Self {
        WarrantyUnitJson {
            serial: v.unit.serial.as_str().to_string(),
            product: v.product.sku.clone(),
            date: v.warranty.date.to_string(),
            warranty: (&v.warranty).into(),
        }
    }
}

/// `warranty show`: the first product's unit; other products with the serial follow.
#[derive(Debug, Serialize)]
pub struct WarrantyShowJson {
    #[serde(flatten)]
    pub unit: WarrantyUnitJson,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_products: Vec<WarrantyUnitJson>,
}

impl WarrantyShowJson {
    pub fn new(units: &[UnitView]) -> Option<WarrantyShowJson> {
        let (first, rest) = units.split_first()?;
        Some(WarrantyShowJson {
            unit: first.into(),
            other_products: rest.iter().map(WarrantyUnitJson::from).collect(),
        })
    }
}

/// One row of `warranty expiring|tracking|customer`.
#[derive(Debug, Serialize)]
pub struct WarrantyRowJson {
    pub serial: String,
    pub sku: String,
    pub customer: String,
    pub sale_date: Option<String>,
    pub period: Option<String>,
    pub warranty: WarrantyJson,
}

impl From<&WarrantyRow> for WarrantyRowJson {
    fn from(r: &WarrantyRow) -> Self {
        WarrantyRowJson {
            serial: r.unit.serial.as_str().to_string(),
            sku: r.product.sku.clone(),
            customer: r.customer.clone().unwrap_or_default(),
            sale_date: r.unit.sale.as_ref().map(|s| s.date.to_string()),
            period: text(&r.product.warranty),
            warranty: (&r.warranty).into(),
        }
    }
}

/// `warranty card SALE`.
#[derive(Debug, Serialize)]
pub struct CardJson {
    pub sale: String,
    pub date: String,
    pub invoice: Option<String>,
    pub customer: Option<CardCustomerJson>,
    pub lines: Vec<CardLineJson>,
}

#[derive(Debug, Serialize)]
pub struct CardCustomerJson {
    pub name: String,
    pub bill_to: String,
}

#[derive(Debug, Serialize)]
pub struct CardLineJson {
    pub sku: String,
    pub name: String,
    pub serial: String,
    pub warranty: Option<WarrantyJson>,
}

impl From<&CardView> for CardJson {
    fn from(card: &CardView) -> Self {
        let doc = &card.document;
        CardJson {
            sale: doc.number.0.clone(),
            date: doc.date.to_string(),
            invoice: doc.invoice.clone(),
            customer: card.customer.as_ref().map(|c| CardCustomerJson {
                name: c.name.clone(),
                bill_to: c.bill_to.clone(),
            }),
            lines: card
                .lines
                .iter()
                .map(|l| CardLineJson {
                    sku: l.product.sku.clone(),
                    name: l.product.name.clone(),
                    serial: l.serial.as_str().to_string(),
                    warranty: l.warranty.as_ref().map(WarrantyJson::from),
                })
                .collect(),
        }
    }
}

// ------------------------------------------------------------------ counts

#[derive(Debug, Serialize)]
pub struct CountJson {
    pub id: u32,
    pub name: String,
    pub status: &'static str,
    pub location: String,
    pub products: Vec<u32>,
    pub categories: Vec<String>,
    pub blind: bool,
    pub opened_by: String,
    pub opened_at: String,
    pub scans: u32,
    pub live: u32,
    pub counters: Vec<String>,
}

impl From<&Count> for CountJson {
    fn from(c: &Count) -> Self {
        CountJson {
            id: c.id.0,
            name: c.name.clone(),
            status: c.status.as_str(),
            location: c.scope.location.clone(),
            products: c.scope.products.iter().map(|p| p.0).collect(),
            categories: c.scope.categories.clone(),
            blind: c.blind,
            opened_by: c.opened_by.clone(),
            opened_at: rfc3339(c.opened_at_ms),
            scans: c.scans,
            live: c.live,
            counters: c.counters.clone(),
        }
    }
}

/// A scan as `count show` lists it.
#[derive(Debug, Serialize)]
pub struct ScanRowJson {
    pub number: u32,
    pub serial: String,
    pub location: String,
    pub counter: String,
    pub answer: &'static str,
    pub undone: bool,
}

impl From<&CountScan> for ScanRowJson {
    fn from(s: &CountScan) -> Self {
        ScanRowJson {
            number: s.number,
            serial: s.serial.as_str().to_string(),
            location: s.location.clone(),
            counter: s.counter.clone(),
            answer: s.verdict.name(),
            undone: s.undone,
        }
    }
}

/// `count show ID`: the count and its last scans, newest first.
#[derive(Debug, Serialize)]
pub struct CountShowJson {
    #[serde(flatten)]
    pub count: CountJson,
    pub last_scans: Vec<ScanRowJson>,
}

/// A scan as `count export` writes it (the CSV's columns).
#[derive(Debug, Serialize)]
pub struct ScanExportJson {
    pub number: u32,
    pub serial: String,
    pub sku: Option<String>,
    pub location: String,
    pub counter: String,
    pub at: String,
    pub answer: &'static str,
    /// The first scan of the serial, for a duplicate.
    pub first: Option<u32>,
    pub undone: bool,
    /// Always null: a scan is one unit (see [`QtyExportJson`]).
    pub qty: Option<u64>,
}

/// A row of `count export --json` for a product counted by quantity: what was counted of it
/// at a location in all, with the keys of a scan's row (those a total has not are null).
#[derive(Debug, Serialize)]
pub struct QtyExportJson {
    pub number: Option<u32>,
    pub serial: Option<String>,
    pub sku: String,
    pub location: String,
    pub counter: Option<String>,
    pub at: Option<String>,
    pub answer: &'static str,
    pub first: Option<u32>,
    pub undone: bool,
    pub qty: u64,
}

impl From<&crate::ops::QtyLine> for QtyExportJson {
    fn from(q: &crate::ops::QtyLine) -> Self {
        QtyExportJson {
            number: None,
            serial: None,
            sku: q.sku.clone(),
            location: q.location.clone(),
            counter: None,
            at: None,
            answer: QTY_ANSWER,
            first: None,
            undone: false,
            qty: q.qty,
        }
    }
}

/// The `answer` of an exported quantity row (CSV and JSON).
pub const QTY_ANSWER: &str = "quantity";

/// A row of `count export --json`: a scan, or a quantity counted.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ExportRowJson {
    Scan(ScanExportJson),
    Qty(QtyExportJson),
}

impl From<&ScanLine> for ScanExportJson {
    fn from(line: &ScanLine) -> Self {
        let s = &line.scan;
        ScanExportJson {
            number: s.number,
            serial: s.serial.as_str().to_string(),
            sku: line.sku.clone(),
            location: s.location.clone(),
            counter: s.counter.clone(),
            at: rfc3339(s.at_ms),
            answer: s.verdict.name(),
            first: match s.verdict {
                ScanVerdict::Duplicate { first } => Some(first),
                _ => None,
            },
            undone: s.undone,
            qty: None,
        }
    }
}

/// One answer line of `count scan` for a serial.
#[derive(Debug, Serialize)]
pub struct ScanAnswerJson {
    pub answer: &'static str,
    pub ok: bool,
    pub number: u32,
    pub serial: String,
    pub sku: Option<String>,
    pub location: String,
    pub detail: String,
    pub here: Option<u32>,
    pub unexpected_here: Option<u32>,
    pub unknown_here: Option<u32>,
    pub total: Option<u32>,
    pub expected_here: Option<u32>,
}

impl ScanAnswerJson {
    pub fn new(report: &ScanReport, words: &ScanWords) -> ScanAnswerJson {
        let f = report.figures;
        ScanAnswerJson {
            answer: report.scan.verdict.name(),
            ok: words.ok,
            number: report.scan.number,
            serial: report.scan.serial.as_str().to_string(),
            sku: report.sku.clone(),
            location: report.scan.location.clone(),
            detail: words.detail.clone(),
            here: f.map(|f| f.here),
            unexpected_here: f.map(|f| f.unexpected_here),
            unknown_here: f.map(|f| f.unknown_here),
            total: f.map(|f| f.total),
            expected_here: f.and_then(|f| f.expected_here),
        }
    }
}

/// One answer line of `count scan` for anything else (a location, a command barcode, an
/// error): `finish`, `undone`, `location?`, `location` or `error`.
#[derive(Debug, Serialize)]
pub struct ScanSayJson<'a> {
    pub answer: &'a str,
    pub detail: String,
}

// ------------------------------------------------------------------ mismatches

#[derive(Debug, Serialize)]
pub struct FlagsJson {
    pub accepted: bool,
    pub moved_since_open: bool,
}

#[derive(Debug, Serialize)]
pub struct ShortageJson {
    pub serial: String,
    pub sku: String,
    pub location: String,
    pub flags: FlagsJson,
}

#[derive(Debug, Serialize)]
pub struct SuggestionJson {
    pub missing: String,
    pub location: String,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct SurplusJson {
    pub serial: String,
    pub sku: String,
    pub location: String,
    pub scan: u32,
    pub reason: &'static str,
    pub why: String,
    pub flags: FlagsJson,
    pub suggestions: Vec<SuggestionJson>,
}

#[derive(Debug, Serialize)]
pub struct ResolutionJson {
    pub number: u32,
    pub kind: &'static str,
    pub text: String,
    pub undone: bool,
}

impl From<&ResolutionRecord> for ResolutionJson {
    fn from(r: &ResolutionRecord) -> Self {
        ResolutionJson {
            number: r.number,
            kind: r.resolution.name(),
            text: super::words::resolution_text(r),
            undone: r.undone,
        }
    }
}

/// `count mismatches ID` and `count report ID`: serialised straight from the view, row by
/// row (the shortage of a large count is never copied into a second list first).
pub struct MismatchesJson<'a>(pub &'a MismatchView);

#[derive(Debug, Serialize)]
pub struct QtyMismatchJson {
    pub location: String,
    pub sku: String,
    pub expected: i64,
    pub counted: i64,
}

impl Serialize for MismatchesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.0;
        let m = &v.mismatches;
        let shortage = Streamed(|| {
            super::words::shortage_lines(v).map(|r| ShortageJson {
                serial: r.serial.to_string(),
                sku: r.sku,
                location: r.location.to_string(),
                flags: FlagsJson {
                    accepted: r.accepted,
                    moved_since_open: r.moved,
                },
            })
        });
        let surplus = Streamed(|| {
            super::words::surplus_lines(v).map(|r| SurplusJson {
                serial: r.serial.to_string(),
                sku: r.sku,
                location: r.location.to_string(),
                scan: r.scan,
                reason: r.reason,
                why: r.why,
                flags: FlagsJson {
                    accepted: r.accepted,
                    moved_since_open: r.moved,
                },
                suggestions: r
                    .suggestions
                    .into_iter()
                    .map(|s| SuggestionJson {
                        missing: s.missing.as_str().to_string(),
                        location: s.location,
                        why: s.why,
                    })
                    .collect(),
            })
        });
        let resolutions = Streamed(|| m.resolutions.iter().map(ResolutionJson::from));
        let quantities = Streamed(|| {
            v.qty.iter().map(|q| QtyMismatchJson {
                location: q.location.clone(),
                sku: v.sku(Some(q.product)),
                expected: q.expected,
                counted: q.counted,
            })
        });
        let mut doc = s.serialize_struct("MismatchesJson", 12)?;
        doc.serialize_field("count", &m.count.id.0)?;
        doc.serialize_field("status", m.count.status.as_str())?;
        doc.serialize_field("matched", &m.rec.matched.len())?;
        doc.serialize_field("shortage", &shortage)?;
        doc.serialize_field("surplus", &surplus)?;
        doc.serialize_field("duplicates", &m.rec.duplicates)?;
        doc.serialize_field("open_mismatches", &m.open_mismatches())?;
        doc.serialize_field("resolutions", &resolutions)?;
        // The bins the counters finished; posted with the shortages of those alone.
        doc.serialize_field("counted_bins", &v.counted_bins)?;
        doc.serialize_field("counted_bins_only", &v.posted_bins_only)?;
        // Products counted by quantity whose count differs from the books.
        doc.serialize_field("quantities", &quantities)?;
        // A posted count: the anchor `SEQ:HASH` of the journal entry that posted it.
        doc.serialize_field("anchor", &v.posted_anchor)?;
        doc.end()
    }
}

/// One label of `labels commands`.
#[derive(Debug, Serialize)]
pub struct LabelJson {
    pub caption: &'static str,
    pub code: String,
}

// ------------------------------------------------------------------ scans, admin, import, demo

/// `decode DATA`: every field, absent ones null.
#[derive(Debug, Serialize)]
pub struct DecodeJson {
    pub kind: &'static str,
    pub serial: Option<String>,
    pub gtin: Option<String>,
    pub lot: Option<String>,
    pub expiry: Option<String>,
    pub imei: Option<String>,
}

impl From<&DecodedScan> for DecodeJson {
    fn from(d: &DecodedScan) -> Self {
        DecodeJson {
            kind: d.kind.as_str(),
            serial: d.serial.clone(),
            gtin: d.gtin.clone(),
            lot: d.lot.clone(),
            expiry: d.expiry.clone(),
            imei: d.imei.clone(),
        }
    }
}

/// `check`: a healthy database, or the problems with the error and exit code of the failure.
#[derive(Debug, Serialize)]
pub struct CheckJson {
    pub ok: bool,
    pub entries: u64,
    pub keys: u64,
    pub units: u64,
    pub problems: Vec<String>,
    /// What to do about the problems ("" when there are none).
    pub advice: String,
    /// The head of the chain, `SEQ:HASH` (null for an empty journal).
    pub anchor: Option<String>,
    /// How many `--anchor`s the journal still holds.
    pub anchors_held: u64,
    /// Warnings that are not problems (files others can read, a store that was remade).
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

impl From<&crate::ops::CheckReport> for CheckJson {
    fn from(r: &crate::ops::CheckReport) -> Self {
        CheckJson {
            ok: r.problems.is_empty(),
            entries: r.entries,
            keys: r.keys_compared,
            units: r.units,
            problems: r.problems.clone(),
            advice: super::hints::advice_words(&r.advice),
            anchor: r.anchor.clone(),
            anchors_held: r.anchors_held,
            notes: r.notes.clone(),
            error: None,
            exit_code: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RebuildJson {
    pub entries: u64,
    /// Where the old store was moved (null when there was none).
    pub old_store: Option<String>,
    /// The unfinished last entry cut off first, in words.
    pub cut: Option<String>,
    /// Where the cut bytes are kept.
    pub cut_kept: Option<String>,
    pub notes: Vec<String>,
}

impl From<&crate::ops::RebuildReport> for RebuildJson {
    fn from(r: &crate::ops::RebuildReport) -> Self {
        RebuildJson {
            entries: r.entries,
            old_store: r.old_store.as_ref().map(|p| p.display().to_string()),
            cut: r.cut.as_ref().map(|(t, _)| t.to_string()),
            cut_kept: r.cut.as_ref().map(|(_, p)| p.display().to_string()),
            notes: r.notes.clone(),
        }
    }
}

/// One journal entry as `rebuild --salvage` lists it.
#[derive(Debug, Serialize)]
pub struct EntryJson {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub what: String,
    /// Its bytes in the damaged journal: [start, end).
    pub bytes: [u64; 2],
}

impl From<&crate::ops::EntryWords> for EntryJson {
    fn from(e: &crate::ops::EntryWords) -> Self {
        EntryJson {
            seq: e.seq,
            at: chrono::DateTime::from_timestamp_millis(e.at_ms)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            actor: e.actor.clone(),
            what: e.what.clone(),
            bytes: [e.bytes.0, e.bytes.1],
        }
    }
}

/// `rebuild --salvage`.
#[derive(Debug, Serialize)]
pub struct SalvageJson {
    /// False when it stopped to ask about the later entries (nothing changed).
    pub done: bool,
    /// Entries kept as they were: 1 ..= kept.
    pub kept: u64,
    pub damage: String,
    pub damaged_seq: u64,
    /// The damaged entry, when its frame still reads.
    pub damaged_entry: Option<EntryJson>,
    /// Byte ranges [start, end) holding no readable entry: lost.
    pub lost_bytes: Vec<[u64; 2]>,
    /// Entries after the damage whose own frames are intact.
    pub later: Vec<EntryJson>,
    pub later_kept: bool,
    /// Entries the old store had applied that the journal no longer holds: [first, last].
    pub store_ahead: Option<[u64; 2]>,
    pub damaged_journal: Option<String>,
    pub old_store: Option<String>,
}

impl From<&crate::ops::SalvageReport> for SalvageJson {
    fn from(r: &crate::ops::SalvageReport) -> Self {
        SalvageJson {
            done: r.done,
            kept: r.kept,
            damage: r.damage.clone(),
            damaged_seq: r.damaged_seq,
            damaged_entry: r.damaged_entry.as_ref().map(EntryJson::from),
            lost_bytes: r.lost_bytes.iter().map(|(a, b)| [*a, *b]).collect(),
            later: r.later.iter().map(EntryJson::from).collect(),
            later_kept: r.later_kept,
            store_ahead: r.store_ahead.map(|(a, b)| [a, b]),
            damaged_journal: r.damaged_journal.as_ref().map(|p| p.display().to_string()),
            old_store: r.old_store.as_ref().map(|p| p.display().to_string()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BackupJson {
    pub file: String,
    pub bytes: u64,
    pub entries: u64,
    /// The head of the chain in the backup, `SEQ:HASH`.
    pub anchor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RestoreJson {
    pub entries: u64,
    /// Where the replaced journal is kept (null when there was none).
    pub replaced: Option<String>,
    pub anchor: Option<String>,
}

/// `anchor`: the head of the chain.
#[derive(Debug, Serialize)]
pub struct AnchorJson {
    pub entries: u64,
    pub anchor: Option<String>,
}

/// `init DIR`.
#[derive(Debug, Serialize)]
pub struct InitJson {
    pub db: String,
}

/// `import WHAT FILE`: the rows read and the outcome of every record written.
#[derive(Debug, Serialize)]
pub struct ImportJson {
    pub file: String,
    pub rows: usize,
    pub outcomes: OutcomeJson,
}

#[derive(Debug, Serialize)]
pub struct ExampleJson {
    pub what: String,
    pub serial: String,
}

/// `demo`: what was made; a database that already held data gives `fresh: false` only.
#[derive(Debug, Serialize)]
pub struct DemoJson {
    pub db: String,
    pub fresh: bool,
    #[serde(flatten)]
    pub summary: Option<DemoSummaryJson>,
}

#[derive(Debug, Serialize)]
pub struct DemoSummaryJson {
    pub units: u64,
    pub sold: u64,
    pub returned: u64,
    pub written_off: u64,
    pub examples: Vec<ExampleJson>,
}
