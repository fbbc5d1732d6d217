//! `tallyman demo`: a database with realistic data (suppliers, customers, bins, a strict IMEI
//! phone, a strict GS1-labelled router, a soft-mode accessory, receipts, sales, returns,
//! transfers, write-offs), made through the same commands a warehouse would use.

use super::args::DemoArgs;
use super::Failure;
use crate::domain::scan::gtin_check_digit_ok;
use crate::domain::{Day, DocKind, Mode, Money, PartyRole, Period, SerialFormat, Tracking};
use crate::ops::{Command, DocRequest, LineRequest, Local, NewParty, NewProduct, Ops, OpsQueries};
use std::path::Path;

pub const SUPPLIERS: &[&str] = &[
    "Northwind Distribution",
    "Contoso Electronics GmbH",
    "Fabrikam Parts Ltd",
];
pub const CUSTOMERS: &[&str] = &[
    "ACME Retail",
    "Globex Stores",
    "Initech Offices",
    "Umbrella Clinics",
    "Hooli Campus",
    "Stark Logistics",
];
/// Lines per journal entry while generating (one fsync each): at most what the service
/// writes as one entry. A larger batch would be written in parts, which keep what they
/// replace so they can be taken back: work the demo, whose entries stand alone, does not
/// need (it was a tenth of a demo's time).
const LINES_PER_ENTRY: usize = crate::ops::PART_LINES;

/// A small deterministic generator (xorshift), so every demo database looks alike.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Appends the GS1 mod-10 check digit.
fn with_check_digit(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|g| gtin_check_digit_ok(g))
        .unwrap_or_else(|| format!("{body}0"))
}

/// A Luhn-valid IMEI from a TAC and a running number.
pub fn imei(n: u64) -> String {
    let tac = 35_209_900 + n / 1_000_000;
    let body = format!("{tac:08}{:06}", n % 1_000_000);
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|s| crate::domain::scan::luhn_ok(s))
        .unwrap_or(body)
}

struct Kind {
    sku: &'static str,
    share: u64,
    serial: fn(u64) -> String,
    cost: i64,
    price: i64,
}

fn router_serial(n: u64) -> String {
    format!("RT{n:08}")
}
fn laptop_serial(n: u64) -> String {
    format!("5CG{n:07}")
}
fn cable_serial(n: u64) -> String {
    format!("CB-{n:06}")
}

const KINDS: &[Kind] = &[
    Kind {
        sku: "PH-X200",
        share: 35,
        serial: imei,
        cost: 41_900,
        price: 64_900,
    },
    Kind {
        sku: "RT-AX55",
        share: 25,
        serial: router_serial,
        cost: 5_490,
        price: 8_990,
    },
    Kind {
        sku: "LAP-14",
        share: 15,
        serial: laptop_serial,
        cost: 68_000,
        price: 99_900,
    },
    Kind {
        sku: "CBL-USBC",
        share: 25,
        serial: cable_serial,
        cost: 290,
        price: 1_290,
    },
];

