//! PATCH (RFC 7644 §3.5.2) as a pure function: a resource's document and
//! a list of operations in, the new document out, checked as a whole
//! against the schema, or an error and the old document unchanged.
//! Supported paths: `attr`, `attr.sub`, `urn:...:attr[.sub]` and
//! `attr[sub eq value][.sub]`; an operation without a path takes an
//! object of attributes.

use super::error::{ScimError, ScimType};
use super::filter::{AttrPath, Filter, get};
use super::schema::{Attr, Kind, Resource, check_value, find, ignored};
use super::{ENTERPRISE, PATCH_OP};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

/// Where an operation acts.
#[derive(Clone, Debug)]
enum Target {
    /// The resource itself: the value is an object of attributes.
    Whole,
    /// The extension as a whole, named by its URN alone.
    Extension(&'static str),
    /// An attribute of RFC 7643's User that Mandate does not keep: the
    /// operation does nothing (see `schema::IGNORED_USER_ATTRS`).
    Ignored,
    Attr {
        urn: Option<&'static str>,
        attr: &'static Attr,
        sub: Option<&'static Attr>,
    },
    /// The elements of a multi-valued attribute that match a filter.
    Elements {
        urn: Option<&'static str>,
        attr: &'static Attr,
        filter: Filter,
        sub: Option<&'static Attr>,
    },
}

/// One operation of a PATCH request, its path resolved against the schema.
#[derive(Clone, Debug)]
pub struct Operation {
    pub op: Op,
    target: Target,
    value: Option<Value>,
}

/// `externalId`, common to every resource, as if it were an attribute.
const EXTERNAL_ID: Attr = {
    let mut a = super::schema::USER_ATTRS[0];
    a.name = "externalId";
    a.required = false;
    a.unique = false;
    a.case_exact = true;
    a.description = "The client's own id of the resource.";
    a
};

fn bad(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
    ScimError::bad(scim_type, detail)
}

/// The operations of a PATCH request's body.
pub fn parse(resource: &Resource, body: &Value) -> Result<Vec<Operation>, ScimError> {
    let schemas_ok = matches!(get(body, "schemas"), Some(Value::Array(s))
        if s.iter().any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(PATCH_OP))));
    if !schemas_ok {
        return Err(bad(
            ScimType::InvalidValue,
            format!("`schemas` must name {PATCH_OP}"),
        ));
    }
    let Some(Value::Array(items)) = get(body, "Operations") else {
        return Err(bad(ScimType::InvalidSyntax, "`Operations` must be a list"));
    };
    if items.is_empty() {
        return Err(bad(ScimType::InvalidSyntax, "`Operations` is empty"));
    }
    items.iter().map(|item| operation(resource, item)).collect()
}

fn operation(resource: &Resource, item: &Value) -> Result<Operation, ScimError> {
    let op = match get(item, "op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("add") => Op::Add,
        Some("replace") => Op::Replace,
        Some("remove") => Op::Remove,
        _ => {
            return Err(bad(
                ScimType::InvalidSyntax,
                "`op` must be add, replace or remove",
            ));
        }
    };
    let target = match get(item, "path") {
        None | Some(Value::Null) => Target::Whole,
        Some(Value::String(path)) => resolve(resource, path)?,
        Some(_) => return Err(bad(ScimType::InvalidPath, "`path` must be a string")),
    };
    let value = get(item, "value").cloned().filter(|v| !v.is_null());
    match (op, &target, &value) {
        (Op::Remove, Target::Whole, _) => Err(bad(ScimType::NoTarget, "remove needs a path")),
        (Op::Add | Op::Replace, _, None) => {
            Err(bad(ScimType::InvalidValue, "add and replace need a value"))
        }
        (Op::Add | Op::Replace, Target::Whole | Target::Extension(_), Some(v))
            if !v.is_object() =>
        {
            Err(bad(
                ScimType::InvalidValue,
                "without a path, or with an extension's, the value is an object of attributes",
            ))
        }
        _ => Ok(Operation { op, target, value }),
    }
}

