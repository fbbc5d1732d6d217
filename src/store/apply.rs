//! Applying a journal entry to the store: deterministic, and atomic per sled batch. A very
//! large entry (an import) is applied in parts; the meta record remembers how many steps are
//! in, so a crash between parts resumes exactly where it stopped.

use super::index;
use super::keys;
use super::lines::{apply_line, put_document, read_count};
use super::records::{
    CountRecord, CountScanRecord, LocationRecord, Meta, PartyRecord, ProductRecord, UnitRecord,
};
use super::writes::{take_step, Context, Writes};
use super::{Store, StoreError};
use crate::domain::{
    CountId, CountScan, DocNo, Document, Event, HistoryEntry, HistoryKind, Party, Resolution,
    ScanVerdict,
};
use crate::journal::Located;
use std::collections::HashMap;

pub fn apply(store: &Store, located: &Located) -> Result<(), StoreError> {
    let mut meta = store.meta()?;
    let seq = located.entry.seq;
    if seq <= meta.applied_seq {
        return Ok(());
    }
    if seq != meta.applied_seq + 1 {
        return Err(StoreError::OutOfOrder {
            expected: meta.applied_seq + 1,
            found: seq,
        });
    }
    let skip = match meta.applying {
        Some((s, done)) if s == seq => done,
        _ => 0,
    };
    let mut w = Writes {
        store,
        pending: HashMap::new(),
        parts: store.parts_open()?.map(|open| open.first),
    };
    let mut cx = Context {
        located,
        skip,
        step: 0,
    };
    for event in &located.entry.events {
        apply_event(&mut w, &mut meta, &mut cx, event)?;
    }
    w.put(keys::entry_hash(seq), located.hash.to_vec());
    meta.applied_seq = seq;
    meta.applied_start = located.start;
    meta.applied_end = located.end;
    meta.applied_hash = located.hash;
    meta.applying = None;
    w.commit(&meta, seq, cx.step)
}

