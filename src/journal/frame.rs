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
        let remaining = self.len - self.offset;
        if remaining == 0 {
            return Ok(ReadItem::End);
        }
        let torn = |offset, what: &str| {
            Ok(ReadItem::TornTail {
                offset,
                what: what.to_string(),
            })
        };
        if remaining < FRAME_HEAD {
            return torn(self.offset, "frame header incomplete");
        }
        let mut head = [0u8; 8];
        self.reader
            .read_exact(&mut head)
            .map_err(|e| JournalError::io(&self.path, e))?;
        let len = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let frame_end = self.offset + FRAME_HEAD + len;
        if len > MAX_PAYLOAD {
            return Err(self.damaged(format!("frame length {len} is beyond any entry")));
        }
        if frame_end > self.len {
            return torn(self.offset, "entry incomplete");
        }
        let mut payload = vec![0u8; len as usize];
        self.reader
            .read_exact(&mut payload)
            .map_err(|e| JournalError::io(&self.path, e))?;
        if crc32fast::hash(&payload) != crc {
            if frame_end == self.len {
                return torn(self.offset, "checksum of the last entry does not match");
            }
            return Err(self.damaged("checksum does not match".to_string()));
        }
        let record: EntryRecord =
            codec::decode("journal entry", &payload).map_err(|e| self.damaged(e.to_string()))?;
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
            start: self.offset,
            end: frame_end,
        };
        self.offset = frame_end;
        self.prev_seq = located.entry.seq;
        self.prev_hash = hash;
        Ok(ReadItem::Entry(located))
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
