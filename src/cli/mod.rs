//! The command-line twin of every operation: clap definitions and dispatch. Exit codes:
//! 0 done, 1 refused or invalid input, 2 usage, 3 storage failure, 4 not permitted for the
//! user's role (`count scan`: 0 only when every line was taken). With `--json` every run
//! prints exactly one JSON document on standard output (`count scan`: one per answer line),
//! errors included.

/// Prints a line to standard output; a reader that went away (a closed pipe) ends the
/// process quietly instead of panicking, as `println!` would.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod admin;
mod args;
mod count;
pub mod demo;
mod hints;
mod import;
mod json;
mod mismatch;
mod output;
mod postings;
mod screens;
mod serve;
mod warranty;
mod words;

pub use args::{Cli, Cmd};

use crate::ops::{Local, Ops, OpsError, Remote};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn write_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|_| out.flush()) {
        exit_on_output_error(&e);
    }
}

/// Prints one answer line of `count scan`. Unlike [`write_line`], a reader that went away
/// (a closed pipe) ends the process with exit code 3: a scan after it would be answered to
/// no one.
pub fn write_scan_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|_| out.flush()) {
        eprintln!(
            "tallyman: count scan stopped: its output is closed ({e}); every scan read so far was saved"
        );
        std::process::exit(3);
    }
}

/// Ends the process after a failed write to standard output: quietly when the reader went
/// away, with exit code 3 otherwise.
pub fn exit_on_output_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("tallyman: cannot write the output: {e}");
    std::process::exit(3);
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
    /// With `--json`: the document printed instead of `{"error", "exit_code"}` (a failing
    /// `check` prints its report, with the error and the exit code in it); `null` prints
    /// nothing (the command streamed its own documents, see [`Failure::streamed`]).
    pub json: Option<serde_json::Value>,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
            json: None,
        }
    }

    pub fn storage(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            message: message.into(),
            json: None,
        }
    }

    /// The exit code of a command that printed its own answers (`count scan` streams one per
    /// line, errors included): with `--json` nothing more is printed on standard output (a
    /// `null` document, see [`run`]); the words go to standard error.
    pub fn streamed(code: i32, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            json: Some(serde_json::Value::Null),
        }
    }
}

impl From<OpsError> for Failure {
    fn from(e: OpsError) -> Failure {
        let message = match &e {
            OpsError::Rejected(list) => {
                let mut m = e.to_string();
                for r in list {
                    m.push_str(&format!(
                        "\n  command {}: {}",
                        r.index + 1,
                        hints::refusal_message(&r.refusal)
                    ));
                }
                m
            }
            OpsError::Refused(r) => refusal_words(r),
            OpsError::Damaged { message, .. } => hints::read_only_words(message),
            OpsError::Storage(message) => hints::storage_words(message),
            _ => e.to_string(),
        };
        // A refusal says its kind and what it is about in --json output.
        let json = e.refusal().and_then(|r| {
            serde_json::to_value(json::ErrorJson {
                error: message.clone(),
                exit_code: hints::exit_code(&e),
                kind: Some(r.kind.as_str()),
                about: r.about.clone(),
            })
            .ok()
        });
        Failure {
            code: hints::exit_code(&e),
            message,
            json,
        }
    }
}

pub type CliResult = Result<(), Failure>;

/// Reports a clap error, in JSON when asked; returns the exit code.
pub(crate) fn usage_error(e: &clap::Error, json: bool) -> i32 {
    use clap::error::ErrorKind;
    let code = e.exit_code();
    if !json || matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        if let Err(io) = e.print() {
            exit_on_output_error(&io);
        }
        return code;
    }
    let rendered = e.render().to_string();
    let message = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let usage = rendered
            .lines()
            .find_map(|l| l.trim().strip_prefix("Usage:"))
            .unwrap_or("")
            .trim();
        format!("a subcommand is required (usage: {usage})")
    } else {
        // The first paragraph, on one line: "the following required arguments were not
        // provided: <SERIAL>".
        let first: Vec<&str> = rendered
            .lines()
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .collect();
        let first = first.join(" ");
        first.strip_prefix("error: ").unwrap_or(&first).to_string()
    };
    let doc = json::ErrorJson {
        error: message,
        exit_code: code,
        kind: None,
        about: None,
    };
    if let Err(f) = json::print(&doc) {
        eprintln!("tallyman: {}", f.message);
    }
    eprint!("{rendered}");
    code
}

