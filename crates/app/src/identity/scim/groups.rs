//! `/Groups`: departments of the register as SCIM groups.

use super::list::{ListQuery, list_response};
use super::{ScimCaller, ScimResult, from_store, parse_id};
use mandate_core::scim::filter::Filter;
use mandate_core::scim::group::{group_document, group_write};
use mandate_core::scim::schema::GROUP_RESOURCE;
use mandate_core::scim::{ScimError, ScimType, patch};
use mandate_store::{ScimGroupFilter, ScimGroupWithMembers, Store, StoreError};
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
    target: Option<(uuid::Uuid, Option<i64>)>,
    checked: &Value,
) -> Result<ScimGroupWithMembers, StoreOr> {
    let write = group_write(checked).map_err(StoreOr::Scim)?;
    store
        .scim_write_group(
            &caller.actor(),
            caller.org,
            target.map(|(id, _)| id),
            target.and_then(|(_, version)| version),
            &write,
        )
        .await
        .map_err(StoreOr::Store)
}

/// A write's failure: the store's, kept apart so that a PATCH can tell
/// that the group changed under it, or a refusal of the document.
enum StoreOr {
    Store(StoreError),
    Scim(ScimError),
}

impl From<StoreOr> for ScimError {
    fn from(e: StoreOr) -> Self {
        match e {
            StoreOr::Store(e) => from_store(e),
            StoreOr::Scim(e) => e,
        }
    }
}

/// How often a PATCH is worked out again when the group changed between
/// reading it and writing it (two provider requests at once).
const PATCH_TRIES: usize = 5;

pub async fn create_group(store: &Store, caller: &ScimCaller, body: &Value) -> ScimResult<Value> {
    let checked = GROUP_RESOURCE.check(body)?;
    let written = write(store, caller, None, &checked).await?;
    Ok(document(caller, &written))
}

pub async fn replace_group(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let (group, _) = load(store, caller, id).await?;
    let checked = GROUP_RESOURCE.check(body)?;
    let written = write(store, caller, Some((group.id, None)), &checked).await?;
    Ok(document(caller, &written))
}

pub async fn patch_group(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let operations = patch::parse(&GROUP_RESOURCE, body)?;
    let mut tries = 0;
    loop {
        let group = load(store, caller, id).await?;
        let current = GROUP_RESOURCE.check(&document(caller, &group))?;
        let patched = patch::apply(&GROUP_RESOURCE, &current, &operations)?;
        let target = Some((group.0.id, Some(group.0.version)));
        match write(store, caller, target, &patched).await {
            Ok(written) => return Ok(document(caller, &written)),
            Err(StoreOr::Store(StoreError::Conflict(_)))
                if tries + 1 < PATCH_TRIES && changed_since(store, caller, &group).await? =>
            {
                tries += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether the group is no longer at the version read: a conflict then
/// means another write came first, not that the name is taken.
async fn changed_since(
    store: &Store,
    caller: &ScimCaller,
    (group, _): &ScimGroupWithMembers,
) -> ScimResult<bool> {
    let now = store
        .scim_group(caller.org, group.id)
        .await
        .map_err(from_store)?;
    Ok(now.is_none_or(|(g, _)| g.version != group.version))
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
