//! What the count list knows: one row per count that is open or in review, with its
//! progress and counters. Plain data, filled by `update` from the runner's answers.

use crate::domain::{CountId, CountStatus};

/// One count of the count list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    /// Its number.
    pub id: CountId,
    /// Its name.
    pub name: String,
    /// The location subtree it covers.
    pub scope: String,
    /// Open or review (the list shows no others).
    pub status: CountStatus,
    /// Blind counting: no expected figures shown.
    pub blind: bool,
    /// Live scans (not duplicates, not undone).
    pub live: u32,
    /// Units expected in the scope (open counting only).
    pub expected: Option<u32>,
    /// Everyone who has scanned into it.
    pub counters: Vec<String>,
}

/// What a count list screen knows (each of its two uses has its own): the rows once loaded,
/// the marked line, and a count to mark when the rows next arrive (one just opened).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountListSession {
    /// The counts that are open or in review, once loaded.
    pub counts: Option<Vec<CountRow>>,
    /// Index of the marked count in [`CountListSession::counts`].
    pub selected: usize,
    /// A count to mark when the list next arrives.
    pub mark: Option<CountId>,
}

impl CountListSession {
    /// The marked count, if the list has one.
    pub fn marked(&self) -> Option<&CountRow> {
        self.counts.as_ref()?.get(self.selected)
    }
}

/// What the count list asked (the reply is read by it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// The counts that are open or in review.
    Load,
    /// A count to another status.
    Move {
        /// The count.
        count: CountId,
        /// The new status.
        status: CountStatus,
    },
    /// A new count.
    Open,
}
