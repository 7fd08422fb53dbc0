//! Unit tests with small inline SARIF documents.

use super::*;
use corpus_support::kit::{
    EMPTY_INPUTS, assert_empty_input_malformed, assert_invalid_json_at, malformed, nested_arrays,
    parse_doc, parses, severity_words, unsupported,
};
use serde_json::json;

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

/// Each finding's severity, where it came from, and the string used.
fn rated(f: &[Finding]) -> Vec<(Severity, SeveritySource, &str)> {
    f.iter()
        .map(|x| {
            (
                x.severity,
                x.severity_source,
                x.tool_severity.as_deref().unwrap_or(""),
            )
        })
        .collect()
}

/// A log with one run of `tool` and the given `driver` extras and results.
fn log(driver: Value, results: Value) -> Value {
    json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": driver }, "results": results }]
    })
}

// ---- detect ---------------------------------------------------------------

#[test]
fn detect_schema() {
    let d = detect(br#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": ["#)
        .expect("claimed");
    assert_eq!(d.confidence, 90);
    assert_eq!(d.format, "sarif-2.1.0");
}

#[test]
fn detect_version_and_runs() {
    let d = detect(b" \n{\"version\":\"2.1.0\",\"runs\":[{\"tool\":").expect("claimed");
    assert_eq!(d.confidence, 70);
    assert_eq!(d.format, "sarif-2.1.0");
}

#[test]
fn detect_bom_and_other_versions() {
    let d = detect(b"\xEF\xBB\xBF{\"$schema\":\"http://json.schemastore.org/sarif-1.0.0\",\"version\":\"1.0.0\",\"runs\":[]}")
        .expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif", 90));
    let d = detect(br#"{"version": "2.2", "runs": []}"#).expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif", 70));
}

#[test]
fn detect_driver_shape_without_version() {
    // `version` written after a long `runs` array, out of the head.
    let d = detect(br#"{"runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "a\"b"#)
        .expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif", 70));
    // With a schema naming 2.1.0 but no version in sight: 2.1.0.
    let d =
        detect(br#"{"$schema": "https://x/sarif-schema-2.1.0.json", "runs": [{"#).expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif-2.1.0", 90));
}

#[test]
fn detect_rejects_other_json() {
    assert!(detect(b"").is_none());
    assert!(detect(b"   ").is_none());
    assert!(detect(b"[{\"version\":\"2.1.0\",\"runs\":[]}]").is_none());
    assert!(detect(br#"{"SchemaVersion": 2, "Results": []}"#).is_none());
    // `runs` and `version` nested, not at the top level.
    assert!(detect(br#"{"a": {"version": "1", "runs": []}}"#).is_none());
    // A value that merely mentions the keys.
    assert!(detect(br#"{"note": "\"version\" \"runs\" $schema sarif"}"#).is_none());
    // A `$schema` for something else and no runs.
    assert!(detect(br#"{"$schema": "https://example.com/other.json", "version": "1"}"#).is_none());
    // Garbage and truncation never panic.
    for head in [
        &b"{"[..],
        b"{\"",
        b"{\"$schema\":\"sar",
        b"{\\",
        b"{]]]]",
        b"\xEF\xBB",
    ] {
        let _ = detect(head);
    }
    let deep = [b'{'; 5000];
    let _ = detect(&deep);
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let input = b"{\n  \"version\": \"2.1.0\",\n  \"runs\": [,]\n}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    assert!(!m.message.contains(" at line "), "{}", m.message);
}

#[test]
fn truncated_input_is_malformed() {
    let m = malformed(parse(b"{\"version\": \"2.1.0\", \"runs\": [{").expect_err("rejected"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    assert_eq!(m.position.line, Some(1));
}

#[test]
fn wrong_type_is_malformed_with_position() {
    let input = b"{\"version\": \"2.1.0\",\n\"runs\": [{\"results\": [{\"ruleId\": 5}]}]}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(m.message.contains("not a valid SARIF"), "{}", m.message);
    // serde would read a struct from an array by position; SARIF objects
    // must be objects.
    let m = malformed(parse(b"[\"2.1.0\", []]").expect_err("rejected"));
    assert_eq!(
        m.message,
        "not a SARIF log: the top-level JSON value must be an object"
    );
    let m = malformed(parse(b"[1, ").expect_err("rejected"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
    let m = malformed(parse(b"nonsense").expect_err("rejected"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
    let input = b"{\"version\": \"2.1.0\", \"runs\": [\n[]]}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("expected a JSON object"),
        "{}",
        m.message
    );
    let input =
        b"{\"version\": \"2.1.0\", \"runs\": [{\"results\": [{\"locations\": [[\"x\"]]}]}]}";
    malformed(parse(input));
}

#[test]
fn missing_version_or_runs() {
    let m = malformed(parse_doc(parse, json!({"runs": []})).expect_err("rejected"));
    assert_eq!(
        m.message,
        "not a SARIF log: missing required property 'version'"
    );
    let m = malformed(parse_doc(parse, json!({"version": "2.1.0"})).expect_err("rejected"));
    assert_eq!(
        m.message,
        "not a SARIF log: missing required property 'runs'"
    );
    assert_eq!(m.position.pointer.as_deref(), Some("/runs"));
    let m = malformed(parse_doc(parse, json!({"version": 2.1, "runs": []})).expect_err("rejected"));
    assert!(m.message.contains("must be a string"), "{}", m.message);
}

#[test]
fn other_versions_are_unsupported() {
    // A 1.0.0 log has a different object model; it must not be reported as
    // malformed 2.1.0.
    let v1 = json!({
        "version": "1.0.0",
        "runs": [{"tool": {"name": "x"}, "results": [{"ruleId": 1, "locations": "odd"}]}]
    });
    match parse_doc(parse, v1) {
        Err(StageError::UnsupportedFormat(msg)) => {
            assert_eq!(
                msg,
                "SARIF version \"1.0.0\" is not supported; this parser reads 2.1.0"
            );
        }
        other => panic!("expected unsupported-format, got {other:?}"),
    }
    unsupported(parse_doc(parse, json!({"version": "2.2", "runs": []})));
    match parse_doc(parse, json!({"version": "9".repeat(10_000), "runs": []})) {
        Err(StageError::UnsupportedFormat(msg)) => assert!(msg.len() < 200, "{msg}"),
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn stack_without_frames_is_rejected() {
    let doc = log(
        json!({"name": "t"}),
        json!([
            {"ruleId": "a", "message": {"text": "ok"}, "stacks": [{"frames": []}]},
            {"ruleId": "b", "message": {"text": "bad"}, "stacks": [{"frames": []}, {}]}
        ]),
    );
    let m = malformed(parse_doc(parse, doc).expect_err("rejected"));
    assert_eq!(
        m.position.pointer.as_deref(),
        Some("/runs/0/results/1/stacks/1")
    );
    assert!(m.message.contains("'frames'"), "{}", m.message);
    // `null` frames are a type error.
    let doc = log(
        json!({"name": "t"}),
        json!([{"stacks": [{"frames": null}]}]),
    );
    malformed(parse_doc(parse, doc));
}

// ---- counting -----------------------------------------------------------------

#[test]
fn empty_and_null_results() {
    assert!(ok(json!({"version": "2.1.0", "runs": []})).is_empty());
    assert!(ok(json!({"version": "2.1.0", "runs": null})).is_empty());
    assert!(
        ok(json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}}]})).is_empty()
    );
    assert!(ok(log(json!({"name": "t"}), Value::Null)).is_empty());
    assert!(ok(log(json!({"name": "t"}), json!([]))).is_empty());
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(
        log(json!({"name": "t"}), json!([{"message": {"text": "m"}}]))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(parse(&input).expect("parses").len(), 1);
}

#[test]
fn one_finding_per_result_with_all_kinds() {
    let doc = log(
        json!({"name": "t"}),
        json!([
            {"ruleId": "a", "message": {"text": "two locations"}, "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": "a.c"}, "region": {"startLine": 1}}},
                {"physicalLocation": {"artifactLocation": {"uri": "b.c"}, "region": {"startLine": 2}}}
            ]},
            {"ruleId": "a", "kind": "pass", "message": {"text": "p"}},
            {"ruleId": "a", "kind": "open", "message": {"text": "o"}},
            {"ruleId": "a", "kind": "informational", "message": {"text": "i"}},
            {"ruleId": "a", "kind": "notApplicable", "level": "note", "message": {"text": "n"}},
            {"ruleId": "a", "kind": "fail", "message": {"text": "f"}}
        ]),
    );
    let f = ok(doc);
    assert_eq!(f.len(), 6);
    assert_eq!(f[0].locations.len(), 2);
    assert_eq!(f[0].source_pointer, "/runs/0/results/0");
    assert_eq!(f[5].source_pointer, "/runs/0/results/5");
    assert_eq!(f[1].severity, Severity::Info);
    assert_eq!(f[1].tool_severity.as_deref(), Some("none"));
    assert!(f[1].tags.contains(&"sarif-kind:pass".to_string()));
    assert!(f[3].tags.contains(&"sarif-kind:informational".to_string()));
    assert_eq!(f[4].severity, Severity::Low);
    assert!(f[5].tags.iter().all(|t| !t.starts_with("sarif-kind:")));
    assert_eq!(f[5].severity, Severity::Medium);
    for x in &f {
        assert_eq!(x.input, 0);
        assert!(x.fingerprint.is_empty());
    }
}

#[test]
fn multiple_runs_pointers_and_tools() {
    let doc = json!({
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": {"name": "A", "semanticVersion": "1.2.3"}}, "results": [{"message": {"text": "x"}}]},
            {"tool": {"driver": {"name": "B", "version": "9", "semanticVersion": "9.0.0"}},
             "results": [{"message": {"text": "y"}}, {"message": {"text": "z"}}]}
        ]
    });
    let f = ok(doc);
    assert_eq!(f.len(), 3);
    assert_eq!(
        (f[0].tool.as_str(), f[0].tool_version.as_deref()),
        ("A", Some("1.2.3"))
    );
    assert_eq!(
        (f[2].tool.as_str(), f[2].tool_version.as_deref()),
        ("B", Some("9"))
    );
    assert_eq!(f[2].source_pointer, "/runs/1/results/1");
    assert_eq!(f[0].rule_id, "unknown");
}

// ---- rules, levels, severity ----------------------------------------------------

#[test]
fn level_resolution() {
    let doc = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "t", "rules": [
                {"id": "R1", "defaultConfiguration": {"level": "error"}},
                {"id": "R2", "defaultConfiguration": {"level": "note"}},
                {"id": "R3"}
            ]}},
            "invocations": [{"ruleConfigurationOverrides": [
                {"descriptor": {"id": "R1"}, "configuration": {"level": "note"}},
                {"descriptor": {"index": 2}, "configuration": {"level": "error"}}
            ], "executionSuccessful": true}],
            "results": [
                {"ruleId": "R1", "level": "warning", "message": {"text": "explicit"}},
                {"ruleId": "R1/sub", "message": {"text": "override by id (hierarchical)"}},
                {"ruleId": "R2", "message": {"text": "defaultConfiguration"}},
                {"ruleIndex": 2, "message": {"text": "override by index"}},
                {"ruleId": "R9", "message": {"text": "nothing: warning"}},
                {"ruleId": "R1", "kind": "open", "message": {"text": "open: none"}},
                {"ruleId": "R2", "level": "none", "message": {"text": "none"}}
            ]
        }]
    });
    let f = ok(doc);
    let got: Vec<(&str, Severity)> = f
        .iter()
        .map(|x| (x.tool_severity.as_deref().unwrap_or(""), x.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            ("warning", Severity::Medium),
            ("note", Severity::Low),
            ("note", Severity::Low),
            ("error", Severity::High),
            ("warning", Severity::Medium),
            ("none", Severity::Info),
            ("none", Severity::Info),
        ]
    );
    assert_eq!(f[3].rule_id, "R3");
    assert_eq!(f[1].rule_id, "R1/sub");
    let sources: Vec<SeveritySource> = f.iter().map(|x| x.severity_source).collect();
    assert_eq!(
        sources,
        [
            SeveritySource::Tool,
            SeveritySource::Tool,
            SeveritySource::Tool,
            SeveritySource::Tool,
            // No level anywhere: SARIF's `warning` default.
            SeveritySource::Default,
            // Another kind without a level: `none`.
            SeveritySource::Default,
            SeveritySource::Tool,
        ]
    );
}

#[test]
fn codeql_problem_severity_without_default_configuration() {
    let rules = json!([
        {"id": "w", "properties": {"problem.severity": "warning"}},
        {"id": "r", "properties": {"problem.severity": "recommendation"}},
        {"id": "e", "defaultConfiguration": {"level": "note"}, "properties": {"problem.severity": "error"}}
    ]);
    let results = json!([
        {"ruleId": "w", "message": {"text": "x"}},
        {"ruleId": "r", "message": {"text": "x"}},
        {"ruleId": "e", "message": {"text": "x"}}
    ]);
    let f = ok(log(json!({"name": "LGTM.com", "rules": rules}), results));
    use SeveritySource::Tool;
    assert_eq!(
        rated(&f),
        [
            (Severity::Medium, Tool, "warning"),
            (Severity::Low, Tool, "note"),
            // `defaultConfiguration` first.
            (Severity::Low, Tool, "note"),
        ]
    );
}

#[test]
fn an_unknown_level_string_is_the_default() {
    let f = ok(log(
        json!({"name": "t"}),
        json!([{"ruleId": "r", "level": "severe", "message": {"text": "x"}}]),
    ));
    assert_eq!(
        rated(&f),
        [(Severity::Medium, SeveritySource::Default, "severe")]
    );
}

#[test]
fn security_severity_thresholds() {
    let rules = json!([
        {"id": "c", "properties": {"security-severity": "9.8"}},
        {"id": "h", "properties": {"security-severity": 7.0}},
        {"id": "m", "properties": {"security-severity": "4.0"}},
        {"id": "l", "properties": {"security-severity": "0.1"}},
        {"id": "i", "properties": {"security-severity": "0"}},
        {"id": "bad", "defaultConfiguration": {"level": "error"}, "properties": {"security-severity": "high"}},
        {"id": "over", "defaultConfiguration": {"level": "note"}, "properties": {"security-severity": "11"}},
        {"id": "neg", "properties": {"security-severity": -1}}
    ]);
    let results = json!([
        {"ruleId": "c", "level": "note", "message": {"text": "x"}},
        {"ruleId": "h", "message": {"text": "x"}},
        {"ruleId": "m", "message": {"text": "x"}},
        {"ruleId": "l", "message": {"text": "x"}},
        {"ruleId": "i", "message": {"text": "x"}},
        {"ruleId": "bad", "message": {"text": "x"}},
        {"ruleId": "l", "message": {"text": "x"}, "properties": {"security-severity": "8.1"}},
        {"ruleId": "c", "kind": "pass", "message": {"text": "x"}},
        // Not a 0-10 score: ignored, the level decides.
        {"ruleId": "over", "message": {"text": "x"}},
        {"ruleId": "neg", "message": {"text": "x"}}
    ]);
    let f = ok(log(json!({"name": "CodeQL", "rules": rules}), results));
    use SeveritySource::{Default, SecuritySeverity, Tool};
    assert_eq!(
        rated(&f),
        vec![
            (Severity::Critical, SecuritySeverity, "9.8"),
            (Severity::High, SecuritySeverity, "7.0"),
            (Severity::Medium, SecuritySeverity, "4.0"),
            (Severity::Low, SecuritySeverity, "0.1"),
            (Severity::Info, SecuritySeverity, "0"),
            (Severity::High, Tool, "error"),
            (Severity::High, SecuritySeverity, "8.1"),
            (Severity::Info, Default, "none"),
            (Severity::Low, Tool, "note"),
            (Severity::Medium, Default, "warning"),
        ]
    );
}

#[test]
fn snyk_priority_score_thresholds() {
    let rules = json!([
        {"id": "r", "defaultConfiguration": {"level": "warning"}},
        {"id": "s", "properties": {"security-severity": "9.1"}}
    ]);
    let results = json!([
        {"ruleId": "r", "level": "warning", "message": {"text": "x"}, "properties": {"priorityScore": 950}},
        {"ruleId": "r", "level": "note", "message": {"text": "x"}, "properties": {"priorityScore": 900}},
        {"ruleId": "r", "level": "note", "message": {"text": "x"}, "properties": {"priorityScore": 899}},
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": 700}},
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": 699.5}},
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": 400}},
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": 399}},
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": 0}},
        // Not a number, negative: the level decides.
        {"ruleId": "r", "level": "error", "message": {"text": "x"}, "properties": {"priorityScore": "950"}},
        {"ruleId": "r", "level": "note", "message": {"text": "x"}, "properties": {"priorityScore": -1}},
        // security-severity wins over priorityScore.
        {"ruleId": "s", "level": "note", "message": {"text": "x"}, "properties": {"priorityScore": 100}},
        // Only results whose kind is fail.
        {"ruleId": "r", "kind": "pass", "message": {"text": "x"}, "properties": {"priorityScore": 950}},
        // On the rule only: not a result property, the level decides.
        {"ruleId": "r", "message": {"text": "x"}}
    ]);
    let f = ok(log(json!({"name": "SnykCode", "rules": rules}), results));
    assert_eq!(
        severity_words(&f),
        vec![
            (Severity::Critical, "950"),
            (Severity::Critical, "900"),
            (Severity::High, "899"),
            (Severity::High, "700"),
            (Severity::Medium, "699.5"),
            (Severity::Medium, "400"),
            (Severity::Low, "399"),
            (Severity::Low, "0"),
            (Severity::High, "error"),
            (Severity::Low, "note"),
            (Severity::Critical, "9.1"),
            (Severity::Info, "none"),
            (Severity::Medium, "warning"),
        ]
    );
    let sources: Vec<SeveritySource> = f.iter().map(|x| x.severity_source).collect();
    let mut want = vec![SeveritySource::Tool; 10];
    want.extend([
        SeveritySource::SecuritySeverity,
        SeveritySource::Default,
        SeveritySource::Tool,
    ]);
    assert_eq!(sources, want);
}

// ---- the tools whose SARIF needs knowing ------------------------------------

/// One result of `rule` (with `rule_extra`) by `tool`, with `result_extra`.
fn one(tool: &str, rule_extra: Value, result_extra: Value) -> Finding {
    let mut rule = json!({"id": "R"});
    let mut result = json!({"ruleId": "R", "message": {"text": "x"}});
    if let (Some(r), Some(e)) = (rule.as_object_mut(), rule_extra.as_object()) {
        r.extend(e.clone());
    }
    if let (Some(r), Some(e)) = (result.as_object_mut(), result_extra.as_object()) {
        r.extend(e.clone());
    }
    let mut f = ok(log(json!({"name": tool, "rules": [rule]}), json!([result])));
    assert_eq!(f.len(), 1);
    f.remove(0)
}

fn rating(f: &Finding) -> (Severity, SeveritySource, &str) {
    (
        f.severity,
        f.severity_source,
        f.tool_severity.as_deref().unwrap_or(""),
    )
}

#[test]
fn checkov_and_ruff_error_is_not_a_grade() {
    use SeveritySource::{Default, SecuritySeverity};
    let error = json!({"defaultConfiguration": {"level": "error"}});
    let f = one("Checkov", error.clone(), json!({"level": "error"}));
    assert_eq!(rating(&f), (Severity::Medium, Default, "error"));
    // With a Prisma Cloud severity, Checkov writes it as a score.
    let f = one(
        "Checkov",
        json!({"defaultConfiguration": {"level": "error"}, "properties": {"security-severity": "8.9"}}),
        json!({"level": "error"}),
    );
    assert_eq!(rating(&f), (Severity::High, SecuritySeverity, "8.9"));
    let f = one("ruff", error, json!({"level": "error"}));
    assert_eq!(rating(&f), (Severity::Low, Default, "error"));
    // Another tool's `error` is a grade.
    let f = one("ESLint", json!({}), json!({"level": "error"}));
    assert_eq!(rating(&f), (Severity::High, SeveritySource::Tool, "error"));
}

#[test]
fn semgrep_levels_sit_on_its_rules() {
    use SeveritySource::{SecuritySeverity, Tool};
    for (level, want) in [
        ("error", Severity::High),
        ("warning", Severity::Medium),
        ("note", Severity::Low),
    ] {
        let f = one(
            "Semgrep OSS",
            json!({"defaultConfiguration": {"level": level}, "properties": {"precision": "very-high", "tags": []}}),
            json!({"properties": {}}),
        );
        assert_eq!(rating(&f), (want, Tool, level));
    }
    // A rule's metadata `security-severity` is copied into the rule's
    // properties: a score decides, a word (GitLab's rules) does not.
    let f = one(
        "Semgrep OSS",
        json!({"defaultConfiguration": {"level": "warning"}, "properties": {"security-severity": 9.1}}),
        json!({}),
    );
    assert_eq!(rating(&f), (Severity::Critical, SecuritySeverity, "9.1"));
    let f = one(
        "Semgrep OSS",
        json!({"defaultConfiguration": {"level": "error"}, "properties": {"security-severity": "CRITICAL"}}),
        json!({}),
    );
    assert_eq!(rating(&f), (Severity::High, Tool, "error"));
}

#[test]
fn bandit_issue_severity_beats_the_missing_level() {
    use SeveritySource::Tool;
    let props = |s: &str| json!({"properties": {"issue_severity": s, "issue_confidence": "HIGH"}});
    let f = one("Bandit", json!({}), props("MEDIUM"));
    assert_eq!(rating(&f), (Severity::Medium, Tool, "MEDIUM"));
    let mut high = props("HIGH");
    high["level"] = json!("error");
    assert_eq!(
        rating(&one("Bandit", json!({}), high)),
        (Severity::High, Tool, "HIGH")
    );
    let f = one("Bandit", json!({}), props("UNDEFINED"));
    assert_eq!(rating(&f), (Severity::Info, Tool, "UNDEFINED"));
    // Without it, the level as for any tool.
    let f = one("Bandit", json!({}), json!({"level": "note"}));
    assert_eq!(rating(&f), (Severity::Low, Tool, "note"));
}

#[test]
fn trivy_and_grype_keep_their_own_level_over_cvss() {
    use SeveritySource::{SecuritySeverity, Tool};
    let f = one(
        "Trivy",
        json!({"defaultConfiguration": {"level": "error"},
               "properties": {"tags": ["vulnerability", "security", "HIGH"], "security-severity": "9.8"}}),
        json!({"level": "error"}),
    );
    assert_eq!(rating(&f), (Severity::High, Tool, "HIGH"));
    let f = one(
        "Trivy",
        json!({"properties": {"tags": ["vulnerability", "security", "UNKNOWN"], "security-severity": "0.0"}}),
        json!({"level": "note"}),
    );
    assert_eq!(rating(&f), (Severity::Info, Tool, "UNKNOWN"));
    let f = one(
        "grype",
        json!({"help": {"text": "Vulnerability CVE-1\nSeverity: medium\nPackage: p"},
               "properties": {"security-severity": "7.5"}}),
        json!({}),
    );
    assert_eq!(rating(&f), (Severity::Medium, Tool, "medium"));
    // No level found: the score.
    let f = one(
        "grype",
        json!({"help": "not an object", "properties": {"security-severity": "7.5"}}),
        json!({}),
    );
    assert_eq!(rating(&f), (Severity::High, SecuritySeverity, "7.5"));
}

#[test]
fn dependency_check_grades_in_result_properties() {
    use SeveritySource::{Cvss, Default, Tool};
    let f = one(
        "dependency-check",
        json!({}),
        json!({"level": "error", "properties": {"unscored": "true", "severity": "low"}}),
    );
    assert_eq!(rating(&f), (Severity::Low, Tool, "low"));
    let f = one(
        "dependency-check",
        json!({}),
        json!({"level": "error", "properties": {"cvssv3_baseSeverity": "MEDIUM", "cvssv2_severity": "HIGH"}}),
    );
    assert_eq!(rating(&f), (Severity::Medium, Cvss, "MEDIUM"));
    let f = one("dependency-check", json!({}), json!({"level": "error"}));
    assert_eq!(rating(&f), (Severity::Medium, Default, "error"));
}

#[test]
fn govulncheck_levels_are_reachability() {
    let doc = |scan: &str, levels: &[&str]| {
        let results: Vec<Value> = levels
            .iter()
            .map(|l| json!({"ruleId": "GO-1", "level": l, "message": {"text": "x"}}))
            .collect();
        log(
            json!({"name": "govulncheck", "properties": {"scan_level": scan}}),
            Value::Array(results),
        )
    };
    let words = |f: Vec<Finding>| -> Vec<(Severity, SeveritySource)> {
        f.iter().map(|x| (x.severity, x.severity_source)).collect()
    };
    use SeveritySource::Tool;
    assert_eq!(
        words(ok(doc("symbol", &["error", "warning", "note"]))),
        [
            (Severity::High, Tool),
            (Severity::Low, Tool),
            (Severity::Info, Tool)
        ]
    );
    assert_eq!(
        words(ok(doc("package", &["error", "warning"]))),
        [(Severity::Low, Tool), (Severity::Info, Tool)]
    );
    assert_eq!(
        words(ok(doc("module", &["error"]))),
        [(Severity::Info, Tool)]
    );
}

#[test]
fn gitleaks_leaks_are_high_as_from_its_json() {
    let f = one("Gitleaks", json!({}), json!({}));
    assert_eq!(
        rating(&f),
        (Severity::High, SeveritySource::Default, "warning")
    );
}

#[test]
fn rule_lookup_by_index_and_extension() {
    let doc = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {"name": "t", "rules": [
                    {"id": "D0", "shortDescription": {"text": "driver rule 0"}},
                    {"id": "D1", "shortDescription": {"text": "driver rule 1"}}
                ]},
                "extensions": [{"name": "pack", "rules": [
                    {"id": "E0", "shortDescription": {"text": "ext rule 0"}, "helpUri": "https://e/0"}
                ]}]
            },
            "results": [
                {"ruleIndex": 1, "message": {"text": "m"}},
                {"rule": {"index": 0}, "message": {"text": "m"}},
                {"rule": {"index": 0, "toolComponent": {"index": 0}}, "message": {"text": "m"}},
                {"ruleId": "E0", "message": {"text": "m"}},
                {"rule": {"id": "E0", "toolComponent": {"name": "pack"}}, "message": {"text": "m"}},
                {"ruleIndex": 7, "message": {"text": "dangling index"}},
                {"ruleIndex": -1, "ruleId": "D1", "message": {"text": "m"}}
            ]
        }]
    });
    let f = ok(doc);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("D1", "driver rule 1"),
            ("D0", "driver rule 0"),
            ("E0", "ext rule 0"),
            ("E0", "ext rule 0"),
            ("E0", "ext rule 0"),
            ("unknown", "dangling index"),
            ("D1", "driver rule 1"),
        ]
    );
    assert_eq!(f[2].help_uri.as_deref(), Some("https://e/0"));
}

