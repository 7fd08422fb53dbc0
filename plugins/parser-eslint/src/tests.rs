//! Unit tests with small inline ESLint documents.

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

fn message(rule: &str, line: u32, severity: u64) -> Value {
    json!({
        "ruleId": rule,
        "severity": severity,
        "message": "'token' is defined but never used.",
        "line": line,
        "column": 9,
        "nodeType": "Identifier",
        "messageId": "unusedVar",
        "endLine": line,
        "endColumn": 22,
        "suggestions": [{"messageId": "removeVar", "fix": {"range": [1, 2], "text": ""},
                         "desc": "Remove unused variable 'token'."}]
    })
}

fn file(path: &str, messages: Vec<Value>) -> Value {
    let errors = messages.len();
    json!({
        "filePath": path,
        "messages": messages,
        "suppressedMessages": [],
        "errorCount": errors,
        "fatalErrorCount": 0,
        "warningCount": 0,
        "fixableErrorCount": 0,
        "fixableWarningCount": 0,
        "source": "const token = 1\n",
        "usedDeprecatedRules": []
    })
}

fn clean(path: &str) -> Value {
    file(path, Vec::new())
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"   ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(
        parse(b"[\n  {\"filePath\": \"/a.js\",\n   \"messages\": [],,}\n]").expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = json!([file("/src/a.js", vec![message("no-unused-vars", 3, 2)])]).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 12, 40, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"[\n{\"filePath\": 3, \"messages\": []}]").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid ESLint report"),
        "{}",
        m.message
    );
    let one = |m: Value| json!([{"filePath": "/a.js", "messages": [m]}]);
    assert_each_malformed(
        parse,
        [
            json!([{"filePath": "/a.js"}]),
            json!([{"messages": []}, {"filePath": "/a.js", "messages": []}]),
            json!([{"filePath": "/a.js", "messages": {}}]),
            json!([{"filePath": "/a.js", "messages": null}]),
            json!([{"filePath": null, "messages": []}]),
            json!([{"filePath": "/a.js", "messages": [[1]]}]),
            json!([{"filePath": "/a.js", "messages": ["no-undef"]}]),
            one(json!({"ruleId": 3})),
            one(json!({"ruleId": "eqeqeq", "severity": "error"})),
            one(json!({"ruleId": "eqeqeq", "severity": -1})),
            one(json!({"ruleId": "eqeqeq", "severity": 1.5})),
            one(json!({"ruleId": "eqeqeq", "message": ["x"]})),
            one(json!({"ruleId": "eqeqeq", "fatal": "yes"})),
            one(json!({"ruleId": "eqeqeq", "line": true})),
            one(json!({"ruleId": "eqeqeq", "endColumn": {}})),
            json!([clean("/a.js"), 5]),
            json!([[1]]),
            json!(["/a.js"]),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse_doc(parse, json!({"results": []})).expect_err("rejected"));
    assert!(m.contains("must be an array"), "{m}");
    malformed(parse(b"{\"a\": "));
    unsupported(parse(b"null"));
    unsupported(parse(b"42"));
    // `-f json-with-metadata`: an object.
    unsupported(parse_doc(
        parse,
        json!({"results": [clean("/a.js")], "metadata": {"cwd": "/", "rulesMeta": {}}}),
    ));
    // Hadolint, gitleaks, trufflehog3, pip-audit.
    for doc in [
        json!([{"line": 9, "code": "DL3008", "message": "Pin versions", "column": 1,
                "file": "Dockerfile", "level": "warning"}]),
        json!([{"Description": "AWS", "StartLine": 2, "File": "a", "RuleID": "aws"}]),
        json!([{"rule": {"id": "high-entropy"}, "path": "a", "line": "3"}]),
        json!([{"name": "adal", "version": "1.2.2", "vulns": []}]),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
        assert!(m.contains("`filePath`"), "{m}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    let doc = format!(
        r#"[{{"filePath":"/a.js","messages":{}}}]"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let objects = format!("[{}]", nested_objects("a", DEEP, "1"));
    assert!(parse(objects.as_bytes()).is_err());
    let doc = format!(
        r#"[{{"filePath":"/a.js","messages":[{}]}}]"#,
        nested_objects("ruleId", DEEP, "1")
    );
    malformed(parse(doc.as_bytes()));
    // In an unknown field (a fix, the suppressed messages): skipped without
    // recursion.
    let doc = format!(
        r#"[{{"filePath":"/a.js","messages":[{{"ruleId":"x","fix":{}}}],"suppressedMessages":{}}}]"#,
        nested_arrays(DEEP),
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(json!([file(
        "/src/juice-shop/routes/2fa.ts",
        vec![message("no-unused-vars", 34, 2)]
    )]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "eslint");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "no-unused-vars");
    assert_eq!(x.title, "'token' is defined but never used.");
    assert_eq!(x.message, "'token' is defined but never used.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.severity_source),
        (Severity::High, Some("2"), SeveritySource::Tool)
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "/src/juice-shop/routes/2fa.ts".into(),
            start_line: Some(34),
            start_column: Some(9),
            end_line: Some(34),
            end_column: Some(22),
        }]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://eslint.org/docs/latest/rules/no-unused-vars")
    );
    assert!(x.tags.is_empty() && x.cwes.is_empty() && x.component.is_none());
    assert!(x.vulnerability_ids.is_empty());
    assert_eq!(x.source_pointer, "/0/messages/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_table() {
    let levels = [
        (2, Severity::High, SeveritySource::Tool),
        (1, Severity::Medium, SeveritySource::Tool),
        (0, Severity::Info, SeveritySource::Tool),
        (3, Severity::Medium, SeveritySource::Default),
        (u64::MAX, Severity::Medium, SeveritySource::Default),
    ];
    let messages = levels
        .iter()
        .enumerate()
        .map(|(i, (s, ..))| message("eqeqeq", i as u32 + 1, *s))
        .collect();
    let f = ok(json!([file("/a.js", messages)]));
    for (x, (s, want, source)) in f.iter().zip(levels) {
        let written = s.to_string();
        assert_eq!(
            (x.severity, x.tool_severity.as_deref(), x.severity_source),
            (want, Some(written.as_str()), source)
        );
    }
    for m in [
        json!({"ruleId": "eqeqeq"}),
        json!({"ruleId": "eqeqeq", "severity": null}),
    ] {
        let f = ok(json!([{"filePath": "/a.js", "messages": [m]}]));
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
fn messages_without_a_rule() {
    let f = ok(json!([{
        "filePath": "/src/juice-shop/data/static/codefixes/localXssChallenge_1.ts",
        "messages": [
            {"ruleId": null, "nodeType": null, "fatal": true, "severity": 2,
             "message": "Parsing error: ';' expected.", "line": 1, "column": 15},
            {"ruleId": null, "message": "Unused eslint-disable directive (no problems were reported from 'no-new-func').",
             "line": 11, "column": 1, "severity": 1, "nodeType": null,
             "fix": {"range": [378, 489], "text": " "}},
            {"message": "Unused eslint-enable directive (no matching eslint-disable directives were found).",
             "severity": 1},
            {"ruleId": "", "fatal": false, "severity": 1, "nodeType": null,
             "message": "File ignored because of a matching ignore pattern."},
            {"ruleId": null},
            {"ruleId": "no-undef", "fatal": true, "severity": 2, "message": "boom"}
        ]
    }]));
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        rules,
        [
            FATAL_RULE,
            UNUSED_DIRECTIVE_RULE,
            UNUSED_DIRECTIVE_RULE,
            "unknown",
            "unknown",
            "no-undef"
        ]
    );
    let fatal = &f[0];
    assert_eq!(fatal.title, "Parsing error: ';' expected.");
    assert_eq!(fatal.severity, Severity::High);
    assert_eq!(fatal.tags, vec!["fatal"]);
    assert_eq!(fatal.help_uri, None);
    assert_eq!(
        (
            fatal.locations[0].start_line,
            fatal.locations[0].start_column,
            fatal.locations[0].end_line
        ),
        (Some(1), Some(15), None)
    );
    assert_eq!(f[1].severity, Severity::Medium);
    assert!(f[1].tags.is_empty() && f[1].help_uri.is_none());
    assert!(f[3].help_uri.is_none() && f[3].locations[0].start_line.is_none());
    // No message: the rule id is the title.
    assert_eq!(f[4].title, "unknown");
    assert_eq!(f[4].message, "");
    // A fatal message with a rule keeps the rule, and is tagged.
    assert_eq!(f[5].tags, vec!["fatal"]);
    assert_eq!(
        f[5].help_uri.as_deref(),
        Some("https://eslint.org/docs/latest/rules/no-undef")
    );
    // Two rule-less warnings on one line are told apart by their text.
    assert_eq!(normalizer_default::normalize(f).len(), 6);
}

#[test]
fn help_uris() {
    let cases = [
        (
            "eqeqeq",
            Some("https://eslint.org/docs/latest/rules/eqeqeq"),
        ),
        (
            "security/detect-object-injection",
            Some(
                "https://github.com/eslint-community/eslint-plugin-security/blob/main/docs/rules/detect-object-injection.md",
            ),
        ),
        (
            "@typescript-eslint/no-explicit-any",
            Some("https://typescript-eslint.io/rules/no-explicit-any"),
        ),
        ("react/jsx-key", None),
        ("@stylistic/semi", None),
        ("security/", None),
        ("security/a/b", None),
        ("No-Undef", None),
        ("no undef", None),
        ("../../x", None),
    ];
    let messages = cases.iter().map(|(r, _)| message(r, 1, 1)).collect();
    let f = ok(json!([file("/a.js", messages)]));
    for (x, (rule, want)) in f.iter().zip(cases) {
        assert_eq!(x.rule_id, rule);
        assert_eq!(x.help_uri.as_deref(), want, "{rule}");
    }
}

#[test]
fn positions_and_paths() {
    let f = ok(json!([
        {"filePath": "C:\\src\\app.js", "messages": [
            {"ruleId": "no-undef", "line": "7", "column": 0, "endLine": null, "endColumn": -3}
        ]},
        {"filePath": " ", "messages": [{"ruleId": "no-undef", "line": 2}]},
        {"filePath": "<text>", "messages": [{"ruleId": "no-undef", "line": 1}]}
    ]));
    let l = &f[0].locations[0];
    assert_eq!(l.path, "C:\\src\\app.js");
    assert_eq!(
        (l.start_line, l.start_column, l.end_line, l.end_column),
        (Some(7), None, None, None)
    );
    assert!(f[1].locations.is_empty());
    assert_eq!(f[1].source_pointer, "/1/messages/0");
    assert_eq!(f[2].locations[0].path, "<text>");
}

#[test]
fn clean_files_and_suppressed_messages_are_no_findings() {
    assert!(ok(json!([])).is_empty());
    assert!(ok(json!([clean("/a.js"), clean("/b.js")])).is_empty());
    // Old ESLint writes fewer keys; suppressed messages are never read.
    let suppressed = json!({"ruleId": "eqeqeq", "severity": 2, "message": "x", "line": 3,
                            "suppressions": [{"kind": "directive", "justification": ""}]});
    let f = ok(json!([
        {"filePath": "/a.js", "messages": []},
        {"filePath": "/b.js", "messages": [], "suppressedMessages": [suppressed]},
        {"filePath": "/c.js", "messages": [message("eqeqeq", 3, 2)], "suppressedMessages": "odd"}
    ]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].source_pointer, "/2/messages/0");
}

#[test]
fn order_and_duplicates() {
    let f = ok(json!([
        file(
            "/a.js",
            vec![message("eqeqeq", 9, 2), message("eqeqeq", 9, 2)]
        ),
        clean("/b.js"),
        file("/c.js", vec![message("eqeqeq", 9, 2)])
    ]));
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/0/messages/0", "/0/messages/1", "/2/messages/0"]
    );
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(
        json!([file("/a.js", vec![message("eqeqeq", 9, 2)])])
            .to_string()
            .as_bytes(),
    );
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
