//! Unit tests with small inline TruffleHog and trufflehog3 documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_empty_input_malformed, assert_malformed_saying, malformed,
    nested_arrays, nested_objects, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ndjson(records: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        out.extend(r.to_string().into_bytes());
        out.push(b'\n');
    }
    out
}

fn ok(bytes: &[u8]) -> Vec<Finding> {
    parse(bytes).expect("parses")
}

/// A fake AWS key id and its base64 `Raw`.
const V3_REDACTED: &str = "AKIAFAKEFAKEFAKE0000";

fn v3(detector: &str, file: &str, line: u32, verified: bool) -> Value {
    json!({
        "SourceMetadata": {"Data": {"Git": {
            "commit": "0123456789abcdef0123456789abcdef01234567",
            "file": file,
            "email": "Dev <dev@example.invalid>",
            "repository": "https://git.example.invalid/repo",
            "timestamp": "2024-01-02 03:04:05 +0000",
            "line": line
        }}},
        "SourceID": 1,
        "SourceType": 16,
        "SourceName": "trufflehog - git",
        "DetectorType": 2,
        "DetectorName": detector,
        "DecoderName": "PLAIN",
        "Verified": verified,
        "Raw": "QUtJQUZBS0VGQUtFRkFLRTAwMDA=",
        "RawV2": "QUtJQUZBS0VGQUtFRkFLRTAwMDBzZWNyZXQ=",
        "Redacted": V3_REDACTED,
        "ExtraData": {"account": "000000000000"},
        "StructuredData": null
    })
}

fn v2(reason: &str, path: &str, commit: &str) -> Value {
    json!({
        "branch": "origin/main",
        "commit": "add settings\n",
        "commitHash": commit,
        "date": "2021-01-02 03:04:05",
        "diff": "+password = 'FAKE-DIFF-SECRET-0000'",
        "path": path,
        "printDiff": "password = 'FAKE-DIFF-SECRET-0000'",
        "reason": reason,
        "stringsFound": ["password = 'FAKE-STRING-SECRET-0000'"]
    })
}

fn th3_current(id: &str, path: &str, line: &str, severity: &str) -> Value {
    json!({
        "rule": {"id": id, "message": "High Entropy", "severity": severity},
        "path": path,
        "line": line,
        "secret": "fakefakefakefakefakefake0000",
        "context": {line: "TOKEN=fakefakefakefakefakefake0000"},
        "id": "00000000-0000-0000-0000-000000000000",
        "branch": null,
        "message": null,
        "author": null,
        "commit": null,
        "date": null
    })
}

fn th3_legacy(reason: &str, path: &str) -> Value {
    json!({
        "date": "2020-01-02 03:04:05",
        "path": path,
        "branch": "origin/main",
        "commit": "Update users.json",
        "commitHash": "fedcba9876543210fedcba9876543210fedcba98",
        "reason": reason,
        "stringsFound": ["+ \"password\": \"FAKE-LEGACY-SECRET-0000\"", "- old"]
    })
}

// ---- detect ---------------------------------------------------------------

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn bad_ndjson_line_is_reported_with_its_line_number() {
    let mut bytes = ndjson(&[v3("AWS", "keys", 4, true), v3("URI", "keys", 3, true)]);
    bytes.extend(b"{\"SourceMetadata\": {\"Data\": }\n");
    bytes.extend(ndjson(&[v3("AWS", "keys", 4, true)]));
    let m = malformed(parse(&bytes));
    assert_eq!(m.position.line, Some(3), "{m:?}");
    assert!(m.position.column.is_some());
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
    // Truncated last line.
    let mut bytes = ndjson(&[
        v2("Generic Secret", "a.py", "1"),
        v2("AWS API Key", "b", "2"),
    ]);
    bytes.truncate(bytes.len() - 40);
    let m = malformed(parse(&bytes));
    assert_eq!(m.position.line, Some(2), "{m:?}");
    assert!(m.message.contains("ends too early"), "{}", m.message);
    // A line that is not an object.
    let mut bytes = ndjson(&[v2("Generic Secret", "a.py", "1")]);
    bytes.extend(b"[1, 2]\n");
    let m = malformed(parse(&bytes));
    assert_eq!(m.position.line, Some(2), "{m:?}");
}

