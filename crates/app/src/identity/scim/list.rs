//! What a SCIM read asks for beyond the resource: paging (`startIndex`,
//! `count`) and which attributes to return (`attributes`,
//! `excludedAttributes`), and the list response.

use super::ScimResult;
use mandate_core::scim::filter::AttrPath;
use mandate_core::scim::{LIST_RESPONSE, ScimError, ScimType};
use serde_json::{Map, Value, json};

/// The most resources one page returns, whatever `count` asks.
pub const MAX_COUNT: i64 = 1000;
/// A page's size when `count` is not given.
pub const DEFAULT_COUNT: i64 = 100;

/// A read's query parameters, as sent.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub filter: Option<String>,
    #[serde(rename = "startIndex")]
    pub start_index: Option<String>,
    pub count: Option<String>,
    pub attributes: Option<String>,
    #[serde(rename = "excludedAttributes")]
    pub excluded_attributes: Option<String>,
}

fn number(name: &str, value: Option<&str>) -> ScimResult<Option<i64>> {
    value
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ScimError::bad(
                    ScimType::InvalidValue,
                    format!("{name} must be a whole number"),
                )
            })
        })
        .transpose()
}

impl ListQuery {
    /// (offset from 0, count): `startIndex` is 1-based and below 1 means 1
    /// (RFC 7644 §3.4.2.4); a negative count means 0.
    pub fn window(&self) -> ScimResult<(i64, i64)> {
        let start = number("startIndex", self.start_index.as_deref())?.unwrap_or(1);
        let count = number("count", self.count.as_deref())?.unwrap_or(DEFAULT_COUNT);
        Ok((start.max(1) - 1, count.clamp(0, MAX_COUNT)))
    }

    /// Keeps the attributes asked for in `doc`.
    pub fn project(&self, doc: Value) -> ScimResult<Value> {
        project(
            doc,
            self.attributes.as_deref(),
            self.excluded_attributes.as_deref(),
        )
    }
}

fn paths(list: &str) -> ScimResult<Vec<AttrPath>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|p| {
            AttrPath::parse(p).ok_or_else(|| {
                ScimError::bad(
                    ScimType::InvalidPath,
                    format!("{p:?} is not an attribute path"),
                )
            })
        })
        .collect()
}

fn key_of(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Whether `path` names `key` (a top-level member) of the document.
fn names(path: &AttrPath, key: &str) -> bool {
    match path.urn {
        Some(urn) => urn.eq_ignore_ascii_case(key),
        None => path.attr.eq_ignore_ascii_case(key),
    }
}

/// `attributes` keeps only the paths named (and `id`, `schemas`, always
/// returned); `excludedAttributes` drops them. A sub-attribute path keeps
/// or drops that sub-attribute in each value of its attribute.
pub fn project(doc: Value, attributes: Option<&str>, excluded: Option<&str>) -> ScimResult<Value> {
    let Value::Object(mut map) = doc else {
        return Ok(doc);
    };
    const ALWAYS: [&str; 2] = ["id", "schemas"];
    if let Some(list) = attributes.filter(|l| !l.trim().is_empty()) {
        let wanted = paths(list)?;
        let mut out = Map::new();
        for (key, value) in map {
            if ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&key)) {
                out.insert(key, value);
                continue;
            }
            let hits: Vec<&AttrPath> = wanted.iter().filter(|p| names(p, &key)).collect();
            if hits.is_empty() {
                continue;
            }
            if hits.iter().any(|p| p.sub.is_none() && p.urn.is_none()) {
                out.insert(key, value);
                continue;
            }
            out.insert(key, keep_subs(value, &hits));
        }
        map = out;
    }
    if let Some(list) = excluded.filter(|l| !l.trim().is_empty()) {
        for path in paths(list)? {
            let key = match path.urn {
                Some(urn) => key_of(&map, urn),
                None => key_of(&map, &path.attr),
            };
            let Some(key) = key else { continue };
            if ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&key)) {
                continue;
            }
            let inner = match path.urn {
                Some(_) => Some(path.attr.clone()),
                None => path.sub.clone(),
            };
            match (inner, map.get_mut(&key)) {
                (None, _) => {
                    map.remove(&key);
                }
                (Some(sub), Some(value)) => drop_sub(value, &sub),
                (Some(_), None) => {}
            }
        }
    }
    Ok(Value::Object(map))
}

/// Keeps, in `value` (an object or a list of them), the members `hits` name.
fn keep_subs(value: Value, hits: &[&AttrPath]) -> Value {
    let subs: Vec<&str> = hits
        .iter()
        .filter_map(|p| {
            if p.urn.is_some() {
                Some(p.attr.as_str())
            } else {
                p.sub.as_deref()
            }
        })
        .collect();
    let keep = |v: Value| match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(k)))
                .collect(),
        ),
        other => other,
    };
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(keep).collect()),
        other => keep(other),
    }
}

fn drop_sub(value: &mut Value, sub: &str) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| drop_sub(v, sub)),
        Value::Object(m) => m.retain(|k, _| !k.eq_ignore_ascii_case(sub)),
        _ => {}
    }
}

/// The list response for one page.
pub fn list_response(total: i64, offset: i64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": offset + 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mandate_core::scim::ENTERPRISE;

    fn doc() -> Value {
        json!({"schemas": ["s"], "id": "1", "userName": "ana",
            "name": {"givenName": "Ana", "familyName": "Silva"},
            "emails": [{"value": "a@x.com", "type": "work"}],
            ENTERPRISE: {"department": "Finance", "employeeNumber": "7"}})
    }

    #[test]
    fn attributes_keeps_what_is_named_and_always_the_id() {
        let out = project(doc(), Some("userName,name.givenName,emails.value"), None).expect("ok");
        assert_eq!(
            out,
            json!({"schemas": ["s"], "id": "1", "userName": "ana",
            "name": {"givenName": "Ana"}, "emails": [{"value": "a@x.com"}]})
        );
        let out = project(doc(), Some(&format!("{ENTERPRISE}:department")), None).expect("ok");
        assert_eq!(out[ENTERPRISE], json!({"department": "Finance"}));
    }

    #[test]
    fn excluded_attributes_drops_what_is_named_but_never_the_id() {
        let out = project(doc(), None, Some("name,id,emails.type")).expect("ok");
        assert!(out.get("name").is_none());
        assert_eq!(out["id"], "1");
        assert_eq!(out["emails"], json!([{"value": "a@x.com"}]));
        let out = project(doc(), None, Some(&format!("{ENTERPRISE}:employeeNumber"))).expect("ok");
        assert_eq!(out[ENTERPRISE], json!({"department": "Finance"}));
    }

    #[test]
    fn paging_is_one_based_and_bounded() {
        let q = |s: Option<&str>, c: Option<&str>| ListQuery {
            start_index: s.map(str::to_string),
            count: c.map(str::to_string),
            ..ListQuery::default()
        };
        assert_eq!(q(None, None).window().expect("ok"), (0, 100));
        assert_eq!(q(Some("0"), Some("-3")).window().expect("ok"), (0, 0));
        assert_eq!(
            q(Some("201"), Some("5000")).window().expect("ok"),
            (200, 1000)
        );
        assert!(q(Some("x"), None).window().is_err());
    }
}
