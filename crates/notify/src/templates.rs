//! Mail templates: safe defaults, which an organisation may replace with
//! its own (MiniJinja, rendered as plain text). A template is checked by
//! rendering it with a sample digest before it is kept, so a typo never
//! stops the day's mail.

use mandate_core::notify::{DigestItem, Section};
use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;

/// The templates there are, with what each is for.
pub const TEMPLATES: &[(&str, &str)] = &[(
    "digest",
    "The daily message: what is new, reminders, what is overdue, and a manager's team",
)];

pub const DEFAULT_DIGEST_SUBJECT: &str =
    "{{ organisation }}: {{ count }} {{ 'thing' if count == 1 else 'things' }} for you in Mandate";

pub const DEFAULT_DIGEST_BODY: &str = "Hello {{ name }},
{% for section in sections %}
{{ section.title }}:
{% for item in section.items %}- {{ item.title }}{% if item.who %} ({{ item.who }}){% endif %}{% if item.due_on %}, due {{ item.due_on }}{% endif %}
  {{ item.url }}
{% endfor %}{% endfor %}
Everything waiting for you is under My tasks: {{ tasks_url }}

You get at most one message a day from Mandate, {{ organisation }}'s information security management system.
";

#[derive(Serialize)]
struct Item {
    title: String,
    who: Option<String>,
    due_on: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct SectionOut {
    title: &'static str,
    items: Vec<Item>,
}

/// What a digest template is given.
pub struct DigestContext<'a> {
    pub organisation: &'a str,
    pub name: &'a str,
    pub base_url: &'a str,
    pub items: &'a [DigestItem],
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(String);

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Plain text mail: nothing to escape, and undefined names are errors,
    // not blanks, so a typo is found when the template is saved.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

/// Renders `subject` and `body` for one digest.
pub fn render_digest(
    subject: &str,
    body: &str,
    c: &DigestContext<'_>,
) -> Result<(String, String), TemplateError> {
    let base = c.base_url.trim_end_matches('/');
    let mut sections: Vec<SectionOut> = Vec::new();
    for section in Section::ALL {
        let items: Vec<Item> = c
            .items
            .iter()
            .filter(|i| i.section == *section)
            .map(|i| Item {
                title: i.task.title.clone(),
                who: i.who.clone(),
                due_on: i.task.due_on.map(|d| d.to_string()),
                url: format!("{base}{}", i.task.link),
            })
            .collect();
        if !items.is_empty() {
            sections.push(SectionOut {
                title: section.label(),
                items,
            });
        }
    }
    let ctx = context! {
        organisation => c.organisation,
        name => c.name,
        count => c.items.len(),
        sections => minijinja::Value::from(minijinja::value::Serde(&sections)),
        tasks_url => format!("{base}/tasks"),
    };
    let env = environment();
    let render = |what: &str, source: &str| {
        env.render_str(source, &ctx)
            .map_err(|e| TemplateError(format!("{what}: {e}")))
    };
    let subject = render("subject", subject)?;
    // A subject is one line.
    let subject = subject
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    Ok((subject, render("body", body)?))
}

/// Checks a template by rendering it with a sample digest.
pub fn check_digest(subject: &str, body: &str) -> Result<(String, String), TemplateError> {
    use mandate_core::tasks::{Task, TaskKind};
    let day = time::macros::date!(2026 - 03 - 31);
    let sample = vec![DigestItem {
        section: Section::New,
        task: Task {
            kind: TaskKind::Acknowledge,
            title: "Acceptable use policy v3".into(),
            detail: String::new(),
            link: "/tasks".into(),
            since: day,
            arose_at: mandate_core::tasks::start_of(day),
            due_on: Some(day),
        },
        who: None,
    }];
    if subject.trim().is_empty() || body.trim().is_empty() {
        return Err(TemplateError(
            "a template needs a subject and a body".into(),
        ));
    }
    render_digest(
        subject,
        body,
        &DigestContext {
            organisation: "Example Ltd",
            name: "Ada Lovelace",
            base_url: "https://mandate.example",
            items: &sample,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_digest_renders_its_sections_with_links() {
        let (subject, body) =
            check_digest(DEFAULT_DIGEST_SUBJECT, DEFAULT_DIGEST_BODY).expect("renders");
        assert_eq!(subject, "Example Ltd: 1 thing for you in Mandate");
        assert!(body.starts_with("Hello Ada Lovelace,"), "{body}");
        assert!(body.contains("New for you:\n- Acceptable use policy v3, due 2026-03-31\n  https://mandate.example/tasks"), "{body}");
    }

    #[test]
    fn a_broken_or_misspelt_template_is_refused_before_it_is_kept() {
        assert!(check_digest("{{ count", DEFAULT_DIGEST_BODY).is_err());
        let typo = check_digest("Hi {{ nmae }}", DEFAULT_DIGEST_BODY).expect_err("undefined");
        assert!(typo.to_string().starts_with("subject"), "{typo}");
        assert!(check_digest(" ", "body").is_err());
    }
}
