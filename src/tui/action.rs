//! Actions (what happened: a key, a resize, the time, a result from the service) and effects
//! (what `update` wants done: ring the bell, quit, call the service). The runtime handles the
//! terminal effects itself and hands the rest to an [`EffectRunner`], whose answers come back
//! as actions.

use chrono::NaiveDateTime;

use super::keymap::Command;
use super::keys::KeyPress;

/// Something that happened, fed to `update`.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Run a command directly, as if its key was pressed.
    Command(Command),
    /// The service's status line (answer to [`Effect::ProbeService`]).
    ServiceStatus(String),
    /// An effect failed: shown as a sticky error with the bell.
    Failed(String),
}

/// Something `update` wants done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Ring the terminal bell (handled by the runtime).
    Bell,
    /// Leave the application (handled by the runtime).
    Quit,
    /// Repaint the whole screen (handled by the runtime).
    Redraw,
    /// Ask the service who and where it is (answered by [`Action::ServiceStatus`]).
    ProbeService,
}

impl Effect {
    /// Handled by the runtime itself rather than the [`EffectRunner`].
    pub fn is_terminal(&self) -> bool {
        matches!(self, Effect::Bell | Effect::Quit | Effect::Redraw)
    }
}

/// Runs the effects that need the service. The core implements this over the ops service.
/// Called on the UI thread: keep each call short, or answer later through the returned
/// actions. Errors are returned as [`Action::Failed`], never panics.
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
