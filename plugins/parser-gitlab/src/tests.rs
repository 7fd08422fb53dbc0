//! Unit tests with small inline GitLab security reports.

use super::*;
use corpus_support::kit::{
    DEEP, assert_cuts_end_too_early, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, malformed, nested_arrays, nested_objects,
    parse_doc, parses, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn scan(kind: &str, id: &str) -> Value {
    json!({
        "type": kind,
        "scanner": {"id": id, "name": id, "version": "1.2.3", "vendor": {"name": "X"}},
        "analyzer": {"id": format!("{id}-analyzer"), "name": id, "version": "9.9", "vendor": {"name": "X"}},
        "status": "success",
        "start_time": "2024-01-01T00:00:00",
        "end_time": "2024-01-01T00:00:01"
    })
}

fn sast_vuln() -> Value {
    json!({
        "id": "a905eeae-f898-5a54-6625-59b829e4c887",
        "name": "Weak hash",
        "description": "MD5 is weak.\nUse SHA-256.",
        "severity": "Medium",
        "location": {"file": "app/hash.py", "start_line": 86, "end_line": 87},
        "identifiers": [
            {"type": "semgrep_type", "name": "Semgrep - weak-hash", "value": "rules.weak-hash", "url": "not available"},
            {"type": "cwe", "name": "CWE-328", "value": "328", "url": "https://cwe.mitre.org/data/definitions/328.html"},
            {"type": "owasp", "name": "A02:2021", "value": "A02:2021"}
        ],
        "links": [{"url": "https://example.com/weak-hash"}]
    })
}

fn report(kind: &str, id: &str, vulns: Value) -> Value {
    json!({"version": "15.0.4", "scan": scan(kind, id), "vulnerabilities": vulns})
}

fn one(kind: &str, id: &str, vuln: Value) -> Finding {
    let mut f = ok(report(kind, id, json!([vuln])));
    assert_eq!(f.len(), 1);
    f.remove(0)
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"   ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(
        parse(b"{\n  \"version\": \"15.0.4\",\n  \"vulnerabilities\": [,]\n}")
            .expect_err("rejected"),
    );
    assert_invalid_json_at(&m, 3);
    let text = report("sast", "semgrep", json!([sast_vuln()])).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 40, text.len() / 2, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(
        parse(b"{\"version\": \"15\",\n\"vulnerabilities\": [{\"identifiers\": [], \"location\": {\"start_line\": true}}]}")
            .expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid GitLab security report"),
        "{}",
        m.message
    );
    let loc = json!({"file": "a"});
    assert_each_malformed(
        parse,
        [
            json!({"version": 15, "vulnerabilities": []}),
            json!({"version": "15", "scan": [], "vulnerabilities": []}),
            json!({"version": "15", "scan": {"type": 3}, "vulnerabilities": []}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [], "location": loc, "severity": 3}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": {}, "location": loc}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [{"name": "x", "value": "y"}], "location": loc}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [], "location": loc, "name": ["x"]}]}),
            json!({"version": "15", "vulnerabilities": [{"location": loc}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [], "location": loc}, {"identifiers": []}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [], "location": {"dependency": []}}]}),
            json!({"version": "15", "vulnerabilities": [{"identifiers": [], "location": loc, "raw_source_code_extract": 1}]}),
            json!({"version": "15", "vulnerabilities": [1]}),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse_doc(parse, json!([{"version": "1"}])).expect_err("rejected"));
    assert!(m.contains("must be an object"), "{m}");
    unsupported(parse(b"null"));
    unsupported(parse(b"[]"));
    malformed(parse(b"[1,"));
    let m = unsupported(parse_doc(parse, json!({"results": []})).expect_err("rejected"));
    assert!(m.contains("GitLab security report"), "{m}");
    assert_each_unsupported(
        parse,
        [
            json!({}),
            json!({"version": "15.0.4", "scan": scan("sast", "semgrep")}),
            json!({"vulnerabilities": []}),
            json!({"vulnerabilities": null, "version": "15"}),
            // SARIF.
            json!({"version": "2.1.0", "runs": []}),
            // Snyk: `identifiers` is an object, no `location`.
            json!({"ok": false, "vulnerabilities": [{"id": "SNYK-1", "identifiers": {"CVE": ["CVE-1"]}, "severity": "high"}], "packageManager": "npm"}),
            // npm audit 7: `vulnerabilities` is a map.
            json!({"auditReportVersion": 2, "vulnerabilities": {"lodash": {"name": "lodash"}}}),
            // cargo-audit.
            json!({"database": {}, "vulnerabilities": {"found": true, "count": 1, "list": []}}),
            // CycloneDX, with and without vulnerabilities.
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "vulnerabilities": []}),
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": "1", "vulnerabilities": []}),
            json!({"bomFormat": "CycloneDX", "version": 1, "vulnerabilities": [{"id": "CVE-1", "ratings": []}]}),
            // Objects in `vulnerabilities` without a `location`.
            json!({"version": "1", "vulnerabilities": [{"id": "CVE-1", "identifiers": 3}]}),
        ],
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    assert!(parse(nested_arrays(DEEP).as_bytes()).is_err());
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let objects = nested_objects("vulnerabilities", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    let doc = format!(
        r#"{{"version":"15","vulnerabilities":[{{"identifiers":[],"location":{}}}]}}"#,
        nested_objects("file", DEEP, "1")
    );
    assert!(parse(doc.as_bytes()).is_err());
    let doc = format!(
        r#"{{"version":"15","vulnerabilities":{}}}"#,
        nested_arrays(DEEP)
    );
    assert!(parse(doc.as_bytes()).is_err());
    // In an unknown property: skipped without recursion.
    let doc = format!(
        r#"{{"version":"15","vulnerabilities":[{{"identifiers":[],"location":{{}},"extra":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn sast_fields() {
    let x = one("sast", "semgrep", sast_vuln());
    assert_eq!(x.tool, "semgrep");
    assert_eq!(x.tool_version.as_deref(), Some("1.2.3"));
    assert_eq!(x.rule_id, "rules.weak-hash");
    assert_eq!(x.title, "Weak hash");
    assert_eq!(x.message, "MD5 is weak.\nUse SHA-256.");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.severity_source),
        (Severity::Medium, Some("Medium"), SeveritySource::Tool)
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "app/hash.py".into(),
            start_line: Some(86),
            start_column: None,
            end_line: Some(87),
            end_column: None,
        }]
    );
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert_eq!(x.cwes, vec![328]);
    assert_eq!(x.tags, vec!["gitlab-report:sast"]);
    // The rule's url is "not available": the first link instead.
    assert_eq!(x.help_uri.as_deref(), Some("https://example.com/weak-hash"));
    assert_eq!(x.source_pointer, "/vulnerabilities/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn dependency_scanning_fields() {
    let x = one(
        "dependency_scanning",
        "gemnasium",
        json!({
            "id": "8a56", "name": "Nil Pointer Dereference",
            "description": "A nil pointer dereference.", "severity": "High",
            "solution": "Upgrade to version 2.0 or above.",
            "location": {"file": "go.sum", "dependency": {"package": {"name": "golang.org/x/crypto"}, "version": "v0.1"}},
            "identifiers": [
                {"type": "cve", "name": "CVE-2020-29652", "value": "CVE-2020-29652", "url": "https://cve.example/1"},
                {"type": "gemnasium", "name": "Gemnasium-ffb8", "value": "ffb8", "url": "https://gitlab.com/gemnasium-db/x.yml"},
                {"type": "ghsa", "name": "GHSA-x", "value": "GHSA-xxxx-yyyy-zzzz"},
                {"type": "CVE", "name": "CVE-2020-29652", "value": "cve-2020-29652"},
                {"type": "cwe", "name": "CWE-476", "value": 476}
            ]
        }),
    );
    assert_eq!((x.tool.as_str(), x.kind), ("gemnasium", FindingKind::Sca));
    assert_eq!(x.rule_id, "ffb8");
    assert_eq!(
        x.title,
        "Nil Pointer Dereference in golang.org/x/crypto v0.1"
    );
    assert_eq!(
        x.message,
        "A nil pointer dereference.\n\nSolution: Upgrade to version 2.0 or above."
    );
    assert_eq!(
        x.vulnerability_ids,
        ["CVE-2020-29652", "GHSA-xxxx-yyyy-zzzz"]
    );
    assert_eq!(x.cwes, [476]);
    let c = x.component.expect("component");
    assert_eq!(
        (
            c.name.as_str(),
            c.version.as_deref(),
            c.purl,
            c.fixed_versions.len()
        ),
        ("golang.org/x/crypto", Some("v0.1"), None, 0)
    );
    assert_eq!(x.locations[0].path, "go.sum");
    assert_eq!(x.locations[0].start_line, None);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://gitlab.com/gemnasium-db/x.yml")
    );
    assert_eq!(x.tags, ["gitlab-report:dependency_scanning"]);
}

