//! Who may approve a version, and when its approvals are complete.
//!
//! The author of a version never approves it, whoever they are. A policy may
//! ask for one approval (the default), for all of a list of approvers, or for
//! N approvals; any rejection sends the version back to its author.

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovalRule {
    /// `count` approvals from anyone entitled to approve.
    AnyOf { count: u32 },
    /// Every one of these users must approve.
    AllOf { approvers: Vec<UserId> },
}

impl Default for ApprovalRule {
    fn default() -> Self {
        ApprovalRule::AnyOf { count: 1 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

/// One approver's decision on one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub by: UserId,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalStatus {
    /// More approvals are needed; `missing` names them under `AllOf`.
    Pending {
        approvals: u32,
        needed: u32,
        missing: Vec<UserId>,
    },
    Approved,
    Rejected {
        by: UserId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the author of a version can never approve it")]
    OwnWork,
    #[error("this approver has already decided on this version")]
    AlreadyDecided,
    #[error("this policy's approvers are named, and this user is not one of them")]
    NotANamedApprover,
}

impl ApprovalRule {
    /// Whether `approver` may decide on a version written by `author`, given
    /// the decisions so far. Authority (access role and ISMS role) is
    /// checked by the caller; this is about the version itself.
    pub fn may_decide(
        &self,
        author: UserId,
        approver: UserId,
        decisions: &[Decision],
    ) -> Result<(), Refusal> {
        if approver == author {
            return Err(Refusal::OwnWork);
        }
        if decisions.iter().any(|d| d.by == approver) {
            return Err(Refusal::AlreadyDecided);
        }
        if let ApprovalRule::AllOf { approvers } = self
            && !approvers.contains(&approver)
        {
            return Err(Refusal::NotANamedApprover);
        }
        Ok(())
    }

    /// Where a version stands under this rule. Decisions by the author are
    /// ignored, so a stored decision that should never have been made cannot count.
    pub fn status(&self, author: UserId, decisions: &[Decision]) -> ApprovalStatus {
        let valid: Vec<&Decision> = decisions.iter().filter(|d| d.by != author).collect();
        if let Some(rejection) = valid.iter().find(|d| d.verdict == Verdict::Reject) {
            return ApprovalStatus::Rejected { by: rejection.by };
        }
        let approvers: Vec<UserId> = valid
            .iter()
            .filter(|d| d.verdict == Verdict::Approve)
            .map(|d| d.by)
            .collect();
        match self {
            ApprovalRule::AnyOf { count } => {
                let needed = (*count).max(1);
                let mut distinct = approvers.clone();
                distinct.sort();
                distinct.dedup();
                let approvals = distinct.len() as u32;
                if approvals >= needed {
                    ApprovalStatus::Approved
                } else {
                    ApprovalStatus::Pending {
                        approvals,
                        needed,
                        missing: Vec::new(),
                    }
                }
            }
            ApprovalRule::AllOf { approvers: named } => {
                let named: Vec<UserId> = named.iter().copied().filter(|u| *u != author).collect();
                let missing: Vec<UserId> = named
                    .iter()
                    .copied()
                    .filter(|u| !approvers.contains(u))
                    .collect();
                if missing.is_empty() && !named.is_empty() {
                    ApprovalStatus::Approved
                } else {
                    let needed = named.len().max(1) as u32;
                    ApprovalStatus::Pending {
                        approvals: needed - missing.len().min(needed as usize) as u32,
                        needed,
                        missing,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approve(by: UserId) -> Decision {
        Decision {
            by,
            verdict: Verdict::Approve,
        }
    }

    #[test]
    fn the_author_never_approves_their_own_version() {
        let author = UserId::new();
        let rule = ApprovalRule::default();
        assert_eq!(rule.may_decide(author, author, &[]), Err(Refusal::OwnWork));
        // Even a stored decision by the author does not count.
        assert!(matches!(
            rule.status(author, &[approve(author)]),
            ApprovalStatus::Pending { approvals: 0, .. }
        ));
        let named = ApprovalRule::AllOf {
            approvers: vec![author],
        };
        assert_eq!(named.may_decide(author, author, &[]), Err(Refusal::OwnWork));
        assert!(matches!(
            named.status(author, &[approve(author)]),
            ApprovalStatus::Pending { .. }
        ));
    }

    #[test]
    fn n_of_any_counts_distinct_approvers() {
        let (author, a, b) = (UserId::new(), UserId::new(), UserId::new());
        let rule = ApprovalRule::AnyOf { count: 2 };
        assert!(matches!(
            rule.status(author, &[approve(a)]),
            ApprovalStatus::Pending {
                approvals: 1,
                needed: 2,
                ..
            }
        ));
        assert_eq!(
            rule.may_decide(author, a, &[approve(a)]),
            Err(Refusal::AlreadyDecided)
        );
        assert_eq!(
            rule.status(author, &[approve(a), approve(b)]),
            ApprovalStatus::Approved
        );
    }

    #[test]
    fn all_of_needs_every_named_approver_and_only_them() {
        let (author, a, b, c) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
        let rule = ApprovalRule::AllOf {
            approvers: vec![a, b],
        };
        assert_eq!(
            rule.may_decide(author, c, &[]),
            Err(Refusal::NotANamedApprover)
        );
        match rule.status(author, &[approve(a)]) {
            ApprovalStatus::Pending { missing, .. } => assert_eq!(missing, vec![b]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rule.status(author, &[approve(a), approve(b)]),
            ApprovalStatus::Approved
        );
    }

    #[test]
    fn one_rejection_sends_the_version_back() {
        let (author, a, b) = (UserId::new(), UserId::new(), UserId::new());
        let rule = ApprovalRule::AnyOf { count: 1 };
        let decisions = [
            approve(a),
            Decision {
                by: b,
                verdict: Verdict::Reject,
            },
        ];
        assert_eq!(
            rule.status(author, &decisions),
            ApprovalStatus::Rejected { by: b }
        );
    }
}
