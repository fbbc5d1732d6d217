//! Golden bytes of every stored record type and of journal entries (DESIGN section 5): the
//! encoding of fixed values must never change, because old databases and journals must keep
//! decoding. Fixtures are hex files in `tests/fixtures/golden/`.
//!
//! When a fixture is missing, the test writes it and fails, asking you to review it; commit it
//! once reviewed. A fixture that no longer matches is a format change: add a new record
//! version instead of changing the old bytes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tallyman::codec;
use tallyman::domain::unit::SaleInfo;
use tallyman::domain::warranty::{
    Agreement, AgreementEvent, AgreementEventCode, AgreementStatus, Coverage, CoverageKind,
    EndSource, GenericWarranty, Repair, Replacement, ReplacementPolicy, StartBasis,
};
use tallyman::domain::{
    Count, CountId, CountScan, CountScope, CountStatus, Day, DocKind, DocLine, DocNo, Document,
    Event, HistoryEntry, HistoryKind, KeyImage, Location, Mode, Money, Party, PartyId, PartyRole,
    Period, Product, ProductId, Resolution, ResolutionRecord, ScanVerdict, SerialFormat, SerialKey,
    Tracking, Unexpected, Unit, UnitState, Warning,
};
use tallyman::journal::{read_all, Entry, EntryRecord, Journal, ZERO_HASH};
use tallyman::store::records::{
    AgreementRecord, CountRecord, CountScanRecord, DocumentRecord, FrozenRecord, GenericRecord,
    ImagesRecord, LocationRecord, Meta, MetaRecord, PartsOpenRecord, PartyRecord, ProductRecord,
    RepairRecord, ResolutionRecordV, StoredDocument, StoredUnit, UnitRecord, UserRecord,
};

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(format!("{name}.hex"))
}

fn to_hex_lines(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(32)
        .map(|c| c.iter().map(|b| format!("{b:02x}")).collect())
        .collect()
}

fn parse_hex(text: &str) -> Vec<u8> {
    let digits: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits");
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digit"))
        .collect()
}

thread_local! {
    /// Fixtures this test wrote because they were missing.
    static WRITTEN: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Compares `actual` with the fixture `name` and returns the fixture's bytes. A missing
/// fixture is written (and the test fails at `finish`, so every missing one is written in one
/// run).
fn golden(name: &str, what: &str, actual: &[u8]) -> Vec<u8> {
    let path = fixture_path(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let expected = parse_hex(&text);
            assert_eq!(
                to_hex_lines(actual),
                to_hex_lines(&expected),
                "the encoding of {what} differs from the golden fixture {}: stored bytes must \
                 never change (append a new record version instead)",
                path.display()
            );
            expected
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let mut text = format!(
                "# golden bytes: {what}\n# written by tests/store_golden.rs; review before committing\n"
            );
            for line in to_hex_lines(actual) {
                text.push_str(&line);
                text.push('\n');
            }
            std::fs::write(&path, text).unwrap();
            WRITTEN.with(|w| w.borrow_mut().push(path));
            actual.to_vec()
        }
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// Fails the test if it had to write fixtures.
fn finish() {
    let written = WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut()));
    assert!(
        written.is_empty(),
        "wrote missing golden fixture(s) {written:?}: review them, then run the test again"
    );
}

/// The generic checks of one versioned record type.
macro_rules! check_record {
    ($record:ident, $name:expr, $what:expr, $value:expr) => {{
        let value = $value;
        let bytes = $record::encode(&value).unwrap();
        // The borrowing encoder writes exactly what the record enum writes.
        let via_enum = codec::encode($what, &$record::V1(value.clone())).unwrap();
        assert_eq!(
            bytes, via_enum,
            "{}: borrowed and owned encodings differ",
            $name
        );
        let fixture = golden($name, $what, &bytes);
        assert_eq!(
            $record::decode(&fixture).unwrap(),
            value,
            "{}: the fixture does not decode back to the value",
            $name
        );
        assert_rejects_damage::<$record>(&fixture, $name);
    }};
}

