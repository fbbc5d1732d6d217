//! Opening the database: its lock, a store that heals itself when it cannot be read, the
//! journal's frames checked, the entries the store lacks replayed, and read-only mode when
//! the journal is damaged.

use super::{Clock, OpsError, SystemClock, JOURNAL_FILE, OWNER_FILE, STATE_DIR};
use crate::journal::{self, private, Journal, JournalError, JournalReader, ReadItem};
use crate::ops::api::refusals::NOT_A_DATABASE;
use crate::ops::api::READ_ONLY_REFUSED;
use crate::store::{Store, StoreError};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The file whose lock says a process has the database open.
pub const LOCK_FILE: &str = "lock";

/// Progress of a long replay: bytes of the journal read, and its length.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Held while the database is open: one process at a time.
#[derive(Debug)]
pub struct DbLock {
    _file: nix::fcntl::Flock<File>,
}

/// Takes the database's lock, or says who holds it.
pub fn take_lock(dir: &Path) -> Result<DbLock, OpsError> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| OpsError::Storage(format!("cannot open {}: {e}", path.display())))?;
    let _ = private::file(&path);
    match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
        Ok(locked) => Ok(DbLock { _file: locked }),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
            let owner = std::fs::read_to_string(dir.join(OWNER_FILE)).unwrap_or_default();
            Err(OpsError::Storage(super::locked_words(dir, &owner)))
        }
        Err((_, e)) => Err(OpsError::Storage(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// Why the database is read-only: the journal entry at fault and the words to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOnly {
    pub entry: u64,
    /// What is wrong, without the advice.
    pub what: String,
    pub message: String,
}

impl ReadOnly {
    /// `short` leads, so that a 20-column screen shows what matters first: read-only, why
    /// in a few words, who can repair it; the details follow.
    fn new(entry: u64, short: &str, what: String) -> ReadOnly {
        ReadOnly {
            entry,
            what: what.clone(),
            message: format!("Read-only: {short}; ask an admin. {READ_ONLY_REFUSED} {what}"),
        }
    }

    /// The journal ends in an incomplete entry and no store says which entries were
    /// acknowledged: a write a crash cut short looks just like a journal cut short later.
    fn incomplete(journal: &Path, entry: u64, offset: u64, what: &str) -> ReadOnly {
        ReadOnly::new(
            entry,
            &format!("journal ends in an incomplete entry {entry} (byte {offset})"),
            format!(
                "journal {} ends in an incomplete entry {entry} at byte {offset} ({what}). The store is gone, so nothing shows whether that entry was acknowledged: a crash while it was written, or a journal cut short afterwards, look the same. A salvage cuts it off and says so, keeping the journal as it was beside it",
                journal.display()
            ),
        )
    }

    fn of(e: JournalError) -> Result<ReadOnly, OpsError> {
        match e {
            JournalError::Damaged { entry, offset, .. } => Ok(ReadOnly::new(
                entry,
                &format!("journal damaged at entry {entry} (byte {offset})"),
                e.to_string(),
            )),
            other => Err(other.into()),
        }
    }

    /// The refusal every change gets.
    pub fn refusal(&self) -> OpsError {
        OpsError::Damaged {
            entry: self.entry,
            message: self.message.clone(),
        }
    }
}

/// What opening gives the service.
pub(super) struct Opened {
    pub store: Store,
    /// `None` when read-only.
    pub journal: Option<Journal>,
    pub end: u64,
    pub read_only: Option<ReadOnly>,
    pub notes: super::OpenNotes,
}

/// Scratch folders of `check` and `rebuild` (`.check-PID`): a process killed while using
/// one leaves it behind; whoever holds the lock next removes it.
pub fn scratch_dir(dir: &Path, what: &str) -> PathBuf {
    dir.join(format!(".{what}-{}", std::process::id()))
}

/// Removes scratch folders and temporary copies left by killed processes (a `check`, a
/// `rebuild`, a read-only open's store, a copy, a salvage's new journal). Only called with
/// the lock held, so none of them is in use.
pub(super) fn sweep(dir: &Path) {
    let Ok(items) = std::fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with(".check-")
            || name.starts_with(".rebuild-")
            || name.starts_with(".readonly-")
        {
            let _ = std::fs::remove_dir_all(item.path());
        } else if name.starts_with(&format!(".{JOURNAL_FILE}.partial-"))
            || name.starts_with(&format!(".{JOURNAL_FILE}.salvage"))
            || name.starts_with(&format!(".{JOURNAL_FILE}.restoring"))
        {
            let _ = std::fs::remove_file(item.path());
        }
    }
}

