//! Acknowledgements arrive in bursts (a campaign goes out, everyone clicks
//! in the same hour) and each must be durable before it is confirmed. One
//! task takes every answer waiting, commits them in one transaction and
//! then replies to each request: one fsync for many clicks. A request is
//! only answered after its commit, so a confirmation is never lost.

use crate::{AppResult, Caller};
use mandate_core::acknowledgement::{AckAnswer, AckRequest};
use mandate_core::{OrgId, VersionId};
use mandate_store::{AnswerIn, Store, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Answers taken into one transaction at most.
const BATCH: usize = 512;

type Reply = oneshot::Sender<Result<AckRequest, StoreError>>;

#[derive(Clone)]
pub struct AckBatcher {
    queue: mpsc::Sender<(OrgId, AnswerIn, Reply)>,
}

impl AckBatcher {
    /// Starts the committing task on the current runtime.
    pub fn start(store: Arc<Store>) -> Self {
        let (queue, mut incoming) = mpsc::channel::<(OrgId, AnswerIn, Reply)>(4 * BATCH);
        tokio::spawn(async move {
            let mut waiting = Vec::with_capacity(BATCH);
            while incoming.recv_many(&mut waiting, BATCH).await > 0 {
                let mut by_org: HashMap<OrgId, (Vec<AnswerIn>, Vec<Reply>)> = HashMap::new();
                for (org, answer, reply) in waiting.drain(..) {
                    let entry = by_org.entry(org).or_default();
                    entry.0.push(answer);
                    entry.1.push(reply);
                }
                for (org, (answers, replies)) in by_org {
                    match store.answer_acknowledgements(org, answers).await {
                        Ok(results) => {
                            for (reply, result) in replies.into_iter().zip(results) {
                                let _ = reply.send(result);
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "recording a batch of acknowledgements");
                            for reply in replies {
                                let _ = reply.send(Err(StoreError::Unavailable(
                                    "your answer could not be recorded just now; try again".into(),
                                )));
                            }
                        }
                    }
                }
            }
        });
        Self { queue }
    }

    /// Records one answer with whatever else is waiting; returns once it is
    /// committed.
    pub async fn answer(&self, org: OrgId, answer: AnswerIn) -> Result<AckRequest, StoreError> {
        let (reply, result) = oneshot::channel();
        let gone = || StoreError::Unavailable("the server is stopping; try again".into());
        self.queue
            .send((org, answer, reply))
            .await
            .map_err(|_| gone())?;
        result.await.map_err(|_| gone())?
    }

    /// Records the caller's own answer to `version`, bound to the SHA-256
    /// of the text they were shown; durable on return.
    pub async fn answer_as(
        &self,
        caller: &Caller,
        version: VersionId,
        answer: AckAnswer,
        shown_sha256: String,
    ) -> AppResult<AckRequest> {
        let kept = self
            .answer(
                caller.org(),
                AnswerIn {
                    actor: caller.actor(),
                    person_id: caller.user.person_id,
                    version_id: version,
                    answer,
                    shown_sha256,
                },
            )
            .await?;
        Ok(kept)
    }
}
