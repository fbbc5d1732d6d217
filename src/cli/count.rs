//! `tallyman count ...` and `tallyman labels commands`: counting from the command line.

use super::args::{CountCmd, LabelsCmd};
use super::json::{self as j, rfc3339};
use super::words::count_text;
use super::{CliResult, Failure};
use crate::domain::limits;
use crate::domain::{Count, CountId, CountStatus, ScanCommand, ScanVerdict};
use crate::ops::count_input::{bin_first, read_line, CountLine};
use crate::ops::{
    scan_words, Answer, Command, NewCount, Ops, OpsError, OpsQueries, Outcome, Query, ScanLine,
    ScanReport, ScanWords,
};
use std::io::BufRead;

/// The words of a scan report: the service fills them in; a report without them is named by
/// its customer's name as the service resolved it.
fn words_of(report: &ScanReport) -> ScanWords {
    report.words.clone().unwrap_or_else(|| {
        let customer = report.customer.clone();
        scan_words(report, &|id| {
            customer
                .clone()
                .unwrap_or_else(|| format!("party #{}", id.0))
        })
    })
}

fn scan_line(report: &ScanReport) -> String {
    let words = words_of(report);
    let figures = match report.figures {
        Some(f) => {
            let here = match f.expected_here {
                Some(e) => format!("here {}/{e}", f.here),
                None => format!("here {}", f.here),
            };
            let others = match (f.unexpected_here, f.unknown_here) {
                (0, 0) => String::new(),
                (u, 0) => format!(" +{u} unexpected"),
                (0, k) => format!(" +{k} unknown"),
                (u, k) => format!(" +{u} unexpected +{k} unknown"),
            };
            format!(" [{here}{others}, count {}]", f.total)
        }
        None => String::new(),
    };
    format!(
        "{} {} @{}{figures}",
        report.scan.verdict.name(),
        words.detail,
        report.scan.location
    )
}

fn scan_row(line: &ScanLine) -> String {
    let s = &line.scan;
    let sku = line.sku.clone().unwrap_or_else(|| "-".into());
    format!(
        "{:>5} {:<20} {:<10} {:<12} {:<10} {}{}",
        s.number,
        s.serial.as_str(),
        sku,
        s.location,
        s.counter,
        s.verdict.name(),
        if s.undone { " (undone)" } else { "" }
    )
}

fn id(n: u32) -> CountId {
    CountId(n)
}

fn counts(service: &dyn Ops) -> Result<Vec<Count>, Failure> {
    Ok(service
        .counts(false)?
        .into_iter()
        .map(|c| c.count)
        .collect())
}

pub fn run(service: &dyn Ops, cmd: &CountCmd, json: bool) -> CliResult {
    let print = |o: &Outcome| super::output::outcome(o, json);
    match cmd {
        CountCmd::Open {
            name,
            location,
            product,
            category,
            show_expected,
        } => print(&service.execute(Command::OpenCount(NewCount {
            name: name.clone().unwrap_or_default(),
            location: location.clone(),
            skus: product.clone(),
            categories: category.clone(),
            blind: !show_expected,
        }))?)?,
        CountCmd::List { all } => {
            let list: Vec<Count> = counts(service)?
                .into_iter()
                .filter(|c| *all || c.status.is_active())
                .collect();
            if json {
                j::print(&list.iter().map(j::CountJson::from).collect::<Vec<_>>())?;
            } else if list.is_empty() {
                outln!(
                    "no counts{}",
                    if *all {
                        ""
                    } else {
                        " open or in review (--all lists every count)"
                    }
                );
            } else {
                for c in &list {
                    outln!("{}", count_text(c));
                }
            }
        }
        CountCmd::Show { id: n } => {
            let view = service.count(id(*n), 10)?;
            let c = view.count;
            let last = view.last_scans;
            if json {
                j::print(&j::CountShowJson {
                    count: (&c).into(),
                    last_scans: last.iter().map(|l| j::ScanRowJson::from(&l.scan)).collect(),
                })?;
            } else {
                outln!("{}", count_text(&c));
                outln!("last scans:");
                for s in &last {
                    outln!("{}", scan_row(s));
                }
            }
        }
        CountCmd::Close { id: n } => print(&service.execute(Command::MoveCount {
            count: id(*n),
            status: CountStatus::Review,
        })?)?,
        CountCmd::Reopen { id: n } => print(&service.execute(Command::MoveCount {
            count: id(*n),
            status: CountStatus::Open,
        })?)?,
        CountCmd::Cancel { id: n } => print(&service.execute(Command::MoveCount {
            count: id(*n),
            status: CountStatus::Cancelled,
        })?)?,
        CountCmd::Export { id: n } => export(service, id(*n), json)?,
        CountCmd::Scan { id: n, location } => {
            scan_stdin(service, id(*n), location.as_deref(), json)?
        }
        _ => return Err(Failure::invalid("this count command is handled elsewhere")),
    }
    Ok(())
}

