//! Mandate's imports and exports: CSV files (people, KPI values, training),
//! charts, policy files and the auditor's evidence pack. Pure transformations over
//! readers and writers; the command line decides where the bytes come from.

pub mod csv_export;
pub mod csv_table;
pub mod diff;
pub mod evidence;
pub mod markdown;
pub mod measurements_csv;
pub mod org_chart;
pub mod people_csv;
pub mod policy_file;
pub mod training_csv;
pub mod trend_chart;

pub use trend_chart::{TrendDirection, TrendSeries, kpi_series, sparkline, trend_chart};
