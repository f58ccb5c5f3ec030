use super::*;
use crate::ActionId;
use crate::performance::{ActionFields, ActionSource, ActionStatus};
use crate::timefmt::now;
use time::macros::date;

fn entry(kind: ImprovementKind, root_cause: &str) -> Improvement {
    Improvement {
        id: ImprovementId::new(),
        org_id: OrgId::new(),
        fields: ImprovementFields {
            kind,
            title: "Leavers kept VPN access".into(),
            description: String::new(),
            source: ImprovementSource::Audit,
            raised_on: date!(2026 - 02 - 01),
            owner_id: PersonId::new(),
            root_cause: root_cause.into(),
            feedback_id: None,
        }
        .validated(date!(2026 - 02 - 01))
        .expect("valid"),
        checks: Vec::new(),
        closed_on: None,
        closing_note: String::new(),
        created_at: time::macros::datetime!(2026-02-01 9:00 UTC),
        updated_at: now(),
        version: 1,
    }
}

fn action(of: &Improvement, closed_on: Option<Date>) -> Action {
    Action {
        id: ActionId::new(),
        org_id: of.org_id,
        fields: ActionFields {
            title: "Disable accounts on the last day".into(),
            owner_id: PersonId::new(),
            due_on: date!(2026 - 03 - 31),
            status: if closed_on.is_some() {
                ActionStatus::Done
            } else {
                ActionStatus::Open
            },
            source: ActionSource::Nonconformity,
            objective_id: None,
            review_id: None,
            improvement_id: Some(of.id),
            notes: String::new(),
        },
        closed_on,
        created_at: time::macros::datetime!(2026-02-02 9:00 UTC),
        updated_at: now(),
        version: 1,
    }
}

fn check(effective: bool, on: Date) -> EffectivenessCheck {
    EffectivenessCheck {
        checked_on: on,
        effective,
        note: "Sampled ten leavers".into(),
        checked_by: PersonId::new(),
    }
}

#[test]
fn a_nonconformity_closes_only_after_root_cause_actions_and_an_effective_check() {
    let nc = entry(ImprovementKind::Nonconformity, "");
    let day = date!(2026 - 04 - 10);
    assert_eq!(nc.status_on(&[], day), ImprovementStatus::NeedsRootCause);
    let nc = Improvement {
        fields: ImprovementFields {
            root_cause: "HR did not tell IT".into(),
            ..nc.fields.clone()
        },
        ..nc
    };
    assert_eq!(nc.status_on(&[], day), ImprovementStatus::NeedsAction);
    let open = [action(&nc, None)];
    assert_eq!(nc.status_on(&open, day), ImprovementStatus::ActionsOpen);
    assert!(
        nc.checked(&open, check(true, day), day).is_err(),
        "actions still open"
    );
    assert!(
        nc.closed(&open, "done".into(), day)
            .expect_err("open")
            .contains("actions open")
    );

    let done = [action(&nc, Some(date!(2026 - 04 - 01)))];
    assert_eq!(nc.status_on(&done, day), ImprovementStatus::AwaitingCheck);
    let failed = nc.checked(&done, check(false, day), day).expect("recorded");
    assert_eq!(
        failed.status_on(&done, day),
        ImprovementStatus::AwaitingCheck
    );
    let worked = failed
        .checked(&done, check(true, day), day)
        .expect("recorded");
    assert_eq!(worked.status_on(&done, day), ImprovementStatus::Resolved);
    let closed = worked
        .closed(&done, "Effective".into(), day)
        .expect("closes");
    assert_eq!(closed.status_on(&done, day), ImprovementStatus::Closed);
    // As of before the action was done, it was still open.
    assert_eq!(
        closed.status_on(&done, date!(2026 - 03 - 15)),
        ImprovementStatus::ActionsOpen
    );
}

#[test]
fn an_opportunity_needs_no_root_cause_nor_check() {
    let op = entry(ImprovementKind::Opportunity, "");
    let day = date!(2026 - 04 - 10);
    assert_eq!(op.status_on(&[], day), ImprovementStatus::Resolved);
    assert!(op.closed(&[], " ".into(), day).is_err(), "says why");
    let closed = op
        .closed(&[], "Declined: no budget this year".into(), day)
        .expect("closes");
    assert_eq!(closed.closed_on, Some(day));
}

#[test]
fn an_entry_is_raised_on_a_day_that_has_come_and_feedback_entries_say_so() {
    let fields = entry(ImprovementKind::Opportunity, "").fields;
    assert!(fields.clone().validated(date!(2026 - 01 - 31)).is_err());
    let from_feedback = ImprovementFields {
        feedback_id: Some(FeedbackId::new()),
        ..fields.clone()
    };
    assert!(
        from_feedback
            .clone()
            .validated(date!(2026 - 02 - 01))
            .is_err()
    );
    let right = ImprovementFields {
        source: ImprovementSource::Feedback,
        ..from_feedback
    };
    assert!(right.validated(date!(2026 - 02 - 01)).is_ok());
}
