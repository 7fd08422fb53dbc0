//! Unit tests with small inline Hadolint documents.

use super::*;
use corpus_support::kit::{
    DEEP, assert_cuts_end_too_early, assert_each_malformed, assert_empty_input_malformed,
    assert_invalid_json_at, malformed, nested_arrays, nested_objects, parse_doc, parses,
    unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn item(code: &str, line: u32, level: &str) -> Value {
    json!({
        "line": line,
        "code": code,
        "message": "Pin versions in apt get install.",
        "column": 1,
        "file": "docker/Dockerfile",
        "level": level
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"   ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(
        parse(b"[\n  {\"code\": \"DL3008\",\n   \"line\": 9,,}\n]").expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = json!([item("DL3008", 9, "warning")]).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 12, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m =
        malformed(parse(b"[\n{\"code\": 3008, \"file\": \"Dockerfile\"}]").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Hadolint report"),
        "{}",
        m.message
    );
    assert_each_malformed(
        parse,
        [
            json!([{"code": "DL3008"}]),
            json!([{"code": "DL3008", "file": "D", "line": true}]),
            json!([{"code": "DL3008", "file": "D", "column": [1]}]),
            json!([{"code": "DL3008", "file": "D", "level": 2}]),
            json!([{"code": "DL3008", "file": "D"}, 5]),
            json!([[1]]),
            json!(["DL3008"]),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse_doc(parse, json!({"results": []})).expect_err("rejected"));
    assert!(m.contains("must be an array"), "{m}");
    malformed(parse(b"{\"a\": "));
    unsupported(parse(b"null"));
    // gitleaks, trufflehog3, pip-audit, Hadolint's Code Climate output.
    for doc in [
        json!([{"Description": "AWS", "StartLine": 2, "File": "a", "RuleID": "aws"}]),
        json!([{"rule": {"id": "high-entropy"}, "path": "a", "line": "3"}]),
        json!([{"name": "adal", "version": "1.2.2", "vulns": []}]),
        json!([{"type": "issue", "check_name": "DL3008", "description": "Pin versions",
                "fingerprint": "x", "location": {"path": "Dockerfile", "lines": {"begin": 9}}}]),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    let doc = format!(r#"[{{"code":"DL1","file":{}}}]"#, nested_arrays(DEEP));
    malformed(parse(doc.as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let objects = format!("[{}]", nested_objects("a", DEEP, "1"));
    assert!(parse(objects.as_bytes()).is_err());
    // In an unknown field: skipped without recursion.
    let doc = format!(
        r#"[{{"code":"DL1","file":"D","extra":{}}}]"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(json!([item("DL3008", 9, "warning")]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "hadolint");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "DL3008");
    assert_eq!(x.title, "Pin versions in apt get install.");
    assert_eq!(x.message, "Pin versions in apt get install.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("warning"))
    );
    assert_eq!(x.kind, FindingKind::Iac);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "docker/Dockerfile".into(),
            start_line: Some(9),
            start_column: Some(1),
            end_line: None,
            end_column: None,
        }]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://github.com/hadolint/hadolint/wiki/DL3008")
    );
    assert!(x.tags.is_empty() && x.cwes.is_empty() && x.component.is_none());
    assert_eq!(x.source_pointer, "/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_table() {
    let levels = [
        ("error", Severity::High),
        ("warning", Severity::Medium),
        ("info", Severity::Low),
        ("style", Severity::Info),
        ("ignore", Severity::Info),
        ("WARNING", Severity::Medium),
        ("odd", Severity::Medium),
    ];
    let items: Vec<Value> = levels
        .iter()
        .enumerate()
        .map(|(i, (l, _))| item("DL3000", i as u32 + 1, l))
        .collect();
    let f = ok(Value::Array(items));
    for (x, (l, want)) in f.iter().zip(levels) {
        assert_eq!((x.severity, x.tool_severity.as_deref()), (want, Some(l)));
        let source = if l == "odd" {
            cordon_sdk::SeveritySource::Default
        } else {
            cordon_sdk::SeveritySource::Tool
        };
        assert_eq!(x.severity_source, source, "{l}");
    }
    let f = ok(json!([{"code": "DL3000", "file": "D"}]));
    assert_eq!(
        (
            f[0].severity,
            f[0].severity_source,
            f[0].tool_severity.as_deref()
        ),
        (Severity::Medium, cordon_sdk::SeveritySource::Default, None)
    );
}

#[test]
fn shellcheck_codes_and_odd_values() {
    let f = ok(json!([
        {"code": "SC2086", "file": "Dockerfile", "line": 12, "column": 5, "level": "info",
         "message": "Double quote to prevent globbing and word splitting."},
        {"code": "  ", "file": "django-DefectDojo\\Dockerfile.django", "line": 0, "column": -1},
        {"code": "DL", "file": "D", "line": "7", "message": "\n"},
        {"code": "SCX1", "file": "D", "line": null}
    ]));
    assert_eq!(f[0].tags, vec!["shellcheck"]);
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://www.shellcheck.net/wiki/SC2086")
    );
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(f[1].title, "unknown");
    assert_eq!(
        f[1].locations[0].path,
        "django-DefectDojo\\Dockerfile.django"
    );
    assert_eq!(
        (f[1].locations[0].start_line, f[1].locations[0].start_column),
        (None, None)
    );
    assert_eq!(f[2].help_uri, None);
    assert_eq!(f[2].title, "DL");
    assert_eq!(f[2].locations[0].start_line, Some(7));
    assert_eq!(f[3].help_uri, None);
    assert!(f[3].tags.is_empty());
    let blank = ok(json!([{"code": "DL3000", "file": " ", "line": 2}]));
    assert!(blank[0].locations.is_empty());
}

#[test]
fn clean_run_and_duplicates() {
    assert!(ok(json!([])).is_empty());
    let f = ok(json!([
        item("DL3008", 9, "warning"),
        item("DL3008", 9, "warning"),
        item("DL3015", 9, "info")
    ]));
    assert_eq!(f.len(), 3);
    assert_eq!(f[2].source_pointer, "/2");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(json!([item("DL3008", 9, "warning")]).to_string().as_bytes());
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