/// A refusal as the command line prints it: a bad scan says so first (from its kind).
pub fn refusal_words(r: &crate::ops::Refusal) -> String {
    match r.kind {
        crate::ops::RefusalKind::BadScan => format!("bad scan: {}", hints::refusal_message(r)),
        _ => hints::refusal_message(r),
    }
}

/// The database folder: `--db`, else `TALLYMAN_DB`, else the platform's local data directory
/// (`$XDG_DATA_HOME/NAME` or `~/.local/share/NAME` on Linux), else `./NAME` when no home
/// directory is known.
pub fn default_db_dir(name: &str) -> PathBuf {
    match directories::BaseDirs::new() {
        Some(dirs) => dirs.data_local_dir().join(name),
        None => PathBuf::from(".").join(name),
    }
}

pub use crate::identity::os_user;

/// The scan and warranty settings of the site's config, as the service takes them.
pub fn settings(
    config: &crate::config::Config,
) -> (
    crate::domain::scan::ScanConfig,
    crate::ops::WarrantySettings,
) {
    let scan = crate::domain::scan::ScanConfig {
        gs_substitute: config.gs_substitute,
        serial_chars: config.serial_chars.clone(),
        ..crate::domain::scan::ScanConfig::default()
    };
    let warranty = crate::ops::WarrantySettings {
        soon_days: config.expiring_soon_days,
        ..crate::ops::WarrantySettings::default()
    };
    (scan, warranty)
}

/// The site config of this run (loaded once by `run`; defaults until then).
static CONFIG: std::sync::OnceLock<crate::config::Config> = std::sync::OnceLock::new();
/// `--socket`, when given.
static SOCKET: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

/// The site config of this run.
pub fn config() -> &'static crate::config::Config {
    CONFIG.get_or_init(crate::config::Config::default)
}

/// The database as the user reaches it: through `tallyman serve` when one answers on the
/// socket, else opened in this process as the OS user (embedded mode, where that user is an
/// admin). The one door every command and screen goes through.
pub fn open_ops(dir: &Path) -> Result<Arc<dyn Ops>, Failure> {
    open_ops_for(dir, false)
}

/// [`open_ops`]; `bulk`: a bulk writer's (an import's) database, opened here with the small
/// page cache of one.
fn open_ops_for(dir: &Path, bulk: bool) -> Result<Arc<dyn Ops>, Failure> {
    let ops = open_door(dir, bulk)?;
    if let Ok(mut kept) = KEPT.lock() {
        kept.push(ops.clone());
    }
    Ok(ops)
}

/// The databases this process opened through [`open_ops`], kept until it ends: [`run`]
/// flushes them and the process exits without dropping them (a big store's teardown is
/// work nobody waits for).
static KEPT: std::sync::Mutex<Vec<Arc<dyn Ops>>> = std::sync::Mutex::new(Vec::new());

/// Makes what the kept databases wrote durable; a failure is a warning, as the journal
/// already holds every write and the next open applies what the store lacks.
fn finish_kept() {
    let Ok(kept) = KEPT.lock() else { return };
    for ops in kept.iter() {
        if let Err(e) = ops.finish() {
            eprintln!("warning: {e}; the next open applies the rest from the journal");
        }
    }
}

fn open_door(dir: &Path, bulk: bool) -> Result<Arc<dyn Ops>, Failure> {
    // A socket named for this run makes it a client of that server only: the database
    // folder is the server's (0700, its own user), so it is never looked into, created or
    // opened here, and a server that does not answer is said so, not worked around.
    if let Some(socket) = named_socket() {
        return match Remote::connect(&socket) {
            Ok(remote) => Ok(Arc::new(remote)),
            Err(e) => Err(unreachable(&socket, &e)),
        };
    }
    needs_database(dir)?;
    let socket = crate::server::default_socket(dir);
    let mut unanswered = None;
    if socket.exists() {
        match Remote::connect(&socket) {
            Ok(remote) => return Ok(Arc::new(remote)),
            Err(e) => unanswered = Some(e),
        }
    }
    match open_local_for(dir, bulk) {
        Ok(local) => Ok(Arc::new(local)),
        Err(mut f) => {
            if let Some(e) = unanswered {
                f.message.push_str(&format!(
                    " (no server answers on {}: {e})",
                    socket.display()
                ));
            }
            Err(f)
        }
    }
}

