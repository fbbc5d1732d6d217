//! Keeping the database sound: check (chain + replay equals store), rebuild, backup, restore.

use super::{OpsError, Service, JOURNAL_FILE, STATE_DIR};
use crate::journal::{self, JournalError};
use crate::store::{keys, Store};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct CheckReport {
    pub entries: u64,
    pub keys_compared: u64,
    pub units: u64,
    /// Problems found; empty means healthy.
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

fn scratch_dir(dir: &Path, what: &str) -> PathBuf {
    dir.join(format!(".{what}-{}", std::process::id()))
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

/// What reading the whole journal found: the entries read and a torn tail, or what is wrong
/// with the journal (a problem `check` reports rather than a failure).
type JournalRead = Result<(u64, Option<journal::TornTail>), JournalError>;

/// Replays the whole journal into the store, in order. The error is the store's.
fn replay_all(journal_path: &Path, store: &Store) -> Result<JournalRead, OpsError> {
    let mut failure = None;
    let result = journal::read_all(journal_path, |located| {
        if failure.is_none() {
            if let Err(e) = store.apply(located) {
                failure = Some(e);
            }
        }
        Ok(())
    });
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(result),
    }
}

/// Verifies the journal chain from the first entry and that replaying it gives exactly the
/// store's contents. Opens the database (so it also replays a lagging store first).
pub fn check(dir: &Path) -> Result<CheckReport, OpsError> {
    let mut report = CheckReport::default();
    let service = match Service::open(dir) {
        Ok((s, notes)) => {
            report.notes.extend(notes.warnings);
            s
        }
        Err(e @ OpsError::Damaged { .. }) => {
            report.problems.push(e.to_string());
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    let journal_path = dir.join(JOURNAL_FILE);
    let scratch = scratch_dir(dir, "check");
    let _ = std::fs::remove_dir_all(&scratch);
    let fresh = Store::open(&scratch)?;
    let replay = replay_all(&journal_path, &fresh);
    let outcome = match replay {
        Ok(Ok((entries, torn))) => {
            report.entries = entries;
            if let Some(t) = torn {
                report
                    .problems
                    .push(format!("journal {} ends in an {t}", journal_path.display()));
            }
            compare(service.store(), &fresh, &mut report)
        }
        Ok(Err(e)) => {
            report.problems.push(e.to_string());
            Ok(())
        }
        Err(e) => Err(e),
    };
    drop(fresh);
    let _ = std::fs::remove_dir_all(&scratch);
    outcome.map(|_| report)
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

/// What `rebuild` did.
#[derive(Debug)]
pub struct RebuildReport {
    pub entries: u64,
    /// Where the old store was moved.
    pub old_store: PathBuf,
    /// An unfinished last entry that was cut off the journal first.
    pub cut: Option<journal::TornTail>,
}

/// A name beside `base` that is not taken yet (`state.old-20261122113035`, then `-2`, ...).
fn free_name(dir: &Path, base: &str) -> PathBuf {
    let first = dir.join(base);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{base}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Makes a fresh store from the journal; the old one is moved aside, not deleted. An
/// unfinished last entry is cut off the journal first (and reported).
pub fn rebuild(dir: &Path) -> Result<RebuildReport, OpsError> {
    let journal_path = dir.join(JOURNAL_FILE);
    if !journal_path.exists() {
        return Err(OpsError::refused(
            super::RefusalKind::Conflict,
            format!(
                "expected a journal at {}, found none: nothing to rebuild from",
                journal_path.display()
            ),
        ));
    }
    // Take the lock and verify the whole chain before touching anything. A store of an older
    // layout is what a rebuild is for: it is moved aside like any other.
    let state = dir.join(STATE_DIR);
    match Store::open(&state) {
        Ok(store) => drop(store),
        Err(crate::store::StoreError::Format { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let (_, cut) = journal::read_all(&journal_path, |_| Ok(()))?;
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
    let aside = free_name(dir, &format!("{STATE_DIR}.old-{stamp}"));
    std::fs::rename(&state, &aside).map_err(|e| {
        OpsError::Storage(format!(
            "cannot move {} aside to {}: {e}",
            state.display(),
            aside.display()
        ))
    })?;
    if let Some(t) = &cut {
        journal::cut_at(&journal_path, t.offset)?;
    }
    let store = Store::open(&state)?;
    let (entries, _) = replay_all(&journal_path, &store)??;
    store.flush()?;
    Ok(RebuildReport {
        entries,
        old_store: aside,
        cut,
    })
}

/// Writes the journal (everything acknowledged so far) to `file`. Writers are not stopped:
/// the copy ends at the durable end found when it starts (the journal is append-only).
pub fn backup(service: &Service, file: &Path) -> Result<u64, OpsError> {
    let end = service.sync_all_written()?;
    copy_journal(&service.dir().join(super::JOURNAL_FILE), file, end)
}

/// Copies the first `end` bytes of a journal (a durable prefix) to `file`, refusing to write
/// over the journal itself or anything that is not a regular file.
pub fn copy_journal(journal: &Path, file: &Path, end: u64) -> Result<u64, OpsError> {
    if let Ok(meta) = std::fs::metadata(file) {
        if !meta.is_file() {
            return Err(OpsError::refused(
                super::RefusalKind::Invalid,
                format!(
                    "expected a file to write the backup to, found \"{}\" is not a regular file",
                    file.display()
                ),
            ));
        }
        if let (Ok(a), Ok(b)) = (std::fs::canonicalize(file), std::fs::canonicalize(journal)) {
            if a == b {
                return Err(OpsError::refused(
                    super::RefusalKind::Invalid,
                    format!(
                        "expected a backup file, found \"{}\" is the journal itself",
                        file.display()
                    ),
                ));
            }
        }
    }
    journal::copy_prefix(journal, file, end)?;
    Ok(end)
}

/// Replaces the database's journal by a verified backup and rebuilds the store from it.
pub fn restore(dir: &Path, file: &Path, force: bool) -> Result<u64, OpsError> {
    let (entries, torn) = journal::read_all(file, |_| Ok(()))?;
    if let Some(t) = torn {
        return Err(OpsError::refused(
            super::RefusalKind::Conflict,
            format!(
                "backup {} ends in an {t}; it is not a complete backup",
                file.display()
            ),
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| OpsError::Storage(format!("cannot create {}: {e}", dir.display())))?;
    let state = dir.join(STATE_DIR);
    let journal_path = dir.join(JOURNAL_FILE);
    {
        // A store of an older layout holds data too.
        let has_data = match Store::open(&state) {
            Ok(store) => store.meta()?.applied_seq > 0,
            Err(crate::store::StoreError::Format { .. }) => true,
            Err(e) => return Err(e.into()),
        };
        if has_data && !force {
            return Err(OpsError::refused(super::RefusalKind::Conflict, format!(
                "the database {} already has data; add --force to replace it (its journal is kept as {}.before-restore)",
                dir.display(),
                JOURNAL_FILE
            )));
        }
    }
    if journal_path.exists() {
        let keep = dir.join(format!("{JOURNAL_FILE}.before-restore"));
        std::fs::rename(&journal_path, &keep).map_err(|e| {
            OpsError::Storage(format!(
                "cannot keep the old journal as {}: {e}",
                keep.display()
            ))
        })?;
    }
    let len = std::fs::metadata(file)
        .map_err(|e| OpsError::Storage(format!("cannot read {}: {e}", file.display())))?
        .len();
    journal::copy_prefix(file, &journal_path, len)?;
    std::fs::remove_dir_all(&state)
        .map_err(|e| OpsError::Storage(format!("cannot clear {}: {e}", state.display())))?;
    let store = Store::open(&state)?;
    replay_all(&journal_path, &store)??;
    store.flush()?;
    Ok(entries)
}
