//! The policy store on every backend: lifecycle, segregation of duties,
//! exceptions, reviews, policy-as-code and backups, each step audited.

use mandate_core::audit::{Actor, PublicKey};
use mandate_core::policy::{
    Action, ApprovalRule, ApprovalStatus, Audience, ExceptionRequest, ExceptionStatus,
    PolicyFields, PolicyKind, ReviewOutcome, ReviewStatus, Verdict, VersionState,
};
use mandate_core::timefmt::now;
use mandate_core::{
    AccessRole, Email, NewOrganisation, NewPerson, NewUser, OrgId, PersonKind, PolicyId, Slug, User,
};
use mandate_store::{DatabaseUrl, PolicyImport, Store, StoreError, keyfile};
use mandate_testkit::TestDb;

async fn open(db: &TestDb) -> (Store, PublicKey) {
    let key = keyfile::load_or_create(&db.key_path()).expect("a signing key");
    let public = key.public_key();
    let url = DatabaseUrl::parse(&db.url).expect("a valid URL");
    let store = Store::open(&url, true, Some(key)).await.expect("opens");
    (store, public)
}

async fn login(store: &Store, org: OrgId, email: &str, role: AccessRole) -> User {
    let actor = Actor::system("test");
    let person = store
        .create_person(
            &actor,
            org,
            &NewPerson {
                name: email.into(),
                email: Email::parse(email).expect("email"),
                department: None,
                manager_id: None,
                kind: PersonKind::Employee,
                start_date: None,
                end_date: None,
            },
        )
        .await
        .expect("person");
    store
        .create_user(
            &actor,
            org,
            &NewUser {
                person_id: person.id,
                access_role: role,
                password_hash: None,
            },
        )
        .await
        .expect("user")
}

fn fields(title: &str, kind: PolicyKind, parent: Option<PolicyId>) -> PolicyFields {
    PolicyFields {
        title: title.into(),
        kind,
        parent_id: parent,
        owner_role: "CISO".into(),
        review_interval_months: 12,
        audience: Audience::everyone(),
        public: true,
        approval_rule: ApprovalRule::default(),
    }
}

