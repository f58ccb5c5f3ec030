//! Issue 17's findings, each pinned by a test that failed before its fix.

mod access;
mod feedback;
mod headers;
mod imports;
mod measurements;
mod metrics;
mod passwords;
mod plain_errors;
