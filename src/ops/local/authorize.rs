//! The check the server makes before it answers: the role the peer holds against the role
//! the call needs (`ops::api::roles` says which).

use super::Service;
use crate::domain::Role;
use crate::ops::api::*;

impl Service {
    /// The role `user` holds here: from the user list, or admin for the gate's accounts.
    pub fn role_of(&self, gate: &Gate, user: &str) -> Result<Option<Role>, OpsError> {
        if gate.always_admin.iter().any(|a| a == user) {
            return Ok(Some(Role::Admin));
        }
        Ok(self.store().user(user)?.map(|u| u.role))
    }

    /// Refuses a call `user` may not make, naming the user, their role and the command an
    /// admin runs.
    pub fn authorize(&self, gate: &Gate, user: &str, call: &Call) -> Result<(), OpsError> {
        let (needed, what) = call_needs(call);
        match self.role_of(gate, user)? {
            Some(role) if role.may(needed) => Ok(()),
            Some(role) => Err(OpsError::Refused(
                Refusal::new(
                    RefusalKind::NotPermitted,
                    format!(
                        "\"{user}\" is {}: {what} needs {needed}",
                        with_article(role)
                    ),
                )
                .about(user),
            )),
            None => Err(OpsError::Refused(refusals::not_a_user(user, what, needed))),
        }
    }
}

fn with_article(role: Role) -> String {
    match role {
        Role::Admin => "an admin".into(),
        r => format!("a {r}"),
    }
}
