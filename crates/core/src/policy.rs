//! The information security policy (5.2): policies and their versions, the
//! lifecycle of a version, the rules of its approval, review cycles and
//! exceptions. Storage, pages and the API build on these.

pub mod approval;
pub mod as_of;
pub mod authority;
pub mod exception;
pub mod lifecycle;
pub mod record;
pub mod review;
pub mod trail;

pub use approval::{ApprovalRule, ApprovalStatus, Decision, Refusal, Verdict};
pub use authority::Authority;
pub use exception::{
    ExceptionRequest, ExceptionState, ExceptionStatus, PolicyException, RoleWaiver,
};
pub use lifecycle::{Action, LifecycleError, VersionState};
pub use record::{
    Audience, DEFAULT_REVIEW_MONTHS, FieldError, Policy, PolicyFields, PolicyKind, PolicyVersion,
};
pub use review::{ReviewOutcome, ReviewStatus};
pub use trail::{DecisionRecord, Distribution, ReviewRecord};
