//! Resources for the ISMS (5.1 c): per fiscal year, the planned and actual
//! amounts by category, approved by a holder of the approve-budget authority
//! who is never the person who proposed them; and the capacity that role
//! assignments give the ISMS roles.

use super::money::Currency;
use crate::ids::{OrgId, PersonId, ResourcePlanId};
use crate::roles::{Assignment, Role, RoleFields, RoleId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

crate::named_enum! {
    /// What the money is for.
    pub enum BudgetCategory {
        People = ("people", "People"),
        Consultancy = ("consultancy", "Consultancy"),
        ExternalAudit = ("external_audit", "External audit"),
        Software = ("software", "Software"),
        Training = ("training", "Training"),
        Insurance = ("insurance", "Insurance"),
        Other = ("other", "Other"),
    }
}

/// One category's planned and actual amounts, in minor units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub category: BudgetCategory,
    pub planned: i64,
    pub actual: i64,
    #[serde(default)]
    pub note: String,
}

/// What the ISMS manager fills in for a fiscal year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePlanFields {
    pub fiscal_year: i32,
    pub currency: Currency,
    pub lines: Vec<BudgetLine>,
    #[serde(default)]
    pub notes: String,
}

impl ResourcePlanFields {
    pub fn validated(mut self) -> Result<Self, String> {
        if !(1970..=2200).contains(&self.fiscal_year) {
            return Err("fiscal_year: check the year".into());
        }
        self.notes = self.notes.trim().to_string();
        if self.notes.chars().count() > 5000 {
            return Err("notes: at most 5,000 characters".into());
        }
        if self.lines.is_empty() {
            return Err("lines: plan at least one category".into());
        }
        let mut seen = Vec::new();
        for line in &mut self.lines {
            line.note = line.note.trim().to_string();
            if seen.contains(&line.category) {
                return Err(format!(
                    "lines: {} is planned twice; one line per category",
                    line.category.as_str()
                ));
            }
            seen.push(line.category);
            if line.planned < 0 || line.actual < 0 {
                return Err(format!(
                    "lines: the amounts for {} are not negative",
                    line.category.as_str()
                ));
            }
            if line.note.chars().count() > 500 {
                return Err("lines: a line's note is at most 500 characters".into());
            }
        }
        self.lines.sort_by_key(|l| l.category);
        Ok(self)
    }

    /// The same plan with the actual amounts and notes left out: what an
    /// approval covers. Recording what was spent needs no new approval.
    fn approved_part(&self) -> (i32, &Currency, Vec<(BudgetCategory, i64)>) {
        (
            self.fiscal_year,
            &self.currency,
            self.lines.iter().map(|l| (l.category, l.planned)).collect(),
        )
    }

    /// Whether going from `self` to `after` changes what was approved.
    pub fn needs_reapproval(&self, after: &ResourcePlanFields) -> bool {
        self.approved_part() != after.approved_part()
    }

    pub fn planned_total(&self) -> i64 {
        self.lines.iter().map(|l| l.planned).sum()
    }

    pub fn actual_total(&self) -> i64 {
        self.lines.iter().map(|l| l.actual).sum()
    }
}