/// Every scan of a count, then what it counted of the products counted by quantity (one row
/// per location and product). A count that is not there is refused, as `count show` does.
fn export(service: &dyn Ops, count: CountId, json: bool) -> CliResult {
    let quantities = service.count_quantities(count)?;
    let scans = match service.query(Query::CountScans { count })? {
        Answer::Scans(s) => s,
        _ => return Err(Failure::storage("unexpected answer to a scan list")),
    };
    if json {
        let rows: Vec<j::ExportRowJson> = scans
            .iter()
            .map(|s| j::ExportRowJson::Scan(s.into()))
            .chain(quantities.iter().map(|q| j::ExportRowJson::Qty(q.into())))
            .collect();
        return j::print(&rows);
    }
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let mut write = |rec: &[String]| {
        w.write_record(rec).map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => super::exit_on_output_error(&e),
            other => Failure::storage(format!("cannot write CSV: {other:?}")),
        })
    };
    write(
        &[
            "number", "serial", "sku", "location", "counter", "at", "answer", "first", "undone",
            "qty",
        ]
        .map(String::from),
    )?;
    for line in &scans {
        let s = &line.scan;
        let sku = line.sku.clone().unwrap_or_default();
        let first = match s.verdict {
            ScanVerdict::Duplicate { first } => first.to_string(),
            _ => String::new(),
        };
        write(&[
            s.number.to_string(),
            s.serial.to_string(),
            sku,
            s.location.clone(),
            s.counter.clone(),
            rfc3339(s.at_ms),
            s.verdict.name().to_string(),
            first,
            s.undone.to_string(),
            String::new(),
        ])?;
    }
    for q in &quantities {
        write(&[
            String::new(),
            String::new(),
            q.sku.clone(),
            q.location.clone(),
            String::new(),
            String::new(),
            j::QTY_ANSWER.to_string(),
            String::new(),
            String::new(),
            q.qty.to_string(),
        ])?;
    }
    Ok(())
}

/// The lines of a `count scan` session that were not taken, for its exit code: 0 when every
/// line was taken, 4 when any was refused for the user's role, else 1 when any was refused.
#[derive(Debug, Default)]
struct Untaken {
    /// Lines read (empty lines are no scans and do not count: they are answered
    /// `empty line ignored`).
    lines: u32,
    /// Lines answered with an error (nothing recorded).
    refused: u32,
    /// The highest exit code of a refusal so far (0: none).
    code: i32,
}

impl Untaken {
    /// A line answered with an error whose exit code is `code`.
    fn refused(&mut self, code: i32) {
        self.refused += 1;
        self.code = self.code.max(code);
    }

    /// A refusal of the service.
    fn refusal(&mut self, r: &crate::ops::Refusal) {
        self.refused(super::hints::kind_exit_code(r.kind));
    }

    /// The session's end: a failure with the exit code when a line was not taken. Its words
    /// go to standard error only; the answer lines (or JSON lines) said each refusal already.
    fn result(&self) -> CliResult {
        if self.code == 0 {
            return Ok(());
        }
        Err(Failure::streamed(
            self.code,
            format!(
                "count scan: {} of {} line{} not taken (see the error lines); the others were saved",
                self.refused,
                self.lines,
                if self.lines == 1 { "" } else { "s" }
            ),
        ))
    }
}

/// The words of a refused quantity: the refusal, and that the next line is still the
/// quantity (the command line's own "what next"; the screen keeps its question open).
fn still_asking(r: &crate::ops::Refusal) -> String {
    format!("{}; the next line is the quantity", super::refusal_words(r))
}

