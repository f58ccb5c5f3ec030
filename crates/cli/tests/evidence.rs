//! `mandate export evidence` on the demo organisation, on every backend:
//! the JSON says what `mandate check` says and carries every section; the
//! HTML, parsed, holds every rule, the policy set, the KPI charts inline and
//! the chain's signed head; the PDF's text (extracted by `pdftotext`) holds
//! the same. Bad input is one line on stderr and leaves no file behind.

use crate::support::{assert_one_line_error, mandate, ok, stdout};
use mandate_testkit::TestDb;
use scraper::{Html, Selector};
use std::path::Path;

fn export(db: &TestDb, format: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = db.dir.path().join(format!("pack-{format}.{format}"));
    let path = out.to_string_lossy().into_owned();
    let mut args = vec!["export", "evidence", "--format", format, "--out", &path];
    args.extend_from_slice(extra);
    let said = ok(db, &args);
    assert!(said.starts_with("wrote "), "{said}");
    out
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("selector"))
        .collect()
}

/// The text of a PDF, through poppler's `pdftotext`; None without it
/// (except under CI, where it must be there).
fn pdf_text(path: &Path) -> Option<String> {
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        other => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext (poppler-utils) is needed under CI: {other:?}"
            );
            eprintln!("skipping the PDF's text: pdftotext is not installed");
            None
        }
    }
}

#[tokio::test]
async fn the_demo_pack_holds_every_rule_and_record_in_every_format() {
    for db in TestDb::all().await {
        let b = db.backend;
        ok(&db, &["demo", "--people", "60"]);
        let check: serde_json::Value =
            serde_json::from_str(&stdout(&mandate(&db, &["check", "--format", "json"])))
                .expect("check JSON");

        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(export(&db, "json", &[])).expect("written"),
        )
        .expect("the JSON pack parses");
        assert_eq!(json["format_version"], 1);
        assert_eq!(json["organisation"]["name"], "Northwind Analytics");
        assert_eq!(
            json["evaluation"]["rules"], check["rules"],
            "{b}: the pack says what `mandate check` says"
        );
        for section in [
            "policies",
            "roles",
            "objectives",
            "reviews",
            "resources",
            "communications",
        ] {
            assert!(
                json[section].as_array().is_some_and(|a| !a.is_empty()),
                "{b}: {section} in the pack"
            );
        }
        assert!(
            json["raci"]["rows"]
                .as_array()
                .is_some_and(|r| r.len() >= 10)
        );
        let top = &json["policies"][0];
        assert_eq!(top["kind"], "Information security policy", "{b}");
        assert!(top["approvals"][0]["authority"].is_string(), "{b}: {top}");
        assert!(
            top["acknowledgements"]["addressed"].as_u64() > Some(0),
            "{b}: {top}"
        );
        let head = json["audit"]["head"]["hash"]
            .as_str()
            .expect("a signed head")
            .to_string();
        assert_eq!(head.len(), 64);
        assert!(
            json["audit"]["verify_commands"][1]
                .as_str()
                .is_some_and(|c| c.starts_with("mandate audit verify --file"))
        );
        let kpis: usize = json["objectives"]
            .as_array()
            .map(|o| {
                o.iter()
                    .map(|o| o["kpis"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert!(kpis > 0);

        let html = std::fs::read_to_string(export(&db, "html", &[])).expect("written");
        let doc = Html::parse_document(&html);
        let title = select(&doc, "title")[0].text().collect::<String>();
        assert!(title.contains("Northwind Analytics"), "{title}");
        assert_eq!(
            select(&doc, "section.rule").len(),
            23,
            "{b}: one section per rule"
        );
        assert_eq!(select(&doc, "#r-5-2-f h3").len(), 1);
        assert_eq!(
            select(&doc, ".chart svg").len(),
            kpis,
            "{b}: every KPI's chart inline"
        );
        assert!(select(&doc, "script").is_empty(), "no script in the pack");
        assert!(
            select(&doc, "link, img[src^='http']").is_empty(),
            "nothing fetched: the file stands alone"
        );
        let audit = select(&doc, "#audit + p + dl")[0]
            .text()
            .collect::<String>();
        assert!(audit.contains(&head), "{b}: the signed head in the HTML");
        let policies = select(&doc, "#policies + table tbody tr");
        assert_eq!(
            policies.len(),
            json["policies"].as_array().map_or(0, Vec::len),
            "{b}: a row per policy"
        );

        let pdf = export(&db, "pdf", &[]);
        let bytes = std::fs::read(&pdf).expect("written");
        assert!(bytes.starts_with(b"%PDF-"), "{b}: a PDF");
        if let Some(text) = pdf_text(&pdf) {
            for expected in [
                "Northwind Analytics",
                "Evidence pack",
                "Policy set",
                "Role register",
                "RACI matrix",
                "Management reviews",
                "Information security policy",
                "mandate audit verify --file chain.jsonl",
            ] {
                assert!(text.contains(expected), "{b}: {expected:?} in the PDF");
            }
            for rule in check["rules"].as_array().expect("rules") {
                let id = rule["id"].as_str().expect("id");
                assert!(
                    text.contains(&format!("{id} ·")),
                    "{b}: rule {id} in the PDF"
                );
            }
            let squeezed: String = text.split_whitespace().collect();
            assert!(squeezed.contains(&head), "{b}: the signed head in the PDF");
        }
    }
}

#[tokio::test]
async fn a_pack_as_of_a_past_day_and_bad_input() {
    let db = TestDb::sqlite();
    ok(&db, &["demo", "--people", "30"]);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(export(&db, "json", &["--as-of", "2001-06-30"])).expect("written"),
    )
    .expect("JSON");
    assert_eq!(json["as_of"], "2001-06-30");
    assert_eq!(json["evaluation"]["rules"][0]["status"], "not_met");
    assert!(
        json["audit"]["as_of_event"].is_null(),
        "no event had happened by then"
    );
    assert!(
        json["policies"].as_array().is_some_and(Vec::is_empty),
        "no policy existed then"
    );

    let missing = db.dir.path().join("no-such-dir").join("pack.pdf");
    let missing = missing.to_string_lossy();
    let o = mandate(
        &db,
        &["export", "evidence", "--format", "pdf", "--out", &missing],
    );
    assert_one_line_error(&o, "cannot write");
    let future = mandate(
        &db,
        &[
            "export",
            "evidence",
            "--format",
            "html",
            "--out",
            "x.html",
            "--as-of",
            "2999-01-01",
        ],
    );
    assert_one_line_error(&future, "after today");
    assert!(!db.dir.path().join("x.html").exists(), "nothing written");
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no partial file left behind");
}
