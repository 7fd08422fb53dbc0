//! Runs the parser over the shared scanner-output corpus and compares the
//! result with DefectDojo's expectations in `MANIFEST.tsv` (see
//! [`corpus_support::iac`] for what is checked).
//!
//! For every row of this crate's folders ([`FOLDERS`]): the file parses (a
//! negative sample must fail instead), every finding keeps the parser
//! contract, the count after `normalizer_default::normalize` equals
//! `expected_findings` unless the divergence table of `CONFORMANCE.md` lists
//! exactly the counts seen, and every fact that maps onto cordon's model
//! holds unless the fact-divergence table lists it. A listed divergence that
//! no longer diverges fails too. No other corpus file may make the parser
//! panic.
//!
//! The corpus lives outside the repository: `$CORDON_CORPUS`, else
//! `../../../shared/corpus` relative to this crate. When it is missing the
//! test prints one line and passes. Every mismatch is collected and reported
//! at once.

/// The corpus folders whose files this parser must read.
const FOLDERS: &[&str] = &["checkov"];

#[test]
fn corpus_matches_defectdojo() {
    corpus_support::iac::Suite {
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        folders: FOLDERS,
        parse: parser_checkov::parse,
        secret_keys: &[],
    }
    .run();
}
