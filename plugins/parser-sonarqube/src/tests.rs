//! Unit tests with small inline SonarQube Web API documents.

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

fn paging(total: u64) -> Value {
    json!({"pageIndex": 1, "pageSize": 100, "total": total})
}

/// An `api/issues/search` response around `issues`.
fn issues(issues: Value) -> Value {
    json!({
        "total": 1, "p": 1, "ps": 100,
        "paging": paging(1),
        "effortTotal": 5,
        "issues": issues,
        "components": [
            {"key": "proj", "qualifier": "TRK", "name": "proj"},
            {"key": "proj:src/app.ts", "qualifier": "FIL", "name": "app.ts", "path": "src/app.ts"}
        ],
        "facets": []
    })
}

fn issue(rule: &str, severity: &str) -> Value {
    json!({
        "key": "AYvNd32RyD1npIoQXyT1",
        "rule": rule,
        "severity": severity,
        "component": "proj:src/app.ts",
        "project": "proj",
        "line": 15,
        "hash": "fw0f",
        "textRange": {"startLine": 15, "endLine": 16, "startOffset": 49, "endOffset": 56},
        "flows": [],
        "status": "OPEN",
        "message": "Replace this \"Boolean\" wrapper object with primitive type \"boolean\".",
        "effort": "1min",
        "tags": ["pitfall"],
        "type": "CODE_SMELL"
    })
}

/// An `api/hotspots/search` response around `hotspots`.
fn hotspots(hotspots: Value) -> Value {
    json!({"paging": paging(1), "hotspots": hotspots, "components": [
        {"key": "k.html", "qualifier": "FIL", "name": "f.html", "path": "src/app/f.html"}
    ]})
}

fn hotspot(probability: &str, status: &str) -> Value {
    json!({
        "key": "AXgm6Z", "component": "k.html", "project": "proj",
        "securityCategory": "xss", "vulnerabilityProbability": probability,
        "status": status, "line": 47,
        "message": "Make sure disabling built-in sanitization is safe here.",
        "textRange": {"startLine": 47, "endLine": 47, "startOffset": 26, "endOffset": 56},
        "ruleKey": "typescript:S6268"
    })
}

// ---- input errors ---------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &[b"", b"   ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"]);
}

