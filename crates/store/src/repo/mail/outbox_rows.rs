//! Rows of the outbox and of mail templates.

use super::super::row_type::row_type;
use crate::error::{Result, StoreError};
use mandate_core::outbox::{Mail, MailState, NewMail};
use mandate_core::{OrgId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

row_type!(MailRow in "outbox" {
    org_id: Uuid,
    message_id: Uuid,
    dedupe_key: String,
    kind: String,
    person_id: Option<Uuid>,
    to_address: String,
    subject: String,
    body: String,
    created_at: OffsetDateTime,
    send_after: OffsetDateTime,
    state: String,
    attempts: i32,
    claimed_at: Option<OffsetDateTime>,
    sent_at: Option<OffsetDateTime>,
    last_error: String,
});

impl From<&Mail> for MailRow {
    fn from(m: &Mail) -> Self {
        Self {
            org_id: m.org_id.0,
            message_id: m.id,
            dedupe_key: m.mail.dedupe_key.clone(),
            kind: m.mail.kind.clone(),
            person_id: m.mail.person_id.map(|p| p.0),
            to_address: m.mail.to.clone(),
            subject: m.mail.subject.clone(),
            body: m.mail.body.clone(),
            created_at: m.created_at,
            send_after: m.send_after,
            state: m.state.as_str().into(),
            attempts: m.attempts,
            claimed_at: m.claimed_at,
            sent_at: m.sent_at,
            last_error: m.last_error.clone(),
        }
    }
}

impl TryFrom<MailRow> for Mail {
    type Error = StoreError;
    fn try_from(r: MailRow) -> Result<Self> {
        Ok(Mail {
            org_id: OrgId(r.org_id),
            id: r.message_id,
            mail: NewMail {
                dedupe_key: r.dedupe_key,
                kind: r.kind,
                person_id: r.person_id.map(PersonId),
                to: r.to_address,
                subject: r.subject,
                body: r.body,
            },
            created_at: r.created_at,
            send_after: r.send_after,
            state: MailState::parse(&r.state)
                .ok_or_else(|| StoreError::corrupt(format!("mail state {:?}", r.state)))?,
            attempts: r.attempts,
            claimed_at: r.claimed_at,
            sent_at: r.sent_at,
            last_error: r.last_error,
        })
    }
}

row_type!(MailTemplateRow in "mail_templates" {
    org_id: Uuid,
    name: String,
    subject: String,
    body: String,
    updated_at: OffsetDateTime,
    version: i64,
});
