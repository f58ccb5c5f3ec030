//! The people register: a person's fields checked as one, and the end of
//! someone's employment (which ends their roles' holding on that day).

use crate::{AppError, AppResult, Caller};
use mandate_core::{Email, NewPerson, Permission, Person, PersonId, PersonKind};
use mandate_store::Store;
use time::Date;
use uuid::Uuid;

/// The editable fields of a person, as a form or a request gives them.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonInput<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub department: Option<&'a str>,
    pub manager_id: Option<Uuid>,
    pub kind: Option<&'a str>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
}

/// `input` checked; the message names the field at fault.
pub fn new_person(input: PersonInput<'_>) -> AppResult<NewPerson> {
    let invalid = AppError::Invalid;
    let email = Email::parse(input.email).map_err(|e| invalid(format!("email: {e}")))?;
    let kind = match input.kind.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => k
            .parse::<PersonKind>()
            .map_err(|e| invalid(format!("kind: {e}")))?,
        None => PersonKind::Employee,
    };
    let person = NewPerson {
        name: input.name.trim().to_string(),
        email,
        department: input
            .department
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        manager_id: input.manager_id.map(PersonId),
        kind,
        start_date: input.start_date,
        end_date: input.end_date,
    };
    person.validate().map_err(|e| invalid(e.to_string()))?;
    Ok(person)
}

/// Changes a person's fields. Whoever may edit people may not move the
/// email of someone who can sign in: a password reset goes to the email,
/// so moving it would hand over their login (an admin's, say). Only those
/// who manage logins may.
pub async fn update_person(
    store: &Store,
    caller: &Caller,
    id: PersonId,
    version: i64,
    changes: &NewPerson,
) -> AppResult<Person> {
    let org = caller.org();
    let before = store
        .person(org, id)
        .await?
        .ok_or_else(|| AppError::no_such("person"))?;
    if before.email != changes.email
        && !caller.may(Permission::ManageUsers)
        && store.login_of(org, id).await?.is_some()
    {
        return Err(AppError::Forbidden(format!(
            "{} has a login, so only an admin may change their email: a password reset goes to it",
            before.name
        )));
    }
    Ok(store
        .update_person(&caller.actor(), org, id, version, changes, "update")
        .await?)
}

/// Ends a person's employment on `end_date`, their other fields unchanged.
pub async fn end_employment(
    store: &Store,
    caller: &Caller,
    id: PersonId,
    version: i64,
    end_date: Date,
) -> AppResult<Person> {
    let org = caller.org();
    let person = store
        .person(org, id)
        .await?
        .ok_or_else(|| AppError::no_such("person"))?;
    let changes = NewPerson {
        name: person.name.clone(),
        email: person.email.clone(),
        department: person.department.clone(),
        manager_id: person.manager_id,
        kind: person.kind,
        start_date: person.start_date,
        end_date: Some(end_date),
    };
    changes
        .validate()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    Ok(store
        .update_person(
            &caller.actor(),
            org,
            id,
            version,
            &changes,
            "end_employment",
        )
        .await?)
}
