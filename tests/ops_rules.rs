//! Scenario tests of every tracking rule (DESIGN section 4) through `ops::Service`: receipts,
//! sales, customer returns, transfers and write-offs in strict, soft and none modes; serial
//! formats; master-data refusals; batches. Every refusal is checked to change nothing.

mod support;
use std::path::PathBuf;
use support::lock::retry;
use support::FixedClock;
use support::NOW_MS;

use tallyman::domain::{
    Day, DocKind, DocNo, HistoryKind, Mode, Money, PartyRole, SerialFormat, Tracking, UnitState,
    Warning,
};
use tallyman::ops::local::Service;
use tallyman::ops::{
    Command, DocRequest, LineRequest, NewProduct, OpsError, Outcome, UnitView, JOURNAL_FILE,
};

// ---------------------------------------------------------------- fixture

const STRICT: &str = "STRICT-1";
const SOFT: &str = "SOFT-1";
const QTY: &str = "QTY-1";
const PH_A: &str = "PH-A";
const PH_B: &str = "PH-B";
const RT: &str = "RT-1";
const KEEP: &str = "KEEP-1";
/// receipt=strict, sale=soft, return=strict, transfer=soft.
const MIX: &str = "MIX-1";

const IMEI_1: &str = "490154203237518";
const IMEI_2: &str = "356938035643809";

struct Db {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    svc: Service,
}

fn product(sku: &str, tracking: Tracking, format: SerialFormat, fold_case: bool) -> Command {
    support::build::new_product(sku)
        .category("test")
        .tracking(tracking)
        .format(format)
        .keep_case(!fold_case)
        .cmd()
}

use support::build::{location, party};

use support::open_service as open;

/// A database with parties, locations and one product per tracking flavour (journal entry 1).
fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let svc = open(&dir);
    let mix = Tracking {
        receipt: Mode::Strict,
        sale: Mode::Soft,
        ret: Mode::Strict,
        transfer: Mode::Soft,
    };
    svc.execute(
        "setup",
        Command::Batch(vec![
            party("ACME", PartyRole::Customer),
            party("Globex", PartyRole::Customer),
            party("Northwind", PartyRole::Supplier),
            party("Both Co", PartyRole::Both),
            location("WH1/A/01"),
            location("WH1/B/01"),
            location("WH2/A/01"),
            product(
                STRICT,
                Tracking::all(Mode::Strict),
                SerialFormat::Plain,
                true,
            ),
            product(SOFT, Tracking::all(Mode::Soft), SerialFormat::Plain, true),
            product(QTY, Tracking::all(Mode::None), SerialFormat::Plain, true),
            product(PH_A, Tracking::all(Mode::Strict), SerialFormat::Imei, true),
            product(PH_B, Tracking::all(Mode::Strict), SerialFormat::Imei, true),
            product(
                RT,
                Tracking::all(Mode::Strict),
                SerialFormat::Regex("RT[0-9]{6}".into()),
                true,
            ),
            product(
                KEEP,
                Tracking::all(Mode::Strict),
                SerialFormat::Plain,
                false,
            ),
            product(MIX, mix, SerialFormat::Plain, true),
        ]),
    )
    .expect("setup batch");
    Db {
        _tmp: tmp,
        dir,
        svc,
    }
}

fn lines(sku: &str, serials: &[&str], amount: Option<i64>) -> Vec<LineRequest> {
    serials
        .iter()
        .map(|s| LineRequest {
            sku: sku.into(),
            serial: Some(s.to_string()),
            qty: 1,
            amount: amount.map(Money),
        })
        .collect()
}

fn qty_line(sku: &str, qty: u32) -> Vec<LineRequest> {
    vec![LineRequest {
        sku: sku.into(),
        serial: None,
        qty,
        amount: None,
    }]
}

fn doc(kind: DocKind) -> DocRequest {
    DocRequest {
        kind,
        date: None,
        party: None,
        invoice: None,
        from: None,
        to: None,
        reason: None,
        declared_qty: None,
        lines: Vec::new(),
    }
}

fn receipt(sku: &str, serials: &[&str], to: &str, cost: Option<i64>) -> DocRequest {
    DocRequest {
        party: Some("Northwind".into()),
        invoice: Some("INV-1".into()),
        to: Some(to.into()),
        lines: lines(sku, serials, cost),
        ..doc(DocKind::Receipt)
    }
}

fn sale(
    sku: &str,
    serials: &[&str],
    customer: &str,
    from: Option<&str>,
    price: Option<i64>,
) -> DocRequest {
    DocRequest {
        party: Some(customer.into()),
        invoice: Some("SI-1".into()),
        from: from.map(str::to_string),
        lines: lines(sku, serials, price),
        ..doc(DocKind::Sale)
    }
}

fn ret(sku: &str, serials: &[&str], customer: &str, to: &str) -> DocRequest {
    DocRequest {
        party: Some(customer.into()),
        to: Some(to.into()),
        lines: lines(sku, serials, None),
        ..doc(DocKind::Return)
    }
}

fn transfer(sku: &str, serials: &[&str], from: &str, to: &str) -> DocRequest {
    DocRequest {
        from: Some(from.into()),
        to: Some(to.into()),
        lines: lines(sku, serials, None),
        ..doc(DocKind::Transfer)
    }
}

fn write_off(sku: &str, serials: &[&str], from: Option<&str>, reason: &str) -> DocRequest {
    DocRequest {
        from: from.map(str::to_string),
        reason: Some(reason.into()),
        lines: lines(sku, serials, None),
        ..doc(DocKind::WriteOff)
    }
}

fn with_reason(mut r: DocRequest, reason: &str) -> DocRequest {
    r.reason = Some(reason.into());
    r
}

/// Everything observable about the stored state: all store keys and values, the applied
/// sequence and the journal's length.
#[derive(Debug, PartialEq)]
struct Snapshot {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
    applied_seq: u64,
    journal_len: u64,
}

impl Db {
    fn snapshot(&self) -> Snapshot {
        let entries = self
            .svc
            .store()
            .entries()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.to_vec(), v.to_vec())
            })
            .collect();
        Snapshot {
            entries,
            applied_seq: self.svc.store().meta().unwrap().applied_seq,
            journal_len: std::fs::metadata(self.dir.join(JOURNAL_FILE))
                .unwrap()
                .len(),
        }
    }

    fn exec(&self, cmd: Command) -> Result<Outcome, OpsError> {
        self.svc.execute("clerk", cmd)
    }

    /// Posts a document that must be accepted; returns its number and warnings.
    fn ok(&self, r: DocRequest) -> (DocNo, Vec<Warning>) {
        let before = self.svc.store().meta().unwrap().applied_seq;
        match self.exec(Command::Post(r)) {
            Ok(Outcome::Posted {
                document, warnings, ..
            }) => {
                assert_eq!(
                    self.svc.store().meta().unwrap().applied_seq,
                    before + 1,
                    "an accepted document is one journal entry"
                );
                (document, warnings)
            }
            other => panic!("expected the document to be posted, got {other:?}"),
        }
    }

    /// Runs a command that must be refused and must change nothing; returns the message.
    fn refused_cmd(&self, cmd: Command) -> String {
        let before = self.snapshot();
        let result = self.exec(cmd);
        let after = self.snapshot();
        let message = match result {
            Err(OpsError::Refused(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(
            before == after,
            "a refused command changed the store or the journal: {message}"
        );
        message.message
    }

    fn refused(&self, r: DocRequest) -> String {
        self.refused_cmd(Command::Post(r))
    }

    /// The one unit with this serial of this product.
    fn unit(&self, sku: &str, serial: &str) -> UnitView {
        let views = self.svc.lookup(serial).unwrap();
        let mut found: Vec<UnitView> = views.into_iter().filter(|v| v.product.sku == sku).collect();
        assert_eq!(found.len(), 1, "expected one unit {sku} {serial}");
        found.remove(0)
    }

    fn state(&self, sku: &str, serial: &str) -> UnitState {
        self.unit(sku, serial).unit.state
    }

    fn party_id(&self, name: &str) -> tallyman::domain::PartyId {
        self.svc.store().party_by_name(name).unwrap().unwrap().id
    }

    /// Serialised stock rows as (location, sku, serial).
    fn stock_rows(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<_> = self
            .svc
            .stock(None, None)
            .unwrap()
            .into_iter()
            .filter_map(|l| l.serial.map(|s| (l.location, l.sku, s)))
            .collect();
        rows.sort();
        rows
    }

    fn qty_at(&self, location: &str, sku: &str) -> i64 {
        let id = self.svc.store().product_by_sku(sku).unwrap().unwrap().id;
        self.svc.store().qty(location, id).unwrap()
    }
}

fn in_stock(location: &str) -> UnitState {
    UnitState::InStock {
        location: location.into(),
    }
}

fn row(location: &str, sku: &str, serial: &str) -> (String, String, String) {
    (location.into(), sku.into(), serial.into())
}

fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            haystack.contains(n),
            "expected {n:?} in the message:\n{haystack}"
        );
    }
}