#[test]
fn wrong_types_are_malformed_with_position() {
    let mut r = v3("AWS", "keys", 4, true);
    r["Verified"] = json!("yes");
    let mut bytes = ndjson(&[v3("AWS", "keys", 4, true)]);
    bytes.extend(ndjson(&[r]));
    let m = malformed(parse(&bytes));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message
            .starts_with("not a valid TruffleHog NDJSON report"),
        "{}",
        m.message
    );
    let mut r = v3("AWS", "keys", 4, true);
    r["SourceMetadata"]["Data"]["Git"]["line"] = json!({"n": 4});
    malformed(parse(&ndjson(&[r])));
    let mut r = v2("Generic Secret", "a", "1");
    r["stringsFound"] = json!("one string");
    malformed(parse(&ndjson(&[r])));
    let mut item = th3_current("r", "p", "1", "HIGH");
    item["rule"] = json!(["r"]);
    let m = malformed(parse(json!([item]).to_string().as_bytes()));
    assert!(
        m.message.starts_with("not a valid trufflehog3 report"),
        "{}",
        m.message
    );
    let mut item = th3_current("r", "p", "1", "HIGH");
    item["line"] = json!("line two");
    malformed(parse(json!([item]).to_string().as_bytes()));
    assert_malformed_saying(parse, r#"[["rule", "path"]]"#, "expected a JSON object");
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    // Nested unknown keys are skipped without recursion: one record.
    let deep = nested_objects("SourceMetadata", DEEP, "{}");
    assert_eq!(parse(deep.as_bytes()).expect("parses").len(), 1);
    // Where a string is expected: a type error.
    let mut deep = b"{\"DetectorName\":".to_vec();
    deep.extend(unclosed_arrays(DEEP).bytes());
    malformed(parse(&deep));
    // Unknown fields are skipped without recursion.
    let mut inside = b"{\"DetectorName\": \"X\", \"ExtraData\": ".to_vec();
    inside.extend(nested_arrays(DEEP).bytes());
    inside.extend(b"}\n");
    assert_eq!(parse(&inside).expect("parses").len(), 1);
    inside.truncate(12_000);
    malformed(parse(&inside));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"null"));
    assert!(m.contains("NDJSON"), "{m}");
    unsupported(parse(b"\"x\""));
    let m = unsupported(parse(b"{\"version\": \"2.1.0\", \"runs\": []}"));
    assert!(m.contains("line 1"), "{m}");
    let m = unsupported(parse(
        b"[{\"line\": 9, \"code\": \"DL3008\", \"message\": \"m\", \"file\": \"f\"}]",
    ));
    assert!(m.contains("item /0"), "{m}");
    // Malformed JSON that starts oddly is still malformed.
    malformed(parse(b"nul"));
}

// ---- mapping: v3 -------------------------------------------------------------------

#[test]
fn v3_maps_every_field() {
    let mut r = v3("AWS", "keys", 4, true);
    r["DetectorDescription"] = json!("AWS access keys.");
    let f = ok(&ndjson(&[r]));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "trufflehog");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "AWS");
    assert_eq!(x.title, "Hard-coded secret: AWS");
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!(x.severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(x.tool_severity, None);
    assert_eq!(x.kind, FindingKind::Secret);
    assert_eq!(x.cwes, vec![798]);
    assert_eq!(x.locations, vec![location("keys", Some(4))]);
    assert_eq!(
        x.tags,
        vec!["verified".to_string(), "source:Git".to_string()]
    );
    assert_eq!(x.source_pointer, "line:1");
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert_eq!(
        x.message,
        "TruffleHog detector `AWS` found a verified secret (`AKIA…`) in `keys` at line 4. \
         Commit 0123456789abcdef0123456789abcdef01234567 (2024-01-02 03:04:05 +0000). \
         Repository https://git.example.invalid/repo.\n\nAWS access keys."
    );
}

#[test]
fn v3_unverified_and_other_sources() {
    let github = json!({
        "SourceMetadata": {"Data": {"Github": {
            "link": "https://github.example.invalid/o/r/blob/abc/config.yml#L9",
            "file": "config.yml", "line": 9, "commit": "abc"}}},
        "DetectorType": 9, "DetectorName": "Slack", "DecoderName": "BASE64",
        "Verified": false, "Redacted": ""
    });
    let fs_no_line = json!({
        "SourceMetadata": {"Data": {"Filesystem": {"file": "/src/app.env"}}},
        "DetectorName": "Stripe", "Verified": false
    });
    let s3 = json!({
        "SourceMetadata": {"Data": {"S3": {"bucket": "b", "link": "https://s3.example.invalid/b/k"}}},
        "DetectorName": "Github"
    });
    let bare = json!({"SourceMetadata": null, "DetectorType": 0});
    let f = ok(&ndjson(&[github, fs_no_line, s3, bare]));
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(
        f[0].tags,
        vec![
            "unverified".to_string(),
            "source:Github".to_string(),
            "decoder:BASE64".to_string()
        ]
    );
    assert_eq!(f[0].locations, vec![location("config.yml", Some(9))]);
    assert!(f[0].message.ends_with("#L9"), "{}", f[0].message);
    assert_eq!(f[1].locations, vec![location("/src/app.env", None)]);
    assert_eq!(
        f[2].locations,
        vec![location("https://s3.example.invalid/b/k", None)]
    );
    assert_eq!(f[3].rule_id, "unknown");
    assert!(f[3].locations.is_empty());
    assert_eq!(f[3].source_pointer, "line:4");
}

