//! Policy-as-code: a directory of Markdown files applied in one transaction.
//! A changed body becomes a new draft (or rewrites the open draft); changed
//! front matter updates the policy; an unchanged file changes nothing.

use super::Repo;
use super::policies::load_policy;
use super::policy_versions::load_versions;
use crate::backend::{PolicyImport, PolicyImportSummary};
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::policy::{PolicyKind, VersionState};
use mandate_core::{OrgId, UserId};

impl Repo {
    /// Applies `items` as written by `author`: all of them, or none.
    pub async fn import_policies(
        &self,
        actor: &Actor,
        org: OrgId,
        author: UserId,
        items: &[PolicyImport],
    ) -> Result<PolicyImportSummary> {
        let mut summary = PolicyImportSummary::default();
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        // Parents before children: the top-level policy first, then the rest.
        let mut ordered: Vec<&PolicyImport> = items.iter().collect();
        ordered.sort_by_key(|i| i.fields.kind != PolicyKind::TopLevel);
        for item in ordered {
            let in_file = |e: StoreError| match e {
                StoreError::Invalid(m) | StoreError::Conflict(m) => {
                    StoreError::Invalid(format!("{}: {m}", item.source))
                }
                other => other,
            };
            let counted = (summary.created, summary.updated, summary.new_drafts);
            let existing = match item.id {
                Some(id) => match load_policy(&mut tx, org, id).await {
                    Ok(p) => Some(p),
                    Err(StoreError::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                },
                None => None,
            };
            let policy = match existing {
                None => {
                    let id = item.id.unwrap_or_default();
                    summary.created += 1;
                    self.insert_policy(&mut tx, &mut chain, org, id, item.fields.clone())
                        .await
                        .map_err(in_file)?
                }
                Some(before) => {
                    let wanted = item
                        .fields
                        .clone()
                        .validated()
                        .map_err(|e| StoreError::Invalid(format!("{}: {e}", item.source)))?;
                    if wanted == before.fields {
                        before
                    } else {
                        summary.updated += 1;
                        self.replace_policy(&mut tx, &mut chain, &before, wanted)
                            .await
                            .map_err(in_file)?
                    }
                }
            };
            let versions = load_versions(&mut tx, org, policy.id).await?;
            let newest = versions.first();
            match newest {
                Some(v) if v.body == item.body => {}
                // A policy exported before it had any text.
                None if item.body.trim().is_empty() => {}
                Some(v) if v.state == VersionState::Draft => {
                    self.rewrite_draft(
                        &mut tx,
                        &mut chain,
                        v,
                        &item.body,
                        &v.change_summary.clone(),
                    )
                    .await
                    .map_err(in_file)?;
                    summary.new_drafts += 1;
                }
                _ => {
                    self.insert_draft(
                        &mut tx,
                        &mut chain,
                        &policy,
                        author,
                        &item.body,
                        &format!("Imported from {}", item.source),
                    )
                    .await
                    .map_err(in_file)?;
                    summary.new_drafts += 1;
                }
            }
            if counted == (summary.created, summary.updated, summary.new_drafts) {
                summary.unchanged += 1;
            }
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }
}