// ---------------------------------------------------------------- receipt

#[test]
fn strict_receipt_records_state_cost_supplier_and_history() {
    let db = db();
    let (no, warnings) = db.ok(receipt(STRICT, &["sn-1", "SN-2"], "WH1/A/01", Some(1000)));
    assert_eq!(no, DocNo("R-2026-0001".into()));
    assert!(warnings.is_empty());

    let v = db.unit(STRICT, "SN-1");
    assert_eq!(v.unit.serial.as_str(), "SN-1", "serials are upper-cased");
    assert_eq!(v.unit.state, in_stock("WH1/A/01"));
    assert_eq!(v.unit.cost, Some(Money(1000)));
    assert_eq!(v.unit.receipt, Some(DocNo("R-2026-0001".into())));
    assert_eq!(v.unit.supplier, Some(db.party_id("Northwind")));
    assert_eq!(v.supplier.as_deref(), Some("Northwind"));
    assert_eq!(v.unit.received_on, Day::from_ymd(2026, 3, 15));
    assert_eq!(v.unit.sale, None);
    assert_eq!(v.timeline.len(), 1);
    let e = &v.timeline[0].entry;
    assert_eq!(e.kind, HistoryKind::Document(DocKind::Receipt));
    assert_eq!(e.document, DocNo("R-2026-0001".into()));
    assert_eq!(e.to.as_deref(), Some("WH1/A/01"));
    assert_eq!(e.amount, Some(Money(1000)));
    assert_eq!(e.invoice.as_deref(), Some("INV-1"));
    assert_eq!(e.actor, "clerk");
    assert_eq!(e.at_ms, NOW_MS);
    assert_eq!(e.warning, None);
    assert_eq!(v.timeline[0].party_name.as_deref(), Some("Northwind"));

    assert_eq!(
        db.stock_rows(),
        vec![
            row("WH1/A/01", STRICT, "SN-1"),
            row("WH1/A/01", STRICT, "SN-2")
        ]
    );
}

#[test]
fn each_unit_keeps_the_cost_of_its_own_receipt_and_a_sale_records_the_price() {
    let db = db();
    db.ok(receipt(STRICT, &["C-1"], "WH1/A/01", Some(1000)));
    db.ok(receipt(STRICT, &["C-2"], "WH1/A/01", Some(1250)));
    let mut mixed = receipt(STRICT, &["C-3"], "WH1/B/01", Some(900));
    mixed.lines.extend(lines(STRICT, &["C-4"], Some(1999)));
    db.ok(mixed);
    assert_eq!(db.unit(STRICT, "C-1").unit.cost, Some(Money(1000)));
    assert_eq!(db.unit(STRICT, "C-2").unit.cost, Some(Money(1250)));
    assert_eq!(db.unit(STRICT, "C-3").unit.cost, Some(Money(900)));
    assert_eq!(db.unit(STRICT, "C-4").unit.cost, Some(Money(1999)));

    let (sno, _) = db.ok(sale(STRICT, &["C-2"], "ACME", None, Some(2000)));
    let v = db.unit(STRICT, "C-2");
    assert_eq!(v.unit.cost, Some(Money(1250)), "a sale keeps the cost");
    let s = v.unit.sale.expect("sale info");
    assert_eq!(s.price, Some(Money(2000)));
    assert_eq!(s.document, sno);
    assert_eq!(s.customer, db.party_id("ACME"));
    assert!(!s.returned);
    assert_eq!(v.customer.as_deref(), Some("ACME"));
    assert_eq!(db.unit(STRICT, "C-1").unit.cost, Some(Money(1000)));
}

#[test]
fn receipt_document_numbers_count_per_kind_and_year_and_refusals_use_none() {
    let db = db();
    assert_eq!(
        db.ok(receipt(STRICT, &["N-1"], "WH1/A/01", None)).0 .0,
        "R-2026-0001"
    );
    db.refused(receipt(STRICT, &["N-1"], "WH1/A/01", None));
    assert_eq!(
        db.ok(receipt(STRICT, &["N-2"], "WH1/A/01", None)).0 .0,
        "R-2026-0002"
    );
    assert_eq!(
        db.ok(sale(STRICT, &["N-1"], "ACME", None, None)).0 .0,
        "S-2026-0001"
    );
    let mut old = receipt(STRICT, &["N-3"], "WH1/A/01", None);
    old.date = Day::from_ymd(2025, 12, 31);
    assert_eq!(db.ok(old).0 .0, "R-2025-0001");
    assert_eq!(
        db.unit(STRICT, "N-3").unit.received_on,
        Day::from_ymd(2025, 12, 31)
    );
}

#[test]
fn strict_receipt_of_a_serial_in_stock_is_refused_naming_it() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let m = db.refused(receipt(STRICT, &["SN-1"], "WH2/A/01", None));
    assert_contains(&m, &["SN \"SN-1\"", "in stock at WH1/A/01"]);
    // A reason does not help in strict mode.
    let m = db.refused(with_reason(
        receipt(STRICT, &["sn-1"], "WH2/A/01", None),
        "supplier resent it",
    ));
    assert_contains(&m, &["SN \"SN-1\"", "in stock at WH1/A/01"]);
}

#[test]
fn strict_receipt_of_a_sold_serial_is_refused_naming_customer_and_document() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, Some(5000)));
    let m = db.refused(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    assert_contains(&m, &["SN \"SN-1\"", "sold to ACME on S-2026-0001"]);
}

#[test]
fn strict_receipt_refusal_lists_every_bad_serial_and_receives_none() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1", "SN-2"], "WH1/A/01", None));
    let m = db.refused(receipt(
        STRICT,
        &["SN-1", "SN-NEW", "SN-2"],
        "WH1/B/01",
        None,
    ));
    assert_contains(&m, &["SN \"SN-1\"", "SN \"SN-2\""]);
    assert!(!m.contains("SN-NEW"), "{m}");
    assert!(db.svc.lookup("SN-NEW").unwrap().is_empty());
}

#[test]
fn written_off_serials_may_be_received_again() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", Some(100)));
    db.ok(write_off(STRICT, &["SN-1"], None, "broken"));
    assert_eq!(db.state(STRICT, "SN-1"), UnitState::WrittenOff);
    db.ok(receipt(STRICT, &["SN-1"], "WH2/A/01", Some(300)));
    let v = db.unit(STRICT, "SN-1");
    assert_eq!(v.unit.state, in_stock("WH2/A/01"));
    assert_eq!(v.unit.cost, Some(Money(300)), "the new receipt's cost");
    assert_eq!(v.unit.receipt, Some(DocNo("R-2026-0002".into())));
    assert_eq!(v.timeline.len(), 3);
}

#[test]
fn strict_receipt_of_a_returned_serial_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    db.ok(ret(STRICT, &["SN-1"], "ACME", "WH2/A/01"));
    let m = db.refused(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    assert_contains(&m, &["SN \"SN-1\"", "in stock at WH2/A/01"]);
}

#[test]
fn strict_receipt_declared_quantity_must_equal_the_serial_count() {
    let db = db();
    let mut r = receipt(STRICT, &["Q-1", "Q-2"], "WH1/A/01", None);
    r.declared_qty = Some(3);
    let m = db.refused(r.clone());
    assert_contains(&m, &["3", "2 serials"]);
    r.reason = Some("two were missing".into());
    db.refused(r.clone());
    r.declared_qty = Some(2);
    r.reason = None;
    db.ok(r);
    assert_eq!(db.state(STRICT, "Q-2"), in_stock("WH1/A/01"));
}

