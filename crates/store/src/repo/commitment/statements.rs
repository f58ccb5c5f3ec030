//! Leadership statements (5.1 d): written by the ISMS manager, signed by
//! the named top-management members (each signature bound to the text by
//! its digest), then published, superseding the statement published before.

use super::super::Repo;
use super::super::decision_authority::authority_for;
use super::super::decision_authority::holds_flagged_role;
use super::super::kept;
use super::super::objectives::must_exist;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::statement::{LeadershipStatement, StatementFields};
use mandate_core::policy::authority::Authority;
use mandate_core::{OrgId, StatementId, User};

impl Repo {
    /// Creates a statement, or edits one not yet published (a changed text
    /// asks every signatory to sign again). Signatories hold a
    /// top-management role today.
    pub async fn save_statement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<StatementId>,
        expected_version: Option<i64>,
        fields: StatementFields,
    ) -> Result<LeadershipStatement> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        for person in &fields.signatories {
            must_exist(&mut tx, "people", "person_id", org, person.0, "signatories").await?;
            if !holds_flagged_role(&mut tx, org, *person, today, "top_management").await? {
                return Err(StoreError::Invalid(format!(
                    "signatories: {person} holds no top-management role today; the statement is signed by top management"
                )));
            }
        }
        let before: Option<LeadershipStatement> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let after = match &before {
            Some(before) => before
                .edited(fields, chain.at())
                .map_err(StoreError::Conflict)?,
            None => LeadershipStatement::new(org, fields, chain.at()),
        };
        kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// `signer` signs the text whose digest they read, with the authority
    /// to sign it from a top-management role held today.
    pub async fn sign_statement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: StatementId,
        signer: &User,
        read_sha256: &str,
    ) -> Result<LeadershipStatement> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: LeadershipStatement = kept::load(&mut tx, org, id.0).await?;
        if read_sha256 != before.body_sha256 {
            return Err(StoreError::Conflict(
                "the text changed since you read it: read the current text and sign that".into(),
            ));
        }
        let authority = authority_for(
            &mut tx,
            org,
            signer,
            Authority::SignLeadershipStatement,
            chain.at().date(),
        )
        .await?;
        let after = before
            .signed(signer.person_id, read_sha256, authority, chain.at())
            .map_err(StoreError::Refused)?;
        kept::save(&mut tx, &mut chain, Some(&before), &after, Some("sign")).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Publishes a fully signed statement; the one published before is
    /// superseded in the same transaction.
    pub async fn publish_statement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: StatementId,
        published_where: &str,
    ) -> Result<LeadershipStatement> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: LeadershipStatement = kept::load(&mut tx, org, id.0).await?;
        let after = before
            .published(published_where, chain.at())
            .map_err(StoreError::Invalid)?;
        let others: Vec<LeadershipStatement> = kept::list_in(&mut tx, org).await?;
        for old in others
            .iter()
            .filter(|s| s.id != id && s.published_at.is_some() && s.superseded_at.is_none())
        {
            let superseded = LeadershipStatement {
                superseded_at: Some(chain.at()),
                updated_at: chain.at(),
                version: old.version + 1,
                ..old.clone()
            };
            kept::save(
                &mut tx,
                &mut chain,
                Some(old),
                &superseded,
                Some("supersede"),
            )
            .await?;
        }
        kept::save(&mut tx, &mut chain, Some(&before), &after, Some("publish")).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every statement, newest first.
    pub async fn statements(&self, org: OrgId) -> Result<Vec<LeadershipStatement>> {
        kept::list(&self.pool, org).await
    }
}
