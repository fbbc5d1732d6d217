//! `tallyman count mismatches|replace|relocate|receive-found|write-off|accept|undo|post|report`.

use super::args::CountCmd;
use super::json::{self as j, MismatchesJson};
use super::words::{reason_text, resolution_text, shortage_lines, surplus_lines};
use super::{CliResult, Failure};
use crate::domain::CountId;
use crate::ops::{BulkFix, Command, MismatchView, Ops, OpsQueries, Outcome, ResolveAction};

/// A row's marks on the text report.
fn marks(accepted: bool, moved: bool) -> &'static str {
    match (accepted, moved) {
        (false, false) => "",
        (true, false) => " [accepted]",
        (false, true) => " [moved during count]",
        (true, true) => " [accepted] [moved during count]",
    }
}

fn print_mismatches(v: &MismatchView) {
    use std::io::Write;
    // One buffer for the whole report (a large count's rows are not a write each).
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    macro_rules! say {
        ($($arg:tt)*) => {
            if let Err(e) = writeln!(out, $($arg)*) {
                super::exit_on_output_error(&e)
            }
        };
    }
    let m = &v.mismatches;
    say!(
        "count {} \"{}\" ({}): matched {}, shortage {}, surplus {}, duplicates {}; {} open",
        m.count.id,
        m.count.name,
        m.count.status.describe(),
        m.rec.matched.len(),
        m.rec.shortage.len(),
        m.rec.surplus.len(),
        m.rec.duplicates.len(),
        m.open_mismatches()
    );
    say!("shortage (expected, not counted):");
    for r in shortage_lines(v) {
        say!(
            "  {:<10} {:<20} at {}{}",
            r.sku,
            r.serial,
            r.location,
            marks(r.accepted, r.moved)
        );
    }
    say!("surplus (counted, not expected there):");
    for r in surplus_lines(v) {
        say!(
            "  {:<10} {:<20} at {} : {}{}",
            r.sku,
            r.serial,
            r.location,
            r.why,
            marks(r.accepted, r.moved)
        );
        for s in r.suggestions.iter().take(3) {
            say!(
                "      -> replace by \"{}\" ({} at {})",
                s.missing,
                s.why,
                s.location
            );
        }
    }
    if !v.qty.is_empty() {
        say!("quantities (counted by quantity; posting books the difference):");
        for q in &v.qty {
            say!(
                "  {:<10} at {}: {}",
                v.sku(Some(q.product)),
                q.location,
                qty_detail(q)
            );
        }
    }
    if !m.resolutions.is_empty() {
        say!("resolutions:");
        for r in &m.resolutions {
            say!("  {}", resolution_text(r));
        }
    }
    if let Err(e) = out.flush() {
        super::exit_on_output_error(&e)
    }
}

fn load(service: &dyn Ops, id: u32) -> Result<Box<MismatchView>, Failure> {
    Ok(service.mismatches(CountId(id))?)
}

