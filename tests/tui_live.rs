//! Live screens: what others do reaches the screen shown within a poll (the service's last
//! entry number, asked twice a second), and a service that stops answering shows on the
//! status line until it answers again, with the screen kept.

mod support;

use std::sync::{Arc, Mutex};

use chrono::Duration;
use tallyman::domain::{CountId, DocKind, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::Command;
use tallyman::tui::live::{LINK_BACK, LINK_DOWN};
use tallyman::tui::screens::mismatch::requests::Asked;
use tallyman::tui::screens::Asker;
use tallyman::tui::testing::{ops_runner_for, test_now, TestApp};
use tallyman::tui::{Action, Effect, EffectRunner};

fn service() -> (tempfile::TempDir, Arc<Service>) {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open(&tmp.path().join("db")).unwrap();
    let mut setup = support::parties_and_locations(&["WH1/A/01"]);
    setup.push(support::product(
        "PH-1",
        SerialFormat::Plain,
        None,
        "",
        None,
    ));
    svc.execute("setup", Command::Batch(setup)).unwrap();
    svc.execute(
        "setup",
        support::doc(
            DocKind::Receipt,
            "PH-1",
            &["S-1", "S-2", "S-3"],
            None,
            Some("WH1/A/01"),
            None,
        ),
    )
    .unwrap();
    support::open_count(&svc, "WH1/A", &[], false);
    (tmp, Arc::new(svc))
}

fn other_scans(svc: &Service, serial: &str) {
    svc.execute(
        "other",
        Command::CountScan {
            count: CountId(1),
            location: Some("WH1/A/01".into()),
            raw: serial.into(),
            label_only: false,
        },
    )
    .unwrap();
}

/// The time `ms` milliseconds after the test's start.
fn at(ms: i64) -> Action {
    Action::Tick(test_now() + Duration::milliseconds(ms))
}

#[test]
fn another_counters_scans_reach_the_count_screen_within_a_poll() {
    let (_tmp, svc) = service();
    let mut app = TestApp::new().with_service(svc.clone());
    app.keys("1<enter>WH1/A/01<enter>S-1<enter>");
    let here = |app: &TestApp| app.state.count_session().unwrap().figures.unwrap();
    assert_eq!((here(&app).here, here(&app).total), (1, 1));
    assert_eq!(here(&app).expected_here, Some(3));
    app.send(at(1_000)); // the first poll learns where the journal is
    other_scans(&svc, "S-2");
    other_scans(&svc, "S-3");
    app.send(at(1_200)); // too soon for another poll
    assert_eq!(here(&app).total, 1);
    app.send(at(1_600));
    let f = here(&app);
    assert_eq!((f.here, f.total), (3, 3));
    assert_eq!(f.expected_here, Some(3), "the expected figure is kept");
    assert!(app.render().contains("Here 3 of 3"), "{}", app.render());
}

#[test]
fn a_looked_up_unit_shows_what_others_did_to_it() {
    let (_tmp, svc) = service();
    let mut app = TestApp::new().with_service(svc.clone());
    app.keys("3S-2<enter>");
    assert!(app.render().contains("WH1/A/01"), "{}", app.render());
    app.send(at(1_000));
    svc.execute(
        "desk",
        support::doc(
            DocKind::Sale,
            "PH-1",
            &["S-2"],
            Some("WH1/A/01"),
            None,
            None,
        ),
    )
    .unwrap();
    app.send(at(2_000));
    let screen = app.render();
    assert!(screen.contains("ACME"), "{screen}");
}

#[test]
fn the_mismatch_list_is_asked_again_when_the_journal_moved() {
    let (_tmp, svc) = service();
    let mut app = TestApp::new().with_service(svc.clone());
    app.keys("2<enter>");
    app.send(at(1_000));
    let seen = app.state.live.seen.unwrap();
    // Nothing moved: nothing asked. Moved: the reconciliation is asked for again.
    let quiet = tallyman::tui::update::update(&mut app.state, Action::Polled(Ok(seen)));
    assert!(quiet.is_empty(), "{quiet:?}");
    let moved = tallyman::tui::update::update(&mut app.state, Action::Polled(Ok(seen + 1)));
    assert!(
        matches!(
            moved.as_slice(),
            [Effect::Call {
                to: Asker::Mismatch(Asked::Load { count }),
                ..
            }] if *count == CountId(1)
        ),
        "{moved:?}"
    );
}

/// A runner whose service can be switched off: polls and requests then fail as a gone
/// server's do.
struct Flaky {
    inner: tallyman::tui::ops_runner::OpsRunner,
    down: Arc<Mutex<bool>>,
}

impl EffectRunner for Flaky {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        if *self.down.lock().unwrap() {
            return match effect {
                Effect::Poll => vec![Action::Polled(Err("server gone; retrying".into()))],
                _ => vec![Action::Failed("server gone; retrying".into())],
            };
        }
        self.inner.run(effect)
    }
}

