//! Whole commands as a user waits for them, on the 1,000,000-unit demo store: the real binary
//! as a process (opening the database included), beside two baselines measured in the same
//! run (a bare sled open and one get; a plain sequential read of the journal). After the
//! group, each row's median is printed as a ratio to the baselines'.
//!
//! `cargo bench --bench user_paths` (the store is made once under target/bench-data; the
//! first run also opens two counts over WH1 with 3,000 scans each: of units where the books
//! have them, and of units from WH2 found at one WH1 bin). With TALLYMAN_BENCH_BULK=1 it also
//! times the import of TALLYMAN_BENCH_IMPORT_ROWS receipt rows (1,000,000 unless set) and the
//! demo of the store's size, each into a fresh database, ten runs of about a minute each.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use tallyman::ops::local::Service;
use tallyman::ops::{Answer, Query};

const BIN: &str = env!("CARGO_BIN_EXE_tallyman");

// The binary's allocator (see Cargo.toml), so the service calls measured here allocate as
// they do in `tallyman` and `tallyman serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Scans in the WH1 count (the figure: about 430,000 expected, 3,000 counted).
const COUNTED: usize = 3_000;

/// Every timed run of every row, for the ratios printed after the group.
static RUNS: Mutex<BTreeMap<&'static str, Vec<Duration>>> = Mutex::new(BTreeMap::new());

/// A count over WH1 made once and remembered beside the store (in the file `mark`): with
/// [`COUNTED`] scans of units in stock in `scanned_from`, each scanned where the books have it
/// (`at: None`) or all at one bin (`at: Some(bin)`, so they are surplus from elsewhere).
fn wh1_count(dir: &Path, mark: &str, scanned_from: &str, at: Option<&str>) -> u32 {
    let mark = dir.join(mark);
    if let Some(id) = std::fs::read_to_string(&mark)
        .ok()
        .and_then(|t| t.trim().parse().ok())
    {
        return id;
    }
    eprintln!("opening a count over WH1 with {COUNTED} scans from {scanned_from} (once)...");
    let (svc, _) = Service::open(dir).expect("open the bench store");
    let id = support::open_count(&svc, &format!("user paths WH1 ({scanned_from})"), "WH1");
    let Answer::Stock(lines) = svc
        .query(Query::Stock {
            location: Some(scanned_from.into()),
            sku: None,
        })
        .expect("stock")
    else {
        panic!("expected stock lines");
    };
    for line in lines.iter().filter(|l| l.serial.is_some()).take(COUNTED) {
        let serial = line.serial.as_deref().unwrap_or_default();
        svc.record_scan("bench", id, at.unwrap_or(&line.location), serial)
            .expect("scan");
    }
    std::fs::write(&mark, id.0.to_string()).expect("remember the count");
    id.0
}

/// A sold serial of the store, for the lookup row.
fn a_serial(dir: &Path) -> String {
    let (svc, _) = Service::open(dir).expect("open the bench store");
    let Answer::Stock(lines) = svc
        .query(Query::Stock {
            location: Some("WH2".into()),
            sku: None,
        })
        .expect("stock")
    else {
        panic!("expected stock lines");
    };
    lines
        .iter()
        .find_map(|l| l.serial.clone())
        .expect("a serialised unit in WH2")
}

