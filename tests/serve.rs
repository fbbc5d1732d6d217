//! `tallyman serve` through its real socket: many clients counting into one count at once,
//! the role of every peer checked in the server, frames that are not frames, and the peer's
//! identity from the kernel. In-process servers here; the binary is killed in
//! `serve_process.rs`.

mod support;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tallyman::domain::{CountId, DocKind, Role};
use tallyman::ops::local::Service;
use tallyman::ops::{
    Answer, Call, Command, Gate, Ops, OpsError, OpsQueries, Query, Remote, Reply, Request,
};
use tallyman::server::{ServeOptions, Server};

/// A server on a temporary database, running on a thread until dropped.
struct TestServer {
    dir: Option<tempfile::TempDir>,
    /// The server's own service (tests set roles in it as an admin would).
    service: Option<Arc<Service>>,
    socket: PathBuf,
    log: PathBuf,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server over a database `setup` prepared (in embedded mode, before).
    fn start(gate: Gate, setup: impl FnOnce(&Service)) -> TestServer {
        TestServer::start_idle(gate, setup, Duration::from_secs(60))
    }

    /// The same, closing connections idle for `idle`.
    fn start_idle(gate: Gate, setup: impl FnOnce(&Service), idle: Duration) -> TestServer {
        TestServer::start_tuned(gate, setup, idle, |s| s)
    }

    /// The same, with the service tuned by `tune` before it serves.
    fn start_tuned(
        gate: Gate,
        setup: impl FnOnce(&Service),
        idle: Duration,
        tune: impl FnOnce(Service) -> Service,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        // One open for the setup and the server (sled lets go of a lock lazily).
        let (service, _) = Service::open(&db).unwrap();
        setup(&service);
        let service = tune(service);
        let socket = dir.path().join("db.sock");
        let log = dir.path().join("serve.log");
        let service = Arc::new(service);
        let stopping = Arc::new(AtomicBool::new(false));
        let options = ServeOptions {
            socket: socket.clone(),
            socket_mode: 0o600,
            group: None,
            log: log.clone(),
            max_frame: 1024 * 1024,
            idle_timeout: idle,
            read_timeout: Duration::from_secs(2),
            max_connections: 4096,
            max_connections_per_user: 4096,
            gate,
            anchor: Some(tmp_anchor(&log)),
        };
        let server = Server::bind(service.clone(), options, stopping.clone()).unwrap();
        let thread = std::thread::spawn(move || server.run().unwrap());
        TestServer {
            dir: Some(dir),
            service: Some(service),
            socket,
            log,
            stopping,
            thread: Some(thread),
        }
    }

    fn service(&self) -> &Service {
        self.service.as_ref().unwrap()
    }

    /// Stops the server and lets go of the database; the folder stays until the result is
    /// dropped.
    fn close(mut self) -> tempfile::TempDir {
        self.stop();
        self.service = None;
        self.dir.take().unwrap()
    }

    fn client(&self) -> Remote {
        Remote::connect(&self.socket).unwrap()
    }

