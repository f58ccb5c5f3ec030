//! Mandate's persistence: one storage interface over SQLite (embedded, the
//! default) and PostgreSQL (large organisations, many organisations).
//!
//! Why it is shaped so: the queries are written once, in `repo/`, against a
//! type alias `Db`, and that module is compiled twice — once inside
//! `backend::sqlite` with `Db = Sqlite`, once inside `backend::postgres` with
//! `Db = Postgres` — so both backends run the same, fully typed code and only
//! the few statements where the dialects differ live in each backend's
//! `dialect` module. [`Store`] picks one at start-up from the URL scheme.
//!
//! Every write goes through a repository method that appends its audit events
//! in the same transaction: if the event cannot be written, the change fails.

mod backend;
mod error;
pub mod keyfile;
mod location;
mod sealed;
mod store;

pub use backend::{
    AckCounts, AnswerIn, AuditPage, AuditQuery, BackupSummary, CampaignPeopleQuery, CampaignPerson,
    EPHEMERAL_TABLES, GroupPatch, ImportSummary, LinkHolder, LinkMail, LoginOf, MeasurementSummary,
    OrganisationChanges, OutboxPage, OutboxQuery, PeopleFilter, PeoplePage, PeopleQuery,
    PolicyImport, PolicyImportSummary, PolicySummary, PublishedVersion, RaciMatrix,
    ReconcileSummary, RestoreSummary, ReviewPlan, ScimGroupFilter, ScimGroupWithMembers, ScimPage,
    ScimPerson, ScimToken, ScimUserFilter, SecretChange, SessionRecord, SsoConfig, SsoLogin,
    TABLES as BACKUP_TABLES, TrainingSummary, VersionApproval, VersionDates, VersionMeta,
};
pub use error::StoreError;
pub use location::DatabaseUrl;
pub use store::Store;
