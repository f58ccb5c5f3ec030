//! `mandate import people FILE.csv`: validate every row, then import all of
//! them in one transaction, or none.

use crate::args::{ImportCommand, ImportPeopleArgs};
use crate::context::{Context, organisation};
use crate::output::{progress_bar, thousands};
use anyhow::{Context as _, Result};
use mandate_core::audit::Actor;
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use std::process::ExitCode;

pub async fn run(ctx: &Context, command: ImportCommand) -> Result<ExitCode> {
    match command {
        ImportCommand::People(args) => people(ctx, args).await,
        ImportCommand::Policies(args) => super::policy_files::import(ctx, args).await,
    }
}

async fn people(ctx: &Context, args: ImportPeopleArgs) -> Result<ExitCode> {
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let parsed = mandate_report::people_csv::parse(std::io::BufReader::new(file))
        .with_context(|| format!("{}", args.file.display()))?;
    let store = ctx.open_for_writing(false).await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let existing = store.people_all(org.id).await?;
    let (plan, plan_errors) = plan_import(org.id, &existing, &parsed.rows, now());
    let mut errors = parsed.errors;
    errors.extend(plan_errors);
    errors.sort_by_key(|e| e.line);

    let name = args.file.display();
    for e in errors
        .iter()
        .take(mandate_core::import::MAX_LISTED_PROBLEMS)
    {
        eprintln!(
            "{name}: line {}: {}",
            e.line,
            mandate_core::import::shortened(&e.message)
        );
    }
    if let Some(more) = errors
        .len()
        .checked_sub(mandate_core::import::MAX_LISTED_PROBLEMS)
        .filter(|n| *n > 0)
    {
        eprintln!("{name}: and {more} more problem(s)");
    }
    if !errors.is_empty() && !args.skip_invalid {
        eprintln!(
            "error: {} invalid row(s) in {name}; nothing was imported (fix them, or pass --skip-invalid)",
            errors.len()
        );
        return Ok(ExitCode::from(1));
    }

    let total = (plan.inserts.len() + plan.updates.len()) as u64;
    let bar = progress_bar(total, "Importing people");
    let summary = store
        .import_people(&Actor::system("import"), org.id, &plan, &|n| {
            bar.set_position(n as u64)
        })
        .await?;
    bar.finish_and_clear();
    println!(
        "Imported {name} into {}: {} created, {} updated, {} unchanged{}.",
        org.slug,
        thousands(summary.created as u64),
        thousands(summary.updated as u64),
        thousands(summary.unchanged as u64),
        if errors.is_empty() {
            String::new()
        } else {
            format!(", {} invalid row(s) skipped", errors.len())
        }
    );
    Ok(ExitCode::SUCCESS)
}
