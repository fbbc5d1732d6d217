//! Validation of commands against the state, through an overlay of what earlier commands of
//! the same batch would change. A draft turns accepted commands into events; nothing is
//! written until the service commits them.

use super::types::{
    Command, DocRequest, LineRequest, NewParty, NewProduct, Outcome, Refusal, RefusalKind,
    Rejection,
};
use crate::domain::catalog::Flow;
use crate::domain::rules::{self, Names};
use crate::domain::scan::ScanConfig;
use crate::domain::{Count, CountId};
use crate::domain::{
    Day, DocKind, DocLine, DocNo, Document, Event, HistoryKind, Location, Party, PartyId, Product,
    ProductId, SerialKey, Unit, Warning,
};
use crate::ops::api::refusals;
use crate::store::{Store, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where receipts go when no location is named.
pub const DEFAULT_RECEIVING: &str = "RECEIVING";

/// Which user command is being checked (each refuses what the others are for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Add,
    Role,
    Remove,
}

/// Why a single command was refused (storage failures are separate).
pub enum DraftError {
    Refused(Refusal),
    /// Some lines of a document were refused: (line index, why).
    Lines(Vec<(usize, Refusal)>),
    Store(StoreError),
    /// A storage failure met through another service function.
    Failed(String),
}

impl From<Refusal> for DraftError {
    fn from(r: Refusal) -> Self {
        DraftError::Refused(r)
    }
}

impl From<StoreError> for DraftError {
    fn from(e: StoreError) -> Self {
        DraftError::Store(e)
    }
}

impl From<super::OpsError> for DraftError {
    fn from(e: super::OpsError) -> Self {
        match e {
            super::OpsError::Refused(r) => DraftError::Refused(r),
            super::OpsError::Rejected(list) => DraftError::Lines(
                list.into_iter()
                    .map(|r| (r.line.unwrap_or(r.index), r.refusal))
                    .collect(),
            ),
            e @ (super::OpsError::Storage(_)
            | super::OpsError::Damaged { .. }
            | super::OpsError::Link(_)) => DraftError::Failed(e.to_string()),
        }
    }
}

pub(super) type DResult<T> = Result<T, DraftError>;

/// A refusal of malformed input (a bad code, serial or date), as `map_err` wants it.
pub(super) fn invalid(message: String) -> DraftError {
    DraftError::Refused(Refusal::new(RefusalKind::Invalid, message))
}

pub(super) fn refuse<T>(kind: RefusalKind, message: impl Into<String>) -> DResult<T> {
    Err(DraftError::Refused(Refusal::new(kind, message)))
}

/// A GS1 label whose GTIN names one product on a serial another product has: a wrong label
/// or a misread, refused wherever it is scanned.
pub(super) fn label_mismatch(label: &Product, serial: &str, sku: &str) -> Refusal {
    Refusal::new(
        RefusalKind::BadScan,
        format!(
            "label is {}, SN \"{serial}\" is product {sku}: rescan",
            label.sku
        ),
    )
    .about(serial)
}

/// Who is acting, when, and how scans are read: the context of every command of a draft.
pub struct DraftContext<'c> {
    pub today: Day,
    pub now_ms: i64,
    pub actor: &'c str,
    pub scan: &'c ScanConfig,
    pub warranty: &'c crate::ops::api::WarrantySettings,
}

pub struct Draft<'s> {
    pub(super) store: &'s Store,
    pub(super) today: Day,
    pub(super) now_ms: i64,
    pub(super) actor: String,
    pub(super) scan: ScanConfig,
    pub(super) counts: HashMap<CountId, Count>,
    pub(super) count_serials: HashMap<(CountId, SerialKey), u32>,
    pub(super) next_count: u32,
    pub(super) next_generic: u32,
    pub(super) warranty: crate::ops::api::WarrantySettings,
    units: HashMap<(ProductId, SerialKey), Unit>,
    /// Customers' held quantities of unserialised products changed by this draft.
    customer_qty: HashMap<(PartyId, ProductId), i64>,
    /// The date and document of each unit's last movement read or made so far.
    last_moved: HashMap<(ProductId, SerialKey), (Day, DocNo)>,
    serials: HashMap<SerialKey, HashSet<ProductId>>,
    products: HashMap<String, Product>,
    product_ids: HashMap<ProductId, Product>,
    parties: HashMap<String, Party>,
    party_names: HashMap<PartyId, String>,
    locations: HashSet<String>,
    qty: HashMap<(String, ProductId), i64>,
    next_product: u32,
    next_party: u32,
    pub(super) counters: BTreeMap<String, u64>,
    /// Per count, the serials accepted as they are (read once, kept up to date).
    pub(super) accepted: HashMap<CountId, HashSet<SerialKey>>,
    /// Scans keyed by their clients in this draft (a batch may hold a scan twice).
    pub(super) scan_keys: HashMap<(CountId, String), u32>,
    pub events: Vec<Event>,
}

