//! The real binary as the tests run it: `tallyman` in an environment of its own (HOME, XDG
//! folders and USER set, no TALLYMAN_DB or LOGNAME from the machine), on a database folder,
//! waiting out a database another process still holds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_tallyman");

/// `tallyman --db DB` acting as `user`, its home and XDG folders in `home`, standard input
/// closed: nothing of the machine it runs on (a TALLYMAN_DB, a config in ~/.config, a server
/// on the default socket) leaks into a test.
pub fn tallyman(home: &Path, db: &Path, user: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env("USER", user)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env_remove("TALLYMAN_DB")
        .env_remove("LOGNAME")
        .arg("--db")
        .arg(db)
        .stdin(Stdio::null());
    c
}

/// Runs `command` with `input` on its standard input; the whole output.
pub fn fed(mut command: Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tallyman starts");
    if let Some(mut stdin) = child.stdin.take() {
        // A command that stops reading early (a refusal) closes its end: not the test's error.
        let _ = stdin.write_all(input);
    }
    child.wait_with_output().expect("tallyman runs")
}

/// Runs `tallyman --db DB ARGS...` as `user` with `input` on standard input, its home the
/// folder that holds `db`; waits out a database another process still holds.
pub fn run(db: &Path, user: &str, args: &[&str], input: &[u8]) -> Output {
    let home = db.parent().unwrap_or(db);
    super::lock::retry_process(|| {
        let mut c = tallyman(home, db, user);
        c.args(args);
        fed(c, input)
    })
}

/// The same for a command that must succeed: its standard output.
pub fn ok(db: &Path, user: &str, args: &[&str]) -> String {
    let o = run(db, user, args, b"");
    assert_exit(&o, 0, args);
    stdout(&o)
}

/// Sends SIGTERM to a running tallyman (a server stops cleanly on it).
pub fn sigterm(child: &std::process::Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success(), "kill -TERM {}", child.id());
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Asserts the exit code of a run of `args`, showing both streams when it differs.
pub fn assert_exit(o: &Output, code: i32, args: &[&str]) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "tallyman {}\nstdout: {}\nstderr: {}",
        args.join(" "),
        stdout(o),
        stderr(o)
    );
}

/// The year the binary numbers today's documents with (R-YEAR-0001): its local date's.
pub fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Local::now().year()
}

/// A database folder of its own (empty: a new database) in a temporary folder that is also
/// the home of the runs.
pub struct Cli {
    pub tmp: tempfile::TempDir,
    pub db: PathBuf,
    user: String,
}

impl Cli {
    /// A new, empty database acted on by "tester" (an admin in embedded mode).
    pub fn new() -> Cli {
        Cli::as_user("tester")
    }

    pub fn as_user(user: &str) -> Cli {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let db = tmp.path().join("db");
        // An existing empty folder is a new database (a path that does not exist is refused).
        std::fs::create_dir(&db).expect("the database folder");
        Cli {
            tmp,
            db,
            user: user.into(),
        }
    }

    /// The demo database of `units` units (`demo --no-tui`).
    pub fn with_demo(units: u32) -> Cli {
        let cli = Cli::new();
        cli.ok(&["demo", "--no-tui", "--units", &units.to_string()]);
        cli
    }

    /// A path in the temporary folder, as text.
    pub fn path(&self, name: &str) -> String {
        self.tmp.path().join(name).to_string_lossy().to_string()
    }

    /// Writes `text` to a file in the temporary folder; its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("a test file");
        path
    }

    /// `tallyman --db DB` with this test's environment, not yet run.
    pub fn cmd(&self) -> Command {
        self.cmd_on(&self.db)
    }

    /// The same on another database folder.
    pub fn cmd_on(&self, db: &Path) -> Command {
        tallyman(self.tmp.path(), db, &self.user)
    }

    /// Runs `tallyman --db DB ARGS...`, waiting out a database still held by another process.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.db, args, b"")
    }

    /// Runs `tallyman --db DB ARGS...` on `db` with `input` on standard input.
    pub fn run_in(&self, db: &Path, args: &[&str], input: &[u8]) -> Output {
        super::lock::retry_process(|| {
            let mut c = self.cmd_on(db);
            c.args(args);
            fed(c, input)
        })
    }

    /// Runs a command that must exit with `code`; its (stdout, stderr).
    pub fn exits(&self, code: i32, args: &[&str]) -> (String, String) {
        let o = self.run(args);
        assert_exit(&o, code, args);
        (stdout(&o), stderr(&o))
    }

    /// Runs a command that must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        self.exits(0, args).0
    }

    /// Runs a command with `--json` that must succeed; its one document.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        let text = self.ok(&full);
        serde_json::from_str(text.trim())
            .unwrap_or_else(|e| panic!("tallyman {}: not JSON ({e}): {text}", args.join(" ")))
    }
}
