//! Import bench: a CSV of 1,000,000 receipt rows (override with TALLYMAN_BENCH_IMPORT_ROWS)
//! imported by the real binary into a fresh database; prints each run's wall time and peak RSS.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};
use support::Samples;

static RUNS: Samples = Samples::new();

fn rows() -> u64 {
    std::env::var("TALLYMAN_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn csv_file(rows: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data dir");
    let path = dir.join(format!("receipts-{rows}.csv"));
    if !path.exists() {
        let tmp = path.with_extension("partial");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).expect("csv"));
        writeln!(f, "invoice,date,supplier,location,sku,serial,qty,cost").expect("write");
        for i in 0..rows {
            writeln!(
                f,
                "INV-{},2026-10-{:02},Bench Supplier,WH1/A/{:02},BENCH-1,BN{i:010},,12.50",
                i / 1000,
                1 + (i / 1000) % 28,
                1 + (i / 1000) % 8
            )
            .expect("write");
        }
        f.flush().expect("flush");
        drop(f);
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}

fn tallyman(db: &Path, args: &[&str]) {
    let status = Process::new(env!("CARGO_BIN_EXE_tallyman"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run tallyman");
    assert!(status.success(), "tallyman {args:?} failed");
}

fn import(c: &mut Criterion) {
    let rows = rows();
    let csv = csv_file(rows);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function(format!("receipts_{rows}_rows"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let tmp = tempfile::tempdir().expect("tempdir");
                let db = tmp.path().join("db");
                tallyman(
                    &db,
                    &["product", "add", "--sku", "BENCH-1", "--name", "Bench unit"],
                );
                tallyman(
                    &db,
                    &[
                        "party",
                        "add",
                        "--name",
                        "Bench Supplier",
                        "--role",
                        "supplier",
                    ],
                );
                for bin in 1..=8 {
                    tallyman(&db, &["location", "add", &format!("WH1/A/{bin:02}")]);
                }
                let t = Instant::now();
                let out = Process::new("/usr/bin/time")
                    .args(["-f", "peak_rss_kb=%M"])
                    .arg(env!("CARGO_BIN_EXE_tallyman"))
                    .arg("--db")
                    .arg(&db)
                    .args(["import", "receipts"])
                    .arg(&csv)
                    .output()
                    .expect("run import under /usr/bin/time");
                let d = t.elapsed();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let stderr = String::from_utf8_lossy(&out.stderr);
                let rss = stderr
                    .lines()
                    .find_map(|l| l.strip_prefix("peak_rss_kb="))
                    .unwrap_or("?");
                println!("import of {rows} rows: {d:?}, peak RSS {rss} KB");
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
