//! People: the register, logins and tokens, and whose personal records a
//! reader may read.

mod area;
mod logins;
mod register;
mod settings;

pub use area::*;
pub use logins::*;
pub use register::*;
pub use settings::*;
