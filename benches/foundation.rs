//! Foundation benches: one durable command beside a bare sled insert + flush + fsync of the
//! same bytes; lookup of a 20-event serial and opening on a 1,000,000-unit store.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use std::io::Write;
use std::time::{Duration, Instant};
use support::Samples;
use tallyman::domain::{DocKind, Mode, PartyRole, SerialFormat, Tracking};
use tallyman::ops::local::Service;
use tallyman::ops::{Command, DocRequest, LineRequest, NewParty, NewProduct};

// The binary's allocator (see Cargo.toml), so the service calls measured here allocate as
// they do in `tallyman` and `tallyman serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

static COMMAND: Samples = Samples::new();
static BARE: Samples = Samples::new();
static LOOKUP: Samples = Samples::new();
static SCAN_LOOKUP: Samples = Samples::new();
static RENDERED: Samples = Samples::new();

fn receipt(serial: String, to: &str) -> Command {
    Command::Post(DocRequest {
        kind: DocKind::Receipt,
        date: None,
        party: Some("Bench Supplier".into()),
        invoice: Some("INV-B".into()),
        from: None,
        to: Some(to.into()),
        reason: None,
        declared_qty: None,
        lines: vec![LineRequest {
            sku: "BENCH-1".into(),
            serial: Some(serial),
            qty: 1,
            amount: None,
        }],
    })
}

/// Adds the bench product and supplier, and the two bins unless they exist (the demo has them).
fn setup_small(service: &Service) {
    let mut commands = vec![
        Command::AddProduct(NewProduct {
            sku: "BENCH-1".into(),
            name: "Bench unit".into(),
            gtin: None,
            category: String::new(),
            tracking: Tracking::all(Mode::Strict),
            serial_format: SerialFormat::Plain,
            warranty: None,
            fold_case: true,
        }),
        Command::AddParty(NewParty {
            name: "Bench Supplier".into(),
            role: PartyRole::Both,
            bill_to: String::new(),
            ship_to: String::new(),
        }),
    ];
    for bin in ["WH1/A/01", "WH1/A/02"] {
        if service.store().location(bin).expect("location").is_none() {
            commands.push(Command::AddLocation {
                code: bin.into(),
                name: String::new(),
            });
        }
    }
    service
        .execute("bench", Command::Batch(commands))
        .expect("bench master data");
}

fn durable_command(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (service, _) = Service::open(&tmp.path().join("db")).expect("open");
    setup_small(&service);
    let mut group = c.benchmark_group("durable_command");
    let mut n = 0u64;
    group.bench_function("one_serial_receipt", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let cmd = receipt(format!("SN{n:09}"), "WH1/A/01");
                let t = Instant::now();
                service.execute("bench", cmd).expect("receipt");
                let d = t.elapsed();
                COMMAND.push(d);
                total += d;
            }
            total
        })
    });
    // The baseline: the same number of bytes a one-serial receipt journals, inserted into a
    // bare sled tree, flushed, and fsynced to an append-only file.
    let payload = vec![0x5Au8; 160];
    let bare = sled::open(tmp.path().join("bare")).expect("bare sled");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(tmp.path().join("bare.log"))
        .expect("bare log");
    let mut k = 0u64;
    group.bench_function("bare_sled_insert_flush_fsync", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                k += 1;
                let t = Instant::now();
                bare.insert(k.to_be_bytes(), payload.as_slice())
                    .expect("insert");
                bare.flush().expect("flush");
                file.write_all(&payload).expect("append");
                file.sync_data().expect("fsync");
                let d = t.elapsed();
                BARE.push(d);
                total += d;
            }
            total
        })
    });
    group.finish();
    COMMAND.report("durable_command/one_serial_receipt");
    BARE.report("durable_command/bare_sled_insert_flush_fsync");
}

