//! The information security policy (5.2): the lifecycle of a policy version
//! and the rules of its approval. Storage, pages and the API build on these.

pub mod approval;
pub mod lifecycle;

pub use approval::{ApprovalRule, ApprovalStatus, Decision, Refusal, Verdict};
pub use lifecycle::{Action, LifecycleError, VersionState};
