//! Results of the commitment store shared by both backends.

use serde::Serialize;

/// What a batch of training completions did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrainingSummary {
    pub recorded: usize,
    pub corrected: usize,
    pub unchanged: usize,
}
