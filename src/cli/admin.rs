//! check, rebuild, backup and restore commands.

use super::{open_ops, CliResult, Failure};
use crate::ops::maintenance;
use serde_json::json;
use std::path::Path;

pub fn check(db: &Path, json: bool) -> CliResult {
    let report = maintenance::check(db)?;
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    if json {
        outln!(
            "{}",
            json!({"ok": report.problems.is_empty(), "entries": report.entries, "keys": report.keys_compared, "units": report.units, "problems": report.problems})
        );
    }
    if report.problems.is_empty() {
        if !json {
            outln!(
                "ok: {} journal entries, chain intact; replay equals the store ({} keys, {} units)",
                report.entries,
                report.keys_compared,
                report.units
            );
        }
        Ok(())
    } else {
        Err(Failure::storage(format!(
            "check failed:\n  {}\nrun `tallyman rebuild` to remake the store from the journal, or `tallyman restore BACKUP`",
            report.problems.join("\n  ")
        )))
    }
}

pub fn rebuild(db: &Path, json: bool) -> CliResult {
    let r = maintenance::rebuild(db)?;
    if let Some(t) = &r.cut {
        eprintln!("warning: the journal ended in an {t}; it was cut off before rebuilding");
    }
    if json {
        outln!(
            "{}",
            json!({"entries": r.entries, "old_store": r.old_store.display().to_string(), "cut": r.cut.as_ref().map(|t| t.to_string())})
        );
    } else {
        outln!(
            "rebuilt the store from {} journal entries; the old store is at {}",
            r.entries,
            r.old_store.display()
        );
    }
    Ok(())
}

pub fn backup(db: &Path, file: &Path, json: bool) -> CliResult {
    let bytes = open_ops(db)?.backup(file)?;
    if json {
        outln!(
            "{}",
            json!({"file": file.display().to_string(), "bytes": bytes})
        );
    } else {
        outln!("backup written to {} ({bytes} bytes)", file.display());
    }
    Ok(())
}

pub fn restore(db: &Path, file: &Path, force: bool, json: bool) -> CliResult {
    if !file.exists() {
        return Err(Failure::invalid(format!(
            "expected a backup file, found nothing at \"{}\"",
            file.display()
        )));
    }
    let entries = maintenance::restore(db, file, force)?;
    if json {
        outln!("{}", json!({"entries": entries}));
    } else {
        outln!("restored {entries} journal entries into {}", db.display());
    }
    Ok(())
}
