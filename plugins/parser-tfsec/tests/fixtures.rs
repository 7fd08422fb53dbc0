//! The repository's own tfsec fixtures (`tests/fixtures/tfsec/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/tfsec")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn current_results() {
    let bytes = fixture("current.json");
    let raw = parser_tfsec::parse(&bytes).expect("parses");
    // Five results, one passed (status 1).
    assert_eq!(raw.len(), 4);
    let f = normalizer_default::normalize(raw);
    // The repeated module result is one finding.
    assert_eq!(f.len(), 3);

    let sg = &f[0];
    assert_eq!(sg.tool, "tfsec");
    assert_eq!(sg.rule_id, "AVD-AWS-0107");
    assert_eq!(
        sg.title,
        "An ingress security group rule allows traffic from /0."
    );
    assert_eq!(sg.severity, Severity::Critical);
    assert_eq!(sg.kind, FindingKind::Iac);
    assert_eq!(sg.locations[0].path, "/src/modules/sg/main.tf");
    assert_eq!(sg.locations[0].start_line, Some(12));
    assert_eq!(
        sg.component.as_ref().map(|c| c.name.as_str()),
        Some("module.web.aws_security_group_rule.https")
    );
    assert!(
        sg.tags
            .contains(&"long-id:aws-ec2-no-public-ingress-sgr".to_string())
    );
    assert_eq!(
        sg.help_uri.as_deref(),
        Some("https://docs.example.invalid/aws/ec2/no-public-ingress-sgr")
    );

    assert_eq!(f[1].rule_id, "AVD-AWS-0089");
    assert_eq!(f[1].severity, Severity::Medium);
    assert_eq!(f[1].locations[0].end_line, Some(9));

    let ignored = &f[2];
    assert_eq!(ignored.rule_id, "AVD-AWS-0132");
    assert_eq!(ignored.severity, Severity::Low);
    assert!(ignored.tags.contains(&"suppressed-in-source".to_string()));
    assert_eq!(ignored.source_pointer, "/results/4");
}

#[test]
fn legacy_results() {
    let bytes = fixture("legacy.json");
    let f = normalizer_default::normalize(parser_tfsec::parse(&bytes).expect("parses"));
    assert_eq!(f.len(), 2, "the passed result is skipped");
    assert_eq!(f[0].rule_id, "AWS017");
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].tool_severity.as_deref(), Some("ERROR"));
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://docs.example.invalid/aws/AWS017/")
    );
    assert_eq!(f[0].locations[0].start_line, Some(3));
    assert_eq!(f[1].rule_id, "AWS002");
    assert_eq!(f[1].severity, Severity::Info);
}

#[test]
fn empty_results() {
    let bytes = fixture("empty.json");
    assert!(parser_tfsec::parse(&bytes).expect("parses").is_empty());
}

#[test]
fn malformed_is_rejected_with_position() {
    let bytes = fixture("malformed.json");
    match parser_tfsec::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(10), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