// ---- messages and titles -----------------------------------------------------

#[test]
fn message_strings_and_arguments() {
    let doc = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "t",
                "globalMessageStrings": {"g": {"text": "global {0}"}},
                "rules": [{"id": "R", "messageStrings": {
                    "default": {"text": "Variable '{0}' is unused in {1}; {{literal}} {5}"},
                    "md": {"markdown": "**{0}**"}
                }}]
            }},
            "results": [
                {"ruleId": "R", "message": {"id": "default", "arguments": ["x", "f()"]}},
                {"ruleId": "R", "message": {"id": "md", "arguments": ["bold"]}},
                {"ruleId": "R", "message": {"id": "g", "arguments": ["from driver"]}},
                {"ruleId": "R", "message": {"text": "direct {0}", "arguments": ["arg"]}},
                {"ruleId": "R", "message": {"text": "code { x } {0}"}},
                {"ruleId": "R", "message": {"markdown": "*md only*"}},
                {"ruleId": "R", "message": {"id": "missing"}}
            ]
        }]
    });
    let f = ok(doc);
    let got: Vec<&str> = f.iter().map(|x| x.message.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "Variable 'x' is unused in f(); {literal} {5}",
            "**bold**",
            "global from driver",
            "direct arg",
            "code { x } {0}",
            "*md only*",
            "",
        ]
    );
    // No shortDescription: the title is the message's first line, else the rule id.
    assert_eq!(f[0].title, "Variable 'x' is unused in f(); {literal} {5}");
    assert_eq!(f[6].title, "R");
}