#[test]
fn container_scanning_fields() {
    let x = one(
        "container_scanning",
        "trivy",
        json!({
            "id": "df52", "description": "Incorrect sanitation.", "severity": "High",
            "solution": "Upgrade apt from 1.4.8 to 1.4.9",
            "location": {
                "dependency": {"package": {"name": "apt"}, "version": "1.4.8"},
                "operating_system": "debian:9.4", "image": "registry.example/app@sha256:bc09"
            },
            "identifiers": [{"type": "cve", "name": "CVE-2019-3462", "value": "CVE-2019-3462", "url": "http://www.securityfocus.com/bid/106690"}],
            "links": [{"url": "ftp://x"}, {"url": "https://cve.example/CVE-2019-3462"}]
        }),
    );
    assert_eq!((x.tool.as_str(), x.kind), ("trivy", FindingKind::Container));
    assert_eq!(x.rule_id, "CVE-2019-3462");
    assert_eq!(x.title, "CVE-2019-3462 in apt 1.4.8");
    assert_eq!(x.vulnerability_ids, ["CVE-2019-3462"]);
    assert_eq!(x.locations[0].path, "registry.example/app@sha256:bc09");
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://cve.example/CVE-2019-3462")
    );
    // Without an image, the file.
    let x = one(
        "container_scanning",
        "trivy",
        json!({"location": {"file": "Dockerfile", "dependency": {"package": {"name": "apt"}, "version": ""}},
               "identifiers": [], "name": "Bad package"}),
    );
    assert_eq!(x.locations[0].path, "Dockerfile");
    assert_eq!(x.title, "Bad package in apt");
    assert_eq!(x.rule_id, "Bad package");
    assert_eq!(x.component.and_then(|c| c.version), None);
}

