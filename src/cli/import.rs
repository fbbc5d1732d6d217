//! CSV import of products, receipts and sales: every bad row is reported with its line
//! number and reason, and a file applies all or nothing (one journal entry, or for a large
//! file one command written in parts by the service).

use super::args::ImportKind;
use super::{CliResult, Failure};
use crate::domain::limits;
use crate::domain::{Day, DocKind, Money, Period, SerialFormat, Tracking};
use crate::ops::{Command, DocRequest, LineRequest, NewProduct, Ops, OpsError};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::Path;

pub const PRODUCT_COLUMNS: &[&str] = &[
    "sku",
    "name",
    "gtin",
    "category",
    "tracking",
    "serial_format",
    "warranty",
];
pub const RECEIPT_COLUMNS: &[&str] = &[
    "invoice", "date", "supplier", "location", "sku", "serial", "qty", "cost", "reason",
];
pub const SALE_COLUMNS: &[&str] = &[
    "invoice", "date", "customer", "location", "sku", "serial", "qty", "price", "reason",
];
/// How many of an import's records its text names one by one.
const SHOWN_RECORDS: usize = 10;

/// Columns that may be left out of the header.
const OPTIONAL: &[&str] = &[
    "gtin",
    "category",
    "warranty",
    "serial",
    "qty",
    "cost",
    "price",
    "reason",
    "serial_format",
    "tracking",
    "location",
];

/// One parsed row with the file line it came from.
struct Row {
    line: u64,
    fields: HashMap<&'static str, String>,
}

impl Row {
    fn get(&self, col: &str) -> &str {
        self.fields.get(col).map(String::as_str).unwrap_or("")
    }
}

/// Reads through to `inner` and fails as soon as a line runs past `max` bytes, so a file
/// with an endless line is refused at the limit instead of being read into memory.
struct LineCap<R> {
    inner: R,
    max: usize,
    /// Bytes since the last newline.
    run: usize,
    /// The 1-based line being read.
    line: u64,
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.run = 0;
                self.line += 1;
            } else {
                self.run += 1;
                if self.run > self.max {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        limits::line_too_long(self.line, self.max),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// A CSV reader of `file` whose lines may be at most [`limits::MAX_CSV_LINE_BYTES`] long.
fn csv_reader(file: &Path) -> Result<csv::Reader<LineCap<std::fs::File>>, Failure> {
    let f = std::fs::File::open(file)
        .map_err(|e| Failure::invalid(format!("cannot read {}: {e}", file.display())))?;
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(LineCap {
            inner: f,
            max: limits::MAX_CSV_LINE_BYTES,
            run: 0,
            line: 1,
        }))
}

/// A CSV error in words: a line over the limit names the limit, others their line.
fn csv_error(file: &Path, e: &csv::Error) -> Failure {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if io.kind() == std::io::ErrorKind::InvalidData {
            return Failure::invalid(format!("{}: {io}; nothing was imported", file.display()));
        }
    }
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    Failure::invalid(format!("line {line}: {e}"))
}

