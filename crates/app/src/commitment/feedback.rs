//! Feedback from staff and interested parties (5.1 g): kept as the caller's,
//! or confidential with no author kept anywhere (into the inbox the
//! scheduler files from, a day later, so its time cannot name the author).

use crate::{AppResult, Caller};
use mandate_core::commitment::feedback::{Feedback, FeedbackSubmission};
use mandate_store::Store;

pub async fn submit_feedback(
    store: &Store,
    caller: &Caller,
    submission: FeedbackSubmission,
    confidential: bool,
) -> AppResult<Feedback> {
    let org = caller.org();
    let feedback = if confidential {
        Feedback::confidential(org, submission, caller.now.date())
    } else {
        Feedback::named(org, caller.user.person_id, submission, caller.now)
    };
    Ok(store.submit_feedback(&caller.actor(), feedback).await?)
}
