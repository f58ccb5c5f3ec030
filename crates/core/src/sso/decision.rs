//! Whether someone the provider vouched for gets in, and as what. The
//! register decides, not the provider: only a person of the register who
//! has not left gets in, matched by an email the provider has verified.

use super::settings::SsoSettings;
use crate::access::AccessRole;
use crate::email::Email;
use crate::person::Person;
use crate::user::User;
use serde_json::{Map, Value};
use time::Date;

/// What the provider said about the person, from the ID token's claims and
/// the UserInfo answer together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// The email claim as sent (lower-cased), if any.
    pub email: Option<String>,
    pub email_verified: bool,
    /// `None` when the groups claim was not sent at all: then an existing
    /// login's role is left as it is.
    pub groups: Option<Vec<String>>,
}

/// Reads the claims the settings name. A groups claim may be a list of
/// strings or one string; anything else counts as not sent.
pub fn identity_from_claims(
    settings: &SsoSettings,
    subject: &str,
    claims: &Map<String, Value>,
) -> Identity {
    let email = claims
        .get(&settings.email_claim)
        .and_then(Value::as_str)
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let email_verified = match claims.get("email_verified") {
        Some(Value::Bool(b)) => *b,
        // Some providers send it as a string.
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let groups = settings
        .groups_claim
        .as_ref()
        .and_then(|claim| match claims.get(claim)? {
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Value::String(one) => Some(vec![one.clone()]),
            _ => None,
        });
    Identity {
        subject: subject.to_string(),
        email,
        email_verified,
        groups,
    }
}

/// Why someone the provider vouched for is not let in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The provider sent no usable email in the configured claim.
    NoEmail,
    /// The email is not verified and the provider is not trusted for it.
    EmailNotVerified,
    /// Nobody in the register has this email.
    NotInRegister,
    /// Their last working day is past.
    Left,
    /// Their login was disabled by an admin.
    LoginDisabled,
}