/// Reads the file's rows one by one into `each` (a file of a million rows is never held
/// as rows: `each` keeps what it makes of them).
fn read_rows(
    file: &Path,
    columns: &'static [&'static str],
    bar: &ProgressBar,
    mut each: impl FnMut(Row),
) -> Result<(), Failure> {
    let mut reader = csv_reader(file)?;
    let headers = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    let mut index: Vec<(&'static str, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match columns.iter().find(|c| c.eq_ignore_ascii_case(h)) {
            Some(c) if index.iter().any(|(n, _)| n == c) => errors.push(format!(
                "line 1: column {} appears twice",
                limits::quoted(h)
            )),
            Some(c) => index.push((c, i)),
            None => errors.push(format!(
                "line 1: unknown column {}; expected columns: {}",
                limits::quoted(h),
                columns.join(",")
            )),
        }
    }
    for c in columns {
        if !OPTIONAL.contains(c) && !index.iter().any(|(n, _)| n == c) {
            errors.push(format!(
                "line 1: missing column \"{c}\"; expected columns: {}",
                columns.join(",")
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Failure::invalid(errors.join("\n")));
    }
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(file, &e))?
    {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fields = index
            .iter()
            .map(|(c, i)| (*c, record.get(*i).unwrap_or("").to_string()))
            .collect();
        each(Row { line, fields });
        bar.inc(1);
    }
    Ok(())
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Columns read into numbers, dates or names of a kind (not kept as text): at most
/// [`limits::MAX_CODE`] characters, so a message that quotes one stays short. Text columns
/// are checked by the service with the commands they make.
const PARSED: &[&str] = &["tracking", "warranty", "date", "qty", "cost", "price"];

/// Refuses a parsed column (see [`PARSED`]) that is too long to be what it should be.
fn check_parsed(row: &Row) -> Result<(), String> {
    for col in PARSED {
        limits::check_len(col, row.get(col), limits::MAX_CODE)?;
    }
    limits::check_len(
        "serial_format",
        row.get("serial_format"),
        limits::MAX_PATTERN,
    )
}

fn product_command(row: &Row) -> Result<Command, String> {
    check_parsed(row)?;
    Ok(Command::AddProduct(NewProduct {
        sku: row.get("sku").to_string(),
        name: row.get("name").to_string(),
        gtin: opt(row.get("gtin")),
        category: row.get("category").to_string(),
        tracking: Tracking::parse(if row.get("tracking").is_empty() {
            "strict"
        } else {
            row.get("tracking")
        })?,
        serial_format: SerialFormat::parse(row.get("serial_format"))?,
        warranty: opt(row.get("warranty"))
            .as_deref()
            .map(Period::parse)
            .transpose()?,
        fold_case: true,
    }))
}

/// Commands, the file lines behind each, and the rows that did not parse.
type Parsed = (Vec<Command>, Vec<Vec<u64>>, Vec<(u64, String)>);

/// Consecutive rows of one invoice (same date, party and location) make one document.
fn document_commands(
    file: &Path,
    columns: &'static [&'static str],
    bar: &ProgressBar,
    kind: DocKind,
) -> Result<Parsed, Failure> {
    let (party_col, amount_col) = match kind {
        DocKind::Sale => ("customer", "price"),
        _ => ("supplier", "cost"),
    };
    let mut commands = Vec::new();
    let mut lines_of: Vec<Vec<u64>> = Vec::new();
    let mut errors = Vec::new();
    let mut current: Option<(String, DocRequest)> = None;
    read_rows(file, columns, bar, |row| {
        let row = &row;
        let head = format!(
            "{}\u{0}{}\u{0}{}\u{0}{}",
            row.get("invoice"),
            row.get("date"),
            row.get(party_col),
            row.get("location")
        );
        let parsed = (|| -> Result<(Option<Day>, LineRequest), String> {
            check_parsed(row)?;
            let date = opt(row.get("date"))
                .as_deref()
                .map(Day::parse)
                .transpose()?;
            let qty = match row.get("qty") {
                "" => 1,
                q => q.parse::<u32>().map_err(|_| {
                    format!("expected a whole quantity, found {}", limits::quoted(q))
                })?,
            };
            let amount = opt(row.get(amount_col))
                .as_deref()
                .map(Money::parse)
                .transpose()?;
            Ok((
                date,
                LineRequest {
                    sku: row.get("sku").to_string(),
                    serial: opt(row.get("serial")),
                    qty,
                    amount,
                },
            ))
        })();
        let (date, line) = match parsed {
            Ok(p) => p,
            Err(e) => {
                errors.push((row.line, e));
                return;
            }
        };
        let same = current.as_ref().is_some_and(|(h, _)| *h == head);
        if !same {
            if let Some((_, req)) = current.take() {
                commands.push(Command::Post(req));
            }
            let location = opt(row.get("location"));
            let (from, to) = if kind == DocKind::Sale {
                (location, None)
            } else {
                (None, location)
            };
            current = Some((
                head,
                DocRequest {
                    kind,
                    date,
                    party: opt(row.get(party_col)),
                    invoice: opt(row.get("invoice")),
                    from,
                    to,
                    reason: opt(row.get("reason")),
                    declared_qty: None,
                    lines: Vec::new(),
                },
            ));
            lines_of.push(Vec::new());
        }
        if let (Some((_, req)), Some(lines)) = (current.as_mut(), lines_of.last_mut()) {
            req.lines.push(line);
            lines.push(row.line);
        }
    })?;
    if let Some((_, req)) = current {
        commands.push(Command::Post(req));
    }
    Ok((commands, lines_of, errors))
}

