//! Acknowledgements: requests and answers, their queries and rows, and line managers' attestations.

// The row macros (`row_type!`, `kept!`) name these as `super::…` from the
// file they expand in.
#[allow(unused_imports)]
use super::{Db, batch, kept};

pub(super) mod acknowledgement_queries;
pub(super) mod acknowledgement_rows;
pub(super) mod acknowledgements;
pub(super) mod attestations;
