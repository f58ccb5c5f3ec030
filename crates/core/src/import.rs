//! Planning a bulk import of people: which rows create, which update, which
//! are unchanged, and which are wrong and why. Pure, so the same plan serves
//! the CSV import, the demo generator and the tests; the store applies it.

use crate::email::Email;
use crate::ids::{OrgId, PersonId};
use crate::person::{NewPerson, Person, PersonKind};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};

/// One row to import. For the optional columns, the outer `Option` is `None`
/// when the file has no such column, so a re-import leaves that field as it is;
/// `Some(None)` clears it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// The line in the source file, for error messages.
    pub line: usize,
    pub name: String,
    pub email: Email,
    pub department: Option<Option<String>>,
    pub manager_email: Option<Option<Email>>,
    pub start_date: Option<Option<Date>>,
    pub end_date: Option<Option<Date>>,
    pub kind: Option<PersonKind>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// How many of a file's problems are listed back; the rest are counted.
/// A file of a hundred thousand bad lines otherwise gets an answer many
/// times its own size, and nobody fixes more than a page of lines at once.
pub const MAX_LISTED_PROBLEMS: usize = 100;
/// The longest message listed for one line (a message may quote the value).
pub const MAX_PROBLEM_CHARS: usize = 300;

/// A message cut to [`MAX_PROBLEM_CHARS`].
pub fn shortened(message: &str) -> String {
    match message.char_indices().nth(MAX_PROBLEM_CHARS) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

#[derive(Debug, Default)]
pub struct ImportPlan {
    pub inserts: Vec<Person>,
    /// (before, after) for each person whose fields change.
    pub updates: Vec<(Person, Person)>,
    pub unchanged: usize,
}

/// Plans the import of `rows` into an organisation holding `existing`.
/// People are matched by email. A row is invalid when its fields are, when its
/// email appeared on an earlier line, or when its manager is neither an
/// existing person nor a valid row of the file. Rows that depend on an invalid
/// row are reported too, so `--skip-invalid` never imports half a hierarchy.
pub fn plan_import(
    org_id: OrgId,
    existing: &[Person],
    rows: &[ImportRow],
    now: OffsetDateTime,
) -> (ImportPlan, Vec<RowError>) {
    let existing_by_email: HashMap<&Email, &Person> =
        existing.iter().map(|p| (&p.email, p)).collect();
    let mut errors: Vec<RowError> = Vec::new();
    let mut first_line: HashMap<&Email, usize> = HashMap::new();
    let mut candidates: Vec<(&ImportRow, Person)> = Vec::with_capacity(rows.len());

    for row in rows {
        if let Some(line) = first_line.get(&row.email) {
            errors.push(RowError {
                line: row.line,
                message: format!("{} is already on line {line}", row.email),
            });
            continue;
        }
        first_line.insert(&row.email, row.line);
        let before = existing_by_email.get(&row.email).copied();
        let after = merge(org_id, before, row, now);
        let draft = NewPerson {
            name: after.name.clone(),
            email: after.email.clone(),
            department: after.department.clone(),
            manager_id: None,
            kind: after.kind,
            start_date: after.start_date,
            end_date: after.end_date,
        };
        if let Err(e) = draft.validate() {
            errors.push(RowError {
                line: row.line,
                message: e.to_string(),
            });
            continue;
        }
        if let Some(Some(manager)) = &row.manager_email
            && manager == &row.email
        {
            errors.push(RowError {
                line: row.line,
                message: "a person cannot be their own line manager".into(),
            });
            continue;
        }
        candidates.push((row, after));
    }

    // Resolve managers until no row is dropped: dropping a row can orphan the
    // rows it manages.
    loop {
        let ids: HashMap<&Email, PersonId> = existing
            .iter()
            .map(|p| (&p.email, p.id))
            .chain(candidates.iter().map(|(row, p)| (&row.email, p.id)))
            .collect();
        let mut dropped: HashSet<usize> = HashSet::new();
        for (i, (row, person)) in candidates.iter_mut().enumerate() {
            match &row.manager_email {
                Some(Some(manager)) => match ids.get(manager) {
                    Some(id) => person.manager_id = Some(*id),
                    None => {
                        let why = match first_line.get(manager) {
                            Some(line) => {
                                format!("manager {manager} is on line {line}, which is invalid")
                            }
                            None => format!(
                                "manager {manager} matches nobody in the file or the organisation"
                            ),
                        };
                        errors.push(RowError {
                            line: row.line,
                            message: why,
                        });
                        dropped.insert(i);
                    }
                },
                Some(None) => person.manager_id = None,
                None => {}
            }
        }
        if dropped.is_empty() {
            break;
        }
        let mut index = 0;
        candidates.retain(|_| {
            let keep = !dropped.contains(&index);
            index += 1;
            keep
        });
    }

    let mut plan = ImportPlan::default();
    for (row, after) in candidates {
        match existing_by_email.get(&row.email) {
            None => plan.inserts.push(after),
            Some(before) if same_fields(before, &after) => plan.unchanged += 1,
            Some(before) => {
                let mut after = after;
                after.version = before.version + 1;
                plan.updates.push(((*before).clone(), after));
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    (plan, errors)
}

fn merge(org_id: OrgId, before: Option<&Person>, row: &ImportRow, now: OffsetDateTime) -> Person {
    let pick = |column: &Option<Option<String>>, old: Option<&String>| match column {
        Some(value) => value.clone(),
        None => old.cloned(),
    };
    Person {
        id: before.map_or_else(PersonId::new, |b| b.id),
        org_id,
        name: row.name.trim().to_string(),
        email: row.email.clone(),
        department: pick(&row.department, before.and_then(|b| b.department.as_ref())),
        manager_id: before.and_then(|b| b.manager_id),
        kind: row.kind.or(before.map(|b| b.kind)).unwrap_or_default(),
        start_date: row.start_date.unwrap_or(before.and_then(|b| b.start_date)),
        end_date: row.end_date.unwrap_or(before.and_then(|b| b.end_date)),
        created_at: before.map_or(now, |b| b.created_at),
        updated_at: now,
        version: before.map_or(1, |b| b.version),
    }
}

fn same_fields(a: &Person, b: &Person) -> bool {
    a.name == b.name
        && a.department == b.department
        && a.manager_id == b.manager_id
        && a.kind == b.kind
        && a.start_date == b.start_date
        && a.end_date == b.end_date
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::now;

    fn row(line: usize, name: &str, email: &str, manager: Option<&str>) -> ImportRow {
        ImportRow {
            line,
            name: name.into(),
            email: Email::parse(email).expect("valid email"),
            department: Some(Some("Engineering".into())),
            manager_email: Some(manager.map(|m| Email::parse(m).expect("valid email"))),
            start_date: None,
            end_date: None,
            kind: None,
        }
    }

    #[test]
    fn managers_may_appear_later_in_the_file() {
        let rows = [
            row(2, "Bo", "bo@x.io", Some("al@x.io")),
            row(3, "Al", "al@x.io", None),
        ];
        let (plan, errors) = plan_import(OrgId::new(), &[], &rows, now());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(plan.inserts.len(), 2);
        assert_eq!(plan.inserts[0].manager_id, Some(plan.inserts[1].id));
    }

    #[test]
    fn unknown_managers_and_duplicates_are_reported_by_line() {
        let rows = [
            row(2, "Al", "al@x.io", Some("ghost@x.io")),
            row(3, "Bo", "bo@x.io", Some("al@x.io")),
            row(4, "Bo again", "BO@x.io", None),
        ];
        let (plan, errors) = plan_import(OrgId::new(), &[], &rows, now());
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert!(errors[0].message.contains("matches nobody"));
        assert!(errors[1].message.contains("line 2, which is invalid"));
        assert!(errors[2].message.contains("already on line 3"));
        assert!(plan.inserts.is_empty());
    }

    #[test]
    fn reimport_updates_by_email_and_keeps_columns_the_file_lacks() {
        let org = OrgId::new();
        let (first, _) = plan_import(org, &[], &[row(2, "Al", "al@x.io", None)], now());
        let existing = first.inserts;
        let mut again = row(2, "Al Smith", "al@x.io", None);
        again.department = None; // column absent from the second file
        let (plan, errors) = plan_import(org, &existing, &[again], now());
        assert!(errors.is_empty());
        assert!(plan.inserts.is_empty());
        let (before, after) = &plan.updates[0];
        assert_eq!(after.id, before.id);
        assert_eq!(after.name, "Al Smith");
        assert_eq!(after.department.as_deref(), Some("Engineering"));
        assert_eq!(after.version, before.version + 1);

        let (plan, _) = plan_import(org, &existing, &[row(2, "Al", "al@x.io", None)], now());
        assert_eq!(
            (plan.inserts.len(), plan.updates.len(), plan.unchanged),
            (0, 0, 1)
        );
    }

    #[test]
    fn nobody_manages_themselves() {
        let (_, errors) = plan_import(
            OrgId::new(),
            &[],
            &[row(2, "Al", "al@x.io", Some("al@x.io"))],
            now(),
        );
        assert_eq!(errors.len(), 1);
    }
}

#[cfg(test)]
mod listing_tests {
    use super::*;

    #[test]
    fn long_problem_messages_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_PROBLEM_CHARS + 5);
        let cut = shortened(&long);
        assert_eq!(cut.chars().count(), MAX_PROBLEM_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(shortened("short"), "short");
    }
}
