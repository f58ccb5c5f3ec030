//! `mandate export evidence`: the auditor's evidence pack as HTML, PDF or
//! JSON, as of today or a past day. The file appears whole or not at all:
//! it is written beside its destination and renamed into place.

use crate::args::{EvidenceFormat, ExportEvidenceArgs};
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result};
use mandate_report::evidence::render_html;
use std::path::Path;
use std::process::ExitCode;

pub async fn export(ctx: &Context, args: ExportEvidenceArgs) -> Result<ExitCode> {
    let today = mandate_core::timefmt::now().date();
    let day = match args.as_of.as_deref() {
        Some(text) => super::check::day(text, today)?,
        None => today,
    };
    let store = ctx.open_for_reading().await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let pack = mandate_app::evidence::evidence_pack(&store, org.id, day, None)
        .await
        .context("cannot gather the evidence")?;
    let summary = pack.evaluation.summary;
    let bytes = match args.format {
        EvidenceFormat::Html => render_html(&pack)
            .context("cannot lay out the pack")?
            .into_bytes(),
        EvidenceFormat::Json => pack.to_json().into_bytes(),
        EvidenceFormat::Pdf => {
            tokio::task::spawn_blocking(move || mandate_pdf::evidence_pdf(&pack))
                .await
                .context("typesetting stopped")??
        }
    };
    write_whole(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes): Clause 5 as of {day}: {} met, {} partly met, {} not met, {} not applicable",
        args.out.display(),
        bytes.len(),
        summary.met,
        summary.partial,
        summary.not_met,
        summary.not_applicable
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` through a file beside it, renamed into place.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let partial = path.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let written = std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write {}", path.display()));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}
