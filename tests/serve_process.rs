//! The `tallyman serve` process: killed with SIGKILL under the load of many clients and
//! started again (no acknowledged scan lost, the clients carry on), stopped with SIGTERM
//! under that load (exit 0, socket gone, every answered scan kept), the files it creates private to its user, the commands that need
//! the database to themselves refused while it serves, and (as root) the actor taken from
//! the socket, not from `$USER`.

mod support;

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tallyman::domain::CountId;
use tallyman::ops::local::Service;
use tallyman::ops::{Answer, Command as Op, Ops, OpsError, Outcome, Query, Remote};

use support::cli::BIN;

/// Runs the binary once (a database in use is an answer here, not waited out), as the
/// account running the test: through a server that is who the socket says anyway.
fn tallyman(db: &Path, args: &[&str]) -> Output {
    let home = db.parent().unwrap_or(db);
    let me = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let mut c = support::cli::tallyman(home, db, &me);
    c.args(args).output().unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = tallyman(db, args);
    assert!(
        out.status.success(),
        "tallyman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `tallyman serve` and waits until its socket answers. A server that could not open
/// the database yet (sled lets go of a closed database's lock lazily) is started again.
fn serve(db: &Path, socket: &Path) -> Child {
    serve_with(Path::new(BIN), db, socket, &[])
}

/// [`serve`] with another binary and more options of `serve`.
fn serve_with(bin: &Path, db: &Path, socket: &Path, more: &[&str]) -> Child {
    let started = Instant::now();
    loop {
        let mut child = Command::new(bin)
            .arg("--db")
            .arg(db)
            .arg("--socket")
            .arg(socket)
            .arg("serve")
            .args(more)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        loop {
            if Remote::connect(socket).is_ok() {
                return child;
            }
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
                assert!(
                    err.contains("in use by") && started.elapsed() < Duration::from_secs(20),
                    "the server stopped ({status}): {err}"
                );
                std::thread::sleep(Duration::from_millis(50));
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

use support::cli::sigterm;

fn setup(db: &Path) {
    let (svc, _) = Service::open(db).unwrap();
    svc.execute(
        "setup",
        Op::Batch(support::parties_and_locations(&["WH1/A/01"])),
    )
    .unwrap();
    support::open_count(&svc, "WH1/A", &[], true);
}

#[test]
fn a_server_killed_under_load_loses_no_acknowledged_scan_and_its_clients_carry_on() {
    const CLIENTS: usize = 50;
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    setup(&db);
    let mut server = serve(&db, &socket);
    let count = CountId(1);
    let stop = Arc::new(AtomicBool::new(false));
    // (number -> serial) of every acknowledged scan; the gaps while the server is down.
    let acked: Arc<Mutex<Vec<(u32, String)>>> = Arc::default();
    let failures = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (socket, stop, acked, failures) = (
                socket.clone(),
                stop.clone(),
                acked.clone(),
                failures.clone(),
            );
            std::thread::spawn(move || {
                let mut client: Option<Remote> = None;
                let mut i = 0;
                while !stop.load(Ordering::Acquire) {
                    let remote = match &client {
                        Some(r) => r,
                        None => match Remote::connect(&socket) {
                            Ok(r) => client.insert(r),
                            Err(_) => {
                                std::thread::sleep(Duration::from_millis(20));
                                continue;
                            }
                        },
                    };
                    let serial = format!("KILL-{c:02}-{i:05}");
                    i += 1;
                    match remote.execute(Op::CountScan {
                        count,
                        location: Some("WH1/A/01".into()),
                        raw: serial.clone(),
                        label_only: false,
                    }) {
                        Ok(Outcome::Scanned(r)) => {
                            acked.lock().unwrap().push((r.scan.number, serial))
                        }
                        Err(OpsError::Link(_)) => {
                            failures.fetch_add(1, Ordering::Relaxed);
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        other => panic!("client {c}: {other:?}"),
                    }
                }
            })
        })
        .collect();
    let wait_for_acks = |n: usize| {
        let started = Instant::now();
        while acked.lock().unwrap().len() < n {
            assert!(started.elapsed() < Duration::from_secs(60), "no progress");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    // Three kills in the middle of the load, each followed by a restart.
    for round in 1..=3 {
        wait_for_acks(round * 300);
        server.kill().unwrap();
        server.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        server = serve(&db, &socket);
    }
    // The clients carry on after the last restart.
    let before = acked.lock().unwrap().len();
    wait_for_acks(before + 300);
    // A clean stop under the same load: what is in flight is finished and answered (and so
    // must be in the journal), nothing new is taken, exit 0, the socket removed.
    sigterm(&server);
    let out = server.wait_with_output().unwrap();
    stop.store(true, Ordering::Release);
    for c in clients {
        c.join().unwrap();
    }
    assert!(
        failures.load(Ordering::Relaxed) > 0,
        "the kills were felt by the clients"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!socket.exists());

    let acked = acked.lock().unwrap().clone();
    let (svc, _) = Service::open(&db).unwrap();
    let Answer::Scans(scans) = svc.query(Query::CountScans { count }).unwrap() else {
        panic!("no scans")
    };
    let stored: HashMap<u32, String> = scans
        .iter()
        .map(|l| (l.scan.number, l.scan.serial.to_string()))
        .collect();
    let numbers: Vec<u32> = {
        let mut n: Vec<u32> = stored.keys().copied().collect();
        n.sort();
        n
    };
    assert_eq!(
        numbers,
        (1..=scans.len() as u32).collect::<Vec<_>>(),
        "gapless"
    );
    let mut seen = std::collections::HashSet::new();
    for (number, serial) in &acked {
        assert!(seen.insert(*number), "number {number} acknowledged twice");
        assert_eq!(
            stored.get(number),
            Some(serial),
            "acknowledged scan {number} lost"
        );
    }
    // Every serial at most once (a scan is never applied twice).
    let mut serials: Vec<&String> = stored.values().collect();
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), stored.len());
    drop(svc);
    support::assert_replay_equals_state(&db);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_servers_files_are_its_own_and_exclusive_commands_wait_for_it_to_stop() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    ok(&db, &["demo", "--no-tui", "--units", "50"]);
    let server = serve(&db, &socket);
    assert_eq!(mode(&db), 0o700, "database folder");
    for file in ["journal.tlj", "owner", "serve.log"] {
        assert_eq!(mode(&db.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&socket), 0o660, "socket");
    // Through the server: a backup while it serves, private too.
    let backup = tmp.path().join("site.bak");
    let said = ok(
        &db,
        &[
            "--socket",
            socket.to_str().unwrap(),
            "backup",
            backup.to_str().unwrap(),
        ],
    );
    assert!(said.starts_with("backup written"), "{said}");
    assert_eq!(mode(&backup), 0o600);
    // A lookup goes through the server (the database is locked by it).
    let stock: serde_json::Value = serde_json::from_str(&ok(
        &db,
        &["--socket", socket.to_str().unwrap(), "--json", "stock"],
    ))
    .unwrap();
    let serial = stock[0]["serial"].as_str().unwrap().to_string();
    let found = ok(
        &db,
        &["--socket", socket.to_str().unwrap(), "lookup", &serial],
    );
    assert!(found.contains(&serial), "{found}");
    // A check goes through the server (it replays the journal beside the live store), and
    // so does a rebuild (the server serves the new store); a salvage finds nothing to do.
    let checked = ok(&db, &["--socket", socket.to_str().unwrap(), "check"]);
    assert!(checked.starts_with("ok: "), "{checked}");
    let rebuilt = ok(&db, &["--socket", socket.to_str().unwrap(), "rebuild"]);
    assert!(rebuilt.starts_with("rebuilt the store from "), "{rebuilt}");
    let out = tallyman(
        &db,
        &["--socket", socket.to_str().unwrap(), "rebuild", "--salvage"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("nothing to salvage"), "{err}");
    // A change through the server, then a stop: the server's anchor file, beside the
    // folder, names the head of the chain, and check proves the journal still holds it.
    ok(
        &db,
        &[
            "--socket",
            socket.to_str().unwrap(),
            "receive",
            "--supplier",
            "Northwind Distribution",
            "--invoice",
            "A-1",
            "--product",
            "RT-AX55",
            "--to",
            "WH3/A/01",
            "RT76000001",
        ],
    );
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    let anchors = std::fs::read_to_string(tmp.path().join("db.anchor")).unwrap();
    let head = ok(&db, &["anchor"]);
    let last = anchors.lines().last().unwrap();
    assert!(last.starts_with(head.trim()), "{anchors} / {head}");
    assert_eq!(mode(&tmp.path().join("db.anchor")), 0o600);
    let checked = ok(
        &db,
        &[
            "check",
            "--anchor",
            tmp.path().join("db.anchor").to_str().unwrap(),
        ],
    );
    assert!(checked.contains("anchors: all"), "{checked}");
    ok(&db, &["restore", backup.to_str().unwrap(), "--force"]);
}

/// The server's log, once it contains `needle` (the minute only keeps a broken server from
/// hanging the suite; the caller asserts what the log says).
fn log_with(log: &Path, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains(needle) || started.elapsed() > Duration::from_secs(60) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_actor_is_the_account_on_the_socket_not_user_from_the_environment() {
    use std::os::unix::process::CommandExt;
    let account = "tmhh1";
    let user = nix::unistd::User::from_name(account).ok().flatten();
    let group = nix::unistd::Group::from_name("tallyman-users")
        .ok()
        .flatten();
    let (Some(user), Some(group), true) = (user, group, nix::unistd::geteuid().is_root()) else {
        support::skipped(
            "the socket actor test",
            Some(format!(
                "needs root, the account {account} and the group tallyman-users (.ci/run makes them)"
            )),
        );
        return;
    };
    let users_gid = group.gid.as_raw();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin: PathBuf = tmp.path().join("tallyman");
    std::fs::copy(BIN, &bin).unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    setup(&db);
    let server = serve_with(&bin, &db, &socket, &["--group", "tallyman-users"]);
    let as_account = |args: &[&str]| {
        Command::new(&bin)
            .arg("--db")
            .arg(&db)
            .arg("--socket")
            .arg(&socket)
            .args(args)
            // Whatever the environment says, the server asks the kernel.
            .env("USER", "root")
            .env("LOGNAME", "root")
            .env("HOME", tmp.path())
            .env("XDG_CONFIG_HOME", tmp.path().join("config"))
            .uid(user.uid.as_raw())
            // The socket's group as the primary group (a root parent drops the others).
            .gid(users_gid)
            .output()
            .unwrap()
    };
    let out = as_account(&["count", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!("user \"{account}\" is not a tallyman user: reading needs support; an admin runs: tallyman user add {account} --role clerk")),
        "{err}"
    );
    // Given a role by root (an admin), the account scans; the journal names it.
    ok(
        &db,
        &[
            "--socket",
            socket.to_str().unwrap(),
            "user",
            "add",
            account,
            "--role",
            "clerk",
        ],
    );
    let out = as_account(&["count", "close", "1"]);
    assert_eq!(out.status.code(), Some(4), "a clerk does not close counts");
    let log = log_with(&db.join("serve.log"), "needs=supervisor");
    assert!(
        log.contains(&format!(
            "refused user=\"{account}\" what=\"closing or posting a count\" needs=supervisor"
        )),
        "{log}"
    );
    let mut scan = Command::new(&bin);
    scan.arg("--db")
        .arg(&db)
        .arg("--socket")
        .arg(&socket)
        .args(["--json", "count", "scan", "1"])
        .env("USER", "root")
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .uid(user.uid.as_raw())
        // The socket's group as the primary group (a root parent drops the others).
        .gid(users_gid)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = scan.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"WH1/A/01\nSN-ACTOR-1\n").unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let shown = ok(
        &db,
        &[
            "--socket",
            socket.to_str().unwrap(),
            "--json",
            "count",
            "show",
            "1",
        ],
    );
    assert!(
        shown.contains(&format!("\"counters\":[\"{account}\"]")),
        "{shown}"
    );
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
}

/// Runs `tallyman serve` on `socket` that must refuse to start: its output. A server that
/// starts anyway is stopped and the test fails.
fn serve_refused(db: &Path, socket: &Path) -> Output {
    let home = db.parent().unwrap_or(db);
    let me = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let mut child = support::cli::tallyman(home, db, &me)
        .arg("--socket")
        .arg(socket)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            sigterm(&child);
            let out = child.wait_with_output().unwrap();
            panic!(
                "the server started on {}: {}",
                socket.display(),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn the_socket_path_is_checked_and_only_a_stale_socket_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    ok(&db, &["demo", "--no-tui", "--units", "20"]);
    let journal = std::fs::read(db.join("journal.tlj")).unwrap();
    let refused = |socket: &Path, words: &str| {
        let out = serve_refused(&db, socket);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{}: {err}", socket.display());
        assert!(err.contains(words), "{}: {err}", socket.display());
        assert!(err.contains("nothing was removed"), "{err}");
        assert!(
            err.contains(&format!("\"{}\"", socket.display())),
            "names the path: {err}"
        );
    };
    // A regular file is kept as it was.
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "keep me").unwrap();
    refused(&file, "is a regular file");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    // A folder, outside the database and inside it.
    let folder = tmp.path().join("papers");
    std::fs::create_dir(&folder).unwrap();
    refused(&folder, "is a folder");
    assert!(folder.is_dir());
    refused(&db.join("state"), "inside the database folder");
    assert!(db.join("state").is_dir());
    // The live journal: never unlinked.
    refused(&db.join("journal.tlj"), "inside the database folder");
    assert_eq!(std::fs::read(db.join("journal.tlj")).unwrap(), journal);
    // Nor a new name inside the folder.
    refused(&db.join("site.sock"), "inside the database folder");
    assert!(!db.join("site.sock").exists());
    // A symbolic link, even to a stale socket, is not the server's to remove.
    let stale = tmp.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let link = tmp.path().join("link.sock");
    std::os::unix::fs::symlink(&stale, &link).unwrap();
    refused(&link, "is a symbolic link");
    assert!(std::fs::symlink_metadata(&link).is_ok());
    // A stale socket (nobody answers on it) is replaced.
    let server = serve(&db, &stale);
    // A live server's socket is refused by a second server, which removes nothing.
    let other = tmp.path().join("other");
    ok(&other, &["init", other.to_str().unwrap()]);
    let out = serve_refused(&other, &stale);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("a server already answers on"), "{err}");
    assert!(err.contains("nothing was removed"), "{err}");
    assert!(
        Remote::connect(&stale).is_ok(),
        "the first server still answers"
    );
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    assert!(
        !stale.exists(),
        "the server removes its own socket when it stops"
    );
}

#[test]
fn an_admin_who_is_not_the_servers_user_backs_up_through_the_server() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    let Some((admin, support, group)) = support::handheld_accounts("the other admin's backup test")
    else {
        return;
    };
    let users_gid = group.gid.as_raw();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin: PathBuf = tmp.path().join("tallyman");
    std::fs::copy(BIN, &bin).unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    ok(&db, &["demo", "--no-tui", "--units", "20"]);
    // The admin's own folder: the database's is the server user's alone (0700).
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    nix::unistd::chown(&out_dir, Some(admin.uid), Some(admin.gid)).unwrap();
    let server = serve_with(&bin, &db, &socket, &["--group", "tallyman-users"]);
    assert_eq!(mode(&db), 0o700);
    let as_account = |user: &nix::unistd::User, args: &[&str]| {
        Command::new(&bin)
            .arg("--db")
            .arg(&db)
            .arg("--socket")
            .arg(&socket)
            .args(args)
            .env("HOME", tmp.path())
            .env("XDG_CONFIG_HOME", tmp.path().join("config"))
            .uid(user.uid.as_raw())
            .gid(users_gid)
            .output()
            .unwrap()
    };
    let socket_arg = socket.to_str().unwrap();
    ok(
        &db,
        &[
            "--socket", socket_arg, "user", "add", "tmhh1", "--role", "admin",
        ],
    );
    ok(
        &db,
        &[
            "--socket", socket_arg, "user", "add", "tmhh2", "--role", "support",
        ],
    );
    // The server reads its journal and the admin's process writes the file, as the admin.
    let backup = out_dir.join("site.tlj");
    let out = as_account(&admin, &["backup", backup.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("backup written to"), "{said}");
    assert!(said.contains("anchor: "), "{said}");
    let meta = std::fs::metadata(&backup).unwrap();
    assert_eq!(
        (meta.uid(), meta.mode() & 0o777),
        (admin.uid.as_raw(), 0o600)
    );
    let journal = std::fs::read(db.join("journal.tlj")).unwrap();
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        journal,
        "the whole journal"
    );
    // A symbolic link as the target is refused, not replaced, and what it names is kept.
    let kept = out_dir.join("kept.txt");
    std::fs::write(&kept, "keep me").unwrap();
    let link = out_dir.join("link.tlj");
    std::os::unix::fs::symlink(&kept, &link).unwrap();
    let out = as_account(&admin, &["backup", link.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "keep me");
    // A user without the admin role is refused by the server, and nothing is written.
    let theirs = out_dir.join("theirs.tlj");
    let out = as_account(&support, &["backup", theirs.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("\"tmhh2\" is a support: a backup needs admin"),
        "{err}"
    );
    assert!(!theirs.exists());
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
}
