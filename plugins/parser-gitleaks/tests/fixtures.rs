//! The repository's own Gitleaks fixtures (`tests/fixtures/gitleaks/` at the
//! repository root), hand-written for cordon with obviously fake secrets.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/gitleaks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn v8_two_commits_of_one_leak_are_one_finding() {
    let bytes = fixture("v8.json");
    let raw = parser_gitleaks::parse(&bytes).expect("parses");
    assert_eq!(raw.len(), 3);
    let f = normalizer_default::normalize(raw);
    assert_eq!(f.len(), 2);

    let aws = &f[0];
    assert_eq!(aws.tool, "gitleaks");
    assert_eq!(aws.rule_id, "aws-access-token");
    assert_eq!(aws.title, "Hard-coded secret: AWS Access Key");
    assert_eq!(aws.severity, Severity::High);
    assert_eq!(aws.kind, FindingKind::Secret);
    assert_eq!(aws.cwes, vec![798]);
    assert_eq!(aws.locations.len(), 1);
    assert_eq!(aws.locations[0].path, "infra/terraform.tfvars");
    assert_eq!(aws.locations[0].start_line, Some(4));
    assert_eq!(aws.locations[0].start_column, Some(19));
    assert_eq!(aws.locations[0].end_column, Some(38));
    assert_eq!(aws.source_pointer, "/0");
    assert!(aws.message.contains("(`AKIA…`)"), "{}", aws.message);

    let generic = &f[1];
    assert_eq!(generic.rule_id, "generic-api-key");
    assert_eq!(generic.locations[0].path, "src/settings.py");
    assert_eq!(generic.locations[0].start_line, Some(12));
    // Column 0 means "unknown".
    assert_eq!(generic.locations[0].start_column, None);
    assert_eq!(generic.tags, vec!["api".to_string(), "generic".to_string()]);
    assert_eq!(generic.source_pointer, "/2");

    let all = format!("{f:?}");
    for secret in ["AKIAFAKEEXAMPLE00001", "fake-api-key-0000-not-real"] {
        assert!(!all.contains(secret), "secret {secret} leaked");
    }
}

#[test]
fn v7_maps_rule_file_and_line() {
    let bytes = fixture("v7.json");
    let f = normalizer_default::normalize(parser_gitleaks::parse(&bytes).expect("parses"));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].rule_id, "Slack Token");
    assert_eq!(f[0].locations[0].path, ".env");
    assert_eq!(f[0].locations[0].start_line, Some(7));
    assert_eq!(f[0].tags, vec!["Slack".to_string(), "key".to_string()]);
    assert!(f[0].message.contains("(`xoxb…`)"), "{}", f[0].message);
    assert!(f[0].message.ends_with("#L7"), "{}", f[0].message);
    assert_eq!(f[1].rule_id, "Asymmetric Private Key");
    assert_eq!(f[1].locations[0].path, "deploy/id_fake");
    let all = format!("{f:?}");
    assert!(!all.contains("FAKEFAKEFAKE"), "secret leaked");
    assert!(!all.contains("OPENSSH"), "secret leaked");
}

#[test]
fn no_leaks_documents() {
    let null = fixture("null.json");
    // Not claimed: other tools write the same bytes, and the host reads
    // content-free documents as zero findings without a parser.
    assert!(parser_gitleaks::parse(&null).expect("parses").is_empty());
    let empty = fixture("empty-array-v8.json");
    assert!(parser_gitleaks::parse(&empty).expect("parses").is_empty());
}

#[test]
fn malformed_is_rejected_with_position() {
    let bytes = fixture("malformed.json");
    match parser_gitleaks::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(7), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
