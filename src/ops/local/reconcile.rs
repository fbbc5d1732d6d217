//! Reconciling a count against the store as it is now, and suggesting which shortage a
//! surplus serial most likely stands for.

use super::OpsError;
use crate::domain::event::last_document_seq;
use crate::domain::reconcile::{self, Counted, Expected, MatchedRow};
use crate::domain::{
    Count, CountId, HistoryKind, ProductId, Resolution, ResolutionRecord, SerialKey,
};
use crate::ops::api::Mismatches;
use crate::store::{keys, Store};
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use std::collections::{HashMap, HashSet};

/// The unserialised products whose counted quantity differs from the books, by location.
/// A product is compared where it was counted, and in every counted bin (a bin done means
/// everything in it was counted, so what was not found there is short); elsewhere the count
/// did not look for it. A posted count gives the differences as they were at posting.
pub fn qty_mismatches(
    store: &Store,
    count: &Count,
) -> Result<Vec<crate::domain::count::QtyMismatch>, OpsError> {
    if count.status == crate::domain::CountStatus::Posted {
        if let Some(rows) = store.frozen_qty(count.id)? {
            return Ok(rows);
        }
    }
    let covered: HashSet<ProductId> = store
        .products()?
        .into_iter()
        .filter(|p| count.scope.covers_qty_product(p))
        .map(|p| p.id)
        .collect();
    if covered.is_empty() {
        return Ok(Vec::new());
    }
    let bins = store.counted_bin_locations(count.id)?;
    let mut rows: std::collections::BTreeMap<(String, u32), (i64, i64)> = Default::default();
    for c in store.counted_qty(count.id)? {
        let counted = i64::try_from(c.qty).unwrap_or(i64::MAX);
        rows.insert((c.location, c.product.0), (0, counted));
    }
    for q in store.quantities(Some(&count.scope.location))? {
        if !covered.contains(&q.product) {
            continue;
        }
        let key = (q.location, q.product.0);
        match rows.get_mut(&key) {
            Some(row) => row.0 = q.qty,
            None if bins.contains(&key.0) => {
                rows.insert(key, (q.qty, 0));
            }
            None => {}
        }
    }
    Ok(rows
        .into_iter()
        .filter(|(_, (expected, counted))| expected != counted)
        .map(
            |((location, product), (expected, counted))| crate::domain::count::QtyMismatch {
                location,
                product: ProductId(product),
                expected,
                counted,
            },
        )
        .collect())
}

pub fn resolutions(store: &Store, id: CountId) -> Result<Vec<ResolutionRecord>, OpsError> {
    let mut out = Vec::new();
    for r in store.scan_raw(&keys::resolutions_prefix(id))? {
        out.push(
            crate::store::records::ResolutionRecordV::decode(&r)
                .map_err(crate::store::StoreError::from)?,
        );
    }
    Ok(out)
}

