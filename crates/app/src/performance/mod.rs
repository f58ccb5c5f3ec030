//! Performance evaluation: what a management review's pack and a
//! performance report are compiled from, the review cadence, and preparing
//! reviews and producing reports.

mod records;
mod reports;
mod reviews;

pub use records::*;
pub use reports::*;
pub use reviews::*;
