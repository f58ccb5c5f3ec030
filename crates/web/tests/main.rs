//! The web layer's integration tests, one binary (linking both database
//! drivers once): each module runs the real router in process against every
//! backend.

mod acknowledgements;
mod commitment;
mod conformance;
mod hardening;
mod identity;
mod performance;
mod policies;
mod roles;
mod scim;
mod support;
mod web;
