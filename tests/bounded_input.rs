//! Bounded input (issue 12, item 7): every free-text field of a command has a length limit,
//! every input file a size limit, dates and periods a range, `demo --units` a maximum; a
//! refused input changes nothing, and a message quotes at most 80 characters of a bad value.
//! Parsing a large config or keymap file is linear: the tests feed big generated files and
//! check what comes out (a quadratic parser would not finish them).

mod support;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use tallyman::config::Config;
use tallyman::domain::limits::{self, MAX_NOTE};
use tallyman::domain::{CountId, Day, DocKind, PartyRole, Period, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::{
    BulkFix, Command, DocRequest, NewCount, NewParty, OpsError, Outcome, RefusalKind,
    ResolveAction, JOURNAL_FILE,
};
use tallyman::tui::keymap::{self, KeymapRequest};

// ---------------------------------------------------------------- fixtures

use support::day;

fn product(sku: &str, format: SerialFormat, category: &str, warranty: Option<Period>) -> Command {
    support::product(sku, format, None, category, warranty)
}

fn party(name: String, role: PartyRole, bill_to: String) -> Command {
    Command::AddParty(NewParty {
        name,
        role,
        bill_to,
        ship_to: String::new(),
    })
}

/// A document of serials of PH-1: receipts from "Supplier", sales to "ACME".
fn doc(kind: DocKind, serials: &[&str], to: Option<&str>, date: Option<Day>) -> DocRequest {
    support::build::new_doc(kind, "PH-1")
        .serials(serials)
        .to(to)
        .date(date)
        .request()
}

fn open_count(svc: &Service) -> CountId {
    let cmd = Command::OpenCount(NewCount {
        name: "test count".into(),
        location: "WH1/A".into(),
        skus: vec![],
        categories: vec![],
        blind: true,
    });
    match svc.execute("admin", cmd).unwrap() {
        Outcome::CountOpened(c) => c.id,
        other => panic!("expected a count, got {other:?}"),
    }
}

// ---------------------------------------------------------------- the service

use support::open_service as open;

/// A database with a phone product, parties, two bins and one phone in stock.
fn stocked() -> (tempfile::TempDir, Service) {
    let tmp = tempfile::tempdir().unwrap();
    let svc = open(tmp.path());
    let setup = vec![
        product("PH-1", SerialFormat::Plain, "phones", None),
        party("Supplier".into(), PartyRole::Supplier, String::new()),
        party("ACME".into(), PartyRole::Customer, String::new()),
        Command::AddLocation {
            code: "WH1/A/01".into(),
            name: String::new(),
        },
    ];
    svc.execute("admin", Command::Batch(setup)).unwrap();
    svc.execute(
        "admin",
        Command::Post(doc(DocKind::Receipt, &["SN1"], Some("WH1/A/01"), None)),
    )
    .unwrap();
    (tmp, svc)
}

fn journal_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(JOURNAL_FILE)).unwrap().len()
}

/// Executes `cmd`, which must be refused with `kind` and exactly `message`, changing nothing.
fn refused(svc: &Service, dir: &Path, cmd: Command, kind: RefusalKind, message: &str) {
    let before = journal_len(dir);
    match svc.execute("admin", cmd) {
        Err(OpsError::Refused(r)) => {
            assert_eq!(r.kind, kind, "{}", r.message);
            assert_eq!(r.message, message);
        }
        other => panic!("expected a refusal ({message}), got {other:?}"),
    }
    assert_eq!(
        journal_len(dir),
        before,
        "a refused command wrote to the journal"
    );
}

fn write_off(reason: String) -> Command {
    Command::Post(DocRequest {
        kind: DocKind::WriteOff,
        date: None,
        party: None,
        invoice: None,
        from: Some("WH1/A/01".into()),
        to: None,
        reason: Some(reason),
        declared_qty: None,
        lines: vec![tallyman::ops::LineRequest {
            sku: "PH-1".into(),
            serial: Some("SN1".into()),
            qty: 1,
            amount: None,
        }],
    })
}

