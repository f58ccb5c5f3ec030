//! A SCIM User as a person of the register. The register is the authority
//! for what it holds (name, email, department, line manager, employment):
//! a change made in Mandate shows through SCIM. What the register has no
//! column for (userName, externalId, given and family names, further
//! addresses, the employee number) is kept as the provider sent it, so a
//! document reads back the way it was written.

use super::error::{ScimError, ScimType};
use super::filter::get;
use super::{ENTERPRISE, USER};
use crate::email::Email;
use crate::ids::PersonId;
use crate::person::{NewPerson, Person, PersonKind};
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

/// The provider's side of a person: what SCIM wrote that the register
/// does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct ScimUser {
    pub person_id: PersonId,
    pub user_name: String,
    pub external_id: Option<String>,
    /// The document as last written (checked), register fields included.
    pub attributes: Value,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl ScimUser {
    /// Whether SCIM itself ended the employment (`active: false`): only
    /// then does `active: true` undo it. An end set in Mandate stands.
    pub fn ended_employment(&self) -> bool {
        get(&self.attributes, "active") == Some(&Value::Bool(false))
    }
}

/// What a checked User document asks of the register.
#[derive(Clone, Debug, PartialEq)]
pub struct UserWrite {
    pub user_name: String,
    pub external_id: Option<String>,
    pub name: String,
    pub email: Email,
    pub department: Option<String>,
    pub manager: Option<PersonId>,
    pub active: bool,
    /// The checked document, kept to read back as written.
    pub document: Value,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidValue, detail)
}

fn text<'a>(doc: &'a Value, name: &str) -> Option<&'a str> {
    get(doc, name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The name the register shows: displayName, else the formatted name, else
/// given and family names, else the userName.
fn name_of(doc: &Value, user_name: &str) -> String {
    if let Some(n) = text(doc, "displayName") {
        return n.to_string();
    }
    let name = get(doc, "name").cloned().unwrap_or(Value::Null);
    if let Some(n) = text(&name, "formatted") {
        return n.to_string();
    }
    let parts: Vec<&str> = [text(&name, "givenName"), text(&name, "familyName")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        user_name.trim().to_string()
    } else {
        parts.join(" ")
    }
}

/// The primary address, else the first.
fn email_of(doc: &Value) -> Option<&str> {
    let emails = get(doc, "emails")?.as_array()?;
    let primary = emails
        .iter()
        .find(|e| get(e, "primary") == Some(&Value::Bool(true)));
    primary.or(emails.first()).and_then(|e| text(e, "value"))
}

fn enterprise(doc: &Value) -> Value {
    get(doc, ENTERPRISE).cloned().unwrap_or(Value::Null)
}

fn manager_of(doc: &Value) -> Option<&str> {
    get(doc, ENTERPRISE)
        .and_then(|e| get(e, "manager"))
        .and_then(|m| text(m, "value"))
}

/// Reads a document checked against the User schema.
pub fn user_write(document: Value) -> Result<UserWrite, ScimError> {
    let user_name = text(&document, "userName")
        .ok_or_else(|| invalid("userName is required"))?
        .to_string();
    let external_id = text(&document, "externalId").map(str::to_string);
    let email = email_of(&document).ok_or_else(|| invalid("an email address is required"))?;
    let email = Email::parse(email).map_err(|e| invalid(format!("emails: {e}")))?;
    let department = text(&enterprise(&document), "department").map(str::to_string);
    let manager = manager_of(&document)
        .map(|m| {
            uuid::Uuid::parse_str(m).map(PersonId).map_err(|_| {
                invalid(format!(
                    "manager.value {m:?} is not the id of a user of this organisation"
                ))
            })
        })
        .transpose()?;
    let active = get(&document, "active") != Some(&Value::Bool(false));
    Ok(UserWrite {
        name: name_of(&document, &user_name),
        user_name,
        external_id,
        email,
        department,
        manager,
        active,
        document,
    })
}

impl UserWrite {
    /// The person's fields after this write, `existing` as the register
    /// has them (and `link`, what SCIM wrote before). `active: false` ends
    /// the employment yesterday (never before it started), so access stops
    /// at once and nothing is owed from today; an end already past stays.
    /// `active` true or absent undoes only an end SCIM made.
    pub fn person(
        &self,
        existing: Option<&Person>,
        link: Option<&ScimUser>,
        today: Date,
    ) -> Result<NewPerson, ScimError> {
        let start_date = existing.and_then(|p| p.start_date);
        let end_now = existing.and_then(|p| p.end_date);
        let end_date = if !self.active {
            match end_now {
                Some(end) if end < today => Some(end),
                _ => {
                    let yesterday = today.previous_day().unwrap_or(today);
                    Some(start_date.map_or(yesterday, |s| s.max(yesterday)))
                }
            }
        } else if link.is_some_and(ScimUser::ended_employment) {
            None
        } else {
            end_now
        };
        let person = NewPerson {
            name: self.name.clone(),
            email: self.email.clone(),
            department: self.department.clone(),
            manager_id: self.manager,
            kind: existing.map_or(PersonKind::Employee, |p| p.kind),
            start_date,
            end_date,
        };
        person.validate().map_err(|e| invalid(e.to_string()))?;
        Ok(person)
    }
}

/// The User document of `person`, `base` being `https://host/scim/v2`.
/// Starts from what SCIM last wrote and brings the register's fields in
/// where they differ (someone changed them in Mandate).
pub fn user_document(person: &Person, link: Option<&ScimUser>, today: Date, base: &str) -> Value {
    let mut doc = match link.map(|l| &l.attributes) {
        Some(Value::Object(stored)) => stored.clone(),
        _ => Map::new(),
    };
    let user_name = link.map_or_else(|| person.email.to_string(), |l| l.user_name.clone());
    let current = Value::Object(doc.clone());
    if name_of(&current, &user_name) != person.name {
        doc.insert("displayName".into(), json!(person.name));
    }
    let email_matches =
        email_of(&current).is_some_and(|e| e.eq_ignore_ascii_case(person.email.as_str()));
    if !email_matches {
        bring_email(&mut doc, person.email.as_str());
    }
    bring_enterprise(&mut doc, person);
    let left = person.end_date.is_some_and(|e| e < today);
    match (left, get(&current, "active")) {
        (true, _) => {
            doc.insert("active".into(), json!(false));
        }
        (false, Some(Value::Bool(false))) => {
            doc.insert("active".into(), json!(true));
        }
        _ => {}
    }
    let mut schemas = vec![json!(USER)];
    if doc.contains_key(ENTERPRISE) {
        schemas.push(json!(ENTERPRISE));
    }
    doc.insert("schemas".into(), Value::Array(schemas));
    doc.insert("id".into(), json!(person.id.to_string()));
    doc.insert("userName".into(), json!(user_name));
    match link.and_then(|l| l.external_id.as_deref()) {
        Some(external) => doc.insert("externalId".into(), json!(external)),
        None => doc.remove("externalId"),
    };
    let (created, modified, version) = match link {
        Some(l) => (
            l.created_at.min(person.created_at),
            l.updated_at.max(person.updated_at),
            format!("{}.{}", person.version, l.version),
        ),
        None => (
            person.created_at,
            person.updated_at,
            person.version.to_string(),
        ),
    };
    doc.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": super::timestamp(created),
            "lastModified": super::timestamp(modified),
            "location": format!("{base}/Users/{}", person.id),
            "version": format!("W/\"{version}\""),
        }),
    );
    Value::Object(doc)
}

