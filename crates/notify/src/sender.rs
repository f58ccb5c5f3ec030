//! Handing queued mail to an SMTP server. Each message is claimed in the
//! database before it is sent and marked sent after; a refusal or a
//! connection failure (the server did not take it) queues it again with a
//! back-off; an ambiguous failure (a timeout after the message was handed
//! over) marks it uncertain, as a crash between the two steps does.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mandate_core::outbox::Mail;
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
    pub fn new(url: &str, from: &str) -> Result<Self, SendError> {
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
        })
    }

    async fn attempt(&self, mail: &Mail) -> Outcome {
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
            .body(mail.mail.body.clone());
        let message = match message {
            Ok(m) => m,
            Err(e) => return Outcome::Refused(e.to_string()),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_timeout() => Outcome::Doubtful(e.to_string()),
            Err(e) => Outcome::Refused(e.to_string()),
        }
    }

    /// Sends one claimed message and records what became of it.
    async fn deliver(&self, store: &Store, mail: &Mail) -> Result<bool, StoreError> {
        match self.attempt(mail).await {
            Outcome::Sent => {
                store.mark_sent(mail).await?;
                Ok(true)
            }
            Outcome::Refused(e) => {
                tracing::warn!(error = %e, to = %mail.mail.to, "the mail server did not take a message");
                store.mark_refused(mail, &e).await?;
                Ok(false)
            }
            Outcome::Doubtful(e) => {
                tracing::warn!(error = %e, "a message may or may not have been sent");
                store.expire_claim(mail, &e).await?;
                Ok(false)
            }
        }
    }

    /// Sends everything due now; returns how many were sent.
    pub async fn drain(&self, store: &Store) -> Result<usize, StoreError> {
        let mut sent = 0;
        while let Some(mail) = store.claim_mail().await? {
            if self.deliver(store, &mail).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }
}
