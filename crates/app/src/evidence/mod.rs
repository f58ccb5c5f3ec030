//! The auditor's evidence pack, gathered as the records stood on a day.

mod pack;
mod sections;

pub use pack::*;
