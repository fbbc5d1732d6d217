//! The keys kept beside each unit's record: its stock entry (`B`, while in stock, holding the
//! sequence of the last document on its timeline, so a count's shortage rows know whether the
//! unit moved since the count opened without reading the unit), and, while sold, the warranty
//! indexes the reports read instead of every unit: when its manufacturer coverage may start
//! (`W`), when its recorded coverages end (`X`), and whom it was sold to (`S`). Each of those
//! is a list of units under a key by day, so a million sold units make a few thousand keys,
//! not millions. Every unit write goes through [`put_unit`], which moves these from what the
//! unit was to what it is.

use super::keys;
use super::records::UnitRecord;
use super::writes::Writes;
use super::{StoreError, StoredUnit};
use crate::domain::event::last_document_seq;
use crate::domain::{Day, HistoryEntry, Unit, UnitState};

/// The index lists a unit is in: (list key, the unit's member bytes).
type Postings = Vec<(Vec<u8>, Vec<u8>)>;

/// The keys a unit has beside its record, as its state and timeline make them.
pub(super) struct Derived {
    /// `B location product serial` and its value, while in stock.
    stock: Option<(Vec<u8>, Vec<u8>)>,
    lists: Postings,
}

/// The keys a unit has beside its record (see the module).
pub(super) fn derived(unit: &Unit, history: &[HistoryEntry]) -> Derived {
    Derived {
        stock: unit.state.location().map(|at| {
            (
                keys::stock(at, unit.product, &unit.serial),
                last_document_seq(history).to_be_bytes().to_vec(),
            )
        }),
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
    let now = derived(&s.unit, &s.history);
    // A stock entry is written only when it changes (a count scan leaves it as it is).
    if was.stock != now.stock {
        if let Some((old, _)) = &was.stock {
            if now.stock.as_ref().map(|(key, _)| key) != Some(old) {
                w.remove(old.clone());
            }
        }
        if let Some((key, value)) = now.stock {
            w.put(key, value);
        }
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
    let mut members = keys::split_members(&old).ok_or_else(|| damaged_list(key))?;
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

/// The error for an index list whose bytes are not members.
pub(super) fn damaged_list(key: &[u8]) -> StoreError {
    StoreError::Damaged(format!(
        "index list {:?} is not one tallyman writes",
        String::from_utf8_lossy(key)
    ))
}
