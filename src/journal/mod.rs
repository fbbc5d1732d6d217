//! The append-only event journal, the source of truth: framed entries (length + CRC-32),
//! chained by SHA-256, fsynced before a command is acknowledged.

mod frame;

pub use frame::{hash_at, EntryHash, JournalReader, ReadItem, HEADER, ZERO_HASH};

use crate::codec;
use crate::domain::Event;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One accepted command: who, when, and the events it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub prev_hash: EntryHash,
    pub events: Vec<Event>,
}

/// The stored form of an entry; variants are only appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryRecord {
    V1(Entry),
}

/// An entry as found in the file: where it lies and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub entry: Entry,
    pub hash: EntryHash,
    pub start: u64,
    pub end: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal {path} is damaged at entry {entry} (byte {offset}): {what}; run `tallyman check`, then `tallyman rebuild` or `tallyman restore BACKUP`")]
    Damaged {
        path: PathBuf,
        entry: u64,
        offset: u64,
        what: String,
    },
    #[error(transparent)]
    Codec(#[from] codec::CodecError),
}

impl JournalError {
    fn io(path: &Path, source: std::io::Error) -> JournalError {
        JournalError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The open journal, positioned for appending after its last good entry.
pub struct Journal {
    path: PathBuf,
    file: File,
    end: u64,
    next_seq: u64,
    last_hash: EntryHash,
}

/// What opening found beyond the entries it returned.
#[derive(Debug, Default)]
pub struct OpenReport {
    /// Entries at or after the requested offset, in order.
    pub entries: Vec<Located>,
    /// A torn tail (an entry that was being written when the process died) that was cut off.
    pub torn_tail: Option<String>,
}

impl Journal {
    /// Opens (or creates) the journal and reads every entry that starts at `from` or later.
    /// `from` must be the end of an entry with sequence `seq_before` and hash `hash_before`
    /// (0 / zero hash / header end for an empty store). A torn tail is cut off; damage before
    /// it is an error.
    pub fn open(
        path: &Path,
        from: u64,
        seq_before: u64,
        hash_before: EntryHash,
    ) -> Result<(Journal, OpenReport), JournalError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| JournalError::io(path, e))?;
        let len = file
            .metadata()
            .map_err(|e| JournalError::io(path, e))?
            .len();
        if len == 0 {
            file.write_all(HEADER)
                .map_err(|e| JournalError::io(path, e))?;
            file.sync_all().map_err(|e| JournalError::io(path, e))?;
            sync_parent(path)?;
        }
        let from = from.max(HEADER.len() as u64);
        let mut reader = JournalReader::open_at(path, from, seq_before, hash_before)?;
        let mut report = OpenReport::default();
        let mut end = from;
        let mut next_seq = seq_before + 1;
        let mut last_hash = hash_before;
        loop {
            match reader.next_item()? {
                ReadItem::Entry(located) => {
                    end = located.end;
                    next_seq = located.entry.seq + 1;
                    last_hash = located.hash;
                    report.entries.push(located);
                }
                ReadItem::End => break,
                ReadItem::TornTail { offset, what } => {
                    file.set_len(offset)
                        .map_err(|e| JournalError::io(path, e))?;
                    file.sync_all().map_err(|e| JournalError::io(path, e))?;
                    report.torn_tail = Some(format!(
                        "cut off an unfinished entry at byte {offset} of {}: {what} (it was never acknowledged)",
                        path.display()
                    ));
                    break;
                }
            }
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| JournalError::io(path, e))?;
        Ok((
            Journal {
                path: path.to_path_buf(),
                file,
                end,
                next_seq,
                last_hash,
            },
            report,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn end(&self) -> u64 {
        self.end
    }

    /// Appends one entry and makes it durable (fdatasync) before returning.
    pub fn append(
        &mut self,
        at_ms: i64,
        actor: &str,
        events: Vec<Event>,
    ) -> Result<Located, JournalError> {
        let located = self.write(at_ms, actor, events)?;
        self.file
            .sync_data()
            .map_err(|e| JournalError::io(&self.path, e))?;
        Ok(located)
    }

    /// A second handle on the journal file, for making written entries durable outside the
    /// writer lock (group commit: one fsync covers every entry written before it).
    pub fn sync_handle(&self) -> Result<File, JournalError> {
        self.file
            .try_clone()
            .map_err(|e| JournalError::io(&self.path, e))
    }

    /// Writes one entry to the end of the file without waiting for the disk: it is not
    /// durable until the file is synced ([`Journal::append`] does both).
    pub fn write(
        &mut self,
        at_ms: i64,
        actor: &str,
        events: Vec<Event>,
    ) -> Result<Located, JournalError> {
        let entry = Entry {
            seq: self.next_seq,
            at_ms,
            actor: actor.to_string(),
            prev_hash: self.last_hash,
            events,
        };
        let record = EntryRecord::V1(entry);
        let payload = codec::encode("journal entry", &record)?;
        let framed = frame::frame(&payload);
        let start = self.end;
        if let Err(e) = self.file.write_all(&framed) {
            // Leave no half entry behind that a later append would bury.
            let _ = self.file.set_len(start);
            return Err(JournalError::io(&self.path, e));
        }
        let hash = frame::hash(&payload);
        let EntryRecord::V1(entry) = record;
        self.end = start + framed.len() as u64;
        self.next_seq += 1;
        self.last_hash = hash;
        Ok(Located {
            entry,
            hash,
            start,
            end: self.end,
        })
    }
}

/// Makes a newly created file's directory entry durable.
fn sync_parent(path: &Path) -> Result<(), JournalError> {
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(dir) {
            d.sync_all().map_err(|e| JournalError::io(dir, e))?;
        }
    }
    Ok(())
}

/// An unfinished last entry: where it starts and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    pub offset: u64,
    pub what: String,
}

impl std::fmt::Display for TornTail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unfinished entry at byte {}: {}", self.offset, self.what)
    }
}

/// Reads a whole journal, checking every frame and the chain; calls `each` per entry.
/// Returns the number of entries and the torn tail, if any.
pub fn read_all(
    path: &Path,
    mut each: impl FnMut(&Located) -> Result<(), JournalError>,
) -> Result<(u64, Option<TornTail>), JournalError> {
    let mut reader = JournalReader::open(path)?;
    let mut count = 0;
    loop {
        match reader.next_item()? {
            ReadItem::Entry(located) => {
                each(&located)?;
                count += 1;
            }
            ReadItem::End => return Ok((count, None)),
            ReadItem::TornTail { offset, what } => {
                return Ok((count, Some(TornTail { offset, what })))
            }
        }
    }
}

/// Cuts the journal at `offset` (dropping a torn tail) and makes that durable.
pub fn cut_at(path: &Path, offset: u64) -> Result<(), JournalError> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| JournalError::io(path, e))?;
    file.set_len(offset)
        .and_then(|_| file.sync_all())
        .map_err(|e| JournalError::io(path, e))
}

/// Copies the first `len` bytes of a journal to `dst` durably (write to a temporary name,
/// fsync, rename), so a backup is never seen half-written.
pub fn copy_prefix(src: &Path, dst: &Path, len: u64) -> Result<(), JournalError> {
    use std::io::Read;
    let tmp = dst.with_extension("partial");
    let result = (|| -> std::io::Result<()> {
        let mut input = File::open(src)?.take(len);
        let mut out = File::create(&tmp)?;
        std::io::copy(&mut input, &mut out)?;
        out.sync_all()?;
        std::fs::rename(&tmp, dst)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        JournalError::io(dst, e)
    })?;
    sync_parent(dst)
}