/// Why a named server cannot be reached, in words a clerk at a 20-column handheld reads
/// first and an admin can act on after them (the socket's path).
pub fn unreachable(socket: &Path, e: &std::io::Error) -> Failure {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied => Failure {
            code: 4,
            message: match socket_group(socket) {
                Some(group) => format!(
                    "you may not use tallyman here (not in group {group}); an admin adds you to it (socket {})",
                    socket.display()
                ),
                None => format!(
                    "you may not use tallyman here (cannot reach the socket {}); ask an admin",
                    socket.display()
                ),
            },
            json: None,
        },
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => Failure::storage(format!(
            "tallyman server not running; ask an admin (socket {})",
            socket.display()
        )),
        _ => Failure::storage(format!(
            "tallyman server not reachable; ask an admin (socket {}: {e})",
            socket.display()
        )),
    }
}

/// Why a path could not be read, in a few words: "permission denied" rather than the
/// system's "Permission denied (os error 13)", which reads like nothing being there.
pub fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "nothing".to_string(),
        _ => format!("an error ({e})"),
    }
}

/// The name of the group a socket belongs to (the group allowed to connect).
fn socket_group(socket: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let gid = std::fs::metadata(socket).ok()?.gid();
    match nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid)) {
        Ok(Some(g)) => Some(g.name),
        _ => Some(format!("gid {gid}")),
    }
}

/// The socket named for this run: `--socket` or `TALLYMAN_SOCKET`, else the config's
/// `[serve] socket`. None: the database folder's own socket, if a server answers there.
pub fn named_socket() -> Option<PathBuf> {
    SOCKET
        .get()
        .cloned()
        .flatten()
        .or_else(|| config().serve.socket.clone())
}

/// The socket a server of this database listens on: the named one, else the folder's path
/// with ".sock" appended.
pub fn socket_of(dir: &Path) -> PathBuf {
    named_socket().unwrap_or_else(|| crate::server::default_socket(dir))
}

/// Set when the database folder was named (`--db` or `TALLYMAN_DB`), not the default.
static DB_NAMED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// A database folder that does not exist yet: the default one is created on first use,
/// with a notice; a named one is a mistyped path until `tallyman init` creates it. An
/// existing empty folder is taken as a new database.
/// A folder that holds other files and no journal is no database: refused, never changed.
pub fn needs_database(dir: &Path) -> CliResult {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            return match crate::ops::Offline::not_a_database(dir) {
                Some(words) => Err(Failure::invalid(format!("{words}{}", hints::NOT_A_DATABASE))),
                None => Ok(()),
            }
        }
        // The folder of a site's server is its own (0700): a user reaches it through the
        // server's socket, never the files.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(Failure {
                code: 4,
                message: format!(
                    "you may not open the database \"{}\" (permission denied); to work through its server, name the socket with --socket or TALLYMAN_SOCKET (an admin knows it)",
                    dir.display()
                ),
                json: None,
            })
        }
        _ => {}
    }
    if dir.exists() {
        return Err(Failure::invalid(format!(
            "expected a database folder, found \"{}\" is a file",
            dir.display()
        )));
    }
    if DB_NAMED.get().copied().unwrap_or(false) {
        return Err(Failure::invalid(format!(
            "expected a database at \"{}\", found nothing; check --db or TALLYMAN_DB, or create one with `tallyman init {}`",
            dir.display(),
            dir.display()
        )));
    }
    crate::ops::Offline::create_folder(dir)?;
    eprintln!("note: created a new database in {}", dir.display());
    Ok(())
}

/// Opens the database in this process as the OS user (embedded mode).
pub fn open_local(dir: &Path) -> Result<Local, Failure> {
    open_local_for(dir, false)
}

fn open_local_for(dir: &Path, bulk: bool) -> Result<Local, Failure> {
    let (scan, warranty) = settings(config());
    let bar = admin::Progress::new("rebuilding the store");
    let progress = |d: u64, t: u64| bar.report(d, t);
    let opened = if bulk {
        Local::open_for_bulk_writes(dir, os_user(), scan, warranty, Some(&progress))
    } else {
        Local::open_reporting(dir, os_user(), scan, warranty, Some(&progress))
    };
    bar.finish();
    let (ops, notes) = opened?;
    for w in notes.warnings {
        eprintln!("warning: {}", hints::read_only_words(&w));
    }
    Ok(ops)
}

