//! Unit tests with small inline gosec documents.

use super::*;
use corpus_support::kit::{
    DEEP, assert_cuts_end_too_early, assert_each_malformed, assert_empty_input_malformed,
    assert_invalid_json_at, malformed, nested_arrays, parse_doc, parses, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn issue(rule: &str, file: &str, line: Value, sev: &str) -> Value {
    json!({
        "severity": sev,
        "confidence": "HIGH",
        "cwe": {"id": "89", "url": "https://cwe.mitre.org/data/definitions/89.html"},
        "rule_id": rule,
        "details": "SQL string formatting",
        "file": file,
        "code": "35: q := fmt.Sprintf(\"SELECT %s\", id)\n",
        "line": line,
        "column": "9",
        "nosec": false,
        "suppressions": null
    })
}

fn report(issues: Value) -> Value {
    json!({
        "Golang errors": {},
        "Issues": issues,
        "Stats": {"files": 3, "lines": 120, "nosec": 0, "found": 1},
        "GosecVersion": "2.21.4"
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"\n\n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF "]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m =
        malformed(parse(b"{\n\"Issues\": [\n  {\"rule_id\": \"G104\",]}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let text = report(json!([issue("G201", "a.go", json!("36-39"), "MEDIUM")])).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 15, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let input = b"{\"Issues\": [\n{\"rule_id\": 104, \"file\": \"a.go\"}]}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid gosec report"),
        "{}",
        m.message
    );
    assert_each_malformed(
        parse,
        [
            json!({"Issues": [{"rule_id": "G1"}]}),
            json!({"Issues": [{"rule_id": "G1", "file": "a", "line": true}]}),
            json!({"Issues": [{"rule_id": "G1", "file": "a", "line": [1]}]}),
            json!({"Issues": [{"rule_id": "G1", "file": "a", "column": {}}]}),
            json!({"Issues": [{"rule_id": "G1", "file": "a", "cwe": "79"}]}),
            json!({"Issues": [{"rule_id": "G1", "file": "a", "nosec": "yes"}]}),
            json!({"Issues": {"rule_id": "G1"}}),
            json!({"Issues": [], "Golang errors": []}),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    assert!(unsupported(parse(b"[]").expect_err("rejected")).contains("must be an object"));
    malformed(parse(b"[{]"));
    assert!(
        unsupported(parse_doc(parse, json!({"Stats": {}})).expect_err("rejected"))
            .contains("no `Issues`")
    );
    let other = json!({"Issues": [{"id": 1, "title": "x", "path": "y"}]});
    assert!(unsupported(parse_doc(parse, other).expect_err("rejected")).contains("another tool"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let doc = format!(r#"{{"Issues":{}}}"#, nested_arrays(DEEP));
    malformed(parse(doc.as_bytes()));
    let doc = format!(
        r#"{{"Issues":[{{"rule_id":"G1","file":"a","line":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    assert!(parse(nested_arrays(DEEP).as_bytes()).is_err());
    assert!(parse("{\"Issues\":".repeat(DEEP).as_bytes()).is_err());
    // In the ignored Stats: skipped without recursion.
    let doc = format!(r#"{{"Stats":{},"Issues":[]}}"#, nested_arrays(DEEP));
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(report(json!([issue(
        "G201",
        "/src/app/db.go",
        json!("36-39"),
        "MEDIUM"
    )])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "gosec");
    assert_eq!(x.tool_version.as_deref(), Some("2.21.4"));
    assert_eq!(x.rule_id, "G201");
    assert_eq!(
        (x.title.as_str(), x.message.as_str()),
        ("SQL string formatting", "SQL string formatting")
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("MEDIUM"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "/src/app/db.go".into(),
            start_line: Some(36),
            start_column: Some(9),
            end_line: Some(39),
            end_column: None,
        }]
    );
    assert_eq!(x.cwes, vec![89]);
    assert_eq!(x.tags, vec!["confidence:high"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://cwe.mitre.org/data/definitions/89.html")
    );
    assert_eq!(x.source_pointer, "/Issues/0");
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn line_shapes() {
    let lines = [
        (json!("79"), (Some(79), None)),
        (json!(" 12 - 14 "), (Some(12), Some(14))),
        (json!("14-12"), (Some(14), None)),
        (json!("x-3"), (None, None)),
        (json!("0"), (None, None)),
        (json!(""), (None, None)),
        (json!(41), (Some(41), None)),
        (json!(-2), (None, None)),
        (json!(null), (None, None)),
        (json!(2.5), (None, None)),
    ];
    let issues: Vec<Value> = lines
        .iter()
        .map(|(l, _)| issue("G104", "a.go", l.clone(), "LOW"))
        .collect();
    let f = ok(report(Value::Array(issues)));
    for (x, (l, want)) in f.iter().zip(lines) {
        assert_eq!(
            (x.locations[0].start_line, x.locations[0].end_line),
            want,
            "{l}"
        );
    }
}

#[test]
fn severity_table() {
    let sevs = [
        ("HIGH", Severity::High),
        ("medium", Severity::Medium),
        ("LOW", Severity::Low),
        ("WAT", Severity::Medium),
    ];
    let issues: Vec<Value> = sevs
        .iter()
        .map(|(s, _)| issue("G1", "a.go", json!("1"), s))
        .collect();
    let f = ok(report(Value::Array(issues)));
    for (x, (s, want)) in f.iter().zip(sevs) {
        assert_eq!((x.severity, x.tool_severity.as_deref()), (want, Some(s)));
        let source = if s == "WAT" {
            cordon_sdk::SeveritySource::Default
        } else {
            cordon_sdk::SeveritySource::Tool
        };
        assert_eq!(x.severity_source, source, "{s}");
    }
}

#[test]
fn old_gosec_and_odd_values() {
    // gosec 1.x: no cwe, no column, no version.
    let f = ok(json!({"Issues": [
        {"severity": "LOW", "confidence": "HIGH", "rule_id": "G104", "details": "Errors unhandled.",
         "file": "/vagrant/app.go", "code": "x()", "line": "79"},
        {"rule_id": "", "file": "b.go", "cwe": {"id": 252}, "details": "  \n"},
        {"rule_id": "G2", "file": "c.go", "cwe": {"id": "CWE-22", "url": "ftp://x"}, "nosec": true},
        {"rule_id": "G3", "file": "d.go", "suppressions": [{"kind": "inSource", "justification": "ok"}], "cwe": {"id": null}}
    ], "Stats": {}}));
    assert_eq!(f[0].tool_version, None);
    assert!(f[0].cwes.is_empty() && f[0].help_uri.is_none());
    assert_eq!(f[0].locations[0].start_line, Some(79));
    assert_eq!(f[0].locations[0].start_column, None);
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(f[1].title, "unknown");
    assert_eq!(f[1].cwes, vec![252]);
    assert_eq!(
        (f[1].severity, f[1].tool_severity.clone()),
        (Severity::Medium, None)
    );
    assert_eq!(f[1].severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(f[2].cwes, vec![22]);
    assert_eq!(f[2].help_uri, None);
    assert_eq!(f[2].tags, vec!["suppressed-in-source"]);
    assert_eq!(f[3].tags, vec!["suppressed-in-source"]);
    assert!(f[3].cwes.is_empty());
    let blank = ok(json!({"Issues": [{"rule_id": "G9", "file": "", "line": "4"}]}));
    assert!(blank[0].locations.is_empty());
}

#[test]
fn empty_and_golang_errors() {
    assert!(ok(report(json!([]))).is_empty());
    let f = ok(json!({
        "Golang errors": {"/src/broken": [{"line": 3, "column": 1, "error": "undefined: x"}]},
        "Issues": [issue("G104", "a.go", json!("5"), "LOW")],
        "Stats": {}
    }));
    assert_eq!(f.len(), 1);
    unsupported(parse_doc(
        parse,
        json!({"Issues": null, "Stats": {}, "GosecVersion": null}),
    ));
}

#[test]
fn duplicates_are_kept_for_the_normalizer() {
    let dup = issue("G104", "a.go", json!("7"), "LOW");
    let f = ok(report(json!([dup.clone(), dup])));
    assert_eq!(f.len(), 2);
    assert_eq!(f[1].source_pointer, "/Issues/1");
    assert_eq!(normalizer_default::normalize(f).len(), 1);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(report(json!([])).to_string().as_bytes());
    assert!(parse(&input).expect("parses").is_empty());
}
