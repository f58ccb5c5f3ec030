//! Mandate's domain: the records Clause 5 asks for, the rules over them and the
//! audit chain that proves they were not altered.
//!
//! Nothing here does I/O or is async: storage, HTTP and the command line are thin
//! shells around these types, so every rule can be tested as a plain function.

pub mod access;
pub mod acknowledgement;
pub mod audit;
pub mod commitment;
pub mod conformance;
pub mod digest;
pub mod email;
pub mod generator;
pub mod ids;
pub mod import;
pub mod login_link;
mod named;
pub mod notify;
pub mod organisation;
pub mod outbox;
pub mod password;
pub mod performance;
pub mod permission;
pub mod person;
pub mod policy;
pub mod roles;
pub mod scim;
pub mod settings;
pub mod sso;
pub mod tasks;
pub mod timefmt;
pub mod token;
pub mod user;

pub use access::AccessRole;
pub use email::Email;
pub use ids::{
    ActionId, AttestationId, CommunicationId, CourseId, ExceptionId, FeedbackId, ImprovementId,
    KpiId, ObjectiveId, OrgId, PersonId, PlanItemId, PolicyId, ReportId, ResourcePlanId, ReviewId,
    StatementId, UserId, VersionId,
};
pub use organisation::{NewOrganisation, Organisation, Slug};
pub use permission::Permission;
pub use person::{NewPerson, Person, PersonKind};
pub use user::{NewUser, User};
