//! Unit tests with small inline ShellCheck documents.

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

fn comment(code: u32, line: u32, level: &str) -> Value {
    json!({
        "file": "bin/deploy.sh",
        "line": line,
        "endLine": line,
        "column": 7,
        "endColumn": 15,
        "level": level,
        "code": code,
        "message": "Double quote to prevent globbing and word splitting.",
        "fix": {"replacements": [{"line": line, "column": 7, "endLine": line, "endColumn": 7,
                "insertionPoint": "afterEnd", "precedence": 8, "replacement": "\""}]}
    })
}

fn json1(comments: Vec<Value>) -> Value {
    json!({ "comments": comments })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"   ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    for doc in [
        &b"{\"comments\": [\n  {\"code\": 2086,\n   \"line\": 9,,}\n]}"[..],
        b"[\n  {\"code\": 2086,\n   \"line\": 9,,}\n]",
    ] {
        assert_invalid_json_at(&malformed(parse(doc)), 3);
    }
    for doc in [
        json1(vec![comment(2086, 9, "info")]),
        json!([comment(2086, 9, "info")]),
    ] {
        let text = doc.to_string();
        assert_cuts_end_too_early(parse, &text, &[1, 14, text.len() / 2, text.len() - 1]);
    }
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(
        parse(b"{\"comments\": [\n{\"code\": \"SC2086\", \"file\": \"a.sh\", \"endLine\": 1}]}")
            .expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid ShellCheck report"),
        "{}",
        m.message
    );
    let base = json!({"file": "a.sh", "code": 2086, "endLine": 1});
    let with = |k: &str, v: Value| {
        let mut c = base.clone();
        c[k] = v;
        c
    };
    let bad = [
        json!({"code": 2086, "endLine": 1}),
        json!({"file": "a.sh", "endLine": 1}),
        with("code", json!(-1)),
        with("code", json!(20.5)),
        with("code", Value::Null),
        with("file", json!(3)),
        with("line", json!(true)),
        with("column", json!([1])),
        with("endColumn", json!({})),
        with("level", json!(2)),
        with("message", json!(["x"])),
    ];
    assert_each_malformed(parse, bad.iter().map(|c| json!([c])));
    assert_each_malformed(parse, bad.iter().map(|c| json1(vec![c.clone()])));
    assert_each_malformed(
        parse,
        [
            json!({"comments": null}),
            json!({"comments": {}}),
            json!({"comments": "none"}),
            json!({"comments": [[1]]}),
            json!({"comments": [base.clone(), 5]}),
            json!([base.clone(), 5]),
            json!([[1]]),
            json!(["SC2086"]),
            json!([2086]),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"\"comments\"").expect_err("rejected"));
    assert!(m.contains("must be an object"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"42"));
    malformed(parse(b"nul"));
    let m = unsupported(parse_doc(parse, json!({"results": []})).expect_err("rejected"));
    assert!(m.contains("no `comments` array"), "{m}");
    // A list of some other tool's comments.
    let m = unsupported(
        parse_doc(parse, json!({"comments": [{"id": 1, "body": "LGTM"}]})).expect_err("rejected"),
    );
    assert!(
        m.contains("another tool") && m.contains("`comments`"),
        "{m}"
    );
    // Hadolint (its code is a string, and it has no end positions),
    // gitleaks, trufflehog3, pip-audit, Hadolint's Code Climate output.
    for doc in [
        json!([{"line": 12, "code": "SC2086", "message": "Double quote to prevent globbing.",
                "column": 5, "file": "Dockerfile", "level": "info"}]),
        json!([{"line": 9, "code": "DL3008", "message": "Pin versions", "column": 1,
                "file": "Dockerfile", "level": "warning"}]),
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
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let doc = format!(
        r#"[{{"code":2086,"endLine":1,"file":{}}}]"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    let doc = format!(r#"{{"comments":{}}}"#, nested_arrays(DEEP));
    malformed(parse(doc.as_bytes()));
    let doc = format!(r#"{{"comments":[{}]}}"#, nested_objects("a", DEEP, "1"));
    assert!(parse(doc.as_bytes()).is_err());
    assert!(parse(nested_objects("comments", DEEP, "[]").as_bytes()).is_err());
    // In an unknown field (`fix` is one): skipped without recursion.
    let doc = format!(
        r#"{{"comments":[{{"code":2086,"file":"a.sh","fix":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(json1(vec![comment(2086, 11, "info")]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "shellcheck");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "SC2086");
    assert_eq!(
        x.title,
        "Double quote to prevent globbing and word splitting."
    );
    assert_eq!(
        x.message,
        "Double quote to prevent globbing and word splitting."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Low, Some("info"))
    );
    assert_eq!(x.severity_source, SeveritySource::Tool);
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "bin/deploy.sh".into(),
            start_line: Some(11),
            start_column: Some(7),
            end_line: Some(11),
            end_column: Some(15),
        }]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://www.shellcheck.net/wiki/SC2086")
    );
    assert!(x.tags.is_empty() && x.cwes.is_empty() && x.component.is_none());
    assert!(x.vulnerability_ids.is_empty());
    assert_eq!(x.source_pointer, "/comments/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn both_formats_read_alike() {
    let items = vec![
        comment(2086, 11, "info"),
        comment(2045, 22, "error"),
        comment(2164, 15, "warning"),
    ];
    let new = ok(json1(items.clone()));
    let old = ok(Value::Array(items));
    assert_eq!(new.len(), 3);
    for (i, (a, b)) in new.iter().zip(&old).enumerate() {
        assert_eq!(a.source_pointer, format!("/comments/{i}"));
        assert_eq!(b.source_pointer, format!("/{i}"));
        let mut b = b.clone();
        b.source_pointer.clone_from(&a.source_pointer);
        assert_eq!(*a, b);
    }
}

