//! Manager attestations: a line manager attests once per period for their
//! area. Whether they are a line manager, and how big the team is, is
//! read at the moment they attest, as of the period's end (or today).

use super::super::Repo;
use super::super::kept;
use super::super::org_settings::load_settings;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::attestation::{
    Attestation, AttestationFields, Period, check_period_open,
};
use mandate_core::{AttestationId, OrgId, PersonId, User};
use time::Date;

/// How many direct reports `manager` had on `day` (personnel only).
pub(in super::super) async fn team_size(
    tx: &mut super::super::Transaction<'static, super::super::Db>,
    org: OrgId,
    manager: PersonId,
    day: Date,
) -> Result<i64> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM people WHERE org_id = $1 AND manager_id = $2 AND kind <> 'supplier' \
         AND (start_date IS NULL OR start_date <= $3) AND (end_date IS NULL OR end_date >= $3)",
    )
    .bind(org.0)
    .bind(manager.0)
    .bind(day)
    .fetch_one(&mut **tx)
    .await?;
    Ok(count)
}

impl Repo {
    /// `user` attests for their area for `period`, which must be one of the
    /// organisation's periods and have begun; once per manager and period.
    pub async fn attest(
        &self,
        actor: &Actor,
        org: OrgId,
        user: &User,
        period: Period,
        fields: AttestationFields,
    ) -> Result<Attestation> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        check_period_open(&period, today).map_err(StoreError::Invalid)?;
        let (settings, _) = load_settings(&mut tx, org).await?;
        let fiscal: (i32,) =
            sqlx::query_as("SELECT fiscal_year_start_month FROM organisations WHERE org_id = $1")
                .bind(org.0)
                .fetch_one(&mut *tx)
                .await?;
        let expected = Period::containing(
            period.starts_on,
            settings.attestation_period_months,
            u8::try_from(fiscal.0).unwrap_or(1),
        );
        if expected != period {
            return Err(StoreError::Invalid(format!(
                "period: the organisation's periods run {} months; the one containing {} is {}",
                settings.attestation_period_months,
                period.starts_on,
                expected.label()
            )));
        }
        let team = team_size(&mut tx, org, user.person_id, period.ends_on.min(today)).await?;
        if team == 0 {
            return Err(StoreError::Refused(
                "attestations are given by line managers for their team; nobody reports to you in this period".into(),
            ));
        }
        let attestation = Attestation {
            id: AttestationId::new(),
            org_id: org,
            manager_id: user.person_id,
            period,
            fields,
            team_size: u32::try_from(team).unwrap_or(u32::MAX),
            attested_by: user.id,
            attested_at: chain.at(),
            version: 1,
        };
        kept::save(&mut tx, &mut chain, None, &attestation, Some("attest"))
            .await
            .map_err(StoreError::on_unique(format!(
                "you have attested for {} already",
                period.label()
            )))?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(attestation)
    }

    /// Every attestation, latest period first.
    pub async fn attestations(&self, org: OrgId) -> Result<Vec<Attestation>> {
        kept::list(&self.pool, org).await
    }

    /// The attestations given for one period.
    pub async fn attestations_for(&self, org: OrgId, period: Period) -> Result<Vec<Attestation>> {
        kept::list_where(&self.pool, org, "period_start = $2", |q| {
            q.bind(period.starts_on)
        })
        .await
    }
}
