//! Acknowledgement campaigns (5.2 communicated, 7.3): when a version of a
//! policy is published, everyone in its audience owes an acknowledgement of
//! that exact text; joiners owe it from the day they join the audience,
//! leavers stop owing; a version published as a non-material change
//! carries the acknowledgements of the one before over.
//!
//! Who owes what is computed here from plain data, so the rules (audience
//! membership, carrying over, releasing) are tested without a database.

pub mod audience;
pub mod campaign;
pub mod request;

pub use audience::{Membership, in_audience};
pub use campaign::{CampaignFigures, GroupCount, NO_DEPARTMENT, Tally};
pub use request::{AckAnswer, AckRequest, AckState, Reconciliation, carried_requests, reconcile};