impl<'s> Draft<'s> {
    pub fn new(store: &'s Store, cx: &DraftContext) -> Result<Draft<'s>, StoreError> {
        let meta = store.meta()?;
        Ok(Draft {
            store,
            today: cx.today,
            now_ms: cx.now_ms,
            actor: cx.actor.to_string(),
            scan: cx.scan.clone(),
            counts: HashMap::new(),
            count_serials: HashMap::new(),
            next_count: meta.next_count.max(1),
            next_generic: meta.next_generic.max(1),
            warranty: cx.warranty.clone(),
            units: HashMap::new(),
            last_moved: HashMap::new(),
            customer_qty: HashMap::new(),
            serials: HashMap::new(),
            products: HashMap::new(),
            product_ids: HashMap::new(),
            parties: HashMap::new(),
            party_names: HashMap::new(),
            locations: HashSet::new(),
            qty: HashMap::new(),
            next_product: meta.next_product.max(1),
            next_party: meta.next_party.max(1),
            counters: meta.doc_counters,
            accepted: HashMap::new(),
            scan_keys: HashMap::new(),
            events: Vec::new(),
        })
    }

    /// Validates a command (a batch command by command); on success its events are queued.
    pub fn command(&mut self, cmd: Command) -> Result<Outcome, super::OpsError> {
        match cmd {
            Command::Batch(cmds) => {
                let mut outcomes = Vec::with_capacity(cmds.len());
                let mut rejections = Vec::new();
                for (index, cmd) in cmds.into_iter().enumerate() {
                    match self.single(cmd) {
                        Ok(o) => outcomes.push(o),
                        Err(DraftError::Refused(refusal)) => rejections.push(Rejection {
                            index,
                            line: None,
                            refusal,
                        }),
                        Err(DraftError::Lines(lines)) => {
                            rejections.extend(lines.into_iter().map(|(line, refusal)| Rejection {
                                index,
                                line: Some(line),
                                refusal,
                            }))
                        }
                        Err(DraftError::Store(e)) => return Err(e.into()),
                        Err(DraftError::Failed(m)) => return Err(super::OpsError::Storage(m)),
                    }
                }
                if rejections.is_empty() {
                    Ok(Outcome::Batch(outcomes))
                } else {
                    Err(super::OpsError::Rejected(rejections))
                }
            }
            cmd => self.single(cmd).map_err(|e| match e {
                DraftError::Refused(r) => super::OpsError::Refused(r),
                DraftError::Lines(lines) => {
                    // One refusal: the first line's kind and value, every line's words.
                    let kind = lines
                        .first()
                        .map(|(_, r)| r.kind)
                        .unwrap_or(RefusalKind::Invalid);
                    let about = lines.first().and_then(|(_, r)| r.about.clone());
                    super::OpsError::Refused(Refusal {
                        kind,
                        about,
                        message: lines
                            .into_iter()
                            .map(|(_, r)| r.message)
                            .collect::<Vec<_>>()
                            .join("\n"),
                    })
                }
                DraftError::Store(e) => e.into(),
                DraftError::Failed(m) => super::OpsError::Storage(m),
            }),
        }
    }

    pub(super) fn single(&mut self, cmd: Command) -> DResult<Outcome> {
        cmd.check_limits().map_err(DraftError::Refused)?;
        match cmd {
            Command::AddProduct(p) => self.add_product(p),
            Command::AddLocation { code, name } => self.add_location(&code, &name),
            Command::AddParty(p) => self.add_party(p),
            Command::Post(doc) => self.post(doc),
            Command::OpenCount(c) => self.open_count(c),
            Command::CountScan {
                count,
                location,
                raw,
                label_only,
            } => self.count_input(count, location.as_deref(), &raw, label_only),
            Command::UndoLastScan { count, .. } => self.undo_last_scan(count),
            Command::MoveCount { count, status } => self.move_count(count, status),
            Command::Resolve { count, action } => self.resolve(count, action),
            Command::ResolveAll { count, fix } => self.resolve_all(count, fix),
            Command::PostCount {
                count,
                counted_bins_only,
            } => self.post_count(count, counted_bins_only),
            Command::FinishBin { count, location } => self.finish_bin(count, &location),
            Command::CountQty {
                count,
                location,
                product,
                qty,
            } => self.count_qty(count, &location, &product, qty),
            Command::UndoResolution { count, number } => self.undo_resolution(count, number),
            Command::WarrantyTerms { sku, basis, policy } => {
                self.warranty_terms(&sku, basis, policy)
            }
            Command::ActivateWarranty { serial, date } => self.activate(&serial, date),
            Command::ExtendWarranty {
                serial,
                duration,
                until,
                start,
                tag,
                invoice,
                order,
            } => {
                let settings = self.warranty.clone();
                self.extend(
                    &serial, duration, until, start, tag, invoice, order, &settings,
                )
            }
            Command::AgreementEvent { number, code, note } => {
                self.agreement_event(&number, code, &note)
            }
            Command::RepairIntake {
                serial,
                service_type,
                note,
            } => {
                let settings = self.warranty.clone();
                self.repair_intake(&serial, service_type, &note, &settings)
            }
            Command::RepairClose { serial, to, note } => self.repair_close(&serial, to, &note),
            Command::WarrantyReplace {
                old,
                new,
                policy,
                note,
            } => {
                let settings = self.warranty.clone();
                self.warranty_replace(&old, &new, policy, &note, &settings)
            }
            Command::AddGenericWarranty(g) => self.add_generic(g),
            Command::AddUser { name, role } => self.set_user(&name, Some(role), Change::Add),
            Command::SetRole { name, role } => self.set_user(&name, Some(role), Change::Role),
            Command::RemoveUser { name } => self.set_user(&name, None, Change::Remove),
            Command::Batch(_) => refuse(
                RefusalKind::Conflict,
                "a batch cannot contain another batch",
            ),
            Command::Keyed { key, command } => self.keyed(key, *command),
        }
    }

    // ---- reads through the overlay ----

    pub(super) fn product_by_sku(&mut self, sku: &str) -> DResult<Product> {
        let sku = sku.trim();
        if let Some(p) = self.products.get(sku) {
            return Ok(p.clone());
        }
        match self.store.product_by_sku(sku)? {
            Some(p) => {
                self.products.insert(sku.to_string(), p.clone());
                Ok(p)
            }
            None => Err(refusals::unknown_sku(sku).into()),
        }
    }

    /// The product of a document line: its SKU, or (none named) the one product its serial
    /// belongs to.
    fn line_product(&mut self, line: &LineRequest) -> DResult<Product> {
        if !line.sku.trim().is_empty() {
            return self.product_by_sku(&line.sku);
        }
        let Some(raw) = line.serial.as_deref() else {
            return refuse(
                RefusalKind::Invalid,
                "a quantity needs its product: name it (--product SKU)",
            );
        };
        let ids: std::collections::BTreeSet<ProductId> = self
            .store
            .units_named(raw)?
            .into_iter()
            .map(|s| s.unit.product)
            .collect();
        let mut products = Vec::with_capacity(ids.len());
        for id in ids {
            products.extend(self.product_by_id(id)?);
        }
        match products.len() {
            0 => refuse(
                RefusalKind::Unknown,
                format!(
                    "SN {} is unknown here: name its product (--product SKU)",
                    crate::domain::limits::quoted(raw.trim())
                ),
            ),
            1 => Ok(products.remove(0)),
            _ => refuse(
                RefusalKind::Invalid,
                format!(
                    "SN {} belongs to several products ({}): name one (--product SKU)",
                    crate::domain::limits::quoted(raw.trim()),
                    products
                        .iter()
                        .map(|p| p.sku.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }

    /// The GTIN a scanned or typed product barcode names: a GS1 or EAN/UPC scan's, or EAN/UPC
    /// digits without their symbology prefix (padded to 14). `alone`: only a barcode that
    /// carries no serial (a product label, not a unit's).
    pub(super) fn gtin_named(&self, raw: &str, alone: bool) -> Option<String> {
        let typed = raw.trim();
        crate::domain::scan::decode(raw, &self.scan)
            .ok()
            .and_then(|d| {
                let serial = d.key().is_some();
                d.gtin.filter(|_| !(alone && serial))
            })
            .or_else(|| {
                let digits = typed.bytes().all(|b| b.is_ascii_digit());
                (digits && (8..=14).contains(&typed.len())).then(|| format!("{typed:0>14}"))
            })
    }

    /// The product a typed SKU (any case) or a typed or scanned product barcode (GTIN) names.
    pub(super) fn product_named(&mut self, raw: &str) -> DResult<Product> {
        let typed = raw.trim();
        if let Some(p) = self.store.product_by_sku(typed)? {
            return Ok(p);
        }
        let products = self.store.products()?;
        if let Some(p) = products.iter().find(|p| p.sku.eq_ignore_ascii_case(typed)) {
            return Ok(p.clone());
        }
        let gtin = self.gtin_named(raw, false);
        match gtin.and_then(|g| {
            products
                .into_iter()
                .find(|p| p.gtin.as_deref() == Some(g.as_str()))
        }) {
            Some(p) => Ok(p),
            None => refuse(
                RefusalKind::Unknown,
                format!(
                    "No product {}: type its SKU or scan its barcode",
                    crate::domain::limits::quoted(typed)
                ),
            ),
        }
    }

    pub(super) fn product_by_id(&mut self, id: ProductId) -> DResult<Option<Product>> {
        if let Some(p) = self.product_ids.get(&id) {
            return Ok(Some(p.clone()));
        }
        let p = self.store.product(id)?;
        if let Some(p) = &p {
            self.product_ids.insert(id, p.clone());
        }
        Ok(p)
    }

    fn party(&mut self, name: &str) -> DResult<Option<Party>> {
        let key = Party::name_key(name);
        if let Some(p) = self.parties.get(&key) {
            return Ok(Some(p.clone()));
        }
        let p = self.store.party_by_name(name)?;
        if let Some(p) = &p {
            self.parties.insert(key, p.clone());
        }
        Ok(p)
    }

    pub(super) fn location_exists(&mut self, code: &str) -> DResult<bool> {
        if self.locations.contains(code) {
            return Ok(true);
        }
        let found = self.store.location(code)?.is_some();
        if found {
            self.locations.insert(code.to_string());
        }
        Ok(found)
    }

    fn unit(&mut self, product: ProductId, serial: &SerialKey) -> DResult<Option<Unit>> {
        let key = (product, serial.clone());
        if let Some(u) = self.units.get(&key) {
            return Ok(Some(u.clone()));
        }
        let Some(stored) = self.store.unit_with_history(product, serial)? else {
            return Ok(None);
        };
        let moved = stored
            .history
            .iter()
            .filter(|h| matches!(h.kind, HistoryKind::Document(k) if k != DocKind::Correction))
            .map(|h| (h.date, h.document.clone()))
            .max_by_key(|(date, _)| *date);
        if let Some(moved) = moved {
            self.last_moved.entry(key).or_insert(moved);
        }
        Ok(Some(stored.unit))
    }

    /// A document may not move a unit before the unit's previous movement (read by
    /// [`Draft::unit`] just before).
    fn check_movement_date(
        &self,
        doc: &Document,
        product: ProductId,
        serial: &SerialKey,
    ) -> DResult<()> {
        if let Some((date, number)) = self.last_moved.get(&(product, serial.clone())) {
            if doc.date < *date {
                return refuse(
                    RefusalKind::Conflict,
                    format!(
                        "SN \"{serial}\" last moved on {date} ({number}): expected a {} dated on or after it, found {}",
                        doc.kind.as_str(),
                        doc.date
                    ),
                );
            }
        }
        Ok(())
    }

    /// Units with this serial under other products (for globally unique serials such as IMEIs).
    pub(super) fn units_elsewhere(
        &mut self,
        product: ProductId,
        serial: &SerialKey,
    ) -> DResult<Vec<Unit>> {
        let mut ids: HashSet<ProductId> = self
            .store
            .units_with_serial(serial)?
            .into_iter()
            .map(|s| s.unit.product)
            .collect();
        if let Some(extra) = self.serials.get(serial) {
            ids.extend(extra.iter().copied());
        }
        let mut out = Vec::new();
        for id in ids.into_iter().filter(|id| *id != product) {
            if let Some(u) = self.unit(id, serial)? {
                out.push(u);
            }
        }
        Ok(out)
    }

    fn customer_qty(&mut self, party: PartyId, product: ProductId) -> DResult<i64> {
        if let Some(q) = self.customer_qty.get(&(party, product)) {
            return Ok(*q);
        }
        Ok(self.store.customer_qty(party, product)?)
    }

    fn qty(&mut self, location: &str, product: ProductId) -> DResult<i64> {
        let key = (location.to_string(), product);
        if let Some(q) = self.qty.get(&key) {
            return Ok(*q);
        }
        Ok(self.store.qty(location, product)?)
    }

    pub(super) fn location_code(&mut self, raw: &str, role: &str) -> DResult<String> {
        let code = Location::normalize_code(raw).map_err(invalid)?;
        if !self.location_exists(&code)? {
            return Err(refusals::unknown_location(role, &code).into());
        }
        Ok(code)
    }

    // ---- master data ----

    fn add_product(&mut self, p: NewProduct) -> DResult<Outcome> {
        let sku = p.sku.trim().to_string();
        if sku.is_empty()
            || sku.len() > 40
            || sku.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "expected a SKU of 1-40 characters without blanks, found \"{}\"",
                    p.sku
                ),
            );
        }
        if p.name.trim().is_empty() {
            return refuse(
                RefusalKind::Invalid,
                format!("product \"{sku}\" needs a name"),
            );
        }
        if self.products.contains_key(&sku) || self.store.product_by_sku(&sku)?.is_some() {
            return refuse(
                RefusalKind::Conflict,
                format!("product \"{sku}\" exists already"),
            );
        }
        let gtin = match p.gtin.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(g) => {
                let digits_ok =
                    g.bytes().all(|b| b.is_ascii_digit()) && matches!(g.len(), 8 | 12 | 13 | 14);
                if !digits_ok || !crate::domain::scan::gtin_check_digit_ok(g) {
                    return refuse(RefusalKind::Invalid, format!(
                        "expected a GTIN of 8, 12, 13 or 14 digits with a valid check digit, found \"{g}\""
                    ));
                }
                Some(format!("{g:0>14}"))
            }
        };
        let product = Product {
            id: ProductId(self.next_product),
            sku: sku.clone(),
            name: p.name.trim().to_string(),
            gtin,
            category: p.category.trim().to_string(),
            tracking: p.tracking,
            serial_format: p.serial_format,
            warranty: p.warranty,
            fold_case: p.fold_case,
            warranty_basis: crate::domain::warranty::StartBasis::Sale,
            replacement_policy: crate::domain::warranty::ReplacementPolicy::Remaining,
        };
        self.next_product += 1;
        self.products.insert(sku, product.clone());
        self.product_ids.insert(product.id, product.clone());
        self.events.push(Event::ProductAdded(product.clone()));
        Ok(Outcome::ProductAdded(product))
    }

    fn add_location(&mut self, raw: &str, name: &str) -> DResult<Outcome> {
        let code = Location::normalize_code(raw).map_err(invalid)?;
        if self.location_exists(&code)? {
            return refuse(
                RefusalKind::Conflict,
                format!("location \"{code}\" exists already"),
            );
        }
        let mut created = Vec::new();
        for ancestor in Location::ancestors(&code) {
            if !self.location_exists(&ancestor)? {
                self.push_location(&ancestor, "");
                created.push(ancestor);
            }
        }
        self.push_location(&code, name.trim());
        created.push(code);
        Ok(Outcome::LocationAdded(created))
    }

    fn push_location(&mut self, code: &str, name: &str) {
        self.locations.insert(code.to_string());
        self.events.push(Event::LocationAdded(Location {
            code: code.to_string(),
            name: name.to_string(),
        }));
    }

    fn add_party(&mut self, p: NewParty) -> DResult<Outcome> {
        let name = p.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return refuse(
                RefusalKind::Invalid,
                "expected a party name, found an empty one",
            );
        }
        if self.party(&name)?.is_some() {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "party {} exists already",
                    crate::domain::limits::quoted(&name)
                ),
            );
        }
        let party = Party {
            id: PartyId(self.next_party),
            name,
            role: p.role,
            bill_to: p.bill_to.trim().to_string(),
            ship_to: p.ship_to.trim().to_string(),
        };
        self.next_party += 1;
        self.parties
            .insert(Party::name_key(&party.name), party.clone());
        self.party_names.insert(party.id, party.name.clone());
        self.events.push(Event::PartyAdded(party.clone()));
        Ok(Outcome::PartyAdded(party))
    }

    // ---- documents ----

    fn post(&mut self, mut req: DocRequest) -> DResult<Outcome> {
        if matches!(req.kind, DocKind::FoundStock | DocKind::Correction) {
            return Err(refusals::made_by_counts(req.kind.as_str()).into());
        }
        // A receipt without a location goes to the receiving area, made on first use.
        if req.kind == DocKind::Receipt && req.to.is_none() {
            if !self.location_exists(DEFAULT_RECEIVING)? {
                self.add_location(DEFAULT_RECEIVING, "Receiving")?;
            }
            req.to = Some(DEFAULT_RECEIVING.to_string());
        }
        for line in &mut req.lines {
            self.read_line_scan(line)?;
        }
        let (doc, warnings) = self.document(req)?;
        let outcome = Outcome::Posted {
            document: doc.number.clone(),
            kind: doc.kind,
            lines: doc.lines.len(),
            warnings,
        };
        self.events.push(Event::DocumentPosted(doc));
        Ok(outcome)
    }

    /// A scan as the service reads every scan: decoded (GS1 (21), an IMEI or the text), its
    /// serial of the site's characters only, and the product its label's GTIN names. A misread
    /// is a bad-scan refusal.
    pub(super) fn read_scan(&mut self, raw: &str) -> DResult<(String, Option<Product>)> {
        let bad = |message: String| {
            DraftError::Refused(Refusal::new(RefusalKind::BadScan, message).about(raw.trim()))
        };
        let decoded =
            crate::domain::scan::decode(raw, &self.scan).map_err(|e| bad(e.to_string()))?;
        let Some(key) = decoded.key().map(str::to_string) else {
            return Err(bad(format!(
                "{} carries no serial: rescan",
                crate::domain::limits::quoted(raw.trim())
            )));
        };
        self.scan.serial_chars.check(&key).map_err(bad)?;
        let label = match &decoded.gtin {
            Some(g) => self.store.product_by_gtin(g)?,
            None => None,
        };
        Ok((key, label))
    }

    /// A line's serial as scanned or typed becomes the serial it stands for: GS1 (21), an
    /// IMEI, or the text. A label's GTIN names the product when the line names none and must
    /// match it when it does; the serial may hold only the site's characters.
    fn read_line_scan(&mut self, line: &mut LineRequest) -> DResult<()> {
        let Some(raw) = line.serial.clone() else {
            return Ok(());
        };
        let (key, label) = self.read_scan(&raw)?;
        if let Some(label) = label {
            if line.sku.trim().is_empty() {
                line.sku = label.sku.clone();
            }
            let named = self.line_product(line)?;
            if named.id != label.id {
                return Err(DraftError::Refused(label_mismatch(
                    &label, &key, &named.sku,
                )));
            }
        }
        line.serial = Some(key);
        Ok(())
    }

    /// Validates a document request and numbers it; its lines enter the overlay. The caller
    /// journals it (as a posting, or inside a count's resolution).
    pub(super) fn document(&mut self, req: DocRequest) -> DResult<(Document, Vec<Warning>)> {
        if req.lines.is_empty() {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "a {} needs at least one serial or quantity",
                    req.kind.as_str()
                ),
            );
        }
        let date = req.date.unwrap_or(self.today);
        if date > self.today {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "expected a date on or before today ({}), found \"{date}\"",
                    self.today
                ),
            );
        }
        let party = self.doc_party(&req)?;
        let (from, to) = self.doc_locations(&req)?;
        let reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if req.kind == DocKind::WriteOff && reason.is_none() {
            return refuse(RefusalKind::Invalid, "a write-off needs a reason");
        }
        let invoice = req
            .invoice
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if matches!(req.kind, DocKind::Receipt | DocKind::Sale) && invoice.is_none() {
            return refuse(
                RefusalKind::Invalid,
                format!("a {} needs an invoice number", req.kind.as_str()),
            );
        }
        self.check_declared_qty(&req)?;
        let mut warnings: Vec<Warning> = Vec::new();
        let mut doc = Document {
            number: DocNo(String::new()),
            kind: req.kind,
            date,
            party: party.as_ref().map(|p| p.id),
            invoice,
            from,
            to,
            reason: reason.map(str::to_string),
            // A document-wide warning came from a declared quantity accepted in soft mode;
            // that is refused now, so only lines carry warnings.
            warning: None,
            lines: Vec::with_capacity(req.lines.len()),
        };
        let mut scratch = DocScratch::default();
        let mut problems: Vec<(usize, Refusal)> = Vec::new();
        for (index, line) in req.lines.iter().enumerate() {
            match self.doc_line(&doc, line, reason, &mut scratch) {
                Ok(l) => {
                    if let Some(w) = &l.warning {
                        warnings.push(w.clone());
                    }
                    doc.lines.push(l);
                }
                Err(DraftError::Refused(m)) => problems.push((index, m)),
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            return Err(DraftError::Lines(problems));
        }
        doc.number = self.next_number(req.kind, date);
        for line in &doc.lines {
            self.apply_line_to_overlay(&doc, line)?;
        }
        Ok((doc, warnings))
    }

    pub(super) fn next_number(&mut self, kind: DocKind, date: Day) -> DocNo {
        let n = self
            .counters
            .entry(format!("{}-{}", kind.prefix(), date.year()))
            .or_insert(0);
        *n += 1;
        kind.number(date.year(), *n)
    }

    fn doc_party(&mut self, req: &DocRequest) -> DResult<Option<Party>> {
        let role = match req.kind {
            DocKind::Receipt => "supplier",
            DocKind::Sale | DocKind::Return => "customer",
            DocKind::Transfer | DocKind::WriteOff | DocKind::FoundStock | DocKind::Correction => {
                return Ok(None)
            }
        };
        let Some(name) = req
            .party
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return refuse(
                RefusalKind::Invalid,
                format!("a {} needs a {role}", req.kind.as_str()),
            );
        };
        let Some(party) = self.party(name)? else {
            return Err(refusals::unknown_party(role, name).into());
        };
        let fits = if role == "supplier" {
            party.role.is_supplier()
        } else {
            party.role.is_customer()
        };
        if !fits {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "{} is a {}, not a {role}",
                    crate::domain::limits::quoted(&party.name),
                    party.role.as_str()
                ),
            );
        }
        self.party_names.insert(party.id, party.name.clone());
        Ok(Some(party))
    }

    fn doc_locations(&mut self, req: &DocRequest) -> DResult<(Option<String>, Option<String>)> {
        let from = match req.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(f) => Some(self.location_code(f, "source")?),
            None => None,
        };
        let to = match req.to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) => Some(self.location_code(t, "target")?),
            None => None,
        };
        let needs_to = matches!(
            req.kind,
            DocKind::Receipt | DocKind::Return | DocKind::Transfer
        );
        if needs_to && to.is_none() {
            return refuse(
                RefusalKind::Invalid,
                format!("a {} needs a target location", req.kind.as_str()),
            );
        }
        if req.kind == DocKind::Transfer && from.is_none() {
            return refuse(RefusalKind::Invalid, "a transfer needs a source location");
        }
        if req.kind == DocKind::Transfer && from == to {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "a transfer needs two different locations, found \"{}\" twice",
                    to.unwrap_or_default()
                ),
            );
        }
        Ok((from, to))
    }

    /// The quantity a clerk declared must equal the serials given, on every flow: a unit
    /// without its serial cannot be kept (strict mode: a tracking refusal; soft mode too,
    /// since the missing units would be silently dropped).
    fn check_declared_qty(&mut self, req: &DocRequest) -> DResult<()> {
        let Some(declared) = req.declared_qty else {
            return Ok(());
        };
        let serials = req.lines.iter().filter(|l| l.serial.is_some()).count();
        if serials == 0 || serials as u32 == declared {
            return Ok(());
        }
        let Some(first) = req.lines.first() else {
            return Ok(());
        };
        let product = self.line_product(first)?;
        let flow = match req.kind {
            DocKind::Receipt | DocKind::FoundStock => Flow::Receipt,
            DocKind::Sale => Flow::Sale,
            DocKind::Return => Flow::Return,
            _ => Flow::Transfer,
        };
        let kind = if product.tracking.for_flow(flow) == crate::domain::Mode::Strict {
            RefusalKind::Tracking
        } else {
            RefusalKind::Invalid
        };
        refuse(
            kind,
            format!(
                "quantity is {declared} but {serials} serials were given for \"{}\": give every serial or --qty {serials}",
                product.sku
            ),
        )
    }

    fn doc_line(
        &mut self,
        doc: &Document,
        line: &LineRequest,
        reason: Option<&str>,
        scratch: &mut DocScratch,
    ) -> DResult<DocLine> {
        let product = self.line_product(line)?;
        if let Some(amount) = line.amount {
            if amount.0 < 0 {
                return refuse(
                    RefusalKind::Invalid,
                    format!("expected an amount of 0 or more, found \"{amount}\""),
                );
            }
        }
        let amount = match doc.kind {
            DocKind::Receipt | DocKind::Sale => line.amount,
            _ => None,
        };
        if !product.tracking.serialised() {
            return self.qty_line(doc, &product, line, amount, scratch);
        }
        let Some(raw) = line.serial.as_deref() else {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "product \"{}\" is tracked by serial: expected serials, found a quantity",
                    product.sku
                ),
            );
        };
        let serial = product.serial_key(raw).map_err(invalid)?;
        if product.globally_unique_serials() {
            if let Some(other) = scratch.global.insert(serial.clone(), product.sku.clone()) {
                if other != product.sku {
                    return refuse(RefusalKind::Invalid, format!(
                        "SN \"{serial}\" appears twice in this {} (as products {other} and {}; IMEIs are unique across products)",
                        doc.kind.as_str(),
                        product.sku
                    ));
                }
            }
        }
        if !scratch.seen.insert((product.id, serial.clone())) {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "SN \"{serial}\" appears twice in this {}",
                    doc.kind.as_str()
                ),
            );
        }
        let unit = self.unit(product.id, &serial)?;
        if doc.kind != DocKind::Correction {
            self.check_movement_date(doc, product.id, &serial)?;
        }
        let names = DraftNames(&self.party_names, self.store);
        let (flow, problem) = match doc.kind {
            DocKind::Receipt | DocKind::FoundStock => {
                let mut problem = rules::receipt_problem(&serial, unit.as_ref(), &names);
                if problem.is_none() && product.globally_unique_serials() {
                    for other in self.units_elsewhere(product.id, &serial)? {
                        let names = DraftNames(&self.party_names, self.store);
                        if let Some(p) = rules::receipt_problem(&serial, Some(&other), &names) {
                            let sku = self
                                .product_by_id(other.product)?
                                .map(|p| p.sku)
                                .unwrap_or_default();
                            problem = Some(format!(
                                "{p} (as product {sku}; IMEIs are unique across products)"
                            ));
                            break;
                        }
                    }
                }
                (Flow::Receipt, problem)
            }
            DocKind::Sale => (
                Flow::Sale,
                rules::sale_problem(&serial, unit.as_ref(), doc.from.as_deref(), &names),
            ),
            DocKind::Return => {
                let customer = doc.party.unwrap_or(PartyId(0));
                (
                    Flow::Return,
                    rules::return_problem(&serial, unit.as_ref(), customer, &names),
                )
            }
            DocKind::Transfer => (
                Flow::Transfer,
                rules::transfer_problem(&serial, unit.as_ref(), doc.from.as_deref(), &names),
            ),
            DocKind::Correction => {
                return refuse(
                    RefusalKind::Invalid,
                    "a correction has no lines of its own to check",
                );
            }
            DocKind::WriteOff => (
                Flow::Transfer,
                rules::write_off_problem(&serial, unit.as_ref(), doc.from.as_deref(), &names),
            ),
        };
        let mode = product.tracking.for_flow(flow);
        let warning = rules::judge(mode, problem, reason).map_err(|m| {
            DraftError::Refused(Refusal::new(RefusalKind::Tracking, m).about(serial.to_string()))
        })?;
        Ok(DocLine {
            product: product.id,
            serial: Some(serial),
            qty: 1,
            amount,
            warning,
        })
    }

    fn qty_line(
        &mut self,
        doc: &Document,
        product: &Product,
        line: &LineRequest,
        amount: Option<crate::domain::Money>,
        scratch: &mut DocScratch,
    ) -> DResult<DocLine> {
        if line.serial.is_some() {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "product \"{}\" is not tracked by serial: expected a quantity, found a serial",
                    product.sku
                ),
            );
        }
        if line.qty == 0 {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "expected a quantity of 1 or more for \"{}\", found 0",
                    product.sku
                ),
            );
        }
        if matches!(
            doc.kind,
            DocKind::Sale | DocKind::WriteOff | DocKind::Transfer
        ) {
            let Some(from) = doc.from.clone() else {
                return refuse(
                    RefusalKind::Invalid,
                    format!(
                        "a {} of \"{}\" (counted by quantity) needs a source location",
                        doc.kind.as_str(),
                        product.sku
                    ),
                );
            };
            let taken = scratch.taken.entry((from.clone(), product.id)).or_insert(0);
            let have = self.qty(&from, product.id)? - *taken;
            if have < i64::from(line.qty) {
                return refuse(
                    RefusalKind::Conflict,
                    format!(
                        "expected at least {} of \"{}\" at {from}, found {have}",
                        line.qty, product.sku
                    ),
                );
            }
            *taken += i64::from(line.qty);
        }
        if doc.kind == DocKind::Return {
            // A customer returns at most what they bought from us and kept.
            let customer = doc.party.unwrap_or(PartyId(0));
            let returning = scratch.returning.entry(product.id).or_insert(0);
            let held = self.customer_qty(customer, product.id)? - *returning;
            if held < i64::from(line.qty) {
                let name = self
                    .party_names
                    .get(&customer)
                    .cloned()
                    .or(self.store.party(customer)?.map(|p| p.name))
                    .unwrap_or_default();
                return refuse(
                    RefusalKind::Conflict,
                    format!(
                        "{} holds {held} of \"{}\" bought from us: expected a return of at most {held}, found {}",
                        crate::domain::limits::quoted(&name),
                        product.sku,
                        line.qty
                    ),
                );
            }
            *returning += i64::from(line.qty);
        }
        Ok(DocLine {
            product: product.id,
            serial: None,
            qty: line.qty,
            amount,
            warning: None,
        })
    }

    fn apply_line_to_overlay(&mut self, doc: &Document, line: &DocLine) -> DResult<()> {
        match &line.serial {
            Some(serial) => {
                let before = self.unit(line.product, serial)?;
                let key = (line.product, serial.clone());
                let after = Unit::after_line(before, doc, line, serial);
                let moved = (doc.date, doc.number.clone());
                match self.last_moved.get(&key) {
                    Some((date, _)) if *date > doc.date => {}
                    _ => {
                        self.last_moved.insert(key.clone(), moved);
                    }
                }
                self.serials
                    .entry(serial.clone())
                    .or_default()
                    .insert(line.product);
                self.units.insert(key, after);
            }
            None => {
                let q = i64::from(line.qty);
                let (minus, plus) = doc.qty_flow();
                for (loc, delta) in [(minus, -q), (plus, q)] {
                    if let Some(loc) = loc.map(str::to_string) {
                        let now = self.qty(&loc, line.product)?;
                        self.qty.insert((loc, line.product), now + delta);
                    }
                }
                let held = match doc.kind {
                    DocKind::Sale => q,
                    DocKind::Return => -q,
                    _ => 0,
                };
                if let (Some(party), true) = (doc.party, held != 0) {
                    let now = self.customer_qty(party, line.product)?;
                    self.customer_qty.insert((party, line.product), now + held);
                }
            }
        }
        Ok(())
    }
}

/// What earlier lines of the document being validated already claim.
#[derive(Default)]
struct DocScratch {
    seen: HashSet<(ProductId, SerialKey)>,
    /// Globally unique serials (IMEIs) and the SKU of the line that has them.
    global: HashMap<SerialKey, String>,
    /// Quantities already taken from a location by earlier lines.
    taken: HashMap<(String, ProductId), i64>,
    /// Quantities already returned by earlier lines of a return.
    returning: HashMap<ProductId, i64>,
}

/// Party names for refusal messages: the draft's new parties first, then the store.
struct DraftNames<'a>(&'a HashMap<PartyId, String>, &'a Store);

impl Names for DraftNames<'_> {
    fn party_name(&self, id: PartyId) -> String {
        if let Some(n) = self.0.get(&id) {
            return n.clone();
        }
        match self.1.party(id) {
            Ok(Some(p)) => p.name,
            _ => format!("party #{}", id.0),
        }
    }
}
