//! The outbox of mail waiting to be sent.

// The row macros (`row_type!`, `kept!`) name these as `super::…` from the
// file they expand in.
#[allow(unused_imports)]
use super::{Db, batch, kept};

pub(super) mod outbox;
pub(super) mod outbox_rows;
