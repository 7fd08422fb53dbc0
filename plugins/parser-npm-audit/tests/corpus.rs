//! Runs the parser over the shared scanner corpus and compares with
//! DefectDojo (see [`corpus_support::advisory`] for what is checked).
//!
//! For every MANIFEST row of this parser's folders and formats: a row listed
//! in [`EXPECTED_ERRORS`] must be rejected with that error; any other row
//! must parse, and after `normalizer_default::normalize` the number of
//! findings must equal `expected_findings`, unless the file is in the
//! divergence table of `CONFORMANCE.md` (and then it must differ, by the
//! numbers the table gives); every `facts` entry that maps onto cordon's
//! model is checked, the others are counted as skipped, by attribute.
//!
//! The corpus is `$CORDON_CORPUS`, else `../../../shared/corpus` from this
//! crate. Without it the test prints one line and passes. Every mismatch is
//! collected and reported at once.

use corpus_support::advisory::{ErrorKind, Suite};

/// Corpus folders of this parser.
const FOLDERS: &[&str] = &["npm_audit", "npm_audit_7_plus"];
/// Formats of those folders that this parser reads (rows of other formats in
/// them belong to other parsers).
fn owned(format: &str) -> bool {
    format.starts_with("npm-audit-json")
}
/// Files that must be rejected, and how.
const EXPECTED_ERRORS: &[(&str, ErrorKind)] =
    &[("npm_audit/empty_with_error.json", ErrorKind::Unsupported)];
/// Rows whose `notes` call them negative samples for DefectDojo's npm 6
/// parser, but which are valid reports this parser reads (npm 7).
const NEGATIVE_FOR_DEFECTDOJO_ONLY: &[&str] = &["npm_audit/many_vuln_npm7.json"];

#[test]
fn corpus_matches_defectdojo() {
    // No format refused, no other facts.
    Suite {
        expected_errors: EXPECTED_ERRORS,
        negative_for_defectdojo_only: NEGATIVE_FOR_DEFECTDOJO_ONLY,
        ..Suite::new(
            parser_npm_audit::parse,
            env!("CARGO_MANIFEST_DIR"),
            FOLDERS,
            owned,
        )
    }
    .run();
}
