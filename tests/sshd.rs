//! Handhelds over a real OpenSSH, installed as `docs/admin.md` says: the server runs as its
//! own OS user `tallyman` (the shipped `contrib/tallyman.service`'s ExecStartPre and ExecStart,
//! its user, groups and umask) with the database in a 0700 folder only it can read, the socket
//! in a 0755 runtime folder with the group `tallyman-users`; a private `sshd` on a loopback
//! port (its own host key and config in a temporary folder, no system service touched) with
//! the shipped `contrib/sshd_config.tallyman` Match block. Two handheld accounts in
//! `tallyman-users` and `tallyman-handheld` (who cannot read the database folder) count into
//! one count at 20x16 (TERM=vt220) through the ForceCommand and see each other's progress; an
//! account in `tallyman-handheld` only is told it may not use tallyman; with the server
//! stopped a login is told the server is not running.
//!
//! The paths are the documented ones below a temporary root (`ROOT/var/lib/tallyman/site`,
//! `ROOT/run/tallyman/site.sock`, `ROOT/usr/local/bin/tallyman`), so nothing of a real install
//! is touched. Needs root (sshd and the server change user), `/usr/sbin/sshd`, `setpriv`, tmux,
//! the groups `tallyman-users` and `tallyman-handheld`, the system user `tallyman` and the
//! accounts `tmhh1`, `tmhh2` (both groups, with homes) and `tmhh3` (handheld group only):
//! `.ci/run` makes them with the commands of `docs/admin.md`. Without them the test says what
//! is missing and passes, unless `TALLYMAN_REQUIRE_ALL` is set (as `.ci/run` does), when it
//! fails.

mod support;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::tmux::Tmux;

const SSHD: &str = "/usr/sbin/sshd";
const SETPRIV: &str = "/usr/bin/setpriv";
/// The two handhelds that count.
const ACCOUNTS: [&str; 2] = ["tmhh1", "tmhh2"];
/// A handheld account that is not in the socket's group.
const OUTSIDER: &str = "tmhh3";

/// Why this machine cannot run the test, if it cannot.
fn missing() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("not root (sshd must change user)".into());
    }
    for path in [SSHD, SETPRIV] {
        if !Path::new(path).exists() {
            return Some(format!("{path} is not installed"));
        }
    }
    for group in ["tallyman-users", "tallyman-handheld"] {
        if !matches!(nix::unistd::Group::from_name(group), Ok(Some(_))) {
            return Some(format!("no group {group}"));
        }
    }
    for account in ["tallyman", ACCOUNTS[0], ACCOUNTS[1], OUTSIDER] {
        if !matches!(nix::unistd::User::from_name(account), Ok(Some(_))) {
            return Some(format!("no account {account}"));
        }
    }
    support::tmux_missing()
}

/// Kills a child process when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The documented layout below a temporary root.
struct Layout {
    root: PathBuf,
}

impl Layout {
    /// A documented path, below the root.
    fn path(&self, documented: &str) -> PathBuf {
        self.root.join(documented.trim_start_matches('/'))
    }

    /// A line of a shipped file with its documented paths moved below the root.
    fn moved(&self, line: &str) -> String {
        line.replace(
            "/usr/local/bin/tallyman",
            self.path("/usr/local/bin/tallyman").to_str().unwrap(),
        )
        .replace(
            "/var/lib/tallyman",
            self.path("/var/lib/tallyman").to_str().unwrap(),
        )
        .replace(
            "/run/tallyman",
            self.path("/run/tallyman").to_str().unwrap(),
        )
    }

    fn bin(&self) -> PathBuf {
        self.path("/usr/local/bin/tallyman")
    }

    fn socket(&self) -> PathBuf {
        self.path("/run/tallyman/site.sock")
    }

    /// A command of the shipped unit (`ExecStart=`, `ExecStartPre=`), as systemd runs it:
    /// as its User and Group with its SupplementaryGroups and UMask.
    fn unit_command(&self, key: &str) -> Command {
        let unit = std::fs::read_to_string("contrib/tallyman.service").unwrap();
        let value = |k: &str| -> String {
            unit.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .unwrap_or_else(|| panic!("the unit has no {k}="))
                .trim()
                .to_string()
        };
        let line = self.moved(&value(key));
        let (user, group) = (value("User"), value("Group"));
        let groups = value("SupplementaryGroups");
        let umask = value("UMask");
        let mut c = Command::new(SETPRIV);
        c.args([
            &format!("--reuid={user}"),
            &format!("--regid={group}"),
            &format!("--groups={groups}"),
            "--",
            "/bin/sh",
            "-c",
            &format!("umask {umask} && exec \"$0\" \"$@\""),
        ]);
        c.args(line.split_whitespace());
        // systemd gives a service its user's home.
        c.env("HOME", self.path("/var/lib/tallyman"));
        c
    }

