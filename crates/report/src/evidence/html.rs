//! The evidence pack as one self-contained HTML file: styles inline, charts
//! as inline SVG, no script and nothing fetched, so it opens offline on the
//! auditor's machine and prints cleanly.

use super::model::EvidencePack;
use askama::Template;
use mandate_core::conformance::Status;

/// A rule as the pack lays it out.
pub struct RuleRow<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub status: &'static str,
    pub class: &'static str,
    pub explanation: &'a str,
    pub evidence: Vec<&'a str>,
    pub next_step: &'a str,
}

pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::Partial => "partial",
        Status::NotMet => "not-met",
        Status::NotApplicable => "na",
    }
}

#[derive(Template)]
#[template(path = "evidence_pack.html")]
struct PackPage<'a> {
    pack: &'a EvidencePack,
    rules: Vec<RuleRow<'a>>,
}

/// The pack as HTML.
pub fn render_html(pack: &EvidencePack) -> Result<String, askama::Error> {
    let rules = pack
        .evaluation
        .rules
        .iter()
        .map(|r| RuleRow {
            id: &r.id,
            anchor: format!("r-{}", r.id.replace('.', "-")),
            title: &r.title,
            status: r.status.label(),
            class: status_class(r.status),
            explanation: &r.explanation,
            evidence: r.evidence.iter().map(|e| e.label.as_str()).collect(),
            next_step: &r.next_step,
        })
        .collect();
    PackPage { pack, rules }.render()
}
