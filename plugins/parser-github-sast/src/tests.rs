//! Unit tests with small inline code scanning alert lists.

use super::*;
use corpus_support::kit::{
    DEEP, assert_cuts_end_too_early, assert_each_malformed, assert_empty_input_malformed,
    assert_invalid_json_at, malformed, nested_arrays, nested_objects, parse_doc, parses,
    severities, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn alert(number: u64, rule_id: &str, level: Option<&str>, path: &str, line: u32) -> Value {
    let mut rule = json!({
        "id": rule_id,
        "severity": "error",
        "description": "Uncontrolled data used in path expression",
        "name": rule_id,
        "tags": ["correctness", "external/cwe/cwe-022", "external/cwe/cwe-023", "security"],
        "full_description": "Accessing paths influenced by users can allow access to unexpected resources.",
        "help_uri": "https://codeql.github.com/codeql-query-help/python/py-path-injection/"
    });
    if let Some(l) = level {
        rule["security_severity_level"] = json!(l);
    }
    json!({
        "number": number,
        "created_at": "2026-01-19T14:11:18Z",
        "url": format!("https://api.github.com/repos/acme/app/code-scanning/alerts/{number}"),
        "html_url": format!("https://github.com/acme/app/security/code-scanning/{number}"),
        "state": "open",
        "fixed_at": null,
        "dismissed_by": null,
        "dismissed_at": null,
        "dismissed_reason": null,
        "rule": rule,
        "tool": {"name": "CodeQL", "guid": null, "version": "2.20.1"},
        "most_recent_instance": {
            "ref": "refs/heads/main",
            "analysis_key": ".github/workflows/codeql.yml:analyze",
            "category": "/language:python",
            "state": "open",
            "commit_sha": "0123456789abcdef0123456789abcdef01234567",
            "message": {"text": "This path depends on a user-provided value."},
            "location": {"path": path, "start_line": line, "end_line": line, "start_column": 25, "end_column": 63},
            "classifications": []
        },
        "instances_url": format!("https://api.github.com/repos/acme/app/code-scanning/alerts/{number}/instances")
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"\t", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m =
        malformed(parse(b"[\n {\"number\": 1,\n  \"rule\": {\"id\": }}]").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let text = json!([alert(1, "py/path-injection", Some("high"), "a.py", 3)]).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 30, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"[{\"rule\":\n{\"id\": 5}}]").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message
            .starts_with("not a valid GitHub code scanning alerts list"),
        "{}",
        m.message
    );
    assert_each_malformed(
        parse,
        [
            json!([{"rule": "py/x"}]),
            json!([{"rule": {"id": "a"}, "most_recent_instance": {"location": {"start_line": true}}}]),
            json!([{"rule": {"id": "a"}, "most_recent_instance": {"location": {"path": 5}}}]),
            json!([{"rule": {"id": "a"}, "most_recent_instance": {"message": "text"}}]),
            json!([{"rule": {"id": "a", "description": ["x"]}}]),
            json!([{"rule": {"id": "a"}}, [1]]),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(
        parse_doc(parse, json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}))
            .expect_err("rejected"),
    );
    assert!(
        m.contains("GitHub API error") && m.contains("Not Found"),
        "{m}"
    );
    let m = unsupported(parse_doc(parse, json!({"not": "a list"})).expect_err("rejected"));
    assert!(m.contains("must be an array"), "{m}");
    let m =
        unsupported(parse_doc(parse, json!({"message": "x".repeat(5000)})).expect_err("rejected"));
    assert!(m.len() < 400);
    malformed(parse(b"{\"message\": "));
    unsupported(parse(b"42"));
    for doc in [
        json!([{"line": 9, "code": "DL3008", "file": "Dockerfile", "level": "warning"}]),
        json!([{"Description": "AWS", "File": "a", "RuleID": "aws"}]),
        json!([{"name": "adal", "version": "1.2.2", "vulns": []}]),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    let doc = format!(r#"[{{"rule":{}}}]"#, nested_arrays(DEEP));
    malformed(parse(doc.as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let objects = format!(r#"[{{"rule":{}}}]"#, nested_objects("id", DEEP, "1"));
    malformed(parse(objects.as_bytes()));
    // Unknown keys nested deep inside a known object are skipped.
    let objects = format!("[{}]", nested_objects("rule", DEEP, "1"));
    assert_eq!(parse(objects.as_bytes()).map(|f| f.len()).ok(), Some(1));
    let objects = nested_objects("message", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    // In an ignored field: skipped without recursion.
    let doc = format!(
        r#"[{{"rule":{{"id":"a"}},"extra":{}}}]"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(json!([alert(
        34,
        "py/path-injection",
        Some("high"),
        "src/file2.py",
        78
    )]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "CodeQL");
    assert_eq!(x.tool_version.as_deref(), Some("2.20.1"));
    assert_eq!(x.rule_id, "py/path-injection");
    assert_eq!(x.title, "Uncontrolled data used in path expression");
    assert_eq!(x.message, "This path depends on a user-provided value.");
    assert_eq!(severities(&f), [(Severity::High, Some("high"))]);
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "src/file2.py".into(),
            start_line: Some(78),
            start_column: Some(25),
            end_line: Some(78),
            end_column: Some(63),
        }]
    );
    assert_eq!(x.cwes, vec![22, 23]);
    assert_eq!(
        x.tags,
        vec![
            "correctness",
            "external/cwe/cwe-022",
            "external/cwe/cwe-023",
            "security",
            "state:open",
            "github-alert:34"
        ]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://codeql.github.com/codeql-query-help/python/py-path-injection/")
    );
    assert_eq!(x.source_pointer, "/0");
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_table() {
    use SeveritySource::{Default, SecuritySeverity, Tool};
    let cases = [
        (
            Some("critical"),
            "error",
            Severity::Critical,
            SecuritySeverity,
            "critical",
        ),
        (
            Some("high"),
            "warning",
            Severity::High,
            SecuritySeverity,
            "high",
        ),
        (
            Some("medium"),
            "error",
            Severity::Medium,
            SecuritySeverity,
            "medium",
        ),
        (Some("low"), "error", Severity::Low, SecuritySeverity, "low"),
        (Some("bogus"), "error", Severity::High, Tool, "error"),
        (None, "error", Severity::High, Tool, "error"),
        (None, "warning", Severity::Medium, Tool, "warning"),
        (None, "note", Severity::Low, Tool, "note"),
        (None, "none", Severity::Info, Tool, "none"),
        (None, "strange", Severity::Medium, Default, "strange"),
    ];
    let alerts: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, (sec, lvl, _, _, _))| {
            let mut a = alert(i as u64, "r", *sec, "a.py", i as u32 + 1);
            a["rule"]["severity"] = json!(lvl);
            a
        })
        .collect();
    let f = ok(Value::Array(alerts));
    for (x, (sec, lvl, want, source, written)) in f.iter().zip(cases) {
        assert_eq!(
            (x.severity, x.severity_source, x.tool_severity.as_deref()),
            (want, source, Some(written)),
            "{sec:?} {lvl}"
        );
    }
    // Neither: medium, no tool severity.
    let f = ok(json!([{"rule": {"id": "a"}}]));
    assert_eq!(
        (
            f[0].severity,
            f[0].severity_source,
            f[0].tool_severity.as_deref()
        ),
        (Severity::Medium, Default, None)
    );
}

#[test]
fn an_uploaded_level_that_is_no_grade_is_the_default() {
    let mut checkov = alert(1, "CKV_AWS_24", None, "main.tf", 3);
    checkov["tool"] = json!({"name": "Checkov", "version": "3.3.30"});
    let mut ruff = alert(2, "S608", None, "a.py", 3);
    ruff["tool"] = json!({"name": "ruff"});
    let mut graded = alert(3, "CKV_AWS_24", Some("high"), "main.tf", 3);
    graded["tool"] = json!({"name": "Checkov"});
    let f = ok(json!([checkov, ruff, graded]));
    let got: Vec<(Severity, SeveritySource, Option<&str>)> = f
        .iter()
        .map(|x| (x.severity, x.severity_source, x.tool_severity.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Medium, SeveritySource::Default, Some("error")),
            (Severity::Low, SeveritySource::Default, Some("error")),
            (
                Severity::High,
                SeveritySource::SecuritySeverity,
                Some("high")
            ),
        ]
    );
}

#[test]
fn states_classifications_and_python_none() {
    let mut dismissed = alert(7, "js/xss", Some("medium"), "web/a.js", 5);
    dismissed["state"] = json!("dismissed");
    dismissed["dismissed_reason"] = json!("false positive");
    dismissed["most_recent_instance"]["classifications"] = json!(["test"]);
    let mut fixed = alert(8, "js/xss", Some("medium"), "web/b.js", 6);
    fixed["state"] = json!("fixed");
    fixed["dismissed_reason"] = json!("None");
    fixed["tool"] = json!({"name": "CodeQL", "guid": "None", "version": "None"});
    let f = ok(json!([dismissed, fixed]));
    assert!(f[0].tags.contains(&"state:dismissed".to_string()));
    assert!(
        f[0].tags
            .contains(&"dismissed-reason:false positive".to_string())
    );
    assert!(f[0].tags.contains(&"classification:test".to_string()));
    assert!(f[1].tags.contains(&"state:fixed".to_string()));
    assert!(!f[1].tags.iter().any(|t| t.starts_with("dismissed-reason")));
    assert_eq!(f[1].tool_version, None);
}

#[test]
fn fallbacks_and_odd_values() {
    let f = ok(json!([
        {"rule": {"name": "named-only", "full_description": "full\nmore"}, "tool": {}},
        {"most_recent_instance": {"location": {"path": " ", "start_line": 0}}},
        {"rule": {"id": "CVE-2021-44228", "description": "Log4Shell", "tags": ["security", "CWE-502", 5, "external/cwe/cwe-x"]},
         "tool": {"name": "Trivy", "version": 0.5}, "number": "12",
         "most_recent_instance": {"location": {"path": "pom.xml", "start_line": "3"}}},
        {"rule": {"id": "GHSA-jfh8-c2jp-5v3q"}}
    ]));
    assert_eq!(f[0].rule_id, "named-only");
    assert_eq!(f[0].tool, "github-code-scanning");
    assert_eq!(f[0].message, "full\nmore");
    assert_eq!(f[0].title, "full");
    assert!(f[0].locations.is_empty());
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(f[1].title, "unknown");
    assert!(f[1].locations.is_empty());
    assert_eq!(f[2].kind, FindingKind::Sca);
    assert_eq!(f[2].vulnerability_ids, vec!["CVE-2021-44228"]);
    assert_eq!(f[2].cwes, vec![502]);
    assert_eq!(f[2].tool_version.as_deref(), Some("0.5"));
    assert!(f[2].tags.contains(&"github-alert:12".to_string()));
    assert_eq!(f[2].locations[0].start_line, Some(3));
    assert_eq!(f[3].kind, FindingKind::Sca);
    assert!(!is_vuln_id("CVE-21-1") && !is_vuln_id("GHSA-1-2-3") && !is_vuln_id("py/cve"));
}

#[test]
fn empty_list_and_duplicates() {
    assert!(ok(json!([])).is_empty());
    let a = alert(1, "py/x", Some("high"), "a.py", 4);
    let mut b = alert(2, "py/x", Some("high"), "a.py", 4);
    b["most_recent_instance"]["location"]["start_column"] = json!(40);
    let c = alert(3, "py/x", Some("high"), "a.py", 4);
    let f = ok(json!([a, b, c]));
    assert_eq!(f.len(), 3);
    assert_eq!(f[1].source_pointer, "/1");
    // Same rule at the same line and column: one problem; another column on
    // that line is another place.
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(json!([alert(1, "r", None, "a", 1)]).to_string().as_bytes());
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
