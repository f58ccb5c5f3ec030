//! A policy's versions as they stood at an instant, from their dates: which
//! one was in force, and what state each was in. What the dates cannot tell
//! (whether a version not yet approved had been submitted) is read from its
//! state now: one in review or beyond was in review, else a draft.

use super::VersionState;
use time::OffsetDateTime;

/// The dates of a version that its history is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionTimes {
    pub number: i32,
    pub state: VersionState,
    pub created_at: OffsetDateTime,
    pub approved_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
    /// For a retired version, when it was retired.
    pub updated_at: OffsetDateTime,
}

/// The number of the version in force just before `end`: the last one
/// published by then, unless it had been retired by then.
pub fn in_force_at(versions: &[VersionTimes], end: OffsetDateTime) -> Option<i32> {
    let latest = versions
        .iter()
        .filter(|v| v.published_at.is_some_and(|p| p < end))
        .max_by_key(|v| v.published_at)?;
    let retired = latest.state == VersionState::Retired && latest.updated_at < end;
    (!retired).then_some(latest.number)
}

/// The state of `v` just before `end`, or None if it had not been written.
pub fn state_at(
    v: &VersionTimes,
    in_force: Option<i32>,
    end: OffsetDateTime,
) -> Option<VersionState> {
    if v.created_at >= end {
        return None;
    }
    let retired_by_then = v.state == VersionState::Retired && v.updated_at < end;
    Some(if retired_by_then {
        VersionState::Retired
    } else if v.published_at.is_some_and(|p| p < end) {
        if in_force == Some(v.number) {
            VersionState::Published
        } else {
            VersionState::Superseded
        }
    } else if v.approved_at.is_some_and(|a| a < end) {
        VersionState::Approved
    } else if v.state == VersionState::Draft {
        VersionState::Draft
    } else {
        VersionState::InReview
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn v(
        number: i32,
        state: VersionState,
        created: OffsetDateTime,
        approved: Option<OffsetDateTime>,
        published: Option<OffsetDateTime>,
    ) -> VersionTimes {
        VersionTimes {
            number,
            state,
            created_at: created,
            approved_at: approved,
            published_at: published,
            updated_at: published.unwrap_or(created),
        }
    }

    #[test]
    fn the_version_in_force_and_each_state_follow_the_dates() {
        let v1 = v(
            1,
            VersionState::Superseded,
            datetime!(2025-01-01 9:00 UTC),
            Some(datetime!(2025-01-10 9:00 UTC)),
            Some(datetime!(2025-01-11 9:00 UTC)),
        );
        let v2 = v(
            2,
            VersionState::Published,
            datetime!(2025-06-01 9:00 UTC),
            Some(datetime!(2025-06-20 9:00 UTC)),
            Some(datetime!(2025-07-01 9:00 UTC)),
        );
        let v3 = v(
            3,
            VersionState::InReview,
            datetime!(2025-11-01 9:00 UTC),
            None,
            None,
        );
        let all = [v1, v2, v3];
        let before = datetime!(2025-01-05 0:00 UTC);
        assert_eq!(in_force_at(&all, before), None);
        assert_eq!(state_at(&v1, None, before), Some(VersionState::InReview));
        assert_eq!(state_at(&v2, None, before), None, "not written yet");

        let spring = datetime!(2025-03-01 0:00 UTC);
        assert_eq!(in_force_at(&all, spring), Some(1));
        assert_eq!(
            state_at(&v1, Some(1), spring),
            Some(VersionState::Published)
        );

        let june = datetime!(2025-06-25 0:00 UTC);
        assert_eq!(state_at(&v2, Some(1), june), Some(VersionState::Approved));

        let now = datetime!(2025-12-01 0:00 UTC);
        assert_eq!(in_force_at(&all, now), Some(2));
        assert_eq!(state_at(&v1, Some(2), now), Some(VersionState::Superseded));
        assert_eq!(state_at(&v3, Some(2), now), Some(VersionState::InReview));
    }

    #[test]
    fn a_retired_version_is_in_force_until_it_is_retired() {
        let mut only = v(
            1,
            VersionState::Retired,
            datetime!(2025-01-01 9:00 UTC),
            Some(datetime!(2025-01-02 9:00 UTC)),
            Some(datetime!(2025-01-03 9:00 UTC)),
        );
        only.updated_at = datetime!(2025-05-01 9:00 UTC);
        let all = [only];
        assert_eq!(in_force_at(&all, datetime!(2025-04-01 0:00 UTC)), Some(1));
        assert_eq!(in_force_at(&all, datetime!(2025-06-01 0:00 UTC)), None);
        assert_eq!(
            state_at(&only, None, datetime!(2025-06-01 0:00 UTC)),
            Some(VersionState::Retired)
        );
    }
}