/// The attributes a path with this URN (or none) names.
fn attrs_of(resource: &Resource, urn: Option<&'static str>) -> Option<&'static [Attr]> {
    match urn {
        None => Some(resource.attrs),
        Some(urn) => resource
            .extension
            .filter(|(u, _)| *u == urn)
            .map(|(_, a)| a),
    }
}

fn lookup(attrs: &'static [Attr], name: &str) -> Option<&'static Attr> {
    find(attrs, name)
}

fn resolve(resource: &Resource, path: &str) -> Result<Target, ScimError> {
    let invalid = || {
        bad(
            ScimType::InvalidPath,
            format!("not a path of a {}: {path:?}", resource.name),
        )
    };
    if let Some((urn, _)) = resource.extension
        && path.eq_ignore_ascii_case(urn)
    {
        return Ok(Target::Extension(urn));
    }
    if let Some((head, rest)) = path.split_once('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(invalid)?;
        let at = AttrPath::parse(head)
            .filter(|p| p.sub.is_none())
            .ok_or_else(invalid)?;
        let attrs = attrs_of(resource, at.urn).ok_or_else(invalid)?;
        let attr = lookup(attrs, &at.attr)
            .filter(|a| a.multi && a.kind == Kind::Complex)
            .ok_or_else(invalid)?;
        let filter = Filter::parse(inside)?;
        if filter.path.urn.is_some()
            || filter.path.sub.is_some()
            || find(attr.sub, &filter.path.attr).is_none()
        {
            return Err(bad(
                ScimType::InvalidFilter,
                format!("{inside:?} names no sub-attribute of {}", attr.name),
            ));
        }
        let sub = match after {
            "" => None,
            s => Some(
                s.strip_prefix('.')
                    .and_then(|s| find(attr.sub, s))
                    .ok_or_else(invalid)?,
            ),
        };
        writable(attr, sub)?;
        return Ok(Target::Elements {
            urn: at.urn,
            attr,
            filter,
            sub,
        });
    }
    let at = AttrPath::parse(path).ok_or_else(invalid)?;
    if at.urn.is_none() && ignored(resource.name, &at.attr) {
        return Ok(Target::Ignored);
    }
    let attr = if at.urn.is_none() && at.attr.eq_ignore_ascii_case("externalId") {
        &EXTERNAL_ID
    } else {
        lookup(attrs_of(resource, at.urn).ok_or_else(invalid)?, &at.attr).ok_or_else(invalid)?
    };
    let sub = match &at.sub {
        None => None,
        Some(s) => Some(find(attr.sub, s).ok_or_else(invalid)?),
    };
    writable(attr, sub)?;
    Ok(Target::Attr {
        urn: at.urn,
        attr,
        sub,
    })
}

fn writable(attr: &Attr, sub: Option<&Attr>) -> Result<(), ScimError> {
    if attr.read_only || sub.is_some_and(|s| s.read_only) {
        return Err(bad(
            ScimType::Mutability,
            format!("{} is read-only", attr.name),
        ));
    }
    Ok(())
}

/// Applies `ops` to `doc` (a checked document) and checks the result.
pub fn apply(resource: &Resource, doc: &Value, ops: &[Operation]) -> Result<Value, ScimError> {
    let mut doc = doc.as_object().cloned().unwrap_or_default();
    for operation in ops {
        match &operation.target {
            Target::Whole => whole(resource, &mut doc, operation)?,
            Target::Extension(urn) => extension(resource, &mut doc, urn, operation)?,
            Target::Ignored => {}
            Target::Attr { urn, attr, sub } => at_attr(
                &mut doc,
                *urn,
                attr,
                *sub,
                operation.op,
                operation.value.as_ref(),
            )?,
            Target::Elements {
                urn,
                attr,
                filter,
                sub,
            } => at_elements(
                &mut doc,
                *urn,
                attr,
                filter,
                *sub,
                operation.op,
                operation.value.as_ref(),
            )?,
        }
    }
    resource.check(&Value::Object(doc))
}

/// An operation on the extension as a whole: removing it drops it (and
/// succeeds when it is not there); adding or replacing sets the attributes
/// its value names, as a path-less operation would.
fn extension(
    resource: &Resource,
    doc: &mut Map<String, Value>,
    urn: &'static str,
    operation: &Operation,
) -> Result<(), ScimError> {
    if operation.op == Op::Remove {
        doc.retain(|k, _| !k.eq_ignore_ascii_case(urn));
        return Ok(());
    }
    let Some(Value::Object(inner)) = &operation.value else {
        return Ok(());
    };
    let inner: Map<String, Value> = inner
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("schemas"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut wrapped = Map::new();
    wrapped.insert(urn.to_string(), Value::Object(inner));
    let as_whole = Operation {
        op: operation.op,
        target: Target::Whole,
        value: Some(Value::Object(wrapped)),
    };
    whole(resource, doc, &as_whole)
}

fn whole(
    resource: &Resource,
    doc: &mut Map<String, Value>,
    operation: &Operation,
) -> Result<(), ScimError> {
    let Some(Value::Object(members)) = &operation.value else {
        return Ok(());
    };
    for (key, value) in members {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if let Some((urn, attrs)) = resource.extension
            && key.eq_ignore_ascii_case(urn)
        {
            let Value::Object(inner) = value else {
                return Err(bad(
                    ScimType::InvalidValue,
                    format!("{urn} must be an object"),
                ));
            };
            for (k, v) in inner {
                let attr = lookup(attrs, k).ok_or_else(|| {
                    bad(
                        ScimType::InvalidSyntax,
                        format!("{urn} has no attribute {k:?}"),
                    )
                })?;
                writable(attr, None)?;
                at_attr(doc, Some(ENTERPRISE), attr, None, operation.op, Some(v))?;
            }
            continue;
        }
        if ignored(resource.name, key) {
            continue;
        }
        // `urn:...:enterprise:2.0:User:department` as a key of the value, as
        // Entra ID writes a path-less replace.
        if let Some((urn, attrs)) = resource.extension
            && let Some(name) = key
                .get(..urn.len())
                .filter(|head| head.eq_ignore_ascii_case(urn))
                .and_then(|_| key[urn.len()..].strip_prefix(':'))
        {
            let attr = lookup(attrs, name).ok_or_else(|| {
                bad(
                    ScimType::InvalidSyntax,
                    format!("{urn} has no attribute {name:?}"),
                )
            })?;
            writable(attr, None)?;
            at_attr(doc, Some(ENTERPRISE), attr, None, operation.op, Some(value))?;
            continue;
        }
        let attr = if key.eq_ignore_ascii_case("externalId") {
            &EXTERNAL_ID
        } else {
            lookup(resource.attrs, key).ok_or_else(|| {
                bad(
                    ScimType::InvalidSyntax,
                    format!("{} has no attribute {key:?}", resource.name),
                )
            })?
        };
        writable(attr, None)?;
        at_attr(doc, None, attr, None, operation.op, Some(value))?;
    }
    Ok(())
}

/// The object the attributes live in: the document, or its extension's
/// object (made when `create`).
fn container<'a>(
    doc: &'a mut Map<String, Value>,
    urn: Option<&str>,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    match urn {
        None => Some(doc),
        Some(urn) => {
            if create && !doc.contains_key(urn) {
                doc.insert(urn.to_string(), Value::Object(Map::new()));
            }
            doc.get_mut(urn)?.as_object_mut()
        }
    }
}

/// A value for `attr` as the schema names it; a single value for a
/// multi-valued attribute becomes a list of one.
fn canonical(attr: &Attr, value: &Value) -> Result<Option<Value>, ScimError> {
    if attr.multi && !value.is_array() {
        return check_value(attr, &Value::Array(vec![value.clone()]));
    }
    check_value(attr, value)
}

/// Removes from the list `name` the elements `listed` names: by their
/// `value` where the listed one has one, else by equality.
fn drop_listed(holder: &mut Map<String, Value>, name: &str, listed: &[Value]) {
    let Some(Value::Array(items)) = holder.get_mut(name) else {
        return;
    };
    let named = |item: &Value| {
        listed.iter().any(|l| match get(l, "value") {
            Some(v) => get(item, "value") == Some(v),
            None => l == item,
        })
    };
    items.retain(|item| !named(item));
    if items.is_empty() {
        holder.remove(name);
    }
}

fn at_attr(
    doc: &mut Map<String, Value>,
    urn: Option<&'static str>,
    attr: &Attr,
    sub: Option<&Attr>,
    op: Op,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let Some(holder) = container(doc, urn, op != Op::Remove) else {
        return Ok(()); // removing from an extension the resource does not have
    };
    let Some(sub) = sub else {
        if op == Op::Remove {
            match value {
                // Entra ID removes members this way: the path names the
                // list and the value the elements to drop, not the list.
                Some(Value::Array(listed)) if attr.multi => {
                    drop_listed(holder, attr.name, listed);
                }
                Some(one @ Value::Object(_)) if attr.multi => {
                    drop_listed(holder, attr.name, std::slice::from_ref(one));
                }
                Some(Value::String(id)) if attr.multi => {
                    drop_listed(holder, attr.name, &[serde_json::json!({ "value": id })]);
                }
                _ => {
                    holder.remove(attr.name);
                }
            }
            return Ok(());
        }
        let Some(new) = value.map(|v| canonical(attr, v)).transpose()?.flatten() else {
            // Replacing with nothing (`[]` or null) replaces every value with
            // none (RFC 7644 §3.5.2.3): how a provider empties a group.
            if op == Op::Replace {
                holder.remove(attr.name);
            }
            return Ok(());
        };
        match (new, holder.get_mut(attr.name)) {
            (Value::Array(items), Some(Value::Array(existing))) if op == Op::Add => {
                for item in items {
                    if !existing.contains(&item) {
                        existing.push(item);
                    }
                }
            }
            // A complex attribute's sub-attributes are merged, by add and
            // replace alike (RFC 7644 §3.5.2.3).
            (Value::Object(members), Some(Value::Object(existing))) if !attr.multi => {
                existing.extend(members);
            }
            (new, _) => {
                holder.insert(attr.name.to_string(), new);
            }
        }
        return Ok(());
    };
    if attr.multi {
        if op == Op::Remove {
            if let Some(Value::Array(items)) = holder.get_mut(attr.name) {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    item.remove(sub.name);
                }
            }
            return Ok(());
        }
        return Err(bad(
            ScimType::InvalidPath,
            format!(
                "name the element of {} with a filter, as {}[type eq \"work\"].{}",
                attr.name, attr.name, sub.name
            ),
        ));
    }
    let parent = holder
        .entry(attr.name.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(parent) = parent.as_object_mut() else {
        return Err(bad(
            ScimType::InvalidPath,
            format!("{} is not complex", attr.name),
        ));
    };
    match value
        .filter(|_| op != Op::Remove)
        .map(|v| canonical(sub, v))
        .transpose()?
        .flatten()
    {
        Some(v) => {
            parent.insert(sub.name.to_string(), v);
        }
        None => {
            parent.remove(sub.name);
        }
    }
    if parent.is_empty() {
        holder.remove(attr.name);
    }
    Ok(())
}

fn at_elements(
    doc: &mut Map<String, Value>,
    urn: Option<&'static str>,
    attr: &Attr,
    filter: &Filter,
    sub: Option<&Attr>,
    op: Op,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let no_target = || {
        bad(
            ScimType::NoTarget,
            format!("no element of {} matches the filter", attr.name),
        )
    };
    let case_exact = find(attr.sub, &filter.path.attr).is_some_and(|s| s.case_exact);
    let holder = container(doc, urn, false).ok_or_else(no_target)?;
    let Some(Value::Array(items)) = holder.get_mut(attr.name) else {
        return Err(no_target());
    };
    let matching: Vec<usize> = (0..items.len())
        .filter(|i| filter.matches(&items[*i], case_exact))
        .collect();
    if matching.is_empty() {
        return Err(no_target());
    }
    match (op, sub) {
        (Op::Remove, None) => {
            let mut index = 0;
            items.retain(|_| {
                index += 1;
                !matching.contains(&(index - 1))
            });
        }
        (Op::Remove, Some(sub)) => {
            for i in matching {
                if let Some(item) = items[i].as_object_mut() {
                    item.remove(sub.name);
                }
            }
        }
        (_, Some(sub)) => {
            let new = value.map(|v| canonical(sub, v)).transpose()?.flatten();
            for i in matching {
                if let Some(item) = items[i].as_object_mut() {
                    match &new {
                        Some(v) => item.insert(sub.name.to_string(), v.clone()),
                        None => item.remove(sub.name),
                    };
                }
            }
        }
        (_, None) => {
            let Some(Value::Object(members)) = value else {
                return Err(bad(
                    ScimType::InvalidValue,
                    format!("an element of {} is an object", attr.name),
                ));
            };
            for (k, v) in members {
                let sub = find(attr.sub, k).ok_or_else(|| {
                    bad(
                        ScimType::InvalidSyntax,
                        format!("{} has no attribute {k:?}", attr.name),
                    )
                })?;
                let new = canonical(sub, v)?;
                for i in &matching {
                    if let Some(item) = items[*i].as_object_mut() {
                        match &new {
                            Some(v) => item.insert(sub.name.to_string(), v.clone()),
                            None => item.remove(sub.name),
                        };
                    }
                }
            }
        }
    }
    if items.is_empty() {
        holder.remove(attr.name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::USER;
    use crate::scim::schema::USER_RESOURCE;
    use serde_json::json;

    fn ana() -> Value {
        USER_RESOURCE
            .check(&json!({
                "schemas": [USER],
                "userName": "ana",
                "name": {"givenName": "Ana", "familyName": "Silva"},
                "emails": [
                    {"value": "ana@example.com", "type": "work", "primary": true},
                    {"value": "ana@home.example", "type": "home"},
                ],
            }))
            .expect("valid")
    }

    fn patch(doc: &Value, ops: Value) -> Result<Value, ScimError> {
        let body = json!({"schemas": [PATCH_OP], "Operations": ops});
        let ops = parse(&USER_RESOURCE, &body)?;
        apply(&USER_RESOURCE, doc, &ops)
    }

    #[test]
    fn replacing_a_list_with_an_empty_one_empties_it() {
        use crate::scim::GROUP;
        use crate::scim::schema::GROUP_RESOURCE;
        let doc = GROUP_RESOURCE
            .check(&json!({"schemas": [GROUP], "displayName": "F",
                "members": [{"value": "0190b1a4-7e2f-7c3a-8b1d-2f4e5a6b7c8d"}]}))
            .expect("valid");
        let ops = |op: &str| {
            let body = json!({"schemas": [PATCH_OP], "Operations": [
                {"op": op, "path": "members", "value": []}]});
            parse(&GROUP_RESOURCE, &body).expect("parsed")
        };
        let emptied = apply(&GROUP_RESOURCE, &doc, &ops("replace")).expect("ok");
        assert!(emptied.get("members").is_none(), "{emptied}");
        let same = apply(&GROUP_RESOURCE, &doc, &ops("add")).expect("ok");
        assert_eq!(same["members"], doc["members"]);
    }

    #[test]
    fn replace_with_a_path_a_sub_path_a_filter_and_without_a_path() {
        let doc = ana();
        let d = patch(
            &doc,
            json!([{"op": "Replace", "path": "name.givenName", "value": "Anna"}]),
        )
        .expect("ok");
        assert_eq!(
            d["name"],
            json!({"givenName": "Anna", "familyName": "Silva"})
        );
        let d = patch(&doc, json!([{"op": "replace", "path": "emails[type eq \"WORK\"].value", "value": "a@example.com"}]))
            .expect("ok");
        assert_eq!(d["emails"][0]["value"], "a@example.com");
        assert_eq!(d["emails"][1]["value"], "ana@home.example");
        let d = patch(&doc, json!([{"op": "replace", "value": {"displayName": "Ana S", "active": false, ENTERPRISE: {"department": "Sales"}}}]))
            .expect("ok");
        assert_eq!(
            (d["displayName"].as_str(), d["active"].as_bool()),
            (Some("Ana S"), Some(false))
        );
        assert_eq!(d[ENTERPRISE]["department"], "Sales");
        let d = patch(
            &d,
            json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "Ops"}]),
        )
        .expect("ok");
        assert_eq!(d[ENTERPRISE]["department"], "Ops");
    }

    #[test]
    fn the_extension_named_by_its_urn_alone_is_set_and_removed_whole() {
        let d = patch(
            &ana(),
            json!([{"op": "add", "path": ENTERPRISE,
                    "value": {"schemas": [ENTERPRISE], "department": "Ops", "employeeNumber": "7"}}]),
        )
        .expect("ok");
        assert_eq!(
            d[ENTERPRISE],
            json!({"department": "Ops", "employeeNumber": "7"})
        );
        let d = patch(&d, json!([{"op": "remove", "path": ENTERPRISE}])).expect("ok");
        assert!(d.get(ENTERPRISE).is_none());
        let d = patch(
            &d,
            json!([{"op": "remove", "path": format!("{ENTERPRISE}:department")}]),
        )
        .expect("removing what is not there succeeds");
        assert!(d.get(ENTERPRISE).is_none());
        let e = patch(&d, json!([{"op": "add", "path": ENTERPRISE, "value": "x"}]))
            .expect_err("not an object");
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    }

    #[test]
    fn a_manager_given_as_its_id_alone_is_read_as_the_value() {
        let d = patch(
            &ana(),
            json!([{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "m-1"}]),
        )
        .expect("ok");
        assert_eq!(d[ENTERPRISE]["manager"], json!({"value": "m-1"}));
        let e = patch(
            &ana(),
            json!([{"op": "replace", "path": "displayName", "value": "a\u{0}b"}]),
        )
        .expect_err("NUL");
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    }

    #[test]
    fn what_providers_send_by_default_and_mandate_does_not_keep_is_ignored() {
        let d = patch(
            &ana(),
            json!([
                {"op": "replace", "path": "title", "value": "CFO"},
                {"op": "add", "value": {"preferredLanguage": "pt", "phoneNumbers": [{"value": "1"}],
                    format!("{ENTERPRISE}:department"): "Sales"}},
            ]),
        )
        .expect("ok");
        assert!(
            d.get("title").is_none() && d.get("preferredLanguage").is_none(),
            "{d}"
        );
        assert_eq!(d[ENTERPRISE]["department"], "Sales");
        let checked = USER_RESOURCE
            .check(
                &json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x.com"}],
                "groups": [], "password": "x", "locale": "pt-PT"}),
            )
            .expect("ignored, not refused");
        assert!(checked.get("password").is_none());
        let e = USER_RESOURCE
            .check(&json!({"schemas": [USER], "userName": "a", "emails": [{"value": "a@x.com"}], "externalId": "a\u{0}"}))
            .expect_err("NUL");
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    }

    #[test]
    fn remove_with_one_element_as_an_object_or_an_id_drops_only_it() {
        for value in [
            json!({"value": "ana@home.example"}),
            json!("ana@home.example"),
        ] {
            let d = patch(
                &ana(),
                json!([{"op": "remove", "path": "emails", "value": value}]),
            )
            .expect("ok");
            assert_eq!(d["emails"].as_array().map(Vec::len), Some(1), "{d}");
        }
    }

    #[test]
    fn remove_with_a_value_drops_only_the_elements_it_lists() {
        let d = patch(
            &ana(),
            json!([{"op": "Remove", "path": "emails", "value": [{"value": "ana@home.example"}]}]),
        )
        .expect("ok");
        assert_eq!(d["emails"].as_array().map(Vec::len), Some(1), "{d}");
        assert_eq!(d["emails"][0]["value"], "ana@example.com");
    }

    #[test]
    fn add_appends_to_lists_and_remove_makes_an_attribute_absent() {
        let doc = ana();
        let d = patch(&doc, json!([{"op": "add", "path": "emails", "value": [{"value": "x@example.com", "type": "other"}]}])).expect("ok");
        assert_eq!(d["emails"].as_array().map(Vec::len), Some(3));
        let d = patch(
            &d,
            json!([{"op": "remove", "path": "emails[type eq \"other\"]"}]),
        )
        .expect("ok");
        assert_eq!(d["emails"].as_array().map(Vec::len), Some(2));
        let d = patch(&d, json!([{"op": "add", "path": "active", "value": true}, {"op": "remove", "path": "active"}])).expect("ok");
        assert!(d.get("active").is_none());
        let d = patch(&d, json!([{"op": "remove", "path": "name.familyName"}, {"op": "remove", "path": "name.givenName"}])).expect("ok");
        assert!(
            d.get("name").is_none(),
            "an emptied complex attribute is absent: {d}"
        );
        let d = patch(
            &d,
            json!([{"op": "add", "path": "externalId", "value": "e-1"}]),
        )
        .expect("ok");
        assert_eq!(d["externalId"], "e-1");
    }

    #[test]
    fn bad_operations_are_refused_with_the_right_type_and_change_nothing() {
        let doc = ana();
        let cases = [
            (json!([{"op": "remove"}]), ScimType::NoTarget),
            (
                json!([{"op": "move", "path": "active"}]),
                ScimType::InvalidSyntax,
            ),
            (
                json!([{"op": "add", "path": "shoeSize", "value": "a"}]),
                ScimType::InvalidPath,
            ),
            (
                json!([{"op": "add", "path": "emails.value", "value": "a@x.com"}]),
                ScimType::InvalidPath,
            ),
            (
                json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "a@x.com"}]),
                ScimType::NoTarget,
            ),
            (
                json!([{"op": "replace", "path": "emails[type co \"w\"].value", "value": "a"}]),
                ScimType::InvalidFilter,
            ),
            (
                json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager.displayName"), "value": "a"}]),
                ScimType::Mutability,
            ),
            (
                json!([{"op": "remove", "path": "userName"}]),
                ScimType::InvalidValue,
            ),
            (
                json!([{"op": "replace", "path": "active", "value": "perhaps"}]),
                ScimType::InvalidValue,
            ),
            (
                json!([{"op": "add", "value": {"shoeSize": "a"}}]),
                ScimType::InvalidSyntax,
            ),
            (json!([]), ScimType::InvalidSyntax),
        ];
        for (ops, expected) in cases {
            let e = patch(&doc, ops.clone()).expect_err(&ops.to_string());
            assert_eq!(e.scim_type, Some(expected), "{ops}: {e}");
        }
        let e = apply(&USER_RESOURCE, &doc, &[]).map(|d| d == doc);
        assert_eq!(e, Ok(true), "no operation, no change");
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        const PATHS: &[&str] = &[
            "",
            "userName",
            "displayName",
            "active",
            "name",
            "name.givenName",
            "emails",
            "emails[type eq \"work\"]",
            "emails[type eq \"home\"].value",
            "emails[primary eq true].type",
            "externalId",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            "emails.value",
            "nickName",
            "name[x eq 1]",
            "emails[",
            "]",
        ];

        fn value() -> impl Strategy<Value = Value> {
            prop_oneof![
                "[a-z@.]{0,12}".prop_map(Value::String),
                any::<bool>().prop_map(Value::Bool),
                Just(Value::Null),
                Just(json!({"givenName": "G", "familyName": "F"})),
                Just(json!([{"value": "p@example.com", "type": "work"}])),
                Just(json!({"value": "q@example.com", "type": "home", "primary": false})),
                Just(json!({"displayName": "D", "active": true})),
                Just(json!(7)),
            ]
        }

        fn operation() -> impl Strategy<Value = Value> {
            (
                prop_oneof![Just("add"), Just("replace"), Just("remove"), Just("copy")],
                0..PATHS.len(),
                value(),
            )
                .prop_map(|(op, p, v)| {
                    let mut o = json!({"op": op, "value": v});
                    if !PATHS[p].is_empty() {
                        o["path"] = json!(PATHS[p]);
                    }
                    o
                })
        }

        proptest! {
            /// Whatever the operations, PATCH never panics, and what it
            /// answers is a document the schema accepts as it stands.
            #[test]
            fn patched_documents_are_always_valid(ops in proptest::collection::vec(operation(), 1..6)) {
                if let Ok(d) = patch(&ana(), json!(ops)) {
                    let again = USER_RESOURCE.check(&d);
                    prop_assert_eq!(again, Ok(d));
                }
            }

            #[test]
            fn any_filter_text_parses_or_is_refused_as_invalid(text in "\\PC{0,40}") {
                if let Err(e) = Filter::parse(&text) {
                    prop_assert_eq!(e.scim_type, Some(ScimType::InvalidFilter));
                }
            }
        }
    }
}
