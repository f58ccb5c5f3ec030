//! The RACI matrix with its problems, computed once for the API and the page.

use crate::{AppResult, Caller};
use mandate_core::roles::{Raci, RoleId, check_row};
use mandate_store::Store;
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaciRoleOut {
    pub id: Uuid,
    pub name: String,
    /// Somebody holds the role today.
    pub held: bool,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaciRowOut {
    pub activity_id: Uuid,
    pub activity: String,
    /// One entry per role of `roles`, in the same order: "R", "A", "C", "I" or "".
    pub letters: Vec<String>,
    /// What is wrong with this row, in words; empty when it is sound.
    pub problems: Vec<String>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaciOut {
    pub roles: Vec<RaciRoleOut>,
    pub rows: Vec<RaciRowOut>,
}

pub async fn matrix(store: &Store, caller: &Caller) -> AppResult<RaciOut> {
    let org = caller.org();
    let today = caller.day();
    let roles = store.roles(org).await?;
    let held: HashSet<RoleId> = super::holders_on(store, org, today).await?.held_roles();
    let raci = store.raci(org).await?;
    let name_of = |id: RoleId| {
        roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| "a removed role".to_string(), |r| r.fields.name.clone())
    };
    let rows = raci
        .activities
        .iter()
        .map(|(activity, name)| {
            let cells: Vec<(RoleId, Raci)> = raci
                .cells
                .iter()
                .filter(|(a, _, _)| a == activity)
                .map(|(_, r, l)| (*r, *l))
                .collect();
            RaciRowOut {
                activity_id: *activity,
                activity: name.clone(),
                letters: roles
                    .iter()
                    .map(|r| {
                        cells
                            .iter()
                            .find(|(role, _)| *role == r.id)
                            .map_or("", |(_, l)| l.letter())
                            .to_string()
                    })
                    .collect(),
                problems: check_row(&cells, &held)
                    .iter()
                    .map(|p| p.describe(name_of))
                    .collect(),
            }
        })
        .collect();
    Ok(RaciOut {
        roles: roles
            .iter()
            .map(|r| RaciRoleOut {
                id: r.id,
                name: r.fields.name.clone(),
                held: held.contains(&r.id),
            })
            .collect(),
        rows,
    })
}
