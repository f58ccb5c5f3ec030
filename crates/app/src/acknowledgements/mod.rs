//! Acknowledgements: the campaigns' figures and the people behind them, and
//! the batching that commits many acknowledgements in one transaction.

mod batch;
mod campaigns;

pub use batch::*;
pub use campaigns::*;
