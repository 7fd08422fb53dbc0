//! Unit tests with small inline Checkov documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_empty_input_malformed, assert_invalid_json_at, malformed,
    nested_arrays, nested_objects, parses, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn check(id: &str, resource: &str, range: Value, severity: Value) -> Value {
    json!({
        "check_id": id,
        "bc_check_id": "BC_AWS_S3_14",
        "check_name": "Ensure all data stored in the S3 bucket is securely encrypted at rest",
        "check_result": {"result": "FAILED", "evaluated_keys": ["server_side_encryption_configuration"]},
        "code_block": [[1, "resource \"aws_s3_bucket\" \"logs\" {\n"]],
        "file_path": "/storage/s3.tf",
        "file_abs_path": "/work/storage/s3.tf",
        "repo_file_path": "/storage/s3.tf",
        "file_line_range": range,
        "resource": resource,
        "evaluations": null,
        "check_class": "checkov.terraform.checks.resource.aws.S3Encryption",
        "severity": severity,
        "bc_category": "Encryption",
        "description": null,
        "guideline": "https://docs.example.invalid/s3-encryption"
    })
}

fn report(check_type: &str, failed: Vec<Value>) -> Value {
    json!({
        "check_type": check_type,
        "results": {
            "passed_checks": [check("CKV_AWS_1", "aws_s3_bucket.ok", json!([1, 3]), json!(null))],
            "failed_checks": failed,
            "skipped_checks": [check("CKV_AWS_2", "aws_s3_bucket.skipped", json!([5, 9]), json!("HIGH"))],
            "parsing_errors": []
        },
        "summary": {"passed": 1, "failed": 1, "skipped": 1, "parsing_errors": 0,
                    "resource_count": 3, "checkov_version": "3.2.1"}
    })
}

// ---- detect ---------------------------------------------------------------

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(parse(
        b"{\n  \"check_type\": \"terraform\",\n  \"results\": {,}\n}",
    ));
    assert_invalid_json_at(&m, 3);
    let mut bytes = serde_json::to_vec_pretty(&report(
        "terraform",
        vec![check("CKV_AWS_19", "r", json!([1, 2]), json!(null))],
    ))
    .expect("json");
    bytes.truncate(bytes.len() / 2);
    let m = malformed(parse(&bytes));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    let m = malformed(parse(b"nonsense"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

#[test]
fn wrong_types_are_malformed_with_position() {
    for (field, value) in [
        ("file_line_range", json!("1-16")),
        ("file_line_range", json!([{}, 2])),
        ("check_id", json!(42)),
        ("severity", json!(["HIGH"])),
        ("vulnerability_details", json!([])),
    ] {
        let mut c = check("CKV_AWS_19", "r", json!([1, 2]), json!(null));
        c[field] = value;
        let text = serde_json::to_string_pretty(&report("terraform", vec![c])).expect("json");
        let m = malformed(parse(text.as_bytes()));
        assert!(
            m.message.starts_with("not a valid Checkov report"),
            "{field}: {}",
            m.message
        );
        assert!(m.position.line.is_some_and(|l| l > 1), "{field}: {m:?}");
    }
    malformed(parse(b"{\"check_type\": \"terraform\", \"results\": []}"));
    malformed(parse(b"[[\"terraform\"]]"));
    malformed(parse(b"{\"failed\": \"none\", \"checkov_version\": \"2\"}"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    unsupported(parse(nested_objects("a", DEEP, "1").as_bytes()));
    let mut deep =
        b"{\"check_type\": \"t\", \"results\": {\"failed_checks\": [{\"file_line_range\": "
            .to_vec();
    deep.extend(unclosed_arrays(DEEP).bytes());
    malformed(parse(&deep));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"{\"version\": \"2.1.0\", \"runs\": []}"));
    assert!(m.contains("neither `results`"), "{m}");
    let m = unsupported(parse(b"[{\"results\": {}}, {\"a\": 1}]"));
    assert!(m.contains("/1"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"17"));
    let m = unsupported(parse(
        b"{\"passed\": 3, \"failed\": 2, \"checkov_version\": \"2.1\"}",
    ));
    assert!(m.contains("counts 2 failed checks"), "{m}");
}

// ---- mapping --------------------------------------------------------------------

#[test]
fn summary_only_and_empty_reports() {
    assert!(
        ok(
            json!({"passed": 0, "failed": 0, "skipped": 0, "parsingerrors": 0,
                  "resourcecount": 0, "checkov_version": "2.1.269"})
        )
        .is_empty()
    );
    assert!(ok(report("terraform", vec![])).is_empty());
    assert!(ok(json!({"check_type": "terraform", "results": null})).is_empty());
    assert!(ok(json!({"check_type": "terraform", "results": {"failed_checks": null}})).is_empty());
    assert!(ok(json!([])).is_empty());
}

#[test]
fn iac_check_maps_every_field() {
    let f = ok(report(
        "terraform",
        vec![check(
            "CKV_AWS_19",
            "aws_s3_bucket.logs",
            json!([1, 16]),
            json!("HIGH"),
        )],
    ));
    assert_eq!(f.len(), 1, "passed and skipped checks are not findings");
    let x = &f[0];
    assert_eq!(x.tool, "checkov");
    assert_eq!(x.tool_version.as_deref(), Some("3.2.1"));
    assert_eq!(x.rule_id, "CKV_AWS_19");
    assert_eq!(
        x.title,
        "Ensure all data stored in the S3 bucket is securely encrypted at rest"
    );
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.tool_severity.as_deref(), Some("HIGH"));
    assert_eq!(x.kind, FindingKind::Iac);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "/storage/s3.tf".into(),
            start_line: Some(1),
            start_column: None,
            end_line: Some(16),
            end_column: None,
        }]
    );
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "aws_s3_bucket.logs");
    assert_eq!(c.version, None);
    assert!(x.vulnerability_ids.is_empty() && x.cwes.is_empty());
    assert_eq!(
        x.tags,
        vec![
            "check-type:terraform".to_string(),
            "category:Encryption".to_string()
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.example.invalid/s3-encryption")
    );
    assert_eq!(x.source_pointer, "/results/failed_checks/0");
    assert_eq!(
        x.message,
        "Ensure all data stored in the S3 bucket is securely encrypted at rest"
    );
}