#[test]
fn severity_table() {
    let words = [
        ("Critical", Severity::Critical, SeveritySource::Tool),
        ("High", Severity::High, SeveritySource::Tool),
        ("Medium", Severity::Medium, SeveritySource::Tool),
        ("Low", Severity::Low, SeveritySource::Tool),
        ("Info", Severity::Info, SeveritySource::Tool),
        ("info", Severity::Info, SeveritySource::Tool),
        ("Unknown", Severity::Medium, SeveritySource::Default),
        ("Undefined", Severity::Medium, SeveritySource::Default),
        ("odd", Severity::Medium, SeveritySource::Default),
    ];
    let vulns: Vec<Value> = words
        .iter()
        .map(|(w, _, _)| json!({"severity": w, "identifiers": [], "location": {"file": "a"}}))
        .collect();
    let f = ok(report("sast", "semgrep", Value::Array(vulns)));
    for (x, (w, want, source)) in f.iter().zip(words) {
        assert_eq!(
            (x.severity, x.tool_severity.as_deref(), x.severity_source),
            (want, Some(w), source),
            "{w}"
        );
    }
    let no = json!({"identifiers": [], "location": {"file": "a"}});
    let x = one("sast", "semgrep", no.clone());
    assert_eq!(
        (x.severity, x.tool_severity, x.severity_source),
        (Severity::Medium, None, SeveritySource::Default)
    );
    // The tools' own ungraded defaults.
    let gitleaks = one("secret_detection", "gitleaks", no.clone());
    assert_eq!(gitleaks.severity, Severity::High);
    let checkov = one(
        "sast",
        "checkov",
        json!({"severity": "Unknown", "identifiers": [], "location": {"file": "a"}}),
    );
    assert_eq!(
        (checkov.severity, checkov.severity_source),
        (Severity::Medium, SeveritySource::Default)
    );
}

