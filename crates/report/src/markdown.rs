//! Policy text: Markdown rendered to HTML that is safe whatever the author
//! wrote, and the tagged sections that carry the elements Clause 5.2 asks of
//! the top-level policy.
//!
//! pulldown-cmark passes raw HTML through, so every rendering goes through
//! ammonia's allow-list: no script, no event handler, no `javascript:` link.
//! Images load only from `https:` hosts the organisation allows (none by
//! default): any other image would make a reader's browser fetch an address
//! of the author's choosing (a tracking pixel, or a GET endpoint of Mandate
//! itself). Ids the author writes are prefixed, so policy text cannot clobber
//! the ids of the page it is shown in.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::borrow::Cow;

/// Put before every id the author writes (and every `#fragment` link, so
/// links within the text keep working).
pub const ID_PREFIX: &str = "user-content-";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown to sanitised HTML. `image_hosts` are the hosts images may load
/// from (over `https:` only); any other Markdown image becomes the text
/// "[image: its alt text]", and any other raw `<img>` loses its source
/// (or, with no host allowed, the element).
pub fn render(markdown: &str, image_hosts: &[String]) -> String {
    let hosts: Vec<String> = image_hosts
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        foreign_images_as_text(Parser::new_ext(markdown, options()), &hosts),
    );
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id"])
        .id_prefix(Some(ID_PREFIX))
        .link_rel(Some("noopener noreferrer"));
    if hosts.is_empty() {
        builder.rm_tags(["img"]);
    }
    builder.attribute_filter(
        move |element, attribute, value| match (element, attribute) {
            ("img", "src") => image_allowed(value, &hosts).then_some(Cow::Borrowed(value)),
            (_, "href") => Some(prefixed_fragment(value)),
            _ => Some(Cow::Borrowed(value)),
        },
    );
    builder.clean(&unsafe_html).to_string()
}

/// Whether an image at `src` may load: an absolute `https:` URL, without
/// credentials, on one of `hosts` (lower-case).
fn image_allowed(src: &str, hosts: &[String]) -> bool {
    let Ok(url) = ammonia::Url::parse(src.trim()) else {
        return false;
    };
    url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url
            .host_str()
            .is_some_and(|host| hosts.iter().any(|h| h == host))
}

/// A link to a place in the text points at its prefixed id.
fn prefixed_fragment(href: &str) -> Cow<'_, str> {
    match href.strip_prefix('#') {
        Some(fragment) if !fragment.starts_with(ID_PREFIX) => {
            Cow::Owned(format!("#{ID_PREFIX}{fragment}"))
        }
        _ => Cow::Borrowed(href),
    }
}