/// Who approved a plan, when, and which ISMS role gave the authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetApproval {
    pub approved_by: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub approved_at: OffsetDateTime,
    pub authority: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePlan {
    pub id: ResourcePlanId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: ResourcePlanFields,
    /// Whoever wrote what is (to be) approved: never its approver.
    pub proposed_by: PersonId,
    pub approval: Option<BudgetApproval>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl ResourcePlan {
    /// The plan after `editor` changes its fields: a change to what was
    /// approved withdraws the approval and makes the editor its proposer.
    pub fn changed(
        &self,
        editor: PersonId,
        fields: ResourcePlanFields,
        at: OffsetDateTime,
    ) -> Self {
        let reapprove = self.fields.needs_reapproval(&fields);
        Self {
            proposed_by: if reapprove { editor } else { self.proposed_by },
            approval: if reapprove {
                None
            } else {
                self.approval.clone()
            },
            fields,
            updated_at: at,
            version: self.version + 1,
            ..self.clone()
        }
    }

    /// Refuses an approval the plan cannot take from `approver`.
    pub fn check_approver(&self, approver: PersonId) -> Result<(), String> {
        if self.approval.is_some() {
            return Err(
                "this plan is approved already; a change to it asks for a new approval".into(),
            );
        }
        if approver == self.proposed_by {
            return Err(
                "the person who proposed a budget never approves it (segregation of duties); another holder of the approve-budget authority decides".into(),
            );
        }
        Ok(())
    }

    /// Whether the plan stood approved on `day`.
    pub fn approved_on(&self, day: Date) -> bool {
        self.approval
            .as_ref()
            .is_some_and(|a| a.approved_at.date() <= day)
    }
}

/// Roles the ISMS cannot do without: the two duties of 5.3 and the
/// critical ones. Each needs capacity allocated to it.
pub fn is_mandatory(role: &RoleFields) -> bool {
    role.conformance_owner || role.performance_reporter || role.critical
}

/// The capacity allocated to one ISMS role on a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleCapacity {
    pub role_id: RoleId,
    pub role: String,
    pub mandatory: bool,
    /// Each current holder and the share of their time, in per cent.
    pub holders: Vec<(PersonId, Option<u8>)>,
    /// Full-time equivalents: the shares added up.
    pub fte: f64,
}

impl RoleCapacity {
    /// Held, with a share of someone's time set aside for it.
    pub fn allocated(&self) -> bool {
        self.holders.iter().any(|(_, share)| share.is_some())
    }
}

