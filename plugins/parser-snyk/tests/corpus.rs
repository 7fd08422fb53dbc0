//! Runs the parser over the shared scanner corpus and compares with
//! DefectDojo (see [`corpus_support::advisory`] for what is checked).
//!
//! For every MANIFEST row of this parser's folders and formats (this parser
//! expects no errors; rows of the [`refused`] formats must be refused as
//! `unsupported-format`): the row must parse, and after
//! `normalizer_default::normalize` the number of findings must equal
//! `expected_findings`, unless the file is in the divergence table of
//! `CONFORMANCE.md` (and then it must differ, by the numbers the table
//! gives); every `facts` entry that maps onto cordon's model is checked, the
//! others are counted as skipped, by attribute.
//!
//! The corpus is `$CORDON_CORPUS`, else `../../../shared/corpus` from this
//! crate. Without it the test prints one line and passes. Every mismatch is
//! collected and reported at once.

use corpus_support::advisory::Suite;

/// Corpus folders of this parser.
const FOLDERS: &[&str] = &["snyk", "snyk_code"];
/// Formats of those folders that this parser reads (rows of other formats in
/// them belong to other parsers).
fn owned(format: &str) -> bool {
    format.starts_with("snyk-json")
}
/// Formats in those folders that belong to another parser and that this
/// parser must refuse with `unsupported-format`.
fn refused(format: &str) -> bool {
    // Snyk Code SARIF belongs to parser-sarif.
    format.starts_with("sarif")
}

#[test]
fn corpus_matches_defectdojo() {
    // No expected errors, no rows negative for DefectDojo only.
    Suite {
        refused,
        ..Suite::new(
            parser_snyk::parse,
            env!("CARGO_MANIFEST_DIR"),
            FOLDERS,
            owned,
        )
    }
    .run();
}
