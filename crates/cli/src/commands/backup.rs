//! `mandate backup PATH` and `mandate restore PATH [--force]`.

use crate::args::{BackupArgs, RestoreArgs};
use crate::context::Context;
use crate::output::thousands;
use anyhow::Result;
use mandate_store::{Store, keyfile};
use std::process::ExitCode;

pub async fn backup(ctx: &Context, args: BackupArgs) -> Result<ExitCode> {
    let store = ctx.open_for_reading().await?;
    let summary = store.backup(&args.path).await?;
    println!(
        "Backed up {} rows ({} organisation(s), {} audit events) to {}.",
        thousands(summary.rows),
        summary.organisations,
        thousands(summary.audit_events),
        args.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(ctx: &Context, args: RestoreArgs) -> Result<ExitCode> {
    if !args.path.is_file() {
        anyhow::bail!("there is no backup file at {}", args.path.display());
    }
    // The key is not needed to restore, but if there is one it must match.
    let key = if ctx.key_path.exists() {
        Some(keyfile::load(&ctx.key_path)?)
    } else {
        None
    };
    let store = Store::open(&ctx.url, true, None).await?;
    let summary = store.restore(&args.path, args.force).await?;
    println!(
        "Restored {} rows ({} organisation(s)) from {} into {}.",
        thousands(summary.rows),
        summary.organisations,
        args.path.display(),
        ctx.url
    );
    match key {
        Some(key) => {
            store.close().await;
            if let Err(e) = Store::open(&ctx.url, false, Some(key)).await {
                eprintln!("warning: {e}");
            }
        }
        None => eprintln!(
            "warning: no signing key at {}: copy the deployment's key there before making changes",
            ctx.key_path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
