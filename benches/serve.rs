//! Load tool for `tallyman serve` (run with `cargo bench --bench serve`): what a counter
//! waits for through the socket, with 1 and with 50 clients, with and without group commit,
//! beside a bare fsync of the same disk measured in the same run; then whole
//! `tallyman lookup SERIAL` processes on the 1,000,000-unit bench store through a running
//! server beside the same lookup opening the store itself, and the server's memory with 50
//! clients on that store. Prints one table; figures, not pass/fail.
//!
//! Scans per client: TALLYMAN_BENCH_SCANS (default 200; the single client does 10x).
//! TALLYMAN_BENCH_SERVE_BIG=0 skips the big-store part; TALLYMAN_BENCH_GROUP_OFF=0 the runs
//! without group commit.
//! Store size: TALLYMAN_BENCH_UNITS (default 1,000,000; made once under target/bench-data).

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tallyman::domain::CountId;
use tallyman::ops::local::Service;
use tallyman::ops::{Command as Op, Gate, Ops, OpsQueries, Remote};
use tallyman::server::{ServeOptions, Server};

const BIN: &str = env!("CARGO_BIN_EXE_tallyman");

fn scans_per_client() -> usize {
    std::env::var("TALLYMAN_BENCH_SCANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// p50, p99 and max of a set of durations, in milliseconds.
fn percentiles(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.50), at(0.99), at(1.0))
}

/// The baseline: one small write and fdatasync on the same file system, as the journal does.
fn bare_fsync(dir: &Path, n: usize) -> Vec<Duration> {
    let mut f = std::fs::File::create(dir.join("fsync-probe")).unwrap();
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f.write_all(&[7u8; 120]).unwrap();
            f.sync_data().unwrap();
            t.elapsed()
        })
        .collect()
}

struct Run {
    latencies: Vec<Duration>,
    wall: Duration,
    /// A bare write+fdatasync every 10 ms on the same disk while the clients ran: how the
    /// disk itself answered meanwhile.
    probe: Vec<Duration>,
}

/// `clients` clients, each scanning `scans` serials into one count through an in-process
/// server on a fresh database: as fast as answers come, or one scan per `pace` each (the
/// clients spread evenly over the interval, as handhelds are).
/// Connections held open beside the clients, doing nothing (`idle`), and with a large
/// request's first megabyte sent and the rest never coming (`half_frames`).
#[derive(Clone, Copy, Default)]
struct Noise {
    idle: usize,
    half_frames: usize,
}

