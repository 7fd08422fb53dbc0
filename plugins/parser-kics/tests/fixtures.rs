//! The repository's own KICS fixtures (`tests/fixtures/kics/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/kics")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn findings_report() {
    let bytes = fixture("findings.json");
    let raw = parser_kics::parse(&bytes).expect("parses");
    assert_eq!(raw.len(), 5);
    let f = normalizer_default::normalize(raw);
    // The two entries of one query at k8s/api.yaml:21 are one finding.
    assert_eq!(f.len(), 4);

    let ssh = &f[0];
    assert_eq!(ssh.tool, "kics");
    assert_eq!(ssh.tool_version.as_deref(), Some("v1.7.13"));
    assert_eq!(ssh.rule_id, "65905cec-d691-4320-b320-2000436cb696");
    assert_eq!(ssh.title, "Security Group With Unrestricted Access To SSH");
    assert_eq!(ssh.severity, Severity::Critical);
    assert_eq!(ssh.kind, FindingKind::Iac);
    assert_eq!(ssh.cwes, vec![284]);
    assert_eq!(ssh.locations[0].path, "infra/network.tf");
    assert_eq!(ssh.locations[0].start_line, Some(14));
    assert_eq!(
        ssh.component.as_ref().map(|c| c.name.as_str()),
        Some("aws_security_group.bastion")
    );
    assert_eq!(
        ssh.help_uri.as_deref(),
        Some("https://docs.example.invalid/kics/ssh-open")
    );

    let root = &f[1];
    assert_eq!(root.rule_id, "cf34805e-3872-4c08-bf92-6ff7bb0cfadb");
    assert_eq!(root.severity, Severity::Medium);
    assert_eq!(root.locations[0].path, "k8s/api.yaml");
    assert_eq!(root.source_pointer, "/queries/1/files/0");
    assert_eq!(f[2].locations[0].path, "k8s/worker.yaml");
    assert_eq!(f[2].source_pointer, "/queries/1/files/2");

    let secret = &f[3];
    assert_eq!(secret.kind, FindingKind::Secret);
    assert_eq!(secret.severity, Severity::High);
    assert_eq!(secret.cwes, vec![798]);
    assert!(secret.component.is_none());
    assert!(secret.tags.contains(&"platform:Common".to_string()));
}

#[test]
fn no_findings() {
    let bytes = fixture("no-findings.json");
    assert!(parser_kics::parse(&bytes).expect("parses").is_empty());
}

#[test]
fn malformed_is_rejected_with_position() {
    let bytes = fixture("malformed.json");
    match parser_kics::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(11), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
