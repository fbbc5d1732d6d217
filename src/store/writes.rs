//! A part's pending writes and the steps of an entry: what every applier of an event writes
//! through ([`Writes`], [`Context`], [`take_step`]), below them all.

use super::keys;
use super::records::{ImagesRecord, Meta, MetaRecord};
use super::{Store, StoreError};
use crate::journal::Located;
use std::collections::HashMap;

/// Keys written per part of a large entry before the part is committed (a few in the unit
/// tests, so that a small entry is applied in many parts). sled keeps every node version a
/// batch replaces until the batch ends, so a part's size bounds that memory; smaller parts
/// rewrite the shared keys (meta, index lists) more often, which grows the file. Measured:
///
/// | keys a part | import of 1,000,000 rows, peak | rebuild of a 1,000,000-unit demo store: time, peak, on disk |
/// |---|---|---|
/// | 200,000 | 2.68 GB | 109 s, 917 MB, 962 MB (the bench store: 52,799 entries of counts more) |
/// | 20,000 | 1.79 GB | 93 s, 730 MB, 1.1 GB |
/// | 4,000 | 1.70 GB | 64 s, 675 MB, 1.8 GB |
#[cfg(not(test))]
pub(super) const PART_KEYS: usize = 20_000;
#[cfg(test)]
pub(super) const PART_KEYS: usize = 16;

/// Pending writes of one part, readable before they are committed.
pub(super) struct Writes<'a> {
    pub(super) store: &'a Store,
    pub(super) pending: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// While a command's parts are open: the entry that began them (what each batch
    /// replaces is kept under it, see `parts`).
    pub(super) parts: Option<u64>,
}

impl Writes<'_> {
    pub(super) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.pending.get(key) {
            Some(v) => Ok(v.clone()),
            None => Ok(self.store.get(key)?.map(|v| v.to_vec())),
        }
    }

    /// The committed value of a key (ignoring pending writes).
    pub(super) fn store_value(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.store.get(key)?.map(|v| v.to_vec()))
    }

    pub(super) fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.pending.insert(key, Some(value));
    }

    pub(super) fn remove(&mut self, key: Vec<u8>) {
        self.pending.insert(key, None);
    }

    /// Commits the pending writes with the meta record that says how far the journal is
    /// applied, atomically (one sled batch, or the group's).
    pub(super) fn commit(&mut self, meta: &Meta, seq: u64, step: u64) -> Result<(), StoreError> {
        #[cfg(test)]
        if crash_now() {
            return Err(StoreError::Damaged(
                "the process died between two parts".into(),
            ));
        }
        if let Some(first) = self.parts {
            keep_images(self, first, seq, step)?;
        }
        let meta = (keys::META.to_vec(), Some(MetaRecord::encode(meta)?));
        self.store
            .commit_writes(self.pending.drain().chain(std::iter::once(meta)), PART_KEYS)
    }
}

pub(super) struct Context<'e> {
    pub(super) located: &'e Located,
    /// Steps of this entry already applied by an earlier, interrupted run.
    pub(super) skip: u64,
    pub(super) step: u64,
}

/// Counts one step; false when an interrupted run already applied it.
pub(super) fn take_step(
    w: &mut Writes,
    meta: &mut Meta,
    cx: &mut Context,
) -> Result<bool, StoreError> {
    let step = cx.step;
    cx.step += 1;
    if w.pending.len() >= PART_KEYS {
        meta.applying = Some((cx.located.entry.seq, step));
        w.commit(meta, cx.located.entry.seq, step)?;
    }
    Ok(step >= cx.skip)
}

/// Before a batch of a part is committed: keeps what each of its keys holds now, except the
/// keys that are not the command's (the parts' own record, the entries' hashes).
fn keep_images(w: &mut Writes, first: u64, seq: u64, step: u64) -> Result<(), StoreError> {
    let mut images = Vec::with_capacity(w.pending.len());
    for key in w.pending.keys() {
        if matches!(key.first(), Some(&keys::PARTS) | Some(&keys::ENTRY_HASH)) {
            continue;
        }
        images.push((key.clone(), w.store_value(key)?));
    }
    // Sorted, so the same parts applied again (a replay) store the same bytes.
    images.sort_unstable();
    w.put(
        keys::parts_images(first, seq, step),
        ImagesRecord::encode(&images)?,
    );
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Commits left before the next one fails as a crash would (None: never).
    pub(super) static CRASH_AFTER: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

#[cfg(test)]
fn crash_now() -> bool {
    CRASH_AFTER.with(|c| match c.get() {
        Some(0) => {
            c.set(None);
            true
        }
        Some(n) => {
            c.set(Some(n - 1));
            false
        }
        None => false,
    })
}
