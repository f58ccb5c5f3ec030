//! SCIM role groups on every backend: a group that a single sign-on group
//! mapping names gives its members' logins their access role at once,
//! audited as the SCIM token, but never makes or unmakes an admin; a login
//! made later by an invitation starts with the role; backups carry it all.

use crate::sso::{org, settings};
use mandate_core::audit::Actor;
use mandate_core::login_link::{LINK_PLACEHOLDER, LinkPurpose};
use mandate_core::scim::group::GroupWrite;
use mandate_core::sso::RoleMapping;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, OrgId, Person, PersonId};
use mandate_store::{AuditQuery, DatabaseUrl, LinkMail, SecretChange, Store, keyfile};
use mandate_testkit::TestDb;

fn group(name: &str, members: &[&Person]) -> GroupWrite {
    GroupWrite {
        display_name: name.into(),
        external_id: None,
        members: members.iter().map(|p| p.id).collect(),
    }
}

async fn role_of(store: &Store, org: OrgId, person: PersonId) -> Option<AccessRole> {
    let login = store.login_of(org, person).await.expect("read")?;
    Some(login.access_role)
}

async fn admins(store: &Store, org: OrgId) -> usize {
    let users = store.users(org).await.expect("users");
    users
        .iter()
        .filter(|u| u.access_role == AccessRole::Admin)
        .count()
}

