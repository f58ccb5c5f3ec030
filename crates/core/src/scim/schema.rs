//! The SCIM schemas Mandate publishes, as one table: `/Schemas` is written
//! from it, and every resource a client sends is checked against it (known
//! attributes only, of the right type, required ones present, read-only
//! ones ignored) and brought to the table's spelling of each name. The
//! table is small on purpose: a client may write every attribute in it,
//! and each must round-trip.

use super::error::{ScimError, ScimType};
use super::filter::get;
use super::{ENTERPRISE, GROUP, USER};
use serde_json::{Map, Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Boolean,
    Integer,
    Complex,
    Reference,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Boolean => "boolean",
            Kind::Integer => "integer",
            Kind::Complex => "complex",
            Kind::Reference => "reference",
        }
    }
}

/// One attribute of a schema.
#[derive(Clone, Copy, Debug)]
pub struct Attr {
    pub name: &'static str,
    pub kind: Kind,
    pub multi: bool,
    pub required: bool,
    pub read_only: bool,
    pub case_exact: bool,
    pub unique: bool,
    pub canonical: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub description: &'static str,
    pub sub: &'static [Attr],
}

impl Attr {
    pub(super) const fn new(name: &'static str, kind: Kind, description: &'static str) -> Self {
        Self {
            name,
            kind,
            multi: false,
            required: false,
            read_only: false,
            case_exact: false,
            unique: false,
            canonical: &[],
            reference_types: &[],
            description,
            sub: &[],
        }
    }
    pub(super) const fn string(name: &'static str, description: &'static str) -> Self {
        Self::new(name, Kind::String, description)
    }
    pub(super) const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub(super) const fn multi(mut self) -> Self {
        self.multi = true;
        self
    }
    pub(super) const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }
    pub(super) const fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub(super) const fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical = values;
        self
    }
    pub(super) const fn complex(
        name: &'static str,
        description: &'static str,
        sub: &'static [Attr],
    ) -> Self {
        let mut a = Self::new(name, Kind::Complex, description);
        a.sub = sub;
        a
    }
    pub(super) const fn reference(
        name: &'static str,
        types: &'static [&'static str],
        description: &'static str,
    ) -> Self {
        let mut a = Self::new(name, Kind::Reference, description);
        a.reference_types = types;
        a.case_exact = true;
        a
    }

    /// The attribute's entry in `/Schemas`.
    pub fn to_json(&self) -> Value {
        let mut a = json!({
            "name": self.name,
            "type": self.kind.as_str(),
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": if self.read_only { "readOnly" } else { "readWrite" },
            "returned": "default",
            "uniqueness": if self.unique { "server" } else { "none" },
        });
        if !self.canonical.is_empty() {
            a["canonicalValues"] = json!(self.canonical);
        }
        if !self.reference_types.is_empty() {
            a["referenceTypes"] = json!(self.reference_types);
        }
        if !self.sub.is_empty() {
            a["subAttributes"] = Value::Array(self.sub.iter().map(Attr::to_json).collect());
        }
        a
    }
}

/// `name` among `attrs`, matched without case.
pub fn find<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

pub const USER_ATTRS: &[Attr] = &[
    Attr::string("userName", "Unique identifier of the user, typically the sign-in name.")
        .required()
        .unique(),
    Attr::complex(
        "name",
        "The person's name.",
        &[
            Attr::string("formatted", "The full name, as displayed."),
            Attr::string("givenName", "The given name."),
            Attr::string("familyName", "The family name."),
        ],
    ),
    Attr::string("displayName", "The name as shown in the people register."),
    Attr::complex(
        "emails",
        "Email addresses; the primary one (or else the first) is the person's email in the register.",
        &[
            Attr::string("value", "The email address.").required(),
            Attr::string("type", "The kind of address.").canonical(&["work", "home", "other"]),
            Attr::new("primary", Kind::Boolean, "Whether this is the primary address."),
        ],
    )
    .multi()
    .required(),
    Attr::new("active", Kind::Boolean, "False ends the person's employment (yesterday was their last day); absent or true, they work here."),
];