#[test]
fn soft_receipt_declared_quantity_mismatch_is_refused_even_with_a_reason() {
    // A unit without its serial cannot be kept: the declared quantity must equal the serials
    // in soft mode too (the units without serials would otherwise be silently dropped).
    let db = db();
    let mut r = receipt(SOFT, &["Q-1", "Q-2"], "WH1/A/01", None);
    r.declared_qty = Some(3);
    let m = db.refused(r.clone());
    assert_contains(&m, &["quantity is 3", "2 serials"]);
    r.reason = Some("one short in the box".into());
    let m = db.refused(r.clone());
    assert_contains(&m, &["quantity is 3", "--qty 2"]);
    r.declared_qty = Some(2);
    db.ok(r);
    assert_eq!(db.state(SOFT, "Q-1"), in_stock("WH1/A/01"));
}

#[test]
fn declared_quantity_must_equal_the_serials_on_every_strict_flow() {
    let db = db();
    db.ok(receipt(STRICT, &["F-1", "F-2"], "WH1/A/01", None));
    for kind in [
        DocKind::Sale,
        DocKind::Transfer,
        DocKind::WriteOff,
        DocKind::Return,
    ] {
        let mut r = receipt(STRICT, &["F-1"], "WH1/A/01", None);
        r.kind = kind;
        r.to = matches!(kind, DocKind::Transfer | DocKind::Return).then(|| "WH1/B/01".to_string());
        r.from = Some("WH1/A/01".into());
        r.party = matches!(kind, DocKind::Sale | DocKind::Return).then(|| "ACME".to_string());
        r.invoice = (kind == DocKind::Sale).then(|| "I-9".to_string());
        r.reason = (kind == DocKind::WriteOff).then(|| "broken".to_string());
        r.declared_qty = Some(2);
        let m = db.refused(r);
        assert_contains(&m, &["quantity is 2", "1 serials"]);
    }
    assert_eq!(db.state(STRICT, "F-1"), in_stock("WH1/A/01"));
}

#[test]
fn documents_dated_after_today_are_refused() {
    let db = db();
    let mut r = receipt(STRICT, &["T-1"], "WH1/A/01", None);
    r.date = Some(Day::parse("2099-01-01").unwrap());
    let m = db.refused(r);
    assert_contains(&m, &["on or before today", "2099-01-01"]);
}

#[test]
fn duplicate_serial_within_one_document_is_refused() {
    let db = db();
    let m = db.refused(receipt(STRICT, &["D-1", "D-2", "D-1"], "WH1/A/01", None));
    assert_contains(&m, &["SN \"D-1\"", "twice"]);
    // Case folding makes these the same serial.
    let m = db.refused(receipt(STRICT, &["d-9", "D-9"], "WH1/A/01", None));
    assert_contains(&m, &["SN \"D-9\"", "twice"]);
    // Soft mode refuses it too, reason or not.
    let m = db.refused(with_reason(
        receipt(SOFT, &["D-1", "D-1"], "WH1/A/01", None),
        "scanned twice",
    ));
    assert_contains(&m, &["SN \"D-1\"", "twice"]);
    db.ok(receipt(STRICT, &["D-1", "D-2"], "WH1/A/01", None));
}

#[test]
fn keep_case_products_keep_serials_distinct_by_case() {
    let db = db();
    db.ok(receipt(KEEP, &["ab-1", "AB-1"], "WH1/A/01", None));
    let views = db.svc.lookup("ab-1").unwrap();
    let serials: Vec<&str> = views.iter().map(|v| v.unit.serial.as_str()).collect();
    assert!(serials.contains(&"ab-1"), "{serials:?}");
    assert_eq!(db.stock_rows().len(), 2);
}

#[test]
fn soft_receipt_of_a_serial_in_stock_needs_a_reason_then_moves_it_and_logs_a_warning() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1"], "WH1/A/01", Some(100)));
    let m = db.refused(receipt(SOFT, &["S-1"], "WH2/A/01", Some(200)));
    assert_contains(&m, &["SN \"S-1\"", "in stock at WH1/A/01", "reason"]);
    let m = db.refused(with_reason(
        receipt(SOFT, &["S-1"], "WH2/A/01", Some(200)),
        "   ",
    ));
    assert_contains(&m, &["reason"]);

    let (no, warnings) = db.ok(with_reason(
        receipt(SOFT, &["S-1"], "WH2/A/01", Some(200)),
        "relabelled by supplier",
    ));
    assert_eq!(warnings.len(), 1);
    assert_contains(
        &warnings[0].message,
        &["SN \"S-1\"", "in stock at WH1/A/01"],
    );
    assert_eq!(warnings[0].reason, "relabelled by supplier");

    let v = db.unit(SOFT, "S-1");
    assert_eq!(v.unit.state, in_stock("WH2/A/01"));
    assert_eq!(v.unit.cost, Some(Money(200)));
    assert_eq!(v.timeline.len(), 2);
    let last = &v.timeline[1].entry;
    assert_eq!(last.document, no);
    assert_eq!(last.warning.as_ref(), Some(&warnings[0]));
    assert_eq!(last.reason.as_deref(), Some("relabelled by supplier"));
    assert_eq!(db.stock_rows(), vec![row("WH2/A/01", SOFT, "S-1")]);
}

#[test]
fn soft_receipt_of_a_sold_serial_with_reason_is_accepted_with_warning() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1"], "WH1/A/01", None));
    db.ok(sale(SOFT, &["S-1"], "ACME", None, None));
    let m = db.refused(receipt(SOFT, &["S-1"], "WH1/A/01", None));
    assert_contains(&m, &["sold to ACME on S-2026-0001", "reason"]);
    let (_, w) = db.ok(with_reason(
        receipt(SOFT, &["S-1"], "WH1/A/01", None),
        "came back via supplier",
    ));
    assert_contains(&w[0].message, &["sold to ACME on S-2026-0001"]);
    assert_eq!(db.state(SOFT, "S-1"), in_stock("WH1/A/01"));
}

// ---------------------------------------------------------------- sale

#[test]
fn strict_sale_of_a_unit_in_stock_sells_it() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1", "SN-2"], "WH1/A/01", Some(1000)));
    let (no, w) = db.ok(sale(
        STRICT,
        &["SN-1"],
        "ACME",
        Some("WH1/A/01"),
        Some(1500),
    ));
    assert_eq!(no.0, "S-2026-0001");
    assert!(w.is_empty());
    let v = db.unit(STRICT, "SN-1");
    assert_eq!(
        v.unit.state,
        UnitState::Sold {
            document: no.clone(),
            customer: db.party_id("ACME")
        }
    );
    assert_eq!(v.customer.as_deref(), Some("ACME"));
    let s = v.unit.sale.clone().unwrap();
    assert_eq!(
        (s.price, s.date),
        (Some(Money(1500)), Day::from_ymd(2026, 3, 15).unwrap())
    );
    assert_eq!(v.timeline.len(), 2);
    let e = &v.timeline[1].entry;
    assert_eq!(e.kind, HistoryKind::Document(DocKind::Sale));
    assert_eq!(e.amount, Some(Money(1500)));
    assert_eq!(e.from.as_deref(), Some("WH1/A/01"));
    assert_eq!(v.timeline[1].party_name.as_deref(), Some("ACME"));
    assert_eq!(db.stock_rows(), vec![row("WH1/A/01", STRICT, "SN-2")]);
}

#[test]
fn strict_sale_from_a_parent_location_is_accepted() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", Some("WH1"), None));
    assert_eq!(db.state(STRICT, "SN-1").name(), "sold");
}

#[test]
fn strict_sale_not_at_the_source_is_refused_naming_where_it_is() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let m = db.refused(sale(STRICT, &["SN-1"], "ACME", Some("WH2"), None));
    assert_contains(&m, &["SN \"SN-1\"", "in stock at WH1/A/01", "not at WH2"]);
    // A sibling whose code starts with the same text is not "inside".
    let m = db.refused(sale(STRICT, &["SN-1"], "ACME", Some("WH1/B"), None));
    assert_contains(&m, &["not at WH1/B"]);
}

