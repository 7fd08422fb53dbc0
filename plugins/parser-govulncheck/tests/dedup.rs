//! The repository's govulncheck fixtures (`tests/fixtures/govulncheck/` at
//! the repository root) through the default normalizer: the findings of one
//! vulnerability at several levels (symbol, package, module) are one.

use cordon_sdk::Severity;
use corpus_support::fixtures::fixture;

#[test]
fn stream_is_one_finding_per_vulnerability() {
    let f = parser_govulncheck::parse(&fixture("govulncheck", "stream.json")).expect("parses");
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 2);
    let net = &n[0];
    assert_eq!(net.rule_id, "GO-2024-2687");
    assert_eq!(net.severity, Severity::High);
    assert_eq!(
        net.vulnerability_ids,
        vec!["CVE-2023-45288", "GHSA-4V7X-PQXF-CX7M", "GO-2024-2687"]
    );
    let c = net.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("golang.org/x/net", Some("v0.21.0"))
    );
    assert_eq!(c.fixed_versions, vec!["v0.23.0"]);
    let crypto = &n[1];
    assert_eq!(crypto.rule_id, "GO-2025-3487");
    assert_eq!(crypto.severity, Severity::Low);
}

#[test]
fn pre_1_0_result_is_one_finding_with_the_highest_severity() {
    let f = parser_govulncheck::parse(&fixture("govulncheck", "legacy.json")).expect("parses");
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::High);
}
