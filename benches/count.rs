//! Count benches on the 1,000,000-unit demo store: scan to durable answer through ops (each
//! scan is validated, journaled with fsync, applied, and answered with its running figures).

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use support::Samples;
use tallyman::ops::{Command, NewCount, Outcome, Service};

static SCAN: Samples = Samples::new();

fn scan_to_durable(c: &mut Criterion) {
    let units = support::big_units();
    let dir = support::big_store(units);
    let (service, _) = Service::open(&dir).expect("open big store");
    let stock = service.store().stock(Some("WH1")).expect("stock");
    let count = match service
        .execute(
            "bench",
            Command::OpenCount(NewCount {
                name: format!("bench {}", chrono::Utc::now().timestamp()),
                location: "WH1".into(),
                skus: vec![],
                categories: vec![],
                blind: true,
            }),
        )
        .expect("open count")
    {
        Outcome::CountOpened(c) => c.id,
        _ => unreachable!("OpenCount answers CountOpened"),
    };
    let mut next = 0usize;
    let mut group = c.benchmark_group(format!("store_{units}"));
    group.bench_function("count_scan_to_durable_answer", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let row = &stock[next % stock.len()];
                next += 1;
                let t = Instant::now();
                let r = service
                    .record_scan("bench", count, &row.location, row.serial.as_str())
                    .expect("scan");
                let d = t.elapsed();
                std::hint::black_box(r);
                SCAN.push(d);
                total += d;
            }
            total
        })
    });
    group.finish();
    SCAN.report(&format!("store_{units}/count_scan_to_durable_answer"));
}

/// A store with `n` units at 50 bins of WH9 and a count over WH9 whose scans found 99% of
/// them where expected, missed 1% (shortage) and found 1% unknown serials (surplus).
fn reconcile_store(n: usize) -> (std::path::PathBuf, tallyman::domain::CountId) {
    use tallyman::domain::{CountId, DocKind, Mode, PartyRole, SerialFormat, Tracking};
    use tallyman::ops::{DocRequest, LineRequest, NewParty, NewProduct};
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("reconcile-{n}"));
    let ready = dir.join("READY");
    if ready.exists() {
        return (dir, CountId(1));
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "making a {n}-serial count store in {} (once)...",
        dir.display()
    );
    let (svc, _) = Service::open(&dir).expect("open");
    let mut setup = vec![
        Command::AddProduct(NewProduct {
            sku: "RB".into(),
            name: "Reconcile bench unit".into(),
            gtin: None,
            category: String::new(),
            tracking: Tracking::all(Mode::Strict),
            serial_format: SerialFormat::Plain,
            warranty: None,
            fold_case: true,
        }),
        Command::AddParty(NewParty {
            name: "Supplier".into(),
            role: PartyRole::Supplier,
            bill_to: String::new(),
            ship_to: String::new(),
        }),
    ];
    for b in 0..50 {
        setup.push(Command::AddLocation {
            code: format!("WH9/B{b:02}"),
            name: String::new(),
        });
    }
    svc.execute("bench", Command::Batch(setup)).expect("setup");
    let bin = |i: usize| format!("WH9/B{:02}", i % 50);
    let serial = |i: usize| format!("RB{i:09}");
    let mut batch = Vec::new();
    for b in 0..50 {
        let lines: Vec<LineRequest> = (0..n)
            .filter(|i| i % 50 == b)
            .map(|i| LineRequest {
                sku: "RB".into(),
                serial: Some(serial(i)),
                qty: 1,
                amount: None,
            })
            .collect();
        for chunk in lines.chunks(20_000) {
            batch.push(Command::Post(DocRequest {
                kind: DocKind::Receipt,
                date: None,
                party: Some("Supplier".into()),
                invoice: Some(format!("INV-{b}")),
                from: None,
                to: Some(bin(b)),
                reason: None,
                declared_qty: None,
                lines: chunk.to_vec(),
            }));
            svc.execute("bench", Command::Batch(std::mem::take(&mut batch)))
                .expect("receipts");
        }
    }
    svc.execute(
        "bench",
        Command::OpenCount(NewCount {
            name: "bench".into(),
            location: "WH9".into(),
            skus: vec![],
            categories: vec![],
            blind: true,
        }),
    )
    .expect("count");
    let mut scans = Vec::new();
    for i in 0..n {
        let raw = if i % 100 == 7 {
            format!("UNKNOWN{i:09}")
        } else {
            serial(i)
        };
        scans.push(Command::CountScan {
            count: CountId(1),
            location: Some(bin(i)),
            raw,
            label_only: false,
        });
        if scans.len() == 10_000 {
            svc.execute("bench", Command::Batch(std::mem::take(&mut scans)))
                .expect("scans");
        }
    }
    if !scans.is_empty() {
        svc.execute("bench", Command::Batch(scans)).expect("scans");
    }
    drop(svc);
    std::fs::write(&ready, b"ok").expect("ready");
    (dir, CountId(1))
}

fn reconciliation(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("TALLYMAN_BENCH_RECONCILE")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let mut group = c.benchmark_group("reconcile");
    group.sample_size(10);
    for n in sizes {
        let (dir, count) = reconcile_store(n);
        let (svc, _) = Service::open(&dir).expect("open");
        let m = tallyman::ops::reconcile::mismatches(svc.store(), count).expect("mismatches");
        assert_eq!(m.rec.shortage.len(), n / 100, "1% shortage");
        assert_eq!(m.rec.surplus.len(), n / 100, "1% surplus");
        group.bench_function(format!("mismatches_{n}_expected"), |b| {
            b.iter(|| tallyman::ops::reconcile::mismatches(svc.store(), count).expect("mismatches"))
        });
        drop(svc);
    }
    group.finish();
}

criterion_group!(benches, scan_to_durable, reconciliation);
criterion_main!(benches);
