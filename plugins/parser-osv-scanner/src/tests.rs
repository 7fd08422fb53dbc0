//! Unit tests with small inline OSV-Scanner documents.

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

/// Output with one lockfile source and the given packages.
fn output(packages: Value) -> Value {
    json!({"results": [{"source": {"path": "/src/app/poetry.lock", "type": "lockfile"}, "packages": packages}],
           "experimental_config": {"licenses": {"summary": false, "allowlist": null}}})
}

fn package(name: &str, version: &str, vulns: Value, groups: Value) -> Value {
    json!({"package": {"name": name, "version": version, "ecosystem": "PyPI"},
           "vulnerabilities": vulns, "groups": groups})
}

fn ghsa() -> Value {
    json!({
        "id": "GHSA-j8r2-6x86-q33q",
        "aliases": ["CVE-2023-32681", "PYSEC-2023-74"],
        "summary": "Unintended leak of Proxy-Authorization header in requests",
        "details": "Requests forwards proxy credentials.",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"}],
        "affected": [{
            "package": {"ecosystem": "PyPI", "name": "requests", "purl": "pkg:pypi/requests"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}],
            "database_specific": {"source": "https://github.com/github/advisory-database"}
        }],
        "references": [{"type": "WEB", "url": "https://example.invalid/web"},
                       {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-32681"}],
        "database_specific": {"cwe_ids": ["CWE-200"], "github_reviewed": true, "severity": "MODERATE"}
    })
}

fn pysec() -> Value {
    json!({
        "id": "PYSEC-2023-74",
        "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
        "details": "Requests is a HTTP library.",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                      "ranges": [{"type": "GIT", "repo": "https://github.com/psf/requests", "events": [{"introduced": "0"}, {"fixed": "74ea7cf"}]},
                                 {"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}]
    })
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_errors_and_truncation_have_positions() {
    let m = malformed(parse(b"{\n\"results\": [\n{\"source\" {}}]}").expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    let m = malformed(parse(b"{\"results\": [{\"packages\": [").expect_err("rejected"));
    assert!(m.message.contains("ends too early"), "{}", m.message);
    malformed(parse(b"[1,").expect_err("rejected"));
}

#[test]
fn wrong_types_are_malformed() {
    let m = malformed(parse(b"{\"results\":\n{\"packages\": []}}").expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("not a valid OSV-Scanner JSON output"),
        "{}",
        m.message
    );
    let bad = [
        output(json!([[]])),
        output(json!([{"package": "requests"}])),
        output(json!([{"vulnerabilities": [{"id": 5}]}])),
        output(json!([{"vulnerabilities": [{"aliases": "CVE-1"}]}])),
        output(
            json!([{"vulnerabilities": [{"affected": [{"ranges": [{"events": {"fixed": "1"}}]}]}]}]),
        ),
        output(json!([{"groups": [{"ids": [1]}]}])),
        json!({"results": [{"source": "lockfile"}]}),
    ];
    assert_each_malformed(parse, bad);
}

#[test]
fn free_form_fields_are_lenient() {
    let v = json!({"id": "X-1", "database_specific": {"severity": ["odd"], "cwe_ids": {"a": 1}},
                   "affected": [{"database_specific": {"cwes": [5, null, {"cweId": 7}, "CWE-22", {"cweId": "CWE-89"}]}},
                                {"database_specific": "free text"}]});
    let f = ok(output(json!([package("p", "1", json!([v]), Value::Null)])));
    assert_eq!(f[0].cwes, vec![22, 89]);
    assert_eq!(f[0].severity, Severity::Low);
    let v = json!({"id": "X-2", "database_specific": [1, 2]});
    assert_eq!(
        ok(output(json!([package("p", "1", json!([v]), Value::Null)]))).len(),
        1
    );
}

#[test]
fn other_documents_are_unsupported() {
    assert_unsupported_saying(parse, json!({"matches": []}), "no 'results'");
    assert_each_unsupported(parse, [json!([]), json!(null), json!("x"), json!(1.5)]);
}

#[test]
fn deep_nesting_is_an_error_never_a_panic() {
    unsupported(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    malformed(parse(unclosed_arrays(DEEP).as_bytes()).expect_err("rejected"));
    let read = format!(
        r#"{{"results": [{{"packages": {}}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    // Inside a free-form object: skipped, or the recursion limit; never a
    // stack overflow.
    let free = format!(
        r#"{{"results": [{{"packages": [{{"vulnerabilities": [{{"id": "X", "database_specific": {{"severity": {}}}}}]}}]}}]}}"#,
        nested_arrays(DEEP)
    );
    let _ = parse(free.as_bytes());
}

#[test]
fn no_results() {
    assert!(ok(json!({"results": []})).is_empty());
    assert!(ok(json!({"results": null})).is_empty());
    assert!(ok(output(json!([]))).is_empty());
    assert!(ok(output(json!([package("p", "1", Value::Null, Value::Null)]))).is_empty());
}

// ---- mapping ---------------------------------------------------------------------

#[test]
fn record_maps_every_field() {
    let f = ok(output(json!([package(
        "requests",
        "2.28.1",
        json!([ghsa()]),
        Value::Null
    )])));
    let x = &f[0];
    assert_eq!(x.tool, "osv-scanner");
    assert!(x.tool_version.is_none());
    assert_eq!(x.rule_id, "GHSA-j8r2-6x86-q33q");
    assert_eq!(x.title, "GHSA-j8r2-6x86-q33q in requests 2.28.1");
    assert_eq!(
        x.message,
        "Unintended leak of Proxy-Authorization header in requests\n\nRequests forwards proxy credentials."
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("MODERATE"))
    );
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(x.locations.len(), 1);
    assert_eq!(x.locations[0].path, "/src/app/poetry.lock");
    assert_eq!(x.locations[0].start_line, None);
    let c = x.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("requests", Some("2.28.1"))
    );
    assert_eq!(c.fixed_versions, vec!["2.31.0"]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["GHSA-j8r2-6x86-q33q", "CVE-2023-32681", "PYSEC-2023-74"]
    );
    assert_eq!(x.cwes, vec![200]);
    assert_eq!(x.tags, vec!["ecosystem:PyPI", "source-type:lockfile"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2023-32681")
    );
    assert_eq!(x.source_pointer, "/results/0/packages/0/vulnerabilities/0");
    assert!(x.fingerprint.is_empty() && x.input == 0);
}

#[test]
fn severity_rules() {
    let rec = |id: &str, extra: Value| {
        let mut v = json!({"id": id});
        if let (Some(b), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        v
    };
    let vulns = json!([
        rec(
            "A-1",
            json!({"database_specific": {"severity": "CRITICAL"}})
        ),
        rec("A-2", json!({"database_specific": {"severity": "high"}})),
        rec("A-3", json!({"database_specific": {"severity": "LOW"}})),
        // CVSS v3.1 9.8, v4 preferred over v3.
        rec(
            "A-4",
            json!({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]})
        ),
        rec(
            "A-5",
            json!({"severity": [
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
            {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"}]})
        ),
        // Unparsable vectors fall through to the group's max_severity.
        rec(
            "A-6",
            json!({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}, {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}]})
        ),
        rec("MAL-2024-1", json!({})),
        rec("A-8", json!({"database_specific": {"severity": "UNKNOWN"}}))
    ]);
    let groups = json!([{"ids": ["A-6"], "aliases": ["A-6"], "max_severity": "7.5"}]);
    let f = ok(output(json!([package("p", "1", vulns, groups)])));
    assert_eq!(
        severities(&f),
        vec![
            (Severity::Critical, Some("CRITICAL")),
            (Severity::High, Some("high")),
            (Severity::Low, Some("LOW")),
            (
                Severity::Critical,
                Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            ),
            (
                Severity::Medium,
                Some("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N")
            ),
            (Severity::High, Some("max_severity:7.5")),
            (Severity::Critical, Some("malicious-package")),
            (Severity::Low, None),
        ]
    );
    use cordon_sdk::SeveritySource::{Cvss, Default, Tool};
    let sources: Vec<_> = f.iter().map(|x| x.severity_source).collect();
    assert_eq!(
        sources,
        [Tool, Tool, Tool, Cvss, Cvss, Cvss, Default, Default]
    );
}

#[test]
fn cvss_scores_never_panic() {
    assert_eq!(
        cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"),
        Some(7.5)
    );
    assert_eq!(
        cvss_score("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N"),
        Some(9.1)
    );
    for odd in [
        "",
        "CVSS:",
        "CVSS:3.1",
        "CVSS:3.1/",
        "CVSS:3.1/AV:N",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N",
        "CVSS:4.0/AV:N",
        "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N/E:X/CR:H/MAV:A",
        "CVSS:4.0/AV:Q/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N",
        "CVSS:9.9/AV:N",
        "cvss:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:n/i:h/a:n",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "////",
        "é/é:é",
    ] {
        let _ = cvss_score(odd);
    }
}

#[test]
fn alias_groups_share_a_rule_id_and_merge() {
    let groups = json!([{"ids": ["PYSEC-2023-74", "GHSA-j8r2-6x86-q33q"],
                         "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]}]);
    let f = ok(output(json!([package(
        "requests",
        "2.28.1",
        json!([ghsa(), pysec()]),
        groups
    )])));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].rule_id, "GHSA-j8r2-6x86-q33q");
    assert_eq!(f[1].rule_id, "GHSA-j8r2-6x86-q33q");
    // PYSEC has no severity of its own: low; the merged finding keeps medium.
    assert_eq!(f[1].severity, Severity::Low);
    // The GIT range gives no fixed version; the ECOSYSTEM one does.
    assert_eq!(
        f[1].component.as_ref().map(|c| c.fixed_versions.clone()),
        Some(vec!["2.31.0".to_string()])
    );
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::Medium);
    assert_eq!(
        n[0].vulnerability_ids,
        vec!["CVE-2023-32681", "GHSA-J8R2-6X86-Q33Q", "PYSEC-2023-74"]
    );
}

#[test]
fn without_groups_overlapping_aliases_are_grouped() {
    let other = json!({"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-1"]});
    let chained = json!({"id": "OSV-2099-9", "aliases": ["CVE-2099-1"]});
    let f = ok(output(json!([package(
        "requests",
        "2.28.1",
        json!([pysec(), other, ghsa(), chained, {"aliases": ["CVE-2099-1"]}]),
        Value::Null
    )])));
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        rules,
        [
            "GHSA-j8r2-6x86-q33q",
            "GHSA-aaaa-bbbb-cccc",
            "GHSA-j8r2-6x86-q33q",
            "GHSA-aaaa-bbbb-cccc",
            "unknown"
        ]
    );
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn same_record_in_two_lockfiles_stays_two() {
    let doc = json!({"results": [
        {"source": {"path": "a/requirements.txt", "type": "lockfile"}, "packages": [package("requests", "2.28.1", json!([ghsa()]), Value::Null)]},
        {"source": {"path": "b/requirements.txt", "type": "lockfile"}, "packages": [package("requests", "2.28.1", json!([ghsa()]), Value::Null)]}
    ]});
    let f = normalizer_default::normalize(ok(doc));
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[1].source_pointer,
        "/results/1/packages/0/vulnerabilities/0"
    );
}

#[test]
fn git_sources_and_os_ecosystems() {
    let doc = json!({"results": [
        {"source": {"path": "/src/vendor/lib/", "type": "git"},
         "packages": [{"package": {"name": "", "version": "", "ecosystem": "", "commit": "f5f3c22f"},
                       "vulnerabilities": [{"id": "CVE-2023-50094",
                           "affected": [{"ranges": [{"type": "GIT", "repo": "https://github.com/example/lib", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]}]}]}]},
        {"source": {"path": "/", "type": "os"},
         "packages": [{"package": {"name": "openssl", "version": "3.0.11-1", "ecosystem": "Debian:12"},
                       "vulnerabilities": [{"id": "DSA-5532-1"}]}]}
    ]});
    let f = ok(doc);
    let c = f[0].component.as_ref().expect("component");
    assert_eq!(c.name, "https://github.com/example/lib");
    assert_eq!(c.version.as_deref(), Some("f5f3c22f"));
    assert!(c.fixed_versions.is_empty());
    assert_eq!(f[0].title, "CVE-2023-50094");
    assert_eq!(f[0].kind, FindingKind::Sca);
    assert_eq!(f[1].kind, FindingKind::Container);
    assert_eq!(f[1].tags, vec!["ecosystem:Debian:12", "source-type:os"]);
}

#[test]
fn missing_pieces_do_not_panic() {
    let f = ok(
        json!({"results": [{}, {"packages": [{}, {"vulnerabilities": [{}]}, {"package": {}, "vulnerabilities": [{}], "groups": [{}]}]}]}),
    );
    assert_eq!(f.len(), 2);
    for x in &f {
        assert_eq!(x.rule_id, "unknown");
        assert!(x.component.is_none() && x.locations.is_empty());
    }
}
