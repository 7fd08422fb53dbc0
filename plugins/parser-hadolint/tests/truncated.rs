//! Prefixes of the repository's Hadolint fixture
//! (`tests/fixtures/hadolint/mixed.json` at the repository root): a report cut
//! anywhere before its closing bracket is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    assert_prefixes_malformed(
        parser_hadolint::parse,
        &fixture("hadolint", "mixed.json"),
        b']',
        |_| true,
    );
}
