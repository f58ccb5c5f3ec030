//! Commitment records' intake: acknowledgements committed in batches.

mod ack_batch;

pub use ack_batch::*;
