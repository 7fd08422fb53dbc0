//! Unit tests with small inline KICS documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_unsupported, assert_empty_input_malformed,
    assert_invalid_json_at, assert_unsupported_saying, malformed, nested_arrays, nested_objects,
    parses,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn file(name: &str, line: Value, expected: &str) -> Value {
    json!({
        "file_name": name,
        "similarity_id": "0000000000000000000000000000000000000000000000000000000000000001",
        "line": line,
        "resource_type": "aws_s3_bucket",
        "resource_name": "logs",
        "issue_type": "MissingAttribute",
        "search_key": "aws_s3_bucket[logs]",
        "search_line": -1,
        "search_value": "",
        "expected_value": expected,
        "actual_value": "'versioning' is missing",
        "value": null
    })
}

fn query(id: &str, severity: &str, files: Vec<Value>) -> Value {
    json!({
        "query_name": "S3 Bucket Without Versioning",
        "query_id": id,
        "query_url": "https://docs.example.invalid/s3-versioning",
        "severity": severity,
        "platform": "Terraform",
        "cwe": "710",
        "cloud_provider": "AWS",
        "category": "Observability",
        "experimental": false,
        "description": "S3 bucket should have versioning enabled",
        "description_id": "7614ce3b",
        "files": files
    })
}

