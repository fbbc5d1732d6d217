//! Applying warranty facts: product terms, activation, agreements and their events, repairs,
//! replacements (RMA) and generic warranties.

use super::index;
use super::keys;
use super::records::{AgreementRecord, GenericRecord, ProductRecord, RepairRecord, UnitRecord};
use super::writes::{Context, Writes};
use super::{StoreError, StoredUnit};
use crate::domain::warranty::{
    Agreement, AgreementEvent, AgreementStatus, GenericWarranty, Repair, Replacement,
    ReplacementPolicy, StartBasis,
};
use crate::domain::{
    Day, DocNo, HistoryEntry, HistoryKind, ProductId, SerialKey, UnitState, WarrantyNote,
};

/// A unit as stored, with the index entries it has now (for [`write_unit`]).
struct Held {
    s: StoredUnit,
    was: index::Derived,
}

impl std::ops::Deref for Held {
    type Target = StoredUnit;
    fn deref(&self) -> &StoredUnit {
        &self.s
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut StoredUnit {
        &mut self.s
    }
}

fn read_unit(w: &Writes, product: ProductId, serial: &SerialKey) -> Result<Held, StoreError> {
    match w.get(&keys::unit(product, serial))? {
        Some(b) => {
            let s = UnitRecord::decode(&b)?;
            let was = index::derived(&s.unit, &s.history);
            Ok(Held { s, was })
        }
        None => Err(StoreError::Missing(format!("unit \"{serial}\""))),
    }
}

fn write_unit(w: &mut Writes, h: &Held) -> Result<(), StoreError> {
    index::put_unit(w, &h.was, &h.s)
}

fn note(
    cx: &Context,
    note: WarrantyNote,
    document: &str,
    date: Day,
    to: Option<String>,
    reason: Option<String>,
) -> HistoryEntry {
    HistoryEntry {
        seq: cx.located.entry.seq,
        at_ms: cx.located.entry.at_ms,
        actor: cx.located.entry.actor.clone(),
        kind: HistoryKind::Warranty(note),
        document: DocNo(document.to_string()),
        date,
        party: None,
        invoice: None,
        from: None,
        to,
        amount: None,
        reason,
        warning: None,
    }
}

pub(super) fn product_terms(
    w: &mut Writes,
    product: ProductId,
    basis: StartBasis,
    policy: ReplacementPolicy,
) -> Result<(), StoreError> {
    let key = keys::product(product);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!("product {}", product.0)));
    };
    let mut p = ProductRecord::decode(&bytes)?;
    p.warranty_basis = basis;
    p.replacement_policy = policy;
    w.put(key, ProductRecord::encode(&p)?);
    Ok(())
}

pub(super) fn activate(
    w: &mut Writes,
    cx: &Context,
    product: ProductId,
    serial: &SerialKey,
    date: Day,
) -> Result<(), StoreError> {
    let mut s = read_unit(w, product, serial)?;
    s.unit.activation = Some(date);
    s.history
        .push(note(cx, WarrantyNote::Activated, "-", date, None, None));
    write_unit(w, &s)
}

pub(super) fn agreement_added(
    w: &mut Writes,
    cx: &Context,
    a: &Agreement,
) -> Result<(), StoreError> {
    let mut s = read_unit(w, a.coverage.product, &a.serial)?;
    s.unit.coverages.push(a.coverage.clone());
    let why = format!("{} to {}", a.coverage.kind.as_str(), a.coverage.end);
    s.history.push(note(
        cx,
        WarrantyNote::Extended,
        &a.number,
        a.coverage.start,
        None,
        Some(why),
    ));
    write_unit(w, &s)?;
    w.put(keys::agreement(&a.number), AgreementRecord::encode(a)?);
    Ok(())
}