#[tokio::test]
async fn role_groups_set_access_roles_at_once_and_audited() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, org, people) = org(&db).await;
        let mapped = mandate_core::sso::SsoSettings {
            groups_claim: Some("groups".into()),
            role_mappings: vec![
                RoleMapping {
                    group: "Mandate ISMS".into(),
                    role: AccessRole::IsmsManager,
                },
                RoleMapping {
                    group: "Mandate Admins".into(),
                    role: AccessRole::Admin,
                },
            ],
            ..settings()
        };
        store
            .save_sso_settings(
                &Actor::system("test"),
                org,
                None,
                mapped,
                SecretChange::Set("s3cret".into()),
            )
            .await
            .expect("saved");
        let okta = Actor::scim("okta");
        // people[0] and [1] are admins, [2] staff; [3] and [4] have no login.
        let (admin_a, admin_b, staff, newcomer, other) =
            (&people[0], &people[1], &people[2], &people[3], &people[4]);
        let department_before = staff.department.clone();

        let (isms, members) = store
            .scim_write_group(&okta, org, None, &group("Mandate ISMS", &[staff, newcomer]))
            .await
            .expect("made");
        assert!(isms.role_group, "{b}");
        assert_eq!(members.len(), 2, "{b}");
        assert_eq!(
            role_of(&store, org, staff.id).await,
            Some(AccessRole::IsmsManager),
            "{b}: the role follows at once"
        );
        let moved = store
            .person(org, staff.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            moved.department, department_before,
            "{b}: nobody moves department"
        );
        assert_eq!(
            store
                .scim_role_groups_of(org, newcomer.id)
                .await
                .expect("read"),
            vec!["Mandate ISMS".to_string()],
            "{b}"
        );
        let events = store
            .audit_events(
                org,
                &AuditQuery {
                    entity_type: Some("user".into()),
                    actor: Some("scim:okta".into()),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("audit");
        assert_eq!(events.items.len(), 1, "{b}: {:?}", events.items);
        let after = events.items[0].after.as_deref().unwrap_or_default();
        assert!(after.contains("\"isms_manager\""), "{b}: {after}");

        // A group no mapping names is still a department.
        let (platform, _) = store
            .scim_write_group(&okta, org, None, &group("Platform", &[other]))
            .await
            .expect("made");
        assert!(!platform.role_group, "{b}");
        let moved = store
            .person(org, other.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(moved.department.as_deref(), Some("Platform"), "{b}");

        // A login made by an invitation starts with the group's role.
        let link = store
            .create_login_links(
                &Actor::system("test"),
                org,
                LinkPurpose::Invitation,
                vec![LinkMail {
                    person_id: newcomer.id,
                    to: newcomer.email.as_str().to_string(),
                    subject: "Welcome".into(),
                    body: LINK_PLACEHOLDER.into(),
                }],
            )
            .await
            .expect("invited")
            .remove(0);
        store
            .mark_link_sent(
                org,
                link.id,
                newcomer.email.as_str(),
                &secret_hash("mll_n"),
                now(),
            )
            .await
            .expect("marked")
            .expect("live");
        let joined = store
            .use_login_link(&secret_hash("mll_n"), "$argon2id$n", now())
            .await
            .expect("used");
        assert_eq!(joined.access_role, AccessRole::IsmsManager, "{b}");

        // Admins are out of a SCIM token's reach: a group mapped to admin
        // gives nothing, and admins in a mapped group keep their role.
        let (admin_group, _) = store
            .scim_write_group(&okta, org, None, &group("Mandate Admins", &[staff, other]))
            .await
            .expect("made");
        assert!(admin_group.role_group, "{b}");
        assert_eq!(
            role_of(&store, org, staff.id).await,
            Some(AccessRole::IsmsManager),
            "{b}"
        );
        store
            .scim_write_group(
                &okta,
                org,
                Some(isms.id),
                &group("Mandate ISMS", &[staff, newcomer, admin_a, admin_b]),
            )
            .await
            .expect("replaced");
        assert_eq!(admins(&store, org).await, 2, "{b}: admins keep their role");
        // A patch is worked out from the group as the write reads it; one
        // refused writes nothing.
        let refused = store
            .scim_patch_group(&okta, org, isms.id, &|_| {
                Err(mandate_core::scim::ScimError::status(400, "no"))
            })
            .await
            .expect("read");
        assert!(refused.is_err(), "{b}");
        let (_, members) = store
            .scim_group(org, isms.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(members.len(), 4, "{b}: nothing written");

        // Dropped from the group: back to staff.
        store
            .scim_write_group(
                &okta,
                org,
                Some(isms.id),
                &group("Mandate ISMS", &[newcomer, admin_a, admin_b]),
            )
            .await
            .expect("replaced");
        assert_eq!(
            role_of(&store, org, staff.id).await,
            Some(AccessRole::Staff),
            "{b}"
        );

        // Everything comes back from a backup.
        let file = db.path("roles.jsonl");
        store.backup(&file).await.expect("backup");
        for target in TestDb::all().await {
            std::fs::copy(db.key_path(), target.key_path()).expect("key");
            let key = keyfile::load(&target.key_path()).expect("key");
            let restored = Store::open(
                &DatabaseUrl::parse(&target.url).expect("url"),
                true,
                Some(key),
            )
            .await
            .expect("store");
            restored.restore(&file, false).await.expect("restored");
            let back = restored
                .scim_group(org, isms.id)
                .await
                .expect("read")
                .expect("there");
            assert!(back.0.role_group, "{b} into {}", target.backend);
            assert_eq!(back.1.len(), 3, "{b} into {}", target.backend);
        }

        // Renamed to a name no mapping has: its members' roles go; deleted:
        // nobody is in it.
        store
            .scim_write_group(
                &okta,
                org,
                Some(isms.id),
                &group("ISMS team", &[newcomer, admin_a, admin_b]),
            )
            .await
            .expect("renamed");
        assert_eq!(
            role_of(&store, org, newcomer.id).await,
            Some(AccessRole::Staff),
            "{b}"
        );
        assert_eq!(admins(&store, org).await, 2, "{b}");
        store
            .scim_delete_group(&okta, org, isms.id)
            .await
            .expect("deleted");
        assert!(
            store
                .scim_role_groups_of(org, newcomer.id)
                .await
                .expect("read")
                .is_empty(),
            "{b}"
        );
        let public = keyfile::load(&db.key_path()).expect("key").public_key();
        store
            .verify_chain(org, &public)
            .await
            .expect("read")
            .expect("untampered");
    }
}
