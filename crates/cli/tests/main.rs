//! The `mandate` binary's tests, one binary: the commands run as a user
//! would run them, the mail through a real SMTP sink, and the journeys in
//! real headless Chromium.

mod browser;
mod check;
mod cli;
mod evidence;
mod mail;
mod scim;
mod sso;
mod support;
