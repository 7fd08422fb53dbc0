//! Unit tests with small inline tfsec documents.

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

fn current(rule: &str, file: &str, line: u32, severity: &str, status: Value) -> Value {
    json!({
        "rule_id": rule,
        "long_id": "aws-ec2-no-public-ingress-sgr",
        "legacy_rule_id": "AWS008",
        "rule_description": "An ingress security group rule allows traffic from /0.",
        "rule_provider": "aws",
        "rule_service": "ec2",
        "impact": "Your port exposed to the internet",
        "resolution": "Set a more restrictive cidr range",
        "links": ["https://docs.example.invalid/aws/ec2/no-public-ingress-sgr", "https://registry.example.invalid/sg"],
        "description": "Security group rule allows ingress from public internet.",
        "severity": severity,
        "warning": false,
        "status": status,
        "resource": "aws_security_group_rule.web_in",
        "location": {"filename": file, "start_line": line, "end_line": line + 4}
    })
}

fn legacy(rule: &str, severity: &str, passed: bool) -> Value {
    json!({
        "rule_id": rule,
        "rule_description": "Pod security policy enforcement not defined.",
        "rule_provider": "google",
        "link": format!("See https://docs.example.invalid/google/{rule}/ for more information."),
        "location": {"filename": "tf/cluster.tf", "start_line": 52, "end_line": 92},
        "description": "Resource 'google_container_cluster.primary' defines a cluster with no Pod Security Policy config defined.",
        "impact": "Pods could be operating with more permissions than required",
        "resolution": "Use security policies for pods",
        "severity": severity,
        "passed": passed
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
        b"{\n\t\"results\": [\n\t\t{\"rule_id\": \"A\",}\n\t]\n}",
    ));
    assert_invalid_json_at(&m, 3);
    let mut bytes =
        serde_json::to_vec_pretty(&json!({"results": [legacy("GCP009", "ERROR", false)]}))
            .expect("json");
    bytes.truncate(bytes.len() / 2);
    let m = malformed(parse(&bytes));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    malformed(parse(b"[1,"));
}

#[test]
fn wrong_types_are_malformed_with_position() {
    for (field, value) in [
        ("rule_id", json!(7)),
        ("links", json!("https://x")),
        ("status", json!(true)),
        ("passed", json!("no")),
        ("location", json!([])),
    ] {
        let mut r = current("A", "main.tf", 1, "HIGH", json!("failed"));
        r[field] = value;
        let text = serde_json::to_string_pretty(&json!({"results": [r]})).expect("json");
        let m = malformed(parse(text.as_bytes()));
        assert!(
            m.message.starts_with("not a valid tfsec report"),
            "{field}: {}",
            m.message
        );
        assert!(m.position.line.is_some_and(|l| l > 1), "{field}: {m:?}");
    }
    let mut r = current("A", "main.tf", 1, "HIGH", json!("failed"));
    r["location"]["start_line"] = json!("first");
    malformed(parse(json!({"results": [r]}).to_string().as_bytes()));
    malformed(parse(b"{\"results\": {}}"));
    malformed(parse(b"{\"results\": [[\"A\"]]}"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let deep = format!("{{\"results\": {}}}", nested_arrays(DEEP));
    malformed(parse(deep.as_bytes()));
    assert_each_unsupported(parse, [nested_objects("a", DEEP, "1"), nested_arrays(DEEP)]);
}

#[test]
fn other_documents_are_unsupported() {
    let sarif = r#"{"version": "2.1.0", "runs": []}"#;
    assert_unsupported_saying(parse, sarif, "no `results`");
    assert_each_unsupported(parse, ["[]", "null"]);
}

// ---- mapping --------------------------------------------------------------------

#[test]
fn empty_results() {
    assert!(ok(json!({"results": null})).is_empty());
    assert!(ok(json!({"results": []})).is_empty());
}

#[test]
fn current_result_maps_every_field() {
    let f = ok(
        json!({"results": [current("AVD-AWS-0107", "modules/sg/main.tf", 10, "CRITICAL", json!("failed"))]}),
    );
    let x = &f[0];
    assert_eq!(x.tool, "tfsec");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "AVD-AWS-0107");
    assert_eq!(
        x.title,
        "An ingress security group rule allows traffic from /0."
    );
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!(x.tool_severity.as_deref(), Some("CRITICAL"));
    assert_eq!(x.kind, FindingKind::Iac);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "modules/sg/main.tf".into(),
            start_line: Some(10),
            start_column: None,
            end_line: Some(14),
            end_column: None,
        }]
    );
    assert_eq!(
        x.component.as_ref().map(|c| c.name.as_str()),
        Some("aws_security_group_rule.web_in")
    );
    assert_eq!(
        x.tags,
        vec![
            "provider:aws".to_string(),
            "service:ec2".to_string(),
            "long-id:aws-ec2-no-public-ingress-sgr".to_string(),
            "legacy-id:AWS008".to_string()
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.example.invalid/aws/ec2/no-public-ingress-sgr")
    );
    assert_eq!(x.source_pointer, "/results/0");
    assert_eq!(
        x.message,
        "Security group rule allows ingress from public internet.\n\n\
         Impact: Your port exposed to the internet\n\n\
         Resolution: Set a more restrictive cidr range"
    );
}

