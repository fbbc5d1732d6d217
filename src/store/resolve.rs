//! Applying a count's resolutions: replace serial number (on a sale or a receipt), postings,
//! acceptances; each captures the keys it changed (before and after) so undo can restore them.

use super::index;
use super::keys;
use super::lines::{apply_line, put_document, read_count};
use super::records::{CountRecord, DocumentRecord, ResolutionRecordV, UnitRecord};
use super::writes::{Context, Writes};
use super::StoreError;
use crate::domain::unit::SaleInfo;
use crate::domain::{
    CountId, DocNo, Document, HistoryEntry, HistoryKind, KeyImage, ProductId, Resolution,
    ResolutionRecord, SerialKey, UnitState,
};
use std::collections::HashMap;

pub(super) fn apply_resolution(
    w: &mut Writes,
    cx: &Context,
    count: CountId,
    number: u32,
    resolution: &Resolution,
) -> Result<(), StoreError> {
    let base: HashMap<Vec<u8>, Option<Vec<u8>>> = w.pending.clone();
    match resolution {
        Resolution::Posting(doc) => {
            put_document(w, cx, doc)?;
            for line in &doc.lines {
                apply_line(w, cx, doc, line)?;
            }
        }
        Resolution::ReplaceOnSale {
            product,
            found,
            missing,
            sale,
            location,
            correction,
        } => {
            put_document(w, cx, correction)?;
            rewrite_line(w, sale, *product, found, missing, &correction.number)?;
            let mut f = read_unit(w, *product, found)?;
            let mut m = read_unit(w, *product, missing)?;
            let (f_was, m_was) = (
                index::derived(&f.unit, &f.history),
                index::derived(&m.unit, &m.history),
            );
            // The missing unit is what the customer got; the found one never left.
            m.unit.state = f.unit.state.clone();
            m.unit.sale = f.unit.sale.take().map(|s| SaleInfo {
                returned: false,
                ..s
            });
            // The customer's warranty goes with the sale: activation and recorded coverages.
            m.unit.activation = f.unit.activation.take();
            m.unit.coverages = std::mem::take(&mut f.unit.coverages)
                .into_iter()
                .map(|mut c| {
                    c.serial = missing.clone();
                    c
                })
                .collect();
            f.unit.state = UnitState::InStock {
                location: location.clone(),
            };
            let note = correction.reason.clone();
            f.history
                .push(entry(cx, correction, Some(location.clone()), note.clone()));
            m.history.push(entry(cx, correction, None, note));
            index::put_unit(w, &f_was, &f)?;
            index::put_unit(w, &m_was, &m)?;
        }
        Resolution::ReplaceOnReceipt {
            product,
            found,
            missing,
            receipt,
            location,
            correction,
        } => {
            put_document(w, cx, correction)?;
            rewrite_line(w, receipt, *product, missing, found, &correction.number)?;
            let mut m = read_unit(w, *product, missing)?;
            let m_was = index::derived(&m.unit, &m.history);
            let note = correction.reason.clone();
            let mut f = m.clone();
            f.unit.serial = found.clone();
            f.unit.state = UnitState::InStock {
                location: location.clone(),
            };
            f.history
                .push(entry(cx, correction, Some(location.clone()), note.clone()));
            m.unit.state = UnitState::Renamed { to: found.clone() };
            m.history.push(entry(cx, correction, None, note));
            // The found serial had no record of its own; if it had, its entries go.
            let f_was = match w.get(&keys::unit(*product, found))? {
                Some(b) => {
                    let old = UnitRecord::decode(&b)?;
                    index::derived(&old.unit, &old.history)
                }
                None => index::nothing(),
            };
            index::put_unit(w, &f_was, &f)?;
            index::put_unit(w, &m_was, &m)?;
        }
        Resolution::Accept { .. } => {}
    }
    let mut c = read_count(w, count)?;
    c.resolutions = c.resolutions.max(number);
    w.put(keys::count(count), CountRecord::encode(&c)?);
    let images = changed_keys(w, &base)?;
    let record = ResolutionRecord {
        count,
        number,
        resolution: resolution.clone(),
        actor: cx.located.entry.actor.clone(),
        at_ms: cx.located.entry.at_ms,
        seq: cx.located.entry.seq,
        images,
        undone: false,
    };
    w.put(
        keys::resolution(count, number),
        ResolutionRecordV::encode(&record)?,
    );
    Ok(())
}