#[test]
fn severity_table() {
    let sev = |s: Value| {
        ok(report(
            "terraform",
            vec![check("CKV_X", "r", json!([1, 2]), s)],
        ))[0]
            .clone()
    };
    use SeveritySource::{Default, Tool};
    for (word, want, source) in [
        ("CRITICAL", Severity::Critical, Tool),
        ("high", Severity::High, Tool),
        ("MEDIUM", Severity::Medium, Tool),
        ("Moderate", Severity::Medium, Tool),
        ("LOW", Severity::Low, Tool),
        ("INFO", Severity::Info, Tool),
        ("UNHEARD", Severity::Medium, Default),
    ] {
        let f = sev(json!(word));
        assert_eq!((f.severity, f.severity_source), (want, source), "{word}");
        assert_eq!(f.tool_severity.as_deref(), Some(word));
    }
    // Open-source Checkov, offline: `severity: null`.
    let none = sev(json!(null));
    assert_eq!(none.severity, Severity::Medium);
    assert_eq!(none.severity_source, Default);
    assert_eq!(none.tool_severity, None);
    // The same default as parser-sarif gives Checkov's `error` levels.
    assert_eq!(
        cordon_parser_support::ungraded_level_default(TOOL),
        Some(DEFAULT_SEVERITY)
    );
}

#[test]
fn sca_check_without_a_level_uses_cvss() {
    let sca = |details: Value| {
        json!({
            "check_id": "CKV_CVE_2021_1", "check_name": "Vulnerable package",
            "file_path": "/package.json", "file_line_range": [0, 0],
            "resource": "package.json.p", "severity": null, "vulnerability_details": details
        })
    };
    let f = ok(report(
        "sca_package",
        vec![
            sca(json!({"id": "CVE-2021-1", "severity": "low", "cvss": 9.8})),
            sca(json!({"id": "CVE-2021-1", "cvss": 9.8})),
            sca(json!({"id": "CVE-2021-1", "cvss": "5.3"})),
            sca(json!({"id": "CVE-2021-1", "cvss": 12})),
        ],
    ));
    let got: Vec<(Severity, SeveritySource, Option<&str>)> = f
        .iter()
        .map(|x| (x.severity, x.severity_source, x.tool_severity.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            // Checkov's own level wins over CVSS.
            (Severity::Low, SeveritySource::Tool, Some("low")),
            (Severity::Critical, SeveritySource::Cvss, Some("9.8")),
            (Severity::Medium, SeveritySource::Cvss, Some("5.3")),
            // Not a CVSS score: the default.
            (Severity::Medium, SeveritySource::Default, None),
        ]
    );
}

