//! The same scenario through the command line (the real binary) and through the screens'
//! effect runner gives the same state: every rule lives once, in ops, so the two front ends
//! cannot disagree. Receiving and selling have no screen; both databases get them from the
//! binary. Counting (every answer, an undo), each resolution and posting straight from an
//! open count go one way through `tallyman count ...` and the other through the runner.

mod support;

use std::path::Path;
use std::sync::Arc;

use tallyman::domain::CountId;
use tallyman::ops::local::Service;
use tallyman::ops::{Answer, Done, Local, Ops, OpsQueries, Outcome, Query, Reply};
use tallyman::tui::ops_runner::OpsRunner;
use tallyman::tui::screens::count_scan::requests::{self, Msg};
use tallyman::tui::screens::mismatch;
use tallyman::tui::screens::mismatch::state::Fix;
use tallyman::tui::screens::Asker;
use tallyman::tui::{Action, Effect, EffectRunner};

const ACTOR: &str = "tester";
const GTIN: &str = "09506000134352";
const COUNT: CountId = CountId(1);

/// Runs the binary on `db` as the tester, which must succeed; its standard output.
fn tallyman(db: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = support::cli::run(db, ACTOR, args, stdin.unwrap_or("").as_bytes());
    support::cli::assert_exit(&out, 0, args);
    support::cli::stdout(&out)
}

/// Master data, receipts and a sale, through the binary.
fn setup(db: &Path) {
    let run = |args: &[&str]| tallyman(db, args, None);
    run(&[
        "product", "add", "--sku", "RT", "--name", "Router", "--gtin", GTIN,
    ]);
    for loc in ["WH1/A/01", "WH1/A/02", "WH2/A/01"] {
        run(&["location", "add", loc]);
    }
    run(&["party", "add", "--name", "ACME", "--role", "customer"]);
    run(&["party", "add", "--name", "Supplier", "--role", "supplier"]);
    run(&[
        "receive",
        "--product",
        "RT",
        "--supplier",
        "Supplier",
        "--invoice",
        "R1",
        "--to",
        "WH1/A/01",
        "RT-1",
        "RT-2",
        "RT-3",
        "RT-4",
        "RT-5",
        "RT-6",
    ]);
    run(&[
        "receive",
        "--product",
        "RT",
        "--supplier",
        "Supplier",
        "--invoice",
        "R2",
        "--to",
        "WH1/A/02",
        "RT-7",
    ]);
    run(&[
        "receive",
        "--product",
        "RT",
        "--supplier",
        "Supplier",
        "--invoice",
        "R3",
        "--to",
        "WH2/A/01",
        "RT-8",
    ]);
    // The product is left out: the serial names it.
    run(&["sell", "--customer", "ACME", "--invoice", "S1", "RT-5"]);
    run(&["count", "open", "Aisle", "--location", "WH1/A"]);
}

/// What is scanned, in order: a label, counted, a duplicate, an undone scan, sold, elsewhere,
/// unknown, and a bad scan (a GS1 label with a wrong check digit).
const SCANS: &[&str] = &[
    "WH1/A/01",
    "RT-1",
    "RT-2",
    "RT-1",
    "RT-3",
    "#TM:UNDO",
    "RT-3",
    "RT-5",
    "RT-8",
    "NEW-1",
    "(01)09506000134353(21)RT-9",
];

/// The resolutions, as the command line takes them.
const FIXES: &[&[&str]] = &[
    &[
        "count",
        "replace",
        "1",
        "--found",
        "RT-5",
        "--missing",
        "RT-6",
    ],
    &["count", "relocate", "1", "RT-8"],
    &["count", "receive-found", "1", "NEW-1", "--product", GTIN],
    &["count", "write-off", "1", "RT-4", "--reason", "lost"],
    &["count", "accept", "1", "RT-7", "--note", "in the cage"],
];

fn through_the_cli(db: &Path) {
    let mut input = String::new();
    for s in SCANS {
        input.push_str(s);
        input.push('\n');
    }
    // One of the scans is a bad scan: the session takes the others and exits 1 for it.
    let out = support::cli::run(db, ACTOR, &["count", "scan", "1"], input.as_bytes());
    support::cli::assert_exit(&out, 1, &["count", "scan", "1"]);
    assert!(
        support::cli::stdout(&out).contains("error bad scan:"),
        "{}",
        support::cli::stdout(&out)
    );
    for fix in FIXES {
        tallyman(db, fix, None);
    }
    tallyman(db, &["count", "post", "1"], None);
}

/// The scan loop's messages its calls' replies are read into; a failure fails the test.
fn loop_msgs(actions: Vec<Action>) -> Vec<Msg> {
    actions
        .into_iter()
        .map(|a| match a {
            Action::Replied {
                to: Asker::CountScan(asked),
                reply,
            } => {
                let Reply::V1(result) = *reply;
                requests::answer(asked, result).expect("the loop reads its reply")
            }
            other => panic!("not a reply to the scan loop: {other:?}"),
        })
        .collect()
}

