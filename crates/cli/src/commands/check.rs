//! `mandate check`: every Clause 5 requirement judged from the records, as
//! of today or a past day. Text for people (coloured on a terminal), JSON
//! for machines; exit 1 when any requirement is not met, so a pipeline can
//! gate on it.

use crate::args::{CheckArgs, CheckFormat};
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result};
use mandate_core::conformance::{Evaluation, Status};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub async fn run(ctx: &Context, args: CheckArgs) -> Result<ExitCode> {
    let today = mandate_core::timefmt::now().date();
    let day = match args.as_of.as_deref() {
        Some(text) => day(text, today)?,
        None => today,
    };
    let store = ctx.open_for_reading().await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let evaluation = mandate_app::conformance::evaluate_on(&store, org.id, day)
        .await
        .context("cannot evaluate the records")?;
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &evaluation)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            let colour = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            out.write_all(text(&evaluation, colour).as_bytes())?;
        }
    }
    Ok(if evaluation.any_not_met() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The day asked for with `--as-of` (a clap value parser would print three lines).
pub fn day(text: &str, today: time::Date) -> Result<time::Date> {
    mandate_core::conformance::parse_as_of(text, today).map_err(|e| anyhow::anyhow!("--as-of: {e}"))
}

fn paint(status: Status, colour: bool) -> String {
    let label = format!("{:<14}", status.label());
    if !colour {
        return label;
    }
    let code = match status {
        Status::Met => "32",
        Status::Partial => "33",
        Status::NotMet => "31;1",
        Status::NotApplicable => "2",
    };
    format!("\x1b[{code}m{label}\x1b[0m")
}

/// One line per rule, then what to do next for those not met, then the summary.
pub fn text(e: &Evaluation, colour: bool) -> String {
    let mut out = format!("{} — Clause 5 as of {}\n\n", e.organisation, e.as_of);
    for r in &e.rules {
        out.push_str(&format!(
            "{:<6} {} {}: {}\n",
            r.id,
            paint(r.status, colour),
            r.title,
            r.explanation
        ));
        if !r.next_step.is_empty() {
            out.push_str(&format!("{:<6} {:<14} next: {}\n", "", "", r.next_step));
        }
    }
    let s = e.summary;
    out.push_str(&format!(
        "\n{} met, {} partly met, {} not met, {} not applicable\n",
        s.met, s.partial, s.not_met, s.not_applicable
    ));
    out
}