#[tokio::test]
async fn a_policy_is_written_approved_published_superseded_and_audited() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
        let org = store
            .create_organisation(&Actor::system("test"), &new, &[], &[])
            .await
            .expect("org")
            .id;
        let author = login(&store, org, "author@acme.example", AccessRole::IsmsManager).await;
        let boss = login(&store, org, "boss@acme.example", AccessRole::TopManagement).await;
        let cfo = login(&store, org, "cfo@acme.example", AccessRole::TopManagement).await;
        mandate_testkit::fixtures::hold_top_management(&store, org, &author, &[&boss, &cfo]).await;
        let by = |u: &User| Actor::user(u.id);

        let (top, draft) = store
            .create_policy(
                &by(&author),
                org,
                fields("Information security policy", PolicyKind::TopLevel, None),
                Some((author.id, "# Policy\n\nText.".into(), "First".into())),
            )
            .await
            .expect("created");
        let draft = draft.expect("a first draft");
        assert_eq!((draft.number, draft.state), (1, VersionState::Draft));
        let second = store
            .create_policy(
                &by(&author),
                org,
                fields("Another top", PolicyKind::TopLevel, None),
                None,
            )
            .await;
        assert!(
            matches!(second, Err(StoreError::Invalid(m) | StoreError::Conflict(m)) if m.contains("already has a top-level"))
        );

        // Two approvers named: both must approve; the author never may.
        let mut f = top.fields.clone();
        f.approval_rule = ApprovalRule::AllOf {
            approvers: vec![boss.id, cfo.id],
        };
        store
            .update_policy(&by(&author), org, top.id, 1, f)
            .await
            .expect("rule set");
        let stale = store
            .update_policy(&by(&author), org, top.id, 1, top.fields.clone())
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))));

        store
            .step_version(&by(&author), org, top.id, 1, Action::Submit)
            .await
            .expect("submitted");
        let edit = store
            .edit_draft(
                &by(&author),
                org,
                top.id,
                1,
                author.id,
                2,
                "# Changed",
                "x",
                None,
            )
            .await;
        assert!(matches!(edit, Err(StoreError::Conflict(_))), "{edit:?}");
        let own = store
            .decide_version(
                &by(&author),
                org,
                top.id,
                1,
                &author,
                Verdict::Approve,
                "",
                None,
            )
            .await;
        assert!(matches!(own, Err(StoreError::Refused(_))), "{own:?}");
        // A top manager who holds no ISMS role giving the authority is
        // refused by the store itself, whoever calls it.
        let outsider = login(&store, org, "ceo2@acme.example", AccessRole::TopManagement).await;
        let unauthorised = store
            .decide_version(
                &by(&outsider),
                org,
                top.id,
                1,
                &outsider,
                Verdict::Approve,
                "",
                None,
            )
            .await;
        assert!(
            matches!(&unauthorised, Err(StoreError::Refused(m)) if m.contains("authority")),
            "{unauthorised:?}"
        );
        let (v, status) = store
            .decide_version(
                &by(&boss),
                org,
                top.id,
                1,
                &boss,
                Verdict::Approve,
                "ok",
                None,
            )
            .await
            .expect("decided");
        assert!(matches!(
            status,
            ApprovalStatus::Pending {
                approvals: 1,
                needed: 2,
                ..
            }
        ));
        assert_eq!(v.state, VersionState::InReview);
        let twice = store
            .decide_version(
                &by(&boss),
                org,
                top.id,
                1,
                &boss,
                Verdict::Approve,
                "",
                None,
            )
            .await;
        assert!(matches!(twice, Err(StoreError::Refused(_))));
        let (v, status) = store
            .decide_version(&by(&cfo), org, top.id, 1, &cfo, Verdict::Approve, "", None)
            .await
            .expect("decided");
        assert_eq!(
            (v.state, status),
            (VersionState::Approved, ApprovalStatus::Approved)
        );
        store
            .step_version(&by(&author), org, top.id, 1, Action::Publish)
            .await
            .expect("published");

        // Version 2 supersedes version 1 when published.
        store
            .create_draft(
                &by(&author),
                org,
                top.id,
                author.id,
                "# Policy v2",
                "Second",
            )
            .await
            .expect("draft 2");
        let another = store
            .create_draft(&by(&author), org, top.id, author.id, "# v3", "Third")
            .await;
        assert!(matches!(another, Err(StoreError::Conflict(_))));
        store
            .step_version(&by(&author), org, top.id, 2, Action::Submit)
            .await
            .expect("submit");
        let (v, _) = store
            .decide_version(
                &by(&boss),
                org,
                top.id,
                2,
                &boss,
                Verdict::Reject,
                "Needs scope",
                None,
            )
            .await
            .expect("rejected");
        assert_eq!(v.state, VersionState::Draft);
        store
            .step_version(&by(&author), org, top.id, 2, Action::Submit)
            .await
            .expect("resubmit");
        for approver in [&boss, &cfo] {
            store
                .decide_version(
                    &by(approver),
                    org,
                    top.id,
                    2,
                    approver,
                    Verdict::Approve,
                    "",
                    None,
                )
                .await
                .expect("new round, new decisions");
        }
        store
            .step_version(&by(&author), org, top.id, 2, Action::Publish)
            .await
            .expect("published");
        let versions = store.policy_versions(org, top.id).await.expect("versions");
        let states: Vec<_> = versions.iter().map(|v| (v.number, v.state)).collect();
        assert_eq!(
            states,
            vec![(2, VersionState::Published), (1, VersionState::Superseded)]
        );
        let decisions = store
            .version_decisions(org, versions[0].id)
            .await
            .expect("decisions");
        assert_eq!(decisions.len(), 3);

        let summary = store.policy_summaries(org).await.expect("summaries");
        let today = now().date();
        assert!(matches!(
            summary[0].review_status(today),
            ReviewStatus::Current { .. }
        ));
        let (review, new_draft) = store
            .review_policy(
                &by(&boss),
                org,
                top.id,
                boss.id,
                ReviewOutcome::NoChange,
                "still fits",
            )
            .await
            .expect("reviewed");
        assert!(new_draft.is_none());
        assert_eq!(review.outcome, ReviewOutcome::NoChange);

        // Exceptions: the requester never approves; the expiry is bounded.
        let request = ExceptionRequest {
            clause: "4.2".into(),
            justification: "legacy".into(),
            risk: "medium".into(),
            compensating_controls: "isolated".into(),
            expires_on: today + time::Duration::days(90),
            waiver: None,
        };
        let exception = store
            .request_exception(&by(&boss), org, top.id, boss.id, request.clone(), today)
            .await
            .expect("requested");
        let own = store
            .decide_exception(&by(&boss), org, exception.id, &boss, Verdict::Approve, "")
            .await;
        assert!(matches!(own, Err(StoreError::Refused(_))));
        let approved = store
            .decide_exception(&by(&cfo), org, exception.id, &cfo, Verdict::Approve, "")
            .await
            .expect("approved");
        assert_eq!(approved.status_on(today), ExceptionStatus::Open);
        let extended = store
            .extend_exception(
                &by(&boss),
                org,
                exception.id,
                boss.id,
                today + time::Duration::days(200),
            )
            .await
            .expect("extension requested");
        assert_eq!(
            extended.status_on(today),
            ExceptionStatus::ExtensionRequested
        );
        let too_far = store
            .extend_exception(
                &by(&boss),
                org,
                exception.id,
                boss.id,
                today + time::Duration::days(400),
            )
            .await;
        assert!(matches!(
            too_far,
            Err(StoreError::Invalid(_)) | Err(StoreError::Conflict(_))
        ));

        // Policy-as-code: same body changes nothing; a new body is a new draft.
        let topic = PolicyImport {
            source: "access-control.md".into(),
            id: None,
            fields: fields("Access control", PolicyKind::Topic, Some(top.id)),
            body: "# Access control".into(),
            exported_from: None,
        };
        let first = store
            .import_policies(&by(&author), org, author.id, std::slice::from_ref(&topic))
            .await
            .expect("imported");
        assert_eq!((first.created, first.new_drafts), (1, 1));
        let summaries = store.policy_summaries(org).await.expect("summaries");
        let created = summaries
            .iter()
            .find(|s| s.policy.fields.title == "Access control")
            .expect("there");
        let same = PolicyImport {
            id: Some(created.policy.id),
            ..topic.clone()
        };
        let again = store
            .import_policies(&by(&author), org, author.id, std::slice::from_ref(&same))
            .await
            .expect("imported");
        assert_eq!(
            (
                again.created,
                again.updated,
                again.new_drafts,
                again.unchanged
            ),
            (0, 0, 0, 1)
        );

        let head = store.audit_head(org).await.expect("head").expect("a head");
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        assert_eq!(report.events, head.seq);

        // Everything above survives a backup and restore into a fresh database.
        let file = db.path("policies.jsonl");
        store.backup(&file).await.expect("backup");
        for target in TestDb::all().await {
            std::fs::copy(db.key_path(), target.key_path()).expect("key");
            let (restored, _) = open(&target).await;
            restored.restore(&file, false).await.expect("restored");
            assert_eq!(restored.policy_summaries(org).await.expect("s").len(), 2);
            assert_eq!(restored.exceptions(org, None).await.expect("e").len(), 1);
            restored
                .verify_chain(org, &public)
                .await
                .expect("readable")
                .expect("untampered after restore");
        }
    }
}

