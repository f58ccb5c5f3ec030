//! A campaign's figures: per version, and by department and line manager,
//! how many owe, have answered, and are overdue on a day.

use super::request::{AckRequest, AckState};
use crate::ids::PersonId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

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

impl CampaignFigures {
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
    }
}
