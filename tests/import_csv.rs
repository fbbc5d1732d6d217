//! CSV import through the real binary: good files import all rows (products, receipts, sales);
//! a bad file exits 1, names every bad row by its line number with the reason, and changes
//! nothing.

mod support;
use std::path::{Path, PathBuf};

use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/csv");

use support::cli::Cli as Env;

impl Env {
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// What a bad import must not change: the journal's bytes and the store's key count.
    fn state(&self) -> (Vec<u8>, Value) {
        let journal = std::fs::read(self.db.join("journal.tlj")).unwrap();
        let v = self.json(&["check"]);
        assert_eq!(v["ok"], true, "{v}");
        (journal, v["keys"].clone())
    }

    /// Imports a bad file: exit 1, nothing changed; returns the error text.
    fn import_fails(&self, what: &str, file: &Path) -> String {
        let before = self.state();
        let out = self.run(&["import", what, file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            self.state() == before,
            "a refused import changed the database:\n{stderr}"
        );
        assert!(stderr.contains("line "), "no line number: {stderr}");
        stderr
    }
}

/// The `line N: ...` lines of an error, as (N, text).
fn bad_lines(stderr: &str) -> Vec<(u64, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().trim_start_matches("tallyman: ");
            let rest = rest.strip_prefix("line ")?;
            let (n, text) = rest.split_once(": ")?;
            Some((n.parse().ok()?, text.to_string()))
        })
        .collect()
}

fn assert_lines(stderr: &str, expected: &[(u64, &str)]) {
    let found = bad_lines(stderr);
    assert_eq!(
        found.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        expected.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "reported lines differ:\n{stderr}"
    );
    for ((_, text), (n, needle)) in found.iter().zip(expected) {
        assert!(
            text.contains(needle),
            "line {n}: expected {needle:?} in {text:?}"
        );
    }
}

/// A database with parties and locations (no products).
fn env() -> Env {
    let e = Env::as_user("importer");
    e.ok(&["party", "add", "--name", "Northwind", "--role", "supplier"]);
    e.ok(&["party", "add", "--name", "ACME"]);
    e.ok(&["party", "add", "--name", "Globex"]);
    e.ok(&["location", "add", "WH1/A/01"]);
    e.ok(&["location", "add", "WH1/B/01"]);
    e
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// `env()` plus the good products file.
fn with_products() -> Env {
    let e = env();
    e.ok(&["import", "products", &fixture("products.csv")]);
    e
}

/// `with_products()` plus the good receipts file.
fn with_receipts() -> Env {
    let e = with_products();
    e.ok(&["import", "receipts", &fixture("receipts.csv")]);
    e
}

// ---------------------------------------------------------------- good files

#[test]
fn good_products_receipts_and_sales_import() {
    let e = env();
    let v = e.json(&["import", "products", &fixture("products.csv")]);
    assert_eq!(v["rows"], 5, "{v}");
    let products = e.json(&["product", "list"]);
    let by_sku = |sku: &str| -> Value {
        products
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sku"] == sku)
            .unwrap_or_else(|| panic!("{sku} not imported: {products}"))
            .clone()
    };
    assert_eq!(products.as_array().unwrap().len(), 5);
    let lap = by_sku("LAP-14");
    assert_eq!(lap["gtin"], "04006381333931");
    assert_eq!(lap["category"], "computers");
    assert_eq!(lap["tracking"], "strict");
    assert_eq!(lap["warranty"], "12m");
    assert_eq!(by_sku("PH-X200")["serial_format"], "imei");
    let rt = by_sku("RT-AX55");
    assert_eq!(
        rt["tracking"],
        "receipt=strict,sale=soft,return=strict,transfer=strict"
    );
    assert_eq!(rt["serial_format"], "regex:RT[0-9]{8}");
    assert_eq!(rt["warranty"], "365d");
    assert_eq!(by_sku("CBL-USBC")["name"], "USB-C cable, 2m");
    assert_eq!(by_sku("BAT-AA")["tracking"], "none");

    let v = e.json(&["import", "receipts", &fixture("receipts.csv")]);
    assert_eq!(v["rows"], 6, "{v}");
    let docs: Vec<&str> = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["document"].as_str().unwrap())
        .collect();
    assert_eq!(
        docs,
        ["R-2026-0001", "R-2026-0002"],
        "one document per invoice"
    );
    let lap = e.json(&["lookup", "5CG0000001"]);
    assert_eq!(lap["state"], "in-stock");
    assert_eq!(lap["location"], "WH1/A/01");
    assert_eq!(lap["cost"], "680.00");
    assert_eq!(lap["supplier"], "Northwind");
    assert_eq!(lap["receipt"], "R-2026-0001");
    assert_eq!(lap["events"][0]["date"], "2026-01-05");
    assert_eq!(lap["events"][0]["invoice"], "INV-100");
    assert_eq!(lap["events"][0]["actor"], "importer");
    assert_eq!(e.json(&["lookup", "RT00000001"])["cost"], "54.90");
    assert_eq!(e.json(&["lookup", "CB-1"])["cost"], "2.90");
    assert_eq!(
        e.json(&["lookup", "490154203237518"])["receipt"],
        "R-2026-0001"
    );
    let bat = e.json(&["stock", "--product", "BAT-AA"]);
    assert_eq!(bat[0]["qty"], 24, "{bat}");
    assert_eq!(bat[0]["location"], "WH1/B/01");

    let v = e.json(&["import", "sales", &fixture("sales.csv")]);
    assert_eq!(v["rows"], 4, "{v}");
    let outcomes = v["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[2]["warnings"][0]["reason"], "display unit");
    let lap = e.json(&["lookup", "5CG0000001"]);
    assert_eq!(lap["state"], "sold");
    assert_eq!(lap["customer"], "ACME");
    assert_eq!(lap["sale"]["price"], "999.00");
    assert_eq!(lap["sale"]["document"], "S-2026-0001");
    assert_eq!(lap["cost"], "680.00");
    assert_eq!(
        e.json(&["lookup", "490154203237518"])["sale"]["document"],
        "S-2026-0001"
    );
    assert_eq!(e.json(&["lookup", "CB-UNKNOWN"])["state"], "sold");
    assert_eq!(e.json(&["stock", "--product", "BAT-AA"])[0]["qty"], 20);
    assert_eq!(e.json(&["lookup", "5CG0000002"])["state"], "in-stock");
    assert_eq!(e.json(&["check"])["ok"], true);
}

#[test]
fn a_byte_order_mark_and_header_case_are_accepted() {
    let e = env();
    let f = e.write(
        "bom.csv",
        "\u{feff}SKU,Name,Tracking\nBOM-1,With BOM,soft\n",
    );
    e.ok(&["import", "products", f.to_str().unwrap()]);
    assert_eq!(e.json(&["product", "list"])[0]["tracking"], "soft");
}

// ---------------------------------------------------------------- bad files

#[test]
fn an_unknown_or_missing_column_is_refused_on_line_1() {
    let e = with_products();
    let f = e.write(
        "cols.csv",
        "invoice,date,supplier,location,sku,serial,colour\nI,2026-01-01,Northwind,WH1/A/01,LAP-14,X1,red\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(&err, &[(1, "unknown column \"colour\"")]);
    assert!(
        err.contains("invoice,date,supplier"),
        "lists the expected columns: {err}"
    );

    let f = e.write(
        "missing.csv",
        "invoice,date,location,serial\nI,2026-01-01,WH1/A/01,X1\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(
        &err,
        &[
            (1, "missing column \"supplier\""),
            (1, "missing column \"sku\""),
        ],
    );
}

