//! A command written in parts (a large import): while its parts are open, each sled batch
//! keeps beside it what every key it wrote held before, so the parts can be taken back all
//! together when one is refused or the process stops before the last; when they end, that
//! record is dropped.

use super::keys;
use super::records::{ImagesRecord, Meta, PartsOpen, PartsOpenRecord};
use super::writes::{take_step, Context, Writes};
use super::{Store, StoreError};

impl Store {
    /// The command whose parts are open, if one is.
    pub fn parts_open(&self) -> Result<Option<PartsOpen>, StoreError> {
        match self.get(&keys::parts_open())? {
            Some(v) => Ok(Some(PartsOpenRecord::decode(&v)?)),
            None => Ok(None),
        }
    }

    /// The keys under which the batches of the parts begun in entry `first` keep what they
    /// replaced, in the order they were written.
    fn images_of(&self, first: u64) -> Result<Vec<Vec<u8>>, StoreError> {
        self.scan(&keys::parts_images_prefix(first), false)?
            .map(|item| item.map(|(k, _)| k.to_vec()))
            .collect()
    }
}

/// `PartsBegun`: from here on, every batch keeps what it replaces; the meta record as it is
/// now is kept too, for its counters.
pub(super) fn begun(w: &mut Writes, meta: &mut Meta, cx: &mut Context) -> Result<(), StoreError> {
    let first = cx.located.entry.seq;
    if let Some(open) = w.store.parts_open()?.filter(|open| open.first != first) {
        return Err(StoreError::Damaged(format!(
            "entry {first} begins a command in parts, but the one begun in entry {} is still open",
            open.first
        )));
    }
    if take_step(w, meta, cx)? {
        let open = PartsOpen {
            first,
            meta: meta.clone(),
        };
        w.put(keys::parts_open(), PartsOpenRecord::encode(&open)?);
    }
    w.parts = Some(first);
    Ok(())
}

/// The open parts, which must be the ones begun in entry `first`.
fn open_parts(w: &Writes, cx: &Context, first: u64) -> Result<PartsOpen, StoreError> {
    match w.store.parts_open()? {
        Some(open) if open.first == first => Ok(open),
        found => Err(StoreError::Damaged(format!(
            "entry {} closes the parts begun in entry {first}, but {}",
            cx.located.entry.seq,
            match found {
                Some(open) => format!("the open ones were begun in entry {}", open.first),
                None => "none are open".to_string(),
            }
        ))),
    }
}

/// Drops what the parts kept: the parts' own record and every batch's images.
fn forget(w: &mut Writes, first: u64) -> Result<(), StoreError> {
    for key in w.store.images_of(first)? {
        w.remove(key);
    }
    w.remove(keys::parts_open());
    Ok(())
}

/// `PartsEnded`: the command is whole; what its parts replaced is no longer needed.
pub(super) fn ended(
    w: &mut Writes,
    meta: &mut Meta,
    cx: &mut Context,
    first: u64,
) -> Result<(), StoreError> {
    open_parts(w, cx, first)?;
    let go = take_step(w, meta, cx)?;
    w.parts = None;
    if go {
        forget(w, first)?;
    }
    Ok(())
}

/// `PartsAbandoned`: every key the parts wrote gets back what it held before them (the
/// batches' images from the last to the first, so the oldest image of a key is the one that
/// stays), and the meta record its counters.
pub(super) fn abandoned(
    w: &mut Writes,
    meta: &mut Meta,
    cx: &mut Context,
    first: u64,
) -> Result<(), StoreError> {
    let open = open_parts(w, cx, first)?;
    // What this entry writes is the taking back itself: nothing of it is kept as an image.
    w.parts = None;
    for key in w.store.images_of(first)?.into_iter().rev() {
        if take_step(w, meta, cx)? {
            let bytes = w.store_value(&key)?.ok_or_else(|| {
                StoreError::Damaged(format!(
                    "the images of the parts begun in entry {first} went missing while they were taken back"
                ))
            })?;
            for (k, v) in ImagesRecord::decode(&bytes)? {
                match v {
                    Some(v) => w.put(k, v),
                    None => w.remove(k),
                }
            }
        }
    }
    if take_step(w, meta, cx)? {
        forget(w, first)?;
    }
    meta.next_product = open.meta.next_product;
    meta.next_party = open.meta.next_party;
    meta.next_count = open.meta.next_count;
    meta.next_generic = open.meta.next_generic;
    meta.doc_counters = open.meta.doc_counters;
    Ok(())
}