#[test]
fn a_50_mb_reason_is_refused_and_changes_nothing() {
    let (tmp, svc) = stocked();
    let reason = "r".repeat(50 * 1024 * 1024);
    refused(
        &svc,
        tmp.path(),
        write_off(reason),
        RefusalKind::Invalid,
        &format!(
            "reason is 52428800 characters; at most 500: \"{}…\"",
            "r".repeat(80)
        ),
    );
    // The unit is still in stock: the same write-off with a short reason goes through.
    let units = svc.lookup("SN1").unwrap();
    assert_eq!(units[0].unit.state.name(), "in-stock");
    svc.execute("admin", write_off("broken".into())).unwrap();
}

#[test]
fn a_field_at_its_limit_is_taken_and_one_character_more_is_refused() {
    let (tmp, svc) = stocked();
    refused(
        &svc,
        tmp.path(),
        write_off("é".repeat(MAX_NOTE + 1)),
        RefusalKind::Invalid,
        &format!(
            "reason is 501 characters; at most 500: \"{}…\"",
            "é".repeat(80)
        ),
    );
    // Characters, not bytes: 500 two-byte characters are within the limit.
    svc.execute("admin", write_off("é".repeat(MAX_NOTE)))
        .unwrap();
}

#[test]
fn every_free_text_field_of_a_command_has_a_limit() {
    let (tmp, svc) = stocked();
    let long = |n: usize| "x".repeat(n + 1);
    let count = tallyman::domain::CountId(1);
    let mut receipt = doc(DocKind::Receipt, &["SN9"], Some("WH1/A/01"), None);
    receipt.invoice = Some(long(64));
    let cases: Vec<(Command, &str, usize)> = vec![
        (Command::Post(receipt), "invoice", 64),
        (
            product(&long(64), SerialFormat::Plain, "c", None),
            "SKU",
            64,
        ),
        (
            product("P2", SerialFormat::Plain, &long(200), None),
            "category",
            200,
        ),
        (
            product("P2", SerialFormat::Regex(long(80)), "c", None),
            "serial format",
            80,
        ),
        (
            party(long(200), PartyRole::Customer, String::new()),
            "name",
            200,
        ),
        (
            party("P".into(), PartyRole::Customer, long(500)),
            "bill-to",
            500,
        ),
        (
            Command::AddLocation {
                code: "WH9".into(),
                name: long(200),
            },
            "name",
            200,
        ),
        (
            Command::Resolve {
                count,
                action: ResolveAction::Accept {
                    serial: "SN1".into(),
                    note: long(500),
                },
            },
            "note",
            500,
        ),
        (
            Command::ResolveAll {
                count,
                fix: BulkFix::WriteOffCountedBins { reason: long(500) },
            },
            "reason",
            500,
        ),
        (
            Command::AddUser {
                name: long(64),
                role: tallyman::domain::Role::Clerk,
            },
            "user",
            64,
        ),
        (
            Command::RepairIntake {
                serial: "SN1".into(),
                service_type: None,
                note: long(500),
            },
            "note",
            500,
        ),
        (
            Command::ExtendWarranty {
                serial: "SN1".into(),
                duration: None,
                until: None,
                start: None,
                tag: None,
                invoice: None,
                order: Some(long(64)),
            },
            "order",
            64,
        ),
    ];
    for (cmd, field, max) in cases {
        let n = max + 1;
        refused(
            &svc,
            tmp.path(),
            cmd,
            RefusalKind::Invalid,
            &if n > 80 {
                format!(
                    "{field} is {n} characters; at most {max}: \"{}…\"",
                    "x".repeat(80)
                )
            } else {
                format!(
                    "{field} is {n} characters; at most {max}: \"{}\"",
                    "x".repeat(n)
                )
            },
        );
    }
}

