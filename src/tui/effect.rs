//! Effects: what `update` wants done (ring the bell, quit, call the service for a screen), and
//! which screen a call is for ([`Asker`]), as plain data. The screens name this module, never
//! `action`: what comes back (an `Action`) carries every screen's messages, so it stands above
//! the screens.

use crate::domain::CountId;
use crate::tui::screens::count_list::state::Asked as CountListAsked;
use crate::tui::screens::count_scan::state::{Asked as CountScanAsked, Queued};
use crate::tui::screens::lookup::state::Asked as LookupAsked;
use crate::tui::screens::mismatch::state::Asked as MismatchAsked;
use crate::tui::screens::reports::state::Asked as ReportsAsked;

/// Something `update` wants done.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Ring the terminal bell (handled by the runtime).
    Bell,
    /// Leave the application (handled by the runtime).
    Quit,
    /// Repaint the whole screen (handled by the runtime).
    Redraw,
    /// Ask the service who and where it is (answered by [`Action::ServiceStatus`]).
    ProbeService,
    /// The scan loop was left with steps still waiting for an earlier answer: send them in
    /// order, each with the location the labels before it set (nothing is shown: the screen
    /// is gone, but no scan is lost). A sequence and not calls: each step's location depends
    /// on the answer to the label before it, which no screen is left to read.
    FlushScans {
        /// The count.
        count: CountId,
        /// The location when the loop was left.
        location: Option<String>,
        /// The next scan was to be a location label.
        location_only: bool,
        /// The waiting steps, oldest first.
        steps: Vec<Queued>,
    },
    /// Send one call to the service for a screen (answered by [`Action::Replied`] with the
    /// raw reply, which the screen reads).
    Call {
        /// The request (boxed: a command can be large).
        call: Box<crate::ops::Call>,
        /// The screen that asks, and what.
        to: Asker,
    },
    /// Ask the service for its last entry number (answered by [`Action::Polled`]); not
    /// counted as work the user waits for.
    Poll,
    /// Send the scans that wait for the server, in order (answered by
    /// [`Action::WaitingSent`] and each scan's answer, then [`Action::Outbox`]).
    SendWaiting,
}

impl Effect {
    /// Handled by the runtime itself rather than the [`EffectRunner`].
    pub fn is_terminal(&self) -> bool {
        matches!(self, Effect::Bell | Effect::Quit | Effect::Redraw)
    }
}

/// Which screen a service call is for and what it asked: its reply goes back to that
/// screen's `requests.rs`, which reads it into the screen's own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asker {
    /// The lookup screen.
    Lookup(LookupAsked),
    /// The reports screen.
    Reports(ReportsAsked),
    /// The mismatch screens.
    Mismatch(MismatchAsked),
    /// The count list (both uses).
    CountList(CountListAsked),
    /// The scan loop.
    CountScan(CountScanAsked),
}