#[test]
fn legacy_result_maps_every_field() {
    let f =
        ok(json!({"results": [legacy("GCP008", "ERROR", true), legacy("GCP009", "ERROR", false)]}));
    assert_eq!(f.len(), 1, "passed results are skipped");
    let x = &f[0];
    assert_eq!(x.rule_id, "GCP009");
    assert_eq!(x.title, "Pod security policy enforcement not defined.");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.tool_severity.as_deref(), Some("ERROR"));
    assert_eq!(x.locations[0].path, "tf/cluster.tf");
    assert_eq!(x.locations[0].start_line, Some(52));
    assert_eq!(x.locations[0].end_line, Some(92));
    assert!(x.component.is_none());
    assert_eq!(x.tags, vec!["provider:google".to_string()]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.example.invalid/google/GCP009/")
    );
    assert_eq!(x.source_pointer, "/results/1");
}

#[test]
fn status_and_severity_tables() {
    let statuses = [
        json!("failed"),
        json!("passed"),
        json!("ignored"),
        json!(0),
        json!(1),
        json!(2),
        json!(null),
        json!("weird"),
    ];
    let results: Vec<Value> = statuses
        .iter()
        .map(|s| current("A", "f.tf", 1, "HIGH", s.clone()))
        .collect();
    let f = ok(json!({ "results": results }));
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/results/0",
            "/results/2",
            "/results/3",
            "/results/5",
            "/results/6",
            "/results/7"
        ]
    );
    let suppressed: Vec<bool> = f
        .iter()
        .map(|x| x.tags.contains(&"suppressed-in-source".to_string()))
        .collect();
    assert_eq!(suppressed, [false, true, false, true, false, false]);

    for (s, want) in [
        ("CRITICAL", Severity::Critical),
        ("HIGH", Severity::High),
        ("ERROR", Severity::High),
        ("MEDIUM", Severity::Medium),
        ("WARNING", Severity::Medium),
        ("low", Severity::Low),
        ("INFO", Severity::Info),
        ("??", Severity::Medium),
    ] {
        let f = ok(json!({"results": [legacy("X", s, false)]}));
        assert_eq!(f[0].severity, want, "{s}");
        let source = if s == "??" {
            cordon_sdk::SeveritySource::Default
        } else {
            cordon_sdk::SeveritySource::Tool
        };
        assert_eq!(f[0].severity_source, source, "{s}");
    }
}

#[test]
fn missing_fields() {
    let f = ok(
        json!({"results": [{}, {"long_id": "aws-x", "location": {"filename": "a.tf", "start_line": 0, "end_line": 3}}]}),
    );
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "unknown");
    assert_eq!(f[0].message, "unknown");
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(f[0].locations.is_empty());
    assert_eq!(f[1].rule_id, "aws-x");
    assert!(f[1].tags.is_empty());
    assert_eq!(f[1].locations[0].start_line, None);
    assert_eq!(f[1].locations[0].end_line, None);
}

#[test]
fn repeated_module_results_are_one_finding_per_instance() {
    // The same rule at the same place, reached through two module instances
    // that the message names: two findings (the instances are two
    // resources), and a third on another line.
    let a = current(
        "aws-vpc-no-public-egress-sgr",
        "modules/sg/main.tf",
        72,
        "CRITICAL",
        json!("failed"),
    );
    let mut b = a.clone();
    b["description"] = json!("Resource 'module.other:aws_security_group_rule.x' defines ...");
    let c = current(
        "aws-vpc-no-public-egress-sgr",
        "modules/sg/main.tf",
        80,
        "CRITICAL",
        json!("failed"),
    );
    let f = normalizer_default::normalize(ok(json!({"results": [a.clone(), b, c, a]})));
    assert_eq!(f.len(), 3, "the repeated identical result merges");
}
