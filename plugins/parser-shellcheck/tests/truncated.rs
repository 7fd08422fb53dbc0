//! Prefixes of the repository's ShellCheck fixtures
//! (`tests/fixtures/shellcheck/` at the repository root): a report cut
//! anywhere before its closing bracket is malformed input, never a panic or
//! a shorter report. The prefixes are sampled (every 97th byte, and every
//! one of the last 64) to keep the test fast.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

fn sampled(len: usize) -> impl Fn(usize) -> bool {
    move |n| n % 97 == 0 || n + 64 > len
}

#[test]
fn every_prefix_of_the_json1_report_is_malformed() {
    let bytes = fixture("shellcheck", "neofetch-json1.json");
    assert_prefixes_malformed(parser_shellcheck::parse, &bytes, b'}', sampled(bytes.len()));
}

#[test]
fn every_prefix_of_the_legacy_report_is_malformed() {
    let bytes = fixture("shellcheck", "mixed-legacy.json");
    assert_prefixes_malformed(parser_shellcheck::parse, &bytes, b']', sampled(bytes.len()));
}
