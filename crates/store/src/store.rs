//! [`Store`]: the one storage interface the rest of Mandate sees. It holds
//! either backend and forwards each call to it.

use crate::backend::{
    AckCounts, AnswerIn, AuditPage, AuditQuery, BackupSummary, GroupPatch, ImportSummary,
    LinkHolder, LinkMail, LoginOf, MeasurementSummary, OrganisationChanges, OutboxPage,
    OutboxQuery, PeoplePage, PeopleQuery, PolicyImport, PolicyImportSummary, PolicySummary,
    RaciMatrix, ReconcileSummary, RestoreSummary, ReviewPlan, ScimGroupFilter,
    ScimGroupWithMembers, ScimPage, ScimPerson, ScimToken, ScimUserFilter, SecretChange,
    SessionRecord, SsoConfig, SsoLogin, TrainingSummary, VersionApproval, VersionDates, postgres,
    sqlite,
};
use crate::error::Result;
use crate::location::DatabaseUrl;
use mandate_core::UserId;
use mandate_core::acknowledgement::{AckRequest, AckState};
use mandate_core::audit::{
    Actor, Checkpoint, ExportLine, Head, PublicKey, SigningKey, Tamper, VerifyReport,
};
use mandate_core::commitment::attestation::{Attestation, AttestationFields, Period};
use mandate_core::commitment::communication::{
    Communication, CommunicationFields, PlanItem, PlanItemFields,
};
use mandate_core::commitment::feedback::{Feedback, Handling};
use mandate_core::commitment::improvement::{EffectivenessCheck, Improvement, ImprovementFields};
use mandate_core::commitment::resources::{ResourcePlan, ResourcePlanFields};
use mandate_core::commitment::statement::{LeadershipStatement, StatementFields};
use mandate_core::commitment::training::{Completion, Course, CourseFields, TrainingRecord};
use mandate_core::import::ImportPlan;
use mandate_core::login_link::{LinkPurpose, LoginLink};
use mandate_core::outbox::{Mail, MailState, NewMail};
use mandate_core::performance::{
    Action as ActionRecord, ActionFields, ChangeSummary, Kpi, KpiFields, ManagementReview,
    Measurement, MeasurementEntry, Objective, ObjectiveFields, PerformanceReport, ReportContent,
    ReviewHeld, ReviewPack,
};
use mandate_core::policy::{
    Action, ApprovalStatus, DecisionRecord, Distribution, ExceptionRequest, Policy,
    PolicyException, PolicyFields, PolicyVersion, ReviewOutcome, ReviewRecord, Verdict,
};
use mandate_core::roles::{
    Assignment, AssignmentTerms, Delegation, DelegationTerms, Raci, Role, RoleFields, RoleId,
};
use mandate_core::scim::group::GroupWrite;
use mandate_core::scim::user::UserWrite;
use mandate_core::settings::OrgSettings;
use mandate_core::sso::SsoSettings;
use mandate_core::token::ApiToken;
use mandate_core::{ActionId, KpiId, ObjectiveId, ReportId, ReviewId};
use mandate_core::{
    CommunicationId, CourseId, FeedbackId, ImprovementId, PlanItemId, ResourcePlanId, StatementId,
};
use mandate_core::{
    Email, NewOrganisation, NewPerson, NewUser, OrgId, Organisation, Person, PersonId, Slug, User,
};
use mandate_core::{ExceptionId, PolicyId, VersionId};
use std::path::Path;
use std::sync::Arc;
use time::Date;
use time::OffsetDateTime;
use uuid::Uuid;

pub enum Store {
    Sqlite(sqlite::repo::Repo),
    Postgres(postgres::repo::Repo),
}

