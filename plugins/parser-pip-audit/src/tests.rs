//! Unit tests with small inline pip-audit documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, assert_unsupported_saying, malformed,
    nested_arrays, parses, unclosed_arrays,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn deps() -> Value {
    json!([
        {"name": "Flask", "version": "2.2.2", "vulns": [{
            "id": "PYSEC-2023-62",
            "fix_versions": ["2.2.5", "2.3.2"],
            "aliases": ["CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"],
            "description": "Flask may cache a response with a session cookie."
        }]},
        {"name": "attrs", "version": "23.1.0", "vulns": []},
        {"name": "internal-lib", "skip_reason": "Dependency not found on PyPI and could not be audited: internal-lib (0.1.0)"}
    ])
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_and_truncation_have_positions() {
    let m = malformed(parse(b"{\n\"dependencies\": [\n{\"name\" \"x\"}]}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let m = malformed(parse(b"[{\"name\": \"x\", \"vulns\": [").expect_err("rejected"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    malformed(parse(b"nul").expect_err("rejected"));
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"{\"dependencies\":\n{\"name\": \"x\"}}").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("not valid pip-audit JSON output"),
        "{}",
        m.message
    );
    let bad = [
        json!([["flask"]]),
        json!(["flask"]),
        json!([{"name": 1}]),
        json!([{"name": "x", "vulns": {"id": "PYSEC-1"}}]),
        json!([{"name": "x", "vulns": [{"fix_versions": "1.0"}]}]),
        json!({"dependencies": [{"name": "x", "vulns": [{"aliases": [1]}]}]}),
    ];
    assert_each_malformed(parse, bad);
}

#[test]
fn other_documents_are_unsupported() {
    assert_unsupported_saying(parse, json!({"results": []}), "no 'dependencies'");
    assert_each_unsupported(parse, [json!(null), json!("x"), json!(3)]);
}

#[test]
fn deep_nesting_is_an_error_never_a_panic() {
    malformed(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()).expect_err("rejected"));
    let read = format!(
        r#"{{"dependencies": [{{"vulns": {}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    let ignored = format!(
        r#"{{"dependencies": [], "fixes": {}}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

#[test]
fn empty_outputs() {
    assert!(ok(json!([])).is_empty());
    assert!(parse(b"[\n]").expect("parses").is_empty());
    assert!(ok(json!({"dependencies": []})).is_empty());
    assert!(ok(json!({"dependencies": null, "fixes": []})).is_empty());
}

// ---- mapping ---------------------------------------------------------------------

#[test]
fn both_shapes_give_the_same_findings() {
    let legacy = ok(deps());
    let current = ok(json!({"dependencies": deps(), "fixes": []}));
    assert_eq!(legacy.len(), 1);
    assert_eq!(current.len(), 1);
    assert_eq!(legacy[0].source_pointer, "/0/vulns/0");
    assert_eq!(current[0].source_pointer, "/dependencies/0/vulns/0");
    let (mut a, mut b) = (legacy[0].clone(), current[0].clone());
    a.source_pointer.clear();
    b.source_pointer.clear();
    assert_eq!(a, b);
}

#[test]
fn vulnerability_maps_every_field() {
    let f = ok(json!({"dependencies": deps()}));
    let x = &f[0];
    assert_eq!(x.tool, "pip-audit");
    assert!(x.tool_version.is_none());
    assert_eq!(x.rule_id, "PYSEC-2023-62");
    assert_eq!(x.title, "PYSEC-2023-62 in Flask 2.2.2");
    assert_eq!(
        x.message,
        "Flask may cache a response with a session cookie."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, None)
    );
    assert_eq!(x.severity_source, cordon_sdk::SeveritySource::Default);
    assert_eq!(x.kind, FindingKind::Sca);
    assert!(x.locations.is_empty());
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("Flask", Some("2.2.2"))
    );
    assert_eq!(c.purl.as_deref(), Some("pkg:pypi/flask@2.2.2"));
    assert_eq!(c.fixed_versions, vec!["2.2.5", "2.3.2"]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["PYSEC-2023-62", "CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"]
    );
    assert!(x.cwes.is_empty() && x.tags.is_empty());
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://osv.dev/vulnerability/PYSEC-2023-62")
    );
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn purl_names_follow_pep_503() {
    assert_eq!(pep503("Flask"), "flask");
    assert_eq!(pep503("zope.interface"), "zope-interface");
    assert_eq!(pep503("Foo__Bar-.baz"), "foo-bar-baz");
    let f = ok(json!([{"name": "Typing_Extensions", "vulns": [{"id": "X-1"}]}]));
    let c = f[0].component.as_ref().expect("component");
    assert!(c.purl.is_none(), "no version, no purl");
    assert!(c.version.is_none());
}

#[test]
fn same_vulnerability_twice_merges() {
    let dup = json!([
        {"name": "django", "version": "3.2.9", "vulns": [{"id": "PYSEC-2021-439"}, {"id": "PYSEC-2021-439"}]},
        {"name": "django", "version": "4.0.1", "vulns": [{"id": "PYSEC-2021-439"}]}
    ]);
    assert_eq!(normalizer_default::normalize(ok(dup)).len(), 2);
}

#[test]
fn missing_pieces_do_not_panic() {
    let f = ok(json!([{}, {"vulns": [{}]}, {"name": "", "vulns": [{"id": " "}]}]));
    assert_eq!(f.len(), 2);
    for x in &f {
        assert_eq!(x.rule_id, "unknown");
        assert_eq!(x.title, "Vulnerability");
        assert!(x.component.is_none() && x.help_uri.is_none());
    }
}
