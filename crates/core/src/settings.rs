//! Organisation settings that rules and workflows read: each has a default,
//! so an organisation that never opens the settings page gets sensible
//! behaviour, and every value is checked before it is kept.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgSettings {
    /// Months each manager attestation covers: 1, 3, 6 or 12.
    pub attestation_period_months: u8,
    /// Days a joiner has before missing training or acknowledgements count.
    pub joiner_grace_days: u16,
    /// Days to acknowledge a published policy version, from publication or
    /// from joining its audience.
    pub acknowledgement_grace_days: u16,
    /// Days after something is owed on which a reminder is due (at most one
    /// message a day, as a digest).
    pub reminder_days: Vec<u16>,
    /// 5.1 e: objectives on track, in per cent, for the rule to be met.
    pub objectives_on_track_percent: u8,
    /// 5.1 f: personnel with current awareness training, in per cent.
    pub awareness_percent: u8,
    /// 5.2 f: in-scope personnel who acknowledged the policy, in per cent.
    pub acknowledgement_percent: u8,
    /// 5.1 g: days an improvement action may be overdue.
    pub action_overdue_days: u16,
    /// 5.1 d: months within which leadership last communicated.
    pub leadership_communication_months: u8,
    /// 5.3.3: days a holder has to acknowledge a role.
    pub assignment_grace_days: u16,
    /// Hosts policy text may show images from, over `https:` only. None by
    /// default: any other image would make a reader's browser fetch an
    /// address of the author's choosing.
    pub image_hosts: Vec<String>,
}

impl Default for OrgSettings {
    fn default() -> Self {
        Self {
            attestation_period_months: 3,
            joiner_grace_days: 30,
            acknowledgement_grace_days: 30,
            reminder_days: vec![3, 7, 14],
            objectives_on_track_percent: 80,
            awareness_percent: 90,
            acknowledgement_percent: 95,
            action_overdue_days: 30,
            leadership_communication_months: 6,
            assignment_grace_days: 14,
            image_hosts: Vec::new(),
        }
    }
}

impl OrgSettings {
    pub fn validated(self) -> Result<Self, String> {
        if ![1, 3, 6, 12].contains(&self.attestation_period_months) {
            return Err("attestation_period_months: 1, 3, 6 or 12".into());
        }
        if self.joiner_grace_days > 365 {
            return Err("joiner_grace_days: at most 365".into());
        }
        if !(1..=365).contains(&self.acknowledgement_grace_days) {
            return Err("acknowledgement_grace_days: 1 to 365".into());
        }
        let mut days = self.reminder_days.clone();
        days.sort_unstable();
        days.dedup();
        if days.len() > 10 || days.iter().any(|d| !(1..=365).contains(d)) {
            return Err("reminder_days: up to ten days, each 1 to 365".into());
        }
        for (field, value) in [
            (
                "objectives_on_track_percent",
                self.objectives_on_track_percent,
            ),
            ("awareness_percent", self.awareness_percent),
            ("acknowledgement_percent", self.acknowledgement_percent),
        ] {
            if !(1..=100).contains(&value) {
                return Err(format!("{field}: 1 to 100 per cent"));
            }
        }
        if !(1..=24).contains(&self.leadership_communication_months) {
            return Err("leadership_communication_months: 1 to 24".into());
        }
        if self.action_overdue_days > 365 || self.assignment_grace_days > 365 {
            return Err("action_overdue_days and assignment_grace_days: at most 365".into());
        }
        let mut hosts = Vec::new();
        for raw in &self.image_hosts {
            let host = raw.trim().trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() {
                continue;
            }
            if !is_host_name(&host) {
                return Err(format!(
                    "image_hosts: {raw:?} is not a host name (give it without https:// or a path, as in images.example.org)"
                ));
            }
            hosts.push(host);
        }
        hosts.sort_unstable();
        hosts.dedup();
        if hosts.len() > 20 {
            return Err("image_hosts: at most 20 hosts".into());
        }
        Ok(Self {
            reminder_days: days,
            image_hosts: hosts,
            ..self
        })
    }
}

/// A DNS name of letters, digits and hyphens, in dot-separated labels, with
/// at least one dot: no scheme, port, path or wildcard.
fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_settings_take_their_defaults_and_bad_ones_are_refused() {
        let s: OrgSettings = serde_json::from_str(r#"{"joiner_grace_days": 10}"#).expect("reads");
        assert_eq!(s.attestation_period_months, 3);
        assert!(s.validated().is_ok());
        let bad = OrgSettings {
            attestation_period_months: 4,
            ..OrgSettings::default()
        };
        assert!(bad.validated().is_err());
        assert!(serde_json::from_str::<OrgSettings>(r#"{"colour": 1}"#).is_err());
    }

    #[test]
    fn image_hosts_are_plain_host_names() {
        assert!(OrgSettings::default().image_hosts.is_empty());
        let with = |hosts: &[&str]| {
            OrgSettings {
                image_hosts: hosts.iter().map(|h| (*h).to_string()).collect(),
                ..OrgSettings::default()
            }
            .validated()
        };
        assert_eq!(
            with(&[
                " Images.Example.org ",
                "",
                "cdn.example.com",
                "images.example.org"
            ])
            .expect("valid")
            .image_hosts,
            vec!["cdn.example.com", "images.example.org"]
        );
        for bad in [
            "https://images.example.org",
            "images.example.org/x",
            "images.example.org:8443",
            "*.example.org",
            "localhost",
            "user@images.example.org",
        ] {
            assert!(with(&[bad]).is_err(), "{bad}");
        }
    }
}