#[test]
fn ndjson_pointers_count_blank_lines() {
    let mut bytes = b"\xEF\xBB\xBF\n".to_vec();
    bytes.extend(ndjson(&[v3("A", "f", 1, false)]));
    bytes.extend(b"\r\n  \n");
    bytes.extend(ndjson(&[v3("B", "f", 2, false)]));
    let f = ok(&bytes);
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(pointers, ["line:2", "line:5"]);
    // Two records on one line are not NDJSON.
    let mut bytes = v3("A", "f", 1, false).to_string().into_bytes();
    bytes.extend(v3("B", "f", 1, false).to_string().into_bytes());
    let m = malformed(parse(&bytes));
    assert_eq!(m.position.line, Some(1));
}

#[test]
fn pretty_printed_records_are_read_as_a_stream() {
    let pretty = |v: Value| serde_json::to_string_pretty(&v).expect("json");
    let a = pretty(v3("A", "f", 1, false));
    let b = pretty(v2("Generic Secret", "p", "1"));
    let text = format!("{a}\n\n{b}\n{a}");
    let f = ok(text.as_bytes());
    let a_lines = a.lines().count();
    let b_lines = b.lines().count();
    let pointers: Vec<String> = f.iter().map(|x| x.source_pointer.clone()).collect();
    assert_eq!(
        pointers,
        [
            "line:1".to_string(),
            format!("line:{}", a_lines + 2),
            format!("line:{}", a_lines + b_lines + 2)
        ]
    );
    // An error inside a pretty record is reported where serde_json sees it.
    let broken = format!("{a}\n{}", &b[..b.len() / 2]);
    let m = malformed(parse(broken.as_bytes()));
    assert!(m.position.line.is_some_and(|l| l > a_lines as u32), "{m:?}");
}

#[test]
fn log_records_are_skipped() {
    let log = json!({"level": "info-0", "ts": "2024-01-01T00:00:00Z", "logger": "trufflehog",
                     "msg": "finished scanning", "chunks": 10});
    let f = ok(&ndjson(&[
        log.clone(),
        v3("AWS", "k", 1, true),
        log.clone(),
    ]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].source_pointer, "line:2");
    assert!(ok(&ndjson(&[log])).is_empty());
}

// ---- mapping: v2 -------------------------------------------------------------------