#[test]
fn kinds() {
    let loc = |l: Value| json!({"identifiers": [], "location": l});
    let file = json!({"file": "a", "start_line": 1});
    for (kind, want) in [
        ("sast", FindingKind::Sast),
        ("dependency_scanning", FindingKind::Sca),
        ("secret_detection", FindingKind::Secret),
        ("container_scanning", FindingKind::Container),
        ("cluster_image_scanning", FindingKind::Container),
        ("dast", FindingKind::Dast),
        ("api_fuzzing", FindingKind::Dast),
        ("coverage_fuzzing", FindingKind::Other),
    ] {
        assert_eq!(one(kind, "x", loc(file.clone())).kind, want, "{kind}");
    }
    // IaC scanners file their findings under SAST.
    for tool in ["checkov", "kics", "KICS", "tfsec", "terrascan"] {
        assert_eq!(one("sast", tool, loc(file.clone())).kind, FindingKind::Iac);
    }
    assert_eq!(
        one("dependency_scanning", "checkov", loc(file.clone())).kind,
        FindingKind::Sca
    );
    // No `scan`: the vulnerability's category, else the location.
    let bare = |v: Value| {
        let f = ok(json!({"version": "2.3", "vulnerabilities": [v]}));
        (f[0].kind, f[0].tags.clone())
    };
    let mut v = loc(file.clone());
    v["category"] = json!("secret_detection");
    assert_eq!(
        bare(v),
        (
            FindingKind::Secret,
            vec!["gitlab-report:secret_detection".to_string()]
        )
    );
    let dep = json!({"file": "a", "dependency": {"package": {"name": "p"}, "version": "1"}});
    assert_eq!(bare(loc(dep)).0, FindingKind::Sca);
    let empty_dep = json!({"file": "a", "start_line": 1, "dependency": {"package": {}}});
    assert_eq!(bare(loc(empty_dep)), (FindingKind::Sast, vec![]));
    let image = json!({"image": "i", "dependency": {"package": {"name": "p"}}});
    assert_eq!(bare(loc(image)).0, FindingKind::Container);
    let os = json!({"operating_system": "debian", "file": "x"});
    assert_eq!(bare(loc(os)).0, FindingKind::Container);
    let commit = json!({"file": "a", "commit": {"sha": "0000000"}});
    assert_eq!(bare(loc(commit)).0, FindingKind::Secret);
    assert_eq!(bare(loc(file)).0, FindingKind::Sast);
}

#[test]
fn tools() {
    let v = |scanner: Value, ids: Value| json!({"scanner": scanner, "identifiers": ids, "location": {"file": "a"}});
    // The vulnerability's own scanner wins; the scan's version only when
    // it is the same scanner.
    let f = ok(report(
        "sast",
        "find_sec_bugs",
        json!([
            v(
                json!({"id": "nodejs-scan", "name": "NodeJsScan"}),
                json!([])
            ),
            v(json!({"id": "find_sec_bugs"}), json!([])),
            v(Value::Null, json!([])),
        ]),
    ));
    let tools: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|x| (x.tool.as_str(), x.tool_version.as_deref()))
        .collect();
    assert_eq!(
        tools,
        [
            ("nodejs-scan", None),
            ("find_sec_bugs", Some("1.2.3")),
            ("find_sec_bugs", Some("1.2.3")),
        ]
    );
    // The analyzer when the scanner has no id.
    let mut s = scan("sast", "x");
    s["scanner"] = json!({"name": "Nameless"});
    let f = ok(json!({"version": "15", "scan": s, "vulnerabilities": [v(Value::Null, json!([]))]}));
    assert_eq!(
        (f[0].tool.as_str(), f[0].tool_version.as_deref()),
        ("x-analyzer", Some("9.9"))
    );
    // No scanner anywhere: the rule identifier's type, else `gitlab`.
    let ids = |t: &str| json!([{"type": "cve", "name": "CVE-1", "value": "CVE-1"}, {"type": t, "name": "n", "value": "B501"}]);
    for (t, want) in [
        ("bandit_test_id", "bandit"),
        ("eslint_rule_id", "eslint"),
        ("njsscan_rule_type", "njsscan"),
        ("semgrep_type", "semgrep"),
        ("gemnasium", "gemnasium"),
        ("_id", "gitlab"),
    ] {
        let f = ok(json!({"version": "2.3", "vulnerabilities": [v(Value::Null, ids(t))]}));
        assert_eq!(
            (f[0].tool.as_str(), f[0].rule_id.as_str()),
            (want, "B501"),
            "{t}"
        );
    }
    let f = ok(json!({"version": "2.3", "vulnerabilities": [v(Value::Null, json!([]))]}));
    assert_eq!(f[0].tool, DEFAULT_TOOL);
}

