//! What a person's daily digest says. A person is written to at most once
//! a day; the digest gathers what is new since they were last written to,
//! reminders of what they still owe (3, 7 and 14 days after it was owed, by
//! default), what has just become overdue, and, for a line manager, what of
//! their team's has just become overdue (the escalation).

use crate::tasks::{Task, TaskKind};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

crate::named_enum! {
    pub enum Section {
        New = ("new", "New for you"),
        Reminder = ("reminder", "Still waiting for you"),
        Overdue = ("overdue", "Overdue"),
        Team = ("team", "Overdue in your team"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub section: Section,
    pub task: Task,
    /// For the team section: whose task it is.
    pub who: Option<String>,
}

/// Whether some day of `(after, today]` is `since` plus one of `days`.
fn crossed(since: Date, days: &[u16], after: Option<Date>, today: Date) -> bool {
    days.iter().any(|d| {
        let day = since + Duration::days(i64::from(*d));
        day <= today && after.is_none_or(|a| day > a)
    })
}

/// The items of today's digest for someone last written to at
/// `last_written` (never: `None`), whose own tasks are `tasks` and whose
/// team's are `team` (with the name of whose each is). What arose after the
/// last digest was written is new, even on the day it was written.
pub fn plan_digest(
    tasks: &[Task],
    team: &[(String, Task)],
    last_written_at: Option<OffsetDateTime>,
    today: Date,
    reminder_days: &[u16],
) -> Vec<DigestItem> {
    let mut items = Vec::new();
    let last_written = last_written_at.map(|t| t.date());
    for task in tasks {
        let new = last_written_at.is_none_or(|l| task.arose_at > l);
        let just_overdue = task
            .due_on
            .is_some_and(|due| due < today && last_written.is_none_or(|l| due >= l));
        let section = if new {
            Some(Section::New)
        } else if just_overdue {
            Some(Section::Overdue)
        } else if task.kind == TaskKind::Acknowledge
            && crossed(task.since, reminder_days, last_written, today)
        {
            Some(Section::Reminder)
        } else {
            None
        };
        if let Some(section) = section {
            items.push(DigestItem {
                section,
                task: task.clone(),
                who: None,
            });
        }
    }
    for (who, task) in team {
        let just_overdue = task
            .due_on
            .is_some_and(|due| due < today && last_written.is_none_or(|l| due >= l));
        if just_overdue && task.kind == TaskKind::Acknowledge {
            items.push(DigestItem {
                section: Section::Team,
                task: task.clone(),
                who: Some(who.clone()),
            });
        }
    }
    items.sort_by_key(|i| i.section);
    items
}

/// The key that keeps a person to one digest a day.
pub fn digest_key(person: crate::PersonId, today: Date) -> String {
    format!("digest:{person}:{today}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ack(since: Date, due_on: Date) -> Task {
        Task {
            kind: TaskKind::Acknowledge,
            title: "Acceptable use policy".into(),
            detail: String::new(),
            link: "/tasks".into(),
            since,
            arose_at: crate::tasks::start_of(since),
            due_on: Some(due_on),
        }
    }

    const DAYS: &[u16] = &[3, 7, 14];

    /// A digest written in the first minute of `day`, as the scheduler does.
    fn written(day: Date) -> OffsetDateTime {
        crate::tasks::start_of(day) + Duration::seconds(30)
    }

    #[test]
    fn something_owed_is_told_once_then_reminded_on_the_scheduled_days() {
        let since = date!(2026 - 03 - 01);
        let t = ack(since, date!(2026 - 03 - 31));
        let first = plan_digest(std::slice::from_ref(&t), &[], None, since, DAYS);
        assert_eq!(first[0].section, Section::New);
        // Written to on day 0: nothing on day 1 and 2, a reminder on day 3.
        for (day, expect) in [(2, None), (3, Some(Section::Reminder)), (5, None)] {
            let last = if day == 5 {
                since + Duration::days(3)
            } else {
                since
            };
            let plan = plan_digest(
                std::slice::from_ref(&t),
                &[],
                Some(written(last)),
                since + Duration::days(day),
                DAYS,
            );
            assert_eq!(plan.first().map(|i| i.section), expect, "day {day}");
        }
        // Not written to for a week (the server was down): one reminder.
        let late = plan_digest(
            std::slice::from_ref(&t),
            &[],
            Some(written(since)),
            since + Duration::days(9),
            DAYS,
        );
        assert_eq!(late.len(), 1);
    }

    #[test]
    fn overdue_tasks_are_told_to_their_owner_and_escalated_to_the_manager_once() {
        let t = ack(date!(2026 - 03 - 01), date!(2026 - 03 - 31));
        let team = vec![("Ada Lovelace".to_string(), t.clone())];
        let on = date!(2026 - 04 - 01);
        let mine = plan_digest(
            std::slice::from_ref(&t),
            &[],
            Some(written(date!(2026 - 03 - 20))),
            on,
            DAYS,
        );
        assert_eq!(mine[0].section, Section::Overdue);
        let managers = plan_digest(&[], &team, Some(written(date!(2026 - 03 - 20))), on, DAYS);
        assert_eq!(
            (managers[0].section, managers[0].who.as_deref()),
            (Section::Team, Some("Ada Lovelace"))
        );
        let again = plan_digest(&[], &team, Some(written(on)), on + Duration::days(1), DAYS);
        assert!(again.is_empty(), "escalated once");
    }

    #[test]
    fn what_arises_later_on_the_day_of_a_digest_is_told_the_next_day() {
        let day = date!(2026 - 03 - 02);
        let mut approve = ack(day, day + Duration::days(30));
        approve.kind = TaskKind::Approve;
        approve.arose_at = crate::tasks::start_of(day) + Duration::hours(15);
        let next = plan_digest(
            std::slice::from_ref(&approve),
            &[],
            Some(written(day)),
            day + Duration::days(1),
            DAYS,
        );
        assert_eq!(
            next.first().map(|i| i.section),
            Some(Section::New),
            "an approval asked for in the afternoon is news the next morning"
        );
        let after = plan_digest(
            std::slice::from_ref(&approve),
            &[],
            Some(written(day + Duration::days(1))),
            day + Duration::days(2),
            DAYS,
        );
        assert!(after.is_empty(), "and told once");
    }
}
