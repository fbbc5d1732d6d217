//! Writes held in memory while the server commits groups of entries, then written to sled as
//! one batch by a settler thread once enough have gathered (or time has passed, or the server
//! falls idle). Sled writes its buffers out (two disk writes) for every batch, so a batch per
//! command would cost a group of fifty commands a hundred disk writes beside its one journal
//! fsync. Reads
//! see the held writes: a key's held value wins over sled's, and scans merge the two in key
//! order. The journal stays the record: held writes lost in a crash are replayed from it.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sled::IVec;

use super::StoreError;

/// Held writes are written to sled once this many keys have gathered... (sled blocks every
/// read while it applies a batch, so a big batch is a pause for every client: 4,096 keys
/// made the server's p99 three times its 512-key figure in `cargo bench --bench serve`)
pub(super) const SETTLE_KEYS: usize = 512;
/// ...or this long after the first of them.
pub(super) const SETTLE_AFTER: Duration = Duration::from_millis(250);

/// One held write: a key, and its value or `None` for a removal.
pub(super) type HeldWrite = (Vec<u8>, Option<Vec<u8>>);
type Layer = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// The held writes in two layers: the newest, and the older one a settler thread is writing
/// to sled (so the server's loop never waits for a batch).
#[derive(Default)]
struct Layers {
    /// A group is being committed: its writes are held.
    active: bool,
    writes: Layer,
    settling: Option<Arc<Layer>>,
    /// When the oldest write of `writes` came.
    since: Option<Instant>,
    /// Why a batch could not be written: sled lacks entries the journal has.
    failed: Option<String>,
}

impl Layers {
    fn due(&self) -> bool {
        self.writes.len() >= SETTLE_KEYS || self.since.is_some_and(|t| t.elapsed() >= SETTLE_AFTER)
    }

    fn check(&self) -> Result<(), String> {
        match &self.failed {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }
}

/// Writes held in memory and the thread that writes them to sled.
pub(super) struct HeldWrites {
    db: sled::Db,
    layers: Arc<RwLock<Layers>>,
    settler: Mutex<Option<JoinHandle<()>>>,
}

const POISONED: &str = "a thread failed while holding store writes";

impl HeldWrites {
    pub(super) fn new(db: sled::Db) -> HeldWrites {
        HeldWrites {
            db,
            layers: Arc::default(),
            settler: Mutex::new(None),
        }
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Layers>, String> {
        self.layers.read().map_err(|_| POISONED.to_string())
    }

    fn write(&self) -> Result<std::sync::RwLockWriteGuard<'_, Layers>, String> {
        self.layers.write().map_err(|_| POISONED.to_string())
    }

    /// A key's held value: `None` when the key is not held, `Some(None)` when it is removed.
    pub(super) fn get(&self, key: &[u8]) -> Result<Option<Option<IVec>>, String> {
        let layers = self.read()?;
        let held = layers
            .writes
            .get(key)
            .or_else(|| layers.settling.as_ref().and_then(|l| l.get(key)));
        Ok(held.map(|v| v.as_deref().map(IVec::from)))
    }

    /// The held writes under a prefix, in key order (reversed when `rev`).
    pub(super) fn under(&self, prefix: &[u8], rev: bool) -> Result<Vec<HeldWrite>, String> {
        self.held_where(prefix, rev, |k| k.starts_with(prefix))
    }

    /// The held writes from `lo` up to (not including) `hi`, in key order.
    pub(super) fn between(&self, lo: &[u8], hi: &[u8]) -> Result<Vec<HeldWrite>, String> {
        self.held_where(lo, false, |k| k < hi)
    }

