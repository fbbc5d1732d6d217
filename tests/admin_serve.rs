//! The admin calls through a real `tallyman serve`, with roles: an admin who is not the
//! server's user checks, anchors and backs up through the socket (the server answers from
//! the database it holds open); a clerk is refused each with the role's words; a rebuild,
//! which needs the database to itself, is refused by the server with what to do.

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
    let users = ["tmhh1", "tmhh2"].map(|a| nix::unistd::User::from_name(a).ok().flatten());
    let group = nix::unistd::Group::from_name("tallyman-users")
        .ok()
        .flatten();
    let ([Some(admin), Some(clerk)], Some(group), true) =
        (users, group, nix::unistd::geteuid().is_root())
    else {
        support::skipped(
            "this test",
            Some(
                "needs root, the accounts tmhh1 and tmhh2 and the group tallyman-users (.ci/run makes them)"
                    .into(),
            ),
        );
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
    // What needs the database to itself is refused by the server, with what to do.
    for args in [vec!["rebuild"], vec!["restore", backup.to_str().unwrap()]] {
        let (code, _, err) = as_account(&admin, &args);
        assert_eq!(code, Some(3), "{args:?}: {err}");
        assert!(err.contains("stop the server first"), "{args:?}: {err}");
    }
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
