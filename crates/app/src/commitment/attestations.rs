//! Manager attestations (5.1 h): the organisation's attestation periods,
//! a line manager attesting for one, and who has and has not for a period.

use crate::people::Area;
use crate::{AppResult, Caller};
use mandate_core::OrgId;
use mandate_core::commitment::attestation::{
    Attestation, AttestationFields, Period, attestation_status,
};
use mandate_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The organisation's attestation period length and fiscal start month.
pub async fn period_settings(store: &Store, org: OrgId) -> AppResult<(u8, u8)> {
    let (settings, _) = store.org_settings(org).await?;
    let start = store
        .organisation(org)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month);
    Ok((settings.attestation_period_months, start))
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttestationOut {
    pub id: Uuid,
    pub manager_id: Uuid,
    pub manager: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_end: Date,
    pub team_trained: bool,
    pub policies_acknowledged: bool,
    pub access_reviewed: bool,
    pub comments: String,
    pub team_size: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub attested_at: OffsetDateTime,
}

pub fn attestation_out(a: &Attestation, manager: String) -> AttestationOut {
    AttestationOut {
        id: a.id.0,
        manager_id: a.manager_id.0,
        manager,
        period_start: a.period.starts_on,
        period_end: a.period.ends_on,
        team_trained: a.fields.team_trained,
        policies_acknowledged: a.fields.policies_acknowledged,
        access_reviewed: a.fields.access_reviewed,
        comments: a.fields.comments.clone(),
        team_size: a.team_size,
        attested_at: a.attested_at,
    }
}

/// The caller attests for the period containing `on`, as a line manager;
/// the store checks, in the transaction, that they are one.
pub async fn attest(
    store: &Store,
    caller: &Caller,
    on: Date,
    fields: AttestationFields,
) -> AppResult<AttestationOut> {
    let org = caller.org();
    let (months, start) = period_settings(store, org).await?;
    let period = Period::containing(on, months, start);
    let kept = store
        .attest(&caller.actor(), org, &caller.user, period, fields)
        .await?;
    let name = store
        .person(org, kept.manager_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(attestation_out(&kept, name))
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutstandingOut {
    pub person_id: Uuid,
    pub name: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodStatusOut {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_end: Date,
    /// Line managers at the period's end (or today).
    pub managers: usize,
    pub attested: usize,
    /// Attested with something not in order.
    pub with_exceptions: usize,
    pub outstanding: Vec<OutstandingOut>,
    pub attestations: Vec<AttestationOut>,
}

/// Who has attested for the period containing `on`, as of today, among
/// the line managers of `area` (a line manager reads their own area's).
pub async fn period_status(
    store: &Store,
    org: OrgId,
    on: Date,
    today: Date,
    area: &Area,
) -> AppResult<PeriodStatusOut> {
    let (months, start) = period_settings(store, org).await?;
    let period = Period::containing(on, months, start);
    let mut people = store.people_all(org).await?;
    people.retain(|p| area.contains(p.id));
    let mut all = store.attestations(org).await?;
    all.retain(|a| area.contains(a.manager_id));
    let status = attestation_status(&people, &all, period, today);
    let names: HashMap<_, _> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let name = |p| names.get(&p).cloned().unwrap_or_default();
    Ok(PeriodStatusOut {
        period_start: period.starts_on,
        period_end: period.ends_on,
        managers: status.managers,
        attested: status.attested,
        with_exceptions: status.with_exceptions,
        outstanding: status
            .outstanding
            .iter()
            .map(|p| OutstandingOut {
                person_id: p.0,
                name: name(*p),
            })
            .collect(),
        attestations: all
            .iter()
            .filter(|a| a.period == period)
            .map(|a| attestation_out(a, name(a.manager_id)))
            .collect(),
    })
}