    /// The held writes from `from` on while `keep` holds, in key order (reversed when `rev`).
    fn held_where(
        &self,
        from: &[u8],
        rev: bool,
        keep: impl Fn(&[u8]) -> bool,
    ) -> Result<Vec<HeldWrite>, String> {
        let layers = self.read()?;
        let range = |l: &Layer| -> Vec<HeldWrite> {
            l.range(from.to_vec()..)
                .take_while(|(k, _)| keep(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let mut out = match &layers.settling {
            None => range(&layers.writes),
            Some(older) => {
                let mut both: Layer = range(older).into_iter().collect();
                both.extend(range(&layers.writes));
                both.into_iter().collect()
            }
        };
        if rev {
            out.reverse();
        }
        Ok(out)
    }

    /// From now on, committed writes are held (see [`HeldWrites::end`]).
    pub(super) fn begin(&self) -> Result<(), String> {
        let mut layers = self.write()?;
        layers.check()?;
        layers.active = true;
        Ok(())
    }

    /// Ends a group: its writes stay held until enough have gathered or enough time passed,
    /// then a settler thread writes them to sled.
    pub(super) fn end(&self) -> Result<(), String> {
        let mut layers = self.write()?;
        layers.active = false;
        if layers.due() {
            self.start_settler(&mut layers)?;
        }
        layers.check()
    }

    /// Starts writing what is held to sled, unless that is under way already.
    pub(super) fn settle_soon(&self) -> Result<(), String> {
        let mut layers = self.write()?;
        if !layers.writes.is_empty() {
            self.start_settler(&mut layers)?;
        }
        layers.check()
    }

    /// Writes everything held to sled before returning.
    pub(super) fn settle(&self) -> Result<(), String> {
        self.wait_settler()?;
        let mut layers = self.write()?;
        layers.check()?;
        let batch = batch_of(&std::mem::take(&mut layers.writes));
        layers.since = None;
        self.db.apply_batch(batch).map_err(|e| e.to_string())
    }

    /// Commits one entry's (or one part's) writes atomically: held while a group is being
    /// committed (until `flush_at` keys are held), else written to sled at once with
    /// everything held before them, so sled never has an entry without the ones before it.
    pub(super) fn commit(
        &self,
        writes: impl Iterator<Item = HeldWrite>,
        flush_at: usize,
    ) -> Result<(), String> {
        let active = {
            let mut layers = self.write()?;
            layers.check()?;
            if layers.since.is_none() {
                layers.since = Some(Instant::now());
            }
            layers.writes.extend(writes);
            if layers.active && layers.writes.len() < flush_at {
                return Ok(());
            }
            layers.active
        };
        if active {
            // A large entry in a group: hand its part over, one batch at a time.
            self.wait_settler()?;
            let mut layers = self.write()?;
            self.start_settler(&mut layers)?;
            return layers.check();
        }
        self.settle()
    }

    /// Hands the newest layer to a settler thread, if none is writing one.
    fn start_settler(&self, layers: &mut Layers) -> Result<(), String> {
        if layers.settling.is_some() || layers.writes.is_empty() {
            return Ok(());
        }
        let mut settler = self.settler.lock().map_err(|_| POISONED.to_string())?;
        if let Some(done) = settler.take() {
            // It cleared `settling`, so it has finished.
            let _ = done.join();
        }
        let older = Arc::new(std::mem::take(&mut layers.writes));
        layers.since = None;
        layers.settling = Some(older.clone());
        let (db, shared, here) = (self.db.clone(), self.layers.clone(), older.clone());
        let spawned = std::thread::Builder::new()
            .name("tallyman-settle".into())
            .spawn(move || {
                let written = db.apply_batch(batch_of(&older));
                let mut layers = match shared.write() {
                    Ok(l) => l,
                    Err(p) => p.into_inner(),
                };
                match written {
                    Ok(()) => layers.settling = None,
                    Err(e) => {
                        layers.failed = Some(format!("could not write held writes to sled: {e}"))
                    }
                }
            });
        match spawned {
            Ok(handle) => {
                *settler = Some(handle);
                Ok(())
            }
            Err(_) => {
                // No thread to spare: write them here.
                layers.settling = None;
                self.db
                    .apply_batch(batch_of(&here))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Waits until no settler thread is writing.
    fn wait_settler(&self) -> Result<(), String> {
        let running = self
            .settler
            .lock()
            .map_err(|_| POISONED.to_string())?
            .take();
        if let Some(t) = running {
            t.join().map_err(|_| POISONED.to_string())?;
        }
        self.read()?.check()
    }
}

impl Drop for HeldWrites {
    /// Lets a settler finish (it holds the database open).
    fn drop(&mut self) {
        let _ = self.wait_settler();
    }
}

fn batch_of(layer: &Layer) -> sled::Batch {
    let mut batch = sled::Batch::default();
    for (k, v) in layer {
        match v {
            Some(v) => batch.insert(k.as_slice(), v.as_slice()),
            None => batch.remove(k.as_slice()),
        }
    }
    batch
}

type SledItem = Result<(IVec, IVec), StoreError>;

/// Sled's scan of a prefix with the held writes under it laid over, in the scan's order.
pub struct Merged<I: Iterator<Item = SledItem>> {
    sled: Peekable<I>,
    held: Peekable<std::vec::IntoIter<HeldWrite>>,
    rev: bool,
}

impl<I: Iterator<Item = SledItem>> Merged<I> {
    pub(super) fn new(sled: I, held: Vec<HeldWrite>, rev: bool) -> Self {
        Merged {
            sled: sled.peekable(),
            held: held.into_iter().peekable(),
            rev,
        }
    }
}

impl<I: Iterator<Item = SledItem>> Iterator for Merged<I> {
    type Item = SledItem;

    fn next(&mut self) -> Option<SledItem> {
        use std::cmp::Ordering;
        loop {
            let order = match (self.sled.peek(), self.held.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) | (Some(_), None) => return self.sled.next(),
                (None, Some(_)) => Ordering::Greater,
                (Some(Ok((stored, _))), Some((held, _))) => {
                    let o = stored.as_ref().cmp(held.as_slice());
                    if self.rev {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            match order {
                Ordering::Less => return self.sled.next(),
                Ordering::Equal => {
                    // The held write replaces the stored value.
                    self.sled.next();
                }
                Ordering::Greater => {}
            }
            if let Some((k, Some(v))) = self.held.next() {
                return Some(Ok((IVec::from(k), IVec::from(v))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(pairs: &[(&str, &str)]) -> Vec<SledItem> {
        pairs
            .iter()
            .map(|(k, v)| Ok((IVec::from(k.as_bytes()), IVec::from(v.as_bytes()))))
            .collect()
    }

    fn held(pairs: &[(&str, Option<&str>)]) -> HeldWrites {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let h = HeldWrites::new(db);
        h.begin().unwrap();
        let writes = pairs
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec())));
        h.commit(writes, usize::MAX).unwrap();
        h
    }

    fn merged(s: Vec<SledItem>, h: &HeldWrites, prefix: &str, rev: bool) -> Vec<(String, String)> {
        let s: Vec<SledItem> = if rev {
            s.into_iter().rev().collect()
        } else {
            s
        };
        Merged::new(s.into_iter(), h.under(prefix.as_bytes(), rev).unwrap(), rev)
            .map(|r| {
                let (k, v) = r.unwrap();
                (
                    String::from_utf8(k.to_vec()).unwrap(),
                    String::from_utf8(v.to_vec()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn held_writes_replace_add_and_remove_in_key_order_both_ways() {
        let s = || stored(&[("a1", "old"), ("a3", "gone"), ("a5", "kept")]);
        let h = held(&[
            ("a1", Some("new")),
            ("a2", Some("added")),
            ("a3", None),
            ("a6", Some("last")),
            ("b1", Some("other prefix")),
        ]);
        let want = vec![
            ("a1".to_string(), "new".to_string()),
            ("a2".to_string(), "added".to_string()),
            ("a5".to_string(), "kept".to_string()),
            ("a6".to_string(), "last".to_string()),
        ];
        assert_eq!(merged(s(), &h, "a", false), want);
        let mut back = want;
        back.reverse();
        assert_eq!(merged(s(), &h, "a", true), back);
    }

    #[test]
    fn a_removal_of_a_key_sled_never_had_yields_nothing() {
        let h = held(&[("a1", None)]);
        assert!(merged(stored(&[]), &h, "a", false).is_empty());
        assert_eq!(merged(stored(&[("a2", "x")]), &h, "a", true).len(), 1);
    }
}