/// Trailing bytes, a truncated value and an unknown (future) version are errors, not panics.
fn assert_rejects_damage<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    fixture: &[u8],
    name: &str,
) {
    let mut trailing = fixture.to_vec();
    trailing.push(0);
    assert!(
        codec::decode::<T>("test", &trailing).is_err(),
        "{name}: trailing bytes accepted"
    );
    assert!(
        codec::decode::<T>("test", &fixture[..fixture.len() - 1]).is_err(),
        "{name}: truncated bytes accepted"
    );
    // The first byte is the version's variant index (varint); V1 is 0.
    assert_eq!(
        fixture[0], 0,
        "{name}: the record does not start with version V1"
    );
    let mut future = fixture.to_vec();
    future[0] = 1;
    assert!(
        codec::decode::<T>("test", &future).is_err(),
        "{name}: an unknown version decoded"
    );
}

// ---------------------------------------------------------------- fixed values

fn day(y: i32, m: u32, d: u32) -> Day {
    Day::from_ymd(y, m, d).unwrap()
}

fn key(s: &str) -> SerialKey {
    SerialKey::normalize(s, true).unwrap()
}

fn hash(start: u8) -> [u8; 32] {
    std::array::from_fn(|i| start.wrapping_add(i as u8))
}

fn meta() -> Meta {
    Meta {
        applied_seq: 42,
        applied_start: 1_234,
        applied_end: 1_300,
        applied_hash: hash(0x10),
        applying: Some((43, 7)),
        next_product: 5,
        next_party: 300,
        next_count: 4,
        next_generic: 9,
        doc_counters: BTreeMap::from([("R-2026".to_string(), 12), ("S-2026".to_string(), 3)]),
    }
}

fn product_imei() -> Product {
    Product {
        id: ProductId(7),
        sku: "PH-X200".into(),
        name: "Phone X200 128GB".into(),
        gtin: Some("04200000123459".into()),
        category: "phones".into(),
        tracking: Tracking {
            receipt: Mode::Strict,
            sale: Mode::Soft,
            ret: Mode::Strict,
            transfer: Mode::Soft,
        },
        serial_format: SerialFormat::Imei,
        warranty: Some(Period::Months(24)),
        fold_case: true,
        warranty_basis: StartBasis::Sale,
        replacement_policy: ReplacementPolicy::LongerOfBoth,
    }
}

fn product_regex() -> Product {
    Product {
        id: ProductId(200),
        sku: "RT-AX55".into(),
        name: "Router".into(),
        gtin: None,
        category: String::new(),
        tracking: Tracking::all(Mode::Strict),
        serial_format: SerialFormat::Regex("RT[0-9]{8}".into()),
        warranty: Some(Period::Days(90)),
        fold_case: false,
        warranty_basis: StartBasis::Receipt,
        replacement_policy: ReplacementPolicy::Fresh,
    }
}

fn product_none() -> Product {
    Product {
        id: ProductId(70_000),
        sku: "BAT-AA".into(),
        name: "AA batteries".into(),
        gtin: None,
        category: "accessories".into(),
        tracking: Tracking::all(Mode::None),
        serial_format: SerialFormat::Plain,
        warranty: None,
        fold_case: true,
        warranty_basis: StartBasis::Sale,
        replacement_policy: ReplacementPolicy::Remaining,
    }
}

fn party(role: PartyRole) -> Party {
    Party {
        id: PartyId(3),
        name: "ACME Retail".into(),
        role,
        bill_to: "1 High Street, Manchester".into(),
        ship_to: "Dock 1, ACME Retail Park".into(),
    }
}

fn location() -> Location {
    Location {
        code: "WH1/A/01".into(),
        name: "Aisle A bin 1".into(),
    }
}

fn unit(state: UnitState) -> Unit {
    Unit {
        product: ProductId(7),
        serial: key("490154203237518"),
        state,
        cost: Some(Money(41_900)),
        receipt: Some(DocNo("R-2026-0001".into())),
        supplier: Some(PartyId(1)),
        received_on: Some(day(2026, 1, 31)),
        sale: Some(SaleInfo {
            document: DocNo("S-2026-0042".into()),
            customer: PartyId(3),
            date: day(2026, 2, 28),
            price: Some(Money(64_900)),
            returned: true,
        }),
        activation: Some(day(2026, 3, 1)),
        coverages: vec![coverage()],
    }
}

