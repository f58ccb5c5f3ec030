//! A campaign's figures: per version, and by department and line manager,
//! how many owe, have answered, and are overdue on a day.

use super::request::{AckRequest, AckState};
use crate::ids::PersonId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The group of those with no department.
pub const NO_DEPARTMENT: &str = "(no department)";

/// Counts of one group of requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Everyone addressed: owed and done and declined (released excluded).
    pub addressed: usize,
    pub owed: usize,
    pub overdue: usize,
    /// Accepted or carried over.
    pub done: usize,
    pub declined: usize,
}

impl Tally {
    pub fn add(&mut self, r: &AckRequest, day: Date) {
        match r.state {
            AckState::Released => return,
            AckState::Owed => self.owed += 1,
            AckState::Declined => self.declined += 1,
            AckState::Accepted | AckState::CarriedOver => self.done += 1,
        }
        self.addressed += 1;
        if r.overdue_on(day) {
            self.overdue += 1;
        }
    }

    /// The figures of several campaigns as one: requests, not people (a
    /// person owing two policies counts twice).
    pub fn sum<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
        tallies.into_iter().fold(Tally::default(), |a, t| Tally {
            addressed: a.addressed + t.addressed,
            owed: a.owed + t.owed,
            overdue: a.overdue + t.overdue,
            done: a.done + t.done,
            declined: a.declined + t.declined,
        })
    }

    /// Done in per cent of those addressed; 100 when nobody is.
    pub fn percent_done(&self) -> f64 {
        if self.addressed == 0 {
            return 100.0;
        }
        self.done as f64 * 100.0 / self.addressed as f64
    }
}

/// A version's figures overall, by department and by line manager.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignFigures {
    pub total: Tally,
    pub by_department: BTreeMap<String, Tally>,
    pub by_manager: BTreeMap<Option<PersonId>, Tally>,
}

/// One group of requests as a database counts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCount {
    pub department: Option<String>,
    pub manager_id: Option<PersonId>,
    pub state: AckState,
    pub overdue: bool,
    pub count: usize,
}

impl Tally {
    fn add_count(&mut self, g: &GroupCount) {
        match g.state {
            AckState::Released => return,
            AckState::Owed => self.owed += g.count,
            AckState::Declined => self.declined += g.count,
            AckState::Accepted | AckState::CarriedOver => self.done += g.count,
        }
        self.addressed += g.count;
        if g.overdue && g.state == AckState::Owed {
            self.overdue += g.count;
        }
    }
}

impl CampaignFigures {
    /// The figures from counts grouped by department, manager, state and
    /// whether overdue: what a database returns without shipping the rows.
    pub fn from_groups(groups: &[GroupCount]) -> Self {
        let mut f = Self::default();
        for g in groups {
            f.total.add_count(g);
            let department = g.department.clone().unwrap_or_else(|| NO_DEPARTMENT.into());
            f.by_department.entry(department).or_default().add_count(g);
            f.by_manager.entry(g.manager_id).or_default().add_count(g);
        }
        f
    }

    pub fn of(requests: &[AckRequest], day: Date) -> Self {
        let mut f = Self::default();
        for r in requests {
            f.total.add(r, day);
            let department = r
                .department
                .clone()
                .unwrap_or_else(|| "(no department)".into());
            f.by_department.entry(department).or_default().add(r, day);
            f.by_manager.entry(r.manager_id).or_default().add(r, day);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, PolicyId, VersionId};
    use crate::timefmt::now;
    use time::Duration;

    fn request(department: &str, state: AckState, due_in: i64) -> AckRequest {
        AckRequest {
            org_id: OrgId::new(),
            version_id: VersionId::new(),
            policy_id: PolicyId::new(),
            person_id: PersonId::new(),
            owed_since: now(),
            due_on: now().date() + Duration::days(due_in),
            state,
            text_sha256: None,
            answered_at: None,
            reason: String::new(),
            released_at: None,
            department: Some(department.into()),
            manager_id: None,
            version: 1,
        }
    }

    #[test]
    fn figures_count_each_state_overall_and_by_department() {
        let today = now().date();
        let all = vec![
            request("IT", AckState::Accepted, -5),
            request("IT", AckState::Owed, -1),
            request("IT", AckState::Owed, 5),
            request("Sales", AckState::CarriedOver, -5),
            request("Sales", AckState::Declined, 5),
            request("Sales", AckState::Released, -5),
        ];
        let f = CampaignFigures::of(&all, today);
        assert_eq!(
            f.total,
            Tally {
                addressed: 5,
                owed: 2,
                overdue: 1,
                done: 2,
                declined: 1
            }
        );
        assert_eq!(f.by_department["IT"].overdue, 1);
        assert_eq!(
            f.by_department["Sales"].addressed, 2,
            "released is not counted"
        );
        assert!((f.total.percent_done() - 40.0).abs() < 1e-9);
        // The same figures from grouped counts.
        let groups: Vec<GroupCount> = all
            .iter()
            .map(|r| GroupCount {
                department: r.department.clone(),
                manager_id: r.manager_id,
                state: r.state,
                overdue: r.overdue_on(today),
                count: 1,
            })
            .collect();
        assert_eq!(CampaignFigures::from_groups(&groups), f);
    }

    #[test]
    fn campaigns_sum_request_by_request() {
        let a = Tally {
            addressed: 10,
            owed: 4,
            overdue: 1,
            done: 5,
            declined: 1,
        };
        let b = Tally {
            addressed: 30,
            owed: 0,
            overdue: 0,
            done: 30,
            declined: 0,
        };
        let all = Tally::sum([&a, &b]);
        assert_eq!(
            all,
            Tally {
                addressed: 40,
                owed: 4,
                overdue: 1,
                done: 35,
                declined: 1
            }
        );
        assert!((all.percent_done() - 87.5).abs() < 1e-9);
        assert_eq!(Tally::sum([]).percent_done(), 100.0, "nothing asked");
    }
}
