//! SCIM 2.0 provisioning as services: an identity provider, holding a SCIM
//! token of one organisation, keeps its people (users) and departments
//! (groups) in step with its directory. Every answer, error included, is a
//! SCIM document; the HTTP side only carries them.

mod groups;
mod list;
mod tokens;
mod users;

pub use groups::*;
pub use list::ListQuery;
pub use tokens::*;
pub use users::*;

use mandate_core::OrgId;
use mandate_core::audit::Actor;
use mandate_core::scim::ScimError;
use mandate_store::StoreError;
use time::{Date, OffsetDateTime};

/// Who provisions: the organisation and the name of the token used, and
/// where the SCIM service lives (`https://host/scim/v2`, for `location`s).
#[derive(Clone, Debug)]
pub struct ScimCaller {
    pub org: OrgId,
    pub token_name: String,
    pub base: String,
    pub now: OffsetDateTime,
}

impl ScimCaller {
    pub fn actor(&self) -> Actor {
        Actor::scim(&self.token_name)
    }

    pub fn today(&self) -> Date {
        self.now.date()
    }
}

pub type ScimResult<T> = Result<T, ScimError>;

/// A store error as SCIM says it: the register's rules are 400s, a value
/// taken a 409, anything else a 500 whose detail is logged, not shown.
pub(crate) fn from_store(e: StoreError) -> ScimError {
    use mandate_core::scim::ScimType;
    match e {
        StoreError::Invalid(detail) => ScimError::bad(ScimType::InvalidValue, detail),
        StoreError::Conflict(detail) => ScimError::taken(detail),
        StoreError::NotFound { entity, id } => {
            ScimError::status(404, format!("no {entity} has the id {id}"))
        }
        StoreError::Refused(detail) => ScimError::status(403, detail),
        other => {
            tracing::error!(error = %other, "SCIM request failed");
            ScimError::status(500, "the request could not be completed; it was logged")
        }
    }
}

/// An id from a URL: anything that is not one of ours is simply not found.
pub(crate) fn parse_id(id: &str, what: &str) -> ScimResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id)
        .map_err(|_| ScimError::status(404, format!("no {what} has the id {id}")))
}
