//! Prefixes of the repository's many-findings detect-secrets fixture
//! (`tests/fixtures/detect-secrets/pygoat.json` at the repository root): a
//! baseline cut anywhere before its closing brace is malformed input, never
//! a panic or a shorter report. Every 97th prefix and the last 64 are tried.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    let bytes = fixture("detect-secrets", "pygoat.json");
    let len = bytes.len();
    assert_prefixes_malformed(parser_detect_secrets::parse, &bytes, b'}', |n| {
        n % 97 == 0 || n + 64 > len
    });
}
