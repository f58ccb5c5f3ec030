//! The SCIM tables' rows whole, as backups carry them (the queries of
//! `scim_*` read the columns they need).

use super::super::row_type::row_type;
use time::OffsetDateTime;
use uuid::Uuid;

row_type!(ScimTokenRow in "scim_tokens" {
    org_id: Uuid,
    token_id: Uuid,
    name: String,
    token_hash: String,
    created_by: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
});

row_type!(ScimUserRow in "scim_users" {
    org_id: Uuid,
    person_id: Uuid,
    user_name: String,
    user_name_key: String,
    external_id: Option<String>,
    attributes: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
    deprovisioned_at: Option<OffsetDateTime>,
});

row_type!(ScimGroupRow in "scim_groups" {
    org_id: Uuid,
    group_id: Uuid,
    display_name: String,
    display_key: String,
    external_id: Option<String>,
    role_group: Option<bool>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

row_type!(ScimGroupMemberRow in "scim_group_members" {
    org_id: Uuid,
    group_id: Uuid,
    person_id: Uuid,
});