#[test]
fn syntax_errors_and_truncation() {
    let m = malformed(parse(b"{\n  \"paging\": {},\n  \"issues\": [,]\n}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let text = issues(json!([issue("typescript:S1533", "MINOR")])).to_string();
    assert_cuts_end_too_early(parse, &text, &[1, 40, text.len() - 1]);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(
        parse(b"{\"paging\": {},\n\"issues\": [{\"rule\": 1533, \"component\": \"c\"}]}")
            .expect_err("rejected"),
    );
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message
            .starts_with("not a valid SonarQube Web API response"),
        "{}",
        m.message
    );
    let one = |extra: Value| {
        let mut i = json!({"rule": "r", "component": "c"});
        if let (Some(i), Some(extra)) = (i.as_object_mut(), extra.as_object()) {
            i.extend(extra.clone());
        }
        issues(json!([i]))
    };
    assert_each_malformed(
        parse,
        [
            issues(json!([{"rule": "r"}])),
            issues(json!([{"component": "c"}])),
            one(json!({"line": true})),
            one(json!({"severity": 3})),
            one(json!({"tags": "pitfall"})),
            one(json!({"textRange": [1, 2]})),
            one(json!({"textRange": {"startOffset": "3"}})),
            one(json!({"impacts": [{"severity": 1}]})),
            issues(json!([{"rule": "r", "component": "c"}, 5])),
            issues(json!([[1]])),
            issues(json!("none")),
            json!({"paging": {"total": -1}, "issues": []}),
            json!({"paging": [], "issues": []}),
            json!({"paging": {}, "issues": [], "components": [{"key": 1}]}),
            hotspots(json!([{"vulnerabilityProbability": "HIGH"}])),
            hotspots(json!([{"component": "c", "ruleKey": ["x"]}])),
        ],
    );
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"[]"));
    assert!(m.contains("must be an object"), "{m}");
    unsupported(parse(b"null"));
    malformed(parse(b"{\"a\": "));
    let m = unsupported(parse_doc(parse, json!({"issues": []})));
    assert!(m.contains("no `paging`"), "{m}");
    let m = unsupported(parse_doc(parse, json!({"paging": paging(0)})));
    assert!(m.contains("no `issues`"), "{m}");
    // sonar-report's JSON (DefectDojo's issue_10150.json, shortened).
    let sonar_report = json!({
        "date": "Tuesday, May 7, 2024", "projectName": "my-project-repo",
        "rules": {}, "issues": [{"rule": "python:S3752", "severity": "HIGH",
            "status": "TO_REVIEW", "component": "app.py", "line": 90,
            "message": "Make sure allowing safe and unsafe HTTP methods is safe here.",
            "key": "fe0b8add"}],
        "hotspotKeys": ["fe0b8add"], "summary": {"high": 1}
    });
    let m = unsupported(parse_doc(parse, &sonar_report));
    assert!(m.contains("sonar-report"), "{m}");
    // Its shape with a type error in an issue: still another format.
    let m = unsupported(parse_doc(
        parse,
        json!({"projectName": "p", "issues": [{"rule": 1}], "hotspotKeys": []}),
    ));
    assert!(m.contains("sonar-report"), "{m}");
    // Other tools' documents with `issues` (GitLab Code Quality-like,
    // Jira search) and a paging object with another tool's entries.
    assert_each_unsupported(
        parse,
        [
            json!({"issues": [{"check_name": "x", "fingerprint": "f"}]}),
            json!({"startAt": 0, "maxResults": 50, "total": 1, "issues": [{"id": "1", "key": "J-1"}]}),
            json!({"results": [], "errors": []}),
            json!({"paging": paging(1), "issues": [{"check_name": "x"}]}),
            json!({"paging": paging(1), "hotspots": [{"name": "x"}]}),
            json!({"SchemaVersion": 2, "Results": []}),
        ],
    );
    let m = unsupported(parse_doc(
        parse,
        json!({"paging": paging(1), "issues": [{"check_name": "x"}]}),
    ));
    assert!(m.contains("another tool"), "{m}");
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    assert!(parse(nested_arrays(DEEP).as_bytes()).is_err());
    malformed(parse(unclosed_arrays(DEEP).as_bytes()));
    let doc = format!(
        r#"{{"paging":{{}},"issues":[{{"rule":"r","component":{}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(doc.as_bytes()));
    let doc = format!(r#"{{"paging":{{}},"issues":{}}}"#, nested_arrays(DEEP));
    assert!(parse(doc.as_bytes()).is_err());
    let objects = nested_objects("issues", DEEP, "1");
    assert!(parse(objects.as_bytes()).is_err());
    // In an unknown field: skipped without recursion.
    let doc = format!(
        r#"{{"paging":{{}},"facets":{},"issues":[{{"rule":"r","component":"c","flows":{}}}]}}"#,
        nested_arrays(DEEP),
        nested_arrays(DEEP)
    );
    assert_eq!(parse(doc.as_bytes()).map(|f| f.len()).ok(), Some(1));
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn issue_fields() {
    let f = ok(issues(json!([issue("typescript:S1533", "MINOR")])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "sonarqube");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "typescript:S1533");
    assert_eq!(
        x.title,
        "Replace this \"Boolean\" wrapper object with primitive type \"boolean\"."
    );
    assert_eq!(x.message, x.title);
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.severity_source),
        (Severity::Low, Some("MINOR"), SeveritySource::Tool)
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(
        x.locations,
        vec![Location {
            path: "src/app.ts".into(),
            start_line: Some(15),
            start_column: Some(50),
            end_line: Some(16),
            end_column: Some(57),
        }]
    );
    assert_eq!(
        x.tags,
        [
            "sonarqube-type:code_smell",
            "sonarqube-status:open",
            "sonarqube-issue:AYvNd32RyD1npIoQXyT1",
            "pitfall"
        ]
    );
    assert!(x.cwes.is_empty() && x.vulnerability_ids.is_empty() && x.component.is_none());
    assert_eq!(x.help_uri, None);
    assert_eq!(x.source_pointer, "/issues/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn hotspot_fields() {
    let f = ok(hotspots(json!([
        hotspot("HIGH", "TO_REVIEW"),
        {"component": "proj:lib/a.rb", "project": "proj", "securityCategory": "auth",
         "vulnerabilityProbability": "MEDIUM", "status": "TO_REVIEW", "line": 9,
         "message": "\"password\" detected here, make sure this is not a hard-coded credential."}
    ])));
    assert_eq!(f.len(), 2);
    let x = &f[0];
    assert_eq!(x.rule_id, "typescript:S6268");
    assert_eq!(
        x.title,
        "Make sure disabling built-in sanitization is safe here."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("HIGH"))
    );
    assert_eq!(x.kind, FindingKind::Sast);
    assert_eq!(x.locations[0].path, "src/app/f.html");
    assert_eq!(
        (x.locations[0].start_line, x.locations[0].start_column),
        (Some(47), Some(27))
    );
    assert_eq!(
        x.tags,
        [
            "sonarqube-type:security_hotspot",
            "sonarqube-category:xss",
            "sonarqube-status:to_review",
            "sonarqube-hotspot:AXgm6Z"
        ]
    );
    assert_eq!(x.source_pointer, "/hotspots/0");
    // An older server: no ruleKey, no key, no components entry.
    let y = &f[1];
    assert_eq!(y.rule_id, "unknown");
    assert_eq!(y.severity, Severity::Medium);
    assert_eq!(y.locations[0].path, "lib/a.rb");
    assert_eq!(y.locations[0].start_column, None);
    assert_eq!(y.source_pointer, "/hotspots/1");
}

/// A location's path, start line and start column.
type At<'a> = (&'a str, Option<u32>, Option<u32>);

