//! Differences between two versions of a policy's text: line by line, with
//! the changed words inside a changed line marked, and long unchanged runs
//! folded to a few lines of context.

use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// Unchanged lines kept either side of a change.
const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Same,
    Added,
    Removed,
    /// Unchanged lines left out; `Fold` rows carry how many in `old_line`.
    Fold,
}

/// One row of an inline diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    /// The line's text in pieces; `true` marks the words that changed.
    pub segments: Vec<(bool, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub lines: Vec<DiffLine>,
    pub added: usize,
    pub removed: usize,
}

/// The inline diff from `old` to `new`.
pub fn diff(old: &str, new: &str) -> Diff {
    let text = TextDiff::configure()
        // A pathological pair of texts gives up on minimality, not on answering.
        .timeout(Duration::from_secs(2))
        .diff_lines(old, new);
    let mut rows = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for op in text.ops() {
        for change in text.iter_inline_changes(op) {
            let kind = match change.tag() {
                ChangeTag::Equal => LineKind::Same,
                ChangeTag::Insert => {
                    added += 1;
                    LineKind::Added
                }
                ChangeTag::Delete => {
                    removed += 1;
                    LineKind::Removed
                }
            };
            let segments = change
                .iter_strings_lossy()
                .map(|(emphasised, s)| {
                    (
                        emphasised && kind != LineKind::Same,
                        s.trim_end_matches(['\n', '\r']).to_string(),
                    )
                })
                .filter(|(_, s)| !s.is_empty())
                .collect();
            rows.push(DiffLine {
                kind,
                old_line: change.old_index().map(|i| i + 1),
                new_line: change.new_index().map(|i| i + 1),
                segments,
            });
        }
    }
    Diff {
        lines: fold(rows),
        added,
        removed,
    }
}

/// Keeps `CONTEXT` unchanged lines around each change and folds the rest.
fn fold(rows: Vec<DiffLine>) -> Vec<DiffLine> {
    let changed: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind != LineKind::Same)
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| {
        let at = changed.partition_point(|&c| c < i);
        let after = changed.get(at).is_some_and(|&c| c - i <= CONTEXT);
        let before = at > 0 && i - changed[at - 1] <= CONTEXT;
        after || before
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, row) in rows.into_iter().enumerate() {
        if row.kind != LineKind::Same || near(i) {
            if skipped > 0 {
                out.push(fold_row(skipped));
                skipped = 0;
            }
            out.push(row);
        } else {
            skipped += 1;
        }
    }
    if skipped > 0 {
        out.push(fold_row(skipped));
    }
    out
}

fn fold_row(count: usize) -> DiffLine {
    DiffLine {
        kind: LineKind::Fold,
        old_line: Some(count),
        new_line: None,
        segments: vec![(false, format!("{count} unchanged lines"))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_marked_and_context_folded() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n") + "line 21\n";
        let d = diff(&old, &new);
        assert_eq!((d.added, d.removed), (2, 1));
        let removed = d
            .lines
            .iter()
            .find(|l| l.kind == LineKind::Removed)
            .expect("removed");
        assert_eq!(removed.old_line, Some(10));
        assert!(removed.segments.iter().any(|(e, s)| *e && s == "10"));
        let folds: Vec<_> = d
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Fold)
            .collect();
        assert_eq!(folds.len(), 2, "{:#?}", d.lines);
        assert_eq!(folds[0].old_line, Some(6));
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let d = diff("a\nb\n", "a\nb\n");
        assert_eq!((d.added, d.removed), (0, 0));
        assert!(d.lines.iter().all(|l| l.kind == LineKind::Fold));
    }
}
