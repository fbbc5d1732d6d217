//! The refusals whose next step depends on the front end, made here with their facts only
//! (what was asked, what was found) and read back as a typed [`Next`]: the command line
//! names its verbs, the screens their keys. The words and their reading live together, so
//! a message changed here is read the same way everywhere.

use super::types::{Refusal, RefusalKind};
use crate::domain::Role;

/// What a refusal's reader can do next, as facts a front end words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// No count has the number asked: list the counts.
    ListCounts,
    /// A count cannot be posted before one of its bins is counted.
    FinishBins { count: String },
    /// A count cannot be posted while mismatches are open.
    SettleMismatches { count: String },
    /// The product SKU is not known: add the product.
    AddProduct,
    /// The location is not known: add it.
    AddLocation { code: String },
    /// The party is not known: add it.
    AddParty,
    /// Documents of this kind are made by counts, not posted by hand.
    MadeByCounts,
    /// The user has no role here: an admin adds them with (at least) `role`.
    AddUser { user: String, role: Role },
    /// The user exists: change their role instead.
    ChangeRole { user: String },
    /// The user named does not exist: add them first.
    NoSuchUser { user: String },
    /// The folder holds other files, not a database: make one in a new or empty folder.
    MakeDatabase,
}

const NO_SUCH_COUNT: &str = "no such count";
const NO_COUNTED_BIN: &str = "has no counted bin: finish the bins first";
const OPEN_MISMATCHES: &str = "neither resolved nor accepted";
const UNKNOWN_SKU: &str = "expected a known product SKU, found";
const UNKNOWN_LOCATION: &str = "does not exist";
const UNKNOWN_PARTY: [&str; 3] = [
    "expected a known supplier, found",
    "expected a known customer, found",
    "expected a known party, found",
];
const MADE_BY_COUNTS: &str = "documents are made by counts, not posted by hand";
const NOT_A_USER: &str = "is not a tallyman user";
const ALREADY_A: &str = "is already a";
const NO_SUCH_USER: &str = "expected a tallyman user, found";
/// How a folder of other files is refused (see `not_a_database` of the house).
pub const NOT_A_DATABASE: &str = "not a database: ";

/// How a database held by a process that does not serve ends (the front end adds how to
/// start a server).
pub const NOT_A_SERVER: &str = ", not a server";
/// How a database whose server does not answer ends (the front end adds what to do).
pub const SERVER_SILENT: &str = ", which did not answer";

/// What a change refused on a read-only database says after its reason (the front end adds
/// how to repair it).
pub const READ_ONLY_REFUSED: &str = "Lookups and reports work, changes are refused.";

pub fn no_such_count(id: impl std::fmt::Display) -> Refusal {
    Refusal::new(
        RefusalKind::Unknown,
        format!("expected a count number, found \"{id}\": {NO_SUCH_COUNT}"),
    )
}

pub fn no_counted_bin(id: impl std::fmt::Display) -> Refusal {
    Refusal::new(
        RefusalKind::Conflict,
        format!("count {id} {NO_COUNTED_BIN}"),
    )
    .about(id.to_string())
}

pub fn open_mismatches(id: impl std::fmt::Display, open: usize) -> Refusal {
    Refusal::new(
        RefusalKind::Conflict,
        format!(
            "count {id} has {open} {} {OPEN_MISMATCHES}",
            super::plural(open as u64, "mismatch", "mismatches")
        ),
    )
    .about(id.to_string())
}

pub fn unknown_sku(sku: &str) -> Refusal {
    Refusal::new(
        RefusalKind::Unknown,
        format!("{UNKNOWN_SKU} {}", crate::domain::limits::quoted(sku)),
    )
}

/// `role`: what the location was to be ("source", "destination", ...).
pub fn unknown_location(role: &str, code: &str) -> Refusal {
    Refusal::new(
        RefusalKind::Unknown,
        format!("{role} location \"{code}\" {UNKNOWN_LOCATION}"),
    )
}

/// `role`: "supplier", "customer" or "party".
pub fn unknown_party(role: &str, name: &str) -> Refusal {
    Refusal::new(
        RefusalKind::Unknown,
        format!(
            "expected a known {role}, found {}",
            crate::domain::limits::quoted(name)
        ),
    )
}

pub fn made_by_counts(kind: &str) -> Refusal {
    Refusal::new(RefusalKind::Conflict, format!("{kind} {MADE_BY_COUNTS}"))
}

