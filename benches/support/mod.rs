//! Shared bench fixtures: a cached 1,000,000-unit demo store and percentile reporting.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tallyman::ops::Service;

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
            tallyman::ops::maintenance::rebuild(dir, false, None, &Default::default())
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
