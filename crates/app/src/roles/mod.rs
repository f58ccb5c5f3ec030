//! Roles: the register's gaps on a day and the RACI matrix with its problems.

mod gaps;
mod raci;

pub use gaps::*;
pub use raci::*;
