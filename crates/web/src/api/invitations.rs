//! `/api/v1/invitations`: mail people from the register a link with which
//! they choose a password and sign in, one person, a department or
//! everyone who cannot sign in yet at once.

use super::extract::ApiJson;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_app::identity::{InviteScope, Invited, invitable, invite};
use mandate_core::PersonId;
use mandate_core::timefmt::now;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Whom to invite: exactly one of the three.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationIn {
    /// Everyone in the register with no login (or one without a password)
    /// and no open invitation.
    #[serde(default)]
    pub everyone: bool,
    /// The people of this department (compared without case) who cannot
    /// sign in and have no open invitation.
    pub department: Option<String>,
    /// This person, even if an invitation to them is still open: the new
    /// one replaces it.
    pub person_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitedOut {
    /// Invitations queued (or, from `GET`, people an invitation of
    /// everyone would reach now).
    pub invited: usize,
    /// People left out because an invitation to them is still open.
    pub already_invited: usize,
}

impl From<Invited> for InvitedOut {
    fn from(i: Invited) -> Self {
        Self {
            invited: i.invited,
            already_invited: i.already_invited,
        }
    }
}

#[utoipa::path(get, operation_id = "invitations_summary", path = "/api/v1/invitations", tag = "people",
    responses((status = 200, body = InvitedOut)))]
pub async fn summary(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<InvitedOut>> {
    let reach = invitable(&state.store, viewer.user.org_id, now()).await?;
    Ok(Json(reach.counts.into()))
}

#[utoipa::path(post, operation_id = "invitations_create", path = "/api/v1/invitations", request_body = InvitationIn, tag = "people",
    responses((status = 200, body = InvitedOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<InvitationIn>,
) -> ApiResult<Json<InvitedOut>> {
    let scope = match (input.everyone, input.department, input.person_id) {
        (true, None, None) => InviteScope::Everyone,
        (false, Some(d), None) => InviteScope::Department(d),
        (false, None, Some(id)) => InviteScope::Person(PersonId(id)),
        _ => {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "give exactly one of everyone (true), department or person_id",
            ));
        }
    };
    let caller = viewer.caller();
    let done = invite(
        &state.store,
        &caller.actor(),
        caller.org(),
        &scope,
        caller.now,
    )
    .await?;
    Ok(Json(done.into()))
}
