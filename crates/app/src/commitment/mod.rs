//! Commitment records: attestation periods, feedback, KPI values and
//! training from CSV files, training coverage and leadership statements.

mod attestations;
mod feedback;
mod measurements;
mod statements;
mod training;

pub use attestations::*;
pub use feedback::*;
pub use measurements::*;
pub use statements::*;
pub use training::*;
