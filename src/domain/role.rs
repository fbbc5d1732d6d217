//! Who may do what on a site: four roles, each including the ones before it, and the user
//! names they are given to.

use serde::{Deserialize, Serialize};

/// A user's role. Stored in the journal: variants are only appended, and their order is the
/// order of rank (each role may do what the ones before it may).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Lookups and reports: every read.
    Support,
    /// Scans and counting, receiving, selling, returns, transfers, repairs.
    Clerk,
    /// Opening, closing and posting counts, resolutions, write-offs, master data.
    Supervisor,
    /// Users and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Support, Role::Clerk, Role::Supervisor, Role::Admin];

    /// The name as typed and printed.
    pub fn name(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Reads a role name (any case).
    pub fn parse(text: &str) -> Result<Role, String> {
        let t = text.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.name() == t)
            .ok_or_else(|| {
                format!(
                    "expected a role (support, clerk, supervisor, admin), found {q_text}",
                    q_text = crate::domain::limits::quoted(text)
                )
            })
    }

    /// May a user with this role do what needs `needed`?
    pub fn may(self, needed: Role) -> bool {
        self >= needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A site user: an OS account name and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
}

/// Checks an OS account name as a user name: 1 to 32 characters, letters, digits, `_`, `.`,
/// `-` (not first), as `useradd` accepts.
pub fn check_user_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    let ok = !n.is_empty()
        && n.len() <= 32
        && !n.starts_with('-')
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(n.to_string())
    } else {
        Err(format!(
            "expected an OS account name (letters, digits, _ . -), found {q_name}",
            q_name = crate::domain::limits::quoted(name)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_includes_the_ones_before_it_and_no_more() {
        assert!(Role::Admin.may(Role::Support));
        assert!(Role::Supervisor.may(Role::Clerk));
        assert!(Role::Clerk.may(Role::Clerk));
        assert!(!Role::Clerk.may(Role::Supervisor));
        assert!(!Role::Support.may(Role::Clerk));
        assert!(!Role::Supervisor.may(Role::Admin));
    }

    #[test]
    fn role_names_read_back_and_a_bad_one_lists_the_choices() {
        for r in Role::ALL {
            assert_eq!(Role::parse(&r.name().to_uppercase()), Ok(r));
        }
        let e = Role::parse("boss").unwrap_err();
        assert!(e.contains("\"boss\"") && e.contains("supervisor"), "{e}");
    }

    #[test]
    fn user_names_are_account_names() {
        assert_eq!(check_user_name(" hh07 ").as_deref(), Ok("hh07"));
        assert!(check_user_name("anna.k-2").is_ok());
        for bad in ["", "-x", "a b", "x;rm", "é", &"a".repeat(33)] {
            assert!(check_user_name(bad).is_err(), "{bad:?}");
        }
    }
}
