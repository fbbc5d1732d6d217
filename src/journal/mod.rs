//! The append-only event journal, the source of truth: framed entries (length + CRC-32),
//! chained by SHA-256, fsynced before a command is acknowledged.

mod frame;
pub mod private;

pub use frame::{
    hash_at, intact_after, verify_frames, EntryHash, JournalReader, ReadItem, Stray, HEADER,
    ZERO_HASH,
};

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
    #[error("journal {path} is damaged at entry {entry} (byte {offset}): {what}")]
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
    /// (0 / zero hash / header end for an empty store). A torn tail is cut off (its bytes
    /// kept beside the journal); damage is an error.
    pub fn open(
        path: &Path,
        from: u64,
        seq_before: u64,
        hash_before: EntryHash,
    ) -> Result<(Journal, OpenReport), JournalError> {
        create_if_missing(path)?;
        let from = from.max(HEADER.len() as u64);
        let mut reader = JournalReader::open_at(path, from, seq_before, hash_before)?;
        let mut report = OpenReport::default();
        let (mut end, mut next_seq, mut last_hash) = (from, seq_before + 1, hash_before);
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
                    let kept = cut_tail(path, offset)?;
                    report.torn_tail = Some(torn_words(path, offset, &what, &kept));
                    break;
                }
            }
        }
        let journal = Journal::append_at(path, end, next_seq, last_hash)?;
        Ok((journal, report))
    }

    /// Opens the journal for appending after the entry `next_seq - 1` (hash `last_hash`)
    /// that ends at `end`, the last bytes of the file.
    pub fn append_at(
        path: &Path,
        end: u64,
        next_seq: u64,
        last_hash: EntryHash,
    ) -> Result<Journal, JournalError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| JournalError::io(path, e))?;
        file.seek(SeekFrom::End(0))
            .map_err(|e| JournalError::io(path, e))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            end,
            next_seq,
            last_hash,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last entry written: its sequence and hash, and where it ends (`None` when the
    /// journal has no entries).
    pub fn head(&self) -> Option<(u64, EntryHash, u64)> {
        (self.next_seq > 1).then_some((self.next_seq - 1, self.last_hash, self.end))
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

/// Creates an empty journal (its header only, private to the owner) when there is none.
pub fn create_if_missing(path: &Path) -> Result<(), JournalError> {
    let io = |e| JournalError::io(path, e);
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    if file.metadata().map_err(io)?.len() == 0 {
        private::file(path).map_err(io)?;
        (&file).write_all(HEADER).map_err(io)?;
        file.sync_all().map_err(io)?;
        sync_parent(path)?;
    }
    Ok(())
}

/// Cuts a torn tail off the journal at `offset`, first keeping the cut bytes in a side file
/// beside it (`journal.tlj.torn-OFFSET-TIME`). Returns the side file.
pub fn cut_tail(path: &Path, offset: u64) -> Result<PathBuf, JournalError> {
    use std::io::Read;
    let io = |e| JournalError::io(path, e);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    let name = format!(
        "{}.torn-{offset}",
        path.file_name()
            .map_or("journal".into(), |n| n.to_string_lossy())
    );
    let kept = aside_name(path.parent().unwrap_or(Path::new(".")), &name);
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(io)?;
    write_private(&kept, &tail).map_err(|e| JournalError::io(&kept, e))?;
    file.set_len(offset).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(kept)
}

/// The one line a cut torn tail is reported with.
pub fn torn_words(path: &Path, offset: u64, what: &str, kept: &Path) -> String {
    format!(
        "cut off an unfinished entry at byte {offset} of {} ({what}); it was never acknowledged; its bytes are kept in {}",
        path.display(),
        kept.display()
    )
}

/// A name in `dir` for something kept aside: `base-TIME` (UTC), made free as [`free_name`]
/// does (`state.old-20261129-163326`, `journal.tlj.replaced-20261129-163326-2`).
pub fn aside_name(dir: &Path, base: &str) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    free_name(dir, &format!("{base}-{stamp}"))
}

/// A name in `dir` that is not taken yet: `base`, then `base-2`, `base-3`, ...
pub fn free_name(dir: &Path, base: &str) -> PathBuf {
    let first = dir.join(base);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{base}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Writes `bytes` to a new private file durably.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut out = OpenOptions::new().write(true).create_new(true).open(path)?;
    private::file(path)?;
    out.write_all(bytes)?;
    out.sync_all()?;
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Copies the first `len` bytes of a journal to `dst` durably: written to a private
/// temporary file beside `dst`, fsynced, then renamed over it, so nobody ever sees a half
/// copy and a failed copy leaves `dst` as it was.
pub fn copy_prefix(src: &Path, dst: &Path, len: u64) -> Result<(), JournalError> {
    use std::io::Read;
    write_durably(dst, |out| {
        let mut input = File::open(src)?.take(len);
        let copied = std::io::copy(&mut input, out)?;
        if copied != len {
            return Err(std::io::Error::other(format!(
                "expected {len} bytes from {}, found {copied}",
                src.display()
            )));
        }
        Ok(())
    })
}

/// Writes a new file at `dst` durably with what `fill` writes: into a private temporary
/// file beside `dst` (made anew, never through a link), fsynced, then renamed over `dst`.
/// A failure removes the temporary file and leaves `dst` as it was.
pub fn write_durably(
    dst: &Path,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<(), JournalError> {
    let dir = match dst.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dst
        .file_name()
        .map_or("journal".into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> std::io::Result<()> {
        let mut out = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        private::file(&tmp)?;
        fill(&mut out)?;
        out.sync_all()?;
        std::fs::rename(&tmp, dst)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        JournalError::io(dst, e)
    })?;
    sync_parent(dst)
}

/// What a whole read of a journal found, damage included (not an error here).
#[derive(Debug)]
pub struct Survey {
    /// Entries that check out, from the first.
    pub entries: u64,
    /// The end of the last entry that checks out (the header's end when there is none).
    pub end: u64,
    /// The sequence and hash of that entry.
    pub head: Option<(u64, EntryHash)>,
    pub torn: Option<TornTail>,
    /// The first damage found; nothing after it was read.
    pub damage: Option<JournalError>,
}

/// Reads a whole journal, checking every frame and the chain, stopping at damage.
/// `each` sees every entry that checks out. Only a failure to read the file is an error.
pub fn survey(
    path: &Path,
    mut each: impl FnMut(&Located) -> Result<(), JournalError>,
) -> Result<Survey, JournalError> {
    let mut reader = JournalReader::open(path)?;
    let mut survey = Survey {
        entries: 0,
        end: HEADER.len() as u64,
        head: None,
        torn: None,
        damage: None,
    };
    loop {
        match reader.next_item() {
            Ok(ReadItem::Entry(located)) => {
                each(&located)?;
                survey.entries += 1;
                survey.end = located.end;
                survey.head = Some((located.entry.seq, located.hash));
            }
            Ok(ReadItem::End) => return Ok(survey),
            Ok(ReadItem::TornTail { offset, what }) => {
                survey.torn = Some(TornTail { offset, what });
                return Ok(survey);
            }
            Err(e @ JournalError::Damaged { .. }) => {
                survey.damage = Some(e);
                return Ok(survey);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The head of the chain as one printable anchor: `SEQ:HASH` (hash in hex).
pub fn anchor_words(seq: u64, hash: &EntryHash) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("{seq}:{hex}")
}

/// Reads an anchor written by [`anchor_words`].
pub fn parse_anchor(text: &str) -> Option<(u64, EntryHash)> {
    let (seq, hex) = text.trim().split_once(':')?;
    let seq = seq.trim().parse().ok()?;
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut hash = ZERO_HASH;
    for (i, b) in hash.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some((seq, hash))
}
