//! Prefixes of the repository's Trivy fixture
//! (`tests/fixtures/trivy/k8s-legacy.json` at the repository root): a report cut
//! anywhere before its closing brace is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    assert_prefixes_malformed(
        parser_trivy::parse,
        &fixture("trivy", "k8s-legacy.json"),
        b'}',
        |_| true,
    );
}
