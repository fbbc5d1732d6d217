//! The database the lookup and reports screen tests share, at the screens' clock (2026-01-02
//! 14:05): phones, routers and cables received, sold, returned, repaired and replaced on fixed
//! dates, and a count.

#![allow(dead_code)]

use std::sync::Arc;

use tallyman::domain::{CountId, Day, DocKind, Money, PartyRole, Period, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::{Command, NewCount};
use tallyman::tui::testing::{TestApp, TestSetup};

use super::build::{location, new_doc, new_product, party};
use super::ScreenClock;

pub const ROUTER_GTIN: &str = "09506000134352";
pub const IMEI: &str = "490154203237518";

pub struct Db {
    pub _tmp: tempfile::TempDir,
    pub svc: Arc<Service>,
}

pub fn product(
    sku: &str,
    name: &str,
    format: SerialFormat,
    gtin: Option<&str>,
    warranty: Option<Period>,
) -> Command {
    new_product(sku)
        .name(name)
        .format(format)
        .gtin(gtin)
        .warranty(warranty)
        .cmd()
}

/// A document on `date` at `amount` each: receipts from Northwind Distribution on PINV-77
/// into WH1/A/01, sales to ACME Retail on INV-1001.
pub fn doc(kind: DocKind, date: &str, sku: &str, serials: &[&str], amount: &str) -> Command {
    let invoice = match kind {
        DocKind::Receipt => Some("PINV-77"),
        DocKind::Sale => Some("INV-1001"),
        _ => None,
    };
    new_doc(kind, sku)
        .parties("Northwind Distribution", "ACME Retail")
        .invoice(invoice)
        .date(Some(Day::parse(date).unwrap()))
        .to((kind == DocKind::Receipt).then_some("WH1/A/01"))
        .serials(serials)
        .amount(Money::parse(amount).unwrap().0)
        .cmd()
}

/// The phone (IMEI) sold 2025-01-20 with a 12-month warranty: expiring on 2026-01-02.
/// Routers (GS1 label): RT00000001 sold 2025-06-01 (24 months) then replaced under warranty
/// by RT00000004; RT00000002 sold 2023-01-10 (expired); RT00000003 in stock, counted.
/// Cable and adapter share serial SHARED-1.
pub fn db() -> Db {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open_with_clock(tmp.path(), Box::new(ScreenClock)).unwrap();
    svc.execute(
        "setup",
        Command::Batch(vec![
            product(
                "PH-X200",
                "Phone X200",
                SerialFormat::Imei,
                None,
                Some(Period::Months(12)),
            ),
            product(
                "RT-AX55",
                "Router AX55",
                SerialFormat::Regex("RT[0-9]{8}".into()),
                Some(ROUTER_GTIN),
                Some(Period::Months(24)),
            ),
            product("CBL-USBC", "USB-C cable", SerialFormat::Plain, None, None),
            product("ADP-USBC", "USB-C adapter", SerialFormat::Plain, None, None),
            party("Northwind Distribution", PartyRole::Supplier),
            party("ACME Retail", PartyRole::Customer),
            location("WH1/A/01"),
        ]),
    )
    .unwrap();
    for c in [
        doc(DocKind::Receipt, "2024-12-02", "PH-X200", &[IMEI], "419.00"),
        doc(DocKind::Sale, "2025-01-20", "PH-X200", &[IMEI], "649.00"),
        doc(
            DocKind::Receipt,
            "2022-12-01",
            "RT-AX55",
            &["RT00000002"],
            "49.90",
        ),
        doc(
            DocKind::Sale,
            "2023-01-10",
            "RT-AX55",
            &["RT00000002"],
            "89.90",
        ),
        doc(
            DocKind::Receipt,
            "2025-05-02",
            "RT-AX55",
            &["RT00000001", "RT00000003", "RT00000004"],
            "54.90",
        ),
        doc(
            DocKind::Sale,
            "2025-06-01",
            "RT-AX55",
            &["RT00000001"],
            "89.90",
        ),
        doc(
            DocKind::Receipt,
            "2025-07-01",
            "CBL-USBC",
            &["SHARED-1"],
            "2.50",
        ),
        doc(
            DocKind::Receipt,
            "2025-07-01",
            "ADP-USBC",
            &["SHARED-1"],
            "4.00",
        ),
    ] {
        svc.execute("setup", c).unwrap();
    }
    svc.execute(
        "support",
        Command::RepairIntake {
            serial: "RT00000001".into(),
            service_type: None,
            note: "no wifi".into(),
        },
    )
    .unwrap();
    svc.execute(
        "support",
        Command::WarrantyReplace {
            old: "RT00000001".into(),
            new: "RT00000004".into(),
            policy: None,
            note: "dead on bench".into(),
        },
    )
    .unwrap();
    svc.execute(
        "super",
        Command::OpenCount(NewCount {
            name: "Bin".into(),
            location: "WH1/A/01".into(),
            skus: vec![],
            categories: vec![],
            blind: true,
        }),
    )
    .unwrap();
    svc.record_scan("clerk2", CountId(1), "WH1/A/01", "RT00000003")
        .unwrap();
    // A router on the shelf that was never received: counted, no unit.
    svc.record_scan("clerk2", CountId(1), "WH1/A/01", "RT00000099")
        .unwrap();
    Db {
        _tmp: tmp,
        svc: Arc::new(svc),
    }
}

pub fn app_on(db: &Db, setup: TestSetup) -> TestApp {
    setup.build().with_service(db.svc.clone())
}

pub fn app(db: &Db) -> TestApp {
    app_on(db, TestSetup::default())
}
