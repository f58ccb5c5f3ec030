//! `mandate tick`: the background work of `mandate serve`, once, for a
//! deployment that runs it from cron: reconcile acknowledgement campaigns,
//! queue the day's digests, and send what is queued if SMTP is configured.

use crate::context::Context;
use anyhow::Result;
use std::process::ExitCode;

pub async fn run(ctx: &Context) -> Result<ExitCode> {
    let store = ctx.open_for_writing(false).await?;
    let summary = mandate_notify::tick(&store, &ctx.mail).await?;
    println!(
        "{} organisation(s): {} acknowledgement(s) newly owed, {} released, {} message(s) queued",
        summary.organisations, summary.owed, summary.released, summary.queued
    );
    if summary.filed > 0 {
        println!(
            "{} confidential feedback submission(s) of earlier days filed",
            summary.filed
        );
    }
    if summary.uncertain > 0 {
        println!(
            "{} message(s) may or may not have been sent; they are marked uncertain in the outbox",
            summary.uncertain
        );
    }
    match &ctx.mail.smtp_url {
        Some(url) => {
            let sender = mandate_notify::Sender::new(url, &ctx.mail)?;
            let sent = sender.drain(&store).await?;
            println!("{sent} message(s) sent");
        }
        None => println!("No SMTP server is configured: the mail waits in the outbox"),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