#[test]
fn a_batch_names_the_command_with_the_long_field() {
    let (tmp, svc) = stocked();
    let before = journal_len(tmp.path());
    let batch = Command::Batch(vec![
        Command::AddLocation {
            code: "WH9".into(),
            name: "ok".into(),
        },
        write_off("r".repeat(600)),
    ]);
    match svc.execute("admin", batch) {
        Err(OpsError::Rejected(list)) => {
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!(list[0].index, 1);
            assert_eq!(list[0].refusal.kind, RefusalKind::Invalid);
            assert!(
                list[0]
                    .refusal
                    .message
                    .starts_with("reason is 600 characters; at most 500: "),
                "{}",
                list[0].refusal.message
            );
        }
        other => panic!("expected the batch refused, got {other:?}"),
    }
    assert_eq!(journal_len(tmp.path()), before);
}

#[test]
fn a_scan_longer_than_its_limit_is_a_bad_scan() {
    let (tmp, svc) = stocked();
    let count = open_count(&svc);
    refused(
        &svc,
        tmp.path(),
        Command::CountScan {
            count,
            location: Some("WH1/A/01".into()),
            raw: "7".repeat(300),
            label_only: false,
        },
        RefusalKind::BadScan,
        &format!(
            "scan is 300 characters; at most 256: \"{}…\"",
            "7".repeat(80)
        ),
    );
}

