//! One user intent is one request through the ops protocol: what the screens would send over
//! the coming socket. A scan, a location label, an undo, a join and a lookup each cost one
//! round trip, whatever the answer.

mod support;

use std::sync::{Arc, Mutex};

use support::{doc, open_count, parties_and_locations, product, FixedClock};
use tallyman::domain::{CountId, DocKind, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::{Call, Command, Query};
use tallyman::tui::testing::{counting_runner_for, TestApp, TestSetup};

struct Fixture {
    _tmp: tempfile::TempDir,
    app: TestApp,
    calls: Arc<Mutex<Vec<Call>>>,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(FixedClock)).unwrap();
    let mut cmds = parties_and_locations(&["WH1/A/01", "WH1/A/02"]);
    cmds.push(product("RT", SerialFormat::Plain, None, "net", None));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    let receipt = doc(
        DocKind::Receipt,
        "RT",
        &["RT-1", "RT-2", "RT-3"],
        None,
        Some("WH1/A/01"),
        None,
    );
    svc.execute("setup", receipt).unwrap();
    let sale = doc(DocKind::Sale, "RT", &["RT-3"], None, None, None);
    svc.execute("setup", sale).unwrap();
    open_count(&svc, "WH1/A", &[], false);
    let svc = Arc::new(svc);
    let app = TestSetup::default().build();
    let (runner, calls) = counting_runner_for(&app.state, svc);
    Fixture {
        _tmp: tmp,
        app: app.with_runner(Box::new(runner)),
        calls,
    }
}

impl Fixture {
    /// Presses `keys` and returns the requests they sent.
    fn sent(&mut self, keys: &str) -> Vec<Call> {
        let before = self.calls.lock().unwrap().len();
        self.app.keys(keys);
        self.calls.lock().unwrap()[before..].to_vec()
    }

    /// Presses `keys`, the keys of one intent, and asserts they sent exactly `want`: one
    /// request, that one.
    fn one(&mut self, keys: &str, want: Call) {
        let sent = self.sent(keys);
        assert_eq!(sent, [want], "{keys:?}: one request, exactly this one");
    }
}

const COUNT: CountId = CountId(1);

fn scan(raw: &str, location: Option<&str>, label_only: bool) -> Call {
    Call::Execute(Command::CountScan {
        count: COUNT,
        location: location.map(str::to_string),
        raw: raw.into(),
        label_only,
    })
}

#[test]
fn each_intent_of_the_scan_loop_is_one_request() {
    let mut f = fixture();
    f.one("1", Call::Query(Query::Counts { expected: true }));
    f.one("1", Call::Query(Query::Join { count: COUNT }));
    // A location label is a scan with no location yet; it sets the location the next carry.
    f.one("WH1/A/01<enter>", scan("WH1/A/01", None, false));
    let here = Some("WH1/A/01");
    // Whatever the answer (counted, a duplicate, sold, never received): one request each.
    for serial in ["RT-1", "RT-1", "RT-3", "NEVER-SEEN"] {
        f.one(&format!("{serial}<enter>"), scan(serial, here, false));
    }
    f.one(
        "#TM:UNDO<enter>",
        Call::Execute(Command::UndoLastScan {
            count: COUNT,
            location: here.map(str::to_string),
        }),
    );
    // The figures the screen shows came with those answers: after the undo of the unknown
    // scan, RT-1 and RT-3 are the live scans here (the duplicate is not live): RT-1 belongs
    // here, the sold RT-3 does not.
    let s = f.app.state.count_session().unwrap();
    assert_eq!(
        s.figures
            .map(|x| (x.here, x.unexpected_here, x.unknown_here, x.total)),
        Some((1, 1, 0, 2)),
        "{:?}",
        s.figures
    );
    // Every request of the loop was counted above: nothing was sent besides.
    assert_eq!(f.calls.lock().unwrap().len(), 8);
}

/// The lookup's date is the screens' today (the fixture's clock).
fn lookup(serial: &str) -> Call {
    Call::Query(Query::Find {
        serial: serial.into(),
        date: Some(tallyman::domain::Day::from_date(
            tallyman::tui::testing::test_now().date(),
        )),
    })
}

#[test]
fn a_lookup_is_one_request_with_its_warranty() {
    let mut f = fixture();
    // Opening the lookup screen asks nothing: there is nothing to show before a scan.
    let open = f.sent("3");
    assert!(open.is_empty(), "{open:?}");
    f.one("RT-3<enter>", lookup("RT-3"));
    f.one("<f3>3RT-1<enter>", lookup("RT-1"));
}

/// A serial no unit has is one intent too: its count scans come with the lookup's answer.
#[test]
fn a_lookup_of_a_serial_no_unit_has_is_one_request() {
    let mut f = fixture();
    f.sent("3");
    f.one("NEVER-SEEN<enter>", lookup("NEVER-SEEN"));
}
