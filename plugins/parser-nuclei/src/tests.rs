//! Unit tests with small inline Nuclei documents.

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

/// JSON Lines of `records`, one per line.
fn lines(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

fn ok_lines(records: &[Value]) -> Vec<Finding> {
    parse(lines(records).as_bytes()).expect("parses")
}

/// A v3 result of an HTTP template, with everything that must stay out of
/// findings.
fn result(id: &str, matcher: Option<&str>, at: &str) -> Value {
    let mut r = json!({
        "template": "http/misconfiguration/x.yaml",
        "template-url": "https://cloud.projectdiscovery.io/public/x",
        "template-id": id,
        "template-path": "/opt/nuclei-templates/http/misconfiguration/x.yaml",
        "info": {
            "name": "Example Check",
            "author": ["pdteam"],
            "tags": ["misconfig", "HTTP"],
            "description": "Checks for an example problem.\n",
            "reference": ["https://example.com/ref", "https://example.com/ref2"],
            "severity": "medium",
            "classification": {"cve-id": ["cve-2021-44228"], "cwe-id": ["cwe-79", "cwe-89"],
                               "cvss-metrics": "CVSS:3.1/AV:N", "cvss-score": 9.8}
        },
        "type": "http",
        "host": "example.com",
        "port": "443",
        "url": "https://example.com",
        "matched-at": at,
        "extracted-results": ["AKIAIOSFODNN7EXAMPLE"],
        "request": "GET / HTTP/1.1\r\nCookie: session=SECRETCOOKIE\r\n\r\n",
        "response": "HTTP/1.1 200 OK\r\n\r\nsecret-body",
        "meta": {"username": "admin", "password": "hunter2pass"},
        "ip": "10.0.0.1",
        "timestamp": "2024-11-17T11:15:12.821259Z",
        "curl-command": "curl -H 'Cookie: session=SECRETCOOKIE' 'https://example.com'",
        "matcher-status": true
    });
    if let Some(m) = matcher {
        r["matcher-name"] = json!(m);
    }
    r
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(
        parse,
        &[b"", b"  \n ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"],
    );
}

#[test]
fn syntax_errors_and_truncation() {
    // JSON Lines: the line and column are the whole input's.
    let text = format!(
        "{}\n{{\"template-id\": \"a\",, \"type\": \"http\"}}\n",
        result("x", None, "https://example.com")
    );
    assert_invalid_json_at(&malformed(parse(text.as_bytes())), 2);
    // The array export.
    let m = malformed(parse(
        b"[\n  {\"template-id\": \"a\",\n   \"type\": \"http\",,}\n]",
    ));
    assert_invalid_json_at(&m, 3);
    let one = lines(&[result("x", None, "https://example.com")]);
    assert_cuts_end_too_early(parse, &one, &[1, 20, one.len() - 2]);
    let array = json!([result("x", None, "https://example.com")]).to_string();
    assert_cuts_end_too_early(parse, &array, &[1, 20, array.len() - 1]);
}

#[test]
fn a_report_cut_at_a_line_break_is_shorter() {
    let two = lines(&[
        result("a", None, "https://example.com"),
        result("b", None, "https://example.com"),
    ]);
    let first_line = two.find('\n').expect("two lines") + 1;
    assert_eq!(
        parse(&two.as_bytes()[..first_line]).map(|f| f.len()).ok(),
        Some(1)
    );
    assert_eq!(
        parse(&two.as_bytes()[..first_line - 1])
            .map(|f| f.len())
            .ok(),
        Some(1)
    );
    malformed(parse(&two.as_bytes()[..first_line + 5]));
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"{\"template-id\": \"a\"}\n{\"template-id\": 3}\n"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Nuclei report"),
        "{}",
        m.message
    );
    let missing = malformed(parse(b"{\"template-id\": \"a\"}\n{\"type\": \"http\"}\n"));
    assert!(
        missing.message.contains("template-id"),
        "{}",
        missing.message
    );
    assert_each_malformed(
        parse,
        [
            json!({"template-id": null}),
            json!({"template-id": "a", "info": "x"}),
            json!({"template-id": "a", "info": {"name": 3}}),
            json!({"template-id": "a", "info": {"severity": ["high"]}}),
            json!({"template-id": "a", "info": {"classification": [1]}}),
            json!({"template-id": "a", "matched-at": 1}),
            json!({"template-id": "a", "extracted-results": "x"}),
            json!({"template-id": "a", "matcher-status": "true"}),
            json!({"template-id": "a", "templateID": "a"}),
            json!([{"template-id": "a"}, 5]),
            json!([{"template-id": "a"}, {"type": "http"}]),
            json!([[1]]),
            json!(["a"]),
        ],
    );
    // JSON Lines: a record that is not an object.
    malformed(parse(b"{\"template-id\": \"a\"}\n[1]\n"));
    malformed(parse(b"{\"template-id\": \"a\"}\n\"x\"\n"));
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"\"nuclei\""));
    assert!(m.contains("not a Nuclei report"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"42"));
    malformed(parse(b"nul"));
    // Another tool's NDJSON; Nuclei's own request log (`-elog`); a SARIF log.
    for doc in [
        json!({"SourceMetadata": {"Data": {}}, "DetectorType": 2, "DetectorName": "AWS"}),
        json!({"template": "http/x.yaml", "type": "http", "input": "https://example.com",
               "address": "example.com:443", "error": "context deadline exceeded"}),
        json!({"version": "2.1.0", "runs": []}),
        json!({"info": {"name": "x"}, "type": 5}),
    ] {
        let m = unsupported(parse(lines(std::slice::from_ref(&doc)).as_bytes()));
        assert!(m.contains("line 1") && m.contains("template-id"), "{m}");
        // Only the first record can make it another format.
        let text = lines(&[result("a", None, "https://example.com"), doc]);
        malformed(parse(text.as_bytes()));
    }
    // Arrays of other tools' entries: gitleaks, hadolint, trufflehog3.
    for doc in [
        json!([{"Description": "AWS", "StartLine": 2, "File": "a", "RuleID": "aws"}]),
        json!([{"line": 9, "code": "DL3008", "message": "Pin", "column": 1, "file": "D", "level": "warning"}]),
        json!([{"rule": {"id": "x"}, "path": "a", "info": 3}]),
    ] {
        let m = unsupported(parse_doc(parse, doc).expect_err("rejected"));
        assert!(m.contains("another tool"), "{m}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    assert!(parse(nested_objects("info", DEEP, "1").as_bytes()).is_err());
    let doc = format!(
        r#"{{"template-id":"a","matched-at":{}}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    let doc = format!(
        r#"[{{"template-id":"a","info":{}}}]"#,
        nested_objects("name", DEEP, "1")
    );
    malformed(parse(doc.as_bytes()));
    // In skipped fields (`meta`, `extracted-results` elements, unknown):
    // skipped without recursion.
    for field in ["meta", "extracted-results", "response", "x"] {
        let doc = format!(r#"{{"template-id":"a","{field}":{}}}"#, nested_arrays(DEEP));
        assert_eq!(
            parse(doc.as_bytes()).map(|f| f.len()).ok(),
            Some(1),
            "{field}"
        );
    }
    let doc = format!(
        r#"[{{"template-id":"a","info":{{"tags":{}}}}}]"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn fields() {
    let f = ok_lines(&[result(
        "x-check",
        Some("x-frame-options"),
        "https://admin:s3cretpw@example.com:8443/login?next=/",
    )]);
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "nuclei");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "x-check");
    assert_eq!(x.title, "Example Check (x-frame-options)");
    assert_eq!(
        x.message,
        "Nuclei template `x-check` (http) matched at https://example.com:8443/login?next=/ \
         (matcher `x-frame-options`). Values were extracted (not copied here, they can hold \
         secrets).\n\nChecks for an example problem."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.severity_source),
        (Severity::Medium, Some("medium"), SeveritySource::Tool)
    );
    assert_eq!(x.kind, FindingKind::Dast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "https://example.com:8443/login?next=/".into(),
            start_line: None,
            start_column: None,
            end_line: None,
            end_column: None,
        }]
    );
    assert_eq!(x.vulnerability_ids, vec!["CVE-2021-44228"]);
    assert_eq!(x.cwes, vec![79, 89]);
    assert_eq!(x.tags, vec!["misconfig", "http", "protocol:http"]);
    assert_eq!(x.help_uri.as_deref(), Some("https://example.com/ref"));
    assert!(x.component.is_none());
    assert_eq!(x.source_pointer, "line:1");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn nothing_the_target_sent_or_nuclei_sent_reaches_a_finding() {
    let mut r = result("x", None, "https://user:hunter2pass@example.com/a");
    r["interaction"] = json!({"raw-request": "SECRETCOOKIE", "unique-id": "abc"});
    r["fuzzing_parameter"] = json!("q");
    for f in [ok_lines(&[r.clone()]), ok(json!([r]))] {
        let dump = format!("{f:?}");
        for s in [
            "AKIAIOSFODNN7EXAMPLE",
            "SECRETCOOKIE",
            "secret-body",
            "hunter2pass",
            "admin",
            "10.0.0.1",
            "2024-11-17",
            "/opt/",
        ] {
            assert!(!dump.contains(s), "{s} leaked: {dump}");
        }
        assert_eq!(f[0].locations[0].path, "https://example.com/a");
    }
}

