//! People: whose personal records a reader may read.

mod area;

pub use area::*;
