//! Prefixes of the repository's Semgrep fixtures (`tests/fixtures/semgrep/`
//! at the repository root), one per format: a report cut anywhere before its
//! closing brace is malformed input, never a panic or a shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    for name in ["cli-mixed.json", "app-findings.json", "app-sca-vulns.json"] {
        eprintln!("{name}");
        assert_prefixes_malformed(
            parser_semgrep::parse,
            &fixture("semgrep", name),
            b'}',
            |_| true,
        );
    }
}
