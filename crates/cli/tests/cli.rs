//! The `mandate` binary, run as a user would, against every backend.

use mandate_testkit::TestDb;
use std::path::Path;
use std::process::Command;

use crate::support::{assert_one_line_error, mandate, ok, stderr};

/// The audit events of a demo of `people` people: the organisation, its
/// people, six logins, the starter role catalogue, and its policy set taken
/// through the workflow.
/// The audit events the demo writes before its commitment records (whose
/// number depends on the generated organisation): a floor for the chain.
fn demo_events_before_commitment(people: u64) -> u64 {
    const POLICY_SET_EVENTS: u64 = 89;
    // Five assignments, four of them acknowledged, and one delegation.
    const ASSIGNMENT_EVENTS: u64 = 10;
    // Four objectives, five KPIs with 86 values (24 + 24 + 22 monthly, 8 + 8
    // quarterly), ten actions, three reviews planned, prepared, held and
    // approved and one planned, and a report produced and presented.
    const PERFORMANCE_EVENTS: u64 = 4 + 5 + 86 + 10 + 3 * 4 + 1 + 2;
    1 + people
        + 6
        + starter_catalogue_events()
        + ASSIGNMENT_EVENTS
        + POLICY_SET_EVENTS
        + PERFORMANCE_EVENTS
}

/// The demo's audit events as the database holds them, checked against
/// the floor of what the demo writes for `people`.
async fn demo_events(db: &TestDb, people: u64) -> u64 {
    let held = u64::try_from(db.count("audit_events").await).unwrap_or(0);
    let floor = demo_events_before_commitment(people);
    assert!(
        held > floor + people / 2,
        "the demo wrote {held} audit events; at least {floor} plus its commitment records expected"
    );
    held
}

/// The audit events of `mandate init`: the organisation, the admin's person
/// and login, and the starter role catalogue.
fn init_events() -> u64 {
    3 + starter_catalogue_events()
}

/// The starter roles, the RACI activities and each cell of the starter matrix.
fn starter_catalogue_events() -> u64 {
    let matrix = mandate_core::roles::STARTER_MATRIX;
    let cells: usize = matrix.iter().map(|(_, cells)| cells.len()).sum();
    (mandate_core::roles::STARTER_ROLES.len() + matrix.len() + cells) as u64
}

/// "N events and", as `audit verify` reports a chain of N events.
fn events_verified(n: u64) -> String {
    format!(": {n} events and")
}

/// 1234567 as "1,234,567", as the command line prints counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

#[tokio::test]
async fn init_creates_an_organisation_with_its_admin_once() {
    for db in TestDb::all().await {
        let out = ok(
            &db,
            &[
                "init",
                "--admin-email",
                "Ana.Silva@Acme.example",
                "--org-name",
                "Acme Widgets Ltd.",
            ],
        );
        assert!(out.contains("acme-widgets-ltd"), "{out}");
        assert!(ok(&db, &["audit", "verify"]).contains(&events_verified(init_events())));
        let again = mandate(
            &db,
            &[
                "init",
                "--admin-email",
                "ana.silva@acme.example",
                "--org-name",
                "Acme Widgets Ltd.",
            ],
        );
        assert_one_line_error(&again, "already exists");
        // A second organisation in the same deployment.
        ok(
            &db,
            &[
                "init",
                "--admin-email",
                "bo@globex.example",
                "--org-name",
                "Globex",
            ],
        );
        let verify = ok(&db, &["audit", "verify"]);
        assert!(
            verify.contains("acme-widgets-ltd:") && verify.contains("globex:"),
            "{verify}"
        );
    }
}

#[tokio::test]
async fn init_with_bad_input_writes_nothing() {
    let db = TestDb::sqlite();
    let short = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["init", "--admin-email", "ana@acme.example"])
        .env("MANDATE_DATABASE_URL", &db.url)
        .env("MANDATE_SIGNING_KEY", db.key_path())
        .env("MANDATE_ADMIN_PASSWORD", "too short")
        .output()
        .expect("runs");
    assert_one_line_error(&short, "at least 12 characters");
    let bad_email = mandate(&db, &["init", "--admin-email", "not-an-email"]);
    assert_one_line_error(&bad_email, "not a valid email address");
    assert!(!db.path("mandate.db").exists(), "no database was created");
    assert!(!db.key_path().exists(), "no key was created");
}

