//! What role each request needs, and the check the server makes before it answers: the one
//! place the role rules live (the screens and the command line never decide this).

use super::{Call, Command, Query};
use crate::domain::{DocKind, Role};

/// The role a command needs, and what it is called in a refusal.
pub fn command_needs(command: &Command) -> (Role, &'static str) {
    match command {
        Command::CountScan { .. } => (Role::Clerk, "scanning"),
        Command::UndoLastScan { .. } => (Role::Clerk, "undoing a scan"),
        Command::Post(doc) => match doc.kind {
            DocKind::Receipt => (Role::Clerk, "receiving"),
            DocKind::Sale => (Role::Clerk, "selling"),
            DocKind::Return => (Role::Clerk, "a return"),
            DocKind::Transfer => (Role::Clerk, "a transfer"),
            DocKind::WriteOff => (Role::Supervisor, "a write-off"),
            DocKind::FoundStock => (Role::Supervisor, "found stock"),
            DocKind::Correction => (Role::Supervisor, "a correction"),
        },
        Command::ActivateWarranty { .. } => (Role::Clerk, "activating a warranty"),
        Command::ExtendWarranty { .. } => (Role::Clerk, "an agreement"),
        Command::AgreementEvent { .. } => (Role::Clerk, "an agreement event"),
        Command::RepairIntake { .. } => (Role::Clerk, "a repair"),
        Command::RepairClose { .. } => (Role::Clerk, "closing a repair"),
        Command::AddProduct(_) => (Role::Supervisor, "adding a product"),
        Command::AddLocation { .. } => (Role::Supervisor, "adding a location"),
        Command::AddParty(_) => (Role::Supervisor, "adding a party"),
        Command::OpenCount(_) => (Role::Supervisor, "opening a count"),
        Command::MoveCount { .. } => (Role::Supervisor, "closing or posting a count"),
        Command::Resolve { .. } => (Role::Supervisor, "a resolution"),
        Command::ResolveAll { .. } => (Role::Supervisor, "a resolution"),
        Command::PostCount { .. } => (Role::Supervisor, "closing or posting a count"),
        Command::FinishBin { .. } => (Role::Clerk, "scanning"),
        Command::CountQty { .. } => (Role::Clerk, "scanning"),
        Command::UndoResolution { .. } => (Role::Supervisor, "undoing a resolution"),
        Command::WarrantyReplace { .. } => (Role::Supervisor, "a warranty replacement"),
        Command::WarrantyTerms { .. } => (Role::Admin, "warranty terms"),
        Command::AddGenericWarranty(_) => (Role::Admin, "a generic warranty"),
        Command::AddUser { .. } | Command::SetRole { .. } | Command::RemoveUser { .. } => {
            (Role::Admin, "managing users")
        }
        Command::Keyed { command, .. } => command_needs(command),
        Command::Batch(commands) => commands
            .iter()
            .map(command_needs)
            .max_by_key(|(role, _)| *role)
            .unwrap_or((Role::Clerk, "an empty batch")),
    }
}

/// The role a query needs.
pub fn query_needs(query: &Query) -> (Role, &'static str) {
    match query {
        Query::Users => (Role::Admin, "the user list"),
        Query::JournalEnd | Query::JournalBytes { .. } => (Role::Admin, "a backup"),
        _ => (Role::Support, "reading"),
    }
}

/// The role a call needs (a validation needs what the command would).
pub fn call_needs(call: &Call) -> (Role, &'static str) {
    match call {
        Call::Execute(c) | Call::Validate(c) => command_needs(c),
        Call::Query(q) => query_needs(q),
        Call::Admin(a) => (Role::Admin, a.what()),
        Call::ExecuteThen(c, q) => {
            let (a, b) = (command_needs(c), query_needs(q));
            if a.0 >= b.0 {
                a
            } else {
                b
            }
        }
    }
}

/// Who a server lets in as admin whatever the user list says: the account it runs as (so
/// the first admin exists right after install) and root.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    pub always_admin: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_needs_its_highest_role() {
        let scan = Command::CountScan {
            count: crate::domain::CountId(1),
            location: None,
            raw: "X".into(),
            label_only: false,
        };
        let user = Command::RemoveUser { name: "x".into() };
        assert_eq!(command_needs(&scan).0, Role::Clerk);
        assert_eq!(
            command_needs(&Command::Batch(vec![scan.clone(), user])).0,
            Role::Admin
        );
        assert_eq!(
            call_needs(&Call::ExecuteThen(scan, Query::Users)).0,
            Role::Admin
        );
    }
}
