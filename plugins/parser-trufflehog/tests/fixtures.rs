//! The repository's own TruffleHog and trufflehog3 fixtures
//! (`tests/fixtures/trufflehog/` at the repository root), hand-written for
//! cordon with obviously fake secrets.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/trufflehog")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_no_secrets(dump: &str) {
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
        assert!(!dump.contains(s), "{s} leaked: {dump}");
    }
}

#[test]
fn v3_git_and_filesystem() {
    let bytes = fixture("v3.json");
    let raw = parser_trufflehog::parse(&bytes).expect("parses");
    // Four findings; the log line is skipped.
    assert_eq!(raw.len(), 4);
    let f = normalizer_default::normalize(raw);
    assert_eq!(f.len(), 3, "the AWS key in two commits is one finding");

    let aws = &f[0];
    assert_eq!(aws.tool, "trufflehog");
    assert_eq!(aws.rule_id, "AWS");
    assert_eq!(aws.severity, Severity::Critical);
    assert_eq!(aws.kind, FindingKind::Secret);
    assert_eq!(aws.cwes, vec![798]);
    assert_eq!(aws.locations[0].path, "config/settings.env");
    assert_eq!(aws.locations[0].start_line, Some(3));
    assert_eq!(aws.source_pointer, "line:1");
    assert!(aws.message.contains("(`AKIA…`)"), "{}", aws.message);

    let slack = &f[1];
    assert_eq!(slack.rule_id, "Slack");
    assert_eq!(slack.severity, Severity::High);
    assert!(slack.tags.contains(&"unverified".to_string()));
    assert_eq!(slack.locations[0].start_line, Some(12));
    assert_eq!(slack.source_pointer, "line:3");

    let uri = &f[2];
    assert_eq!(uri.rule_id, "URI");
    assert_eq!(uri.locations[0].path, "/srv/app/.netrc");
    assert_eq!(uri.tags, vec!["source:Filesystem", "unverified"]);
    assert_eq!(uri.source_pointer, "line:5");

    assert_no_secrets(&format!("{f:?}"));
}

#[test]
fn v3_malformed_line_is_reported() {
    let bytes = fixture("v3-malformed.json");
    match parser_trufflehog::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(2), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}

#[test]
fn v2_merges_by_reason_and_path() {
    let bytes = fixture("v2.json");
    let raw = parser_trufflehog::parse(&bytes).expect("parses");
    assert_eq!(raw.len(), 4);
    let f = normalizer_default::normalize(raw);
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].rule_id, "Generic Secret");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].locations[0].path, "app/settings.py");
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[1].rule_id, "High Entropy");
    assert_eq!(f[1].severity, Severity::Low);
    assert_eq!(f[2].rule_id, "RSA private key");
    assert_eq!(f[2].severity, Severity::High);
    assert_eq!(f[2].source_pointer, "line:4");
    assert_no_secrets(&format!("{f:?}"));
}

#[test]
fn trufflehog3_current() {
    let bytes = fixture("trufflehog3-current.json");
    let raw = parser_trufflehog::parse(&bytes).expect("parses");
    assert_eq!(raw.len(), 3);
    let f = normalizer_default::normalize(raw);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].tool, "trufflehog3");
    assert_eq!(f[0].rule_id, "high-entropy");
    assert_eq!(f[0].title, "Hard-coded secret: High Entropy");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].tool_severity.as_deref(), Some("MEDIUM"));
    assert_eq!(f[0].locations[0].path, "charts/values.yaml");
    assert_eq!(f[0].locations[0].start_line, Some(14));
    assert_eq!(f[1].rule_id, "password-in-url");
    assert_eq!(f[1].severity, Severity::High);
    assert_eq!(f[1].source_pointer, "/2");
    assert_no_secrets(&format!("{f:?}"));
}

#[test]
fn trufflehog3_legacy_and_empty() {
    let bytes = fixture("trufflehog3-legacy.json");
    let f = normalizer_default::normalize(parser_trufflehog::parse(&bytes).expect("parses"));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].tool, "trufflehog3");
    assert_eq!(f[0].rule_id, "High entropy");
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].locations[0].path, "fixtures/users.json");
    assert_eq!(f[1].rule_id, "Generic Secret");
    assert_eq!(f[1].severity, Severity::Medium);
    assert_no_secrets(&format!("{f:?}"));

    let empty = fixture("trufflehog3-empty.json");
    // Not claimed: other tools write the same bytes, and the host reads
    // content-free documents as zero findings without a parser.
    assert!(parser_trufflehog::parse(&empty).expect("parses").is_empty());
}
