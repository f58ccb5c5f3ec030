//! Mandate's notifications: the daily digest that tells each person what
//! they owe (at most one message a day),
//! the mail templates an organisation may edit, the scheduler that queues
//! digests into the durable outbox, and the sender that hands them to an
//! SMTP server exactly once or flags them as in doubt.
//!
//! The tasks themselves are gathered by the application layer
//! (`mandate_app::tasks`), which the "My tasks" page reads too, so the page
//! and the mail never disagree.

pub mod background;
pub mod config;
pub mod organisation_templates;
pub mod scheduler;
pub mod sender;
pub mod template_budget;
pub mod templates;

pub use config::MailConfig;
pub use scheduler::{TickSummary, tick};
pub use sender::{SendError, Sender};
