//! Acknowledgement requests: created for a version's audience when it is
//! published (carried over for a non-material change), reconciled with the
//! audience as people join, move and leave, and answered by their holders.
//! Totals per version and state are kept in the same transactions, so the
//! campaign figures are read without counting millions of rows.

use super::super::Repo;
use super::super::acknowledgement_rows::AckRow;
use super::super::audit::Appender;
use super::super::batch::{Insertable, insert_rows};
use super::super::org_settings::load_settings;
use super::super::{Db, Transaction};
use crate::backend::{AnswerIn, ReconcileSummary};
use crate::error::{Result, StoreError};
use mandate_core::acknowledgement::{
    AckRequest, AckState, Membership, carried_requests, in_audience, reconcile,
};
use mandate_core::audit::{Actor, Change};
use mandate_core::digest::sha256_hex;
use mandate_core::policy::{Policy, PolicyVersion, VersionState};
use mandate_core::{OrgId, Person, PersonId, VersionId};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

const ACK_UPSERT: &str = " ON CONFLICT (org_id, version_id, person_id) DO UPDATE SET \
     owed_since = excluded.owed_since, due_on = excluded.due_on, state = excluded.state, \
     text_sha256 = excluded.text_sha256, answered_at = excluded.answered_at, reason = excluded.reason, \
     released_at = excluded.released_at, \
     department = excluded.department, manager_id = excluded.manager_id, version = excluded.version";

/// Adds `delta` to the totals of (version, state) for each change of state.
async fn bump_totals(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    deltas: &HashMap<(VersionId, AckState), i64>,
) -> Result<()> {
    for ((version, state), delta) in deltas.iter().filter(|(_, d)| **d != 0) {
        sqlx::query(
            "INSERT INTO acknowledgement_totals (org_id, version_id, state, count) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, version_id, state) DO UPDATE SET count = acknowledgement_totals.count + excluded.count",
        )
        .bind(org.0)
        .bind(version.0)
        .bind(state.as_str())
        .bind(*delta)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Counts a request entering `state` (and leaving the one it had).
fn tally(
    deltas: &mut HashMap<(VersionId, AckState), i64>,
    before: Option<&AckRequest>,
    after: &AckRequest,
) {
    if let Some(b) = before {
        *deltas.entry((b.version_id, b.state)).or_default() -= 1;
    }
    *deltas.entry((after.version_id, after.state)).or_default() += 1;
}

pub(in super::super) async fn load_requests(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    filter: &str,
    bind: Uuid,
) -> Result<Vec<AckRequest>> {
    let sql = format!(
        "SELECT {} FROM acknowledgements WHERE org_id = $1 AND {filter} = $2",
        AckRow::COLUMNS.join(", ")
    );
    let rows: Vec<AckRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(bind)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(AckRequest::try_from).collect()
}

/// Releases every request `person` still owes, in `tx`: they left, so
/// nothing more is asked of them (SCIM deprovisioning does this at once,
/// rather than waiting for the scheduler's reconciliation).
pub(in super::super) async fn release_owed_by(
    tx: &mut Transaction<'static, Db>,
    chain: &mut Appender<'_>,
    org: OrgId,
    person: PersonId,
) -> Result<usize> {
    let at = chain.at();
    let owed: Vec<AckRequest> = load_requests(tx, org, "person_id", person.0)
        .await?
        .into_iter()
        .filter(|r| r.state == AckState::Owed)
        .collect();
    if owed.is_empty() {
        return Ok(0);
    }
    let mut deltas = HashMap::new();
    let mut rows = Vec::with_capacity(owed.len());
    for before in &owed {
        let after = before.released(at);
        tally(&mut deltas, Some(before), &after);
        rows.push(AckRow::from(&after));
    }
    insert_rows(tx, &rows, ACK_UPSERT, |_| {}).await?;
    bump_totals(tx, org, &deltas).await?;
    chain.record(Change {
        action: "release_acknowledgements",
        ..Change::created(
            "person",
            person,
            serde_json::json!({
                "released": owed.len(),
                "versions": owed.iter().map(|r| r.version_id).collect::<Vec<_>>(),
            }),
        )
    });
    Ok(owed.len())
}

/// The people of the organisation and the names of the ISMS roles each
/// holds on `day`: what audience membership is decided on.
async fn addressable(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    day: Date,
) -> Result<(Vec<Person>, HashMap<PersonId, Vec<String>>)> {
    let people = super::super::people::load_people(tx, org).await?;
    let held: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT a.person_id, r.name FROM role_assignments a JOIN roles r ON r.org_id = a.org_id AND r.role_id = a.role_id \
         WHERE a.org_id = $1 AND a.starts_on <= $2 AND (a.ends_on IS NULL OR a.ends_on >= $2)",
    )
    .bind(org.0)
    .bind(day)
    .fetch_all(&mut **tx)
    .await?;
    let mut roles: HashMap<PersonId, Vec<String>> = HashMap::new();
    for (person, name) in held {
        roles.entry(PersonId(person)).or_default().push(name);
    }
    Ok((people, roles))
}

/// Who `policy` addresses on `day`.
fn audience_of<'a>(
    policy: &Policy,
    people: &'a [Person],
    roles: &HashMap<PersonId, Vec<String>>,
    day: Date,
) -> Vec<&'a Person> {
    let none: Vec<String> = Vec::new();
    people
        .iter()
        .filter(|p| {
            let held = roles.get(&p.id).unwrap_or(&none);
            in_audience(
                &policy.fields.audience,
                &Membership {
                    person: p,
                    roles: held,
                },
                day,
            )
        })
        .collect()
}

