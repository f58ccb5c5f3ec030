//! The outbox of mail waiting to be sent.

pub(super) mod outbox;
pub(super) mod outbox_rows;
