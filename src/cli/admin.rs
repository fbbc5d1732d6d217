//! check, rebuild, backup and restore commands.

use super::json::{self as j, CheckJson};
use super::{open_ops, CliResult, Failure};
use crate::ops::maintenance;
use std::path::Path;

pub fn check(db: &Path, json: bool) -> CliResult {
    let report = maintenance::check(db)?;
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    if report.problems.is_empty() {
        if json {
            return j::print(&CheckJson::from(&report));
        }
        outln!(
            "ok: {} journal entries, chain intact; replay equals the store ({} keys, {} units)",
            report.entries,
            report.keys_compared,
            report.units
        );
        return Ok(());
    }
    let mut failure = Failure::storage(format!(
        "check failed:\n  {}\nrun `tallyman rebuild` to remake the store from the journal, or `tallyman restore BACKUP`",
        report.problems.join("\n  ")
    ));
    // One document: the report with the failure's words and exit code.
    let doc = CheckJson {
        error: Some(failure.message.clone()),
        exit_code: Some(failure.code),
        ..CheckJson::from(&report)
    };
    failure.json = Some(
        serde_json::to_value(&doc)
            .map_err(|e| Failure::storage(format!("cannot write JSON: {e}")))?,
    );
    Err(failure)
}

pub fn rebuild(db: &Path, json: bool) -> CliResult {
    let r = maintenance::rebuild(db)?;
    if let Some(t) = &r.cut {
        eprintln!("warning: the journal ended in an {t}; it was cut off before rebuilding");
    }
    if json {
        j::print(&j::RebuildJson::from(&r))?;
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
    // Through the server when one runs: it says how far the journal is durable, and the
    // bytes are copied from the file (so `backup` runs as the account that may read it).
    let ops = open_ops(db)?;
    let crate::ops::Answer::JournalEnd { path, end } = ops.query(crate::ops::Query::JournalEnd)?
    else {
        return Err(Failure::storage(
            "the service did not say where the journal ends",
        ));
    };
    let bytes = maintenance::copy_journal(Path::new(&path), file, end)?;
    if json {
        j::print(&j::BackupJson {
            file: file.display().to_string(),
            bytes,
        })?;
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
        j::print(&j::RestoreJson { entries })?;
    } else {
        outln!("restored {entries} journal entries into {}", db.display());
    }
    Ok(())
}
