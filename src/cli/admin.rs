//! init, check, anchor, rebuild (and salvage), backup and restore commands.

use super::json::{self as j, CheckJson};
use super::{CliResult, Failure};
use crate::ops::{
    parse_anchor, AdminCall, AdminDone, Anchor, EntryWords, Offline, Ops, OpsError, RefusalKind,
    Remote, SalvageReport,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

/// A progress bar on standard error for a long replay, shown only on a terminal and only
/// once there is enough to read that it helps.
pub struct Progress {
    bar: OnceLock<ProgressBar>,
    what: &'static str,
}

impl Progress {
    pub fn new(what: &'static str) -> Progress {
        Progress {
            bar: OnceLock::new(),
            what,
        }
    }

    pub fn report(&self, done: u64, total: u64) {
        if total < (8 << 20) || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.what);
            bar
        });
        bar.set_position(done);
    }

    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// A flag set by the first Ctrl-C or SIGTERM (the command stops at the next entry and
/// cleans up); a second Ctrl-C ends the process at once.
fn stop_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register_conditional_shutdown(signal, 130, flag.clone());
        let _ = signal_hook::flag::register(signal, flag.clone());
    }
    flag
}

/// The door an admin call goes through: the server when one answers on the database's
/// socket (it checks the caller's role), else the folder itself, opened here.
/// `needs_db`: the folder must hold a database (or be new) to be opened here.
fn door(
    db: &Path,
    needs_db: bool,
    stop: Arc<AtomicBool>,
    progress: Option<Arc<Progress>>,
) -> Result<Box<dyn Ops>, Failure> {
    let socket = super::socket_of(db);
    if socket.exists() {
        if let Ok(remote) = Remote::connect(&socket) {
            return Ok(Box::new(remote));
        }
    }
    if needs_db {
        super::needs_database(db)?;
    }
    let report = progress.map(|bar| {
        Box::new(move |d: u64, t: u64| bar.report(d, t)) as Box<dyn Fn(u64, u64) + Send + Sync>
    });
    Ok(Box::new(Offline::new(db, report, stop)))
}

/// Sends an admin call; a server that holds the database open and cannot answer a call
/// that needs it to itself is said so with what to do here.
fn admin_call(
    door: &dyn Ops,
    db: &Path,
    what: &str,
    call: AdminCall,
) -> Result<AdminDone, Failure> {
    door.admin(call.clone()).map_err(|e| match super::hints::admin_failure(&call, e) {
        OpsError::Refused(r) if r.kind == RefusalKind::InUse => Failure::storage(format!(
            "{what} needs the database to itself, but tallyman serve holds it (socket {}); stop the server first (systemctl stop tallyman), then run {what} again",
            super::socket_of(db).display()
        )),
        e => e.into(),
    })
}

fn unexpected(what: &str) -> Failure {
    Failure::storage(format!("the service gave an unexpected answer to {what}"))
}

/// `--anchor` values: `SEQ:HASH`, or files of them one per line (the server's anchor file:
/// its lines start with the anchor).
fn anchors(given: &[String]) -> Result<Vec<Anchor>, Failure> {
    let mut out = Vec::new();
    for g in given {
        if let Some(a) = parse_anchor(g) {
            out.push(a);
            continue;
        }
        let text = std::fs::read_to_string(g).map_err(|e| {
            Failure::invalid(format!(
                "expected an anchor SEQ:HASH or a file of them, found {} ({e})",
                crate::domain::limits::quoted(g)
            ))
        })?;
        for (n, line) in text.lines().enumerate() {
            let first = line.split_whitespace().next().unwrap_or("");
            if first.is_empty() || first.starts_with('#') {
                continue;
            }
            out.push(parse_anchor(first).ok_or_else(|| {
                Failure::invalid(format!(
                    "{g} line {}: expected an anchor SEQ:HASH, found {}",
                    n + 1,
                    crate::domain::limits::quoted(first)
                ))
            })?);
        }
    }
    Ok(out)
}

pub fn check(db: &Path, anchor_args: &[String], json: bool) -> CliResult {
    let anchors = anchors(anchor_args)?;
    let stop = stop_flag();
    let AdminDone::Checked(report) = admin_call(
        &*door(db, true, stop, None)?,
        db,
        "check",
        AdminCall::Check {
            anchors: anchors.clone(),
        },
    )?
    else {
        return Err(unexpected("check"));
    };
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    if report.problems.is_empty() {
        if json {
            return j::print(&CheckJson::from(&report));
        }
        outln!(
            "ok: {} journal entries, chain intact; replay equals the store ({} keys, {} units)",
            report.entries,
            report.keys_compared,
            report.units
        );
        if !anchors.is_empty() {
            outln!("anchors: all {} held", report.anchors_held);
        }
        if let Some(a) = &report.anchor {
            outln!("anchor: {a}");
        }
        return Ok(());
    }
    let mut failure = Failure::storage(format!(
        "check failed:\n  {}\n{}",
        report.problems.join("\n  "),
        super::hints::advice_words(&report.advice)
    ));
    // One document: the report with the failure's words and exit code.
    let doc = CheckJson {
        error: Some(failure.message.clone()),
        exit_code: Some(failure.code),
        ..CheckJson::from(&report)
    };
    failure.json = Some(
        serde_json::to_value(&doc)
            .map_err(|e| Failure::storage(format!("cannot write JSON: {e}")))?,
    );
    Err(failure)
}

