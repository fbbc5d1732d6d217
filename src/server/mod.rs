//! `tallyman serve`: owns the database and answers the ops protocol on a Unix socket, for a
//! site's whole team at once. One loop serves every connection (`event_loop`); the actor of
//! every request is the peer's OS account (SO_PEERCRED), and its role is checked here before
//! the request reaches the service. Commands that arrive together share one fsync (group
//! commit, synced by a thread of its own); reads are answered by reader threads beside the
//! loop.

mod anchor;
mod connection;
mod event_loop;
mod log;
mod peer;
mod readers;
mod syncer;
mod wake;

pub use log::ServerLog;
pub use peer::peer_user;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::ops::local::Service;
use crate::ops::Gate;

/// How the server listens and what it allows.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub socket: PathBuf,
    pub socket_mode: u32,
    /// The socket's group, by name.
    pub group: Option<String>,
    pub log: PathBuf,
    /// The largest request accepted, in bytes.
    pub max_frame: u64,
    /// A client silent this long is disconnected.
    pub idle_timeout: Duration,
    /// A started request must arrive within this.
    pub read_timeout: Duration,
    /// Connections held at once, all users together (lowered to what the open-file limit
    /// allows).
    pub max_connections: usize,
    /// Connections one user may hold at once.
    pub max_connections_per_user: usize,
    /// Who is admin whatever the user list says.
    pub gate: Gate,
    /// The server's own anchor file, outside the database folder (`None`: none kept).
    pub anchor: Option<PathBuf>,
}

/// The default anchor file of a database: its folder's path with ".anchor" appended,
/// beside the folder (outside it, so whoever can change the database's files cannot
/// change it too when the folder's parent is not theirs).
pub fn default_anchor(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(".anchor");
    PathBuf::from(name)
}

/// The accounts a server lets in as admin whatever the user list says: the one it runs as
/// (so the first admin exists right after install) and root.
pub fn default_gate() -> Gate {
    let me = crate::identity::account();
    Gate {
        always_admin: if me == "root" {
            vec![me]
        } else {
            vec![me, "root".to_string()]
        },
    }
}

/// The default socket of a database folder: its path with ".sock" appended, beside it (the
/// folder itself is the server user's alone).
pub fn default_socket(dir: &Path) -> PathBuf {
    let mut s = dir.as_os_str().to_os_string();
    s.push(".sock");
    PathBuf::from(s)
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("a server already answers on {}; nothing was removed", quoted_path(.0))]
    AlreadyServing(PathBuf),
    /// Something other than a stale socket is at the socket's path.
    #[error("not a socket: expected a free path or a stale socket, found {} is {what}; nothing was removed. Name another path (the default is the database folder's path + .sock)", quoted_path(.path))]
    Taken { path: PathBuf, what: &'static str },
    #[error("socket inside the database folder: expected a path outside {}, found {}; nothing was removed. Name another path (the default is the database folder's path + .sock, beside it)", quoted_path(.dir), quoted_path(.path))]
    InsideDatabase { path: PathBuf, dir: PathBuf },
    #[error("cannot listen on {path}: {source}")]
    Listen {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("expected a group name for the socket, found \"{0}\": no such group")]
    NoGroup(String),
    #[error("cannot set up the socket {path}: {why}")]
    Socket { path: PathBuf, why: String },
    #[error("cannot open the server log {path}: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn quoted_path(path: &Path) -> String {
    crate::domain::limits::quoted(&path.display().to_string())
}

/// What is at a path that is not a socket, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        "a regular file"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a socket"
    }
}