#[test]
fn component_paths() {
    let f = ok(json!({
        "paging": paging(6),
        "issues": [
            {"rule": "r", "component": "proj", "project": "proj"},
            {"rule": "r", "component": "mod", "project": "proj"},
            {"rule": "r", "component": "org.acme:app:src/Main.java", "project": "org.acme:app", "line": 3},
            {"rule": "r", "component": "other:src/x.js", "line": 4},
            {"rule": "r", "component": "plain.py", "line": 5},
            {"rule": "r", "component": "  ", "line": 6},
            {"rule": "r", "component": "k", "project": "proj", "line": 7,
             "textRange": {"startLine": 8, "endLine": 8, "startOffset": 0, "endOffset": 3}},
            {"rule": "r", "component": "k", "textRange": {"startLine": 9, "endLine": 10,
             "startOffset": -1, "endOffset": 1.5}}
        ],
        "components": [
            {"key": "mod", "qualifier": "TRK"},
            {"key": "k", "qualifier": "FIL", "path": "src/k.ts"},
            {"name": "no key"}
        ]
    }));
    let at: Vec<Option<At<'_>>> = f
        .iter()
        .map(|x| {
            x.locations
                .first()
                .map(|l| (l.path.as_str(), l.start_line, l.start_column))
        })
        .collect();
    assert_eq!(
        at,
        [
            None,
            None,
            Some(("src/Main.java", Some(3), None)),
            Some(("src/x.js", Some(4), None)),
            Some(("plain.py", Some(5), None)),
            None,
            Some(("src/k.ts", Some(7), None)),
            Some(("src/k.ts", Some(9), None)),
        ]
    );
    assert_eq!(
        (f[7].locations[0].end_line, f[7].locations[0].end_column),
        (Some(10), None)
    );
}

