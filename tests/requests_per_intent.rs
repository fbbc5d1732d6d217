//! One user intent is one request through the ops protocol: what the screens would send over
//! the coming socket. A scan, a location label, an undo, a join and a lookup each cost one
//! round trip, whatever the answer.

mod support;

use std::sync::{Arc, Mutex};

use support::{doc, open_count, parties_and_locations, product, FixedClock};
use tallyman::domain::{DocKind, SerialFormat};
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
}

#[test]
fn each_intent_of_the_scan_loop_is_one_request() {
    let mut f = fixture();
    let list = f.sent("1");
    assert!(
        matches!(
            list.as_slice(),
            [Call::Query(Query::Counts { expected: true })]
        ),
        "{list:?}"
    );
    let join = f.sent("1");
    assert!(
        matches!(join.as_slice(), [Call::Query(Query::Join { .. })]),
        "{join:?}"
    );
    let label = f.sent("WH1/A/01<enter>");
    assert!(
        matches!(label.as_slice(), [Call::Execute(Command::CountScan { .. })]),
        "a location label: {label:?}"
    );
    for (serial, what) in [
        ("RT-1", "counted"),
        ("RT-1", "duplicate"),
        ("RT-3", "sold"),
        ("NEVER-SEEN", "unknown"),
    ] {
        let scan = f.sent(&format!("{serial}<enter>"));
        assert!(
            matches!(scan.as_slice(), [Call::Execute(Command::CountScan { .. })]),
            "a {what} scan: {scan:?}"
        );
    }
    let undo = f.sent("#TM:UNDO<enter>");
    assert!(
        matches!(
            undo.as_slice(),
            [Call::Execute(Command::UndoLastScan { .. })]
        ),
        "{undo:?}"
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
}

#[test]
fn a_lookup_is_one_request_with_its_warranty() {
    let mut f = fixture();
    // Opening the lookup screen asks nothing: there is nothing to show before a scan.
    let open = f.sent("3");
    assert!(open.is_empty(), "{open:?}");
    let lookup = f.sent("RT-3<enter>");
    assert!(
        matches!(lookup.as_slice(), [Call::Query(Query::Find { .. })]),
        "{lookup:?}"
    );
}
