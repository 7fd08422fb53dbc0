//! The repository's Gitleaks fixtures (`tests/fixtures/gitleaks/` at the
//! repository root) through the default normalizer.

use corpus_support::fixtures::fixture;

#[test]
fn v8_two_commits_of_one_leak_are_two_findings() {
    // The commit is part of each record's message: one finding per commit
    // that holds the leak, each a place in history to purge.
    let raw = parser_gitleaks::parse(&fixture("gitleaks", "v8.json")).expect("parses");
    assert_eq!(raw.len(), 3);
    let f = normalizer_default::normalize(raw);
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].rule_id, "aws-access-token");
    assert_eq!(f[0].locations.len(), 1);
}