#[test]
fn list_dockerfile_sca_and_secrets() {
    let docker = json!({
        "check_id": "CKV_DOCKER_2", "check_name": "Ensure that HEALTHCHECK instructions have been added",
        "file_path": "/app/Dockerfile", "file_line_range": [0, 0], "resource": "/app/Dockerfile.",
        "severity": null
    });
    let sca = json!({
        "check_id": "CKV_CVE_2021_23337", "check_name": "Vulnerable package",
        "file_path": "/package.json", "file_line_range": [0, 0],
        "resource": "package.json.lodash", "severity": null,
        "vulnerability_details": {"id": "CVE-2021-23337", "severity": "high",
            "package_name": "lodash", "package_version": "4.17.15",
            "lowest_fixed_version": "4.17.21", "link": "https://nvd.example.invalid/CVE-2021-23337",
            "cvss": 7.2, "fixed_versions": [{"version": "4.17.21"}]}
    });
    let secret = json!({
        "check_id": "CKV_SECRET_2", "check_name": "AWS Access Key",
        "file_path": "/config.env", "file_line_range": [3, 4],
        "resource": "25910f981e85ca04baf359199dd0bd4a3ae738b6", "severity": "HIGH"
    });
    let f = ok(json!([
        report("dockerfile", vec![docker]),
        report("sca_package", vec![sca]),
        report("secrets", vec![secret]),
    ]));
    assert_eq!(f.len(), 3);
    assert_eq!(f[0].kind, FindingKind::Iac);
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[0].locations[0].end_line, None);
    assert_eq!(f[0].source_pointer, "/0/results/failed_checks/0");
    assert_eq!(
        f[0].message,
        "Ensure that HEALTHCHECK instructions have been added"
    );

    let s = &f[1];
    assert_eq!(s.kind, FindingKind::Sca);
    assert_eq!(s.vulnerability_ids, vec!["CVE-2021-23337".to_string()]);
    assert_eq!(s.severity, Severity::High);
    assert_eq!(s.severity_source, SeveritySource::Tool);
    assert_eq!(s.tool_severity.as_deref(), Some("high"));
    let c = s.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("lodash", Some("4.17.15"))
    );
    assert_eq!(c.fixed_versions, vec!["4.17.21".to_string()]);
    assert_eq!(
        s.help_uri.as_deref(),
        Some("https://nvd.example.invalid/CVE-2021-23337")
    );
    assert_eq!(s.source_pointer, "/1/results/failed_checks/0");

    let k = &f[2];
    assert_eq!(k.kind, FindingKind::Secret);
    assert!(k.component.is_none());
    assert!(!k.message.contains("25910f98"), "{}", k.message);
    assert_eq!(k.locations[0].start_line, Some(3));
    assert_eq!(k.locations[0].end_line, Some(4));
}

#[test]
fn missing_fields_and_long_values() {
    let f = ok(report("terraform", vec![json!({})]));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "unknown");
    assert!(f[0].locations.is_empty());
    assert!(f[0].component.is_none());
    assert_eq!(f[0].message, "Checkov check unknown failed");
    let long = "x".repeat(5000);
    let f = ok(report(
        "terraform",
        vec![json!({"check_id": long, "check_name": long, "resource": long})],
    ));
    assert!(f[0].rule_id.len() <= 1024);
    assert!(f[0].title.chars().count() <= TITLE_MAX_CHARS);
    assert!(
        f[0].component
            .as_ref()
            .is_some_and(|c| c.name.len() <= 1024)
    );
    // BOM.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        report("terraform", vec![json!({"check_id": "A"})])
            .to_string()
            .bytes(),
    );
    assert_eq!(parse(&bytes).expect("parses").len(), 1);
}

#[test]
fn same_check_same_resource_is_one_finding() {
    let a = check(
        "CKV_AWS_19",
        "aws_s3_bucket.logs",
        json!([1, 16]),
        json!(null),
    );
    let b = check(
        "CKV_AWS_19",
        "aws_s3_bucket.data",
        json!([18, 30]),
        json!(null),
    );
    let f = normalizer_default::normalize(ok(json!([
        report("terraform", vec![a.clone(), b]),
        report("terraform_plan", vec![a]),
    ])));
    assert_eq!(f.len(), 2);
}
