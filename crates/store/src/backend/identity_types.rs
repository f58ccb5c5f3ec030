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
