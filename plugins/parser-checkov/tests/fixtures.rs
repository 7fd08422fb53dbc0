//! The repository's own Checkov fixtures (`tests/fixtures/checkov/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/checkov")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn single_report_object() {
    let bytes = fixture("single.json");
    let f = normalizer_default::normalize(parser_checkov::parse(&bytes).expect("parses"));
    // Three failed checks; the passed and the skipped one are not findings.
    assert_eq!(f.len(), 3);
    let ids: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(ids, ["CKV_AWS_18", "CKV_AWS_145", "CKV_AWS_23"]);

    let logs = &f[0];
    assert_eq!(logs.tool, "checkov");
    assert_eq!(logs.tool_version.as_deref(), Some("3.1.40"));
    assert_eq!(
        logs.title,
        "Ensure the S3 bucket has access logging enabled"
    );
    assert_eq!(logs.severity, Severity::Low);
    assert_eq!(logs.kind, FindingKind::Iac);
    assert_eq!(logs.locations[0].path, "/modules/storage/main.tf");
    assert_eq!(logs.locations[0].start_line, Some(1));
    assert_eq!(logs.locations[0].end_line, Some(12));
    assert_eq!(
        logs.component.as_ref().map(|c| c.name.as_str()),
        Some("aws_s3_bucket.artifacts")
    );
    assert_eq!(
        logs.help_uri.as_deref(),
        Some("https://docs.example.invalid/s3-13")
    );
    assert_eq!(
        logs.tags,
        vec![
            "category:Logging".to_string(),
            "check-type:terraform".to_string()
        ]
    );
    assert_eq!(logs.source_pointer, "/results/failed_checks/0");

    assert_eq!(f[1].severity, Severity::Medium);
    // No severity in open-source Checkov: medium.
    assert_eq!(f[2].severity, Severity::Medium);
    assert_eq!(f[2].tool_severity, None);
    assert_eq!(f[2].locations[0].start_line, Some(14));
}

#[test]
fn list_of_frameworks() {
    let bytes = fixture("list.json");
    let f = normalizer_default::normalize(parser_checkov::parse(&bytes).expect("parses"));
    assert_eq!(f.len(), 4);
    assert_eq!(f[0].rule_id, "CKV_AWS_18");
    assert_eq!(f[0].source_pointer, "/0/results/failed_checks/0");

    let root = &f[1];
    assert_eq!(root.rule_id, "CKV_DOCKER_3");
    assert_eq!(root.locations[0].path, "/images/api/Dockerfile");
    assert_eq!(root.locations[0].start_line, None);
    assert_eq!(root.source_pointer, "/1/results/failed_checks/0");
    assert_eq!(f[2].rule_id, "CKV_DOCKER_7");
    assert_eq!(f[2].locations[0].start_line, Some(1));

    let sca = &f[3];
    assert_eq!(sca.kind, FindingKind::Sca);
    assert_eq!(sca.vulnerability_ids, vec!["CVE-2020-28500".to_string()]);
    assert_eq!(sca.severity, Severity::Medium);
    let c = sca.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("lodash", Some("4.17.20"))
    );
    assert_eq!(c.fixed_versions, vec!["4.17.21".to_string()]);
    assert_eq!(sca.source_pointer, "/2/results/failed_checks/0");
}

#[test]
fn summary_only_has_no_findings() {
    let bytes = fixture("summary-only.json");
    assert!(parser_checkov::parse(&bytes).expect("parses").is_empty());
}

#[test]
fn malformed_is_rejected_with_position() {
    let bytes = fixture("malformed.json");
    match parser_checkov::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(9), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