#[test]
fn strict_sale_of_a_sold_unit_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    let m = db.refused(sale(STRICT, &["SN-1"], "Globex", None, None));
    assert_contains(
        &m,
        &["SN \"SN-1\"", "sold to ACME on S-2026-0001", "not in stock"],
    );
}

#[test]
fn strict_sale_of_an_unknown_or_written_off_unit_is_refused() {
    let db = db();
    let m = db.refused(sale(STRICT, &["GHOST"], "ACME", None, None));
    assert_contains(&m, &["SN \"GHOST\"", "unknown", "expected in stock"]);
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(write_off(STRICT, &["SN-1"], None, "dropped"));
    let m = db.refused(sale(STRICT, &["SN-1"], "ACME", None, None));
    assert_contains(&m, &["SN \"SN-1\"", "written off", "not in stock"]);
}

#[test]
fn soft_sale_of_an_unknown_unit_needs_a_reason_and_is_logged() {
    let db = db();
    let m = db.refused(sale(SOFT, &["S-9"], "ACME", None, Some(100)));
    assert_contains(&m, &["SN \"S-9\"", "unknown", "reason"]);
    let (no, w) = db.ok(with_reason(
        sale(SOFT, &["S-9"], "ACME", None, Some(100)),
        "display unit",
    ));
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].reason, "display unit");
    let v = db.unit(SOFT, "S-9");
    assert_eq!(
        v.unit.state,
        UnitState::Sold {
            document: no,
            customer: db.party_id("ACME")
        }
    );
    assert_eq!(v.unit.sale.unwrap().price, Some(Money(100)));
    assert_eq!(v.timeline.len(), 1);
    assert_eq!(v.timeline[0].entry.warning.as_ref(), Some(&w[0]));
    assert!(db.stock_rows().is_empty());
}

#[test]
fn soft_sale_from_the_wrong_location_moves_it_from_where_it_really_is() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1", "S-2"], "WH1/A/01", None));
    let m = db.refused(sale(SOFT, &["S-1"], "ACME", Some("WH2/A/01"), None));
    assert_contains(&m, &["in stock at WH1/A/01", "not at WH2/A/01", "reason"]);
    let (_, w) = db.ok(with_reason(
        sale(SOFT, &["S-1"], "ACME", Some("WH2/A/01"), None),
        "picked from the wrong bin",
    ));
    assert_contains(&w[0].message, &["not at WH2/A/01"]);
    assert_eq!(db.state(SOFT, "S-1").name(), "sold");
    assert_eq!(db.stock_rows(), vec![row("WH1/A/01", SOFT, "S-2")]);
}

#[test]
fn per_flow_modes_apply_per_flow() {
    let db = db();
    db.ok(receipt(MIX, &["M-1"], "WH1/A/01", None));
    // receipt is strict: a reason does not help.
    db.refused(with_reason(
        receipt(MIX, &["M-1"], "WH1/A/01", None),
        "why not",
    ));
    // sale is soft: an unknown serial is accepted with a reason.
    let (_, w) = db.ok(with_reason(sale(MIX, &["M-2"], "ACME", None, None), "demo"));
    assert_eq!(w.len(), 1);
    // return is strict: the substitution guard holds even with a reason.
    let m = db.refused(with_reason(
        ret(MIX, &["M-2"], "Globex", "WH1/A/01"),
        "sure",
    ));
    assert_contains(&m, &["not to Globex"]);
    // transfer is soft.
    let (_, w) = db.ok(with_reason(
        transfer(MIX, &["M-1"], "WH2/A/01", "WH1/B/01"),
        "found it elsewhere",
    ));
    assert_eq!(w.len(), 1);
    assert_eq!(db.state(MIX, "M-1"), in_stock("WH1/B/01"));
}

#[test]
fn sale_needs_an_invoice_and_a_customer() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let mut s = sale(STRICT, &["SN-1"], "ACME", None, None);
    s.invoice = Some("  ".into());
    assert_contains(&db.refused(s), &["invoice"]);
    let m = db.refused(sale(STRICT, &["SN-1"], "Northwind", None, None));
    assert_contains(&m, &["\"Northwind\" is a supplier, not a customer"]);
    let mut s = sale(STRICT, &["SN-1"], "ACME", None, None);
    s.party = None;
    assert_contains(&db.refused(s), &["needs a customer"]);
    // A party with both roles can buy.
    db.ok(sale(STRICT, &["SN-1"], "Both Co", None, None));
}

#[test]
fn negative_amounts_are_refused() {
    let db = db();
    let m = db.refused(receipt(STRICT, &["SN-1"], "WH1/A/01", Some(-1)));
    assert_contains(&m, &["-0.01"]);
}

// ---------------------------------------------------------------- customer return

#[test]
fn strict_return_by_the_buyer_puts_it_back_in_stock_keeping_sale_and_cost() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", Some(1000)));
    let (sno, _) = db.ok(sale(STRICT, &["SN-1"], "ACME", None, Some(1800)));
    let (cno, w) = db.ok(with_reason(
        ret(STRICT, &["SN-1"], "acme", "WH2/A/01"),
        "dead on arrival",
    ));
    assert_eq!(cno.0, "C-2026-0001");
    assert!(w.is_empty(), "a clean return has no warning: {w:?}");
    let v = db.unit(STRICT, "SN-1");
    assert_eq!(v.unit.state, in_stock("WH2/A/01"));
    assert_eq!(v.unit.cost, Some(Money(1000)));
    let s = v.unit.sale.unwrap();
    assert!(s.returned);
    assert_eq!((s.document, s.price), (sno, Some(Money(1800))));
    let kinds: Vec<&str> = v.timeline.iter().map(|t| t.entry.kind.name()).collect();
    assert_eq!(kinds, ["received", "sold", "returned"]);
    assert_eq!(
        v.timeline[2].entry.reason.as_deref(),
        Some("dead on arrival")
    );
    assert_eq!(db.stock_rows(), vec![row("WH2/A/01", STRICT, "SN-1")]);
}

#[test]
fn strict_return_by_another_customer_is_refused_substitution_guard() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    let m = db.refused(ret(STRICT, &["SN-1"], "Globex", "WH2/A/01"));
    assert_contains(
        &m,
        &[
            "SN \"SN-1\"",
            "sold to ACME on S-2026-0001",
            "not to Globex",
        ],
    );
}

#[test]
fn strict_return_of_a_unit_never_sold_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let m = db.refused(ret(STRICT, &["SN-1"], "ACME", "WH2/A/01"));
    assert_contains(
        &m,
        &["SN \"SN-1\"", "in stock at WH1/A/01", "never sold by us"],
    );
    let m = db.refused(ret(STRICT, &["GHOST"], "ACME", "WH2/A/01"));
    assert_contains(&m, &["SN \"GHOST\"", "never received or sold by us"]);
}

#[test]
fn strict_return_of_a_unit_already_returned_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    db.ok(ret(STRICT, &["SN-1"], "ACME", "WH2/A/01"));
    let m = db.refused(ret(STRICT, &["SN-1"], "ACME", "WH2/A/01"));
    assert_contains(
        &m,
        &["SN \"SN-1\"", "in stock at WH2/A/01", "not sold to ACME"],
    );
}

#[test]
fn soft_return_by_another_customer_needs_a_reason_and_is_logged() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1"], "WH1/A/01", None));
    db.ok(sale(SOFT, &["S-1"], "ACME", None, None));
    let m = db.refused(ret(SOFT, &["S-1"], "Globex", "WH2/A/01"));
    assert_contains(&m, &["not to Globex", "reason"]);
    let (_, w) = db.ok(with_reason(
        ret(SOFT, &["S-1"], "Globex", "WH2/A/01"),
        "Globex bought it from ACME",
    ));
    assert_contains(&w[0].message, &["not to Globex"]);
    assert_eq!(db.state(SOFT, "S-1"), in_stock("WH2/A/01"));
    let v = db.unit(SOFT, "S-1");
    assert_eq!(
        v.timeline.last().unwrap().entry.warning.as_ref(),
        Some(&w[0])
    );
}

#[test]
fn return_needs_a_target_location() {
    let db = db();
    let mut r = ret(STRICT, &["SN-1"], "ACME", "WH1/A/01");
    r.to = None;
    assert_contains(&db.refused(r), &["target location"]);
}