/// Errors of opening a store that mean it cannot be used as it is, but the journal can
/// remake it. A full disk or a permission problem is not one: moving the store aside would
/// not help.
fn healable(e: &StoreError) -> bool {
    match e {
        StoreError::Locked { .. } | StoreError::Held { .. } => false,
        StoreError::Sled {
            source: sled::Error::Io(io),
            ..
        } => !matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull
                | std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::ReadOnlyFilesystem
                | std::io::ErrorKind::WouldBlock
        ),
        _ => true,
    }
}

/// How the store was opened, when not as it is.
enum Remade {
    /// Moved aside and started anew (the words say why).
    Healed(String),
    /// The disk is full: a temporary store elsewhere, and the database read-only.
    DiskFull(String),
}

fn disk_full(e: &StoreError) -> bool {
    matches!(e, StoreError::Sled { source: sled::Error::Io(io), .. }
        if io.kind() == std::io::ErrorKind::StorageFull)
}

/// Opens the store; one that cannot be read, or was written by another layout, is moved
/// aside (kept, named with the time) and a new one is started, to be filled from the
/// journal. On a full disk a temporary store is used instead, to be filled the same way.
fn open_store(dir: &Path, cache: Option<u64>) -> Result<(Store, Option<Remade>), OpsError> {
    let state = dir.join(STATE_DIR);
    let why = match Store::open_with_cache(&state, cache).and_then(|s| s.meta().map(|_| s)) {
        Ok(store) => return Ok((store, None)),
        Err(StoreError::Locked { .. }) => {
            let owner = std::fs::read_to_string(dir.join(OWNER_FILE)).unwrap_or_default();
            return Err(OpsError::Storage(super::locked_words(dir, &owner)));
        }
        Err(e) if disk_full(&e) => {
            // Beside the database, not in RAM: a store the size of the site's must not fill
            // /dev/shm for every command that reads. On a disk with no room for it either,
            // the command says the disk is full.
            let aside = dir.join(format!(".readonly-{}", std::process::id()));
            let store = Store::temporary(&aside).map_err(|e2| {
                OpsError::Storage(format!(
                    "disk full: the store {} cannot be written ({e}) and there is no room beside it to read the journal into ({e2}); the journal is kept as it is; free some space in {}",
                    dir.join(STATE_DIR).display(),
                    dir.display()
                ))
            })?;
            return Ok((
                store,
                Some(Remade::DiskFull(format!(
                    "the disk holding {} is full ({e}); the database is read-only: lookups and reports work from a temporary copy, changes are refused until space is freed",
                    dir.display()
                ))),
            ));
        }
        Err(e) if !healable(&e) => return Err(e.into()),
        Err(e) => e,
    };
    // A store with data but no layout version is not an older layout: it is unreadable.
    let kind = match &why {
        StoreError::Format { found, .. } if *found > 0 => format!("layout-v{found}"),
        _ => "unreadable".to_string(),
    };
    let aside = journal::aside_name(dir, &format!("{STATE_DIR}.{kind}"));
    std::fs::rename(&state, &aside).map_err(|e| {
        OpsError::Storage(format!(
            "the store {} cannot be read ({why}) and cannot be moved aside to {}: {e}",
            state.display(),
            aside.display()
        ))
    })?;
    let store = Store::open_with_cache(&state, cache)?;
    let words = match why {
        StoreError::Format { found, .. } if found > 0 => format!(
            "the store was written by layout version {found}; it was moved to {} and is rebuilt from the journal",
            aside.display()
        ),
        StoreError::Format { .. } => format!(
            "the store could not be read (it holds data but no layout version); it was moved to {} and is rebuilt from the journal",
            aside.display()
        ),
        why => format!(
            "the store could not be read ({why}); it was moved to {} and is rebuilt from the journal",
            aside.display()
        ),
    };
    Ok((store, Some(Remade::Healed(words))))
}

/// sled's page cache for a process that writes a whole file once (an import): it reads back
/// little of what it writes, and sled's own cache (1 GiB) only holds memory. Measured on an
/// import of 1,000,000 receipt rows: peak 673 MB with sled's cache, 574 MB with 128 MiB,
/// 396 MB with 32 MiB, in about the same time (56-58 s; with mimalloc 34 s and 779 MB, 36 s
/// and 411 MB). The demo reads back what it made (it sells, returns and moves received
/// units): with 32 MiB it took 82 s instead of 63-75 s, so it keeps sled's cache.
const BULK_CACHE_BYTES: u64 = 32 << 20;

/// The page cache of a database opened for bulk writes ([`BULK_CACHE_BYTES`]).
pub fn bulk_cache() -> Option<u64> {
    Some(BULK_CACHE_BYTES)
}

