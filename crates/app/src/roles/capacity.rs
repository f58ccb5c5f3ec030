//! The capacity set aside for each ISMS role: who holds it with what share
//! of their time, and whether a role that needs capacity has any.

use crate::AppResult;
use mandate_core::OrgId;
use mandate_core::commitment::resources::capacity_on;
use mandate_store::Store;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderShare {
    pub person_id: Uuid,
    pub name: String,
    /// Share of their time, in per cent; absent when none is set.
    pub capacity_percent: Option<u8>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleCapacityOut {
    pub role_id: Uuid,
    pub role: String,
    /// A 5.3 duty or a critical role: it needs capacity allocated.
    pub mandatory: bool,
    /// Held with a share of someone's time set aside.
    pub allocated: bool,
    pub fte: f64,
    pub holders: Vec<HolderShare>,
}

/// Capacity per ISMS role on `today`, with holders' names (5.1 c).
pub async fn role_capacity(
    store: &Store,
    org: OrgId,
    today: Date,
) -> AppResult<Vec<RoleCapacityOut>> {
    let roles = store.roles(org).await?;
    let assignments = store.assignments(org, None).await?;
    let lines = capacity_on(&roles, &assignments, today);
    let names = store
        .person_names(
            org,
            lines
                .iter()
                .flat_map(|l| l.holders.iter().map(|h| h.0))
                .collect(),
        )
        .await?;
    Ok(lines
        .into_iter()
        .map(|l| RoleCapacityOut {
            role_id: l.role_id,
            allocated: l.allocated(),
            role: l.role,
            mandatory: l.mandatory,
            fte: l.fte,
            holders: l
                .holders
                .iter()
                .map(|(p, share)| HolderShare {
                    person_id: p.0,
                    name: names.get(p).cloned().unwrap_or_default(),
                    capacity_percent: *share,
                })
                .collect(),
        })
        .collect())
}
