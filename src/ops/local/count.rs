//! Counting: opening a count, judging each scan against the store, undoing a scan, and
//! moving a count through open -> review -> posted (or cancelled).

use super::draft::{label_mismatch, refuse, DResult, Draft, DraftError};
use super::types::{Command, NewCount, Outcome, ScanReport};
use super::types::{Refusal, RefusalKind};
use crate::domain::count::judge_unit;
use crate::domain::scan;
use crate::domain::{
    Count, CountId, CountScan, CountScope, CountStatus, DocKind, Event, Location, Product,
    ScanVerdict, SerialKey, Unit,
};
use crate::ops::api::refusals;

impl Draft<'_> {
    pub(super) fn count(&mut self, id: CountId) -> DResult<Count> {
        if let Some(c) = self.counts.get(&id) {
            return Ok(c.clone());
        }
        match self.store.count(id)? {
            Some(c) => {
                self.counts.insert(id, c.clone());
                Ok(c)
            }
            None => Err(refusals::no_such_count(id).into()),
        }
    }

    pub(super) fn open_count(&mut self, req: NewCount) -> DResult<Outcome> {
        let location = self.location_code(&req.location, "count")?;
        // Unnamed, a count is called by its scope and day: short enough for a handheld.
        let name = match req.name.trim() {
            "" => {
                let day = self.today.to_string();
                format!("{location} {}", day.get(5..).unwrap_or(&day))
            }
            given => given.to_string(),
        };
        let mut products = Vec::new();
        for sku in &req.skus {
            // A SKU in any case, or a product barcode scanned on the screen.
            // Unserialised products are counted by quantity.
            let p = self.product_named(sku)?;
            products.push(p.id);
        }
        let count = Count {
            id: CountId(self.next_count),
            name,
            scope: CountScope {
                location,
                products,
                categories: req
                    .categories
                    .iter()
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect(),
            },
            blind: req.blind,
            status: CountStatus::Open,
            opened_by: self.actor.clone(),
            opened_at_ms: self.now_ms,
            opened_seq: self.store.meta()?.applied_seq + 1,
            scans: 0,
            live: 0,
            counters: Vec::new(),
            resolutions: 0,
        };
        self.next_count += 1;
        self.counts.insert(count.id, count.clone());
        self.events.push(Event::CountOpened(count.clone()));
        Ok(Outcome::CountOpened(count))
    }

    pub(super) fn move_count(&mut self, id: CountId, to: CountStatus) -> DResult<Outcome> {
        self.move_count_to(id, to, false)
    }

    /// Moves a count; posting with `counted_bins_only` takes shortages from counted bins.
    fn move_count_to(
        &mut self,
        id: CountId,
        to: CountStatus,
        counted_bins_only: bool,
    ) -> DResult<Outcome> {
        let mut count = self.count(id)?;
        // Posting an open count closes it for review in the same entry, then posts it.
        if to == CountStatus::Posted && count.status == CountStatus::Open {
            self.move_count(id, CountStatus::Review)?;
            count = self.count(id)?;
        }
        if count.status == to {
            return refuse(
                RefusalKind::Conflict,
                format!("count {id} is {} already", to.describe()),
            );
        }
        if !count.status.can_move_to(to) {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "count {id} is {}: it cannot become {}",
                    count.status.describe(),
                    to.as_str()
                ),
            );
        }
        let frozen = if to == CountStatus::Posted {
            Some(self.check_postable(id, counted_bins_only)?)
        } else {
            None
        };
        count.status = to;
        self.counts.insert(id, count.clone());
        self.events.push(Event::CountStatusChanged {
            count: id,
            status: to,
        });
        if let Some(report) = frozen {
            self.events.push(Event::CountFrozen { count: id, report });
            self.adjust_quantities(id, counted_bins_only)?;
        }
        Ok(Outcome::CountMoved(count))
    }

    /// Posts a count; with `counted_bins_only` its shortages are those of its counted bins.
    pub(super) fn post_count(&mut self, id: CountId, counted_bins_only: bool) -> DResult<Outcome> {
        if !counted_bins_only {
            return self.move_count(id, CountStatus::Posted);
        }
        if self.store.counted_bins(id)?.is_empty() {
            return Err(refusals::no_counted_bin(id).into());
        }
        let outcome = self.move_count_to(id, CountStatus::Posted, true)?;
        self.events.push(Event::PostedCountedBins { count: id });
        Ok(outcome)
    }

    /// An unserialised product the raw text names (SKU in any case, or its barcode), if any:
    /// such a scan asks for a quantity instead of being a serial.
    fn quantity_product(&mut self, raw: &str) -> DResult<Option<crate::domain::Product>> {
        let typed = raw.trim();
        let by_sku = match self.store.product_by_sku(typed)? {
            Some(p) => Some(p),
            None => self.store.product_by_sku(&typed.to_uppercase())?,
        };
        let product = match by_sku {
            Some(p) => Some(p),
            // A product barcode alone: a GTIN and no serial.
            None => match self.gtin_named(raw, true) {
                Some(g) => self.store.product_by_gtin(&g)?,
                None => None,
            },
        };
        Ok(product.filter(|p| !p.tracking.serialised()))
    }

    /// A quantity of an unserialised product counted at a location of the open count.
    pub(super) fn count_qty(
        &mut self,
        id: CountId,
        location: &str,
        product: &str,
        qty: i32,
    ) -> DResult<Outcome> {
        let count = self.open_for_scanning(id)?;
        let location = self.location_in_scope(&count, location, "count")?;
        let p = self.product_named(product)?;
        if p.tracking.serialised() {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "product \"{}\" is counted by serial: scan each serial",
                    p.sku
                ),
            );
        }
        if !count.scope.covers_qty_product(&p) {
            return refuse(
                RefusalKind::OutOfScope,
                format!("product \"{}\" is not in count {id}", p.sku),
            );
        }
        if qty == 0 {
            // The same words as any line that is no quantity (one reader for every client).
            return Err(DraftError::Refused(
                crate::ops::api::count_input::not_a_quantity(&p.sku, "0"),
            ));
        }
        let before = self
            .store
            .counted_qty(id)?
            .into_iter()
            .find(|c| c.location == location && c.product == p.id)
            .map_or(0, |c| c.qty);
        if i64::try_from(before).unwrap_or(i64::MAX) + i64::from(qty) < 0 {
            return refuse(
                RefusalKind::Invalid,
                format!(
                    "{qty} of \"{}\" takes back more than the {before} counted at {location}",
                    p.sku
                ),
            );
        }
        let expected = match count.blind {
            true => None,
            false => Some(self.store.qty(&location, p.id)?),
        };
        self.events
            .push(Event::CountQtyAdded(crate::domain::count::CountQty {
                count: id,
                location: location.clone(),
                product: p.id,
                qty,
                counter: self.actor.clone(),
                at_ms: self.now_ms,
            }));
        Ok(Outcome::QtyCounted {
            count: id,
            location,
            sku: p.sku,
            qty,
            counted: before.saturating_add_signed(i64::from(qty)),
            expected,
        })
    }

    /// Posting adjusts the books to what was counted of unserialised products: a write-off
    /// of what is short, a found-stock receipt of what is over, one document per location
    /// and product; the differences are kept for the report.
    fn adjust_quantities(&mut self, id: CountId, counted_bins_only: bool) -> DResult<()> {
        let count = self.count(id)?;
        let mut rows = super::reconcile::qty_mismatches(self.store, &count)?;
        if counted_bins_only {
            let bins = self.store.counted_bin_locations(id)?;
            rows.retain(|r| bins.contains(&r.location));
        }
        for r in &rows {
            let Some(p) = self.product_by_id(r.product)? else {
                continue;
            };
            let diff = r.difference();
            let n = u32::try_from(diff.unsigned_abs()).unwrap_or(u32::MAX);
            let (kind, from, to) = if diff < 0 {
                (DocKind::WriteOff, Some(r.location.clone()), None)
            } else {
                (DocKind::FoundStock, None, Some(r.location.clone()))
            };
            let line = super::LineRequest {
                sku: p.sku.clone(),
                serial: None,
                qty: n,
                amount: None,
            };
            let reason = format!(
                "count {id}: counted {} of {} at {}",
                r.counted, r.expected, r.location
            );
            let req = super::resolve::count_document(kind, line, from, to, reason);
            let (doc, _) = self.document(req)?;
            self.events.push(Event::DocumentPosted(doc));
        }
        self.events.push(Event::CountQtyFrozen { count: id, rows });
        Ok(())
    }

    /// The acting counter finished a bin: it must be a location in the open count's scope.
    pub(super) fn finish_bin(&mut self, id: CountId, location: &str) -> DResult<Outcome> {
        let count = self.open_for_scanning(id)?;
        let location = self.location_in_scope(&count, location, "bin")?;
        let mut bins = self.store.counted_bins(id)?;
        let bin = crate::domain::count::CountedBin {
            count: id,
            location: location.clone(),
            counter: self.actor.clone(),
            at_ms: self.now_ms,
        };
        if !bins.iter().any(|b| b.location == location) {
            bins.push(bin.clone());
        }
        self.events.push(Event::BinCounted(bin));
        Ok(Outcome::BinCounted {
            count: id,
            location,
            bins: bins.len() as u32,
        })
    }

    /// A location code of the count's scope, or the refusal that says where the scope is.
    fn location_in_scope(&mut self, count: &Count, location: &str, what: &str) -> DResult<String> {
        let location = self.location_code(location, what)?;
        if !count.scope.covers_location(&location) {
            return refuse(
                RefusalKind::OutOfScope,
                format!(
                    "location {location} is outside count {}'s scope {}",
                    count.id, count.scope.location
                ),
            );
        }
        Ok(location)
    }

    fn open_for_scanning(&mut self, id: CountId) -> DResult<Count> {
        let count = self.count(id)?;
        if count.status != CountStatus::Open {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "count {id} is {}, not open: reopen it to scan",
                    count.status.describe()
                ),
            );
        }
        Ok(count)
    }

    /// A command with its client's key. A count scan recorded with this key before is
    /// answered from its record (nothing new is written); a new one is recorded with the key.
    /// Location labels and refusals record nothing, so sending them again is harmless.
    pub(super) fn keyed(&mut self, key: String, command: Command) -> DResult<Outcome> {
        let Command::CountScan { count: id, .. } = &command else {
            return refuse(
                RefusalKind::Invalid,
                "only a count scan can be sent with a key",
            );
        };
        let id = *id;
        let known = match self.scan_keys.get(&(id, key.clone())) {
            Some(n) => Some(*n),
            None => self.store.scan_by_key(id, &key)?,
        };
        if let Some(number) = known {
            return self.recorded_scan(id, number);
        }
        let outcome = self.single(command)?;
        if let Outcome::Scanned(report) = &outcome {
            let number = report.scan.number;
            self.scan_keys.insert((id, key.clone()), number);
            self.events.push(Event::ScanKeyed {
                count: id,
                number,
                key,
            });
        }
        Ok(outcome)
    }

    /// The answer a recorded scan was given, made again from its record.
    fn recorded_scan(&mut self, id: CountId, number: u32) -> DResult<Outcome> {
        let Some(scan) = self.store.count_scan(id, number)? else {
            return Err(DraftError::Failed(format!(
                "count {id} has no scan {number}, though a key names it"
            )));
        };
        let sku = match scan.product {
            Some(p) => self.product_by_id(p)?.map(|p| p.sku),
            None => None,
        };
        let first = match scan.verdict {
            ScanVerdict::Duplicate { first } => self.store.count_scan(id, first)?,
            _ => None,
        };
        Ok(Outcome::Scanned(ScanReport {
            scan,
            sku,
            first,
            figures: None,
            customer: None,
            words: None,
        }))
    }

    /// One input of the scan loop: a location label moves the counter (nothing recorded);
    /// anything else is a scan at the counter's location.
    pub(super) fn count_input(
        &mut self,
        id: CountId,
        location: Option<&str>,
        raw: &str,
        label_only: bool,
    ) -> DResult<Outcome> {
        if let Some(code) = is_location_label(self.store, raw)? {
            let count = self.open_for_scanning(id)?;
            if !count.scope.covers_location(&code) {
                return Err(DraftError::Refused(
                    Refusal::new(
                        RefusalKind::OutOfScope,
                        format!("outside count {id} ({})", count.scope.location),
                    )
                    .about(code),
                ));
            }
            return Ok(Outcome::LocationSet {
                code,
                figures: super::Figures::default(),
            });
        }
        if label_only {
            return refuse(
                RefusalKind::Location,
                format!(
                    "expected a location label, found {}",
                    crate::domain::limits::quoted(raw.trim())
                ),
            );
        }
        let Some(location) = location else {
            return refuse(
                RefusalKind::Location,
                format!(
                    "scan a location label first (found {})",
                    crate::domain::limits::quoted(raw.trim())
                ),
            );
        };
        // A product counted by quantity: its SKU or barcode asks how many.
        if let Some(p) = self.quantity_product(raw)? {
            self.open_for_scanning(id)?;
            return Ok(Outcome::AskQty { sku: p.sku });
        }
        self.count_scan(id, location, raw)
    }

    /// Judges one scan at `location` and records it (bad scans are refused, nothing recorded).
    pub(super) fn count_scan(
        &mut self,
        id: CountId,
        location: &str,
        raw: &str,
    ) -> DResult<Outcome> {
        let mut count = self.open_for_scanning(id)?;
        let location = self.location_code(location, "scan")?;
        if !count.scope.covers_location(&location) {
            return refuse(
                RefusalKind::OutOfScope,
                format!(
                    "location {location} is outside count {id}'s scope {}",
                    count.scope.location
                ),
            );
        }
        let (key, label_product) = self.read_scan(raw)?;
        let (unit, product) = self.match_unit(&count, &key, label_product.as_ref())?;
        let serial = match &product {
            Some(p) => p.serial_key(&key).map_err(|e| {
                DraftError::Refused(
                    Refusal::new(RefusalKind::BadScan, e.to_string()).about(raw.trim()),
                )
            })?,
            None => self.unknown_serial(&count, &key)?,
        };
        let first = match self.count_serials.get(&(id, serial.clone())) {
            Some(n) => Some(*n),
            None => self.store.count_serial(id, &serial)?,
        };
        let verdict = match (first, &unit, &product) {
            (Some(first), _, _) => ScanVerdict::Duplicate { first },
            (None, Some(u), Some(p)) => {
                judge_unit(u, &location, count.scope.covers_product(p), &p.sku)
            }
            _ => ScanVerdict::Unknown,
        };
        let scan = CountScan {
            count: id,
            number: count.scans + 1,
            serial: serial.clone(),
            product: unit
                .as_ref()
                .map(|u| u.product)
                .or(product.as_ref().map(|p| p.id)),
            location,
            counter: self.actor.clone(),
            at_ms: self.now_ms,
            verdict,
            undone: false,
        };
        count.scans += 1;
        if !matches!(scan.verdict, ScanVerdict::Duplicate { .. }) {
            count.live += 1;
            self.count_serials.insert((id, serial), scan.number);
        }
        if !count.counters.contains(&scan.counter) {
            count.counters.push(scan.counter.clone());
        }
        self.counts.insert(id, count);
        let first_scan = match first {
            Some(n) => self.store.count_scan(id, n)?,
            None => None,
        };
        self.events.push(Event::CountScanned(scan.clone()));
        Ok(Outcome::Scanned(ScanReport {
            scan,
            sku: product.map(|p| p.sku),
            first: first_scan,
            figures: None,
            customer: None,
            words: None,
        }))
    }

    /// The key of a serial no unit has: it must fit the format of a product the count covers
    /// (a 15-digit number that fails the IMEI check digit is a misread when phones are counted).
    fn unknown_serial(&mut self, count: &Count, key: &str) -> DResult<SerialKey> {
        let bad = |e: String| DraftError::Refused(Refusal::new(RefusalKind::BadScan, e).about(key));
        let serial = SerialKey::normalize(key, true).map_err(bad)?;
        let covered: Vec<Product> = self
            .store
            .products()?
            .into_iter()
            .filter(|p| count.scope.covers_product(p))
            .collect();
        let looks_like_imei = key.len() == 15 && key.bytes().all(|b| b.is_ascii_digit());
        if looks_like_imei
            && !scan::is_imei(key)
            && covered.iter().any(|p| p.globally_unique_serials())
        {
            return Err(bad(format!(
                "IMEI {} fails its check digit: rescan",
                crate::domain::limits::quoted(key)
            )));
        }
        if !covered.is_empty() && !covered.iter().any(|p| p.serial_key(key).is_ok()) {
            return Err(bad(format!(
                "{} fits the serial format of no product in this count: rescan",
                crate::domain::limits::quoted(key)
            )));
        }
        Ok(serial)
    }

    /// The unit a scanned serial stands for and its product. A GTIN on the label picks the
    /// product; a serial several products share is resolved by the count's scope, or refused.
    fn match_unit(
        &mut self,
        count: &Count,
        key: &str,
        label: Option<&Product>,
    ) -> DResult<(Option<Unit>, Option<Product>)> {
        let mut units: Vec<Unit> = self.units_named(key)?;
        if let Some(label) = label {
            if let Some(u) = units.iter().find(|u| u.product == label.id) {
                return Ok((Some(u.clone()), Some(label.clone())));
            }
            // The label names one product, the serial belongs to another: a wrong label or
            // a misread, never a unit to count.
            if let Some(u) = units.into_iter().next() {
                let sku = self
                    .product_by_id(u.product)?
                    .map(|p| p.sku)
                    .unwrap_or_default();
                return Err(DraftError::Refused(label_mismatch(label, key, &sku)));
            }
            return Ok((None, Some(label.clone())));
        }
        if units.len() > 1 {
            let mut in_scope = Vec::new();
            for u in &units {
                if let Some(p) = self.product_by_id(u.product)? {
                    if count.scope.covers_product(&p) {
                        in_scope.push((u.clone(), p));
                    }
                }
            }
            if in_scope.len() == 1 {
                let (u, p) = in_scope.remove(0);
                return Ok((Some(u), Some(p)));
            }
            let mut skus = Vec::new();
            for u in &units {
                if let Some(p) = self.product_by_id(u.product)? {
                    skus.push(p.sku);
                }
            }
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN {} belongs to several products ({}): scan the product label (GTIN) with it",
                    crate::domain::limits::quoted(key),
                    skus.join(", ")
                ),
            );
        }
        match units.pop() {
            Some(u) => {
                let p = self.product_by_id(u.product)?;
                Ok((Some(u), p))
            }
            None => Ok((None, None)),
        }
    }

    /// Takes back the acting counter's last scan that is still live.
    pub(super) fn undo_last_scan(&mut self, id: CountId) -> DResult<Outcome> {
        let count = self.open_for_scanning(id)?;
        let mut number = count.scans;
        while number > 0 {
            if let Some(scan) = self.store.count_scan(id, number)? {
                if scan.counter == self.actor && !scan.undone {
                    let mut undone = scan.clone();
                    undone.undone = true;
                    let mut count = count;
                    if !matches!(scan.verdict, ScanVerdict::Duplicate { .. }) {
                        count.live = count.live.saturating_sub(1);
                        self.count_serials.remove(&(id, scan.serial.clone()));
                    }
                    self.counts.insert(id, count);
                    self.events
                        .push(Event::CountScanUndone { count: id, number });
                    let sku = match undone.product {
                        Some(p) => self.product_by_id(p)?.map(|p| p.sku),
                        None => None,
                    };
                    return Ok(Outcome::ScanUndone {
                        scan: undone,
                        sku,
                        figures: None,
                    });
                }
            }
            number -= 1;
        }
        refuse(
            RefusalKind::Unknown,
            format!("{} has no scan to undo in count {id}", self.actor),
        )
    }
}

/// Whether a scanned text names a location of the store (a location label).
pub fn is_location_label(
    store: &crate::store::Store,
    raw: &str,
) -> Result<Option<String>, crate::store::StoreError> {
    match Location::normalize_code(raw) {
        Ok(code) => Ok(store.location(&code)?.map(|l| l.code)),
        Err(_) => Ok(None),
    }
}
