//! Unit tests with small inline Gitleaks documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_empty_input_malformed, assert_invalid_json_at,
    assert_malformed_saying, malformed, nested_arrays, nested_objects, parses, unclosed_arrays,
    unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn v8_leak() -> Value {
    json!({
        "Description": "AWS Access Key",
        "StartLine": 12,
        "EndLine": 12,
        "StartColumn": 9,
        "EndColumn": 28,
        "Match": "aws_key = AKIAFAKEFAKEFAKE0000",
        "Secret": "AKIAFAKEFAKEFAKE0000",
        "File": "deploy/config.env",
        "Commit": "0123456789abcdef0123456789abcdef01234567",
        "Entropy": 3.6,
        "Author": "Jane Doe",
        "Email": "jane@example.invalid",
        "Date": "2024-02-03T04:05:06Z",
        "Message": "add config",
        "Tags": ["key", "AWS"],
        "RuleID": "aws-access-token",
        "Fingerprint": "0123456789abcdef0123456789abcdef01234567:deploy/config.env:aws-access-token:12",
        "Link": "https://git.example.invalid/repo/blob/0123456/deploy/config.env#L12"
    })
}

fn v7_leak() -> Value {
    json!({
        "line": "token = \"ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000\"",
        "lineNumber": 3,
        "offender": "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000",
        "commit": "fedcba9876543210fedcba9876543210fedcba98",
        "repo": ".",
        "repoURL": "",
        "leakURL": "",
        "rule": "Github Personal Access Token",
        "commitMessage": "oops\n",
        "author": "John Doe",
        "email": "john@example.invalid",
        "file": "scripts/release.sh",
        "date": "2021-05-06T07:08:09+02:00",
        "tags": "key, Github"
    })
}

