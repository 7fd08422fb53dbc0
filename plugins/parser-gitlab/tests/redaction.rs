//! The secrets in the repository's GitLab secret detection fixtures
//! (`tests/fixtures/gitlab/` at the repository root: DefectDojo's public
//! test data, and cordon's own report, which shows them redacted already)
//! never reach a finding.

use corpus_support::fixtures::fixture;
use corpus_support::secrets::check_redacted;

#[test]
fn raw_source_code_extracts_are_not_in_the_findings() {
    let mut failures = Vec::new();
    for name in [
        "defectdojo-gitlab_secret_detection_report_3_vuln_v15.json",
        "cordon-secret-detection.json",
        "semgrep-secrets.json",
    ] {
        let bytes = fixture("gitlab", name);
        let findings = parser_gitlab::parse(&bytes).expect("parses");
        check_redacted(
            &["raw_source_code_extract"],
            name,
            &bytes,
            &findings,
            &mut failures,
        );
        let all = format!("{findings:?}");
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "random:password@endpoint",
        ] {
            assert!(!all.contains(secret), "{name}: {secret} leaked");
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The DefectDojo sample has three extracts, each shown redacted.
    let bytes = fixture(
        "gitlab",
        "defectdojo-gitlab_secret_detection_report_3_vuln_v15.json",
    );
    let secrets = corpus_support::secrets::secrets(&["raw_source_code_extract"], &bytes);
    assert_eq!(secrets.len(), 3);
    let f = parser_gitlab::parse(&bytes).expect("parses");
    assert_eq!(f[1].message, "AWS\n\nSecret: `AKIA…`");
    assert_eq!(f[2].message, "Password in URL\n\nSecret: `http…`");
}