#[tokio::test]
async fn demo_creates_one_login_per_access_role_and_leaves_itself_alone() {
    for db in TestDb::all().await {
        let out = ok(&db, &["demo"]);
        assert!(out.contains("250 people"), "{out}");
        for role in [
            "admin",
            "isms_manager",
            "top_management",
            "manager",
            "staff",
            "auditor",
        ] {
            assert!(
                out.contains(&format!("{role}@demo.example")),
                "{role}: {out}"
            );
        }
        let again = ok(&db, &["demo"]);
        assert!(
            again.contains("already there") && again.contains("leaving it as it is"),
            "{again}"
        );
        let events = format!("{} events", thousands(demo_events(&db, 250).await));
        assert!(ok(&db, &["audit", "verify"]).contains(&events));
    }
}

#[tokio::test]
async fn demo_scales_by_seed_and_size() {
    let db = TestDb::sqlite();
    let out = ok(&db, &["demo", "--people", "3000", "--seed", "7"]);
    assert!(out.contains("3,000 people"), "{out}");
    let verify = ok(&db, &["audit", "verify"]);
    let events = demo_events(&db, 3_000).await;
    assert!(
        verify.contains(&format!(
            "{} events and {} checkpoints",
            thousands(events),
            events / 1_000
        )),
        "{verify}"
    );
}

