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
    /// The SCIM role groups the person is in (filled in by the caller from
    /// the register, not by the provider's token): counted beside the
    /// claim, but never for `admin` (see [`groups_role`]).
    pub role_groups: Vec<String>,
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
        role_groups: Vec::new(),
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
    let claim = identity.groups.as_deref();
    // In no role group and no claim: nothing is known, the role stays.
    let role_groups = Some(identity.role_groups.as_slice()).filter(|g| !g.is_empty());
    match user {
        None => SignIn::CreateLogin {
            role: groups_role(settings, claim, role_groups, None).unwrap_or(AccessRole::Staff),
        },
        Some(user) if user.disabled_at.is_some() => SignIn::Refuse(Refusal::LoginDisabled),
        Some(user) => SignIn::Existing {
            user: Box::new(user.clone()),
            new_role: role_change(settings, user, claim, role_groups),
        },
    }
}

/// The role groups give: `admin` when the provider's signed `claim` alone
/// gives it (whatever a SCIM role group would match first); else the first
/// mapping, in order, whose group is in the claim or, for a role other than
/// `admin`, among the person's SCIM `role_groups` (`None`: not known, as at
/// a sign-in of someone in none); `staff` when none matches. A SCIM token is a
/// weaker secret than the provider's signed tokens and may change emails, so
/// what it wrote never makes or unmakes an admin: the claim alone makes one,
/// and an admin with no claim to go by is left as they are. `None` (the role
/// left as it is) when nothing is mapped or nothing is known.
pub fn groups_role(
    settings: &SsoSettings,
    claim: Option<&[String]>,
    role_groups: Option<&[String]>,
    user: Option<&User>,
) -> Option<AccessRole> {
    if settings.role_mappings.is_empty() {
        return None;
    }
    let is_admin = user.is_some_and(|u| u.access_role == AccessRole::Admin);
    if claim.is_none() && (role_groups.is_none() || is_admin) {
        return None;
    }
    let claimed = claim.unwrap_or_default();
    let role_groups = role_groups.unwrap_or_default();
    if settings.role_for(claimed) == Some(AccessRole::Admin) {
        return Some(AccessRole::Admin);
    }
    let role = settings
        .role_mappings
        .iter()
        .find(|m| {
            claimed.contains(&m.group)
                || (m.role != AccessRole::Admin && role_groups.contains(&m.group))
        })
        .map_or(AccessRole::Staff, |m| m.role);
    Some(role)
}

/// The role an existing login should move to, given the groups its person
/// is in (the provider's claim at sign-in, `None` from SCIM; their SCIM role
/// groups); `None` when it keeps its role. A break-glass admin's role is
/// never changed, nor an admin's unless a mapping gives `admin`; the caller
/// still keeps the organisation's last admin.
pub fn role_change(
    settings: &SsoSettings,
    user: &User,
    claim: Option<&[String]>,
    role_groups: Option<&[String]>,
) -> Option<AccessRole> {
    let admins_mapped = settings
        .role_mappings
        .iter()
        .any(|m| m.role == AccessRole::Admin);
    let protected = settings.is_break_glass(&user.email)
        || (user.access_role == AccessRole::Admin && !admins_mapped);
    groups_role(settings, claim, role_groups, Some(user))
        .filter(|role| *role != user.access_role && !protected)
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
    fn scim_role_groups_count_beside_the_claim_but_never_make_or_unmake_an_admin() {
        let isms = || vec!["isms".to_string()];
        let mut s = settings(); // isms = isms_manager
        s.role_mappings.push(RoleMapping {
            group: "admins".into(),
            role: AccessRole::Admin,
        });
        let p = person(None);
        let (staff, admin) = (user(&p, AccessRole::Staff), user(&p, AccessRole::Admin));
        let claim = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // With no claim, the role groups give the role.
        assert_eq!(
            groups_role(&s, None, Some(&isms()), None),
            Some(AccessRole::IsmsManager)
        );
        assert_eq!(
            role_change(&s, &staff, None, Some(&isms())),
            Some(AccessRole::IsmsManager)
        );
        // A role group mapped to admin gives nothing.
        assert_eq!(
            groups_role(&s, None, Some(&["admins".to_string()]), None),
            Some(AccessRole::Staff)
        );
        // An admin with no claim is left alone; the claim alone makes one,
        // whatever the role groups and the order of the mappings.
        assert_eq!(role_change(&s, &admin, None, Some(&isms())), None);
        assert_eq!(
            role_change(&s, &admin, Some(&claim(&["admins"])), Some(&isms())),
            None
        );
        assert_eq!(
            role_change(&s, &staff, Some(&claim(&["admins"])), Some(&isms())),
            Some(AccessRole::Admin)
        );
        // Out of every role group (known from SCIM): back to staff.
        let manager = user(&p, AccessRole::IsmsManager);
        assert_eq!(
            role_change(&s, &manager, None, Some(&[])),
            Some(AccessRole::Staff)
        );
        // A claim without admin demotes an admin; the role groups count beside it,
        // and two sign-ins with the same claim agree.
        let demoted = role_change(&s, &admin, Some(&claim(&[])), Some(&isms()));
        assert_eq!(demoted, Some(AccessRole::IsmsManager));
        assert_eq!(
            role_change(&s, &manager, Some(&claim(&[])), Some(&isms())),
            None
        );
        // A group first mapped to admin, then to another role: SCIM and
        // sign-in agree on the other role.
        let odd = SsoSettings {
            role_mappings: vec![
                RoleMapping {
                    group: "x".into(),
                    role: AccessRole::Admin,
                },
                RoleMapping {
                    group: "x".into(),
                    role: AccessRole::Auditor,
                },
            ],
            ..settings()
        };
        let x = vec!["x".to_string()];
        assert_eq!(
            groups_role(&odd, None, Some(&x), None),
            Some(AccessRole::Auditor)
        );
        assert_eq!(
            groups_role(&odd, Some(&[]), Some(&x), Some(&staff)),
            Some(AccessRole::Auditor)
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