// ---- detect ---------------------------------------------------------------

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let m = malformed(parse(b"[\n  {\"rule\": \"x\",}\n]"));
    assert_invalid_json_at(&m, 2);
    assert!(!m.message.contains(" at line "), "{}", m.message);
    // An object with a syntax error is malformed, not unsupported.
    let m = malformed(parse(b"{\"a\": }"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
    let m = malformed(parse(b"nul"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

#[test]
fn truncated_input_is_malformed() {
    let mut bytes = serde_json::to_vec_pretty(&json!([v8_leak(), v7_leak()])).expect("json");
    bytes.truncate(bytes.len() / 2);
    let m = malformed(parse(&bytes));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    assert!(m.position.line.is_some());
}

#[test]
fn wrong_types_are_malformed_with_position() {
    for (field, value) in [
        ("lineNumber", json!({})),
        ("lineNumber", json!("twelve")),
        ("file", json!(7)),
        ("offender", json!(["x"])),
        ("tags", json!(["a"])),
    ] {
        let mut leak = v7_leak();
        leak[field] = value;
        let text = serde_json::to_string_pretty(&json!([leak])).expect("json");
        let m = malformed(parse(text.as_bytes()));
        assert!(
            m.message.starts_with("not a valid Gitleaks report"),
            "{field}: {}",
            m.message
        );
        assert!(m.position.line.is_some_and(|l| l > 1), "{field}: {m:?}");
    }
    for (field, value) in [
        ("StartLine", json!(true)),
        ("Tags", json!("key")),
        ("Secret", json!(1)),
    ] {
        let mut leak = v8_leak();
        leak[field] = value;
        let m = malformed(parse(json!([leak]).to_string().as_bytes()));
        assert!(m.message.contains("invalid type"), "{field}: {}", m.message);
    }
    // A leak must be an object, not an array read by position.
    assert_malformed_saying(parse, r#"[["rule", "file"]]"#, "expected a JSON object");
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    // Where a leak is expected: a type error (serde_json also stops at 128
    // levels).
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    let unclosed = unclosed_arrays(DEEP) + "{";
    malformed(parse(unclosed.as_bytes()));
    // A deep object is skipped without recursion and is not a report.
    unsupported(parse(nested_objects("a", DEEP, "1").as_bytes()));
    // Deep values in unknown fields are skipped the same way.
    let mut inside = b"[{\"rule\": \"r\", \"extra\": ".to_vec();
    inside.extend(nested_arrays(DEEP).bytes());
    inside.extend(b"}]");
    assert_eq!(parse(&inside).expect("parses").len(), 1);
    // ...and cut short, they are malformed.
    inside.truncate(15_000);
    malformed(parse(&inside));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(br#"{"runs": [], "version": "2.1.0"}"#));
    assert!(m.contains("array of leaks"), "{m}");
    unsupported(parse(b"\"leaks\""));
    unsupported(parse(b"42"));
    // An array of something else (hadolint).
    let m = unsupported(parse(
        br#"[{"line": 9, "code": "DL3008", "message": "Pin versions", "column": 1, "level": "warning"}]"#,
    ));
    assert!(m.contains("item /0"), "{m}");
    unsupported(parse(b"[{}]"));
}

// ---- mapping --------------------------------------------------------------------

#[test]
fn null_and_empty_array_are_no_leaks() {
    assert!(parse(b"null").expect("null").is_empty());
    assert!(parse(b"\xEF\xBB\xBF\n null \n").expect("null").is_empty());
    assert!(parse(b"[]").expect("[]").is_empty());
}

#[test]
fn v8_maps_every_field() {
    let f = ok(json!([v8_leak()]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "gitleaks");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "aws-access-token");
    assert_eq!(x.title, "Hard-coded secret: AWS Access Key");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(x.tool_severity, None);
    assert_eq!(x.kind, FindingKind::Secret);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "deploy/config.env".into(),
            start_line: Some(12),
            start_column: Some(9),
            end_line: Some(12),
            end_column: Some(28),
        }]
    );
    assert_eq!(x.cwes, vec![798]);
    assert_eq!(x.tags, vec!["key".to_string(), "AWS".to_string()]);
    assert!(x.component.is_none());
    assert!(x.vulnerability_ids.is_empty());
    assert_eq!(x.help_uri, None);
    assert_eq!(x.source_pointer, "/0");
    assert!(x.fingerprint.is_empty());
    assert_eq!(x.input, 0);
    assert_eq!(
        x.message,
        "Gitleaks rule `aws-access-token` matched a secret (`AKIA…`) in `deploy/config.env` \
         at line 12. Commit 0123456789abcdef0123456789abcdef01234567 (2024-02-03T04:05:06Z). \
         https://git.example.invalid/repo/blob/0123456/deploy/config.env#L12"
    );
}

#[test]
fn v7_maps_every_field() {
    let f = ok(json!([v7_leak()]));
    let x = &f[0];
    assert_eq!(x.rule_id, "Github Personal Access Token");
    assert_eq!(x.title, "Hard-coded secret: Github Personal Access Token");
    assert_eq!(x.locations.len(), 1);
    assert_eq!(x.locations[0].path, "scripts/release.sh");
    assert_eq!(x.locations[0].start_line, Some(3));
    assert_eq!(x.locations[0].start_column, None);
    assert_eq!(x.tags, vec!["key".to_string(), "Github".to_string()]);
    assert_eq!(x.cwes, vec![798]);
    assert_eq!(x.severity, Severity::High);
    assert_eq!(
        x.message,
        "Gitleaks rule `Github Personal Access Token` matched a secret (`ghp_…`) in \
         `scripts/release.sh` at line 3. Commit fedcba9876543210fedcba9876543210fedcba98 \
         (2021-05-06T07:08:09+02:00)."
    );
}

#[test]
fn missing_and_zero_fields() {
    // No line number (early v7), no rule, zero positions, null fields.
    let f = ok(json!([
        {"offender": "x", "file": "a.txt"},
        {"RuleID": null, "File": "b.txt", "StartLine": 0, "EndLine": 0, "StartColumn": 0,
         "EndColumn": 0, "Secret": "", "Tags": null, "Description": ""},
        {"rule": "R", "file": ""}
    ]));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "Hard-coded secret: unknown");
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[1].rule_id, "unknown");
    assert_eq!(
        f[1].locations[0],
        Location {
            path: "b.txt".into(),
            start_line: None,
            start_column: None,
            end_line: None,
            end_column: None,
        }
    );
    assert!(f[1].tags.is_empty());
    assert_eq!(
        f[1].message,
        "Gitleaks rule `unknown` matched a secret in `b.txt`."
    );
    assert!(f[2].locations.is_empty());
    assert_eq!(f[2].source_pointer, "/2");
    // Line numbers as strings are read; huge and negative ones are dropped.
    let f = ok(json!([{"rule": "r", "file": "f", "lineNumber": "7"},
                     {"rule": "r", "file": "f", "lineNumber": -3},
                     {"rule": "r", "file": "f", "lineNumber": 99_999_999_999u64}]));
    assert_eq!(f[0].locations[0].start_line, Some(7));
    assert_eq!(f[1].locations[0].start_line, None);
    assert_eq!(f[2].locations[0].start_line, None);
}

#[test]
fn long_values_are_clipped_to_host_limits() {
    let long = "r".repeat(5000);
    let f = ok(json!([{"RuleID": long, "Description": long, "File": "f", "Tags": [long]}]));
    assert!(f[0].rule_id.len() <= 1024);
    assert!(f[0].tags[0].len() <= 1024);
    assert!(f[0].title.chars().count() <= TITLE_MAX_CHARS);
}

// ---- secrets ---------------------------------------------------------------------

#[test]
fn redact_keeps_at_most_four_characters() {
    assert_eq!(redact("AKIAFAKEFAKEFAKE0000"), "AKIA…");
    assert_eq!(redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE"), "----…");
    assert_eq!(redact("12345678"), "12…");
    assert_eq!(redact("abc"), "…");
    assert_eq!(redact(""), "…");
    assert_eq!(redact("ä\nöüßäöüß"), "äö…");
}

#[test]
fn secrets_never_reach_the_output() {
    let secret_v8 = "AKIAFAKEFAKEFAKE0000";
    let secret_v7 = "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000";
    let f = ok(json!([v8_leak(), v7_leak()]));
    for x in &f {
        let all = format!("{x:?}");
        for s in [secret_v8, secret_v7, "FAKEFAKE"] {
            assert!(!all.contains(s), "secret leaked: {all}");
        }
    }
}

#[test]
fn same_leak_in_several_commits_is_one_finding_per_commit() {
    let mut a = v8_leak();
    let mut b = v8_leak();
    a["Commit"] = json!("1111111111111111111111111111111111111111");
    b["Commit"] = json!("2222222222222222222222222222222222222222");
    let mut c = v8_leak();
    c["StartLine"] = json!(40);
    let f = normalizer_default::normalize(ok(json!([a.clone(), b, c, a])));
    assert_eq!(
        f.len(),
        3,
        "the commit is in the message; only the repeat merges"
    );
}
