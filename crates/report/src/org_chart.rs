//! An organisation chart as SVG: boxes for roles, lines for reporting
//! lines. A tidy layered layout: each role sits above the middle of the
//! roles that report to it; leaves are spaced evenly left to right.

use std::collections::HashMap;
use std::fmt::Write as _;
use uuid::Uuid;

/// A node of the chart: its id, its label, and the node it reports to.
pub struct Node<'a> {
    pub id: Uuid,
    pub label: &'a str,
    pub parent: Option<Uuid>,
    /// Marked nodes (for example roles nobody holds) are drawn dashed.
    pub marked: bool,
}

const BOX_W: f64 = 150.0;
const BOX_H: f64 = 40.0;
const GAP_X: f64 = 16.0;
const GAP_Y: f64 = 56.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG of the chart; `href` gives each node's link.
pub fn svg(nodes: &[Node<'_>], href: impl Fn(Uuid) -> String) -> String {
    let known: HashMap<Uuid, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    // A parent outside the chart (or a loop) makes a node a root.
    let parent_of = |i: usize| {
        nodes[i]
            .parent
            .and_then(|p| known.get(&p).copied())
            .filter(|p| *p != i)
    };
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for i in 0..nodes.len() {
        match parent_of(i) {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let mut x = vec![0.0; nodes.len()];
    let mut depth = vec![0usize; nodes.len()];
    let mut placed = vec![false; nodes.len()];
    let mut next_leaf = 0.0;
    // Iterative post-order, so a deep chart cannot overflow the stack.
    for root in roots {
        let mut stack = vec![(root, 0usize, false)];
        while let Some((node, d, expanded)) = stack.pop() {
            if placed[node] {
                continue;
            }
            if !expanded {
                depth[node] = d;
                stack.push((node, d, true));
                for &c in children[node].iter().rev() {
                    if !placed[c] {
                        stack.push((c, d + 1, false));
                    }
                }
                continue;
            }
            let kids: Vec<usize> = children[node]
                .iter()
                .copied()
                .filter(|c| placed[*c])
                .collect();
            x[node] = if kids.is_empty() {
                let at = next_leaf;
                next_leaf += BOX_W + GAP_X;
                at
            } else {
                (x[kids[0]] + x[kids[kids.len() - 1]]) / 2.0
            };
            placed[node] = true;
        }
    }
    let width = (next_leaf - GAP_X).max(BOX_W) + 2.0;
    let levels = depth.iter().copied().max().unwrap_or(0) + 1;
    let height = levels as f64 * (BOX_H + GAP_Y) - GAP_Y + 2.0;
    let y = |d: usize| 1.0 + d as f64 * (BOX_H + GAP_Y);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="Organisation chart of the ISMS roles" font-family="system-ui, sans-serif" font-size="12">"#
    );
    for i in 0..nodes.len() {
        if let Some(p) = parent_of(i) {
            let (x1, y1) = (x[p] + 1.0 + BOX_W / 2.0, y(depth[p]) + BOX_H);
            let (x2, y2) = (x[i] + 1.0 + BOX_W / 2.0, y(depth[i]));
            let mid = (y1 + y2) / 2.0;
            let _ = write!(
                out,
                r##"<path d="M{x1:.1} {y1:.1} V{mid:.1} H{x2:.1} V{y2:.1}" fill="none" stroke="#9aa5b1"/>"##
            );
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        let (bx, by) = (x[i] + 1.0, y(depth[i]));
        let dash = if node.marked {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        let label: String = node.label.chars().take(24).collect();
        let _ = write!(
            out,
            r##"<a href="{}"><rect x="{bx:.1}" y="{by:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#ffffff" stroke="#3e4c59"{dash}/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1f2933">{}</text></a>"##,
            escape(&href(node.id)),
            bx + BOX_W / 2.0,
            by + BOX_H / 2.0 + 4.0,
            escape(&label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_sit_above_their_children_and_text_is_escaped() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let nodes = [
            Node {
                id: a,
                label: "Top <management>",
                parent: None,
                marked: false,
            },
            Node {
                id: b,
                label: "ISMS manager",
                parent: Some(a),
                marked: true,
            },
            Node {
                id: c,
                label: "Risk & audit",
                parent: Some(a),
                marked: false,
            },
        ];
        let out = svg(&nodes, |id| format!("/roles/{id}"));
        assert!(out.starts_with("<svg") && out.ends_with("</svg>"));
        assert!(out.contains("Top &lt;management&gt;") && out.contains("Risk &amp; audit"));
        assert!(!out.contains("<management>"));
        assert_eq!(out.matches("<path").count(), 2, "two reporting lines");
        assert_eq!(out.matches("stroke-dasharray").count(), 1);
        // The root is centred over its two children.
        assert!(out.contains(r#"x="84.0" y="1.0""#), "{out}");
    }

    #[test]
    fn loops_and_unknown_parents_do_not_hang() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let nodes = [
            Node {
                id: a,
                label: "A",
                parent: Some(b),
                marked: false,
            },
            Node {
                id: b,
                label: "B",
                parent: Some(a),
                marked: false,
            },
            Node {
                id: Uuid::now_v7(),
                label: "C",
                parent: Some(Uuid::now_v7()),
                marked: false,
            },
        ];
        let out = svg(&nodes, |_| String::new());
        assert!(out.contains(">C<"));
    }
}