fn coverage() -> Coverage {
    Coverage {
        kind: CoverageKind::Extended,
        product: ProductId(7),
        serial: key("490154203237518"),
        agreement: Some("AG-000042".into()),
        start: day(2026, 3, 1),
        end: day(2028, 2, 29),
        end_source: EndSource::AgreementDuration,
        inherited_from: Some(key("356938035643809")),
    }
}

fn warranty_events() -> Vec<Event> {
    let agreement = Agreement {
        number: "AG-000042".into(),
        serial: key("490154203237518"),
        status: AgreementStatus::InService,
        tag: Some("gold".into()),
        activation: Some(day(2026, 3, 1)),
        coverage: coverage(),
        events: vec![AgreementEvent {
            code: AgreementEventCode::Labour,
            date: day(2026, 6, 1),
            note: "cleaned".into(),
        }],
    };
    vec![
        Event::ProductWarrantyTerms {
            product: ProductId(7),
            basis: StartBasis::Receipt,
            policy: ReplacementPolicy::Fresh,
        },
        Event::WarrantyActivated {
            product: ProductId(7),
            serial: key("490154203237518"),
            date: day(2026, 3, 1),
        },
        Event::AgreementAdded(agreement),
        Event::AgreementEventRecorded {
            number: "AG-000042".into(),
            event: AgreementEvent {
                code: AgreementEventCode::ReturnToFactory,
                date: day(2026, 7, 1),
                note: "board".into(),
            },
        },
        Event::RepairOpened(Repair {
            number: "RP-2026-0001".into(),
            product: ProductId(7),
            serial: key("490154203237518"),
            intake: day(2026, 7, 1),
            warranty_type: "serialized".into(),
            service_type: Some("screen".into()),
            note: "flicker".into(),
            before: UnitState::InStock {
                location: "WH1/A/01".into(),
            },
            closed: Some(day(2026, 7, 9)),
        }),
        Event::RepairClosed {
            number: "RP-2026-0001".into(),
            to: Some("WH1/A/01".into()),
            note: "fixed".into(),
            date: day(2026, 7, 9),
        },
        Event::UnitReplaced(Replacement {
            product: ProductId(7),
            old: key("490154203237518"),
            new: key("356938035643809"),
            day: day(2026, 8, 1),
            policy: ReplacementPolicy::LongerOfBoth,
            coverages: vec![coverage()],
            note: "dead".into(),
        }),
        Event::GenericWarrantyAdded {
            id: 3,
            generic: GenericWarranty {
                category: Some("phones".into()),
                service_type: None,
                effective: day(2026, 1, 1),
                expiry: day(2026, 12, 31),
                force_generic: false,
            },
        },
    ]
}

fn unit_bare() -> Unit {
    Unit {
        product: ProductId(1),
        serial: key("SN-1"),
        state: UnitState::WrittenOff,
        cost: None,
        receipt: None,
        supplier: None,
        received_on: None,
        sale: None,
        activation: None,
        coverages: Vec::new(),
    }
}

fn warning() -> Warning {
    Warning {
        message: "SN \"CB-1\" is in stock at WH1/A/01, not at WH2".into(),
        reason: "picked from the wrong bin".into(),
    }
}

fn history_full() -> HistoryEntry {
    HistoryEntry {
        seq: 300,
        at_ms: 1_773_576_000_123,
        actor: "clerk1".into(),
        kind: HistoryKind::Document(DocKind::Sale),
        document: DocNo("S-2026-0042".into()),
        date: day(2026, 3, 15),
        party: Some(PartyId(3)),
        invoice: Some("INV-9".into()),
        from: Some("WH1/A/01".into()),
        to: None,
        amount: Some(Money(64_900)),
        reason: Some("soft sale".into()),
        warning: Some(warning()),
    }
}

fn history_bare() -> HistoryEntry {
    HistoryEntry {
        seq: 1,
        at_ms: -1,
        actor: String::new(),
        kind: HistoryKind::Document(DocKind::WriteOff),
        document: DocNo("W-2026-0001".into()),
        date: day(1, 1, 1),
        party: None,
        invoice: None,
        from: None,
        to: None,
        amount: None,
        reason: None,
        warning: None,
    }
}

