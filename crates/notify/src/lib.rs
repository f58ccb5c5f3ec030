//! Mandate's notifications: the tasks each person owes (gathered from the
//! records), the daily digest that tells them (at most one message a day),
//! the mail templates an organisation may edit, the scheduler that queues
//! digests into the durable outbox, and the sender that hands them to an
//! SMTP server exactly once or flags them as in doubt.
//!
//! It sits between the store and the web and command-line layers: both the
//! "My tasks" page and the scheduler read tasks from here, so the page and
//! the mail never disagree.

pub mod background;
pub mod config;
pub mod gather;
mod gather_due;
pub mod scheduler;
pub mod sender;
pub mod template_budget;
pub mod templates;

pub use config::MailConfig;
pub use gather::{Scope, tasks_of};
pub use scheduler::{TickSummary, tick};
pub use sender::{SendError, Sender};