/// Checks the path the server of the database in `dir` is to listen on, before anything is
/// opened or removed: it must lie outside the database folder (a socket there could only be
/// made by unlinking the database's own files, and clients are never to need the folder),
/// and be free or hold a stale socket (a socket nobody answers on). Anything else (a file, a
/// folder, a link, a live server's socket) is refused and left as it is.
pub fn check_socket_path(dir: &Path, socket: &Path) -> Result<(), ServeError> {
    let inside = |p: &Path| -> bool {
        let Ok(db) = dir.canonicalize() else {
            return false;
        };
        // The socket's folder as it really is (a relative path, `..`, links).
        let folder = match p.parent() {
            Some(f) if !f.as_os_str().is_empty() => f.to_path_buf(),
            _ => PathBuf::from("."),
        };
        folder.canonicalize().is_ok_and(|f| f.starts_with(&db))
            || p.canonicalize().is_ok_and(|f| f.starts_with(&db))
    };
    if inside(socket) {
        return Err(ServeError::InsideDatabase {
            path: socket.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    let Ok(meta) = std::fs::symlink_metadata(socket) else {
        return Ok(());
    };
    if !std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type()) {
        return Err(ServeError::Taken {
            path: socket.to_path_buf(),
            what: kind_of(&meta),
        });
    }
    if std::os::unix::net::UnixStream::connect(socket).is_ok() {
        return Err(ServeError::AlreadyServing(socket.to_path_buf()));
    }
    Ok(())
}

/// What all connections share.
pub(crate) struct Shared {
    pub(crate) service: Arc<Service>,
    pub(crate) gate: Gate,
    pub(crate) log: ServerLog,
    pub(crate) options: ServeOptions,
    /// Set on SIGTERM: finish what is in flight, take nothing new.
    pub(crate) stopping: Arc<AtomicBool>,
    pub(crate) anchor: Option<anchor::AnchorFile>,
}

/// A listening server.
pub struct Server {
    listener: UnixListener,
    shared: Arc<Shared>,
    /// The socket file made by [`Server::bind`] (device and inode): the only file removed
    /// when the server stops.
    made: Option<(u64, u64)>,
}

/// The device and inode of what is at `path` (not following a link).
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

impl Server {
    /// Binds the socket (removing a stale one nobody answers on, refusing anything else at
    /// its path and any path inside the database folder), sets its mode and group, and
    /// opens the log. `stopping` ends [`Server::run`] when set.
    pub fn bind(
        service: Arc<Service>,
        options: ServeOptions,
        stopping: Arc<AtomicBool>,
    ) -> Result<Server, ServeError> {
        let socket = options.socket.clone();
        check_socket_path(service.dir(), &socket)?;
        // Only a stale socket is left at the path now: it is the one thing removed.
        if std::fs::symlink_metadata(&socket).is_ok() {
            std::fs::remove_file(&socket).map_err(|source| ServeError::Listen {
                path: socket.clone(),
                source,
            })?;
        }
        // The log first: once the socket answers, everything a client can see of the server
        // (its files, its log) is there.
        let log = ServerLog::open(&options.log).map_err(|source| ServeError::Log {
            path: options.log.clone(),
            source,
        })?;
        let listener = UnixListener::bind(&socket).map_err(|source| ServeError::Listen {
            path: socket.clone(),
            source,
        })?;
        let socket_err = |why: String| ServeError::Socket {
            path: socket.clone(),
            why,
        };
        if let Some(group) = &options.group {
            let gid = nix::unistd::Group::from_name(group)
                .map_err(|e| socket_err(e.to_string()))?
                .ok_or_else(|| ServeError::NoGroup(group.clone()))?
                .gid;
            std::os::unix::fs::chown(&socket, None, Some(gid.as_raw()))
                .map_err(|e| socket_err(format!("cannot give it to group \"{group}\": {e}")))?;
        }
        std::fs::set_permissions(
            &socket,
            std::fs::Permissions::from_mode(options.socket_mode),
        )
        .map_err(|e| socket_err(e.to_string()))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| socket_err(e.to_string()))?;
        let gate = options.gate.clone();
        service.mark_serving(&socket);
        Ok(Server {
            made: file_id(&socket),
            listener,
            shared: Arc::new(Shared {
                service,
                gate,
                log,
                anchor: options.anchor.clone().map(anchor::AnchorFile::new),
                options,
                stopping,
            }),
        })
    }

    /// The server's log.
    pub fn log(&self) -> &ServerLog {
        &self.shared.log
    }

    /// Serves until `stopping` is set, then answers the requests in flight, removes the
    /// socket and returns.
    pub fn run(self) -> std::io::Result<()> {
        let served = event_loop::run(&self.listener, &self.shared);
        // Only the socket it made: whatever else was put at the path since stays.
        let socket = &self.shared.options.socket;
        if self.made.is_some() && file_id(socket) == self.made {
            let _ = std::fs::remove_file(socket);
        }
        match &served {
            Ok(()) => self
                .shared
                .log
                .line("stopped: every request in flight was answered"),
            Err(e) => self.shared.log.line(&format!("stopped on an error: {e}")),
        }
        served
    }
}

/// File descriptors kept for the journal, sled's files, the log and the threads.
const RESERVED_FILES: u64 = 64;

/// Raises the soft limit of open files to the hard limit; the limits after.
fn raise_open_file_limit() -> Option<(u64, u64)> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        return Some((hard, hard));
    }
    Some((soft, hard))
}

/// Opens the database, binds the socket and serves until SIGTERM or SIGINT: the whole of
/// `tallyman serve`. `ready` is told the socket once clients can connect.
pub fn serve(
    dir: &Path,
    options: ServeOptions,
    group_commit: bool,
    settings: (
        crate::domain::scan::ScanConfig,
        crate::ops::WarrantySettings,
    ),
    ready: impl FnOnce(&ServeOptions, &[String]),
) -> Result<(), String> {
    let stopping = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stopping.clone())
            .map_err(|e| format!("cannot catch signal {signal}: {e}"))?;
    }
    check_socket_path(dir, &options.socket).map_err(|e| e.to_string())?;
    // Every connection is a file descriptor: the soft limit goes up to the hard one (the
    // unit's LimitNOFILE), and the connection cap stays below what is left of it.
    let files = raise_open_file_limit();
    let mut options = options;
    if let Some((soft, _)) = files {
        let room = usize::try_from(soft.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX);
        options.max_connections = options.max_connections.min(room.max(1));
    }
    let (service, notes) = Service::open(dir).map_err(|e| e.to_string())?;
    let service = service
        .with_scan_config(settings.0)
        .with_warranty_settings(settings.1)
        .with_group_commit(group_commit);
    let server =
        Server::bind(Arc::new(service), options.clone(), stopping).map_err(|e| e.to_string())?;
    server.log().line(&format!(
        "started: pid {}, user {}, database {}, socket {}, group commit {}",
        std::process::id(),
        crate::identity::os_user(),
        dir.display(),
        options.socket.display(),
        if group_commit { "on" } else { "off" }
    ));
    server.log().line(&match files {
        Some((soft, hard)) => format!(
            "open files: {soft} (hard limit {hard}); at most {} connections, {} per user",
            options.max_connections, options.max_connections_per_user
        ),
        None => format!(
            "open files: limit unknown; at most {} connections, {} per user",
            options.max_connections, options.max_connections_per_user
        ),
    });
    for w in &notes.warnings {
        server.log().line(&format!("warning: {w}"));
    }
    ready(&options, &notes.warnings);
    server.run().map_err(|e| e.to_string())
}