fn master_data() -> Vec<Command> {
    let mut cmds = Vec::new();
    for (i, name) in SUPPLIERS.iter().enumerate() {
        cmds.push(Command::AddParty(NewParty {
            name: name.to_string(),
            role: PartyRole::Supplier,
            bill_to: format!("{} Industrial Way, Leeds", 10 + i),
            ship_to: String::new(),
        }));
    }
    for (i, name) in CUSTOMERS.iter().enumerate() {
        cmds.push(Command::AddParty(NewParty {
            name: name.to_string(),
            role: PartyRole::Customer,
            bill_to: format!("{} High Street, Manchester", 1 + i),
            ship_to: format!(
                "Dock {}, {} Retail Park",
                i + 1,
                name.split(' ').next().unwrap_or("")
            ),
        }));
    }
    cmds.push(Command::AddLocation {
        code: "RECEIVING".into(),
        name: "Receiving dock".into(),
    });
    for bin in bins() {
        cmds.push(Command::AddLocation {
            code: bin,
            name: String::new(),
        });
    }
    cmds.push(Command::AddLocation {
        code: "WH2/RETURNS".into(),
        name: "Returns cage".into(),
    });
    let product = |sku: &str,
                   name: &str,
                   gtin: Option<String>,
                   cat: &str,
                   tracking: Tracking,
                   format: SerialFormat,
                   months: u32| {
        Command::AddProduct(NewProduct {
            sku: sku.into(),
            name: name.into(),
            gtin,
            category: cat.into(),
            tracking,
            serial_format: format,
            warranty: Some(Period::Months(months)),
            fold_case: true,
        })
    };
    cmds.push(product(
        "PH-X200",
        "Phone X200 128GB",
        Some(with_check_digit("0420000012345")),
        "phones",
        Tracking::all(Mode::Strict),
        SerialFormat::Imei,
        24,
    ));
    cmds.push(product(
        "RT-AX55",
        "Router AX55 dual band",
        Some(with_check_digit("0950600013435")),
        "network",
        Tracking::all(Mode::Strict),
        SerialFormat::Regex("RT[0-9]{8}".into()),
        36,
    ));
    cmds.push(product(
        "LAP-14",
        "Laptop 14in i5 16GB",
        Some(with_check_digit("0400638133393")),
        "computers",
        Tracking::all(Mode::Strict),
        SerialFormat::Plain,
        12,
    ));
    cmds.push(product(
        "CBL-USBC",
        "USB-C cable 2m",
        None,
        "accessories",
        Tracking::all(Mode::Soft),
        SerialFormat::Plain,
        6,
    ));
    cmds.push(Command::AddProduct(NewProduct {
        sku: "BAT-AA".into(),
        name: "AA batteries, pack of 8".into(),
        gtin: None,
        category: "accessories".into(),
        tracking: Tracking::all(Mode::None),
        serial_format: SerialFormat::Plain,
        warranty: None,
        fold_case: true,
    }));
    cmds
}

pub fn bins() -> Vec<String> {
    let mut out = Vec::new();
    for aisle in ["A", "B", "C"] {
        for bin in 1..=8 {
            out.push(format!("WH1/{aisle}/{bin:02}"));
        }
    }
    for bin in 1..=4 {
        out.push(format!("WH2/A/{bin:02}"));
    }
    out
}

/// Sends commands in journal entries of at most `LINES_PER_ENTRY` lines.
struct Sender<'a> {
    service: &'a dyn Ops,
    pending: Vec<Command>,
    lines: usize,
}

impl Sender<'_> {
    fn push(&mut self, req: DocRequest) -> Result<(), Failure> {
        if self.lines + req.lines.len() > LINES_PER_ENTRY {
            self.flush()?;
        }
        self.lines += req.lines.len();
        self.pending.push(Command::Post(req));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Failure> {
        if !self.pending.is_empty() {
            let batch = Command::Batch(std::mem::take(&mut self.pending));
            self.service.execute(batch)?;
        }
        self.lines = 0;
        Ok(())
    }
}

fn doc(
    kind: DocKind,
    date: Day,
    party: Option<&str>,
    invoice: Option<String>,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
) -> DocRequest {
    DocRequest {
        kind,
        date: Some(date),
        party: party.map(str::to_string),
        invoice,
        from: from.map(str::to_string),
        to: to.map(str::to_string),
        reason: reason.map(str::to_string),
        declared_qty: None,
        lines: Vec::new(),
    }
}

fn line(sku: &str, serial: &str, amount: Option<i64>) -> LineRequest {
    LineRequest {
        sku: sku.into(),
        serial: Some(serial.into()),
        qty: 1,
        amount: amount.map(Money),
    }
}

/// A unit the generator made: where it is and whether it was sold, to keep the story straight.
struct Made {
    kind: usize,
    serial: String,
    bin: String,
    received: Day,
    sold_to: Option<usize>,
}

pub struct Summary {
    pub units: u64,
    pub sold: u64,
    pub returned: u64,
    pub written_off: u64,
    pub examples: Vec<(String, String)>,
}

