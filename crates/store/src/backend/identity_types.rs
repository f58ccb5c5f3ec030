//! What the store's login links take and answer, the same for both backends.

use mandate_core::login_link::LoginLink;
use mandate_core::{AccessRole, PersonId, UserId};

/// One link to make: for whom, and the mail that carries it (its body with
/// the link's placeholder).
#[derive(Clone, Debug)]
pub struct LinkMail {
    pub person_id: PersonId,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A live link as its page shows it: whose it is and where.
#[derive(Clone, Debug)]
pub struct LinkHolder {
    pub link: LoginLink,
    pub person_name: String,
    pub email: String,
    pub organisation: String,
}

/// A person's login, as far as an invitation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginOf {
    pub user_id: UserId,
    pub access_role: AccessRole,
    pub has_password: bool,
    pub disabled: bool,
}

/// A SCIM token: one identity provider's way in to one organisation. Only
/// its hash is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimToken {
    pub id: uuid::Uuid,
    pub org_id: mandate_core::OrgId,
    pub name: String,
    pub created_by: String,
    pub created_at: time::OffsetDateTime,
    pub last_used_at: Option<time::OffsetDateTime>,
    pub revoked_at: Option<time::OffsetDateTime>,
}

/// Which users a SCIM list asks for: all, or those with one value of an
/// attribute the store can find by index. Strings are compared without
/// case, except an externalId.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScimUserFilter {
    All,
    UserName(String),
    Email(String),
    ExternalId(String),
    Id(uuid::Uuid),
}

/// Which groups a SCIM list asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScimGroupFilter {
    All,
    DisplayName(String),
    ExternalId(String),
    Id(uuid::Uuid),
}

/// One page of a SCIM list: how many match in all, and the page.
#[derive(Clone, Debug)]
pub struct ScimPage<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// A person as SCIM serves them: the register's record and, once SCIM has
/// written them, the provider's side.
pub type ScimPerson = (
    mandate_core::Person,
    Option<mandate_core::scim::user::ScimUser>,
);

/// A group and its members' ids and names.
pub type ScimGroupWithMembers = (
    mandate_core::scim::group::ScimGroup,
    Vec<(mandate_core::PersonId, String)>,
);

/// A SCIM PATCH of a group, worked out from the group as the write
/// transaction reads it (so two at once both count): the group with its
/// members in, what to write out, or the SCIM refusal of the patch.
pub type GroupPatch<'a> = dyn Fn(
        &ScimGroupWithMembers,
    ) -> Result<mandate_core::scim::group::GroupWrite, mandate_core::scim::ScimError>
    + Send
    + Sync
    + 'a;

/// An organisation's single sign-on settings as kept, with what may be said
/// of the client secret: whether one is set, never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoConfig {
    pub settings: mandate_core::sso::SsoSettings,
    pub client_secret_set: bool,
    /// False when a secret is kept but no longer opens (the deployment's
    /// signing key was replaced): it must be entered again.
    pub client_secret_readable: bool,
    /// 0 while never saved.
    pub version: i64,
    pub updated_at: Option<time::OffsetDateTime>,
}

/// What a save does to the client secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Set(String),
    Remove,
}

/// A sign-in under way through the provider, as its callback finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoLogin {
    pub org_id: mandate_core::OrgId,
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
    pub created_at: time::OffsetDateTime,
}
