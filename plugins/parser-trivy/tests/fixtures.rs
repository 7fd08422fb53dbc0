//! The repository's own Trivy fixtures (`tests/fixtures/trivy/` at the
//! repository root), hand-written for cordon: one per layout.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/trivy")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn schema2_image_report() {
    let f = parser_trivy::parse(&fixture("image-schema2.json")).expect("parses");
    // 3 vulnerabilities, 1 failed check (the PASS is dropped), 1 secret, 1 license.
    assert_eq!(f.len(), 6);
    assert!(
        f.iter()
            .all(|x| x.tool == "trivy" && x.tool_version.as_deref() == Some("0.58.1"))
    );
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        rules,
        [
            "CVE-2024-2511",
            "CVE-2023-45853",
            "GHSA-952p-6rrq-rcjv",
            "DS026",
            "stripe-secret-token",
            "GPL-3.0-or-later"
        ]
    );

    let ssl = &f[0];
    assert_eq!(ssl.kind, FindingKind::Container);
    // Trivy's severity wins over the CVSS score.
    assert_eq!(ssl.severity, Severity::Low);
    assert_eq!(ssl.cwes, vec![1325]);
    let c = ssl.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("libssl3", Some("3.0.11-1~deb12u2"))
    );
    assert_eq!(c.fixed_versions, vec!["3.0.13-1~deb12u1"]);
    assert_eq!(
        ssl.locations[0].path,
        "registry.example.com/shop/api:2.7.0 (debian 12.5)"
    );
    assert!(f[1].tags.contains(&"trivy-status:will_not_fix".to_string()));
    assert_eq!(f[1].severity, Severity::Critical);

    // No Severity: the ghsa CVSS score decides.
    let npm = &f[2];
    assert_eq!(npm.kind, FindingKind::Sca);
    assert_eq!(
        (npm.severity, npm.tool_severity.as_deref()),
        (Severity::Medium, Some("ghsa:5.3"))
    );
    assert_eq!(npm.locations[0].path, "app/package-lock.json");
    assert_eq!(npm.vulnerability_ids, vec!["GHSA-952p-6rrq-rcjv"]);

    let ds = &f[3];
    assert_eq!((ds.kind, ds.severity), (FindingKind::Iac, Severity::Low));
    assert_eq!(ds.title, "No HEALTHCHECK defined");
    assert_eq!(ds.locations[0].path, "Dockerfile");

    let secret = &f[4];
    assert_eq!(
        (secret.kind, secret.severity),
        (FindingKind::Secret, Severity::Critical)
    );
    assert_eq!(secret.locations[0].path, "config/settings.py");
    assert_eq!(secret.locations[0].start_line, Some(41));

    let license = &f[5];
    assert_eq!(
        (license.kind, license.severity),
        (FindingKind::Other, Severity::High)
    );
    assert!(license.locations.is_empty());
    assert_eq!(license.source_pointer, "/Results/4/Licenses/0");

    assert_eq!(normalizer_default::normalize(f).len(), 6);
}

#[test]
fn legacy_report() {
    let f = parser_trivy::parse(&fixture("legacy.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].rule_id, "CVE-2021-36159");
    assert_eq!(f[0].kind, FindingKind::Container);
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(f[0].source_pointer, "/0/Vulnerabilities/0");
    assert!(f[0].tool_version.is_none());
    assert_eq!(f[1].kind, FindingKind::Sca);
    assert_eq!(f[1].locations[0].path, "Gemfile.lock");
    assert_eq!(
        f[1].component.as_ref().map(|c| c.fixed_versions.clone()),
        Some(vec!["6.0.3.1".to_string(), "5.2.4.3".to_string()])
    );
}

#[test]
fn kubernetes_report() {
    let f = parser_trivy::parse(&fixture("k8s-resources.json")).expect("parses");
    assert_eq!(f.len(), 3);
    for x in &f {
        assert_eq!(x.locations[0].path, "payments/Deployment/ledger");
    }
    assert_eq!(f[0].rule_id, "KSV014");
    assert_eq!(f[0].locations[0].start_line, Some(118));
    assert_eq!(f[0].locations[1].path, "Deployment/ledger");
    assert_eq!(f[0].locations[1].start_line, Some(118));
    assert_eq!(f[0].locations[1].end_line, Some(131));
    assert_eq!(f[1].severity, Severity::Low);
    assert_eq!(f[2].rule_id, "CVE-2024-6119");
    assert_eq!(f[2].kind, FindingKind::Container);
    assert_eq!(
        f[2].source_pointer,
        "/Resources/0/Results/1/Vulnerabilities/0"
    );
    // Both checks start at line 118 but are different rules.
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn kubernetes_legacy_report() {
    let f = parser_trivy::parse(&fixture("k8s-legacy.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].locations[0].path, "web/StatefulSet/cache");
    assert_eq!(f[0].rule_id, "CVE-2022-1304");
    assert_eq!(f[0].cwes, vec![787]);
    assert_eq!(f[1].rule_id, "KSV011");
    assert_eq!(f[1].locations[1].start_line, Some(40));
    assert_eq!(
        f[1].source_pointer,
        "/Misconfigurations/0/Results/0/Misconfigurations/0"
    );
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("k8s-legacy.json");
    let last_brace = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last_brace {
        let prefix = bytes.get(..n).expect("in range");
        match parser_trivy::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
