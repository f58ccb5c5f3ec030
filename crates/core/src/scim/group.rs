//! A SCIM Group as a department of the register: its members are the
//! people whose department it names. Adding a member moves that person to
//! the department; removing one leaves them without one. A group that a
//! single sign-on group mapping names gives an access role instead: its
//! members are kept as sent, and their role follows.

use super::GROUP;
use super::error::{ScimError, ScimType};
use super::filter::get;
use crate::ids::PersonId;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimGroup {
    pub id: Uuid,
    pub display_name: String,
    pub external_id: Option<String>,
    /// A group that gives an access role (a group mapping of the single
    /// sign-on settings named it when it was first sent) rather than a
    /// department.
    pub role_group: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// What a checked Group document asks of the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupWrite {
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: Vec<PersonId>,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidValue, detail)
}

/// Reads a document checked against the Group schema.
pub fn group_write(doc: &Value) -> Result<GroupWrite, ScimError> {
    let display_name = get(doc, "displayName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("displayName is required"))?;
    if display_name.chars().count() > 200 {
        return Err(invalid("displayName is longer than 200 characters"));
    }
    let external_id = get(doc, "externalId")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut members = Vec::new();
    for member in get(doc, "members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if get(member, "type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("Group"))
        {
            return Err(invalid(
                "a group's members are users: a department holds no groups",
            ));
        }
        let value = get(member, "value")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("each member needs a value, the user's id"))?;
        let id = Uuid::parse_str(value).map_err(|_| {
            invalid(format!(
                "{value:?} is not the id of a user of this organisation"
            ))
        })?;
        if !members.contains(&PersonId(id)) {
            members.push(PersonId(id));
        }
    }
    Ok(GroupWrite {
        display_name: display_name.to_string(),
        external_id,
        members,
    })
}

/// The Group document, `members` the (id, name) of the people in it. A
/// member carries what a client writes (value, `$ref`, type) and not its
/// name: clients compare a member they wrote with what they read back.
pub fn group_document(group: &ScimGroup, members: &[(PersonId, String)], base: &str) -> Value {
    let mut doc = json!({
        "schemas": [GROUP],
        "id": group.id.to_string(),
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": super::timestamp(group.created_at),
            "lastModified": super::timestamp(group.updated_at),
            "location": format!("{base}/Groups/{}", group.id),
            "version": format!("W/\"{}\"", group.version),
        },
    });
    if let Some(external) = &group.external_id {
        doc["externalId"] = json!(external);
    }
    if !members.is_empty() {
        doc["members"] = members
            .iter()
            .map(|(id, _name)| {
                json!({
                    "value": id.to_string(),
                    "$ref": format!("{base}/Users/{id}"),
                    "type": "User",
                })
            })
            .collect();
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::schema::GROUP_RESOURCE;
    use time::macros::datetime;

    #[test]
    fn members_are_users_named_by_id_once_each() {
        let a = PersonId::new();
        let doc = json!({"schemas": [GROUP], "displayName": " Finance ",
            "members": [{"value": a.to_string()}, {"value": a.to_string(), "type": "User"}]});
        let w = group_write(&GROUP_RESOURCE.check(&doc).expect("valid")).expect("readable");
        assert_eq!(w.display_name, "Finance");
        assert_eq!(w.members, vec![a]);
        let nested = json!({"schemas": [GROUP], "displayName": "F",
            "members": [{"value": a.to_string(), "type": "Group"}]});
        assert!(group_write(&GROUP_RESOURCE.check(&nested).expect("valid")).is_err());
        let bad = json!({"schemas": [GROUP], "displayName": "F", "members": [{"value": "x"}]});
        let e = group_write(&GROUP_RESOURCE.check(&bad).expect("valid")).expect_err("bad id");
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    }

    #[test]
    fn the_document_lists_members_with_their_address() {
        let g = ScimGroup {
            id: Uuid::now_v7(),
            display_name: "Finance".into(),
            external_id: Some("g1".into()),
            role_group: false,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-02 0:00 UTC),
            version: 3,
        };
        let a = PersonId::new();
        let doc = group_document(&g, &[(a, "Ana".into())], "https://x/scim/v2");
        assert_eq!(
            doc["members"][0]["$ref"],
            format!("https://x/scim/v2/Users/{a}")
        );
        assert_eq!(doc["externalId"], "g1");
        assert_eq!(doc["meta"]["version"], "W/\"3\"");
        assert!(group_document(&g, &[], "b").get("members").is_none());
    }
}