pub(super) fn agreement_event(
    w: &mut Writes,
    cx: &Context,
    number: &str,
    event: &AgreementEvent,
) -> Result<(), StoreError> {
    let key = keys::agreement(number);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!("agreement {number}")));
    };
    let mut a = AgreementRecord::decode(&bytes)?;
    a.events.push(event.clone());
    w.put(key, AgreementRecord::encode(&a)?);
    let mut s = read_unit(w, a.coverage.product, &a.serial)?;
    let why = format!("{}: {}", event.code.code(), event.note);
    s.history.push(note(
        cx,
        WarrantyNote::AgreementEvent,
        number,
        event.date,
        None,
        Some(why),
    ));
    write_unit(w, &s)
}

pub(super) fn repair_opened(w: &mut Writes, cx: &Context, r: &Repair) -> Result<(), StoreError> {
    let mut s = read_unit(w, r.product, &r.serial)?;
    s.unit.state = UnitState::InRepair;
    let why = format!("warranty {}: {}", r.warranty_type, r.note);
    s.history.push(note(
        cx,
        WarrantyNote::RepairIn,
        &r.number,
        r.intake,
        None,
        Some(why),
    ));
    write_unit(w, &s)?;
    w.put(keys::repair(&r.number), RepairRecord::encode(r)?);
    Ok(())
}

pub(super) fn repair_closed(
    w: &mut Writes,
    cx: &Context,
    number: &str,
    to: Option<&str>,
    text: &str,
    date: Day,
) -> Result<(), StoreError> {
    let key = keys::repair(number);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!("repair {number}")));
    };
    let mut r = RepairRecord::decode(&bytes)?;
    r.closed = Some(date);
    w.put(key, RepairRecord::encode(&r)?);
    let mut s = read_unit(w, r.product, &r.serial)?;
    s.unit.state = match (&r.before, to) {
        (_, Some(at)) => UnitState::InStock {
            location: at.to_string(),
        },
        (before, None) => before.clone(),
    };
    s.history.push(note(
        cx,
        WarrantyNote::RepairOut,
        number,
        date,
        to.map(str::to_string),
        Some(text.to_string()),
    ));
    write_unit(w, &s)
}

pub(super) fn replaced(w: &mut Writes, cx: &Context, x: &Replacement) -> Result<(), StoreError> {
    let mut old = read_unit(w, x.product, &x.old)?;
    let mut new = read_unit(w, x.product, &x.new)?;
    let old_state = old.unit.state.clone();
    // The customer's claim on the old unit passes to the new one.
    new.unit.state = match &old_state {
        UnitState::Sold { .. } | UnitState::InRepair => match &old.unit.sale {
            Some(sale) => UnitState::Sold {
                document: sale.document.clone(),
                customer: sale.customer,
            },
            None => old_state.clone(),
        },
        other => other.clone(),
    };
    new.unit.sale = old.unit.sale.clone();
    new.unit.activation = old.unit.activation;
    new.unit.coverages = x.coverages.clone();
    old.unit.state = UnitState::Replaced { by: x.new.clone() };
    old.history.push(note(
        cx,
        WarrantyNote::ReplacedBy,
        x.new.as_str(),
        x.day,
        None,
        Some(x.note.clone()),
    ));
    new.history.push(note(
        cx,
        WarrantyNote::ReplacementFor,
        x.old.as_str(),
        x.day,
        None,
        Some(x.note.clone()),
    ));
    // Agreements on the old serial now name the new one.
    for c in &x.coverages {
        if let Some(number) = &c.agreement {
            let key = keys::agreement(number);
            if let Some(bytes) = w.get(&key)? {
                let mut a = AgreementRecord::decode(&bytes)?;
                a.serial = x.new.clone();
                a.status = AgreementStatus::InService;
                a.coverage = c.clone();
                w.put(key, AgreementRecord::encode(&a)?);
            }
        }
    }
    write_unit(w, &old)?;
    write_unit(w, &new)
}

pub(super) fn generic_added(
    w: &mut Writes,
    id: u32,
    g: &GenericWarranty,
) -> Result<(), StoreError> {
    w.put(keys::generic(id), GenericRecord::encode(g)?);
    Ok(())
}
