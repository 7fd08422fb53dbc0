//! Unit tests with small inline cargo-audit documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, assert_unsupported_saying, malformed,
    nested_arrays, parses, unclosed_arrays, unsupported,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn report(list: Value) -> Value {
    json!({
        "database": {"advisory-count": 700, "last-commit": "abc", "last-updated": "2026-01-01T00:00:00Z"},
        "lockfile": {"dependency-count": 120},
        "settings": {"target_arch": null, "target_os": null, "severity": null, "ignore": [], "informational_warnings": ["unmaintained"]},
        "vulnerabilities": {"found": true, "count": 1, "list": list},
        "warnings": {"unmaintained": [{"kind": "unmaintained", "package": {"name": "net2", "version": "0.2.35"},
                                       "advisory": {"id": "RUSTSEC-2020-0016", "informational": "unmaintained"}}],
                     "yanked": [{"kind": "yanked", "package": {"name": "bytecount", "version": "0.6.1"}, "advisory": null}]}
    })
}

fn entry() -> Value {
    json!({
        "advisory": {
            "id": "RUSTSEC-2024-0003",
            "package": "h2",
            "title": "Resource exhaustion vulnerability in h2 may lead to Denial of Service (DoS)",
            "description": "An attacker with an HTTP/2 connection can cause excessive CPU load.",
            "date": "2024-01-17",
            "aliases": ["GHSA-8r5v-vm4m-4g25"],
            "related": [],
            "collection": "crates",
            "categories": ["denial-of-service"],
            "keywords": ["http", "http2"],
            "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
            "informational": null,
            "references": ["https://github.com/hyperium/hyper/issues/3485"],
            "source": null,
            "url": "https://seanmonstar.com/blog/hyper-http2-continuation-flood/",
            "withdrawn": null,
            "license": "CC0-1.0"
        },
        "versions": {"patched": ["^0.3.24", ">=0.4.2"], "unaffected": []},
        "affected": {"arch": [], "os": [], "functions": {"h2::server::Connection::poll_accept": [">=0.2.0"]}},
        "package": {"name": "h2", "version": "0.3.21",
                    "source": "registry+https://github.com/rust-lang/crates.io-index",
                    "checksum": "91fc23aa", "dependencies": [{"name": "bytes", "version": "1.5.0"}], "replace": null}
    })
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_and_truncation_have_positions() {
    let m = malformed(parse(b"{\n\"vulnerabilities\": {\n\"list\": [}}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let m = malformed(
        parse(b"{\"vulnerabilities\": {\"list\": [{\"advisory\": ").expect_err("rejected"),
    );
    assert!(m.message.contains("ends too early"), "{}", m.message);
    malformed(parse(b"{\"vulnerabilities\" 1}").expect_err("rejected"));
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"{\"vulnerabilities\":\n[]}").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("not a valid cargo-audit JSON report"),
        "{}",
        m.message
    );
    let bad = [
        report(json!({"advisory": {}})),
        report(json!([[]])),
        report(json!([{"advisory": {"id": 7}}])),
        report(json!([{"advisory": {"aliases": "CVE-1"}}])),
        report(json!([{"versions": {"patched": ">=1"}}])),
        report(json!([{"affected": {"functions": {"f": ">=1"}}}])),
        report(json!([{"package": ["h2", "0.3"]}])),
    ];
    assert_each_malformed(parse, bad);
}

#[test]
fn other_documents_are_unsupported() {
    assert_unsupported_saying(
        parse,
        json!({"database": {}, "lockfile": {}}),
        "no 'vulnerabilities'",
    );
    assert_each_unsupported(parse, [json!([]), json!(null), json!("x"), json!(false)]);
}

