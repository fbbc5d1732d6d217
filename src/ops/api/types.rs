//! The service's vocabulary: commands and queries in, outcomes and answers out.

use serde::{Deserialize, Serialize};

use crate::domain::{Count, CountId, CountScan, CountStatus, Day};
use crate::domain::{
    DocKind, DocNo, HistoryEntry, Location, Money, Party, PartyRole, Period, Product, SerialFormat,
    Tracking, Unit, Warning,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewParty {
    pub name: String,
    pub role: PartyRole,
    pub bill_to: String,
    pub ship_to: String,
}

/// One line of a document request: a serial of a product, or a quantity of an unserialised one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineRequest {
    /// The product's SKU; empty: the one product the serial belongs to (refused when it
    /// names none or several).
    pub sku: String,
    pub serial: Option<String>,
    pub qty: u32,
    pub amount: Option<Money>,
}

/// A document to post: receipt, sale, return, transfer or write-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCount {
    pub name: String,
    pub location: String,
    pub skus: Vec<String>,
    pub categories: Vec<String>,
    /// Blind counting (the default): counters see no expected figures.
    pub blind: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    AddProduct(NewProduct),
    AddLocation {
        code: String,
        name: String,
    },
    AddParty(NewParty),
    Post(DocRequest),
    OpenCount(NewCount),
    /// One scan into an open count: a location label sets where the counter is; a serial,
    /// an IMEI or a GS1 label is counted at `location` (refused when there is none yet, or
    /// when `label_only` asks for a location label).
    CountScan {
        count: CountId,
        location: Option<String>,
        raw: String,
        label_only: bool,
    },
    /// Takes back the acting counter's last live scan; the answer carries the figures at
    /// `location`.
    UndoLastScan {
        count: CountId,
        location: Option<String>,
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
    /// Gives an OS account a role on this site (refused when it has one).
    AddUser {
        name: String,
        role: crate::domain::Role,
    },
    /// Changes a user's role.
    SetRole {
        name: String,
        role: crate::domain::Role,
    },
    /// Takes a user's role away.
    RemoveUser {
        name: String,
    },
    /// The acting counter finished a bin (location) of an open count.
    FinishBin {
        count: CountId,
        location: String,
    },
    /// Posts a count (from open or review). `counted_bins_only`: its shortages are those of
    /// the bins its counters finished; units expected elsewhere in the scope are left as
    /// they are (the count did not look there).
    PostCount {
        count: CountId,
        counted_bins_only: bool,
    },
    /// A quantity of an unserialised product (by SKU or barcode) counted at a location.
    CountQty {
        count: CountId,
        location: String,
        product: String,
        /// How many more; a negative number takes back what was counted too many.
        qty: i32,
    },
    /// Resolves every open mismatch a bulk fix names, in one entry.
    ResolveAll {
        count: CountId,
        fix: BulkFix,
    },
    /// A command sent with the client's own key for it (today: a count scan). Sent again
    /// with the same key, because its answer was lost or it waited through an outage, it is
    /// answered from what the first one recorded and never recorded twice.
    Keyed {
        key: String,
        command: Box<Command>,
    },
}

/// The longest key a client may give a command.
pub const MAX_KEY: usize = 64;