impl Refusal {
    /// The reason as the log and the audit trail name it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoEmail => "no_email",
            Self::EmailNotVerified => "email_not_verified",
            Self::NotInRegister => "not_in_register",
            Self::Left => "left",
            Self::LoginDisabled => "login_disabled",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignIn {
    Refuse(Refusal),
    /// A person of the register without a login: one is made, just in time.
    CreateLogin {
        role: AccessRole,
    },
    /// A login exists; `new_role` when the provider's groups now give another.
    Existing {
        user: Box<User>,
        new_role: Option<AccessRole>,
    },
}

/// The email to look the person up by, or why there is none.
pub fn email_to_match(settings: &SsoSettings, identity: &Identity) -> Result<Email, Refusal> {
    let raw = identity.email.as_deref().ok_or(Refusal::NoEmail)?;
    let email = Email::parse(raw).map_err(|_| Refusal::NoEmail)?;
    // `email_verified` speaks of the `email` claim only: an address read
    // from another claim (`preferred_username`, `upn`) is taken only from a
    // provider trusted for it.
    let verified = identity.email_verified && settings.email_claim == "email";
    if !verified && !settings.trust_email {
        return Err(Refusal::EmailNotVerified);
    }
    Ok(email)
}

/// The decision, given the person found by [`email_to_match`]'s email and
/// their login, if any. A break-glass admin's role is never changed by the
/// provider: they are who gets in when the provider's groups go wrong. Nor
/// is an admin's, unless a mapping gives `admin`: then the provider's
/// groups are the authority for admins too (the caller still keeps the
/// organisation's last admin).
pub fn decide(
    settings: &SsoSettings,
    identity: &Identity,
    person: Option<&Person>,
    user: Option<&User>,
    today: Date,
) -> SignIn {
    let Some(person) = person else {
        return SignIn::Refuse(Refusal::NotInRegister);
    };
    if person.end_date.is_some_and(|last_day| last_day < today) {
        return SignIn::Refuse(Refusal::Left);
    }
    let role_from_groups = role_from_groups(settings, identity.groups.as_deref());
    match user {
        None => SignIn::CreateLogin {
            role: role_from_groups.unwrap_or(AccessRole::Staff),
        },
        Some(user) if user.disabled_at.is_some() => SignIn::Refuse(Refusal::LoginDisabled),
        Some(user) => SignIn::Existing {
            user: Box::new(user.clone()),
            new_role: role_change(settings, user, identity.groups.as_deref()),
        },
    }
}

/// The identity with the SCIM role groups the person is in counted beside
/// the provider's claim, so that a provider that provisions role groups need
/// not also send them in its tokens. A SCIM token never makes or unmakes an
/// admin (see `SsoSettings::for_scim`), so they are not counted for someone
/// who is an admin or whom the claim alone makes one, and a name whose
/// first mapping gives `admin` is never counted.
pub fn with_role_groups(
    settings: &SsoSettings,
    identity: &Identity,
    user: Option<&User>,
    role_groups: Vec<String>,
) -> Identity {
    let claimed = role_from_groups(settings, identity.groups.as_deref());
    if user.is_some_and(|u| u.access_role == AccessRole::Admin)
        || claimed == Some(AccessRole::Admin)
    {
        return identity.clone();
    }
    let countable: Vec<String> = role_groups
        .into_iter()
        .filter(|name| {
            settings
                .role_for(std::slice::from_ref(name))
                .is_some_and(|role| role != AccessRole::Admin)
        })
        .collect();
    let mut merged = identity.clone();
    if !countable.is_empty() {
        let groups = merged.groups.get_or_insert_with(Vec::new);
        for name in countable {
            if !groups.contains(&name) {
                groups.push(name);
            }
        }
    }
    merged
}

/// The role `groups` give (`staff` when none of them is mapped), or `None`
/// when nothing is mapped or the groups are unknown: then a role is left
/// as it is.
fn role_from_groups(settings: &SsoSettings, groups: Option<&[String]>) -> Option<AccessRole> {
    groups
        .filter(|_| !settings.role_mappings.is_empty())
        .map(|g| settings.role_for(g).unwrap_or(AccessRole::Staff))
}

/// The role an existing login should move to, given the groups its person
/// is in (from the provider's claim at sign-in, or its SCIM role groups);
/// `None` when it keeps its role. A break-glass admin's role is never
/// changed, nor an admin's unless a mapping gives `admin`; the caller still
/// keeps the organisation's last admin.
pub fn role_change(
    settings: &SsoSettings,
    user: &User,
    groups: Option<&[String]>,
) -> Option<AccessRole> {
    let admins_mapped = settings
        .role_mappings
        .iter()
        .any(|m| m.role == AccessRole::Admin);
    let protected = settings.is_break_glass(&user.email)
        || (user.access_role == AccessRole::Admin && !admins_mapped);
    role_from_groups(settings, groups).filter(|role| *role != user.access_role && !protected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, PersonId, UserId};
    use crate::person::PersonKind;
    use crate::sso::RoleMapping;
    use serde_json::json;
    use time::macros::{date, datetime};

    fn settings() -> SsoSettings {
        SsoSettings {
            groups_claim: Some("groups".into()),
            role_mappings: vec![RoleMapping {
                group: "isms".into(),
                role: AccessRole::IsmsManager,
            }],
            ..SsoSettings::default()
        }
    }

    fn person(end: Option<Date>) -> Person {
        Person {
            id: PersonId::new(),
            org_id: OrgId::new(),
            name: "Ada".into(),
            email: Email::parse("ada@acme.example").expect("test value"),
            department: None,
            manager_id: None,
            kind: PersonKind::Employee,
            start_date: None,
            end_date: end,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
            version: 1,
        }
    }

    fn user(p: &Person, role: AccessRole) -> User {
        User {
            id: UserId::new(),
            org_id: p.org_id,
            person_id: p.id,
            email: p.email.clone(),
            access_role: role,
            created_at: datetime!(2026-01-01 0:00 UTC),
            disabled_at: None,
        }
    }

    fn identity(claims: Value) -> Identity {
        identity_from_claims(
            &settings(),
            "sub-1",
            claims.as_object().expect("test value"),
        )
    }

    const TODAY: Date = date!(2026 - 12 - 05);

    #[test]
    fn claims_are_read_as_the_settings_name_them() {
        let id = identity(
            json!({"email": " Ada@Acme.example ", "email_verified": "true", "groups": "isms"}),
        );
        assert_eq!(id.email.as_deref(), Some("ada@acme.example"));
        assert!(id.email_verified);
        assert_eq!(id.groups, Some(vec!["isms".to_string()]));
        let id = identity(json!({"email": 42, "groups": {"x": 1}}));
        assert_eq!(id.email, None);
        assert_eq!(id.groups, None);
    }

    #[test]
    fn an_unverified_email_counts_only_from_a_trusted_provider() {
        let id = identity(json!({"email": "ada@acme.example"}));
        assert_eq!(
            email_to_match(&settings(), &id),
            Err(Refusal::EmailNotVerified)
        );
        let trusted = SsoSettings {
            trust_email: true,
            ..settings()
        };
        assert!(email_to_match(&trusted, &id).is_ok());
        let other_claim = SsoSettings {
            email_claim: "preferred_username".into(),
            ..settings()
        };
        let id = identity_from_claims(
            &other_claim,
            "s",
            json!({"email": "x@evil.example", "email_verified": true, "preferred_username": "ada@acme.example"})
                .as_object()
                .expect("test value"),
        );
        assert_eq!(
            email_to_match(&other_claim, &id),
            Err(Refusal::EmailNotVerified),
            "email_verified speaks of the email claim only"
        );
        let none = identity(json!({"email_verified": true}));
        assert_eq!(email_to_match(&trusted, &none), Err(Refusal::NoEmail));
        let junk = identity(json!({"email": "not an email", "email_verified": true}));
        assert_eq!(email_to_match(&trusted, &junk), Err(Refusal::NoEmail));
    }

    #[test]
    fn only_people_of_the_register_who_have_not_left_get_in() {
        let id = identity(json!({"groups": []}));
        assert_eq!(
            decide(&settings(), &id, None, None, TODAY),
            SignIn::Refuse(Refusal::NotInRegister)
        );
        let left = person(Some(date!(2026 - 12 - 04)));
        assert_eq!(
            decide(&settings(), &id, Some(&left), None, TODAY),
            SignIn::Refuse(Refusal::Left)
        );
        let last_day = person(Some(TODAY));
        assert_eq!(
            decide(&settings(), &id, Some(&last_day), None, TODAY),
            SignIn::CreateLogin {
                role: AccessRole::Staff
            }
        );
        let p = person(None);
        let mut disabled = user(&p, AccessRole::Staff);
        disabled.disabled_at = Some(datetime!(2026-02-01 0:00 UTC));
        assert_eq!(
            decide(&settings(), &id, Some(&p), Some(&disabled), TODAY),
            SignIn::Refuse(Refusal::LoginDisabled)
        );
    }

    #[test]
    fn scim_role_groups_count_at_sign_in_but_never_make_or_unmake_an_admin() {
        let mut s = settings();
        s.role_mappings.insert(
            0,
            RoleMapping {
                group: "admins".into(),
                role: AccessRole::Admin,
            },
        );
        s.role_mappings.push(RoleMapping {
            group: "isms".into(),
            role: AccessRole::Admin,
        });
        let p = person(None);
        let provisioned = || vec!["admins".to_string(), "isms".to_string(), "other".into()];
        // Counted beside a claim (or none): only names not first mapped to admin.
        let silent = identity(json!({}));
        let merged = with_role_groups(&s, &silent, None, provisioned());
        assert_eq!(merged.groups, Some(vec!["isms".to_string()]));
        assert_eq!(
            decide(&s, &merged, Some(&p), None, TODAY),
            SignIn::CreateLogin {
                role: AccessRole::IsmsManager
            },
            "the later mapping of the same group to admin never matches first"
        );
        // Not counted for an admin, nor when the claim makes one.
        let admin = user(&p, AccessRole::Admin);
        assert_eq!(
            with_role_groups(&s, &silent, Some(&admin), provisioned()),
            silent
        );
        let claimed = identity(json!({"groups": ["admins"]}));
        let staff = user(&p, AccessRole::Staff);
        assert_eq!(
            with_role_groups(&s, &claimed, Some(&staff), provisioned()),
            claimed
        );
    }

    #[test]
    fn groups_give_the_role_at_every_sign_in_but_never_to_break_glass_admins() {
        let p = person(None);
        let isms = identity(json!({"groups": ["isms"]}));
        assert_eq!(
            decide(&settings(), &isms, Some(&p), None, TODAY),
            SignIn::CreateLogin {
                role: AccessRole::IsmsManager
            }
        );
        let staff = user(&p, AccessRole::Staff);
        let SignIn::Existing { new_role, .. } =
            decide(&settings(), &isms, Some(&p), Some(&staff), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, Some(AccessRole::IsmsManager));
        // Out of every mapped group: back to staff.
        let manager = user(&p, AccessRole::IsmsManager);
        let outside = identity(json!({"groups": ["other"]}));
        let SignIn::Existing { new_role, .. } =
            decide(&settings(), &outside, Some(&p), Some(&manager), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, Some(AccessRole::Staff));
        // No groups claim at all: nothing is known, nothing changes.
        let silent = identity(json!({}));
        let SignIn::Existing { new_role, .. } =
            decide(&settings(), &silent, Some(&p), Some(&manager), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, None);
        // An admin keeps their role unless a mapping gives admin.
        let admin = user(&p, AccessRole::Admin);
        let SignIn::Existing { new_role, .. } =
            decide(&settings(), &outside, Some(&p), Some(&admin), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, None);
        let mut with_admins = settings();
        with_admins.role_mappings.push(RoleMapping {
            group: "admins".into(),
            role: AccessRole::Admin,
        });
        let SignIn::Existing { new_role, .. } =
            decide(&with_admins, &outside, Some(&p), Some(&admin), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, Some(AccessRole::Staff));
        // A break-glass admin keeps their role.
        let glass = SsoSettings {
            break_glass: vec![p.email.clone()],
            ..settings()
        };
        let SignIn::Existing { new_role, .. } =
            decide(&glass, &outside, Some(&p), Some(&admin), TODAY)
        else {
            panic!("expected a sign-in");
        };
        assert_eq!(new_role, None);
    }
}
