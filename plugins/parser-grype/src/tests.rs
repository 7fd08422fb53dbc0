//! Unit tests with small inline Grype documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, assert_unsupported_saying, malformed,
    nested_arrays, parses, severities, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn report(matches: Value) -> Value {
    json!({"matches": matches, "source": {"type": "image", "target": {"userInput": "app:1"}},
           "descriptor": {"name": "grype", "version": "0.87.0"}})
}

/// A typical current match.
fn a_match() -> Value {
    json!({
        "vulnerability": {
            "id": "GHSA-2m57-hf25-phgg",
            "dataSource": "https://github.com/advisories/GHSA-2m57-hf25-phgg",
            "namespace": "github:language:python",
            "severity": "Medium",
            "urls": ["https://github.com/advisories/GHSA-2m57-hf25-phgg"],
            "description": "Django denial-of-service in intcomma",
            "cvss": [{"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "metrics": {"baseScore": 7.5}}],
            "fix": {"versions": ["4.2.10", "5.0.2"], "state": "fixed"},
            "advisories": []
        },
        "relatedVulnerabilities": [
            {"id": "CVE-2024-24680", "dataSource": "https://nvd.nist.gov/vuln/detail/CVE-2024-24680",
             "namespace": "nvd:cpe", "severity": "High", "description": "NVD text"}
        ],
        "matchDetails": [
            {"type": "exact-direct-match", "matcher": "python-matcher", "searchedBy": {}, "found": {}}
        ],
        "artifact": {
            "id": "b1a2", "name": "Django", "version": "4.2.7", "type": "python",
            "locations": [{"path": "/app/venv/lib/python3.11/site-packages/Django-4.2.7.dist-info/METADATA", "layerID": "sha256:1"},
                          {"path": "/app/venv/lib/python3.11/site-packages/Django-4.2.7.dist-info/RECORD"}],
            "language": "python", "licenses": ["BSD-3-Clause"],
            "cpes": ["cpe:2.3:a:djangoproject:django:4.2.7:*:*:*:*:*:*:*"],
            "purl": "pkg:pypi/django@4.2.7"
        }
    })
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_and_truncation_have_positions() {
    let m = malformed(parse(b"{\n\"matches\": [\n{,}]}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let m = malformed(parse(b"{\"matches\": [{\"artifact\": {").expect_err("rejected"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    let m = malformed(parse(b"[1, ").expect_err("rejected"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"{\"matches\":\n{\"a\": 1}}").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("not a valid Grype JSON report"),
        "{}",
        m.message
    );
    let bad = [
        report(json!([[]])),
        report(json!([{"vulnerability": {"id": 12}}])),
        report(json!([{"vulnerability": {"fix": {"versions": "1.0"}}}])),
        report(json!([{"artifact": {"locations": [7]}}])),
        report(json!([{"matchDetails": "dpkg"}])),
        report(json!([{"relatedVulnerabilities": {"id": "CVE-1"}}])),
        json!({"matches": [], "descriptor": ["grype"]}),
    ];
    assert_each_malformed(parse, bad);
}

#[test]
fn other_documents_are_unsupported() {
    assert_unsupported_saying(parse, json!({"results": []}), "no 'matches'");
    assert_each_unsupported(parse, [json!([]), json!(null), json!("x"), json!(1)]);
}

#[test]
fn deep_nesting_is_an_error_never_a_panic() {
    // Well-formed, but not a Grype report.
    unsupported(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    let unclosed = unclosed_arrays(DEEP);
    malformed(parse(unclosed.as_bytes()).expect_err("rejected"));
    let read = format!(
        r#"{{"matches": [{{"artifact": {{"locations": {}}}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    let ignored = format!(r#"{{"matches": [], "source": {}}}"#, nested_arrays(DEEP));
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

#[test]
fn no_matches() {
    assert!(ok(report(json!([]))).is_empty());
    assert!(ok(json!({"matches": null})).is_empty());
    assert!(
        parse(b"\xEF\xBB\xBF{\"matches\": []}")
            .expect("parses")
            .is_empty()
    );
}

// ---- mapping ---------------------------------------------------------------------

#[test]
fn match_maps_every_field() {
    let f = ok(report(json!([a_match()])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "grype");
    assert_eq!(x.tool_version.as_deref(), Some("0.87.0"));
    assert_eq!(x.rule_id, "GHSA-2m57-hf25-phgg");
    assert_eq!(x.title, "GHSA-2m57-hf25-phgg in Django 4.2.7");
    assert_eq!(
        x.message,
        "Django denial-of-service in intcomma\n\nNamespace: github:language:python"
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("Medium"))
    );
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(x.locations.len(), 2);
    assert_eq!(
        x.locations[0].path,
        "/app/venv/lib/python3.11/site-packages/Django-4.2.7.dist-info/METADATA"
    );
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "Django");
    assert_eq!(c.version.as_deref(), Some("4.2.7"));
    assert_eq!(c.purl.as_deref(), Some("pkg:pypi/django@4.2.7"));
    assert_eq!(c.fixed_versions, vec!["4.2.10", "5.0.2"]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["GHSA-2m57-hf25-phgg", "CVE-2024-24680"]
    );
    assert!(x.cwes.is_empty());
    assert_eq!(x.tags, vec!["python", "fix-state:fixed"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://github.com/advisories/GHSA-2m57-hf25-phgg")
    );
    assert_eq!(x.source_pointer, "/matches/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_table() {
    let with = |own: Value, related: Value| {
        json!({"vulnerability": {"id": "CVE-1", "severity": own},
               "relatedVulnerabilities": related,
               "artifact": {"name": "p", "version": "1"}})
    };
    let f = ok(report(json!([
        with(json!("Critical"), Value::Null),
        with(json!("HIGH"), Value::Null),
        with(json!("medium"), Value::Null),
        with(json!("Low"), Value::Null),
        with(
            json!("Negligible"),
            json!([{"id": "CVE-1", "severity": "High"}])
        ),
        with(
            json!("Unknown"),
            json!([{"id": "CVE-1", "severity": "Unknown"}, {"id": "CVE-1", "severity": "High"}])
        ),
        with(json!("Unknown"), json!([])),
        with(Value::Null, json!([{"id": "CVE-1"}])),
        with(json!("Severe"), Value::Null)
    ])));
    assert_eq!(
        severities(&f),
        vec![
            (Severity::Critical, Some("Critical")),
            (Severity::High, Some("HIGH")),
            (Severity::Medium, Some("medium")),
            (Severity::Low, Some("Low")),
            (Severity::Info, Some("Negligible")),
            (Severity::High, Some("High")),
            (Severity::Info, Some("Unknown")),
            (Severity::Info, None),
            (Severity::Info, Some("Severe")),
        ]
    );
    use cordon_sdk::SeveritySource::{Default, Tool};
    let sources: Vec<_> = f.iter().map(|x| x.severity_source).collect();
    assert_eq!(
        sources,
        [
            Tool, Tool, Tool, Tool, Tool, Tool, Default, Default, Default
        ]
    );
}

#[test]
fn old_schema_shapes() {
    // grype 0.7: matchDetails is one object, locations may be strings, no
    // relatedVulnerabilities, no fix.
    let f = ok(json!({"matches": [{
        "vulnerability": {"id": "CVE-2019-18276", "severity": "Negligible", "links": ["https://x"]},
        "relatedVulnerabilities": null,
        "matchDetails": {"matcher": "dpkg-matcher", "searchKey": {"distro": {"type": "debian"}}},
        "artifact": {"name": "bash", "version": "5.0-4", "type": "deb",
                     "locations": ["/var/lib/dpkg/status", {"path": "/usr/share/doc/bash/copyright"}, {"layerID": "x"}, ""]}
    }]}));
    let x = &f[0];
    assert_eq!(x.kind, FindingKind::Container);
    assert_eq!(x.tags, vec!["dpkg"]);
    assert_eq!(x.vulnerability_ids, vec!["CVE-2019-18276"]);
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/var/lib/dpkg/status", "/usr/share/doc/bash/copyright"]
    );
    assert!(
        x.component
            .as_ref()
            .is_some_and(|c| c.fixed_versions.is_empty() && c.purl.is_none())
    );
    assert!(x.tool_version.is_none());
}

#[test]
fn matchers_are_tags_once() {
    let mut m = a_match();
    m["matchDetails"] = json!([{"matcher": "python-matcher"}, {"matcher": "python2-matcher"}, {"matcher": "python-matcher"}, null, {}]);
    let f = ok(report(json!([m])));
    assert_eq!(f[0].tags, vec!["python", "python2", "fix-state:fixed"]);
}

#[test]
fn kinds_by_artifact_type() {
    let typed =
        |t: &str| json!({"vulnerability": {"id": "CVE-1"}, "artifact": {"name": "p", "type": t}});
    let f = ok(report(json!([
        typed("rpm"),
        typed("APK"),
        typed("linux-kernel-module"),
        typed("java-archive"),
        typed("go-module")
    ])));
    let kinds: Vec<FindingKind> = f.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [
            FindingKind::Container,
            FindingKind::Container,
            FindingKind::Container,
            FindingKind::Sca,
            FindingKind::Sca
        ]
    );
}

#[test]
fn missing_pieces_do_not_panic() {
    let f = ok(report(
        json!([{}, {"vulnerability": {}}, {"artifact": {}}, {"artifact": {"locations": null}}]),
    ));
    assert_eq!(f.len(), 4);
    for x in &f {
        assert_eq!(x.rule_id, "unknown");
        assert_eq!(x.title, "Vulnerability");
        assert!(x.component.is_none() && x.locations.is_empty());
    }
    let long = "x".repeat(500);
    let f = ok(report(json!([{"vulnerability": {"id": long}}])));
    assert_eq!(f[0].title.chars().count(), TITLE_MAX_CHARS);
}

#[test]
fn duplicates_merge_and_paths_stay_apart() {
    let mut other_path = a_match();
    other_path["artifact"]["locations"] = json!([{"path": "/srv/other/METADATA"}]);
    let mut higher = a_match();
    higher["vulnerability"]["severity"] = json!("Critical");
    let f = normalizer_default::normalize(ok(report(json!([a_match(), higher, other_path]))));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].severity, Severity::Critical);
}