#[test]
fn bad_dates_money_and_quantities_are_reported_by_line() {
    let e = with_products();
    let f = e.write(
        "values.csv",
        "invoice,date,supplier,location,sku,serial,qty,cost\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X1,,10.00\n\
         I-1,05.01.2026,Northwind,WH1/A/01,LAP-14,X2,,10.00\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X3,,10.00\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X4,,ten\n\
         I-1,2026-01-05,Northwind,WH1/A/01,BAT-AA,,-3,\n\
         I-1,2026-02-30,Northwind,WH1/A/01,LAP-14,X6,,1.999\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(
        &err,
        &[
            (3, "\"05.01.2026\""),
            (5, "\"ten\""),
            (6, "\"-3\""),
            (7, "\"2026-02-30\""),
        ],
    );
    assert!(err.contains("4 bad row(s)"), "{err}");
}

#[test]
fn unknown_sku_is_reported_by_line() {
    let e = with_products();
    let f = e.write(
        "sku.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X1\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X2\n\
         I-1,2026-01-05,Northwind,WH1/A/01,NOPE-1,X3\n\
         I-2,2026-01-05,Northwind,WH1/A/01,NOPE-2,X4\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(
        &err,
        &[
            (4, "known product SKU, found \"NOPE-1\""),
            (5, "\"NOPE-2\""),
        ],
    );
}

#[test]
fn duplicate_serials_in_a_file_are_reported_by_line() {
    let e = with_products();
    // Twice in one invoice (one document).
    let f = e.write(
        "dup.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,D1\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,D2\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,d1\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(&err, &[(4, "SN \"D1\" appears twice")]);
    // In two invoices: the second receipt sees the first one's unit in stock.
    let f = e.write(
        "dup2.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,D1\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,D2\n\
         I-2,2026-01-06,Northwind,WH1/B/01,LAP-14,D3\n\
         I-2,2026-01-06,Northwind,WH1/B/01,LAP-14,D2\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(&err, &[(5, "SN \"D2\" is in stock at WH1/A/01")]);
}

#[test]
fn a_serial_already_in_stock_is_reported_by_line() {
    let e = with_receipts();
    let f = e.write(
        "again.csv",
        "invoice,date,supplier,location,sku,serial,cost\n\
         I-9,2026-03-01,Northwind,WH1/B/01,LAP-14,NEW-1,1\n\
         I-9,2026-03-01,Northwind,WH1/B/01,LAP-14,5CG0000002,1\n\
         I-9,2026-03-01,Northwind,WH1/B/01,PH-X200,490154203237518,1\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(
        &err,
        &[
            (3, "SN \"5CG0000002\" is in stock at WH1/A/01"),
            (4, "SN \"490154203237518\" is in stock at WH1/A/01"),
        ],
    );
    assert!(e.run(&["lookup", "NEW-1"]).status.code() == Some(1));
}

