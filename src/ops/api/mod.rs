//! The face of ops: the wire vocabulary every front end speaks (commands, queries, admin
//! calls, outcomes, answers, typed refusals, the view types), the [`Ops`] trait, the frames
//! on the socket, and the pure helpers the front ends need to put answers into words. It
//! names neither the store nor the journal nor the house (`ops::local`).

pub mod admin;
pub mod count_input;
pub mod coverage;
pub mod mismatches;
pub mod not_here;
pub mod protocol;
pub mod refusals;
pub mod roles;
pub mod scan_words;
pub mod types;
pub mod wire;

pub use admin::*;
pub use coverage::{WarrantySettings, WarrantyView};
pub use mismatches::{
    edit_distance, edit_distance_within, resolution_what, suggestions, Mismatches, Suggestion,
};
pub use not_here::{party_named, scan_facts, why_line, why_long, why_short};
pub use protocol::{Call, Done, Ops, OpsQueries, Reply, Request};
pub use refusals::{next_step, Next, READ_ONLY_REFUSED};
pub use roles::{call_needs, command_needs, query_needs, Gate};
pub use scan_words::{scan_words, ScanWords};
pub use types::*;

use crate::domain::Day;

/// A batch of more lines than this (document lines; one for any other command) is written
/// in parts of about this many lines, whole commands each.
pub const PART_LINES: usize = 10_000;

pub const JOURNAL_FILE: &str = "journal.tlj";
pub const STATE_DIR: &str = "state";
/// Names the process that has the database open.
pub const OWNER_FILE: &str = "owner";
/// The most journal bytes one [`Query::JournalBytes`] answers (a backup through the server
/// asks piece by piece, so no answer grows with the journal).
pub const JOURNAL_PIECE: u64 = 4 << 20;

/// The source of time: milliseconds since the epoch and today's date.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn today(&self) -> Day;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    fn today(&self) -> Day {
        Day::from_date(chrono::Local::now().date_naive())
    }
}