#[test]
fn severity_table() {
    let levels = [
        ("error", Severity::High),
        ("warning", Severity::Medium),
        ("info", Severity::Low),
        ("style", Severity::Info),
        ("Warning", Severity::Medium),
        (" STYLE ", Severity::Info),
        ("ignore", Severity::Medium),
        ("odd", Severity::Medium),
    ];
    let items: Vec<Value> = levels
        .iter()
        .enumerate()
        .map(|(i, (l, _))| comment(2000, i as u32 + 1, l))
        .collect();
    let f = ok(json1(items));
    for (x, (l, want)) in f.iter().zip(levels) {
        assert_eq!(
            (x.severity, x.tool_severity.as_deref()),
            (want, Some(l.trim()))
        );
        let source = if matches!(l, "ignore" | "odd") {
            SeveritySource::Default
        } else {
            SeveritySource::Tool
        };
        assert_eq!(x.severity_source, source, "{l}");
    }
    for doc in [
        json!([{"code": 2000, "file": "a.sh"}]),
        json!([{"code": 2000, "file": "a.sh", "level": " "}]),
        json!([{"code": 2000, "file": "a.sh", "level": null}]),
    ] {
        let f = ok(doc);
        assert_eq!(
            (
                f[0].severity,
                f[0].severity_source,
                f[0].tool_severity.as_deref()
            ),
            (Severity::Medium, SeveritySource::Default, None)
        );
    }
}

#[test]
fn odd_values() {
    let f = ok(json!([
        // Old ShellCheck: no end positions.
        {"file": "a.sh", "line": 3, "column": 1, "level": "warning", "code": 2034,
         "message": "foo appears unused.\nVerify use (or export if used externally)."},
        {"file": " ", "line": 0, "endLine": "4", "column": -1, "endColumn": "x", "code": 1000},
        {"file": "-", "line": "7", "code": 0, "message": "\n"},
        {"file": "C:\\scripts\\a.sh", "code": 4294967295u32, "line": 4294967296u64}
    ]));
    assert_eq!(f[0].title, "foo appears unused.");
    assert_eq!(
        f[0].message,
        "foo appears unused.\nVerify use (or export if used externally)."
    );
    assert_eq!(
        (f[0].locations[0].end_line, f[0].locations[0].end_column),
        (None, None)
    );
    assert!(f[1].locations.is_empty());
    assert_eq!((f[1].title.as_str(), f[1].message.as_str()), ("SC1000", ""));
    assert_eq!(f[2].rule_id, "SC0");
    assert_eq!(f[2].title, "SC0");
    assert_eq!(f[2].locations[0].path, "-");
    assert_eq!(f[2].locations[0].start_line, Some(7));
    assert_eq!(f[3].rule_id, "SC4294967295");
    assert_eq!(f[3].locations[0].path, "C:\\scripts\\a.sh");
    assert_eq!(f[3].locations[0].start_line, None);
    // Positions as numeric strings are read; `0` and non-numbers are none.
    let f = ok(
        json!([{"file": "a.sh", "code": 2086, "line": "2", "endLine": 0,
                       "column": "3", "endColumn": "x"}]),
    );
    let l = &f[0].locations[0];
    assert_eq!(
        (l.start_line, l.start_column, l.end_line, l.end_column),
        (Some(2), Some(3), None, None)
    );
    let long = "x".repeat(500);
    let f = ok(json!([{"file": "a.sh", "code": 2086, "message": long}]));
    assert_eq!(f[0].title.chars().count(), TITLE_MAX_CHARS);
    assert!(f[0].title.ends_with('…'));
    assert_eq!(f[0].message.len(), 500);
}

#[test]
fn clean_runs_and_duplicates() {
    assert!(ok(json!({"comments": []})).is_empty());
    assert!(ok(json!([])).is_empty());
    assert!(parse(b"{\"comments\":[]}\n").expect("parses").is_empty());
    let f = ok(json1(vec![
        comment(2086, 9, "info"),
        comment(2086, 9, "info"),
        comment(2035, 9, "info"),
    ]));
    assert_eq!(f.len(), 3);
    assert_eq!(f[2].source_pointer, "/comments/2");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    for doc in [
        json1(vec![comment(2086, 9, "info")]),
        json!([comment(2086, 9, "info")]),
    ] {
        let mut input = b"\xEF\xBB\xBF".to_vec();
        input.extend_from_slice(doc.to_string().as_bytes());
        assert_eq!(parse(&input).expect("parses").len(), 1);
    }
}