fn document(kind: DocKind, n: u64) -> Document {
    Document {
        number: kind.number(2026, n),
        kind,
        date: day(2026, 3, 15),
        party: Some(PartyId(3)),
        invoice: Some(format!("INV-{n}")),
        from: Some("WH1/A".into()),
        to: Some("WH2/A/01".into()),
        reason: Some("because".into()),
        warning: (kind == DocKind::Receipt).then(warning),
        lines: vec![
            DocLine {
                product: ProductId(7),
                serial: Some(key("490154203237518")),
                qty: 1,
                amount: Some(Money(64_900)),
                warning: Some(warning()),
            },
            DocLine {
                product: ProductId(70_000),
                serial: None,
                qty: 12,
                amount: None,
                warning: None,
            },
        ],
    }
}

fn stored_document() -> StoredDocument {
    StoredDocument {
        document: document(DocKind::Sale, 42),
        seq: 7,
        at_ms: 1_773_576_000_000,
        actor: "clerk1".into(),
        corrected_by: vec![DocNo("X-2026-0001".into())],
    }
}

/// One entry with every `Event` variant and every document kind.
fn count() -> Count {
    Count {
        id: CountId(4),
        name: "Aisle A, November".into(),
        scope: CountScope {
            location: "WH1/A".into(),
            products: vec![ProductId(7)],
            categories: vec!["phones".into()],
        },
        blind: true,
        status: CountStatus::Open,
        opened_by: "supervisor".into(),
        opened_at_ms: 1_773_576_000_000,
        opened_seq: 41,
        scans: 17,
        live: 15,
        counters: vec!["clerk1".into(), "clerk2".into()],
        resolutions: 3,
    }
}

fn count_scan(verdict: ScanVerdict) -> CountScan {
    CountScan {
        count: CountId(4),
        number: 17,
        serial: key("490154203237518"),
        product: Some(ProductId(7)),
        location: "WH1/A/01".into(),
        counter: "clerk1".into(),
        at_ms: 1_773_576_000_500,
        verdict,
        undone: false,
    }
}

fn resolutions() -> Vec<Resolution> {
    vec![
        Resolution::ReplaceOnSale {
            product: ProductId(7),
            found: key("RT9"),
            missing: key("RT4"),
            sale: DocNo("S-2026-0042".into()),
            location: "WH1/A/01".into(),
            correction: document(DocKind::Correction, 1),
        },
        Resolution::ReplaceOnReceipt {
            product: ProductId(7),
            found: key("RT71"),
            missing: key("RT17"),
            receipt: DocNo("R-2026-0007".into()),
            location: "WH1/A/01".into(),
            correction: document(DocKind::Correction, 2),
        },
        Resolution::Posting(document(DocKind::FoundStock, 3)),
        Resolution::Accept {
            product: None,
            serial: key("NEW-1"),
            note: "label only".into(),
        },
    ]
}

fn entry_all_events() -> Entry {
    let mut events = vec![
        Event::ProductAdded(product_imei()),
        Event::LocationAdded(location()),
        Event::PartyAdded(party(PartyRole::Supplier)),
    ];
    for (i, kind) in DocKind::ALL.iter().enumerate() {
        events.push(Event::DocumentPosted(document(*kind, i as u64 + 1)));
    }
    events.push(Event::CountOpened(count()));
    events.push(Event::CountScanned(count_scan(ScanVerdict::Counted)));
    events.push(Event::CountScanUndone {
        count: CountId(4),
        number: 17,
    });
    events.push(Event::CountStatusChanged {
        count: CountId(4),
        status: CountStatus::Review,
    });
    for resolution in resolutions() {
        events.push(Event::CountResolved {
            count: CountId(4),
            number: 2,
            resolution,
        });
    }
    events.push(Event::CountResolutionUndone {
        count: CountId(4),
        number: 2,
    });
    events.extend(warranty_events());
    Entry {
        seq: 3,
        at_ms: 1_773_576_000_000,
        actor: "importer".into(),
        prev_hash: hash(0xA0),
        events,
    }
}

// ---------------------------------------------------------------- store records

