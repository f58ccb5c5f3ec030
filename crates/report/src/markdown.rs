//! Policy text: Markdown rendered to HTML that is safe whatever the author
//! wrote, and the tagged sections that carry the elements Clause 5.2 asks of
//! the top-level policy.
//!
//! pulldown-cmark passes raw HTML through, so every rendering goes through
//! ammonia's allow-list: no script, no event handler, no `javascript:` link.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// The four elements of 5.2 a to d, each tagged on a heading by the author
/// with a class: `## Our commitment {.clause-5-2-d}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element {
    /// Appropriate to the organisation's purpose (5.2 a).
    Purpose,
    /// Objectives, or the framework for setting them (5.2 b).
    Objectives,
    /// Commitment to satisfy applicable requirements (5.2 c).
    Requirements,
    /// Commitment to continual improvement (5.2 d).
    Improvement,
}

impl Element {
    pub const ALL: [Element; 4] = [
        Element::Purpose,
        Element::Objectives,
        Element::Requirements,
        Element::Improvement,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            Element::Purpose => "clause-5-2-a",
            Element::Objectives => "clause-5-2-b",
            Element::Requirements => "clause-5-2-c",
            Element::Improvement => "clause-5-2-d",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Element::Purpose => "fits the organisation's purpose (5.2 a)",
            Element::Objectives => "objectives or the framework for setting them (5.2 b)",
            Element::Requirements => "commitment to satisfy applicable requirements (5.2 c)",
            Element::Improvement => "commitment to continual improvement (5.2 d)",
        }
    }
}

/// Which elements have a tagged heading with some text beneath it.
pub fn elements_present(markdown: &str) -> Vec<(Element, bool)> {
    // (level, tags) of the section being read, and whether text was seen in it.
    let mut found: Vec<Element> = Vec::new();
    let mut open: Vec<(HeadingLevel, Vec<Element>, bool)> = Vec::new();
    let mut in_heading = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                // A heading closes every open section of the same or a deeper level.
                while open.last().is_some_and(|(l, _, _)| *l >= level) {
                    close(open.pop(), &mut found);
                }
                let tags = Element::ALL
                    .into_iter()
                    .filter(|e| classes.iter().any(|c| c.as_ref() == e.tag()))
                    .collect();
                open.push((level, tags, false));
                in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) if !in_heading && !text.trim().is_empty() => {
                for section in &mut open {
                    section.2 = true;
                }
            }
            _ => {}
        }
    }
    while let Some(section) = open.pop() {
        close(Some(section), &mut found);
    }
    Element::ALL
        .into_iter()
        .map(|e| (e, found.contains(&e)))
        .collect()
}

fn close(section: Option<(HeadingLevel, Vec<Element>, bool)>, found: &mut Vec<Element>) {
    if let Some((_, tags, has_text)) = section
        && has_text
    {
        found.extend(tags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<body onload=alert(1)>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "![x](x\" onerror=\"alert(1))",
        "<details open ontoggle=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "## Heading {onclick=alert(1)}",
    ];

    /// The tags of an HTML fragment, lower-cased: what a browser would act on.
    /// Text between tags is harmless, whatever words it contains.
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .filter_map(|rest| rest.split_once('>'))
            .map(|(tag, _)| tag.to_lowercase())
            .collect()
    }

    #[test]
    fn no_known_xss_payload_survives_rendering() {
        for payload in PAYLOADS {
            let html = render(payload);
            for tag in tags(&html) {
                let name = tag.split_whitespace().next().unwrap_or("");
                for banned in [
                    "script", "iframe", "object", "svg", "form", "meta", "base", "math", "input",
                    "body", "style",
                ] {
                    assert_ne!(
                        name.trim_start_matches('/'),
                        banned,
                        "{payload:?} left a {banned} tag in {html:?}"
                    );
                }
                let attributes: Vec<&str> = tag.split_whitespace().skip(1).collect();
                for attribute in attributes {
                    assert!(
                        !attribute.starts_with("on"),
                        "{payload:?} left a handler in {html:?}"
                    );
                    assert!(
                        !attribute.starts_with("style"),
                        "{payload:?} left a style in {html:?}"
                    );
                }
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(
                        !tag.contains(scheme),
                        "{payload:?} left a {scheme} URL in {html:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = render(
            "# Policy {#top}\n\nWe **protect** [data](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(html.contains("<h1 id=\"top\">Policy</h1>"), "{html}");
        assert!(html.contains("<strong>protect</strong>"));
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("<table>"));
    }

    #[test]
    fn elements_count_only_when_tagged_and_not_empty() {
        let policy = "# Information security policy\n\n\
                      ## Purpose and scope {.clause-5-2-a}\n\nWe keep customer data safe.\n\n\
                      ## Objectives {.clause-5-2-b}\n\n### Setting them\n\nYearly, by top management.\n\n\
                      ## Requirements {.clause-5-2-c}\n\n\
                      ## Improvement\n\nWe improve.\n";
        let present: Vec<(Element, bool)> = elements_present(policy);
        assert_eq!(
            present,
            vec![
                (Element::Purpose, true),
                (Element::Objectives, true),
                (Element::Requirements, false),
                (Element::Improvement, false),
            ]
        );
    }
}