/// Reads scans from standard input, one per line, and prints one answer line for each only
/// after the scan is durable. Location labels and command barcodes work as on the handheld.
/// Exits 0 only when every line was taken (see [`Untaken`]).
fn scan_stdin(service: &dyn Ops, count: CountId, location: Option<&str>, json: bool) -> CliResult {
    let mut here: Option<String> = match location {
        Some(l) => Some(crate::domain::Location::normalize_code(l).map_err(Failure::invalid)?),
        None => None,
    };
    let mut next_is_location = false;
    // A product counted by quantity was scanned: the next line says how many.
    let mut qty_of: Option<String> = None;
    let say = |answer: &str, detail: String| -> CliResult {
        if json {
            print_json(&j::ScanSayJson { answer, detail })
        } else {
            super::write_scan_line(format_args!("{answer} {detail}"));
            Ok(())
        }
    };
    let bad_scan = |message: String| {
        let refusal = crate::ops::Refusal::new(crate::ops::RefusalKind::BadScan, message);
        say("error", super::refusal_words(&refusal))
    };
    let mut untaken = Untaken::default();
    let mut input = std::io::stdin().lock();
    while let Some((bytes, len)) = next_line(&mut input, limits::MAX_SCAN_LINE_BYTES)
        .map_err(|e| Failure::storage(format!("cannot read standard input: {e}")))?
    {
        // A line that is too long or not text is a bad scan; the session goes on.
        if len > limits::MAX_SCAN_LINE_BYTES {
            untaken.lines += 1;
            untaken.refused(1);
            qty_of = None;
            bad_scan(limits::scan_line_too_long(&bytes))?;
            continue;
        }
        let Ok(line) = std::str::from_utf8(&bytes) else {
            untaken.lines += 1;
            untaken.refused(1);
            qty_of = None;
            bad_scan(limits::scan_not_text(&bytes))?;
            continue;
        };
        // One reader for every client of a count (the screen reads its scans the same way).
        let raw = match read_line(line, qty_of.as_deref()) {
            // A blank line is no scan, but it gets its answer like every other line, so a
            // client that waits for one answer per line never waits in vain.
            CountLine::Blank => {
                say("empty", "line ignored".into())?;
                continue;
            }
            CountLine::Scan(raw) => raw,
            CountLine::NotAQuantity(r) => {
                // Nothing recorded, and the next line is still the quantity.
                untaken.lines += 1;
                untaken.refusal(&r);
                say("error", still_asking(&r))?;
                continue;
            }
            CountLine::BadCommand(r) => {
                untaken.lines += 1;
                untaken.refusal(&r);
                qty_of = None;
                say("error", super::refusal_words(&r))?;
                continue;
            }
            CountLine::Quantity { sku, qty } => {
                untaken.lines += 1;
                qty_of = None;
                let cmd = Command::CountQty {
                    count,
                    location: here.clone().unwrap_or_default(),
                    product: sku,
                    qty,
                };
                match service.execute(cmd.clone()) {
                    Ok(Outcome::QtyCounted {
                        location,
                        sku,
                        qty,
                        counted,
                        expected,
                        ..
                    }) => {
                        let here = match expected {
                            Some(e) => format!("{counted}/{e}"),
                            None => counted.to_string(),
                        };
                        say(
                            "counted",
                            format!("{qty} x {sku} @{location} [here {here}]"),
                        )?;
                    }
                    Ok(_) => {
                        untaken.refused(1);
                        say("error", "the quantity gave no answer".into())?
                    }
                    Err(OpsError::Refused(r)) => {
                        // A refused quantity counted nothing: the question stays.
                        untaken.refusal(&r);
                        if let Command::CountQty { product, .. } = cmd {
                            qty_of = Some(product);
                        }
                        say("error", still_asking(&r))?
                    }
                    Err(e) => return Err(e.into()),
                }
                continue;
            }
            CountLine::Command(cmd) => {
                untaken.lines += 1;
                qty_of = None;
                match cmd {
                    ScanCommand::Finish => {
                        say("finish", format!("count {count}"))?;
                        break;
                    }
                    ScanCommand::Undo => {
                        let undo = Command::UndoLastScan {
                            count,
                            location: here.clone(),
                        };
                        match service.execute(undo) {
                            Ok(Outcome::ScanUndone { scan: s, .. }) => say(
                                "undone",
                                format!("scan {} SN \"{}\" at {}", s.number, s.serial, s.location),
                            )?,
                            Ok(_) => {
                                untaken.refused(1);
                                say("error", "undo gave no answer".into())?
                            }
                            Err(OpsError::Refused(r)) => {
                                untaken.refusal(&r);
                                say("error", super::refusal_words(&r))?
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                    ScanCommand::Location => {
                        next_is_location = true;
                        say("location?", "scan a location label".into())?;
                    }
                    ScanCommand::Done => {
                        let Some(at) = here.clone() else {
                            let r = bin_first();
                            untaken.refusal(&r);
                            say("error", super::refusal_words(&r))?;
                            continue;
                        };
                        let done = Command::FinishBin {
                            count,
                            location: at,
                        };
                        match service.execute(done) {
                            Ok(Outcome::BinCounted { location, bins, .. }) => {
                                say("bin", format!("{location} counted ({bins} bin(s) counted)"))?;
                                // The next bin's label comes next.
                                here = None;
                            }
                            Ok(_) => {
                                untaken.refused(1);
                                say("error", "the bin gave no answer".into())?
                            }
                            Err(OpsError::Refused(r)) => {
                                untaken.refusal(&r);
                                say("error", super::refusal_words(&r))?
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
                continue;
            }
        };
        untaken.lines += 1;
        let input = Command::CountScan {
            count,
            location: here.clone(),
            raw,
            label_only: std::mem::take(&mut next_is_location),
        };
        match service.execute(input) {
            Ok(Outcome::LocationSet { code, .. }) => {
                here = Some(code.clone());
                say("location", code)?;
            }
            Ok(Outcome::AskQty { sku }) => {
                say("qty?", format!("{sku}: how many? (the next line)"))?;
                qty_of = Some(sku);
            }
            Ok(Outcome::Scanned(report)) => {
                if json {
                    print_json(&j::ScanAnswerJson::new(&report, &words_of(&report)))?;
                } else {
                    super::write_scan_line(format_args!("{}", scan_line(&report)));
                }
            }
            Ok(_) => {
                untaken.refused(1);
                say("error", "the scan gave no answer".into())?
            }
            Err(OpsError::Refused(r)) => {
                untaken.refusal(&r);
                say("error", super::refusal_words(&r))?
            }
            Err(e) => return Err(e.into()),
        }
    }
    untaken.result()
}

/// One JSON answer of `count scan` (a closed output stops the session, see
/// `write_scan_line`).
fn print_json<T: serde::Serialize>(doc: &T) -> CliResult {
    let text = serde_json::to_string(doc)
        .map_err(|e| Failure::storage(format!("cannot write JSON: {e}")))?;
    super::write_scan_line(format_args!("{text}"));
    Ok(())
}

/// The next line of `input` without its newline, and its whole length: at most `max` bytes
/// of it are kept (the rest is read and dropped, so an endless line never fills memory).
/// `None` at the end of the input.
fn next_line(input: &mut impl BufRead, max: usize) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    let mut line = Vec::new();
    let mut len = 0usize;
    let mut any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any.then_some((line, len)));
        }
        any = true;
        let newline = buf.iter().position(|&b| b == b'\n');
        let chunk = &buf[..newline.unwrap_or(buf.len())];
        let room = max.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len = len.saturating_add(chunk.len());
        let used = newline.map_or(buf.len(), |i| i + 1);
        input.consume(used);
        if newline.is_some() {
            return Ok(Some((line, len)));
        }
    }
}

pub fn labels(cmd: &LabelsCmd, json: bool) -> CliResult {
    let prefix = crate::domain::count::COMMAND_PREFIX;
    match cmd {
        LabelsCmd::Commands { zpl } => {
            if json {
                let labels: Vec<j::LabelJson> = ScanCommand::ALL
                    .iter()
                    .map(|c| j::LabelJson {
                        caption: c.caption(),
                        code: c.code(prefix),
                    })
                    .collect();
                j::print(&labels)?;
            } else if *zpl {
                for c in ScanCommand::ALL {
                    outln!("^XA");
                    outln!("^FO40,30^A0N,36,36^FD{}^FS", c.caption());
                    outln!("^FO40,80^BY3^BCN,120,Y,N,N^FD{}^FS", c.code(prefix));
                    outln!("^XZ");
                }
            } else {
                outln!("tallyman command barcodes (Code 128); scan them in the count screen or `count scan`:");
                for c in ScanCommand::ALL {
                    outln!("  {:<26} {}", c.caption(), c.code(prefix));
                }
            }
        }
    }
    Ok(())
}
