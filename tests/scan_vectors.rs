//! Runs every row of `tests/fixtures/scan-vectors.tsv` (format in `scan-vectors.README.md`)
//! through the decoder and compares every column.

use std::collections::HashSet;

use tallyman::domain::scan::{decode, DecodedScan, ScanConfig, ScanKind};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/scan-vectors.tsv"
);
const HEADER: [&str; 10] = [
    "id", "source", "input", "expect", "gtin", "serial", "lot", "expiry", "imei", "note",
];

/// One fixture row, input already un-escaped.
struct Row {
    id: String,
    input: String,
    expect: String,
    gtin: String,
    serial: String,
    lot: String,
    expiry: String,
    imei: String,
    note: String,
}

impl Row {
    fn parse(line: &str) -> Result<Row, String> {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, _source, input, expect, gtin, serial, lot, expiry, imei, note] = cols[..] else {
            return Err(format!("{} columns, expected 10: {line:?}", cols.len()));
        };
        Ok(Row {
            id: id.to_string(),
            input: unescape(input)?,
            expect: expect.to_string(),
            gtin: gtin.to_string(),
            serial: serial.to_string(),
            lot: lot.to_string(),
            expiry: expiry.to_string(),
            imei: imei.to_string(),
            note: note.to_string(),
        })
    }

    fn tagged(&self, tag: &str) -> bool {
        self.note.contains(&format!("[{tag}]"))
    }

    fn expected_kind(&self) -> ScanKind {
        if !self.imei.is_empty() {
            ScanKind::Imei
        } else if [&self.gtin, &self.lot, &self.expiry]
            .iter()
            .any(|c| !c.is_empty())
        {
            ScanKind::Gs1
        } else {
            ScanKind::Plain
        }
    }

    fn expected_text(&self) -> String {
        format!(
            "{} gtin={:?} serial={:?} lot={:?} expiry={:?} imei={:?}{}",
            self.expect,
            self.gtin,
            self.serial,
            self.lot,
            self.expiry,
            self.imei,
            if self.tagged("alt-plain") {
                " (or plain serial = input)"
            } else {
                ""
            }
        )
    }
}

/// Turns `\xNN` back into the control character it stands for.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let escape = rest
            .get(pos..pos + 4)
            .ok_or_else(|| format!("truncated escape in {s:?}"))?;
        let code = escape
            .strip_prefix("\\x")
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .ok_or_else(|| format!("bad escape {escape:?} in {s:?}"))?;
        out.push(char::from(code));
        rest = &rest[pos + 4..];
    }
    out.push_str(rest);
    Ok(out)
}

fn opt(col: &str) -> Option<&str> {
    (!col.is_empty()).then_some(col)
}

/// `Ok(())` when the decoder's answer matches the row, else what went wrong.
fn check(row: &Row, got: &Result<DecodedScan, String>) -> Result<(), String> {
    match (row.expect.as_str(), got) {
        ("ok", Ok(scan)) => check_fields(row, scan),
        ("ok", Err(e)) => Err(format!("error {e:?}")),
        ("error", Err(_)) => Ok(()),
        ("error", Ok(scan)) if row.tagged("alt-plain") => check_alt_plain(row, scan),
        ("error", Ok(_)) => Err("decoded, expected an error".to_string()),
        (other, _) => Err(format!("unknown expect column {other:?}")),
    }
}

fn check_fields(row: &Row, scan: &DecodedScan) -> Result<(), String> {
    let columns = [
        ("gtin", opt(&row.gtin), scan.gtin.as_deref()),
        ("serial", opt(&row.serial), scan.serial.as_deref()),
        ("lot", opt(&row.lot), scan.lot.as_deref()),
        ("expiry", opt(&row.expiry), scan.expiry.as_deref()),
        ("imei", opt(&row.imei), scan.imei.as_deref()),
    ];
    let mut wrong: Vec<String> = columns
        .iter()
        .filter(|(_, want, got)| want != got)
        .map(|(name, want, got)| format!("{name}: want {want:?} got {got:?}"))
        .collect();
    if scan.kind != row.expected_kind() {
        wrong.push(format!(
            "kind: want {:?} got {:?}",
            row.expected_kind(),
            scan.kind
        ));
    }
    let aim = row
        .input
        .starts_with(']')
        .then(|| row.input.get(..3))
        .flatten();
    if scan.aim.as_deref() != aim {
        wrong.push(format!("aim: want {aim:?} got {:?}", scan.aim));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

/// An `alt-plain` error row may decode as a plain serial equal to the input, nothing else.
fn check_alt_plain(row: &Row, scan: &DecodedScan) -> Result<(), String> {
    let plain = DecodedScan {
        kind: ScanKind::Plain,
        serial: Some(row.input.clone()),
        gtin: None,
        lot: None,
        expiry: None,
        imei: None,
        aim: None,
    };
    if *scan == plain {
        Ok(())
    } else {
        Err("alt-plain row must be an error or a plain serial equal to the input".to_string())
    }
}

#[test]
fn every_scan_vector_row_passes() {
    let text =
        std::fs::read_to_string(FIXTURE).unwrap_or_else(|e| panic!("cannot read {FIXTURE}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    assert_eq!(header, HEADER, "fixture header changed");

    let mut ids = HashSet::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for (n, line) in lines.enumerate() {
        total += 1;
        let row = match Row::parse(line) {
            Ok(row) => row,
            Err(e) => {
                failures.push(format!("line {}: unparsable row: {e}", n + 2));
                continue;
            }
        };
        if !ids.insert(row.id.clone()) {
            failures.push(format!("{}: duplicate id", row.id));
        }
        let got = decode(&row.input, &ScanConfig::default()).map_err(|e| e.to_string());
        if let Err(why) = check(&row, &got) {
            failures.push(format!(
                "{} input {:?}\n    expected: {}\n    got:      {got:?}\n    problem:  {why}",
                row.id,
                row.input,
                row.expected_text()
            ));
        }
    }

    let passed = total - failures.len();
    println!("scan vectors: {passed}/{total} rows pass");
    assert!(total > 0, "no rows in {FIXTURE}");
    assert!(
        failures.is_empty(),
        "{} of {total} scan vector rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