#[test]
fn deep_nesting_is_an_error_never_a_panic() {
    unsupported(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()).expect_err("rejected"));
    let read = format!(
        r#"{{"vulnerabilities": {{"list": {}}}}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    let ignored = format!(
        r#"{{"vulnerabilities": {{"list": []}}, "warnings": {}}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

#[test]
fn no_vulnerabilities() {
    assert!(
        ok(report(json!([]))).is_empty(),
        "warnings are not findings"
    );
    assert!(ok(json!({"vulnerabilities": null})).is_empty());
    assert!(ok(json!({"vulnerabilities": {"found": false, "count": 0}})).is_empty());
}

// ---- mapping ---------------------------------------------------------------------

#[test]
fn entry_maps_every_field() {
    let f = ok(report(json!([entry()])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "cargo-audit");
    assert!(x.tool_version.is_none());
    assert_eq!(x.rule_id, "RUSTSEC-2024-0003");
    assert_eq!(x.title, "RUSTSEC-2024-0003 in h2 0.3.21");
    assert_eq!(
        x.message,
        "Resource exhaustion vulnerability in h2 may lead to Denial of Service (DoS)\n\n\
         An attacker with an HTTP/2 connection can cause excessive CPU load.\n\n\
         Affected functions: h2::server::Connection::poll_accept (>=0.2.0)"
    );
    assert_eq!(x.severity, Severity::High);
    assert_eq!(
        x.tool_severity.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")
    );
    assert_eq!(x.kind, FindingKind::Sca);
    assert!(x.locations.is_empty());
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("h2", Some("0.3.21"))
    );
    assert_eq!(c.purl.as_deref(), Some("pkg:cargo/h2@0.3.21"));
    assert_eq!(c.fixed_versions, vec!["^0.3.24", ">=0.4.2"]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["RUSTSEC-2024-0003", "GHSA-8r5v-vm4m-4g25"]
    );
    assert!(x.cwes.is_empty());
    assert_eq!(x.tags, vec!["denial-of-service", "http", "http2"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://seanmonstar.com/blog/hyper-http2-continuation-flood/")
    );
    assert_eq!(x.source_pointer, "/vulnerabilities/list/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_from_cvss() {
    let with = |cvss: Value| {
        let mut e = entry();
        e["advisory"]["cvss"] = cvss;
        e
    };
    let f = ok(report(json!([
        with(json!("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")),
        with(json!("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N")),
        with(json!(
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N"
        )),
        with(json!("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N")),
        with(json!("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")),
        with(Value::Null),
        with(json!("not a vector"))
    ])));
    let got: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    assert_eq!(
        got,
        vec![
            Severity::Critical,
            Severity::Medium,
            Severity::Critical,
            Severity::Low,
            Severity::Info,
            Severity::High,
            Severity::High,
        ]
    );
    let sources: Vec<SeveritySource> = f.iter().map(|x| x.severity_source).collect();
    let mut want = vec![SeveritySource::Cvss; 5];
    want.extend([SeveritySource::Default; 2]);
    assert_eq!(sources, want);
    assert!(f[5].tool_severity.is_none());
    assert_eq!(f[6].tool_severity.as_deref(), Some("not a vector"));
    assert_eq!(
        cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"),
        Some(7.5)
    );
    for odd in ["", "CVSS:3.1/", "CVSS:4.0/AV:N", "CVSS:3.1/AV:N/AV:L", "é"] {
        assert_eq!(cvss_score(odd), None, "{odd}");
    }
}

#[test]
fn purl_only_for_crates_io_and_tags_for_notices() {
    let mut git = entry();
    git["package"]["source"] = json!("git+https://github.com/example/h2?rev=abc#abc");
    let mut sparse = entry();
    sparse["package"]["source"] = json!("sparse+https://index.crates.io/");
    let mut notice = entry();
    notice["advisory"]["informational"] = json!("unsound");
    notice["advisory"]["withdrawn"] = json!("2024-02-01");
    notice["advisory"]["url"] = Value::Null;
    let f = ok(report(json!([git, sparse, notice])));
    assert_eq!(f[0].component.as_ref().and_then(|c| c.purl.clone()), None);
    assert_eq!(
        f[1].component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:cargo/h2@0.3.21")
    );
    assert!(f[2].tags.contains(&"informational:unsound".to_string()));
    assert!(f[2].tags.contains(&"withdrawn".to_string()));
    assert_eq!(
        f[2].help_uri.as_deref(),
        Some("https://rustsec.org/advisories/RUSTSEC-2024-0003.html")
    );
}

#[test]
fn same_advisory_in_two_versions_stays_two() {
    let mut older = entry();
    older["package"]["version"] = json!("0.2.7");
    let f = normalizer_default::normalize(ok(report(json!([entry(), older, entry()]))));
    assert_eq!(f.len(), 2);
}

#[test]
fn missing_pieces_do_not_panic() {
    let f = ok(report(
        json!([{}, {"advisory": {}}, {"package": {}}, {"affected": null, "versions": {}}]),
    ));
    assert_eq!(f.len(), 4);
    for x in &f {
        assert_eq!(x.rule_id, "unknown");
        assert_eq!(x.title, "Advisory");
        assert!(x.component.is_none() && x.help_uri.is_none());
    }
}
