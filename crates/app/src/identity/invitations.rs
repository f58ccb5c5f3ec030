//! Invitations: one person, a department, or everyone in the register who
//! cannot sign in yet gets a mail with a link to set a first password.

use crate::{AppError, AppResult};
use mandate_core::audit::Actor;
use mandate_core::login_link::{LinkPurpose, mail_text};
use mandate_core::{OrgId, Person, PersonId};
use mandate_store::{LinkMail, LoginOf, Store};
use std::collections::{BTreeSet, HashMap, HashSet};
use time::OffsetDateTime;

/// Whom to invite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InviteScope {
    /// This person, even if an invitation to them is still open (it is
    /// replaced by the new one).
    Person(PersonId),
    /// The people of this department (compared without case) who cannot
    /// sign in and have no open invitation.
    Department(String),
    /// Everyone in the register who cannot sign in and has no open
    /// invitation.
    Everyone,
}

/// What an invitation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Invited {
    /// Invitations queued for sending now.
    pub invited: usize,
    /// People left out because an invitation to them is still open.
    pub already_invited: usize,
}

/// Why a person cannot be invited, if they cannot.
fn not_invitable(person: &Person, login: Option<&LoginOf>, today: time::Date) -> Option<String> {
    if person.end_date.is_some_and(|last| last < today) {
        return Some(format!("{} has left the organisation", person.name));
    }
    match login {
        Some(l) if l.disabled => Some(format!(
            "{}'s login is disabled; enable it before inviting them",
            person.name
        )),
        Some(l) if l.has_password => Some(format!(
            "{} can sign in already; if they forgot their password, they can reset it from the sign-in page",
            person.name
        )),
        _ => None,
    }
}

/// Queues invitations for `scope`, made by `actor`, and says how many.
pub async fn invite(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    scope: &InviteScope,
    now: OffsetDateTime,
) -> AppResult<Invited> {
    let today = now.date();
    let organisation = store
        .organisation(org)
        .await?
        .ok_or_else(|| AppError::no_such("organisation"))?;
    let people = match scope {
        InviteScope::Person(id) => {
            let person = store
                .person(org, *id)
                .await?
                .ok_or_else(|| AppError::no_such("person"))?;
            if let Some(why) =
                not_invitable(&person, store.login_of(org, *id).await?.as_ref(), today)
            {
                return Err(AppError::Invalid(why));
            }
            vec![person]
        }
        InviteScope::Department(_) | InviteScope::Everyone => {
            let wanted = match scope {
                InviteScope::Department(d) => Some(d.trim().to_lowercase()),
                _ => None,
            };
            if wanted.as_deref() == Some("") {
                return Err(AppError::Invalid("name a department".into()));
            }
            let logins: HashMap<PersonId, Option<LoginOf>> =
                store.logins_by_person(org).await?.into_iter().collect();
            let in_scope: Vec<Person> = store
                .people_all(org)
                .await?
                .into_iter()
                .filter(|p| {
                    wanted.as_ref().is_none_or(|w| {
                        p.department.as_deref().map(str::to_lowercase).as_ref() == Some(w)
                    })
                })
                .collect();
            if let InviteScope::Department(d) = scope
                && in_scope.is_empty()
            {
                let shown: String = d.trim().chars().take(80).collect();
                return Err(AppError::Invalid(format!(
                    "nobody in the register is in the department {shown:?}"
                )));
            }
            in_scope
                .into_iter()
                .filter(|p| {
                    not_invitable(p, logins.get(&p.id).and_then(Option::as_ref), today).is_none()
                })
                .collect()
        }
    };
    let open: HashSet<PersonId> = match scope {
        InviteScope::Person(_) => HashSet::new(),
        _ => store.open_invitations(org, now).await?,
    };
    let (waiting, to_invite): (Vec<Person>, Vec<Person>) =
        people.into_iter().partition(|p| open.contains(&p.id));
    let mails = to_invite
        .into_iter()
        .map(|p| {
            let (subject, body) = mail_text(LinkPurpose::Invitation, &organisation.name, &p.name);
            LinkMail {
                person_id: p.id,
                to: p.email.to_string(),
                subject,
                body,
            }
        })
        .collect();
    let links = store
        .create_login_links(actor, org, LinkPurpose::Invitation, mails)
        .await?;
    tracing::info!(by = %actor, invited = links.len(), already_invited = waiting.len(), "invitations queued");
    Ok(Invited {
        invited: links.len(),
        already_invited: waiting.len(),
    })
}

/// Who an invitation of everyone would reach now, and the departments one
/// may invite, from one read of the register.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invitable {
    /// `invited`: people an invitation of everyone would reach;
    /// `already_invited`: people whose invitation is still open.
    pub counts: Invited,
    /// The register's departments, sorted.
    pub departments: Vec<String>,
}

pub async fn invitable(store: &Store, org: OrgId, now: OffsetDateTime) -> AppResult<Invitable> {
    let today = now.date();
    let logins: HashMap<PersonId, Option<LoginOf>> =
        store.logins_by_person(org).await?.into_iter().collect();
    let open = store.open_invitations(org, now).await?;
    let mut counts = Invited::default();
    let mut departments = BTreeSet::new();
    for p in store.people_all(org).await? {
        if let Some(d) = &p.department {
            departments.insert(d.clone());
        }
        if not_invitable(&p, logins.get(&p.id).and_then(Option::as_ref), today).is_some() {
            continue;
        }
        if open.contains(&p.id) {
            counts.already_invited += 1;
        } else {
            counts.invited += 1;
        }
    }
    Ok(Invitable {
        counts,
        departments: departments.into_iter().collect(),
    })
}
