//! Every screen of the real binary driven once in a real terminal (tmux), on the demo
//! database, as a clerk on a 20x16 VT220 handheld and as a desk user in an 80x24 xterm:
//! Lookup (a scan), Mismatches (the demo's count), Reports (the first report), Diagnostics,
//! the count list and the count screen (a location, a serial, the finish barcode), then quit
//! with exit 0. The menu and help are driven by `pty_smoke.rs`, bursts of scans by
//! `pty_count.rs`.
//!
//! Needs tmux (`.ci/run` installs it; elsewhere the test says it is missing and skips).

mod support;

use std::time::Duration;
use support::tmux::Tmux;

use support::cli::BIN;

/// What each screen must show, per terminal.
struct Expect {
    term: &'static str,
    width: u16,
    height: u16,
    report_title: &'static str,
    profile: &'static str,
    /// The demo's count in the list after one scan: its scans and, apart, the units expected.
    one_scan: &'static str,
}

fn drive(e: &Expect) {
    let tmp = tempfile::tempdir().unwrap();
    let db = support::demo_db(tmp.path(), 60);
    let cmd = format!(
        "TERM={} USER=clerk1 {BIN} --db {}; echo EXIT=$?; sleep 60",
        e.term,
        db.display()
    );
    let t = Tmux::start("screens", e.width, e.height, &cmd);
    let wait = Duration::from_secs(20);
    let back = |t: &Tmux| t.literal("/b\r");
    t.wait_for("3 Lookup", wait);

    // Lookup: one scan answers with the unit, its state and its warranty.
    t.literal("3");
    t.wait_for("SN:", wait);
    t.literal("RT90000002\r");
    let s = t.wait_for("sold to ACME Retail", wait);
    assert!(s.contains("RT-AX55"), "{s}");
    assert!(s.contains("ACTIVE"), "{s}");
    back(&t);
    t.wait_for("3 Lookup", wait);

    // Mismatches: the demo's count, its four shortages, the first one marked.
    t.literal("2");
    t.wait_for("Demo", wait);
    t.literal("1");
    let s = t.wait_for("Open 4", wait);
    assert!(s.contains("RT90000001"), "{s}");
    back(&t);
    back(&t);
    t.wait_for("3 Lookup", wait);

    // Reports: the list, then the first report.
    t.literal("8");
    t.wait_for("Which report?", wait);
    t.literal("1");
    let s = t.wait_for("No units.", wait);
    assert!(s.contains(e.report_title), "{s}");
    assert!(!s.contains("Which report?"), "{s}");
    back(&t);
    back(&t);
    t.wait_for("3 Lookup", wait);

    // Diagnostics: what the terminal is and what tallyman made of it.
    t.literal("9");
    let s = t.wait_for(&format!("TERM: {}", e.term), wait);
    assert!(
        s.contains(&format!("Size: {}x{}", e.width, e.height)),
        "{s}"
    );
    assert!(s.contains(&format!("Profile: {}", e.profile)), "{s}");
    // No server runs: the screens opened the database themselves, and say so.
    assert!(s.contains("database itself"), "{s}");
    back(&t);
    t.wait_for("3 Lookup", wait);

    // Counting: the count list, the demo's count, a location label and a serial, then the
    // finish barcode back to the list.
    t.literal("1");
    t.wait_for("Demo", wait);
    t.literal("1");
    t.wait_for("scan a label", wait);
    t.literal("WH3/A/01\r");
    t.wait_for("Loc: WH3/A/01", wait);
    t.literal("RT90000004\r");
    let s = t.wait_for("Total 1", wait);
    assert!(s.contains("RT90000004"), "{s}");
    t.literal("#TM:FINISH\r");
    t.wait_for(e.one_scan, wait);
    back(&t);
    t.wait_for("3 Lookup", wait);

    t.literal("/q\r");
    t.wait_for("EXIT=0", wait);
}

#[test]
fn every_screen_on_a_20x16_vt220_handheld() {
    if support::skipped("the PTY screens test", support::tmux_missing()) {
        return;
    }
    drive(&Expect {
        term: "vt220",
        width: 20,
        height: 16,
        report_title: "Expiring in 30 days",
        profile: "vt",
        one_scan: "open, 1 scan",
    });
}

#[test]
fn every_screen_in_an_80x24_xterm() {
    if support::skipped("the PTY screens test", support::tmux_missing()) {
        return;
    }
    drive(&Expect {
        term: "xterm",
        width: 80,
        height: 24,
        report_title: "Expiring within 30 days",
        profile: "full",
        one_scan: "open        1        4",
    });
}
