//! The admin calls (check, anchor, rebuild, salvage, backup, restore) and what they report:
//! the same calls answered in this process on a database folder and by `tallyman serve`.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// An anchor: the sequence of an entry and the hash it must have.
pub type Anchor = (u64, [u8; 32]);

/// Reads an anchor `SEQ:HASH` (hash in 64 hex digits).
pub fn parse_anchor(text: &str) -> Option<Anchor> {
    let (seq, hex) = text.trim().split_once(':')?;
    let seq = seq.trim().parse().ok()?;
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, b) in hash.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some((seq, hash))
}

/// An admin call: what keeps the database sound. Each needs the admin role through a
/// server; variants are only ever appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminCall {
    /// Verify the chain, the anchors given and that a replay equals the store.
    Check { anchors: Vec<Anchor> },
    /// The head of the chain and the number of entries.
    Anchor,
    /// Remake the store from the journal (`force`: take a changed journal as the truth).
    Rebuild { force: bool },
    /// Keep what a damaged journal still holds; `keep_later` says what to do with the
    /// intact entries after the damage (none: only look, and list them).
    Salvage { keep_later: Option<bool> },
    /// Write a verified copy of the journal to `file` (a path of the caller's).
    Backup { file: PathBuf },
    /// Replace the journal by the backup `file` and remake the store.
    Restore { file: PathBuf, force: bool },
}

impl AdminCall {
    /// What the call is called in a refusal.
    pub fn what(&self) -> &'static str {
        match self {
            AdminCall::Check { .. } => "a check",
            AdminCall::Anchor => "an anchor",
            AdminCall::Rebuild { .. } => "a rebuild",
            AdminCall::Salvage { .. } => "a salvage",
            AdminCall::Backup { .. } => "a backup",
            AdminCall::Restore { .. } => "a restore",
        }
    }

    /// Whether the call needs the database folder to itself (it replaces the store or the
    /// journal), so a running server cannot answer it.
    pub fn needs_the_folder(&self) -> bool {
        matches!(
            self,
            AdminCall::Rebuild { .. } | AdminCall::Salvage { .. } | AdminCall::Restore { .. }
        )
    }
}

/// What an admin call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminDone {
    Checked(CheckReport),
    Anchor {
        entries: u64,
        anchor: Option<String>,
    },
    Rebuilt(RebuildReport),
    Salvaged(SalvageReport),
    BackedUp(BackupReport),
    Restored(RestoreReport),
}

/// What to do about what a check found, as facts a front end words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Advice {
    /// The journal is damaged: salvage it (every entry before the damage is kept) or
    /// restore a backup.
    Salvage,
    /// The store differs from a replay of a sound journal: remake it from the journal.
    Rebuild,
    /// The journal was changed after it was written: restore a backup made after entry
    /// `before` (checked with its anchors), or, with none to name, one that holds the same
    /// anchors; a rebuild would take the changed journal as the truth.
    RestoreBackup { before: Option<u64> },
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckReport {
    pub entries: u64,
    pub keys_compared: u64,
    pub units: u64,
    /// Problems found; empty means healthy.
    pub problems: Vec<String>,
    /// What to do about the problems (none when there are none).
    pub advice: Option<Advice>,
    /// The head of the chain: `SEQ:HASH`.
    pub anchor: Option<String>,
    /// Anchors given to `check --anchor` that the journal still holds.
    pub anchors_held: u64,
    pub notes: Vec<String>,
}

/// What `rebuild` did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RebuildReport {
    pub entries: u64,
    /// Where the old store was moved (`None` when there was none).
    pub old_store: Option<PathBuf>,
    /// An unfinished last entry that was cut off the journal first (in words), and where its
    /// bytes are.
    pub cut: Option<(String, PathBuf)>,
    pub notes: Vec<String>,
}

/// One entry as a salvage lists it: sequence, time, who, what it did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntryWords {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub what: String,
    pub bytes: (u64, u64),
}

/// What `rebuild --salvage` found, and did unless it only looked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SalvageReport {
    /// Entries copied as they were (1 ..= kept).
    pub kept: u64,
    /// Where the journal is damaged, in words.
    pub damage: String,
    /// The sequence the damaged entry has (or should have).
    pub damaged_seq: u64,
    /// The damaged entry, when its frame can still be read (a changed entry).
    pub damaged_entry: Option<EntryWords>,
    /// Byte ranges of the damaged journal that hold no readable entry.
    pub lost_bytes: Vec<(u64, u64)>,
    /// The damage is an incomplete last entry (its end is missing).
    pub torn: bool,
    /// Entries after the damage whose own frames are intact.
    pub later: Vec<EntryWords>,
    /// Whether the later entries were kept (re-chained after the kept ones).
    pub later_kept: bool,
    /// Entries the old store had applied that the journal no longer holds.
    pub store_ahead: Option<(u64, u64)>,
    /// The damaged journal, kept untouched (when the salvage was done).
    pub damaged_journal: Option<PathBuf>,
    pub old_store: Option<PathBuf>,
    /// False when the salvage stopped to ask about the later entries.
    pub done: bool,
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BackupReport {
    pub bytes: u64,
    pub entries: u64,
    /// The head of the chain in the backup: `SEQ:HASH`.
    pub anchor: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RestoreReport {
    pub entries: u64,
    /// Where the journal it replaced is kept.
    pub replaced: Option<PathBuf>,
    pub anchor: Option<String>,
}
