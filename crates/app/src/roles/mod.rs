//! Roles: who holds which on a day, the register's gaps on a day and the
//! RACI matrix with its problems.

mod gaps;
mod holders;
mod raci;

pub use gaps::*;
pub use holders::holders_on;
pub use raci::*;
