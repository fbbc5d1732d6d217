//! The runtime loop, generic over the ratatui backend so tests drive the real loop: take a
//! batch of input (everything pending), run each through `update` and the effects through the
//! runner (whose answers are fed back as actions), then draw once. No fixed-rate redraw: the
//! only timer is the clock minute, and a frame with no changes writes nothing.
//!
//! The runner runs inline (answers come back before the next key: deterministic, for tests)
//! or, after [`Runtime::with_worker`], on a worker thread: service effects go to it over a
//! channel in order, and its answers come back tagged with the screen that asked
//! ([`Action::Answered`]), to be dispatched like input while keys are still taken, echoed and
//! drawn. Terminal effects (bell, quit, redraw) always stay on this thread.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
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
pub type TimeSource = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// The local wall clock.
pub fn local_clock() -> TimeSource {
    Arc::new(|| chrono::Local::now().naive_local())
}

/// A clock stuck at one time (tests, snapshots).
pub fn fixed_clock(t: NaiveDateTime) -> TimeSource {
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
                other => queue.push_back(Action::Answered {
                    from: state.top_visit(),
                    actions: runner.run(other),
                }),
            }
        }
        if out.quit {
            break;
        }
    }
    out
}

/// Runs `action` through `update`; terminal effects are collected in the [`Outcome`], service
/// effects are sent to the worker, each tagged with the screen visit that asked.
fn dispatch_to_worker(state: &mut AppState, jobs: &Sender<Job>, action: Action) -> Outcome {
    let mut out = Outcome::default();
    for effect in update(state, action) {
        match effect {
            Effect::Bell => out.bell = true,
            Effect::Quit => out.quit = true,
            Effect::Redraw => out.redraw = true,
            other => {
                let job = Job {
                    from: state.top_visit(),
                    effect: other,
                };
                if let Err(mpsc::SendError(job)) = jobs.send(job) {
                    // The worker is gone (its runner panicked): the answer is a failure.
                    let failed = Action::Answered {
                        from: job.from,
                        actions: vec![Action::Failed(text::WORKER_GONE.into())],
                    };
                    out.merge(dispatch_to_worker(state, jobs, failed));
                }
            }
        }
    }
    out
}

/// A service effect on its way to the worker.
struct Job {
    from: u64,
    effect: Effect,
}

/// Where service effects run.
enum Runner {
    /// On this thread, before the next action.
    Inline(Box<dyn EffectRunner + Send>),
    /// On a worker thread, in order; answers come back on `answers`.
    Worker {
        jobs: Option<Sender<Job>>,
        answers: Receiver<Action>,
        thread: Option<JoinHandle<()>>,
    },
    /// Moving between the two.
    Moving,
}

/// How often the loop looks for answers while a service effect is outstanding.
const ANSWER_POLL: Duration = Duration::from_millis(10);

/// The application loop over a terminal.
pub struct Runtime<B: RuntimeBackend> {
    terminal: Terminal<B>,
    state: AppState,
    runner: Runner,
    /// Answers taken off the channel while looking whether there are any.
    early: Vec<Action>,
    clock: TimeSource,
}

