//! The conformance check: the snapshot of the records the rules read, as of
//! a day, and the snapshots kept between requests.

mod evaluate;
mod snapshots;

pub use evaluate::*;
pub use snapshots::*;