impl From<&Summary> for super::json::DemoSummaryJson {
    fn from(s: &Summary) -> Self {
        super::json::DemoSummaryJson {
            units: s.units,
            sold: s.sold,
            returned: s.returned,
            written_off: s.written_off,
            examples: s
                .examples
                .iter()
                .map(|(what, serial)| super::json::ExampleJson {
                    what: what.clone(),
                    serial: serial.clone(),
                })
                .collect(),
        }
    }
}

pub fn generate(service: &dyn Ops, units: u64) -> Result<Summary, Failure> {
    crate::domain::limits::check_demo_units(units).map_err(Failure::invalid)?;
    service.execute(Command::Batch(master_data()))?;
    let today = service.status()?.today;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let bins = bins();
    let mut sender = Sender {
        service,
        pending: Vec::new(),
        lines: 0,
    };
    let total_share: u64 = KINDS.iter().map(|k| k.share).sum();
    let mut made: Vec<Made> = Vec::with_capacity(units as usize);
    let mut counters = [0u64; 4];
    // Receipts: documents of up to 200 units of one product, oldest first over the last year.
    let per_doc = 200u64;
    let docs = units.div_ceil(per_doc).max(1);
    let mut invoice = 5000u64;
    for d in 0..docs {
        let n = per_doc.min(units - d * per_doc);
        let kind = {
            let pick = rng.below(total_share);
            let mut acc = 0;
            KINDS
                .iter()
                .position(|k| {
                    acc += k.share;
                    pick < acc
                })
                .unwrap_or(0)
        };
        let date = Day(today.0 - 365 + (d * 330 / docs) as i32);
        let supplier = SUPPLIERS[rng.below(SUPPLIERS.len() as u64) as usize];
        let bin = bins[rng.below(bins.len() as u64) as usize].clone();
        invoice += 1;
        let mut req = doc(
            DocKind::Receipt,
            date,
            Some(supplier),
            Some(format!("INV-{invoice}")),
            None,
            Some(&bin),
            None,
        );
        for _ in 0..n {
            let k = &KINDS[kind];
            let serial = (k.serial)(counters[kind] + 1);
            counters[kind] += 1;
            req.lines.push(line(k.sku, &serial, Some(k.cost)));
            made.push(Made {
                kind,
                serial,
                bin: bin.clone(),
                received: date,
                sold_to: None,
            });
        }
        sender.push(req)?;
    }
    let mut batteries = doc(
        DocKind::Receipt,
        Day(today.0 - 200),
        Some(SUPPLIERS[2]),
        Some("INV-BAT-1".into()),
        None,
        Some("WH1/C/08"),
        None,
    );
    batteries.lines.push(LineRequest {
        sku: "BAT-AA".into(),
        serial: None,
        qty: 480,
        amount: Some(Money(399)),
    });
    sender.push(batteries)?;
    sender.flush()?;

    // Sales: about 40% of units, 1-3 units of one product per invoice.
    let mut sold = 0u64;
    let mut sale_no = 9000u64;
    let mut i = 0usize;
    while i < made.len() {
        if rng.below(100) < 40 {
            let customer = rng.below(CUSTOMERS.len() as u64) as usize;
            let take = (1 + rng.below(3) as usize).min(made.len() - i);
            let first = &made[i];
            // Sold after the last of its units arrived: no unit moves before its receipt.
            let received = made[i..i + take]
                .iter()
                .filter(|m| m.kind == first.kind)
                .map(|m| m.received.0)
                .max()
                .unwrap_or(first.received.0);
            let date = Day((received + 1 + rng.below(60) as i32).min(today.0));
            sale_no += 1;
            let mut req = doc(
                DocKind::Sale,
                date,
                Some(CUSTOMERS[customer]),
                Some(format!("SO-{sale_no}")),
                None,
                None,
                None,
            );
            let kind = first.kind;
            for m in made[i..i + take].iter_mut().filter(|m| m.kind == kind) {
                req.lines
                    .push(line(KINDS[kind].sku, &m.serial, Some(KINDS[kind].price)));
                m.sold_to = Some(customer);
                sold += 1;
            }
            sender.push(req)?;
            i += take;
        } else {
            i += 1;
        }
    }
    sender.flush()?;

    // Returns, transfers and write-offs: a few of each.
    let mut returned = 0u64;
    let mut written_off = 0u64;
    let mut examples: Vec<(String, String)> = Vec::new();
    for (idx, m) in made.iter().enumerate() {
        let roll = rng.below(1000);
        let k = &KINDS[m.kind];
        if let Some(c) = m.sold_to {
            if roll < 8 {
                let mut req = doc(
                    DocKind::Return,
                    today,
                    Some(CUSTOMERS[c]),
                    None,
                    None,
                    Some("WH2/RETURNS"),
                    Some("customer changed mind"),
                );
                req.lines.push(line(k.sku, &m.serial, None));
                sender.push(req)?;
                returned += 1;
                if examples.iter().all(|(what, _)| what != "returned") {
                    examples.push(("returned".into(), m.serial.clone()));
                }
            } else if examples
                .iter()
                .all(|(what, _)| what != &format!("sold {}", k.sku))
            {
                examples.push((format!("sold {}", k.sku), m.serial.clone()));
            }
        } else if roll < 30 {
            let to = &bins[(idx * 7) % bins.len()];
            if *to != m.bin {
                let mut req = doc(
                    DocKind::Transfer,
                    today,
                    None,
                    None,
                    Some(&m.bin),
                    Some(to),
                    None,
                );
                req.lines.push(line(k.sku, &m.serial, None));
                sender.push(req)?;
            }
        } else if roll < 32 {
            let mut req = doc(
                DocKind::WriteOff,
                today,
                None,
                None,
                None,
                None,
                Some("damaged in handling"),
            );
            req.lines.push(line(k.sku, &m.serial, None));
            sender.push(req)?;
            written_off += 1;
        } else if examples
            .iter()
            .all(|(what, _)| what != &format!("in stock {}", k.sku))
        {
            examples.push((format!("in stock {}", k.sku), m.serial.clone()));
        }
    }
    // A soft-mode story: a cable sold that was never received, accepted with a reason.
    let mut soft = doc(
        DocKind::Sale,
        today,
        Some(CUSTOMERS[0]),
        Some("SO-COUNTER-1".into()),
        None,
        None,
        Some("sold from display stock, receipt missing"),
    );
    soft.lines
        .push(line("CBL-USBC", "CB-DISPLAY-01", Some(1290)));
    sender.push(soft)?;
    sender.flush()?;
    examples.push(("soft-mode sale".into(), "CB-DISPLAY-01".into()));
    plant_count(service, today)?;
    Ok(Summary {
        units,
        sold,
        returned,
        written_off,
        examples,
    })
}

