//! The background work of `mandate serve`: the scheduler every minute and
//! the sender every few seconds. A failure is logged and tried again on the
//! next round; it never stops the server.

use crate::config::MailConfig;
use crate::scheduler::tick;
use crate::sender::Sender;
use mandate_store::Store;
use std::sync::Arc;
use std::time::Duration;

const TICK_EVERY: Duration = Duration::from_secs(60);
const SEND_EVERY: Duration = Duration::from_secs(5);

/// Claims left by a sender that stopped: on SQLite only one server uses the
/// database, so every claim at start-up is in doubt; on PostgreSQL another
/// server may be sending, so only claims past their lease are.
pub async fn settle_claims(store: &Store) {
    let expired = if store.backend() == "sqlite" {
        store.expire_all_claims().await
    } else {
        store.expire_claims().await
    };
    match expired {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            messages = n,
            "mail that may or may not have been sent is marked uncertain"
        ),
        Err(e) => tracing::error!(error = %e, "settling the outbox's claims"),
    }
}

/// Starts the scheduler and, with an SMTP server, the sender.
pub fn spawn(store: Arc<Store>, config: MailConfig, sender: Option<Sender>) {
    let scheduler_store = Arc::clone(&store);
    let scheduler_config = config.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TICK_EVERY);
        loop {
            every.tick().await;
            match tick(&scheduler_store, &scheduler_config).await {
                Ok(s) if s.queued > 0 || s.owed > 0 || s.released > 0 => {
                    tracing::info!(
                        queued = s.queued,
                        owed = s.owed,
                        released = s.released,
                        "scheduler"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the scheduler's run failed"),
            }
        }
    });
    if let Some(sender) = sender {
        tokio::spawn(async move {
            settle_claims(&store).await;
            let mut every = tokio::time::interval(SEND_EVERY);
            loop {
                every.tick().await;
                match sender.drain(&store).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(messages = n, "mail sent"),
                    Err(e) => tracing::error!(error = %e, "sending mail"),
                }
            }
        });
    }
}
