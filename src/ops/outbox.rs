//! Scans waiting for the server: while the link to `tallyman serve` is down, a client keeps
//! each scan it could not send, in order, with the key the server knows it by (so sending it
//! again never records it twice), in memory and in a file of the user's own. A client that
//! dies too leaves its file; the next client of the same server that starts adopts it and
//! sends what it holds.
//!
//! One file per process (`waiting-SERVER-PID.jsonl` under `$XDG_STATE_HOME/tallyman`, else
//! `~/.local/state/tallyman`), locked while the process lives: a file nobody holds the lock
//! of is a dead client's. SERVER is a hash of the socket path, so a scan is only ever sent to
//! the server it was meant for. One JSON object a line, appended and synced before the scan
//! shows as waiting.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::CountId;

/// One scan waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// The key the server records the scan under.
    pub key: String,
    pub count: CountId,
    /// Where the counter was when they scanned it.
    pub location: Option<String>,
    /// The scan as read.
    pub raw: String,
    /// The scan had to be a location label.
    pub label_only: bool,
}

/// The scans this client could not send yet.
#[derive(Debug)]
pub struct Outbox {
    waiting: VecDeque<Waiting>,
    /// This process's file, locked; made on the first scan that waits.
    file: Option<nix::fcntl::Flock<File>>,
    path: Option<PathBuf>,
    /// Dead clients' files whose scans were taken over: removed once all of them are sent.
    adopted: Vec<nix::fcntl::Flock<File>>,
    adopted_paths: Vec<PathBuf>,
    /// A prefix of this process's keys, and the next number after it.
    prefix: String,
    next: u64,
    /// Why waiting scans are kept in memory only (no file could be written).
    memory_only: Option<String>,
}

/// The folder of the waiting files of the user running this process.
pub fn default_dir() -> Option<PathBuf> {
    let dirs = directories::BaseDirs::new()?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("tallyman"),
    )
}

/// A short name for a server, from its socket's path (FNV-1a, stable across versions).
fn server_tag(socket: &Path) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in socket.as_os_str().as_encoded_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// 64 bits that no other client will draw: from the kernel's random source, else from the
/// process id and the time.
fn random_prefix() -> String {
    let mut bytes = [0u8; 8];
    let read = File::open("/dev/urandom").and_then(|mut f| {
        use std::io::Read;
        f.read_exact(&mut bytes)
    });
    if read.is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes = (t ^ (u64::from(std::process::id()) << 32)).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Outbox {
    /// An outbox that keeps scans in memory only (tests; a client without a home).
    pub fn in_memory() -> Outbox {
        Outbox {
            waiting: VecDeque::new(),
            file: None,
            path: None,
            adopted: Vec::new(),
            adopted_paths: Vec::new(),
            prefix: random_prefix(),
            next: 1,
            memory_only: Some("no folder for waiting scans".into()),
        }
    }

    /// The outbox of a client of the server on `socket`, its file in `dir`: scans that dead
    /// clients of the same server left there are taken over, oldest file first, to be sent
    /// before any new one.
    pub fn open(dir: Option<&Path>, socket: &Path) -> Outbox {
        let mut outbox = Outbox::in_memory();
        let Some(dir) = dir else {
            return outbox;
        };
        let tag = server_tag(socket);
        let made = std::fs::create_dir_all(dir).and_then(|_| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        });
        if let Err(e) = made {
            outbox.memory_only = Some(format!("cannot use {}: {e}", dir.display()));
            return outbox;
        }
        outbox.path = Some(dir.join(format!("waiting-{tag}-{}.jsonl", std::process::id())));
        outbox.memory_only = None;
        outbox.adopt(dir, &tag);
        outbox
    }

    /// Takes over the files of dead clients of this server.
    fn adopt(&mut self, dir: &Path, tag: &str) {
        let Ok(items) = std::fs::read_dir(dir) else {
            return;
        };
        let start = format!("waiting-{tag}-");
        let mut found: Vec<(std::time::SystemTime, PathBuf)> = items
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&start) && name.ends_with(".jsonl")
            })
            .filter(|e| Some(e.path()) != self.path)
            .map(|e| {
                let t = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                (t, e.path())
            })
            .collect();
        found.sort();
        for (_, path) in found {
            let Ok(file) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
            else {
                continue;
            };
            // A live client holds its lock: its scans are its own.
            let Ok(locked) =
                nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock)
            else {
                continue;
            };
            let reader = std::io::BufReader::new(&*locked);
            for line in reader.lines().map_while(Result::ok) {
                // A line cut short by a crash was never shown as waiting: skipped.
                if let Ok(w) = serde_json::from_str::<Waiting>(&line) {
                    if !self.waiting.iter().any(|x| x.key == w.key) {
                        self.waiting.push_back(w);
                    }
                }
            }
            self.adopted.push(locked);
            self.adopted_paths.push(path);
        }
    }

    /// A key for the next scan: unique to this process and run.
    pub fn new_key(&mut self) -> String {
        let key = format!("{}-{}", self.prefix, self.next);
        self.next += 1;
        key
    }

    /// How many scans wait.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// The oldest waiting scan.
    pub fn front(&self) -> Option<&Waiting> {
        self.waiting.front()
    }

    /// Why the waiting scans are not kept in a file, if they are not.
    pub fn memory_only(&self) -> Option<&str> {
        self.memory_only.as_deref()
    }

    /// Keeps a scan to send later: written and synced to this process's file first.
    pub fn push(&mut self, w: Waiting) {
        if let Err(e) = self.append(&w) {
            self.memory_only = Some(e.to_string());
        }
        self.waiting.push_back(w);
    }

    fn append(&mut self, w: &Waiting) -> std::io::Result<()> {
        if self.file.is_none() {
            let Some(path) = &self.path else {
                return Err(std::io::Error::other("no folder for waiting scans"));
            };
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            let locked = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
                .map_err(|(_, e)| std::io::Error::from(e))?;
            self.file = Some(locked);
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let mut line = serde_json::to_string(w).map_err(std::io::Error::other)?;
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_data()
    }

    /// The oldest waiting scan was answered: it waits no more. When none is left the files
    /// are emptied (this process's) and removed (the adopted ones).
    pub fn sent(&mut self) {
        self.waiting.pop_front();
        if !self.waiting.is_empty() {
            return;
        }
        if let Some(file) = self.file.as_mut() {
            let _ = file.set_len(0).and_then(|_| file.sync_data());
        }
        for path in self.adopted_paths.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        self.adopted.clear();
    }
}

