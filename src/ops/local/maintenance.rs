//! Keeping the database sound: check (chain, anchors and replay equal to the store),
//! rebuild, salvage of a damaged journal, backup and restore.

use super::opening::{self, scratch_dir};
use super::Service;
use crate::domain::Event;
use crate::journal::{self, private, JournalError, Located};
use crate::ops::api::{
    Advice, Anchor, BackupReport, CheckReport, EntryWords, OpsError, RebuildReport, RefusalKind,
    RestoreReport, SalvageReport, JOURNAL_FILE, JOURNAL_PIECE, STATE_DIR,
};
use crate::store::{keys, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Lets the members of `gid` share the database's files (`[database] group`), for this run.
pub fn share_with_group(gid: Option<u32>) {
    private::share_with_group(gid);
}

/// Creates a database folder, private to its owner (or its group).
pub fn create_folder(dir: &Path) -> Result<(), OpsError> {
    private::dir(dir).map_err(|e| {
        OpsError::Storage(format!(
            "cannot create the database folder {}: {e}",
            dir.display()
        ))
    })
}

/// Makes a new, empty database in `dir`: its folder, journal and store.
pub fn init(dir: &Path) -> Result<(), OpsError> {
    create_folder(dir)?;
    Service::open(dir).map(|_| ())
}

fn describe_key(k: &[u8]) -> String {
    let printable: String = k
        .iter()
        .map(|b| {
            if b.is_ascii_graphic() {
                *b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("\"{printable}\"")
}

/// The words for a stopped check or rebuild.
fn interrupted() -> JournalError {
    JournalError::Io {
        path: PathBuf::from("(interrupted)"),
        source: std::io::Error::new(std::io::ErrorKind::Interrupted, "stopped by a signal"),
    }
}

/// Verifies the journal chain from the first entry, the anchors given, that every entry the
/// store applied is still there as it was applied, and that replaying the journal gives
/// exactly the store's contents. Stops (leaving nothing behind) when `stop` is set.
pub fn check(dir: &Path, anchors: &[Anchor], stop: &AtomicBool) -> Result<CheckReport, OpsError> {
    let exposed_before = private::exposed(dir);
    let (service, notes) = Service::open(dir)?;
    check_open(&service, notes.warnings, exposed_before, anchors, stop)
}

/// [`check`] of the database a service holds open (a server's): under the writer lock, so
/// no entry is written while the journal is replayed, once everything written is durable.
pub(crate) fn check_live(
    service: &Service,
    anchors: &[Anchor],
    stop: &AtomicBool,
) -> Result<CheckReport, OpsError> {
    let _writer = service
        .writer
        .lock()
        .map_err(|_| super::writer_poisoned())?;
    service.sync_all_written()?;
    let exposed = private::exposed(service.dir());
    check_open(service, Vec::new(), exposed, anchors, stop)
}

fn check_open(
    service: &Service,
    warnings: Vec<String>,
    exposed_before: Vec<(PathBuf, u32)>,
    anchors: &[Anchor],
    stop: &AtomicBool,
) -> Result<CheckReport, OpsError> {
    let dir = service.dir();
    let mut report = CheckReport::default();
    if let Some(ro) = service.read_only() {
        report.problems.push(ro.what.clone());
        report.advice = Some(Advice::Salvage);
    }
    report.notes.extend(
        warnings
            .into_iter()
            .filter(|w| service.read_only().is_none_or(|ro| *w != ro.message)),
    );
    let exposed_now = private::exposed(dir);
    for (path, mode) in &exposed_before {
        if !exposed_now.iter().any(|(p, _)| p == path) {
            report.notes.push(format!(
                "{} could be read by others (mode {mode:03o}); it is private now",
                path.display()
            ));
        }
    }
    for (path, mode) in exposed_now {
        report.notes.push(format!(
            "{} can be read by others (mode {mode:03o}); run `chmod -R go-rwx {}`",
            path.display(),
            dir.display()
        ));
    }
    let journal_path = dir.join(JOURNAL_FILE);
    let scratch = scratch_dir(dir, "check");
    let _ = std::fs::remove_dir_all(&scratch);
    let outcome = (|| -> Result<(), OpsError> {
        let fresh = Store::open(&scratch)?;
        let live = service.store();
        let mut changed: Option<u64> = None;
        let mut failure = None;
        let mut held = 0;
        let mut anchor_problems = Vec::new();
        let survey = journal::survey(&journal_path, |located| {
            if stop.load(Ordering::Relaxed) {
                return Err(interrupted());
            }
            let seq = located.entry.seq;
            for (_, hash) in anchors.iter().filter(|(s, _)| *s == seq) {
                if *hash == located.hash {
                    held += 1;
                } else {
                    anchor_problems.push(format!(
                        "entry {seq} is not the one anchored as {}: the journal was changed at or before it",
                        journal::anchor_words(seq, hash)
                    ));
                }
            }
            if changed.is_none() {
                if let Ok(Some(applied)) = live.entry_hash(seq) {
                    if applied != located.hash {
                        changed = Some(seq);
                    }
                }
            }
            if failure.is_none() {
                if let Err(e) = fresh.apply(located) {
                    failure = Some(e);
                }
            }
            Ok(())
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        report.entries = survey.entries;
        report.anchors_held = held;
        report.anchor = survey
            .head
            .map(|(seq, hash)| journal::anchor_words(seq, &hash));
        let last = survey.head.map_or(0, |(seq, _)| seq);
        let damaged_at = match &survey.damage {
            Some(JournalError::Damaged { entry, .. }) => Some(*entry),
            _ => None,
        };
        for (seq, hash) in anchors.iter().filter(|(s, _)| *s > last) {
            let anchor = journal::anchor_words(*seq, hash);
            anchor_problems.push(match damaged_at {
                // The entries are there but cannot be read past the damage: not removed.
                Some(d) => format!(
                    "anchor {anchor} names entry {seq}, at or after the damage at entry {d}: it cannot be checked"
                ),
                None => format!(
                    "the journal has {last} entries, but anchor {anchor} names entry {seq}: entries were removed"
                ),
            });
        }
        if let Some(seq) = changed {
            report.problems.push(format!(
                "entry {seq} was changed after it was applied: the journal holds other bytes for it than the store recorded"
            ));
        }
        let journal_changed = changed.is_some() || !anchor_problems.is_empty();
        report.problems.extend(anchor_problems);
        if let Some(damage) = survey.damage {
            if service.read_only().is_none() {
                report.problems.push(damage.to_string());
            }
            report.advice = Some(Advice::Salvage);
            return Ok(());
        }
        // (A read-only open has said it already: with the store gone it is not cut.)
        if let (Some(t), None) = (survey.torn, service.read_only()) {
            report
                .problems
                .push(format!("journal {} ends in an {t}", journal_path.display()));
        }
        if journal_changed {
            // A backup that holds the entries before the first changed one, unchanged, is
            // what to restore; with no entry before it to name, the anchors say which.
            report.advice = Some(Advice::RestoreBackup {
                before: changed.filter(|seq| *seq > 1).map(|seq| seq - 1),
            });
            return Ok(());
        }
        if service.read_only().is_none() {
            let before = report.problems.len();
            compare(live, &fresh, &mut report)?;
            if report.problems.len() > before {
                report.advice = Some(Advice::Rebuild);
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    match outcome {
        Err(_) if stop.load(Ordering::Relaxed) => Err(OpsError::Storage(
            "check was stopped before it finished; nothing was changed and its scratch store is removed"
                .to_string(),
        )),
        other => other.map(|_| report),
    }
}

fn compare(live: &Store, fresh: &Store, report: &mut CheckReport) -> Result<(), OpsError> {
    let mut a = live.entries()?;
    let mut b = fresh.entries()?;
    loop {
        match (a.next().transpose()?, b.next().transpose()?) {
            (None, None) => return Ok(()),
            (Some((k, _)), None) => {
                report.problems.push(format!(
                    "the store has key {} that replaying the journal does not make",
                    describe_key(&k)
                ));
                return Ok(());
            }
            (None, Some((k, _))) => {
                report.problems.push(format!(
                    "the store lacks key {} that replaying the journal makes",
                    describe_key(&k)
                ));
                return Ok(());
            }
            (Some((ka, va)), Some((kb, vb))) => {
                report.keys_compared += 1;
                if ka.first() == Some(&keys::UNIT) {
                    report.units += 1;
                }
                if ka != kb {
                    let (first, which) = if ka < kb { (ka, "has") } else { (kb, "lacks") };
                    report.problems.push(format!(
                        "the store {which} key {} unlike a replay of the journal",
                        describe_key(&first)
                    ));
                    return Ok(());
                }
                if va != vb {
                    report.problems.push(format!(
                        "the value of key {} differs from a replay of the journal",
                        describe_key(&ka)
                    ));
                    return Ok(());
                }
            }
        }
    }
}

/// Replays `journal_path` into a new store in a scratch folder, then puts it in place of
/// the store (the old one moved aside as `state.old-TIME`). The journal must be sound.
fn remake_store(
    dir: &Path,
    journal_path: &Path,
    progress: Option<opening::Progress>,
    stop: &AtomicBool,
) -> Result<(u64, Option<PathBuf>), OpsError> {
    let (entries, scratch) = build_store(dir, journal_path, progress, stop)?;
    let aside = install_store(dir, &scratch, true)?;
    Ok((entries, aside))
}

/// Builds a store from `journal_path` in a scratch folder of `dir`, touching nothing else;
/// the entries applied and the folder. A failure removes the folder.
fn build_store(
    dir: &Path,
    journal_path: &Path,
    progress: Option<opening::Progress>,
    stop: &AtomicBool,
) -> Result<(u64, PathBuf), OpsError> {
    let scratch = scratch_dir(dir, "rebuild");
    let _ = std::fs::remove_dir_all(&scratch);
    let len = std::fs::metadata(journal_path)
        .map(|m| m.len())
        .unwrap_or(0);
    let built = (|| -> Result<u64, OpsError> {
        let store = Store::open(&scratch)?;
        let mut failure = None;
        let survey = journal::survey(journal_path, |located| {
            if stop.load(Ordering::Relaxed) {
                return Err(interrupted());
            }
            if failure.is_none() {
                if let Err(e) = store.apply(located) {
                    failure = Some(e);
                }
            }
            if let Some(p) = progress {
                p(located.end, len);
            }
            Ok(())
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        if let Some(damage) = survey.damage {
            return Err(damage.into());
        }
        store.flush()?;
        Ok(survey.entries)
    })();
    let entries = match built {
        Ok(n) => n,
        Err(_) if stop.load(Ordering::Relaxed) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(OpsError::Storage(
                "stopped before the new store was finished; the store and the journal are as they were".to_string(),
            ));
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };
    Ok((entries, scratch))
}

/// Puts a store built by [`build_store`] in place of `dir`'s, the old one moved aside
/// (`keep`) or removed.
fn install_store(dir: &Path, scratch: &Path, keep: bool) -> Result<Option<PathBuf>, OpsError> {
    let state = dir.join(STATE_DIR);
    if !keep {
        let _ = std::fs::remove_dir_all(&state);
    }
    let aside = if state.exists() {
        let aside = journal::aside_name(dir, &format!("{STATE_DIR}.old"));
        std::fs::rename(&state, &aside).map_err(|e| {
            OpsError::Storage(format!(
                "cannot move {} aside to {}: {e}",
                state.display(),
                aside.display()
            ))
        })?;
        Some(aside)
    } else {
        None
    };
    std::fs::rename(scratch, &state).map_err(|e| {
        OpsError::Storage(format!(
            "cannot put the new store {} in place: {e}",
            scratch.display()
        ))
    })?;
    let _ = private::tree(&state);
    Ok(aside)
}

/// Is this failure the disk being full?
pub fn is_disk_full(e: &OpsError) -> bool {
    let words = e.to_string();
    words.contains("No space left on device") || words.contains("os error 28")
}

/// The journal a rebuild or salvage works on, with the database's lock taken and the
/// journal read whole, `each` seeing every sound entry (`what`: what there would be nothing
/// to do without a journal).
fn journal_to_rebuild(
    dir: &Path,
    what: &str,
    each: impl FnMut(&Located) -> Result<(), JournalError>,
) -> Result<(PathBuf, opening::DbLock, journal::Survey), OpsError> {
    let journal_path = dir.join(JOURNAL_FILE);
    if !journal_path.exists() {
        return Err(OpsError::refused(
            RefusalKind::Conflict,
            format!(
                "expected a journal at {}, found none: nothing to {what}",
                journal_path.display()
            ),
        ));
    }
    let lock = opening::take_lock(dir)?;
    // What a killed rebuild or salvage left (a salvage's new journal, a scratch store).
    opening::sweep(dir);
    let survey = journal::survey(&journal_path, each)?;
    Ok((journal_path, lock, survey))
}

/// Makes a fresh store from the journal, whatever state the old store is in (it is moved
/// aside, not deleted). An unfinished last entry is cut off the journal first (its bytes
/// kept). A damaged journal is refused (`--salvage` is for that), and so is a journal that
/// differs from what the old store applied, unless `force`.
pub fn rebuild(
    dir: &Path,
    force: bool,
    progress: Option<opening::Progress>,
    stop: &AtomicBool,
) -> Result<RebuildReport, OpsError> {
    // In the same read: the first entry whose hash differs from the one the old store
    // recorded when it applied it (when that store can be read at all).
    let old = Store::open(&dir.join(STATE_DIR)).ok();
    let mut changed = None;
    let (journal_path, _lock, survey) = journal_to_rebuild(dir, "rebuild from", |located| {
        if let (None, Some(store)) = (changed, &old) {
            if let Ok(Some(h)) = store.entry_hash(located.entry.seq) {
                if h != located.hash {
                    changed = Some(located.entry.seq);
                }
            }
        }
        Ok(())
    })?;
    drop(old);
    if let Some(damage) = survey.damage {
        let entry = match &damage {
            JournalError::Damaged { entry, .. } => *entry,
            _ => 0,
        };
        return Err(OpsError::Damaged {
            entry,
            message: format!("{damage}. A rebuild needs a sound journal"),
        });
    }
    let mut notes = Vec::new();
    if let Some(seq) = changed {
        if !force {
            return Err(OpsError::refused(
                RefusalKind::Conflict,
                format!(
                    "journal entry {seq} is not the one the store applied: the journal was changed after it was written."
                ),
            ));
        }
        notes.push(format!(
            "journal entry {seq} differs from the one the store applied; --force takes the journal as it is now"
        ));
    }
    let cut = match survey.torn {
        Some(t) => {
            let kept = journal::cut_tail(&journal_path, t.offset)?;
            Some((t.to_string(), kept))
        }
        None => None,
    };
    let (entries, old_store) = remake_store(dir, &journal_path, progress, stop)?;
    Ok(RebuildReport {
        entries,
        old_store,
        cut,
        notes,
    })
}

/// What an entry did, in a few words: its events by kind, with document numbers and
/// scanned serials.
pub fn entry_what(events: &[Event]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in events {
        let part = match e {
            Event::DocumentPosted(d) => match d.lines.len() {
                1 => format!("document {} (1 line)", d.number),
                n => format!("document {} ({n} lines)", d.number),
            },
            Event::CountScanned(s) => format!("count {} scan {}", s.count, s.serial),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| match v {
                    serde_json::Value::Object(m) => m.keys().next().cloned(),
                    serde_json::Value::String(s) => Some(s),
                    _ => None,
                })
                .unwrap_or_else(|| "an event".to_string()),
        };
        match parts.last_mut() {
            Some(last) if *last == part => {}
            _ => parts.push(part),
        }
    }
    let mut words = parts.join(", ");
    if words.len() > 200 {
        let cut = (0..=200)
            .rev()
            .find(|i| words.is_char_boundary(*i))
            .unwrap_or(0);
        words.truncate(cut);
        words.push('…');
    }
    words
}

fn words_of(start: u64, end: u64, entry: &journal::Entry) -> EntryWords {
    EntryWords {
        seq: entry.seq,
        at_ms: entry.at_ms,
        actor: entry.actor.clone(),
        what: entry_what(&entry.events),
        bytes: (start, end),
    }
}

/// Keeps what a damaged journal still holds: every entry before the damage is copied to a
/// new journal (the damaged one is kept untouched beside it); entries after it whose own
/// frames are intact are listed and kept when `keep_later` says so (re-chained after the
/// kept ones, with new sequence numbers); the store is remade. With later entries and no
/// `keep_later`, nothing is changed and the report lists them for the caller to ask.
pub fn salvage(
    dir: &Path,
    keep_later: Option<bool>,
    progress: Option<opening::Progress>,
    stop: &AtomicBool,
) -> Result<SalvageReport, OpsError> {
    let (journal_path, _lock, survey) = journal_to_rebuild(dir, "salvage", |_| Ok(()))?;
    let mut report = SalvageReport {
        kept: survey.entries,
        ..SalvageReport::default()
    };
    let applied = Store::open(&dir.join(STATE_DIR))
        .ok()
        .and_then(|s| s.meta().ok())
        .map_or(0, |m| m.applied_seq);
    let mut damage_at = match &survey.damage {
        Some(JournalError::Damaged { offset, entry, .. }) => Some((*offset, *entry)),
        _ => None,
    };
    // An incomplete last entry (the store did not apply it, or there is no store to say):
    // cut off like damage, and said so, since nothing shows it was never acknowledged.
    if let (None, Some(t)) = (damage_at, &survey.torn) {
        if applied <= survey.entries {
            damage_at = Some((t.offset, survey.entries + 1));
            report.torn = true;
            report.damage = format!("journal {} ends in an {t}", journal_path.display());
        }
    }
    let cut_from = match (damage_at, &survey.torn) {
        (Some((offset, _)), _) => offset,
        (None, Some(t)) => t.offset,
        (None, None) => survey.end,
    };
    let journal_len = std::fs::metadata(&journal_path)
        .map(|m| m.len())
        .unwrap_or(0);
    if damage_at.is_none() && applied <= survey.entries {
        return Err(OpsError::refused(
            RefusalKind::Conflict,
            format!(
                "journal {} is sound ({} entries): nothing to salvage",
                journal_path.display(),
                survey.entries
            ),
        ));
    }
    if damage_at.is_none() && applied > survey.entries {
        report.store_ahead = Some((survey.entries + 1, applied));
    }
    let mut strays = Vec::new();
    if let Some((offset, entry)) = damage_at {
        if let Some(d) = &survey.damage {
            report.damage = d.to_string();
        }
        strays = journal::intact_after(&journal_path, offset)?;
        // The damaged entry itself, when its frame still reads (a changed entry).
        let first_stray = strays.first().map_or(journal_len, |s| s.start);
        if let Some(s) = strays.iter().position(|s| s.start == offset) {
            let s = strays.remove(s);
            report.damaged_entry = Some(words_of(s.start, s.end, &s.entry));
        } else if first_stray > offset {
            report.lost_bytes.push((offset, first_stray));
        }
        report.damaged_seq = entry;
        let mut at = strays.first().map_or(journal_len, |s| s.end);
        for s in strays.iter().skip(1) {
            if s.start > at {
                report.lost_bytes.push((at, s.start));
            }
            at = s.end;
        }
        if let Some(last) = strays.last() {
            if journal_len > last.end {
                report.lost_bytes.push((last.end, journal_len));
            }
        }
        report.later = strays
            .iter()
            .map(|s| words_of(s.start, s.end, &s.entry))
            .collect();
    }
    let keep = match (report.later.is_empty(), keep_later) {
        (true, _) => false,
        (false, Some(k)) => k,
        (false, None) => return Ok(report),
    };
    report.later_kept = keep;
    // The new journal: the sound prefix as it was, then the later entries re-chained.
    let new_journal = journal::free_name(dir, &format!(".{JOURNAL_FILE}.salvage"));
    journal::copy_prefix(&journal_path, &new_journal, cut_from)?;
    if keep {
        let (seq, hash) = survey.head.unwrap_or((0, journal::ZERO_HASH));
        let mut out = journal::Journal::append_at(&new_journal, cut_from, seq + 1, hash)?;
        for s in &strays {
            out.append(s.entry.at_ms, &s.entry.actor, s.entry.events.clone())?;
        }
    }
    // Prove the new journal replays before anything is replaced.
    let trial = scratch_dir(dir, "check");
    let _ = std::fs::remove_dir_all(&trial);
    let tried = (|| -> Result<(), OpsError> {
        let store = Store::open(&trial)?;
        let mut failure = None;
        let s = journal::survey(&new_journal, |l: &Located| {
            if failure.is_none() {
                if let Err(e) = store.apply(l) {
                    failure = Some(format!("entry {}: {e}", l.entry.seq));
                }
            }
            Ok(())
        })?;
        match (failure, s.damage) {
            (Some(why), _) => Err(OpsError::Storage(format!(
                "the salvaged journal does not replay ({why}); nothing was changed; try again without the later entries"
            ))),
            (None, Some(d)) => Err(d.into()),
            (None, None) => Ok(()),
        }
    })();
    let _ = std::fs::remove_dir_all(&trial);
    if let Err(e) = tried {
        let _ = std::fs::remove_file(&new_journal);
        return Err(e);
    }
    let damaged = journal::aside_name(dir, &format!("{JOURNAL_FILE}.damaged"));
    std::fs::hard_link(&journal_path, &damaged)
        .and_then(|_| std::fs::rename(&new_journal, &journal_path))
        .map_err(|e| {
            OpsError::Storage(format!(
                "cannot put the salvaged journal in place of {}: {e}",
                journal_path.display()
            ))
        })?;
    report.damaged_journal = Some(damaged);
    let (_, old_store) = remake_store(dir, &journal_path, progress, stop)?;
    report.old_store = old_store;
    report.done = true;
    Ok(report)
}

/// Writes the journal (everything acknowledged so far) to `file`. Writers are not stopped:
/// the copy ends at the durable end found when it starts (the journal is append-only).
pub fn backup(service: &Service, file: &Path) -> Result<BackupReport, OpsError> {
    let end = service.sync_all_written()?;
    copy_journal(&service.dir().join(JOURNAL_FILE), file, Some(end))
}

/// Copies a journal's entries that check out, up to `end` when it is known (a server's
/// durable end), else every complete entry, to `file`, then reads the copy back. Needs no
/// lock and opens no store, so it runs while others use the database and on a full disk.
/// Refuses to write over the journal itself or anything that is not a regular file. A
/// damaged journal is copied up to the damage, and the damage is the error.
pub fn copy_journal(
    journal: &Path,
    file: &Path,
    end: Option<u64>,
) -> Result<BackupReport, OpsError> {
    backup_target(file, journal)?;
    // A server's durable end is the end of sound entries; without one, the journal is read
    // up to its last complete entry. Either way the copy is read back and checked below.
    let (upto, damage) = match end {
        Some(end) => (end, None),
        None => {
            let s = journal::survey(journal, |_| Ok(()))?;
            (s.end, s.damage)
        }
    };
    journal::copy_prefix(journal, file, upto)?;
    read_back(file, upto, damage)
}

/// A backup may replace only a regular file that is not the journal itself: a device, a
/// folder or a symbolic link (whose target the rename would not write, but whose name it
/// would take) is refused and left as it is.
fn backup_target(file: &Path, journal: &Path) -> Result<(), OpsError> {
    let Ok(meta) = std::fs::symlink_metadata(file) else {
        return Ok(());
    };
    let refused = |found: &str| {
        Err(OpsError::refused(
            RefusalKind::Invalid,
            format!(
                "expected a file to write the backup to, found \"{}\" {found}; nothing was written",
                file.display()
            ),
        ))
    };
    if meta.file_type().is_symlink() {
        return refused("is a symbolic link");
    }
    if !meta.is_file() {
        return refused("is not a regular file");
    }
    if same_file(file, journal) {
        return Err(OpsError::refused(
            RefusalKind::Invalid,
            format!(
                "expected a backup file, found \"{}\" is the journal itself",
                file.display()
            ),
        ));
    }
    Ok(())
}

/// Writes a backup of a journal this process may not read itself (a server's, whose folder
/// is the server user's alone): the server sends its durable bytes `0..end` piece by piece
/// (`fetch(from, upto)`, at most [`JOURNAL_PIECE`] each) and this process writes the
/// file as its own user, durably, then reads it back. `journal` is the server's journal
/// path, never written over.
pub fn backup_fetched(
    journal: &Path,
    file: &Path,
    end: u64,
    mut fetch: impl FnMut(u64, u64) -> Result<Vec<u8>, OpsError>,
) -> Result<BackupReport, OpsError> {
    backup_target(file, journal)?;
    // A refusal or a broken link while fetching: kept apart from the file's own errors.
    let mut failed: Option<OpsError> = None;
    let written = journal::write_durably(file, |out| {
        use std::io::Write;
        let mut at = 0;
        while at < end {
            let upto = end.min(at + JOURNAL_PIECE);
            let bytes = fetch(at, upto).map_err(|e| {
                let words = e.to_string();
                failed = Some(e);
                std::io::Error::other(words)
            })?;
            if bytes.len() as u64 != upto - at {
                return Err(std::io::Error::other(format!(
                    "expected {} bytes of the journal from the server, found {}",
                    upto - at,
                    bytes.len()
                )));
            }
            out.write_all(&bytes)?;
            at = upto;
        }
        Ok(())
    });
    if let Some(e) = failed {
        return Err(e);
    }
    written?;
    read_back(file, end, None)
}

/// Reads a written backup back and checks it; `damage` is the source journal's, when the
/// copy stopped before it.
fn read_back(
    file: &Path,
    upto: u64,
    damage: Option<JournalError>,
) -> Result<BackupReport, OpsError> {
    let copy = journal::survey(file, |_| Ok(()))?;
    if let Some(d) = copy.damage {
        return Err(OpsError::Storage(format!(
            "the backup {} does not read back: {d}",
            file.display()
        )));
    }
    if let Some(d) = damage {
        let entry = match &d {
            JournalError::Damaged { entry, .. } => *entry,
            _ => 0,
        };
        return Err(OpsError::Damaged {
            entry,
            message: format!(
                "{d}. The backup {} holds the {} entries before the damage",
                file.display(),
                copy.entries
            ),
        });
    }
    Ok(BackupReport {
        bytes: upto,
        entries: copy.entries,
        anchor: copy.head.map(|(s, h)| journal::anchor_words(s, &h)),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// The head of a journal's chain (`SEQ:HASH`) and its entry count, read without a lock.
pub fn anchor(dir: &Path) -> Result<(u64, Option<String>), OpsError> {
    let survey = journal::survey(&dir.join(JOURNAL_FILE), |_| Ok(()))?;
    if let Some(d) = survey.damage {
        let entry = match &d {
            JournalError::Damaged { entry, .. } => *entry,
            _ => 0,
        };
        return Err(OpsError::Damaged {
            entry,
            message: d.to_string(),
        });
    }
    Ok((
        survey.entries,
        survey.head.map(|(s, h)| journal::anchor_words(s, &h)),
    ))
}

/// Replaces the database's journal by a verified backup and remakes the store from it.
/// The backup is copied beside the live journal, synced, then renamed over it; the live
/// journal is kept under a new timestamped name. `force` is needed when the live journal
/// holds entries.
pub fn restore(
    dir: &Path,
    file: &Path,
    force: bool,
    progress: Option<opening::Progress>,
    stop: &AtomicBool,
) -> Result<RestoreReport, OpsError> {
    let journal_path = dir.join(JOURNAL_FILE);
    if same_file(file, &journal_path) {
        return Err(OpsError::refused(
            RefusalKind::Invalid,
            format!(
                "expected a backup, found \"{}\" is the database's own journal",
                file.display()
            ),
        ));
    }
    let backup = journal::survey(file, |_| Ok(()))?;
    if let Some(d) = backup.damage {
        return Err(OpsError::refused(
            RefusalKind::Conflict,
            format!(
                "backup {} is damaged: {d}; nothing was changed",
                file.display()
            ),
        ));
    }
    if let Some(t) = backup.torn {
        return Err(OpsError::refused(
            RefusalKind::Conflict,
            format!(
                "backup {} ends in an {t}; it is not a complete backup; nothing was changed",
                file.display()
            ),
        ));
    }
    if let Some(words) = opening::not_a_database(dir) {
        return Err(OpsError::refused(RefusalKind::Invalid, words));
    }
    private::dir(dir)
        .map_err(|e| OpsError::Storage(format!("cannot create {}: {e}", dir.display())))?;
    let _lock = opening::take_lock(dir)?;
    let live_len = std::fs::metadata(&journal_path).map_or(0, |m| m.len());
    if live_len > journal::HEADER.len() as u64 && !force {
        let live = journal::survey(&journal_path, |_| Ok(()))
            .map(|s| s.entries.to_string())
            .unwrap_or_else(|_| "some".to_string());
        return Err(OpsError::refused(
            RefusalKind::Conflict,
            format!(
                "the database {} holds {live} journal entries; add --force to replace them (its journal is kept under a new name)",
                dir.display()
            ),
        ));
    }
    let len = backup.end;
    let free = nix::sys::statvfs::statvfs(dir)
        .map(|s| s.blocks_available().saturating_mul(s.fragment_size()))
        .unwrap_or(u64::MAX);
    if free < len + (1 << 20) {
        return Err(OpsError::Storage(format!(
            "expected {} bytes free in {} for the restored journal, found {free}; nothing was changed",
            len + (1 << 20),
            dir.display()
        )));
    }
    let incoming = journal::free_name(dir, &format!(".{JOURNAL_FILE}.restoring"));
    let unchanged = |e: OpsError, what: &str| -> OpsError {
        let _ = std::fs::remove_file(&incoming);
        if is_disk_full(&e) {
            OpsError::Storage(format!(
                "disk full: {what} did not fit in {}; nothing was changed (the database, its journal and its store are as they were); free some space and run restore again ({e})",
                dir.display()
            ))
        } else {
            e
        }
    };
    journal::copy_prefix(file, &incoming, len)
        .map_err(|e| unchanged(e.into(), "the restored journal"))?;
    // The new store is built from the backup before anything of the database changes: on
    // a disk too small for it, the database stays as it was.
    let (entries, scratch) = match build_store(dir, &incoming, progress, stop) {
        Ok(built) => built,
        Err(_) if stop.load(Ordering::Relaxed) => {
            return Err(unchanged(
                OpsError::Storage(
                    "stopped before the new store was finished; nothing was changed".into(),
                ),
                "",
            ))
        }
        Err(e) => return Err(unchanged(e, "the store rebuilt from the backup")),
    };
    let unbuilt = |e: OpsError| -> OpsError {
        let _ = std::fs::remove_dir_all(&scratch);
        e
    };
    let replaced = if live_len > 0 {
        let keep = journal::aside_name(dir, &format!("{JOURNAL_FILE}.replaced"));
        std::fs::hard_link(&journal_path, &keep).map_err(|e| {
            let _ = std::fs::remove_file(&incoming);
            unbuilt(OpsError::Storage(format!(
                "cannot keep the old journal as {}: {e}; nothing was changed",
                keep.display()
            )))
        })?;
        Some(keep)
    } else {
        None
    };
    // The old store belonged to the replaced journal: it is a cache of it, nothing more. It
    // goes before the journal is swapped, so that a restore stopped from here on leaves no
    // store to disagree with the new journal (the next open rebuilds it).
    let _ = std::fs::remove_dir_all(dir.join(STATE_DIR));
    std::fs::rename(&incoming, &journal_path).map_err(|e| {
        let _ = std::fs::remove_file(&incoming);
        unbuilt(OpsError::Storage(format!(
            "cannot put the backup in place of {}: {e}; its old journal is kept as it was, the store is rebuilt from it on the next open",
            journal_path.display()
        )))
    })?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    install_store(dir, &scratch, false).map_err(|e| {
        OpsError::Storage(format!(
            "the backup is in place as the journal, but its store could not be: {e}; the next command rebuilds the store from the restored journal"
        ))
    })?;
    Ok(RestoreReport {
        entries,
        replaced,
        anchor: backup.head.map(|(s, h)| journal::anchor_words(s, &h)),
    })
}