/// Attributes of RFC 7643's User that Mandate does not keep. Identity
/// providers send some by default (Entra ID: title, preferredLanguage,
/// addresses, phone numbers; Okta: nickName, locale...), so they are
/// ignored, never refused; the schema Mandate publishes does not list them,
/// so a client learns they are not kept. `password` and `roles` among them:
/// a provider neither sets passwords nor grants access roles here.
pub const IGNORED_USER_ATTRS: &[&str] = &[
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "password",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
];

/// Whether `name` is an attribute of `resource` that is ignored.
pub fn ignored(resource_name: &str, name: &str) -> bool {
    resource_name == "User"
        && IGNORED_USER_ATTRS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(name))
}

pub const ENTERPRISE_ATTRS: &[Attr] = &[
    Attr::string("employeeNumber", "The employee number."),
    Attr::string("department", "The department, as in the people register."),
    Attr::complex(
        "manager",
        "The line manager, a user of this organisation.",
        &[
            Attr::string("value", "The manager's id."),
            Attr::reference("$ref", &["User"], "The manager's address."),
            Attr::string("displayName", "The manager's name.").read_only(),
        ],
    ),
];

pub const GROUP_ATTRS: &[Attr] = &[
    Attr::string(
        "displayName",
        "The group's name: the department's name in the people register.",
    )
    .required()
    .unique(),
    Attr::complex(
        "members",
        "The group's members, users of this organisation.",
        &[
            Attr::string("value", "The member's id."),
            Attr::reference("$ref", &["User", "Group"], "The member's address."),
            Attr::string("type", "The member's kind.").canonical(&["User", "Group"]),
            Attr::string("display", "The member's name.").read_only(),
        ],
    )
    .multi(),
];

/// A kind of resource: its core schema and the extension it may carry.
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    pub name: &'static str,
    pub endpoint: &'static str,
    pub schema: &'static str,
    pub schema_name: &'static str,
    pub attrs: &'static [Attr],
    pub extension: Option<(&'static str, &'static [Attr])>,
}

pub const USER_RESOURCE: Resource = Resource {
    name: "User",
    endpoint: "/Users",
    schema: USER,
    schema_name: "User",
    attrs: USER_ATTRS,
    extension: Some((ENTERPRISE, ENTERPRISE_ATTRS)),
};

pub const GROUP_RESOURCE: Resource = Resource {
    name: "Group",
    endpoint: "/Groups",
    schema: GROUP,
    schema_name: "Group",
    attrs: GROUP_ATTRS,
    extension: None,
};

/// The schemas `/Schemas` lists: (id, name, description, attributes).
pub const SCHEMAS: [(&str, &str, &str, &[Attr]); 3] = [
    (
        USER,
        "User",
        "A person of the organisation's people register.",
        USER_ATTRS,
    ),
    (
        ENTERPRISE,
        "EnterpriseUser",
        "The person's department, line manager and employee number.",
        ENTERPRISE_ATTRS,
    ),
    (
        GROUP,
        "Group",
        "A department of the people register: its members are the people in it.",
        GROUP_ATTRS,
    ),
];

