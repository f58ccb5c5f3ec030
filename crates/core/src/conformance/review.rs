//! 9.3 Management review: held within twelve months (and at the
//! organisation's cadence), attended by top management, covering every
//! required input, with decisions and actions recorded.

use super::{Evidence, RuleResult, Snapshot, Status};
use crate::policy::review::add_months;

pub fn management_review(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let last = s.last_held_review();
    let Some(review) = last.filter(|r| r.held_on.is_some_and(|h| add_months(h, 12) >= day)) else {
        return RuleResult::new(
            "9.3",
            "Management review",
            Status::NotMet,
            match last.and_then(|r| r.held_on) {
                Some(h) => format!(
                    "The last management review was held on {h}, more than twelve months ago."
                ),
                None => "No management review has been held.".into(),
            },
            last.map(Evidence::review).into_iter().collect(),
            "Plan and hold a management review now, chaired by top management.",
        );
    };
    let held = review.held_on.unwrap_or(day);
    let on_cadence = add_months(held, u32::from(s.review_cadence_months)) >= day;
    let attended = review.attendees.iter().any(|p| s.top_manager_on(*p, held));
    let missing: Vec<&str> = review.missing_inputs().iter().map(|i| i.label()).collect();
    let actions = s
        .actions
        .iter()
        .filter(|a| a.fields.review_id == Some(review.id) && a.created_at.date() <= day)
        .count();
    let decided = !review.decisions.is_empty() && actions > 0;
    let mut problems = Vec::new();
    if !on_cadence {
        problems.push(format!(
            "the next was due within {} months",
            s.review_cadence_months
        ));
    }
    if !attended {
        problems.push("no top-management member attended".to_string());
    }
    if !missing.is_empty() {
        problems.push(format!("inputs not covered: {}", missing.join(", ")));
    }
    if !decided {
        problems.push("no decisions with actions recorded".to_string());
    }
    let status = if problems.is_empty() {
        Status::Met
    } else if attended {
        Status::Partial
    } else {
        Status::NotMet
    };
    RuleResult::new(
        "9.3",
        "Management review",
        status,
        format!(
            "The last management review, \u{201c}{}\u{201d}, was held on {held}{}, with {} and {}. {}",
            review.title,
            if attended {
                ", attended by top management"
            } else {
                ""
            },
            super::count(review.decisions.len(), "decision", "decisions"),
            super::count(actions, "action", "actions"),
            if problems.is_empty() {
                "It covered every required input.".to_string()
            } else {
                format!("But {}.", problems.join("; "))
            }
        ),
        vec![Evidence::review(review)],
        "Hold the next review at the planned cadence, with top management, covering every input, and record decisions and actions.",
    )
}
