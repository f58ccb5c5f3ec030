//! The two backends. Each compiles the shared repository code in `repo/`
//! against its own database type (see the crate's documentation).

mod acknowledgement_types;
mod commitment_types;
mod conformance_types;
mod identity_types;
mod performance_types;
mod policy_types;
pub mod postgres;
pub mod sqlite;
mod summaries;

pub use acknowledgement_types::{
    AnswerIn, CampaignPeopleQuery, CampaignPerson, PeopleFilter, PublishedVersion, ReconcileSummary,
};
pub use commitment_types::TrainingSummary;
pub use conformance_types::{AckCounts, VersionApproval, VersionDates};
pub use identity_types::{
    GroupPatch, LinkHolder, LinkMail, LoginOf, ScimGroupFilter, ScimGroupWithMembers, ScimPage,
    ScimPerson, ScimToken, ScimUserFilter, SecretChange, SsoConfig, SsoLogin,
};
pub use performance_types::{MeasurementSummary, ReviewPlan};
pub use policy_types::{PolicyImport, PolicyImportSummary, PolicySummary, RaciMatrix, VersionMeta};

pub use summaries::{
    AuditPage, AuditQuery, BackupSummary, ImportSummary, OrganisationChanges, OutboxPage,
    OutboxQuery, PeoplePage, PeopleQuery, RestoreSummary, SessionRecord,
};

/// Tables in the order a restore fills them (parents first). A test checks
/// that it names every table of the schema, so no table escapes backups.
pub const TABLES: &[&str] = &[
    "organisations",
    "people",
    "users",
    "api_tokens",
    "login_links",
    "scim_tokens",
    "scim_users",
    "scim_groups",
    "scim_group_members",
    "sso_settings",
    "roles",
    "role_assignments",
    "raci_activities",
    "raci_cells",
    "delegations",
    "policies",
    "policy_versions",
    "policy_decisions",
    "policy_reviews",
    "policy_exceptions",
    "policy_distributions",
    "objectives",
    "kpis",
    "kpi_measurements",
    "management_reviews",
    "actions",
    "performance_reports",
    "review_settings",
    "org_settings",
    "resource_plans",
    "leadership_statements",
    "communication_plan",
    "communications",
    "courses",
    "training_records",
    "feedback",
    "feedback_inbox",
    "improvements",
    "attestations",
    "acknowledgements",
    "acknowledgement_totals",
    "outbox",
    "mail_templates",
    "audit_events",
    "audit_checkpoints",
    "audit_heads",
];

/// Tables a backup leaves out: sign-in sessions, and sign-ins under way,
/// end with the deployment they were made on.
pub const EPHEMERAL_TABLES: &[&str] = &["sessions", "sso_logins"];

/// The backup file's first line names this format.
pub const BACKUP_FORMAT: &str = "mandate-backup";