#[test]
fn dates_outside_2000_to_2099_are_refused_with_the_range() {
    let (tmp, svc) = stocked();
    let year_zero = Day::from_ymd(0, 1, 1).unwrap();
    refused(
        &svc,
        tmp.path(),
        Command::Post(doc(
            DocKind::Receipt,
            &["SN2"],
            Some("WH1/A/01"),
            Some(year_zero),
        )),
        RefusalKind::Invalid,
        "date is \"0000-01-01\"; expected 2000-01-01 to 2099-12-31",
    );
    refused(
        &svc,
        tmp.path(),
        Command::ExtendWarranty {
            serial: "SN1".into(),
            duration: None,
            until: Some(day(2100, 1, 1)),
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
        RefusalKind::Invalid,
        "until is \"2100-01-01\"; expected 2000-01-01 to 2099-12-31",
    );
    // The last day of the range is a date like any other.
    svc.execute(
        "admin",
        Command::Post(doc(
            DocKind::Receipt,
            &["SN3"],
            Some("WH1/A/01"),
            Some(day(2026, 3, 1)),
        )),
    )
    .unwrap();
}

#[test]
fn a_warranty_period_over_20_years_is_refused() {
    let (tmp, svc) = stocked();
    refused(
        &svc,
        tmp.path(),
        Command::ExtendWarranty {
            serial: "SN1".into(),
            duration: Some(Period::Months(u32::MAX)),
            until: None,
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
        RefusalKind::Invalid,
        "duration is 4294967295 months; at most 240",
    );
    refused(
        &svc,
        tmp.path(),
        product("P3", SerialFormat::Plain, "c", Some(Period::Days(7_306))),
        RefusalKind::Invalid,
        "warranty is 7306 days; at most 7305",
    );
    svc.execute(
        "admin",
        product("P3", SerialFormat::Plain, "c", Some(Period::Months(240))),
    )
    .unwrap();
}

#[test]
fn a_refusal_quotes_at_most_80_characters_of_a_name() {
    let (tmp, svc) = stocked();
    let name = "N".repeat(150);
    let mut sale = doc(DocKind::Sale, &["SN1"], None, None);
    sale.party = Some(name);
    refused(
        &svc,
        tmp.path(),
        Command::Post(sale),
        RefusalKind::Unknown,
        &format!("expected a known customer, found \"{}…\"", "N".repeat(80)),
    );
}

// ---------------------------------------------------------------- config and keymap files

#[test]
fn a_config_file_without_end_is_read_up_to_its_limit() {
    let err = Config::load(Some(Path::new("/dev/zero"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot read config file /dev/zero: the file is over the limit of 1048576 bytes"
    );
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    // Comments up to the limit exactly are read; one byte more is refused.
    let line = format!("#{}\n", "c".repeat(1022));
    std::fs::write(&big, line.repeat(1024)).unwrap();
    assert_eq!(std::fs::metadata(&big).unwrap().len(), 1024 * 1024);
    assert_eq!(Config::load(Some(&big)).unwrap().0, Config::default());
    std::fs::OpenOptions::new()
        .append(true)
        .open(&big)
        .unwrap()
        .write_all(b"\n")
        .unwrap();
    let err = Config::load(Some(&big)).unwrap_err().to_string();
    assert!(
        err.ends_with("the file is over the limit of 1048576 bytes"),
        "{err}"
    );
    std::fs::write(&big, b"[terminal]\nbell = \xff\n").unwrap();
    let err = Config::load(Some(&big)).unwrap_err().to_string();
    assert!(
        err.ends_with("is not UTF-8 text (a bad byte at offset 18)"),
        "{err}"
    );
}

#[test]
fn a_config_with_80_000_unknown_keys_reports_each_on_its_line() {
    let n = 80_000;
    let mut src = String::from("[terminal]\n");
    for i in 0..n {
        src.push_str(&format!("k{i} = 1\n"));
    }
    src.push_str("bell = false\n");
    assert!(src.len() < limits::MAX_CONFIG_BYTES as usize);
    let err = Config::parse(&src, Path::new("big.toml")).unwrap_err();
    assert_eq!(err.issues.len(), n);
    for (i, issue) in err.issues.iter().enumerate() {
        assert_eq!(issue.line, i + 2, "{}", issue.message);
    }
    assert_eq!(
        err.issues[n - 1].message,
        format!(
            "unknown key `k{}` in [terminal] (known: keymap, profile, bell, confirm_fixes)",
            n - 1
        )
    );
}

#[test]
fn a_large_valid_config_parses_to_its_values() {
    // 100,000 terminators (repeats of four names) and comment lines: one list, read once.
    let mut src = String::from("[scan]\nterminators = [\n");
    for i in 0..100_000 {
        src.push_str(["\"tab\",\n", "\"lf\",\n", "# a comment\n", "\"tab\",\n"][i % 4]);
    }
    src.push_str("]\n[terminal]\nbell = false\n");
    let cfg = Config::parse(&src, Path::new("big.toml")).unwrap();
    assert_eq!(
        cfg.scan_terminators,
        vec![
            tallyman::config::Terminator::Tab,
            tallyman::config::Terminator::Lf
        ]
    );
    assert!(!cfg.bell);
}

#[test]
fn a_config_error_quotes_at_most_80_characters_of_a_value_or_key() {
    let key = "k".repeat(5_000);
    let src = format!(
        "[terminal]\n{key} = 1\nprofile = \"{}\"\n",
        "v".repeat(5_000)
    );
    let err = Config::parse(&src, Path::new("c.toml")).unwrap_err();
    assert_eq!(err.issues.len(), 2, "{err}");
    assert_eq!(
        err.issues[0].message,
        format!(
            "unknown key `{}…` in [terminal] (known: keymap, profile, bell, confirm_fixes)",
            "k".repeat(80)
        )
    );
    assert_eq!(
        err.issues[1].message,
        format!("profile \"{}…\" is not one of: full, vt", "v".repeat(80))
    );
}

fn site_keymap(path: &Path) -> keymap::LoadedKeymap {
    keymap::load(
        &KeymapRequest {
            site_file: Some(path.to_path_buf()),
            ..KeymapRequest::default()
        },
        keymap::read_file,
    )
}

#[test]
fn a_keymap_file_without_end_is_read_up_to_its_limit() {
    let loaded = site_keymap(Path::new("/dev/zero"));
    assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
    assert_eq!(
        loaded.errors[0].message,
        "cannot read keymap file: the file is over the limit of 1048576 bytes"
    );
    // The screens go on with the default keymap.
    assert_eq!(loaded.keymap.name(), "default");
}

#[test]
fn a_keymap_with_50_000_codes_for_one_command_loads_them_all() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("site.toml");
    let mut src = String::from("[global]\nhelp = [\"<f1>\", \"/h\",\n");
    for i in 0..50_000 {
        src.push_str(&format!("\"/h{i}\",\n"));
    }
    src.push_str("]\n");
    std::fs::write(&path, &src).unwrap();
    let loaded = site_keymap(&path);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors.first());
    let km = &loaded.keymap;
    use tallyman::tui::keymap::{Context, KeyCommand as Cmd};
    assert_eq!(km.bindings(Context::Global, Cmd::Help).len(), 50_002);
    assert_eq!(
        km.command_for_code(Context::Menu, "/H49999"),
        Some(Cmd::Help)
    );
}

#[test]
fn a_keymap_with_50_000_errors_reports_each_on_its_line() {
    let mut src = String::from("[global]\n");
    for i in 0..50_000 {
        src.push_str(&format!("u{i} = [\"<f1>\"]\n"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("site.toml");
    std::fs::write(&path, &src).unwrap();
    let loaded = site_keymap(&path);
    assert_eq!(loaded.errors.len(), 50_000, "{:?}", loaded.errors.first());
    for (i, e) in loaded.errors.iter().enumerate() {
        assert_eq!(e.line, Some(i + 2), "{}", e.message);
    }
}

#[test]
fn a_long_key_name_is_refused_quickly_and_quoted_short() {
    // `<ctrl-ctrl-...>`: every prefix used to lower-case the rest again.
    let key = format!("<{}x>", "ctrl-".repeat(150_000));
    let src = format!("[global]\nhelp = [\"<f1>\", \"/h\", \"{key}\"]\n");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("site.toml");
    std::fs::write(&path, &src).unwrap();
    let loaded = site_keymap(&path);
    // A ctrl letter is a key like any other: it loads, once, with its modifiers.
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let key = format!("<{}nosuch>", "alt-".repeat(150_000));
    std::fs::write(&path, format!("[global]\nhelp = [\"{key}\"]\n")).unwrap();
    let loaded = site_keymap(&path);
    let m = &loaded.errors[0].message;
    assert_eq!(
        m,
        &format!("[global] help: unknown key `{}`", limits::clipped(&key))
    );
    assert!(m.chars().count() < 120, "{m}");
}

// ---------------------------------------------------------------- the binary

use support::cli::Cli as Bin;

impl Bin {
    /// The demo with its count 1 over WH3/A.
    fn demo(&self) {
        self.exits(0, &["demo", "--no-tui", "--units", "200"]);
    }

    /// `count scan 1` at WH3/A/01 fed `input`; its exit code and output.
    fn scan(&self, input: &[u8]) -> (Option<i32>, String) {
        let mut child = self
            .cmd()
            .args(["count", "scan", "1", "--location", "WH3/A/01"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    }
}

#[test]
fn demo_units_out_of_range_are_refused_before_anything_is_written() {
    let b = Bin::new();
    let (_, err) = b.exits(1, &["demo", "--no-tui", "--units", "18446744073709551615"]);
    assert_eq!(
        err.trim(),
        "tallyman: --units is 18446744073709551615; expected 1 to 5000000"
    );
    let untouched = || std::fs::read_dir(&b.db).unwrap().next().is_none();
    assert!(untouched(), "a refused demo wrote in {}", b.db.display());
    let (_, err) = b.exits(1, &["demo", "--no-tui", "--units", "5000001"]);
    assert!(err.contains("expected 1 to 5000000"), "{err}");
    assert!(untouched());
}

#[test]
fn a_date_in_year_0_is_refused_on_the_command_line() {
    let b = Bin::new();
    b.demo();
    let journal = std::fs::read(b.db.join(JOURNAL_FILE)).unwrap();
    let (_, err) = b.exits(
        1,
        &[
            "receive",
            "--product",
            "LAP-14",
            "--supplier",
            "Northwind Distribution",
            "--invoice",
            "INV-9",
            "--to",
            "WH1/A/01",
            "--date",
            "0000-01-01",
            "5CG0000001",
        ],
    );
    assert!(
        err.contains("expected a date from 2000-01-01 to 2099-12-31, found \"0000-01-01\""),
        "{err}"
    );
    let (_, err) = b.exits(
        1,
        &[
            "warranty",
            "extend",
            "352099000000014",
            "--months",
            "4294967295",
        ],
    );
    assert!(
        err.contains("duration is 4294967295 months; at most 240"),
        "{err}"
    );
    assert_eq!(std::fs::read(b.db.join(JOURNAL_FILE)).unwrap(), journal);
}

#[test]
fn count_scan_takes_a_line_that_is_not_text_or_too_long_as_a_bad_scan_and_goes_on() {
    let b = Bin::new();
    b.demo();
    let mut input = b"RT90000001\n\xff\xfeSN\n".to_vec();
    input.extend(vec![b'9'; 100_000]);
    input.extend_from_slice(b"\nRT90000002\n");
    let (code, out) = b.scan(&input);
    // The session went on, and its exit code says two lines were not taken.
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("counted"), "{out}");
    assert_eq!(
        lines[1],
        "error bad scan: scan is not text (UTF-8): \"\\xff\\xfeSN\": rescan"
    );
    assert_eq!(
        lines[2],
        format!(
            "error bad scan: scan is over 4096 bytes; at most 256 characters: \"{}…\"",
            "9".repeat(80)
        )
    );
    // The session went on: the next scan was judged.
    assert!(!lines[3].starts_with("error"), "{out}");
    assert!(lines[3].contains("RT90000002"), "{out}");
}

#[test]
fn count_scan_whose_output_is_closed_stops_with_exit_3() {
    let b = Bin::new();
    b.demo();
    let mut child = b
        .cmd()
        .args(["count", "scan", "1", "--location", "WH3/A/01"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Nobody reads the answers.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The process may stop before it read everything: a failed write here is expected.
    let _ = stdin.write_all(b"RT90000001\nRT90000002\n");
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("count scan stopped: its output is closed"),
        "{err}"
    );
    // Other commands still end quietly on a closed pipe.
    let mut child = b
        .cmd()
        .args(["stock"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn an_import_line_over_4_kib_is_refused_with_the_limit_and_nothing_is_imported() {
    let b = Bin::new();
    b.demo();
    let journal = std::fs::read(b.db.join(JOURNAL_FILE)).unwrap();
    let file = b.tmp.path().join("r.csv");
    let mut csv = String::from("invoice,date,supplier,location,sku,serial,reason\n");
    csv.push_str("I-1,2026-01-05,Northwind Distribution,WH1/A/01,LAP-14,5CG0000001,\n");
    csv.push_str(&format!(
        "I-1,2026-01-05,Northwind Distribution,WH1/A/01,LAP-14,5CG0000002,{}\n",
        "r".repeat(5_000)
    ));
    std::fs::write(&file, &csv).unwrap();
    let (_, err) = b.exits(1, &["import", "receipts", file.to_str().unwrap()]);
    assert!(
        err.contains(
            "line 3: longer than 4096 bytes, the most a line may hold; nothing was imported"
        ),
        "{err}"
    );
    // A long field within the line limit is refused by the service's limit, on its line.
    csv.truncate(csv.rfind("I-1").unwrap());
    csv.push_str(&format!(
        "I-2,2026-01-05,Northwind Distribution,WH1/A/01,LAP-14,5CG0000002,{}\n",
        "r".repeat(600)
    ));
    std::fs::write(&file, &csv).unwrap();
    let (_, err) = b.exits(1, &["import", "receipts", file.to_str().unwrap()]);
    assert!(
        err.contains(&format!(
            "line 3: reason is 600 characters; at most 500: \"{}…\"",
            "r".repeat(80)
        )),
        "{err}"
    );
    std::fs::write(
        &file,
        format!(
            "invoice,date,supplier,location,sku,serial,qty\n\
             I-1,2026-01-05,Northwind Distribution,WH1/A/01,BAT-AA,,{}\n",
            "9".repeat(100)
        ),
    )
    .unwrap();
    let (_, err) = b.exits(1, &["import", "receipts", file.to_str().unwrap()]);
    assert!(
        err.contains(&format!(
            "line 2: qty is 100 characters; at most 64: \"{}…\"",
            "9".repeat(80)
        )),
        "{err}"
    );
    assert_eq!(std::fs::read(b.db.join(JOURNAL_FILE)).unwrap(), journal);
}
