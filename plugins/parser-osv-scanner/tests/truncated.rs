//! Prefixes of the repository's OSV-Scanner fixture
//! (`tests/fixtures/osv-scanner/no-groups.json` at the repository root): a report cut
//! anywhere before its closing brace is malformed input, never a panic or a
//! shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    assert_prefixes_malformed(
        parser_osv_scanner::parse,
        &fixture("osv-scanner", "no-groups.json"),
        b'}',
        |_| true,
    );
}
