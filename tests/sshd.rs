//! Handhelds over a real OpenSSH: a private `sshd` on a loopback port (its own host key and
//! config in a temporary folder, no system service touched) with the shipped
//! `contrib/sshd_config.tallyman` Match block, two handheld accounts whose ForceCommand is
//! plain `tallyman`, and two `ssh -tt` sessions at 20x16 (TERM=vt220) in tmux that count into
//! one count through `tallyman serve` at once and see each other's progress.
//!
//! Needs root (sshd changes user), `/usr/sbin/sshd`, tmux, the groups `tallyman-users` and
//! `tallyman-handheld` and the accounts `tmhh1`, `tmhh2` in both (`.ci/run` sets them up).
//! Without them the test says what is missing and passes, unless `TALLYMAN_REQUIRE_SSHD` is
//! set (as `.ci/run` does), when it fails.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::tmux::Tmux;

const SSHD: &str = "/usr/sbin/sshd";
const ACCOUNTS: [&str; 2] = ["tmhh1", "tmhh2"];

/// Why this machine cannot run the test, if it cannot.
fn missing() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("not root (sshd must change user)".into());
    }
    if !Path::new(SSHD).exists() {
        return Some(format!("{SSHD} is not installed (package openssh-server)"));
    }
    for group in ["tallyman-users", "tallyman-handheld"] {
        if !matches!(nix::unistd::Group::from_name(group), Ok(Some(_))) {
            return Some(format!("no group {group}"));
        }
    }
    for account in ACCOUNTS {
        if !matches!(nix::unistd::User::from_name(account), Ok(Some(_))) {
            return Some(format!("no account {account}"));
        }
    }
    if !Tmux::available() {
        return Some("tmux is not installed".into());
    }
    None
}

/// Kills a child process when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(bin: &Path, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tallyman {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
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

/// The shipped Match block with this test's paths.
fn match_block(bin: &Path, db: &Path, socket: &Path) -> String {
    let shipped = std::fs::read_to_string("contrib/sshd_config.tallyman").unwrap();
    let block = &shipped[shipped.find("Match Group tallyman-handheld").unwrap()..];
    block
        .replace("/usr/local/bin/tallyman", bin.to_str().unwrap())
        .replace("/run/tallyman/site.sock", socket.to_str().unwrap())
        .replace("/var/lib/tallyman/site", db.to_str().unwrap())
}

#[test]
fn two_handhelds_over_ssh_count_into_one_count_and_see_each_other() {
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("TALLYMAN_REQUIRE_SSHD").is_none(),
            "the OpenSSH test cannot run: {why}"
        );
        eprintln!("OpenSSH test skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // The handheld accounts must reach the binary and the socket (not the database).
    std::fs::set_permissions(t, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin: PathBuf = t.join("tallyman");
    std::fs::copy(support::cli::BIN, &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = t.join("site");
    let socket = t.join("site.sock");
    let (db_s, socket_s) = (db.to_str().unwrap(), socket.to_str().unwrap());

    // A site's database with an open count over aisle A, made before the server starts.
    run(&bin, &["--db", db_s, "demo", "--no-tui", "--units", "300"]);
    run(
        &bin,
        &[
            "--db",
            db_s,
            "count",
            "open",
            "Aisle A",
            "--location",
            "WH1/A",
        ],
    );
    let stock: serde_json::Value = serde_json::from_str(&run(
        &bin,
        &["--db", db_s, "--json", "stock", "--location", "WH1/A/01"],
    ))
    .unwrap();
    let serials: Vec<String> = stock
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["serial"].as_str().map(str::to_string))
        .take(4)
        .collect();
    assert_eq!(serials.len(), 4, "{stock}");

    // The server, its socket given to the group the handheld accounts are in.
    let server = Killed(
        Command::new(&bin)
            .args([
                "--db",
                db_s,
                "--socket",
                socket_s,
                "serve",
                "--group",
                "tallyman-users",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while !socket.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let meta = std::fs::metadata(&socket).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    for account in ACCOUNTS {
        run(
            &bin,
            &[
                "--db", db_s, "--socket", socket_s, "user", "add", account, "--role", "clerk",
            ],
        );
    }

    // sshd on a loopback port with the shipped Match block.
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
             PermitRootLogin no\nAllowUsers {}\n{}",
            host_key.display(),
            t.join("sshd.pid").display(),
            authorized.display(),
            ACCOUNTS.join(" "),
            match_block(&bin, &db, &socket)
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

    // Two handhelds: ssh -tt at 20x16, TERM=vt220, plain login (the ForceCommand runs
    // tallyman).
    let tmux = Tmux::new("sshd");
    for account in ACCOUNTS {
        tmux.session(
            account,
            20,
            16,
            &format!(
                "TERM=vt220 ssh -tt -p {port} -i {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
                 -o UserKnownHostsFile={} {account}@127.0.0.1; sleep 60",
                user_key.display(),
                t.join("known_hosts").display()
            ),
        );
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
    let shown: serde_json::Value = serde_json::from_str(&run(
        &bin,
        &[
            "--db", db_s, "--socket", socket_s, "--json", "count", "show", "2",
        ],
    ))
    .unwrap();
    let counters: Vec<&str> = shown["counters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert_eq!(counters, ACCOUNTS, "{shown}");
    drop(tmux);
    drop(sshd);
    drop(server);
}