/// The aisle of the demo count and its bins.
pub const DEMO_AISLE: &str = "WH3/A";
/// The demo count's name.
pub const DEMO_COUNT: &str = "Demo aisle WH3/A";
/// What is really on the shelf of WH3/A/01, in the order to scan it: a router as the store
/// says, a router the store says was sold, the laptop whose label differs from its receipt,
/// and a router the store has in the next bin.
pub const DEMO_SHELF: [&str; 4] = ["RT90000001", "RT90000002", "5CG9000101", "RT90000004"];

/// Plants the demo count: an aisle of two bins and an open count over it, with three
/// mistakes a warehouse makes. The sale of RT90000002 shipped RT90000003 (the clerk took the
/// wrong box); receipt INV-DEMO-1 typed laptop 5CG9000101 as 5CG9000108; RT90000004 was put
/// in WH3/A/01, not WH3/A/02 where it was booked.
fn plant_count(service: &dyn Ops, today: Day) -> Result<(), Failure> {
    let mut cmds = vec![];
    for bin in ["01", "02"] {
        cmds.push(Command::AddLocation {
            code: format!("{DEMO_AISLE}/{bin}"),
            name: format!("Demo bin {bin}"),
        });
    }
    service.execute(Command::Batch(cmds))?;
    let day = Day(today.0 - 20);
    let mut shelf = doc(
        DocKind::Receipt,
        day,
        Some(SUPPLIERS[0]),
        Some("INV-DEMO-1".into()),
        None,
        Some("WH3/A/01"),
        None,
    );
    for serial in ["RT90000001", "RT90000002", "RT90000003"] {
        shelf.lines.push(line("RT-AX55", serial, Some(5_490)));
    }
    shelf.lines.push(line("LAP-14", "5CG9000108", Some(68_000)));
    let mut next_bin = doc(
        DocKind::Receipt,
        day,
        Some(SUPPLIERS[0]),
        Some("INV-DEMO-2".into()),
        None,
        Some("WH3/A/02"),
        None,
    );
    next_bin
        .lines
        .push(line("RT-AX55", "RT90000004", Some(5_490)));
    let mut sale = doc(
        DocKind::Sale,
        Day(today.0 - 5),
        Some(CUSTOMERS[0]),
        Some("SO-DEMO-1".into()),
        None,
        None,
        None,
    );
    sale.lines.push(line("RT-AX55", "RT90000002", Some(8_990)));
    for req in [shelf, next_bin, sale] {
        service.execute(Command::Post(req))?;
    }
    service.execute(Command::OpenCount(crate::ops::NewCount {
        name: DEMO_COUNT.into(),
        location: DEMO_AISLE.into(),
        skus: Vec::new(),
        categories: Vec::new(),
        blind: false,
    }))?;
    Ok(())
}

