//! `/users/sso`: an admin connects the organisation's OpenID provider:
//! issuer, client, claims, group mappings, and whether passwords stay on;
//! and tests the connection before turning it on.

use super::{Layout, PageError, render_with};
use crate::api::sso::{RoleMappingWire, SsoSettingsIn, apply};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::identity::sso::{redirect_uri, test_sso};
use mandate_store::SsoConfig;
use serde::Deserialize;

/// The form's fields as text, as typed or as kept.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SsoForm {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    remove_client_secret: Option<String>,
    #[serde(default)]
    scopes: String,
    #[serde(default)]
    email_claim: String,
    #[serde(default)]
    trust_email: Option<String>,
    #[serde(default)]
    groups_claim: String,
    /// One `group = role` a line.
    #[serde(default)]
    role_mappings: String,
    #[serde(default)]
    passwords: String,
    /// One email a line.
    #[serde(default)]
    break_glass: String,
    #[serde(default)]
    version: Option<i64>,
}

impl SsoForm {
    fn from_config(config: &SsoConfig) -> Self {
        let s = &config.settings;
        let on = |b: bool| b.then(|| "on".to_string());
        Self {
            enabled: on(s.enabled),
            display_name: s.display_name.clone(),
            issuer: s.issuer.clone(),
            client_id: s.client_id.clone(),
            client_secret: String::new(),
            remove_client_secret: None,
            scopes: s.scopes.join(" "),
            email_claim: s.email_claim.clone(),
            trust_email: on(s.trust_email),
            groups_claim: s.groups_claim.clone().unwrap_or_default(),
            role_mappings: s
                .role_mappings
                .iter()
                .map(|m| format!("{} = {}", m.group, m.role))
                .collect::<Vec<_>>()
                .join("\n"),
            passwords: s.passwords.as_str().to_string(),
            break_glass: s
                .break_glass
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            version: Some(config.version),
        }
    }

    fn into_input(self) -> Result<SsoSettingsIn, String> {
        let role_mappings = self
            .role_mappings
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (group, role) = line.rsplit_once('=').ok_or_else(|| {
                    format!("{line:?}: a group mapping is written \"group = role\"")
                })?;
                Ok(RoleMappingWire {
                    group: group.trim().to_string(),
                    role: role.trim().to_string(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let secret = self.client_secret.trim().to_string();
        Ok(SsoSettingsIn {
            enabled: self.enabled.is_some(),
            display_name: self.display_name,
            issuer: self.issuer,
            client_id: self.client_id,
            client_secret: (!secret.is_empty()).then_some(secret),
            remove_client_secret: self.remove_client_secret.is_some(),
            scopes: Some(vec![self.scopes]),
            email_claim: Some(self.email_claim).filter(|c| !c.trim().is_empty()),
            trust_email: self.trust_email.is_some(),
            groups_claim: Some(self.groups_claim).filter(|c| !c.trim().is_empty()),
            role_mappings,
            passwords: Some(self.passwords),
            break_glass: self
                .break_glass
                .split(['\n', ','])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect(),
            version: self.version,
        })
    }
}

#[derive(Template)]
#[template(path = "sso_settings.html")]
struct SsoPage {
    layout: Layout,
    form: SsoForm,
    redirect_uri: String,
    secret_set: bool,
    secret_readable: bool,
    error: Option<String>,
    checks: Vec<String>,
    test_error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    form: Option<SsoForm>,
    error: Option<String>,
    checks: Vec<String>,
    test_error: Option<String>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, "Single sign-on", "/users")
        .await?
        .with_notice(notice);
    let config = state.store.sso_settings(viewer.user.org_id).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SsoPage {
        layout,
        form: form.unwrap_or_else(|| SsoForm::from_config(&config)),
        redirect_uri: redirect_uri(&state.config.mail.public_url),
        secret_set: config.client_secret_set,
        secret_readable: config.client_secret_readable,
        error,
        checks,
        test_error,
    };
    let mut response = render_with(status, &page);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    page(
        &state,
        &viewer,
        params.notice.as_deref(),
        None,
        None,
        Vec::new(),
        None,
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SsoForm>,
) -> Result<Response, PageError> {
    let mut kept = form.clone();
    kept.client_secret = String::new();
    let input = match form.into_input() {
        Ok(input) => input,
        Err(error) => {
            return page(
                &state,
                &viewer,
                None,
                Some(kept),
                Some(error),
                Vec::new(),
                None,
            )
            .await;
        }
    };
    match apply(&state, &viewer, input).await {
        Ok(_) => Ok(Redirect::to("/users/sso?notice=saved").into_response()),
        Err(problem) => {
            page(
                &state,
                &viewer,
                None,
                Some(kept),
                Some(problem.detail),
                Vec::new(),
                None,
            )
            .await
        }
    }
}

/// Tests the saved settings against the provider.
pub async fn test(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    match test_sso(
        &state.store,
        viewer.user.org_id,
        &state.config.mail.public_url,
    )
    .await
    {
        Ok(checks) => page(&state, &viewer, None, None, None, checks, None).await,
        Err(failure) => {
            page(
                &state,
                &viewer,
                None,
                None,
                None,
                Vec::new(),
                Some(failure.plain()),
            )
            .await
        }
    }
}