#[test]
fn severity_table() {
    let legacy = [
        ("BLOCKER", Severity::Critical),
        ("CRITICAL", Severity::High),
        ("MAJOR", Severity::Medium),
        ("MINOR", Severity::Low),
        ("INFO", Severity::Info),
        ("major", Severity::Medium),
        ("odd", Severity::Medium),
    ];
    let list: Vec<Value> = legacy.iter().map(|(s, _)| issue("r", s)).collect();
    let f = ok(issues(Value::Array(list)));
    for (x, (word, want)) in f.iter().zip(legacy) {
        assert_eq!((x.severity, x.tool_severity.as_deref()), (want, Some(word)));
        let source = if word == "odd" {
            SeveritySource::Default
        } else {
            SeveritySource::Tool
        };
        assert_eq!(x.severity_source, source, "{word}");
    }
    let f = ok(issues(json!([{"rule": "r", "component": "c"}])));
    assert_eq!(
        (
            f[0].severity,
            f[0].severity_source,
            f[0].tool_severity.as_deref()
        ),
        (Severity::Medium, SeveritySource::Default, None)
    );
    // Impacts win over the legacy severity; the highest impact counts.
    let with = |impacts: Value| {
        let mut i = issue("r", "MINOR");
        i["impacts"] = impacts;
        i
    };
    let f = ok(issues(json!([
        with(
            json!([{"softwareQuality": "MAINTAINABILITY", "severity": "LOW"},
                    {"softwareQuality": "SECURITY", "severity": "HIGH"}])
        ),
        with(json!([{"softwareQuality": "RELIABILITY", "severity": "BLOCKER"}])),
        with(json!([{"softwareQuality": "MAINTAINABILITY", "severity": "INFO"}])),
        with(json!([{"softwareQuality": "SECURITY", "severity": "medium"}])),
        with(json!([{"softwareQuality": "SECURITY", "severity": "SEVERE"}])),
        with(json!([])),
    ])));
    let got: Vec<(Severity, Option<&str>)> = f
        .iter()
        .map(|x| (x.severity, x.tool_severity.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::High, Some("HIGH")),
            (Severity::Critical, Some("BLOCKER")),
            (Severity::Info, Some("INFO")),
            (Severity::Medium, Some("medium")),
            (Severity::Low, Some("MINOR")),
            (Severity::Low, Some("MINOR")),
        ]
    );
    assert!(
        f[0].tags
            .iter()
            .any(|t| t == "sonarqube-impact:security:high")
    );
    assert!(
        f[0].tags
            .iter()
            .any(|t| t == "sonarqube-impact:maintainability:low")
    );
    // Hotspots.
    let probs = [
        ("HIGH", Severity::High, SeveritySource::Tool),
        ("MEDIUM", Severity::Medium, SeveritySource::Tool),
        ("low", Severity::Low, SeveritySource::Tool),
        ("CRITICAL", Severity::Medium, SeveritySource::Default),
    ];
    let list: Vec<Value> = probs
        .iter()
        .map(|(p, ..)| hotspot(p, "TO_REVIEW"))
        .collect();
    let f = ok(hotspots(Value::Array(list)));
    for (x, (p, want, source)) in f.iter().zip(probs) {
        assert_eq!(
            (x.severity, x.severity_source, x.tool_severity.as_deref()),
            (want, source, Some(p))
        );
    }
}

#[test]
fn resolved_issues_and_reviewed_hotspots_are_kept_as_info() {
    let with = |status: Value, issue_status: Value, resolution: Value| {
        let mut i = issue("typescript:S1854", "CRITICAL");
        i["status"] = status;
        i["issueStatus"] = issue_status;
        i["resolution"] = resolution;
        i
    };
    let f = ok(issues(json!([
        with(json!("RESOLVED"), json!(null), json!("FALSE-POSITIVE")),
        with(json!("CLOSED"), json!(null), json!("FIXED")),
        with(json!(null), json!("ACCEPTED"), json!(null)),
        with(json!("CONFIRMED"), json!("CONFIRMED"), json!(null)),
        with(json!("REOPENED"), json!(null), json!(null)),
    ])));
    let got: Vec<(Severity, bool)> = f
        .iter()
        .map(|x| (x.severity, x.tags.iter().any(|t| t == "resolved")))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Info, true),
            (Severity::Info, true),
            (Severity::Info, true),
            (Severity::High, false),
            (Severity::High, false),
        ]
    );
    assert_eq!(f[0].tool_severity.as_deref(), Some("CRITICAL"));
    assert!(f[0].tags.contains(&"sonarqube-status:resolved".to_string()));
    assert!(
        f[0].tags
            .contains(&"sonarqube-resolution:false-positive".to_string())
    );
    assert!(f[2].tags.contains(&"sonarqube-status:accepted".to_string()));

    let mut safe = hotspot("HIGH", "REVIEWED");
    safe["resolution"] = json!("SAFE");
    let mut acknowledged = hotspot("HIGH", "REVIEWED");
    acknowledged["resolution"] = json!("ACKNOWLEDGED");
    let f = ok(hotspots(json!([safe, acknowledged])));
    assert_eq!(
        (f[0].severity, f[0].tool_severity.as_deref()),
        (Severity::Info, Some("HIGH"))
    );
    assert!(f[0].tags.contains(&"resolved".to_string()));
    assert!(f[0].tags.contains(&"sonarqube-resolution:safe".to_string()));
    assert_eq!(f[1].severity, Severity::High);
    assert!(!f[1].tags.contains(&"resolved".to_string()));
}

