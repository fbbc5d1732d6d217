//! What the scan loop knows: the joined count's session (location, running figures, the last
//! answer, the last scans). Plain data, filled by `update` from the runner's answers; the
//! words are in `words`.

use std::collections::VecDeque;

pub use crate::ops::Figures;

use crate::domain::{CountId, NotHere};

use super::super::count_list::state::CountRow;

/// What a scan (or an undo) came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// Counted where it should be.
    Counted,
    /// Counted before in this count.
    Duplicate,
    /// In stock elsewhere, sold, written off, other product.
    NotHere,
    /// Never seen: kept in the unknown bucket.
    Unknown,
    /// Failed its product's format or the decoder: nothing recorded.
    Bad,
    /// Refused for another reason (count not open, ambiguous serial): nothing recorded.
    Refused,
    /// The counter's last scan was taken back.
    Undone,
    /// Not sent yet: the server does not answer. Kept by the client, sent when it is back.
    Waiting,
}

impl AnswerKind {
    /// A good answer: no bell, clears a sticky error.
    pub fn ok(self) -> bool {
        matches!(self, Self::Counted | Self::Undone)
    }

    /// The scan was recorded in the count (it has a number and goes to the recent list).
    pub fn recorded(self) -> bool {
        matches!(
            self,
            Self::Counted | Self::Duplicate | Self::NotHere | Self::Unknown
        )
    }
}

/// Why an answer is what it is, as data (the words are made by `words::answer_facts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// Nothing to add.
    None,
    /// Counted before: the first scan's number, who, where and when.
    Duplicate {
        /// The first scan's number.
        first: u32,
        /// Its counter.
        by: Option<String>,
        /// Its location.
        at: Option<String>,
        /// When, in milliseconds since 1970 (UTC); the screen shows it in the session's
        /// time zone.
        at_ms: Option<i64>,
    },
    /// Not here (in stock elsewhere, sold, written off...), or never received.
    NotHere {
        /// Why.
        reason: NotHere,
        /// The customer's name, when sold.
        customer: Option<String>,
    },
    /// Nothing recorded; the service's reason.
    Refused {
        /// Why.
        message: String,
    },
}

/// The answer to one scan (or undo), as the scan loop shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanAnswer {
    /// What it came to.
    pub kind: AnswerKind,
    /// The headline word (`COUNTED`, `DUPLICATE`, `NOT HERE`, `UNKNOWN`, `BAD SCAN`...).
    pub headline: String,
    /// The serial as recorded, or the raw scan when nothing was recorded.
    pub serial: String,
    /// The product, when known.
    pub sku: Option<String>,
    /// The scan's number in the count, when recorded (or taken back).
    pub number: Option<u32>,
    /// Where it was scanned.
    pub location: String,
    /// The detail.
    pub why: Why,
    /// The running figures after it, when known.
    pub figures: Option<Figures>,
}

/// One of the last scans of this counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentScan {
    /// The scan's number in the count; none for a refused scan (nothing was recorded).
    pub number: Option<u32>,
    /// The serial.
    pub serial: String,
    /// The product, when known.
    pub sku: Option<String>,
    /// Where it was scanned.
    pub location: String,
    /// What it came to.
    pub kind: AnswerKind,
    /// Why it was refused (nothing recorded); none for a recorded scan.
    pub why: Option<String>,
    /// The key of a scan waiting for the server (its answer takes this line's place).
    pub waiting: Option<String>,
    /// A quantity of a product counted by quantity (the serial is empty then; a minus one
    /// took some back).
    pub qty: Option<i32>,
}

/// How many recent scans the state keeps (the screens show as many as fit, or fewer).
pub const RECENT_KEPT: usize = 20;

/// The count being scanned into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountSession {
    /// The count.
    pub count: CountRow,
    /// The current location, once a label was scanned.
    pub location: Option<String>,
    /// The next scan must be a location label.
    pub awaiting_location: bool,
    /// The running figures at the current location.
    pub figures: Option<Figures>,
    /// The last answer.
    pub answer: Option<ScanAnswer>,
    /// This counter's last scans, newest first.
    pub recent: VecDeque<RecentScan>,
    /// The visit of the scan loop's screen (its answers carry it).
    pub visit: u64,
    /// A request of this session (join, scan, undo) is with the service.
    pub waiting: bool,
    /// What was scanned or asked for while waiting, in order: sent one by one as the answers
    /// come, so scans are never reordered and each goes with the location before it.
    pub queued: VecDeque<Queued>,
    /// Scans refused since the count was joined (bad scans and others: nothing recorded).
    pub refused: u32,
}

/// A step of the scan loop waiting for the answer to the one before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Queued {
    /// A scan, as read.
    Scan(String),
    /// Take back the last scan.
    Undo,
    /// The next scan is a location label.
    NextIsLocation,
    /// The bin the counter is at is counted.
    BinDone,
}

/// A placeholder (count 0, nothing joined): what the screen holds while its session is lent
/// out.
impl Default for CountSession {
    fn default() -> Self {
        Self::new(CountRow {
            id: crate::domain::CountId(0),
            name: String::new(),
            scope: String::new(),
            status: crate::domain::CountStatus::Open,
            blind: false,
            live: 0,
            expected: None,
            counters: Vec::new(),
        })
    }
}

impl CountSession {
    /// A session on a count, before anything is scanned.
    pub fn new(count: CountRow) -> Self {
        Self {
            count,
            location: None,
            awaiting_location: false,
            figures: None,
            answer: None,
            recent: VecDeque::with_capacity(RECENT_KEPT),
            visit: 0,
            waiting: false,
            queued: VecDeque::new(),
            refused: 0,
        }
    }
}

/// What the scan loop asked (the reply is read by it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// To join the count.
    Join,
    /// A scan: a location label or a serial.
    Scan {
        /// Where the counter was (none: no label yet).
        location: Option<String>,
        /// The scan as read.
        raw: String,
        /// Only a location label is taken.
        label_only: bool,
    },
    /// To take back this counter's last scan.
    Undo {
        /// Where the counter is.
        location: Option<String>,
    },
    /// A quantity of a product counted by quantity.
    Qty {
        /// The product asked about.
        sku: String,
    },
    /// The bin the counter is at is done.
    BinDone,
    /// The running figures again.
    Figures {
        /// The count.
        count: CountId,
        /// Where they were asked for.
        location: Option<String>,
    },
}
