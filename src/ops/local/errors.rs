//! The house's own failures (journal and store) as the protocol's [`OpsError`].

use crate::ops::api::OpsError;

impl From<crate::journal::JournalError> for OpsError {
    fn from(e: crate::journal::JournalError) -> Self {
        match e {
            crate::journal::JournalError::Damaged { entry, .. } => OpsError::Damaged {
                entry,
                message: e.to_string(),
            },
            e => OpsError::Storage(e.to_string()),
        }
    }
}

impl From<crate::store::StoreError> for OpsError {
    fn from(e: crate::store::StoreError) -> Self {
        OpsError::Storage(e.to_string())
    }
}
