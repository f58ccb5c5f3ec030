//! Communication (5.1 d, 7.4): a register of what was communicated about
//! information security, when, through which channel, to whom, by which
//! sponsor and about which policy or topic; and a plan of what is due, so a
//! recurring communication that was missed shows as overdue.

use super::tidy_text as text;
use crate::ids::{CommunicationId, OrgId, PersonId, PlanItemId, PolicyId};
use crate::performance::EARLIEST_DAY;
use crate::policy::review::add_months;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

crate::named_enum! {
    /// How it reached its audience.
    pub enum Channel {
        Meeting = ("meeting", "Meeting"),
        Email = ("email", "Email"),
        Intranet = ("intranet", "Intranet"),
        Newsletter = ("newsletter", "Newsletter"),
        Poster = ("poster", "Poster"),
        Training = ("training", "Training session"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunicationFields {
    pub occurred_on: Date,
    pub channel: Channel,
    /// Who it was addressed to ("all staff", "Engineering", "suppliers").
    pub audience: String,
    pub topic: String,
    #[serde(default)]
    pub summary: String,
    /// Who in the organisation stood behind it.
    pub sponsor_id: PersonId,
    #[serde(default)]
    pub policy_id: Option<PolicyId>,
    /// The plan item it fulfils, if any.
    #[serde(default)]
    pub plan_item_id: Option<PlanItemId>,
}

impl CommunicationFields {
    pub fn validated(mut self, today: Date) -> Result<Self, String> {
        text("topic", &mut self.topic, 300, true)?;
        text("audience", &mut self.audience, 300, true)?;
        text("summary", &mut self.summary, 5000, false)?;
        if self.occurred_on > today {
            return Err(
                "occurred_on: record what was communicated, not what is planned (plan it instead)"
                    .into(),
            );
        }
        if self.occurred_on < EARLIEST_DAY {
            return Err("occurred_on: check the year".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Communication {
    pub id: CommunicationId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: CommunicationFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// A communication the organisation means to make, once or every few months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItemFields {
    pub topic: String,
    pub channel: Channel,
    pub audience: String,
    /// Months between two communications; 0 for a one-off.
    pub interval_months: u8,
    /// When the first is due.
    pub first_due_on: Date,
    /// A retired item is kept, but nothing is due any more.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl PlanItemFields {
    pub fn validated(mut self) -> Result<Self, String> {
        text("topic", &mut self.topic, 300, true)?;
        text("audience", &mut self.audience, 300, true)?;
        if self.interval_months > 36 {
            return Err("interval_months: 0 for a one-off, at most 36".into());
        }
        if self.first_due_on < EARLIEST_DAY {
            return Err("first_due_on: check the year".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: PlanItemId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: PlanItemFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// Where a plan item stands on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStatus {
    /// The last communication that fulfilled it, by that day.
    pub last_done: Option<Date>,
    /// When the next one is due; none for a one-off done or a retired item.
    pub next_due: Option<Date>,
    /// Days past `next_due`, when it is past.
    pub overdue_days: Option<i64>,
}

impl PlanItem {
    /// The item's status on `day`, from the communications that fulfil it.
    pub fn status_on(&self, communications: &[Communication], day: Date) -> PlanStatus {
        let last_done = communications
            .iter()
            .filter(|c| c.fields.plan_item_id == Some(self.id) && c.fields.occurred_on <= day)
            .map(|c| c.fields.occurred_on)
            .max();
        let next_due = match (last_done, self.fields.interval_months) {
            _ if !self.fields.active => None,
            (None, _) => Some(self.fields.first_due_on),
            (Some(_), 0) => None,
            (Some(done), months) => Some(add_months(done, u32::from(months))),
        };
        PlanStatus {
            last_done,
            next_due,
            overdue_days: next_due
                .filter(|due| day > *due)
                .map(|due| (day - due).whole_days()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::now;
    use time::macros::date;

    fn item(interval_months: u8) -> PlanItem {
        PlanItem {
            id: PlanItemId::new(),
            org_id: OrgId::new(),
            fields: PlanItemFields {
                topic: "CEO's security message".into(),
                channel: Channel::Email,
                audience: "All staff".into(),
                interval_months,
                first_due_on: date!(2026 - 01 - 31),
                active: true,
            }
            .validated()
            .expect("valid"),
            created_at: now(),
            updated_at: now(),
            version: 1,
        }
    }

    fn done(item: &PlanItem, on: Date) -> Communication {
        Communication {
            id: CommunicationId::new(),
            org_id: item.org_id,
            fields: CommunicationFields {
                occurred_on: on,
                channel: Channel::Email,
                audience: "All staff".into(),
                topic: "Security matters".into(),
                summary: String::new(),
                sponsor_id: PersonId::new(),
                policy_id: None,
                plan_item_id: Some(item.id),
            },
            created_at: now(),
            updated_at: now(),
            version: 1,
        }
    }

    #[test]
    fn a_recurring_item_is_due_an_interval_after_it_was_last_done() {
        let i = item(6);
        let before = i.status_on(&[], date!(2026 - 01 - 15));
        assert_eq!(
            (before.next_due, before.overdue_days),
            (Some(date!(2026 - 01 - 31)), None)
        );
        let late = i.status_on(&[], date!(2026 - 02 - 10));
        assert_eq!(late.overdue_days, Some(10));
        let log = [done(&i, date!(2026 - 02 - 12))];
        let after = i.status_on(&log, date!(2026 - 03 - 01));
        assert_eq!(after.last_done, Some(date!(2026 - 02 - 12)));
        assert_eq!(after.next_due, Some(date!(2026 - 08 - 12)));
        assert_eq!(after.overdue_days, None);
        // As of a day before it was done, it was still overdue.
        assert_eq!(
            i.status_on(&log, date!(2026 - 02 - 11)).overdue_days,
            Some(11)
        );
    }

    #[test]
    fn a_one_off_done_or_a_retired_item_is_due_no_more() {
        let once = item(0);
        let log = [done(&once, date!(2026 - 01 - 20))];
        assert_eq!(once.status_on(&log, date!(2027 - 01 - 01)).next_due, None);
        let mut retired = item(3);
        retired.fields.active = false;
        assert_eq!(
            retired.status_on(&[], date!(2027 - 01 - 01)).overdue_days,
            None
        );
    }

    #[test]
    fn only_what_happened_is_recorded() {
        let c = done(&item(0), date!(2026 - 05 - 02));
        assert!(c.fields.clone().validated(date!(2026 - 05 - 01)).is_err());
        assert!(c.fields.clone().validated(date!(2026 - 05 - 02)).is_ok());
        let no_topic = CommunicationFields {
            topic: " ".into(),
            ..c.fields
        };
        assert!(
            no_topic
                .validated(date!(2026 - 06 - 01))
                .expect_err("refused")
                .starts_with("topic")
        );
    }
}