/// What to try first, on the demo count, if it is still open: the three jobs in a minute, in
/// full (for a terminal with room, or a file) and short (for a small terminal), as lines
/// before wrapping. `None` when the demo count is not open any more.
fn guide(service: &dyn Ops, db_arg: &str) -> Result<Option<Guide>, Failure> {
    let Some(count) = service
        .counts(false)?
        .into_iter()
        .map(|v| v.count)
        .find(|c| c.name == DEMO_COUNT && c.status == crate::domain::CountStatus::Open)
    else {
        return Ok(None);
    };
    Ok(Some(guide_text(count.id, db_arg)))
}

/// The guide's words for the demo count `id`.
fn guide_text(id: crate::domain::CountId, db_arg: &str) -> Guide {
    let shelf = DEMO_SHELF.join(" ");
    Guide {
        full: vec![
            format!("try the three jobs on count {id} \"{DEMO_COUNT}\" (open):"),
            format!(
                "  1 Count: menu 1, join count {id}, scan WH3/A/01, then {shelf}, then Finish (F4)"
            ),
            format!(
                "  2 Mismatches: menu 2, count {id}: replace RT90000002 (sold by mistake), replace 5CG9000101 (a receipt typo), relocate RT90000004 (wrong bin), accept the rest, post (9)"
            ),
            "  3 Lookup: menu 3, scan RT90000002 or RT90000003 to see their history".into(),
            format!("  the same from the command line: tallyman {db_arg} count --help"),
        ],
        short: vec![
            format!("Count {id} is open:"),
            format!("1 Count: scan WH3/A/01, then {shelf}, Finish (F4)"),
            "2 Mismatches: fix them, post (9)".into(),
            "3 Lookup: scan RT90000002".into(),
        ],
    }
}

/// The demo's guide in two lengths.
pub struct Guide {
    pub full: Vec<String>,
    pub short: Vec<String>,
}

/// What says the screens come next (only on a terminal).
pub const PRESS_ENTER: &str = "press Enter to open the screens";

/// The widest the demo's words get (a wider terminal still reads them at this width).
const MAX_WIDTH: usize = 80;

/// Where the demo's words are read: the terminal's width (at most 80; 80 for a file or a
/// pipe) and, when the screens follow on this terminal, its height (its lines above the
/// screens must show the guide and [`PRESS_ENTER`] without scrolling them away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub width: usize,
    pub height: Option<usize>,
}

impl Page {
    /// The page of this process: its standard output, and whether the screens follow.
    fn here(screens_follow: bool) -> Page {
        use std::io::IsTerminal;
        let size = std::io::stdout()
            .is_terminal()
            .then(|| ratatui::crossterm::terminal::size().ok())
            .flatten()
            .filter(|(w, h)| *w > 0 && *h > 0);
        match size {
            Some((w, h)) => Page {
                width: usize::from(w).min(MAX_WIDTH),
                height: screens_follow.then_some(usize::from(h)),
            },
            None => Page {
                width: MAX_WIDTH,
                height: None,
            },
        }
    }
}