/// Every key the resolution changed, with its value before and after. The count record is
/// left out (its resolution counter only grows).
fn changed_keys(
    w: &Writes,
    base: &HashMap<Vec<u8>, Option<Vec<u8>>>,
) -> Result<Vec<KeyImage>, StoreError> {
    let mut images = Vec::new();
    let mut keys_changed: Vec<&Vec<u8>> = w
        .pending
        .iter()
        .filter(|(k, v)| base.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    keys_changed.sort();
    for key in keys_changed {
        // The count record is the count's own; the index lists are shared with other units
        // and follow the unit records on undo (see `undo_resolution`).
        if matches!(
            key.first(),
            Some(&(keys::COUNT | keys::WARRANTY_START | keys::COVERAGE_END | keys::SOLD_TO))
        ) {
            continue;
        }
        let before = match base.get(key) {
            Some(v) => v.clone(),
            None => w.store_value(key)?,
        };
        let after = w.pending.get(key).cloned().flatten();
        images.push(KeyImage {
            key: key.clone(),
            before,
            after,
        });
    }
    Ok(images)
}

pub(super) fn undo_resolution(
    w: &mut Writes,
    count: CountId,
    number: u32,
) -> Result<(), StoreError> {
    let key = keys::resolution(count, number);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!(
            "resolution {number} of count {count}"
        )));
    };
    let mut record = ResolutionRecordV::decode(&bytes)?;
    if record.undone {
        return Ok(());
    }
    for image in &record.images {
        match &image.before {
            Some(v) => w.put(image.key.clone(), v.clone()),
            None => w.remove(image.key.clone()),
        }
        if image.key.first() == Some(&keys::UNIT) {
            let unit = |v: &Option<Vec<u8>>| -> Result<_, StoreError> {
                Ok(match v {
                    Some(b) => Some(UnitRecord::decode(b)?.unit),
                    None => None,
                })
            };
            index::reindex(
                w,
                unit(&image.after)?.as_ref(),
                unit(&image.before)?.as_ref(),
            )?;
        }
    }
    record.undone = true;
    w.put(key, ResolutionRecordV::encode(&record)?);
    Ok(())
}

fn read_unit(
    w: &Writes,
    product: ProductId,
    serial: &SerialKey,
) -> Result<super::StoredUnit, StoreError> {
    match w.get(&keys::unit(product, serial))? {
        Some(b) => Ok(UnitRecord::decode(&b)?),
        None => Err(StoreError::Missing(format!("unit \"{serial}\""))),
    }
}

/// Changes the serial of one line of a stored document and notes the correction on it.
fn rewrite_line(
    w: &mut Writes,
    number: &DocNo,
    product: ProductId,
    from: &SerialKey,
    to: &SerialKey,
    correction: &DocNo,
) -> Result<(), StoreError> {
    let key = keys::document(&number.0);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!("document {number}")));
    };
    let mut stored = DocumentRecord::decode(&bytes)?;
    for line in &mut stored.document.lines {
        if line.product == product && line.serial.as_ref() == Some(from) {
            line.serial = Some(to.clone());
        }
    }
    stored.corrected_by.push(correction.clone());
    w.put(key, DocumentRecord::encode(&stored)?);
    Ok(())
}

fn entry(cx: &Context, doc: &Document, to: Option<String>, reason: Option<String>) -> HistoryEntry {
    HistoryEntry {
        seq: cx.located.entry.seq,
        at_ms: cx.located.entry.at_ms,
        actor: cx.located.entry.actor.clone(),
        kind: HistoryKind::Document(doc.kind),
        document: doc.number.clone(),
        date: doc.date,
        party: doc.party,
        invoice: doc.invoice.clone(),
        from: None,
        to,
        amount: None,
        reason,
        warning: None,
    }
}