fn big_store(c: &mut Criterion) {
    let units = support::big_units();
    let dir = support::big_store(units);
    let (service, _) = Service::open(&dir).expect("open big store");
    let service = std::sync::Arc::new(service);
    // A serial with 20 events: a receipt, 18 transfers, a sale.
    let serial = "HIST-20".to_string();
    if service.lookup(&serial).expect("lookup").is_empty() {
        setup_small(&service);
        service
            .execute("bench", receipt(serial.clone(), "WH1/A/01"))
            .expect("receipt");
        for i in 0..18 {
            let (from, to) = if i % 2 == 0 {
                ("WH1/A/01", "WH1/A/02")
            } else {
                ("WH1/A/02", "WH1/A/01")
            };
            let mut t = match receipt(serial.clone(), to) {
                Command::Post(d) => d,
                _ => unreachable!(),
            };
            t.kind = DocKind::Transfer;
            t.party = None;
            t.invoice = None;
            t.from = Some(from.into());
            service
                .execute("bench", Command::Post(t))
                .expect("transfer");
        }
        let mut s = match receipt(serial.clone(), "WH1/A/01") {
            Command::Post(d) => d,
            _ => unreachable!(),
        };
        s.kind = DocKind::Sale;
        s.to = None;
        service.execute("bench", Command::Post(s)).expect("sale");
    }
    let found = service.lookup(&serial).expect("lookup");
    assert_eq!(
        found[0].timeline.len(),
        20,
        "the bench serial has 20 events"
    );
    let mut group = c.benchmark_group(format!("store_{units}"));
    group.bench_function("lookup_serial_20_events", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let v = service.lookup(&serial).expect("lookup");
                let d = t.elapsed();
                std::hint::black_box(v);
                LOOKUP.push(d);
                total += d;
            }
            total
        })
    });
    // Scan to warranty answer: decode the raw scan, look the serial up, work out its warranty.
    let today = service.today();
    group.bench_function("scan_decode_lookup_warranty", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let decoded = tallyman::domain::scan::decode(
                    &serial,
                    &tallyman::domain::scan::ScanConfig::default(),
                )
                .expect("decode");
                let views = service.lookup(decoded.key().unwrap_or("")).expect("lookup");
                let w = service
                    .warranty_of(&views[0].unit, today)
                    .expect("warranty");
                let d = t.elapsed();
                std::hint::black_box(w);
                SCAN_LOOKUP.push(d);
                total += d;
            }
            total
        })
    });
    // Scan to rendered lookup screen: the scan typed into the lookup screen, the effect run
    // through the ops runner (decode, query, warranty), the screen built and drawn at 80x24.
    let mut app = tallyman::tui::testing::TestSetup::new(80, 24, tallyman::tui::Profile::Vt)
        .build()
        .with_service(std::sync::Arc::clone(&service));
    app.keys("3");
    let script = format!("{serial}<enter>");
    group.bench_function("scan_to_rendered_lookup_80x24", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                app.keys(&script);
                let screen = app.render();
                let d = t.elapsed();
                std::hint::black_box(screen);
                RENDERED.push(d);
                total += d;
            }
            assert!(
                app.render().contains(&serial),
                "the lookup screen shows the serial"
            );
            total
        })
    });
    drop(app);
    group.sample_size(10);
    group.bench_function("warranty_expiring_30_days_report", |b| {
        b.iter(|| {
            service
                .warranty_report(today, 30, None)
                .expect("report")
                .len()
        })
    });
    drop(service);
    group.bench_function("open_current_store", |b| {
        b.iter(|| {
            let (s, notes) = Service::open(&dir).expect("open");
            assert_eq!(notes.replayed, 0);
            drop(s);
        })
    });
    // What opening spends checking every old frame's checksum (bit rot is found on open):
    // the baseline of the line above, in the same run.
    let journal = dir.join(tallyman::ops::JOURNAL_FILE);
    let len = std::fs::metadata(&journal).expect("journal").len();
    group.bench_function("verify_every_frame_of_the_journal", |b| {
        b.iter(|| {
            assert!(tallyman::journal::verify_frames(&journal, len).expect("frames"));
        })
    });
    group.finish();
    LOOKUP.report(&format!("store_{units}/lookup_serial_20_events"));
    SCAN_LOOKUP.report(&format!("store_{units}/scan_decode_lookup_warranty"));
    RENDERED.report(&format!("store_{units}/scan_to_rendered_lookup_80x24"));
}

criterion_group!(benches, durable_command, big_store);
criterion_main!(benches);