fn through_the_screens(db: &Path) {
    let (service, _) = Service::open(db).unwrap();
    let ops = Local::new(Arc::new(service), ACTOR);
    let mut runner = OpsRunner::new(ops);
    let mut run = |effect: Effect| -> Vec<Action> { runner.run(effect) };
    let joined = loop_msgs(run(requests::join(COUNT)));
    assert!(
        matches!(joined.as_slice(), [Msg::Joined { .. }]),
        "{joined:?}"
    );
    let mut location: Option<String> = None;
    for s in SCANS {
        let effect = if *s == "#TM:UNDO" {
            requests::undo(COUNT, location.clone())
        } else {
            requests::scan(COUNT, location.clone(), s.to_string(), false)
        };
        for m in loop_msgs(run(effect)) {
            if let Msg::LocationSet { code, .. } = m {
                location = Some(code);
            }
        }
    }
    let fixes = [
        Fix::Replace {
            found: "RT-5".into(),
            missing: "RT-6".into(),
        },
        Fix::Relocate {
            serial: "RT-8".into(),
        },
        Fix::ReceiveFound {
            serial: "NEW-1".into(),
            product: Some(GTIN.into()),
        },
        Fix::WriteOff {
            serial: "RT-4".into(),
            reason: "lost".into(),
        },
        Fix::Accept {
            serial: "RT-7".into(),
            note: "in the cage".into(),
        },
    ];
    for fix in fixes {
        let actions = run(mismatch::requests::fix(COUNT, fix));
        assert!(
            matches!(
                actions.first(),
                Some(Action::Replied { reply, .. })
                    if matches!(**reply, Reply::V1(Ok(Done::Both(Outcome::Resolved { .. }, _))))
            ),
            "{actions:?}"
        );
    }
    let posted = run(mismatch::requests::post(COUNT, false));
    assert!(
        matches!(
            posted.as_slice(),
            [Action::Replied { reply, .. }] if matches!(**reply, Reply::V1(Ok(_)))
        ),
        "{posted:?}"
    );
}

/// The state both ways must agree on: every unit's state and product, the count's status,
/// its scans and its resolutions (times and sequence numbers aside).
fn state_of(db: &Path) -> Vec<String> {
    let (service, _) = Service::open(db).unwrap();
    let ops = Local::new(Arc::new(service), ACTOR);
    let mut out = Vec::new();
    for serial in [
        "RT-1", "RT-2", "RT-3", "RT-4", "RT-5", "RT-6", "RT-7", "RT-8", "NEW-1",
    ] {
        for u in ops.lookup(serial.into(), None).unwrap() {
            out.push(format!(
                "{serial} {} {:?} {:?} {:?}",
                u.product.sku, u.unit.state, u.customer, u.unit.receipt
            ));
        }
    }
    let count = ops.count(COUNT, 0).unwrap().count;
    out.push(format!(
        "count {:?} live {} scans {}",
        count.status, count.live, count.scans
    ));
    let Answer::Scans(scans) = ops.query(Query::CountScans { count: COUNT }).unwrap() else {
        panic!("scans")
    };
    for l in scans {
        let s = l.scan;
        out.push(format!(
            "scan {} {} {} {} {}",
            s.number,
            s.serial,
            s.location,
            s.verdict.name(),
            s.undone
        ));
    }
    let m = ops.mismatches(COUNT).unwrap().mismatches;
    for r in m.resolutions {
        out.push(format!("resolution {} {}", r.number, r.resolution.name()));
    }
    out
}

#[test]
fn the_command_line_and_the_screens_leave_the_same_state() {
    let tmp = tempfile::tempdir().unwrap();
    let (cli_db, tui_db) = (tmp.path().join("cli"), tmp.path().join("tui"));
    std::fs::create_dir(&cli_db).unwrap();
    std::fs::create_dir(&tui_db).unwrap();
    setup(&cli_db);
    setup(&tui_db);
    through_the_cli(&cli_db);
    through_the_screens(&tui_db);
    let (a, b) = (state_of(&cli_db), state_of(&tui_db));
    assert_eq!(a, b);
    // And the scenario did what it says: posted, every resolution kind, every answer.
    let text = a.join("\n");
    for needle in [
        "count Posted",
        "counted",
        "duplicate",
        "unexpected",
        "unknown",
        "true",
        "resolution 5",
        "RT-6 RT Sold",
        "RT-8 RT InStock { location: \"WH1/A/01\" }",
        "NEW-1 RT InStock",
        "RT-4 RT WrittenOff",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
}