/// Capacity per role from the assignments current on `day`, mandatory
/// roles first.
pub fn capacity_on(roles: &[Role], assignments: &[Assignment], day: Date) -> Vec<RoleCapacity> {
    let mut out: Vec<RoleCapacity> = roles
        .iter()
        .map(|role| {
            let holders: Vec<(PersonId, Option<u8>)> = assignments
                .iter()
                .filter(|a| a.terms.role_id == role.id && a.current_on(day))
                .map(|a| (a.terms.person_id, a.terms.capacity_percent))
                .collect();
            let percent: u32 = holders.iter().filter_map(|(_, s)| *s).map(u32::from).sum();
            RoleCapacity {
                role_id: role.id,
                role: role.fields.name.clone(),
                mandatory: is_mandatory(&role.fields),
                holders,
                fte: f64::from(percent) / 100.0,
            }
        })
        .collect();
    out.sort_by(|a, b| b.mandatory.cmp(&a.mandatory).then(a.role.cmp(&b.role)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::AssignmentTerms;
    use crate::timefmt::now;
    use time::macros::date;

    fn fields() -> ResourcePlanFields {
        ResourcePlanFields {
            fiscal_year: 2026,
            currency: Currency::parse("EUR").expect("code"),
            lines: vec![
                BudgetLine {
                    category: BudgetCategory::Software,
                    planned: 2_000_000,
                    actual: 0,
                    note: String::new(),
                },
                BudgetLine {
                    category: BudgetCategory::ExternalAudit,
                    planned: 1_500_000,
                    actual: 0,
                    note: " Stage 2 ".into(),
                },
            ],
            notes: String::new(),
        }
    }

    fn plan(proposer: PersonId) -> ResourcePlan {
        ResourcePlan {
            id: ResourcePlanId::new(),
            org_id: OrgId::new(),
            fields: fields().validated().expect("valid"),
            proposed_by: proposer,
            approval: None,
            created_at: now(),
            updated_at: now(),
            version: 1,
        }
    }

    #[test]
    fn a_plan_has_one_line_per_category_and_no_negative_amounts() {
        let valid = fields().validated().expect("valid");
        assert_eq!(
            valid.lines[0].category,
            BudgetCategory::ExternalAudit,
            "sorted"
        );
        assert_eq!(valid.lines[0].note, "Stage 2");
        assert_eq!(valid.planned_total(), 3_500_000);
        let mut twice = fields();
        twice.lines.push(twice.lines[0].clone());
        assert!(twice.validated().expect_err("refused").contains("twice"));
        let mut negative = fields();
        negative.lines[0].actual = -1;
        assert!(negative.validated().is_err());
        let empty = ResourcePlanFields {
            lines: vec![],
            ..fields()
        };
        assert!(empty.validated().is_err());
    }

    #[test]
    fn the_proposer_never_approves_their_own_budget() {
        let (proposer, approver) = (PersonId::new(), PersonId::new());
        let p = plan(proposer);
        assert!(
            p.check_approver(proposer)
                .expect_err("refused")
                .contains("segregation")
        );
        assert!(p.check_approver(approver).is_ok());
    }

    #[test]
    fn changing_what_was_approved_withdraws_the_approval_and_the_editor_proposes() {
        let (proposer, approver) = (PersonId::new(), PersonId::new());
        let mut p = plan(proposer);
        p.approval = Some(BudgetApproval {
            approved_by: approver,
            approved_at: now(),
            authority: "ISMS role Top management".into(),
        });
        assert!(p.check_approver(approver).is_err(), "approved already");

        // Recording what was spent keeps the approval.
        let mut spent = p.fields.clone();
        spent.lines[0].actual = 1_400_000;
        let after = p.changed(proposer, spent, now());
        assert!(after.approval.is_some());
        assert_eq!(after.proposed_by, proposer);

        // Planning more asks for a new approval, and the approver who edits
        // it cannot then approve their own change.
        let mut more = p.fields.clone();
        more.lines[0].planned += 100;
        let after = p.changed(approver, more, now());
        assert!(after.approval.is_none());
        assert_eq!(after.proposed_by, approver);
        assert!(after.check_approver(approver).is_err());
        assert!(after.check_approver(proposer).is_ok());
        assert_eq!(after.version, p.version + 1);
    }

    #[test]
    fn approval_counts_from_the_day_it_was_given() {
        let mut p = plan(PersonId::new());
        assert!(!p.approved_on(date!(2026 - 05 - 01)));
        p.approval = Some(BudgetApproval {
            approved_by: PersonId::new(),
            approved_at: time::macros::datetime!(2026-05-02 10:00 UTC),
            authority: String::new(),
        });
        assert!(!p.approved_on(date!(2026 - 05 - 01)));
        assert!(p.approved_on(date!(2026 - 05 - 02)));
    }

    #[test]
    fn capacity_adds_up_current_holders_shares() {
        let (_, mut top) = crate::roles::starter_catalogue().remove(0);
        top.critical = true;
        let role = Role {
            id: uuid::Uuid::now_v7(),
            org_id: OrgId::new(),
            fields: top,
            created_at: now(),
            updated_at: now(),
            version: 1,
        };
        let assignment = |share: Option<u8>, ends_on: Option<Date>| {
            Assignment::new(
                role.org_id,
                AssignmentTerms {
                    role_id: role.id,
                    person_id: PersonId::new(),
                    starts_on: date!(2026 - 01 - 01),
                    ends_on,
                    deputy_id: None,
                    capacity_percent: share,
                },
                crate::UserId::new(),
                now(),
            )
        };
        let day = date!(2026 - 06 - 01);
        let none = capacity_on(std::slice::from_ref(&role), &[assignment(None, None)], day);
        assert!(none[0].mandatory && !none[0].allocated());
        let some = capacity_on(
            std::slice::from_ref(&role),
            &[
                assignment(Some(20), None),
                assignment(Some(30), None),
                assignment(Some(50), Some(date!(2026 - 05 - 31))),
            ],
            day,
        );
        assert!(some[0].allocated());
        assert_eq!(some[0].holders.len(), 2);
        assert!((some[0].fte - 0.5).abs() < 1e-9);
    }
}
