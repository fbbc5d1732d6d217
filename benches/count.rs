//! Count benches on the 1,000,000-unit demo store: scan to durable answer through ops (each
//! scan is validated, journaled with fsync, applied, and answered with its running figures).

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use support::Samples;
use tallyman::ops::local::Service;
use tallyman::ops::{Command, NewCount, Outcome};

static SCAN: Samples = Samples::new();

fn scan_to_durable(c: &mut Criterion) {
    let units = support::big_units();
    let dir = support::big_store(units);
    let (service, _) = Service::open(&dir).expect("open big store");
    let stock = service.store().stock(Some("WH1")).expect("stock");
    let name = format!("bench {}", chrono::Utc::now().timestamp());
    let count = support::open_count(&service, &name, "WH1");
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
    if support::store_ready(&dir) {
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
    support::mark_ready(&dir);
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
        let m =
            tallyman::ops::local::reconcile::mismatches(&svc.store(), count).expect("mismatches");
        assert_eq!(m.rec.shortage.len(), n / 100, "1% shortage");
        assert_eq!(m.rec.surplus.len(), n / 100, "1% surplus");
        group.bench_function(format!("mismatches_{n}_expected"), |b| {
            b.iter(|| {
                tallyman::ops::local::reconcile::mismatches(&svc.store(), count)
                    .expect("mismatches")
            })
        });
        drop(svc);
    }
    group.finish();
}

/// Copies a store folder (journal and state) so a bench can change it and start again.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("copy dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy file");
        }
    }
}

/// Posting a large count the way a supervisor would: every bin done (by the counters, not
/// timed), then timed: one bulk write-off of the counted bins' shortages (1%), one bulk
/// accept of the unknown serials (1%, all found in one bin), and the posting itself
/// (the buckets checked and frozen, the documents written). Each sample starts from a fresh
/// copy of the store.
fn posting(c: &mut Criterion) {
    use tallyman::ops::BulkFix;
    let n: usize = std::env::var("TALLYMAN_BENCH_POST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (dir, count) = reconcile_store(n);
    let mut group = c.benchmark_group("post");
    group.sample_size(10);
    group.bench_function(format!("post_{n}_expected_with_bulk_fixes"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let tmp = tempfile::tempdir().expect("tmp");
                let copy = tmp.path().join("db");
                copy_dir(&dir, &copy);
                let (svc, _) = Service::open(&copy).expect("open copy");
                for bin in 0..50 {
                    svc.execute(
                        "clerk",
                        Command::FinishBin {
                            count,
                            location: format!("WH9/B{bin:02}"),
                        },
                    )
                    .expect("bin done");
                }
                let t = Instant::now();
                let wrote_off = svc
                    .execute(
                        "super",
                        Command::ResolveAll {
                            count,
                            fix: BulkFix::WriteOffCountedBins {
                                reason: "Lost".into(),
                            },
                        },
                    )
                    .expect("bulk write-off");
                assert!(
                    matches!(wrote_off, Outcome::ResolvedAll { resolved, .. } if resolved as usize == n / 100)
                );
                // The unknown serials were all found in bin B07.
                svc.execute(
                    "super",
                    Command::ResolveAll {
                        count,
                        fix: BulkFix::Accept {
                            location: Some("WH9/B07".into()),
                            sku: None,
                            note: "Customer property".into(),
                        },
                    },
                )
                .expect("bulk accept");
                svc.execute(
                    "super",
                    Command::PostCount {
                        count,
                        counted_bins_only: true,
                    },
                )
                .expect("post");
                total += t.elapsed();
                drop(svc);
            }
            total
        })
    });
    group.finish();
}

/// The supervisor's wait: from the key that opens a count's mismatch screen to the drawn
/// frame (one reconciliation through the ops runner, the lists, the first frame), at 80x24
/// and on a 20x16 handheld, beside the reconciliation alone in the same run. Was an ignored
/// test printing times (`tui_mismatch::open_time_of_a_big_count`).
fn mismatch_screen(c: &mut Criterion) {
    use tallyman::tui::backend::TermBackend;
    use tallyman::tui::keys::parse_script;
    use tallyman::tui::terminal::InputEvent;
    use tallyman::tui::testing::{ops_runner_for, test_clock, SharedBuf, TestSetup};
    use tallyman::tui::vt_filter::VtFilter;
    use tallyman::tui::{Profile, Runtime};
    let n: usize = std::env::var("TALLYMAN_BENCH_SCREEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (dir, count) = reconcile_store(n);
    let (svc, _) = Service::open(&dir).expect("open");
    let svc = std::sync::Arc::new(svc);
    let keys = |script: &str| -> Vec<InputEvent> {
        parse_script(script)
            .expect("keys")
            .into_iter()
            .map(InputEvent::Key)
            .collect()
    };
    let mut group = c.benchmark_group("mismatch_screen");
    group.sample_size(10);
    group.bench_function(format!("reconciliation_alone_{n}"), |b| {
        b.iter(|| {
            tallyman::ops::local::reconcile::mismatches(&svc.store(), count).expect("mismatches")
        })
    });
    for (w, h, profile) in [(80, 24, Profile::Full), (20, 16, Profile::Vt)] {
        group.bench_function(format!("open_{n}_{w}x{h}_key_to_frame"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let backend =
                        TermBackend::with_size(VtFilter::new(SharedBuf::new(), true), w, h);
                    let state = TestSetup::new(w, h, profile).build().state;
                    let runner = ops_runner_for(&state, svc.clone());
                    let mut rt = Runtime::new(backend, state, Box::new(runner), test_clock())
                        .expect("runtime");
                    rt.draw().expect("draw");
                    rt.step(keys("2")).expect("counts");
                    let t = Instant::now();
                    rt.step(keys("1")).expect("open");
                    total += t.elapsed();
                    let open = rt.state().mismatch().and_then(|m| m.open());
                    assert_eq!(open, Some(2 * n / 100), "the screen holds every mismatch");
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    scan_to_durable,
    reconciliation,
    posting,
    mismatch_screen
);
criterion_main!(benches);
