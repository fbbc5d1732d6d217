//! The bytes `count mismatches` prints, text and `--json`, for a count with every kind of
//! row (shortages, a moved one, surpluses unknown, elsewhere and sold with the replacement it
//! stands for, a duplicate, a quantity that differs, a counted bin), compared with golden files
//! in `tests/fixtures/output/`: how the output is produced (built whole or streamed) may
//! change, what it says may not. The year of today's document numbers reads `YEAR` there.
//!
//! A missing golden file is written and the test fails once: review it before committing.

mod support;

use std::path::PathBuf;
use support::cli::Cli;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/output")
        .join(name)
}

/// Compares `actual` with the golden file `name`, writing it when it is missing.
fn golden(name: &str, actual: &str) {
    let path = fixture(name);
    match std::fs::read_to_string(&path) {
        Ok(expected) => assert!(
            expected == actual,
            "{name} differs from {}:\n--- expected\n{expected}\n--- printed\n{actual}",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, actual).unwrap();
            panic!("wrote {}: review it, then run again", path.display());
        }
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// A count over WH1/A with one of each kind of row, built through the binary.
fn counted() -> Cli {
    let e = Cli::new();
    for args in [
        &["party", "add", "--name", "Northwind", "--role", "supplier"][..],
        &["party", "add", "--name", "ACME"],
        &["location", "add", "WH1/A/01"],
        &["location", "add", "WH1/A/02"],
        &["location", "add", "WH1/A/03"],
        &["location", "add", "WH2/A/01"],
        &["product", "add", "--sku", "RT", "--name", "Router"],
        &[
            "product",
            "add",
            "--sku",
            "BAT",
            "--name",
            "Batteries",
            "--tracking",
            "none",
        ],
    ] {
        e.ok(args);
    }
    let receive = |to: &str, serials: &[&str]| {
        let mut args = vec![
            "receive",
            "--product",
            "RT",
            "--supplier",
            "Northwind",
            "--invoice",
            "I-1",
            "--to",
            to,
        ];
        args.extend_from_slice(serials);
        e.ok(&args);
    };
    receive("WH1/A/01", &["RT1", "RT2", "RT3", "RT4", "RT9"]);
    receive("WH1/A/02", &["RT5", "RT6"]);
    receive("WH2/A/01", &["RT7"]);
    e.ok(&[
        "receive",
        "--product",
        "BAT",
        "--supplier",
        "Northwind",
        "--invoice",
        "I-2",
        "--to",
        "WH1/A/01",
        "--qty",
        "48",
    ]);
    // RT9 is recorded sold, but RT4 is what left.
    e.ok(&[
        "sell",
        "--product",
        "RT",
        "--customer",
        "ACME",
        "--invoice",
        "S-1",
        "RT9",
    ]);
    e.ok(&["count", "open", "Aisle A", "--location", "WH1/A"]);
    let out = e.run_in(
        &e.db,
        &["count", "scan", "1", "--location", "WH1/A/01"],
        b"RT1\nRT2\nRT2\nRT3\nRT9\nRT7\nNEW-1\n#TM:DONE\n",
    );
    support::cli::assert_exit(&out, 0, &["count", "scan"]);
    // BAT counted by quantity: 46 of 48.
    let out = e.run_in(
        &e.db,
        &["count", "scan", "1", "--location", "WH1/A/01"],
        b"BAT\n46\n",
    );
    support::cli::assert_exit(&out, 0, &["count", "scan", "BAT"]);
    // During the count RT6 (not counted) moves to another bin of the aisle.
    e.ok(&[
        "transfer",
        "--product",
        "RT",
        "--from",
        "WH1/A/02",
        "--to",
        "WH1/A/03",
        "RT6",
    ]);
    e
}

#[test]
fn count_mismatches_prints_the_same_bytes_as_its_golden_files() {
    let e = counted();
    let year = support::cli::this_year().to_string();
    let text = e.ok(&["count", "mismatches", "1"]).replace(&year, "YEAR");
    let json = e
        .ok(&["--json", "count", "mismatches", "1"])
        .replace(&year, "YEAR");
    golden("mismatches.txt", &text);
    golden("mismatches.json", &json);
}