#[test]
fn format_message_edge_cases() {
    let args = vec!["a".to_string(), "b".to_string()];
    assert_eq!(format_message("{1}{0}", &args), "ba");
    assert_eq!(format_message("{", &args), "{");
    assert_eq!(format_message("}{", &args), "}{");
    assert_eq!(
        format_message("{x}{}{99999999999999999999999}", &args),
        "{x}{}{99999999999999999999999}"
    );
    assert_eq!(format_message("é{0}ü{{}}", &args), "éaü{}");
}

#[test]
fn title_rules() {
    let long = "x".repeat(300);
    let multi = format!("\n  first line  \nsecond line {long}");
    let doc = log(
        json!({"name": "t", "rules": [
            {"id": "S", "shortDescription": {"text": "Short description"}},
            {"id": "N", "name": "RuleName"}
        ]}),
        json!([
            {"ruleId": "S", "message": {"text": "message"}},
            {"ruleId": "X", "message": {"text": multi}},
            {"ruleId": "X", "message": {"text": long}},
            {"ruleId": "N", "message": {"text": "  "}},
            {"ruleId": "X", "message": {"text": "é".repeat(250)}}
        ]),
    );
    let f = ok(doc);
    assert_eq!(f[0].title, "Short description");
    assert_eq!(f[0].message, "message");
    assert_eq!(f[1].title, "first line");
    assert!(f[1].message.contains("second line"));
    assert_eq!(f[2].title.chars().count(), TITLE_MAX_CHARS);
    assert!(f[2].title.ends_with('…'));
    assert_eq!(f[3].title, "RuleName");
    assert_eq!(f[4].title.chars().count(), TITLE_MAX_CHARS);
}

