//! Prefixes of the repository's pip-audit fixture
//! (`tests/fixtures/pip-audit/legacy.json` at the repository root): a report cut
//! anywhere before its closing bracket is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    assert_prefixes_malformed(
        parser_pip_audit::parse,
        &fixture("pip-audit", "legacy.json"),
        b']',
        |_| true,
    );
}
