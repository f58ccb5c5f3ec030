//! ISMS roles (5.3): the vocabulary of authorities, segregation of duties
//! between incompatible roles, and the RACI matrix's rules. The roles
//! register, assignments and pages build on these.

pub mod answer;
pub mod assignment;
pub mod catalogue;
pub mod delegation;
pub mod gaps;
pub mod holders;
pub mod raci;
pub mod segregation;
pub mod vocabulary;

pub use assignment::{Assignment, AssignmentTerms};
pub use catalogue::{Role, RoleFields, STARTER_ROLES, starter_catalogue};
pub use delegation::{Delegation, DelegationTerms};
pub use gaps::{Gap, gaps_on};
pub use holders::Holders;
pub use raci::{Raci, RowProblem, STARTER_ACTIVITIES, STARTER_MATRIX, check_row};
pub use segregation::{
    Conflict, Holding, Incompatibilities, RoleId, Waiver, check_assignment, conflicts_on,
};
pub use vocabulary::Decision;
