//! What a person must do, oldest first: acknowledge a policy or a role,
//! approve or sign something that awaits them, attest for their team,
//! measure a KPI, act on an action they own. Gathered from the records by
//! the caller; ordered and judged here.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

crate::named_enum! {
    pub enum TaskKind {
        Acknowledge = ("acknowledge", "Acknowledge"),
        Approve = ("approve", "Approve"),
        Sign = ("sign", "Sign"),
        Attest = ("attest", "Attest"),
        Measure = ("measure", "Measure"),
        Act = ("act", "Act"),
        Review = ("review", "Review"),
        Renew = ("renew", "Renew"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub kind: TaskKind,
    pub title: String,
    /// One line of context ("version 3, published 2026-10-01").
    pub detail: String,
    /// Where it is done, as a path of the web interface.
    pub link: String,
    /// Since when it is owed.
    pub since: Date,
    /// When it arose, to the instant: a digest tells it as new if it arose
    /// after the last digest was written, so exactly once.
    #[serde(with = "time::serde::rfc3339")]
    pub arose_at: OffsetDateTime,
    pub due_on: Option<Date>,
}

/// The first instant of `day` (UTC), for what arises with a day, not a time.
pub fn start_of(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

impl Task {
    pub fn overdue_on(&self, day: Date) -> bool {
        self.due_on.is_some_and(|due| day > due)
    }
}

/// Oldest first; between equals, the one due first.
pub fn ordered(mut tasks: Vec<Task>) -> Vec<Task> {
    tasks.sort_by(|a, b| {
        a.since
            .cmp(&b.since)
            .then(a.due_on.cmp(&b.due_on))
            .then(a.title.cmp(&b.title))
    });
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn task(title: &str, since: Date, due_on: Option<Date>) -> Task {
        Task {
            kind: TaskKind::Acknowledge,
            title: title.into(),
            detail: String::new(),
            link: "/tasks".into(),
            since,
            arose_at: start_of(since),
            due_on,
        }
    }

    #[test]
    fn tasks_come_oldest_first_and_are_overdue_after_their_day() {
        let tasks = ordered(vec![
            task("b", date!(2026 - 03 - 01), None),
            task("a", date!(2026 - 01 - 01), Some(date!(2026 - 01 - 31))),
        ]);
        assert_eq!(tasks[0].title, "a");
        assert!(tasks[0].overdue_on(date!(2026 - 02 - 01)));
        assert!(!tasks[0].overdue_on(date!(2026 - 01 - 31)));
        assert!(!tasks[1].overdue_on(date!(2030 - 01 - 01)));
    }
}