fn apply_event(
    w: &mut Writes,
    meta: &mut Meta,
    cx: &mut Context,
    event: &Event,
) -> Result<(), StoreError> {
    match event {
        Event::ProductAdded(p) => {
            meta.next_product = meta.next_product.max(p.id.0 + 1);
            if take_step(w, meta, cx)? {
                w.put(keys::product(p.id), ProductRecord::encode(p)?);
                w.put(keys::product_by_sku(&p.sku), p.id.0.to_be_bytes().to_vec());
            }
        }
        Event::LocationAdded(l) => {
            if take_step(w, meta, cx)? {
                w.put(keys::location(&l.code), LocationRecord::encode(l)?);
            }
        }
        Event::PartyAdded(p) => {
            meta.next_party = meta.next_party.max(p.id.0 + 1);
            if take_step(w, meta, cx)? {
                w.put(keys::party(p.id), PartyRecord::encode(p)?);
                w.put(
                    keys::party_by_name(&Party::name_key(&p.name)),
                    p.id.0.to_be_bytes().to_vec(),
                );
            }
        }
        Event::DocumentPosted(doc) => {
            note_number(meta, doc);
            if take_step(w, meta, cx)? {
                put_document(w, cx, doc)?;
            }
            for line in &doc.lines {
                if take_step(w, meta, cx)? {
                    apply_line(w, cx, doc, line)?;
                }
            }
        }
        Event::CountOpened(count) => {
            meta.next_count = meta.next_count.max(count.id.0 + 1);
            if take_step(w, meta, cx)? {
                w.put(keys::count(count.id), CountRecord::encode(count)?);
            }
        }
        Event::CountScanned(scan) => {
            if take_step(w, meta, cx)? {
                apply_count_scan(w, cx, scan)?;
            }
        }
        Event::ScanKeyed { count, number, key } => {
            if take_step(w, meta, cx)? {
                w.put(keys::scan_key(*count, key), number.to_be_bytes().to_vec());
            }
        }
        Event::CountScanUndone { count, number } => {
            if take_step(w, meta, cx)? {
                undo_count_scan(w, *count, *number)?;
            }
        }
        Event::CountResolved {
            count,
            number,
            resolution,
        } => {
            if let Resolution::Posting(doc)
            | Resolution::ReplaceOnSale {
                correction: doc, ..
            }
            | Resolution::ReplaceOnReceipt {
                correction: doc, ..
            } = resolution
            {
                note_number(meta, doc);
            }
            if take_step(w, meta, cx)? {
                super::resolve::apply_resolution(w, cx, *count, *number, resolution)?;
            }
        }
        Event::CountResolutionUndone { count, number } => {
            if take_step(w, meta, cx)? {
                super::resolve::undo_resolution(w, *count, *number)?;
            }
        }
        Event::ProductWarrantyTerms {
            product,
            basis,
            policy,
        } => {
            if take_step(w, meta, cx)? {
                super::warranty::product_terms(w, *product, *basis, *policy)?;
            }
        }
        Event::WarrantyActivated {
            product,
            serial,
            date,
        } => {
            if take_step(w, meta, cx)? {
                super::warranty::activate(w, cx, *product, serial, *date)?;
            }
        }
        Event::AgreementAdded(a) => {
            note_series(meta, &a.number);
            if take_step(w, meta, cx)? {
                super::warranty::agreement_added(w, cx, a)?;
            }
        }
        Event::AgreementEventRecorded { number, event } => {
            if take_step(w, meta, cx)? {
                super::warranty::agreement_event(w, cx, number, event)?;
            }
        }
        Event::RepairOpened(r) => {
            note_series(meta, &r.number);
            if take_step(w, meta, cx)? {
                super::warranty::repair_opened(w, cx, r)?;
            }
        }
        Event::RepairClosed {
            number,
            to,
            note,
            date,
        } => {
            if take_step(w, meta, cx)? {
                super::warranty::repair_closed(w, cx, number, to.as_deref(), note, *date)?;
            }
        }
        Event::UnitReplaced(x) => {
            if take_step(w, meta, cx)? {
                super::warranty::replaced(w, cx, x)?;
            }
        }
        Event::GenericWarrantyAdded { id, generic } => {
            meta.next_generic = meta.next_generic.max(id + 1);
            if take_step(w, meta, cx)? {
                super::warranty::generic_added(w, *id, generic)?;
            }
        }
        Event::BinCounted(bin) => {
            if take_step(w, meta, cx)? {
                w.put(
                    keys::count_bin(bin.count, &bin.location),
                    crate::codec::encode("a counted bin", bin)?,
                );
            }
        }
        Event::CountQtyAdded(q) => {
            if take_step(w, meta, cx)? {
                let key = keys::count_qty(q.count, &q.location, q.product);
                let before: u64 = match w.get(&key)? {
                    Some(v) => {
                        crate::codec::decode::<crate::domain::count::QtyCounted>(
                            "a counted quantity",
                            &v,
                        )?
                        .qty
                    }
                    None => 0,
                };
                let now = crate::domain::count::QtyCounted {
                    location: q.location.clone(),
                    product: q.product,
                    qty: before.saturating_add_signed(i64::from(q.qty)),
                };
                w.put(key, crate::codec::encode("a counted quantity", &now)?);
                let mut count = read_count(w, q.count)?;
                if !count.counters.contains(&q.counter) {
                    count.counters.push(q.counter.clone());
                    w.put(keys::count(q.count), CountRecord::encode(&count)?);
                }
            }
        }
        Event::CountQtyFrozen { count, rows } => {
            if take_step(w, meta, cx)? {
                w.put(
                    keys::count_qty_frozen(*count),
                    crate::codec::encode("quantity differences", rows)?,
                );
            }
        }
        Event::PostedCountedBins { count } => {
            if take_step(w, meta, cx)? {
                w.put(keys::count_bins_only(*count), Vec::new());
            }
        }
        Event::CountFrozen { count, report } => {
            if take_step(w, meta, cx)? {
                w.put(
                    keys::frozen(*count),
                    super::records::FrozenRecord::encode(report)?,
                );
                w.put(
                    keys::count_posted_entry(*count),
                    cx.located.entry.seq.to_be_bytes().to_vec(),
                );
            }
        }
        Event::PartsBegun => super::parts::begun(w, meta, cx)?,
        Event::PartsEnded { first } => super::parts::ended(w, meta, cx, *first)?,
        Event::PartsAbandoned { first } => super::parts::abandoned(w, meta, cx, *first)?,
        Event::UserSet { name, role } => {
            if take_step(w, meta, cx)? {
                match role {
                    Some(role) => w.put(
                        keys::user(name),
                        super::records::UserRecord::encode(&crate::domain::User {
                            name: name.clone(),
                            role: *role,
                        })?,
                    ),
                    None => w.remove(keys::user(name)),
                }
            }
        }
        Event::CountStatusChanged { count, status } => {
            if take_step(w, meta, cx)? {
                let mut c = read_count(w, *count)?;
                c.status = *status;
                w.put(keys::count(*count), CountRecord::encode(&c)?);
            }
        }
    }
    Ok(())
}

