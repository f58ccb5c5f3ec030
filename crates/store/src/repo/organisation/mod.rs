//! The organisation and its people: organisations and their settings, the people register and its edits, logins, sessions and API tokens.

pub(super) mod login_links;
pub(super) mod org_settings;
pub(super) mod organisations;
pub(super) mod people;
pub(super) mod people_edit;
pub(super) mod sessions;
pub(super) mod tokens;
pub(super) mod users;
