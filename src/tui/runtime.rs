//! The runtime loop, generic over the ratatui backend so tests drive the real loop: take a
//! batch of input (everything pending), run each through `update` and the effects through the
//! runner (whose answers are fed back as actions), then draw once. No fixed-rate redraw: the
//! only timer is the clock minute, and a frame with no changes writes nothing.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, Timelike};
use ratatui::layout::Rect;
use ratatui::Terminal;

use super::action::{Action, Effect, EffectRunner};
use super::app::AppState;
use super::backend::RuntimeBackend;
use super::terminal::InputEvent;
use super::text;
use super::update::update;
use super::view::view;

/// Where the time comes from (time enters `update` as data, through [`Action::Tick`]).
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// The local wall clock.
pub fn local_clock() -> Clock {
    Arc::new(|| chrono::Local::now().naive_local())
}

/// A clock stuck at one time (tests, snapshots).
pub fn fixed_clock(t: NaiveDateTime) -> Clock {
    Arc::new(move || t)
}

/// Why the loop ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A termination signal arrived.
    Signal(i32),
    /// Terminal input ended.
    InputClosed(String),
}

/// What the runtime must do after some actions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Ring the bell after the frame.
    pub bell: bool,
    /// Leave.
    pub quit: bool,
    /// Repaint everything.
    pub redraw: bool,
}

impl Outcome {
    fn merge(&mut self, o: Outcome) {
        self.bell |= o.bell;
        self.quit |= o.quit;
        self.redraw |= o.redraw;
    }
}

/// Follow-up actions one input may cause before the runtime assumes a loop.
const MAX_STEPS: usize = 1000;

/// Runs `action` through `update`, hands service effects to `runner`, and feeds its answers
/// back until nothing is left. Terminal effects are collected in the [`Outcome`].
pub fn dispatch(state: &mut AppState, runner: &mut dyn EffectRunner, action: Action) -> Outcome {
    let mut out = Outcome::default();
    let mut queue = VecDeque::from([action]);
    let mut steps = 0;
    while let Some(a) = queue.pop_front() {
        steps += 1;
        if steps > MAX_STEPS {
            let _ = update(state, Action::Failed(text::ACTION_LOOP.into()));
            out.bell = state.config.bell;
            break;
        }
        for effect in update(state, a) {
            match effect {
                Effect::Bell => out.bell = true,
                Effect::Quit => out.quit = true,
                Effect::Redraw => out.redraw = true,
                other => queue.extend(runner.run(other)),
            }
        }
        if out.quit {
            break;
        }
    }
    out
}

/// The application loop over a terminal.
pub struct Runtime<B: RuntimeBackend> {
    terminal: Terminal<B>,
    state: AppState,
    runner: Box<dyn EffectRunner>,
    clock: Clock,
}

impl<B> Runtime<B>
where
    B: RuntimeBackend,
    B::Error: Send + Sync + 'static,
{
    /// Sets up the loop; tells the state the terminal size and the time.
    pub fn new(
        backend: B,
        state: AppState,
        runner: Box<dyn EffectRunner>,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let terminal = Terminal::new(backend)?;
        let size = terminal.size()?;
        let mut rt = Self {
            terminal,
            state,
            runner,
            clock,
        };
        let now = (rt.clock)();
        rt.dispatch(Action::Tick(now));
        rt.dispatch(Action::Resize {
            width: size.width,
            height: size.height,
        });
        Ok(rt)
    }

    fn dispatch(&mut self, action: Action) -> Outcome {
        dispatch(&mut self.state, &mut *self.runner, action)
    }

    /// The state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        self.terminal.backend()
    }

    /// The backend, mutably (tests read and clear captured bytes).
    pub fn backend_mut(&mut self) -> &mut B {
        self.terminal.backend_mut()
    }

    /// Draws one frame (only the cells that changed reach the terminal), then tells the
    /// state that what it shows has been seen ([`Action::Drawn`]).
    pub fn draw(&mut self) -> anyhow::Result<()> {
        let state = &self.state;
        self.terminal.draw(|f| view(state, f))?;
        self.dispatch(Action::Drawn);
        Ok(())
    }

    /// Handles one batch of input and draws once. Returns why to stop, if it is time to.
    pub fn step(&mut self, events: Vec<InputEvent>) -> anyhow::Result<Option<Exit>> {
        let now = (self.clock)();
        let mut out = self.dispatch(Action::Tick(now));
        for ev in events {
            let action = match ev {
                InputEvent::Key(k) => Action::Key(k),
                InputEvent::Resize(width, height) => {
                    self.terminal.backend_mut().resized(width, height);
                    Action::Resize { width, height }
                }
                InputEvent::Signal(s) => return Ok(Some(Exit::Signal(s))),
                InputEvent::InputClosed(m) => return Ok(Some(Exit::InputClosed(m))),
            };
            out.merge(self.dispatch(action));
            if out.quit {
                return Ok(Some(Exit::Quit));
            }
        }
        if out.redraw {
            let size = self.terminal.size()?;
            self.terminal
                .resize(Rect::new(0, 0, size.width, size.height))?;
        }
        self.draw()?;
        if out.bell {
            self.terminal.backend_mut().bell()?;
        }
        Ok(None)
    }

    /// Runs until the user quits, a signal arrives or the input ends. Waits for input; wakes
    /// once a minute for the clock.
    pub fn run(&mut self, rx: &Receiver<InputEvent>) -> anyhow::Result<Exit> {
        loop {
            let now = (self.clock)();
            let into_minute =
                u64::from(now.second()) * 1000 + u64::from(now.nanosecond() / 1_000_000);
            let wait = Duration::from_millis(60_000u64.saturating_sub(into_minute).max(50));
            let mut batch = match rx.recv_timeout(wait) {
                Ok(ev) => vec![ev],
                Err(RecvTimeoutError::Timeout) => Vec::new(),
                Err(RecvTimeoutError::Disconnected) => {
                    return Ok(Exit::InputClosed("input channel closed".into()))
                }
            };
            while let Ok(ev) = rx.try_recv() {
                batch.push(ev);
            }
            if let Some(exit) = self.step(batch)? {
                return Ok(exit);
            }
        }
    }
}