/// Runs the mismatch commands; returns false when `cmd` is not one of them.
pub fn run(service: &dyn Ops, cmd: &CountCmd, json: bool) -> Result<bool, Failure> {
    let resolve = |id: u32, action: ResolveAction| -> CliResult {
        let out = service.execute(Command::Resolve {
            count: CountId(id),
            action,
        })?;
        outcome(&out, json)
    };
    let bulk = |id: u32, fix: BulkFix| -> CliResult {
        let count = CountId(id);
        outcome(&service.execute(Command::ResolveAll { count, fix })?, json)
    };
    match cmd {
        CountCmd::Mismatches { id } => {
            let v = load(service, *id)?;
            if json {
                j::print(&MismatchesJson(&v))?;
            } else {
                print_mismatches(&v);
            }
        }
        CountCmd::Replace { id, found, missing } => resolve(
            *id,
            ResolveAction::Replace {
                found: found.clone(),
                missing: missing.clone(),
            },
        )?,
        CountCmd::Relocate { id, serial } => resolve(
            *id,
            ResolveAction::Relocate {
                serial: serial.clone(),
            },
        )?,
        CountCmd::ReceiveFound {
            id,
            serial,
            product,
        } => resolve(
            *id,
            ResolveAction::ReceiveFound {
                serial: serial.clone(),
                product: product.clone(),
            },
        )?,
        CountCmd::WriteOff { id, serial, reason } => resolve(
            *id,
            ResolveAction::WriteOff {
                serial: serial.clone(),
                reason: reason.clone(),
            },
        )?,
        CountCmd::Accept { id, serial, note } => resolve(
            *id,
            ResolveAction::Accept {
                serial: serial.clone(),
                note: note.clone(),
            },
        )?,
        CountCmd::Undo { id, resolution } => {
            let out = service.execute(Command::UndoResolution {
                count: CountId(*id),
                number: *resolution,
            })?;
            outcome(&out, json)?;
        }
        CountCmd::Post {
            id,
            counted_bins_only,
        } => {
            let out = service.execute(Command::PostCount {
                count: CountId(*id),
                counted_bins_only: *counted_bins_only,
            })?;
            super::output::outcome(&out, json)?;
        }
        CountCmd::AcceptAll {
            id,
            location,
            product,
            note,
        } => bulk(
            *id,
            BulkFix::Accept {
                location: location.clone(),
                sku: product.clone(),
                note: note.clone(),
            },
        )?,
        CountCmd::WriteOffCounted { id, reason } => bulk(
            *id,
            BulkFix::WriteOffCountedBins {
                reason: reason.clone(),
            },
        )?,
        CountCmd::BinDone { id, location } => {
            let out = service.execute(Command::FinishBin {
                count: CountId(*id),
                location: location.clone(),
            })?;
            outcome(&out, json)?;
        }
        CountCmd::Report { id, csv } => report(service, *id, *csv, json)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn outcome(o: &Outcome, json: bool) -> CliResult {
    if json {
        return j::print(&j::OutcomeJson::from(o));
    }
    match o {
        Outcome::Resolved {
            count,
            number,
            resolution,
        } => outln!(
            "count {count}: resolution {number} ({}) recorded: {}",
            resolution.name(),
            resolution.change()
        ),
        Outcome::ResolutionUndone { count, number } => {
            outln!("count {count}: resolution {number} undone")
        }
        Outcome::ResolvedAll {
            count,
            first,
            resolved,
        } => outln!(
            "count {count}: {resolved} resolution(s) recorded, #{first} to #{}",
            first + resolved - 1
        ),
        Outcome::BinCounted {
            count,
            location,
            bins,
        } => outln!("count {count}: bin {location} counted ({bins} bin(s) counted)"),
        other => return super::output::outcome(other, json),
    }
    Ok(())
}

/// A quantity that differs from the books: `counted 46 of 48 (-2)`.
fn qty_detail(q: &crate::domain::count::QtyMismatch) -> String {
    format!(
        "counted {} of {} ({:+})",
        q.counted,
        q.expected,
        q.difference()
    )
}

fn report(service: &dyn Ops, id: u32, csv: bool, json: bool) -> CliResult {
    let view = load(service, id)?;
    let v = &*view;
    let m = &v.mismatches;
    if json {
        return j::print(&MismatchesJson(v));
    }
    if csv {
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        let mut row = |rec: &[String]| {
            w.write_record(rec).map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(e) => super::exit_on_output_error(&e),
                other => Failure::storage(format!("cannot write CSV: {other:?}")),
            })
        };
        row(&["bucket", "sku", "serial", "location", "detail"].map(String::from))?;
        for r in &m.rec.matched {
            row(&[
                "matched".into(),
                v.sku(Some(r.product)),
                r.serial.to_string(),
                r.location.clone(),
                if r.moved {
                    "moved after counting".into()
                } else {
                    String::new()
                },
            ])?;
        }
        for r in &m.rec.shortage {
            row(&[
                "shortage".into(),
                v.sku(Some(r.product)),
                r.serial.to_string(),
                r.location.clone(),
                if m.accepted.contains(&r.serial) {
                    "accepted".into()
                } else {
                    String::new()
                },
            ])?;
        }
        for r in &m.rec.surplus {
            row(&[
                "surplus".into(),
                v.sku(r.product),
                r.serial.to_string(),
                r.location.clone(),
                reason_text(v, &r.reason),
            ])?;
        }
        for q in &v.qty {
            row(&[
                "quantity".into(),
                v.sku(Some(q.product)),
                String::new(),
                q.location.clone(),
                qty_detail(q),
            ])?;
        }
        for r in &m.resolutions {
            row(&[
                "resolution".into(),
                String::new(),
                String::new(),
                String::new(),
                resolution_text(r),
            ])?;
        }
        return Ok(());
    }
    let c = &m.count;
    outln!(
        "COUNT REPORT  count {} \"{}\"  status {}",
        c.id,
        c.name,
        c.status.describe()
    );
    outln!(
        "scope:    {}{}",
        c.scope.location,
        if c.blind {
            " (blind)"
        } else {
            " (open counting)"
        }
    );
    outln!(
        "opened:   by {} ; counters: {}",
        c.opened_by,
        c.counters.join(", ")
    );
    outln!(
        "scans:    {} ({} live, {} duplicates)",
        c.scans,
        c.live,
        m.rec.duplicates.len()
    );
    if !v.counted_bins.is_empty() {
        outln!(
            "bins:     {} counted: {}",
            v.counted_bins.len(),
            v.counted_bins.join(", ")
        );
    }
    if v.posted_bins_only {
        outln!("shortages: of the counted bins only (the rest of the scope was not counted)");
    }
    if let Some(a) = &v.posted_anchor {
        outln!("anchor:   {a} (the journal entry that posted it; `tallyman check --anchor` proves it unchanged)");
    }
    print_mismatches(v);
    Ok(())
}