impl Repo {
    /// Creates the requests of `version`, just published at `chain.at()`,
    /// and releases what was still owed of `superseded`: called in the
    /// publishing transaction.
    pub(in super::super) async fn request_acknowledgements(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        policy: &Policy,
        version: &PolicyVersion,
        superseded: Option<&PolicyVersion>,
    ) -> Result<()> {
        let org = policy.org_id;
        let at = chain.at();
        let (settings, _) = load_settings(tx, org).await?;
        let (people, roles) = addressable(tx, org, at.date()).await?;
        let fresh: Vec<AckRequest> = audience_of(policy, &people, &roles, at.date())
            .into_iter()
            .map(|p| {
                AckRequest::owed(
                    org,
                    policy.id,
                    version.id,
                    p,
                    at,
                    settings.acknowledgement_grace_days,
                )
            })
            .collect();
        let previous = match superseded {
            Some(old) => load_requests(tx, org, "version_id", old.id.0).await?,
            None => Vec::new(),
        };
        let requests = carried_requests(&fresh, &previous, version.material_change);
        let mut deltas = HashMap::new();
        for r in &requests {
            tally(&mut deltas, None, r);
        }
        let released: Vec<AckRequest> = previous
            .iter()
            .filter(|r| r.state == AckState::Owed)
            .map(|r| r.released(at))
            .collect();
        for (before, after) in previous
            .iter()
            .filter(|r| r.state == AckState::Owed)
            .zip(&released)
        {
            tally(&mut deltas, Some(before), after);
        }
        let rows: Vec<AckRow> = requests.iter().chain(&released).map(AckRow::from).collect();
        insert_rows(tx, &rows, ACK_UPSERT, |_| {}).await?;
        bump_totals(tx, org, &deltas).await?;
        let mut ids: Vec<String> = requests.iter().map(|r| r.person_id.to_string()).collect();
        ids.sort();
        chain.record(Change {
            action: "request_acknowledgements",
            ..Change::created(
                "policy_version",
                version.id,
                serde_json::json!({
                    "policy_id": policy.id,
                    "number": version.number,
                    "material_change": version.material_change,
                    "audience": requests.len(),
                    "owed": requests.iter().filter(|r| r.state == AckState::Owed).count(),
                    "carried_over": requests.iter().filter(|r| r.state == AckState::CarriedOver).count(),
                    "released_of_the_version_before": released.len(),
                    "audience_sha256": sha256_hex(ids.join("\n").as_bytes()),
                }),
            )
        });
        Ok(())
    }

    /// Releases what is still owed of `version` (retired).
    pub(in super::super) async fn release_acknowledgements(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        version: &PolicyVersion,
    ) -> Result<()> {
        let org = version.org_id;
        let owed: Vec<AckRequest> = load_requests(tx, org, "version_id", version.id.0)
            .await?
            .into_iter()
            .filter(|r| r.state == AckState::Owed)
            .collect();
        if owed.is_empty() {
            return Ok(());
        }
        let mut deltas = HashMap::new();
        let at = chain.at();
        let released: Vec<AckRequest> = owed.iter().map(|r| r.released(at)).collect();
        for (b, a) in owed.iter().zip(&released) {
            tally(&mut deltas, Some(b), a);
        }
        let rows: Vec<AckRow> = released.iter().map(AckRow::from).collect();
        insert_rows(tx, &rows, ACK_UPSERT, |_| {}).await?;
        bump_totals(tx, org, &deltas).await?;
        chain.record(Change {
            action: "release_acknowledgements",
            ..Change::created(
                "policy_version",
                version.id,
                serde_json::json!({ "released": released.len() }),
            )
        });
        Ok(())
    }