/// What an `init` stopped before its journal was written leaves in a new database folder:
/// a folder holding these and nothing else is still a new database.
const BEFORE_JOURNAL: [&str; 2] = [LOCK_FILE, OWNER_FILE];

/// The words refusing `dir` when it is a folder of other files, not a database: it exists,
/// holds no journal and holds something an `init` would not have put there. `None` for a
/// database, an empty or missing folder, and one that cannot be read (opening says why).
/// Nothing is ever added to such a folder, nor its mode changed.
pub fn not_a_database(dir: &Path) -> Option<String> {
    if std::fs::symlink_metadata(dir.join(super::JOURNAL_FILE)).is_ok() {
        return None;
    }
    let mut others: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !BEFORE_JOURNAL.contains(&n.as_str()))
        .collect();
    if others.is_empty() {
        return None;
    }
    others.sort();
    let mut shown: Vec<String> = others
        .iter()
        .take(3)
        .map(|n| crate::domain::limits::quoted(n))
        .collect();
    if others.len() > 3 {
        shown.push(format!("{} more", others.len() - 3));
    }
    Some(format!(
        "{NOT_A_DATABASE}expected tallyman's {} in \"{}\", found other files ({}); nothing was changed",
        super::JOURNAL_FILE,
        dir.display(),
        shown.join(", ")
    ))
}

/// Opens the database in `dir` (which must exist): takes the lock, heals the store if it
/// must, checks the journal, replays what the store lacks. A folder of other files is
/// refused before anything is changed in it ([`not_a_database`]).
pub(super) fn open(
    dir: &Path,
    progress: Option<Progress>,
    cache: Option<u64>,
) -> Result<(DbLock, Opened), OpsError> {
    if let Some(words) = not_a_database(dir) {
        return Err(OpsError::refused(super::RefusalKind::Invalid, words));
    }
    private::dir(dir).map_err(|e| {
        OpsError::Storage(format!(
            "cannot make the database folder {} private: {e}",
            dir.display()
        ))
    })?;
    let lock = take_lock(dir)?;
    sweep(dir);
    let journal_path = dir.join(JOURNAL_FILE);
    journal::create_if_missing(&journal_path)?;
    let _ = private::file(&journal_path);
    // An incomplete last entry is cut off as a write that was never acknowledged only when
    // a store records what was applied (it lies past that). With the store gone nothing
    // can tell: the database opens read-only from a scratch store (removed by the next
    // open), so that state/ stays absent and the next open knows it as little.
    let unproven_tail = if dir.join(STATE_DIR).exists() {
        None
    } else {
        journal::survey(&journal_path, |_| Ok(()))?.torn
    };
    let (store, remade) = match unproven_tail {
        None => open_store(dir, cache)?,
        Some(_) => {
            let scratch = scratch_dir(dir, "readonly");
            let _ = std::fs::remove_dir_all(&scratch);
            (Store::open_with_cache(&scratch, cache)?, None)
        }
    };
    let _ = private::tree(&dir.join(STATE_DIR));
    let meta = store.meta()?;
    let mut notes = super::OpenNotes::default();
    let mut read_only = None;
    let temporary = matches!(remade, Some(Remade::DiskFull(_)));
    let healed = match remade {
        Some(Remade::Healed(words)) => Some(words),
        Some(Remade::DiskFull(words)) => {
            notes.warnings.push(words.clone());
            read_only = Some(ReadOnly {
                entry: 0,
                what: words.clone(),
                message: format!("Read-only: the disk is full; {words}"),
            });
            None
        }
        None => None,
    };
    if meta.applied_seq > 0 {
        // Old entries are not read again, but they must all still be there, their frames
        // must check out, and the last one must be the one the store applied.
        let len = std::fs::metadata(&journal_path).map_or(0, |m| m.len());
        if len < meta.applied_end {
            read_only = Some(applied_entry_gone(&journal_path, &store, &meta, false));
        } else {
            match journal::verify_frames(&journal_path, meta.applied_end) {
                Err(e) => read_only = Some(ReadOnly::of(e)?),
                Ok(false) => {
                    read_only = Some(applied_entry_gone(&journal_path, &store, &meta, true));
                }
                Ok(true) => {}
            }
        }
        if read_only.is_none() {
            let found = journal::hash_at(&journal_path, meta.applied_start, meta.applied_end)?;
            if found != Some(meta.applied_hash) {
                read_only = Some(applied_entry_gone(&journal_path, &store, &meta, true));
            }
        }
    }
    let mut end = meta.applied_end.max(journal::HEADER.len() as u64);
    let (mut next_seq, mut last_hash) = (meta.applied_seq + 1, meta.applied_hash);
    if read_only.is_none() || temporary {
        let len = std::fs::metadata(&journal_path)
            .map(|m| m.len())
            .unwrap_or(0);
        let mut reader =
            JournalReader::open_at(&journal_path, end, meta.applied_seq, meta.applied_hash)?
                .after_entry_at(meta.applied_start);
        loop {
            match reader.next_item() {
                Ok(ReadItem::Entry(located)) => {
                    store.apply(&located)?;
                    end = located.end;
                    next_seq = located.entry.seq + 1;
                    last_hash = located.hash;
                    notes.replayed += 1;
                    if let Some(p) = progress {
                        p(end, len);
                    }
                }
                Ok(ReadItem::End) => break,
                Ok(ReadItem::TornTail { .. }) if temporary => break,
                Ok(ReadItem::TornTail { offset, what }) if unproven_tail.is_some() => {
                    read_only = Some(ReadOnly::incomplete(&journal_path, next_seq, offset, &what));
                    break;
                }
                Ok(ReadItem::TornTail { offset, what }) => {
                    let kept = journal::cut_tail(&journal_path, offset)?;
                    notes
                        .warnings
                        .push(journal::torn_words(&journal_path, offset, &what, &kept));
                    break;
                }
                Err(e) => {
                    read_only = Some(ReadOnly::of(e)?);
                    break;
                }
            }
        }
    }
    match healed {
        Some(words) => notes
            .warnings
            .push(format!("{words} ({} entries replayed)", notes.replayed)),
        // sled found nothing it could use (its files were emptied or overwritten).
        None if meta.applied_seq == 0
            && notes.replayed > 0
            && !temporary
            && unproven_tail.is_none() =>
        {
            notes.warnings.push(format!(
                "the store was empty; it is rebuilt from the journal ({} entries replayed)",
                notes.replayed
            ))
        }
        None => {}
    }
    if let Some(ro) = &read_only {
        notes.warnings.push(ro.message.clone());
    }
    let mut journal = match read_only {
        None => Some(Journal::append_at(&journal_path, end, next_seq, last_hash)?),
        Some(_) => None,
    };
    if let (Some(journal), Some(open)) = (journal.as_mut(), store.parts_open()?) {
        // A command written in parts whose last part never came: nobody was told it was
        // done, so it is taken back, durably, before anything else is written.
        let located = journal.append(
            SystemClock.now_ms(),
            "tallyman",
            vec![crate::domain::Event::PartsAbandoned { first: open.first }],
        )?;
        store.apply(&located)?;
        end = located.end;
        notes.warnings.push(format!(
            "a command written in parts from journal entry {} stopped before its last part; it was taken back and nothing of it is kept",
            open.first
        ));
    }
    Ok((
        lock,
        Opened {
            store,
            journal,
            end,
            read_only,
            notes,
        },
    ))
}

