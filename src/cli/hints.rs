//! What the command line adds to the service's refusals: the exit code of each kind, and
//! the next step in its own verbs (the service says what was asked and what was found; the
//! screens word the same facts with their keys).

use crate::ops::{next_step, AdminCall, Advice, Next, OpsError, Refusal, RefusalKind};

/// The process exit code of a refusal's kind: 4 not permitted, 3 a database a server holds
/// for a command that needs it to itself, 1 every other refusal.
pub fn kind_exit_code(kind: RefusalKind) -> i32 {
    match kind {
        RefusalKind::NotPermitted => 4,
        RefusalKind::InUse => 3,
        _ => 1,
    }
}

/// The process exit code of a failure of the service: from the refusal's kind (a batch's
/// highest), 3 a storage failure.
pub fn exit_code(e: &OpsError) -> i32 {
    match e {
        OpsError::Refused(r) => kind_exit_code(r.kind),
        OpsError::Rejected(list) => list
            .iter()
            .map(|r| kind_exit_code(r.refusal.kind))
            .max()
            .unwrap_or(1),
        OpsError::Storage(_) | OpsError::Damaged { .. } | OpsError::Link(_) => 3,
    }
}

/// The next step of a refusal in the command line's verbs, to follow its message.
pub fn next_words(next: &Next) -> String {
    match next {
        Next::ListCounts => " (see `tallyman count list`)".into(),
        Next::FinishBins { count } => format!(
            " (the count screen's bin done key, or `tallyman count bin-done {count} --location BIN`)"
        ),
        Next::SettleMismatches { count } => {
            format!(" (see `tallyman count mismatches {count}`)")
        }
        Next::AddProduct => " (add it with `tallyman product add`)".into(),
        Next::AddLocation { code } => format!(" (add it with `tallyman location add {code}`)"),
        Next::AddParty => " (add it with `tallyman party add`)".into(),
        Next::MadeByCounts => " (see `tallyman count --help`)".into(),
        Next::AddUser { user, role } => {
            format!("; an admin runs: tallyman user add {user} --role {role}")
        }
        Next::ChangeRole { user } => format!("; change it with: tallyman user role {user} ROLE"),
        Next::NoSuchUser { user } => {
            format!("; add one with: tallyman user add {user} --role clerk")
        }
        Next::MakeDatabase => NOT_A_DATABASE.into(),
    }
}

/// A refusal's message with the command line's next step.
pub fn refusal_message(r: &Refusal) -> String {
    match next_step(r) {
        Some(next) => format!("{}{}", r.message, next_words(&next)),
        None => r.message.clone(),
    }
}

/// How a damaged journal is repaired.
pub const SALVAGE: &str = "run `tallyman rebuild --salvage` to keep every entry before the damage (the damaged journal is kept), or `tallyman restore BACKUP`";

/// A storage failure's words with the next step: a database held by another process says
/// how to serve it, or what to do when its server is silent; a read-only one how to repair
/// it.
pub fn storage_words(message: &str) -> String {
    if message.ends_with(crate::ops::refusals::NOT_A_SERVER) {
        format!("{message}. Ask an admin to run: tallyman serve")
    } else if message.ends_with(crate::ops::refusals::SERVER_SILENT) {
        format!("{message}; try again, or ask an admin to restart tallyman serve")
    } else {
        read_only_words(message)
    }
}

/// A read-only database's words with how to repair it, after what still works.
pub fn read_only_words(message: &str) -> String {
    message.replacen(
        crate::ops::READ_ONLY_REFUSED,
        &format!(
            "{} To repair it, stop its other users and run `tallyman rebuild --salvage` (the damaged journal is kept), or `tallyman restore BACKUP`.",
            crate::ops::READ_ONLY_REFUSED
        ),
        1,
    )
}

/// What a check advises, in the command line's verbs (empty when nothing is to be done).
pub fn advice_words(advice: &Option<Advice>) -> String {
    match advice {
        None => String::new(),
        Some(Advice::Salvage) => SALVAGE.to_string(),
        Some(Advice::Rebuild) => {
            "run `tallyman rebuild` to remake the store from the journal".into()
        }
        Some(Advice::RestoreBackup { before }) => {
            let which = match before {
                Some(seq) => format!(
                    "a backup made after entry {seq} and checked with `tallyman check --anchor`"
                ),
                None => "a backup that passes `tallyman check --anchor` with the same anchors"
                    .to_string(),
            };
            format!(
                "the journal was changed after it was written: restore {which} (`tallyman restore BACKUP`); a rebuild would take the changed journal as the truth"
            )
        }
    }
}

/// Words that make a folder of other files a database, after the refusal that names it.
pub const NOT_A_DATABASE: &str =
    ". To make a database, run `tallyman init DIR` on a new or empty folder";

/// An admin call's failure with what to do next in the command line's verbs.
pub fn admin_failure(call: &AdminCall, e: OpsError) -> OpsError {
    match (call, e) {
        (AdminCall::Rebuild { .. }, OpsError::Damaged { entry, message }) => OpsError::Damaged {
            entry,
            message: format!("{message}: {SALVAGE}"),
        },
        (AdminCall::Anchor | AdminCall::Backup { .. }, OpsError::Damaged { entry, message }) => {
            OpsError::Damaged {
                entry,
                message: format!("{message}; {SALVAGE}"),
            }
        }
        (AdminCall::Rebuild { .. }, OpsError::Refused(mut r))
            if r.kind == RefusalKind::Conflict && r.message.starts_with("journal entry") =>
        {
            r.message.push_str(
                " Restore a backup (`tallyman restore BACKUP`), or add --force to take the changed journal as the truth",
            );
            OpsError::Refused(r)
        }
        (AdminCall::Salvage { .. }, OpsError::Refused(mut r))
            if r.kind == RefusalKind::Conflict && r.message.ends_with("nothing to salvage") =>
        {
            r.message
                .push_str("; `tallyman rebuild` remakes the store from it");
            OpsError::Refused(r)
        }
        (_, e) => e,
    }
}
