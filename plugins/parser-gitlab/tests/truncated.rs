//! Prefixes of the repository's many-findings GitLab fixture
//! (`tests/fixtures/gitlab/semgrep-sast.json` at the repository root, 74
//! vulnerabilities): a report cut anywhere before its closing brace is
//! malformed input, never a panic or a shorter report. Every 97th prefix
//! and the last 64 are tried, to keep the test fast.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    let bytes = fixture("gitlab", "semgrep-sast.json");
    let len = bytes.len();
    assert_prefixes_malformed(parser_gitlab::parse, &bytes, b'}', |n| {
        n % 97 == 0 || n + 64 > len
    });
}
