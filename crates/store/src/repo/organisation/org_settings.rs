//! Organisation settings: one JSON object per organisation, defaults for
//! whatever was never set, every change audited.

use super::super::Repo;
use super::super::batch::save_row;
use super::super::commitment_rows::SettingsRow;
use super::super::objectives::check_version;
use super::super::{Db, Transaction};
use crate::error::{Result, StoreError};
use mandate_core::OrgId;
use mandate_core::audit::{Actor, Change};
use mandate_core::settings::OrgSettings;

/// The settings and their version (0 when never saved).
pub(in super::super) async fn load_settings(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
) -> Result<(OrgSettings, i64)> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "SELECT org_id, settings, updated_at, version FROM org_settings WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => Ok((row.settings()?, row.version)),
        None => Ok((OrgSettings::default(), 0)),
    }
}

impl Repo {
    /// The settings and their version (0 when never saved).
    pub async fn org_settings(&self, org: OrgId) -> Result<(OrgSettings, i64)> {
        let mut tx = self.begin_snapshot().await?;
        let found = load_settings(&mut tx, org).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Replaces the settings if their version is still `expected_version`.
    pub async fn set_org_settings(
        &self,
        actor: &Actor,
        org: OrgId,
        expected_version: i64,
        settings: OrgSettings,
    ) -> Result<(OrgSettings, i64)> {
        let settings = settings.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let (before, version) = load_settings(&mut tx, org).await?;
        check_version("settings", version, Some(expected_version))?;
        let row = SettingsRow {
            org_id: org.0,
            settings: serde_json::to_string(&settings).unwrap_or_default(),
            updated_at: chain.at(),
            version: version + 1,
        };
        save_row(&mut tx, &row, 1).await?;
        let json = |s: &OrgSettings| serde_json::to_value(s).unwrap_or_default();
        chain.record(Change::updated(
            "settings",
            org,
            json(&before),
            json(&settings),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((settings, version + 1))
    }
}
