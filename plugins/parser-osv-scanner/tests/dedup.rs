//! The repository's OSV-Scanner fixtures (`tests/fixtures/osv-scanner/` at
//! the repository root) through the default normalizer: one vulnerability
//! under several ids is one finding.

use cordon_sdk::Severity;
use corpus_support::fixtures::fixture;

#[test]
fn lockfiles_merge_the_ids_of_one_group() {
    let f = parser_osv_scanner::parse(&fixture("osv-scanner", "lockfiles.json")).expect("parses");
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 3);
    assert_eq!(
        n[0].vulnerability_ids,
        vec!["CVE-2024-22195", "GHSA-H5C8-RQWP-CP95", "PYSEC-2024-9"]
    );
}

#[test]
fn output_without_groups_is_one_finding_with_the_highest_severity() {
    let f = parser_osv_scanner::parse(&fixture("osv-scanner", "no-groups.json")).expect("parses");
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::Medium);
    assert_eq!(n[0].cwes, vec![400]);
    assert_eq!(n[0].title, "GO-2024-2687 in golang.org/x/net 0.17.0");
}
