//! The command-line contract, run against the real binary: exit codes (0 done, 1 refused or
//! invalid, 2 usage, 3 storage), `--json` shapes, refusals that change nothing, help.

mod support;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use support::cli::Cli as Env;

fn env() -> Env {
    Env::new()
}

impl Env {
    /// Runs a command that must succeed with `input` on its standard input; its stdout.
    fn fed(&self, args: &[&str], input: &[u8]) -> String {
        let out = self.run_in(&self.db, args, input);
        support::cli::assert_exit(&out, 0, args);
        support::cli::stdout(&out)
    }

    /// Runs a command that must exit with `code`; its stderr.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        self.exits(code, args).1
    }

    /// Receives laptops (LAP-14) from Northwind on `invoice` into WH1/A/01.
    fn receive_laptops(&self, invoice: &str, serials: &[&str]) {
        let mut args = vec![
            "receive",
            "--product",
            "LAP-14",
            "--supplier",
            "Northwind",
            "--invoice",
            invoice,
            "--to",
            "WH1/A/01",
        ];
        args.extend_from_slice(serials);
        self.ok(&args);
    }

    /// Transfers a laptop (LAP-14) from one bin to another.
    fn move_laptop(&self, serial: &str, from: &str, to: &str) {
        self.ok(&[
            "transfer",
            "--product",
            "LAP-14",
            "--from",
            from,
            "--to",
            to,
            serial,
        ]);
    }

    /// Sells laptops (LAP-14) to ACME on `invoice`.
    fn sell_laptops(&self, invoice: &str, serials: &[&str]) {
        let mut args = vec![
            "sell",
            "--product",
            "LAP-14",
            "--customer",
            "ACME",
            "--invoice",
            invoice,
        ];
        args.extend_from_slice(serials);
        self.ok(&args);
    }

    /// Opens count 1 over WH1/A/01 and scans `lines` there through `count scan`.
    fn count_bin_one(&self, lines: &[&str]) {
        self.ok(&["count", "open", "Bin 1", "--location", "WH1/A/01"]);
        let mut scan = self
            .cmd()
            .args(["count", "scan", "1", "--location", "WH1/A/01"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::io::Write::write_all(scan.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
        drop(scan.stdin.take());
        assert!(scan.wait_with_output().unwrap().status.success());
    }

    /// The one JSON error document of a refused command (exit 1).
    fn json_fails(&self, args: &[&str]) -> Value {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        let out = self.run(&full);
        assert_eq!(out.status.code(), Some(1), "tallyman {full:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn journal_bytes(&self) -> Vec<u8> {
        std::fs::read(self.db.join("journal.tlj")).unwrap()
    }

    /// Master data through the CLI: a strict, a soft and a quantity product, two parties.
    fn setup(&self) {
        self.ok(&["party", "add", "--name", "Northwind", "--role", "supplier"]);
        self.ok(&["party", "add", "--name", "ACME", "--role", "customer"]);
        self.ok(&["location", "add", "WH1/A/01", "--name", "Bin 1"]);
        self.ok(&["product", "add", "--sku", "LAP-14", "--name", "Laptop"]);
        self.ok(&[
            "product",
            "add",
            "--sku",
            "CBL",
            "--name",
            "Cable",
            "--tracking",
            "soft",
        ]);
        self.ok(&[
            "product",
            "add",
            "--sku",
            "BAT",
            "--name",
            "Batteries",
            "--tracking",
            "none",
        ]);
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------- demo, check

#[test]
fn demo_without_tui_exits_0_and_the_result_checks_healthy() {
    let e = env();
    let out = e.ok(&["demo", "--no-tui"]);
    assert!(out.contains("3000 serialised units"), "{out}");
    let v = e.json(&["check"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["problems"], Value::Array(vec![]));
    assert!(v["entries"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["units"].as_u64().unwrap() >= 3000, "{v}");
    let text = e.ok(&["check"]);
    assert!(text.starts_with("ok: "), "{text}");
    // The demo's example lookups work.
    let v = e.json(&["lookup", "RT00000001"]);
    assert_eq!(v["product"], "RT-AX55");
    let v = e.json(&["lookup", "(01)09506000134352(21)RT00000001"]);
    assert_eq!(
        v["serial"], "RT00000001",
        "a GS1 scan is decoded for lookup"
    );
}

#[test]
fn the_demo_count_holds_three_planted_mistakes_and_says_what_to_scan() {
    let e = env();
    let out = e.ok(&["demo", "--no-tui", "--units", "200"]);
    // The guide is wrapped at 80 columns: read it as words.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("try the three jobs on count 1 \"Demo aisle WH3/A\""),
        "{out}"
    );
    assert!(
        words.contains("scan WH3/A/01, then RT90000001 RT90000002 5CG9000101 RT90000004"),
        "{out}"
    );
    // The newcomer's scans, as the scan loop reads them.
    let said = e.fed(
        &["count", "scan", "1", "--location", "WH3/A/01"],
        b"RT90000001\nRT90000002\n5CG9000101\nRT90000004\n",
    );
    assert!(
        said.contains("[here 1/3 +2 unexpected +1 unknown, count 4]"),
        "{said}"
    );
    // The laptop that was never received is known to the count.
    let err = e.fails(1, &["lookup", "5CG9000101"]);
    assert!(err.contains("has no unit"), "{err}");
    assert!(err.contains("counted in count 1 at WH3/A/01"), "{err}");
    // Each mistake comes with the fix that undoes it.
    let m = e.ok(&["count", "mismatches", "1"]);
    for want in [
        "replace by \"RT90000003\"",
        "replace by \"5CG9000108\"",
        "in stock at WH3/A/02",
    ] {
        assert!(m.contains(want), "{want}:\n{m}");
    }
}

#[test]
fn batteries_are_counted_by_quantity_from_the_command_line() {
    let e = env();
    e.ok(&["demo", "--no-tui", "--units", "200"]);
    let out = e.ok(&["count", "open", "--location", "WH1/C/08", "--show-expected"]);
    assert!(out.contains("opened count 2"), "{out}");
    let said = e.fed(
        &["count", "scan", "2", "--location", "WH1/C/08"],
        b"BAT-AA\n470\n",
    );
    assert!(said.contains("qty? BAT-AA: how many?"), "{said}");
    assert!(
        said.contains("counted 470 x BAT-AA @WH1/C/08 [here 470/480]"),
        "{said}"
    );
    let v = e.json(&["count", "mismatches", "2"]);
    assert_eq!(
        v["quantities"],
        serde_json::json!([{"location": "WH1/C/08", "sku": "BAT-AA", "expected": 480, "counted": 470}])
    );
}

#[test]
fn check_exits_0_on_a_healthy_database_and_3_on_a_damaged_one() {
    let e = env();
    e.setup();
    e.receive_laptops("I-1", &["SN1", "SN2"]);
    let out = e.ok(&["check"]);
    assert!(out.contains("chain intact"), "{out}");
    let v = e.json(&["check"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 7);
    assert_eq!(v["units"], 2);
    // Flip a byte inside the 3rd entry.
    let mut bytes = e.journal_bytes();
    let mut offset = 8usize;
    for _ in 0..2 {
        let len = u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        offset += 8 + len;
    }
    bytes[offset + 12] ^= 0x01;
    std::fs::write(e.db.join("journal.tlj"), bytes).unwrap();
    let err = e.fails(3, &["check"]);
    assert!(err.contains("entry 3"), "{err}");
}

/// Without a terminal the demo's words are wrapped at 80 columns, also with a database path
/// that alone is longer; nothing is lost (every example command is there, as words).
#[test]
fn the_demo_says_everything_within_80_columns() {
    let e = env();
    let deep = e
        .tmp
        .path()
        .join("a-rather-long-folder-name/".repeat(4))
        .join("db");
    std::fs::create_dir_all(&deep).unwrap();
    let deep = deep.to_str().unwrap();
    let out = e.run_in(
        std::path::Path::new(deep),
        &["demo", "--no-tui", "--units", "200"],
        b"",
    );
    support::cli::assert_exit(&out, 0, &["demo"]);
    let text = support::cli::stdout(&out);
    assert!(deep.len() > 80, "{deep}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{} > 80: {line}", line.len());
    }
    let words = text.split_whitespace().collect::<Vec<_>>();
    assert!(words.contains(&"check"), "{text}");
    assert!(words.contains(&"(F4)"), "{text}");
    assert!(text.starts_with("demo database"), "{text}");
}

// ---------------------------------------------------------------- postings and lookup

#[test]
fn lookup_json_has_serial_product_state_and_events_oldest_first() {
    let e = env();
    e.setup();
    e.ok(&[
        "receive",
        "--product",
        "LAP-14",
        "--supplier",
        "Northwind",
        "--invoice",
        "INV-7",
        "--to",
        "WH1/A/01",
        "--cost",
        "680",
        "--date",
        "2026-01-10",
        "5cg001",
    ]);
    e.ok(&[
        "sell",
        "--product",
        "LAP-14",
        "--customer",
        "ACME",
        "--invoice",
        "SI-9",
        "--from",
        "WH1",
        "--price",
        "999.00",
        "--date",
        "2026-02-01",
        "5CG001",
    ]);
    let v = e.json(&["lookup", "5cg001"]);
    assert!(v.is_object(), "{v}");
    assert_eq!(v["serial"], "5CG001");
    assert_eq!(v["product"], "LAP-14");
    assert_eq!(v["state"], "sold");
    assert_eq!(v["customer"], "ACME");
    assert_eq!(v["supplier"], "Northwind");
    assert_eq!(v["cost"], "680.00");
    assert_eq!(v["sale"]["price"], "999.00");
    assert_eq!(v["sale"]["document"], "S-2026-0001");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{v}");
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["received", "sold"]);
    assert_eq!(events[0]["document"], "R-2026-0001");
    assert_eq!(events[1]["document"], "S-2026-0001");
    assert_eq!(events[0]["date"], "2026-01-10");
    assert_eq!(events[0]["actor"], "tester");
    assert_eq!(events[1]["amount"], "999.00");
    assert_eq!(events[1]["party"], "ACME");
    for ev in events {
        let at = ev["at"].as_str().unwrap();
        assert!(
            at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
            "`at` is an RFC 3339 UTC time: {at}"
        );
    }
    assert!(events[0]["seq"].as_u64() < events[1]["seq"].as_u64());
    // The text form shows the margin.
    let text = e.ok(&["lookup", "5CG001"]);
    assert!(text.contains("margin 319.00"), "{text}");

    let err = e.fails(1, &["lookup", "NOPE-1"]);
    assert!(err.contains("\"NOPE-1\""), "{err}");
}

/// sled's snapshot files, named by the log position each was taken at.
fn snapshots(db: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(db.join("state"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("snap."))
        .collect();
    names.sort();
    names
}

#[test]
fn commands_that_only_read_leave_the_store_where_they_found_it() {
    // A read that flushed sled's own id counter moved its log past the snapshot, and every
    // next open wrote the whole page table anew before its first read (a tenth of a lookup
    // on a big store).
    let e = env();
    e.setup();
    e.receive_laptops("INV-1", &["5CG001"]);
    e.ok(&["lookup", "5CG001"]);
    let before = snapshots(&e.db);
    assert!(!before.is_empty(), "sled keeps a snapshot in {:?}", e.db);
    for _ in 0..3 {
        e.ok(&["lookup", "5CG001"]);
        e.ok(&["stock"]);
    }
    assert_eq!(snapshots(&e.db), before, "reads rewrote sled's snapshot");
    // A write still reaches the store for the next process.
    e.sell_laptops("SI-1", &["5CG001"]);
    let v = e.json(&["lookup", "5CG001"]);
    assert_eq!(v["state"], "sold", "{v}");
    e.ok(&["check"]);
}

#[test]
fn receiving_a_strict_serial_twice_exits_1_naming_it_and_changes_nothing() {
    let e = env();
    e.setup();
    let receive = [
        "receive",
        "--product",
        "LAP-14",
        "--supplier",
        "Northwind",
        "--invoice",
        "INV-1",
        "SN-100",
        "SN-101",
    ];
    let out = e.ok(&receive);
    let year = support::cli::this_year();
    assert_eq!(out, format!("posted receipt R-{year}-0001: 2 line(s)\n"));
    let v = e.json(&["lookup", "SN-100"]);
    assert_eq!(v["location"], "RECEIVING", "receipts default to RECEIVING");
    let journal = e.journal_bytes();
    let keys = e.json(&["check"])["keys"].clone();

    let err = e.fails(1, &receive);
    assert!(err.contains("\"SN-100\""), "{err}");
    assert!(err.contains("\"SN-101\""), "{err}");
    assert!(err.contains("in stock at RECEIVING"), "{err}");
    assert_eq!(e.journal_bytes(), journal, "a refusal wrote to the journal");
    assert_eq!(e.json(&["check"])["keys"], keys);
    let v = e.json(&["lookup", "SN-100"]);
    assert_eq!(v["events"].as_array().unwrap().len(), 1, "{v}");

    // --json refusals are JSON too.
    let mut args = vec!["--json"];
    args.extend_from_slice(&receive);
    let out = e.run(&args);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exit_code"], 1);
    assert!(v["error"].as_str().unwrap().contains("SN-100"), "{v}");
}

#[test]
fn postings_through_the_cli_follow_the_rules() {
    let e = env();
    e.setup();
    e.ok(&["location", "add", "WH2"]);
    e.ok(&[
        "receive",
        "--product",
        "LAP-14",
        "--supplier",
        "Northwind",
        "--invoice",
        "I-1",
        "--to",
        "WH1/A/01",
        "--qty",
        "2",
        "L1",
        "L2",
    ]);
    // --qty must match the serials of a strict product.
    let err = e.fails(
        1,
        &[
            "receive",
            "--product",
            "LAP-14",
            "--supplier",
            "Northwind",
            "--invoice",
            "I-2",
            "--qty",
            "3",
            "L3",
            "L4",
        ],
    );
    assert!(err.contains("quantity is 3 but 2 serials"), "{err}");
    let err = e.fails(
        1,
        &[
            "sell",
            "--product",
            "LAP-14",
            "--customer",
            "ACME",
            "--invoice",
            "S-1",
            "--from",
            "WH2",
            "L1",
        ],
    );
    assert!(
        err.contains("\"L1\"") && err.contains("not at WH2"),
        "{err}"
    );
    e.ok(&[
        "transfer",
        "--product",
        "LAP-14",
        "--from",
        "WH1",
        "--to",
        "WH2",
        "L1",
    ]);
    e.ok(&[
        "sell",
        "--product",
        "LAP-14",
        "--customer",
        "ACME",
        "--invoice",
        "S-1",
        "--from",
        "WH2",
        "L1",
    ]);
    let err = e.fails(
        1,
        &[
            "return",
            "--product",
            "LAP-14",
            "--customer",
            "Northwind",
            "--to",
            "WH2",
            "L1",
        ],
    );
    assert!(err.contains("not a customer"), "{err}");
    e.ok(&[
        "return",
        "--product",
        "LAP-14",
        "--customer",
        "ACME",
        "--to",
        "WH2",
        "L1",
    ]);
    let err = e.fails(1, &["write-off", "--product", "LAP-14", "L2"]);
    assert!(err.contains("reason"), "{err}");
    e.ok(&[
        "write-off",
        "--product",
        "LAP-14",
        "--reason",
        "broken",
        "L2",
    ]);
    let v = e.json(&["lookup", "L1"]);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "transferred", "sold", "returned"]);
    assert_eq!(v["location"], "WH2");
    assert_eq!(e.json(&["lookup", "L2"])["state"], "written-off");

    // Soft mode: a warning with the reason.
    let out = e.json(&[
        "sell",
        "--product",
        "CBL",
        "--customer",
        "ACME",
        "--invoice",
        "S-2",
        "--reason",
        "display unit",
        "C-9",
    ]);
    assert_eq!(out["warnings"][0]["reason"], "display unit", "{out}");
    e.fails(
        1,
        &[
            "sell",
            "--product",
            "CBL",
            "--customer",
            "ACME",
            "--invoice",
            "S-3",
            "C-10",
        ],
    );

    // Quantities.
    e.ok(&[
        "receive",
        "--product",
        "BAT",
        "--supplier",
        "Northwind",
        "--invoice",
        "I-9",
        "--to",
        "WH2",
        "--qty",
        "10",
    ]);
    let err = e.fails(
        1,
        &[
            "sell",
            "--product",
            "BAT",
            "--customer",
            "ACME",
            "--invoice",
            "S-4",
            "--from",
            "WH2",
            "--qty",
            "11",
        ],
    );
    assert!(err.contains("found 10"), "{err}");
    let stock = e.json(&["stock", "--product", "BAT"]);
    assert_eq!(stock[0]["qty"], 10, "{stock}");
    assert_eq!(
        e.json(&["stock", "--location", "WH2"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let csv = e.ok(&["export", "stock", "--csv", "--location", "WH2"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("location,sku,name,serial,qty"));
    assert_eq!(csv.lines().count(), 3, "{csv}");

    let v = e.json(&["check"]);
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn bad_input_values_exit_1() {
    let e = env();
    e.setup();
    for (args, needle) in [
        (
            vec![
                "receive",
                "--product",
                "LAP-14",
                "--supplier",
                "Northwind",
                "--invoice",
                "I",
                "--date",
                "2026-02-30",
                "X1",
            ],
            "2026-02-30",
        ),
        (
            vec![
                "receive",
                "--product",
                "LAP-14",
                "--supplier",
                "Northwind",
                "--invoice",
                "I",
                "--cost",
                "12.345",
                "X1",
            ],
            "12.345",
        ),
        (
            vec![
                "receive",
                "--product",
                "LAP-14",
                "--supplier",
                "Northwind",
                "--invoice",
                "I",
            ],
            "--qty",
        ),
        (
            vec![
                "product",
                "add",
                "--sku",
                "Z",
                "--name",
                "z",
                "--tracking",
                "loose",
            ],
            "\"loose\"",
        ),
        (
            vec![
                "product",
                "add",
                "--sku",
                "Z",
                "--name",
                "z",
                "--serial-format",
                "regex:(",
            ],
            "regex",
        ),
        (
            vec!["party", "add", "--name", "Z", "--role", "friend"],
            "\"friend\"",
        ),
        (vec!["location", "add", "WH 1"], "location code"),
        (
            vec![
                "sell",
                "--product",
                "NOPE",
                "--customer",
                "ACME",
                "--invoice",
                "I",
                "X",
            ],
            "tallyman product add",
        ),
    ] {
        let err = e.fails(1, &args);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn a_storage_failure_exits_3() {
    let e = env();
    // The journal's place is taken by a folder: the database cannot be opened.
    std::fs::create_dir(e.db.join("journal.tlj")).unwrap();
    let out = e.cmd().args(["stock"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------- decode

#[test]
fn decode_json_has_every_field_with_nulls() {
    let e = env();
    // Raw element strings with the GS separator written as \x1d, and the hand-typed form.
    let raw = e.json(&["decode", "]C101095060001343521726030010LOT7\\x1d21SN9"]);
    let v = e.json(&["decode", "(01)09506000134352(17)260300(10)LOT7(21)SN9"]);
    assert_eq!(raw, v);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["expiry", "gtin", "imei", "kind", "lot", "serial"],
        "{v}"
    );
    assert_eq!(v["kind"], "gs1");
    assert_eq!(v["gtin"], "09506000134352");
    assert_eq!(v["expiry"], "260300");
    assert_eq!(v["lot"], "LOT7");
    assert_eq!(v["serial"], "SN9");
    assert_eq!(v["imei"], Value::Null);

    let v = e.json(&["decode", "490154203237518"]);
    assert_eq!(v["kind"], "imei");
    assert_eq!(v["imei"], "490154203237518");
    assert_eq!(v["serial"], Value::Null);
    assert_eq!(v["gtin"], Value::Null);

    let v = e.json(&["decode", "21345678"]);
    assert_eq!(
        v["kind"], "plain",
        "a plain serial is never read as AI (21)"
    );
    assert_eq!(v["serial"], "21345678");
    assert_eq!(
        (&v["gtin"], &v["lot"], &v["expiry"], &v["imei"]),
        (&Value::Null, &Value::Null, &Value::Null, &Value::Null)
    );

    let text = e.ok(&["decode", "(01)09506000134352(21)RT1"]);
    assert_eq!(
        text, "kind    gs1\nserial  RT1\ngtin    09506000134352\n",
        "the text shows the fields there are, in order"
    );
}

#[test]
fn decode_exits_1_on_a_bad_scan() {
    let e = env();
    let err = e.fails(1, &["decode", "(01)09506000134353(21)X"]);
    assert!(err.contains("check digit"), "{err}");
    e.fails(1, &["decode", "   "]);
    let out = e.run(&["--json", "decode", "(01)09506000134353(21)X"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exit_code"], 1);
}

// ---------------------------------------------------------------- usage and help

#[test]
fn usage_errors_exit_2() {
    let e = env();
    for args in [
        vec!["frobnicate"],
        vec!["receive", "--product", "P", "--invoice", "I", "X"],
        vec![
            "receive",
            "--product",
            "P",
            "--invoice",
            "I",
            "--bogus",
            "X",
        ],
        vec!["import", "widgets", "file.csv"],
        vec![
            "receive",
            "--product",
            "P",
            "--supplier",
            "S",
            "--invoice",
            "I",
            "--qty",
            "many",
        ],
        vec!["lookup"],
        vec!["product"],
    ] {
        let out = e.run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "tallyman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !e.db.join("journal.tlj").exists(),
        "a usage error opened the database"
    );
}

#[test]
fn help_works_for_every_subcommand() {
    let e = env();
    let top = e.ok(&["--help"]);
    let subcommands = [
        "product",
        "location",
        "party",
        "receive",
        "sell",
        "return",
        "transfer",
        "write-off",
        "lookup",
        "stock",
        "import",
        "export",
        "decode",
        "check",
        "rebuild",
        "backup",
        "restore",
        "demo",
    ];
    for name in subcommands {
        assert!(
            top.lines().any(|l| l.trim_start().starts_with(name)),
            "`tallyman --help` does not list {name}:\n{top}"
        );
    }
    let mut all: Vec<Vec<&str>> = subcommands.iter().map(|s| vec![*s]).collect();
    all.extend([
        vec!["product", "add"],
        vec!["product", "list"],
        vec!["location", "add"],
        vec!["location", "list"],
        vec!["party", "add"],
        vec!["party", "list"],
        vec!["export", "stock"],
    ]);
    for cmd in all {
        let mut args = cmd.clone();
        args.push("--help");
        let out = e.ok(&args);
        assert!(out.contains("Usage: tallyman"), "{cmd:?}: {out}");
        let mut args = vec!["help"];
        args.extend_from_slice(&cmd);
        assert!(e.ok(&args).contains("Usage:"), "tallyman help {cmd:?}");
    }
    assert!(e.ok(&["--version"]).starts_with("tallyman "));
    assert!(
        !e.db.join("journal.tlj").exists(),
        "help opened the database"
    );
}

// ---------------------------------------------------------------- robustness

#[test]
fn a_database_in_use_is_reported_plainly() {
    let e = env();
    e.setup();
    let (svc, _) = tallyman::ops::local::Service::open(&e.db).unwrap();
    let out = e.cmd().args(["stock"]).output().unwrap();
    drop(svc);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    // Which process holds it, that it is not a server, and what to do.
    let pid = std::process::id();
    assert!(err.contains(&format!("in use by pid {pid} (")), "{err}");
    assert!(
        err.contains("not a server. Ask an admin to run: tallyman serve"),
        "{err}"
    );
    assert!(!err.contains("WouldBlock"), "{err}");
}

#[test]
fn a_closed_stdout_pipe_does_not_panic() {
    let e = env();
    e.ok(&["demo", "--no-tui", "--units", "2000"]);
    let mut child = e
        .cmd()
        .args(["--json", "stock"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head`
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

#[test]
fn backup_and_restore_paths_are_checked() {
    let e = env();
    e.setup();
    let file = e.tmp.path().join("b.tlj");
    let v = e.json(&["backup", path_str(&file)]);
    assert_eq!(v["bytes"].as_u64().unwrap(), e.journal_bytes().len() as u64);
    let missing = e.tmp.path().join("missing.tlj");
    let err = e.fails(1, &["restore", path_str(&missing)]);
    assert!(err.contains("missing.tlj"), "{err}");
}

// ---------------------------------------------------------------- resolutions

#[test]
fn count_replace_refuses_a_missing_serial_that_was_counted() {
    let e = env();
    e.setup();
    e.receive_laptops("INV-1", &["L-1", "L-2", "L-3"]);
    e.sell_laptops("SO-1", &["L-3"]);
    // L-1 and L-3 (recorded sold) are on the shelf; L-2 is not.
    e.count_bin_one(&["L-1", "L-3"]);
    let before = e.journal_bytes();
    // L-1 was counted: it is not short, so the sale of L-3 is not rewritten onto it.
    let err = e.fails(
        1,
        &[
            "count",
            "replace",
            "1",
            "--found",
            "L-3",
            "--missing",
            "L-1",
        ],
    );
    assert!(
        err.contains("SN \"L-1\" was counted in count 1 (scan 1 at WH1/A/01): it is not short"),
        "{err}"
    );
    let v = e.json_fails(&[
        "count",
        "replace",
        "1",
        "--found",
        "L-3",
        "--missing",
        "L-1",
    ]);
    assert_eq!(v["kind"], "conflict", "{v}");
    assert_eq!(v["about"], "L-1", "{v}");
    assert_eq!(e.journal_bytes(), before, "a refusal wrote to the journal");
    // The real shortage is accepted.
    e.ok(&[
        "count",
        "replace",
        "1",
        "--found",
        "L-3",
        "--missing",
        "L-2",
    ]);
}

#[test]
fn a_posted_counts_report_never_changes_when_stock_moves_later() {
    let e = env();
    e.setup();
    e.ok(&["location", "add", "WH1/A/02"]);
    e.receive_laptops("INV-1", &["L-1", "L-2", "L-3"]);
    e.count_bin_one(&["L-1", "L-2", "X-9"]);
    e.ok(&["count", "accept", "1", "L-3", "--note", "on the truck"]);
    e.ok(&["count", "accept", "1", "X-9", "--note", "sample"]);
    e.ok(&["count", "post", "1"]);
    let reports = |e: &Env| {
        (
            e.ok(&["count", "report", "1"]),
            e.ok(&["--json", "count", "report", "1"]),
            e.ok(&["count", "report", "1", "--csv"]),
            e.ok(&["--json", "count", "mismatches", "1"]),
        )
    };
    let before = reports(&e);
    assert!(before.0.contains("L-3"), "{}", before.0);
    // Later: a receipt into the bin, a sale of a counted unit, a transfer of another, the
    // accepted unit sold too.
    e.receive_laptops("INV-2", &["L-4"]);
    e.sell_laptops("SO-2", &["L-1", "L-3"]);
    e.move_laptop("L-2", "WH1/A/01", "WH1/A/02");
    let after = reports(&e);
    assert_eq!(before.0, after.0, "text report changed");
    assert_eq!(before.1, after.1, "JSON report changed");
    assert_eq!(before.2, after.2, "CSV report changed");
    assert_eq!(before.3, after.3, "mismatches changed");
    // check replays the frozen report into the same store.
    e.ok(&["check"]);
}

/// A unit a movement touched after the count opened is marked on its row, in the text and in
/// the JSON flags; one counted and then sold stays matched (no row, counted in `matched`).
#[test]
fn rows_moved_during_the_count_are_marked_and_a_counted_unit_sold_stays_matched() {
    let e = env();
    e.setup();
    e.ok(&["location", "add", "WH1/A/02"]);
    e.receive_laptops("INV-1", &["L-1", "L-2", "L-3"]);
    e.ok(&["count", "open", "Aisle A", "--location", "WH1/A"]);
    e.fed(&["count", "scan", "1", "--location", "WH1/A/01"], b"L-1\n");
    // During the count: L-1 (counted) is sold, L-2 (not counted) moves to the next bin.
    e.sell_laptops("SO-1", &["L-1"]);
    e.move_laptop("L-2", "WH1/A/01", "WH1/A/02");
    let text = e.ok(&["count", "mismatches", "1"]);
    assert!(text.contains("matched 1, shortage 2, surplus 0"), "{text}");
    let row = |serial: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(serial))
            .unwrap_or_else(|| panic!("no row of {serial}:\n{text}"))
            .to_string()
    };
    assert!(row("L-2").ends_with(" [moved during count]"), "{text}");
    assert!(!row("L-3").contains("[moved"), "{text}");
    assert!(text.lines().all(|l| !l.contains("L-1")), "{text}");
    let v = e.json(&["count", "mismatches", "1"]);
    let flag = |serial: &str| {
        v["shortage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["serial"] == serial)
            .map(|r| r["flags"]["moved_since_open"].clone())
    };
    assert_eq!(flag("L-2"), Some(Value::Bool(true)), "{v}");
    assert_eq!(flag("L-3"), Some(Value::Bool(false)), "{v}");
    assert_eq!(v["matched"], 1);
}

// ---------------------------------------------------------------- the scan loop's exit code

impl Env {
    /// `count scan 1` at WH3/A/01 (the demo's count) fed `lines`: its exit code, its answer
    /// lines and its standard error.
    fn scan_demo_count(&self, json: bool, lines: &[&[u8]]) -> (Option<i32>, Vec<String>, String) {
        let mut args = vec!["count", "scan", "1", "--location", "WH3/A/01"];
        if json {
            args.insert(0, "--json");
        }
        let input: Vec<u8> = lines.iter().flat_map(|l| [*l, b"\n"].concat()).collect();
        let out = self.run_in(&self.db, &args, &input);
        (
            out.status.code(),
            support::cli::stdout(&out)
                .lines()
                .map(str::to_string)
                .collect(),
            support::cli::stderr(&out),
        )
    }

    /// The serials `count export 1` lists.
    fn exported(&self) -> Vec<String> {
        self.ok(&["count", "export", "1"])
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1).map(str::to_string))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[test]
fn count_scan_exits_0_only_when_every_line_was_taken() {
    let e = Env::with_demo(200);
    // Counted, sold to a customer, never received, a duplicate: each is a scan the count
    // keeps, so the session exits 0.
    let (code, said, err) = e.scan_demo_count(
        false,
        &[b"RT90000001", b"RT90000002", b"5CG9000101", b"RT90000001"],
    );
    assert_eq!(code, Some(0), "{said:?} {err}");
    assert_eq!(said.len(), 4, "{said:?}");
    assert!(err.is_empty(), "{err}");
    // A bad scan among good ones: the good ones are saved, the session exits 1 and says how
    // many lines it did not take.
    let (code, said, err) = e.scan_demo_count(
        false,
        &[b"RT90000003", b"\x01RT", b"RT90000004", b"#TM:BOGUS"],
    );
    assert_eq!(code, Some(1), "{said:?} {err}");
    assert_eq!(said.len(), 4, "{said:?}");
    assert!(said[1].starts_with("error bad scan:"), "{said:?}");
    assert!(said[3].starts_with("error "), "{said:?}");
    assert!(
        err.contains("count scan: 2 of 4 lines not taken (see the error lines)"),
        "{err}"
    );
    let saved = e.exported();
    assert!(saved.contains(&"RT90000003".to_string()), "{saved:?}");
    assert!(saved.contains(&"RT90000004".to_string()), "{saved:?}");
    // The same with --json: the answer lines only, each one JSON object, the same exit code.
    let (code, said, _) = e.scan_demo_count(true, &[b"RT90000001", b"\x01RT"]);
    assert_eq!(code, Some(1), "{said:?}");
    assert_eq!(said.len(), 2, "{said:?}");
    let answers: Vec<Value> = said
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers[0]["answer"], "duplicate");
    assert_eq!(answers[1]["answer"], "error");
}

#[test]
fn a_mistyped_quantity_is_refused_records_nothing_and_the_next_line_is_still_the_quantity() {
    let e = Env::with_demo(200);
    let (code, said, _) = e.scan_demo_count(
        false,
        &[b"BAT-AA", b"abc", b"99999999999", b"0", b"4", b"RT90000001"],
    );
    assert_eq!(code, Some(1), "{said:?}");
    assert_eq!(said[0], "qty? BAT-AA: how many? (the next line)");
    for (line, found) in [(1, "abc"), (2, "99999999999"), (3, "0")] {
        assert_eq!(
            said[line],
            format!(
                "error bad scan: expected a quantity of \"BAT-AA\" like 24 (or -2 to take back), found \"{found}\"; the next line is the quantity"
            ),
            "{said:?}"
        );
    }
    assert_eq!(
        said[4], "counted 4 x BAT-AA @WH3/A/01 [here 4/0]",
        "{said:?}"
    );
    assert!(said[5].starts_with("counted SN \"RT90000001\""), "{said:?}");
    // No mistyped quantity became a serial of the count.
    assert_eq!(e.exported(), ["RT90000001"]);
    // A command barcode leaves the question: the count ends there, nothing refused.
    let (code, said, _) = e.scan_demo_count(false, &[b"BAT-AA", b"#TM:FINISH"]);
    assert_eq!(code, Some(0), "{said:?}");
    assert_eq!(said[1], "finish count 1", "{said:?}");
}

#[test]
fn quantities_counted_are_in_the_export_and_the_report_and_an_unknown_count_is_refused() {
    let e = Env::with_demo(200);
    let (code, said, _) =
        e.scan_demo_count(false, &[b"BAT-AA", b"6", b"BAT-AA", b"-1", b"RT90000001"]);
    assert_eq!(code, Some(0), "{said:?}");
    // CSV: every scan, then one row per product and location counted by quantity.
    let csv = e.ok(&["count", "export", "1"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "number,serial,sku,location,counter,at,answer,first,undone,qty"
    );
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows[1].starts_with("1,RT90000001,RT-AX55,WH3/A/01,"),
        "{csv}"
    );
    assert!(rows[1].ends_with(",counted,,false,"), "{csv}");
    assert_eq!(rows[2], ",,BAT-AA,WH3/A/01,,,quantity,,,5");
    // JSON: the same rows, the same keys.
    let v = e.json(&["count", "export", "1"]);
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["qty"], Value::Null);
    assert_eq!(list[1]["answer"], "quantity");
    assert_eq!(list[1]["sku"], "BAT-AA");
    assert_eq!(list[1]["qty"], 5);
    assert_eq!(list[1]["serial"], Value::Null);
    let keys = |o: &Value| o.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&list[0]), keys(&list[1]));
    // The report's CSV has the quantity that differs from the books (none on them).
    let report = e.ok(&["count", "report", "1", "--csv"]);
    assert!(
        report
            .lines()
            .any(|l| l == "quantity,BAT-AA,,WH3/A/01,counted 5 of 0 (+5)"),
        "{report}"
    );
    // A count that is not there: refused as `count show` refuses it.
    let err = e.fails(1, &["count", "export", "99"]);
    assert!(
        err.contains("expected a count number, found \"99\": no such count"),
        "{err}"
    );
    let (out, _) = e.exits(1, &["count", "show", "99"]);
    assert!(out.is_empty(), "{out}");
    let v = e.json_fails(&["count", "export", "99"]);
    assert_eq!(v["kind"], "unknown", "{v}");
}

/// The README's examples name the count `count open` opens on the demo by the id it prints
/// (the demo holds count 1), and its line in the screens' list by where `count list` puts it.
#[test]
fn the_readme_names_the_count_it_opens_by_the_id_count_open_prints() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let e = Env::with_demo(200);
    let opened = e.ok(&["count", "open", "Aisle A", "--location", "WH1/A"]);
    let id: u32 = opened
        .strip_prefix("opened count ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{opened}"));
    assert_ne!(id, 1, "the demo holds count 1");
    for example in [
        format!("# prints \"opened count {id} ...\""),
        format!("| tallyman --db /tmp/wh count scan {id}\n"),
        format!("tallyman --db /tmp/wh count mismatches {id} "),
    ] {
        assert!(readme.contains(&example), "README lacks {example:?}");
    }
    for stale in ["count scan 1\n", "count mismatches 1 ", "join count 1"] {
        assert!(!readme.contains(stale), "README still says {stale:?}");
    }
    // The screens' count list puts it where `count list` does: that line's digit joins it.
    let line = e
        .ok(&["count", "list"])
        .lines()
        .position(|l| l.starts_with(&format!("count {id} ")))
        .unwrap()
        + 1;
    let team = readme.split("## A team on one machine").nth(1).unwrap();
    let words = team.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!(
            "then `{line}` to join the count on line {line}: count {id} \"Aisle A\""
        )),
        "{words}"
    );
    // The tour's scans are taken.
    let out = e.run_in(
        &e.db,
        &["count", "scan", &id.to_string()],
        b"WH1/A/01\nRT00000003\nCB-000017\n",
    );
    support::cli::assert_exit(&out, 0, &["count", "scan"]);
}

#[test]
fn a_blank_line_gets_its_own_answer_so_every_line_is_answered_once() {
    let e = Env::with_demo(200);
    // A client that waits for one answer per line never hangs on a blank one.
    let (code, said, err) = e.scan_demo_count(false, &[b"RT90000001", b"", b"  ", b"RT90000003"]);
    assert_eq!(code, Some(0), "a blank line is no refusal: {said:?} {err}");
    assert_eq!(said.len(), 4, "{said:?}");
    assert!(said[0].starts_with("counted SN \"RT90000001\""), "{said:?}");
    assert_eq!(said[1], "empty line ignored", "{said:?}");
    assert_eq!(said[2], "empty line ignored", "{said:?}");
    assert!(said[3].starts_with("counted SN \"RT90000003\""), "{said:?}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(e.exported(), ["RT90000001", "RT90000003"]);
    // A blank line while a quantity is asked for leaves the question.
    let (code, said, _) = e.scan_demo_count(true, &[b"BAT-AA", b"", b"4"]);
    assert_eq!(code, Some(0), "{said:?}");
    assert_eq!(said.len(), 3, "{said:?}");
    let blank: Value = serde_json::from_str(&said[1]).unwrap();
    assert_eq!(blank["answer"], "empty", "{said:?}");
    assert_eq!(blank["detail"], "line ignored", "{said:?}");
    let counted: Value = serde_json::from_str(&said[2]).unwrap();
    assert_eq!(counted["answer"], "counted", "{said:?}");
}

#[test]
fn a_lookup_of_a_huge_serial_quotes_at_most_80_characters_of_it() {
    let e = Env::with_demo(20);
    let huge = "Q".repeat(120_000);
    let err = e.fails(1, &["lookup", &huge]);
    assert!(
        err.contains(&format!("SN \"{}…\" is unknown", "Q".repeat(80))),
        "{}",
        &err[..err.len().min(300)]
    );
    assert!(err.len() < 400, "{} characters", err.len());
}
