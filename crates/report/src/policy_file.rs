//! Policy-as-code: a policy as one Markdown file whose YAML front matter
//! carries the policy's fields. Written by `mandate export policies`, read by
//! `mandate import policies`; the body after the front matter is kept byte
//! for byte, so an export imported again changes nothing.

use mandate_core::PolicyId;
use mandate_core::policy::{
    ApprovalRule, Audience, DEFAULT_REVIEW_MONTHS, PolicyFields, PolicyKind, VersionState,
};
use serde::{Deserialize, Serialize};

/// The front matter of a policy file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Absent in a file written by hand for a new policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PolicyId>,
    pub title: String,
    pub kind: PolicyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<PolicyId>,
    pub owner_role: String,
    #[serde(default = "default_interval")]
    pub review_interval_months: u32,
    pub audience: Audience,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub approval: ApprovalRule,
    /// The version the body is, and its state, when exported. Informational:
    /// an import decides from the body whether a new draft is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<VersionState>,
    /// The exported version's revision: an import refuses a file whose
    /// version has changed in Mandate since, rather than undo that change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

fn default_interval() -> u32 {
    DEFAULT_REVIEW_MONTHS
}

impl FrontMatter {
    /// The version and revision the file was exported from, if both are given.
    pub fn exported_from(&self) -> Option<(i32, i64)> {
        self.version.zip(self.revision)
    }

    pub fn fields(&self) -> PolicyFields {
        PolicyFields {
            title: self.title.clone(),
            kind: self.kind,
            parent_id: self.parent,
            owner_role: self.owner_role.clone(),
            review_interval_months: self.review_interval_months,
            audience: self.audience.clone(),
            public: self.public,
            approval_rule: self.approval.clone(),
        }
    }
}

/// The text of a policy file.
pub fn write(front: &FrontMatter, body: &str) -> Result<String, String> {
    let yaml = serde_yaml_ng::to_string(front).map_err(|e| e.to_string())?;
    Ok(format!("---\n{yaml}---\n{body}"))
}

/// Reads a policy file; the error names the file (`source`) and, where it
/// can, the field and line.
pub fn read(source: &str, text: &str) -> Result<(FrontMatter, String), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(|| format!("{source}: the file must start with front matter (a line `---`)"))?;
    let (yaml, body) = split_front_matter(rest)
        .ok_or_else(|| format!("{source}: the front matter has no closing `---` line"))?;
    let front: FrontMatter = serde_yaml_ng::from_str(yaml).map_err(|e| {
        // Lines count from the file's first line, which is the opening `---`.
        let at = e
            .location()
            .map(|l| format!(" (line {})", l.line() + 1))
            .unwrap_or_default();
        format!(
            "{source}: front matter: {}{at}",
            strip_location(&e.to_string())
        )
    })?;
    if front.title.trim().is_empty() {
        return Err(format!("{source}: front matter: title: required"));
    }
    Ok((front, body.to_string()))
}

/// Splits at the first line that is exactly `---`.
fn split_front_matter(rest: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// serde_yaml_ng appends " at line L column C"; the caller reports the line itself.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A file name for a policy: its title in lower case, words joined by dashes.
pub fn file_name(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            name.extend(c.to_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "policy.md".into()
    } else {
        format!("{name}.md")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front() -> FrontMatter {
        FrontMatter {
            id: Some(PolicyId::new()),
            title: "Access control".into(),
            kind: PolicyKind::Topic,
            parent: Some(PolicyId::new()),
            owner_role: "CISO".into(),
            review_interval_months: 12,
            audience: Audience {
                departments: vec!["IT".into()],
                ..Audience::default()
            },
            public: true,
            approval: ApprovalRule::AnyOf { count: 2 },
            version: Some(3),
            state: Some(VersionState::Published),
            revision: Some(7),
        }
    }

    #[test]
    fn a_file_round_trips_byte_for_byte() {
        let body = "# Access control\n\n---\n\nA rule line.\r\nNo newline at the end";
        let original = front();
        let text = write(&original, body).expect("written");
        let (read_back, read_body) = read("a.md", &text).expect("read");
        assert_eq!(read_back, original);
        assert_eq!(read_body, body);
        assert_eq!(write(&read_back, &read_body).expect("again"), text);
    }

    #[test]
    fn bad_front_matter_names_the_file_and_the_field() {
        let text = write(&front(), "x").expect("written");
        let bad = text.replace("kind: topic", "kind: sideways");
        let e = read("p/access.md", &bad).expect_err("refused");
        assert!(e.starts_with("p/access.md: front matter: kind"), "{e}");
        let unknown = text.replace("public: true", "public: true\nowner: me");
        let e = read("access.md", &unknown).expect_err("refused");
        assert!(
            e.contains("unknown field `owner`") && e.contains("line"),
            "{e}"
        );
        let missing = text.replace("title: Access control\n", "");
        assert!(
            read("a.md", &missing)
                .expect_err("refused")
                .contains("missing field `title`")
        );
        assert!(
            read("a.md", "# no front matter")
                .expect_err("refused")
                .contains("must start")
        );
        assert!(
            read("a.md", "---\ntitle: x\n")
                .expect_err("refused")
                .contains("closing")
        );
    }

    #[test]
    fn file_names_come_from_titles() {
        assert_eq!(
            file_name("Information Security Policy"),
            "information-security-policy.md"
        );
        assert_eq!(
            file_name("Bring-your-own device (BYOD)!"),
            "bring-your-own-device-byod.md"
        );
        assert_eq!(file_name("???"), "policy.md");
    }
}
