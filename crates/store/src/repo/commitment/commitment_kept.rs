//! Which commitment records are kept whole, under which audit name.

use super::super::commitment_rows::{
    AttestationRow, CommunicationRow, CourseRow, FeedbackRow, ImprovementRow, PlanItemRow,
    ResourcePlanRow, StatementRow,
};
use super::super::kept::kept;
use mandate_core::commitment::attestation::Attestation;
use mandate_core::commitment::communication::{Communication, PlanItem};
use mandate_core::commitment::feedback::Feedback;
use mandate_core::commitment::improvement::Improvement;
use mandate_core::commitment::resources::ResourcePlan;
use mandate_core::commitment::statement::LeadershipStatement;
use mandate_core::commitment::training::Course;

kept!(
    ResourcePlan,
    ResourcePlanRow,
    "resource_plan",
    "resource plan",
    "plan_id",
    "fiscal_year DESC"
);
kept!(
    LeadershipStatement,
    StatementRow,
    "leadership_statement",
    "leadership statement",
    "statement_id",
    "created_at DESC, statement_id"
);
kept!(
    PlanItem,
    PlanItemRow,
    "communication_plan_item",
    "item of the communication plan",
    "plan_item_id",
    "first_due_on, plan_item_id"
);
kept!(
    Communication,
    CommunicationRow,
    "communication",
    "communication",
    "communication_id",
    "occurred_on DESC, communication_id"
);
kept!(
    Course,
    CourseRow,
    "course",
    "course",
    "course_id",
    "title, course_id"
);
kept!(
    Feedback,
    FeedbackRow,
    "feedback",
    "feedback",
    "feedback_id",
    "received_on DESC, feedback_id"
);
kept!(
    Improvement,
    ImprovementRow,
    "improvement",
    "improvement",
    "improvement_id",
    "raised_on DESC, improvement_id"
);
kept!(
    Attestation,
    AttestationRow,
    "attestation",
    "attestation",
    "attestation_id",
    "period_start DESC, manager_id"
);
