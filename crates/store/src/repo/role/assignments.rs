//! Role assignments: made by someone other than the holder, refused when
//! they would give one person two incompatible roles, acknowledged by the
//! holder, and ended.

use super::super::batch::insert_rows;
use super::super::decision_authority::check_assigning_authority;
use super::super::row_type::{columns, row_type};
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::roles::answer::{AnswerRefusal, check_answer, role_text_sha256};
use mandate_core::roles::{
    Assignment, AssignmentTerms, Incompatibilities, Role, RoleId, check_assignment,
};
use mandate_core::{OrgId, PersonId, UserId};
use sqlx::Transaction;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

row_type!(AssignmentRow in "role_assignments" {
    org_id: Uuid,
    assignment_id: Uuid,
    role_id: Uuid,
    person_id: Uuid,
    starts_on: Date,
    ends_on: Option<Date>,
    deputy_id: Option<Uuid>,
    capacity_percent: Option<i32>,
    assigned_by: Uuid,
    acknowledged_at: Option<OffsetDateTime>,
    acknowledged_sha256: Option<String>,
    declined_at: Option<OffsetDateTime>,
    decline_reason: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Assignment> for AssignmentRow {
    fn from(a: &Assignment) -> Self {
        AssignmentRow {
            org_id: a.org_id.0,
            assignment_id: a.id,
            role_id: a.terms.role_id,
            person_id: a.terms.person_id.0,
            starts_on: a.terms.starts_on,
            ends_on: a.terms.ends_on,
            deputy_id: a.terms.deputy_id.map(|d| d.0),
            capacity_percent: a.terms.capacity_percent.map(i32::from),
            assigned_by: a.assigned_by.0,
            acknowledged_at: a.acknowledged_at,
            acknowledged_sha256: a.acknowledged_sha256.clone(),
            declined_at: a.declined_at,
            decline_reason: a.decline_reason.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

impl TryFrom<AssignmentRow> for Assignment {
    type Error = StoreError;
    fn try_from(r: AssignmentRow) -> Result<Self> {
        Ok(Assignment {
            id: r.assignment_id,
            org_id: OrgId(r.org_id),
            terms: AssignmentTerms {
                role_id: r.role_id,
                person_id: PersonId(r.person_id),
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                deputy_id: r.deputy_id.map(PersonId),
                capacity_percent: r
                    .capacity_percent
                    .map(u8::try_from)
                    .transpose()
                    .map_err(StoreError::corrupt)?,
            },
            assigned_by: UserId(r.assigned_by),
            acknowledged_at: r.acknowledged_at,
            acknowledged_sha256: r.acknowledged_sha256,
            declined_at: r.declined_at,
            decline_reason: r.decline_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

pub(super) async fn load_assignments(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    person: Option<PersonId>,
) -> Result<Vec<Assignment>> {
    let filter = if person.is_some() {
        " AND person_id = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM role_assignments WHERE org_id = $1{filter} ORDER BY starts_on, assignment_id",
        columns(AssignmentRow::SELECT)
    );
    let mut query = sqlx::query_as::<_, AssignmentRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
    if let Some(p) = person {
        query = query.bind(p.0);
    }
    query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(Assignment::try_from)
        .collect()
}

async fn load_assignment(tx: &mut Transaction<'_, Db>, org: OrgId, id: Uuid) -> Result<Assignment> {
    let sql = format!(
        "SELECT {} FROM role_assignments WHERE org_id = $1 AND assignment_id = $2",
        columns(AssignmentRow::SELECT)
    );
    let row: Option<AssignmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Assignment::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            entity: "assignment",
            id: id.to_string(),
        })
}

/// After a role's text changed to `current_sha256`: its holders who had
/// answered another text (and hold it still, or will) are asked again, each
/// an audit event.
pub(in super::super) async fn ask_holders_again(
    tx: &mut Transaction<'_, Db>,
    chain: &mut super::super::audit::Appender<'_>,
    org: OrgId,
    role: RoleId,
    current_sha256: &str,
) -> Result<usize> {
    let today = chain.at().date();
    let mut asked = 0;
    for before in load_assignments(tx, org, None).await? {
        let running = before.terms.ends_on.is_none_or(|end| end >= today);
        if before.terms.role_id != role
            || !running
            || !mandate_core::roles::answer::answered_another_text(&before, current_sha256)
        {
            continue;
        }
        let after = Assignment {
            acknowledged_at: None,
            acknowledged_sha256: None,
            declined_at: None,
            decline_reason: String::new(),
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        save(tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "role_assignment",
            entity_id: after.id.to_string(),
            action: "ask_again",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        asked += 1;
    }
    Ok(asked)
}

/// A person's name and last working day, if they are in the register.
async fn person_of(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    id: PersonId,
) -> Result<Option<(String, Option<Date>)>> {
    Ok(
        sqlx::query_as("SELECT name, end_date FROM people WHERE org_id = $1 AND person_id = $2")
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn save(tx: &mut Transaction<'_, Db>, before: &Assignment, after: &Assignment) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE role_assignments SET ends_on = $4, acknowledged_at = $5, acknowledged_sha256 = $6, \
         declined_at = $7, decline_reason = $8, updated_at = $9, version = $10 \
         WHERE org_id = $1 AND assignment_id = $2 AND version = $3",
    )
    .bind(before.org_id.0)
    .bind(before.id)
    .bind(before.version)
    .bind(after.terms.ends_on)
    .bind(after.acknowledged_at)
    .bind(&after.acknowledged_sha256)
    .bind(after.declined_at)
    .bind(&after.decline_reason)
    .bind(after.updated_at)
    .bind(after.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict(
            "the assignment was changed by someone else: reload and try again".into(),
        ));
    }
    Ok(())
}

impl Repo {
    /// Assigns a role, on behalf of `assigner`, who is never the holder.
    pub async fn assign_role(
        &self,
        actor: &Actor,
        org: OrgId,
        assigner: UserId,
        terms: AssignmentTerms,
    ) -> Result<Assignment> {
        let terms = terms.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let assigner_person: Option<(Uuid,)> =
            sqlx::query_as("SELECT person_id FROM users WHERE org_id = $1 AND user_id = $2")
                .bind(org.0)
                .bind(assigner.0)
                .fetch_optional(&mut *tx)
                .await?;
        if assigner_person.is_none() {
            return Err(StoreError::Invalid(format!(
                "assigned_by: no login {assigner} here"
            )));
        }
        if assigner_person.map(|(p,)| PersonId(p)) == Some(terms.person_id) {
            return Err(StoreError::Refused(
                "nobody assigns a role to themselves: someone else assigns it".into(),
            ));
        }
        let roles: Vec<Role> = self.roles_in(&mut tx, org).await?;
        check_assigning_authority(&mut tx, org, assigner, &roles, chain.at().date()).await?;
        let role = roles
            .iter()
            .find(|r| r.id == terms.role_id)
            .ok_or_else(|| {
                StoreError::Invalid(format!("role_id: there is no role {} here", terms.role_id))
            })?;
        let Some((name, left)) = person_of(&mut tx, org, terms.person_id).await? else {
            return Err(StoreError::Invalid(format!(
                "person_id: there is no person {} here",
                terms.person_id
            )));
        };
        if left.is_some_and(|last| last < terms.starts_on) {
            return Err(StoreError::Invalid(format!(
                "person_id: {name} leaves before the assignment would start"
            )));
        }
        if let Some(deputy) = terms.deputy_id
            && person_of(&mut tx, org, deputy).await?.is_none()
        {
            return Err(StoreError::Invalid(format!(
                "deputy_id: there is no person {deputy} here"
            )));
        }
        let held = load_assignments(&mut tx, org, Some(terms.person_id)).await?;
        let holdings: Vec<_> = held.iter().map(|a| a.terms.holding()).collect();
        let rules = Incompatibilities::from_declarations(
            roles
                .iter()
                .map(|r| (r.id, r.fields.incompatible_with.as_slice())),
        );
        let waivers = super::super::policy_exceptions::waivers_for(
            &mut tx,
            org,
            terms.person_id,
            chain.at().date(),
        )
        .await?;
        if let Err(conflict) = check_assignment(&terms.holding(), &holdings, &rules, &waivers) {
            let other = if conflict.roles.0 == role.id {
                conflict.roles.1
            } else {
                conflict.roles.0
            };
            let other_name = roles
                .iter()
                .find(|r| r.id == other)
                .map_or("another role", |r| r.fields.name.as_str());
            return Err(StoreError::Refused(format!(
                "segregation of duties: {name} holds {other_name}, which is incompatible with {}; \
                 an approved exception covering both roles for the whole assignment would allow it",
                role.fields.name
            )));
        }
        let assignment = Assignment::new(org, terms, assigner, chain.at());
        insert_rows(&mut tx, &[AssignmentRow::from(&assignment)], "", |_| {}).await?;
        chain.record(Change::created(
            "role_assignment",
            assignment.id,
            assignment.audit_json(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(assignment)
    }

    /// The holder answers for the role as they read it (`read_sha256` of
    /// its text): accepts its responsibilities and authorities, or declines
    /// with a reason.
    pub async fn answer_assignment(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Uuid,
        holder: PersonId,
        read_sha256: &str,
        decline_reason: Option<&str>,
    ) -> Result<Assignment> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_assignment(&mut tx, org, id).await?;
        let roles = self.roles_in(&mut tx, org).await?;
        let role = roles
            .iter()
            .find(|r| r.id == before.terms.role_id)
            .ok_or_else(|| StoreError::corrupt("an assignment of a role that is not there"))?;
        let current = role_text_sha256(&role.fields);
        check_answer(
            &before,
            holder,
            chain.at().date(),
            read_sha256,
            &current,
            decline_reason,
        )
        .map_err(|refusal| {
            let message = refusal.message().to_string();
            match refusal {
                AnswerRefusal::NotTheHolder => StoreError::Refused(message),
                AnswerRefusal::AlreadyAccepted | AnswerRefusal::TextChanged => {
                    StoreError::Conflict(message)
                }
                AnswerRefusal::Ended | AnswerRefusal::NoReason => StoreError::Invalid(message),
            }
        })?;
        let (acknowledged_at, declined_at, reason, action) = match decline_reason {
            None => (Some(chain.at()), None, String::new(), "acknowledge"),
            Some(r) => (None, Some(chain.at()), r.trim().to_string(), "decline"),
        };
        let after = Assignment {
            acknowledged_at,
            acknowledged_sha256: Some(current),
            declined_at,
            decline_reason: reason,
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        save(&mut tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "role_assignment",
            entity_id: id.to_string(),
            action,
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Ends an assignment on `ends_on` (its last day).
    pub async fn end_assignment(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Uuid,
        ender: UserId,
        ends_on: Date,
    ) -> Result<Assignment> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let roles = self.roles_in(&mut tx, org).await?;
        check_assigning_authority(&mut tx, org, ender, &roles, chain.at().date()).await?;
        let before = load_assignment(&mut tx, org, id).await?;
        if before
            .terms
            .ends_on
            .is_some_and(|end| end < chain.at().date())
        {
            return Err(StoreError::Conflict(
                "this assignment has already ended; assign the role again instead".into(),
            ));
        }
        // Ending moves the last day earlier, never later: a later day would
        // need the segregation checks of a new assignment.
        if before.terms.ends_on.is_some_and(|end| ends_on > end) {
            return Err(StoreError::Invalid(
                "ends_on: an assignment is ended, not extended; assign the role again for a longer time"
                    .into(),
            ));
        }
        if ends_on < before.terms.starts_on {
            return Err(StoreError::Invalid(
                "ends_on: an assignment ends on or after the day it starts".into(),
            ));
        }
        let after = Assignment {
            terms: AssignmentTerms {
                ends_on: Some(ends_on),
                ..before.terms.clone()
            },
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        save(&mut tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "role_assignment",
            entity_id: id.to_string(),
            action: "end",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every assignment, or one person's, oldest first.
    pub async fn assignments(
        &self,
        org: OrgId,
        person: Option<PersonId>,
    ) -> Result<Vec<Assignment>> {
        let mut tx = self.begin_snapshot().await?;
        load_assignments(&mut tx, org, person).await
    }
}

/// Roles held in a transaction, for checks made inside it.
impl Repo {
    async fn roles_in(&self, tx: &mut Transaction<'_, Db>, org: OrgId) -> Result<Vec<Role>> {
        super::super::roles::load_roles(tx, org).await
    }
}

impl Repo {
    /// The people who hold or deputise a role (any day), for views that
    /// name them without loading the whole register.
    pub async fn role_people(&self, org: OrgId) -> Result<Vec<mandate_core::Person>> {
        use super::super::batch::Insertable;
        let columns = super::super::rows::PersonRow::COLUMNS.join(", ");
        let sql = format!(
            "SELECT {columns} FROM people WHERE org_id = $1 AND person_id IN \
             (SELECT person_id FROM role_assignments WHERE org_id = $1 \
              UNION SELECT deputy_id FROM role_assignments WHERE org_id = $1 AND deputy_id IS NOT NULL)"
        );
        let rows: Vec<super::super::rows::PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(mandate_core::Person::try_from)
            .collect()
    }
}