#[test]
fn cordon_reports_give_the_tool_back() {
    let cordon = |ids: Value, tool: &str| {
        let mut s = scan("sast", "cordon");
        s["analyzer"]["id"] = json!("cordon");
        let doc = json!({"version": "15.2.1", "scan": s, "vulnerabilities": [{
            "id": "b752", "name": "SQL injection", "severity": "High",
            "description": "```\nRaw SQL.\n```",
            "identifiers": ids, "location": {"file": "a.py", "start_line": 4, "end_line": 4},
            "details": {"cordon_tool": {"name": "Tool", "type": "text", "value": tool}}
        }]});
        ok(doc).remove(0)
    };
    let rule = |t: &str| json!([{"type": t, "name": "r1", "value": "r1"}, {"type": "cwe", "name": "CWE-89", "value": "89"}]);
    let x = cordon(rule("semgrep"), "semgrep 1.101.0");
    assert_eq!(
        (
            x.tool.as_str(),
            x.tool_version.as_deref(),
            x.rule_id.as_str()
        ),
        ("semgrep", Some("1.101.0"), "r1")
    );
    assert_eq!(x.message, "Raw SQL.");
    assert_eq!(x.cwes, [89]);
    let x = cordon(rule("checkov"), "checkov");
    assert_eq!(
        (x.tool.as_str(), x.tool_version, x.kind),
        ("checkov", None, FindingKind::Iac)
    );
    let x = cordon(rule("npm-audit"), "something else 2");
    assert_eq!((x.tool.as_str(), x.tool_version), ("npm-audit", None));
    // A tool cordon could not name as a type stays `cordon`.
    let x = cordon(rule("cordon_rule"), "Weird Tool 1");
    assert_eq!(x.tool, "cordon");
    let x = cordon(
        json!([{"type": "cve", "name": "CVE-1", "value": "CVE-1"}]),
        "x",
    );
    assert_eq!((x.tool.as_str(), x.rule_id.as_str()), ("cordon", "CVE-1"));
    // Fences are cordon's: other tools' descriptions are kept as written.
    assert_eq!(unfence("````\na ``` b\n````"), "a ``` b");
    assert_eq!(unfence("```\n```"), "```\n```");
    assert_eq!(unfence("``\nx\n``"), "``\nx\n``");
    assert_eq!(unfence("```\nx\n``"), "```\nx\n``");
    let x = one(
        "sast",
        "semgrep",
        json!({"description": "```\ncode\n```", "identifiers": [], "location": {}}),
    );
    assert_eq!(x.message, "```\ncode\n```");
}

#[test]
fn rule_ids_and_titles() {
    let v = |ids: Value, extra: Value| {
        let mut v = json!({"identifiers": ids, "location": {"file": "a"}});
        if let (Some(v), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            v.extend(e.clone());
        }
        v
    };
    let f = ok(report(
        "sast",
        "semgrep",
        json!([
            // The scanner's own identifier, even when not first.
            v(
                json!([{"type": "cwe", "name": "CWE-79", "value": "79"}, {"type": "semgrep_id", "name": "n", "value": "  "}, {"type": "semgrep_type", "name": "rule-name", "value": ""}]),
                json!({"message": "Old message\nsecond line", "name": "N"})
            ),
            // Only public identifiers: the first one.
            v(
                json!([{"type": "cwe", "name": "CWE-79", "value": "79"}]),
                json!({"name": "N", "description": "D"})
            ),
            // None: the name, else unknown.
            v(
                json!([]),
                json!({"name": "The name", "description": "\n  First line\nmore"})
            ),
            v(json!([]), json!({"description": "\n  First line\nmore"})),
            v(json!([]), json!({})),
        ]),
    ));
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            // A blank value: the identifier's name.
            ("n", "Old message"),
            ("79", "N"),
            ("The name", "The name"),
            ("unknown", "First line"),
            ("unknown", "unknown"),
        ]
    );
    assert_eq!(f[0].message, "Old message\nsecond line");
    assert_eq!(f[0].cwes, [79]);
    assert_eq!(f[2].message, "First line\nmore");
    assert_eq!(f[4].message, "");
    // A solution that repeats the description is said once.
    let x = one(
        "sast",
        "checkov",
        v(
            json!([]),
            json!({"description": "See X", "solution": "See X"}),
        ),
    );
    assert_eq!(x.message, "See X");
}

