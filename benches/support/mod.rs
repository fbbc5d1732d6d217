//! Shared bench fixtures: a cached 1,000,000-unit demo store, a receipts CSV and the database
//! it is imported into, a process timed with its peak memory, and percentile reporting.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tallyman::ops::local::Service;

/// Units in the large store the benches run against (override with TALLYMAN_BENCH_UNITS).
pub fn big_units() -> u64 {
    std::env::var("TALLYMAN_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The mark a bench store carries once made: the store layout it was made for.
fn ready_mark() -> String {
    format!("layout {}", tallyman::store::FORMAT_VERSION)
}

/// Is the bench store at `dir` made, for this store layout? A store of an older layout is
/// remade from its journal (`rebuild`), which is what a site does after an upgrade.
pub fn store_ready(dir: &std::path::Path) -> bool {
    let ready = dir.join("READY");
    match std::fs::read_to_string(&ready) {
        Ok(mark) if mark == ready_mark() => true,
        Ok(_) => {
            eprintln!(
                "rebuilding {} for this store layout (once)...",
                dir.display()
            );
            tallyman::ops::local::maintenance::rebuild(dir, false, None, &Default::default())
                .expect("rebuild bench store");
            mark_ready(dir);
            true
        }
        Err(_) => false,
    }
}

/// Marks a bench store made.
pub fn mark_ready(dir: &std::path::Path) {
    std::fs::write(dir.join("READY"), ready_mark()).expect("mark bench store ready");
}

/// A demo store of `units` units under target/bench-data, made once and reused.
pub fn big_store(units: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("store-{units}"));
    if !store_ready(&dir) {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "making a {units}-unit demo store in {} (once)...",
            dir.display()
        );
        let (service, _) = Service::open(&dir).expect("open bench store");
        tallyman::cli::demo::generate(
            &tallyman::ops::Local::new(std::sync::Arc::new(service), "demo"),
            units,
        )
        .expect("generate demo data");
        mark_ready(&dir);
    }
    dir
}

/// Opens a blind count named `name` over `location` (every product) as "bench".
pub fn open_count(service: &Service, name: &str, location: &str) -> tallyman::domain::CountId {
    let opened = service
        .execute(
            "bench",
            tallyman::ops::Command::OpenCount(tallyman::ops::NewCount {
                name: name.into(),
                location: location.into(),
                skus: vec![],
                categories: vec![],
                blind: true,
            }),
        )
        .expect("open count");
    match opened {
        tallyman::ops::Outcome::CountOpened(c) => c.id,
        other => panic!("OpenCount answered {other:?}"),
    }
}

/// Individual iteration times, for percentiles criterion does not report.
pub struct Samples(Mutex<Vec<Duration>>);

impl Samples {
    pub const fn new() -> Samples {
        Samples(Mutex::new(Vec::new()))
    }

    pub fn push(&self, d: Duration) {
        self.0.lock().expect("samples lock").push(d);
    }

    /// Prints p50, p99 and max, then clears.
    pub fn report(&self, name: &str) {
        let mut v = std::mem::take(&mut *self.0.lock().expect("samples lock"));
        if v.is_empty() {
            return;
        }
        v.sort();
        let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "{name}: n={} p50={:?} p99={:?} max={:?}",
            v.len(),
            at(0.50),
            at(0.99),
            v[v.len() - 1]
        );
    }
}

/// Rows of the receipts CSV the import benches read (override with
/// TALLYMAN_BENCH_IMPORT_ROWS).
pub fn import_rows() -> u64 {
    std::env::var("TALLYMAN_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// A receipts CSV of `rows` rows (made once under target/bench-data): invoices of 1,000
/// rows, over 28 days and 8 bins, one serial each.
pub fn receipts_csv(rows: u64) -> PathBuf {
    use std::io::Write;
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

/// Runs the real binary on `db`, quietly; panics when it fails.
pub fn tallyman(db: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_tallyman"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run tallyman");
    assert!(status.success(), "tallyman {args:?} failed");
}

/// A database in `dir` with what the receipts CSV names: its product, supplier and bins.
pub fn import_db(dir: &std::path::Path) -> PathBuf {
    let db = dir.join("db");
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_tallyman"))
        .arg("init")
        .arg(&db)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run tallyman init");
    assert!(made.success(), "tallyman init failed");
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
    db
}

/// Runs the real binary on `db` under `/usr/bin/time`: its wall time and peak RSS in KB.
pub fn timed_process(db: &std::path::Path, args: &[&str]) -> (Duration, String) {
    let started = std::time::Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak_rss_kb=%M"])
        .arg(env!("CARGO_BIN_EXE_tallyman"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::process::Stdio::null())
        .output()
        .expect("run tallyman under /usr/bin/time");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tallyman {args:?}: {stderr}");
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kb="))
        .unwrap_or("?")
        .to_string();
    (took, rss)
}

/// One import of `csv` (of `rows` rows) into a fresh database by the real binary: its time,
/// printed with its peak RSS under `name`.
pub fn import_once(name: &str, csv: &str, rows: u64) -> Duration {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = import_db(tmp.path());
    let (took, rss) = timed_process(&db, &["import", "receipts", csv]);
    println!("{name}: {rows} rows, {took:?}, peak RSS {rss} KB");
    took
}
