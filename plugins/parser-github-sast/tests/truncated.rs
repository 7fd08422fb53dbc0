//! Prefixes of the repository's GitHub code scanning fixture
//! (`tests/fixtures/github-sast/alerts.json` at the repository root): a report cut
//! anywhere before its closing bracket is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    // Coarse steps keep the test fast; every byte of the first 800.
    assert_prefixes_malformed(
        parser_github_sast::parse,
        &fixture("github-sast", "alerts.json"),
        b']',
        |n| n < 800 || n % 5 == 0,
    );
}