/// One schema's document, its location under `base` (`https://host/scim/v2`).
pub fn schema_json(id: &str, name: &str, description: &str, attrs: &[Attr], base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(Attr::to_json).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

fn invalid(scim_type: ScimType, detail: String) -> ScimError {
    ScimError::bad(scim_type, detail)
}

impl Resource {
    /// A resource document as a client sent it (to create or replace),
    /// checked against the schema and written with the schema's names:
    /// `schemas`, `externalId`, the known attributes and the extension.
    /// Read-only attributes (`id`, `meta`, a manager's `displayName`...)
    /// are ignored, as RFC 7643 §7 asks; an unknown one is refused.
    pub fn check(&self, doc: &Value) -> Result<Value, ScimError> {
        let Some(object) = doc.as_object() else {
            return Err(invalid(
                ScimType::InvalidSyntax,
                "the body must be a JSON object".into(),
            ));
        };
        let mut out = Map::new();
        let mut schemas = vec![self.schema];
        let declared: Vec<&str> = match get(doc, "schemas") {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !declared.iter().any(|s| s.eq_ignore_ascii_case(self.schema)) {
            return Err(invalid(
                ScimType::InvalidValue,
                format!("`schemas` must name {}", self.schema),
            ));
        }
        for (key, value) in object {
            if ["schemas", "id", "meta"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
                || value.is_null()
                || ignored(self.name, key)
            {
                continue;
            }
            if key.eq_ignore_ascii_case("externalId") {
                let Value::String(s) = value else {
                    return Err(invalid(
                        ScimType::InvalidValue,
                        "externalId must be a string".into(),
                    ));
                };
                if s.contains('\0') || s.chars().count() > 1_000 {
                    return Err(invalid(
                        ScimType::InvalidValue,
                        "externalId must be at most 1,000 characters, free of NUL characters"
                            .into(),
                    ));
                }
                out.insert("externalId".into(), Value::String(s.clone()));
                continue;
            }
            if let Some((urn, attrs)) = self.extension
                && key.eq_ignore_ascii_case(urn)
            {
                let Some(members) = value.as_object() else {
                    return Err(invalid(
                        ScimType::InvalidValue,
                        format!("{urn} must be an object"),
                    ));
                };
                let mut ext = Map::new();
                for (k, v) in members {
                    check_member(attrs, k, v, &mut ext, urn)?;
                }
                if !ext.is_empty() {
                    out.insert(urn.into(), Value::Object(ext));
                    schemas.push(urn);
                }
                continue;
            }
            check_member(self.attrs, key, value, &mut out, self.name)?;
        }
        for attr in self.attrs.iter().filter(|a| a.required) {
            if !out.contains_key(attr.name) {
                return Err(invalid(
                    ScimType::InvalidValue,
                    format!("{} is required", attr.name),
                ));
            }
        }
        out.insert("schemas".into(), json!(schemas));
        Ok(Value::Object(out))
    }
}

/// Checks one member `key: value` against `attrs` and writes it into `out`
/// under the schema's name, unless it is read-only.
fn check_member(
    attrs: &[Attr],
    key: &str,
    value: &Value,
    out: &mut Map<String, Value>,
    within: &str,
) -> Result<(), ScimError> {
    let Some(attr) = find(attrs, key) else {
        return Err(invalid(
            ScimType::InvalidSyntax,
            format!("{within} has no attribute {key:?}"),
        ));
    };
    if attr.read_only || value.is_null() {
        return Ok(());
    }
    let checked = check_value(attr, value)?;
    if let Some(v) = checked {
        out.insert(attr.name.into(), v);
    }
    Ok(())
}

/// `value` for `attr`, with its sub-attributes named as the schema names
/// them; `None` when nothing is left (an empty list or object).
pub fn check_value(attr: &Attr, value: &Value) -> Result<Option<Value>, ScimError> {
    if !attr.multi {
        return check_single(attr, value);
    }
    let Value::Array(items) = value else {
        return Err(invalid(
            ScimType::InvalidValue,
            format!("{} holds a list", attr.name),
        ));
    };
    let mut checked = Vec::with_capacity(items.len());
    for item in items {
        if let Some(v) = check_single(attr, item)?
            && !checked.contains(&v)
        {
            checked.push(v);
        }
    }
    let primaries = checked
        .iter()
        .filter(|v| get(v, "primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        return Err(invalid(
            ScimType::InvalidValue,
            format!("at most one of {} is primary", attr.name),
        ));
    }
    Ok((!checked.is_empty()).then_some(Value::Array(checked)))
}

fn check_single(attr: &Attr, value: &Value) -> Result<Option<Value>, ScimError> {
    let wrong = |what: &str| {
        invalid(
            ScimType::InvalidValue,
            format!("{} must be {what}", attr.name),
        )
    };
    match (attr.kind, value) {
        (_, Value::Null) => Ok(None),
        (Kind::String | Kind::Reference, Value::String(s)) => {
            if s.chars().count() > 1_000 {
                return Err(wrong("at most 1,000 characters"));
            }
            // PostgreSQL's text cannot hold one, and no name or address has one.
            if s.contains('\0') {
                return Err(wrong("free of NUL characters"));
            }
            Ok(Some(Value::String(s.clone())))
        }
        (Kind::String | Kind::Reference, _) => Err(wrong("a string")),
        (Kind::Boolean, Value::Bool(b)) => Ok(Some(Value::Bool(*b))),
        // Some clients send booleans as text.
        (Kind::Boolean, Value::String(s))
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
        {
            Ok(Some(Value::Bool(s.eq_ignore_ascii_case("true"))))
        }
        (Kind::Boolean, _) => Err(wrong("true or false")),
        (Kind::Integer, Value::Number(n)) if n.is_i64() => Ok(Some(value.clone())),
        (Kind::Integer, _) => Err(wrong("a whole number")),
        (Kind::Complex, Value::Object(members)) => {
            let mut out = Map::new();
            for (k, v) in members {
                check_member(attr.sub, k, v, &mut out, attr.name)?;
            }
            for sub in attr.sub.iter().filter(|s| s.required) {
                if !out.contains_key(sub.name) {
                    return Err(invalid(
                        ScimType::InvalidValue,
                        format!("{}.{} is required", attr.name, sub.name),
                    ));
                }
            }
            Ok((!out.is_empty()).then_some(Value::Object(out)))
        }
        // Entra ID sends a manager as its id alone.
        (Kind::Complex, Value::String(id)) if !attr.multi && find(attr.sub, "value").is_some() => {
            check_single(attr, &json!({ "value": id }))
        }
        (Kind::Complex, _) => Err(wrong("an object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(extra: Value) -> Value {
        let mut doc = json!({
            "schemas": [USER],
            "userName": "ana",
            "emails": [{"value": "ana@example.com", "primary": true}],
        });
        for (k, v) in extra.as_object().expect("object") {
            doc[k] = v.clone();
        }
        doc
    }

    #[test]
    fn a_user_is_written_with_the_schemas_names_and_read_only_parts_dropped() {
        let doc = user(json!({
            "USERNAME": "ana",
            "id": "ignored",
            "meta": {"created": "x"},
            "Name": {"GivenName": "Ana"},
            ENTERPRISE: {"department": "Sales", "manager": {"value": "m1", "displayName": "ignored"}},
        }));
        let checked = USER_RESOURCE.check(&doc).expect("valid");
        assert_eq!(checked["userName"], "ana");
        assert_eq!(checked["name"]["givenName"], "Ana");
        assert!(checked.get("id").is_none() && checked.get("meta").is_none());
        assert_eq!(checked[ENTERPRISE]["manager"], json!({"value": "m1"}));
        assert_eq!(checked["schemas"], json!([USER, ENTERPRISE]));
    }

    #[test]
    fn unknown_attributes_wrong_types_and_missing_ones_are_refused() {
        let cases = [
            (user(json!({"shoeSize": "a"})), ScimType::InvalidSyntax),
            (
                user(json!({"name": {"middleName": "a"}})),
                ScimType::InvalidSyntax,
            ),
            (user(json!({"active": "maybe"})), ScimType::InvalidValue),
            (
                user(json!({"emails": {"value": "a@example.com"}})),
                ScimType::InvalidValue,
            ),
            (
                user(json!({"emails": [{"type": "work"}]})),
                ScimType::InvalidValue,
            ),
            (
                user(
                    json!({"emails": [{"value": "a@x.com", "primary": true}, {"value": "b@x.com", "primary": true}]}),
                ),
                ScimType::InvalidValue,
            ),
            (
                json!({"schemas": [USER], "emails": [{"value": "a@x.com"}]}),
                ScimType::InvalidValue,
            ),
            (
                json!({"userName": "a", "emails": [{"value": "a@x.com"}]}),
                ScimType::InvalidValue,
            ),
            (json!([1, 2]), ScimType::InvalidSyntax),
        ];
        for (doc, expected) in cases {
            let e = USER_RESOURCE.check(&doc).expect_err(&doc.to_string());
            assert_eq!(e.scim_type, Some(expected), "{doc}: {e}");
        }
    }

    #[test]
    fn the_published_schemas_describe_every_attribute_a_client_may_write() {
        let (id, name, description, attrs) = SCHEMAS[0];
        let doc = schema_json(id, name, description, attrs, "https://m.example/scim/v2");
        assert_eq!(
            doc["meta"]["location"],
            format!("https://m.example/scim/v2/Schemas/{USER}")
        );
        let names: Vec<&str> = doc["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .filter_map(|a| a["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["userName", "name", "displayName", "emails", "active"]
        );
        assert_eq!(doc["attributes"][0]["uniqueness"], "server");
        assert_eq!(
            doc["attributes"][3]["subAttributes"][1]["canonicalValues"],
            json!(["work", "home", "other"])
        );
    }
}
