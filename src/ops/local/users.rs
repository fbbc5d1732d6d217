//! The site's users: giving an OS account a role, changing it, taking it away (journaled, so
//! the audit trail and every backup hold them).

use super::draft::{refuse, Change, DResult, Draft};
use super::{Outcome, RefusalKind};
use crate::domain::{role::check_user_name, Event, Role};

impl Draft<'_> {
    pub(super) fn set_user(
        &mut self,
        name: &str,
        role: Option<Role>,
        change: Change,
    ) -> DResult<Outcome> {
        let name = match check_user_name(name) {
            Ok(n) => n,
            Err(m) => return refuse(RefusalKind::Invalid, m),
        };
        let known = self.store.user(&name)?;
        match (change, &known) {
            (Change::Add, Some(u)) => {
                return Err(crate::ops::api::refusals::already_a_user(&name, u.role).into())
            }
            (Change::Role | Change::Remove, None) => {
                return Err(crate::ops::api::refusals::no_such_user(&name).into())
            }
            _ => {}
        }
        self.events.push(Event::UserSet {
            name: name.clone(),
            role,
        });
        Ok(Outcome::UserSet { name, role })
    }
}
