//! Password resets: asked for with an email from the sign-in page, answered
//! the same whether or not the email has a login, and sent as a link that
//! holds for an hour.

use crate::{AppError, AppResult};
use mandate_core::Email;
use mandate_core::User;
use mandate_core::audit::Actor;
use mandate_core::login_link::{LinkPurpose, mail_text};
use mandate_core::token::secret_hash;
use mandate_store::{LinkHolder, LinkMail, Store, StoreError};
use time::OffsetDateTime;

/// Queues a reset link to every login with `email` that could sign in (not
/// disabled, its person not gone). Says nothing of what it found: the
/// caller answers the same either way. How many links went, for logs and
/// tests only.
pub async fn request_reset(store: &Store, email: &str, now: OffsetDateTime) -> AppResult<usize> {
    let Ok(email) = Email::parse(email.trim()) else {
        return Ok(0);
    };
    let mut sent = 0;
    for (user, _) in store.logins_with_email(&email).await? {
        if user.disabled_at.is_some() {
            continue;
        }
        let Some(person) = store.person(user.org_id, user.person_id).await? else {
            continue;
        };
        if person.end_date.is_some_and(|last| last < now.date()) {
            continue;
        }
        // Passwords are off for them: a link would only lead to a refusal.
        if super::sso::passwords_off_for(store, user.org_id, &user.email)
            .await?
            .is_some()
        {
            continue;
        }
        // A link on its way already: the mail in the outbox will do.
        if store
            .has_unsent_link(user.org_id, person.id, LinkPurpose::Reset)
            .await?
        {
            continue;
        }
        let Some(organisation) = store.organisation(user.org_id).await? else {
            continue;
        };
        let (subject, body) = mail_text(LinkPurpose::Reset, &organisation.name, &person.name);
        let mail = LinkMail {
            person_id: person.id,
            to: user.email.to_string(),
            subject,
            body,
        };
        sent += store
            .create_login_links(
                &Actor::system("password-reset"),
                user.org_id,
                LinkPurpose::Reset,
                vec![mail],
            )
            .await?
            .len();
    }
    tracing::info!(links = sent, "password reset asked for");
    Ok(sent)
}

/// The link with this secret, if it opens now; otherwise the words to say.
pub async fn open_link(
    store: &Store,
    token: &str,
    now: OffsetDateTime,
) -> AppResult<Result<LinkHolder, &'static str>> {
    Ok(store.live_login_link(&secret_hash(token), now).await?)
}

/// Sets the password of the link's person to `password_hash` (hashed by
/// the front end, where it bounds how many hashes run at once), making
/// their login if an invitation finds none, and spends the link. An
/// `Invalid` error carries the words for the person who followed it.
pub async fn use_link(
    store: &Store,
    token: &str,
    password_hash: &str,
    now: OffsetDateTime,
) -> AppResult<User> {
    match store
        .use_login_link(&secret_hash(token), password_hash, now)
        .await
    {
        Ok(user) => {
            tracing::info!(user = %user.email, "password set through a link");
            Ok(user)
        }
        Err(StoreError::Invalid(words)) => Err(AppError::Invalid(words)),
        Err(e) => Err(e.into()),
    }
}
