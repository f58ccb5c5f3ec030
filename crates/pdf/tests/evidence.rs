//! The evidence pack typeset: a PDF comes out of a small pack, with every
//! section, and text from the records never breaks the layout.

use mandate_report::evidence::EvidencePack;

fn pack() -> EvidencePack {
    let mut pack: EvidencePack =
        serde_json::from_str(include_str!("pack.json")).expect("the fixture is a pack");
    pack.objectives[0].kpis[0].chart_svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260" viewBox="0 0 640 260"><rect x="10" y="10" width="100" height="50" fill="#2f855a"/><text x="20" y="120" font-size="14">chart</text></svg>"##.to_string();
    pack
}

#[test]
fn a_pack_becomes_a_pdf() {
    let pdf = mandate_pdf::evidence_pdf(&pack()).expect("typeset");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    assert!(pdf.len() > 10_000, "with content: {} bytes", pdf.len());
}

#[test]
fn markup_in_the_records_is_text_not_typst() {
    let mut pack = pack();
    // Typst markup and a would-be function call, as someone might type them.
    pack.organisation.name = "Acme #let x = 1 *bold* $math$ [link] \\ // not a comment".into();
    pack.policies[0].title = "#panic(\"no\")".into();
    let pdf = mandate_pdf::evidence_pdf(&pack).expect("typeset despite the markup");
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_broken_template_is_an_error_not_a_panic() {
    let err = mandate_pdf::typeset("#let x = (", Vec::new()).expect_err("bad markup");
    assert!(err.to_string().starts_with("typesetting failed"), "{err}");
}