#[test]
fn bad_formats_unknown_parties_and_locations_are_reported_by_line() {
    let e = with_products();
    let f = e.write(
        "misc.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-01-05,Northwind,WH1/A/01,PH-X200,490154203237517\n\
         I-1,2026-01-05,Northwind,WH1/A/01,RT-AX55,RT123\n\
         I-2,2026-01-05,Nobody,WH1/A/01,LAP-14,X1\n\
         I-3,2026-01-05,Northwind,WH9,LAP-14,X2\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(
        &err,
        &[
            (2, "check digit"),
            (3, "\"RT123\""),
            (4, "\"Nobody\""),
            (5, "\"WH9\" does not exist"),
        ],
    );
}

#[test]
fn a_sale_of_an_unknown_serial_of_a_strict_product_is_reported_by_line() {
    let e = with_receipts();
    let f = e.write(
        "sale.csv",
        "invoice,date,customer,location,sku,serial,price\n\
         S-1,2026-02-01,ACME,WH1,LAP-14,5CG0000001,900\n\
         S-1,2026-02-01,ACME,WH1,LAP-14,GHOST-1,900\n\
         S-2,2026-02-01,ACME,WH1/B/01,LAP-14,5CG0000002,900\n\
         S-3,2026-02-01,ACME,,CBL-USBC,CB-404,1\n",
    );
    let err = e.import_fails("sales", &f);
    assert_lines(
        &err,
        &[
            (3, "SN \"GHOST-1\" is unknown"),
            (4, "not at WH1/B/01"),
            (5, "reason"),
        ],
    );
    assert_eq!(e.json(&["lookup", "5CG0000001"])["state"], "in-stock");
}

#[test]
fn product_files_report_every_bad_row() {
    let e = env();
    let f = e.write(
        "products.csv",
        "sku,name,tracking,serial_format,warranty,gtin\n\
         A-1,\"Multi\nline name\",strict,plain,12m,\n\
         A-2,Two,loose,plain,,\n\
         A-3,Three,strict,imei,soon,\n\
         A-4,Four,strict,regex:(,,\n\
         A-5,Five,\"receipt=none,sale=soft\",,,\n",
    );
    let err = e.import_fails("products", &f);
    assert_lines(
        &err,
        &[
            (4, "\"loose\""),
            (5, "\"soon\""),
            (6, "regex"),
            (7, "mixes none"),
        ],
    );
    let f = e.write(
        "dups.csv",
        "sku,name,gtin\nB-1,One,\nB-2,Two,4006381333932\nB-1,Again,\n",
    );
    let err = e.import_fails("products", &f);
    assert_lines(&err, &[(3, "GTIN"), (4, "\"B-1\" exists already")]);
    assert_eq!(e.json(&["product", "list"]), Value::Array(vec![]));
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_reported_by_line() {
    let e = with_products();
    let f = e.write(
        "ragged.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X1\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14\n",
    );
    let err = e.import_fails("receipts", &f);
    let lines = bad_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert_eq!(lines[0].0, 3, "{err}");
}

#[test]
fn an_empty_file_is_refused() {
    let e = with_products();
    let f = e.write("empty.csv", "invoice,date,supplier,sku\n");
    let out = e.run(&["import", "receipts", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rows"));
    let out = e.run(&[
        "import",
        "receipts",
        e.tmp.path().join("nope.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn parse_and_validation_errors_are_reported_together() {
    let e = with_products();
    let f = e.write(
        "both.csv",
        "invoice,date,supplier,location,sku,serial\n\
         I-1,2026-13-01,Northwind,WH1/A/01,LAP-14,X1\n\
         I-2,2026-01-05,Northwind,WH1/A/01,NOPE,X2\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(&err, &[(2, "\"2026-13-01\""), (3, "\"NOPE\"")]);
}

#[test]
fn a_duplicate_column_is_refused() {
    let e = with_products();
    let f = e.write(
        "dupcol.csv",
        "invoice,date,supplier,location,sku,serial,cost,cost\n\
         I-1,2026-01-05,Northwind,WH1/A/01,LAP-14,X1,10.00,99.00\n",
    );
    let err = e.import_fails("receipts", &f);
    assert_lines(&err, &[(1, "cost")]);
}

#[test]
fn quantity_rows_of_one_invoice_cannot_oversell() {
    let e = with_receipts();
    e.ok(&["import", "sales", &fixture("sales.csv")]);
    assert_eq!(e.json(&["stock", "--product", "BAT-AA"])[0]["qty"], 20);
    let f = e.write(
        "oversell.csv",
        "invoice,date,customer,location,sku,qty\n\
         S-7,2026-03-01,ACME,WH1/B/01,BAT-AA,15\n\
         S-7,2026-03-01,ACME,WH1/B/01,BAT-AA,15\n",
    );
    let err = e.import_fails("sales", &f);
    assert!(!bad_lines(&err).is_empty(), "{err}");
}
