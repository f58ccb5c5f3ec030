//! The users page: logins and their access roles; admins add and change them.

use super::page_path::PagePath;
use super::{Layout, PageError, render_with};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::{AccessRole, Email, Permission, UserId};
use serde::Deserialize;
use uuid::Uuid;

pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserView>,
    roles: Vec<&'static str>,
    can_manage: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, "Users", "/users")
        .await?
        .live()
        .with_notice(notice);
    let users = state
        .store
        .users(viewer.user.org_id)
        .await?
        .into_iter()
        .map(|u| UserView {
            id: u.id.to_string(),
            email: u.email.to_string(),
            role: u.access_role.as_str(),
            disabled: u.disabled_at.is_some(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = UsersPage {
        layout,
        users,
        roles: AccessRole::ALL.iter().map(|r| r.as_str()).collect(),
        can_manage: viewer.may(Permission::ManageUsers),
        error,
    };
    Ok(render_with(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    page(&state, &viewer, params.notice.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct NewLoginForm {
    email: String,
    access_role: String,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NewLoginForm>,
) -> Result<Response, PageError> {
    let person = match Email::parse(&form.email) {
        Ok(email) => {
            state
                .store
                .person_by_email(viewer.user.org_id, &email)
                .await?
        }
        Err(e) => return page(&state, &viewer, None, Some(e.to_string())).await,
    };
    let Some(person) = person else {
        return page(
            &state,
            &viewer,
            None,
            Some(format!(
                "nobody in the people register has the email {}",
                form.email.trim()
            )),
        )
        .await;
    };
    let Ok(role) = form.access_role.parse::<AccessRole>() else {
        return page(&state, &viewer, None, Some("choose an access role".into())).await;
    };
    match crate::api::users::add_login(&state, &viewer, person.id, role, form.password).await {
        Ok(_) => Ok(Redirect::to("/users?notice=login").into_response()),
        Err(problem) => page(&state, &viewer, None, Some(problem.detail)).await,
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    access_role: String,
    status: String,
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let Ok(role) = form.access_role.parse::<AccessRole>() else {
        return page(&state, &viewer, None, Some("choose an access role".into())).await;
    };
    match mandate_app::people::change_login(
        &state.store,
        &viewer.caller(),
        UserId(id),
        role,
        form.status == "disabled",
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/users?notice=changed").into_response()),
        Err(mandate_app::AppError::Invalid(message)) => {
            page(&state, &viewer, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}