impl Command {
    /// Refuses a command with a free-text field longer than its limit, a date outside the
    /// years a user may enter or a warranty period over its maximum (see `domain::limits`),
    /// before anything else is looked at. A raw scan that is too long is a bad scan.
    pub fn check_limits(&self) -> Result<(), Refusal> {
        use crate::domain::limits::{
            check_day as day, check_len as len, check_list as list, check_opt as opt,
            check_opt_day as opt_day, check_opt_period as period, MAX_CODE as CODE,
            MAX_NAME as NAME, MAX_NOTE as NOTE, MAX_SCAN as SCAN,
        };
        if let Command::Keyed { key, command } = self {
            len("key", key, MAX_KEY).map_err(|m| Refusal::new(RefusalKind::Invalid, m))?;
            return command.check_limits();
        }
        if let Command::CountScan { raw, .. } = self {
            len("scan", raw, SCAN).map_err(|m| Refusal::new(RefusalKind::BadScan, m))?;
        }
        let fields = || -> Result<(), String> {
            match self {
                Command::AddProduct(p) => {
                    len("SKU", &p.sku, CODE)?;
                    len("name", &p.name, NAME)?;
                    opt("GTIN", p.gtin.as_deref(), CODE)?;
                    len("category", &p.category, NAME)?;
                    if let crate::domain::SerialFormat::Regex(r) = &p.serial_format {
                        len("serial format", r, crate::domain::limits::MAX_PATTERN)?;
                    }
                    period("warranty", p.warranty)
                }
                Command::AddLocation { code, name } => {
                    len("location", code, CODE)?;
                    len("name", name, NAME)
                }
                Command::AddParty(p) => {
                    len("name", &p.name, NAME)?;
                    len("bill-to", &p.bill_to, NOTE)?;
                    len("ship-to", &p.ship_to, NOTE)
                }
                Command::Post(d) => {
                    opt_day("date", d.date)?;
                    opt("party", d.party.as_deref(), NAME)?;
                    opt("invoice", d.invoice.as_deref(), CODE)?;
                    opt("from", d.from.as_deref(), CODE)?;
                    opt("to", d.to.as_deref(), CODE)?;
                    opt("reason", d.reason.as_deref(), NOTE)?;
                    d.lines.iter().try_for_each(|l| {
                        len("SKU", &l.sku, CODE)?;
                        opt("serial", l.serial.as_deref(), SCAN)
                    })
                }
                Command::OpenCount(c) => {
                    len("name", &c.name, NAME)?;
                    len("location", &c.location, CODE)?;
                    list("SKU", &c.skus, CODE)?;
                    list("category", &c.categories, NAME)
                }
                Command::CountScan { location, .. } => opt("location", location.as_deref(), CODE),
                Command::UndoLastScan { location, .. } => {
                    opt("location", location.as_deref(), CODE)
                }
                Command::MoveCount { .. }
                | Command::UndoResolution { .. }
                | Command::PostCount { .. } => Ok(()),
                Command::Resolve { action, .. } => match action {
                    ResolveAction::Replace { found, missing } => {
                        len("serial", found, SCAN)?;
                        len("serial", missing, SCAN)
                    }
                    ResolveAction::Relocate { serial } => len("serial", serial, SCAN),
                    ResolveAction::ReceiveFound { serial, product } => {
                        len("serial", serial, SCAN)?;
                        opt("product", product.as_deref(), SCAN)
                    }
                    ResolveAction::WriteOff { serial, reason } => {
                        len("serial", serial, SCAN)?;
                        len("reason", reason, NOTE)
                    }
                    ResolveAction::Accept { serial, note } => {
                        len("serial", serial, SCAN)?;
                        len("note", note, NOTE)
                    }
                },
                Command::ResolveAll { fix, .. } => match fix {
                    BulkFix::Accept {
                        location,
                        sku,
                        note,
                    } => {
                        opt("location", location.as_deref(), CODE)?;
                        opt("SKU", sku.as_deref(), CODE)?;
                        len("note", note, NOTE)
                    }
                    BulkFix::WriteOffCountedBins { reason } => len("reason", reason, NOTE),
                },
                Command::WarrantyTerms { sku, .. } => len("SKU", sku, CODE),
                Command::ActivateWarranty { serial, date } => {
                    len("serial", serial, SCAN)?;
                    opt_day("date", *date)
                }
                Command::ExtendWarranty {
                    serial,
                    duration,
                    until,
                    start,
                    tag,
                    invoice,
                    order,
                } => {
                    len("serial", serial, SCAN)?;
                    period("duration", *duration)?;
                    opt_day("until", *until)?;
                    opt_day("start", *start)?;
                    opt("tag", tag.as_deref(), CODE)?;
                    opt("invoice", invoice.as_deref(), CODE)?;
                    opt("order", order.as_deref(), CODE)
                }
                Command::AgreementEvent { number, note, .. } => {
                    len("agreement", number, CODE)?;
                    len("note", note, NOTE)
                }
                Command::RepairIntake {
                    serial,
                    service_type,
                    note,
                } => {
                    len("serial", serial, SCAN)?;
                    opt("service type", service_type.as_deref(), NAME)?;
                    len("note", note, NOTE)
                }
                Command::RepairClose { serial, to, note } => {
                    len("serial", serial, SCAN)?;
                    opt("to", to.as_deref(), CODE)?;
                    len("note", note, NOTE)
                }
                Command::WarrantyReplace { old, new, note, .. } => {
                    len("serial", old, SCAN)?;
                    len("serial", new, SCAN)?;
                    len("note", note, NOTE)
                }
                Command::AddGenericWarranty(g) => {
                    opt("category", g.category.as_deref(), NAME)?;
                    opt("service type", g.service_type.as_deref(), NAME)?;
                    day("effective", g.effective)?;
                    day("expiry", g.expiry)
                }
                // Each command of a batch is checked on its own, so its refusal names it.
                Command::Batch(_) | Command::Keyed { .. } => Ok(()),
                Command::AddUser { name, .. }
                | Command::SetRole { name, .. }
                | Command::RemoveUser { name } => len("user", name, CODE),
                Command::FinishBin { location, .. } => len("location", location, CODE),
                Command::CountQty {
                    location, product, ..
                } => {
                    len("location", location, CODE)?;
                    len("product", product, SCAN)
                }
            }
        };
        fields().map_err(|m| Refusal::new(RefusalKind::Invalid, m))
    }
}