fn report(queries: Vec<Value>) -> Value {
    json!({
        "kics_version": "v1.7.13",
        "files_scanned": 3,
        "lines_scanned": 120,
        "files_parsed": 3,
        "queries_total": 900,
        "queries_failed_to_execute": 0,
        "scan_id": "console",
        "severity_counters": {"CRITICAL": 0, "HIGH": 0, "INFO": 0, "LOW": 0, "MEDIUM": 1, "TRACE": 0},
        "total_counter": 1,
        "queries": queries
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
    let m = malformed(parse(b"{\n\t\"queries_total\": 1,\n\t\"queries\": [}\n}"));
    assert_invalid_json_at(&m, 3);
    let mut bytes = serde_json::to_vec_pretty(&report(vec![query(
        "q",
        "HIGH",
        vec![file("a.tf", json!(1), "x")],
    )]))
    .expect("json");
    bytes.truncate(bytes.len() / 2);
    let m = malformed(parse(&bytes));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    malformed(parse(b"{,}"));
}

#[test]
fn wrong_types_are_malformed_with_position() {
    for (field, value) in [
        ("line", json!("ten")),
        ("line", json!([10])),
        ("file_name", json!(3)),
        ("expected_value", json!({"a": 1})),
    ] {
        let mut f = file("a.tf", json!(1), "x");
        f[field] = value;
        let text =
            serde_json::to_string_pretty(&report(vec![query("q", "HIGH", vec![f])])).expect("json");
        let m = malformed(parse(text.as_bytes()));
        assert!(
            m.message.starts_with("not a valid KICS report"),
            "{field}: {}",
            m.message
        );
        assert!(m.position.line.is_some_and(|l| l > 1), "{field}: {m:?}");
    }
    for (field, value) in [
        ("cwe", json!("CWE-abc")),
        ("files", json!({})),
        ("severity", json!(3)),
    ] {
        let mut q = query("q", "HIGH", vec![]);
        q[field] = value;
        malformed(parse(report(vec![q]).to_string().as_bytes()));
    }
    malformed(parse(b"{\"queries\": {}}"));
    malformed(parse(b"{\"queries\": [[\"q\"]]}"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let deep = format!("{{\"queries\": {}}}", nested_arrays(DEEP));
    malformed(parse(deep.as_bytes()));
    assert_each_unsupported(parse, [nested_objects("a", DEEP, "1"), nested_arrays(DEEP)]);
}

#[test]
fn other_documents_are_unsupported() {
    let sarif = r#"{"version": "2.1.0", "runs": []}"#;
    assert_unsupported_saying(parse, sarif, "no `queries`");
    assert_each_unsupported(parse, ["[]", "null"]);
}

// ---- mapping --------------------------------------------------------------------

#[test]
fn empty_queries() {
    assert!(ok(report(vec![])).is_empty());
    assert!(ok(json!({"queries_total": 1, "queries": null})).is_empty());
    assert!(ok(report(vec![json!({"query_id": "q", "files": null})])).is_empty());
}

#[test]
fn file_entry_maps_every_field() {
    let f = ok(report(vec![query(
        "568a4d22-3517-44a6-a7ad-6a7eed88722c",
        "MEDIUM",
        vec![file(
            "infra/s3.tf",
            json!(5),
            "'versioning' is equal 'true'",
        )],
    )]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "kics");
    assert_eq!(x.tool_version.as_deref(), Some("v1.7.13"));
    assert_eq!(x.rule_id, "568a4d22-3517-44a6-a7ad-6a7eed88722c");
    assert_eq!(x.title, "S3 Bucket Without Versioning");
    assert_eq!(x.severity, Severity::Medium);
    assert_eq!(x.tool_severity.as_deref(), Some("MEDIUM"));
    assert_eq!(x.kind, FindingKind::Iac);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "infra/s3.tf".into(),
            start_line: Some(5),
            start_column: None,
            end_line: None,
            end_column: None,
        }]
    );
    assert_eq!(
        x.component.as_ref().map(|c| c.name.as_str()),
        Some("aws_s3_bucket.logs")
    );
    assert_eq!(x.cwes, vec![710]);
    assert_eq!(
        x.tags,
        vec![
            "platform:Terraform".to_string(),
            "category:Observability".to_string(),
            "issue-type:MissingAttribute".to_string()
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.example.invalid/s3-versioning")
    );
    assert_eq!(x.source_pointer, "/queries/0/files/0");
    assert_eq!(
        x.message,
        "S3 bucket should have versioning enabled\n\
         Expected: 'versioning' is equal 'true'\n\
         Actual: 'versioning' is missing\n\
         Issue type: MissingAttribute\n\
         Search key: aws_s3_bucket[logs]"
    );
}

#[test]
fn severity_table_and_kinds() {
    let mut queries = Vec::new();
    for s in [
        "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "TRACE", "weird",
    ] {
        queries.push(query(s, s, vec![file("a.tf", json!(1), "x")]));
    }
    let mut secret = query("s", "HIGH", vec![file("a.tf", json!(2), "x")]);
    secret["category"] = json!("Secret Management");
    queries.push(secret);
    let f = ok(report(queries));
    let severities: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    assert_eq!(
        severities,
        [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
            Severity::Info,
            Severity::Medium,
            Severity::High
        ]
    );
    let sources: Vec<bool> = f
        .iter()
        .map(|x| x.severity_source == cordon_sdk::SeveritySource::Tool)
        .collect();
    // `weird` is no KICS level: the default.
    assert_eq!(sources, [true, true, true, true, true, true, false, true]);
    assert_eq!(f[6].severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(f[7].kind, FindingKind::Secret);
    assert_eq!(f[7].source_pointer, "/queries/7/files/0");
}

#[test]
fn missing_fields_and_cwe_forms() {
    let mut q =
        json!({"files": [{"line": 0}, {"file_name": "b.tf", "resource_name": "only_name"}]});
    q["cwe"] = json!(79);
    let mut q2 = json!({"query_name": "Named", "files": [{"file_name": "c.tf", "line": "3"}]});
    q2["cwe"] = json!("CWE-22");
    let f = ok(json!({"queries_total": 2, "queries": [q, q2]}));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "unknown");
    assert_eq!(f[0].message, "unknown");
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(f[0].locations.is_empty());
    assert_eq!(f[0].cwes, vec![79]);
    assert_eq!(
        f[1].component.as_ref().map(|c| c.name.as_str()),
        Some("only_name")
    );
    assert_eq!(f[2].rule_id, "Named");
    assert_eq!(f[2].cwes, vec![22]);
    assert_eq!(f[2].locations[0].start_line, Some(3));
    assert_eq!(f[2].source_pointer, "/queries/1/files/0");
}

#[test]
fn one_query_with_two_messages_on_one_line_is_two_findings() {
    // Two different problems (apiGroups, verbs) on line 20: different
    // messages are different findings.
    let f = normalizer_default::normalize(ok(report(vec![query(
        "rbac-wildcard",
        "LOW",
        vec![
            file(
                "rbac.yaml",
                json!(20),
                "rules[0].apiGroups shouldn't contain '*'",
            ),
            file(
                "rbac.yaml",
                json!(20),
                "rules[0].verbs shouldn't contain '*'",
            ),
            file(
                "rbac.yaml",
                json!(31),
                "rules[1].verbs shouldn't contain '*'",
            ),
        ],
    )])));
    assert_eq!(f.len(), 3);
}
