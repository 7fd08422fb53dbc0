//! Unit tests with small inline Bandit documents.

use super::*;
use corpus_support::kit::{
    DEEP, assert_cuts_end_too_early, assert_each_malformed, assert_empty_input_malformed,
    assert_invalid_json_at, malformed, nested_arrays, nested_objects, parse_doc, parses,
    unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn item(test_id: &str, file: &str, line: u32, sev: &str) -> Value {
    json!({
        "code": "1 import os\n2 assert x\n",
        "col_offset": 4,
        "end_col_offset": 12,
        "filename": file,
        "issue_confidence": "HIGH",
        "issue_cwe": {"id": 703, "link": "https://cwe.mitre.org/data/definitions/703.html"},
        "issue_severity": sev,
        "issue_text": "Use of assert detected.",
        "line_number": line,
        "line_range": [line, line + 2],
        "more_info": "https://bandit.readthedocs.io/en/1.7.9/plugins/b101_assert_used.html",
        "test_id": test_id,
        "test_name": "assert_used"
    })
}

fn report(results: Value) -> Value {
    json!({
        "errors": [],
        "generated_at": "2026-05-01T10:00:00Z",
        "metrics": {"_totals": {"SEVERITY.HIGH": 0, "loc": 10, "nosec": 0}},
        "results": results
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b" \r\n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\t"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(
        parse(b"{\n\"results\": [\n  {\"test_id\": \"B101\" \"x\"}]}").expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = report(json!([item("B101", "a.py", 2, "LOW")])).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 20, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let input = b"{\"results\": [\n{\"test_id\": 101, \"filename\": \"a.py\"}]}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Bandit report"),
        "{}",
        m.message
    );
    assert_each_malformed(
        parse,
        [
            json!({"results": [{"test_id": "B1"}]}),
            json!({"results": [{"test_id": "B1", "filename": "a", "line_number": "x", "line_range": {}}]}),
            json!({"results": [{"test_id": "B1", "filename": "a", "line_number": true}]}),
            json!({"results": [{"test_id": "B1", "filename": "a", "col_offset": "4"}]}),
            json!({"results": [{"test_id": "B1", "filename": "a", "issue_cwe": 78}]}),
            json!({"results": "none"}),
            json!({"results": [[1, 2]]}),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    assert!(unsupported(parse(b"[]").expect_err("rejected")).contains("must be an object"));
    malformed(parse(b"[1,"));
    assert!(
        unsupported(parse_doc(parse, json!({"errors": []})).expect_err("rejected"))
            .contains("no `results`")
    );
    assert!(
        unsupported(parse_doc(parse, json!({"results": null})).expect_err("rejected"))
            .contains("no `results`")
    );
    // A Semgrep report.
    let semgrep =
        json!({"results": [{"check_id": "a", "path": "b", "start": {"line": 1}}], "errors": []});
    assert!(unsupported(parse_doc(parse, semgrep).expect_err("rejected")).contains("another tool"));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let doc = format!(r#"{{"results":{}}}"#, nested_arrays(DEEP));
    malformed(parse(doc.as_bytes()));
    let doc = format!(
        r#"{{"results":[{{"test_id":"B1","filename":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    assert!(parse(nested_arrays(DEEP).as_bytes()).is_err());
    let objects = nested_objects("results", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    // In the ignored metrics: skipped without recursion.
    let doc = format!(r#"{{"metrics":{},"results":[]}}"#, nested_arrays(DEEP));
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(report(json!([item("B101", "pkg\\mod.py", 2, "LOW")])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "bandit");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "B101");
    assert_eq!(x.title, "Use of assert detected.");
    assert_eq!(x.message, "Use of assert detected.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Low, Some("LOW"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "pkg\\mod.py".into(),
            start_line: Some(2),
            start_column: Some(5),
            end_line: Some(4),
            end_column: Some(13),
        }]
    );
    assert_eq!(x.cwes, vec![703]);
    assert_eq!(x.tags, vec!["assert_used", "confidence:high"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://bandit.readthedocs.io/en/1.7.9/plugins/b101_assert_used.html")
    );
    assert_eq!(x.source_pointer, "/results/0");
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_table() {
    use SeveritySource::{Default, Tool};
    let sevs = [
        ("HIGH", Severity::High, Tool),
        ("MEDIUM", Severity::Medium, Tool),
        ("low", Severity::Low, Tool),
        ("UNDEFINED", Severity::Info, Tool),
        ("CRITICAL?", Severity::Medium, Default),
    ];
    let items: Vec<Value> = sevs
        .iter()
        .enumerate()
        .map(|(i, (s, _, _))| item("B1", "a.py", i as u32 + 1, s))
        .collect();
    let f = ok(report(Value::Array(items)));
    for (x, (s, want, source)) in f.iter().zip(sevs) {
        assert_eq!(x.severity, want, "{s}");
        assert_eq!(x.severity_source, source, "{s}");
        assert_eq!(x.tool_severity.as_deref(), Some(s));
    }
}

#[test]
fn old_bandit_without_cwe_and_columns() {
    // Bandit before 1.7.5: no issue_cwe, no col_offset.
    let f = ok(json!({"results": [{
        "filename": "dojo/tools/acunetix/parser.py",
        "issue_confidence": "HIGH",
        "issue_severity": "MEDIUM",
        "issue_text": "Use of insecure MD2, MD4, MD5, or SHA1 hash function.",
        "line_number": 39,
        "line_range": [39],
        "more_info": "https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b303-md5",
        "test_id": "B303",
        "test_name": "blacklist"
    }]}));
    let x = &f[0];
    assert_eq!(x.rule_id, "B303");
    assert!(x.cwes.is_empty());
    assert_eq!(x.locations[0].start_line, Some(39));
    assert_eq!(x.locations[0].end_line, Some(39));
    assert_eq!(x.locations[0].start_column, None);
    assert_eq!(x.tags, vec!["blacklist", "confidence:high"]);
}

#[test]
fn odd_values() {
    let f = ok(json!({"results": [
        {"test_id": " ", "filename": "a.py", "line_number": 0, "line_range": [0, -1], "col_offset": 0,
         "end_col_offset": -3, "issue_cwe": {"id": "CWE-22"}, "more_info": "not a url"},
        {"test_id": "B2", "filename": "b.py", "line_number": 10, "line_range": [3],
         "issue_cwe": {"id": null}, "issue_text": "\n\n  second line is the title\n"},
        {"test_id": "B3", "filename": "c.py", "test_name": "named", "issue_text": "", "col_offset": 1.5}
    ]}));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "unknown");
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[0].locations[0].end_line, None);
    assert_eq!(f[0].locations[0].start_column, Some(1));
    assert_eq!(f[0].locations[0].end_column, None);
    assert_eq!(f[0].cwes, vec![22]);
    assert_eq!(f[0].help_uri, None);
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].severity_source, SeveritySource::Default);
    assert_eq!(f[0].tool_severity, None);
    // An end line before the start line is dropped.
    assert_eq!(f[1].locations[0].end_line, None);
    assert!(f[1].cwes.is_empty());
    assert_eq!(f[1].title, "second line is the title");
    assert_eq!(f[2].title, "named");
    assert_eq!(f[2].locations[0].start_column, None);
    let long =
        ok(json!({"results": [{"test_id": "B1", "filename": "a", "issue_text": "é".repeat(500)}]}));
    assert_eq!(long[0].title.chars().count(), TITLE_MAX_CHARS);
}

#[test]
fn empty_and_errors() {
    assert!(ok(report(json!([]))).is_empty());
    // Per-file errors do not void the report.
    let f = ok(json!({
        "errors": [{"filename": "broken.py", "reason": "syntax error while parsing AST from file"}],
        "results": [item("B101", "a.py", 1, "LOW")]
    }));
    assert_eq!(f.len(), 1);
}

#[test]
fn duplicates_are_kept_for_the_normalizer() {
    // Bandit reports B608 twice for nested string concatenations on one line.
    let dup = item("B608", "a.py", 51, "MEDIUM");
    let f = ok(report(json!([
        dup.clone(),
        dup,
        item("B608", "a.py", 52, "MEDIUM")
    ])));
    assert_eq!(f.len(), 3);
    assert_eq!(f[1].source_pointer, "/results/1");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(
        report(json!([item("B1", "a", 1, "LOW")]))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
