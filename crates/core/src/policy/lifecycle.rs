//! A policy version moves through draft, in review, approved, published,
//! superseded and retired. Only a draft can be edited; a rejection sends the
//! version back to draft; publishing supersedes the version published before.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Draft,
    InReview,
    Approved,
    Published,
    Superseded,
    Retired,
}

/// What someone (or the system, for `Supersede`) does to a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Submit,
    /// The approvals needed are complete.
    Approve,
    Reject,
    /// The author takes a version out of review to change it.
    Withdraw,
    Publish,
    /// A later version of the same policy was published.
    Supersede,
    Retire,
}

impl VersionState {
    pub const ALL: [VersionState; 6] = [
        VersionState::Draft,
        VersionState::InReview,
        VersionState::Approved,
        VersionState::Published,
        VersionState::Superseded,
        VersionState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Draft => "draft",
            VersionState::InReview => "in_review",
            VersionState::Approved => "approved",
            VersionState::Published => "published",
            VersionState::Superseded => "superseded",
            VersionState::Retired => "retired",
        }
    }

    /// The state after `action`, or why the action is not possible now.
    pub fn apply(self, action: Action) -> Result<VersionState, LifecycleError> {
        use Action::*;
        use VersionState::*;
        let next = match (self, action) {
            (Draft, Edit) => Draft,
            (Draft, Submit) => InReview,
            (InReview, Approve) => Approved,
            (InReview, Reject) | (InReview, Withdraw) => Draft,
            (Approved, Publish) => Published,
            (Published, Supersede) => Superseded,
            (Draft | InReview | Approved | Published, Retire) => Retired,
            _ => {
                return Err(LifecycleError {
                    state: self,
                    action,
                });
            }
        };
        Ok(next)
    }

    /// True for states that no action leaves.
    pub fn is_final(self) -> bool {
        matches!(self, VersionState::Superseded | VersionState::Retired)
    }
}

impl std::str::FromStr for VersionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VersionState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a version state"))
    }
}

impl fmt::Display for VersionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a version that is {state} cannot take the action {action:?}")]
pub struct LifecycleError {
    pub state: VersionState,
    pub action: Action,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use VersionState::*;

    const ACTIONS: [Action; 8] = [
        Edit, Submit, Approve, Reject, Withdraw, Publish, Supersede, Retire,
    ];

    /// Every state against every action: the whole table, written out.
    #[test]
    fn every_state_and_action() {
        let allowed: &[(VersionState, Action, VersionState)] = &[
            (Draft, Edit, Draft),
            (Draft, Submit, InReview),
            (Draft, Retire, Retired),
            (InReview, Approve, Approved),
            (InReview, Reject, Draft),
            (InReview, Withdraw, Draft),
            (InReview, Retire, Retired),
            (Approved, Publish, Published),
            (Approved, Retire, Retired),
            (Published, Supersede, Superseded),
            (Published, Retire, Retired),
        ];
        for state in VersionState::ALL {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, n)| *n);
                assert_eq!(state.apply(action).ok(), expected, "{state} + {action:?}");
            }
        }
    }

    #[test]
    fn only_a_draft_can_be_edited_and_final_states_stay_final() {
        for state in VersionState::ALL {
            assert_eq!(state.apply(Edit).is_ok(), state == Draft);
            if state.is_final() {
                assert!(ACTIONS.iter().all(|a| state.apply(*a).is_err()), "{state}");
            }
        }
    }
}