// ---- locations ------------------------------------------------------------------

#[test]
fn locations_and_artifact_index() {
    let doc = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "t"}},
            "artifacts": [
                {"location": {"uri": "src/zero.c"}},
                {"location": {"uri": "src/one.c", "uriBaseId": "SRCROOT"}}
            ],
            "results": [{
                "message": {"text": "m"},
                "locations": [
                    {"id": 1234567890123456789u64, "physicalLocation": {
                        "artifactLocation": {"uri": "file:///abs/a.py"},
                        "region": {"startLine": 10, "startColumn": 2, "endLine": 12, "endColumn": 5}}},
                    {"physicalLocation": {"artifactLocation": {"index": 1}, "region": {"startLine": 0, "startColumn": -3, "endLine": 99999999999i64}}},
                    {"physicalLocation": {"artifactLocation": {"index": 9}}},
                    {"physicalLocation": {"artifactLocation": {"uri": ""}}},
                    {"physicalLocation": {"region": {"startLine": 4}}},
                    {"logicalLocations": [{"fullyQualifiedName": "ns::f"}]},
                    {"physicalLocation": {"artifactLocation": {"uri": "rel/b.py", "index": 0}, "region": {"charOffset": 4}}}
                ]
            }]
        }]
    });
    let f = ok(doc);
    let l = &f[0].locations;
    assert_eq!(l.len(), 3);
    assert_eq!(
        l[0],
        Location {
            path: "file:///abs/a.py".into(),
            start_line: Some(10),
            start_column: Some(2),
            end_line: Some(12),
            end_column: Some(5),
        }
    );
    assert_eq!(
        l[1],
        Location {
            path: "src/one.c".into(),
            start_line: None,
            start_column: None,
            end_line: None,
            end_column: None,
        }
    );
    assert_eq!(l[2].path, "rel/b.py");
    assert_eq!(l[2].start_line, None);
}

