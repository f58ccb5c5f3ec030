//! Reading an uploaded CSV file as a table of named columns: the header in
//! any order, unknown or repeated columns and missing required ones
//! reported on line 1, and every record's real line number (blank lines
//! included) kept, so a file's problems are named where they are.

use mandate_core::import::RowError;
use std::io::Read;

/// A record: each known column's value (empty when the file lacks it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    values: Vec<String>,
}

impl Record {
    /// The value of the `index`th known column.
    pub fn get(&self, index: usize) -> &str {
        self.values.get(index).map_or("", String::as_str)
    }
}

/// The records that could be read, and the problems of the rest.
#[derive(Debug, Default)]
pub struct Table {
    pub records: Vec<Record>,
    pub errors: Vec<RowError>,
}

/// Reads `input` against the known `columns`, of which `required` must be
/// in the header. Records whose every field is empty are skipped.
pub fn read(mut input: impl Read, columns: &[&str], required: &[&str]) -> Table {
    let mut table = Table::default();
    // Read whole (uploads are small) so line numbers come from byte offsets:
    // the reader's own line count skips blank lines.
    let mut text = String::new();
    if let Err(e) = input.read_to_string(&mut text) {
        table.errors.push(RowError {
            line: 1,
            message: format!("the file cannot be read as UTF-8 text: {e}"),
        });
        return table;
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |byte: u64| {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record after blank lines starts at them; its line is the first
        // one with text.
        while matches!(text.as_bytes().get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        line_starts.partition_point(|start| *start <= at)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_error = |message: String| RowError { line: 1, message };
    let headers = match reader.headers() {
        Ok(h) if h.iter().any(|c| !c.is_empty()) => h.clone(),
        Ok(_) => {
            table.errors.push(header_error(format!(
                "the file is empty: it needs a header row {}",
                required.join(",")
            )));
            return table;
        }
        Err(e) => {
            table
                .errors
                .push(header_error(format!("the header cannot be read: {e}")));
            return table;
        }
    };
    let mut position: Vec<Option<usize>> = vec![None; columns.len()];
    for (index, name) in headers.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        match columns.iter().position(|c| *c == name) {
            Some(known) if position[known].is_some() => table.errors.push(header_error(format!(
                "the header names the column {name:?} twice"
            ))),
            Some(known) => position[known] = Some(index),
            None => table.errors.push(header_error(format!(
                "the header names an unknown column {name:?} (known: {})",
                columns.join(", ")
            ))),
        }
    }
    for (column, found) in columns.iter().zip(&position) {
        if required.contains(column) && found.is_none() {
            table.errors.push(header_error(format!(
                "the header lacks the column {column:?}"
            )));
        }
    }
    if !table.errors.is_empty() {
        return table;
    }
    for (index, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index + 2, |p| line_at(p.byte()));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                table.errors.push(RowError {
                    line,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let values = position
            .iter()
            .map(|p| p.and_then(|i| record.get(i)).unwrap_or("").to_string())
            .collect();
        table.records.push(Record { line, values });
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_in_any_order_and_lines_count_blank_ones() {
        let t = read("b,a\n2,1\n\n4,3\n".as_bytes(), &["a", "b", "c"], &["a"]);
        assert!(t.errors.is_empty());
        assert_eq!(t.records.len(), 2);
        assert_eq!(
            (
                t.records[0].get(0),
                t.records[0].get(1),
                t.records[0].get(2)
            ),
            ("1", "2", "")
        );
        assert_eq!(t.records[1].line, 4);
    }

    #[test]
    fn header_problems_are_named_on_line_one() {
        let t = read("a,a,z\n".as_bytes(), &["a", "b"], &["a", "b"]);
        let messages: Vec<&str> = t.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(t.errors.iter().map(|e| e.line).max(), Some(1));
        assert!(messages.iter().any(|m| m.contains("twice")));
        assert!(messages.iter().any(|m| m.contains("unknown column \"z\"")));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("lacks the column \"b\""))
        );
        assert!(
            read("".as_bytes(), &["a"], &["a"]).errors[0]
                .message
                .contains("empty")
        );
    }
}