impl<B: RuntimeBackend> Drop for Runtime<B> {
    fn drop(&mut self) {
        if let Runner::Worker { jobs, thread, .. } = &mut self.runner {
            // Closing the channel ends the worker once the effect in hand is done.
            jobs.take();
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
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
        runner: Box<dyn EffectRunner + Send>,
        clock: TimeSource,
    ) -> anyhow::Result<Self> {
        let terminal = Terminal::new(backend)?;
        let size = terminal.size()?;
        let mut rt = Self {
            terminal,
            state,
            runner: Runner::Inline(runner),
            early: Vec::new(),
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

    /// Moves the runner to a worker thread: from now on service effects run there, in the
    /// order they were asked for, and the loop keeps taking keys and drawing meanwhile.
    pub fn with_worker(mut self) -> anyhow::Result<Self> {
        let Runner::Inline(mut runner) = std::mem::replace(&mut self.runner, Runner::Moving) else {
            return Ok(self);
        };
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, answers) = mpsc::channel::<Action>();
        let thread = std::thread::Builder::new()
            .name("tallyman-effects".into())
            .spawn(move || {
                for job in inbox {
                    let actions = runner.run(job.effect);
                    let answer = Action::Answered {
                        from: job.from,
                        actions,
                    };
                    if outbox.send(answer).is_err() {
                        break;
                    }
                }
            })?;
        self.runner = Runner::Worker {
            jobs: Some(jobs),
            answers,
            thread: Some(thread),
        };
        Ok(self)
    }

    fn dispatch(&mut self, action: Action) -> Outcome {
        match &mut self.runner {
            Runner::Inline(runner) => dispatch(&mut self.state, &mut **runner, action),
            Runner::Worker {
                jobs: Some(jobs), ..
            } => dispatch_to_worker(&mut self.state, jobs, action),
            Runner::Worker { jobs: None, .. } | Runner::Moving => {
                let _ = update(&mut self.state, action);
                Outcome::default()
            }
        }
    }

    /// Has the worker answered something not dispatched yet?
    fn answers_ready(&mut self) -> bool {
        match &self.runner {
            Runner::Worker { answers, .. } => match answers.try_recv() {
                Ok(a) => {
                    self.early.push(a);
                    true
                }
                Err(_) => false,
            },
            Runner::Inline(_) | Runner::Moving => false,
        }
    }

    /// The worker's answers that have arrived, as input for the next batch.
    fn answers(&mut self) -> Vec<Action> {
        match &self.runner {
            Runner::Worker { answers, .. } => {
                let mut all = std::mem::take(&mut self.early);
                all.extend(answers.try_iter());
                all
            }
            Runner::Inline(_) | Runner::Moving => Vec::new(),
        }
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

    /// Handles one batch of input (and the worker's answers that have arrived) and draws
    /// once. Returns why to stop, if it is time to.
    pub fn step(&mut self, events: Vec<InputEvent>) -> anyhow::Result<Option<Exit>> {
        let now = (self.clock)();
        let mut out = self.dispatch(Action::Tick(now));
        for answer in self.answers() {
            out.merge(self.dispatch(answer));
            if out.quit {
                return Ok(Some(Exit::Quit));
            }
        }
        let terminators = self.state.config.scan_terminators.clone();
        for input in super::burst::group(events, &terminators) {
            let ev = match input {
                super::burst::Input::Scan { keys, text } => {
                    out.merge(self.dispatch(Action::Burst { keys, text }));
                    if out.quit {
                        return Ok(Some(Exit::Quit));
                    }
                    continue;
                }
                super::burst::Input::Event(ev) => ev,
            };
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
    /// once a minute for the clock, and every few milliseconds for the worker's answers while
    /// a service effect is outstanding.
    pub fn run(&mut self, rx: &Receiver<InputEvent>) -> anyhow::Result<Exit> {
        loop {
            let now = (self.clock)();
            let into_minute =
                u64::from(now.second()) * 1000 + u64::from(now.nanosecond() / 1_000_000);
            let mut wait = Duration::from_millis(60_000u64.saturating_sub(into_minute).max(50));
            // Live screens poll the service twice a second (see `live`).
            wait = wait.min(Duration::from_millis(super::live::POLL_MS as u64 / 2));
            let waiting_for_answers =
                self.state.expecting_answers() && matches!(self.runner, Runner::Worker { .. });
            if waiting_for_answers {
                wait = wait.min(ANSWER_POLL);
            }
            let mut batch = match rx.recv_timeout(wait) {
                Ok(ev) => vec![ev],
                // Nothing typed and still waiting for the service: look again, drawing only
                // when an answer came.
                Err(RecvTimeoutError::Timeout) if waiting_for_answers => {
                    if !self.answers_ready() {
                        continue;
                    }
                    Vec::new()
                }
                Err(RecvTimeoutError::Timeout) => Vec::new(),
                Err(RecvTimeoutError::Disconnected) => {
                    return Ok(Exit::InputClosed("input channel closed".into()))
                }
            };
            while let Ok(ev) = rx.try_recv() {
                batch.push(ev);
            }
            // In the middle of what may be a scan: take what follows within the gap.
            while super::burst::may_continue(&batch) {
                match rx.recv_timeout(super::burst::BURST_GAP) {
                    Ok(ev) => {
                        batch.push(ev);
                        while let Ok(ev) = rx.try_recv() {
                            batch.push(ev);
                        }
                    }
                    Err(_) => break,
                }
            }
            if let Some(exit) = self.step(batch)? {
                return Ok(exit);
            }
        }
    }
}
