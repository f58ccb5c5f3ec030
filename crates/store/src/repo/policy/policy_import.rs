//! Policy-as-code: a directory of Markdown files applied in one transaction.
//! A changed body becomes a new draft (or rewrites the open draft); changed
//! front matter updates the policy; an unchanged file changes nothing.

use super::super::Repo;
use super::super::policies::load_policy;
use super::super::policy_versions::load_versions;
use crate::backend::{PolicyImport, PolicyImportSummary};
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::policy::{PolicyKind, VersionState};
use mandate_core::{OrgId, PolicyId, UserId};
use std::collections::HashMap;

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
        let ordered = parents_first(items)?;
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
            if let (Some((number, revision)), Some(v)) = (item.exported_from, newest)
                && v.body != item.body
                && (v.number != number || v.version != revision)
            {
                return Err(StoreError::Conflict(format!(
                    "{}: written from version {number}, which has changed in Mandate since \
                     (now version {} {}): export again and reapply the change",
                    item.source,
                    v.number,
                    v.state.as_str().replace('_', " ")
                )));
            }
            match newest {
                Some(v) if v.body == item.body => {}
                // A policy exported before it had any text.
                None if item.body.trim().is_empty() => {}
                Some(v) if v.state == VersionState::Draft => {
                    self.rewrite_draft(
                        &mut tx,
                        &mut chain,
                        v,
                        author,
                        &item.body,
                        &v.change_summary.clone(),
                        None,
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

/// The items in an order where every parent comes before its children, so
/// new policies can sit under other new policies. Refuses two files with
/// one id, and parents that form a loop.
fn parents_first(items: &[PolicyImport]) -> Result<Vec<&PolicyImport>> {
    let mut seen: HashMap<PolicyId, &str> = HashMap::new();
    for item in items {
        if let Some(id) = item.id
            && let Some(other) = seen.insert(id, &item.source)
        {
            return Err(StoreError::Invalid(format!(
                "{} and {other} both hold the policy {id}: keep one",
                item.source
            )));
        }
    }
    let mut pending: Vec<&PolicyImport> = items.iter().collect();
    let mut ordered = Vec::with_capacity(items.len());
    while !pending.is_empty() {
        let waiting: Vec<PolicyId> = pending.iter().filter_map(|i| i.id).collect();
        let (ready, rest): (Vec<&PolicyImport>, Vec<&PolicyImport>) =
            pending.into_iter().partition(|i| {
                i.fields
                    .parent_id
                    .is_none_or(|p| !waiting.contains(&p) || Some(p) == i.id)
            });
        if ready.is_empty() {
            return Err(StoreError::Invalid(format!(
                "{}: its parent is one of the policies under it",
                rest[0].source
            )));
        }
        ordered.extend(ready);
        pending = rest;
    }
    // The top-level policy first: a second one is then named where it is.
    ordered.sort_by_key(|i| i.fields.kind != PolicyKind::TopLevel);
    Ok(ordered)
}