impl Drop for Outbox {
    /// A process that ends with nothing waiting leaves no file behind.
    fn drop(&mut self) {
        if self.waiting.is_empty() {
            if let Some(path) = &self.path {
                if self.file.is_some() {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(key: &str, raw: &str) -> Waiting {
        Waiting {
            key: key.into(),
            count: CountId(2),
            location: Some("WH1/A/01".into()),
            raw: raw.into(),
            label_only: false,
        }
    }

    #[test]
    fn a_dead_clients_scans_are_adopted_in_order_by_the_next_client_of_the_same_server() {
        let tmp = tempfile::tempdir().unwrap();
        let socket = Path::new("/run/tallyman/site.sock");
        // A client that dies with two scans waiting: its file stays, unlocked.
        let dead = tmp
            .path()
            .join(format!("waiting-{}-1.jsonl", server_tag(socket)));
        std::fs::write(
            &dead,
            format!(
                "{}\n{}\n{{\"key\":\"cut sh",
                serde_json::to_string(&scan("a-1", "SN1")).unwrap(),
                serde_json::to_string(&scan("a-2", "SN2\u{1d}")).unwrap()
            ),
        )
        .unwrap();
        // Another server's file is not touched.
        let other = tmp.path().join(format!(
            "waiting-{}-1.jsonl",
            server_tag(Path::new("/tmp/other.sock"))
        ));
        std::fs::write(&other, serde_json::to_string(&scan("b-1", "X")).unwrap()).unwrap();

        let mut outbox = Outbox::open(Some(tmp.path()), socket);
        assert_eq!(outbox.len(), 2);
        assert_eq!(outbox.front().unwrap().raw, "SN1");
        outbox.sent();
        assert_eq!(outbox.front().unwrap().raw, "SN2\u{1d}");
        // A new scan waits behind them, and is in this process's own file.
        let key = outbox.new_key();
        outbox.push(scan(&key, "SN3"));
        let own = std::fs::read_to_string(outbox.path.clone().unwrap()).unwrap();
        assert!(own.contains("SN3"), "{own}");
        outbox.sent();
        outbox.sent();
        assert!(outbox.is_empty());
        assert!(
            !dead.exists(),
            "an adopted file goes once its scans are sent"
        );
        assert!(other.exists());
        drop(outbox);
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the other server's file is left");
    }

    #[test]
    fn a_live_clients_file_is_not_adopted() {
        let tmp = tempfile::tempdir().unwrap();
        let socket = Path::new("/run/tallyman/site.sock");
        let mut first = Outbox::open(Some(tmp.path()), socket);
        let key = first.new_key();
        first.push(scan(&key, "SN1"));
        // The first's file under another process's name (the lock goes with the open file):
        // the second must skip it because it is locked, not because of its name.
        let moved = tmp
            .path()
            .join(format!("waiting-{}-999999.jsonl", server_tag(socket)));
        std::fs::rename(first.path.clone().unwrap(), &moved).unwrap();
        let second = Outbox::open(Some(tmp.path()), socket);
        assert_eq!(second.len(), 0, "a locked file belongs to a live client");
        assert_eq!(first.len(), 1);
    }

    #[test]
    fn keys_are_unique_within_a_process_and_differ_between_processes() {
        let mut a = Outbox::in_memory();
        let mut b = Outbox::in_memory();
        let (a1, a2, b1) = (a.new_key(), a.new_key(), b.new_key());
        assert_ne!(a1, a2);
        assert_ne!(a1, b1);
        assert!(a1.len() <= crate::ops::MAX_KEY);
    }
}