#[test]
fn meta_record() {
    check_record!(MetaRecord, "meta", "store meta", meta());
    check_record!(
        MetaRecord,
        "meta_default",
        "store meta (empty store)",
        Meta::default()
    );
    finish();
}

#[test]
fn product_records() {
    check_record!(
        ProductRecord,
        "product_imei",
        "product (IMEI, mixed modes, months)",
        product_imei()
    );
    check_record!(
        ProductRecord,
        "product_regex",
        "product (regex, strict, days)",
        product_regex()
    );
    check_record!(
        ProductRecord,
        "product_none",
        "product (no serials)",
        product_none()
    );
    finish();
}

#[test]
fn party_records() {
    check_record!(
        PartyRecord,
        "party_customer",
        "party (customer)",
        party(PartyRole::Customer)
    );
    check_record!(
        PartyRecord,
        "party_supplier",
        "party (supplier)",
        party(PartyRole::Supplier)
    );
    check_record!(
        PartyRecord,
        "party_both",
        "party (both)",
        party(PartyRole::Both)
    );
    finish();
}

#[test]
fn location_record() {
    check_record!(LocationRecord, "location", "location", location());
    finish();
}

#[test]
fn unit_records_in_every_state() {
    let states = [
        (
            "unit_in_stock",
            UnitState::InStock {
                location: "WH1/A/01".into(),
            },
        ),
        (
            "unit_sold",
            UnitState::Sold {
                document: DocNo("S-2026-0042".into()),
                customer: PartyId(3),
            },
        ),
        ("unit_in_repair", UnitState::InRepair),
        ("unit_written_off", UnitState::WrittenOff),
        (
            "unit_replaced",
            UnitState::Replaced {
                by: key("356938035643809"),
            },
        ),
        (
            "unit_renamed",
            UnitState::Renamed {
                to: key("RT00000071"),
            },
        ),
    ];
    for (name, state) in states {
        let what = format!("unit ({})", state.name());
        let what: &'static str = Box::leak(what.into_boxed_str());
        let stored = StoredUnit {
            unit: unit(state),
            history: Vec::new(),
        };
        check_record!(UnitRecord, name, what, stored);
    }
    check_record!(
        UnitRecord,
        "unit_bare",
        "unit (no cost, receipt or sale)",
        StoredUnit {
            unit: unit_bare(),
            history: Vec::new(),
        }
    );
    finish();
}

/// A unit is stored with its timeline: one fully set history entry, one with every optional
/// field empty.
#[test]
fn unit_record_with_history() {
    check_record!(
        UnitRecord,
        "unit_with_history",
        "unit with its timeline",
        StoredUnit {
            unit: unit(UnitState::InStock {
                location: "WH1/A/01".into()
            }),
            history: vec![history_full(), history_bare()],
        }
    );
    // The unit alone, read from the golden bytes without its timeline.
    let bytes = golden(
        "unit_with_history",
        "unit with its timeline",
        &UnitRecord::encode(&StoredUnit {
            unit: unit(UnitState::InStock {
                location: "WH1/A/01".into(),
            }),
            history: vec![history_full(), history_bare()],
        })
        .unwrap(),
    );
    assert_eq!(
        UnitRecord::decode_unit(&bytes).unwrap(),
        UnitRecord::decode(&bytes).unwrap().unit
    );
    finish();
}