#[test]
fn confidence_tags_and_positions() {
    let f = ok(json!({"version": "2.3", "vulnerabilities": [
        {"category": "sast", "confidence": "High", "identifiers": [], "location": {"file": "a", "start_line": "12", "end_line": 0}},
        {"category": "sast", "confidence": "Unknown", "identifiers": [], "location": {"file": " ", "start_line": 3}},
        {"identifiers": [], "location": {"start_line": -1}}
    ]}));
    assert_eq!(f[0].tags, ["gitlab-report:sast", "confidence:high"]);
    assert_eq!(
        (f[0].locations[0].start_line, f[0].locations[0].end_line),
        (Some(12), None)
    );
    assert_eq!(f[1].tags, ["gitlab-report:sast"]);
    assert!(f[1].locations.is_empty() && f[2].locations.is_empty());
    assert_eq!(f[2].source_pointer, "/vulnerabilities/2");
}

#[test]
fn secrets_are_redacted() {
    let secret = "AKIAIOSFODNN7EXAMPLE";
    let x = one(
        "secret_detection",
        "gitleaks",
        json!({
            "name": format!("AWS key {secret}"),
            "description": format!("Found {secret} here"),
            "solution": format!("Revoke {secret}"),
            "severity": "Critical",
            "raw_source_code_extract": secret,
            "location": {"file": "README.md", "commit": {"sha": "0000000"}, "start_line": 7, "end_line": 7},
            "identifiers": [{"type": "gitleaks_rule_id", "name": "Gitleaks rule ID AWS", "value": "AWS"}]
        }),
    );
    let all = format!("{x:?}");
    assert!(!all.contains(secret), "{all}");
    assert!(!all.contains("IOSFODNN7"), "{all}");
    assert_eq!(x.title, "AWS key AKIA…");
    assert_eq!(
        x.message,
        "Found AKIA… here\n\nSecret: `AKIA…`\n\nSolution: Revoke AKIA…"
    );
    assert_eq!(x.kind, FindingKind::Secret);
    assert_eq!(x.rule_id, "AWS");
    // Short extracts are shown redacted but not searched for.
    let x = one(
        "secret_detection",
        "gitleaks",
        json!({"name": "abc", "raw_source_code_extract": "abc", "identifiers": [], "location": {"commit": {}}}),
    );
    assert_eq!(
        (x.title.as_str(), x.message.as_str()),
        ("abc", "abc\n\nSecret: `…`")
    );
    // In a SAST report the extract is source code, and not shown.
    let x = one(
        "sast",
        "semgrep",
        json!({"name": "n", "raw_source_code_extract": "eval(x)", "identifiers": [], "location": {}}),
    );
    assert_eq!(x.message, "n");
}

#[test]
fn clean_runs_and_duplicates() {
    assert!(ok(report("sast", "semgrep", json!([]))).is_empty());
    assert!(ok(json!({"version": "2.3", "vulnerabilities": [], "remediations": []})).is_empty());
    assert!(
        ok(json!({"scan": scan("secret_detection", "gitleaks"), "vulnerabilities": []})).is_empty()
    );
    let f = ok(report(
        "sast",
        "semgrep",
        json!([sast_vuln(), sast_vuln(), {"identifiers": [], "location": {"file": "b"}}]),
    ));
    assert_eq!(f.len(), 3);
    assert_eq!(f[2].source_pointer, "/vulnerabilities/2");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(
        report("sast", "semgrep", json!([sast_vuln()]))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
