//! The store's integration tests, one binary: each module runs against a
//! fresh SQLite file and, when `MANDATE_TEST_POSTGRES_URL` is set, a fresh
//! PostgreSQL database.

mod acknowledgements;
mod commitment;
mod login_links;
mod performance;
mod policies;
mod records;
mod scim_roles;
mod sso;
mod story;