/// Adds `delta` to the location's figure for the scan's verdict (counted as expected,
/// unexpected, unknown); duplicates are in no figure.
fn bump_tally(
    w: &mut Writes,
    id: CountId,
    location: &str,
    verdict: &ScanVerdict,
    delta: i32,
) -> Result<(), StoreError> {
    let key = keys::count_tally(id, location);
    let mut tally = match w.get(&key)? {
        Some(v) => super::Tally::decode(&v)?,
        None => super::Tally::default(),
    };
    let figure = match verdict {
        ScanVerdict::Counted => &mut tally.counted,
        ScanVerdict::Unexpected(_) => &mut tally.unexpected,
        ScanVerdict::Unknown => &mut tally.unknown,
        ScanVerdict::Duplicate { .. } => return Ok(()),
    };
    *figure = figure.saturating_add_signed(delta);
    w.put(key, tally.encode());
    Ok(())
}

/// Records a scan: the scan itself, the count's figures, the serial's first scan, and a line
/// in the unit's timeline when the serial belongs to a known unit.
fn apply_count_scan(w: &mut Writes, cx: &Context, scan: &CountScan) -> Result<(), StoreError> {
    let mut count = read_count(w, scan.count)?;
    count.scans = count.scans.max(scan.number);
    if !count.counters.contains(&scan.counter) {
        count.counters.push(scan.counter.clone());
    }
    let live = !matches!(scan.verdict, ScanVerdict::Duplicate { .. });
    if !live {
        w.put(keys::count_duplicate(scan.count, scan.number), Vec::new());
    }
    if live {
        count.live += 1;
        w.put(
            keys::count_serial(scan.count, &scan.serial),
            keys::count_serial_value(scan.number, scan.product, &scan.location),
        );
        bump_tally(w, scan.count, &scan.location, &scan.verdict, 1)?;
    }
    w.put(keys::count(scan.count), CountRecord::encode(&count)?);
    w.put(
        keys::count_scan(scan.count, scan.number),
        CountScanRecord::encode(scan)?,
    );
    if let Some(product) = scan.product {
        let ukey = keys::unit(product, &scan.serial);
        if let Some(bytes) = w.get(&ukey)? {
            let mut stored = UnitRecord::decode(&bytes)?;
            let was = index::derived(&stored.unit, &stored.history);
            stored.history.push(HistoryEntry {
                seq: cx.located.entry.seq,
                at_ms: scan.at_ms,
                actor: scan.counter.clone(),
                kind: HistoryKind::CountScan(scan.count),
                document: DocNo(format!("COUNT-{}", scan.count)),
                date: crate::domain::Day::from_ms(scan.at_ms),
                party: None,
                invoice: None,
                from: None,
                to: Some(scan.location.clone()),
                amount: None,
                reason: Some(scan.verdict.name().to_string()),
                warning: None,
            });
            index::put_unit(w, &was, &stored)?;
        }
    }
    Ok(())
}

