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
    /// The last frame is incomplete (its length runs past the end of the file) or the rest
    /// of the file is zeros: a write that never finished, so never acknowledged.
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
    /// Where the entry `prev_seq` starts (0 when it was not read here).
    prev_start: u64,
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
            prev_start: 0,
        })
    }

    /// Tells the reader where the entry before `offset` starts, so a broken chain names it.
    pub fn after_entry_at(mut self, start: u64) -> JournalReader {
        self.prev_start = start;
        self
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn damaged(&self, what: String) -> JournalError {
        self.damaged_at(self.prev_seq + 1, self.offset, what)
    }

    fn damaged_at(&self, entry: u64, offset: u64, what: String) -> JournalError {
        JournalError::Damaged {
            path: self.path.clone(),
            entry,
            offset,
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
            return Ok(ReadItem::TornTail {
                offset,
                what: format!("only {remaining} bytes of a frame header were written"),
            });
        }
        let mut head = [0u8; 8];
        self.reader
            .read_exact(&mut head)
            .map_err(|e| JournalError::io(&self.path, e))?;
        let len = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let frame_end = offset + FRAME_HEAD + len;
        if head == [0; 8] && self.rest_is_zero(offset)? {
            return Ok(ReadItem::TornTail {
                offset,
                what: format!("{remaining} zero bytes that were never written"),
            });
        }
        if frame_end > self.len {
            return Ok(ReadItem::TornTail {
                offset,
                what: format!(
                    "the entry's length ({len} bytes) runs past the end of the file ({remaining} bytes left)"
                ),
            });
        }
        if len > MAX_PAYLOAD || len == 0 {
            return Err(self.damaged(format!(
                "a complete frame with an impossible length of {len} bytes"
            )));
        }
        let mut payload = vec![0u8; len as usize];
        self.reader
            .read_exact(&mut payload)
            .map_err(|e| JournalError::io(&self.path, e))?;
        if crc32fast::hash(&payload) != crc {
            return Err(self.damaged(
                "a complete entry whose checksum does not match (its bytes were changed)"
                    .to_string(),
            ));
        }
        let record: EntryRecord = match codec::decode("journal entry", &payload) {
            Ok(r) => r,
            Err(e) => {
                return Err(self.damaged(format!("a complete entry that cannot be read: {e}")))
            }
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
            // Entry N+1 records the hash of entry N: when they disagree, N is the one that
            // was changed (N+1's own checksum holds).
            if self.prev_start == 0 {
                return Err(self.damaged(format!(
                    "entry {} does not follow entry {}: one of them was changed",
                    entry.seq, self.prev_seq
                )));
            }
            return Err(self.damaged_at(
                self.prev_seq,
                self.prev_start,
                format!(
                    "entry {} was changed after entry {} was written: its hash is not the one entry {} recorded",
                    self.prev_seq, entry.seq, entry.seq
                ),
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
        self.prev_start = offset;
        Ok(ReadItem::Entry(located))
    }

    /// Are all bytes from `offset` to the end zero (space the file system gave the file but
    /// no write ever filled)? Leaves the reader where it was.
    fn rest_is_zero(&mut self, offset: u64) -> Result<bool, JournalError> {
        let io = |e| JournalError::io(&self.path, e);
        let file = self.reader.get_mut();
        let back = file.stream_position().map_err(io)?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut buf = vec![0u8; 1 << 16];
        let mut zero = true;
        loop {
            let n = file.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            if buf.get(..n).is_some_and(|b| b.iter().any(|&x| x != 0)) {
                zero = false;
                break;
            }
        }
        file.seek(SeekFrom::Start(back)).map_err(io)?;
        Ok(zero)
    }
}

/// An entry found intact after damage: its own frame checks out and it decodes, but it no
/// longer follows the chain (what `rebuild --salvage` offers to keep).
#[derive(Debug, Clone)]
pub struct Stray {
    pub start: u64,
    pub end: u64,
    pub entry: super::Entry,
}

/// Searches `path` from `offset` for frames that check out and decode as entries, byte by
/// byte where the framing is lost, frame by frame once it is found again.
pub fn intact_after(path: &Path, offset: u64) -> Result<Vec<Stray>, JournalError> {
    let io = |e| JournalError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).map_err(io)?;
    let mut found = Vec::new();
    let mut p = 0usize;
    while let Some(head) = buf.get(p..p + FRAME_HEAD as usize) {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let start = p + FRAME_HEAD as usize;
        let entry = buf
            .get(start..start.saturating_add(len))
            .filter(|payload| len > 0 && crc32fast::hash(payload) == crc)
            .and_then(|payload| codec::decode::<EntryRecord>("journal entry", payload).ok());
        match entry {
            Some(EntryRecord::V1(entry)) => {
                found.push(Stray {
                    start: offset + p as u64,
                    end: offset + (start + len) as u64,
                    entry,
                });
                p = start + len;
            }
            None => p += 1,
        }
    }
    Ok(found)
}

/// Checks the frame checksum of every entry that starts before `upto` (bit rot in old
/// entries), without decoding them; the chain is `check`'s to verify. Returns whether a
/// frame ends exactly at `upto` (when none does, the frames are not the ones a store that
/// applied entries up to `upto` saw: the journal was rewritten).
pub fn verify_frames(path: &Path, upto: u64) -> Result<bool, JournalError> {
    let io = |e| JournalError::io(path, e);
    let file = File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let mut reader = BufReader::with_capacity(1 << 20, file);
    reader
        .seek(SeekFrom::Start(HEADER.len() as u64))
        .map_err(io)?;
    let mut offset = HEADER.len() as u64;
    let mut entry = 1u64;
    let mut payload = Vec::new();
    while offset < upto && offset + FRAME_HEAD <= file_len {
        let mut head = [0u8; 8];
        reader.read_exact(&mut head).map_err(io)?;
        let len = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let damaged = |what: &str| JournalError::Damaged {
            path: path.to_path_buf(),
            entry,
            offset,
            what: what.to_string(),
        };
        if len == 0 || len > MAX_PAYLOAD || offset + FRAME_HEAD + len > file_len {
            return Err(damaged("a frame with an impossible length"));
        }
        payload.resize(len as usize, 0);
        reader.read_exact(&mut payload).map_err(io)?;
        if crc32fast::hash(&payload) != crc {
            return Err(damaged(
                "a complete entry whose checksum does not match (its bytes were changed)",
            ));
        }
        offset += FRAME_HEAD + len;
        entry += 1;
    }
    Ok(offset == upto)
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