/// A line cut into lines of at most `width` characters at its spaces (the spaces between two
/// words kept as they are); a line that goes on is indented `hang` more than the line's own
/// indent. A word longer than the room is cut.
pub fn wrap_line(line: &str, width: usize, hang: usize) -> Vec<String> {
    let width = width.max(4);
    let indent = line
        .chars()
        .take_while(|c| *c == ' ')
        .count()
        .min(width / 2);
    let more = " ".repeat((indent + hang).min(width / 2));
    let mut out: Vec<String> = Vec::new();
    let mut cur = " ".repeat(indent);
    // Nothing but the indent on the current line yet.
    let mut empty = true;
    let mut gap = 0;
    for token in line[indent..].split(' ') {
        gap += 1;
        if token.is_empty() {
            continue;
        }
        let mut word: Vec<char> = token.chars().collect();
        while !word.is_empty() {
            let used = cur.chars().count();
            let sep = if empty { 0 } else { gap };
            if word.len() + sep <= width.saturating_sub(used) {
                cur.push_str(&" ".repeat(sep));
                cur.extend(word.drain(..));
                empty = false;
            } else if !empty {
                out.push(std::mem::replace(&mut cur, more.clone()));
                empty = true;
            } else {
                // A word longer than a whole line: as much as fits, the rest on the next.
                let room = width.saturating_sub(used).max(1);
                let rest = word.split_off(room.min(word.len()));
                cur.extend(word.iter());
                out.push(std::mem::replace(&mut cur, more.clone()));
                word = rest;
            }
        }
        gap = 0;
    }
    if !empty || out.is_empty() {
        out.push(cur.trim_end().to_string());
    }
    out
}

/// Lines wrapped at `width`, a line that goes on indented `hang` more.
fn wrapped(lines: &[String], width: usize, hang: usize) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| wrap_line(l, width, hang))
        .collect()
}

/// What the demo prints before the screens: everything, wrapped to the page; but when the
/// guide and [`PRESS_ENTER`] would not fit on the terminal the screens are about to cover,
/// the short guide alone, so that the lines left on the terminal are the ones to read.
pub fn laid_out(said: &[String], guide: Option<&Guide>, page: Page) -> Vec<String> {
    let full_guide = guide
        .map(|g| wrapped(&g.full, page.width, 2))
        .unwrap_or_default();
    if let Some(h) = page.height {
        // The guide, the line that asks for Enter, and the line Enter is typed on.
        let need = full_guide.len() + press_enter(page.width).len() + 1;
        if need > h {
            // Not a line to spare: no indents.
            return match guide {
                Some(g) => wrapped(&g.short, page.width, 0),
                None => wrapped(&said[..said.len().min(1)], page.width, 0),
            };
        }
    }
    let mut out = wrapped(said, page.width, 2);
    out.extend(full_guide);
    out
}

/// [`PRESS_ENTER`] at `width`.
pub fn press_enter(width: usize) -> Vec<String> {
    wrap_line(PRESS_ENTER, width, 0)
}