#[test]
fn a_server_gone_shows_on_the_status_line_and_the_screen_is_kept() {
    let (_tmp, svc) = service();
    let down = Arc::new(Mutex::new(false));
    let mut app = TestApp::new();
    let runner = Flaky {
        inner: ops_runner_for(&app.state, svc.clone()),
        down: down.clone(),
    };
    app = app.with_runner(Box::new(runner));
    app.keys("1<enter>WH1/A/01<enter>S-1<enter>");
    app.send(at(1_000));
    assert!(app.state.count_session().unwrap().answer.is_some());
    *down.lock().unwrap() = true;
    app.send(at(2_000));
    assert_eq!(app.status(), Some(LINK_DOWN));
    assert!(app.state.status.as_ref().unwrap().error);
    // The scan loop hears the link went down: its last headline is no longer news.
    let answer = &app.state.count_session().unwrap().answer;
    assert!(answer.is_none(), "{answer:?}");
    let wide = app.state.size;
    app.state.size = (20, 16);
    assert!(
        app.render().contains(LINK_DOWN),
        "the whole status fits a 20-column handheld:\n{}",
        app.render()
    );
    app.state.size = wide;
    *down.lock().unwrap() = false;
    app.send(at(3_000));
    assert_eq!(app.status(), Some(LINK_BACK));
    assert!(matches!(
        app.screen(),
        tallyman::tui::app::Screen::CountScan(_)
    ));
    // A scan while it is gone is not shown as counted; the figures stay as they were, and
    // the scan stays in the field to be sent again.
    *down.lock().unwrap() = true;
    app.keys("S-2<enter>");
    let s = app.state.count_session().unwrap();
    assert_eq!(s.figures.unwrap().here, 1);
    assert!(s.recent.iter().all(|r| r.serial != "S-2"), "{:?}", s.recent);
    let screen = app.render();
    assert!(
        screen.lines().any(|l| l.starts_with("Scan: S-2 ")),
        "the scan waits in the field:\n{screen}"
    );
    assert!(
        app.status().unwrap().contains("server gone"),
        "{:?}",
        app.status()
    );
}

/// The service as a client of a server sees it: the same answers while the server is up, a
/// link error for every request while it is down.
struct Switch {
    inner: tallyman::ops::Local,
    down: Arc<Mutex<bool>>,
}

impl tallyman::ops::Ops for Switch {
    fn call(&self, request: tallyman::ops::Request) -> tallyman::ops::Reply {
        if *self.down.lock().unwrap() {
            return tallyman::ops::Reply::V1(Err(tallyman::ops::OpsError::Link(
                "server gone; retrying (Connection refused (os error 111))".into(),
            )));
        }
        self.inner.call(request)
    }

    fn server_socket(&self) -> Option<std::path::PathBuf> {
        Some("/run/tallyman/site.sock".into())
    }
}

#[test]
fn scans_during_an_outage_wait_in_order_and_are_sent_when_the_server_is_back() {
    let (_tmp, svc) = service();
    let down = Arc::new(Mutex::new(false));
    let mut app = tallyman::tui::testing::TestSetup::new(20, 16, tallyman::tui::Profile::Vt)
        .keymap("vt220")
        .build();
    let ops = Switch {
        inner: tallyman::ops::Local::new(svc.clone(), &app.state.session.user),
        down: down.clone(),
    };
    let runner = tallyman::tui::ops_runner::OpsRunner::shared(Arc::new(ops))
        .with_outbox(tallyman::ops::Outbox::in_memory());
    app = app.with_runner(Box::new(runner));
    app.keys("1<enter>WH1/A/01<enter>S-1<enter>");
    app.send(at(1_000));
    *down.lock().unwrap() = true;
    app.keys("S-2<enter>S-3<enter>");
    // One line on the status line, in words; the scans wait, in order, on the screen.
    assert_eq!(app.status(), Some("no server, 2 wait"));
    let screen = app.render();
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("not current"), "{screen}");
    assert!(lines.iter().any(|l| l.starts_with("WAITING")), "{screen}");
    let waiting: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with('~'))
        .map(|l| l.trim_end_matches(['|', ' ']))
        .collect();
    assert_eq!(waiting, ["~S-3", "~S-2"], "{screen}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("no server")).count(),
        1,
        "the outage takes one line:\n{screen}"
    );
    assert!(!screen.contains("os error"), "{screen}");
    // Undo would take back the wrong scan while others wait.
    app.keys("/u<enter>");
    assert_eq!(app.status(), Some("not done: 2 scans wait for the server"));
    assert_eq!(svc.store().count_scans(CountId(1)).unwrap().len(), 1);
    // The server is back: the next poll sends them, each answered as usual.
    *down.lock().unwrap() = false;
    app.send(at(2_000));
    let serials: Vec<String> = svc
        .store()
        .count_scans(CountId(1))
        .unwrap()
        .into_iter()
        .map(|s| s.serial.to_string())
        .collect();
    assert_eq!(serials, ["S-1", "S-2", "S-3"]);
    assert_eq!(app.status(), Some("server back, 2 sent"));
    let screen = app.render();
    assert!(!screen.contains('~'), "{screen}");
    assert!(screen.contains("+S-3"), "{screen}");
    assert!(
        !screen.lines().next().unwrap().contains("not current"),
        "{screen}"
    );
    // A poll again sends nothing twice.
    app.send(at(3_000));
    assert_eq!(svc.store().count_scans(CountId(1)).unwrap().len(), 3);
}
