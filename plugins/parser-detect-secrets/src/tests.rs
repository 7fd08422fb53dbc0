//! Unit tests with small inline detect-secrets baselines.

use super::*;
use corpus_support::kit::{
    DEEP, assert_bom_and_every_prefix, assert_cuts_end_too_early, assert_each_malformed,
    assert_each_unsupported, assert_empty_input_malformed, assert_invalid_json_at,
    assert_malformed_saying, malformed, nested_arrays, nested_objects, parse_doc, parses,
    unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

const HASH: &str = "25910f981e85ca04baf359199dd0bd4a3ae738b6";

fn entry(kind: &str, file: &str, line: u32) -> Value {
    json!({
        "type": kind,
        "filename": file,
        "hashed_secret": HASH,
        "is_verified": false,
        "line_number": line
    })
}

/// A 1.x baseline with `results`.
fn baseline(results: Value) -> Value {
    json!({
        "version": "1.5.0",
        "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "KeywordDetector"}],
        "filters_used": [{"path": "detect_secrets.filters.heuristic.is_sequential_string"}],
        "results": results,
        "generated_at": "2024-06-01T10:00:00Z"
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
        parse(b"{\n  \"plugins_used\": [],\n  \"results\": {\"a\": [,]}\n}").expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    // A type error before the syntax error: the syntax error is reported.
    let m = malformed(
        parse(b"{\"results\": [\n{\"rule_id\": \"AWS017\"\n\"severity\": \"ERROR\"}]}")
            .expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = baseline(json!({"a.py": [entry("AWS Access Key", "a.py", 2)]})).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 20, text.len() / 2, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(
        parse(b"{\"plugins_used\": [],\n\"results\": {\"a\": [{\"type\": 1, \"hashed_secret\": \"x\"}]}}")
            .expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid detect-secrets baseline"),
        "{}",
        m.message
    );
    let with = |f: &dyn Fn(&mut Value)| {
        let mut e = entry("Secret Keyword", "a", 1);
        f(&mut e);
        baseline(json!({ "a": [e] }))
    };
    assert_each_malformed(
        parse,
        [
            with(&|e| e["hashed_secret"] = json!(1)),
            with(&|e| e["type"] = Value::Null),
            with(&|e| {
                if let Some(o) = e.as_object_mut() {
                    o.remove("hashed_secret");
                }
            }),
            with(&|e| {
                if let Some(o) = e.as_object_mut() {
                    o.remove("type");
                }
            }),
            with(&|e| e["is_verified"] = json!("no")),
            with(&|e| e["is_secret"] = json!("true")),
            with(&|e| e["line_number"] = json!(true)),
            with(&|e| e["filename"] = json!(["a"])),
            baseline(json!({"a": {}})),
            baseline(json!({"a": null})),
            baseline(json!({"a": [1]})),
            baseline(json!({"a": [[HASH]]})),
            baseline(json!([])),
            baseline(json!("a")),
            json!({"version": 1, "plugins_used": [], "results": {}}),
            // A file's list of another shape still marks a baseline.
            json!({"results": {"a": [{"hashed_secret": HASH}]}}),
        ],
    );
    assert_malformed_saying(
        parse,
        json!({"version": "1.5.0", "plugins_used": []}),
        "missing field `results`",
    );
    assert_malformed_saying(
        parse,
        json!({"plugins_used": [], "results": null}),
        "missing field `results`",
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse_doc(parse, json!([entry("x", "a", 1)])).expect_err("rejected"));
    assert!(m.contains("must be an object"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"[]"));
    malformed(parse(b"[1, "));
    assert_each_unsupported(
        parse,
        [
            json!({}),
            json!({"results": {}}),
            json!({"results": {"a.py": []}}),
            // Bandit.
            json!({"errors": [], "generated_at": "2024-06-01T10:00:00Z", "metrics": {},
                   "results": [{"filename": "a.py", "line_number": 3, "test_id": "B105",
                                "issue_text": "Possible hardcoded password"}]}),
            // Semgrep.
            json!({"results": [], "errors": [], "version": "1.60.0"}),
            // Checkov.
            json!({"check_type": "terraform", "results": {"passed_checks": [],
                   "failed_checks": [{"check_id": "CKV_AWS_20", "file_path": "/main.tf"}]},
                   "summary": {"failed": 1}}),
            json!({"check_type": "terraform", "results": {"passed_checks": [], "failed_checks": []}}),
            // detect-secrets' own `audit --report` output is not a baseline.
            json!({"results": [{"category": "UNVERIFIED", "filename": "a.py", "lines": {"2": "x"},
                                "secrets": "x", "types": ["AWS Access Key"]}]}),
        ],
    );
    let m = unsupported(parse_doc(parse, json!({"results": {}})).expect_err("rejected"));
    assert!(m.contains("another tool"), "{m}");
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    // Well-formed, but not an object: skipped without recursion.
    unsupported(parse(nested_arrays(DEEP).as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let objects = nested_objects("results", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    let doc = format!(
        r#"{{"plugins_used":[],"results":{{"a":[{}]}}}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    let doc = format!(
        r#"{{"plugins_used":[],"results":{{"a":[{{"type":"x","hashed_secret":{}}}]}}}}"#,
        nested_objects("a", DEEP, "1")
    );
    malformed(parse(doc.as_bytes()));
    // In an unknown field: skipped without recursion.
    let doc = format!(
        r#"{{"plugins_used":{},"results":{{"a":[{{"type":"x","hashed_secret":"h","extra":{}}}]}}}}"#,
        nested_arrays(DEEP),
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok(baseline(json!({
        "config/aws.py": [entry("AWS Access Key", "config/aws.py", 2)]
    })));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "detect-secrets");
    assert_eq!(x.tool_version.as_deref(), Some("1.5.0"));
    assert_eq!(x.rule_id, "AWS Access Key");
    assert_eq!(x.title, "Potential secret: AWS Access Key");
    assert_eq!(
        x.message,
        "detect-secrets found a potential secret of type `AWS Access Key` in `config/aws.py` at line 2."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, None)
    );
    assert_eq!(x.severity_source, SeveritySource::Default);
    assert_eq!(x.kind, FindingKind::Secret);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "config/aws.py".into(),
            start_line: Some(2),
            start_column: None,
            end_line: None,
            end_column: None,
        }]
    );
    assert_eq!(x.cwes, vec![798]);
    assert!(x.tags.is_empty() && x.component.is_none() && x.help_uri.is_none());
    assert!(x.vulnerability_ids.is_empty());
    assert_eq!(x.source_pointer, "/results/config~1aws.py/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn the_hash_is_never_copied() {
    let f = ok(baseline(json!({
        "a": [entry("Secret Keyword", "a", 1), entry("Secret Keyword", "a", 1)]
    })));
    assert!(!format!("{f:?}").contains(HASH));
}

#[test]
fn severity_table() {
    let audited = |verified: bool, secret: Value| {
        let mut e = entry("Hex High Entropy String", "a", 1);
        e["is_verified"] = json!(verified);
        e["is_secret"] = secret;
        e
    };
    let f = ok(baseline(json!({"a": [
        entry("AWS Access Key", "a", 1),
        entry("Private Key", "a", 2),
        entry("Secret Keyword", "a", 3),
        entry("SECRET KEYWORD", "a", 4),
        entry("Base64 High Entropy String", "a", 5),
        entry("Hex High Entropy String", "a", 6),
        audited(true, Value::Null),
        audited(true, json!(false)),
        audited(false, json!(false)),
        audited(false, json!(true)),
        audited(false, Value::Null),
    ]})));
    let want = [
        (Severity::High, vec![]),
        (Severity::High, vec![]),
        (Severity::Medium, vec![]),
        (Severity::Medium, vec![]),
        (Severity::Low, vec![]),
        (Severity::Low, vec![]),
        (Severity::Critical, vec!["verified"]),
        (Severity::Critical, vec!["verified", "false-positive"]),
        (Severity::Info, vec!["false-positive"]),
        (Severity::High, vec!["true-positive"]),
        (Severity::Low, vec![]),
    ];
    assert_eq!(f.len(), want.len());
    for (i, (x, (severity, tags))) in f.iter().zip(want).enumerate() {
        assert_eq!(
            (x.severity, x.tags.clone()),
            (
                severity,
                tags.iter().map(|t| t.to_string()).collect::<Vec<_>>()
            ),
            "entry {i}"
        );
        assert_eq!(x.severity_source, SeveritySource::Default);
        assert_eq!(x.tool_severity, None);
    }
    assert!(f[7].message.ends_with(
        "A detect-secrets plugin verified it as a live credential. An audit marked it a false positive."
    ));
    assert!(f[9].message.ends_with("An audit marked it a real secret."));
}

#[test]
fn version_0_entries_are_named_by_their_key() {
    let f = ok(json!({
        "custom_plugin_paths": [],
        "exclude": {"files": null, "lines": null},
        "generated_at": "2020-01-01T00:00:00Z",
        "plugins_used": [{"name": "PrivateKeyDetector"}],
        "results": {
            "keys/id_rsa": [{"hashed_secret": HASH, "is_secret": false, "is_verified": false,
                             "line_number": 1, "type": "Private Key"}],
            "b.env": [{"hashed_secret": HASH, "type": "Basic Auth Credentials", "filename": " "}]
        },
        "version": "0.14.3",
        "word_list": {"file": null, "hash": null}
    }));
    // `json!` sorts the keys.
    assert_eq!(f[1].locations[0].path, "keys/id_rsa");
    assert_eq!(f[1].tool_version.as_deref(), Some("0.14.3"));
    assert_eq!(f[1].severity, Severity::Info);
    assert_eq!(f[0].locations[0].path, "b.env");
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(
        f[0].message,
        "detect-secrets found a potential secret of type `Basic Auth Credentials` in `b.env`."
    );
    assert_eq!(f[0].source_pointer, "/results/b.env/0");
}

#[test]
fn odd_values() {
    let f = ok(json!({
        "plugins_used": [],
        "results": {
            "": [{"type": "  ", "hashed_secret": "", "line_number": 0, "is_verified": null}],
            "a~b": [{"type": "X\nY", "hashed_secret": "h", "line_number": "7", "filename": "c/d"}]
        }
    }));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "Potential secret: unknown");
    assert!(f[0].locations.is_empty());
    assert_eq!(f[0].tool_version, None);
    assert_eq!(
        f[0].message,
        "detect-secrets found a potential secret of type `unknown`."
    );
    assert_eq!(f[0].source_pointer, "/results//0");
    assert_eq!(f[1].title, "Potential secret: X");
    assert_eq!(f[1].locations[0].path, "c/d");
    assert_eq!(f[1].locations[0].start_line, Some(7));
    assert_eq!(f[1].source_pointer, "/results/a~0b/0");
}

#[test]
fn clean_baselines() {
    assert!(ok(baseline(json!({}))).is_empty());
    assert!(ok(json!({"plugins_used": [], "results": {"a": []}})).is_empty());
}

#[test]
fn several_secrets_on_one_line_stay_apart() {
    let mut other = entry("Base64 High Entropy String", "a.js", 5);
    other["hashed_secret"] = json!("0000000000000000000000000000000000000000");
    let f = ok(baseline(json!({"a.js": [
        entry("Base64 High Entropy String", "a.js", 5),
        entry("Secret Keyword", "a.js", 5),
        other,
    ]})));
    assert_eq!(f.len(), 3);
    assert!(
        f[0].message
            .ends_with("at line 5 (1 of 2 of this type there).")
    );
    assert!(f[1].message.ends_with("at line 5."));
    assert!(
        f[2].message
            .ends_with("at line 5 (2 of 2 of this type there).")
    );
    assert_eq!(f[2].source_pointer, "/results/a.js/2");
    assert_eq!(normalizer_default::normalize(f).len(), 3);
    // The same baseline twice (two inputs of one run) is one set.
    let twice: Vec<Finding> = [
        entry("AWS Access Key", "a", 1),
        entry("AWS Access Key", "a", 1),
    ]
    .iter()
    .flat_map(|e| ok(baseline(json!({ "a": [e] }))))
    .collect();
    assert_eq!(normalizer_default::normalize(twice).len(), 1);
}

#[test]
fn bom_and_prefixes() {
    let text = baseline(json!({"a": [entry("Secret Keyword", "a", 1)]})).to_string();
    assert_bom_and_every_prefix(parse, &text, 1);
}