/// Puts the register's email where the document keeps its primary (or
/// first) address, or as the only one.
fn bring_email(doc: &mut Map<String, Value>, email: &str) {
    let key = doc
        .keys()
        .find(|k| k.eq_ignore_ascii_case("emails"))
        .cloned()
        .unwrap_or_else(|| "emails".into());
    let mut emails = match doc.remove(&key) {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => vec![json!({"type": "work", "primary": true})],
    };
    let at = emails
        .iter()
        .position(|e| get(e, "primary") == Some(&Value::Bool(true)))
        .unwrap_or(0);
    if let Some(Value::Object(entry)) = emails.get_mut(at) {
        entry.retain(|k, _| !k.eq_ignore_ascii_case("value"));
        entry.insert("value".into(), json!(email));
    }
    doc.insert("emails".into(), Value::Array(emails));
}

/// The register's department and line manager in the enterprise extension.
fn bring_enterprise(doc: &mut Map<String, Value>, person: &Person) {
    let current = Value::Object(doc.clone());
    let department_now = text(&enterprise(&current), "department").map(str::to_string);
    let manager_now = manager_of(&current).map(str::to_string);
    let manager = person.manager_id.map(|m| m.to_string());
    if department_now == person.department && manager_now == manager {
        return;
    }
    let mut ext = match doc.remove(ENTERPRISE) {
        Some(Value::Object(e)) => e,
        _ => Map::new(),
    };
    if department_now != person.department {
        ext.retain(|k, _| !k.eq_ignore_ascii_case("department"));
        if let Some(d) = &person.department {
            ext.insert("department".into(), json!(d));
        }
    }
    if manager_now != manager {
        ext.retain(|k, _| !k.eq_ignore_ascii_case("manager"));
        if let Some(m) = manager {
            ext.insert("manager".into(), json!({ "value": m }));
        }
    }
    if !ext.is_empty() {
        doc.insert(ENTERPRISE.into(), Value::Object(ext));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;
    use crate::scim::schema::USER_RESOURCE;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 12 - 05);

    fn checked(doc: Value) -> UserWrite {
        user_write(USER_RESOURCE.check(&doc).expect("valid")).expect("readable")
    }

    fn person(new: &NewPerson) -> Person {
        Person {
            id: PersonId::new(),
            org_id: OrgId::new(),
            name: new.name.clone(),
            email: new.email.clone(),
            department: new.department.clone(),
            manager_id: new.manager_id,
            kind: new.kind,
            start_date: new.start_date,
            end_date: new.end_date,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
            version: 1,
        }
    }

    fn link(write: &UserWrite, person: &Person) -> ScimUser {
        ScimUser {
            person_id: person.id,
            user_name: write.user_name.clone(),
            external_id: write.external_id.clone(),
            attributes: write.document.clone(),
            created_at: person.created_at,
            updated_at: person.updated_at,
            version: 1,
        }
    }

    fn ana() -> Value {
        json!({
            "schemas": [USER, ENTERPRISE],
            "userName": "ana.silva",
            "externalId": "e-17",
            "name": {"givenName": "Ana", "familyName": "Silva"},
            "emails": [{"value": "home@example.org", "type": "home"},
                       {"value": "ana@example.com", "type": "work", "primary": true}],
            ENTERPRISE: {"department": "Finance", "employeeNumber": "701"},
        })
    }

    #[test]
    fn the_register_takes_the_name_the_primary_email_and_the_department() {
        let w = checked(ana());
        assert_eq!(w.name, "Ana Silva");
        assert_eq!(w.email.as_str(), "ana@example.com");
        assert_eq!(w.department.as_deref(), Some("Finance"));
        assert!(w.active);
        let p = w.person(None, None, TODAY).expect("valid");
        assert_eq!((p.kind, p.end_date), (PersonKind::Employee, None));
    }

    #[test]
    fn a_document_reads_back_as_written() {
        let w = checked(ana());
        let p = person(&w.person(None, None, TODAY).expect("valid"));
        let doc = user_document(&p, Some(&link(&w, &p)), TODAY, "https://x/scim/v2");
        for key in ["userName", "externalId", "name", "emails", ENTERPRISE] {
            assert_eq!(doc[key], ana()[key], "{key}");
        }
        assert_eq!(doc["id"], p.id.to_string());
        assert_eq!(
            doc["meta"]["location"],
            format!("https://x/scim/v2/Users/{}", p.id)
        );
        assert!(doc.get("active").is_none());
    }

    #[test]
    fn a_change_made_in_mandate_shows_through_scim() {
        let w = checked(ana());
        let mut p = person(&w.person(None, None, TODAY).expect("valid"));
        let l = link(&w, &p);
        p.name = "Ana Costa".into();
        p.email = Email::parse("ana.costa@example.com").expect("valid");
        p.department = None;
        p.end_date = Some(date!(2026 - 11 - 30));
        let doc = user_document(&p, Some(&l), TODAY, "b");
        assert_eq!(doc["displayName"], "Ana Costa");
        assert_eq!(doc["emails"][1]["value"], "ana.costa@example.com");
        assert_eq!(doc["emails"][0]["value"], "home@example.org");
        assert!(doc[ENTERPRISE].get("department").is_none());
        assert_eq!(doc[ENTERPRISE]["employeeNumber"], "701");
        assert_eq!(doc["active"], false);
    }

    #[test]
    fn inactive_ends_employment_yesterday_and_only_scim_undoes_its_own_end() {
        let mut doc = ana();
        doc["active"] = json!(false);
        let off = checked(doc);
        let ended = off.person(None, None, TODAY).expect("valid");
        assert_eq!(ended.end_date, Some(date!(2026 - 12 - 04)));
        let p = person(&ended);
        let on = checked(ana());
        let back = on
            .person(Some(&p), Some(&link(&off, &p)), TODAY)
            .expect("valid");
        assert_eq!(back.end_date, None, "SCIM's own end is undone");
        let kept = on
            .person(Some(&p), Some(&link(&on, &p)), TODAY)
            .expect("valid");
        assert_eq!(
            kept.end_date,
            Some(date!(2026 - 12 - 04)),
            "an end set in Mandate stands"
        );
        let mut joiner = ended.clone();
        joiner.start_date = Some(date!(2027 - 01 - 04));
        joiner.end_date = None;
        let not_started = off
            .person(Some(&person(&joiner)), None, TODAY)
            .expect("valid");
        assert_eq!(not_started.end_date, Some(date!(2027 - 01 - 04)));
    }

    #[test]
    fn a_person_scim_never_wrote_is_served_with_their_email_as_user_name() {
        let w = checked(ana());
        let p = person(&w.person(None, None, TODAY).expect("valid"));
        let doc = user_document(&p, None, TODAY, "b");
        assert_eq!(doc["userName"], "ana@example.com");
        assert_eq!(doc["displayName"], "Ana Silva");
        assert_eq!(doc["emails"][0]["value"], "ana@example.com");
        assert_eq!(doc[ENTERPRISE]["department"], "Finance");
        assert_eq!(doc["schemas"][1], ENTERPRISE);
    }

    #[test]
    fn bad_values_are_refused_as_invalid() {
        let mut no_email = ana();
        no_email["emails"] = json!([{"value": "not an address"}]);
        let e = user_write(USER_RESOURCE.check(&no_email).expect("schema-valid"))
            .expect_err("bad email");
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
        let mut bad_manager = ana();
        bad_manager[ENTERPRISE]["manager"] = json!({"value": "nobody"});
        let e = user_write(USER_RESOURCE.check(&bad_manager).expect("schema-valid"))
            .expect_err("bad manager");
        assert!(e.detail.contains("nobody"), "{}", e.detail);
    }
}