fn scan_load(
    clients: usize,
    scans: usize,
    group_commit: bool,
    pace: Option<Duration>,
    noise: Noise,
) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    // One open for the setup and the server (sled lets go of a lock lazily).
    let (service, _) = Service::open(&db).unwrap();
    {
        let svc = &service;
        svc.execute(
            "setup",
            Op::Batch(vec![Op::AddLocation {
                code: "WH1/A/01".into(),
                name: String::new(),
            }]),
        )
        .unwrap();
        svc.execute(
            "setup",
            Op::OpenCount(tallyman::ops::NewCount {
                name: "load".into(),
                location: "WH1/A".into(),
                skus: vec![],
                categories: vec![],
                blind: true,
            }),
        )
        .unwrap();
    }
    let service = Arc::new(service.with_group_commit(group_commit));
    let stopping = Arc::new(AtomicBool::new(false));
    let socket = tmp.path().join("db.sock");
    let server = Server::bind(
        service,
        ServeOptions {
            socket: socket.clone(),
            socket_mode: 0o600,
            group: None,
            log: tmp.path().join("serve.log"),
            max_frame: 64 << 20,
            idle_timeout: Duration::from_secs(600),
            read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_connections_per_user: 4096,
            gate: Gate {
                always_admin: vec![tallyman::identity::account()],
            },
            anchor: None,
        },
        stopping.clone(),
    )
    .unwrap();
    let thread = std::thread::spawn(move || server.run().unwrap());
    let remotes: Vec<Remote> = (0..clients)
        .map(|_| Remote::connect(&socket).unwrap())
        .collect();
    let mut beside: Vec<std::os::unix::net::UnixStream> = (0..noise.idle)
        .map(|_| std::os::unix::net::UnixStream::connect(&socket).unwrap())
        .collect();
    for _ in 0..noise.half_frames {
        let mut s = std::os::unix::net::UnixStream::connect(&socket).unwrap();
        let mut head = vec![1u8];
        head.extend_from_slice(&(60u32 << 20).to_be_bytes());
        s.write_all(&head).unwrap();
        s.write_all(&vec![b'x'; 1 << 20]).unwrap();
        beside.push(s);
    }
    let started = Instant::now();
    let done = AtomicBool::new(false);
    let mut probe = Vec::new();
    let latencies: Vec<Duration> = std::thread::scope(|s| {
        let prober = s.spawn(|| {
            let mut f = std::fs::File::create(tmp.path().join("fsync-probe")).unwrap();
            let mut times = Vec::new();
            while !done.load(Ordering::Acquire) {
                let t = Instant::now();
                f.write_all(&[7u8; 120]).unwrap();
                f.sync_data().unwrap();
                times.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(10));
            }
            times
        });
        let handles: Vec<_> = remotes
            .iter()
            .enumerate()
            .map(|(c, remote)| {
                s.spawn(move || {
                    let start = Instant::now();
                    (0..scans)
                        .map(|i| {
                            if let Some(pace) = pace {
                                let offset = pace.mul_f64(c as f64 / clients as f64);
                                let due = start + offset + pace * i as u32;
                                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                            }
                            let t = Instant::now();
                            remote
                                .execute(Op::CountScan {
                                    count: CountId(1),
                                    location: Some("WH1/A/01".into()),
                                    raw: format!("L{c:03}-{i:06}"),
                                    label_only: false,
                                })
                                .unwrap();
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let all = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        done.store(true, Ordering::Release);
        probe = prober.join().unwrap();
        all
    });
    let wall = started.elapsed();
    stopping.store(true, Ordering::Release);
    drop(remotes);
    drop(beside);
    thread.join().unwrap();
    Run {
        latencies,
        wall,
        probe,
    }
}

/// One line per load run: the answer times, the rate, and how the disk answered a bare
/// fsync meanwhile (its p99 beside the baseline's `f99`, measured before any load).
fn report(label: &str, run: Run, f99: f64) {
    let total = run.latencies.len();
    let rate = total as f64 / run.wall.as_secs_f64();
    let (p50, p99, max) = percentiles(run.latencies);
    let (_, d99, dmax) = percentiles(run.probe);
    println!(
        "{label:<44} p50 {p50:>7.3} ms  p99 {p99:>7.3} ms  max {max:>7.1} ms  {rate:>7.0} scans/s  \
         p99/fsync-p99 {:.1}  disk fsync meanwhile p99 {d99:.2} ms max {dmax:.1} ms",
        p99 / f99
    );
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn time_process(args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(BIN)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "tallyman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

/// This process holds more than 1,024 connections in the noisy run.
fn raise_open_files() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs the bench once as a test:
    // keep that short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let scans = if quick { 5 } else { scans_per_client() };
    println!(
        "serve load ({} scans per client; the single client does 10x)",
        scans
    );
    let probe = tempfile::tempdir().unwrap();
    let (f50, f99, _) = percentiles(bare_fsync(probe.path(), if quick { 20 } else { 2000 }));
    println!(
        "{:<44} p50 {f50:>7.3} ms  p99 {f99:>7.3} ms",
        "baseline: bare write+fdatasync"
    );
    // TALLYMAN_BENCH_GROUP_OFF=0 skips the runs without group commit (for profiling).
    let off = std::env::var("TALLYMAN_BENCH_GROUP_OFF").map_or(true, |v| v != "0");
    for group_commit in [true, false] {
        if !group_commit && !off {
            continue;
        }
        for clients in [1usize, 50] {
            let n = if clients == 1 { scans * 10 } else { scans };
            let run = scan_load(clients, n, group_commit, None, Noise::default());
            let on = if group_commit { "on" } else { "off" };
            report(
                &format!("scan_to_durable_answer clients={clients} group_commit={on}"),
                run,
                f99,
            );
        }
    }
    // Handhelds at a scanner's pace: 50 clients, 10 scans a second each (500 a second in
    // all, several times a busy site's).
    if !quick {
        let pace = Duration::from_millis(100);
        let run = scan_load(50, 50, true, Some(pace), Noise::default());
        report("scan_to_durable_answer clients=50 paced=10/s", run, f99);
    }
    // The same 50 clients with 1,000 idle connections and 20 half-sent large requests held
    // open beside them (a hostile member of the socket's group): the p99 against the run
    // just before it.
    raise_open_files();
    let noise = Noise {
        idle: 1000,
        half_frames: 20,
    };
    let calm = scan_load(50, scans, true, None, Noise::default());
    let (_, calm99, _) = percentiles(calm.latencies.clone());
    report("scan_to_durable_answer clients=50 calm", calm, f99);
    let noisy = scan_load(50, scans, true, None, noise);
    let (_, noisy99, _) = percentiles(noisy.latencies.clone());
    report(
        "scan_to_durable_answer clients=50 +1000 idle +20 half",
        noisy,
        f99,
    );
    println!(
        "{:<44} {:.2} (goal at most 1.5)",
        "p99 with the idle and half-sent beside / calm",
        noisy99 / calm99
    );
    // TALLYMAN_BENCH_SERVE_BIG=0 stops here (the scan part alone, for profiling).
    if quick || std::env::var("TALLYMAN_BENCH_SERVE_BIG").is_ok_and(|v| v == "0") {
        return;
    }

    // Whole lookup processes on the big store, through a server and on their own.
    let units = support::big_units();
    let store = support::big_store(units);
    let db = store.to_str().unwrap();
    let socket = probe.path().join("big.sock");
    let mut server = Command::new(BIN)
        .args(["--db", db, "--socket", socket.to_str().unwrap(), "serve"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while Remote::connect(&socket).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let serial = match Remote::connect(&socket)
        .unwrap()
        .query(tallyman::ops::Query::Stock {
            location: Some("WH1/A/01".into()),
            sku: None,
        })
        .unwrap()
    {
        tallyman::ops::Answer::Stock(lines) => lines
            .into_iter()
            .find_map(|l| l.serial)
            .expect("a serial in WH1/A/01"),
        _ => unreachable!(),
    };
    let via = |_: usize| {
        time_process(&[
            "--db",
            db,
            "--socket",
            socket.to_str().unwrap(),
            "lookup",
            &serial,
        ])
    };
    let served: Vec<Duration> = (0..40).map(via).collect();
    let (s50, s99, _) = percentiles(served);
    println!(
        "{:<44} p50 {s50:>7.2} ms  p99 {s99:>7.2} ms",
        format!("lookup_process_through_server units={units}")
    );
    // 50 clients looking up at once: the server's memory.
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..50 {
            let (socket, serial, stop) = (&socket, &serial, &stop);
            s.spawn(move || {
                let remote = Remote::connect(socket).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    remote.lookup(serial.clone(), None).unwrap();
                }
            });
        }
        std::thread::sleep(Duration::from_secs(3));
        println!(
            "{:<44} VmRSS {:>7} KiB  VmHWM {:>7} KiB",
            "server_rss clients=50 (lookups)",
            rss_kib(server.id(), "VmRSS:"),
            rss_kib(server.id(), "VmHWM:")
        );
        stop.store(true, Ordering::Relaxed);
    });
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    // The same lookup opening the store itself (embedded), after the server let go.
    std::thread::sleep(Duration::from_millis(500));
    let embedded: Vec<Duration> = (0..5)
        .map(|_| {
            // No socket named: with the server gone (its socket removed), `--db` opens the
            // store itself. A named socket would make the process a client of that one only.
            time_process(&["--db", db, "lookup", &serial])
        })
        .collect();
    let (e50, e99, _) = percentiles(embedded);
    println!(
        "{:<44} p50 {e50:>7.2} ms  p99 {e99:>7.2} ms  served/embedded p50 {:.3}",
        format!("lookup_process_embedded units={units}"),
        s50 / e50
    );
}
