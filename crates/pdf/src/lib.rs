//! Typesetting PDFs with Typst, in process: no external program, no
//! network, fonts embedded in the binary. Heavy to build, so it lives in a
//! crate of its own that only the binary depends on.

use mandate_report::evidence::EvidencePack;
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("writing the PDF failed: {0}")]
    Write(String),
}

const EVIDENCE_TEMPLATE: &str = include_str!("../templates/evidence_pack.typ");

/// Typesets `main` (Typst markup), which may read `files` (path, bytes),
/// into a PDF.
pub fn typeset(main: &str, files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, PdfError> {
    let engine = TypstEngine::builder()
        .main_file(main)
        .fonts(typst_assets::fonts())
        .with_static_file_resolver(
            files
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes.clone())),
        )
        .build();
    let doc: PagedDocument = engine
        .compile()
        .output
        .map_err(|e| PdfError::Typeset(e.to_string()))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Write(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The evidence pack as a PDF: the pack's JSON and its KPI charts handed to
/// the Typst template as files.
pub fn evidence_pdf(pack: &EvidencePack) -> Result<Vec<u8>, PdfError> {
    let mut files = vec![("pack.json".to_string(), pack.to_json().into_bytes())];
    for (i, objective) in pack.objectives.iter().enumerate() {
        for (j, kpi) in objective.kpis.iter().enumerate() {
            files.push((
                format!("charts/{i}-{j}.svg"),
                kpi.chart_svg.clone().into_bytes(),
            ));
        }
    }
    typeset(EVIDENCE_TEMPLATE, files)
}