pub fn mismatches(store: &Store, id: CountId) -> Result<Mismatches, OpsError> {
    let count = store.count(id)?.ok_or_else(|| {
        OpsError::refused(
            super::RefusalKind::Unknown,
            format!("expected a count number, found \"{id}\": no such count"),
        )
    })?;
    // A posted count shows its buckets as they were at posting, forever.
    if count.status == crate::domain::CountStatus::Posted {
        if let Some(f) = store.frozen(id)? {
            return Ok(Mismatches {
                count,
                rec: f.rec,
                accepted: f.accepted.into_iter().collect(),
                undone: f.undone.into_iter().collect(),
                resolutions: resolutions(store, id)?,
                moved_since_open: f.moved_since_open.into_iter().collect(),
            });
        }
    }
    let covers: HashMap<ProductId, bool> = store
        .products()?
        .into_iter()
        .map(|p| (p.id, count.scope.covers_product(&p)))
        .collect();
    // The long reads (units in stock in scope, in two halves of its locations, and the
    // count's live scans) run side by side; all come from index keys, not records. Locations
    // are interned and keys (product id, then serial bytes) hashed with a fast hasher, as a
    // count can cover a million units.
    let split = store.stock_split(&count.scope.location)?;
    let seen = |from: Option<&str>, to: Option<&str>, capacity: usize| {
        let mut seen = StockSeen {
            places: Places::default(),
            moved: FxHashSet::default(),
            expected: FxHashMap::with_capacity_and_hasher(capacity, FxBuildHasher),
        };
        store
            .for_each_stock_between(
                Some(&count.scope.location),
                from,
                to,
                |location, product, serial, last_document| {
                    if covers.get(&product).copied().unwrap_or(false) {
                        let at = seen.places.intern(location);
                        let key = unit_key(Some(product), serial);
                        if last_document > count.opened_seq {
                            seen.moved.insert(key.clone());
                        }
                        seen.expected.insert(key, at);
                    }
                },
            )
            .map(|_| seen)
    };
    let capacity = count.live as usize + 1024;
    let (lives, seen) = std::thread::scope(|s| {
        let lives = s.spawn(|| {
            let mut at = Places::default();
            let mut lives: Vec<Live> = Vec::with_capacity(count.live as usize);
            store
                .for_each_live_scan(id, |serial, number, product, location| {
                    lives.push(Live {
                        key: unit_key(product, serial),
                        number,
                        product,
                        location: at.intern(location),
                    })
                })
                .map(|_| (lives, at))
        });
        let second = split
            .as_deref()
            .map(|from| s.spawn(move || seen(Some(from), None, capacity / 2)));
        let first = seen(None, split.as_deref(), capacity);
        let joined = |what: &str| OpsError::Storage(format!("reading the count's {what} failed"));
        let mut first = first?;
        if let Some(second) = second {
            first.take(second.join().map_err(|_| joined("stock"))??);
        }
        Ok::<_, OpsError>((lives.join().map_err(|_| joined("scans"))?, first))
    })?;
    let StockSeen {
        places,
        moved: moved_in_stock,
        mut expected,
    } = seen;
    let (lives, scan_places) = lives?;
    let duplicates = store.duplicate_scans(id)?;
    let mut matched_fast = Vec::new();
    let mut counted = Vec::new();
    for live in lives {
        // The common case: the unit is in stock right where it was counted.
        let location = scan_places.name(live.location);
        if let (Some(product), Some(here)) = (live.product, places.find(location)) {
            if expected.get(&live.key[..]) == Some(&here) {
                expected.remove(&live.key[..]);
                matched_fast.push(MatchedRow {
                    product,
                    serial: SerialKey::from_stored(
                        String::from_utf8_lossy(&live.key[4..]).into_owned(),
                    ),
                    location: location.to_string(),
                    scan: live.number,
                    moved: false,
                });
                continue;
            }
        }
        let Some(scan) = store.count_scan(id, live.number)? else {
            continue;
        };
        let stored = match scan.product {
            Some(p) => store.unit_with_history(p, &scan.serial)?,
            // Unknown when scanned; a resolution (found stock, a receipt correction) may
            // have made it a unit since.
            None => {
                let mut units = store.units_with_serial(&scan.serial)?;
                let pick = units
                    .iter()
                    .position(|s| covers.get(&s.unit.product).copied().unwrap_or(false))
                    .unwrap_or(0);
                (!units.is_empty()).then(|| units.swap_remove(pick))
            }
        };
        let (unit, moved_after_scan) = match stored {
            Some(s) => {
                // Moved after its scan: a document on its timeline after this count's scan
                // of it, in journal order (clocks may give both the same millisecond).
                let scanned_at = s
                    .history
                    .iter()
                    .filter(|h| h.kind == HistoryKind::CountScan(id))
                    .map(|h| h.seq)
                    .max();
                let moved = s.history.iter().any(|h| {
                    matches!(h.kind, HistoryKind::Document(_))
                        && match scanned_at {
                            Some(seq) => h.seq > seq,
                            None => h.at_ms > scan.at_ms,
                        }
                });
                (Some(s.unit), moved)
            }
            None => (None, false),
        };
        let in_scope = unit
            .as_ref()
            .is_some_and(|u| covers.get(&u.product).copied().unwrap_or(false));
        counted.push(Counted {
            scan,
            unit,
            in_scope,
            moved_after_scan,
        });
    }
    let expected: Vec<Expected> = expected
        .into_iter()
        .map(|(key, at)| {
            let mut pid = [0u8; 4];
            pid.copy_from_slice(&key[..4]);
            Expected {
                product: ProductId(u32::from_be_bytes(pid)),
                serial: SerialKey::from_stored(String::from_utf8_lossy(&key[4..]).into_owned()),
                location: places.name(at).to_string(),
            }
        })
        .collect();
    let mut rec = reconcile::reconcile(expected, counted, duplicates);
    rec.matched.extend(matched_fast);
    let resolutions = resolutions(store, id)?;
    let accepted: HashSet<SerialKey> = resolutions
        .iter()
        .filter(|r| !r.undone)
        .filter_map(|r| match &r.resolution {
            Resolution::Accept { serial, .. } => Some(serial.clone()),
            _ => None,
        })
        .collect();
    // Shortage rows are units in stock in scope: the stock entry said whether they moved.
    // Surplus rows (no more than the scans) are read.
    let mut moved_since_open: HashSet<SerialKey> = rec
        .shortage
        .iter()
        .filter(|r| moved_in_stock.contains(&unit_key(Some(r.product), r.serial.as_str())))
        .map(|r| r.serial.clone())
        .collect();
    for (product, serial) in rec.surplus.iter().map(|r| (r.product, &r.serial)) {
        let Some(p) = product else { continue };
        if let Some(s) = store.unit_with_history(p, serial)? {
            if last_document_seq(&s.history) > count.opened_seq {
                moved_since_open.insert(serial.clone());
            }
        }
    }
    // Taken back and not scanned again: few, so each is checked against the live index.
    let mut undone: HashSet<SerialKey> = HashSet::new();
    for serial in store.undone_serials(id)? {
        if store.count_serial(id, &serial)?.is_none() {
            undone.insert(serial);
        }
    }
    Ok(Mismatches {
        count,
        rec,
        accepted,
        undone,
        resolutions,
        moved_since_open,
    })
}

