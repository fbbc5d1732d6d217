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

criterion_group!(benches, scan_to_durable);
criterion_main!(benches);
