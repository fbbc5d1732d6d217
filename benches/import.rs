//! Import bench: a CSV of 1,000,000 receipt rows (override with TALLYMAN_BENCH_IMPORT_ROWS)
//! imported by the real binary into a fresh database; prints each run's wall time and peak RSS.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use support::Samples;

static RUNS: Samples = Samples::new();

fn import(c: &mut Criterion) {
    let rows = support::import_rows();
    let csv = support::receipts_csv(rows);
    let csv = csv.to_str().expect("a UTF-8 path");
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function(format!("receipts_{rows}_rows"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let d = support::import_once("import", csv, rows);
                RUNS.push(d);
                total += d;
            }
            total
        })
    });
    group.finish();
    RUNS.report(&format!("import/receipts_{rows}_rows"));
}

criterion_group!(benches, import);
criterion_main!(benches);