    /// A tallyman command as the server's user, as an admin runs it (`sudo -u tallyman`).
    fn as_server_user(&self, args: &[&str]) -> String {
        let out = Command::new(SETPRIV)
            .args([
                "--reuid=tallyman",
                "--regid=tallyman",
                "--init-groups",
                "--",
            ])
            .arg(self.bin())
            .args(args)
            .env("HOME", self.path("/var/lib/tallyman"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tallyman {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn keygen(path: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shipped Match block with the layout's paths.
fn match_block(layout: &Layout) -> String {
    let shipped = std::fs::read_to_string("contrib/sshd_config.tallyman").unwrap();
    let block = &shipped[shipped.find("Match Group tallyman-handheld").unwrap()..];
    block.lines().map(|l| layout.moved(l) + "\n").collect()
}

/// Runs `cmd` until it exits; panics with its output when it fails.
fn succeeds(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts the server as the shipped unit does and waits for its socket.
fn start_server(layout: &Layout) -> Killed {
    let server = Killed(
        layout
            .unit_command("ExecStart")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(layout.socket()).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

#[test]
fn handhelds_over_ssh_on_the_documented_layout_count_and_are_told_why_when_they_cannot() {
    if support::skipped("the OpenSSH test", missing()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let layout = Layout {
        root: tmp.path().to_path_buf(),
    };
    // The system's folders: / and /usr/local/bin are everyone's to pass through.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(layout.path("/usr/local/bin")).unwrap();
    std::fs::create_dir_all(layout.path("/var/lib")).unwrap();
    std::fs::create_dir_all(layout.path("/run")).unwrap();
    for d in [
        "/usr",
        "/usr/local",
        "/usr/local/bin",
        "/var",
        "/var/lib",
        "/run",
    ] {
        std::fs::set_permissions(layout.path(d), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // `install -m 755 target/release/tallyman /usr/local/bin/tallyman`
    std::fs::copy(support::cli::BIN, layout.bin()).unwrap();
    std::fs::set_permissions(layout.bin(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // What systemd makes for the unit: StateDirectory (0700) and RuntimeDirectory (0755),
    // owned by its user.
    let tallyman = nix::unistd::User::from_name("tallyman").unwrap().unwrap();
    for (dir, mode) in [("/var/lib/tallyman", 0o700), ("/run/tallyman", 0o755)] {
        let path = layout.path(dir);
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        nix::unistd::chown(&path, Some(tallyman.uid), Some(tallyman.gid)).unwrap();
    }
    // ExecStartPre, then a site's data made by its admin before the team starts.
    succeeds(layout.unit_command("ExecStartPre"), "ExecStartPre");
    let db = layout.path("/var/lib/tallyman/site");
    let (db_s, socket) = (db.to_str().unwrap(), layout.socket());
    let socket_s = socket.to_str().unwrap();
    layout.as_server_user(&["--db", db_s, "demo", "--no-tui", "--units", "300"]);
    let state = std::fs::metadata(layout.path("/var/lib/tallyman")).unwrap();
    assert_eq!(
        state.mode() & 0o777,
        0o700,
        "the state folder is the server's alone"
    );
    assert_eq!(state.uid(), tallyman.uid.as_raw());

    let server = start_server(&layout);
    let meta = std::fs::metadata(&socket).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    let users = nix::unistd::Group::from_name("tallyman-users")
        .unwrap()
        .unwrap();
    assert_eq!(meta.gid(), users.gid.as_raw(), "the socket's group");
    // The admin, as the server's user, through the server (admin.md, "Users and roles").
    let opened = layout.as_server_user(&[
        "--socket",
        socket_s,
        "count",
        "open",
        "Aisle A",
        "--location",
        "WH1/A",
    ]);
    assert!(opened.contains("opened count 2"), "{opened}");
    for account in ACCOUNTS {
        layout.as_server_user(&[
            "--socket", socket_s, "user", "add", account, "--role", "clerk",
        ]);
    }
    let stock: serde_json::Value = serde_json::from_str(&layout.as_server_user(&[
        "--socket",
        socket_s,
        "--json",
        "stock",
        "--location",
        "WH1/A/01",
    ]))
    .unwrap();
    let serials: Vec<String> = stock
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["serial"].as_str().map(str::to_string))
        .take(4)
        .collect();
    assert_eq!(serials.len(), 4, "{stock}");

    // sshd on a loopback port with the shipped Match block.
    let t = tmp.path();
    let host_key = t.join("host_key");
    let user_key = t.join("user_key");
    keygen(&host_key);
    keygen(&user_key);
    let authorized = t.join("authorized_keys");
    std::fs::copy(user_key.with_extension("pub"), &authorized).unwrap();
    std::fs::set_permissions(&authorized, std::fs::Permissions::from_mode(0o644)).unwrap();
    let port = free_port();
    let config = t.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\n\
             StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             PermitRootLogin no\nAllowUsers {} {OUTSIDER}\n{}",
            host_key.display(),
            t.join("sshd.pid").display(),
            authorized.display(),
            ACCOUNTS.join(" "),
            match_block(&layout)
        ),
    )
    .unwrap();
    // sshd's privilege separation folder (created by its service on a real system).
    let _ = std::fs::create_dir_all("/run/sshd");
    let sshd = Killed(
        Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stderr(std::fs::File::create(t.join("sshd.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "sshd did not start: {}",
            std::fs::read_to_string(t.join("sshd.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let login = |account: &str| {
        format!(
            "TERM=vt220 ssh -tt -p {port} -i {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
             -o UserKnownHostsFile={} {account}@127.0.0.1; sleep 60",
            user_key.display(),
            t.join("known_hosts").display()
        )
    };

    // Two handhelds: plain logins at 20x16 (the ForceCommand runs tallyman).
    let tmux = Tmux::new("sshd");
    for account in ACCOUNTS {
        tmux.session(account, 20, 16, &login(account));
    }
    let log = || std::fs::read_to_string(t.join("sshd.log")).unwrap_or_default();
    for account in ACCOUNTS {
        tmux.wait_in(account, "1 Count", Duration::from_secs(20));
        // The vt profile: ASCII only, no box drawing.
        assert!(tmux.capture_in(account).is_ascii(), "{}", log());
        tmux.keys_in(account, &["1"]);
        tmux.wait_in(account, "Aisle A", Duration::from_secs(10));
        // Count 1 is the demo's own count; the site's is on line 2.
        tmux.keys_in(account, &["2"]);
        tmux.wait_in(account, "Count 2", Duration::from_secs(10));
        tmux.literal_in(account, "WH1/A/01\r");
        tmux.wait_in(account, "WH1/A/01", Duration::from_secs(10));
    }
    // Each counts two units; each screen shows all four within a few seconds.
    for (i, account) in ACCOUNTS.iter().enumerate() {
        tmux.literal_in(account, &format!("{}\r", serials[2 * i]));
        tmux.literal_in(account, &format!("{}\r", serials[2 * i + 1]));
    }
    for account in ACCOUNTS {
        let screen = tmux.wait_in(account, "Total 4", Duration::from_secs(10));
        assert!(screen.contains("Here 4"), "{account}:\n{screen}");
    }
    // The server knows who counted: the accounts, from the socket.
    let shown: serde_json::Value = serde_json::from_str(
        &layout.as_server_user(&["--socket", socket_s, "--json", "count", "show", "2"]),
    )
    .unwrap();
    let counters: Vec<&str> = shown["counters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert_eq!(counters, ACCOUNTS, "{shown}");
    // A user's commands through the socket (TALLYMAN_SOCKET) answer and make nothing in
    // their home; the database folder named instead is refused in words that say what to do.
    let as_user = |account: &str, env: (&str, &str), args: &[&str]| {
        let home = nix::unistd::User::from_name(account).unwrap().unwrap().dir;
        Command::new(SETPRIV)
            .args([
                &format!("--reuid={account}"),
                &format!("--regid={account}"),
                "--init-groups",
                "--",
            ])
            .arg(layout.bin())
            .args(args)
            .env("HOME", home)
            .env_remove("TALLYMAN_DB")
            .env_remove("TALLYMAN_SOCKET")
            .env(env.0, env.1)
            .output()
            .unwrap()
    };
    let out = as_user(
        ACCOUNTS[0],
        ("TALLYMAN_SOCKET", socket_s),
        &["lookup", &serials[0]],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&serials[0]));
    let out = as_user(ACCOUNTS[0], ("TALLYMAN_DB", db_s), &["lookup", &serials[0]]);
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("permission denied); to work through its server, name the socket"),
        "{err}"
    );
    // No handheld made a database of its own.
    for account in ACCOUNTS {
        let home = nix::unistd::User::from_name(account).unwrap().unwrap().dir;
        assert!(
            !home.join(".local/share/tallyman").exists(),
            "{account} got a stray database in {}",
            home.display()
        );
    }

    // An account in the handheld group but not in the socket's group.
    tmux.session(OUTSIDER, 20, 16, &login(OUTSIDER));
    let screen = tmux.wait_in(OUTSIDER, "may not use", Duration::from_secs(20));
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("you may not use tallyman here (not in group tallyman-users)"),
        "{screen}"
    );

    // The server stopped (systemctl stop: SIGTERM): a login says so, in words.
    support::cli::sigterm(&server.0);
    drop(server);
    tmux.session("late", 20, 16, &login(ACCOUNTS[0]));
    let screen = tmux.wait_in("late", "ask an", Duration::from_secs(20));
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.starts_with("tallyman server not running; ask an admin"),
        "{screen}"
    );
    drop(tmux);
    drop(sshd);
}
