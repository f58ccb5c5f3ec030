//! Inputs and results of the performance store shared by both backends.

use crate::error::{Result, StoreError};
use mandate_core::PersonId;
use mandate_core::performance::ManualInputs;
use serde::Serialize;
use time::Date;

/// What a batch of KPI values did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MeasurementSummary {
    pub added: usize,
    pub corrected: usize,
    pub unchanged: usize,
}

/// What is planned before a review is held; editable until then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewPlan {
    pub title: String,
    pub planned_on: Date,
    pub chair_id: PersonId,
    pub attendees: Vec<PersonId>,
    pub manual: ManualInputs,
}

impl ReviewPlan {
    pub(crate) fn validated(mut self) -> Result<Self> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "title: name the review, in at most 200 characters".into(),
            ));
        }
        if self.planned_on < mandate_core::performance::EARLIEST_DAY {
            return Err(StoreError::Invalid("planned_on: check the year".into()));
        }
        self.attendees.sort();
        self.attendees.dedup();
        self.manual = self.manual.validated().map_err(StoreError::Invalid)?;
        Ok(self)
    }
}