/// A noun after a number: `one` for 1, `many` otherwise (`1 mismatch`, `2 mismatches`).
pub fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

impl BulkFix {
    /// What the fix does to `n` mismatches, in the words a confirmation shows.
    pub fn change(&self, n: u32) -> String {
        match self {
            BulkFix::Accept {
                location,
                sku,
                note,
            } => {
                let of = match (location, sku) {
                    (Some(l), Some(s)) => format!("{s} in {l}"),
                    (Some(l), None) => l.clone(),
                    (None, Some(s)) => s.clone(),
                    (None, None) => String::new(),
                };
                let are = if n == 1 { "it is" } else { "they are" };
                format!(
                    "accept {n} open {} of {of} as {are}: {note}",
                    plural(u64::from(n), "mismatch", "mismatches")
                )
            }
            BulkFix::WriteOffCountedBins { reason } => format!(
                "write off {n} {} short in the counted bins: {reason}",
                plural(u64::from(n), "unit", "units")
            ),
        }
    }
}

/// A resolution of many mismatches at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkFix {
    /// Accept every open mismatch (short or surplus) of a bin, of a product, or of both.
    Accept {
        location: Option<String>,
        sku: Option<String>,
        note: String,
    },
    /// Write off every open shortage of the count's counted bins.
    WriteOffCountedBins { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// A location label was scanned: the counter is now there (nothing is journaled).
    LocationSet {
        code: String,
        figures: Figures,
    },
    ScanUndone {
        scan: CountScan,
        sku: Option<String>,
        figures: Option<Figures>,
    },
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
    /// A user's role set (`Some`) or taken away (`None`).
    UserSet {
        name: String,
        role: Option<crate::domain::Role>,
    },
    /// A bin of a count was finished; `bins` the count's counted bins now.
    BinCounted {
        count: CountId,
        location: String,
        bins: u32,
    },
    /// The scan named a product counted by quantity: ask how many (nothing recorded).
    AskQty {
        sku: String,
    },
    /// A quantity was counted; `counted` is the count's total of it at the location now,
    /// `expected` the books' (open counting only).
    QtyCounted {
        count: CountId,
        location: String,
        sku: String,
        qty: i32,
        counted: u64,
        expected: Option<i64>,
    },
    /// A bulk fix resolved `resolved` mismatches, numbered `first..first + resolved`.
    ResolvedAll {
        count: CountId,
        first: u32,
        resolved: u32,
    },
}

/// What a supervisor does about one mismatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Take in an unknown serial as found stock: the product by SKU, or by a typed or
    /// scanned product barcode (GTIN), or from the scan's own GTIN when none is named.
    ReceiveFound {
        serial: String,
        product: Option<String>,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Units counted at this location that are in stock here (all counters): what "of
    /// `expected_here`" compares with.
    pub here: u32,
    /// Scans at this location of units not expected here (elsewhere, sold, another product).
    pub unexpected_here: u32,
    /// Scans at this location of serials no unit has.
    pub unknown_here: u32,
    /// Live scans in the whole count.
    pub total: u32,
    /// Units expected at this location (open counting only).
    pub expected_here: Option<u32>,
}

