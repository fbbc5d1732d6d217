//! The runtime with its runner on a worker thread: a slow query does not hold up the keys.
//! The real loop (`Runtime::run`) runs on its own thread over a test backend that keeps a
//! copy of each frame; keys go in through the input channel, as the terminal's would.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tallyman::domain::{CountId, CountStatus};
use tallyman::tui::app::{AppState, Screen};
use tallyman::tui::backend::RuntimeBackend;
use tallyman::tui::keys::parse_script;
use tallyman::tui::screens::count_list::state::CountRow;
use tallyman::tui::screens::count_scan::requests::{Asked, Msg};
use tallyman::tui::screens::count_scan::state::AnswerKind;
use tallyman::tui::screens::count_scan::state::Figures;
use tallyman::tui::screens::count_scan::state::ScanAnswer;
use tallyman::tui::screens::count_scan::state::Why;
use tallyman::tui::screens::{count_list, reports, Asker, ScreenMsg};
use tallyman::tui::terminal::InputEvent;
use tallyman::tui::testing::{buffer_text, test_clock, TestSetup};
use tallyman::tui::{Action, Effect, EffectRunner, Exit, NullRunner, Runtime};

/// A test backend that keeps the text of the last frame where the test can read it.
struct Watched {
    inner: TestBackend,
    frame: Arc<Mutex<String>>,
}

impl Backend for Watched {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        if let Ok(mut f) = self.frame.lock() {
            *f = buffer_text(self.inner.buffer());
        }
        Ok(())
    }
}

