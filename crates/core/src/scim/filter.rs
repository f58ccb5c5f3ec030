//! Attribute paths and the filters Mandate answers: `attr eq value`, the
//! one form provisioning clients send to find a user or group before
//! creating it (`userName eq "ana@example.com"`). Attribute names and the
//! operator are matched without case (RFC 7644 §3.4.2.2); anything else is
//! refused with `invalidFilter`, never guessed at.

use super::error::{ScimError, ScimType};
use super::{ENTERPRISE, GROUP, USER};
use serde_json::Value;

/// An attribute path: a schema (for an extension's attributes), an
/// attribute and maybe a sub-attribute, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN the path named, canonical; `None` for the core schema.
    pub urn: Option<&'static str>,
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    pub fn parse(text: &str) -> Option<Self> {
        let (urn, rest) = split_urn(text)?;
        let (attr, sub) = match rest.split_once('.') {
            Some((a, s)) => (a, Some(s)),
            None => (rest, None),
        };
        if !is_name(attr) || sub.is_some_and(|s| !is_name(s)) {
            return None;
        }
        Some(Self {
            urn,
            attr: attr.to_string(),
            sub: sub.map(str::to_string),
        })
    }
}

/// `urn:...:User:department` as (the extension's URN, `department`); a
/// path without a URN, or with the core schema's, as (None, path).
fn split_urn(text: &str) -> Option<(Option<&'static str>, &str)> {
    if !text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
    {
        return Some((None, text));
    }
    for urn in [ENTERPRISE, USER, GROUP] {
        let Some(prefix) = text.get(..urn.len()) else {
            continue;
        };
        if prefix.eq_ignore_ascii_case(urn) {
            let rest = text[urn.len()..].strip_prefix(':')?;
            let schema = (urn == ENTERPRISE).then_some(ENTERPRISE);
            return Some((schema, rest));
        }
    }
    None
}

/// ATTRNAME of RFC 7643 §2.1, and `$ref`.
fn is_name(name: &str) -> bool {
    if name == "$ref" {
        return true;
    }
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `path eq value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub path: AttrPath,
    pub value: Value,
}

const OPERATORS: [&str; 10] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr"];

impl Filter {
    pub fn parse(text: &str) -> Result<Self, ScimError> {
        let invalid =
            |why: &str| ScimError::bad(ScimType::InvalidFilter, format!("{why}: {text:?}"));
        let text = text.trim();
        let (path, rest) = text
            .split_once(char::is_whitespace)
            .ok_or_else(|| invalid("a filter is `attribute eq value`"))?;
        let rest = rest.trim_start();
        let (op, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if !op.eq_ignore_ascii_case("eq") {
            return Err(if OPERATORS.iter().any(|o| op.eq_ignore_ascii_case(o)) {
                invalid("only the eq operator is supported")
            } else {
                invalid("a filter is `attribute eq value`")
            });
        }
        let path = AttrPath::parse(path).ok_or_else(|| invalid("not an attribute path"))?;
        // One JSON literal, nothing after it: `and`, `or` and brackets are
        // not supported and end up here.
        let value: Value = serde_json::from_str(value.trim())
            .map_err(|_| invalid("only one `attribute eq value` is supported, the value a quoted string, true, false, null or a number"))?;
        if value.as_str().is_some_and(|v| v.contains('\0')) {
            return Err(invalid("the value must be free of NUL characters"));
        }
        if value.is_array() || value.is_object() {
            return Err(invalid(
                "the value must be a string, true, false, null or a number",
            ));
        }
        Ok(Self { path, value })
    }

    /// Whether `doc` (a resource, or one element of a multi-valued
    /// attribute when the filter is inside brackets) has the value.
    /// Strings compare without case unless `case_exact` says otherwise.
    pub fn matches(&self, doc: &Value, case_exact: bool) -> bool {
        let holder = match self.path.urn {
            Some(urn) => get(doc, urn),
            None => Some(doc),
        };
        let Some(value) = holder.and_then(|h| get(h, &self.path.attr)) else {
            return self.value.is_null();
        };
        let candidates: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        candidates.into_iter().any(|v| {
            let v = match &self.path.sub {
                Some(sub) => match get(v, sub) {
                    Some(v) => v,
                    None => return self.value.is_null(),
                },
                None => v,
            };
            equal(v, &self.value, case_exact)
        })
    }
}

/// The member `name` of an object, the name matched without case.
pub fn get<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    doc.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn equal(a: &Value, b: &Value, case_exact: bool) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) if !case_exact => a.to_lowercase() == b.to_lowercase(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attribute_names_and_the_operator_are_matched_without_case() {
        let f = Filter::parse(r#"USERNAME EQ "Ana@Example.com""#).expect("parses");
        assert_eq!(f.path.attr, "USERNAME");
        assert!(f.matches(&json!({"userName": "ana@example.com"}), false));
        assert!(!f.matches(&json!({"userName": "ana@example.com"}), true));
        assert!(!f.matches(&json!({"userName": "ben@example.com"}), false));
    }

    #[test]
    fn a_multi_valued_attribute_matches_on_any_element() {
        let f = Filter::parse(r#"emails.value eq "b@example.com""#).expect("parses");
        let doc = json!({"emails": [{"value": "a@example.com"}, {"value": "B@example.com"}]});
        assert!(f.matches(&doc, false));
        let f = Filter::parse(&format!("{ENTERPRISE}:department eq \"Sales\"")).expect("parses");
        assert_eq!(f.path.urn, Some(ENTERPRISE));
        assert!(f.matches(&json!({ENTERPRISE: {"department": "sales"}}), false));
        let f = Filter::parse("primary eq true").expect("parses");
        assert!(f.matches(&json!({"primary": true}), false));
    }

    #[test]
    fn everything_but_one_equality_is_refused_as_an_invalid_filter() {
        for bad in [
            r#"userName co "ana""#,
            r#"userName eq "a" and active eq true"#,
            r#"(userName eq "a")"#,
            "userName pr",
            r#"userName eq ana"#,
            r#"userName eq ["a"]"#,
            "",
            r#"user name eq "a""#,
            r#"9lives eq "a""#,
            r#"urn:example:other:attr eq "a""#,
        ] {
            let e = Filter::parse(bad).expect_err(bad);
            assert_eq!(
                (e.status, e.scim_type),
                (400, Some(ScimType::InvalidFilter)),
                "{bad}"
            );
        }
    }
}
