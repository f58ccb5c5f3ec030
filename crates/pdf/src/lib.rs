//! Typesetting a PDF from a Typst template and the files it reads, with
//! fonts embedded in the binary: no external program and no network.
//! Heavy to build, so it lives in a crate of its own that only the binary
//! depends on.

use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("writing the PDF failed: {0}")]
    Write(String),
}

/// Typesets `main` (Typst markup) with `files` (path, bytes) it may read,
/// and writes it as PDF.
pub fn typeset(main: &str, files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, PdfError> {
    let engine = TypstEngine::builder()
        .main_file(main)
        .fonts(typst_assets::fonts())
        .with_static_file_resolver(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
        .build();
    let doc: PagedDocument = engine
        .compile()
        .output
        .map_err(|e| PdfError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}
