//! The repository's own cargo-audit fixtures (`tests/fixtures/cargo-audit/`
//! at the repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cargo-audit")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn vulnerable_lockfile() {
    let f = parser_cargo_audit::parse(&fixture("vulnerable.json")).expect("parses");
    // 3 vulnerabilities; the unmaintained and yanked warnings are not findings.
    assert_eq!(f.len(), 3);
    assert!(
        f.iter()
            .all(|x| x.tool == "cargo-audit" && x.kind == FindingKind::Sca)
    );
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        rules,
        [
            "RUSTSEC-2024-0332",
            "RUSTSEC-2023-0071",
            "RUSTSEC-2025-0009"
        ]
    );

    // No CVSS: high.
    assert_eq!(
        (f[0].severity, f[0].tool_severity.as_deref()),
        (Severity::High, None)
    );
    assert_eq!(
        f[0].vulnerability_ids,
        vec!["RUSTSEC-2024-0332", "GHSA-q6cp-qfwq-4gcv"]
    );
    let c = f[0].component.as_ref().expect("component");
    assert_eq!(c.purl.as_deref(), Some("pkg:cargo/h2@0.3.24"));
    assert_eq!(c.fixed_versions, vec!["^0.3.26", ">=0.4.4"]);

    // CVSS 3.1 5.9: medium; no patched version.
    assert_eq!(f[1].severity, Severity::Medium);
    assert!(
        f[1].component
            .as_ref()
            .is_some_and(|c| c.fixed_versions.is_empty())
    );
    assert!(
        f[1].message
            .contains("Affected functions: rsa::RsaPrivateKey::decrypt (>=0.1.0)")
    );
    assert_eq!(f[1].vulnerability_ids.len(), 4);

    // CVSS 4.0 vector.
    assert_eq!(f[2].severity, Severity::Medium);
    assert_eq!(f[2].tags, vec!["denial-of-service", "overflow", "panic"]);

    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn clean_lockfile() {
    assert!(
        parser_cargo_audit::parse(&fixture("clean.json"))
            .expect("parses")
            .is_empty()
    );
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("clean.json");
    let last_brace = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last_brace {
        let prefix = bytes.get(..n).expect("in range");
        match parser_cargo_audit::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
