//! Roles: the capacity set aside for each, who holds which on a day, the register's gaps on a day and the
//! RACI matrix with its problems.

mod capacity;
mod gaps;
mod holders;
mod raci;

pub use capacity::*;
pub use gaps::*;
pub use holders::holders_on;
pub use raci::*;
