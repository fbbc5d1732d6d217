//! The materialised state in sled: one tree of tagged keys, written only by applying journal
//! entries, read by queries. Replaying the journal into an empty store gives the same bytes.

mod apply;
pub mod held;
mod index;
pub mod keys;
mod lines;
mod parts;
pub mod records;
mod resolve;
mod warranty;
mod writes;

pub use records::{Meta, PartsOpen, StoredDocument, StoredUnit};

use crate::codec::CodecError;
use crate::domain::{
    Count, CountId, CountScan, Day, Location, Party, PartyId, Product, ProductId, SerialKey, Unit,
};
use crate::journal::Located;
use records::{
    CountRecord, CountScanRecord, DocumentRecord, LocationRecord, MetaRecord, PartyRecord,
    ProductRecord, UnitRecord,
};
use std::path::{Path, PathBuf};

/// Keys and values in key order, the held writes of a group included.
pub type Entries<'a> =
    held::Merged<Box<dyn Iterator<Item = Result<(sled::IVec, sled::IVec), StoreError>> + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {path} is in use by another tallyman process; wait for it to finish or stop it")]
    Locked { path: PathBuf },
    #[error("store {path}: {source}")]
    Sled { path: PathBuf, source: sled::Error },
    #[error("store: {0}")]
    Codec(#[from] CodecError),
    #[error("store {path} has layout version {found}, this tallyman reads version {FORMAT_VERSION}; it is remade from the journal when the database is opened")]
    Format { path: PathBuf, found: u32 },
    #[error("store: {0} is missing")]
    Missing(String),
    #[error("store: {0}; the store is remade from the journal by a rebuild")]
    Damaged(String),
    #[error("store: expected entry {expected} next, found entry {found}; the store is remade from the journal by a rebuild")]
    OutOfOrder { expected: u64, found: u64 },
    #[error("store {path}: {why}; restart tallyman to replay the journal")]
    Held { path: PathBuf, why: String },
}

/// A unit in stock: where, which product, which serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRow {
    pub location: String,
    pub product: ProductId,
    pub serial: SerialKey,
}

/// A quantity balance of an unserialised product at a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QtyRow {
    pub location: String,
    pub product: ProductId,
    pub qty: i64,
}

/// The layout of keys and records this code reads and writes.
/// 3: customers' held quantities of unserialised products (returns are checked against them).
/// 4: a count's figures per location are kept by verdict (counted, unexpected, unknown).
/// 5: counted bins, counted quantities and the scans taken back have their own keys.
/// 6: the hash of every applied journal entry is kept (`check` names a changed entry).
pub const FORMAT_VERSION: u32 = 8;

/// A count's live scans at one location, by what they were found to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Units in stock at this very location, as expected.
    pub counted: u32,
    /// Units that are not expected here (elsewhere, sold, written off, another product).
    pub unexpected: u32,
    /// Serials no unit has.
    pub unknown: u32,
}

impl Tally {
    const LEN: usize = 12;

    fn encode(&self) -> Vec<u8> {
        [self.counted, self.unexpected, self.unknown]
            .iter()
            .flat_map(|n| n.to_be_bytes())
            .collect()
    }

    fn decode(bytes: &[u8]) -> Result<Tally, StoreError> {
        if bytes.len() != Self::LEN {
            return Err(StoreError::Damaged(format!(
                "a count's location figures: expected {} bytes, found {}",
                Self::LEN,
                bytes.len()
            )));
        }
        let n = |i: usize| bytes.get(i * 4..i * 4 + 4).map_or(0, be_u32);
        Ok(Tally {
            counted: n(0),
            unexpected: n(1),
            unknown: n(2),
        })
    }
}

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    /// Writes of the groups being committed, not yet in sled (see `held`).
    held: held::HeldWrites,
    /// Whether this handle wrote anything: a process that only read has nothing of its own
    /// to flush (see [`Store::flush_all`]).
    wrote: std::sync::atomic::AtomicBool,
    /// A throw-away store's folder, removed when the command ends ([`Store::flush_all`]).
    temporary: Option<PathBuf>,
}