pub fn anchor(db: &Path, json: bool) -> CliResult {
    let AdminDone::Anchor { entries, anchor } = admin_call(
        &*door(db, true, stop_flag(), None)?,
        db,
        "anchor",
        AdminCall::Anchor,
    )?
    else {
        return Err(unexpected("anchor"));
    };
    if json {
        return j::print(&j::AnchorJson { entries, anchor });
    }
    match anchor {
        Some(a) => outln!("{a}"),
        None => outln!("the journal has no entries yet"),
    }
    Ok(())
}

pub fn init(dir: &Path, json: bool) -> CliResult {
    // A database already there: nothing to do (so a service can run `init` before every
    // start).
    if dir.join(crate::ops::JOURNAL_FILE).is_file() {
        if json {
            return j::print(&j::InitJson {
                db: dir.display().to_string(),
            });
        }
        outln!(
            "{} already holds a database; nothing changed",
            dir.display()
        );
        return Ok(());
    }
    let fresh = match std::fs::read_dir(dir) {
        Ok(mut items) => items.next().is_none(),
        Err(_) => !dir.exists(),
    };
    if !fresh {
        return Err(Failure::invalid(format!(
            "expected a new or empty folder, found \"{}\" holds files; give another path",
            dir.display()
        )));
    }
    Offline::init(dir)?;
    if json {
        return j::print(&j::InitJson {
            db: dir.display().to_string(),
        });
    }
    outln!(
        "created an empty database in {}; use it with --db {} (or TALLYMAN_DB)",
        dir.display(),
        dir.display()
    );
    Ok(())
}

pub fn rebuild(db: &Path, force: bool, json: bool) -> CliResult {
    let bar = Arc::new(Progress::new("rebuilding"));
    let r = admin_call(
        &*door(db, true, stop_flag(), Some(bar.clone()))?,
        db,
        "rebuild",
        AdminCall::Rebuild { force },
    );
    bar.finish();
    let AdminDone::Rebuilt(r) = r? else {
        return Err(unexpected("rebuild"));
    };
    for n in &r.notes {
        eprintln!("warning: {n}");
    }
    if let Some((t, kept)) = &r.cut {
        eprintln!(
            "warning: the journal ended in an {t}; it was cut off before rebuilding (its bytes are kept in {})",
            kept.display()
        );
    }
    if json {
        return j::print(&j::RebuildJson::from(&r));
    }
    match &r.old_store {
        Some(old) => outln!(
            "rebuilt the store from {} journal entries; the old store is at {}",
            r.entries,
            old.display()
        ),
        None => outln!("rebuilt the store from {} journal entries", r.entries),
    }
    Ok(())
}

fn entry_line(e: &EntryWords) -> String {
    let at = chrono::DateTime::from_timestamp_millis(e.at_ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    format!(
        "entry {} at {at} by {}: {} (bytes {}..{})",
        e.seq, e.actor, e.what, e.bytes.0, e.bytes.1
    )
}

/// Asks on the terminal whether to keep the later entries; `None` when nobody can answer.
fn ask_keep_later(r: &SalvageReport) -> Option<bool> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    eprintln!("damage: {}", r.damage);
    match (&r.damaged_entry, r.lost_bytes.first()) {
        (Some(e), _) => eprintln!("lost: the damaged {}", entry_line(e)),
        (None, Some((a, b))) => {
            eprintln!("lost: entry {} (unreadable, bytes {a}..{b})", r.damaged_seq)
        }
        (None, None) => {}
    }
    eprintln!(
        "kept: entries 1..={} as they were; {} entries after the damage are intact but no longer chained:",
        r.kept,
        r.later.len()
    );
    for e in &r.later {
        eprintln!("  {}", entry_line(e));
    }
    eprintln!(
        "Keep them? They were accepted after the lost entry and may depend on it. [y = keep / n = drop / anything else = stop]"
    );
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    match line.trim() {
        "y" | "Y" | "yes" => Some(true),
        "n" | "N" | "no" => Some(false),
        _ => None,
    }
}

pub fn salvage(db: &Path, keep_later: Option<bool>, json: bool) -> CliResult {
    let bar = Arc::new(Progress::new("rebuilding"));
    let door = door(db, true, stop_flag(), Some(bar.clone()))?;
    let salvage =
        |keep_later| match admin_call(&*door, db, "rebuild", AdminCall::Salvage { keep_later })? {
            AdminDone::Salvaged(r) => Ok(r),
            _ => Err(unexpected("rebuild --salvage")),
        };
    let mut r = salvage(keep_later)?;
    if !r.done && !json {
        if let Some(keep) = ask_keep_later(&r) {
            r = salvage(Some(keep))?;
        }
    }
    bar.finish();
    if json {
        j::print(&j::SalvageJson::from(&r))?;
    } else {
        print_salvage(&r);
    }
    if !r.done {
        let later: Vec<String> = r
            .later
            .iter()
            .map(|e| format!("  {}", entry_line(e)))
            .collect();
        return Err(Failure::invalid(format!(
            "nothing was changed: {} entries after the damage are intact:\n{}\nrun again with --keep-later to keep them or --drop-later to drop them",
            r.later.len(),
            later.join("\n")
        )));
    }
    Ok(())
}

