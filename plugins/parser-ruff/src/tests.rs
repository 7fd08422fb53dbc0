//! Unit tests with small inline Ruff documents.

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

/// JSON lines: each value on its own line.
fn lines(items: &[Value]) -> String {
    items.iter().map(|v| format!("{v}\n")).collect()
}

/// A diagnostic as Ruff 0.17 writes it.
fn item(code: &str, row: u32) -> Value {
    json!({
        "cell": null,
        "code": code,
        "end_location": {"column": 33, "row": row},
        "filename": "/src/app/views.py",
        "fix": null,
        "location": {"column": 25, "row": row},
        "message": "`django.test.TestCase` imported but unused",
        "name": "unused-import",
        "noqa_row": row,
        "severity": "error",
        "url": "https://docs.astral.sh/ruff/rules/unused-import"
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(
        parse,
        &[b"", b"   ", b"\n\n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"],
    );
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(
        parse(b"[\n  {\"code\": \"F401\",\n   \"noqa_row\": 9,,}\n]").expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = json!([item("F401", 9)]).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 12, text.len() - 1]);
    // JSON lines: the position is the line of the input, the column within it.
    let text = format!("{}{{\"code\": \"F401\",, }}\n", lines(&[item("F401", 1)]));
    let m = malformed(parse(text.as_bytes()).expect_err("rejected"));
    assert_invalid_json_at(&m, 2);
    assert_eq!(m.position.column, Some(17));
    let text = lines(&[item("F401", 1), item("E501", 2)]);
    let first = text.find('\n').unwrap_or_default();
    assert_cuts_end_too_early(
        parse,
        &text,
        &[1, 12, first - 1, first + 10, text.len() - 2],
    );
}

#[test]
fn wrong_types_and_missing_fields_are_malformed() {
    let m = malformed(
        parse(b"[\n{\"code\": 401, \"noqa_row\": 1, \"filename\": \"a.py\", \"location\": null, \"message\": \"m\"}]")
            .expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Ruff JSON report"),
        "{}",
        m.message
    );
    let base = || item("F401", 1);
    let with = |key: &str, v: Value| {
        let mut x = base();
        x[key] = v;
        json!([x])
    };
    let without = |key: &str| {
        let mut x = base();
        x.as_object_mut().map(|o| o.remove(key));
        json!([x])
    };
    assert_each_malformed(
        parse,
        [
            without("code"),
            without("filename"),
            without("location"),
            without("message"),
            with("message", Value::Null),
            with("filename", json!(["a.py"])),
            with("location", json!([1, 2])),
            with("location", json!({"row": true})),
            with("end_location", json!("3:4")),
            with("cell", json!({})),
            with("fix", json!("safe")),
            with("fix", json!({"applicability": 1})),
            with("severity", json!(2)),
            with("url", json!(false)),
            json!([base(), 5]),
            json!([[1]]),
            json!(["F401"]),
        ],
    );
    // JSON lines: the same rules, reported as a JSON-lines report.
    let mut x = base();
    x["message"] = json!(3);
    let m = malformed(parse(lines(&[base(), x]).as_bytes()).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Ruff JSON-lines report"),
        "{}",
        m.message
    );
    malformed(parse(format!("{}5\n", lines(&[base()])).as_bytes()));
    malformed(parse(format!("{} x", lines(&[base()])).as_bytes()));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"\"ruff\"").expect_err("rejected"));
    assert!(m.contains("expected a JSON array"), "{m}");
    malformed(parse(b"\"ruff"));
    unsupported(parse(b"null"));
    unsupported(parse(b"42"));
    // Hadolint, gitleaks, trufflehog3, pip-audit (legacy), trivy (legacy),
    // a Code Climate array.
    for doc in [
        json!([{"line": 9, "code": "DL3008", "message": "Pin versions", "column": 1,
                "file": "Dockerfile", "level": "warning"}]),
        json!([{"Description": "AWS", "StartLine": 2, "File": "a", "RuleID": "aws"}]),
        json!([{"rule": {"id": "high-entropy"}, "path": "a", "line": "3"}]),
        json!([{"name": "adal", "version": "1.2.2", "vulns": []}]),
        json!([{"Target": "app", "Vulnerabilities": []}]),
        json!([{"type": "issue", "check_name": "F401", "description": "unused",
                "fingerprint": "x", "location": {"path": "a.py", "lines": {"begin": 9}}}]),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
    // An object, or objects one per line, of another tool.
    for doc in [
        json!({"results": [], "errors": []}).to_string(),
        serde_json::to_string_pretty(&json!({"version": "2.1.0", "runs": []})).unwrap_or_default(),
        lines(&[json!({"SourceMetadata": {}, "DetectorName": "AWS"})]),
        lines(&[json!({"code": "F401", "message": "m"}), item("F401", 1)]),
    ] {
        let m = unsupported(parse(doc.as_bytes()).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
    // A Ruff key makes it a broken Ruff record, not another tool's.
    malformed(parse(b"{\"noqa_row\": 3}\n"));
    malformed(parse(b"[{\"end_location\": null}]"));
    // Only the first record decides: a later foreign one is a broken report.
    malformed(parse(lines(&[item("F401", 1), json!({"a": 1})]).as_bytes()));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let doc = format!(
        r#"[{{"code":"F401","noqa_row":1,"filename":"a.py","location":null,"message":{}}}]"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    let objects = nested_objects("a", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    assert!(parse(format!("[{objects}]").as_bytes()).is_err());
    let unclosed = "{\"a\":".repeat(DEEP);
    assert!(parse(unclosed.as_bytes()).is_err());
    // In an unknown field: skipped without recursion.
    for wrap in ["[{}]", "{}\n"] {
        let one = format!(
            r#"{{"code":"F401","filename":"a.py","location":null,"message":"m","extra":{}}}"#,
            nested_arrays(DEEP)
        );
        let doc = wrap.replace("{}", &one);
        assert_eq!(
            parse(doc.as_bytes()).map(|f| f.len()).ok(),
            Some(1),
            "{wrap}"
        );
    }
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let mut x = item("F401", 1);
    x["fix"] = json!({"applicability": "safe", "message": "Remove unused import",
                      "edits": [{"content": "", "location": {"column": 1, "row": 1},
                                 "end_location": {"column": 1, "row": 2}}]});
    let f = ok(json!([x]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "ruff");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "F401");
    assert_eq!(x.title, "`django.test.TestCase` imported but unused");
    assert_eq!(x.message, "`django.test.TestCase` imported but unused");
    assert_eq!(
        (x.severity, x.severity_source, x.tool_severity.as_deref()),
        (Severity::Low, SeveritySource::Default, Some("error"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "/src/app/views.py".into(),
            start_line: Some(1),
            start_column: Some(25),
            end_line: Some(1),
            end_column: Some(33),
        }]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.astral.sh/ruff/rules/unused-import")
    );
    assert_eq!(x.tags, vec!["fix:safe"]);
    assert!(x.cwes.is_empty() && x.component.is_none() && x.vulnerability_ids.is_empty());
    assert_eq!(x.source_pointer, "/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn both_formats_map_alike() {
    let items = [item("F401", 1), item("S608", 7)];
    let array = ok(Value::Array(items.to_vec()));
    let stream = parse(lines(&items).as_bytes()).expect("parses");
    assert_eq!(stream.len(), 2);
    for (a, b) in array.iter().zip(&stream) {
        assert_eq!(
            Finding {
                source_pointer: String::new(),
                ..a.clone()
            },
            Finding {
                source_pointer: String::new(),
                ..b.clone()
            }
        );
    }
    assert_eq!(array[1].source_pointer, "/1");
    assert_eq!(stream[0].source_pointer, "line:1");
    assert_eq!(stream[1].source_pointer, "line:2");
    // Blank lines, CRLF and pretty-printed records: the line a record starts on.
    let pretty = serde_json::to_string_pretty(&items[1]).unwrap_or_default();
    let doc = format!("\r\n{}\r\n\n{pretty}\n", items[0]);
    let f = parse(doc.as_bytes()).expect("parses");
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(pointers, ["line:2", "line:4"]);
    // A last line without its newline is complete.
    let doc = format!("{}\n{}", items[0], items[1]);
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(2));
}

#[test]
fn severity_table() {
    let rules = [
        ("S201", Severity::High),
        ("S501", Severity::High),
        ("S701", Severity::High),
        ("S608", Severity::Medium),
        ("S105", Severity::Medium),
        ("S1", Severity::Medium),
        ("invalid-syntax", Severity::Medium),
        ("E999", Severity::Medium),
        ("E501", Severity::Low),
        ("SIM108", Severity::Low),
        ("SLF001", Severity::Low),
        ("S", Severity::Low),
        ("s608", Severity::Low),
        ("B904", Severity::Low),
    ];
    let items: Vec<Value> = rules
        .iter()
        .enumerate()
        .map(|(i, (code, _))| item(code, i as u32 + 1))
        .collect();
    let f = ok(Value::Array(items));
    for (x, (code, want)) in f.iter().zip(rules) {
        assert_eq!((x.rule_id.as_str(), x.severity), (code, want));
        assert_eq!(x.severity_source, SeveritySource::Default, "{code}");
    }
    let tags: Vec<&[String]> = f.iter().map(|x| x.tags.as_slice()).collect();
    assert_eq!(tags[0], ["flake8-bandit"]);
    assert_eq!(tags[6], ["syntax-error"]);
    assert_eq!(tags[7], ["syntax-error"]);
    assert!(tags[9].is_empty() && tags[11].is_empty());
    for high in HIGH_RULES {
        assert!(is_bandit(high), "{high}");
        assert_eq!(severity(high), Severity::High, "{high}");
    }
}

#[test]
fn syntax_errors_in_the_scanned_file_are_findings() {
    // Ruff 0.12: `code` is null, no `name` or `severity`.
    let old = json!([{
        "cell": null, "code": null,
        "end_location": {"column": 2, "row": 8},
        "filename": "/src/ruff-samples/broken.py", "fix": null,
        "location": {"column": 1, "row": 8},
        "message": "SyntaxError: Expected ',', found name",
        "noqa_row": null, "url": null
    }]);
    let f = ok(old);
    let x = &f[0];
    assert_eq!(x.rule_id, SYNTAX_ERROR_RULE);
    assert_eq!(x.title, "SyntaxError: Expected ',', found name");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, None)
    );
    assert_eq!(x.help_uri, None);
    assert_eq!(x.tags, vec!["syntax-error"]);
    assert_eq!(x.locations[0].start_line, Some(8));
    // A blank code is the same.
    let mut blank = item(" ", 3);
    blank["message"] = json!("\n");
    let f = ok(json!([blank]));
    assert_eq!(
        (f[0].rule_id.as_str(), f[0].title.as_str()),
        ("invalid-syntax", "invalid-syntax")
    );
}

#[test]
fn notebooks_preview_and_odd_values() {
    let mut a = item("S602", 2);
    a["cell"] = json!(1);
    let mut b = a.clone();
    b["cell"] = json!(3);
    let f = ok(json!([a, b]));
    assert_eq!(
        f[0].message,
        "`django.test.TestCase` imported but unused (notebook cell 1)"
    );
    assert_eq!(f[0].title, "`django.test.TestCase` imported but unused");
    assert_eq!(f[1].locations, f[0].locations);
    // Same rule, path, row and column in two cells: two findings.
    assert_eq!(normalizer_default::normalize(f).len(), 2);
    // `--preview`: locations and filename may be null.
    let preview = json!({"cell": null, "code": "F401", "end_location": null, "filename": null,
                         "fix": null, "location": null, "message": "m", "noqa_row": null,
                         "url": " "});
    let f = ok(json!([preview]));
    assert!(f[0].locations.is_empty());
    assert_eq!(f[0].help_uri, None);
    let odd = json!({"code": "E501", "filename": "w\\x.py", "location": {"row": "7", "column": 0},
                     "end_location": {}, "message": "Line too long", "cell": 0,
                     "fix": {"applicability": "Unsafe"}, "severity": " "});
    let f = ok(json!([odd]));
    let l = &f[0].locations[0];
    assert_eq!(l.path, "w\\x.py");
    assert_eq!(
        (l.start_line, l.start_column, l.end_line, l.end_column),
        (Some(7), None, None, None)
    );
    assert_eq!(f[0].message, "Line too long");
    assert_eq!(f[0].tags, vec!["fix:unsafe"]);
    assert_eq!(f[0].tool_severity, None);
    let blank = ok(json!([{"code": "E501", "filename": " ", "location": null, "message": "m"}]));
    assert!(blank[0].locations.is_empty());
}

#[test]
fn clean_run_and_duplicates() {
    assert!(ok(json!([])).is_empty());
    assert!(parse(b" [ ] \n").map(|f| f.is_empty()).unwrap_or(false));
    let f = ok(json!([item("F401", 9), item("F401", 9), item("F811", 9)]));
    assert_eq!(f.len(), 3);
    assert_eq!(f[2].source_pointer, "/2");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    for doc in [
        json!([item("F401", 9)]).to_string(),
        lines(&[item("F401", 9)]),
    ] {
        let mut input = b"\xEF\xBB\xBF".to_vec();
        input.extend_from_slice(doc.as_bytes());
        assert_eq!(parse(&input).expect("parses").len(), 1);
    }
}
