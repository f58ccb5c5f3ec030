//! `mandate audit verify|checkpoint|export|public-key`.

use super::audit_file;
use crate::args::{AuditCommand, ExportArgs, OrgArg, VerifyArgs};
use crate::context::{Context, organisations};
use crate::output::thousands;
use anyhow::{Context as _, Result};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

pub async fn run(ctx: &Context, command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify(args) => verify(ctx, args).await,
        AuditCommand::Checkpoint(args) => checkpoint(ctx, args).await,
        AuditCommand::Export(args) => export(ctx, args).await,
        AuditCommand::PublicKey => {
            println!("{}", ctx.signing_key()?.public_key());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(ctx: &Context, args: VerifyArgs) -> Result<ExitCode> {
    let key = ctx.public_key(args.public_key.as_deref())?;
    if let Some(file) = &args.file {
        return audit_file::verify(file, &key);
    }
    let store = ctx.open_for_reading().await?;
    let orgs = organisations(&store, args.org.as_deref()).await?;
    let mut tampered = false;
    for org in orgs {
        let started = Instant::now();
        match store.verify_chain(org.id, &key).await? {
            Ok(report) => println!(
                "{}: {} events and {} checkpoints verified; head at event {} ({}) [{:.2} s]",
                org.slug,
                thousands(report.events as u64),
                thousands(report.checkpoints as u64),
                report.head.seq,
                short(&report.head.hash),
                started.elapsed().as_secs_f64()
            ),
            Err(tamper) => {
                tampered = true;
                eprintln!("{}: TAMPERED: {tamper}", org.slug);
            }
        }
    }
    Ok(if tampered {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn checkpoint(ctx: &Context, args: OrgArg) -> Result<ExitCode> {
    let store = ctx.open_for_writing(false).await?;
    for org in organisations(&store, args.org.as_deref()).await? {
        match store.checkpoint_now(org.id).await? {
            Some(cp) => println!(
                "{}: checkpoint at event {} ({}) signed",
                org.slug,
                cp.seq,
                short(&cp.head_hash)
            ),
            None => println!("{}: the chain is empty; nothing to checkpoint", org.slug),
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn export(ctx: &Context, args: ExportArgs) -> Result<ExitCode> {
    let store = ctx.open_for_reading().await?;
    let orgs = organisations(&store, args.org.as_deref()).await?;
    let partial = args.out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut events = 0;
    let result: Result<()> = async {
        for org in &orgs {
            events += store
                .export_chain(org.id, org.slug.as_str(), &mut |line| {
                    serde_json::to_writer(&mut out, line)?;
                    out.write_all(b"\n")
                })
                .await?;
        }
        out.flush()?;
        out.get_ref().sync_all()?;
        std::fs::rename(&partial, &args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    println!(
        "Exported {} events of {} organisation(s) to {}.",
        thousands(events),
        orgs.len(),
        args.out.display()
    );
    if let Ok(key) = ctx.signing_key() {
        println!(
            "Verify it with: mandate audit verify --file {} --public-key {}",
            args.out.display(),
            key.public_key()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn short(hash: &str) -> String {
    format!("{}…", &hash[..hash.len().min(12)])
}