/// A user with no role here; `what` needs `needed`.
pub fn not_a_user(user: &str, what: &str, needed: Role) -> Refusal {
    Refusal::new(
        RefusalKind::NotPermitted,
        format!("user \"{user}\" {NOT_A_USER}: {what} needs {needed}"),
    )
    .about(user)
}

pub fn already_a_user(user: &str, role: Role) -> Refusal {
    Refusal::new(
        RefusalKind::Conflict,
        format!("user \"{user}\" {ALREADY_A} {role}"),
    )
    .about(user)
}

pub fn no_such_user(user: &str) -> Refusal {
    Refusal::new(RefusalKind::Unknown, format!("{NO_SUCH_USER} \"{user}\"")).about(user)
}

/// The next step a refusal made above leaves to its reader, if it is one of them.
pub fn next_step(r: &Refusal) -> Option<Next> {
    let m = r.message.as_str();
    let about = || r.about.clone().unwrap_or_default();
    match r.kind {
        RefusalKind::Unknown if m.ends_with(NO_SUCH_COUNT) => Some(Next::ListCounts),
        RefusalKind::Invalid if m.starts_with(NOT_A_DATABASE) => Some(Next::MakeDatabase),
        RefusalKind::Unknown if m.starts_with(UNKNOWN_SKU) => Some(Next::AddProduct),
        RefusalKind::Unknown if UNKNOWN_PARTY.iter().any(|p| m.starts_with(p)) => {
            Some(Next::AddParty)
        }
        RefusalKind::Unknown if m.contains(" location \"") && m.ends_with(UNKNOWN_LOCATION) => {
            Some(Next::AddLocation { code: about() })
        }
        RefusalKind::Unknown if m.starts_with(NO_SUCH_USER) => {
            Some(Next::NoSuchUser { user: about() })
        }
        RefusalKind::Conflict if m.ends_with(NO_COUNTED_BIN) => {
            Some(Next::FinishBins { count: about() })
        }
        RefusalKind::Conflict if m.ends_with(OPEN_MISMATCHES) => {
            Some(Next::SettleMismatches { count: about() })
        }
        RefusalKind::Conflict if m.ends_with(MADE_BY_COUNTS) => Some(Next::MadeByCounts),
        RefusalKind::Conflict if m.starts_with("user \"") && m.contains(ALREADY_A) => {
            Some(Next::ChangeRole { user: about() })
        }
        RefusalKind::NotPermitted if m.contains(NOT_A_USER) => {
            let role = m
                .rsplit(" needs ")
                .next()
                .and_then(|r| Role::parse(r).ok())
                .unwrap_or(Role::Clerk);
            Some(Next::AddUser {
                user: about(),
                role: role.max(Role::Clerk),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_made_here_reads_back_as_its_next_step() {
        let cases = [
            (no_such_count(7), Next::ListCounts),
            (no_counted_bin(7), Next::FinishBins { count: "7".into() }),
            (
                open_mismatches(7, 2),
                Next::SettleMismatches { count: "7".into() },
            ),
            (unknown_sku("RT-1"), Next::AddProduct),
            (
                unknown_location("destination", "WH9/Z"),
                Next::AddLocation {
                    code: "WH9/Z".into(),
                },
            ),
            (unknown_party("customer", "ACME"), Next::AddParty),
            (unknown_party("supplier", "ACME"), Next::AddParty),
            (made_by_counts("found_stock"), Next::MadeByCounts),
            (
                Refusal::new(
                    RefusalKind::Invalid,
                    format!("{NOT_A_DATABASE}expected ..."),
                ),
                Next::MakeDatabase,
            ),
            (
                not_a_user("ann", "a check", Role::Admin),
                Next::AddUser {
                    user: "ann".into(),
                    role: Role::Admin,
                },
            ),
            (
                not_a_user("ann", "reading", Role::Support),
                Next::AddUser {
                    user: "ann".into(),
                    role: Role::Clerk,
                },
            ),
            (
                already_a_user("ann", Role::Clerk),
                Next::ChangeRole { user: "ann".into() },
            ),
            (no_such_user("ann"), Next::NoSuchUser { user: "ann".into() }),
        ];
        for (refusal, next) in cases {
            assert_eq!(next_step(&refusal), Some(next), "{}", refusal.message);
            // Facts only: no command line verb (`tallyman count list`, `tallyman user add`).
            let verb = regex_lite::Regex::new(r"tallyman (count|product|location|party|user \w)")
                .map(|re| re.is_match(&refusal.message));
            assert_eq!(verb, Ok(false), "{}", refusal.message);
        }
        let other = Refusal::new(RefusalKind::Unknown, "expected a known unit, found \"X\"");
        assert_eq!(next_step(&other), None);
    }
}