#[test]
fn big_location_ids_and_odd_fingerprints_are_ignored() {
    let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [{
        "message": {"text": "m"},
        "fingerprints": {"a": {"value": "nested"}},
        "partialFingerprints": {"b": 5},
        "locations": [{"id": 12345678901234567890123456789012345678901234567890123456789012345678901234567,
                       "physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 1e3}}}]
    }]}]}"#;
    let f = parse(text.as_bytes()).expect("parses");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].locations[0].start_line, None);
}

// ---- cwes, ids, tags, kind ------------------------------------------------------

#[test]
fn cwes_tags_and_ids() {
    let doc = log(
        json!({"name": "CodeQL", "rules": [{
            "id": "js/sql-injection",
            "name": "SqlInjection",
            "helpUri": "https://codeql/help",
            "properties": {"tags": ["security", "external/cwe/cwe-089", "CWE-79", "cwe:22", 5, "security"],
                           "cwe": ["CWE-1", 2, "3"]},
            "relationships": [
                {"target": {"id": "CWE-20", "toolComponent": {"name": "CWE"}}},
                {"target": {"id": "999", "toolComponent": {"name": "OWASP"}}}
            ]
        }]}),
        json!([{
            "ruleId": "js/sql-injection",
            "message": {"text": "m"},
            "properties": {"tags": ["extra", "security"], "cwe": "CWE-89"},
            "taxa": [{"id": "77", "toolComponent": {"name": "cwe"}}]
        }]),
    );
    let f = ok(doc);
    let x = &f[0];
    assert_eq!(x.cwes, vec![89, 79, 22, 1, 2, 3, 20, 77]);
    assert_eq!(
        x.tags,
        vec![
            "security",
            "external/cwe/cwe-089",
            "CWE-79",
            "cwe:22",
            "extra"
        ]
    );
    assert!(x.vulnerability_ids.is_empty());
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(x.help_uri.as_deref(), Some("https://codeql/help"));
    assert!(x.component.is_none());
}