/// A live scan as its index key tells it.
struct Live {
    /// Product id (big-endian; `u32::MAX` when unknown) then the serial's bytes.
    key: Vec<u8>,
    number: u32,
    product: Option<ProductId>,
    location: u32,
}

/// The map key of a unit: its product id, big-endian, then its serial.
fn unit_key(product: Option<ProductId>, serial: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(4 + serial.len());
    key.extend_from_slice(&product.map(|p| p.0).unwrap_or(u32::MAX).to_be_bytes());
    key.extend_from_slice(serial.as_bytes());
    key
}

/// The units in stock in a count's scope (or part of it) that it covers, by unit key, with
/// their location; and those among them with a document since the count opened.
struct StockSeen {
    places: Places,
    moved: FxHashSet<Vec<u8>>,
    expected: FxHashMap<Vec<u8>, u32>,
}

impl StockSeen {
    /// Takes in what another part of the scope held (its locations numbered anew).
    fn take(&mut self, other: StockSeen) {
        let renumbered: Vec<u32> = other
            .places
            .names
            .iter()
            .map(|code| self.places.intern(code))
            .collect();
        self.expected.reserve(other.expected.len());
        // Every `at` was numbered by `other.places`, so it indexes `renumbered`.
        for (key, at) in other.expected {
            self.expected.insert(key, renumbered[at as usize]);
        }
        self.moved.extend(other.moved);
    }
}

/// Location codes numbered once, so a million expected units share a few hundred strings.
#[derive(Default)]
struct Places {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Places {
    fn intern(&mut self, code: &str) -> u32 {
        if let Some(id) = self.ids.get(code) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(code.to_string(), id);
        self.names.push(code.to_string());
        id
    }

    fn find(&self, code: &str) -> Option<u32> {
        self.ids.get(code).copied()
    }

    fn name(&self, id: u32) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}
