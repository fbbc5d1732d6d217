//! A posted document in the store: the document itself, and each of its lines applied to
//! its unit (serialised) or to the quantities (counted by quantity); what posting and
//! resolutions share.

use super::index;
use super::keys;
use super::records::{CountRecord, DocumentRecord, UnitRecord};
use super::writes::{Context, Writes};
use super::{be_i64, StoreError, StoredDocument, StoredUnit};
use crate::domain::{Count, CountId, DocLine, Document, HistoryEntry, HistoryKind, Unit};

/// Stores a posted document with who posted it and when.
pub(super) fn put_document(w: &mut Writes, cx: &Context, doc: &Document) -> Result<(), StoreError> {
    let stored = StoredDocument {
        document: doc.clone(),
        seq: cx.located.entry.seq,
        at_ms: cx.located.entry.at_ms,
        actor: cx.located.entry.actor.clone(),
        corrected_by: Vec::new(),
    };
    w.put(
        keys::document(&doc.number.0),
        DocumentRecord::encode(&stored)?,
    );
    Ok(())
}

pub(super) fn read_count(w: &Writes, id: CountId) -> Result<Count, StoreError> {
    match w.get(&keys::count(id))? {
        Some(bytes) => Ok(CountRecord::decode(&bytes)?),
        None => Err(StoreError::Missing(format!("count {id}"))),
    }
}

pub(super) fn apply_line(
    w: &mut Writes,
    cx: &Context,
    doc: &Document,
    line: &DocLine,
) -> Result<(), StoreError> {
    let Some(serial) = &line.serial else {
        return apply_qty(w, doc, line);
    };
    let (before, mut history) = match w.get(&keys::unit(line.product, serial))? {
        Some(bytes) => {
            let stored = UnitRecord::decode(&bytes)?;
            (Some(stored.unit), stored.history)
        }
        None => (None, Vec::new()),
    };
    // The bin the unit really left (a document may name a whole area as its source).
    let left = before
        .as_ref()
        .and_then(|u| u.state.location())
        .map(str::to_string);
    let was = before
        .as_ref()
        .map(|u| index::derived(u, &history))
        .unwrap_or_else(index::nothing);
    let unit = Unit::after_line(before, doc, line, serial);
    history.push(HistoryEntry {
        seq: cx.located.entry.seq,
        at_ms: cx.located.entry.at_ms,
        actor: cx.located.entry.actor.clone(),
        kind: HistoryKind::Document(doc.kind),
        document: doc.number.clone(),
        date: doc.date,
        party: doc.party,
        invoice: doc.invoice.clone(),
        // A named source may be a whole area: the timeline names the bin the unit left.
        from: match (&doc.from, doc.kind) {
            (
                Some(_),
                crate::domain::DocKind::Sale
                | crate::domain::DocKind::Transfer
                | crate::domain::DocKind::WriteOff,
            ) => left.or(doc.from.clone()),
            _ => doc.from.clone(),
        },
        to: doc.to.clone(),
        amount: line.amount,
        reason: doc.reason.clone(),
        warning: line.warning.clone(),
    });
    index::put_unit(w, &was, &StoredUnit { unit, history })?;
    Ok(())
}

fn apply_qty(w: &mut Writes, doc: &Document, line: &DocLine) -> Result<(), StoreError> {
    let qty = i64::from(line.qty);
    let (minus, plus) = doc.qty_flow();
    for (location, delta) in [(minus, -qty), (plus, qty)] {
        if let Some(location) = location {
            let key = keys::qty(location, line.product);
            let now = w.get(&key)?.map(|v| be_i64(&v)).unwrap_or(0);
            w.put(key, (now + delta).to_be_bytes().to_vec());
        }
    }
    let held = match doc.kind {
        crate::domain::DocKind::Sale => qty,
        crate::domain::DocKind::Return => -qty,
        _ => 0,
    };
    if let (Some(party), true) = (doc.party, held != 0) {
        let key = keys::customer_qty(party, line.product);
        let now = w.get(&key)?.map(|v| be_i64(&v)).unwrap_or(0);
        w.put(key, (now + held).to_be_bytes().to_vec());
    }
    Ok(())
}
