//! Crash test through `tallyman count scan`: the binary reads serials from a pipe and prints
//! one answer per scan once it is durable; it is killed with SIGKILL right after a chosen
//! number of answers (so among the next scans, whatever the machine's speed), and every
//! "counted" line it printed must be in the count afterwards.

mod support;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::cli::BIN;
const KILLS: usize = 15;
const SERIALS: usize = 3000;

/// Runs the binary to completion, retrying while a killed child's database lock lingers.
fn tallyman(db: &Path, args: &[&str]) -> std::process::Output {
    support::cli::run(db, "tester", args, b"")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = tallyman(db, args);
    assert!(
        out.status.success(),
        "tallyman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn serial(i: usize) -> String {
    format!("CC{i:06}")
}

#[test]
fn every_printed_counted_line_survives_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path();
    ok(
        db,
        &["product", "add", "--sku", "CC", "--name", "Crash carton"],
    );
    ok(
        db,
        &["party", "add", "--name", "Supplier", "--role", "supplier"],
    );
    ok(db, &["location", "add", "WH1/A/01"]);
    let serials: Vec<String> = (0..SERIALS).map(serial).collect();
    let mut args = vec![
        "receive",
        "--product",
        "CC",
        "--supplier",
        "Supplier",
        "--invoice",
        "I-1",
        "--to",
        "WH1/A/01",
    ];
    args.extend(serials.iter().map(String::as_str));
    ok(db, &args);
    ok(db, &["count", "open", "Crash count", "--location", "WH1/A"]);

    let mut printed: HashSet<String> = HashSet::new();
    let mut next = 0usize;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..KILLS {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["count", "scan", "1", "--location", "WH1/A/01"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        // Feed the next serials in bursts, plus one already fed (a duplicate) now and then.
        let batch: Vec<String> = (next..(next + 200).min(SERIALS)).map(serial).collect();
        next = (next + 200).min(SERIALS);
        let writer = std::thread::spawn(move || {
            for chunk in batch.chunks(25) {
                let mut burst = String::new();
                for s in chunk {
                    burst.push_str(s);
                    burst.push('\n');
                }
                burst.push_str(&serial(0));
                burst.push('\n');
                if stdin.write_all(burst.as_bytes()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        // Kill right after the `wanted`th answer: the kill lands among the next scans,
        // whatever the machine's speed.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wanted = 10 + (seed % 40) as usize;
        let mut stdout = BufReader::new(stdout);
        let mut lines = Vec::new();
        while lines.len() < wanted {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            lines.push(line.trim_end().to_string());
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writer.join();
        // What it printed before it died: acknowledged too.
        lines.extend(stdout.lines().map_while(Result::ok));
        assert!(
            lines.len() >= wanted,
            "round {round}: the scan loop ended before {wanted} answers: {lines:?}"
        );
        for line in &lines {
            if let Some(rest) = line.strip_prefix("counted SN \"") {
                let s = rest.split('"').next().unwrap().to_string();
                printed.insert(s);
            }
        }
        // Every printed "counted" serial is in the count, counted and not undone.
        let csv = ok(db, &["count", "export", "1"]);
        let counted: HashSet<String> = csv
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f.get(6) == Some(&"counted") && f.get(8) == Some(&"false"))
                    .then(|| f[1].to_string())
            })
            .collect();
        for s in &printed {
            assert!(
                counted.contains(s),
                "round {round}: printed \"counted {s}\" is lost"
            );
        }
    }
    assert!(
        printed.len() >= 100,
        "only {} scans were acknowledged before the kills",
        printed.len()
    );
    let out = tallyman(db, &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "{KILLS} kills, {} counted lines printed and kept",
        printed.len()
    );
}
