//! Writing CSV for people to open in a spreadsheet. Free text in a cell
//! (a decline reason, a name) could otherwise be read as a formula by the
//! spreadsheet: every cell that starts with a character a spreadsheet
//! treats as the start of a formula is prefixed with `'`, as OWASP's
//! "CSV injection" advice has it. Every CSV export goes through here.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as it is safe to hand a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV document built row by row, every cell neutralised.
pub struct CsvExport {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvExport {
    /// A document whose first row is `header`.
    pub fn new(header: &[&str]) -> Self {
        let mut export = Self {
            writer: csv::Writer::from_writer(Vec::new()),
        };
        export.row(header);
        export
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        // Writing to memory cannot fail.
        let _ = self
            .writer
            .write_record(cells.iter().map(|c| neutralise(c.as_ref()).into_owned()));
    }

    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_as_formulas_are_quoted() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(hostile), format!("'{hostile}"), "{hostile:?}");
        }
        for plain in ["Ada Lovelace", "ada@example.com", "2026-01-31", "a=b", ""] {
            assert_eq!(neutralise(plain), plain);
        }
    }

    #[test]
    fn every_cell_of_an_export_is_neutralised_and_quoted_where_needed() {
        let mut export = CsvExport::new(&["name", "reason"]);
        export.row(&["Lovelace, Ada", "=cmd|' /C calc'!A0"]);
        assert_eq!(
            export.finish(),
            "name,reason\n\"Lovelace, Ada\",'=cmd|' /C calc'!A0\n"
        );
    }
}
