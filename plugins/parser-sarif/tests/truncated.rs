//! Prefixes of the repository's SARIF fixture
//! (`tests/fixtures/sarif/mixed.sarif` at the repository root): a log cut
//! anywhere before its closing brace is malformed input, and `detect` on it
//! does not panic either.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    let detect_then_parse = |prefix: &[u8]| {
        let _ = parser_sarif::detect(prefix);
        parser_sarif::parse(prefix)
    };
    assert_prefixes_malformed(
        detect_then_parse,
        &fixture("sarif", "mixed.sarif"),
        b'}',
        |_| true,
    );
}
