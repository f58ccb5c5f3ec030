//! Commitment records: measurement and training intake from CSV files,
//! attestation periods, training coverage and leadership statements.

mod attestations;

pub use attestations::*;
mod measurements;
mod training;

pub use measurements::*;
pub use training::*;
