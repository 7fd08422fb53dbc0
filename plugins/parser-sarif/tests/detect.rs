//! What `detect` says about the repository's SARIF fixtures
//! (`tests/fixtures/sarif/` at the repository root).

use corpus_support::fixtures::fixture;

#[test]
fn clean_and_mixed_are_claimed_as_sarif_2_1_0() {
    let d = parser_sarif::detect(&fixture("sarif", "clean.sarif")).expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif-2.1.0", 90));
    let d = parser_sarif::detect(&fixture("sarif", "mixed.sarif")).expect("claimed");
    assert_eq!(d.format, "sarif-2.1.0");
}

#[test]
fn malformed_is_still_claimed() {
    // The head looks like SARIF; parsing then reports the error.
    assert!(parser_sarif::detect(&fixture("sarif", "malformed.sarif")).is_some());
}
