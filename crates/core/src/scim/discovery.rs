//! What a provisioning client reads first to learn the service (RFC 7644
//! §4): the service provider's configuration, the resource types, and the
//! schemas, those of the resources and those of the discovery documents
//! themselves, all from the one schema table.

use super::schema::{Attr, GROUP_RESOURCE, Kind, Resource, SCHEMAS, USER_RESOURCE, schema_json};
use serde_json::{Value, json};

const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SERVICE_PROVIDER_CONFIG: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// The most resources a list returns in one page.
pub const MAX_RESULTS: i64 = 1000;

const fn ro(a: Attr) -> Attr {
    a.read_only()
}

const fn flag(name: &'static str, description: &'static str) -> Attr {
    ro(Attr::new(name, Kind::Boolean, description).required())
}

const SUPPORTED: &[Attr] = &[flag("supported", "Whether it is supported.")];

const fn supported(name: &'static str, description: &'static str) -> Attr {
    ro(Attr::complex(name, description, SUPPORTED).required())
}

const SERVICE_PROVIDER_ATTRS: &[Attr] = &[
    ro(Attr::reference(
        "documentationUri",
        &["external"],
        "Where the service is documented.",
    )),
    supported("patch", "PATCH."),
    ro(Attr::complex(
        "bulk",
        "Bulk operations.",
        &[
            flag("supported", "Whether it is supported."),
            ro(Attr::new(
                "maxOperations",
                Kind::Integer,
                "The most operations in one request.",
            )),
            ro(Attr::new(
                "maxPayloadSize",
                Kind::Integer,
                "The largest request, in bytes.",
            )),
        ],
    )
    .required()),
    ro(Attr::complex(
        "filter",
        "Filters.",
        &[
            flag("supported", "Whether it is supported."),
            ro(Attr::new(
                "maxResults",
                Kind::Integer,
                "The most resources one answer holds.",
            )),
        ],
    )
    .required()),
    supported("changePassword", "Changing passwords."),
    supported("sort", "Sorting."),
    supported("etag", "ETags."),
    ro(Attr::complex(
        "authenticationSchemes",
        "How clients authenticate.",
        &[
            ro(Attr::string("type", "The scheme's kind.").required()),
            ro(Attr::string("name", "The scheme's name.").required()),
            ro(Attr::string("description", "The scheme, described.").required()),
            ro(Attr::reference(
                "specUri",
                &["external"],
                "The scheme's specification.",
            )),
            ro(Attr::reference(
                "documentationUri",
                &["external"],
                "The scheme's documentation.",
            )),
            ro(Attr::new(
                "primary",
                Kind::Boolean,
                "Whether this is the preferred scheme.",
            )),
        ],
    )
    .multi()
    .required()),
];

const RESOURCE_TYPE_ATTRS: &[Attr] = &[
    ro(Attr::string("id", "The resource type's id.")),
    ro(Attr::string("name", "The resource type's name.").required()),
    ro(Attr::string("description", "The resource type, described.")),
    ro(Attr::reference("endpoint", &["uri"], "Where its resources live.").required()),
    ro(Attr::reference("schema", &["uri"], "Its core schema.").required()),
    ro(Attr::complex(
        "schemaExtensions",
        "The extensions its resources may carry.",
        &[
            ro(Attr::reference("schema", &["uri"], "The extension's schema.").required()),
            flag("required", "Whether every resource carries it."),
        ],
    )
    .multi()),
];

/// The attributes of an attribute definition, to the depth Mandate's
/// schemas go (sub-attributes have no sub-attributes of their own).
const ATTRIBUTE_ATTRS: &[Attr] = &[
    ro(Attr::string("name", "The attribute's name.").required()),
    ro(Attr::string("type", "The attribute's type.").required()),
    flag("multiValued", "Whether it holds a list."),
    ro(Attr::string("description", "The attribute, described.")),
    flag("required", "Whether a resource must carry it."),
    ro(Attr::string("canonicalValues", "The values it usually takes.").multi()),
    flag("caseExact", "Whether case matters when comparing."),
    ro(Attr::string("mutability", "Who may change it.").required()),
    ro(Attr::string("returned", "When it is returned.").required()),
    ro(Attr::string("uniqueness", "Where it is unique.").required()),
    ro(Attr::string("referenceTypes", "What a reference may point to.").multi()),
];

