//! The admin calls through a real `tallyman serve`, with roles: an admin who is not the
//! server's user checks, anchors and backs up through the socket (the server answers from
//! the database it holds open); a clerk is refused each with the role's words. A rebuild,
//! a salvage and a restore (of a backup the admin's client sends) through the server swap
//! the store (and the journal) it serves, and other clients read and write on without a
//! restart; each says what it says embedded.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use support::cli::{sigterm, BIN};
use tallyman::ops::Remote;

/// Starts `tallyman serve` (binary `bin`) for `db` on `socket` and waits until it answers.
/// A server that could not open the database yet (sled lets go of a closed database's lock
/// lazily) is started again.
fn serve(bin: &Path, db: &Path, socket: &Path) -> Child {
    loop {
        let mut child = Command::new(bin)
            .arg("--db")
            .arg(db)
            .arg("--socket")
            .arg(socket)
            .args(["serve", "--group", "tallyman-users"])
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
                    err.contains("in use by"),
                    "the server stopped ({status}): {err}"
                );
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

fn said(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn admin_calls_go_through_the_server_for_an_admin_and_are_refused_to_a_clerk() {
    let Some((admin, clerk, group)) = support::handheld_accounts("this test") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin: PathBuf = tmp.path().join("tallyman");
    std::fs::copy(BIN, &bin).unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    let me = std::env::var("USER").unwrap_or_else(|_| "root".into());
    support::cli::ok(&db, &me, &["demo", "--no-tui", "--units", "20"]);
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let server = serve(&bin, &db, &socket);
    let socket_arg = socket.to_str().unwrap();
    let as_account = |user: &nix::unistd::User, args: &[&str]| {
        said(
            &Command::new(&bin)
                .arg("--db")
                .arg(&db)
                .arg("--socket")
                .arg(&socket)
                .args(args)
                .env("HOME", tmp.path())
                .env("XDG_CONFIG_HOME", tmp.path().join("config"))
                .uid(user.uid.as_raw())
                .gid(group.gid.as_raw())
                .output()
                .unwrap(),
        )
    };
    for (name, role) in [("tmhh1", "admin"), ("tmhh2", "clerk")] {
        support::cli::ok(
            &db,
            &me,
            &["--socket", socket_arg, "user", "add", name, "--role", role],
        );
    }
    // The admin: the server's user owns the folder (0700), so these are answered by it.
    let (code, out, err) = as_account(&admin, &["check"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("ok: "), "{out}");
    let (code, out, err) = as_account(&admin, &["--json", "check"]);
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["ok"], true, "{out}");
    let head = doc["anchor"].as_str().unwrap().to_string();
    let (code, out, err) = as_account(&admin, &["anchor"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.trim(), head);
    let (code, out, err) = as_account(&admin, &["check", "--anchor", &head]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("anchors: all 1 held"), "{out}");
    let backup = out_dir.join("site.tlj");
    let (code, out, err) = as_account(&admin, &["backup", backup.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("backup written to"), "{out}");
    assert!(out.contains(&format!("anchor: {head}")), "{out}");
    // The clerk: every admin call refused with the role's words, nothing written.
    let theirs = out_dir.join("theirs.tlj");
    for (args, what) in [
        (vec!["check"], "a check"),
        (vec!["anchor"], "an anchor"),
        (vec!["backup", theirs.to_str().unwrap()], "a backup"),
        (vec!["rebuild"], "a rebuild"),
        (vec!["rebuild", "--salvage"], "a salvage"),
    ] {
        let (code, _, err) = as_account(&clerk, &args);
        assert_eq!(code, Some(4), "{args:?}: {err}");
        assert!(
            err.contains(&format!("\"tmhh2\" is a clerk: {what} needs admin")),
            "{args:?}: {err}"
        );
    }
    assert!(!theirs.exists());
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
}

/// The words of a rebuild or salvage, with the names of what was moved aside (stamped
/// with the time) cut to what they start with.
fn unstamped(out: &str, db: &Path) -> String {
    out.replace(db.to_str().unwrap(), "DB")
        .lines()
        .map(|line| {
            for aside in ["state.old-", ".damaged-", ".replaced-"] {
                if let Some(at) = line.find(aside) {
                    let head = &line[..at];
                    let head = head.rsplit_once(' ').map_or(head, |(h, _)| h);
                    return format!("{head} {aside}…");
                }
            }
            line.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Flips one byte in the middle of the journal's last entry: the server that opens it is
/// read-only, the entries before it sound.
fn damage_last_entry(db: &Path) {
    let journal = db.join(tallyman::ops::JOURNAL_FILE);
    let mut last = None;
    tallyman::journal::survey(&journal, |l| {
        last = Some((l.start, l.end));
        Ok(())
    })
    .unwrap();
    let (start, end) = last.unwrap();
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes[(start + 8 + (end - start - 8) / 2) as usize] ^= 0x40;
    std::fs::write(&journal, bytes).unwrap();
}

/// Copies a database folder (the server stopped), to run the same call embedded on it.
fn copy_db(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_db(&item.path(), &target);
        } else if item.file_name() != "lock" {
            std::fs::copy(item.path(), &target).unwrap();
        }
    }
}

#[test]
fn rebuild_salvage_and_restore_go_through_the_server_and_the_clients_go_on() {
    let Some((admin, clerk, group)) = support::handheld_accounts("this test") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin: PathBuf = tmp.path().join("tallyman");
    std::fs::copy(BIN, &bin).unwrap();
    let db = tmp.path().join("db");
    let socket = tmp.path().join("db.sock");
    let socket_arg = socket.to_str().unwrap().to_string();
    let me = std::env::var("USER").unwrap_or_else(|_| "root".into());
    support::cli::ok(&db, &me, &["demo", "--no-tui", "--units", "20"]);
    let mut server = serve(&bin, &db, &socket);
    for (name, role) in [("tmhh1", "admin"), ("tmhh2", "clerk")] {
        support::cli::ok(
            &db,
            &me,
            &["--socket", &socket_arg, "user", "add", name, "--role", role],
        );
    }
    let as_account = |user: &nix::unistd::User, args: &[&str]| {
        said(
            &Command::new(&bin)
                .arg("--db")
                .arg(&db)
                .arg("--socket")
                .arg(&socket)
                .args(args)
                .env("HOME", tmp.path())
                .env("XDG_CONFIG_HOME", tmp.path().join("config"))
                .uid(user.uid.as_raw())
                .gid(group.gid.as_raw())
                .output()
                .unwrap(),
        )
    };
    // Another client (the server's own user, through the socket) reads and writes.
    let client = |args: &[&str]| {
        let mut line = vec!["--socket", socket_arg.as_str()];
        line.extend_from_slice(args);
        support::cli::run(&db, &me, &line, b"")
    };
    let receive = |serial: &str| {
        let out = client(&[
            "receive",
            "--supplier",
            "Northwind Distribution",
            "--invoice",
            serial,
            "--product",
            "RT-AX55",
            "--to",
            "WH3/A/01",
            serial,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", support::cli::stderr(&out));
    };
    let looked_up = |serial: &str| {
        let out = client(&["lookup", serial]);
        assert_eq!(out.status.code(), Some(0), "{}", support::cli::stderr(&out));
        support::cli::stdout(&out)
    };
    let clean = || {
        let out = client(&["check"]);
        let said = support::cli::stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{said}{}",
            support::cli::stderr(&out)
        );
        assert!(said.starts_with("ok: "), "{said}");
    };
    receive("RT77000001");

    // The clerk: refused each, with the role's words, and nothing changed.
    for (args, what) in [
        (vec!["rebuild"], "a rebuild"),
        (vec!["rebuild", "--salvage"], "a salvage"),
    ] {
        let (code, _, err) = as_account(&clerk, &args);
        assert_eq!(code, Some(4), "{args:?}: {err}");
        assert!(
            err.contains(&format!("\"tmhh2\" is a clerk: {what} needs admin")),
            "{args:?}: {err}"
        );
    }

    // A rebuild by the admin, through the server: the same words as embedded (on a copy
    // of the folder made while the server was stopped), and the clients go on.
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    let twin = tmp.path().join("twin");
    copy_db(&db, &twin);
    let embedded = support::cli::ok(&twin, &me, &["rebuild"]);
    server = serve(&bin, &db, &socket);
    let (code, served, err) = as_account(&admin, &["rebuild"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(served.starts_with("rebuilt the store from "), "{served}");
    assert_eq!(unstamped(&served, &db), unstamped(&embedded, &twin));
    assert!(looked_up("RT77000001").contains("RT77000001"));
    receive("RT77000002");
    assert!(looked_up("RT77000002").contains("RT77000002"));
    clean();
    // A salvage of a sound journal: refused, nothing to do.
    let (code, _, err) = as_account(&admin, &["rebuild", "--salvage"]);
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("nothing to salvage"), "{err}");

    // A damaged last entry: the server opens read-only; the admin's salvage cuts it off
    // through the server, which writes again without a restart.
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    damage_last_entry(&db);
    let twin = tmp.path().join("twin-salvage");
    copy_db(&db, &twin);
    let out = support::cli::run(&twin, &me, &["rebuild", "--salvage"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", support::cli::stderr(&out));
    let embedded = support::cli::stdout(&out);
    server = serve(&bin, &db, &socket);
    let out = client(&[
        "receive",
        "--supplier",
        "Northwind Distribution",
        "--invoice",
        "RT77000003",
        "--product",
        "RT-AX55",
        "--to",
        "WH3/A/01",
        "RT77000003",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", support::cli::stdout(&out));
    assert!(
        support::cli::stderr(&out).contains("Read-only"),
        "{}",
        support::cli::stderr(&out)
    );
    let (code, served, err) = as_account(&admin, &["rebuild", "--salvage"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        served.contains("the database is writable again"),
        "{served}"
    );
    assert_eq!(unstamped(&served, &db), unstamped(&embedded, &twin));
    // The damaged entry (the receipt of RB0002) is gone; what came before it is there.
    assert!(looked_up("RT77000001").contains("RT77000001"));
    let out = client(&["lookup", "RT77000002"]);
    assert_ne!(out.status.code(), Some(0), "{}", support::cli::stdout(&out));
    receive("RT77000003");
    assert!(looked_up("RT77000003").contains("RT77000003"));
    clean();

    // A restore by the admin of their own backup (a file the server is not asked to
    // read: the client sends it): the same words as embedded, refused without --force,
    // and the clients go on with what the backup holds.
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let backup = out_dir.join("site.tlj");
    let backup_arg = backup.to_str().unwrap();
    let (code, out, err) = as_account(&admin, &["backup", backup_arg]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("backup written to"), "{out}");
    receive("RT77000004");
    // The clerk's own copy, which they can read: refused by the server all the same.
    let theirs = out_dir.join("theirs.tlj");
    std::fs::copy(&backup, &theirs).unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = as_account(&clerk, &["restore", theirs.to_str().unwrap(), "--force"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains("\"tmhh2\" is a clerk: a restore needs admin"),
        "{err}"
    );
    let (refused_code, _, refused) = as_account(&admin, &["restore", backup_arg]);
    assert_ne!(refused_code, Some(0), "{refused}");
    assert!(refused.contains("add --force"), "{refused}");
    assert!(looked_up("RT77000004").contains("RT77000004"));
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    let twin = tmp.path().join("twin-restore");
    copy_db(&db, &twin);
    let out = support::cli::run(&twin, &me, &["restore", backup_arg], b"");
    assert_eq!(
        out.status.code(),
        refused_code,
        "{}",
        support::cli::stderr(&out)
    );
    assert_eq!(
        unstamped(&refused, &db),
        unstamped(&support::cli::stderr(&out), &twin)
    );
    let embedded = support::cli::ok(&twin, &me, &["restore", backup_arg, "--force"]);
    server = serve(&bin, &db, &socket);
    let (code, served, err) = as_account(&admin, &["restore", backup_arg, "--force"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(served.starts_with("restored "), "{served}");
    assert_eq!(unstamped(&served, &db), unstamped(&embedded, &twin));
    assert!(looked_up("RT77000003").contains("RT77000003"));
    let out = client(&["lookup", "RT77000004"]);
    assert_ne!(out.status.code(), Some(0), "{}", support::cli::stdout(&out));
    receive("RT77000005");
    assert!(looked_up("RT77000005").contains("RT77000005"));
    clean();
    assert!(!db.join(".journal.tlj.sent").exists());
    sigterm(&server);
    assert_eq!(server.wait_with_output().unwrap().status.code(), Some(0));
    // What the server left opens embedded, and checks clean.
    let checked = support::cli::ok(&db, &me, &["check"]);
    assert!(checked.starts_with("ok: "), "{checked}");
}

/// A backup sent to a service in pieces: pieces out of order, too large or short of the
/// length announced are refused, nothing changed and nothing kept; sent whole in several
/// pieces, it is restored as a restore of the file would, and the service writes on.
#[test]
fn a_backup_sent_in_pieces_is_checked_piece_by_piece_then_restored() {
    use tallyman::ops::local::Service;
    use tallyman::ops::{AdminCall, AdminDone, Call, Done, OpsError, JOURNAL_PIECE};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let me = std::env::var("USER").unwrap_or_else(|_| "root".into());
    support::cli::ok(&db, &me, &["demo", "--no-tui", "--units", "20"]);
    let backup = tmp.path().join("site.tlj");
    support::cli::ok(&db, &me, &["backup", backup.to_str().unwrap()]);
    let bytes = std::fs::read(&backup).unwrap();
    let (svc, _) = Service::open(&db).unwrap();
    let admin = |call: AdminCall| match svc.handle(&me, Call::Admin(call)) {
        Ok(Done::Admin(done)) => Ok(done),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e),
    };
    let refused = |e: Result<AdminDone, OpsError>, words: &str| {
        let e = e.expect_err(words).to_string();
        assert!(e.contains(words), "{e}");
    };
    let sent = db.join(".journal.tlj.sent");
    let piece = |at: usize, upto: usize| AdminCall::RestorePiece {
        at: at as u64,
        bytes: bytes[at..upto].to_vec(),
    };
    let third = bytes.len() / 3;
    // Out of order: refused.
    refused(
        admin(piece(third, 2 * third)),
        "expected the piece of the backup at byte 0",
    );
    // Too large: refused.
    refused(
        admin(AdminCall::RestorePiece {
            at: 0,
            bytes: vec![0; JOURNAL_PIECE as usize + 1],
        }),
        "of at most",
    );
    // Short of the length announced: refused, and the pieces are gone.
    assert_eq!(
        admin(piece(0, third)).unwrap(),
        AdminDone::Received {
            bytes: third as u64
        }
    );
    refused(
        admin(AdminCall::RestoreSent {
            file: backup.clone(),
            len: bytes.len() as u64,
            force: true,
        }),
        &format!("expected {} bytes of the backup", bytes.len()),
    );
    assert!(!sent.exists());
    // Whole, in three pieces: restored.
    for (at, upto) in [(0, third), (third, 2 * third), (2 * third, bytes.len())] {
        assert_eq!(
            admin(piece(at, upto)).unwrap(),
            AdminDone::Received { bytes: upto as u64 }
        );
    }
    let AdminDone::Restored(report) = admin(AdminCall::RestoreSent {
        file: backup.clone(),
        len: bytes.len() as u64,
        force: true,
    })
    .unwrap() else {
        panic!("not restored")
    };
    assert!(!sent.exists());
    let (entries, anchor) = tallyman::journal::survey(&backup, |_| Ok(()))
        .map(|s| {
            (
                s.entries,
                s.head.map(|(q, h)| tallyman::journal::anchor_words(q, &h)),
            )
        })
        .unwrap();
    assert_eq!((report.entries, report.anchor), (entries, anchor));
    let AdminDone::Checked(check) = admin(AdminCall::Check { anchors: vec![] }).unwrap() else {
        panic!("not checked")
    };
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    assert_eq!(check.entries, entries);
}