impl Store {
    /// Opens (or creates) the sled store in `dir`, with sled's own page cache (1 GiB).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_cache(dir, None)
    }

    /// [`Store::open`] with a page cache of `cache` bytes (a bulk writer reads back little
    /// of what it writes: a small cache holds less memory for the same time).
    pub fn open_with_cache(dir: &Path, cache: Option<u64>) -> Result<Store, StoreError> {
        // No timed flush: the journal is the record, and sled writes its buffers as they fill
        // and when the store closes. Its timed flush fsyncs sled's file every 500 ms, which
        // made the journal's own fsyncs wait (`cargo bench --bench serve`, 50 handhelds at
        // 10 scans/s: a bare fsync beside the server took p99 7-22 ms with it, about 1 ms
        // without). What a crash leaves unwritten, the next open replays from the journal.
        let mut config = sled::Config::new().path(dir).flush_every_ms(None);
        if let Some(cache) = cache {
            config = config.cache_capacity(cache);
        }
        let db = config.open().map_err(|source| match &source {
            // sled wraps the failed file lock in an `Other` error whose text names WouldBlock.
            sled::Error::Io(io)
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().contains("WouldBlock")
                    || io.to_string().contains("could not acquire lock") =>
            {
                StoreError::Locked {
                    path: dir.to_path_buf(),
                }
            }
            _ => StoreError::Sled {
                path: dir.to_path_buf(),
                source,
            },
        })?;
        let store = Store {
            path: dir.to_path_buf(),
            held: held::HeldWrites::new(db.clone()),
            wrote: std::sync::atomic::AtomicBool::new(false),
            temporary: None,
            db,
        };
        store.check_format()?;
        Ok(store)
    }

    /// A store in temporary space (sled's, in memory-backed `/dev/shm` where there is one),
    /// gone when dropped: used when the database's own store cannot be opened because its
    /// disk is full.
    /// A throw-away store in `path` (beside the database, never in memory-backed /dev/shm):
    /// removed when dropped, or when [`Store::flush_all`] ends the command.
    pub fn temporary(path: &Path) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        let db = sled::Config::new()
            .path(&path)
            .temporary(true)
            .flush_every_ms(None)
            .open()
            .map_err(|source| StoreError::Sled {
                path: path.clone(),
                source,
            })?;
        let store = Store {
            path: path.clone(),
            held: held::HeldWrites::new(db.clone()),
            wrote: std::sync::atomic::AtomicBool::new(false),
            temporary: Some(path.clone()),
            db,
        };
        store.check_format()?;
        Ok(store)
    }

    /// A new store is stamped with the layout version; an existing one must carry this one.
    fn check_format(&self) -> Result<(), StoreError> {
        match self.get(keys::FORMAT)? {
            Some(v) if v.as_ref() == FORMAT_VERSION.to_be_bytes() => Ok(()),
            Some(v) => Err(StoreError::Format {
                path: self.path.clone(),
                found: be_u32(&v),
            }),
            None if self.db.is_empty() => {
                self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
                self.db
                    .insert(keys::FORMAT, &FORMAT_VERSION.to_be_bytes())
                    .map_err(|e| self.sled_err(e))?;
                Ok(())
            }
            None => Err(StoreError::Format {
                path: self.path.clone(),
                found: 0,
            }),
        }
    }

    fn sled_err(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    fn get(&self, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        if let Some(held) = self.held.get(key).map_err(|why| self.held_err(why))? {
            return Ok(held);
        }
        self.db.get(key).map_err(|e| self.sled_err(e))
    }

    fn held_err(&self, why: String) -> StoreError {
        StoreError::Held {
            path: self.path.clone(),
            why,
        }
    }

    /// Every key and value under a prefix in key order (newest first when `rev`), the
    /// held writes included.
    fn scan(&self, prefix: &[u8], rev: bool) -> Result<Entries<'_>, StoreError> {
        let held = self
            .held
            .under(prefix, rev)
            .map_err(|why| self.held_err(why))?;
        let iter = self.db.scan_prefix(prefix);
        let sled: Box<dyn Iterator<Item = _>> = if rev {
            Box::new(iter.rev().map(|r| r.map_err(|e| self.sled_err(e))))
        } else {
            Box::new(iter.map(|r| r.map_err(|e| self.sled_err(e))))
        };
        Ok(held::Merged::new(sled, held, rev))
    }

    /// Every key and value from `lo` up to (not including) `hi`, in key order, the held
    /// writes included.
    fn range(&self, lo: &[u8], hi: &[u8]) -> Result<Entries<'_>, StoreError> {
        let held = self
            .held
            .between(lo, hi)
            .map_err(|why| self.held_err(why))?;
        let sled = self
            .db
            .range(lo.to_vec()..hi.to_vec())
            .map(|r| r.map_err(|e| self.sled_err(e)));
        Ok(held::Merged::new(Box::new(sled), held, false))
    }

    /// From now until [`Store::end_group`], entries applied are held in memory (readable)
    /// and written to sled later, many groups in one batch (see `held`).
    pub fn begin_group(&self) -> Result<(), StoreError> {
        self.held.begin().map_err(|why| self.held_err(why))
    }

    /// Ends a group; its writes go to sled when enough have gathered or enough time has
    /// passed, on a thread of their own.
    pub fn end_group(&self) -> Result<(), StoreError> {
        self.held.end().map_err(|why| self.held_err(why))
    }

    /// Starts writing the held writes to sled on a thread of their own (the server calls
    /// this when a moment passes without commands).
    pub fn settle_soon(&self) -> Result<(), StoreError> {
        self.held.settle_soon().map_err(|why| self.held_err(why))
    }

    /// Writes every held write to sled before returning.
    pub fn settle(&self) -> Result<(), StoreError> {
        self.held.settle().map_err(|why| self.held_err(why))
    }

    /// Commits one entry's (or one part's) writes with the meta record, atomically: held
    /// while a group is committed, else in one sled batch with whatever is still held.
    fn commit_writes(
        &self,
        writes: impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
        flush_at: usize,
    ) -> Result<(), StoreError> {
        self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
        self.held
            .commit(writes, flush_at)
            .map_err(|why| self.held_err(why))
    }

    pub fn meta(&self) -> Result<Meta, StoreError> {
        match self.get(keys::META)? {
            Some(bytes) => Ok(MetaRecord::decode(&bytes)?),
            None => Ok(Meta::default()),
        }
    }

    /// The hash journal entry `seq` had when it was applied.
    pub fn entry_hash(&self, seq: u64) -> Result<Option<crate::journal::EntryHash>, StoreError> {
        match self.get(&keys::entry_hash(seq))? {
            None => Ok(None),
            Some(v) => crate::journal::EntryHash::try_from(v.as_ref())
                .map(Some)
                .map_err(|_| {
                    StoreError::Damaged(format!(
                        "the hash of entry {seq}: expected 32 bytes, found {}",
                        v.len()
                    ))
                }),
        }
    }

    /// Applies one journal entry (see `apply.rs`). Entries already applied are skipped.
    pub fn apply(&self, located: &Located) -> Result<(), StoreError> {
        apply::apply(self, located)
    }

    /// Writes sled's buffers out (not a durability point: the journal is).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }

    /// Writes the held writes and everything sled still buffers to disk, as dropping the
    /// store would (until a flush has nothing left), so a process may end without tearing
    /// the store down: freeing a big store's page table took a fifth of a one-shot lookup.
    ///
    /// A handle that wrote nothing flushes nothing. sled writes a little of its own on every
    /// open (its id counter); flushed, that moves the log past sled's snapshot, so the next
    /// open writes a new snapshot of the whole page table (10 MB on the 1,000,000-unit store)
    /// before its first read. Left unflushed, it is what a crash would leave: sled counts
    /// again from the last counter it wrote, and tallyman takes no ids from sled.
    pub fn flush_all(&self) -> Result<(), StoreError> {
        if let Some(path) = &self.temporary {
            let _ = std::fs::remove_dir_all(path);
            return Ok(());
        }
        if !self.wrote.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        self.settle()?;
        while self.db.flush().map_err(|e| self.sled_err(e))? > 0 {}
        Ok(())
    }

    pub fn product(&self, id: ProductId) -> Result<Option<Product>, StoreError> {
        self.get(&keys::product(id))?
            .map(|b| ProductRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn product_by_sku(&self, sku: &str) -> Result<Option<Product>, StoreError> {
        match self.get(&keys::product_by_sku(sku))? {
            Some(id) => self.product(ProductId(be_u32(&id))),
            None => Ok(None),
        }
    }

    /// The product whose GTIN-14 is `gtin`.
    pub fn product_by_gtin(&self, gtin: &str) -> Result<Option<Product>, StoreError> {
        Ok(self
            .products()?
            .into_iter()
            .find(|p| p.gtin.as_deref() == Some(gtin)))
    }

    pub fn products(&self) -> Result<Vec<Product>, StoreError> {
        self.scan_decode(&[keys::PRODUCT], ProductRecord::decode)
    }

    pub fn party(&self, id: PartyId) -> Result<Option<Party>, StoreError> {
        self.get(&keys::party(id))?
            .map(|b| PartyRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn party_by_name(&self, name: &str) -> Result<Option<Party>, StoreError> {
        match self.get(&keys::party_by_name(&Party::name_key(name)))? {
            Some(id) => self.party(PartyId(be_u32(&id))),
            None => Ok(None),
        }
    }

    /// A posted count's buckets as they were at posting, when it was posted with them kept.
    pub fn frozen(
        &self,
        id: CountId,
    ) -> Result<Option<crate::domain::reconcile::FrozenReport>, StoreError> {
        self.get(&keys::frozen(id))?
            .map(|b| records::FrozenRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    /// A site user by account name.
    pub fn user(&self, name: &str) -> Result<Option<crate::domain::User>, StoreError> {
        self.get(&keys::user(name))?
            .map(|b| records::UserRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    /// Every site user, by name.
    pub fn users(&self) -> Result<Vec<crate::domain::User>, StoreError> {
        self.scan_decode(&[keys::USER], records::UserRecord::decode)
    }

    pub fn parties(&self) -> Result<Vec<Party>, StoreError> {
        self.scan_decode(&[keys::PARTY], PartyRecord::decode)
    }

    pub fn location(&self, code: &str) -> Result<Option<Location>, StoreError> {
        self.get(&keys::location(code))?
            .map(|b| LocationRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn locations(&self) -> Result<Vec<Location>, StoreError> {
        self.scan_decode(&[keys::LOCATION], LocationRecord::decode)
    }

    pub fn unit(&self, product: ProductId, serial: &SerialKey) -> Result<Option<Unit>, StoreError> {
        self.get(&keys::unit(product, serial))?
            .map(|b| UnitRecord::decode_unit(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn unit_with_history(
        &self,
        product: ProductId,
        serial: &SerialKey,
    ) -> Result<Option<StoredUnit>, StoreError> {
        self.get(&keys::unit(product, serial))?
            .map(|b| UnitRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    /// The serial's timeline, oldest first (empty for an unknown serial).
    pub fn history(
        &self,
        product: ProductId,
        serial: &SerialKey,
    ) -> Result<Vec<crate::domain::HistoryEntry>, StoreError> {
        Ok(self
            .unit_with_history(product, serial)?
            .map(|s| s.history)
            .unwrap_or_default())
    }

    /// Every unit a typed or scanned serial can mean: the serial upper-cased (as most
    /// products store it), then as typed (products that keep case); each unit once.
    pub fn units_named(&self, raw: &str) -> Result<Vec<StoredUnit>, StoreError> {
        let mut found: Vec<StoredUnit> = Vec::new();
        for fold in [true, false] {
            let Ok(key) = SerialKey::normalize(raw, fold) else {
                continue;
            };
            for s in self.units_with_serial(&key)? {
                let seen = found
                    .iter()
                    .any(|x| x.unit.product == s.unit.product && x.unit.serial == s.unit.serial);
                if !seen {
                    found.push(s);
                }
            }
        }
        Ok(found)
    }

    /// Every unit with this serial, whatever its product, each with its timeline.
    pub fn units_with_serial(&self, serial: &SerialKey) -> Result<Vec<StoredUnit>, StoreError> {
        self.scan_decode(&keys::unit_prefix(serial), UnitRecord::decode)
    }

    pub fn document(&self, number: &str) -> Result<Option<StoredDocument>, StoreError> {
        self.get(&keys::document(number))?
            .map(|b| DocumentRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn count(&self, id: CountId) -> Result<Option<Count>, StoreError> {
        self.get(&keys::count(id))?
            .map(|b| CountRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    pub fn counts(&self) -> Result<Vec<Count>, StoreError> {
        self.scan_decode(&[keys::COUNT], CountRecord::decode)
    }

    pub fn count_scan(&self, id: CountId, number: u32) -> Result<Option<CountScan>, StoreError> {
        self.get(&keys::count_scan(id, number))?
            .map(|b| CountScanRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    /// The number of the scan a client sent into a count with `key`, if one was recorded.
    pub fn scan_by_key(&self, id: CountId, key: &str) -> Result<Option<u32>, StoreError> {
        Ok(self.get(&keys::scan_key(id, key))?.and_then(|b| {
            let bytes: [u8; 4] = b.as_ref().try_into().ok()?;
            Some(u32::from_be_bytes(bytes))
        }))
    }

    /// Every scan of a count, in scan order.
    pub fn count_scans(&self, id: CountId) -> Result<Vec<CountScan>, StoreError> {
        self.scan_decode(&keys::count_scans_prefix(id), CountScanRecord::decode)
    }

    /// The last `n` scans of a count, newest first.
    pub fn last_count_scans(&self, id: CountId, n: usize) -> Result<Vec<CountScan>, StoreError> {
        self.last_count_scans_where(id, n, |_| true)
    }

    /// The last `n` scans of a count that pass `keep`, newest first (reads no further back).
    pub fn last_count_scans_where(
        &self,
        id: CountId,
        n: usize,
        keep: impl Fn(&CountScan) -> bool,
    ) -> Result<Vec<CountScan>, StoreError> {
        let mut out = Vec::with_capacity(n);
        for item in self.scan(&keys::count_scans_prefix(id), true)? {
            if out.len() == n {
                break;
            }
            let (_, v) = item?;
            let scan = CountScanRecord::decode(&v)?;
            if keep(&scan) {
                out.push(scan);
            }
        }
        Ok(out)
    }

    /// The number of the live scan of this serial in the count, if it was scanned.
    pub fn count_serial(&self, id: CountId, serial: &SerialKey) -> Result<Option<u32>, StoreError> {
        Ok(self
            .get(&keys::count_serial(id, serial))?
            .map(|v| be_u32(&v)))
    }

    /// Calls `f(serial, number, product, location)` for every live scan of a count (neither a
    /// duplicate nor undone), in serial order.
    pub fn for_each_live_scan(
        &self,
        id: CountId,
        mut f: impl FnMut(&str, u32, Option<ProductId>, &str),
    ) -> Result<(), StoreError> {
        for item in self.scan(&keys::count_serials_prefix(id), false)? {
            let (k, v) = item?;
            if let Some((serial, number, product, location)) = keys::split_count_serial(&k, &v) {
                f(serial, number, product, location);
            }
        }
        Ok(())
    }

    /// The numbers of a count's live duplicate scans.
    /// The serials of a count's scans that were taken back (from their own index, not the
    /// scan records: a count may hold a million scans).
    pub fn undone_serials(&self, id: CountId) -> Result<Vec<SerialKey>, StoreError> {
        let mut out = Vec::new();
        for item in self.scan(&keys::count_undone_prefix(id), false)? {
            let (_, v) = item?;
            out.push(SerialKey::from_stored(
                String::from_utf8_lossy(&v).into_owned(),
            ));
        }
        Ok(out)
    }

    pub fn duplicate_scans(&self, id: CountId) -> Result<Vec<u32>, StoreError> {
        let prefix = keys::count_duplicates_prefix(id);
        let mut out = Vec::new();
        for item in self.scan(&prefix, false)? {
            let (k, _) = item?;
            out.push(be_u32(k.get(prefix.len()..).unwrap_or_default()));
        }
        Ok(out)
    }

    /// Live counted scans at exactly this location.
    /// The bins of a count its counters finished, in location order.
    pub fn counted_bins(
        &self,
        id: CountId,
    ) -> Result<Vec<crate::domain::count::CountedBin>, StoreError> {
        self.scan_decode(&keys::count_bins_prefix(id), |v| {
            crate::codec::decode("a counted bin", v)
        })
    }

    /// What a count counted of unserialised products, by location and product.
    pub fn counted_qty(
        &self,
        id: CountId,
    ) -> Result<Vec<crate::domain::count::QtyCounted>, StoreError> {
        self.scan_decode(&keys::count_qty_prefix(id), |v| {
            crate::codec::decode("a counted quantity", v)
        })
    }

    /// A posted count's quantity differences, as they were at posting.
    pub fn frozen_qty(
        &self,
        id: CountId,
    ) -> Result<Option<Vec<crate::domain::count::QtyMismatch>>, StoreError> {
        self.get(&keys::count_qty_frozen(id))?
            .map(|v| crate::codec::decode("quantity differences", &v).map_err(StoreError::from))
            .transpose()
    }

    /// The locations of a count's counted bins.
    pub fn counted_bin_locations(
        &self,
        id: CountId,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        Ok(self
            .counted_bins(id)?
            .into_iter()
            .map(|b| b.location)
            .collect())
    }

    /// Was the count posted with the shortages of its counted bins only?
    /// The journal entry that posted a count, with the hash it had when it was applied.
    pub fn posted_entry(
        &self,
        id: CountId,
    ) -> Result<Option<(u64, crate::journal::EntryHash)>, StoreError> {
        let Some(v) = self.get(&keys::count_posted_entry(id))? else {
            return Ok(None);
        };
        let seq = be_i64(&v) as u64;
        Ok(self.entry_hash(seq)?.map(|h| (seq, h)))
    }

    pub fn posted_bins_only(&self, id: CountId) -> Result<bool, StoreError> {
        Ok(self.get(&keys::count_bins_only(id))?.is_some())
    }

    pub fn count_tally(&self, id: CountId, location: &str) -> Result<Tally, StoreError> {
        match self.get(&keys::count_tally(id, location))? {
            Some(v) => Tally::decode(&v),
            None => Ok(Tally::default()),
        }
    }

    /// Units in stock under a location subtree (all locations when `scope` is None).
    pub fn stock(&self, scope: Option<&str>) -> Result<Vec<StockRow>, StoreError> {
        let mut out = Vec::new();
        self.for_each_in_scope(keys::STOCK, scope, |k, _| {
            if let Some((location, product, serial)) = keys::parse_stock(k) {
                out.push(StockRow {
                    location,
                    product,
                    serial,
                });
            }
        })?;
        Ok(out)
    }

    /// A location code that splits the stock under `scope` into two ranges of about as many
    /// locations each, for reading them side by side (`None`: fewer than two locations).
    pub fn stock_split(&self, scope: &str) -> Result<Option<String>, StoreError> {
        let mut codes: Vec<String> = self
            .locations()?
            .into_iter()
            .map(|l| l.code)
            .filter(|c| {
                c.strip_prefix(scope).is_some_and(|rest| {
                    scope.is_empty() || rest.is_empty() || rest.starts_with('/')
                })
            })
            .collect();
        codes.sort();
        Ok((codes.len() >= 2).then(|| codes.swap_remove(codes.len() / 2)))
    }

    /// [`Store::for_each_stock`] over the locations from `from` up to (not including) `to`
    /// (see [`Store::stock_split`]).
    pub fn for_each_stock_between(
        &self,
        scope: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        mut f: impl FnMut(&str, ProductId, &str, u64),
    ) -> Result<(), StoreError> {
        self.for_each_in_scope_between(keys::STOCK, scope, from, to, |k, v| {
            if let Some((location, product, serial)) = keys::split_stock(k) {
                f(location, product, serial, be_u64(v));
            }
        })
    }

    /// Calls `f(location, product, serial, last document)` for every unit in stock under a
    /// location subtree, without building rows (reconciliation of large counts); the last
    /// document is the sequence of the journal entry of the last document on the unit's
    /// timeline.
    pub fn for_each_stock(
        &self,
        scope: Option<&str>,
        mut f: impl FnMut(&str, ProductId, &str, u64),
    ) -> Result<(), StoreError> {
        self.for_each_in_scope(keys::STOCK, scope, |k, v| {
            if let Some((location, product, serial)) = keys::split_stock(k) {
                f(location, product, serial, be_u64(v));
            }
        })
    }

    /// Quantity balances of unserialised products under a location subtree.
    pub fn quantities(&self, scope: Option<&str>) -> Result<Vec<QtyRow>, StoreError> {
        let mut out = Vec::new();
        self.for_each_in_scope(keys::QTY, scope, |k, v| {
            if let Some((location, product)) = keys::parse_qty(k) {
                let qty = be_i64(v);
                if qty != 0 {
                    out.push(QtyRow {
                        location,
                        product,
                        qty,
                    });
                }
            }
        })?;
        Ok(out)
    }

    /// How much of an unserialised product a customer holds from us: sold minus returned.
    pub fn customer_qty(&self, party: PartyId, product: ProductId) -> Result<i64, StoreError> {
        Ok(self
            .get(&keys::customer_qty(party, product))?
            .map(|v| be_i64(&v))
            .unwrap_or(0))
    }

    pub fn qty(&self, location: &str, product: ProductId) -> Result<i64, StoreError> {
        Ok(self
            .get(&keys::qty(location, product))?
            .map(|v| be_i64(&v))
            .unwrap_or(0))
    }

    fn for_each_in_scope(
        &self,
        tag: u8,
        scope: Option<&str>,
        f: impl FnMut(&[u8], &[u8]),
    ) -> Result<(), StoreError> {
        self.for_each_in_scope_between(tag, scope, None, None, f)
    }

    /// [`Store::for_each_in_scope`] over the locations from `from` up to (not including)
    /// `to`, in code order; `None` leaves that end open.
    fn for_each_in_scope_between(
        &self,
        tag: u8,
        scope: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        mut f: impl FnMut(&[u8], &[u8]),
    ) -> Result<(), StoreError> {
        let prefix = keys::location_prefix(tag, scope.unwrap_or(""));
        let entries = match (from, to) {
            (None, None) => self.scan(&prefix, false)?,
            _ => {
                let lo = from.map_or_else(|| prefix.clone(), |l| keys::location_prefix(tag, l));
                let hi = match to {
                    Some(h) => keys::location_prefix(tag, h),
                    None => keys::prefix_end(&prefix),
                };
                self.range(&lo, &hi)?
            }
        };
        for item in entries {
            let (k, v) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            let next = k.get(prefix.len()).copied();
            if scope.is_some() && next != Some(0) && next != Some(b'/') {
                continue;
            }
            f(&k, &v);
        }
        Ok(())
    }

    fn scan_decode<T>(
        &self,
        prefix: &[u8],
        decode: impl Fn(&[u8]) -> Result<T, CodecError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in self.scan(prefix, false)? {
            let (_, v) = item?;
            out.push(decode(&v)?);
        }
        Ok(out)
    }

    pub fn agreement(
        &self,
        number: &str,
    ) -> Result<Option<crate::domain::warranty::Agreement>, StoreError> {
        self.get(&keys::agreement(number))?
            .map(|b| records::AgreementRecord::decode(&b).map_err(StoreError::from))
            .transpose()
    }

    /// The open repair of a serial, if any.
    pub fn open_repair(
        &self,
        serial: &SerialKey,
    ) -> Result<Option<crate::domain::warranty::Repair>, StoreError> {
        for v in self.scan_raw(&[keys::REPAIR])? {
            let r = records::RepairRecord::decode(&v)?;
            if &r.serial == serial && r.closed.is_none() {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// Calls `f` with every unit and its timeline, in key order.
    pub fn for_each_unit(&self, mut f: impl FnMut(StoredUnit)) -> Result<(), StoreError> {
        for item in self.scan(&[keys::UNIT], false)? {
            let (_, v) = item?;
            f(UnitRecord::decode(&v)?);
        }
        Ok(())
    }

    /// Sold units of `product` whose manufacturer coverage may start from `first` to `last`
    /// on `basis` (`keys::START_*`), as (product, serial).
    pub fn warranty_starts(
        &self,
        product: ProductId,
        basis: u8,
        first: Day,
        last: Day,
    ) -> Result<Vec<(ProductId, SerialKey)>, StoreError> {
        let lo = keys::warranty_start(product, basis, first);
        let hi = keys::warranty_start(product, basis, Day(last.0.saturating_add(1)));
        self.index_lists(self.range(&lo, &hi)?)
    }

    /// Sold units with a recorded coverage ending from `first` to `last`, as (product, serial).
    pub fn coverage_ends(
        &self,
        first: Day,
        last: Day,
    ) -> Result<Vec<(ProductId, SerialKey)>, StoreError> {
        let lo = keys::coverage_end(first);
        let hi = keys::coverage_end(Day(last.0.saturating_add(1)));
        self.index_lists(self.range(&lo, &hi)?)
    }

    /// Units sold to `customer` (in the sold state now), as (product, serial).
    pub fn sold_to(&self, customer: PartyId) -> Result<Vec<(ProductId, SerialKey)>, StoreError> {
        self.index_lists(self.scan(&keys::sold_to_prefix(customer), false)?)
    }

    /// The units the index lists read name (see `index`).
    fn index_lists(&self, lists: Entries<'_>) -> Result<Vec<(ProductId, SerialKey)>, StoreError> {
        let mut out = Vec::new();
        for item in lists {
            let (k, v) = item?;
            let damaged = || index::damaged_list(&k);
            for m in keys::split_members(&v).ok_or_else(damaged)? {
                out.push(keys::parse_member(m).ok_or_else(damaged)?);
            }
        }
        Ok(out)
    }

    /// The raw value of one key.
    pub fn raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get(key)?.map(|v| v.to_vec()))
    }

    /// The raw values under a key prefix, in key order.
    pub fn scan_raw(&self, prefix: &[u8]) -> Result<Vec<sled::IVec>, StoreError> {
        let mut out = Vec::new();
        for item in self.scan(prefix, false)? {
            let (_, v) = item?;
            out.push(v);
        }
        Ok(out)
    }

    /// Every key and value, in order (for `check`).
    pub fn entries(&self) -> Result<Entries<'_>, StoreError> {
        self.scan(&[], false)
    }
}

pub(crate) fn be_u32(bytes: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    let n = bytes.len().min(4);
    b[..n].copy_from_slice(&bytes[..n]);
    u32::from_be_bytes(b)
}

pub(crate) fn be_u64(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = bytes.len().min(8);
    b[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(b)
}

pub(crate) fn be_i64(bytes: &[u8]) -> i64 {
    let mut b = [0u8; 8];
    let n = bytes.len().min(8);
    b[..n].copy_from_slice(&bytes[..n]);
    i64::from_be_bytes(b)
}