/// On a terminal, the screens wait until the guide above was read (they cover it).
pub fn wait_for_reader() {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        for l in press_enter(Page::here(true).width) {
            outln!("{l}");
        }
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

/// Will the screens follow the demo's words on this terminal (as [`wait_for_reader`] asks)?
fn screens_follow(args: &DemoArgs, json: bool) -> bool {
    use std::io::IsTerminal;
    !args.no_tui && !json && std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Fills the database if it is empty; returns the open service for the screens.
pub fn run(db: &Path, args: &DemoArgs, json: bool) -> Result<Local, Failure> {
    // Before the database is opened (or made): a refused size writes nothing.
    crate::domain::limits::check_demo_units(args.units).map_err(Failure::invalid)?;
    let service = super::open_local(db)?;
    let fresh = service.status()?.applied_seq == 0;
    if fresh {
        let summary = generate(&service.acting_as("demo"), args.units)?;
        if json {
            super::json::print(&super::json::DemoJson {
                db: db.display().to_string(),
                fresh: true,
                summary: Some((&summary).into()),
            })?;
        } else {
            let db_arg = format!("--db {}", db.display());
            let mut said = vec![
                format!("demo database {}:", db.display()),
                format!(
                    "  {} serialised units received from {} suppliers into {} bins; {} sold to {} customers, {} returned, {} written off",
                    summary.units,
                    SUPPLIERS.len(),
                    bins().len(),
                    summary.sold,
                    CUSTOMERS.len(),
                    summary.returned,
                    summary.written_off
                ),
                "  products: PH-X200 (strict, IMEI), RT-AX55 (strict, GS1 label), LAP-14 (strict), CBL-USBC (soft), BAT-AA (no serials)".into(),
                "look around:".into(),
            ];
            for (what, serial) in &summary.examples {
                said.push(format!("  tallyman {db_arg} lookup {serial}    # {what}"));
            }
            said.push(format!(
                "  tallyman {db_arg} decode '(01)09506000134352(21)RT00000001'"
            ));
            said.push(format!("  tallyman {db_arg} stock --location WH1/A"));
            said.push(format!("  tallyman {db_arg} check"));
            let guide = guide(&service, &db_arg)?;
            let page = Page::here(screens_follow(args, json));
            for l in laid_out(&said, guide.as_ref(), page) {
                outln!("{l}");
            }
        }
    } else if json {
        super::json::print(&super::json::DemoJson {
            db: db.display().to_string(),
            fresh: false,
            summary: None,
        })?;
    } else {
        let said = vec![format!(
            "{} already holds data; using it as it is",
            db.display()
        )];
        let guide = guide(&service, &format!("--db {}", db.display()))?;
        let page = Page::here(screens_follow(args, json));
        for l in laid_out(&said, guide.as_ref(), page) {
            outln!("{l}");
        }
    }
    Ok(service)
}

#[cfg(test)]
mod tests {
    use super::{guide_text, laid_out, press_enter, wrap_line, Guide, Page};

    fn guide() -> Guide {
        guide_text(crate::domain::CountId(1), "--db /tmp/wh")
    }

    #[test]
    fn a_line_wraps_at_its_spaces_with_a_hanging_indent() {
        assert_eq!(
            wrap_line("  tallyman --db /x lookup CB-1    # in stock", 24, 2),
            ["  tallyman --db /x", "    lookup CB-1    # in", "    stock"]
        );
        assert_eq!(
            wrap_line("abcdefghij klm", 4, 0),
            ["abcd", "efgh", "ij", "klm"]
        );
        assert_eq!(wrap_line("", 20, 2), [""]);
        assert_eq!(wrap_line("short", 80, 2), ["short"]);
    }

    #[test]
    fn on_a_20x16_handheld_the_short_guide_and_press_enter_fit_the_screen() {
        let said = vec!["demo database /tmp/a/very/long/path/of/folders:".to_string()];
        let page = Page {
            width: 20,
            height: Some(16),
        };
        let lines = laid_out(&said, Some(&guide()), page);
        assert_eq!(lines[0], "Count 1 is open:");
        assert!(lines.iter().any(|l| l.contains("RT90000004")), "{lines:?}");
        let on_screen = lines.len() + press_enter(20).len() + 1;
        assert!(on_screen <= 16, "{on_screen}: {lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
    }

    #[test]
    fn with_room_or_without_screens_everything_is_said_within_80_columns() {
        let said = vec![format!(
            "  tallyman --db /{} lookup CB-000001    # in stock CBL-USBC",
            "deep/".repeat(30)
        )];
        for page in [
            Page {
                width: 80,
                height: None,
            },
            Page {
                width: 80,
                height: Some(24),
            },
        ] {
            let lines = laid_out(&said, Some(&guide()), page);
            assert!(lines.iter().all(|l| l.chars().count() <= 80), "{lines:?}");
            assert!(lines.iter().any(|l| l.starts_with("try the three jobs")));
            let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
            assert!(words.contains(&"(F4)"), "{lines:?}");
        }
    }
}
