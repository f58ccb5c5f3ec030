//! Mail templates: safe defaults, which an organisation may replace with
//! its own (MiniJinja, rendered as plain text). A template is checked by
//! rendering it with a sample digest before it is kept, so a typo never
//! stops the day's mail; every render keeps to the budget of
//! [`crate::template_budget`], so no template can stall the server.

use mandate_core::notify::{DigestItem, Section};
use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;

use crate::template_budget::{self as budget, CappedOutput};

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
    env.set_fuel(Some(budget::FUEL));
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
        let fail = |e: String| TemplateError(format!("{what}: {e}"));
        budget::check_shape(source).map_err(fail)?;
        let template = env
            .template_from_str(source)
            .map_err(|e| fail(e.to_string()))?;
        let mut out = CappedOutput::default();
        template
            .render_captured_to(&ctx, &mut out)
            .map_err(|e| fail(budget_error(&e)))?;
        String::from_utf8(out.0).map_err(|e| fail(e.to_string()))
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

/// What went wrong, in the author's words for the budget's limits.
fn budget_error(e: &minijinja::Error) -> String {
    match e.kind() {
        minijinja::ErrorKind::OutOfFuel => format!(
            "the template does too much work for one message (over {} steps): \
             loop over fewer things, or nest fewer loops",
            budget::FUEL
        ),
        // The capped buffer is the only writer that refuses.
        minijinja::ErrorKind::WriteFailure => format!(
            "the message would be longer than {} bytes",
            budget::MAX_OUTPUT
        ),
        _ => e.to_string(),
    }
}

/// [`check_digest`] off the async workers, and given up on after
/// [`CHECK_TIME_LIMIT`] (the budget ends a render well before that; this is
/// the backstop should it not).
pub async fn check_digest_off_thread(
    subject: String,
    body: String,
) -> Result<(String, String), TemplateError> {
    let work = async {
        // One check at a time, server-wide: however many are sent at once,
        // at most one core renders organisation-written templates and the
        // other stays free to answer requests. The rest wait their turn.
        let _turn = CHECKS
            .acquire()
            .await
            .map_err(|_| TemplateError("the server is stopping; try again".into()))?;
        budget::on_big_stack(move || check_digest(&subject, &body))
            .await
            .ok_or_else(|| TemplateError("the template could not be checked".into()))
    };
    match tokio::time::timeout(CHECK_TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(e),
        Err(_) => Err(TemplateError(format!(
            "the template could not be checked within {} s (other checks were waiting); try again",
            CHECK_TIME_LIMIT.as_secs()
        ))),
    }
}

/// Template checks running now (one at a time).
static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// How long a template check may take, waiting for its turn included.
pub const CHECK_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The largest digest a template is tried with before it is kept: what a
/// line manager of a large team may receive on a bad day.
pub const WORST_CASE_ITEMS: usize = 300;

/// Checks a template by rendering it with a sample digest (whose rendering
/// is returned, as a preview), then with [`WORST_CASE_ITEMS`] items, so a
/// template that would run out of budget for a long digest is refused now
/// rather than falling back to the default on a busy day.
pub fn check_digest(subject: &str, body: &str) -> Result<(String, String), TemplateError> {
    if subject.trim().is_empty() || body.trim().is_empty() {
        return Err(TemplateError(
            "a template needs a subject and a body".into(),
        ));
    }
    let preview = render_sample(subject, body, 1)?;
    render_sample(subject, body, WORST_CASE_ITEMS)?;
    Ok(preview)
}

fn render_sample(
    subject: &str,
    body: &str,
    count: usize,
) -> Result<(String, String), TemplateError> {
    use mandate_core::tasks::{Task, TaskKind};
    let day = time::macros::date!(2026 - 03 - 31);
    let sample: Vec<DigestItem> = (0..count)
        .map(|i| DigestItem {
            section: Section::ALL[i % Section::ALL.len()],
            task: Task {
                kind: TaskKind::Acknowledge,
                title: if i == 0 {
                    "Acceptable use policy v3".into()
                } else {
                    format!("Policy {i} v1")
                },
                detail: String::new(),
                link: "/tasks".into(),
                since: day,
                arose_at: mandate_core::tasks::start_of(day),
                due_on: Some(day),
            },
            who: (i % 2 == 1).then(|| format!("Person {i}")),
        })
        .collect();
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

    #[test]
    fn a_template_that_nests_loops_over_a_long_digest_is_refused_before_it_is_kept() {
        let nested = "{% for s in sections %}{% for a in s.items %}{% for b in s.items %}\
                      {% for c in s.items %}.{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
        check_digest("Hi", "{% for s in sections %}{{ s.title }}{% endfor %}").expect("plain loop");
        let refused = check_digest("Hi", nested).expect_err("out of fuel on the worst case");
        assert!(refused.to_string().contains("too much work"), "{refused}");
    }

    #[test]
    fn a_message_longer_than_the_cap_is_refused() {
        // Each item's text is short, but a join of every title many times
        // over in one expression still runs into the output cap.
        let long = format!(
            "{{% for s in sections %}}{}{{% endfor %}}",
            "{{ s.items|join(name) }}".repeat(400)
        );
        let refused = check_digest("Hi", &long).expect_err("output cap");
        assert!(refused.to_string().contains("longer than"), "{refused}");
    }

    mod generated {
        use super::super::*;
        use crate::template_budget::MAX_OUTPUT;
        use proptest::prelude::*;

        /// Random templates built from everything the budget lets through,
        /// nested at random.
        fn template() -> impl Strategy<Value = String> {
            let leaf = prop_oneof![
                Just("x".to_string()),
                Just("{{ name }}".to_string()),
                Just("{{ s.title ~ name ~ organisation }}".to_string()),
                Just("{{ s.items|join(tasks_url) }}".to_string()),
                Just("{{ sections|length }}".to_string()),
            ];
            leaf.prop_recursive(6, 64, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                    inner
                        .clone()
                        .prop_map(|b| format!("{{% for s in sections %}}{b}{{% endfor %}}")),
                    inner
                        .clone()
                        .prop_map(|b| format!("{{% for i in s.items %}}{b}{{% endfor %}}")),
                    inner
                        .prop_map(|b| format!("{{% if count > 1 %}}{b}{{% else %}}y{{% endif %}}")),
                ]
            })
            .prop_map(|b| format!("{{% for s in sections %}}{b}{{% endfor %}}"))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            /// Every template ends, within the output cap or refused for
            /// its budget (this test finishing is half the point).
            #[test]
            fn no_template_renders_past_its_budget(body in template()) {
                match check_digest("Hi", &body) {
                    Ok((_, out)) => prop_assert!(out.len() <= MAX_OUTPUT),
                    Err(e) => {
                        let e = e.to_string();
                        prop_assert!(
                            e.contains("too much work") || e.contains("longer than"),
                            "refused for another reason: {e}"
                        );
                    }
                }
            }
        }
    }
}