const fn with_subs(mut a: Attr) -> Attr {
    a.sub = ATTRIBUTE_ATTRS;
    a
}

const SCHEMA_ATTRS: &[Attr] = &[
    ro(Attr::reference("id", &["uri"], "The schema's URI.").required()),
    ro(Attr::string("name", "The schema's name.")),
    ro(Attr::string("description", "The schema, described.")),
    ro(
        with_subs(Attr::complex("attributes", "The schema's attributes.", &[]))
            .multi()
            .required(),
    ),
];

/// Every schema `/Schemas` lists: the resources' and the discovery documents'.
fn all_schemas() -> Vec<(&'static str, &'static str, &'static str, &'static [Attr])> {
    let mut all = SCHEMAS.to_vec();
    all.push((
        SERVICE_PROVIDER_CONFIG,
        "Service Provider Configuration",
        "What this SCIM service supports.",
        SERVICE_PROVIDER_ATTRS,
    ));
    all.push((
        RESOURCE_TYPE,
        "ResourceType",
        "A kind of resource this service offers.",
        RESOURCE_TYPE_ATTRS,
    ));
    all.push((SCHEMA, "Schema", "A schema of this service.", SCHEMA_ATTRS));
    all
}

/// `/ServiceProviderConfig`.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://github.com/mandate-isms/mandate#scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "SCIM token",
            "description": "A SCIM token of the organisation, made by an admin, sent as `Authorization: Bearer <token>`.",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

fn resource_type_json(r: &Resource, base: &str) -> Value {
    let mut doc = json!({
        "schemas": [RESOURCE_TYPE],
        "id": r.name,
        "name": r.name,
        "endpoint": r.endpoint,
        "description": format!("{}s of the organisation", r.name),
        "schema": r.schema,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", r.name)},
    });
    if let Some((urn, _)) = r.extension {
        doc["schemaExtensions"] = json!([{"schema": urn, "required": false}]);
    }
    doc
}

/// The resource types: `/ResourceTypes` lists them, `/ResourceTypes/{id}` gives one.
pub fn resource_types(base: &str) -> Vec<Value> {
    [USER_RESOURCE, GROUP_RESOURCE]
        .iter()
        .map(|r| resource_type_json(r, base))
        .collect()
}

/// The resource type named `id`.
pub fn resource_type(id: &str, base: &str) -> Option<Value> {
    [USER_RESOURCE, GROUP_RESOURCE]
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(id))
        .map(|r| resource_type_json(r, base))
}

/// Every schema's document.
pub fn schemas(base: &str) -> Vec<Value> {
    all_schemas()
        .into_iter()
        .map(|(id, name, description, attrs)| schema_json(id, name, description, attrs, base))
        .collect()
}

/// The schema whose URI is `id`.
pub fn schema(id: &str, base: &str) -> Option<Value> {
    all_schemas()
        .into_iter()
        .find(|(urn, ..)| urn.eq_ignore_ascii_case(id))
        .map(|(id, name, description, attrs)| schema_json(id, name, description, attrs, base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::{ENTERPRISE, USER};

    #[test]
    fn every_schema_is_listed_and_found_by_its_uri() {
        let all = schemas("https://x/scim/v2");
        assert_eq!(all.len(), 6);
        for urn in [
            USER,
            ENTERPRISE,
            SCHEMA,
            RESOURCE_TYPE,
            SERVICE_PROVIDER_CONFIG,
        ] {
            let one = schema(urn, "b").expect(urn);
            assert_eq!(one["id"], urn);
            assert!(one["attributes"].as_array().is_some_and(|a| !a.is_empty()));
        }
        assert!(schema("urn:nope", "b").is_none());
    }

    #[test]
    fn the_user_type_offers_the_enterprise_extension() {
        let user = resource_type("user", "https://x/scim/v2").expect("User");
        assert_eq!(user["endpoint"], "/Users");
        assert_eq!(user["schemaExtensions"][0]["schema"], ENTERPRISE);
        assert_eq!(
            user["meta"]["location"],
            "https://x/scim/v2/ResourceTypes/User"
        );
        assert!(
            resource_type("Group", "b")
                .expect("Group")
                .get("schemaExtensions")
                .is_none()
        );
    }
}
