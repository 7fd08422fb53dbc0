//! The secrets in the repository's Gitleaks fixtures
//! (`tests/fixtures/gitleaks/` at the repository root, obviously fake) never
//! reach a finding.

use corpus_support::fixtures::fixture;

fn dump(name: &str) -> String {
    let f = parser_gitleaks::parse(&fixture("gitleaks", name)).expect("parses");
    format!("{f:?}")
}

#[test]
fn v8_secrets_are_not_in_the_findings() {
    let all = dump("v8.json");
    for secret in ["AKIAFAKEEXAMPLE00001", "fake-api-key-0000-not-real"] {
        assert!(!all.contains(secret), "secret {secret} leaked");
    }
}

#[test]
fn v7_secrets_are_not_in_the_findings() {
    let all = dump("v7.json");
    for secret in ["FAKEFAKEFAKE", "OPENSSH"] {
        assert!(!all.contains(secret), "secret {secret} leaked");
    }
}
