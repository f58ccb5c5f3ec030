//! The auditor's evidence pack: the model of what it holds, and its HTML
//! layout. The PDF is typeset from the same model in `mandate-pdf`.

pub mod html;
pub mod model;

pub use html::render_html;
pub use model::*;

/// The forms a pack is given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackFormat {
    Html,
    Pdf,
    Json,
}

impl PackFormat {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "html" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Json => "application/json",
        }
    }

    /// A file name for the pack of `slug` as of `day`.
    pub fn file_name(self, slug: &str, day: time::Date) -> String {
        format!("evidence-pack-{slug}-{day}.{}", self.extension())
    }
}