fn undo_count_scan(w: &mut Writes, id: CountId, number: u32) -> Result<(), StoreError> {
    let key = keys::count_scan(id, number);
    let Some(bytes) = w.get(&key)? else {
        return Err(StoreError::Missing(format!("scan {number} of count {id}")));
    };
    let mut scan = CountScanRecord::decode(&bytes)?;
    if scan.undone {
        return Ok(());
    }
    scan.undone = true;
    w.put(key, CountScanRecord::encode(&scan)?);
    w.put(
        keys::count_undone(id, number),
        scan.serial.as_str().as_bytes().to_vec(),
    );
    if matches!(scan.verdict, ScanVerdict::Duplicate { .. }) {
        w.remove(keys::count_duplicate(id, number));
    } else {
        let mut count = read_count(w, id)?;
        count.live = count.live.saturating_sub(1);
        w.put(keys::count(id), CountRecord::encode(&count)?);
        let skey = keys::count_serial(id, &scan.serial);
        if w.get(&skey)?.map(|v| super::be_u32(&v)) == Some(number) {
            w.remove(skey);
        }
        bump_tally(w, id, &scan.location, &scan.verdict, -1)?;
    }
    Ok(())
}

/// Keeps the document counter at or above the number just posted (`S-2026-0042` -> 42).
fn note_number(meta: &mut Meta, doc: &Document) {
    note_series(meta, &doc.number.0);
}