// ---------------------------------------------------------------- transfer

#[test]
fn strict_transfer_moves_the_unit_and_the_stock_index() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1", "SN-2"], "WH1/A/01", None));
    let (no, _) = db.ok(transfer(STRICT, &["SN-1"], "WH1/A", "WH2/A/01"));
    assert_eq!(no.0, "T-2026-0001");
    assert_eq!(db.state(STRICT, "SN-1"), in_stock("WH2/A/01"));
    assert_eq!(
        db.stock_rows(),
        vec![
            row("WH1/A/01", STRICT, "SN-2"),
            row("WH2/A/01", STRICT, "SN-1")
        ]
    );
    let v = db.unit(STRICT, "SN-1");
    let e = &v.timeline[1].entry;
    assert_eq!(e.kind.name(), "transferred");
    // The document names the aisle; the timeline names the bin the unit really left.
    assert_eq!(
        (e.from.as_deref(), e.to.as_deref()),
        (Some("WH1/A/01"), Some("WH2/A/01"))
    );
    assert_eq!(db.svc.stock(Some("WH2"), None).unwrap().len(), 1);
    assert_eq!(db.svc.stock(Some("WH1"), None).unwrap().len(), 1);
}

#[test]
fn strict_transfer_not_at_the_source_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let m = db.refused(transfer(STRICT, &["SN-1"], "WH1/B/01", "WH2/A/01"));
    assert_contains(
        &m,
        &["SN \"SN-1\"", "in stock at WH1/A/01", "not at WH1/B/01"],
    );
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    let m = db.refused(transfer(STRICT, &["SN-1"], "WH1/A/01", "WH2/A/01"));
    assert_contains(&m, &["sold to ACME", "not in stock"]);
}

#[test]
fn transfer_needs_two_different_existing_locations() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let m = db.refused(transfer(STRICT, &["SN-1"], "WH1/A/01", "wh1/a/01"));
    assert_contains(&m, &["two different locations"]);
    let mut t = transfer(STRICT, &["SN-1"], "WH1/A/01", "WH2/A/01");
    t.from = None;
    assert_contains(&db.refused(t), &["source location"]);
}

#[test]
fn soft_transfer_not_at_source_moves_it_from_where_it_really_is() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1"], "WH1/A/01", None));
    let m = db.refused(transfer(SOFT, &["S-1"], "WH1/B/01", "WH2/A/01"));
    assert_contains(&m, &["not at WH1/B/01", "reason"]);
    let (_, w) = db.ok(with_reason(
        transfer(SOFT, &["S-1"], "WH1/B/01", "WH2/A/01"),
        "mis-shelved",
    ));
    assert_eq!(w.len(), 1);
    assert_eq!(db.state(SOFT, "S-1"), in_stock("WH2/A/01"));
    assert_eq!(db.stock_rows(), vec![row("WH2/A/01", SOFT, "S-1")]);
}

// ---------------------------------------------------------------- write-off

#[test]
fn write_off_needs_a_reason() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", None));
    let mut w = write_off(STRICT, &["SN-1"], None, "x");
    w.reason = None;
    assert_contains(&db.refused(w), &["write-off needs a reason"]);
    let w = write_off(STRICT, &["SN-1"], None, "  ");
    assert_contains(&db.refused(w), &["write-off needs a reason"]);
}

#[test]
fn strict_write_off_of_a_unit_in_stock_writes_it_off() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", Some(700)));
    let (no, _) = db.ok(write_off(STRICT, &["SN-1"], Some("WH1"), "water damage"));
    assert_eq!(no.0, "W-2026-0001");
    let v = db.unit(STRICT, "SN-1");
    assert_eq!(v.unit.state, UnitState::WrittenOff);
    assert_eq!(v.unit.cost, Some(Money(700)));
    let e = &v.timeline[1].entry;
    assert_eq!(e.kind.name(), "written-off");
    assert_eq!(e.reason.as_deref(), Some("water damage"));
    assert!(db.stock_rows().is_empty());
}

#[test]
fn strict_write_off_of_a_unit_not_in_stock_or_elsewhere_is_refused() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1", "SN-2"], "WH1/A/01", None));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, None));
    let m = db.refused(write_off(STRICT, &["SN-1"], None, "lost"));
    assert_contains(&m, &["SN \"SN-1\"", "sold to ACME", "not in stock"]);
    let m = db.refused(write_off(STRICT, &["SN-2"], Some("WH2"), "lost"));
    assert_contains(&m, &["SN \"SN-2\"", "not at WH2"]);
    let m = db.refused(write_off(STRICT, &["NOPE"], None, "lost"));
    assert_contains(&m, &["SN \"NOPE\"", "unknown"]);
}

#[test]
fn soft_write_off_of_a_sold_unit_is_accepted_with_its_reason_as_a_warning() {
    let db = db();
    db.ok(receipt(SOFT, &["S-1"], "WH1/A/01", None));
    db.ok(sale(SOFT, &["S-1"], "ACME", None, None));
    let (_, w) = db.ok(write_off(SOFT, &["S-1"], None, "customer scrapped it"));
    assert_eq!(w.len(), 1);
    assert_contains(&w[0].message, &["sold to ACME"]);
    assert_eq!(db.state(SOFT, "S-1"), UnitState::WrittenOff);
}

// ---------------------------------------------------------------- quantity-only products

#[test]
fn quantity_products_receive_sell_transfer_and_write_off_quantities() {
    let db = db();
    let mut r = receipt(QTY, &[], "WH1/A/01", None);
    r.lines = qty_line(QTY, 10);
    db.ok(r);
    assert_eq!(db.qty_at("WH1/A/01", QTY), 10);
    let stock = db.svc.stock(None, Some(QTY)).unwrap();
    assert_eq!(stock.len(), 1);
    assert_eq!((stock[0].serial.as_deref(), stock[0].qty), (None, 10));

    let mut s = sale(QTY, &[], "ACME", Some("WH1/A/01"), None);
    s.lines = qty_line(QTY, 4);
    db.ok(s);
    assert_eq!(db.qty_at("WH1/A/01", QTY), 6);

    let mut t = transfer(QTY, &[], "WH1/A/01", "WH2/A/01");
    t.lines = qty_line(QTY, 5);
    db.ok(t);
    assert_eq!(db.qty_at("WH1/A/01", QTY), 1);
    assert_eq!(db.qty_at("WH2/A/01", QTY), 5);

    let mut w = write_off(QTY, &[], Some("WH2/A/01"), "expired");
    w.lines = qty_line(QTY, 5);
    db.ok(w);
    assert_eq!(db.qty_at("WH2/A/01", QTY), 0);
    let stock = db.svc.stock(None, Some(QTY)).unwrap();
    assert_eq!(stock.len(), 1, "zero balances are not listed: {stock:?}");
    assert!(db.svc.lookup("anything").unwrap().is_empty());
}

#[test]
fn quantity_sale_needs_a_source_and_enough_stock() {
    let db = db();
    let mut r = receipt(QTY, &[], "WH1/A/01", None);
    r.lines = qty_line(QTY, 6);
    db.ok(r);

    let mut s = sale(QTY, &[], "ACME", None, None);
    s.lines = qty_line(QTY, 1);
    assert_contains(&db.refused(s), &["needs a source location"]);

    let mut s = sale(QTY, &[], "ACME", Some("WH1/A/01"), None);
    s.lines = qty_line(QTY, 7);
    let m = db.refused(s);
    assert_contains(
        &m,
        &["expected at least 7 of \"QTY-1\" at WH1/A/01, found 6"],
    );

    let mut s = sale(QTY, &[], "ACME", Some("WH2/A/01"), None);
    s.lines = qty_line(QTY, 1);
    assert_contains(&db.refused(s), &["found 0"]);

    let mut s = sale(QTY, &[], "ACME", Some("WH1/A/01"), None);
    s.lines = qty_line(QTY, 0);
    assert_contains(&db.refused(s), &["quantity of 1 or more"]);
    assert_eq!(db.qty_at("WH1/A/01", QTY), 6);
}