#[test]
fn v2_maps_every_field() {
    let f = ok(&ndjson(&[
        v2("Generic Secret", "test_all.py", "1111"),
        v2("High Entropy", "test_all.py", "2222"),
        v2("RSA private key", "keys/id_rsa", "3333"),
    ]));
    let x = &f[0];
    assert_eq!(x.tool, "trufflehog");
    assert_eq!(x.rule_id, "Generic Secret");
    assert_eq!(x.title, "Hard-coded secret: Generic Secret");
    assert_eq!(x.severity, Severity::Medium);
    assert_eq!(x.severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(x.tool_severity, None);
    assert_eq!(x.locations, vec![location("test_all.py", None)]);
    assert_eq!(x.cwes, vec![798]);
    assert!(x.tags.is_empty());
    assert_eq!(x.source_pointer, "line:1");
    assert_eq!(
        x.message,
        "TruffleHog found 1 string matching `Generic Secret` in `test_all.py`. \
         Commit 1111 (2021-01-02 03:04:05). Branch origin/main."
    );
    assert_eq!(f[1].severity, Severity::Low);
    assert_eq!(f[2].severity, Severity::High);
    assert_eq!(f[2].source_pointer, "line:3");
}

#[test]
fn v2_one_finding_per_commit_reason_and_path() {
    // Each commit that holds a match is its own record and message.
    let f = normalizer_default::normalize(ok(&ndjson(&[
        v2("Generic Secret", "a.py", "1"),
        v2("Generic Secret", "a.py", "2"),
        v2("Generic Secret", "b.py", "2"),
        v2("AWS API Key", "a.py", "2"),
        v2("AWS API Key", "a.py", "2"),
    ])));
    assert_eq!(f.len(), 4, "only the repeated identical record merges");
}

#[test]
fn reason_severity_table() {
    assert_eq!(reason_severity("High Entropy"), Severity::Low);
    assert_eq!(reason_severity("High entropy"), Severity::Low);
    assert_eq!(reason_severity("generic secret"), Severity::Medium);
    assert_eq!(reason_severity("Generic Secret"), Severity::Medium);
    assert_eq!(reason_severity("AWS API Key"), Severity::High);
    assert_eq!(reason_severity("SSH (EC) private key"), Severity::High);
}

// ---- mapping: trufflehog3 --------------------------------------------------------

#[test]
fn trufflehog3_current_maps_every_field() {
    let items = json!([
        th3_current("high-entropy", "docker/Dockerfile", "3", "HIGH"),
        th3_current("high-entropy", "env.txt", "10", "low"),
        {"rule": {"id": "r"}, "path": "p", "line": 7, "secret": "s"},
        {"rule": {"id": "r", "severity": "SEVERE"}, "path": "p", "line": null},
    ]);
    let f = ok(items.to_string().as_bytes());
    let x = &f[0];
    assert_eq!(x.tool, "trufflehog3");
    assert_eq!(x.rule_id, "high-entropy");
    assert_eq!(x.title, "Hard-coded secret: High Entropy");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.severity_source, cordon_sdk::SeveritySource::Tool);
    assert_eq!(x.tool_severity.as_deref(), Some("HIGH"));
    assert_eq!(x.locations, vec![location("docker/Dockerfile", Some(3))]);
    assert_eq!(x.cwes, vec![798]);
    assert_eq!(x.source_pointer, "/0");
    assert_eq!(
        x.message,
        "trufflehog3 rule `high-entropy` matched a secret (`fake…`) in `docker/Dockerfile` at line 3."
    );
    assert_eq!(f[1].severity, Severity::Low);
    assert_eq!(f[1].tool_severity.as_deref(), Some("low"));
    assert_eq!(f[2].title, "Hard-coded secret: r");
    assert_eq!(f[2].severity, Severity::High);
    assert_eq!(f[2].tool_severity, None);
    assert_eq!(f[2].locations, vec![location("p", Some(7))]);
    assert_eq!(f[2].severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(f[3].severity, Severity::High);
    assert_eq!(f[3].severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(f[3].tool_severity.as_deref(), Some("SEVERE"));
    assert_eq!(f[3].locations, vec![location("p", None)]);
}

#[test]
fn trufflehog3_legacy_maps_every_field() {
    let items = json!([
        th3_legacy("High entropy", "fixtures/users.json"),
        th3_legacy("Generic Secret", "settings.py"),
        th3_legacy("High entropy", "fixtures/users.json"),
    ]);
    let raw = ok(items.to_string().as_bytes());
    let x = &raw[0];
    assert_eq!(x.tool, "trufflehog3");
    assert_eq!(x.rule_id, "High entropy");
    assert_eq!(x.severity, Severity::Low);
    assert_eq!(x.locations, vec![location("fixtures/users.json", None)]);
    assert_eq!(x.source_pointer, "/0");
    assert_eq!(
        x.message,
        "trufflehog3 found 2 strings matching `High entropy` in `fixtures/users.json`. \
         Commit fedcba9876543210fedcba9876543210fedcba98 (2020-01-02 03:04:05). Branch origin/main."
    );
    assert_eq!(raw[1].severity, Severity::Medium);
    assert_eq!(normalizer_default::normalize(raw).len(), 2);
}

#[test]
fn trufflehog3_empty_and_unknown_items() {
    assert!(ok(b"[]").is_empty());
    assert!(ok(b"\xEF\xBB\xBF [ ] ").is_empty());
    let m = unsupported(parse(b"[{\"path\": \"p\"}]"));
    assert!(m.contains("neither `rule` nor `reason`"), "{m}");
}

// ---- secrets ---------------------------------------------------------------------

#[test]
fn redact_keeps_at_most_four_characters() {
    assert_eq!(redact("AKIAFAKEFAKEFAKE0000"), "AKIA…");
    assert_eq!(redact("https://*****:*****@example.invalid"), "http…");
    assert_eq!(redact("12345678"), "12…");
    assert_eq!(redact("abc"), "…");
    assert_eq!(redact(""), "…");
}

#[test]
fn secrets_never_reach_the_output() {
    let mut bytes = ndjson(&[
        v3("AWS", "keys", 4, true),
        v2("Generic Secret", "a.py", "1"),
    ]);
    let f3 = ok(json!([
        th3_current("high-entropy", "a", "1", "HIGH"),
        th3_legacy("High entropy", "b")
    ])
    .to_string()
    .as_bytes());
    let mut all = format!("{f3:?}");
    bytes.truncate(bytes.len());
    all.push_str(&format!("{:?}", ok(&bytes)));
    for s in [
        "FAKEFAKE",
        "fakefake",
        "FAKE-DIFF",
        "FAKE-STRING",
        "FAKE-LEGACY",
        "QUtJQU",
        "000000000000",
    ] {
        assert!(!all.contains(s), "{s} leaked: {all}");
    }
}
