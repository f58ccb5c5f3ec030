//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant
//! whitespace, serde_json's shortest number form. The same value always gives
//! the same bytes, whatever map type or feature flags produced it, so hashes
//! over before/after images are reproducible anywhere.

use serde_json::Value;

pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // Null, booleans and numbers have exactly one serde_json rendering.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&Value::String(s.to_string()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let v = json!({"b": 1, "a": {"z": [true, null], "y": "x\"y"}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":"x\"y","z":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        let v = json!({"name": "Zoë", "n": 1.5, "list": [3, 2, 1]});
        let once = canonical_json(&v);
        let again: Value = serde_json::from_str(&once).expect("valid json");
        assert_eq!(canonical_json(&again), once);
    }
}