#[test]
fn quantity_sales_in_one_batch_cannot_oversell() {
    let db = db();
    let mut r = receipt(QTY, &[], "WH1/A/01", None);
    r.lines = qty_line(QTY, 10);
    db.ok(r);
    let mut s = sale(QTY, &[], "ACME", Some("WH1/A/01"), None);
    s.lines = qty_line(QTY, 6);
    let before = db.snapshot();
    let result = db.exec(Command::Batch(vec![
        Command::Post(s.clone()),
        Command::Post(s),
    ]));
    match result {
        Err(OpsError::Rejected(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].index, 1);
            assert!(list[0].refusal.message.contains("found 4"), "{list:?}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(before == db.snapshot());
}

#[test]
fn quantity_lines_of_one_document_cannot_oversell_together() {
    let db = db();
    let mut r = receipt(QTY, &[], "WH1/A/01", None);
    r.lines = qty_line(QTY, 10);
    db.ok(r);
    let mut s = sale(QTY, &[], "ACME", Some("WH1/A/01"), None);
    s.lines = [qty_line(QTY, 6), qty_line(QTY, 6)].concat();
    let result = db.exec(Command::Post(s));
    let balance = db.qty_at("WH1/A/01", QTY);
    assert!(
        matches!(result, Err(OpsError::Refused(_))),
        "12 of 10 sold in one document: {result:?}, balance now {balance}"
    );
    assert_eq!(balance, 10);
}

#[test]
fn serial_and_quantity_lines_must_match_the_product() {
    let db = db();
    let m = db.refused(receipt(QTY, &["X-1"], "WH1/A/01", None));
    assert_contains(&m, &["\"QTY-1\" is not tracked by serial"]);
    let mut r = receipt(STRICT, &[], "WH1/A/01", None);
    r.lines = qty_line(STRICT, 3);
    assert_contains(&db.refused(r), &["\"STRICT-1\" is tracked by serial"]);
    let r = receipt(STRICT, &[], "WH1/A/01", None);
    assert_contains(&db.refused(r), &["at least one serial or quantity"]);
}

// ---------------------------------------------------------------- serial formats

#[test]
fn imei_products_refuse_bad_check_digits_and_lengths() {
    let db = db();
    let m = db.refused(receipt(PH_A, &["490154203237517"], "WH1/A/01", None));
    assert_contains(&m, &["IMEI \"490154203237517\"", "check digit"]);
    let m = db.refused(receipt(PH_A, &["49015420323751"], "WH1/A/01", None));
    assert_contains(&m, &["expected an IMEI of 15 digits", "\"49015420323751\""]);
    let m = db.refused(receipt(PH_A, &["ABCDEFGHIJKLMNO"], "WH1/A/01", None));
    assert_contains(&m, &["expected an IMEI"]);
    db.ok(receipt(PH_A, &[IMEI_1, IMEI_2], "WH1/A/01", None));
    assert_eq!(db.state(PH_A, IMEI_1), in_stock("WH1/A/01"));
}

#[test]
fn imeis_are_unique_across_products() {
    let db = db();
    db.ok(receipt(PH_A, &[IMEI_1], "WH1/A/01", None));
    let m = db.refused(receipt(PH_B, &[IMEI_1], "WH1/A/01", None));
    assert_contains(
        &m,
        &[&format!("SN \"{IMEI_1}\""), "as product PH-A", "unique"],
    );
    db.ok(sale(PH_A, &[IMEI_1], "ACME", None, None));
    let m = db.refused(receipt(PH_B, &[IMEI_1], "WH1/A/01", None));
    assert_contains(&m, &["sold to ACME", "as product PH-A"]);
    // Once written off under PH-A, the IMEI may be received as PH-B.
    db.ok(receipt(PH_A, &[IMEI_2], "WH1/A/01", None));
    db.ok(write_off(PH_A, &[IMEI_2], None, "scrapped"));
    db.ok(receipt(PH_B, &[IMEI_2], "WH1/B/01", None));
    let views = db.svc.lookup(IMEI_2).unwrap();
    assert_eq!(views.len(), 2, "both products' units are found");
}

#[test]
fn imeis_are_unique_across_products_within_one_batch() {
    let db = db();
    let before = db.snapshot();
    let result = db.exec(Command::Batch(vec![
        Command::Post(receipt(PH_A, &[IMEI_1], "WH1/A/01", None)),
        Command::Post(receipt(PH_B, &[IMEI_1], "WH1/A/01", None)),
    ]));
    match result {
        Err(OpsError::Rejected(list)) => {
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!((list[0].index, list[0].line), (1, Some(0)));
            assert!(
                list[0].refusal.message.contains("as product PH-A"),
                "{list:?}"
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(before == db.snapshot());
}

#[test]
fn imeis_are_unique_across_products_within_one_document() {
    let db = db();
    let mut r = receipt(PH_A, &[IMEI_1], "WH1/A/01", None);
    r.lines.extend(lines(PH_B, &[IMEI_1], None));
    let result = db.exec(Command::Post(r));
    let units = db.svc.lookup(IMEI_1).unwrap().len();
    assert!(
        matches!(result, Err(OpsError::Refused(_))),
        "accepted: {result:?}; units with the IMEI now: {units}"
    );
    assert_eq!(units, 0);
}

#[test]
fn regex_formats_match_the_whole_serial() {
    let db = db();
    let m = db.refused(receipt(RT, &["RT12345"], "WH1/A/01", None));
    assert_contains(&m, &["serial \"RT12345\"", "does not match", "RT[0-9]{6}"]);
    let m = db.refused(receipt(RT, &["XRT123456"], "WH1/A/01", None));
    assert_contains(&m, &["\"XRT123456\""]);
    let m = db.refused(receipt(RT, &["RT1234567"], "WH1/A/01", None));
    assert_contains(&m, &["\"RT1234567\""]);
    // Lower case is folded before the check.
    db.ok(receipt(RT, &["rt123456"], "WH1/A/01", None));
    assert_eq!(db.unit(RT, "RT123456").unit.serial.as_str(), "RT123456");
}

#[test]
fn serials_with_control_characters_or_empty_are_refused() {
    let db = db();
    let m = db.refused(receipt(STRICT, &["A\u{7}B"], "WH1/A/01", None));
    assert_contains(&m, &["control character", "x07"]);
    // A GS makes it GS1 data, which this is not.
    let m = db.refused(receipt(STRICT, &["A\u{1d}B"], "WH1/A/01", None));
    assert_contains(&m, &["unknown AI \"(A)\""]);
    let m = db.refused(receipt(STRICT, &["   "], "WH1/A/01", None));
    assert_contains(&m, &["empty"]);
}

// ---------------------------------------------------------------- master data and unknowns

#[test]
fn unknown_product_party_and_location_are_refused_with_hints() {
    use tallyman::ops::{next_step, Next};
    let db = db();
    // The service says what was asked and found, and the next step as a fact each front end
    // words (the command line with its verbs).
    let next = |r: DocRequest| match db.exec(Command::Post(r)) {
        Err(OpsError::Refused(r)) => next_step(&r),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let m = db.refused(receipt("NOPE", &["X"], "WH1/A/01", None));
    assert_contains(&m, &["\"NOPE\""]);
    assert_eq!(
        next(receipt("NOPE", &["X"], "WH1/A/01", None)),
        Some(Next::AddProduct)
    );
    let mut r = receipt(STRICT, &["X"], "WH1/A/01", None);
    r.party = Some("Nobody Ltd".into());
    let m = db.refused(r.clone());
    assert_contains(&m, &["known supplier", "\"Nobody Ltd\""]);
    assert_eq!(next(r), Some(Next::AddParty));
    let m = db.refused(sale(STRICT, &["X"], "Nobody Ltd", None, None));
    assert_contains(&m, &["known customer"]);
    assert_eq!(
        next(sale(STRICT, &["X"], "Nobody Ltd", None, None)),
        Some(Next::AddParty)
    );
    let m = db.refused(receipt(STRICT, &["X"], "wh9/z", None));
    assert_contains(&m, &["\"WH9/Z\" does not exist"]);
    assert!(!m.contains("tallyman "), "{m}");
    assert_eq!(
        next(receipt(STRICT, &["X"], "wh9/z", None)),
        Some(Next::AddLocation {
            code: "WH9/Z".into()
        })
    );
    let m = db.refused(sale(STRICT, &["X"], "ACME", Some("WH7"), None));
    assert_contains(&m, &["source location \"WH7\" does not exist"]);
    let m = db.refused(receipt(STRICT, &["X"], "WH1//A", None));
    assert_contains(&m, &["location code"]);
    let r = receipt(STRICT, &["X"], "WH1/A/01", None);
    let m = db.refused(DocRequest {
        party: Some("ACME".into()),
        ..r
    });
    assert_contains(&m, &["\"ACME\" is a customer, not a supplier"]);
}

#[test]
fn master_data_duplicates_and_bad_input_are_refused() {
    let db = db();
    let m = db.refused_cmd(product(
        STRICT,
        Tracking::all(Mode::Strict),
        SerialFormat::Plain,
        true,
    ));
    assert_contains(&m, &["\"STRICT-1\" exists already"]);
    let m = db.refused_cmd(party("  acme  ", PartyRole::Customer));
    assert_contains(&m, &["\"acme\" exists already"]);
    let m = db.refused_cmd(location("wh1/a/01"));
    assert_contains(&m, &["\"WH1/A/01\" exists already"]);
    let m = db.refused_cmd(product(
        "HAS SPACE",
        Tracking::all(Mode::Strict),
        SerialFormat::Plain,
        true,
    ));
    assert_contains(&m, &["\"HAS SPACE\""]);
    let mut p = NewProduct {
        sku: "G-1".into(),
        name: "g".into(),
        gtin: Some("09506000134353".into()),
        category: String::new(),
        tracking: Tracking::all(Mode::Strict),
        serial_format: SerialFormat::Plain,
        warranty: None,
        fold_case: true,
    };
    let m = db.refused_cmd(Command::AddProduct(p.clone()));
    assert_contains(&m, &["GTIN", "\"09506000134353\""]);
    p.gtin = Some("9506000134352".into());
    match db.exec(Command::AddProduct(p)).unwrap() {
        Outcome::ProductAdded(p) => assert_eq!(p.gtin.as_deref(), Some("09506000134352")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn adding_a_location_adds_its_missing_parents() {
    let db = db();
    match db.exec(location("wh3/b/07")).unwrap() {
        Outcome::LocationAdded(codes) => assert_eq!(codes, ["WH3", "WH3/B", "WH3/B/07"]),
        other => panic!("{other:?}"),
    }
    match db.exec(location("WH3/C")).unwrap() {
        Outcome::LocationAdded(codes) => assert_eq!(codes, ["WH3/C"]),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- batches

#[test]
fn a_batch_with_one_bad_command_changes_nothing_and_names_its_index() {
    let db = db();
    db.ok(receipt(STRICT, &["B-1"], "WH1/A/01", None));
    let before = db.snapshot();
    let result = db.exec(Command::Batch(vec![
        Command::Post(receipt(STRICT, &["B-2", "B-3"], "WH1/A/01", None)),
        location("WH4"),
        Command::Post(sale(STRICT, &["B-2", "GHOST"], "ACME", None, None)),
        Command::Post(transfer(STRICT, &["B-1"], "WH1/A/01", "WH4")),
    ]));
    match result {
        Err(e @ OpsError::Rejected(_)) => {
            assert!(e
                .refusal()
                .is_some_and(|r| r.kind != tallyman::ops::RefusalKind::NotPermitted));
            let OpsError::Rejected(list) = e else {
                unreachable!()
            };
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!(list[0].index, 2);
            assert_eq!(list[0].line, Some(1));
            assert_contains(&list[0].refusal.message, &["SN \"GHOST\"", "unknown"]);
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(
        before == db.snapshot(),
        "a rejected batch changed the store"
    );
    assert!(db.svc.lookup("B-2").unwrap().is_empty());
    assert!(db.svc.store().location("WH4").unwrap().is_none());
}

#[test]
fn a_batch_reports_every_bad_command() {
    let db = db();
    let before = db.snapshot();
    let result = db.exec(Command::Batch(vec![
        Command::Post(sale(STRICT, &["X-1"], "ACME", None, None)),
        Command::Post(receipt(STRICT, &["X-2"], "WH1/A/01", None)),
        Command::Post(receipt("NOPE", &["X-3"], "WH1/A/01", None)),
        Command::Batch(vec![]),
    ]));
    let Err(OpsError::Rejected(list)) = result else {
        panic!("expected a rejection, got {result:?}");
    };
    let indexes: Vec<usize> = list.iter().map(|r| r.index).collect();
    assert_eq!(indexes, [0, 2, 3], "{list:?}");
    assert_contains(
        &list[2].refusal.message,
        &["batch cannot contain another batch"],
    );
    assert!(before == db.snapshot());
}

#[test]
fn a_batch_sees_what_earlier_commands_of_it_do_and_is_one_journal_entry() {
    let db = db();
    let seq = db.svc.store().meta().unwrap().applied_seq;
    let outcome = db
        .exec(Command::Batch(vec![
            party("Initech", PartyRole::Customer),
            location("WH5/A"),
            Command::Post(receipt(STRICT, &["B-1", "B-2"], "WH5/A", Some(100))),
            Command::Post(sale(STRICT, &["B-1"], "Initech", Some("WH5"), Some(150))),
            Command::Post(transfer(STRICT, &["B-2"], "WH5/A", "WH1/A/01")),
            Command::Post(ret(STRICT, &["B-1"], "Initech", "WH5/A")),
        ]))
        .unwrap();
    let Outcome::Batch(list) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(list.len(), 6);
    assert_eq!(db.svc.store().meta().unwrap().applied_seq, seq + 1);
    assert_eq!(db.state(STRICT, "B-1"), in_stock("WH5/A"));
    assert_eq!(db.state(STRICT, "B-2"), in_stock("WH1/A/01"));
    assert_eq!(db.unit(STRICT, "B-1").timeline.len(), 3);
    // The same serial twice in one batch of receipts is refused by the overlay.
    let m = db.exec(Command::Batch(vec![
        Command::Post(receipt(STRICT, &["B-9"], "WH1/A/01", None)),
        Command::Post(receipt(STRICT, &["B-9"], "WH1/B/01", None)),
    ]));
    assert!(
        matches!(m, Err(OpsError::Rejected(ref l)) if l.len() == 1 && l[0].index == 1),
        "{m:?}"
    );
}

#[test]
fn state_survives_reopening() {
    let db = db();
    db.ok(receipt(STRICT, &["SN-1"], "WH1/A/01", Some(100)));
    db.ok(sale(STRICT, &["SN-1"], "ACME", None, Some(200)));
    let before = db.snapshot();
    let Db { _tmp, dir, svc } = db;
    drop(svc);
    let (svc, notes) = retry(|| Service::open_with_clock(&dir, Box::new(FixedClock))).unwrap();
    assert_eq!(notes.replayed, 0);
    assert!(notes.warnings.is_empty());
    let db = Db { _tmp, dir, svc };
    assert!(before == db.snapshot());
    // Document counters survive too.
    assert_eq!(
        db.ok(receipt(STRICT, &["SN-2"], "WH1/A/01", None)).0 .0,
        "R-2026-0002"
    );
}

#[test]
fn queries_answer_documents_stock_and_lookups() {
    use tallyman::ops::{Answer, Query};
    let db = db();
    db.ok(receipt(STRICT, &["Q-1", "Q-2"], "WH1/A/01", Some(100)));
    let Answer::Document(Some(stored)) = db
        .svc
        .query(Query::Document {
            number: " R-2026-0001 ".into(),
        })
        .unwrap()
    else {
        panic!("document R-2026-0001 not found");
    };
    assert_eq!(stored.actor, "clerk");
    assert_eq!(stored.at_ms, NOW_MS);
    assert_eq!(stored.seq, 2);
    assert_eq!(stored.document.kind, DocKind::Receipt);
    assert_eq!(stored.document.lines.len(), 2);
    assert_eq!(stored.document.invoice.as_deref(), Some("INV-1"));
    let Answer::Document(None) = db
        .svc
        .query(Query::Document {
            number: "R-2026-0002".into(),
        })
        .unwrap()
    else {
        panic!("a document that does not exist was found");
    };
    let Answer::Stock(lines) = db
        .svc
        .query(Query::Stock {
            location: Some("wh1/a".into()),
            sku: Some(STRICT.into()),
        })
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.location == "WH1/A/01" && l.qty == 1));
    let Answer::Units(units) = db
        .svc
        .query(Query::Lookup {
            serial: "q-1".into(),
            date: None,
        })
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(units.len(), 1);
    assert!(matches!(
        db.svc.stock(None, Some("NOPE")),
        Err(OpsError::Refused(m)) if m.message.contains("\"NOPE\"")
    ));
}

#[test]
fn no_unit_moves_before_its_previous_movement() {
    let db = db();
    let day = |d: &str| Some(Day::parse(d).unwrap());
    let mut r = receipt(STRICT, &["M-1"], "WH1/A/01", None);
    r.date = day("2026-03-10");
    db.ok(r);
    // A sale dated before the receipt.
    let mut s = sale(STRICT, &["M-1"], "ACME", None, None);
    s.date = day("2026-03-09");
    let m = db.refused(s.clone());
    assert_contains(
        &m,
        &["SN \"M-1\"", "last moved on 2026-03-10", "2026-03-09"],
    );
    s.date = day("2026-03-12");
    db.ok(s);
    // A return dated before its sale.
    let mut back = ret(STRICT, &["M-1"], "ACME", "WH1/A/01");
    back.date = day("2026-03-11");
    let m = db.refused(back.clone());
    assert_contains(&m, &["last moved on 2026-03-12", "2026-03-11"]);
    // The same day is fine.
    back.date = day("2026-03-12");
    db.ok(back);
    assert_eq!(db.state(STRICT, "M-1"), in_stock("WH1/A/01"));
    // Within one batch, the earlier command's movement counts too.
    let mut t1 = transfer(STRICT, &["M-1"], "WH1/A/01", "WH1/B/01");
    t1.date = day("2026-03-14");
    let mut t2 = transfer(STRICT, &["M-1"], "WH1/B/01", "WH1/A/01");
    t2.date = day("2026-03-13");
    let err = db
        .svc
        .execute(
            "clerk",
            Command::Batch(vec![Command::Post(t1), Command::Post(t2)]),
        )
        .unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    assert_eq!(db.state(STRICT, "M-1"), in_stock("WH1/A/01"));
}

#[test]
fn a_customer_returns_at_most_what_they_bought_of_unserialised_goods() {
    let db = db();
    let mut r = DocRequest {
        party: Some("Northwind".into()),
        invoice: Some("INV-9".into()),
        to: Some("WH1/A/01".into()),
        lines: qty_line(QTY, 500),
        ..doc(DocKind::Receipt)
    };
    r.declared_qty = None;
    db.ok(r);
    db.ok(DocRequest {
        party: Some("ACME".into()),
        invoice: Some("SI-9".into()),
        from: Some("WH1/A/01".into()),
        lines: qty_line(QTY, 10),
        ..doc(DocKind::Sale)
    });
    let back = |n: u32, who: &str| DocRequest {
        party: Some(who.into()),
        to: Some("WH1/A/01".into()),
        lines: qty_line(QTY, n),
        ..doc(DocKind::Return)
    };
    let m = db.refused(back(200, "ACME"));
    assert_contains(&m, &["\"ACME\" holds 10", "at most 10", "found 200"]);
    // Another customer bought none.
    let m = db.refused(back(1, "Globex"));
    assert_contains(&m, &["\"Globex\" holds 0"]);
    db.ok(back(4, "ACME"));
    db.ok(back(6, "ACME"));
    let m = db.refused(back(1, "ACME"));
    assert_contains(&m, &["holds 0"]);
}

#[test]
fn a_sale_from_an_area_records_the_bin_each_unit_left() {
    let db = db();
    db.ok(receipt(STRICT, &["B-1"], "WH1/A/01", None));
    db.ok(receipt(STRICT, &["B-2"], "WH1/B/01", None));
    db.ok(sale(STRICT, &["B-1", "B-2"], "ACME", Some("WH1"), None));
    for (serial, bin) in [("B-1", "WH1/A/01"), ("B-2", "WH1/B/01")] {
        let unit = db.unit(STRICT, serial);
        let last = unit.timeline.last().unwrap();
        assert_eq!(last.entry.from.as_deref(), Some(bin), "{serial}");
    }
}

#[test]
fn the_product_may_be_left_out_when_the_serial_names_one() {
    let db = db();
    db.ok(receipt(STRICT, &["P-1"], "WH1/A/01", None));
    db.ok(sale("", &["P-1"], "ACME", None, None));
    assert!(matches!(db.state(STRICT, "P-1"), UnitState::Sold { .. }));
    // Never seen: the product must be named.
    let m = db.refused(receipt("", &["P-NEW"], "WH1/A/01", None));
    assert_contains(&m, &["SN \"P-NEW\"", "--product"]);
    // A serial two products share: the product must be named.
    db.ok(receipt(STRICT, &["DUP-1"], "WH1/A/01", None));
    db.ok(receipt(SOFT, &["DUP-1"], "WH1/A/01", None));
    let m = db.refused(transfer("", &["DUP-1"], "WH1/A/01", "WH1/B/01"));
    assert_contains(&m, &["several products", STRICT, SOFT]);
}

// ---- what a scanned serial may be -----------------------------------------------------------

const LABEL_GTIN: &str = "09506000134352";

/// The database with a labelled product (GTIN `LABEL_GTIN`) beside the unlabelled ones.
fn labelled_db() -> Db {
    let db = db();
    db.exec(Command::AddProduct(NewProduct {
        gtin: Some(LABEL_GTIN.into()),
        ..match product(
            "LBL-1",
            Tracking::all(Mode::Strict),
            SerialFormat::Plain,
            true,
        ) {
            Command::AddProduct(p) => p,
            _ => unreachable!(),
        }
    }))
    .unwrap();
    db
}

#[test]
fn a_serial_of_characters_no_serial_holds_is_refused_in_every_flow() {
    let db = labelled_db();
    for bad in ["#$%garbage!!", "SN 12", "AB*1"] {
        let m = db.refused(receipt(STRICT, &[bad], "WH1/A/01", None));
        assert!(m.contains("no serial character: rescan"), "{m}");
        assert!(m.contains(&format!("\"{bad}\"")), "{m}");
        let err = db.svc.lookup(bad).unwrap_err();
        assert!(err.to_string().contains("no serial character"), "{err}");
    }
    // The default marks are allowed.
    db.ok(receipt(STRICT, &["A-1/2.3_4"], "WH1/A/01", None));
    assert_eq!(db.state(STRICT, "A-1/2.3_4"), in_stock("WH1/A/01"));
}

#[test]
fn a_label_of_another_product_is_refused_on_receipt_sale_and_lookup() {
    let db = labelled_db();
    // A label's GTIN names the product when the line names none; its (21) is the serial.
    let (_, _) = db.ok(receipt(
        "",
        &[&format!("(01){LABEL_GTIN}(21)L-1")],
        "WH1/A/01",
        None,
    ));
    assert_eq!(db.state("LBL-1", "L-1"), in_stock("WH1/A/01"));
    db.ok(receipt(STRICT, &["S-9"], "WH1/A/01", None));
    // The label says LBL-1, the line (or the serial) is STRICT-1.
    let label_on_strict = format!("(01){LABEL_GTIN}(21)S-9");
    assert_eq!(
        db.refused(receipt(STRICT, &[&label_on_strict], "WH1/A/01", None)),
        "label is LBL-1, SN \"S-9\" is product STRICT-1: rescan"
    );
    assert_eq!(
        db.refused(sale(STRICT, &[&label_on_strict], "ACME", None, None)),
        "label is LBL-1, SN \"S-9\" is product STRICT-1: rescan"
    );
    let err = db.svc.lookup(&label_on_strict).unwrap_err();
    assert_eq!(
        err.to_string(),
        "label is LBL-1, SN \"S-9\" is product STRICT-1: rescan"
    );
    // The right label finds its unit; a plain scan of the same serial too.
    let found = db.svc.lookup(&format!("(01){LABEL_GTIN}(21)L-1")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].product.sku, "LBL-1");
    db.ok(sale(
        "",
        &[&format!("(01){LABEL_GTIN}(21)L-1")],
        "ACME",
        None,
        None,
    ));
    assert!(matches!(db.state("LBL-1", "L-1"), UnitState::Sold { .. }));
}