    /// Stops the server as SIGTERM does and waits for it.
    fn stop(&mut self) {
        self.stopping.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn me() -> String {
    tallyman::identity::account()
}

fn admin_gate() -> Gate {
    Gate {
        always_admin: vec![me()],
    }
}

fn setup_stock(svc: &Service) {
    let mut cmds = support::parties_and_locations(&["WH1/A/01", "WH1/A/02"]);
    cmds.push(support::product(
        "PH-1",
        tallyman::domain::SerialFormat::Plain,
        None,
        "",
        None,
    ));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    svc.execute(
        "setup",
        support::doc(
            DocKind::Receipt,
            "PH-1",
            &["S-0001", "S-0002"],
            None,
            Some("WH1/A/01"),
            None,
        ),
    )
    .unwrap();
    support::open_count(svc, "WH1/A", &[], true);
}

fn scan(count: CountId, raw: &str) -> Command {
    Command::CountScan {
        count,
        location: Some("WH1/A/01".into()),
        raw: raw.into(),
        label_only: false,
    }
}

#[test]
fn fifty_clients_count_into_one_count_and_every_acknowledged_scan_is_there_once() {
    const CLIENTS: usize = 50;
    const SCANS: usize = 200;
    let server = TestServer::start(admin_gate(), setup_stock);
    let count = CountId(1);
    let acked: Vec<Vec<(u32, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let client = server.client();
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..SCANS {
                        // Overlapping serials: each is scanned by about five clients.
                        let serial = format!("LOAD-{:05}", (c * SCANS + i * 7) % 2000);
                        match client.execute(scan(count, &serial)) {
                            Ok(tallyman::ops::Outcome::Scanned(r)) => {
                                mine.push((r.scan.number, r.scan.serial.to_string()))
                            }
                            other => panic!("scan {serial} of client {c}: {other:?}"),
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Commands that arrived together shared fsyncs (group commit).
    let syncs = server.service().journal_syncs();
    assert!(
        syncs > 0 && syncs < (CLIENTS * SCANS / 2) as u64,
        "{syncs} fsyncs for {} scans",
        CLIENTS * SCANS
    );
    let dir = server.close();
    let db = dir.path().join("db");
    let all: Vec<(u32, String)> = acked.into_iter().flatten().collect();
    assert_eq!(all.len(), CLIENTS * SCANS);

    let (svc, _) = Service::open(&db).unwrap();
    let Answer::Scans(scans) = svc.query(Query::CountScans { count }).unwrap() else {
        panic!("no scans")
    };
    // Gapless numbers 1..=N, and each acknowledged number holds the acknowledged serial.
    let numbers: Vec<u32> = scans.iter().map(|l| l.scan.number).collect();
    assert_eq!(numbers, (1..=all.len() as u32).collect::<Vec<_>>());
    let by_number: std::collections::HashMap<u32, String> = scans
        .iter()
        .map(|l| (l.scan.number, l.scan.serial.to_string()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (number, serial) in &all {
        assert!(
            seen.insert(*number),
            "scan number {number} acknowledged twice"
        );
        assert_eq!(by_number.get(number), Some(serial), "scan {number}");
    }
    drop(svc);
    support::assert_replay_equals_state(&db);
}

/// One request of each class, with the role it needs.
fn requests(count: CountId) -> Vec<(&'static str, Role, Call)> {
    let receipt = support::doc(
        DocKind::Receipt,
        "PH-1",
        &["R-7"],
        None,
        Some("WH1/A/02"),
        None,
    );
    let write_off = support::doc(
        DocKind::WriteOff,
        "PH-1",
        &["S-0002"],
        Some("WH1/A/01"),
        None,
        None,
    );
    vec![
        (
            "lookup",
            Role::Support,
            Call::Query(Query::Lookup {
                serial: "S-0001".into(),
                date: None,
            }),
        ),
        ("status", Role::Support, Call::Query(Query::Status)),
        ("scan", Role::Clerk, Call::Execute(scan(count, "S-0001"))),
        ("receive", Role::Clerk, Call::Execute(receipt)),
        ("write-off", Role::Supervisor, Call::Execute(write_off)),
        (
            "open count",
            Role::Supervisor,
            Call::Execute(Command::OpenCount(tallyman::ops::NewCount {
                name: "second".into(),
                location: "WH1/A/02".into(),
                skus: vec![],
                categories: vec![],
                blind: true,
            })),
        ),
        ("user list", Role::Admin, Call::Query(Query::Users)),
        (
            "add user",
            Role::Admin,
            Call::Execute(Command::AddUser {
                name: "hh99".into(),
                role: Role::Clerk,
            }),
        ),
    ]
}

#[test]
fn every_role_against_every_command_class_through_the_socket() {
    let who = me();
    // Nobody is admin by the gate: the test's own account gets each role in turn, set in
    // the server's service as `tallyman user role` would set it.
    let server = TestServer::start(Gate::default(), setup_stock);
    let count = CountId(1);
    let roles = [
        None,
        Some(Role::Support),
        Some(Role::Clerk),
        Some(Role::Supervisor),
        Some(Role::Admin),
    ];
    for role in roles {
        set_role(&server, &who, role);
        for (what, needed, call) in requests(count) {
            let client = server.client();
            let before = seq(server.service());
            let reply = client.call(Request::V1(call));
            let refused_for_role = matches!(
                &reply,
                Reply::V1(Err(OpsError::Refused(r))) if r.kind == tallyman::ops::RefusalKind::NotPermitted
            );
            let may = role.is_some_and(|r| r.may(needed));
            assert_eq!(
                !refused_for_role, may,
                "{what} as {role:?} (needs {needed}): {reply:?}"
            );
            if refused_for_role {
                assert_eq!(
                    seq(server.service()),
                    before,
                    "{what}: a refused request changed something"
                );
                let Reply::V1(Err(e)) = &reply else {
                    unreachable!()
                };
                let words = e.to_string();
                assert!(words.contains(&format!("\"{who}\"")), "{words}");
                if role.is_none() {
                    // The command line words this fact as `tallyman user add WHO --role R`.
                    assert!(
                        matches!(
                            e.refusal().and_then(tallyman::ops::next_step),
                            Some(tallyman::ops::Next::AddUser { user, role })
                                if user == who && role >= tallyman::domain::Role::Clerk
                        ),
                        "{words}"
                    );
                }
            }
        }
    }
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(
        log.contains(&format!(
            "refused user=\"{who}\" what=\"a write-off\" needs=supervisor"
        )),
        "{log}"
    );
}

/// Gives `who` a role (or takes it away) in the server's service.
fn set_role(server: &TestServer, who: &str, role: Option<Role>) {
    let known = server
        .service()
        .query(Query::Users)
        .map(|a| matches!(a, Answer::Users(u) if u.iter().any(|u| u.name == who)))
        .unwrap();
    let command = match (role, known) {
        (Some(role), false) => Command::AddUser {
            name: who.into(),
            role,
        },
        (Some(role), true) => Command::SetRole {
            name: who.into(),
            role,
        },
        (None, true) => Command::RemoveUser { name: who.into() },
        (None, false) => return,
    };
    server.service().execute("admin", command).unwrap();
}

fn seq(service: &Service) -> u64 {
    match service.query(Query::Status).unwrap() {
        Answer::Status(s) => s.applied_seq,
        other => panic!("{other:?}"),
    }
}

/// Sends raw bytes as a client would, then reads whatever comes back until the server
/// closes (or a second passes).
fn raw_exchange(socket: &std::path::Path, bytes: &[u8], close_after: bool) -> Vec<u8> {
    let mut stream = UnixStream::connect(socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(4)))
        .unwrap();
    let _ = stream.write_all(bytes);
    if close_after {
        return Vec::new();
    }
    let mut back = Vec::new();
    let _ = stream.read_to_end(&mut back);
    back
}

#[test]
fn frames_that_are_not_frames_close_only_their_own_connection() {
    let server = TestServer::start(admin_gate(), setup_stock);
    // A client that stays connected all along, asking between every bad frame.
    let good = server.client();
    let ask = |good: &Remote| good.status().expect("the good client keeps its answers");
    let first = ask(&good).applied_seq;

    // Random bytes (not version 1): closed at once, with a reply saying why.
    let back = raw_exchange(
        &server.socket,
        &[0x17, 0x03, 0x03, 0x00, 0x31, 0xde, 0xad],
        false,
    );
    let Ok(Reply::V1(Err(e))) = tallyman::ops::wire::read_frame(&mut &back[..], 1 << 20)
        .map(|p| Reply::decode(&p).unwrap())
    else {
        panic!("expected an error reply, got {back:?}")
    };
    assert!(
        e.to_string().contains("expected frame version 1, found 23"),
        "{e}"
    );
    ask(&good);

    // A huge length: refused without reading (or allocating) it.
    let back = raw_exchange(&server.socket, &[1, 0xff, 0xff, 0xff, 0xff], false);
    let reply =
        Reply::decode(&tallyman::ops::wire::read_frame(&mut &back[..], 1 << 20).unwrap()).unwrap();
    assert!(
        matches!(&reply, Reply::V1(Err(e)) if e.to_string().contains("larger than the 1048576 bytes allowed")),
        "{reply:?}"
    );
    ask(&good);

    // A good frame whose payload is not a request: an error answer, and the connection
    // can go on.
    let mut junk = Vec::new();
    tallyman::ops::wire::write_frame(&mut junk, &[0xff; 40]).unwrap();
    let mut stream = UnixStream::connect(&server.socket).unwrap();
    stream.write_all(&junk).unwrap();
    let reply =
        Reply::decode(&tallyman::ops::wire::read_frame(&mut stream, 1 << 20).unwrap()).unwrap();
    assert!(
        matches!(&reply, Reply::V1(Err(e)) if e.to_string().contains("could not read the request")),
        "{reply:?}"
    );
    let mut status = Vec::new();
    tallyman::ops::wire::write_frame(
        &mut status,
        &Request::V1(Call::Query(Query::Status)).encode().unwrap(),
    )
    .unwrap();
    stream.write_all(&status).unwrap();
    let reply =
        Reply::decode(&tallyman::ops::wire::read_frame(&mut stream, 1 << 20).unwrap()).unwrap();
    assert!(matches!(reply, Reply::V1(Ok(_))), "{reply:?}");
    drop(stream);
    ask(&good);

    // Half a frame, then gone; and half a frame that never finishes (the read timeout).
    let command = Request::V1(Call::Execute(scan(CountId(1), "HALF-1")))
        .encode()
        .unwrap();
    let mut framed = Vec::new();
    tallyman::ops::wire::write_frame(&mut framed, &command).unwrap();
    raw_exchange(&server.socket, &framed[..framed.len() / 2], true);
    let started = std::time::Instant::now();
    let back = raw_exchange(&server.socket, &framed[..framed.len() / 2], false);
    assert!(back.is_empty(), "{back:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the read timeout closed it"
    );
    ask(&good);

    // None of it reached the database, and the server still serves new clients.
    assert_eq!(ask(&good).applied_seq, first);
    assert_eq!(server.client().status().unwrap().applied_seq, first);
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("expected frame version 1, found 23"), "{log}");
}

#[test]
fn a_request_larger_than_the_server_takes_is_refused_saying_so_and_changes_nothing() {
    let server = TestServer::start(admin_gate(), setup_stock);
    let client = server.client();
    let first = client.status().unwrap().applied_seq;
    // About 2 MB against the server's 1 MiB: the server closes the connection while the
    // client is still writing, after saying why.
    let big: Vec<Command> = (0..40_000)
        .map(|i| scan(CountId(1), &format!("TOO-BIG-{i:032}")))
        .collect();
    match client.execute(Command::Batch(big)) {
        Err(tallyman::ops::OpsError::Refused(r)) => assert!(
            r.message.contains("larger than the 1048576 bytes allowed")
                && r.message.contains("max_frame_mib"),
            "{}",
            r.message
        ),
        other => panic!("expected a refusal saying why, got {other:?}"),
    }
    // Nothing was done, it was sent once, and the same client goes on.
    assert_eq!(client.status().unwrap().applied_seq, first);
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert_eq!(
        log.matches("larger than the 1048576 bytes allowed").count(),
        1,
        "{log}"
    );
}

#[test]
fn an_idle_connection_is_closed_and_the_client_reconnects_by_itself() {
    let server = TestServer::start_idle(admin_gate(), setup_stock, Duration::from_millis(300));
    let client = server.client();
    let first = client.status().unwrap().applied_seq;
    // A silent raw connection is closed by the server (end of file, not a timeout here).
    let mut silent = UnixStream::connect(&server.socket).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(silent.read(&mut [0u8; 1]).unwrap(), 0);
    assert!(started.elapsed() < Duration::from_secs(3));
    std::thread::sleep(Duration::from_millis(600));
    // The server closed the idle connection; a command still goes through, on a new one:
    // writing to the closed one fails, so the server cannot have received it, and only a
    // command that was not received is sent again.
    match client.execute(scan(CountId(1), "IDLE-1")) {
        Ok(tallyman::ops::Outcome::Scanned(r)) => assert_eq!(r.scan.serial.as_str(), "IDLE-1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(client.status().unwrap().applied_seq, first + 1);
}

#[test]
fn a_client_that_leaves_in_the_middle_of_a_command_touches_nobody_else() {
    let server = TestServer::start(admin_gate(), setup_stock);
    let good = server.client();
    let first = good.status().unwrap().applied_seq;
    for i in 0..20 {
        // A whole command, then gone before the answer.
        let command = Request::V1(Call::Execute(scan(CountId(1), &format!("GONE-{i}"))))
            .encode()
            .unwrap();
        let mut framed = Vec::new();
        tallyman::ops::wire::write_frame(&mut framed, &command).unwrap();
        let mut stream = UnixStream::connect(&server.socket).unwrap();
        stream.write_all(&framed).unwrap();
        drop(stream);
        good.status().unwrap();
    }
    // Each was either done whole or not at all; the database is consistent.
    let after = good.status().unwrap().applied_seq;
    assert!(after >= first && after <= first + 20, "{first} -> {after}");
    let dir = server.close();
    support::assert_replay_equals_state(&dir.path().join("db"));
}

#[test]
fn without_group_commit_every_command_waits_for_its_own_fsync() {
    let server = TestServer::start_tuned(admin_gate(), setup_stock, Duration::from_secs(60), |s| {
        s.with_group_commit(false)
    });
    let before = server.service().journal_syncs();
    std::thread::scope(|s| {
        for c in 0..8 {
            let client = server.client();
            s.spawn(move || {
                for i in 0..25 {
                    client
                        .execute(scan(CountId(1), &format!("ALONE-{c}-{i}")))
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(server.service().journal_syncs() - before, 200);
}

/// The server holds a group's store writes in memory and writes them to sled later; reads
/// see them at once, and a crash that loses them loses nothing: the journal replays them.
#[test]
fn held_store_writes_are_read_at_once_and_replayed_after_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let (svc, _) = Service::open(&db).unwrap();
    setup_stock(&svc);
    let group: Vec<(String, Command)> = (0..40)
        .map(|i| {
            (
                "clerk".to_string(),
                scan(CountId(1), &format!("HELD-{i:02}")),
            )
        })
        .collect();
    for answer in svc.execute_group(group) {
        assert!(
            matches!(answer, Ok(tallyman::ops::Outcome::Scanned(_))),
            "{answer:?}"
        );
    }
    let scanned = |svc: &Service| {
        let Answer::Scans(scans) = svc.query(Query::CountScans { count: CountId(1) }).unwrap()
        else {
            panic!("no scans")
        };
        scans
            .iter()
            .map(|l| l.scan.serial.to_string())
            .collect::<Vec<_>>()
    };
    let want: Vec<String> = (0..40).map(|i| format!("HELD-{i:02}")).collect();
    assert_eq!(scanned(&svc), want, "reads see the held writes");
    // Gone without settling, as in a crash: the store lags the journal by the group.
    drop(svc);
    let (svc, _) = Service::open(&db).unwrap();
    assert_eq!(scanned(&svc), want, "the journal replays what was held");
    drop(svc);
    support::assert_replay_equals_state(&db);
}

/// The test server's anchor file, beside its log.
fn tmp_anchor(log: &std::path::Path) -> std::path::PathBuf {
    log.with_extension("anchor")
}

/// `tallyman count scan 1` through the server's socket as the test's own account, fed
/// `input`: its exit code and its answer lines.
fn scan_through(server: &TestServer, input: &[u8]) -> (Option<i32>, String) {
    let home = server.dir.as_ref().unwrap().path();
    let mut c = support::cli::tallyman(home, &home.join("db"), &me());
    c.arg("--socket")
        .arg(&server.socket)
        .args(["count", "scan", "1"]);
    let out = support::cli::fed(c, input);
    (out.status.code(), support::cli::stdout(&out))
}

#[test]
fn count_scan_through_the_server_exits_4_when_the_role_refused_a_line() {
    let who = me();
    let server = TestServer::start(Gate::default(), setup_stock);
    // A support user reads but does not scan: every line is refused for the role.
    set_role(&server, &who, Some(Role::Support));
    let first = seq(server.service());
    let (code, said) = scan_through(&server, b"WH1/A/01\nS-0001\n");
    assert_eq!(code, Some(4), "{said}");
    assert_eq!(said.lines().count(), 2, "{said}");
    for line in said.lines() {
        assert_eq!(
            line,
            format!("error \"{who}\" is a support: scanning needs clerk"),
            "{said}"
        );
    }
    assert_eq!(
        seq(server.service()),
        first,
        "a refused scan changed something"
    );
    // The log quotes the refusal's words with their own quotes escaped: one field each.
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(
        log.contains(&format!(
            "refused user=\"{who}\" what=\"scanning\" needs=clerk why=\"\\\"{who}\\\" is a support: scanning needs clerk\""
        )),
        "{log}"
    );
    // A clerk's session of good scans exits 0; the same with one bad scan exits 1.
    set_role(&server, &who, Some(Role::Clerk));
    let (code, said) = scan_through(&server, b"WH1/A/01\nS-0001\n");
    assert_eq!(code, Some(0), "{said}");
    let (code, said) = scan_through(&server, b"WH1/A/01\n\x01\nS-0002\n");
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("counted SN \"S-0002\""), "{said}");
}
