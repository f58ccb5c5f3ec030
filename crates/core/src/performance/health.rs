//! The three statuses of an objective or KPI, each with the reasons behind it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Ordered from best to worst, so the worst of several is their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::OnTrack => "on_track",
            Health::AtRisk => "at_risk",
            Health::OffTrack => "off_track",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "on track",
            Health::AtRisk => "at risk",
            Health::OffTrack => "off track",
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A status with the plain-language reasons that produced it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub health: Health,
    pub reasons: Vec<String>,
}

impl Assessment {
    pub fn on_track(reason: impl Into<String>) -> Self {
        Self {
            health: Health::OnTrack,
            reasons: vec![reason.into()],
        }
    }

    /// Lowers the status to `health` (never raises it) and says why.
    pub fn worsen(&mut self, health: Health, reason: impl Into<String>) {
        if health > self.health {
            // The reasons for a better status no longer explain this one.
            self.reasons.retain(|_| false);
            self.health = health;
        }
        if health == self.health {
            self.reasons.push(reason.into());
        }
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.health, self.reasons.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_status_wins_and_keeps_only_its_reasons() {
        let mut a = Assessment::on_track("target met");
        a.worsen(Health::AtRisk, "measurement overdue");
        a.worsen(Health::OnTrack, "another target met");
        assert_eq!(a.health, Health::AtRisk);
        assert_eq!(a.reasons, vec!["measurement overdue"]);
        a.worsen(Health::OffTrack, "value 12 misses target 5");
        a.worsen(Health::OffTrack, "due date passed");
        assert_eq!(a.health, Health::OffTrack);
        assert_eq!(a.reasons.len(), 2);
    }
}
