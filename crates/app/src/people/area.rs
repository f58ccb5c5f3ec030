//! A reader's area: whose personal records (people, acknowledgements,
//! training, attestations) they may read. CLAUSE5.md gives a line manager
//! their area: the people who report to them, directly or through others;
//! those who lead the ISMS, and the auditor, read everyone's. Staff read
//! none but their own and never reach the routes that use this.

use crate::{AppResult, Caller};
use mandate_core::{AccessRole, PersonId};
use mandate_store::Store;
use std::collections::HashSet;

#[derive(Clone, Debug)]
pub enum Area {
    Everyone,
    /// The manager and the people below them.
    Only(HashSet<PersonId>),
}

impl Area {
    pub async fn of(store: &Store, caller: &Caller) -> AppResult<Self> {
        match manager_of_area(caller) {
            None => Ok(Self::Everyone),
            Some(manager) => Ok(Self::Only(
                store
                    .area_of(caller.org(), manager)
                    .await?
                    .into_iter()
                    .collect(),
            )),
        }
    }

    pub fn contains(&self, person: PersonId) -> bool {
        match self {
            Self::Everyone => true,
            Self::Only(people) => people.contains(&person),
        }
    }

    pub fn is_everyone(&self) -> bool {
        matches!(self, Self::Everyone)
    }
}

/// The person whose area bounds what the viewer reads, when it is bounded.
pub fn manager_of_area(caller: &Caller) -> Option<PersonId> {
    (caller.user.access_role == AccessRole::Manager).then_some(caller.user.person_id)
}