/// What one scan was found to be, with what a counter needs to see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub scan: CountScan,
    pub sku: Option<String>,
    /// The first scan of a duplicate.
    pub first: Option<CountScan>,
    pub figures: Option<Figures>,
    /// The customer a sold unit went to, by name.
    pub customer: Option<String>,
    /// The answer in words (headline and detail).
    pub words: Option<super::ScanWords>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Query {
    Products,
    Locations,
    Parties,
    /// Every unit with this serial (normally one), with its product, timeline and warranty at
    /// `date` (today when absent).
    Lookup {
        serial: String,
        date: Option<Day>,
    },
    Stock {
        location: Option<String>,
        sku: Option<String>,
    },
    Document {
        number: String,
    },
    /// Every count; with `expected`, the expected figure of those counted openly and open
    /// or in review (a walk over their stock, so only screens that show it ask).
    Counts {
        expected: bool,
    },
    /// Every scan of a count, in scan order.
    CountScans {
        count: CountId,
    },
    /// The database in brief: folder, last journal entry, today.
    Status,
    /// One count with its last `last` scans (refused when there is no such count).
    Count {
        count: CountId,
        last: u32,
    },
    /// Joining an open count as the acting counter: the count, the counter's own last scans,
    /// and the location when the scope is one location.
    Join {
        count: CountId,
    },
    /// A count's reconciliation with the names its rows refer to.
    Mismatches {
        count: CountId,
    },
    /// Sold units' warranties at `date` (today when absent): ending within `days`, every one
    /// (`days` absent), or those of one customer by name.
    Warranties {
        date: Option<Day>,
        days: Option<u32>,
        customer: Option<String>,
    },
    /// A sale's warranty card: the document, the customer and each unit's warranty.
    Card {
        sale: String,
    },
    /// The site's users and their roles.
    Users,
    /// A count's running figures at a location, without the expected figure (cheap: what
    /// a live scan screen asks when others scanned).
    Figures {
        count: CountId,
        location: String,
    },
    /// The journal's file and its durable end (everything acknowledged lies before it): what
    /// a backup copies while the server keeps working.
    JournalEnd,
    /// The live count scans of a scanned serial, in every count (what a lookup shows of a
    /// serial no unit has, but a counter found).
    SerialScans {
        serial: String,
    },
    /// Who the acting user is here and the role they hold: what the screens may offer.
    /// Refused, like every request, for a user the server does not know.
    Me,
    /// What a count counted of the products counted by quantity, by location and product
    /// (refused when there is no such count).
    CountQuantities {
        count: CountId,
    },
    /// The journal's bytes `from..upto`, read by the server: what a backup writes. `upto`
    /// may not pass the durable end ([`Query::JournalEnd`]) nor lie more than
    /// [`JOURNAL_PIECE`](super::JOURNAL_PIECE) bytes after `from`, so an admin who cannot
    /// read the database folder backs it up all the same.
    JournalBytes {
        from: u64,
        upto: u64,
    },
    /// A lookup in one request ([`Answer::Found`]): every unit with this serial, with its
    /// warranty at `date` (today when absent), and, when no unit has the serial, its live
    /// count scans in every count (a serial never received but counted). [`Query::Lookup`]
    /// and [`Query::SerialScans`] stay for the clients that ask them apart.
    Find {
        serial: String,
        date: Option<Day>,
    },
}

/// The database in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    pub dir: String,
    pub applied_seq: u64,
    pub today: Day,
}

/// One scan with the SKU of its product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanLine {
    pub scan: CountScan,
    pub sku: Option<String>,
}

/// A count with what a list or a header shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountView {
    pub count: Count,
    /// Units expected in the scope (open counting only).
    pub expected: Option<u32>,
    /// The newest scans first (as many as asked for).
    pub last_scans: Vec<ScanLine>,
}

