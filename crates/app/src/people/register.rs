//! The people register: a person's fields checked as one, and the end of
//! someone's employment (which ends their roles' holding on that day).

use crate::{AppError, AppResult, Caller};
use mandate_core::outbox::NewMail;
use mandate_core::{AccessRole, Email, NewPerson, Permission, Person, PersonId, PersonKind};
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

/// Whoever may edit people may not change what lets someone in or keeps
/// them in: the email of anyone with a login (a password reset goes to it,
/// so moving it would hand over the login) and the end date of an admin (a
/// leaver cannot sign in, so it would lock them out). Those who manage
/// logins may.
async fn guard_sign_in(
    store: &Store,
    caller: &Caller,
    before: &Person,
    changes: &NewPerson,
) -> AppResult<()> {
    let email_moves = before.email != changes.email;
    let end_moves = before.end_date != changes.end_date;
    if !(email_moves || end_moves) {
        return Ok(());
    }
    let Some(login) = store.login_of(caller.org(), before.id).await? else {
        return Ok(());
    };
    if email_moves || changes.end_date.is_some() {
        super::logins::guard_break_glass(store, caller.org(), login.user_id).await?;
    }
    if caller.may(Permission::ManageUsers) {
        return Ok(());
    }
    if email_moves {
        return Err(AppError::Forbidden(format!(
            "{} has a login, so only an admin may change their email: a password reset goes to it",
            before.name
        )));
    }
    if login.access_role == AccessRole::Admin {
        return Err(AppError::Forbidden(format!(
            "{} is an admin, so only an admin may change when their employment ends: a leaver cannot sign in",
            before.name
        )));
    }
    Ok(())
}

/// Changes a person's fields (see [`guard_sign_in`] for what only an admin
/// may change).
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
    guard_sign_in(store, caller, &before, changes).await?;
    let after = store
        .update_person(&caller.actor(), org, id, version, changes, "update")
        .await?;
    if after.email != before.email {
        tell_old_address(
            store,
            caller.user.email.as_str(),
            &before,
            &after,
            caller.now,
        )
        .await;
    }
    Ok(after)
}

/// Mails the old address that the email changed, and by whom: mail from
/// Mandate (an invitation, say) now goes elsewhere, and if the person did
/// not ask for that, this is how they learn of it. The change stands even
/// if the mail cannot be queued.
pub(crate) async fn tell_old_address(
    store: &Store,
    by: &str,
    before: &Person,
    after: &Person,
    now: time::OffsetDateTime,
) {
    let organisation = match store.organisation(after.org_id).await {
        Ok(Some(o)) => o.name,
        _ => String::from("Your organisation"),
    };
    let mail = NewMail {
        dedupe_key: format!("email-changed:{}:{}", after.id, after.version),
        kind: "email_changed".into(),
        person_id: Some(after.id),
        to: before.email.to_string(),
        subject: format!("{organisation}: your email in Mandate was changed"),
        body: format!(
            "Hello {},\n\n\
             Your email in {organisation}'s Mandate register was changed from {} to {} by {}. \
             Mail from Mandate, sign-in links included, now goes to the new address.\n\n\
             If you did not expect this, tell your ISMS manager or your administrator.\n",
            after.name, before.email, after.email, by
        ),
    };
    if let Err(e) = store.queue_mail(after.org_id, vec![mail], now).await {
        tracing::warn!(error = %e, person = %after.id, "the old address could not be told of its change");
    }
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
    guard_sign_in(store, caller, &person, &changes).await?;
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
