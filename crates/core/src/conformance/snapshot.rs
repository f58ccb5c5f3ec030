//! The records as they stood on a day, as the rules read them. The store
//! gathers it: versions in force that day, assignments, figures already
//! counted (acknowledgements, training, attestations) where the records
//! are too many to hand over one by one.

use crate::Organisation;
use crate::commitment::attestation::AttestationStatus;
use crate::commitment::communication::Communication;
use crate::commitment::improvement::Improvement;
use crate::commitment::resources::ResourcePlan;
use crate::commitment::statement::LeadershipStatement;
use crate::commitment::training::{AwarenessCoverage, RoleTrainingLine};
use crate::ids::{PersonId, VersionId};
use crate::performance::{
    Action, Kpi, ManagementReview, Measurement, Objective, PerformanceReport,
};
use crate::policy::{Policy, PolicyException};
use crate::roles::{Assignment, Raci, Role, RoleId};
use crate::settings::OrgSettings;
use std::collections::HashMap;
use time::Date;

/// An approval of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub approver: String,
    /// The ISMS role that gave the authority, as recorded with the decision.
    pub authority: String,
    pub decided_on: Date,
}

/// The version of a policy in force on the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionAt {
    pub id: VersionId,
    pub number: i32,
    pub published_on: Date,
    pub approved_on: Option<Date>,
    pub approvals: Vec<Approval>,
    /// Whether the text carries each of the 5.2 a-d elements, tagged and
    /// not empty (the top-level policy).
    pub elements: [bool; 4],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyAt {
    pub policy: Policy,
    pub current: Option<VersionAt>,
    /// The last review that found no change needed, by the day.
    pub last_no_change_review: Option<Date>,
    /// Distributions of it to interested parties, by the day.
    pub distributions: usize,
}

/// The acknowledgement figures of the top-level policy's version in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AckFigures {
    pub version: Option<VersionId>,
    /// Owed it on the day (in scope then).
    pub addressed: usize,
    /// Had acknowledged it by the day.
    pub done: usize,
    /// Still owing it past its grace period on the day.
    pub overdue: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrainingFacts {
    /// Whether any general-awareness course exists.
    pub awareness_course: bool,
    pub awareness: AwarenessCoverage,
    pub role_training: Vec<RoleTrainingLine>,
}

#[derive(Clone, Debug)]
pub struct Snapshot {
    pub as_of: Date,
    pub organisation: Organisation,
    pub settings: OrgSettings,
    pub review_cadence_months: u8,
    pub policies: Vec<PolicyAt>,
    pub exceptions: Vec<PolicyException>,
    pub acknowledgements: AckFigures,
    pub roles: Vec<Role>,
    pub assignments: Vec<Assignment>,
    /// The last working day of people who hold or held roles.
    pub left_on: HashMap<PersonId, Date>,
    /// RACI activities and their cells (the matrix as it is).
    pub raci: Vec<(String, Vec<(RoleId, Raci)>)>,
    pub objectives: Vec<Objective>,
    pub kpis: Vec<Kpi>,
    pub measurements: Vec<Measurement>,
    pub actions: Vec<Action>,
    pub reviews: Vec<ManagementReview>,
    pub reports: Vec<PerformanceReport>,
    pub resource_plans: Vec<ResourcePlan>,
    pub statements: Vec<LeadershipStatement>,
    pub communications: Vec<Communication>,
    pub training: TrainingFacts,
    pub improvements: Vec<Improvement>,
    /// Line managers on the day.
    pub line_managers: Vec<PersonId>,
    /// Attestations of the last period ended by the day.
    pub attestation: Option<AttestationStatus>,
    /// Names of the people the explanations mention.
    pub names: HashMap<PersonId, String>,
}

impl Snapshot {
    pub fn name(&self, person: PersonId) -> String {
        self.names
            .get(&person)
            .cloned()
            .unwrap_or_else(|| person.to_string())
    }

    /// The last instant of the day looked at (UTC): what happened at or
    /// before it had happened "as of" the day.
    pub fn last_instant(&self) -> time::OffsetDateTime {
        self.as_of.midnight().assume_utc() + time::Duration::days(1)
            - time::Duration::nanoseconds(1)
    }

    pub fn top_level(&self) -> Option<&PolicyAt> {
        self.policies
            .iter()
            .find(|p| p.policy.fields.kind == crate::policy::PolicyKind::TopLevel)
    }

    /// The roles `person` held on the day.
    pub fn roles_of(&self, person: PersonId, day: Date) -> Vec<&Role> {
        self.assignments
            .iter()
            .filter(|a| a.terms.person_id == person && a.current_on(day))
            .filter_map(|a| self.roles.iter().find(|r| r.id == a.terms.role_id))
            .collect()
    }

    /// Whether `person` held a top-management role on `day`.
    pub fn top_manager_on(&self, person: PersonId, day: Date) -> bool {
        self.roles_of(person, day)
            .iter()
            .any(|r| r.fields.top_management)
    }

    /// The last management review held by the day.
    pub fn last_held_review(&self) -> Option<&ManagementReview> {
        self.reviews
            .iter()
            .filter(|r| r.held_on.is_some_and(|h| h <= self.as_of))
            .max_by_key(|r| r.held_on)
    }

    /// The roles somebody held on the day.
    pub fn held_roles(&self) -> std::collections::HashSet<RoleId> {
        self.assignments
            .iter()
            .filter(|a| a.current_on(self.as_of))
            .map(|a| a.terms.role_id)
            .collect()
    }

    /// Holders of roles flagged by `flag` on the day.
    pub fn holders_of(&self, flag: impl Fn(&Role) -> bool) -> Vec<PersonId> {
        let roles: Vec<RoleId> = self
            .roles
            .iter()
            .filter(|r| flag(r))
            .map(|r| r.id)
            .collect();
        self.assignments
            .iter()
            .filter(|a| roles.contains(&a.terms.role_id) && a.current_on(self.as_of))
            .map(|a| a.terms.person_id)
            .collect()
    }
}