/// The store applied an entry the journal no longer holds as it was: the journal was cut
/// short, changed or replaced behind tallyman's back.
fn applied_entry_gone(
    journal: &Path,
    store: &Store,
    meta: &crate::store::Meta,
    present: bool,
) -> ReadOnly {
    let (short, what, entry) = if present {
        let first = first_changed(journal, store).unwrap_or(meta.applied_seq);
        (format!("journal entry {first} was changed"), format!(
            "journal {} does not hold entry {first} as the store applied it (its hash differs): the journal was changed or replaced by hand",
            journal.display(),
        ), first)
    } else {
        let len = std::fs::metadata(journal).map(|m| m.len()).unwrap_or(0);
        (format!("journal lacks entries up to {}", meta.applied_seq), format!(
            "journal {} ends at byte {len}, but the store applied entries up to entry {} (byte {}): acknowledged entries are missing from the journal",
            journal.display(),
            meta.applied_seq,
            meta.applied_end
        ), meta.applied_seq)
    };
    ReadOnly::new(entry, &short, what)
}

/// The first entry of the journal that is not the one the store applied (its hash differs
/// from the one the store recorded), as `check` names it; an entry that no longer reads
/// (a frame or the chain fails there) counts as changed. `None` when none differs.
fn first_changed(journal: &Path, store: &Store) -> Option<u64> {
    let mut reader = JournalReader::open(journal).ok()?;
    loop {
        match reader.next_item() {
            Ok(ReadItem::Entry(located)) => {
                let seq = located.entry.seq;
                match store.entry_hash(seq) {
                    Ok(Some(applied)) if applied == located.hash => {}
                    Ok(Some(_)) => return Some(seq),
                    // Past what the store applied: nothing differs before here.
                    _ => return None,
                }
            }
            Ok(_) => return None,
            Err(JournalError::Damaged { entry, .. }) => return Some(entry),
            Err(_) => return None,
        }
    }
}