/// The warranty records the store keeps: an agreement with its events, a closed repair, a
/// generic warranty (taken from the journal events that make them).
#[test]
fn agreement_repair_and_generic_warranty_records() {
    let events = warranty_events();
    let agreement = events
        .iter()
        .find_map(|e| match e {
            Event::AgreementAdded(a) => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    check_record!(AgreementRecord, "agreement", "agreement", agreement);
    let repair = events
        .iter()
        .find_map(|e| match e {
            Event::RepairOpened(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    check_record!(RepairRecord, "repair", "repair", repair);
    let generic = events
        .iter()
        .find_map(|e| match e {
            Event::GenericWarrantyAdded { generic, .. } => Some(generic.clone()),
            _ => None,
        })
        .unwrap();
    check_record!(
        GenericRecord,
        "generic_warranty",
        "generic warranty",
        generic
    );
    finish();
}

#[test]
fn document_record() {
    check_record!(
        DocumentRecord,
        "document",
        "stored document",
        stored_document()
    );
    finish();
}

#[test]
fn resolution_record() {
    let record = ResolutionRecord {
        count: CountId(4),
        number: 2,
        resolution: resolutions().remove(0),
        actor: "super".into(),
        at_ms: 1_773_576_000_900,
        seq: 77,
        images: vec![
            KeyImage {
                key: b"Uabc".to_vec(),
                before: Some(vec![1, 2, 3]),
                after: None,
            },
            KeyImage {
                key: b"Bxyz".to_vec(),
                before: None,
                after: Some(vec![]),
            },
        ],
        undone: true,
    };
    check_record!(ResolutionRecordV, "resolution", "count resolution", record);
    finish();
}

#[test]
fn count_records() {
    check_record!(CountRecord, "count", "count", count());
    let verdicts = [
        ("counted", ScanVerdict::Counted),
        ("duplicate", ScanVerdict::Duplicate { first: 3 }),
        ("unknown", ScanVerdict::Unknown),
        (
            "elsewhere",
            ScanVerdict::Unexpected(Unexpected::Elsewhere {
                location: "WH1/B/02".into(),
            }),
        ),
        (
            "sold",
            ScanVerdict::Unexpected(Unexpected::Sold {
                document: DocNo("S-2026-0042".into()),
                customer: PartyId(3),
            }),
        ),
        (
            "written_off",
            ScanVerdict::Unexpected(Unexpected::WrittenOff),
        ),
        ("in_repair", ScanVerdict::Unexpected(Unexpected::InRepair)),
        (
            "replaced",
            ScanVerdict::Unexpected(Unexpected::Replaced { by: key("X2") }),
        ),
        (
            "other_product",
            ScanVerdict::Unexpected(Unexpected::OtherProduct {
                sku: "RT-AX55".into(),
            }),
        ),
    ];
    for (name, verdict) in verdicts {
        check_record!(
            CountScanRecord,
            &format!("count_scan_{name}"),
            "count scan",
            count_scan(verdict)
        );
    }
    finish();
}

// ---------------------------------------------------------------- journal

#[test]
fn journal_entry_with_every_event_variant() {
    let entry = entry_all_events();
    let record = EntryRecord::V1(entry.clone());
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden(
        "journal_entry",
        "journal entry (every event variant)",
        &bytes,
    );
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry");
    // The fixture really holds every variant (guards against the value drifting).
    let EntryRecord::V1(e) = back;
    let names: Vec<&str> = e
        .events
        .iter()
        .map(|ev| match ev {
            Event::ProductAdded(_) => "product",
            Event::LocationAdded(_) => "location",
            Event::PartyAdded(_) => "party",
            Event::DocumentPosted(_) => "document",
            Event::CountOpened(_) => "count",
            Event::CountScanned(_) => "scan",
            Event::CountScanUndone { .. } => "undo",
            Event::CountStatusChanged { .. } => "status",
            Event::CountResolved { .. } => "resolved",
            Event::CountResolutionUndone { .. } => "unresolved",
            Event::ProductWarrantyTerms { .. } => "terms",
            Event::WarrantyActivated { .. } => "activated",
            Event::AgreementAdded(_) => "agreement",
            Event::AgreementEventRecorded { .. } => "agreement-event",
            Event::RepairOpened(_) => "repair-in",
            Event::RepairClosed { .. } => "repair-out",
            Event::UnitReplaced(_) => "replaced",
            Event::GenericWarrantyAdded { .. } => "generic",
            // Appended after this fixture was made: see `journal_entry_with_user_events`.
            Event::UserSet { .. } => "user",
            Event::CountFrozen { .. } => "frozen",
            // Appended later still: see `journal_entry_with_counted_bins`.
            Event::BinCounted(_) => "bin",
            Event::PostedCountedBins { .. } => "posted-bins",
            Event::CountQtyAdded(_) => "qty",
            Event::CountQtyFrozen { .. } => "qty-frozen",
            // Appended later still: see `journal_entries_of_a_command_in_parts`.
            Event::PartsBegun => "parts-begun",
            Event::PartsEnded { .. } => "parts-ended",
            Event::PartsAbandoned { .. } => "parts-abandoned",
            // Appended later still: see `journal_entry_of_a_keyed_scan`.
            Event::ScanKeyed { .. } => "scan-keyed",
        })
        .collect();
    assert_eq!(
        names,
        [
            "product",
            "location",
            "party",
            "document",
            "document",
            "document",
            "document",
            "document",
            "document",
            "document",
            "count",
            "scan",
            "undo",
            "status",
            "resolved",
            "resolved",
            "resolved",
            "resolved",
            "unresolved",
            "terms",
            "activated",
            "agreement",
            "agreement-event",
            "repair-in",
            "repair-out",
            "replaced",
            "generic"
        ]
    );
    finish();
}

/// The events appended after `journal_entry` was fixed: a user given a role and one removed,
/// and the user record the store keeps.
#[test]
fn journal_entry_with_user_events() {
    use tallyman::domain::{Role, User};
    let entry = Entry {
        seq: 7,
        at_ms: 1_773_576_000_123,
        actor: "root".into(),
        prev_hash: [9; 32],
        events: vec![
            Event::UserSet {
                name: "hh07".into(),
                role: Some(Role::Clerk),
            },
            Event::UserSet {
                name: "anna".into(),
                role: None,
            },
        ],
    };
    let record = EntryRecord::V1(entry);
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden("journal_entry_users", "journal entry (user events)", &bytes);
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry_users");
    for role in Role::ALL {
        check_record!(
            UserRecord,
            &format!("user_{}", role.name()),
            "user",
            User {
                name: "hh07".into(),
                role,
            }
        );
    }
    finish();
}

/// A posted count's frozen buckets: the event and the record the store keeps.
#[test]
fn journal_entry_with_a_frozen_count() {
    use tallyman::domain::reconcile::{
        FrozenReport, MatchedRow, Reconciliation, ShortageRow, SurplusRow,
    };
    let report = FrozenReport {
        rec: Reconciliation {
            matched: vec![MatchedRow {
                product: ProductId(1),
                serial: key("SN-1"),
                location: "WH1/A/01".into(),
                scan: 1,
                moved: true,
            }],
            shortage: vec![ShortageRow {
                product: ProductId(1),
                serial: key("SN-2"),
                location: "WH1/A/01".into(),
            }],
            surplus: vec![SurplusRow {
                product: None,
                serial: key("SN-9"),
                location: "WH1/A/02".into(),
                scan: 2,
                reason: tallyman::domain::NotHere::Unknown,
            }],
            duplicates: vec![3],
        },
        accepted: vec![key("SN-2")],
        undone: vec![key("SN-4")],
        moved_since_open: vec![key("SN-1")],
    };
    let entry = Entry {
        seq: 9,
        at_ms: 1_773_576_000_123,
        actor: "super".into(),
        prev_hash: [7; 32],
        events: vec![Event::CountFrozen {
            count: tallyman::domain::CountId(4),
            report: report.clone(),
        }],
    };
    let record = EntryRecord::V1(entry);
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden(
        "journal_entry_frozen",
        "journal entry (a frozen count)",
        &bytes,
    );
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry_frozen");
    check_record!(FrozenRecord, "frozen_report", "frozen count report", report);
    finish();
}

/// The events of partial counts and quantity goods (appended to the journal's event list): a
/// bin finished, a count posted with the shortages of its counted bins, a quantity counted
/// and the quantity differences kept at posting.
#[test]
fn journal_entry_with_counted_bins() {
    let bin = tallyman::domain::count::CountedBin {
        count: tallyman::domain::CountId(4),
        location: "WH1/A/03".into(),
        counter: "clerk2".into(),
        at_ms: 1_773_576_000_222,
    };
    let entry = Entry {
        seq: 10,
        at_ms: 1_773_576_000_223,
        actor: "super".into(),
        prev_hash: [9; 32],
        events: vec![
            Event::BinCounted(bin),
            Event::PostedCountedBins {
                count: tallyman::domain::CountId(4),
            },
            Event::CountQtyAdded(tallyman::domain::count::CountQty {
                count: tallyman::domain::CountId(4),
                location: "WH1/C/08".into(),
                product: tallyman::domain::ProductId(5),
                qty: 24,
                counter: "clerk2".into(),
                at_ms: 1_773_576_000_224,
            }),
            Event::CountQtyFrozen {
                count: tallyman::domain::CountId(4),
                rows: vec![tallyman::domain::count::QtyMismatch {
                    location: "WH1/C/08".into(),
                    product: tallyman::domain::ProductId(5),
                    expected: 480,
                    counted: 470,
                }],
            },
        ],
    };
    let record = EntryRecord::V1(entry);
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden(
        "journal_entry_counted_bins",
        "journal entry (a counted bin, a count posted for its counted bins, quantities)",
        &bytes,
    );
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry_counted_bins");
    finish();
}

/// The events that mark a command written in parts (appended to the journal's event list),
/// and the records the store keeps while its parts are open.
#[test]
fn journal_entries_of_a_command_in_parts() {
    let entry = Entry {
        seq: 11,
        at_ms: 1_773_576_000_225,
        actor: "importer".into(),
        prev_hash: [7; 32],
        events: vec![
            Event::PartsBegun,
            Event::PartsEnded { first: 11 },
            Event::PartsAbandoned { first: 11 },
        ],
    };
    let record = EntryRecord::V1(entry);
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden(
        "journal_entry_parts",
        "journal entry (parts begun, ended, abandoned)",
        &bytes,
    );
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry_parts");
    check_record!(
        PartsOpenRecord,
        "parts_open",
        "parts begun",
        tallyman::store::PartsOpen {
            first: 11,
            meta: meta(),
        }
    );
    check_record!(
        ImagesRecord,
        "parts_images",
        "parts images",
        vec![
            (b"B1".to_vec(), None),
            (b"Uxyz".to_vec(), Some(vec![1, 2, 3])),
        ]
    );
    finish();
}

/// A scan sent with its client's key: the scan and the key that names it, in one entry.
#[test]
fn journal_entry_of_a_keyed_scan() {
    let entry = Entry {
        seq: 12,
        at_ms: 1_773_576_000_300,
        actor: "clerk1".into(),
        prev_hash: [9; 32],
        events: vec![Event::ScanKeyed {
            count: CountId(1),
            number: 7,
            key: "4f1c2a9e-000003".into(),
        }],
    };
    let record = EntryRecord::V1(entry);
    let bytes = codec::encode("journal entry", &record).unwrap();
    let fixture = golden(
        "journal_entry_scan_keyed",
        "journal entry (a scan's client key)",
        &bytes,
    );
    let back: EntryRecord = codec::decode("journal entry", &fixture).unwrap();
    assert_eq!(back, record);
    assert_rejects_damage::<EntryRecord>(&fixture, "journal_entry_scan_keyed");
    finish();
}

/// The whole file: header, framing (length, CRC-32) and the hash chain of two entries.
#[test]
fn journal_file_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("journal.tlj");
    let (mut journal, report) = Journal::open(&path, 0, 0, ZERO_HASH).unwrap();
    assert!(report.entries.is_empty());
    let first = journal
        .append(
            1_773_576_000_000,
            "clerk1",
            vec![Event::LocationAdded(location())],
        )
        .unwrap();
    let second = journal
        .append(
            1_773_576_000_001,
            "clerk2",
            vec![Event::PartyAdded(party(PartyRole::Customer))],
        )
        .unwrap();
    drop(journal);
    assert_eq!((first.entry.seq, second.entry.seq), (1, 2));
    assert_eq!(first.entry.prev_hash, ZERO_HASH);
    assert_eq!(second.entry.prev_hash, first.hash, "entries are chained");
    assert_eq!(first.start, 8, "the first frame follows the 8-byte header");
    assert_eq!(second.start, first.end);

    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"TALLYJ\x00\x01");
    assert_eq!(bytes.len() as u64, second.end);
    let fixture = golden("journal_file", "journal file with two entries", &bytes);

    // The fixture reads back as the same two entries.
    let copy = tmp.path().join("copy.tlj");
    std::fs::write(&copy, &fixture).unwrap();
    let mut seen = Vec::new();
    let (count, torn) = read_all(&copy, |l| {
        seen.push(l.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!((count, torn), (2, None));
    assert_eq!(seen, vec![first, second]);
    finish();
}
