//! An organisation's single sign-on settings: one JSON document, and the
//! client secret beside it, sealed (see `crate::sealed`). Every save is
//! audited; the event says whether the secret changed, never what it is.

use super::super::Repo;
use super::super::batch::save_row;
use super::super::objectives::check_version;
use super::super::row_type::row_type;
use super::super::{Db, Transaction};
use crate::backend::{SecretChange, SsoConfig};
use crate::error::{Result, StoreError};
use crate::sealed;
use mandate_core::audit::{Actor, Change};
use mandate_core::sso::SsoSettings;
use mandate_core::{AccessRole, OrgId};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

const PURPOSE: &str = "sso_client_secret";

row_type!(SsoSettingsRow in "sso_settings" {
    org_id: Uuid,
    settings: String,
    client_secret_sealed: Option<String>,
    updated_at: OffsetDateTime,
    version: i64,
});

async fn load(tx: &mut Transaction<'static, Db>, org: OrgId) -> Result<Option<SsoSettingsRow>> {
    let sql = format!(
        "SELECT {} FROM sso_settings WHERE org_id = $1",
        super::super::row_type::columns(SsoSettingsRow::SELECT)
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The settings as saved (defaults when never saved), read in `tx`.
pub(super) async fn settings_in(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
) -> Result<SsoSettings> {
    match load(tx, org).await? {
        Some(row) => serde_json::from_str(&row.settings).map_err(StoreError::corrupt),
        None => Ok(SsoSettings::default()),
    }
}

fn audit_json(config: &SsoConfig) -> serde_json::Value {
    let mut value = serde_json::to_value(&config.settings).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "client_secret".into(),
            json!(if config.client_secret_set {
                "set"
            } else {
                "none"
            }),
        );
    }
    value
}

impl Repo {
    fn config_of(&self, org: OrgId, row: Option<SsoSettingsRow>) -> Result<SsoConfig> {
        let Some(row) = row else {
            return Ok(SsoConfig {
                settings: SsoSettings::default(),
                client_secret_set: false,
                client_secret_readable: false,
                version: 0,
                updated_at: None,
            });
        };
        let settings: SsoSettings =
            serde_json::from_str(&row.settings).map_err(StoreError::corrupt)?;
        let readable = match (&row.client_secret_sealed, self.key.as_deref()) {
            (Some(sealed), Some(key)) => sealed::open(key, org, PURPOSE, sealed).is_some(),
            _ => false,
        };
        Ok(SsoConfig {
            settings,
            client_secret_set: row.client_secret_sealed.is_some(),
            client_secret_readable: readable,
            version: row.version,
            updated_at: Some(row.updated_at),
        })
    }

    /// The settings (defaults, version 0, when never saved).
    pub async fn sso_settings(&self, org: OrgId) -> Result<SsoConfig> {
        let mut tx = self.begin_snapshot().await?;
        let row = load(&mut tx, org).await?;
        tx.commit().await?;
        self.config_of(org, row)
    }

    /// The organisations whose sign-in page offers a provider: slug,
    /// organisation name and provider name, by organisation name.
    pub async fn sso_offered(&self) -> Result<Vec<(String, String, String)>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT o.slug, o.name, s.settings FROM sso_settings s \
             JOIN organisations o ON o.org_id = s.org_id \
             WHERE s.client_secret_sealed IS NOT NULL ORDER BY o.name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(slug, name, settings)| {
                let settings: SsoSettings = serde_json::from_str(&settings).ok()?;
                settings
                    .enabled
                    .then_some((slug, name, settings.display_name))
            })
            .collect())
    }

    /// The client secret, opened; `None` when none is kept or it no longer
    /// opens (another signing key, or a read-only store).
    pub async fn sso_client_secret(&self, org: OrgId) -> Result<Option<String>> {
        let mut tx = self.begin_snapshot().await?;
        let row = load(&mut tx, org).await?;
        tx.commit().await?;
        let (Some(sealed), Some(key)) = (
            row.and_then(|r| r.client_secret_sealed),
            self.key.as_deref(),
        ) else {
            return Ok(None);
        };
        Ok(sealed::open(key, org, PURPOSE, &sealed))
    }

    /// Replaces the settings if their version is still `expected_version`
    /// (any version when `None`). Break-glass admins must be enabled admin
    /// logins with a password, and the provider can be on only with a
    /// client secret that opens.
    pub async fn save_sso_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        expected_version: Option<i64>,
        settings: SsoSettings,
        secret: SecretChange,
    ) -> Result<SsoConfig> {
        let settings = settings.validated().map_err(StoreError::Invalid)?;
        let key = self.key()?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let row = load(&mut tx, org).await?;
        let before = self.config_of(org, row.clone())?;
        check_version(
            "single sign-on configuration",
            before.version,
            expected_version,
        )?;
        for email in &settings.break_glass {
            let login: Option<(String, Option<String>, Option<OffsetDateTime>)> = sqlx::query_as(
                "SELECT access_role, password_hash, disabled_at FROM users WHERE org_id = $1 AND email = $2",
            )
            .bind(org.0)
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let fits =
                matches!(&login, Some((role, Some(_), None)) if role == AccessRole::Admin.as_str());
            if !fits {
                return Err(StoreError::Invalid(format!(
                    "{email} cannot be a break-glass admin: only an enabled admin login with a password can"
                )));
            }
        }
        let sealed = match secret {
            SecretChange::Keep => row.and_then(|r| r.client_secret_sealed),
            SecretChange::Remove => None,
            SecretChange::Set(plain) => {
                let plain = plain.trim();
                if plain.is_empty() || plain.len() > 1_000 {
                    return Err(StoreError::Invalid(
                        "the client secret needs 1 to 1,000 characters".into(),
                    ));
                }
                Some(sealed::seal(key, org, PURPOSE, plain).ok_or_else(|| {
                    StoreError::Invalid("the client secret could not be sealed: try again".into())
                })?)
            }
        };
        let readable = sealed
            .as_deref()
            .is_some_and(|s| sealed::open(key, org, PURPOSE, s).is_some());
        if settings.enabled && !readable {
            return Err(StoreError::Invalid(
                "sign-in through the provider needs its client secret: enter it".into(),
            ));
        }
        let after_row = SsoSettingsRow {
            org_id: org.0,
            settings: serde_json::to_string(&settings).map_err(StoreError::corrupt)?,
            client_secret_sealed: sealed,
            updated_at: chain.at(),
            version: before.version + 1,
        };
        save_row(&mut tx, &after_row, 1).await?;
        let after = self.config_of(org, Some(after_row))?;
        let mut change =
            Change::updated("sso_settings", org, audit_json(&before), audit_json(&after));
        if before.version == 0 {
            change.action = "create";
        }
        chain.record(change);
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}
