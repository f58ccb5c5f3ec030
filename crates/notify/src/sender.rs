//! Handing queued mail to an SMTP server. Each message is claimed in the
//! database before it is sent and marked sent after. Nothing is claimed
//! while the server cannot be reached. A reply refusing the message (4xx,
//! 5xx) or a failure before anything was handed over queues it again with a
//! back-off; a failure that may have come after the server took it (the
//! connection lost, a timeout, a reply that cannot be read) marks it
//! uncertain, as a crash between the two steps does, and it is never sent
//! again on its own: no message goes twice.
//!
//! A message carrying a sign-in link (an invitation, a password reset)
//! gets its link here, in the copy handed to the server only: the link's
//! secret is made now and its hash stored, so the outbox never holds a
//! working link, and a link that died while its mail waited is not sent.

use crate::config::MailConfig;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mandate_core::login_link::{LINK_TOKEN_PREFIX, LinkPurpose, link_of_dedupe_key, with_link};
use mandate_core::outbox::Mail;
use mandate_core::timefmt::now;
use mandate_core::token::{secret_from_bytes, secret_hash};
use mandate_store::{Store, StoreError};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the SMTP address is not usable: {0}")]
    Config(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// For Message-ID headers.
    domain: String,
    /// Where the links in messages point.
    public_url: String,
}

/// What became of one attempt.
enum Outcome {
    Sent,
    /// The server did not take it: safe to try again.
    Refused(String),
    /// It may have been taken: never sent again on its own.
    Doubtful(String),
}

impl Sender {
    pub fn new(url: &str, config: &MailConfig) -> Result<Self, SendError> {
        let from = config.from.as_str();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SendError::Config(e.to_string()))?
            .timeout(Some(Duration::from_secs(60)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| SendError::Config(format!("the sender address {from:?}: {e}")))?;
        let domain = from.email.domain().to_string();
        Ok(Self {
            transport,
            from,
            domain,
            public_url: config.public_url.clone(),
        })
    }

    async fn attempt(&self, mail: &Mail, body: String) -> Outcome {
        let to: Mailbox = match mail.mail.to.parse() {
            Ok(to) => to,
            Err(e) => return Outcome::Refused(format!("the address {:?}: {e}", mail.mail.to)),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.mail.subject.clone())
            .message_id(Some(mail.message_id(&self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let message = match message {
            Ok(m) => m,
            Err(e) => return Outcome::Refused(e.to_string()),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            // The server answered no, or the client gave up before sending:
            // nothing was taken.
            Err(e) if e.is_transient() || e.is_permanent() || e.is_client() || e.is_tls() => {
                Outcome::Refused(e.to_string())
            }
            // Lost mid-conversation: the message may have been taken.
            Err(e) => Outcome::Doubtful(e.to_string()),
        }
    }

    /// The body to send: as queued, or with the sign-in link it carries
    /// made now. `Err` says why the message must not go at all.
    async fn body_of(
        &self,
        store: &Store,
        mail: &Mail,
    ) -> Result<Result<String, &'static str>, StoreError> {
        if LinkPurpose::of_mail_kind(&mail.mail.kind).is_none() {
            return Ok(Ok(mail.mail.body.clone()));
        }
        let Some(link) = link_of_dedupe_key(&mail.mail.dedupe_key) else {
            return Ok(Err("the message names no sign-in link"));
        };
        let mut bytes = [0u8; 32];
        if getrandom::fill(&mut bytes).is_err() {
            return Ok(Err("no randomness to make its link with"));
        }
        let token = secret_from_bytes(LINK_TOKEN_PREFIX, bytes);
        let live = store
            .mark_link_sent(
                mail.org_id,
                link,
                &mail.mail.to,
                &secret_hash(&token),
                now(),
            )
            .await?;
        Ok(match live {
            Some(_) => Ok(with_link(&mail.mail.body, &self.public_url, &token)),
            None => Err(
                "its link was used, a newer one was sent, or the person's email changed, before it went: not sent",
            ),
        })
    }

    /// Sends one claimed message and records what became of it.
    async fn deliver(&self, store: &Store, mail: &Mail) -> Result<Outcome, StoreError> {
        let body = match self.body_of(store, mail).await? {
            Ok(body) => body,
            Err(why) => {
                tracing::info!(to = %mail.mail.to, why, "a message with a dead link is not sent");
                store.mark_failed(mail, why).await?;
                return Ok(Outcome::Refused(why.to_string()));
            }
        };
        let outcome = self.attempt(mail, body).await;
        match &outcome {
            Outcome::Sent => store.mark_sent(mail).await?,
            Outcome::Refused(e) => {
                tracing::warn!(error = %e, to = %mail.mail.to, "the mail server did not take a message");
                store.mark_refused(mail, e).await?;
            }
            Outcome::Doubtful(e) => {
                tracing::warn!(error = %e, "a message may or may not have been sent");
                store.expire_claim(mail, e).await?;
            }
        }
        Ok(outcome)
    }

    /// Sends everything due now; returns how many were sent. While the
    /// server cannot be reached nothing is claimed, and after a connection
    /// lost mid-message the rest waits for the next round.
    pub async fn drain(&self, store: &Store) -> Result<usize, StoreError> {
        if !self.transport.test_connection().await.unwrap_or(false) {
            tracing::debug!("the mail server cannot be reached; mail waits in the outbox");
            return Ok(0);
        }
        let mut sent = 0;
        while let Some(mail) = store.claim_mail().await? {
            match self.deliver(store, &mail).await? {
                Outcome::Sent => sent += 1,
                Outcome::Refused(_) => {}
                Outcome::Doubtful(_) => break,
            }
        }
        Ok(sent)
    }
}