#[test]
fn credentials_are_dropped_from_urls_only() {
    for (url, want) in [
        ("https://u:p@h/x@y", "https://h/x@y"),
        ("https://u@h", "https://h"),
        ("http://h/p?a=b@c", "http://h/p?a=b@c"),
        ("h:22", "h:22"),
        ("user@h:22", "user@h:22"),
        ("https://", "https://"),
    ] {
        assert_eq!(without_credentials(url), want, "{url}");
    }
}

#[test]
fn array_export_pointers_and_skipped_records() {
    let mut failed = result("b", None, "https://example.com");
    failed["matcher-status"] = json!(false);
    failed["error"] = json!("context deadline exceeded");
    let f = ok(json!([
        result("a", None, "https://example.com"),
        failed,
        result("c", None, "https://example.com")
    ]));
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.source_pointer.as_str()))
        .collect();
    assert_eq!(got, [("a", "/0"), ("c", "/2")]);
    // `[]` is the exporter's clean run.
    assert!(ok(json!([])).is_empty());
    assert!(parse(b"[\n]\n").expect("parses").is_empty());
}

#[test]
fn json_lines_pointers_are_the_line_a_record_starts_on() {
    let a = result("a", None, "https://example.com");
    let pretty = serde_json::to_string_pretty(&a).expect("json");
    let mut failed = a.clone();
    failed["matcher-status"] = json!(false);
    // Blank lines, a skipped record, a pretty-printed record, CRLF.
    let text = format!("\n{a}\r\n\n{failed}\n{pretty}\n{a}");
    let f = parse(text.as_bytes()).expect("parses");
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    let after_pretty = 5 + pretty.lines().count();
    assert_eq!(
        pointers,
        ["line:2", "line:5", &format!("line:{after_pretty}")]
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(lines(&[a]).as_bytes());
    assert_eq!(parse(&bom).map(|f| f.len()).ok(), Some(1));
}

#[test]
fn nuclei_2_records() {
    // Older Nuclei 2 (DefectDojo's many_findings.json, 2021): other key names, tags
    // and references as strings.
    let f = ok_lines(&[json!({
        "templateID": "openssh5.3-detect",
        "info": {"name": "OpenSSH 5.3 Detection", "author": "iamthefrogy", "severity": "low",
                 "tags": "network,openssh, ,Cve",
                 "reference": "- http://seclists.org/a\n- https://example.com/b\n"},
        "matcher_name": "banner",
        "type": "network",
        "host": "https://nuclei-example.com",
        "matched": "nuclei-example.com:22",
        "extracted_results": ["SSH-2.0-OpenSSH_5.3"],
        "ip": "178.21.15.56",
        "timestamp": "2021-05-20T11:11:01.667748+03:00"
    })]);
    let x = &f[0];
    assert_eq!(x.rule_id, "openssh5.3-detect");
    assert_eq!(x.title, "OpenSSH 5.3 Detection (banner)");
    assert_eq!(x.locations[0].path, "nuclei-example.com:22");
    assert_eq!(
        x.tags,
        vec!["network", "openssh", "cve", "protocol:network"]
    );
    assert_eq!(x.help_uri.as_deref(), Some("http://seclists.org/a"));
    assert!(x.message.contains("Values were extracted"), "{}", x.message);
    assert!(!format!("{f:?}").contains("OpenSSH_5.3"));
}

#[test]
fn odd_and_missing_values() {
    let f = ok_lines(&[
        // Nothing but the id.
        json!({"template-id": "  "}),
        // No matched-at: the host; the extractor names the title; no info.
        json!({"template-id": "t", "extractor-name": "version", "host": "example.com",
               "type": "javascript", "matcher-status": true}),
        // Neither: no location. Invalid CWE ids, cve-id null, reference null,
        // template-url as the help URI.
        json!({"template-id": "u", "type": "dns", "template-url": "https://t.example/u",
               "info": {"name": "\n", "severity": "INFO", "reference": null,
                        "classification": {"cve-id": null,
                                           "cwe-id": ["nvd-cwe-other", "cwe-0", "CWE-200", "79x"]}}}),
        // File templates: the path and the first matched line; code
        // templates.
        json!({"template-id": "f", "type": "file", "matched-at": "/src/app/.env",
               "matched-line": [3, 9], "template-url": "not a url"}),
        json!({"template-id": "g", "type": "Code", "matched-line": null, "matched-at": "x",
               "fuzzing_parameter": "id", "fuzzing_position": "query", "fuzzing_method": "GET",
               "matcher-name": "m", "extractor-name": "e"}),
    ]);
    assert_eq!(
        (f[0].rule_id.as_str(), f[0].title.as_str()),
        ("unknown", "unknown")
    );
    assert_eq!(f[0].message, "Nuclei template `unknown` matched.");
    assert!(f[0].locations.is_empty() && f[0].tags.is_empty() && f[0].help_uri.is_none());
    assert_eq!(f[1].title, "t (version)");
    assert_eq!(f[1].locations[0].path, "example.com");
    assert_eq!(
        f[1].message,
        "Nuclei template `t` (javascript) matched at example.com (extractor `version`)."
    );
    assert_eq!(f[1].kind, FindingKind::Dast);
    assert_eq!(f[2].title, "u");
    assert!(f[2].locations.is_empty() && f[2].vulnerability_ids.is_empty());
    assert_eq!(f[2].cwes, vec![200]);
    assert_eq!(f[2].help_uri.as_deref(), Some("https://t.example/u"));
    assert_eq!(
        (f[2].severity, f[2].tool_severity.as_deref()),
        (Severity::Info, Some("INFO"))
    );
    assert_eq!(f[3].kind, FindingKind::Sast);
    assert_eq!(
        (
            f[3].locations[0].path.as_str(),
            f[3].locations[0].start_line
        ),
        ("/src/app/.env", Some(3))
    );
    assert_eq!(f[3].help_uri, None);
    assert_eq!(f[4].kind, FindingKind::Other);
    assert_eq!(f[4].title, "g (m)");
    assert_eq!(
        f[4].message,
        "Nuclei template `g` (Code) matched at x (matcher `m`, extractor `e`). \
         Fuzzed parameter `id` in query (GET)."
    );
    assert_eq!(f[4].tags, vec!["protocol:code"]);
}

#[test]
fn severity_table() {
    let words = [
        ("critical", Severity::Critical),
        ("high", Severity::High),
        ("medium", Severity::Medium),
        ("low", Severity::Low),
        ("info", Severity::Info),
        ("HIGH", Severity::High),
    ];
    let records: Vec<Value> = words
        .iter()
        .map(|(w, _)| json!({"template-id": "a", "info": {"severity": w}}))
        .collect();
    for (x, (w, want)) in ok_lines(&records).iter().zip(words) {
        assert_eq!(
            (x.severity, x.tool_severity.as_deref(), x.severity_source),
            (want, Some(w), SeveritySource::Tool)
        );
    }
    // `unknown` or none: the CVSS score (a number or a string), else medium.
    let f = ok_lines(&[
        json!({"template-id": "a", "info": {"severity": "unknown",
               "classification": {"cvss-score": 9.8}}}),
        json!({"template-id": "a", "info": {"classification": {"cvss-score": "5.3"}}}),
        json!({"template-id": "a", "info": {"severity": "unknown",
               "classification": {"cvss-score": 11}}}),
        json!({"template-id": "a", "info": {"severity": "unknown"}}),
        json!({"template-id": "a"}),
        // The level wins over the score.
        json!({"template-id": "a", "info": {"severity": "low",
               "classification": {"cvss-score": 9.8}}}),
    ]);
    let got: Vec<(Severity, Option<&str>, SeveritySource)> = f
        .iter()
        .map(|x| (x.severity, x.tool_severity.as_deref(), x.severity_source))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Critical, Some("9.8"), SeveritySource::Cvss),
            (Severity::Medium, Some("5.3"), SeveritySource::Cvss),
            (Severity::Medium, Some("unknown"), SeveritySource::Default),
            (Severity::Medium, Some("unknown"), SeveritySource::Default),
            (Severity::Medium, None, SeveritySource::Default),
            (Severity::Low, Some("low"), SeveritySource::Tool),
        ]
    );
}

#[test]
fn dedup_keeps_matchers_and_urls_apart() {
    let mut tls12 = result("tls-version", None, "example.com:443");
    tls12["extracted-results"] = json!(["tls12"]);
    let mut tls13 = tls12.clone();
    tls13["extracted-results"] = json!(["tls13"]);
    let f = ok_lines(&[
        result("tech-detect", Some("nginx"), "https://example.com/"),
        result("tech-detect", Some("php"), "https://example.com/"),
        result("tech-detect", Some("nginx"), "https://example.com:8443/"),
        result("tech-detect", Some("nginx"), "https://example.com/"),
        tls12,
        tls13,
    ]);
    assert_eq!(f.len(), 6);
    // The repeated nginx match, and the two TLS versions (their extracted
    // values are not part of the finding), are one finding each.
    assert_eq!(normalizer_default::normalize(f).len(), 4);
}
