//! The secrets in the repository's TruffleHog and trufflehog3 fixtures
//! (`tests/fixtures/trufflehog/` at the repository root, obviously fake)
//! never reach a finding.

use corpus_support::fixtures::fixture;

#[test]
fn no_fixture_secret_is_in_the_findings() {
    for name in [
        "v3.json",
        "v2.json",
        "trufflehog3-current.json",
        "trufflehog3-legacy.json",
    ] {
        let f = parser_trufflehog::parse(&fixture("trufflehog", name)).expect("parses");
        let dump = format!("{f:?}");
        for s in [
            "FAKEEXAMPLE",
            "FAKEFAKE",
            "fakepass",
            "not-a-real",
            "fakesalt",
            "0f1e2d3c4b5a",
            "deadbeefdead",
            "QUtJQU",
        ] {
            assert!(!dump.contains(s), "{name}: {s} leaked: {dump}");
        }
    }
}
