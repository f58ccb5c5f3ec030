//! The tasks each person owes, gathered from the records: the "My tasks"
//! page and the daily digest both read them from here, so the page and the
//! mail never disagree.

mod due;
mod gather;

pub use gather::{Scope, tasks_of};

use crate::{AppResult, Caller};
use mandate_core::tasks::Task;
use mandate_store::Store;

/// The caller's own tasks today, oldest first.
pub async fn my_tasks(store: &Store, caller: &Caller) -> AppResult<Vec<Task>> {
    let person = caller.user.person_id;
    let mut all = tasks_of(
        store,
        caller.org(),
        Scope::Person(person),
        caller.now.date(),
    )
    .await?;
    Ok(all.remove(&person).unwrap_or_default())
}
