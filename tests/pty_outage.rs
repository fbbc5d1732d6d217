//! A count that survives a server outage, in the real binary on a real PTY (tmux, 20x16,
//! TERM=vt220) as a client of `tallyman serve`: the server is killed (SIGKILL) in the middle
//! of a burst of scans and started again; every serial typed is recorded exactly once, in the
//! order typed, whether it was answered before the kill or waited and was sent after the
//! restart. Then a client that dies during an outage (SIGKILL too) leaves its waiting scans
//! in its user's file, and the next client started sends them.
//!
//! Needs tmux (CI installs it).

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::cli::BIN;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn cli(db: &Path, args: &[&str]) -> String {
    support::cli::ok(db, "tester", args)
}

/// `tallyman serve` on `socket`, started and answering.
fn serve(db: &Path, socket: &Path) -> Child {
    let home = db.parent().unwrap();
    let child = support::cli::tallyman(home, db, "tester")
        .args(["--socket", socket.to_str().unwrap(), "serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        assert!(started.elapsed() < WAIT, "the server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn kill9(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The serials of count 2's live scans, in scan order, read through the server.
fn scanned(db: &Path, socket: &Path) -> Vec<String> {
    let out = cli(
        db,
        &[
            "--socket",
            socket.to_str().unwrap(),
            "--json",
            "count",
            "export",
            "2",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut rows: Vec<(u64, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["undone"].as_bool().unwrap_or(false))
        .filter_map(|r| Some((r["number"].as_u64()?, r["serial"].as_str()?.to_string())))
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, s)| s).collect()
}

/// A client in a new tmux session, its own home (where its waiting scans are kept).
fn client(t: &Tmux, session: &str, home: &Path, socket: &Path) {
    let cmd = format!(
        "HOME={home} XDG_STATE_HOME={home}/state USER=tester TERM=vt220 {BIN} --socket {}; \
         echo EXIT=$?; sleep 60",
        socket.display(),
        home = home.display()
    );
    t.session(session, 20, 16, &cmd);
}

/// Joins count 2 at WH1/A/01.
fn join(t: &Tmux, session: &str) {
    t.wait_in(session, "1 Count", WAIT);
    t.literal_in(session, "1");
    t.wait_in(session, "Aisle A", WAIT);
    t.literal_in(session, "2");
    t.wait_in(session, "scan a label", WAIT);
    t.literal_in(session, "WH1/A/01\r");
    t.wait_in(session, "Loc: WH1/A/01", WAIT);
}

/// The pid of the tallyman a session's shell started.
fn client_pid(t: &Tmux, session: &str) -> u32 {
    let out = t.run(&["display-message", "-p", "-t", session, "#{pane_pid}"]);
    let shell: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
    children.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn scans_typed_through_a_server_kill_are_each_recorded_once_in_order() {
    if support::skipped("the PTY outage test", support::tmux_missing()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("site.sock");
    cli(&db, &["demo", "--no-tui", "--units", "400"]);
    let opened = cli(&db, &["count", "open", "Aisle A", "--location", "WH1/A"]);
    assert!(opened.contains("opened count 2"), "{opened}");
    // Units from anywhere: each is recorded (counted, or not here), once.
    let stock: serde_json::Value = serde_json::from_str(&cli(&db, &["--json", "stock"])).unwrap();
    let serials: Vec<String> = stock
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["serial"].as_str().map(str::to_string))
        .take(23)
        .collect();
    assert_eq!(serials.len(), 23, "{stock}");
    let (burst, later) = serials.split_at(20);

    let mut server = serve(&db, &socket);
    let home = tmp.path().join("hh1");
    std::fs::create_dir_all(&home).unwrap();
    let t = Tmux::new("outage");
    client(&t, "hh1", &home, &socket);
    join(&t, "hh1");

    // A burst of 20 scans; the server dies (SIGKILL) after the 7th was typed.
    for (i, s) in burst.iter().enumerate() {
        t.literal_in("hh1", &format!("{s}\r"));
        if i == 6 {
            kill9(&mut server);
        }
    }
    // Every scan typed is on the screen: answered, or waiting; the last one waits.
    let last = &burst[19];
    let screen = t.wait_in("hh1", &format!("~{last}"), WAIT);
    assert!(screen.contains("no server"), "{screen}");
    assert!(screen.contains("not current"), "{screen}");
    // Nothing waits on the server: it is down.
    server = serve(&db, &socket);
    let screen = t.wait_in("hh1", "Total 20", WAIT);
    assert!(!screen.contains('~'), "nothing waits any more:\n{screen}");
    assert!(!screen.contains("not current"), "{screen}");
    assert_eq!(
        scanned(&db, &socket),
        burst,
        "every scan once, in the order typed"
    );

    // The client dies during an outage with three scans waiting.
    kill9(&mut server);
    for s in later {
        t.literal_in("hh1", &format!("{s}\r"));
    }
    t.wait_in("hh1", "3 wait", WAIT);
    let pid = client_pid(&t, "hh1");
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    t.wait_in("hh1", "EXIT=", WAIT);
    let kept: Vec<_> = std::fs::read_dir(home.join("state/tallyman"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(kept.len(), 1, "the dead client's file stays");
    // The server comes back, the clerk logs in again: the three are sent first.
    server = serve(&db, &socket);
    client(&t, "hh1-again", &home, &socket);
    t.wait_in("hh1-again", "3 sent", WAIT);
    let mut all = burst.to_vec();
    all.extend_from_slice(later);
    assert_eq!(
        scanned(&db, &socket),
        all,
        "each once, in order, after the restart"
    );
    let left: Vec<_> = std::fs::read_dir(home.join("state/tallyman"))
        .unwrap()
        .flatten()
        .collect();
    assert!(
        left.is_empty(),
        "the adopted file is gone once sent: {left:?}"
    );
    kill9(&mut server);
}