    /// Moves the requests made when `version` was published to the
    /// publication date recorded for it (an existing register brought in).
    pub(in super::super) async fn backdate_acknowledgements(
        &self,
        tx: &mut Transaction<'static, Db>,
        version: &PolicyVersion,
        was: OffsetDateTime,
        now_published: OffsetDateTime,
    ) -> Result<()> {
        let org = version.org_id;
        let (settings, _) = load_settings(tx, org).await?;
        let due = now_published.date()
            + time::Duration::days(i64::from(settings.acknowledgement_grace_days));
        sqlx::query(
            "UPDATE acknowledgements SET owed_since = $3, due_on = $4 WHERE org_id = $1 AND version_id = $2 AND owed_since = $5",
        )
        .bind(org.0)
        .bind(version.id.0)
        .bind(now_published)
        .bind(due)
        .bind(was)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Brings every published version's requests in line with its audience
    /// today: joiners and people moved in come to owe it, leavers and people
    /// moved out stop owing. Idempotent: a second run changes nothing.
    pub async fn reconcile_acknowledgements(
        &self,
        actor: &Actor,
        org: OrgId,
    ) -> Result<ReconcileSummary> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let at = chain.at();
        let (settings, _) = load_settings(&mut tx, org).await?;
        let (people, roles) = addressable(&mut tx, org, at.date()).await?;
        let by_id: HashMap<PersonId, &Person> = people.iter().map(|p| (p.id, p)).collect();
        let published = super::super::policy_versions::published_versions(&mut tx, org).await?;
        let policies: HashMap<_, _> = super::super::policies::load_policies(&mut tx, org)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut summary = ReconcileSummary::default();
        let mut deltas = HashMap::new();
        for version in &published {
            let Some(policy) = policies.get(&version.policy_id) else {
                continue;
            };
            let audience: HashSet<PersonId> = audience_of(policy, &people, &roles, at.date())
                .iter()
                .map(|p| p.id)
                .collect();
            let requests = load_requests(&mut tx, org, "version_id", version.id.0).await?;
            let plan = reconcile(&requests, &audience);
            if plan.is_empty() {
                continue;
            }
            let existing: HashMap<PersonId, &AckRequest> =
                requests.iter().map(|r| (r.person_id, r)).collect();
            let mut changed = Vec::new();
            for person in &plan.owe {
                let Some(p) = by_id.get(person) else { continue };
                let fresh = AckRequest::owed(
                    org,
                    policy.id,
                    version.id,
                    p,
                    at,
                    settings.acknowledgement_grace_days,
                );
                let after = match existing.get(person) {
                    Some(before) => AckRequest {
                        version: before.version + 1,
                        ..fresh
                    },
                    None => fresh,
                };
                tally(&mut deltas, existing.get(person).copied(), &after);
                changed.push(after);
            }
            for person in &plan.release {
                if let Some(before) = existing.get(person) {
                    let after = before.released(at);
                    tally(&mut deltas, Some(before), &after);
                    changed.push(after);
                }
            }
            let rows: Vec<AckRow> = changed.iter().map(AckRow::from).collect();
            insert_rows(&mut tx, &rows, ACK_UPSERT, |_| {}).await?;
            chain.record(Change {
                action: "reconcile_acknowledgements",
                ..Change::created(
                    "policy_version",
                    version.id,
                    serde_json::json!({
                        "owed": plan.owe.len(),
                        "released": plan.release.len(),
                        "owed_by": plan.owe,
                        "released_for": plan.release,
                    }),
                )
            });
            summary.versions += 1;
            summary.owed += plan.owe.len();
            summary.released += plan.release.len();
        }
        if summary.versions == 0 {
            // Nothing changed: nothing to record.
            return Ok(summary);
        }
        bump_totals(&mut tx, org, &deltas).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Records answers from many people in one transaction (one durable
    /// commit for a burst of clicks); each answer succeeds or fails alone.
    pub async fn answer_acknowledgements(
        &self,
        org: OrgId,
        answers: Vec<AnswerIn>,
    ) -> Result<Vec<Result<AckRequest>>> {
        let Some(first) = answers.first() else {
            return Ok(Vec::new());
        };
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, &first.actor).await?;
        let at = chain.at();
        let mut digests: HashMap<VersionId, Option<String>> = HashMap::new();
        let mut deltas = HashMap::new();
        let mut rows = Vec::new();
        let mut out = Vec::with_capacity(answers.len());
        let mut seen = HashSet::new();
        let select = format!(
            "SELECT {} FROM acknowledgements WHERE org_id = $1 AND version_id = $2 AND person_id = $3",
            AckRow::COLUMNS.join(", ")
        );
        for a in answers {
            if !seen.insert((a.version_id, a.person_id)) {
                out.push(Err(StoreError::Conflict(
                    "this answer was sent twice".into(),
                )));
                continue;
            }
            let digest = match digests.get(&a.version_id) {
                Some(d) => d.clone(),
                None => {
                    let body: Option<(String, String)> = sqlx::query_as(
                        "SELECT body, state FROM policy_versions WHERE org_id = $1 AND version_id = $2",
                    )
                    .bind(org.0)
                    .bind(a.version_id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let d = body
                        .filter(|(_, state)| state == VersionState::Published.as_str())
                        .map(|(b, _)| sha256_hex(b.as_bytes()));
                    digests.insert(a.version_id, d.clone());
                    d
                }
            };
            let Some(digest) = digest else {
                out.push(Err(StoreError::Conflict(
                    "this version is no longer published: acknowledge the current one".into(),
                )));
                continue;
            };
            if digest != a.shown_sha256 {
                out.push(Err(StoreError::Conflict(
                    "the text you were shown is not this version's: reload it and read it again"
                        .into(),
                )));
                continue;
            }
            let row: Option<AckRow> = sqlx::query_as(sqlx::AssertSqlSafe(select.as_str()))
                .bind(org.0)
                .bind(a.version_id.0)
                .bind(a.person_id.0)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(before) = row.map(AckRequest::try_from).transpose()? else {
                out.push(Err(StoreError::NotFound {
                    entity: "acknowledgement",
                    id: format!("{}/{}", a.version_id, a.person_id),
                }));
                continue;
            };
            let answered = before.answered(&a.answer, at).map(|r| AckRequest {
                text_sha256: Some(digest.clone()),
                ..r
            });
            match answered {
                Ok(after) => {
                    tally(&mut deltas, Some(&before), &after);
                    let json = |r: &AckRequest| serde_json::to_value(r).unwrap_or_default();
                    chain.record_by(
                        &a.actor,
                        Change {
                            action: if after.state == AckState::Accepted {
                                "accept"
                            } else {
                                "decline"
                            },
                            ..Change::updated(
                                "acknowledgement",
                                format!("{}/{}", a.version_id, a.person_id),
                                json(&before),
                                json(&after),
                            )
                        },
                    );
                    rows.push(AckRow::from(&after));
                    out.push(Ok(after));
                }
                Err(m) => out.push(Err(StoreError::Conflict(m))),
            }
        }
        if rows.is_empty() {
            return Ok(out);
        }
        insert_rows(&mut tx, &rows, ACK_UPSERT, |_| {}).await?;
        bump_totals(&mut tx, org, &deltas).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Every version that was ever published, without its text: (version,
    /// policy, number, state, published at, material change).
    pub async fn published_version_index(
        &self,
        org: OrgId,
    ) -> Result<Vec<crate::backend::PublishedVersion>> {
        let rows: Vec<(Uuid, Uuid, i32, String, Option<OffsetDateTime>, bool)> = sqlx::query_as(
            "SELECT version_id, policy_id, number, state, published_at, material_change FROM policy_versions              WHERE org_id = $1 AND published_at IS NOT NULL ORDER BY published_at DESC",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(v, p, number, state, published_at, material_change)| {
                Ok(crate::backend::PublishedVersion {
                    version_id: VersionId(v),
                    policy_id: mandate_core::PolicyId(p),
                    number,
                    state: state.parse().map_err(StoreError::corrupt)?,
                    published_at: published_at.unwrap_or_else(mandate_core::timefmt::now),
                    material_change,
                })
            })
            .collect()
    }
}