#[tokio::test]
async fn a_bad_people_file_is_reported_line_by_line_and_imports_nothing() {
    for db in TestDb::all().await {
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
        let file = write(
            db.dir.path(),
            "people.csv",
            "name,email,department,manager_email\n\
             Ana Silva,ana@acme.example,IT,\n\
             Bo Chen,bo@acme.example,IT,ghost@acme.example\n\
             Cy,not-an-email,,\n\
             Di,ANA@acme.example,,\n",
        );
        let o = mandate(&db, &["import", "people", &file]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(
            err.contains("line 3: manager ghost@acme.example matches nobody"),
            "{err}"
        );
        assert!(
            err.contains("line 4: \"not-an-email\" is not a valid email address"),
            "{err}"
        );
        assert!(
            err.contains("line 5: ana@acme.example is already on line 2"),
            "{err}"
        );
        assert!(err.contains("nothing was imported"), "{err}");
        assert!(
            ok(&db, &["audit", "verify"]).contains(&events_verified(init_events())),
            "nothing was written"
        );

        let out = ok(&db, &["import", "people", &file, "--skip-invalid"]);
        assert!(
            out.contains("1 created") && out.contains("3 invalid row(s) skipped"),
            "{out}"
        );
    }
}

#[tokio::test]
async fn reimporting_people_updates_them_by_email() {
    for db in TestDb::all().await {
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
        let first = write(
            db.dir.path(),
            "people.csv",
            "name,email,department,manager_email,start_date,kind\n\
             Bo Chen,bo@acme.example,IT,ana@acme.example,2024-02-01,contractor\n\
             Ana Silva,ana@acme.example,IT,,2020-01-10,employee\n",
        );
        let out = ok(&db, &["import", "people", &first]);
        assert!(out.contains("2 created, 0 updated, 0 unchanged"), "{out}");
        let second = write(
            db.dir.path(),
            "people2.csv",
            "email,name,end_date\nbo@acme.example,Bo Chen,2025-06-30\nana@acme.example,Ana Silva,\n",
        );
        let out = ok(&db, &["import", "people", &second]);
        assert!(out.contains("0 created, 1 updated, 1 unchanged"), "{out}");
        assert!(ok(&db, &["audit", "verify"]).contains(&events_verified(init_events() + 3)));
    }
}

#[tokio::test]
async fn malformed_csv_headers_stop_the_import() {
    let db = TestDb::sqlite();
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
    let file = write(db.dir.path(), "p.csv", "name,mail\nAna,ana@acme.example\n");
    assert_one_line_error(
        &mandate(&db, &["import", "people", &file]),
        "unknown column \"mail\"",
    );
    let file = write(db.dir.path(), "q.csv", "name\nAna\n");
    assert_one_line_error(
        &mandate(&db, &["import", "people", &file]),
        "lacks the column \"email\"",
    );
    let missing = db.path("missing.csv").display().to_string();
    assert_one_line_error(
        &mandate(&db, &["import", "people", &missing]),
        "cannot open",
    );
}

#[tokio::test]
async fn tampering_with_the_database_is_named_and_fails_verification() {
    for db in TestDb::all().await {
        ok(&db, &["demo", "--people", "40"]);
        db.execute("UPDATE audit_events SET actor = 'system:intruder' WHERE seq = 5")
            .await;
        let o = mandate(&db, &["audit", "verify"]);
        assert_eq!(o.status.code(), Some(1), "{}", db.backend);
        assert!(
            stderr(&o).contains("demo: TAMPERED: event 5: its stored fields do not match its hash"),
            "{}",
            stderr(&o)
        );
    }
}

#[tokio::test]
async fn an_exported_chain_verifies_offline_and_its_tampering_is_caught() {
    for db in TestDb::all().await {
        ok(&db, &["demo", "--people", "1200"]);
        ok(&db, &["audit", "checkpoint"]);
        let export = db.path("chain.jsonl").display().to_string();
        ok(&db, &["audit", "export", "--out", &export]);
        let public = ok(&db, &["audit", "public-key"]).trim().to_string();
        let nowhere = TestDb::sqlite(); // no database and no key at all
        let out = ok(
            &nowhere,
            &[
                "audit",
                "verify",
                "--file",
                &export,
                "--public-key",
                &public,
            ],
        );
        // One checkpoint every 1,000 events, and the one signed above.
        let events = demo_events(&db, 1_200).await;
        assert!(
            out.contains(&format!(
                "{} events and {} checkpoints verified",
                thousands(events),
                events / 1_000 + 1
            )),
            "{out}"
        );

        let text = std::fs::read_to_string(&export).expect("read");
        // Event 2's action, rewritten by someone without the signing key.
        let tampered: String = text
            .lines()
            .map(|line| {
                let mut value: serde_json::Value = serde_json::from_str(line).expect("json line");
                if value["type"] == "event" && value["seq"] == 2 {
                    value["action"] = "delete".into();
                }
                format!("{value}\n")
            })
            .collect();
        let file = write(nowhere.dir.path(), "tampered.jsonl", &tampered);
        let o = mandate(
            &nowhere,
            &["audit", "verify", "--file", &file, "--public-key", &public],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("TAMPERED: event 2: its stored fields"),
            "{}",
            stderr(&o)
        );

        let other_key = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
        let o = mandate(
            &nowhere,
            &[
                "audit",
                "verify",
                "--file",
                &export,
                "--public-key",
                other_key,
            ],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("does not verify with public key"),
            "{}",
            stderr(&o)
        );
    }
}

#[tokio::test]
async fn backup_and_restore_round_trip_and_refuse_to_overwrite() {
    for db in TestDb::all().await {
        ok(&db, &["demo", "--people", "100"]);
        let file = db.path("backup.jsonl").display().to_string();
        let out = ok(&db, &["backup", &file]);
        let events = thousands(demo_events(&db, 100).await);
        assert!(
            out.contains(&format!("1 organisation(s), {events} audit events")),
            "{out}"
        );
        let refused = mandate(&db, &["restore", &file]);
        assert_one_line_error(&refused, "pass --force");
        ok(&db, &["restore", &file, "--force"]);
        assert!(ok(&db, &["audit", "verify"]).contains(&format!("{events} events")));

        let target = TestDb::sqlite();
        std::fs::copy(db.key_path(), target.key_path()).expect("key copied");
        ok(&target, &["restore", &file]);
        assert!(ok(&target, &["audit", "verify"]).contains(&format!("{events} events")));
    }
}

#[tokio::test]
async fn unusable_databases_and_keys_are_one_clear_line() {
    let db = TestDb::sqlite();
    assert_one_line_error(
        &mandate(&db, &["audit", "checkpoint"]),
        "cannot read the signing key",
    );
    ok(&db, &["demo", "--people", "5"]);
    let garbage = write(db.dir.path(), "garbage.db", "this is not a database");
    let o = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "--database-url",
            &format!("sqlite://{garbage}"),
            "--signing-key",
        ])
        .arg(db.key_path())
        .args(["audit", "verify"])
        .output()
        .expect("runs");
    assert_one_line_error(&o, "not an SQLite database");
    let o = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "--database-url",
            "postgres://mandate@127.0.0.1:1/none",
            "--signing-key",
        ])
        .arg(db.key_path())
        .args(["audit", "verify"])
        .output()
        .expect("runs");
    assert_one_line_error(
        &o,
        "cannot open the database at postgres://mandate@127.0.0.1:1/none",
    );
    let wrong_key = write(db.dir.path(), "wrong.key", &"ab".repeat(32));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrong_key, std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args([
            "--database-url",
            &db.url,
            "--signing-key",
            &wrong_key,
            "audit",
            "checkpoint",
        ])
        .output()
        .expect("runs");
    assert_one_line_error(&o, "this database was signed with");
}

