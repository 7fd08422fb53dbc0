//! Prefixes of the repository's largest SonarQube fixture
//! (`tests/fixtures/sonarqube/defectdojo-findings_over_api.json` at the
//! repository root): a response cut anywhere before its closing brace is
//! malformed input, never a panic or a shorter report.

use corpus_support::fixtures::{assert_prefixes_malformed, fixture};

#[test]
fn every_prefix_is_malformed() {
    let bytes = fixture("sonarqube", "defectdojo-findings_over_api.json");
    let len = bytes.len();
    assert_prefixes_malformed(parser_sonarqube::parse, &bytes, b'}', |n| {
        n % 97 == 0 || n + 64 > len
    });
}
