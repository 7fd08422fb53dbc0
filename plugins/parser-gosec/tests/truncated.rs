//! Prefixes of the repository's gosec fixture
//! (`tests/fixtures/gosec/mixed.json` at the repository root): a report cut
//! anywhere before its closing brace is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    assert_prefixes_malformed(
        parser_gosec::parse,
        &fixture("gosec", "mixed.json"),
        b'}',
        |_| true,
    );
}