fn print_salvage(r: &SalvageReport) {
    if !r.damage.is_empty() {
        outln!("damage: {}", r.damage);
    }
    if let Some((first, last)) = r.store_ahead {
        outln!(
            "lost: entries {first}..={last}, which the old store had applied but the journal no longer holds"
        );
    }
    if let Some(e) = &r.damaged_entry {
        outln!("lost: the damaged {}", entry_line(e));
    }
    for (i, (a, b)) in r.lost_bytes.iter().enumerate() {
        if i == 0 && r.damaged_entry.is_none() && r.damaged_seq > 0 {
            let how = if r.torn { "incomplete" } else { "unreadable" };
            outln!("lost: entry {} ({how}, bytes {a}..{b})", r.damaged_seq);
        } else {
            outln!("lost: bytes {a}..{b} of the damaged journal (no readable entry)");
        }
    }
    if !r.done {
        return;
    }
    for (i, e) in r.later.iter().enumerate() {
        if r.later_kept {
            outln!("kept as entry {}: {}", r.kept + 1 + i as u64, entry_line(e));
        } else {
            outln!("lost (dropped): {}", entry_line(e));
        }
    }
    outln!("kept: entries 1..={} as they were", r.kept);
    if let Some(p) = &r.damaged_journal {
        outln!("the damaged journal is kept untouched as {}", p.display());
    }
    if let Some(p) = &r.old_store {
        outln!("the old store is at {}", p.display());
    }
    outln!("the database is writable again");
}

pub fn backup(db: &Path, file: &Path, json: bool) -> CliResult {
    // Through a server when one answers: the server reads its journal up to its durable end
    // and sends the bytes, and this process writes the file as its own user, so an admin
    // who cannot read the database folder (only the server's user can) backs it up all the
    // same. A refusal of the server is the answer: the journal is never read here then.
    // Without a server the journal is read as it is, without a lock or the store, so
    // backups run while others use the database and on a full disk.
    let socket = super::socket_of(db);
    let door = door(db, false, stop_flag(), None)?;
    if door.server_socket().is_none() {
        let journal = db.join(crate::ops::JOURNAL_FILE);
        match std::fs::metadata(&journal) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Failure::invalid(format!(
                    "expected a database in \"{}\", found no journal there",
                    db.display()
                )))
            }
            Err(e) => {
                return Err(Failure {
                    code: if e.kind() == std::io::ErrorKind::PermissionDenied {
                        4
                    } else {
                        3
                    },
                    message: format!(
                        "expected to read the journal \"{}\", found {}; no server answers on {}: run backup as the database's owner, or while its server runs",
                        journal.display(),
                        super::io_words(&e),
                        socket.display()
                    ),
                    json: None,
                })
            }
        }
    }
    let AdminDone::BackedUp(r) = admin_call(
        &*door,
        db,
        "backup",
        AdminCall::Backup {
            file: file.to_path_buf(),
        },
    )?
    else {
        return Err(unexpected("backup"));
    };
    if json {
        return j::print(&j::BackupJson {
            file: file.display().to_string(),
            bytes: r.bytes,
            entries: r.entries,
            anchor: r.anchor,
        });
    }
    outln!(
        "backup written to {} ({} bytes, {} entries)",
        file.display(),
        r.bytes,
        r.entries
    );
    if let Some(a) = &r.anchor {
        outln!("anchor: {a}");
    }
    Ok(())
}

pub fn restore(db: &Path, file: &Path, force: bool, json: bool) -> CliResult {
    match std::fs::metadata(file) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::invalid(format!(
                "expected a backup file, found nothing at \"{}\"",
                file.display()
            )))
        }
        Err(e) => {
            return Err(Failure::invalid(format!(
                "expected a backup file at \"{}\", found {}",
                file.display(),
                super::io_words(&e)
            )))
        }
    }
    let bar = Arc::new(Progress::new("restoring"));
    let r = admin_call(
        &*door(db, false, stop_flag(), Some(bar.clone()))?,
        db,
        "restore",
        AdminCall::Restore {
            file: file.to_path_buf(),
            force,
        },
    );
    bar.finish();
    let AdminDone::Restored(r) = r? else {
        return Err(unexpected("restore"));
    };
    if json {
        return j::print(&j::RestoreJson {
            entries: r.entries,
            replaced: r.replaced.as_ref().map(|p| p.display().to_string()),
            anchor: r.anchor,
        });
    }
    outln!(
        "restored {} journal entries into {}",
        r.entries,
        db.display()
    );
    if let Some(p) = &r.replaced {
        outln!("the journal it replaced is kept as {}", p.display());
    }
    if let Some(a) = &r.anchor {
        outln!("anchor: {a}");
    }
    Ok(())
}
