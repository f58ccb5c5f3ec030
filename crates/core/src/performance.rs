//! Performance (5.1 a and e, 5.3 b, 9.3): objectives measured by KPIs, the
//! actions that move them, management reviews and reports to top management.
//! Statuses are computed here, from dated records, so they can be explained
//! and evaluated as of any day.

pub mod action;
pub mod health;
pub mod kpi;
pub mod objective;
pub mod pack;
pub mod report;
pub mod review;
pub mod schedule;

pub use action::{Action, ActionFields, ActionSource, ActionStatus};
pub use health::{Assessment, Health};
pub use kpi::{
    Direction, EARLIEST_DAY, Frequency, Kpi, KpiFields, Measurement, MeasurementEntry,
    parse_number, values_of,
};
pub use objective::{Objective, ObjectiveFields};
pub use pack::{
    ActionLine, ChangeSummary, KpiLine, ObjectiveLine, PackSources, PolicyLine, ReviewPack,
    action_line, compile_pack, kpi_line, objective_lines,
};
pub use report::{PerformanceReport, ReportContent, check_period};
pub use review::{
    DecisionKind, ManagementReview, ManualInputs, ReviewDecision, ReviewHeld, ReviewInput,
    ReviewState,
};
pub use schedule::{ReviewSchedule, check_cadence, check_planned_date};
