//! The scan loop's messages: what the service answered it. Its requests are its own
//! `Effect` variants (join, scan, undo, quantity, bin done, flush, figures), run by the
//! effect runner, which keeps the loop's outbox (scans that wait for the server), the location
//! the last label set and the time zone of earlier scans; the runner answers with these
//! messages, which only this screen reads.

use super::state::{Figures, RecentScan, ScanAnswer};
use crate::domain::CountId;
use crate::tui::action::Action;
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::ScreenMsg;

/// What the service answered the scan loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A count was joined (answer to `Effect::JoinCount`): the count as it is now, this
    /// counter's last scans (newest first), and a location when the scope has only one.
    Joined {
        /// The count.
        count: CountRow,
        /// This counter's last live scans, newest first.
        recent: Vec<RecentScan>,
        /// The location to start at, when there is only one to choose.
        location: Option<String>,
        /// The figures there.
        figures: Option<Figures>,
    },
    /// The count cannot be joined (not open any more, gone): back to the list.
    JoinRefused(String),
    /// A location label was scanned (answer to `Effect::CountInput`).
    LocationSet {
        /// The location's code.
        code: String,
        /// The running figures there.
        figures: Figures,
    },
    /// A step of the loop was refused (a bin, a quantity, a step behind waiting scans): a
    /// sticky error.
    Refused(String),
    /// A quantity was refused (0, no location): the question is asked again.
    QtyRefused {
        /// The product asked about.
        sku: String,
        /// The service's words.
        message: String,
    },
    /// A scan's answer (or an undo's), only after the scan is durable; refusals of the scan
    /// loop come this way too (nothing recorded).
    Answered(ScanAnswer),
    /// The scan named a product counted by quantity: ask how many.
    AskQty {
        /// Its SKU.
        sku: String,
    },
    /// A quantity was counted (answer to `Effect::CountQty`).
    QtyCounted {
        /// Where.
        location: String,
        /// The product.
        sku: String,
        /// How many were added.
        qty: i32,
        /// The count's total of it there now.
        counted: u64,
        /// The books' quantity there (open counting).
        expected: Option<i64>,
    },
    /// A bin was counted (answer to `Effect::FinishBin`).
    BinCounted {
        /// The bin.
        location: String,
        /// The count's counted bins now.
        bins: u32,
    },
    /// The scan loop's figures asked for again (answer to `Effect::RefreshFigures`).
    Figures {
        /// The count.
        count: CountId,
        /// Where they were asked for.
        location: Option<String>,
        /// The figures (without the expected one).
        figures: Figures,
    },
}

impl Msg {
    /// The message as the action the runner answers with.
    pub fn action(self) -> Action {
        Action::Screen(ScreenMsg::CountScan(self))
    }
}
