//! A member of the socket's group cannot stall the site: `tallyman serve` under an open-file
//! limit of 1,024 with 1,100 idle connections from another account (first one with no role,
//! then a clerk) still answers root's lookup (how fast: `benches/serve.rs`), does not spin
//! (its CPU time, not the clock, is measured), and logs the
//! connections it turned away once a second, not once each; twelve large half-sent frames
//! from an account with no role, then from a support user, leave its memory where it was.
//!
//! The other account is real (`tmhh1`, in `tallyman-users`; `.ci/run` makes it), so the test
//! needs root, `setpriv` and `prlimit` (util-linux) and python3 for the flood. Without them it
//! says what is missing and passes, unless `TALLYMAN_REQUIRE_ALL` is set (as `.ci/run` does
//! as root), when it fails.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tallyman::ops::{Answer, Ops, Query, Remote};

const FLOODER: &str = "tmhh1";

fn missing() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("not root (the flood runs as another account)".into());
    }
    for tool in ["/usr/bin/setpriv", "/usr/bin/prlimit", "/usr/bin/python3"] {
        if !Path::new(tool).exists() {
            return Some(format!("{tool} is not installed"));
        }
    }
    if !matches!(nix::unistd::User::from_name(FLOODER), Ok(Some(_))) {
        return Some(format!("no account {FLOODER}"));
    }
    if !matches!(nix::unistd::Group::from_name("tallyman-users"), Ok(Some(_))) {
        return Some("no group tallyman-users".into());
    }
    None
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server's resident memory and CPU time so far (user + system), from /proc.
fn rss_and_cpu(pid: u32) -> (u64, Duration) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    (rss_kb * 1024, Duration::from_millis(ticks * 10))
}