#[test]
fn vulnerability_ids_make_sca() {
    let doc = log(
        json!({"name": "Grype", "rules": [
            {"id": "CVE-2021-22696-cxf-core", "name": "LanguagePackageVulnerability"},
            {"id": "pkg-vuln", "name": "GHSA-4374-p667-p6c8"},
            {"id": "tagged", "properties": {"tags": ["cve-2019-10086", "CVE-2019-10086"]}}
        ]}),
        json!([
            {"ruleId": "CVE-2021-22696-cxf-core", "message": {"text": "m"}},
            {"ruleId": "pkg-vuln", "message": {"text": "m"}},
            {"ruleId": "tagged", "message": {"text": "CVE-2000-0001 in the message is not used"}}
        ]),
    );
    let f = ok(doc);
    assert_eq!(f[0].vulnerability_ids, vec!["CVE-2021-22696"]);
    assert_eq!(f[1].vulnerability_ids, vec!["GHSA-4374-P667-P6C8"]);
    assert_eq!(f[2].vulnerability_ids, vec!["CVE-2019-10086"]);
    assert!(f.iter().all(|x| x.kind == FindingKind::Sca));
}

#[test]
fn secret_tools() {
    for name in ["gitleaks", "TruffleHog OSS", "Secret Scanner"] {
        let f = ok(log(
            json!({"name": name}),
            json!([{"ruleId": "aws", "message": {"text": "m"}}]),
        ));
        assert_eq!(f[0].kind, FindingKind::Secret, "{name}");
    }
}

