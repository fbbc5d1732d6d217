//! Resolving a count's mismatches: replace serial number, relocate, receive found stock,
//! write off, accept; undoing a resolution; posting a count.

use super::draft::{refuse, DResult, Draft, DraftError};
use super::reconcile;
use super::types::{DocRequest, LineRequest, Outcome, ResolveAction};
use super::types::{Refusal, RefusalKind};
use crate::domain::{
    CountId, CountScan, DocKind, DocLine, Document, Event, Resolution, SerialKey, Unit, UnitState,
};

impl Draft<'_> {
    /// The live scan of a serial in the count (tried as typed and upper-cased).
    fn live_scan(&mut self, id: CountId, raw: &str) -> DResult<CountScan> {
        for fold in [true, false] {
            let Ok(key) = SerialKey::normalize(raw, fold) else {
                continue;
            };
            if let Some(n) = self.store.count_serial(id, &key)? {
                if let Some(scan) = self.store.count_scan(id, n)? {
                    return Ok(scan);
                }
            }
        }
        refuse(
            RefusalKind::Unknown,
            format!(
                "SN {} was not counted in count {id}",
                crate::domain::limits::quoted(raw.trim())
            ),
        )
    }

    pub(super) fn units_named(&mut self, raw: &str) -> DResult<Vec<Unit>> {
        Ok(self
            .store
            .units_named(raw)?
            .into_iter()
            .map(|s| s.unit)
            .collect())
    }

    fn sku_of(&mut self, unit: &Unit) -> DResult<String> {
        Ok(self
            .product_by_id(unit.product)?
            .map(|p| p.sku)
            .unwrap_or_default())
    }

    fn resolvable(&mut self, id: CountId) -> DResult<crate::domain::Count> {
        let count = self.count(id)?;
        if !count.status.is_active() {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "count {id} is {}: its mismatches can no longer change",
                    count.status.describe()
                ),
            );
        }
        Ok(count)
    }

    /// Was the serial accepted as it is by a resolution of the count (not undone)? The
    /// accepted set is read once per draft and kept up to date by the draft's own accepts (a
    /// bulk fix checks a thousand rows against it).
    fn is_accepted(&mut self, id: CountId, serial: &SerialKey) -> DResult<bool> {
        if !self.accepted.contains_key(&id) {
            let set = reconcile::resolutions(self.store, id)
                .map_err(DraftError::from)?
                .into_iter()
                .filter(|r| !r.undone)
                .filter_map(|r| match r.resolution {
                    Resolution::Accept { serial, .. } => Some(serial),
                    _ => None,
                })
                .collect();
            self.accepted.insert(id, set);
        }
        Ok(self.accepted.get(&id).is_some_and(|s| s.contains(serial)))
    }

    /// Refuses a unit that is not an open shortage of the count now: it must be in stock in
    /// the count's scope, of a product the count covers, not counted (live) and not accepted.
    fn must_be_short(&mut self, count: &crate::domain::Count, unit: &Unit) -> DResult<()> {
        let id = count.id;
        let in_scope = unit
            .state
            .location()
            .is_some_and(|l| count.scope.covers_location(l));
        let covered = self
            .product_by_id(unit.product)?
            .is_some_and(|p| count.scope.covers_product(&p));
        if !in_scope || !covered {
            let is = match unit.state.location() {
                Some(at) => format!("in stock at {at}"),
                None => unit.state.name().to_string(),
            };
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" is {is}, not expected in count {id}: it is not short",
                    unit.serial
                ),
            );
        }
        if let Some(n) = self.store.count_serial(id, &unit.serial)? {
            let at = self
                .store
                .count_scan(id, n)?
                .map(|s| format!(" at {}", s.location))
                .unwrap_or_default();
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" was counted in count {id} (scan {n}{at}): it is not short",
                    unit.serial
                ),
            );
        }
        if self.is_accepted(id, &unit.serial)? {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" was accepted as it is in count {id}: undo that first",
                    unit.serial
                ),
            );
        }
        Ok(())
    }

    /// Refuses a live scan that is not an open surplus of the count now: counted where the
    /// store has it (or was, when scanned), or accepted.
    fn must_be_surplus(&mut self, count: &crate::domain::Count, scan: &CountScan) -> DResult<()> {
        let id = count.id;
        let here_now = self
            .units_named(scan.serial.as_str())?
            .into_iter()
            .filter(|u| scan.product.is_none_or(|p| p == u.product))
            .any(|u| u.state.location() == Some(scan.location.as_str()));
        let counted_then = matches!(scan.verdict, crate::domain::ScanVerdict::Counted);
        if here_now || counted_then {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" was counted where it belongs (scan {} at {}): it is not a surplus",
                    scan.serial, scan.number, scan.location
                ),
            );
        }
        if self.is_accepted(id, &scan.serial)? {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" was accepted as it is in count {id}: undo that first",
                    scan.serial
                ),
            );
        }
        Ok(())
    }

    pub(super) fn resolve(&mut self, id: CountId, action: ResolveAction) -> DResult<Outcome> {
        let mut count = self.resolvable(id)?;
        let resolution = match action {
            ResolveAction::Replace { found, missing } => self.replace(&count, &found, &missing)?,
            ResolveAction::Relocate { serial } => {
                let scan = self.live_scan(id, &serial)?;
                self.must_be_surplus(&count, &scan)?;
                let unit = self
                    .units_named(&serial)?
                    .into_iter()
                    .find(|u| Some(u.product) == scan.product);
                let Some(unit) = unit else {
                    return refuse(
                        RefusalKind::Unknown,
                        format!(
                            "SN \"{}\" is unknown: receive it as found stock instead",
                            scan.serial
                        ),
                    );
                };
                let Some(at) = unit.state.location().map(str::to_string) else {
                    return refuse(
                        RefusalKind::Conflict,
                        format!(
                            "SN \"{}\" is {}, not in stock elsewhere: nothing to relocate",
                            unit.serial,
                            unit.state.name()
                        ),
                    );
                };
                if at == scan.location {
                    return refuse(
                        RefusalKind::Conflict,
                        format!("SN \"{}\" is already at {at}", unit.serial),
                    );
                }
                let sku = self.sku_of(&unit)?;
                let req = posting(
                    DocKind::Transfer,
                    &sku,
                    &unit.serial,
                    Some(at),
                    Some(scan.location.clone()),
                    format!("count {id}: relocated where counted"),
                );
                Resolution::Posting(self.document(req)?.0)
            }
            ResolveAction::ReceiveFound {
                serial,
                product: named,
            } => {
                let scan = self.live_scan(id, &serial)?;
                self.must_be_surplus(&count, &scan)?;
                if let Some(u) = self.units_named(&serial)?.first() {
                    return refuse(
                        RefusalKind::Conflict,
                        format!(
                            "SN \"{}\" is known ({}): found stock is for serials never seen",
                            u.serial,
                            u.state.name()
                        ),
                    );
                }
                let sku = match (named, scan.product) {
                    (Some(raw), _) => self.product_named(&raw)?.sku,
                    (None, Some(p)) => self.product_by_id(p)?.map(|p| p.sku).unwrap_or_default(),
                    (None, None) => {
                        return refuse(RefusalKind::Invalid, format!(
                            "which product is SN \"{}\"? name it (--product SKU): the scan carried no GTIN",
                            scan.serial
                        ))
                    }
                };
                let req = posting(
                    DocKind::FoundStock,
                    &sku,
                    &scan.serial,
                    None,
                    Some(scan.location.clone()),
                    format!("count {id}: found stock"),
                );
                Resolution::Posting(self.document(req)?.0)
            }
            ResolveAction::WriteOff { serial, reason } => {
                let unit = self.units_named(&serial)?.into_iter().find(|u| {
                    u.state
                        .location()
                        .is_some_and(|l| count.scope.covers_location(l))
                });
                let Some(unit) = unit else {
                    return refuse(
                        RefusalKind::Conflict,
                        format!(
                            "SN \"{}\" is not in stock in count {id}'s scope: nothing to write off",
                            serial.trim()
                        ),
                    );
                };
                self.must_be_short(&count, &unit)?;
                if reason.trim().is_empty() {
                    return refuse(RefusalKind::Invalid, "a write-off needs a reason");
                }
                let sku = self.sku_of(&unit)?;
                let from = unit.state.location().map(str::to_string);
                let req = posting(
                    DocKind::WriteOff,
                    &sku,
                    &unit.serial,
                    from,
                    None,
                    format!("count {id}: {}", reason.trim()),
                );
                Resolution::Posting(self.document(req)?.0)
            }
            ResolveAction::Accept { serial, note } => {
                let units = self.units_named(&serial)?;
                // A surplus when it was scanned in this count, else a shortage.
                let key = match self.live_scan(id, &serial) {
                    Ok(scan) => {
                        self.must_be_surplus(&count, &scan)?;
                        scan.serial
                    }
                    Err(DraftError::Refused(_)) => {
                        let short = units.iter().find(|u| {
                            u.state
                                .location()
                                .is_some_and(|l| count.scope.covers_location(l))
                        });
                        let Some(unit) = short.or(units.first()).cloned() else {
                            return refuse(
                                RefusalKind::Unknown,
                                format!(
                                    "SN \"{}\" is neither counted in count {id} nor expected in it: nothing to accept",
                                    serial.trim()
                                ),
                            );
                        };
                        self.must_be_short(&count, &unit)?;
                        unit.serial
                    }
                    Err(e) => return Err(e),
                };
                if note.trim().is_empty() {
                    return refuse(
                        RefusalKind::Invalid,
                        "accepting a mismatch needs a note saying why",
                    );
                }
                Resolution::Accept {
                    product: units.first().map(|u| u.product),
                    serial: key,
                    note: note.trim().to_string(),
                }
            }
        };
        count.resolutions += 1;
        let number = count.resolutions;
        self.counts.insert(id, count);
        if let Resolution::Accept { serial, .. } = &resolution {
            if let Some(set) = self.accepted.get_mut(&id) {
                set.insert(serial.clone());
            }
        }
        self.events.push(Event::CountResolved {
            count: id,
            number,
            resolution: resolution.clone(),
        });
        Ok(Outcome::Resolved {
            count: id,
            number,
            resolution,
        })
    }

    /// Replace serial number: `found` was counted and is a surplus, `missing` is short, both
    /// in this count now.
    fn replace(
        &mut self,
        count: &crate::domain::Count,
        found: &str,
        missing: &str,
    ) -> DResult<Resolution> {
        let id = count.id;
        let scan = self.live_scan(id, found)?;
        self.must_be_surplus(count, &scan)?;
        let missing_units = self.units_named(missing)?;
        let Some(x) = missing_units
            .iter()
            .find(|u| matches!(u.state, UnitState::InStock { .. }))
            .cloned()
        else {
            let what = match missing_units.first() {
                Some(u) => format!("is {}", u.state.name()),
                None => "is unknown".to_string(),
            };
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" {what}, not in stock: it is not short, nothing to replace",
                    missing.trim()
                ),
            );
        };
        self.must_be_short(count, &x)?;
        let found_units = self.units_named(found)?;
        let same = found_units.iter().find(|u| u.product == x.product).cloned();
        let today = self.today;
        let location = scan.location.clone();
        match same {
            Some(s) => {
                if let (false, Some(sale)) = (matches!(s.state, UnitState::Sold { .. }), &s.sale) {
                    if sale.returned {
                        return refuse(
                            RefusalKind::Conflict,
                            format!(
                                "the sale {} of SN \"{}\" was returned already: nothing to correct",
                                sale.document, s.serial
                            ),
                        );
                    }
                }
                let UnitState::Sold { document, customer } = &s.state else {
                    // Relocation is the way only for a unit the books put somewhere else.
                    let (state, advice) = match &s.state {
                        UnitState::InStock { location: at } if *at == location => {
                            (format!("in stock at {at}, where it was counted"), "")
                        }
                        UnitState::InStock { location: at } => {
                            (format!("in stock at {at}"), "; relocate it instead")
                        }
                        other => (other.name().to_string(), ""),
                    };
                    return refuse(
                        RefusalKind::Conflict,
                        format!(
                            "SN \"{}\" is {state}: replace needs it sold on a sale (or never received){advice}",
                            s.serial
                        ),
                    );
                };
                let correction = self.correction(
                    today,
                    Some(*customer),
                    &location,
                    format!(
                        "count {id}: \"{}\" was sold on {document} but \"{}\" was scanned; the line now says \"{}\"",
                        x.serial, s.serial, x.serial
                    ),
                    &s,
                    &x,
                );
                Ok(Resolution::ReplaceOnSale {
                    product: x.product,
                    found: s.serial,
                    missing: x.serial,
                    sale: document.clone(),
                    location,
                    correction,
                })
            }
            None => {
                if let Some(other) = found_units.first() {
                    let a = self.sku_of(other)?;
                    let b = self.sku_of(&x)?;
                    return refuse(
                        RefusalKind::Invalid,
                        format!(
                        "SN \"{}\" is product {a} and SN \"{}\" product {b}: replace needs the same product",
                        other.serial, x.serial
                    ),
                    );
                }
                let Some(receipt) = x.receipt.clone() else {
                    return refuse(
                        RefusalKind::Unknown,
                        format!("SN \"{}\" has no receipt to correct", x.serial),
                    );
                };
                let found_key = self
                    .product_by_id(x.product)?
                    .map(|p| p.serial_key(found))
                    .transpose()
                    .map_err(|e| {
                        DraftError::Refused(Refusal::new(
                            RefusalKind::Invalid,
                            format!("SN {}: {e}", crate::domain::limits::quoted(found.trim())),
                        ))
                    })?
                    .unwrap_or_else(|| scan.serial.clone());
                let mut as_found = x.clone();
                as_found.serial = found_key.clone();
                let correction = self.correction(
                    today,
                    x.supplier,
                    &location,
                    format!(
                        "count {id}: received as \"{}\" on {receipt}, the unit is really \"{found_key}\"",
                        x.serial
                    ),
                    &as_found,
                    &x,
                );
                Ok(Resolution::ReplaceOnReceipt {
                    product: x.product,
                    found: found_key,
                    missing: x.serial,
                    receipt,
                    location,
                    correction,
                })
            }
        }
    }

    fn correction(
        &mut self,
        today: crate::domain::Day,
        party: Option<crate::domain::PartyId>,
        location: &str,
        reason: String,
        found: &Unit,
        missing: &Unit,
    ) -> Document {
        let line = |u: &Unit| DocLine {
            product: u.product,
            serial: Some(u.serial.clone()),
            qty: 1,
            amount: None,
            warning: None,
        };
        Document {
            number: self.next_number(DocKind::Correction, today),
            kind: DocKind::Correction,
            date: today,
            party,
            invoice: None,
            from: None,
            to: Some(location.to_string()),
            reason: Some(reason),
            warning: None,
            lines: vec![line(found), line(missing)],
        }
    }

    /// Undo: refused once anything the resolution changed has changed again.
    pub(super) fn undo_resolution(&mut self, id: CountId, number: u32) -> DResult<Outcome> {
        self.resolvable(id)?;
        let records = reconcile::resolutions(self.store, id).map_err(DraftError::from)?;
        let Some(record) = records.into_iter().find(|r| r.number == number) else {
            return refuse(
                RefusalKind::Unknown,
                format!("count {id} has no resolution {number}"),
            );
        };
        if record.undone {
            return refuse(
                RefusalKind::Conflict,
                format!("resolution {number} of count {id} is undone already"),
            );
        }
        for image in &record.images {
            let now = self.store.raw(&image.key)?;
            if now != image.after {
                return refuse(
                    RefusalKind::Conflict,
                    format!(
                        "resolution {number} ({}) cannot be undone: {} changed since",
                        record.resolution.name(),
                        record
                            .resolution
                            .serials()
                            .iter()
                            .map(|s| format!("SN \"{s}\""))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                );
            }
        }
        if let Resolution::Accept { serial, .. } = &record.resolution {
            if let Some(set) = self.accepted.get_mut(&id) {
                set.remove(serial);
            }
        }
        self.events
            .push(Event::CountResolutionUndone { count: id, number });
        Ok(Outcome::ResolutionUndone { count: id, number })
    }

    /// A bulk fix: every open mismatch it names, each a resolution of its own (undone one by
    /// one), all in one entry. Refused when it names none.
    pub(super) fn resolve_all(&mut self, id: CountId, fix: super::BulkFix) -> DResult<Outcome> {
        let count = self.resolvable(id)?;
        let m = reconcile::mismatches(self.store, id).map_err(DraftError::from)?;
        let open = |serial: &SerialKey| !m.accepted.contains(serial);
        let first = count.resolutions + 1;
        let actions: Vec<ResolveAction> = match fix {
            super::BulkFix::Accept {
                location,
                sku,
                note,
            } => {
                let location = match location.as_deref().map(str::trim) {
                    Some(l) if !l.is_empty() => Some(self.location_code(l, "accept")?),
                    _ => None,
                };
                let product = match sku.as_deref().map(str::trim) {
                    Some(s) if !s.is_empty() => Some(self.product_named(s)?.id),
                    _ => None,
                };
                if location.is_none() && product.is_none() {
                    return refuse(
                        RefusalKind::Invalid,
                        "accepting all needs a bin, a product or both",
                    );
                }
                if note.trim().is_empty() {
                    return refuse(RefusalKind::Invalid, "accepting needs a note: why");
                }
                let at = |l: &str| location.as_deref().is_none_or(|want| want == l);
                let of = |p: Option<crate::domain::ProductId>| {
                    product.is_none_or(|want| p == Some(want))
                };
                let short = m
                    .rec
                    .shortage
                    .iter()
                    .filter(|r| open(&r.serial) && at(&r.location) && of(Some(r.product)))
                    .map(|r| r.serial.clone());
                let surplus = m
                    .rec
                    .surplus
                    .iter()
                    .filter(|r| open(&r.serial) && at(&r.location) && of(r.product))
                    .map(|r| r.serial.clone());
                let mut serials: Vec<SerialKey> = short.chain(surplus).collect();
                serials.sort();
                serials.dedup();
                serials
                    .into_iter()
                    .map(|serial| ResolveAction::Accept {
                        serial: serial.to_string(),
                        note: note.trim().to_string(),
                    })
                    .collect()
            }
            super::BulkFix::WriteOffCountedBins { reason } => {
                if reason.trim().is_empty() {
                    return refuse(RefusalKind::Invalid, "a write-off needs a reason");
                }
                let bins = self.store.counted_bin_locations(id)?;
                if bins.is_empty() {
                    return refuse(
                        RefusalKind::Conflict,
                        format!("count {id} has no counted bin: finish the bins first"),
                    );
                }
                m.rec
                    .shortage
                    .iter()
                    .filter(|r| open(&r.serial) && bins.contains(&r.location))
                    .map(|r| ResolveAction::WriteOff {
                        serial: r.serial.to_string(),
                        reason: reason.trim().to_string(),
                    })
                    .collect()
            }
        };
        if actions.is_empty() {
            return refuse(
                RefusalKind::Conflict,
                format!("count {id} has no open mismatch there: nothing to resolve"),
            );
        }
        let resolved = actions.len() as u32;
        for action in actions {
            self.resolve(id, action)?;
        }
        Ok(Outcome::ResolvedAll {
            count: id,
            first,
            resolved,
        })
    }

    /// Posting: every mismatch resolved (it no longer shows) or accepted.
    /// Refuses to post a count with open mismatches; otherwise returns its buckets as they
    /// are now, to be kept as its report.
    pub(super) fn check_postable(
        &mut self,
        id: CountId,
        counted_bins_only: bool,
    ) -> DResult<crate::domain::reconcile::FrozenReport> {
        let mut m = reconcile::mismatches(self.store, id).map_err(DraftError::from)?;
        if counted_bins_only {
            // The count looked in its counted bins only: what is expected elsewhere in the
            // scope is no shortage of it.
            let bins = self.store.counted_bin_locations(id)?;
            m.rec.shortage.retain(|r| bins.contains(&r.location));
        }
        let open = m.open_mismatches();
        if open > 0 {
            return Err(crate::ops::api::refusals::open_mismatches(id, open).into());
        }
        Ok(m.freeze())
    }
}

/// A count's document of one serialised unit (relocate, found stock, write-off).
fn posting(
    kind: DocKind,
    sku: &str,
    serial: &SerialKey,
    from: Option<String>,
    to: Option<String>,
    reason: String,
) -> DocRequest {
    let line = LineRequest {
        sku: sku.to_string(),
        serial: Some(serial.to_string()),
        qty: 1,
        amount: None,
    };
    count_document(kind, line, from, to, reason)
}

/// A document a count makes: one line, no party or invoice, dated today, with its reason.
pub(super) fn count_document(
    kind: DocKind,
    line: LineRequest,
    from: Option<String>,
    to: Option<String>,
    reason: String,
) -> DocRequest {
    DocRequest {
        kind,
        date: None,
        party: None,
        invoice: None,
        from,
        to,
        reason: Some(reason),
        declared_qty: None,
        lines: vec![line],
    }
}