/// What a counter joining a count sees first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinView {
    pub count: CountView,
    /// The counter's own last live scans, newest first.
    pub recent: Vec<ScanLine>,
    /// The location, when the scope is one location (no label needed), with its figures.
    pub location: Option<String>,
    pub figures: Option<Figures>,
}

/// A product's SKU and name, for rows that refer to products by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductName {
    pub sku: String,
    pub name: String,
}

/// A count's mismatches with the product and party names its rows refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MismatchView {
    pub mismatches: super::mismatches::Mismatches,
    pub products: std::collections::BTreeMap<crate::domain::ProductId, ProductName>,
    pub parties: std::collections::BTreeMap<crate::domain::PartyId, String>,
    /// The bins its counters finished, in location order.
    pub counted_bins: Vec<String>,
    /// Posted with the shortages of its counted bins only.
    pub posted_bins_only: bool,
    /// The anchor (`SEQ:HASH`) of the journal entry that posted the count.
    pub posted_anchor: Option<String>,
    /// Unserialised products counted by quantity that differ from the books.
    pub qty: Vec<crate::domain::count::QtyMismatch>,
}

impl MismatchView {
    pub fn sku(&self, id: Option<crate::domain::ProductId>) -> String {
        id.and_then(|p| self.products.get(&p))
            .map(|p| p.sku.clone())
            .unwrap_or_else(|| "?".into())
    }

    pub fn party(&self, id: crate::domain::PartyId) -> String {
        self.parties
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("party #{}", id.0))
    }
}

/// One sold unit's warranty, for the reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarrantyRow {
    pub unit: Unit,
    pub product: Product,
    pub customer: Option<String>,
    pub warranty: super::coverage::WarrantyView,
}

/// A posted document with who posted it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub document: crate::domain::Document,
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    /// Correction documents that changed this one since it was posted.
    pub corrected_by: Vec<DocNo>,
}

/// A sale's warranty card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardView {
    pub document: crate::domain::Document,
    pub customer: Option<Party>,
    pub lines: Vec<CardLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardLine {
    pub product: Product,
    pub serial: crate::domain::SerialKey,
    pub warranty: Option<super::coverage::WarrantyView>,
}

/// One line of a serial's timeline, with the party's name resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineLine {
    pub entry: HistoryEntry,
    pub party_name: Option<String>,
}

impl TimelineLine {
    /// The entry's reason or note as the timelines show it, without what says nothing: an
    /// empty note (a repair closed or a replacement without one), or the empty end of
    /// `warranty serialized: ` (an intake without a note).
    pub fn reason(&self) -> Option<&str> {
        let r = self.entry.reason.as_deref()?;
        let shown = r.trim().trim_end_matches(':').trim_end();
        (!shown.is_empty()).then_some(shown)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitView {
    pub unit: Unit,
    pub product: Product,
    pub supplier: Option<String>,
    pub customer: Option<String>,
    pub timeline: Vec<TimelineLine>,
    /// The warranty at the date the lookup asked about.
    pub warranty: super::coverage::WarrantyView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockLine {
    pub location: String,
    pub sku: String,
    pub name: String,
    pub serial: Option<String>,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    Products(Vec<Product>),
    Locations(Vec<Location>),
    Parties(Vec<Party>),
    Units(Vec<UnitView>),
    Stock(Vec<StockLine>),
    Document(Option<Box<DocumentView>>),
    Counts(Vec<CountView>),
    Scans(Vec<ScanLine>),
    Status(StatusView),
    Count(CountView),
    Joined(JoinView),
    Mismatches(Box<MismatchView>),
    Warranties(Vec<WarrantyRow>),
    Card(CardView),
    Users(Vec<crate::domain::User>),
    Figures(Figures),
    JournalEnd {
        path: String,
        end: u64,
    },
    Me {
        user: String,
        role: crate::domain::Role,
    },
    Quantities(Vec<QtyLine>),
    /// Bytes of the journal (an answer to [`Query::JournalBytes`]).
    JournalBytes(Vec<u8>),
    /// A lookup's answer ([`Query::Find`]): the units with the serial; when there is none,
    /// the serial's live count scans (empty otherwise).
    Found {
        units: Vec<UnitView>,
        scans: Vec<ScanLine>,
    },
}

/// What a count counted of a product counted by quantity at a location, in all (every
/// counter's boxes added up, what was taken back taken off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QtyLine {
    pub location: String,
    pub sku: String,
    pub qty: u64,
}

/// One refusal inside a batch: which command (0-based), which of its lines, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub index: usize,
    /// The line of a document command, when one line was refused.
    pub line: Option<usize>,
    pub refusal: Refusal,
}

/// What kind of "no" a refusal is: front ends pick exit codes and headlines from it, never
/// from the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefusalKind {
    /// What was scanned cannot be read (format, check digit, GS1 structure): rescan.
    BadScan,
    /// The serial, product, party, location, count or document named does not exist.
    Unknown,
    /// The tracking rule of the flow (strict mode) does not allow it.
    Tracking,
    /// The request contradicts the current state (a count not open, a unit not in repair,
    /// something that exists already, a date before an earlier movement).
    Conflict,
    /// The request itself is incomplete or malformed (a missing reason, a bad quantity).
    Invalid,
    /// The acting user's role does not allow it.
    NotPermitted,
    /// A location label was expected, or no location is set yet.
    Location,
    /// A location outside the count's scope.
    OutOfScope,
    /// The call needs the database folder to itself (it replaces the store or the journal),
    /// and a server holds it open.
    InUse,
}

