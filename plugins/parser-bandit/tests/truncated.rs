//! Prefixes of the repository's Bandit fixture
//! (`tests/fixtures/bandit/mixed.json` at the repository root): a report cut
//! anywhere before its closing brace is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    // Coarse steps keep the test fast; every byte of the first 600.
    assert_prefixes_malformed(
        parser_bandit::parse,
        &fixture("bandit", "mixed.json"),
        b'}',
        |n| n < 600 || n % 7 == 0,
    );
}