/// Python, as the flooding account, with room for more files than the server has.
fn as_flooder(script: &str) -> Child {
    let child = Command::new("/usr/bin/prlimit")
        .args(["--nofile=8192:8192", "--", "/usr/bin/setpriv"])
        .args([
            &format!("--reuid={FLOODER}"),
            &format!("--regid={FLOODER}"),
            "--init-groups",
            "--",
            "/usr/bin/python3",
            "-c",
            script,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    child
}

/// Waits for the flood to say it is in place (its first line of output).
fn flood_ready(child: &mut Child) -> String {
    use std::io::BufRead;
    let out = child.stdout.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(out).read_line(&mut line).unwrap();
    line
}

/// Opens `n` connections and holds them, idle.
fn idle_connections(socket: &Path, n: usize) -> String {
    format!(
        "import socket, time\n\
         conns = []\n\
         for i in range({n}):\n\
         \x20   s = socket.socket(socket.AF_UNIX)\n\
         \x20   s.connect({socket:?})\n\
         \x20   conns.append(s)\n\
         print('open', len(conns), flush=True)\n\
         time.sleep(60)\n"
    )
}

/// Sends twelve frames' headers saying 60 MB, then 4 MB of each, and holds them.
fn half_frames(socket: &Path) -> String {
    format!(
        "import socket, struct, time\n\
         conns = []\n\
         for i in range(12):\n\
         \x20   s = socket.socket(socket.AF_UNIX)\n\
         \x20   s.connect({socket:?})\n\
         \x20   s.setblocking(False)\n\
         \x20   try:\n\
         \x20       s.send(bytes([1]) + struct.pack('>I', 60 << 20))\n\
         \x20       sent = 0\n\
         \x20       while sent < (4 << 20):\n\
         \x20           sent += s.send(b'x' * 65536)\n\
         \x20   except OSError:\n\
         \x20       pass\n\
         \x20   conns.append(s)\n\
         print('sent', flush=True)\n\
         time.sleep(60)\n"
    )
}

/// Root's lookup through the server: answered. How fast it is answered beside a flood is a
/// figure, measured by `benches/serve.rs` (idle connections and half-sent frames held open
/// beside 50 clients), not a bound a loaded machine could break here.
fn lookup(socket: &Path) {
    let remote = Remote::connect(socket).unwrap();
    let answer = remote.query(Query::Lookup {
        serial: "352099000000014".into(),
        date: None,
    });
    assert!(matches!(answer, Ok(Answer::Units(_))), "{answer:?}");
}

#[test]
fn idle_connections_and_half_frames_of_other_accounts_do_not_stall_the_server() {
    if support::skipped("the abuse test", missing()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let db = support::demo_db(tmp.path(), 300);
    let socket = tmp.path().join("site.sock");
    let log = tmp.path().join("serve.log");
    let server = Killed(
        Command::new("/usr/bin/prlimit")
            .args(["--nofile=1024:1024", "--"])
            .arg(support::cli::BIN)
            .arg("--db")
            .arg(&db)
            .args([
                "--socket",
                socket.to_str().unwrap(),
                "serve",
                "--group",
                "tallyman-users",
            ])
            .arg("--log")
            .arg(&log)
            .env("HOME", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let pid = server.0.id();
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "no server");
        std::thread::sleep(Duration::from_millis(20));
    }
    lookup(&socket);
    let (idle_rss, _) = rss_and_cpu(pid);

    // 1,100 idle connections of an account with no role: turned away at the door.
    let mut flood = Killed(as_flooder(&idle_connections(&socket, 1100)));
    assert!(flood_ready(&mut flood.0).starts_with("open 1100"));
    std::thread::sleep(Duration::from_millis(300));
    let (_, cpu_before) = rss_and_cpu(pid);
    lookup(&socket);
    std::thread::sleep(Duration::from_secs(1));
    let (_, cpu_after) = rss_and_cpu(pid);
    assert!(
        cpu_after - cpu_before < Duration::from_millis(500),
        "the server spins: {:?} of CPU in about a second",
        cpu_after - cpu_before
    );
    drop(flood);

    // The same account as a clerk: 64 connections are let in, the rest turned away, and
    // root still gets its answer at once.
    let add = support::cli::tallyman(tmp.path(), &db, "root")
        .args([
            "--socket",
            socket.to_str().unwrap(),
            "user",
            "add",
            FLOODER,
            "--role",
            "clerk",
        ])
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let mut flood = Killed(as_flooder(&idle_connections(&socket, 1100)));
    assert!(flood_ready(&mut flood.0).starts_with("open 1100"));
    std::thread::sleep(Duration::from_millis(300));
    lookup(&socket);
    drop(flood);

    // Twelve large half-sent frames: as a support user (frames of a few KiB), then with no
    // role at all. The server's memory stays where it was.
    let set = support::cli::tallyman(tmp.path(), &db, "root")
        .args([
            "--socket",
            socket.to_str().unwrap(),
            "user",
            "role",
            FLOODER,
            "support",
        ])
        .output()
        .unwrap();
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    for round in ["support", "no role"] {
        if round == "no role" {
            let rm = support::cli::tallyman(tmp.path(), &db, "root")
                .args([
                    "--socket",
                    socket.to_str().unwrap(),
                    "user",
                    "remove",
                    FLOODER,
                ])
                .output()
                .unwrap();
            assert!(rm.status.success());
        }
        let mut flood = Killed(as_flooder(&half_frames(&socket)));
        assert_eq!(flood_ready(&mut flood.0).trim(), "sent");
        std::thread::sleep(Duration::from_millis(500));
        lookup(&socket);
        let (rss, _) = rss_and_cpu(pid);
        assert!(
            rss < idle_rss + (32 << 20),
            "{round}: the server grew from {idle_rss} to {rss} bytes"
        );
        drop(flood);
    }

    // The log says what the door did, in a few lines, not one per connection.
    let logged = std::fs::read_to_string(&log).unwrap();
    let door_lines = logged.lines().filter(|l| l.contains("turned away")).count();
    assert!(door_lines >= 1, "{logged}");
    assert!(
        door_lines < 20,
        "{door_lines} lines about the door:\n{logged}"
    );
    assert!(
        logged.contains("too many connections of user \\\"tmhh1\\\""),
        "{logged}"
    );
    assert!(
        logged.contains("open files: 1024 (hard limit 1024)"),
        "{logged}"
    );
}
