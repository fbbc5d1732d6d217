//! Load tool: 50 handheld clients each with 20 scans waiting through a server outage, and the
//! time from the restarted server's start until every waiting scan is answered.
//!
//! Each client is the screens' own effect runner (`OpsRunner` with its outbox, a file in a
//! home of its own) over a `Remote` to a real `tallyman serve` process. The clients join count
//! 2 at WH1/A/01, the server is killed (SIGKILL), each client scans 20 serials (all wait), the
//! server is started again, and each client does what the screens do: poll twice a second (at
//! its own phase) and, once the server answers, send its waiting scans. Printed: the server's
//! start until its socket answers, until the last scan is answered, and that the count holds
//! every scan once. One run (`cargo bench --bench reconnect`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use tallyman::domain::CountId;
use tallyman::ops::{Answer, Ops, OpsQueries, Outbox, Query, Remote};
use tallyman::tui::action::{Action, Effect, EffectRunner};
use tallyman::tui::ops_runner::OpsRunner;
use tallyman::tui::screens::count_scan::requests::{self, Msg};
use tallyman::tui::screens::Asker;

const BIN: &str = env!("CARGO_BIN_EXE_tallyman");
const CLIENTS: usize = 50;
const SCANS: usize = 20;
const POLL: Duration = Duration::from_millis(500);

fn tallyman(db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", db.parent().unwrap())
        .env_remove("TALLYMAN_DB")
        .env_remove("TALLYMAN_SOCKET")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn serve(db: &Path, socket: &Path) -> (Child, Instant, Duration) {
    let started = Instant::now();
    let child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--socket", socket.to_str().unwrap(), "serve"])
        .env("HOME", db.parent().unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "no server");
        std::thread::sleep(Duration::from_millis(2));
    }
    (child, started, started.elapsed())
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("site.sock");
    tallyman(&db, &["demo", "--no-tui", "--units", "20000"]);
    tallyman(&db, &["count", "open", "Aisle A", "--location", "WH1/A"]);
    let stock: serde_json::Value =
        serde_json::from_str(&tallyman(&db, &["--json", "stock", "--location", "WH1/A"])).unwrap();
    let serials: Vec<String> = stock
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["serial"].as_str().map(str::to_string))
        .take(CLIENTS * SCANS)
        .collect();
    assert_eq!(
        serials.len(),
        CLIENTS * SCANS,
        "the demo has too few units at WH1/A"
    );

    let (mut server, _, _) = serve(&db, &socket);
    let count = CountId(2);
    // Each client joins and sets its location while the server runs.
    let mut runners: Vec<OpsRunner> = (0..CLIENTS)
        .map(|i| {
            let remote: Arc<dyn Ops> = Arc::new(Remote::connect(&socket).unwrap());
            let home: PathBuf = tmp.path().join(format!("home{i}"));
            let outbox = Outbox::open(Some(&home), &socket);
            let mut runner = OpsRunner::shared(remote).with_outbox(outbox);
            runner.run(requests::join(count));
            let label = runner.run(requests::scan(count, None, "WH1/A/01".into(), false));
            let read: Vec<Msg> = label
                .into_iter()
                .filter_map(|a| match a {
                    Action::Replied {
                        to: Asker::CountScan(asked),
                        reply,
                    } => {
                        let tallyman::ops::Reply::V1(result) = *reply;
                        requests::answer(asked, result).ok()
                    }
                    _ => None,
                })
                .collect();
            assert!(
                matches!(read.as_slice(), [Msg::LocationSet { .. }]),
                "{read:?}"
            );
            runner
        })
        .collect();

    // The outage: every scan waits.
    server.kill().unwrap();
    server.wait().unwrap();
    for (i, runner) in runners.iter_mut().enumerate() {
        for s in &serials[i * SCANS..(i + 1) * SCANS] {
            let actions = runner.run(requests::scan(
                count,
                Some("WH1/A/01".into()),
                s.clone(),
                false,
            ));
            assert!(
                actions
                    .iter()
                    .any(|a| matches!(a, Action::ScanWaiting { .. })),
                "{actions:?}"
            );
        }
    }

    // The restart, and each client polling at its own phase until its scans are answered.
    let gate = Arc::new(Barrier::new(CLIENTS + 1));
    let handles: Vec<_> = runners
        .into_iter()
        .enumerate()
        .map(|(i, mut runner)| {
            let gate = gate.clone();
            std::thread::spawn(move || {
                gate.wait();
                let phase = POLL * (i as u32) / (CLIENTS as u32);
                std::thread::sleep(phase);
                let mut answered = 0;
                loop {
                    let polled = runner.run(Effect::Poll);
                    if matches!(polled.as_slice(), [Action::Polled(Ok(_))]) {
                        let actions = runner.run(Effect::SendWaiting);
                        answered += actions
                            .iter()
                            .filter(|a| {
                                matches!(
                                    a,
                                    Action::Replied {
                                        to: Asker::CountScan(_),
                                        ..
                                    }
                                )
                            })
                            .count();
                        if actions.contains(&Action::Outbox(0)) {
                            return (answered, Instant::now());
                        }
                    }
                    std::thread::sleep(POLL);
                }
            })
        })
        .collect();
    let (server, started, socket_up) = serve(&db, &socket);
    gate.wait();
    let mut last = started;
    let mut answered = 0;
    for h in handles {
        let (n, at) = h.join().unwrap();
        answered += n;
        last = last.max(at);
    }
    let all = last - started;

    let check = Remote::connect(&socket).unwrap();
    let Answer::Scans(lines) = check.query(Query::CountScans { count }).unwrap() else {
        panic!("no scans")
    };
    let mut recorded: Vec<String> = lines.iter().map(|l| l.scan.serial.to_string()).collect();
    let total = recorded.len();
    recorded.sort();
    recorded.dedup();
    println!(
        "reconnect: {CLIENTS} clients x {SCANS} waiting scans: socket up {:.0} ms after the server's start; \
         all {answered} answered {:.0} ms after it (goal 2000 ms); count holds {total} scans, {} distinct",
        socket_up.as_secs_f64() * 1000.0,
        all.as_secs_f64() * 1000.0,
        recorded.len()
    );
    assert_eq!(answered, CLIENTS * SCANS);
    assert_eq!(total, CLIENTS * SCANS, "each scan once");
    assert_eq!(recorded.len(), CLIENTS * SCANS);
    let _ = check.status();
    let mut server = server;
    let _ = server.kill();
    let _ = server.wait();
}
