//! The keys kept beside each unit's record: its stock entry (`B`, while in stock, holding the
//! sequence of the last document on its timeline, so a count's shortage rows know whether the
//! unit moved since the count opened without reading the unit), and, while sold, the warranty
//! indexes the reports read instead of every unit: when its manufacturer coverage may start
//! (`W`), when its recorded coverages end (`X`), and whom it was sold to (`S`). Each of those
//! is a list of units under a key by day, so a million sold units make a few thousand keys,
//! not millions. Every unit write goes through [`put_unit`], which moves these from what the
//! unit was to what it is.

use super::apply::Writes;
use super::keys;
use super::records::UnitRecord;
use super::{StoreError, StoredUnit};
use crate::domain::{Day, HistoryEntry, HistoryKind, Unit, UnitState};

/// The index lists a unit is in: (list key, the unit's member bytes).
type Postings = Vec<(Vec<u8>, Vec<u8>)>;

/// The keys a unit has beside its record, as its state makes them.
pub(super) struct Derived {
    /// `B location product serial`, while in stock.
    stock: Option<Vec<u8>>,
    lists: Postings,
}

/// The keys a unit has beside its record (see the module).
pub(super) fn derived(unit: &Unit) -> Derived {
    Derived {
        stock: unit
            .state
            .location()
            .map(|at| keys::stock(at, unit.product, &unit.serial)),
        lists: lists(unit),
    }
}

/// A unit that had no record: nothing beside it.
pub(super) fn nothing() -> Derived {
    Derived {
        stock: None,
        lists: Vec::new(),
    }
}

/// The sequence of the last document on a timeline (0 when there is none): the value of the
/// unit's stock entry.
pub fn last_document(history: &[HistoryEntry]) -> u64 {
    history
        .iter()
        .filter(|h| matches!(h.kind, HistoryKind::Document(_)))
        .map(|h| h.seq)
        .max()
        .unwrap_or(0)
}

/// The index lists a unit is in: none unless it is sold now.
fn lists(unit: &Unit) -> Postings {
    let UnitState::Sold { customer, .. } = &unit.state else {
        return Vec::new();
    };
    let product = unit.product;
    let sold_on = unit.sale.as_ref().map(|s| s.date);
    let mut keys = vec![keys::sold_to(*customer, sold_on.unwrap_or(Day(0)))];
    match unit.activation {
        Some(day) => keys.push(keys::warranty_start(product, keys::START_ACTIVATION, day)),
        None => {
            if let Some(day) = sold_on {
                keys.push(keys::warranty_start(product, keys::START_SALE, day));
            }
            if let Some(day) = unit.received_on {
                keys.push(keys::warranty_start(product, keys::START_RECEIPT, day));
            }
        }
    }
    keys.extend(unit.coverages.iter().map(|c| keys::coverage_end(c.end)));
    keys.sort();
    keys.dedup();
    let member = keys::member(product, &unit.serial);
    keys.into_iter().map(|k| (k, member.clone())).collect()
}

/// Writes a unit record and moves its stock entry and index lists from `was` (the
/// [`derived`] keys of the unit before this change, [`nothing`] for a new unit) to those of
/// its new state.
pub(super) fn put_unit(w: &mut Writes, was: &Derived, s: &StoredUnit) -> Result<(), StoreError> {
    let now = derived(&s.unit);
    if let Some(old) = was
        .stock
        .as_ref()
        .filter(|old| now.stock.as_ref() != Some(*old))
    {
        w.remove(old.clone());
    }
    if let Some(key) = now.stock {
        w.put(key, last_document(&s.history).to_be_bytes().to_vec());
    }
    move_entries(w, &was.lists, &now.lists)?;
    w.put(
        keys::unit(s.unit.product, &s.unit.serial),
        UnitRecord::encode(s)?,
    );
    Ok(())
}

/// Moves a unit from the index lists of what it was (`from`) to those of what it is (`to`);
/// `None` is no unit. (Its stock entry is its own key, restored with its record.)
pub(super) fn reindex(
    w: &mut Writes,
    from: Option<&Unit>,
    to: Option<&Unit>,
) -> Result<(), StoreError> {
    let was = from.map(lists).unwrap_or_default();
    let now = to.map(lists).unwrap_or_default();
    move_entries(w, &was, &now)
}

fn move_entries(
    w: &mut Writes,
    was: &[(Vec<u8>, Vec<u8>)],
    now: &[(Vec<u8>, Vec<u8>)],
) -> Result<(), StoreError> {
    for (key, member) in was.iter().filter(|e| !now.contains(e)) {
        edit(w, key, member, false)?;
    }
    for (key, member) in now.iter().filter(|e| !was.contains(e)) {
        edit(w, key, member, true)?;
    }
    Ok(())
}

/// Puts `member` into (or takes it out of) the list under `key`, which stays in byte order,
/// each member once; an emptied list is removed.
fn edit(w: &mut Writes, key: &[u8], member: &[u8], add: bool) -> Result<(), StoreError> {
    let old = w.get(key)?.unwrap_or_default();
    let mut members = keys::split_members(&old).ok_or_else(|| {
        StoreError::Damaged(format!(
            "index list {:?} is not one tallyman writes",
            String::from_utf8_lossy(key)
        ))
    })?;
    match (members.binary_search(&member), add) {
        (Err(at), true) => members.insert(at, member),
        (Ok(at), false) => {
            members.remove(at);
        }
        _ => return Ok(()),
    }
    if members.is_empty() {
        w.remove(key.to_vec());
    } else {
        w.put(key.to_vec(), members.concat());
    }
    Ok(())
}