#[test]
fn dependency_check_plugin_issues_are_sca() {
    let dc = |message: &str| {
        json!({"rule": "OWASP:UsingComponentWithKnownVulnerability", "severity": "MAJOR",
               "component": "proj", "project": "proj", "message": message,
               "type": "VULNERABILITY", "tags": ["cve", "cwe", "cwe-937"]})
    };
    let f = ok(issues(json!([
        dc("Filename: package:1.1.2 | Reference: CVE-2024-2529 | CVSS Score: 6.4 | Category: CWE-120 | Category: CWE-79 | Versions of the package vulndescription ."),
        dc("Filename: nimbus-jose-jwt-9.24.4.jar | Highest CVSS Score: 7.5 | Amount of CVSS: 2 | References: CVE-2023-52428 (7.5) GHSA-gvpg-vgmx-xg6w (5.3)"),
        dc("Some other message"),
        {"rule": "java:S2068", "component": "c", "message": "Filename: x | Reference: CVE-2020-1"}
    ])));
    let x = &f[0];
    assert_eq!(x.kind, FindingKind::Sca);
    assert!(x.locations.is_empty());
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("package", Some("1.1.2"))
    );
    assert_eq!(x.vulnerability_ids, ["CVE-2024-2529"]);
    assert_eq!(x.cwes, [120, 79]);
    assert_eq!(x.title, "CVE-2024-2529 in package 1.1.2");
    assert!(
        x.message
            .starts_with("Filename: package:1.1.2 | Reference: CVE-2024-2529")
    );
    let y = &f[1];
    let c = y.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("nimbus-jose-jwt-9.24.4.jar", None)
    );
    assert_eq!(
        y.vulnerability_ids,
        ["CVE-2023-52428", "GHSA-gvpg-vgmx-xg6w"]
    );
    assert!(y.cwes.is_empty());
    assert_eq!(y.title, "CVE-2023-52428 in nimbus-jose-jwt-9.24.4.jar");
    assert_eq!(f[2].title, "Some other message");
    assert_eq!(f[2].kind, FindingKind::Sast);
    assert!(f[2].component.is_none());
    assert_eq!(f[3].kind, FindingKind::Sast);
    assert!(f[3].vulnerability_ids.is_empty());
}

#[test]
fn odd_values() {
    let f = ok(issues(json!([
        {"rule": "  ", "component": "proj:src/app.ts", "message": "\n", "line": "12",
         "tags": ["pitfall", " ", "pitfall"], "key": " "},
        {"rule": "r", "component": "c", "line": 0, "textRange": {"startLine": 0}}
    ])));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "unknown");
    assert_eq!(f[0].locations[0].start_line, Some(12));
    assert_eq!(f[0].tags, ["pitfall"]);
    assert_eq!(f[1].locations[0].start_line, None);
}

#[test]
fn clean_reports_and_duplicates() {
    assert!(ok(issues(json!([]))).is_empty());
    assert!(ok(hotspots(json!([]))).is_empty());
    assert!(
        ok(json!({"paging": paging(0), "issues": [], "components": [], "facets": []})).is_empty()
    );
    let f = ok(issues(json!([
        issue("typescript:S1533", "MINOR"),
        issue("typescript:S1533", "MINOR"),
        issue("typescript:S1854", "MINOR")
    ])));
    assert_eq!(f.len(), 3);
    assert_eq!(f[2].source_pointer, "/issues/2");
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn both_lists_in_one_document() {
    let mut doc = issues(json!([issue("r", "MAJOR")]));
    doc["hotspots"] = json!([hotspot("LOW", "TO_REVIEW")]);
    let f = ok(doc);
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(pointers, ["/issues/0", "/hotspots/0"]);
}

#[test]
fn a_later_page_is_read_as_it_is() {
    // Page 2 of 250: the warning goes to the log, the page is read.
    let mut doc = issues(json!([issue("r", "MAJOR")]));
    doc["paging"] = json!({"pageIndex": 2, "pageSize": 100, "total": 250});
    assert_eq!(ok(doc).len(), 1);
}

#[test]
fn bom_is_skipped() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(issues(json!([issue("r", "MAJOR")])).to_string().as_bytes());
    assert_eq!(parse(&input).expect("parses").len(), 1);
}