/// Runs `tallyman --db DIR ARGS...` to the end, its output thrown away; a database whose lock
/// sled has not let go of yet (the set-up's own handle) is waited out.
fn run(dir: &Path, args: &[&str]) {
    let started = Instant::now();
    loop {
        let out = Command::new(BIN)
            .env("USER", "bench")
            .env_remove("TALLYMAN_DB")
            .arg("--db")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("tallyman runs");
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            return;
        }
        assert!(
            err.contains("in use by") && started.elapsed() < Duration::from_secs(20),
            "tallyman {args:?}: {err}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `tallyman serve` on the bench store, stopped with SIGTERM (as an admin stops it) when
/// dropped, once it has let go of the database.
struct Served {
    child: std::process::Child,
}

impl Served {
    fn start(dir: &Path) -> Served {
        let child = Command::new(BIN)
            .env("USER", "bench")
            .env_remove("TALLYMAN_DB")
            .arg("--db")
            .arg(dir)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tallyman serve runs");
        let socket = tallyman::server::default_socket(dir);
        let started = Instant::now();
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "tallyman serve did not listen on {}",
                socket.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Served { child }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Times `f` per iteration into the criterion measurement and [`RUNS`].
fn timed(name: &'static str, iters: u64, mut f: impl FnMut()) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let t = Instant::now();
        f();
        let d = t.elapsed();
        RUNS.lock().expect("runs").entry(name).or_default().push(d);
        total += d;
    }
    total
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn user_paths(c: &mut Criterion) {
    let units = support::big_units();
    let dir: PathBuf = support::big_store(units);
    let count = wh1_count(&dir, "USER_PATHS_COUNT", "WH1", None).to_string();
    // The same number of scans, all units from WH2 found at one WH1 bin: surplus rows.
    let elsewhere = wh1_count(&dir, "USER_PATHS_ELSEWHERE", "WH2", Some("WH1/A/01")).to_string();
    let serial = a_serial(&dir);
    let mut group = c.benchmark_group(format!("user_paths_{units}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));

    let commands: [(&'static str, Vec<&str>); 6] = [
        ("lookup_process", vec!["lookup", &serial]),
        (
            "warranty_expiring_30_process",
            vec!["warranty", "expiring", "--days", "30"],
        ),
        // The demo's customers each hold about a ninth of the sold units.
        (
            "warranty_customer_process",
            vec!["warranty", "customer", "Hooli Campus"],
        ),
        (
            "count_mismatches_text_process",
            vec!["count", "mismatches", &count],
        ),
        (
            "count_mismatches_json_process",
            vec!["--json", "count", "mismatches", &count],
        ),
        (
            "count_mismatches_3000_elsewhere_process",
            vec!["count", "mismatches", &elsewhere],
        ),
    ];
    for (name, args) in &commands {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| timed(name, iters, || run(&dir, args)))
        });
    }

    // The lookup as a process again, with `tallyman serve` owning the database: the command
    // reaches the server through its socket and opens nothing itself.
    {
        let server = Served::start(&dir);
        let args = ["lookup", serial.as_str()];
        group.bench_function("lookup_served_process", |b| {
            b.iter_custom(|iters| timed("lookup_served_process", iters, || run(&dir, &args)))
        });
        drop(server);
    }

    // The bulk writers (each run a minute on this machine, so asked for by name): an
    // import of the receipts CSV into a fresh database, and the demo, each with its peak
    // memory printed.
    if std::env::var_os("TALLYMAN_BENCH_BULK").is_some() {
        let rows = support::import_rows();
        let csv = support::receipts_csv(rows);
        let csv = csv.to_str().expect("a UTF-8 path");
        group.bench_function("import_receipts_process", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let d = support::import_once("import_receipts_process", csv, rows);
                    total += d;
                    RUNS.lock()
                        .expect("runs")
                        .entry("import_receipts_process")
                        .or_default()
                        .push(d);
                }
                total
            })
        });
        let demo_units = units.to_string();
        group.bench_function("demo_process", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let tmp = tempfile::tempdir().expect("tempdir");
                    let db = tmp.path().join("db");
                    let (d, rss) =
                        support::timed_process(&db, &["demo", "--no-tui", "--units", &demo_units]);
                    println!("demo_process: {demo_units} units, {d:?}, peak RSS {rss} KB");
                    total += d;
                    RUNS.lock()
                        .expect("runs")
                        .entry("demo_process")
                        .or_default()
                        .push(d);
                }
                total
            })
        });
    }

    // The same queries as the service call the CLI makes (the Ops door, `Local`), on a
    // database opened once: what a command costs once the store is open (through
    // `tallyman serve`, or the screens).
    {
        let (local, _) =
            tallyman::ops::Local::open(&dir, "bench", Default::default(), Default::default())
                .expect("open the bench store");
        let counted = tallyman::domain::CountId(count.parse().expect("a count id"));
        let queries: [(&'static str, Query); 4] = [
            (
                "lookup_service",
                Query::Lookup {
                    serial: serial.clone(),
                    date: None,
                },
            ),
            (
                "warranty_expiring_30_service",
                Query::Warranties {
                    date: None,
                    days: Some(30),
                    customer: None,
                },
            ),
            // What the mismatch screen asks for when a count is chosen.
            (
                "count_mismatches_service",
                Query::Mismatches { count: counted },
            ),
            (
                "warranty_customer_service",
                Query::Warranties {
                    date: None,
                    days: None,
                    customer: Some("Hooli Campus".into()),
                },
            ),
        ];
        for (name, query) in &queries {
            group.bench_function(*name, |b| {
                b.iter_custom(|iters| {
                    timed(name, iters, || {
                        std::hint::black_box(
                            tallyman::ops::Ops::query(&local, query.clone()).expect("query"),
                        );
                    })
                })
            });
        }
    }

    // Baselines, in this process once the commands are done with the database.
    let state = dir.join("state");
    group.bench_function("baseline_sled_open_and_get", |b| {
        b.iter_custom(|iters| {
            timed("baseline_sled_open_and_get", iters, || {
                let started = Instant::now();
                let db = loop {
                    match sled::open(&state) {
                        Ok(db) => break db,
                        // The last handle's lock may linger a moment after its drop.
                        Err(_) if started.elapsed() < Duration::from_secs(20) => {
                            std::thread::sleep(Duration::from_millis(20))
                        }
                        Err(e) => panic!("sled open: {e}"),
                    }
                };
                std::hint::black_box(db.get(b"M").expect("get"));
            })
        })
    });
    // What sled's cache size does to that open (the default is 1 GiB): measured, for the
    // start-up of one-shot commands.
    for (name, cache) in [
        ("sled_open_and_get_cache_16mib", 16u64 << 20),
        ("sled_open_and_get_cache_64mib", 64 << 20),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                timed(name, iters, || {
                    let started = Instant::now();
                    let db = loop {
                        match sled::Config::new()
                            .path(&state)
                            .cache_capacity(cache)
                            .open()
                        {
                            Ok(db) => break db,
                            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                                std::thread::sleep(Duration::from_millis(20))
                            }
                            Err(e) => panic!("sled open: {e}"),
                        }
                    };
                    std::hint::black_box(db.get(b"M").expect("get"));
                })
            })
        });
    }
    let journal = dir.join(tallyman::ops::JOURNAL_FILE);
    group.bench_function("baseline_read_journal", |b| {
        b.iter_custom(|iters| {
            timed("baseline_read_journal", iters, || {
                std::hint::black_box(std::fs::read(&journal).expect("read journal").len());
            })
        })
    });
    group.finish();

    let mut runs = std::mem::take(&mut *RUNS.lock().expect("runs"));
    // A filter that leaves the baselines out still prints the medians of what it ran.
    let open = runs
        .get_mut("baseline_sled_open_and_get")
        .map(|v| median(v));
    let read = runs.get_mut("baseline_read_journal").map(|v| median(v));
    let ratio = |m: Duration, base: Option<Duration>| {
        base.map_or("-".to_string(), |b| {
            format!("{:.1}", m.as_secs_f64() / b.as_secs_f64())
        })
    };
    println!("user_paths_{units}: median, and as a multiple of a bare sled open ({open:?}) and of reading the journal ({read:?})");
    for (name, v) in runs.iter_mut() {
        let m = median(v);
        println!(
            "  {name:<34} {m:>12.3?}  x{:>8} open  x{:>8} read",
            ratio(m, open),
            ratio(m, read)
        );
    }
}

criterion_group!(benches, user_paths);
criterion_main!(benches);