#[test]
fn suppressions() {
    let doc = log(
        json!({"name": "t"}),
        json!([
            {"message": {"text": "m"}, "suppressions": [{"kind": "inSource"}]},
            {"message": {"text": "m"}, "suppressions": [{"kind": "external", "status": "accepted"}]},
            {"message": {"text": "m"}, "suppressions": [{"kind": "external", "status": "rejected"}]},
            {"message": {"text": "m"}, "suppressions": []},
            {"message": {"text": "m"}}
        ]),
    );
    let f = ok(doc);
    let tagged: Vec<bool> = f
        .iter()
        .map(|x| x.tags.contains(&"suppressed-in-source".to_string()))
        .collect();
    assert_eq!(tagged, vec![true, true, false, false, false]);
}

#[test]
fn never_panics_on_odd_shapes() {
    let docs = [
        json!({"version": "2.1.0", "runs": [{}]}),
        json!({"version": "2.1.0", "runs": [{"tool": {}, "results": [{}]}]}),
        json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"rule": {}, "message": {}}]}]}),
        json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": []}},
            "results": [{"ruleIndex": 18446744073709551615u64, "rule": {"toolComponent": {"index": 3}}}]}]}),
        json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": [{}]}},
            "invocations": [{}, {"ruleConfigurationOverrides": [{}, {"descriptor": {}}, {"configuration": {}}]}],
            "results": [{"ruleIndex": 0, "properties": {"tags": "notalist", "security-severity": [1]}}]}]}),
    ];
    for d in docs {
        let f = ok(d);
        assert!(
            f.iter()
                .all(|x| !x.title.is_empty() || x.rule_id == "unknown")
        );
    }
    // Deep nesting in an ignored property is skipped without recursion; in a
    // property that is read it hits serde_json's recursion limit: an error,
    // not a stack overflow.
    let ignored = format!(
        r#"{{"version":"2.1.0","runs":[{{"properties":{}}}]}}"#,
        nested_arrays(100_000)
    );
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
    let read = format!(
        r#"{{"version":"2.1.0","runs":[{{"results":[{{"properties":{{"tags":{}}}}}]}}]}}"#,
        nested_arrays(100_000)
    );
    let m = malformed(parse(read.as_bytes()).expect_err("rejected"));
    assert!(m.message.contains("recursion limit"), "{}", m.message);
}
