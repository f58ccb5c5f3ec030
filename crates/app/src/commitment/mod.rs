//! Commitment records: measurement and training intake from CSV files,
//! attestation periods, training coverage and leadership statements.