/// Lets the files tallyman creates (database folder, journal, store, backups, log) allow
/// others only what the config's umask allows (0077: folder 0700, files 0600).
fn set_umask(mask: u32) {
    use nix::sys::stat::{umask, Mode};
    umask(Mode::from_bits_truncate(mask as nix::libc::mode_t));
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    // Commands use the config's scan and warranty settings; a broken config file is reported
    // and the defaults are used, so `check`, `backup` and `restore` still work.
    match crate::config::Config::load(cli.config.as_deref()) {
        Ok((config, _)) => {
            let _ = CONFIG.set(config);
        }
        Err(e) => {
            if cli.command.is_some() {
                eprintln!("warning: {e}; using the default settings");
            }
        }
    }
    let _ = SOCKET.set(cli.socket.clone());
    set_umask(config().umask);
    let _ = DB_NAMED.set(cli.db.is_some() || std::env::var_os("TALLYMAN_DB").is_some());
    match (config().group_id(), &config().database_group) {
        (Some(gid), _) => crate::ops::Offline::share_with_group(Some(gid)),
        (None, Some(name)) => eprintln!(
            "warning: [database] group \"{name}\" is not a group of this system; the database stays private to its owner"
        ),
        (None, None) => {}
    }
    let db = cli.db.clone().unwrap_or_else(|| match &cli.command {
        Some(Cmd::Demo(_)) => default_db_dir("tallyman-demo"),
        _ => std::env::var_os("TALLYMAN_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_db_dir("tallyman")),
    });
    let done = dispatch(&cli, &db);
    finish_kept();
    match done {
        Ok(()) => 0,
        Err(f) => {
            if cli.json {
                let printed = match &f.json {
                    Some(serde_json::Value::Null) => Ok(()),
                    Some(doc) => json::print(doc),
                    None => json::print(&json::ErrorJson {
                        error: f.message.clone(),
                        exit_code: f.code,
                        kind: None,
                        about: None,
                    }),
                };
                if let Err(e) = printed {
                    eprintln!("tallyman: {}", e.message);
                }
            }
            // Words already shown (a refusal at login) are not printed twice.
            if !f.message.is_empty() {
                eprintln!("tallyman: {}", f.message);
            }
            f.code
        }
    }
}

fn dispatch(cli: &Cli, db: &Path) -> CliResult {
    let json = cli.json;
    let Some(command) = &cli.command else {
        if json {
            return Err(Failure {
                code: 2,
                message: "--json needs a command; without one tallyman opens the screens".into(),
                json: None,
            });
        }
        return screens::run(cli, open_ops(db));
    };
    match command {
        Cmd::Decode { data } => output::decode(data, json),
        Cmd::Check { anchors } => admin::check(db, anchors, json),
        Cmd::Rebuild {
            salvage,
            keep_later,
            drop_later,
            force,
        } => {
            if *salvage {
                let keep = match (keep_later, drop_later) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                };
                admin::salvage(db, keep, json)
            } else {
                admin::rebuild(db, *force, json)
            }
        }
        Cmd::Anchor => admin::anchor(db, json),
        Cmd::Init { dir } => admin::init(dir, json),
        Cmd::Backup { file } => admin::backup(db, file, json),
        Cmd::Restore { file, force } => admin::restore(db, file, *force, json),
        Cmd::Demo(args) => {
            let service = demo::run(db, args, json)?;
            if args.no_tui || json {
                Ok(())
            } else {
                demo::wait_for_reader();
                screens::run(cli, Ok(Arc::new(service)))
            }
        }
        Cmd::Count(c) => {
            let ops = open_ops(db)?;
            if mismatch::run(&*ops, c, json)? {
                Ok(())
            } else {
                count::run(&*ops, c, json)
            }
        }
        Cmd::Labels(l) => count::labels(l, json),
        Cmd::Warranty(w) => warranty::run(&*open_ops(db)?, w, json),
        Cmd::Repair(r) => warranty::repair(&*open_ops(db)?, r, json),
        Cmd::Import { what, file } => import::run(&*open_ops_for(db, true)?, *what, file, json),
        Cmd::Serve(args) => {
            needs_database(db)?;
            serve::run(db, args, json)
        }
        Cmd::User(u) => serve::user(&*open_ops(db)?, u, json),
        other => postings::run(&*open_ops(db)?, other, json),
    }
}