/// The file lines of refused commands (a refused line of a document, or its first line).
fn rejected_rows(list: &[crate::ops::Rejection], lines_of: &[Vec<u64>]) -> Vec<(u64, String)> {
    list.iter()
        .map(|r| {
            let lines = lines_of.get(r.index);
            let line = match (lines, r.line) {
                (Some(l), Some(i)) => l.get(i).copied().unwrap_or(0),
                (Some(l), None) => l.first().copied().unwrap_or(0),
                (None, _) => 0,
            };
            (line, super::hints::refusal_message(&r.refusal))
        })
        .collect()
}

fn bad_rows(file: &Path, mut rows: Vec<(u64, String)>) -> Failure {
    rows.sort();
    Failure::invalid(format!(
        "{}: {} bad row(s); nothing was imported\n{}",
        file.display(),
        rows.len(),
        rows.iter()
            .map(|(l, m)| format!("line {l}: {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

pub fn run(service: &dyn Ops, what: ImportKind, file: &Path, json: bool) -> CliResult {
    let bar = if std::io::stdout().is_terminal() && !json {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} rows")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.set_message("reading");
        b
    } else {
        ProgressBar::hidden()
    };
    let (commands, lines_of, errors): Parsed = match what {
        ImportKind::Products => {
            let mut cmds = Vec::new();
            let mut lines = Vec::new();
            let mut errors = Vec::new();
            read_rows(file, PRODUCT_COLUMNS, &bar, |row| {
                match product_command(&row) {
                    Ok(c) => {
                        cmds.push(c);
                        lines.push(vec![row.line]);
                    }
                    Err(e) => errors.push((row.line, e)),
                }
            })?;
            (cmds, lines, errors)
        }
        ImportKind::Receipts => document_commands(file, RECEIPT_COLUMNS, &bar, DocKind::Receipt)?,
        ImportKind::Sales => document_commands(file, SALE_COLUMNS, &bar, DocKind::Sale)?,
    };
    if !errors.is_empty() {
        // Report the rows the rules refuse too, not only the ones that did not parse.
        let mut all: Vec<(u64, String)> = errors;
        if let Err(OpsError::Rejected(list)) = service.validate(Command::Batch(commands)) {
            all.extend(rejected_rows(&list, &lines_of));
        }
        bar.finish_and_clear();
        return Err(bad_rows(file, all));
    }
    if commands.is_empty() {
        bar.finish_and_clear();
        return Err(Failure::invalid(format!(
            "{}: no rows to import",
            file.display()
        )));
    }
    let rows: usize = lines_of.iter().map(Vec::len).sum();
    bar.set_message(format!("validating and writing {rows}"));
    let result = service.execute(Command::Batch(commands));
    bar.finish_and_clear();
    match result {
        Ok(outcome) => {
            if json {
                super::json::print(&super::json::ImportJson {
                    file: file.display().to_string(),
                    rows,
                    outcomes: (&outcome).into(),
                })?;
            } else {
                let records = match &outcome {
                    crate::ops::Outcome::Batch(list) => list.as_slice(),
                    one => std::slice::from_ref(one),
                };
                outln!(
                    "imported {rows} row(s) from {} as {} record(s)",
                    file.display(),
                    records.len()
                );
                // What was made, by name: the first few, then how many more.
                for record in records.iter().take(SHOWN_RECORDS) {
                    outln!("  {}", super::output::outcome_text(record));
                }
                if records.len() > SHOWN_RECORDS {
                    outln!(
                        "  and {} more (--json lists them all)",
                        records.len() - SHOWN_RECORDS
                    );
                }
            }
            Ok(())
        }
        Err(OpsError::Rejected(list)) => Err(bad_rows(file, rejected_rows(&list, &lines_of))),
        Err(e) => Err(e.into()),
    }
}
