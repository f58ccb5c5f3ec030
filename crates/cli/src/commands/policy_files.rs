//! Policy-as-code: `mandate export policies DIR` writes one Markdown file
//! per policy; `mandate import policies DIR` reads them back in one
//! transaction. Export then import changes nothing.

use crate::args::{ExportCommand, ExportPoliciesArgs, ImportPoliciesArgs};
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result, bail};
use mandate_core::Email;
use mandate_core::audit::Actor;
use mandate_report::policy_file::{self, FrontMatter};
use mandate_store::PolicyImport;
use std::collections::HashSet;
use std::process::ExitCode;

pub async fn export(ctx: &Context, command: ExportCommand) -> Result<ExitCode> {
    match command {
        ExportCommand::Policies(args) => export_policies(ctx, args).await,
        ExportCommand::Evidence(args) => super::evidence::export(ctx, args).await,
    }
}

async fn export_policies(ctx: &Context, args: ExportPoliciesArgs) -> Result<ExitCode> {
    let store = ctx.open_for_reading().await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let summaries = store.policy_summaries(org.id).await?;
    let mut names = HashSet::new();
    for summary in &summaries {
        let policy = &summary.policy;
        let versions = store.policy_versions(org.id, policy.id).await?;
        let newest = versions.first();
        let front = FrontMatter {
            id: Some(policy.id),
            title: policy.fields.title.clone(),
            kind: policy.fields.kind,
            parent: policy.fields.parent_id,
            owner_role: policy.fields.owner_role.clone(),
            review_interval_months: policy.fields.review_interval_months,
            audience: policy.fields.audience.clone(),
            public: policy.fields.public,
            approval: policy.fields.approval_rule.clone(),
            version: newest.map(|v| v.number),
            state: newest.map(|v| v.state),
            revision: newest.map(|v| v.version),
        };
        let text = policy_file::write(&front, newest.map_or("", |v| v.body.as_str()))
            .map_err(|e| anyhow::anyhow!("{}: {e}", policy.fields.title))?;
        // Two policies with one title get the id's first characters too.
        let mut name = policy_file::file_name(&policy.fields.title);
        if !names.insert(name.clone()) {
            name = name.replace(".md", &format!("-{}.md", &policy.id.to_string()[..8]));
            names.insert(name.clone());
        }
        let path = args.dir.join(&name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "Wrote {} policies of {} to {}.",
        summaries.len(),
        org.slug,
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn import(ctx: &Context, args: ImportPoliciesArgs) -> Result<ExitCode> {
    let entries = std::fs::read_dir(&args.dir)
        .with_context(|| format!("cannot read the directory {}", args.dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", args.dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "md") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("{} holds no .md files", args.dir.display());
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for path in &files {
        let source = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(format!("{source}: cannot read: {e}"));
                continue;
            }
        };
        match policy_file::read(&source, &text) {
            Ok((front, body)) => items.push(PolicyImport {
                source,
                id: front.id,
                fields: front.fields(),
                body,
                exported_from: front.exported_from(),
            }),
            Err(e) => errors.push(e),
        }
    }
    if let [only] = errors.as_slice() {
        bail!("{only}; nothing was imported");
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if !errors.is_empty() {
        bail!(
            "{} file(s) could not be read; nothing was imported",
            errors.len()
        );
    }
    let store = ctx.open_for_writing(false).await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let email = Email::parse(&args.author).map_err(|e| anyhow::anyhow!("--author: {e}"))?;
    let Some((author, _)) = store.user_by_email(org.id, &email).await? else {
        bail!("--author: {email} has no login in {}", org.slug);
    };
    let summary = store
        .import_policies(&Actor::system("import"), org.id, author.id, &items)
        .await?;
    println!(
        "Imported {} file(s) into {}: {} created, {} updated, {} new or changed drafts, {} unchanged.",
        items.len(),
        org.slug,
        summary.created,
        summary.updated,
        summary.new_drafts,
        summary.unchanged
    );
    Ok(ExitCode::SUCCESS)
}