impl RuntimeBackend for Watched {
    fn bell(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The real loop on its own thread; the test types through `keys` and reads `frame`.
struct Running {
    keys: mpsc::Sender<InputEvent>,
    frame: Arc<Mutex<String>>,
    done: thread::JoinHandle<(Exit, AppState)>,
}

impl Running {
    fn start(runner: impl EffectRunner + Send + 'static) -> Self {
        let (keys, rx) = mpsc::channel();
        let frame = Arc::new(Mutex::new(String::new()));
        let shared = frame.clone();
        let done = thread::spawn(move || {
            let state = TestSetup::default().build().state;
            let backend = Watched {
                inner: TestBackend::new(80, 24),
                frame: shared,
            };
            let mut rt = Runtime::new(backend, state, Box::new(runner), test_clock())
                .and_then(|rt| rt.with_worker())
                .unwrap();
            rt.draw().unwrap();
            let exit = rt.run(&rx).unwrap();
            (exit, rt.state().clone())
        });
        Self { keys, frame, done }
    }

    fn type_keys(&self, script: &str) {
        for k in parse_script(script).unwrap() {
            self.keys.send(InputEvent::Key(k)).unwrap();
        }
    }

    fn screen(&self) -> String {
        self.frame.lock().unwrap().clone()
    }

    /// Waits until the screen shows `what` and returns it: the caller asserts what it shows.
    fn wait_for(&self, what: &str) -> String {
        self.wait_until(|s| s.contains(what))
    }

    /// Waits until the screen passes `done`, and returns it. [`SLOW`] only keeps a broken
    /// runtime from hanging the suite: no assertion here depends on how fast this machine is.
    fn wait_until(&self, done: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + SLOW;
        loop {
            let s = self.screen();
            if done(&s) || Instant::now() > until {
                return s;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn quit(self) -> (Exit, AppState) {
        self.type_keys("<f3><f3><f3>/q<enter>");
        self.done.join().unwrap()
    }
}

/// The longest the slow query waits to be let go (it is let go by the test).
const SLOW: Duration = Duration::from_secs(30);

#[test]
fn keys_echo_and_back_works_while_a_slow_report_runs_and_its_late_answer_is_dropped() {
    let answered = Arc::new(AtomicBool::new(false));
    let flag = answered.clone();
    // The query runs until the test lets it go: what the screen does meanwhile does not
    // depend on how fast this machine is.
    let release = Arc::new(AtomicBool::new(false));
    let let_go = release.clone();
    let runner = move |e: Effect| match e {
        Effect::Call {
            to: Asker::Reports(reports::requests::Asked { kind, date }),
            ..
        } => {
            let until = Instant::now() + SLOW;
            while !let_go.load(Ordering::SeqCst) && Instant::now() < until {
                thread::sleep(Duration::from_millis(5));
            }
            flag.store(true, Ordering::SeqCst);
            vec![Action::Screen(ScreenMsg::Reports(
                reports::requests::Msg::Loaded {
                    kind,
                    date,
                    rows: Vec::new(),
                },
            ))]
        }
        other => NullRunner.run(other),
    };
    let app = Running::start(runner);
    // Reports (8), then the first report: its query runs until it is let go.
    app.type_keys("81");
    let s = app.wait_for("working...");
    assert!(s.contains("working..."), "no working marker:\n{s}");
    // Back to the menu, then the lookup screen, and a serial typed into its field.
    // Keys by hand, then the serial at a scanner's speed (after a pause a person makes).
    app.type_keys("<f3>3");
    thread::sleep(Duration::from_millis(100));
    app.type_keys("SN-42");
    let s = app.wait_for("SN-42");
    assert!(s.contains("Lookup"), "not on the lookup screen:\n{s}");
    assert!(s.contains("SN-42"), "typed keys not echoed:\n{s}");
    assert!(s.contains("working..."), "the query is still running:\n{s}");
    assert!(!answered.load(Ordering::SeqCst), "the query ended too soon");

    // The late answer comes and is dropped: the lookup screen stays as it was.
    release.store(true, Ordering::SeqCst);
    let limit = Instant::now() + SLOW;
    while !answered.load(Ordering::SeqCst) && Instant::now() < limit {
        thread::sleep(Duration::from_millis(20));
    }
    assert!(answered.load(Ordering::SeqCst), "the query never ended");
    let s = app.wait_until(|s| !s.contains("working..."));
    assert!(!s.contains("working..."), "still working:\n{s}");
    assert!(
        s.contains("Lookup") && s.contains("SN-42"),
        "screen changed:\n{s}"
    );
    assert!(!s.contains("Expiring"), "the report showed up:\n{s}");
    let (exit, state) = app.quit();
    assert_eq!(exit, Exit::Quit);
    assert!(state.report().is_none());
    assert_eq!(state.pending, 0);
}

fn row() -> CountRow {
    CountRow {
        id: CountId(1),
        name: "Aisle A".into(),
        scope: "WH1/A".into(),
        status: CountStatus::Open,
        blind: true,
        live: 0,
        expected: None,
        counters: Vec::new(),
    }
}

/// A message of the scan loop, as a stand-in runner hands it over.
fn loop_msg(msg: Msg) -> Action {
    Action::Screen(ScreenMsg::CountScan(msg))
}

fn counted(raw: &str, number: u32) -> Action {
    loop_msg(Msg::Answered(ScanAnswer {
        kind: AnswerKind::Counted,
        headline: "COUNTED".into(),
        serial: raw.into(),
        sku: None,
        number: Some(number),
        location: "WH1/A/01".into(),
        why: Why::None,
        figures: None,
    }))
}

/// A scan as the service got it: what was read, and the location it went with.
type Sent = (String, Option<String>);

#[test]
fn scans_typed_while_one_is_in_flight_are_sent_in_order_after_it() {
    let seen: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let log = seen.clone();
    let runner = move |e: Effect| match e {
        Effect::Call {
            to: Asker::CountList(count_list::requests::Asked::Load),
            ..
        } => vec![Action::Screen(ScreenMsg::CountList(
            count_list::requests::Msg::Loaded(vec![row()]),
        ))],
        Effect::Call {
            to: Asker::CountScan(Asked::Join),
            ..
        } => vec![loop_msg(Msg::Joined {
            count: row(),
            recent: Vec::new(),
            location: None,
            figures: None,
        })],
        Effect::Call {
            to: Asker::CountScan(Asked::Scan { raw, location, .. }),
            ..
        } => {
            thread::sleep(Duration::from_millis(150));
            let mut log = log.lock().unwrap();
            log.push((raw.clone(), location));
            if raw.starts_with("LOC") {
                vec![loop_msg(Msg::LocationSet {
                    code: "WH1/A/01".into(),
                    figures: Figures {
                        total: log.len() as u32,
                        ..Figures::default()
                    },
                })]
            } else {
                vec![counted(&raw, log.len() as u32)]
            }
        }
        other => NullRunner.run(other),
    };
    let app = Running::start(runner);
    app.type_keys("1");
    let s = app.wait_for("Aisle A");
    assert!(s.contains("Aisle A"), "no count list:\n{s}");
    // Join: the scans below are typed while the join is still with the service.
    app.type_keys("1");
    // A scanner's burst is told from keys by speed: a person's key and a scan are never
    // this close together.
    thread::sleep(Duration::from_millis(100));
    // A label and three serials in one burst: each waits for the answer before it, and
    // every serial goes with the location the label set.
    app.type_keys("LOC-A01<enter>SN-1<enter>SN-2<enter>SN-3<enter>");
    let limit = Instant::now() + SLOW;
    while seen.lock().unwrap().len() < 4 && Instant::now() < limit {
        thread::sleep(Duration::from_millis(20));
    }
    let s = app.wait_for("SN-3");
    let (_, state) = app.quit();
    let seen = seen.lock().unwrap().clone();
    let at = Some("WH1/A/01".to_string());
    assert_eq!(
        seen,
        vec![
            ("LOC-A01".to_string(), None),
            ("SN-1".to_string(), at.clone()),
            ("SN-2".to_string(), at.clone()),
            ("SN-3".to_string(), at),
        ],
        "screen:\n{s}"
    );
    assert!(matches!(state.screens.last(), Some(Screen::Menu)));
}