/// Forwards each listed method to the backend's repository, unchanged.
macro_rules! forward {
    ($( $(#[$doc:meta])* pub async fn $name:ident(&self $(, $arg:ident : $ty:ty)* ) -> $ret:ty; )*) => {
        $(
            $(#[$doc])*
            // The repository decides how many arguments a method takes.
            #[allow(clippy::too_many_arguments)]
            pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                match self {
                    Store::Sqlite(repo) => repo.$name($($arg),*).await,
                    Store::Postgres(repo) => repo.$name($($arg),*).await,
                }
            }
        )*
    };
}

impl Store {
    /// Opens the database at `url`, applying migrations. `create` allows a
    /// new SQLite file; `key` is needed for any write (the audit chain).
    pub async fn open(url: &DatabaseUrl, create: bool, key: Option<SigningKey>) -> Result<Self> {
        let key = key.map(Arc::new);
        let store = match url {
            DatabaseUrl::Sqlite(path) => Store::Sqlite(sqlite::connect(path, create, key).await?),
            DatabaseUrl::Postgres(raw) => {
                Store::Postgres(postgres::connect(raw, &url.redacted(), key).await?)
            }
        };
        store.check_key().await?;
        Ok(store)
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(repo) => repo.backend(),
            Store::Postgres(repo) => repo.backend(),
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(repo) => repo.close().await,
            Store::Postgres(repo) => repo.close().await,
        }
    }

    /// Connections open, and idle, in the pool.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Store::Sqlite(repo) => repo.pool_stats(),
            Store::Postgres(repo) => repo.pool_stats(),
        }
    }

    pub async fn ping(&self) -> bool {
        match self {
            Store::Sqlite(repo) => repo.ping().await,
            Store::Postgres(repo) => repo.ping().await,
        }
    }

    forward! {
        /// Fails when the signing key is not the one the database was signed with.
        pub async fn check_key(&self) -> Result<()>;
        /// Every (table, column) of the schema.
        pub async fn schema_columns(&self) -> Result<Vec<(String, String)>>;

        /// Creates an organisation with its first people and logins, in one transaction.
        pub async fn create_organisation(
            &self,
            actor: &Actor,
            new: &NewOrganisation,
            people: &[Person],
            users: &[NewUser]
        ) -> Result<Organisation>;
        pub async fn organisation_by_slug(&self, slug: &Slug) -> Result<Option<Organisation>>;
        pub async fn organisation(&self, id: OrgId) -> Result<Option<Organisation>>;
        pub async fn organisations(&self) -> Result<Vec<Organisation>>;

        pub async fn people_all(&self, org: OrgId) -> Result<Vec<Person>>;
        pub async fn people_count(&self, org: OrgId) -> Result<i64>;
        pub async fn person_by_email(&self, org: OrgId, email: &Email) -> Result<Option<Person>>;
        pub async fn person(&self, org: OrgId, id: PersonId) -> Result<Option<Person>>;
        pub async fn area_of(&self, org: OrgId, manager: PersonId) -> Result<Vec<PersonId>>;
        /// The names of a few people, by id.
        pub async fn person_names(&self, org: OrgId, ids: Vec<PersonId>) -> Result<std::collections::HashMap<PersonId, String>>;
        pub async fn create_person(&self, actor: &Actor, org: OrgId, new: &NewPerson) -> Result<Person>;
        /// Applies an import plan in one transaction: all of it, or nothing.
        pub async fn import_people(
            &self,
            actor: &Actor,
            org: OrgId,
            plan: &ImportPlan,
            progress: &(dyn Fn(usize) + Send + Sync)
        ) -> Result<ImportSummary>;

        pub async fn create_user(&self, actor: &Actor, org: OrgId, new: &NewUser) -> Result<User>;
        pub async fn user_by_email(&self, org: OrgId, email: &Email) -> Result<Option<(User, Option<String>)>>;
        /// Makes links of `purpose` with their mail, in one transaction; an older link of the purpose for the same person dies.
        /// A message that must not go: failed at once, with why.
        pub async fn mark_failed(&self, mail: &Mail, reason: &str) -> Result<()>;
        pub async fn create_login_links(&self, actor: &Actor, org: OrgId, purpose: LinkPurpose, mails: Vec<LinkMail>) -> Result<Vec<LoginLink>>;
        /// The link's mail goes now, to `to`: it takes this secret's hash; `None` when the link is dead or `to` is not its person's email.
        pub async fn mark_link_sent(&self, org: OrgId, link: Uuid, to: &str, token_hash: &str, at: OffsetDateTime) -> Result<Option<LinkPurpose>>;
        /// The link with this secret's hash if it opens at `at`, or the words to say.
        pub async fn live_login_link(&self, token_hash: &str, at: OffsetDateTime) -> Result<std::result::Result<LinkHolder, &'static str>>;
        /// Sets a password through a link, spending it (and making a staff login for an invitation).
        pub async fn use_login_link(&self, token_hash: &str, password_hash: &str, at: OffsetDateTime) -> Result<User>;
        /// Every person of the organisation with their login, if any.
        pub async fn logins_by_person(&self, org: OrgId) -> Result<Vec<(PersonId, Option<LoginOf>)>>;
        /// Whether a person has a link of this purpose whose mail has not gone.
        pub async fn has_unsent_link(&self, org: OrgId, person: PersonId, purpose: LinkPurpose) -> Result<bool>;
        /// One person's login, if any.
        pub async fn login_of(&self, org: OrgId, person: PersonId) -> Result<Option<LoginOf>>;
        /// The people with an invitation that may still be used.
        pub async fn open_invitations(&self, org: OrgId, at: OffsetDateTime) -> Result<std::collections::HashSet<PersonId>>;
        /// The last twenty links made for a person, newest first.
        pub async fn login_links_of(&self, org: OrgId, person: PersonId) -> Result<Vec<LoginLink>>;
        pub async fn users(&self, org: OrgId) -> Result<Vec<User>>;
        /// Changes a login's access role and whether it is disabled.
        pub async fn update_user(
            &self,
            actor: &Actor,
            org: OrgId,
            id: UserId,
            role: mandate_core::AccessRole,
            disabled: bool
        ) -> Result<User>;

        pub async fn audit_heads(&self) -> Result<Vec<Head>>;
        pub async fn audit_head(&self, org: OrgId) -> Result<Option<Head>>;
        /// Outer error: the chain could not be read; inner: the first tampering found.
        pub async fn verify_chain(&self, org: OrgId, key: &PublicKey) -> Result<Result<VerifyReport, Tamper>>;
        pub async fn export_chain(
            &self,
            org: OrgId,
            organisation: &str,
            out: &mut (dyn FnMut(&ExportLine) -> std::io::Result<()> + Send)
        ) -> Result<u64>;
        pub async fn checkpoint_now(&self, org: OrgId) -> Result<Option<Checkpoint>>;
        pub async fn last_checkpoint(&self, org: OrgId) -> Result<Option<Checkpoint>>;

        pub async fn update_organisation(
            &self,
            actor: &Actor,
            org: OrgId,
            expected_version: i64,
            changes: &OrganisationChanges
        ) -> Result<Organisation>;
        pub async fn people_page(&self, org: OrgId, query: &PeopleQuery) -> Result<PeoplePage>;
        /// Replaces a person's fields if the stored version is `expected_version`.
        pub async fn update_person(
            &self,
            actor: &Actor,
            org: OrgId,
            id: PersonId,
            expected_version: i64,
            changes: &NewPerson,
            action: &'static str
        ) -> Result<Person>;
        pub async fn user(&self, org: OrgId, id: UserId) -> Result<Option<User>>;
        pub async fn logins_with_email(&self, email: &Email) -> Result<Vec<(User, Option<String>)>>;
        /// Replaces a password hash; ends the user's other sessions (all without
        /// `keep_session`) and, with `revoke_tokens`, revokes their API tokens.
        pub async fn set_password(
            &self,
            actor: &Actor,
            org: OrgId,
            user: UserId,
            password_hash: &str,
            revoke_tokens: bool,
            keep_session: Option<&str>
        ) -> Result<u64>;
        pub async fn create_session(
            &self,
            org: OrgId,
            user: UserId,
            session_hash: &str,
            csrf_token: &str,
            now: OffsetDateTime
        ) -> Result<()>;
        pub async fn session(&self, session_hash: &str) -> Result<Option<SessionRecord>>;
        pub async fn touch_session(&self, session_hash: &str, now: OffsetDateTime) -> Result<()>;
        pub async fn delete_session(&self, session_hash: &str) -> Result<()>;
        pub async fn delete_other_sessions(&self, org: OrgId, user: UserId, keep: &str) -> Result<u64>;
        pub async fn purge_sessions(&self, idle_before: OffsetDateTime, created_before: OffsetDateTime) -> Result<u64>;
        pub async fn create_token(
            &self,
            actor: &Actor,
            org: OrgId,
            user: UserId,
            name: &str,
            token_hash: &str
        ) -> Result<ApiToken>;
        pub async fn create_scim_token(&self, actor: &Actor, org: OrgId, name: &str, token_hash: &str) -> Result<ScimToken>;
        pub async fn scim_token_by_hash(&self, token_hash: &str) -> Result<Option<ScimToken>>;
        pub async fn touch_scim_token(&self, org: OrgId, token: Uuid, at: OffsetDateTime) -> Result<()>;
        pub async fn scim_tokens(&self, org: OrgId) -> Result<Vec<ScimToken>>;
        pub async fn revoke_scim_token(&self, actor: &Actor, org: OrgId, token: Uuid) -> Result<ScimToken>;
        pub async fn scim_user(&self, org: OrgId, id: PersonId) -> Result<Option<ScimPerson>>;
        pub async fn scim_users_page(&self, org: OrgId, filter: &ScimUserFilter, offset: i64, count: i64) -> Result<ScimPage<ScimPerson>>;
        pub async fn scim_write_user(&self, actor: &Actor, org: OrgId, target: Option<PersonId>, write: &UserWrite, today: Date) -> Result<ScimPerson>;
        pub async fn scim_deprovision_user(&self, actor: &Actor, org: OrgId, id: PersonId, today: Date) -> Result<()>;
        pub async fn scim_group(&self, org: OrgId, id: Uuid) -> Result<Option<ScimGroupWithMembers>>;
        pub async fn scim_groups_page(&self, org: OrgId, filter: &ScimGroupFilter, offset: i64, count: i64, with_members: bool) -> Result<ScimPage<ScimGroupWithMembers>>;
        pub async fn scim_write_group(&self, actor: &Actor, org: OrgId, target: Option<Uuid>, write: &GroupWrite) -> Result<ScimGroupWithMembers>;
        pub async fn scim_patch_group(&self, actor: &Actor, org: OrgId, id: Uuid, patch: &GroupPatch<'_>) -> Result<Result<ScimGroupWithMembers, mandate_core::scim::ScimError>>;
        pub async fn scim_delete_group(&self, actor: &Actor, org: OrgId, id: Uuid) -> Result<()>;
        pub async fn scim_role_groups_of(&self, org: OrgId, person: PersonId) -> Result<Vec<String>>;
        pub async fn sso_settings(&self, org: OrgId) -> Result<SsoConfig>;
        pub async fn sso_client_secret(&self, org: OrgId) -> Result<Option<String>>;
        pub async fn sso_offered(&self) -> Result<Vec<(String, String, String)>>;
        pub async fn save_sso_settings(&self, actor: &Actor, org: OrgId, expected_version: Option<i64>, settings: SsoSettings, secret: SecretChange) -> Result<SsoConfig>;
        pub async fn begin_sso_login(&self, state_hash: &str, login: &SsoLogin) -> Result<()>;
        pub async fn take_sso_login(&self, state_hash: &str) -> Result<Option<SsoLogin>>;
        pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<(ApiToken, User, Option<time::Date>)>>;
        pub async fn touch_token(&self, org: OrgId, token: Uuid, now: OffsetDateTime) -> Result<()>;
        pub async fn tokens_of_user(&self, org: OrgId, user: UserId) -> Result<Vec<ApiToken>>;
        pub async fn revoke_token(&self, actor: &Actor, org: OrgId, owner: UserId, token: Uuid) -> Result<ApiToken>;
        pub async fn audit_events(&self, org: OrgId, query: &AuditQuery) -> Result<AuditPage>;

        /// Creates a policy, with its first draft (author, body, change summary) if given.
        pub async fn create_policy(
            &self,
            actor: &Actor,
            org: OrgId,
            fields: PolicyFields,
            first_draft: Option<(UserId, String, String)>
        ) -> Result<(Policy, Option<PolicyVersion>)>;
        pub async fn update_policy(
            &self,
            actor: &Actor,
            org: OrgId,
            id: PolicyId,
            expected_version: i64,
            fields: PolicyFields
        ) -> Result<Policy>;
        pub async fn policy(&self, org: OrgId, id: PolicyId) -> Result<Option<Policy>>;
        pub async fn policy_summaries(&self, org: OrgId) -> Result<Vec<PolicySummary>>;
        /// A public policy's published version, for readers who are not signed in.
        pub async fn public_policy(&self, slug: &Slug, id: PolicyId) -> Result<Option<(Organisation, Policy, PolicyVersion)>>;
        pub async fn policy_reviews(&self, org: OrgId, id: PolicyId) -> Result<Vec<ReviewRecord>>;
        pub async fn create_draft(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            author: UserId,
            body: &str,
            change_summary: &str
        ) -> Result<PolicyVersion>;
        pub async fn edit_draft(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            number: i32,
            editor: UserId,
            expected_version: i64,
            body: &str,
            change_summary: &str,
            material_change: Option<bool>
        ) -> Result<PolicyVersion>;
        /// Submit, withdraw, publish (superseding the published one) or retire.
        pub async fn step_version(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            number: i32,
            action: Action
        ) -> Result<PolicyVersion>;
        /// An approver's decision, with their authority checked in its transaction.
        pub async fn decide_version(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            number: i32,
            approver: &User,
            verdict: Verdict,
            comment: &str,
            expected_version: Option<i64>
        ) -> Result<(PolicyVersion, ApprovalStatus)>;
        pub async fn policy_versions(&self, org: OrgId, policy: PolicyId) -> Result<Vec<PolicyVersion>>;
        pub async fn policy_version(&self, org: OrgId, policy: PolicyId, number: i32) -> Result<Option<PolicyVersion>>;
        pub async fn version_decisions(&self, org: OrgId, version: VersionId) -> Result<Vec<DecisionRecord>>;
        pub async fn review_policy(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            reviewer: UserId,
            outcome: ReviewOutcome,
            note: &str
        ) -> Result<(ReviewRecord, Option<PolicyVersion>)>;
        pub async fn record_distribution(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            recorded_by: UserId,
            party: &str,
            channel: &str,
            distributed_on: Date,
            note: &str
        ) -> Result<Distribution>;
        pub async fn distributions(&self, org: OrgId, policy: PolicyId) -> Result<Vec<Distribution>>;
        pub async fn request_exception(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            requester: UserId,
            request: ExceptionRequest,
            today: Date
        ) -> Result<PolicyException>;
        /// Approves or rejects a request or extension, with the authority checked in its transaction.
        pub async fn decide_exception(
            &self,
            actor: &Actor,
            org: OrgId,
            id: ExceptionId,
            approver: &User,
            verdict: Verdict,
            comment: &str
        ) -> Result<PolicyException>;
        /// Asks, as `requester`, for a later expiry: it needs a new approval by someone else.
        pub async fn extend_exception(&self, actor: &Actor, org: OrgId, id: ExceptionId, requester: UserId, expires_on: Date) -> Result<PolicyException>;
        pub async fn close_exception(&self, actor: &Actor, org: OrgId, id: ExceptionId) -> Result<PolicyException>;
        pub async fn exception(&self, org: OrgId, id: ExceptionId) -> Result<Option<PolicyException>>;
        pub async fn exceptions(&self, org: OrgId, policy: Option<PolicyId>) -> Result<Vec<PolicyException>>;
        /// Records when a version was approved and published before Mandate kept it.
        pub async fn record_past_dates(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            number: i32,
            approved_at: OffsetDateTime,
            published_at: Option<OffsetDateTime>
        ) -> Result<()>;
        /// Records an exception approved before Mandate kept the register.
        pub async fn migrate_exception(
            &self,
            actor: &Actor,
            org: OrgId,
            policy: PolicyId,
            requester: UserId,
            approver: UserId,
            authority: &str,
            request: ExceptionRequest,
            decided_at: OffsetDateTime
        ) -> Result<PolicyException>;
        /// Applies policy-as-code files in one transaction.
        pub async fn import_policies(
            &self,
            actor: &Actor,
            org: OrgId,
            author: UserId,
            items: &[PolicyImport]
        ) -> Result<PolicyImportSummary>;

        /// Creates a role; giving it authorities takes the authority to approve role assignments.
        pub async fn create_role(&self, actor: &Actor, org: OrgId, editor: UserId, fields: RoleFields) -> Result<Role>;
        /// Changes a role; changing its authorities takes the authority to approve role assignments.
        pub async fn update_role(
            &self,
            actor: &Actor,
            org: OrgId,
            editor: UserId,
            id: RoleId,
            expected_version: i64,
            fields: RoleFields
        ) -> Result<Role>;
        pub async fn roles(&self, org: OrgId) -> Result<Vec<Role>>;
        /// Adds the starter role catalogue to an organisation without roles.
        pub async fn install_starter_roles(&self, actor: &Actor, org: OrgId) -> Result<usize>;

        /// Assigns a role on behalf of `assigner` (never the holder), refusing conflicts.
        pub async fn assign_role(&self, actor: &Actor, org: OrgId, assigner: UserId, terms: AssignmentTerms) -> Result<Assignment>;
        /// The holder accepts the role as read (`read_sha256` of its text), or declines it with a reason.
        pub async fn answer_assignment(&self, actor: &Actor, org: OrgId, id: Uuid, holder: PersonId, read_sha256: &str, decline_reason: Option<&str>) -> Result<Assignment>;
        /// Ends an assignment earlier (never later), on behalf of someone with the authority.
        pub async fn end_assignment(&self, actor: &Actor, org: OrgId, id: Uuid, ender: UserId, ends_on: Date) -> Result<Assignment>;
        pub async fn assignments(&self, org: OrgId, person: Option<PersonId>) -> Result<Vec<Assignment>>;

        /// The people who hold or deputise a role.
        pub async fn role_people(&self, org: OrgId) -> Result<Vec<Person>>;
        /// Records a task of a role delegated from a holder's assignment.
        pub async fn delegate(&self, actor: &Actor, org: OrgId, by: UserId, terms: DelegationTerms) -> Result<Delegation>;
        pub async fn delegations(&self, org: OrgId) -> Result<Vec<Delegation>>;
        /// Creates an objective, or changes one (optimistic version).
        pub async fn save_objective(&self, actor: &Actor, org: OrgId, id: Option<ObjectiveId>, expected_version: Option<i64>, fields: ObjectiveFields) -> Result<Objective>;
        pub async fn objectives(&self, org: OrgId) -> Result<Vec<Objective>>;
        /// Creates a KPI, or changes one (optimistic version).
        pub async fn save_kpi(&self, actor: &Actor, org: OrgId, id: Option<KpiId>, expected_version: Option<i64>, fields: KpiFields) -> Result<Kpi>;
        pub async fn kpis(&self, org: OrgId) -> Result<Vec<Kpi>>;
        /// Records KPI values in one transaction: all or none.
        pub async fn record_measurements(&self, actor: &Actor, org: OrgId, by: UserId, entries: Vec<MeasurementEntry>) -> Result<MeasurementSummary>;
        pub async fn measurements(&self, org: OrgId, kpi: Option<KpiId>) -> Result<Vec<Measurement>>;
        /// Creates an action, or changes one (optimistic version).
        pub async fn save_action(&self, actor: &Actor, org: OrgId, id: Option<ActionId>, expected_version: Option<i64>, fields: ActionFields) -> Result<ActionRecord>;
        pub async fn actions(&self, org: OrgId) -> Result<Vec<ActionRecord>>;
        /// Plans a management review, or changes the plan of one not yet held.
        pub async fn save_review_plan(&self, actor: &Actor, org: OrgId, id: Option<ReviewId>, expected_version: Option<i64>, plan: ReviewPlan) -> Result<ManagementReview>;
        /// Stores a compiled pack on a review not yet held.
        pub async fn prepare_review(&self, actor: &Actor, org: OrgId, id: ReviewId, pack: ReviewPack) -> Result<ManagementReview>;
        /// Records a review as held, freezing its pack with the minutes.
        pub async fn hold_review(&self, actor: &Actor, org: OrgId, id: ReviewId, expected_version: Option<i64>, held: ReviewHeld) -> Result<ManagementReview>;
        /// The chair approves the minutes.
        pub async fn approve_review(&self, actor: &Actor, org: OrgId, id: ReviewId, approver: &User) -> Result<ManagementReview>;
        pub async fn management_reviews(&self, org: OrgId) -> Result<Vec<ManagementReview>>;
        pub async fn management_review(&self, org: OrgId, id: ReviewId) -> Result<ManagementReview>;
        pub async fn review_cadence(&self, org: OrgId) -> Result<u8>;
        pub async fn set_review_cadence(&self, actor: &Actor, org: OrgId, months: u8) -> Result<u8>;
        /// What changed between two days, for a review's pack.
        pub async fn changes_since(&self, org: OrgId, since: Option<Date>, until: Date) -> Result<ChangeSummary>;
        /// Records a performance report produced by the reporter-duty holder.
        pub async fn produce_report(&self, actor: &Actor, org: OrgId, producer: PersonId, title: String, period: (Date, Date), content: ReportContent) -> Result<PerformanceReport>;
        /// Records to whom in top management a report was presented, and when.
        pub async fn present_report(&self, actor: &Actor, org: OrgId, id: ReportId, on: Date, audience: Vec<PersonId>) -> Result<PerformanceReport>;
        pub async fn performance_reports(&self, org: OrgId) -> Result<Vec<PerformanceReport>>;
        pub async fn raci(&self, org: OrgId) -> Result<RaciMatrix>;

        /// Every version's dates, without the text (the conformance check).
        pub async fn version_dates(&self, org: OrgId) -> Result<Vec<VersionDates>>;
        pub async fn version_approvals(&self, org: OrgId) -> Result<Vec<VersionApproval>>;
        pub async fn no_change_reviews(&self, org: OrgId) -> Result<Vec<(PolicyId, OffsetDateTime)>>;
        pub async fn distribution_days(&self, org: OrgId) -> Result<Vec<(PolicyId, Date)>>;
        /// One version's acknowledgements as they stood at the end of a day.
        pub async fn acknowledgements_on(&self, org: OrgId, version: VersionId, day: Date) -> Result<AckCounts>;
        /// General-awareness coverage on a day, counted in SQL.
        pub async fn awareness_on(&self, org: OrgId, day: Date, window_start: Date, grace_days: i64) -> Result<mandate_core::commitment::training::AwarenessCoverage>;
        /// Line managers on a day, with their names.
        pub async fn line_managers_on(&self, org: OrgId, day: Date) -> Result<Vec<(PersonId, String)>>;
        pub async fn add_activity(&self, actor: &Actor, org: OrgId, name: &str) -> Result<Uuid>;
        /// Sets or clears cells of the RACI matrix in one transaction.
        pub async fn set_raci_cells(&self, actor: &Actor, org: OrgId, changes: &[(Uuid, RoleId, Option<Raci>)]) -> Result<usize>;

        /// The organisation's settings and their version (0 when never saved).
        pub async fn org_settings(&self, org: OrgId) -> Result<(OrgSettings, i64)>;
        pub async fn set_org_settings(&self, actor: &Actor, org: OrgId, expected_version: i64, settings: OrgSettings) -> Result<(OrgSettings, i64)>;
        /// Creates a fiscal year's resource plan proposed by `editor`, or changes one.
        pub async fn save_resource_plan(&self, actor: &Actor, org: OrgId, editor: PersonId, id: Option<ResourcePlanId>, expected_version: Option<i64>, fields: ResourcePlanFields) -> Result<ResourcePlan>;
        /// Approves a plan: the approve-budget authority, never its proposer.
        pub async fn approve_resource_plan(&self, actor: &Actor, org: OrgId, id: ResourcePlanId, approver: &User, expected_version: Option<i64>) -> Result<ResourcePlan>;
        pub async fn resource_plans(&self, org: OrgId) -> Result<Vec<ResourcePlan>>;
        /// Creates a leadership statement, or edits one not yet published.
        pub async fn save_statement(&self, actor: &Actor, org: OrgId, id: Option<StatementId>, expected_version: Option<i64>, fields: StatementFields) -> Result<LeadershipStatement>;
        /// Signs the text whose digest the signer read.
        pub async fn sign_statement(&self, actor: &Actor, org: OrgId, id: StatementId, signer: &User, read_sha256: &str) -> Result<LeadershipStatement>;
        /// Publishes a signed statement, superseding the one before.
        pub async fn publish_statement(&self, actor: &Actor, org: OrgId, id: StatementId, published_where: &str) -> Result<LeadershipStatement>;
        pub async fn statements(&self, org: OrgId) -> Result<Vec<LeadershipStatement>>;
        pub async fn save_communication(&self, actor: &Actor, org: OrgId, id: Option<CommunicationId>, expected_version: Option<i64>, fields: CommunicationFields) -> Result<Communication>;
        pub async fn communications(&self, org: OrgId) -> Result<Vec<Communication>>;
        pub async fn save_plan_item(&self, actor: &Actor, org: OrgId, id: Option<PlanItemId>, expected_version: Option<i64>, fields: PlanItemFields) -> Result<PlanItem>;
        pub async fn communication_plan(&self, org: OrgId) -> Result<Vec<PlanItem>>;
        pub async fn save_course(&self, actor: &Actor, org: OrgId, id: Option<CourseId>, expected_version: Option<i64>, fields: CourseFields) -> Result<Course>;
        pub async fn courses(&self, org: OrgId) -> Result<Vec<Course>>;
        /// Records completions in one transaction: all or none.
        pub async fn record_training(&self, actor: &Actor, org: OrgId, by: UserId, completions: Vec<Completion>) -> Result<TrainingSummary>;
        pub async fn training_records(&self, org: OrgId, person: Option<PersonId>) -> Result<Vec<TrainingRecord>>;
        /// Keeps feedback: named, recorded now; confidential, into the inbox
        /// until the next day's filing.
        pub async fn submit_feedback(&self, actor: &Actor, feedback: Feedback) -> Result<Feedback>;
        /// Files the confidential submissions received before `today`, in
        /// random order, audited as the channel's at the start of their day.
        pub async fn file_confidential_feedback(&self, org: OrgId, today: Date) -> Result<usize>;
        pub async fn handle_feedback(&self, actor: &Actor, org: OrgId, id: FeedbackId, expected_version: Option<i64>, handling: Handling) -> Result<Feedback>;
        pub async fn feedback(&self, org: OrgId) -> Result<Vec<Feedback>>;
        pub async fn save_improvement(&self, actor: &Actor, org: OrgId, id: Option<ImprovementId>, expected_version: Option<i64>, fields: ImprovementFields) -> Result<Improvement>;
        pub async fn check_improvement(&self, actor: &Actor, org: OrgId, id: ImprovementId, expected_version: Option<i64>, check: EffectivenessCheck) -> Result<Improvement>;
        pub async fn close_improvement(&self, actor: &Actor, org: OrgId, id: ImprovementId, expected_version: Option<i64>, note: String) -> Result<Improvement>;
        pub async fn improvements(&self, org: OrgId) -> Result<Vec<Improvement>>;
        /// A line manager attests for their area for a period.
        pub async fn attest(&self, actor: &Actor, org: OrgId, user: &User, period: Period, fields: AttestationFields) -> Result<Attestation>;
        pub async fn attestations(&self, org: OrgId) -> Result<Vec<Attestation>>;
        /// The attestations given for one period.
        pub async fn attestations_for(&self, org: OrgId, period: Period) -> Result<Vec<Attestation>>;

        /// Brings every published version's acknowledgements in line with its audience today.
        pub async fn reconcile_acknowledgements(&self, actor: &Actor, org: OrgId) -> Result<ReconcileSummary>;
        /// Records many people's answers in one transaction; each succeeds or fails alone.
        pub async fn answer_acknowledgements(&self, org: OrgId, answers: Vec<AnswerIn>) -> Result<Vec<Result<AckRequest>>>;
        /// Every version ever published, without its text.
        pub async fn published_version_index(&self, org: OrgId) -> Result<Vec<crate::backend::PublishedVersion>>;
        /// A version's requests counted by department, manager, state and overdue.
        pub async fn campaign_groups(&self, org: OrgId, version: VersionId, today: Date, area_of: Option<PersonId>) -> Result<Vec<mandate_core::acknowledgement::GroupCount>>;
        /// A page of a campaign's people, by name.
        pub async fn campaign_people(&self, org: OrgId, version: VersionId, q: &crate::backend::CampaignPeopleQuery) -> Result<Vec<crate::backend::CampaignPerson>>;
        pub async fn acknowledgements_of_person(&self, org: OrgId, person: PersonId) -> Result<Vec<AckRequest>>;
        pub async fn acknowledgements_of_version(&self, org: OrgId, version: VersionId) -> Result<Vec<AckRequest>>;
        pub async fn owed_acknowledgements(&self, org: OrgId) -> Result<Vec<AckRequest>>;
        /// Per version: the count in each state, and how many owed are overdue on `day`.
        pub async fn acknowledgement_totals(&self, org: OrgId, day: Date) -> Result<std::collections::HashMap<VersionId, (std::collections::HashMap<AckState, i64>, i64)>>;
        pub async fn area_acknowledgement_totals(&self, org: OrgId, manager: PersonId, day: Date) -> Result<std::collections::HashMap<VersionId, (std::collections::HashMap<AckState, i64>, i64)>>;
        /// Queues mail, skipping any whose dedupe key is queued already.
        pub async fn queue_mail(&self, org: OrgId, mails: Vec<NewMail>, send_after: OffsetDateTime) -> Result<u64>;
        /// Takes the next message due, marked as being sent.
        pub async fn claim_mail(&self) -> Result<Option<Mail>>;
        pub async fn mark_sent(&self, mail: &Mail) -> Result<()>;
        pub async fn mark_refused(&self, mail: &Mail, error: &str) -> Result<()>;
        /// Claims past their lease become uncertain.
        pub async fn expire_claims(&self) -> Result<u64>;
        pub async fn expire_all_claims(&self) -> Result<u64>;
        pub async fn expire_claim(&self, mail: &Mail, reason: &str) -> Result<()>;
        pub async fn requeue_mail(&self, org: OrgId, id: Uuid) -> Result<()>;
        pub async fn outbox_page(&self, org: OrgId, query: &OutboxQuery) -> Result<OutboxPage>;
        pub async fn outbox_counts(&self, org: OrgId) -> Result<std::collections::HashMap<MailState, i64>>;
        pub async fn last_mail_to(&self, org: OrgId, kind: &str) -> Result<std::collections::HashMap<PersonId, OffsetDateTime>>;
        pub async fn mail_template(&self, org: OrgId, name: &str) -> Result<Option<(String, String, i64)>>;
        pub async fn save_mail_template(&self, actor: &Actor, org: OrgId, name: &str, expected_version: i64, template: Option<(String, String)>) -> Result<i64>;

        pub async fn backup(&self, path: &Path) -> Result<BackupSummary>;
        pub async fn restore(&self, path: &Path, force: bool) -> Result<RestoreSummary>;
    }
}
