//! The effect runner over the ops service: what the screens ask of the database.

use super::action::{Action, Effect, EffectRunner};
use crate::ops::Service;

pub struct OpsRunner {
    service: Service,
}

impl OpsRunner {
    pub fn new(service: Service) -> OpsRunner {
        OpsRunner { service }
    }
}

impl EffectRunner for OpsRunner {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        match effect {
            Effect::ProbeService => {
                let status = match self.service.store().meta() {
                    Ok(meta) => format!(
                        "{} (journal entry {})",
                        self.service.dir().display(),
                        meta.applied_seq
                    ),
                    Err(e) => format!("{}: {e}", self.service.dir().display()),
                };
                vec![Action::ServiceStatus(status)]
            }
            Effect::Bell | Effect::Quit | Effect::Redraw => Vec::new(),
        }
    }
}