/// A `mandate serve` of `db` on a free port, stopped when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(db: &TestDb) -> Self {
        let port = crate::support::free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("MANDATE_DATABASE_URL", &db.url)
            .env("MANDATE_SIGNING_KEY", db.key_path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serves");
        Self { child, port }
    }

    /// GETs `path` with extra header lines, once the server listens; the raw answer.
    fn get(&self, path: &str, headers: &str) -> String {
        use std::io::{Read, Write};
        for _ in 0..100 {
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                let request =
                    format!("GET {path} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n");
                stream.write_all(request.as_bytes()).expect("request");
                let mut answer = String::new();
                stream.read_to_string(&mut answer).expect("response");
                return answer;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server never listened");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn serve_answers_health_checks_and_stops_on_sigterm() {
    let db = TestDb::sqlite();
    ok(&db, &["demo", "--people", "5"]);
    let mut server = Server::start(&db);
    let answer = server.get("/readyz", "");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("ready"),
        "{answer}"
    );
    let pid = server.child.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    let status = server.child.wait().expect("exits");
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
}

#[tokio::test]
async fn a_token_from_the_command_line_opens_the_api() {
    let db = TestDb::sqlite();
    ok(&db, &["demo", "--people", "12"]);
    let secret = ok(
        &db,
        &[
            "token",
            "create",
            "--email",
            "auditor@demo.example",
            "--name",
            "ci",
        ],
    )
    .trim()
    .to_string();
    assert!(secret.starts_with("mdt_") && secret.len() == 68, "{secret}");
    let unknown = mandate(&db, &["token", "create", "--email", "nobody@demo.example"]);
    assert_one_line_error(&unknown, "has no login");

    let server = Server::start(&db);
    let answer = server.get("/api/v1/me", &format!("Authorization: Bearer {secret}\r\n"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"access_role\":\"auditor\""), "{answer}");
}

#[tokio::test]
async fn policies_round_trip_as_code_and_bad_front_matter_is_named() {
    for db in TestDb::all().await {
        ok(&db, &["demo", "--people", "30"]);
        let dir = db.dir.path().join("policies");
        let dir_arg = dir.display().to_string();
        let out = ok(&db, &["export", "policies", &dir_arg]);
        assert!(out.contains("Wrote 10 policies"), "{out}");
        let import = [
            "import",
            "policies",
            &dir_arg,
            "--author",
            "isms_manager@demo.example",
        ];
        let out = ok(&db, &import);
        assert!(
            out.contains("0 created, 0 updated, 0 new or changed drafts, 10 unchanged"),
            "{}: {out}",
            db.backend
        );

        // A changed body becomes a new draft; a changed owner updates the policy.
        let file = dir.join("incident-management.md");
        let text = std::fs::read_to_string(&file).expect("exported");
        let changed = text.replace("owner_role: CISO", "owner_role: Head of Security")
            + "\n## Exercises\n\nWe rehearse a major incident every year.\n";
        std::fs::write(&file, changed).expect("written");
        let out = ok(&db, &import);
        assert!(
            out.contains("0 created, 1 updated, 1 new or changed drafts, 9 unchanged"),
            "{}: {out}",
            db.backend
        );
        let out = ok(&db, &["export", "policies", &dir_arg]);
        assert!(out.contains("Wrote 10"), "{out}");
        let again = std::fs::read_to_string(&file).expect("exported");
        assert!(
            again.contains("state: draft") && again.contains("We rehearse"),
            "{again}"
        );
        let out = ok(&db, &import);
        assert!(
            out.contains("10 unchanged"),
            "{}: export after import round-trips: {out}",
            db.backend
        );

        // A new policy written by hand gets an id; bad front matter names file and field.
        let top = std::fs::read_to_string(dir.join("information-security-policy.md")).expect("top");
        let top_id = top
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .expect("an id")
            .to_string();
        write(
            &dir,
            "clear-desk.md",
            &format!(
                "---\ntitle: Clear desk\nkind: topic\nparent: {top_id}\nowner_role: Office manager\naudience:\n  everyone: true\n---\n# Clear desk\n\nLock screens and papers away.\n"
            ),
        );
        let out = ok(&db, &import);
        assert!(out.contains("1 created"), "{out}");
        write(
            &dir,
            "broken.md",
            "---\ntitle: Broken\nkind: sideways\nowner_role: CISO\naudience:\n  everyone: true\n---\nText\n",
        );
        let o = mandate(&db, &import);
        assert_one_line_error(&o, "broken.md: front matter: kind");
        let out = ok(&db, &["export", "policies", &dir_arg]);
        assert!(out.contains("Wrote 11"), "nothing half-imported: {out}");
        let o = mandate(
            &db,
            &[
                "import",
                "policies",
                &dir_arg,
                "--author",
                "nobody@demo.example",
            ],
        );
        assert_eq!(o.status.code(), Some(2));
    }
}
