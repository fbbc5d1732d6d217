//! Actions (what happened: a key, a resize, the time, a result from the service) and effects
//! (what `update` wants done: ring the bell, quit, call the service). The runtime handles the
//! terminal effects itself and hands the rest to an [`EffectRunner`], whose answers come back
//! as actions.

use chrono::NaiveDateTime;

pub use super::effect::{Asker, Effect};
use super::keymap::KeyCommand;
use super::keys::KeyPress;
use crate::tui::screens::ScreenMsg;

/// Something that happened, fed to `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A key from the terminal (resolved through the keymap by `update`).
    Key(KeyPress),
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// The current time (time enters as data; the runtime sends it before each batch).
    Tick(NaiveDateTime),
    /// A scan: characters that arrived at a scanner's speed (see `burst`), with the keys as
    /// they came (its terminator last, when one ended it). Never read as keys.
    Burst {
        /// The keys, for a screen with a scan field (typed into it as they came).
        keys: Vec<KeyPress>,
        /// The text.
        text: String,
    },
    /// The service's last entry number, or why it did not answer (answer to
    /// [`Effect::Poll`]).
    Polled(Result<u64, String>),
    /// Run a command directly, as if its key was pressed.
    KeyCommand(KeyCommand),
    /// The service's status line (answer to [`Effect::ProbeService`]).
    ServiceStatus(String),
    /// An effect failed: shown as a sticky error with the bell.
    Failed(String),
    /// The server did not answer a request: the link is down (said on the status line,
    /// once, in words; the request's screen keeps what it showed).
    LinkDown(String),
    /// A scan could not reach the server: it waits, kept by the client in order, to be sent
    /// when the server is back (answer to a scan's [`Effect::Call`]).
    ScanWaiting {
        /// The key the server will know it by.
        key: String,
        /// The scan as read.
        raw: String,
        /// Where the counter was.
        location: Option<String>,
    },
    /// A waiting scan reached the server; its answer follows.
    WaitingSent {
        /// Its key.
        key: String,
    },
    /// How many scans wait for the server now.
    Outbox(usize),
    /// The server answers but refuses this user everything (removed while logged in): its
    /// words (answer to [`Effect::Poll`]).
    AccessRefused(String),
    /// A frame was drawn (sent by the runtime after each frame): what the status line says
    /// has been seen.
    Drawn,
    /// The service's reply to a screen's call ([`Effect::Call`]), raw: the screen that asked
    /// reads it into its own message (its `requests.rs`).
    Replied {
        /// The screen, and what it asked.
        to: Asker,
        /// The reply (boxed: a reply can be large).
        reply: Box<crate::ops::Reply>,
    },
    /// A step that acts on earlier scans (undo, a quantity, bin done) was not sent: scans
    /// still wait for the server, and it would act on the wrong one.
    Held {
        /// The screen, and what it asked.
        to: Asker,
        /// How many scans wait.
        waiting: usize,
    },
    /// A screen's own message, handed to that screen only.
    Screen(ScreenMsg),
    /// What the runner answered to one service effect, tagged with the screen visit it was
    /// asked from ([`crate::tui::AppState::top_visit`]). `update` applies the answers only if
    /// that screen is still on the stack: an answer for a screen the user has left is dropped.
    Answered {
        /// The visit of the screen on top when the effect was asked for.
        from: u64,
        /// The runner's answers, in order.
        actions: Vec<Action>,
    },
}

/// Runs the effects that need the service. The core implements this over the ops service.
/// The terminal runtime calls it on a worker thread, one effect at a time in the order they
/// were asked for, so a slow query never holds up the keys; tests may call it inline. Errors
/// are returned as [`Action::Failed`], never panics.
pub trait EffectRunner {
    /// Runs one effect and returns the actions that report its result.
    fn run(&mut self, effect: Effect) -> Vec<Action>;
}

/// A runner without a service (the TUI shell on its own, and tests).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullRunner;

impl EffectRunner for NullRunner {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        match effect {
            Effect::ProbeService => vec![Action::ServiceStatus(super::text::NO_SERVICE.into())],
            Effect::Bell | Effect::Quit | Effect::Redraw => Vec::new(),
            Effect::FlushScans { .. } | Effect::Call { .. } => {
                vec![Action::Failed(super::text::NO_DATABASE.into())]
            }
            Effect::SendWaiting => vec![Action::Outbox(0)],
            Effect::Poll => vec![Action::Polled(Err(super::text::NO_DATABASE.into()))],
        }
    }
}

impl<F> EffectRunner for F
where
    F: FnMut(Effect) -> Vec<Action>,
{
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        self(effect)
    }
}
