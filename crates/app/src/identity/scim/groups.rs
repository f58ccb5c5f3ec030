//! `/Groups`: departments of the register as SCIM groups.

use super::list::{ListQuery, list_response};
use super::{ScimCaller, ScimResult, from_store, parse_id};
use mandate_core::scim::filter::Filter;
use mandate_core::scim::group::{group_document, group_write};
use mandate_core::scim::schema::GROUP_RESOURCE;
use mandate_core::scim::{ScimError, ScimType, patch};
use mandate_store::{ScimGroupFilter, ScimGroupWithMembers, Store};
use serde_json::Value;

fn document(caller: &ScimCaller, (group, members): &ScimGroupWithMembers) -> Value {
    group_document(group, members, &caller.base)
}

async fn load(store: &Store, caller: &ScimCaller, id: &str) -> ScimResult<ScimGroupWithMembers> {
    let id = parse_id(id, "group")?;
    store
        .scim_group(caller.org, id)
        .await
        .map_err(from_store)?
        .ok_or_else(|| ScimError::status(404, format!("no group has the id {id}")))
}

pub async fn get_group(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    query: &ListQuery,
) -> ScimResult<Value> {
    let group = load(store, caller, id).await?;
    query.project(document(caller, &group))
}

fn group_filter(text: Option<&str>) -> ScimResult<ScimGroupFilter> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(ScimGroupFilter::All);
    };
    let filter = Filter::parse(text)?;
    let Value::String(value) = filter.value else {
        return Err(ScimError::bad(
            ScimType::InvalidFilter,
            "the value must be a quoted string",
        ));
    };
    let path = &filter.path;
    let is = |name: &str| {
        path.urn.is_none() && path.sub.is_none() && path.attr.eq_ignore_ascii_case(name)
    };
    if is("displayName") {
        Ok(ScimGroupFilter::DisplayName(value))
    } else if is("externalId") {
        Ok(ScimGroupFilter::ExternalId(value))
    } else if is("id") {
        Ok(ScimGroupFilter::Id(
            uuid::Uuid::parse_str(&value).unwrap_or(uuid::Uuid::nil()),
        ))
    } else {
        Err(ScimError::bad(
            ScimType::InvalidFilter,
            format!(
                "filtering on {text:?} is not supported: filter on displayName, externalId or id"
            ),
        ))
    }
}

/// Whether the answer will carry members: a department's can run to
/// thousands, so a client that excludes them does not pay for them.
fn wants_members(query: &ListQuery) -> bool {
    let named = |list: Option<&str>| {
        list.is_some_and(|l| {
            l.split(',').any(|p| {
                p.trim()
                    .split('.')
                    .next()
                    .is_some_and(|a| a.eq_ignore_ascii_case("members"))
            })
        })
    };
    let asked_for_others = query
        .attributes
        .as_deref()
        .is_some_and(|l| !l.trim().is_empty());
    !named(query.excluded_attributes.as_deref())
        && (!asked_for_others || named(query.attributes.as_deref()))
}

pub async fn list_groups(
    store: &Store,
    caller: &ScimCaller,
    query: &ListQuery,
) -> ScimResult<Value> {
    let filter = group_filter(query.filter.as_deref())?;
    let (offset, count) = query.window()?;
    let page = store
        .scim_groups_page(caller.org, &filter, offset, count, wants_members(query))
        .await
        .map_err(from_store)?;
    let resources = page
        .items
        .iter()
        .map(|g| query.project(document(caller, g)))
        .collect::<ScimResult<Vec<_>>>()?;
    Ok(list_response(page.total, offset, resources))
}

async fn write(
    store: &Store,
    caller: &ScimCaller,
    target: Option<uuid::Uuid>,
    checked: &Value,
) -> ScimResult<Value> {
    let write = group_write(checked)?;
    let written = store
        .scim_write_group(&caller.actor(), caller.org, target, &write)
        .await
        .map_err(from_store)?;
    Ok(document(caller, &written))
}

pub async fn create_group(store: &Store, caller: &ScimCaller, body: &Value) -> ScimResult<Value> {
    let checked = GROUP_RESOURCE.check(body)?;
    write(store, caller, None, &checked).await
}

pub async fn replace_group(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let (group, _) = load(store, caller, id).await?;
    let checked = GROUP_RESOURCE.check(body)?;
    write(store, caller, Some(group.id), &checked).await
}

/// Applied to the group as the write reads it, so that a provider's PATCHes
/// sent at once (one member added by each) all count.
pub async fn patch_group(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let operations = patch::parse(&GROUP_RESOURCE, body)?;
    let (group, _) = load(store, caller, id).await?;
    let apply = |current: &ScimGroupWithMembers| {
        let current = GROUP_RESOURCE.check(&document(caller, current))?;
        let patched = patch::apply(&GROUP_RESOURCE, &current, &operations)?;
        group_write(&patched)
    };
    let written = store
        .scim_patch_group(&caller.actor(), caller.org, group.id, &apply)
        .await
        .map_err(from_store)??;
    Ok(document(caller, &written))
}

pub async fn delete_group(store: &Store, caller: &ScimCaller, id: &str) -> ScimResult<()> {
    let (group, _) = load(store, caller, id).await?;
    store
        .scim_delete_group(&caller.actor(), caller.org, group.id)
        .await
        .map_err(from_store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_loaded_only_when_the_answer_carries_them() {
        let q = |a: Option<&str>, x: Option<&str>| ListQuery {
            attributes: a.map(str::to_string),
            excluded_attributes: x.map(str::to_string),
            ..ListQuery::default()
        };
        assert!(wants_members(&q(None, None)));
        assert!(!wants_members(&q(None, Some("members"))));
        assert!(!wants_members(&q(Some("displayName"), None)));
        assert!(wants_members(&q(Some("displayName,members.value"), None)));
    }
}
