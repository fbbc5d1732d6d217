//! check, rebuild, backup and restore commands.

use super::{open_service, CliResult, Failure};
use crate::ops::maintenance;
use serde_json::json;
use std::path::Path;

pub fn check(db: &Path, json: bool) -> CliResult {
    let report = maintenance::check(db)?;
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    if json {
        println!(
            "{}",
            json!({"ok": report.problems.is_empty(), "entries": report.entries, "keys": report.keys_compared, "units": report.units, "problems": report.problems})
        );
    }
    if report.problems.is_empty() {
        if !json {
            println!(
                "ok: {} journal entries, chain intact; replay equals the store ({} keys, {} units)",
                report.entries, report.keys_compared, report.units
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
    let (entries, aside) = maintenance::rebuild(db)?;
    if json {
        println!(
            "{}",
            json!({"entries": entries, "old_store": aside.display().to_string()})
        );
    } else {
        println!(
            "rebuilt the store from {entries} journal entries; the old store is at {}",
            aside.display()
        );
    }
    Ok(())
}

pub fn backup(db: &Path, file: &Path, json: bool) -> CliResult {
    let service = open_service(db)?;
    let bytes = maintenance::backup(&service, file)?;
    if json {
        println!(
            "{}",
            json!({"file": file.display().to_string(), "bytes": bytes})
        );
    } else {
        println!("backup written to {} ({bytes} bytes)", file.display());
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
        println!("{}", json!({"entries": entries}));
    } else {
        println!("restored {entries} journal entries into {}", db.display());
    }
    Ok(())
}
