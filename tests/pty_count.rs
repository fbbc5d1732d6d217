//! The scan loop of the real binary in a real PTY (tmux), fed like a keyboard-wedge scanner:
//! 500 serials typed in fast bursts (`send-keys -l` of 50 "SERIAL\r" at once), then the
//! database, read by the CLI after the screens have quit, must hold all 500 as counted.
//!
//! Needs tmux (`.ci/run` installs it; elsewhere the test says it is missing and skips).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::tmux::Tmux;

use support::cli::BIN;

fn cli(db: &Path, args: &[&str]) -> String {
    support::cli::ok(db, "tester", args)
}

#[test]
fn five_hundred_serials_in_scanner_bursts_are_all_counted() {
    if support::skipped("the PTY count test", support::tmux_missing()) {
        return;
    }
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    cli(&db, &["demo", "--no-tui", "--units", "200"]);
    // 500 fresh serials of a plain-format soft-mode product at one bin.
    let serials: Vec<String> = (1..=500).map(|n| format!("PTY{n:06}")).collect();
    let mut receive = vec![
        "receive",
        "--product",
        "CBL-USBC",
        "--supplier",
        "Northwind Distribution",
        "--invoice",
        "PTY-500",
        "--to",
        "WH1/A/01",
    ];
    receive.extend(serials.iter().map(String::as_str));
    cli(&db, &receive);
    let opened = cli(&db, &["count", "open", "Bursts", "--location", "WH1/A"]);
    assert!(opened.contains("opened count 2"), "{opened}");

    // The handheld: a 20x16 VT220.
    let cmd = format!(
        "TERM=vt220 {BIN} --db {}; echo EXIT=$?; sleep 60",
        db.display()
    );
    let t = Tmux::start("count", 20, 16, &cmd);
    let wait = Duration::from_secs(20);
    t.wait_for("1 Count", wait);
    t.literal("1");
    t.wait_for("Bursts", wait);
    t.literal("2");
    t.wait_for("scan a label", wait);
    t.literal("WH1/A/01\r");
    t.wait_for("Loc: WH1/A/01", wait);
    let scanning = Instant::now();
    for burst in serials.chunks(50) {
        let text: String = burst.iter().map(|s| format!("{s}\r")).collect();
        t.literal(&text);
    }
    let screen = t.wait_for("Total 500", Duration::from_secs(120));
    let scan_time = scanning.elapsed();
    assert!(screen.contains("Here 500"), "{screen}");
    assert!(screen.contains("COUNTED"), "{screen}");
    assert!(screen.contains("+PTY000500"), "{screen}");
    assert!(!screen.contains("BAD SCAN"), "{screen}");
    // Finish (PF4), back to the menu (PF3), quit (0): the database is free again.
    t.keys(&["F4"]);
    t.wait_for("500 scans", wait);
    t.keys(&["F3"]);
    t.wait_for("0 Quit", wait);
    t.literal("0");
    let screen = t.wait_for("EXIT=", wait);
    assert!(screen.contains("EXIT=0"), "{screen}");

    // Every serial counted once, at the bin, by this user.
    let show = cli(&db, &["count", "show", "2", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["live"], 500, "{show}");
    assert_eq!(v["scans"], 500, "{show}");
    assert_eq!(v["status"], "open", "{show}");
    let csv = cli(&db, &["count", "export", "2"]);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 500);
    let mut seen: Vec<&str> = Vec::new();
    for row in &rows {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f[6], "counted", "{row}");
        assert_eq!(f[3], "WH1/A/01", "{row}");
        assert_eq!(f[8], "false", "{row}");
        seen.push(f[1]);
    }
    seen.sort_unstable();
    let want: Vec<&str> = serials.iter().map(String::as_str).collect();
    assert_eq!(seen, want);
    eprintln!(
        "500 scans in bursts of 50: {:.1}s from first burst to \"Total 500\"; test {:.1}s",
        scan_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn three_bad_scans_in_a_burst_of_fifty_stay_visible() {
    if support::skipped("the PTY count test", support::tmux_missing()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    cli(&db, &["demo", "--no-tui", "--units", "200"]);
    let opened = cli(&db, &["count", "open", "Burst", "--location", "WH1/A"]);
    assert!(opened.contains("opened count 2"), "{opened}");
    let cmd = format!(
        "TERM=vt220 {BIN} --db {}; echo EXIT=$?; sleep 60",
        db.display()
    );
    let t = Tmux::start("bad", 20, 16, &cmd);
    let wait = Duration::from_secs(20);
    t.wait_for("1 Count", wait);
    t.literal("1");
    t.wait_for("Burst", wait);
    t.literal("2");
    t.wait_for("scan a label", wait);
    t.literal("WH1/A/01\r");
    t.wait_for("Loc: WH1/A/01", wait);
    // 47 serials never received (kept as unknown) and three IMEIs that fail their check
    // digit, spread through one burst; the last one near the end.
    let bad = ["490154203237519", "352099000000015", "352099000000023"];
    let mut scans: Vec<String> = (1..=47).map(|n| format!("BURST{n:04}")).collect();
    scans.insert(10, bad[0].into());
    scans.insert(30, bad[1].into());
    scans.insert(47, bad[2].into());
    let text: String = scans.iter().map(|s| format!("{s}\r")).collect();
    t.literal(&text);
    let screen = t.wait_for("Total 47, 3 bad", Duration::from_secs(60));
    // All three are counted in the figures, and the last one is still in the list, marked,
    // although scans followed it.
    assert!(screen.contains(&format!("x{}", &bad[2][..15])), "{screen}");
    // Leave (finish, menu, quit), then: nothing of the bad ones was recorded.
    t.keys(&["F4"]);
    t.wait_for("47 scans", wait);
    t.keys(&["F3"]);
    t.wait_for("0 Quit", wait);
    t.literal("0");
    let screen = t.wait_for("EXIT=", wait);
    assert!(screen.contains("EXIT=0"), "{screen}");
    let show = cli(&db, &["count", "show", "2", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["live"], 47, "{show}");
}
