//! Performance evaluation: what a management review's pack and a
//! performance report are compiled from.

mod records;

pub use records::*;