/// Keeps a numbering series at or above a number just used (`RP-2026-0007` -> 7).
fn note_series(meta: &mut Meta, number: &str) {
    if let Some((series, n)) = number.rsplit_once('-') {
        if let Ok(n) = n.parse::<u64>() {
            let c = meta.doc_counters.entry(series.to_string()).or_insert(0);
            *c = (*c).max(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DocKind, Mode, PartyRole, SerialFormat, Tracking};
    use crate::journal::read_all;
    use crate::ops::local::Service;
    use crate::ops::{Command, DocRequest, LineRequest, NewParty, NewProduct};

    use crate::store::writes::CRASH_AFTER;

    fn all(store: &Store) -> Vec<(Vec<u8>, Vec<u8>)> {
        store
            .entries()
            .unwrap()
            .map(|r| r.unwrap())
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect()
    }

    /// Every entry of the database's journal.
    fn journal_of(dir: &std::path::Path) -> Vec<Located> {
        let mut entries = Vec::new();
        read_all(&dir.join(crate::ops::JOURNAL_FILE), |l| {
            entries.push(l.clone());
            Ok(())
        })
        .unwrap();
        entries
    }

    /// A journal whose last entry is a receipt of 60 serials: many parts of 16 keys here.
    fn journal_with_a_big_receipt(dir: &std::path::Path) -> Vec<Located> {
        let (svc, _) = Service::open(dir).unwrap();
        svc.execute(
            "t",
            Command::Batch(vec![
                Command::AddProduct(NewProduct {
                    sku: "BIG".into(),
                    name: "Big".into(),
                    gtin: None,
                    category: String::new(),
                    tracking: Tracking::all(Mode::Strict),
                    serial_format: SerialFormat::Plain,
                    warranty: None,
                    fold_case: true,
                }),
                Command::AddParty(NewParty {
                    name: "Supplier".into(),
                    role: PartyRole::Both,
                    bill_to: String::new(),
                    ship_to: String::new(),
                }),
                Command::AddLocation {
                    code: "WH1/A".into(),
                    name: String::new(),
                },
            ]),
        )
        .unwrap();
        svc.execute(
            "t",
            Command::Post(DocRequest {
                kind: DocKind::Receipt,
                date: None,
                party: Some("Supplier".into()),
                invoice: Some("I-1".into()),
                from: None,
                to: Some("WH1/A".into()),
                reason: None,
                declared_qty: None,
                lines: (0..60)
                    .map(|i| LineRequest {
                        sku: "BIG".into(),
                        serial: Some(format!("B{i:03}")),
                        qty: 1,
                        amount: None,
                    })
                    .collect(),
            }),
        )
        .unwrap();
        drop(svc);
        journal_of(dir)
    }

    /// A journal with a batch written in parts and abandoned (a repeated serial in its last
    /// document), then the good batch written in parts and ended.
    fn journal_with_parts(dir: &std::path::Path) -> Vec<Located> {
        let receipts = |bad: bool| {
            Command::Batch(
                (0..6)
                    .map(|d| {
                        Command::Post(DocRequest {
                            kind: DocKind::Receipt,
                            date: None,
                            party: Some("Supplier".into()),
                            invoice: Some(format!("I-{d}")),
                            from: None,
                            to: Some("WH1/A".into()),
                            reason: None,
                            declared_qty: None,
                            lines: (0..4)
                                .map(|i| LineRequest {
                                    sku: "BIG".into(),
                                    serial: Some(match (bad, d, i) {
                                        (true, 5, 3) => "P0-0".to_string(),
                                        _ => format!("P{d}-{i}"),
                                    }),
                                    qty: 1,
                                    amount: None,
                                })
                                .collect(),
                        })
                    })
                    .collect(),
            )
        };
        journal_with_a_big_receipt(dir);
        let (svc, _) = Service::open(dir).unwrap();
        let svc = svc.with_part_lines(8);
        assert!(svc.execute("t", receipts(true)).is_err());
        svc.execute("t", receipts(false)).unwrap();
        drop(svc);
        journal_of(dir)
    }

    #[test]
    fn parts_stopped_at_any_batch_then_applied_again_end_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let entries = journal_with_parts(&tmp.path().join("db"));
        let closers = entries
            .iter()
            .flat_map(|l| &l.entry.events)
            .filter(|e| matches!(e, Event::PartsEnded { .. } | Event::PartsAbandoned { .. }))
            .count();
        assert_eq!(closers, 2, "one batch abandoned, one ended");
        let clean = Store::open(&tmp.path().join("clean")).unwrap();
        for l in &entries {
            clean.apply(l).unwrap();
        }
        let want = all(&clean);
        assert!(clean.parts_open().unwrap().is_none());
        let mut stops = 0;
        for crash_after in 0.. {
            let store = Store::open(&tmp.path().join(format!("crash-{crash_after}"))).unwrap();
            CRASH_AFTER.with(|c| c.set(Some(crash_after)));
            let mut crashed = false;
            for l in &entries {
                if let Err(e) = store.apply(l) {
                    assert!(e.to_string().contains("died between two parts"), "{e}");
                    crashed = true;
                    store.apply(l).unwrap();
                }
            }
            CRASH_AFTER.with(|c| c.set(None));
            assert_eq!(all(&store), want, "stopped after {crash_after} batches");
            if !crashed {
                break;
            }
            stops += 1;
        }
        assert!(stops >= 20, "only {stops} batches");
    }

    #[test]
    fn a_big_entry_stopped_between_parts_resumes_where_it_stopped_and_ends_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let entries = journal_with_a_big_receipt(&tmp.path().join("db"));
        let (big, before) = entries.split_last().unwrap();
        // Applied in one go.
        let clean = Store::open(&tmp.path().join("clean")).unwrap();
        for l in &entries {
            clean.apply(l).unwrap();
        }
        let want = all(&clean);
        // Stopped after every possible number of parts, then applied again.
        let mut stops = 0;
        for crash_after in 0.. {
            let store = Store::open(&tmp.path().join(format!("crash-{crash_after}"))).unwrap();
            for l in before {
                store.apply(l).unwrap();
            }
            CRASH_AFTER.with(|c| c.set(Some(crash_after)));
            match store.apply(big) {
                Ok(()) => {
                    // More parts allowed than the entry has: it went through whole.
                    CRASH_AFTER.with(|c| c.set(None));
                    assert_eq!(all(&store), want);
                    break;
                }
                Err(e) => assert!(e.to_string().contains("died between two parts"), "{e}"),
            }
            stops += 1;
            let meta = store.meta().unwrap();
            assert_eq!(meta.applied_seq, big.entry.seq - 1, "not applied yet");
            if crash_after > 0 {
                // Some parts are in, and the meta record says how many steps.
                let (seq, done) = meta.applying.expect("a resume point");
                assert_eq!(seq, big.entry.seq);
                assert!(done > 0);
            }
            store.apply(big).unwrap();
            assert_eq!(all(&store), want, "stopped after {crash_after} parts");
        }
        assert!(stops >= 3, "the entry was applied in only {stops} parts");
    }
}
