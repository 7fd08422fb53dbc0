//! Runs the parser over the shared scanner corpus and compares the result
//! with DefectDojo's, file by file (see [`corpus_support::sast`] for what is
//! checked).
//!
//! For every `MANIFEST.tsv` row of this crate's folders (and of its formats
//! wherever they are filed): `parse` succeeds and yields exactly `raw_items`
//! findings, each honouring the finding contract; after
//! `normalizer_default::normalize` the count equals `expected_findings`, or
//! the file is in the divergence table of `CONFORMANCE.md` with exactly the
//! two counts it shows (a file that is listed but matches, or diverges but
//! is not listed, fails the test); every `facts` entry that maps onto
//! cordon's model holds, and the attributes skipped must be named in
//! `CONFORMANCE.md`; negative samples are errors.
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

use corpus_support::sast;

/// Corpus folders whose rows this parser owns.
const FOLDERS: &[&str] = &["github_sast"];
/// Formats this parser owns wherever they are filed.
const FORMATS: &[&str] = &["github-code-scanning-alerts-api-json"];

#[test]
fn corpus_matches_defectdojo_or_is_explained() {
    sast::Suite::new(
        parser_github_sast::parse,
        env!("CARGO_MANIFEST_DIR"),
        FOLDERS,
        FORMATS,
    )
    .run();
}
