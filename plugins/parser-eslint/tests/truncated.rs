//! Prefixes of the repository's ESLint fixture
//! (`tests/fixtures/eslint/mixed.json` at the repository root): a report cut
//! anywhere before its closing bracket is malformed input, never a panic or a
//! shorter report. The fixture is 175 KB, so every 293rd prefix and the last
//! 64 are checked.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    let bytes = fixture("eslint", "mixed.json");
    let len = bytes.len();
    assert_prefixes_malformed(parser_eslint::parse, &bytes, b']', |n| {
        n % 293 == 0 || n + 64 > len
    });
}
