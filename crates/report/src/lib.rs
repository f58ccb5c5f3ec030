//! Mandate's imports and exports: CSV files of people now; evidence packs,
//! charts and policy files as those areas arrive. Pure transformations over
//! readers and writers; the command line decides where the bytes come from.

pub mod diff;
pub mod markdown;
pub mod measurements_csv;
pub mod org_chart;
pub mod people_csv;
pub mod policy_file;
pub mod trend_chart;

pub use trend_chart::{TrendDirection, TrendSeries, sparkline, trend_chart};
