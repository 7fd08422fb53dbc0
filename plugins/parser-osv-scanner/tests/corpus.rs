//! Runs the parser over the shared scanner-output corpus and compares with
//! DefectDojo (see [`corpus_support::sca`] for what is checked).
//!
//! For every `MANIFEST.tsv` row of this parser's folders: negative samples
//! must be rejected; counts after `normalizer_default::normalize` must equal
//! DefectDojo's or be listed, with exactly these counts, in the divergence
//! table of `CONFORMANCE.md` (a listed file that does not diverge fails);
//! rows without a count must parse; facts must hold or be listed in the
//! fact-divergence table (a listed fact must not hold).
//!
//! The corpus is `$CORDON_CORPUS`, else `../../../shared/corpus` relative to
//! this crate; when it is missing the test prints one line and passes. Every
//! mismatch is collected and reported at once.

/// The corpus folders this parser owns.
const FOLDERS: &[&str] = &["osv_scanner"];

#[test]
fn corpus_matches_defectdojo_or_documented_divergence() {
    corpus_support::sca::Suite {
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        folders: FOLDERS,
        parse: parser_osv_scanner::parse,
    }
    .run();
}
