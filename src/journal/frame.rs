//! Journal file format: an 8-byte header, then frames of `len u32 LE | crc32 u32 LE | payload`,
//! each payload an encoded entry carrying the SHA-256 of the previous payload.

use super::{EntryRecord, JournalError, Located};
use crate::codec;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub const HEADER: &[u8; 8] = b"TALLYJ\x00\x01";
pub type EntryHash = [u8; 32];
pub const ZERO_HASH: EntryHash = [0; 32];
const FRAME_HEAD: u64 = 8;
const MAX_PAYLOAD: u64 = codec::MAX_VALUE_BYTES;

pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + FRAME_HEAD as usize);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

pub fn hash(payload: &[u8]) -> EntryHash {
    Sha256::digest(payload).into()
}

pub enum ReadItem {
    Entry(Located),
    End,
    /// The last frame is incomplete or fails its checksum and nothing follows it.
    TornTail {
        offset: u64,
        what: String,
    },
}

/// Reads entries one by one, checking framing, checksum, sequence and hash chain.
pub struct JournalReader {
    path: PathBuf,
    reader: BufReader<File>,
    offset: u64,
    len: u64,
    prev_seq: u64,
    prev_hash: EntryHash,
}

impl JournalReader {
    /// Opens at the start (after the header) of a journal.
    pub fn open(path: &Path) -> Result<JournalReader, JournalError> {
        JournalReader::open_at(path, HEADER.len() as u64, 0, super::ZERO_HASH)
    }

    pub fn open_at(
        path: &Path,
        offset: u64,
        prev_seq: u64,
        prev_hash: EntryHash,
    ) -> Result<JournalReader, JournalError> {
        let io = |e| JournalError::io(path, e);
        let mut file = File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut head = [0u8; 8];
        let damaged = |what: String| JournalError::Damaged {
            path: path.to_path_buf(),
            entry: 0,
            offset: 0,
            what,
        };
        if file.read_exact(&mut head).is_err() || &head != HEADER {
            return Err(damaged(
                "expected the header of a tallyman journal, found something else".to_string(),
            ));
        }
        if offset > len {
            return Err(JournalError::Damaged {
                path: path.to_path_buf(),
                entry: prev_seq,
                offset,
                what: format!(
                    "the store has applied entries up to byte {offset}, but the journal has only {len} bytes"
                ),
            });
        }
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        Ok(JournalReader {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 20, file),
            offset,
            len,
            prev_seq,
            prev_hash,
        })
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn damaged(&self, what: String) -> JournalError {
        JournalError::Damaged {
            path: self.path.clone(),
            entry: self.prev_seq + 1,
            offset: self.offset,
            what,
        }
    }

    pub fn next_item(&mut self) -> Result<ReadItem, JournalError> {
        let offset = self.offset;
        let remaining = self.len - offset;
        if remaining == 0 {
            return Ok(ReadItem::End);
        }
        if remaining < FRAME_HEAD {
            return self.tail_or_damage(offset, "frame header incomplete");
        }
        let mut head = [0u8; 8];
        self.reader
            .read_exact(&mut head)
            .map_err(|e| JournalError::io(&self.path, e))?;
        let len = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let frame_end = offset + FRAME_HEAD + len;
        if len > MAX_PAYLOAD || frame_end > self.len {
            return self.tail_or_damage(offset, "entry incomplete");
        }
        let mut payload = vec![0u8; len as usize];
        self.reader
            .read_exact(&mut payload)
            .map_err(|e| JournalError::io(&self.path, e))?;
        if len == 0 || crc32fast::hash(&payload) != crc {
            return self.tail_or_damage(offset, "checksum does not match");
        }
        let record: EntryRecord = match codec::decode("journal entry", &payload) {
            Ok(r) => r,
            Err(e) => return self.tail_or_damage(offset, &e.to_string()),
        };
        let EntryRecord::V1(entry) = record;
        if entry.seq != self.prev_seq + 1 {
            return Err(self.damaged(format!(
                "expected sequence {}, found {}",
                self.prev_seq + 1,
                entry.seq
            )));
        }
        if entry.prev_hash != self.prev_hash {
            return Err(self.damaged(
                "hash chain broken: the entry does not follow the one before it".to_string(),
            ));
        }
        let hash = hash(&payload);
        let located = Located {
            entry,
            hash,
            start: offset,
            end: frame_end,
        };
        self.offset = frame_end;
        self.prev_seq = located.entry.seq;
        self.prev_hash = hash;
        Ok(ReadItem::Entry(located))
    }

    /// An invalid frame is a torn tail (the last write, never acknowledged) when no valid
    /// later entry follows it; otherwise it is damage in the middle.
    fn tail_or_damage(&mut self, offset: u64, what: &str) -> Result<ReadItem, JournalError> {
        if self.valid_entry_after(offset)? {
            return Err(self.damaged(what.to_string()));
        }
        Ok(ReadItem::TornTail {
            offset,
            what: what.to_string(),
        })
    }

    /// Searches the bytes after `offset` for a frame that checks out and decodes as a later
    /// entry. A tail larger than a few entries' worth is treated as having one.
    fn valid_entry_after(&mut self, offset: u64) -> Result<bool, JournalError> {
        const SEARCH_LIMIT: u64 = 64 * 1024 * 1024;
        let rest = self.len - offset;
        if rest > SEARCH_LIMIT {
            return Ok(true);
        }
        let file = self.reader.get_mut();
        let io = |e| JournalError::io(&self.path, e);
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut buf = Vec::with_capacity(rest as usize);
        file.read_to_end(&mut buf).map_err(io)?;
        for p in 1..buf.len() {
            let Some(head) = buf.get(p..p + FRAME_HEAD as usize) else {
                break;
            };
            let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
            let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            let start = p + FRAME_HEAD as usize;
            let Some(payload) = buf.get(start..start.saturating_add(len)) else {
                continue;
            };
            if len == 0 || crc32fast::hash(payload) != crc {
                continue;
            }
            if let Ok(EntryRecord::V1(e)) = codec::decode::<EntryRecord>("journal entry", payload) {
                if e.seq > self.prev_seq {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// The hash of the entry framed at `start..end` (used on open to check that the journal is
/// the one the store was built from).
pub fn hash_at(path: &Path, start: u64, end: u64) -> Result<Option<EntryHash>, JournalError> {
    let io = |e| JournalError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if end > len || end < start + FRAME_HEAD {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(start + FRAME_HEAD)).map_err(io)?;
    let mut payload = vec![0u8; (end - start - FRAME_HEAD) as usize];
    file.read_exact(&mut payload).map_err(io)?;
    Ok(Some(hash(&payload)))
}
