//! Acknowledgements: requests and answers, their queries and rows, and line managers' attestations.

pub(super) mod acknowledgement_queries;
pub(super) mod acknowledgement_rows;
pub(super) mod acknowledgements;
pub(super) mod attestations;
