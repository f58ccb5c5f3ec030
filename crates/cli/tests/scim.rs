//! SCIM against the real server, checked by scim2-tester: a conformance
//! suite from PyPI that reads the RFCs independently of us. It discovers the
//! service, then creates, reads, filters, replaces, PATCHes and deletes
//! users and groups; every check must pass (skipped ones are what Mandate
//! says it does not offer: `/.search`).

use crate::support::{free_port, mandate, ok, serve, stderr, stdout};
use mandate_testkit::TestDb;
use std::process::Command;

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scim/conformance.py");

fn have_scim2_tester() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import scim2_tester, scim2_client, httpx2"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must have scim2-tester (crates/cli/tests/scim/requirements.txt)"
    );
    if !found {
        eprintln!("skipped: python3 with scim2-tester is not installed");
    }
    found
}

#[tokio::test]
async fn scim2_tester_passes_on_every_backend() {
    if !have_scim2_tester() {
        return;
    }
    for db in TestDb::all().await {
        let b = db.backend;
        ok(
            &db,
            &[
                "init",
                "--admin-email",
                "admin@acme.example",
                "--org-name",
                "Acme",
            ],
        );
        let secret = ok(&db, &["scim-token", "create", "scim2-tester"]);
        let secret = secret.trim();
        assert!(secret.starts_with("mscim_"), "{b}: {secret}");
        let listed = ok(&db, &["scim-token", "list"]);
        assert!(listed.contains("scim2-tester\tlive"), "{b}: {listed}");
        assert!(
            !listed.contains(secret),
            "{b}: a listing never shows the secret"
        );

        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let _server = serve(&db, port, &base).await;
        let run = Command::new("python3")
            .args([SUITE, &format!("{base}/scim/v2"), secret])
            .output()
            .expect("python3 runs");
        let report = stdout(&run);
        assert!(
            run.status.success(),
            "{b}: scim2-tester failed:\n{}\n{report}",
            String::from_utf8_lossy(&run.stderr)
        );
        let summary = report.lines().last().unwrap_or_default();
        assert!(summary.contains(" 0 error/critical"), "{b}: {summary}");
        eprintln!("{b}: {summary}");
        // Every change it made is in the audit log, which still verifies.
        assert!(ok(&db, &["audit", "verify"]).contains("verified"), "{b}");

        // Revoked, the token opens nothing.
        let id = listed.split('\t').next().unwrap_or_default().to_string();
        ok(&db, &["scim-token", "revoke", &id]);
        let refused = Command::new("python3")
            .args([SUITE, &format!("{base}/scim/v2"), secret])
            .output()
            .expect("python3 runs");
        assert!(
            !refused.status.success(),
            "{b}: a revoked token still works"
        );
        let unknown = mandate(
            &db,
            &[
                "scim-token",
                "revoke",
                "00000000-0000-0000-0000-000000000000",
            ],
        );
        assert!(
            !unknown.status.success() && stderr(&unknown).lines().count() == 1,
            "{b}: {}",
            stderr(&unknown)
        );
        let bad_name = mandate(&db, &["scim-token", "create", "no/slashes"]);
        assert!(!bad_name.status.success(), "{b}");
    }
}