impl RefusalKind {
    /// A short word for `--json` output and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::BadScan => "bad_scan",
            RefusalKind::Unknown => "unknown",
            RefusalKind::Tracking => "tracking",
            RefusalKind::Conflict => "conflict",
            RefusalKind::Invalid => "invalid",
            RefusalKind::NotPermitted => "not_permitted",
            RefusalKind::Location => "location",
            RefusalKind::OutOfScope => "out_of_scope",
            RefusalKind::InUse => "in_use",
        }
    }
}

/// A typed "no": its kind, the value it is about (a serial, a document, a count...) and the
/// operator-facing message. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The serial, document number, count or name the refusal is about, as the message
    /// quotes it first.
    pub about: Option<String>,
    pub message: String,
}

impl Refusal {
    /// A refusal of `kind`; `about` is the first value the message quotes (every refusal
    /// quotes the value it is about: `SN "4711" is sold ...`).
    pub fn new(kind: RefusalKind, message: impl Into<String>) -> Refusal {
        let message = message.into();
        let about = message
            .split('"')
            .nth(1)
            .filter(|_| message.matches('"').count() >= 2)
            .map(str::to_string);
        Refusal {
            kind,
            about,
            message,
        }
    }

    /// The same refusal about a given value.
    pub fn about(mut self, about: impl Into<String>) -> Refusal {
        self.about = Some(about.into());
        self
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a request did not go through. Serialisable, so it travels over the socket as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum OpsError {
    /// The command breaks a rule or its input is invalid; nothing changed.
    #[error("{0}")]
    Refused(Refusal),
    /// Some commands of a batch were refused; nothing changed.
    #[error("{} of the commands were refused; nothing was changed", .0.len())]
    Rejected(Vec<Rejection>),
    /// The journal or the store failed (a disk, a damaged file): the message says what to do.
    #[error("{0}")]
    Storage(String),
    /// The journal is damaged at an entry (`check` and `rebuild` say what to do).
    #[error("{message}")]
    Damaged { entry: u64, message: String },
    /// The server could not be reached, or went away before it answered (a command sent then
    /// may or may not have been saved: the message says which is known).
    #[error("{0}")]
    Link(String),
}

impl From<Refusal> for OpsError {
    fn from(r: Refusal) -> Self {
        OpsError::Refused(r)
    }
}

impl OpsError {
    /// A refusal of `kind` with `message`.
    pub fn refused(kind: RefusalKind, message: impl Into<String>) -> OpsError {
        OpsError::Refused(Refusal::new(kind, message))
    }

    /// The refusal, when this is one (a batch's first).
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            OpsError::Refused(r) => Some(r),
            OpsError::Rejected(list) => list.first().map(|r| &r.refusal),
            OpsError::Storage(_) | OpsError::Damaged { .. } | OpsError::Link(_) => None,
        }
    }
}