#[tokio::test]
async fn segregation_holds_through_edits_rule_changes_extensions_and_imports() {
    for db in TestDb::all().await {
        let (store, _) = open(&db).await;
        let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
        let org = store
            .create_organisation(&Actor::system("test"), &new, &[], &[])
            .await
            .expect("org")
            .id;
        let author = login(&store, org, "author@acme.example", AccessRole::IsmsManager).await;
        let boss = login(&store, org, "boss@acme.example", AccessRole::TopManagement).await;
        let cfo = login(&store, org, "cfo@acme.example", AccessRole::TopManagement).await;
        mandate_testkit::fixtures::hold_top_management(&store, org, &author, &[&boss, &cfo]).await;
        let by = |u: &User| Actor::user(u.id);
        let (top, _) = store
            .create_policy(
                &by(&author),
                org,
                fields("Information security policy", PolicyKind::TopLevel, None),
                Some((author.id, "# Policy".into(), "First".into())),
            )
            .await
            .expect("created");

        // The boss rewrites the author's draft: now neither may approve it.
        let edited = store
            .edit_draft(
                &by(&boss),
                org,
                top.id,
                1,
                boss.id,
                1,
                "# Policy\n\nBoss's words.",
                "First",
                None,
            )
            .await
            .expect("edited");
        assert_eq!(edited.contributors, vec![author.id, boss.id]);
        store
            .step_version(&by(&author), org, top.id, 1, Action::Submit)
            .await
            .expect("submitted");
        let own = store
            .decide_version(
                &by(&boss),
                org,
                top.id,
                1,
                &boss,
                Verdict::Approve,
                "",
                None,
            )
            .await;
        assert!(
            matches!(own, Err(StoreError::Refused(_))),
            "{}: {own:?}",
            db.backend
        );

        // Nobody changes who approves while a version is in review.
        let mut f = top.fields.clone();
        f.approval_rule = ApprovalRule::AnyOf { count: 2 };
        let changed = store
            .update_policy(&by(&author), org, top.id, 1, f.clone())
            .await;
        assert!(
            matches!(changed, Err(StoreError::Conflict(_))),
            "{changed:?}"
        );
        f.approval_rule = ApprovalRule::AllOf {
            approvers: vec![mandate_core::UserId::new()],
        };
        let stranger = store.update_policy(&by(&author), org, top.id, 1, f).await;
        assert!(matches!(
            stranger,
            Err(StoreError::Invalid(_)) | Err(StoreError::Conflict(_))
        ));

        // A decision on a revision the approver did not read is refused.
        let stale = store
            .decide_version(
                &by(&cfo),
                org,
                top.id,
                1,
                &cfo,
                Verdict::Approve,
                "",
                Some(1),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        let current = store
            .policy_version(org, top.id, 1)
            .await
            .expect("read")
            .expect("there");
        store
            .decide_version(
                &by(&cfo),
                org,
                top.id,
                1,
                &cfo,
                Verdict::Approve,
                "",
                Some(current.version),
            )
            .await
            .expect("approved by someone who wrote none of it");

        // Whoever asks for an extension does not approve it, and asks once.
        let today = now().date();
        let request = ExceptionRequest {
            clause: "4.2".into(),
            justification: "legacy".into(),
            risk: "medium".into(),
            compensating_controls: "isolated".into(),
            expires_on: today + time::Duration::days(30),
            waiver: None,
        };
        let e = store
            .request_exception(&by(&author), org, top.id, author.id, request, today)
            .await
            .expect("requested");
        store
            .decide_exception(&by(&boss), org, e.id, &boss, Verdict::Approve, "")
            .await
            .expect("approved");
        store
            .extend_exception(
                &by(&boss),
                org,
                e.id,
                boss.id,
                today + time::Duration::days(60),
            )
            .await
            .expect("extension asked");
        let own = store
            .decide_exception(&by(&boss), org, e.id, &boss, Verdict::Approve, "")
            .await;
        assert!(matches!(own, Err(StoreError::Refused(_))), "{own:?}");
        let twice = store
            .extend_exception(
                &by(&author),
                org,
                e.id,
                author.id,
                today + time::Duration::days(90),
            )
            .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");

        // An exception to segregation of duties is never approved by the
        // person it would let hold both roles.
        let roles = store.roles(org).await.expect("roles");
        let role = |name: &str| roles.iter().find(|r| r.fields.name == name).expect(name).id;
        let waiver = ExceptionRequest {
            clause: "Segregation of duties".into(),
            justification: "Small team".into(),
            risk: "Self-review".into(),
            compensating_controls: "External review".into(),
            expires_on: today + time::Duration::days(30),
            waiver: Some(mandate_core::policy::RoleWaiver {
                person_id: cfo.person_id,
                role_ids: (role("Internal auditor"), role("Risk manager")),
            }),
        };
        let w = store
            .request_exception(&by(&author), org, top.id, author.id, waiver, today)
            .await
            .expect("requested");
        let own = store
            .decide_exception(&by(&cfo), org, w.id, &cfo, Verdict::Approve, "")
            .await;
        assert!(
            matches!(own, Err(StoreError::Refused(_))),
            "{}: {own:?}",
            db.backend
        );

        // Imports: new policies may sit under new policies, in any file order;
        // one id in two files is refused; a stale file never undoes an edit.
        let parent_id = PolicyId::new();
        let child = PolicyImport {
            source: "a-child.md".into(),
            id: None,
            fields: fields("Child", PolicyKind::Topic, Some(parent_id)),
            body: "# Child".into(),
            exported_from: None,
        };
        let parent = PolicyImport {
            source: "b-parent.md".into(),
            id: Some(parent_id),
            fields: fields("Parent", PolicyKind::Topic, Some(top.id)),
            body: "# Parent".into(),
            exported_from: None,
        };
        let summary = store
            .import_policies(&by(&author), org, author.id, &[child, parent.clone()])
            .await
            .expect("nested new policies import");
        assert_eq!(summary.created, 2);
        let twin = PolicyImport {
            source: "c-twin.md".into(),
            ..parent.clone()
        };
        let dup = store
            .import_policies(&by(&author), org, author.id, &[parent.clone(), twin])
            .await;
        assert!(matches!(dup, Err(StoreError::Invalid(m)) if m.contains("both hold")));
        let draft = store
            .policy_version(org, parent_id, 1)
            .await
            .expect("read")
            .expect("there");
        store
            .edit_draft(
                &by(&author),
                org,
                parent_id,
                1,
                author.id,
                draft.version,
                "# Parent\n\nEdited in Mandate.",
                "x",
                None,
            )
            .await
            .expect("edited in the web");
        let stale_file = PolicyImport {
            body: "# Parent, as exported".into(),
            exported_from: Some((1, draft.version)),
            ..parent
        };
        let refused = store
            .import_policies(&by(&author), org, author.id, &[stale_file])
            .await;
        assert!(matches!(refused, Err(StoreError::Conflict(m)) if m.contains("export again")));
        let kept = store
            .policy_version(org, parent_id, 1)
            .await
            .expect("read")
            .expect("there");
        assert!(kept.body.contains("Edited in Mandate"), "{}", db.backend);
    }
}
