//! `/Users`: people of the register as SCIM users. Reads serve everyone
//! the provider may see; writes go through the register's rules (see
//! `mandate_store`'s `scim_users`), and answer the user as it now reads.

use super::list::{ListQuery, list_response};
use super::{ScimCaller, ScimResult, from_store, parse_id};
use mandate_core::PersonId;
use mandate_core::scim::filter::Filter;
use mandate_core::scim::schema::USER_RESOURCE;
use mandate_core::scim::user::{user_document, user_write};
use mandate_core::scim::{ENTERPRISE, ScimError, ScimType, patch};
use mandate_store::{ScimPerson, ScimUserFilter, Store};
use serde_json::Value;

fn document(caller: &ScimCaller, (person, link): &ScimPerson) -> Value {
    user_document(person, link.as_ref(), caller.today(), &caller.base)
}

async fn load(store: &Store, caller: &ScimCaller, id: &str) -> ScimResult<ScimPerson> {
    let id = PersonId(parse_id(id, "user")?);
    store
        .scim_user(caller.org, id)
        .await
        .map_err(from_store)?
        .ok_or_else(|| ScimError::status(404, format!("no user has the id {id}")))
}

pub async fn get_user(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    query: &ListQuery,
) -> ScimResult<Value> {
    let user = load(store, caller, id).await?;
    query.project(document(caller, &user))
}

/// What a filter asks of the store: one of the attributes it finds by
/// index. Others are refused rather than answered by a scan.
fn user_filter(text: Option<&str>) -> ScimResult<ScimUserFilter> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(ScimUserFilter::All);
    };
    let filter = Filter::parse(text)?;
    let path = &filter.path;
    let value = match &filter.value {
        Value::String(s) => s.clone(),
        _ => {
            return Err(ScimError::bad(
                ScimType::InvalidFilter,
                "the value must be a quoted string",
            ));
        }
    };
    let is = |name: &str| path.attr.eq_ignore_ascii_case(name);
    let sub_is = |name: &str| {
        path.sub
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
    };
    Ok(match (path.urn, path.sub.is_some()) {
        (None, false) if is("userName") => ScimUserFilter::UserName(value),
        (None, false) if is("externalId") => ScimUserFilter::ExternalId(value),
        (None, false) if is("id") => match uuid::Uuid::parse_str(&value) {
            Ok(id) => ScimUserFilter::Id(id),
            // No user has it: match nothing rather than everything.
            Err(_) => ScimUserFilter::Id(uuid::Uuid::nil()),
        },
        (None, true) if is("emails") && sub_is("value") => ScimUserFilter::Email(value),
        (None, false) if is("emails") => ScimUserFilter::Email(value),
        (Some(ENTERPRISE), _) | (None, _) => {
            return Err(ScimError::bad(
                ScimType::InvalidFilter,
                format!(
                    "filtering on {text:?} is not supported: filter on userName, emails.value, externalId or id"
                ),
            ));
        }
        (Some(_), _) => {
            return Err(ScimError::bad(
                ScimType::InvalidFilter,
                "unknown schema in the filter",
            ));
        }
    })
}

pub async fn list_users(
    store: &Store,
    caller: &ScimCaller,
    query: &ListQuery,
) -> ScimResult<Value> {
    let filter = user_filter(query.filter.as_deref())?;
    let (offset, count) = query.window()?;
    let page = store
        .scim_users_page(caller.org, &filter, offset, count)
        .await
        .map_err(from_store)?;
    let resources = page
        .items
        .iter()
        .map(|u| query.project(document(caller, u)))
        .collect::<ScimResult<Vec<_>>>()?;
    Ok(list_response(page.total, offset, resources))
}

/// Writes the user; `before`, the person as they were, for a replace. The
/// provider owns the email, so it may change it, but the old address is
/// told, as when an admin changes it: a sign-in link goes to the new one.
async fn write(
    store: &Store,
    caller: &ScimCaller,
    before: Option<&mandate_core::Person>,
    checked: Value,
) -> ScimResult<Value> {
    let write = user_write(checked)?;
    let written = store
        .scim_write_user(
            &caller.actor(),
            caller.org,
            before.map(|p| p.id),
            &write,
            caller.today(),
        )
        .await
        .map_err(from_store)?;
    if let Some(before) = before
        && before.email != written.0.email
    {
        let by = format!("your identity provider ({})", caller.token_name);
        crate::people::tell_old_address(store, &by, before, &written.0, caller.now).await;
    }
    Ok(document(caller, &written))
}

pub async fn create_user(store: &Store, caller: &ScimCaller, body: &Value) -> ScimResult<Value> {
    let checked = USER_RESOURCE.check(body)?;
    write(store, caller, None, checked).await
}

pub async fn replace_user(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let (person, _) = load(store, caller, id).await?;
    let checked = USER_RESOURCE.check(body)?;
    write(store, caller, Some(&person), checked).await
}

/// Applies the operations to the user as it reads now, and writes the
/// result as a whole, as a replace would.
pub async fn patch_user(
    store: &Store,
    caller: &ScimCaller,
    id: &str,
    body: &Value,
) -> ScimResult<Value> {
    let operations = patch::parse(&USER_RESOURCE, body)?;
    let user = load(store, caller, id).await?;
    let current = USER_RESOURCE.check(&document(caller, &user))?;
    let patched = patch::apply(&USER_RESOURCE, &current, &operations)?;
    write(store, caller, Some(&user.0), patched).await
}

/// Deprovisions: never a hard delete (see `scim_deprovision_user`).
pub async fn delete_user(store: &Store, caller: &ScimCaller, id: &str) -> ScimResult<()> {
    let (person, _) = load(store, caller, id).await?;
    store
        .scim_deprovision_user(&caller.actor(), caller.org, person.id, caller.today())
        .await
        .map_err(from_store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_the_store_finds_by_index_and_no_others() {
        assert_eq!(
            user_filter(Some(r#"userName eq "Ana""#)).expect("ok"),
            ScimUserFilter::UserName("Ana".into())
        );
        assert_eq!(
            user_filter(Some(r#"emails.value eq "a@x.com""#)).expect("ok"),
            ScimUserFilter::Email("a@x.com".into())
        );
        assert_eq!(
            user_filter(Some(r#"id eq "nope""#)).expect("ok"),
            ScimUserFilter::Id(uuid::Uuid::nil())
        );
        assert_eq!(user_filter(Some(" ")).expect("ok"), ScimUserFilter::All);
        for refused in [
            r#"displayName eq "Ana""#,
            "active eq true",
            r#"userName co "a""#,
        ] {
            let e = user_filter(Some(refused)).expect_err(refused);
            assert_eq!(e.scim_type, Some(ScimType::InvalidFilter), "{refused}");
        }
    }
}
