//! SCIM 2.0 (RFC 7643, RFC 7644) as pure functions: the schemas Mandate
//! publishes for users and groups, the filters it answers, PATCH applied to
//! a resource's document, and SCIM's error documents. The HTTP endpoints
//! and the mapping onto the people register build on these; nothing here
//! does I/O.

pub mod discovery;
pub mod error;
pub mod filter;
pub mod group;
pub mod patch;
pub mod schema;
pub mod user;

pub use error::{ScimError, ScimType};

/// The core User schema.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise extension of User (department, manager, employee number).
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core Group schema.
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// A list response.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// A PATCH request.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// An error response.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// An instant as SCIM's `meta` writes it (RFC 3339).
pub fn timestamp(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
