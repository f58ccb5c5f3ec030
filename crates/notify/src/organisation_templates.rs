//! An organisation's own mail templates: read (or the default, when it has
//! none) and saved only after rendering with a sample digest, so a template
//! that would fail or run away never reaches the scheduler.

use crate::templates::{
    DEFAULT_DIGEST_BODY, DEFAULT_DIGEST_SUBJECT, TEMPLATES, check_digest_off_thread,
};
use mandate_app::{AppError, AppResult, Caller};
use mandate_core::OrgId;
use mandate_store::Store;

/// A template as the organisation edits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailTemplate {
    /// MiniJinja, rendered as plain text.
    pub subject: String,
    pub body: String,
    /// 0 while the default is used.
    pub version: i64,
    /// Whether this is the default (the organisation has none of its own).
    pub default: bool,
}

fn known(name: &str) -> AppResult<()> {
    if TEMPLATES.iter().any(|(n, _)| *n == name) {
        Ok(())
    } else {
        Err(AppError::no_such("mail template"))
    }
}

/// The organisation's template `name`, or the default.
pub async fn template_of(store: &Store, org: OrgId, name: &str) -> AppResult<MailTemplate> {
    known(name)?;
    Ok(match store.mail_template(org, name).await? {
        Some((subject, body, version)) => MailTemplate {
            subject,
            body,
            version,
            default: false,
        },
        None => MailTemplate {
            subject: DEFAULT_DIGEST_SUBJECT.into(),
            body: DEFAULT_DIGEST_BODY.into(),
            version: 0,
            default: true,
        },
    })
}

/// Saves `template` (if still at its version) after rendering it with a
/// sample; a template marked `default` goes back to the default.
pub async fn save_template(
    store: &Store,
    caller: &Caller,
    name: &str,
    template: MailTemplate,
) -> AppResult<MailTemplate> {
    known(name)?;
    let kept = if template.default {
        None
    } else {
        check_digest_off_thread(template.subject.clone(), template.body.clone())
            .await
            .map_err(|e| AppError::Invalid(format!("template: {e}")))?;
        Some((template.subject, template.body))
    };
    store
        .save_mail_template(&caller.actor(), caller.org(), name, template.version, kept)
        .await?;
    template_of(store, caller.org(), name).await
}