/// Replaces each image not allowed by the text "[image: alt]", outside any
/// element of its own, so nothing of it is fetched or linked.
fn foreign_images_as_text<'a>(
    events: impl Iterator<Item = Event<'a>>,
    hosts: &[String],
) -> impl Iterator<Item = Event<'a>> {
    // The alt text of the image being replaced, and how many images nested
    // in its description are open.
    let mut replacing: Option<(String, usize)> = None;
    events.filter_map(move |event| {
        if let Some((alt, depth)) = &mut replacing {
            match event {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
                    replacing = None;
                    let text = if alt.is_empty() {
                        "[image]".to_string()
                    } else {
                        format!("[image: {alt}]")
                    };
                    return Some(Event::Text(CowStr::from(text)));
                }
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            return None;
        }
        match &event {
            Event::Start(Tag::Image { dest_url, .. }) if !image_allowed(dest_url, hosts) => {
                replacing = Some((String::new(), 0));
                None
            }
            _ => Some(event),
        }
    })
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
            let html = render(payload, &[]);
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
            &[],
        );
        assert!(
            html.contains("<h1 id=\"user-content-top\">Policy</h1>"),
            "{html}"
        );
        assert!(html.contains("<strong>protect</strong>"));
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("<table>"));
    }

    fn hosts(list: &[&str]) -> Vec<String> {
        list.iter().map(|h| (*h).to_string()).collect()
    }

    #[test]
    fn relative_images_become_their_alt_text() {
        // A relative image would make the reader's browser call Mandate.
        let html = render("Look: ![the tokens](/api/v1/me/tokens) here.", &[]);
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("/api/v1/me/tokens"), "{html}");
        assert!(html.contains("Look: [image: the tokens] here."), "{html}");
        // Not even an allowed host lets a relative image through.
        let html = render("![x](/api/v1/me/tokens)", &hosts(&["mandate.test"]));
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn remote_images_load_only_from_allowed_https_hosts() {
        let pixel = "![y](https://tracker.example/p.gif)";
        for allowed in [&[][..], &["images.example.org"][..]] {
            let html = render(pixel, &hosts(allowed));
            assert!(!html.contains("<img"), "{allowed:?}: {html}");
            assert!(!html.contains("tracker.example"), "{html}");
            assert!(html.contains("[image: y]"), "{html}");
        }
        let html = render(
            "![Org chart](https://Images.Example.org/chart.png \"The chart\")",
            &hosts(&["images.example.org"]),
        );
        assert!(
            html.contains("<img src=\"https://Images.Example.org/chart.png\" alt=\"Org chart\""),
            "{html}"
        );
        // The scheme, credentials and look-alike hosts do not pass.
        for src in [
            "http://images.example.org/chart.png",
            "https://images.example.org@tracker.example/p.gif",
            "https://images.example.org.tracker.example/p.gif",
            "https://tracker.example/?images.example.org",
            "//images.example.org/chart.png",
            "data:image/png;base64,iVBORw0KGgo=",
        ] {
            let html = render(
                &format!("![a *b* `c`]({src})"),
                &hosts(&["images.example.org"]),
            );
            assert!(!html.contains("<img"), "{src}: {html}");
            assert!(html.contains("[image: a b c]"), "{src}: {html}");
            assert!(!html.contains("<a "), "the alt text is no link: {html}");
        }
    }

    #[test]
    fn raw_html_images_lose_what_is_not_allowed() {
        let raw = "<img src=\"https://tracker.example/p.gif\" alt=\"t\"> and <img src=\"/api/v1/me/tokens\">";
        let html = render(raw, &[]);
        assert!(!html.contains("<img"), "{html}");
        let html = render(raw, &hosts(&["images.example.org"]));
        assert!(
            !html.contains("tracker.example") && !html.contains("/api/"),
            "{html}"
        );
        let html = render(
            "<img src=\"https://images.example.org/a.png\" alt=\"a\">",
            &hosts(&["images.example.org"]),
        );
        assert!(
            html.contains("src=\"https://images.example.org/a.png\""),
            "{html}"
        );
    }

    #[test]
    fn ids_are_prefixed_and_links_within_the_text_follow() {
        let html = render(
            "# Scope {#scope}\n\n<div id=\"csrf_token\">x</div>\n\nSee [the scope](#scope) and [elsewhere](https://example.com/#scope).\n\nA note[^n].\n\n[^n]: The note.\n",
            &[],
        );
        assert!(html.contains("<h1 id=\"user-content-scope\">"), "{html}");
        assert!(html.contains("id=\"user-content-csrf_token\""), "{html}");
        assert!(!html.contains("id=\"csrf_token\""), "{html}");
        assert!(html.contains("href=\"#user-content-scope\""), "{html}");
        assert!(
            html.contains("href=\"https://example.com/#scope\""),
            "{html}"
        );
        // Footnote links reach their (prefixed) definitions.
        assert!(html.contains("href=\"#user-content-n\""), "{html}");
        assert!(html.contains("id=\"user-content-n\""), "{html}");
        for tag in tags(&html) {
            if let Some((_, value)) = tag.split_once("id=\"") {
                assert!(value.starts_with(ID_PREFIX), "{tag} in {html}");
            }
        }
    }

    #[test]
    fn tagged_sections_are_read_from_the_markdown_not_the_html() {
        let policy = "## Purpose and scope {.clause-5-2-a #purpose}\n\nWe keep data safe.\n";
        assert!(elements_present(policy)[0].1);
        let html = render(policy, &[]);
        assert!(html.contains("id=\"user-content-purpose\""), "{html}");
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
