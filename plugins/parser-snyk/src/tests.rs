//! Unit tests with small inline Snyk documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_bom_and_every_prefix, assert_cuts_end_too_early,
    assert_empty_input_malformed, assert_invalid_json_at, assert_maps, malformed, nested_arrays,
    nested_objects, parses, unclosed_arrays, unsupported,
};
use serde_json::json;

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

fn vuln() -> Value {
    json!({
        "id": "SNYK-JS-LODASH-567746",
        "title": "Prototype Pollution",
        "severity": "high",
        "severityWithCritical": "high",
        "cvssScore": 7.3,
        "packageName": "lodash",
        "name": "lodash",
        "version": "4.17.15",
        "language": "js",
        "packageManager": "npm",
        "from": ["my-app@1.0.0", "@babel/core@7.9.0", "lodash@4.17.15"],
        "upgradePath": [false, "@babel/core@7.9.6", "lodash@4.17.16"],
        "fixedIn": ["4.17.16"],
        "identifiers": {"CVE": ["CVE-2020-8203"], "CWE": ["CWE-400", "CWE-1321"], "GHSA": ["GHSA-p6mc-m468-83gw"], "NSP": [1523]},
        "description": "## Overview\nlodash is vulnerable.",
        "isUpgradable": true,
        "isPatchable": false
    })
}

fn project(vulns: Value) -> Value {
    json!({
        "vulnerabilities": vulns,
        "ok": false,
        "dependencyCount": 3,
        "packageManager": "npm",
        "projectName": "my-app",
        "displayTargetFile": "package-lock.json",
        "path": "/src/my-app"
    })
}

// ---- input errors -----------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let m = malformed(parse(b"{\n\"vulnerabilities\": [,]\n}").expect_err("rejected"));
    assert_invalid_json_at(&m, 2);
}

#[test]
fn truncated_input_is_malformed() {
    let full = project(json!([vuln()])).to_string();
    assert_cuts_end_too_early(parse, &full, &[1, 10, full.len() / 2, full.len() - 1]);
}

#[test]
fn wrong_types_are_malformed_with_position() {
    let m = malformed(parse(b"{\"vulnerabilities\": [\n{\"id\": 5}]}").expect_err("no"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.starts_with("not a valid Snyk JSON report"),
        "{}",
        m.message
    );
    let m = malformed(parse(b"{\"vulnerabilities\": [{\"title\": \"x\"}]}").expect_err("no"));
    assert!(m.message.contains("missing field `id`"), "{}", m.message);
    let mut v = vuln();
    v["from"] = json!("a > b");
    malformed(parse(project(json!([v])).to_string().as_bytes()));
    let m = malformed(parse(b"{\"vulnerabilities\": {}}").expect_err("no"));
    assert!(m.message.contains("a sequence"), "{}", m.message);
    let m = malformed(parse(b"[[\"vulnerabilities\"]]").expect_err("no"));
    assert!(m.message.contains("a JSON object"), "{}", m.message);
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    for doc in [
        unclosed_arrays(DEEP),
        format!(
            "{{\"vulnerabilities\": [], \"x\": {}}}",
            nested_arrays(DEEP)
        ),
        nested_objects("a", DEEP, ""),
    ] {
        let m = malformed(parse(doc.as_bytes()).expect_err("too deep"));
        assert!(m.message.contains("nested more than"), "{}", m.message);
    }
}

#[test]
fn other_documents_are_unsupported() {
    let m = unsupported(parse(b"\"snyk\"").expect_err("no"));
    assert!(m.contains("must be an object or an array"), "{m}");
    let m = unsupported(parse(b"[]").expect_err("no"));
    assert!(m.contains("empty JSON array"), "{m}");
    let m = unsupported(parse(b"{}").expect_err("no"));
    assert!(m.contains("no 'vulnerabilities' array"), "{m}");
    let sarif =
        json!({"$schema": "https://x/sarif-schema-2.1.0.json", "version": "2.1.0", "runs": []});
    let m = unsupported(parse(sarif.to_string().as_bytes()).expect_err("no"));
    assert!(m.contains("SARIF"), "{m}");
    let iac = json!({"infrastructureAsCodeIssues": [], "ok": true});
    let m = unsupported(parse(iac.to_string().as_bytes()).expect_err("no"));
    assert!(m.contains("IaC"), "{m}");
    // An npm audit report has an object, not an array, of vulnerabilities.
    let npm = json!({"auditReportVersion": 2, "vulnerabilities": {}});
    malformed(parse(npm.to_string().as_bytes()));
}

#[test]
fn error_documents_are_unsupported() {
    let doc = json!({"ok": false, "error": "Could not detect supported target files in /src", "path": "/src"});
    let m = unsupported(parse(doc.to_string().as_bytes()).expect_err("no"));
    assert_eq!(
        m,
        "Snyk wrote an error instead of test results: Could not detect supported target files in /src"
    );
    // One failed project in --all-projects output fails the document.
    let doc = json!([project(json!([vuln()])), {"ok": false, "error": {"message": "auth failed"}}]);
    let m = unsupported(parse(doc.to_string().as_bytes()).expect_err("no"));
    assert!(
        m.contains("(project /1)") && m.ends_with("auth failed"),
        "{m}"
    );
    // And so does a failed application of a container result.
    let mut c = project(json!([]));
    c["applications"] = json!([{"error": "could not scan", "targetFile": "/app/package.json"}]);
    let m = unsupported(parse(c.to_string().as_bytes()).expect_err("no"));
    assert!(m.contains("/applications/0"), "{m}");
}

// ---- mapping ------------------------------------------------------------------------

#[test]
fn maps_every_field() {
    let f = ok(project(json!([vuln()])));
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "snyk");
    assert_eq!(x.tool_version, None);
    assert_eq!(x.rule_id, "SNYK-JS-LODASH-567746");
    assert_eq!(x.title, "lodash: Prototype Pollution");
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.tool_severity.as_deref(), Some("high"));
    assert_eq!(x.kind, FindingKind::Sca);
    let paths: Vec<&str> = x.locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["my-app > @babel/core > lodash", "package-lock.json"]
    );
    assert!(x.locations.iter().all(|l| l.start_line.is_none()));
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "lodash");
    assert_eq!(c.version.as_deref(), Some("4.17.15"));
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/lodash@4.17.15"));
    assert_eq!(c.fixed_versions, vec!["4.17.16"]);
    assert_eq!(
        x.vulnerability_ids,
        vec!["CVE-2020-8203", "GHSA-p6mc-m468-83gw"]
    );
    assert_eq!(x.cwes, vec![400, 1321]);
    assert_eq!(x.tags, vec!["upgradable", "upgrade-to:@babel/core@7.9.6"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://security.snyk.io/vuln/SNYK-JS-LODASH-567746")
    );
    assert_eq!(x.source_pointer, "/vulnerabilities/0");
    assert!(x.message.starts_with("## Overview"));
    assert!(
        x.message
            .contains("Introduced through: my-app@1.0.0 > @babel/core@7.9.0 > lodash@4.17.15")
    );
    assert!(x.message.ends_with("Fixed in: 4.17.16"));
    assert!(x.fingerprint.is_empty());
    assert_eq!(x.input, 0);
}

#[test]
fn one_finding_per_dependency_path() {
    let a = vuln();
    let mut b = vuln();
    b["from"] = json!(["my-app@1.0.0", "express@4.0.0", "lodash@4.17.15"]);
    let mut c = vuln();
    // The same path with other intermediate versions is the same finding.
    c["from"] = json!(["my-app@1.0.1", "@babel/core@7.10.0", "lodash@4.17.15"]);
    let f = ok(project(json!([a, b, c])));
    assert_eq!(f.len(), 3);
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn all_projects_array_and_pointers() {
    let mut other = project(json!([vuln(), vuln()]));
    other["displayTargetFile"] = json!("sub/pom.xml");
    other["packageManager"] = json!("maven");
    other["vulnerabilities"][0]["packageName"] = json!("org.apache.santuario:xmlsec");
    other["vulnerabilities"][0]["packageManager"] = json!("maven");
    let doc = json!([project(json!([])), other]);
    let f = ok(doc);
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(pointers, ["/1/vulnerabilities/0", "/1/vulnerabilities/1"]);
    assert_eq!(f[0].locations[1].path, "sub/pom.xml");
    assert_eq!(
        f[0].component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:maven/org.apache.santuario/xmlsec@4.17.15")
    );
}

#[test]
fn container_results_and_applications() {
    let os = json!({
        "id": "SNYK-DEBIAN11-GCC10-5901313", "title": "CVE-2023-4039",
        "severity": "low", "packageName": "gcc-10", "name": "gcc-10/libgcc-s1",
        "version": "10.2.1-6", "language": "linux", "packageManager": "debian:11",
        "from": ["docker-image|acme/web@latest", "gcc-10/libgcc-s1@10.2.1-6"],
        "identifiers": {"CVE": ["CVE-2023-4039"], "CWE": []}
    });
    let doc = json!({
        "vulnerabilities": [os],
        "packageManager": "deb",
        "projectName": "docker-image|acme/web",
        "docker": {"baseImage": "debian:11"},
        "applications": [
            {"vulnerabilities": [vuln()], "targetFile": "/app/package.json", "packageManager": "npm"},
            {"vulnerabilities": [], "targetFile": "/srv/requirements.txt"}
        ]
    });
    let f = ok(doc);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].kind, FindingKind::Container);
    assert_eq!(
        f[0].locations[0].path,
        "docker-image|acme/web > gcc-10/libgcc-s1"
    );
    assert_eq!(f[0].locations.len(), 1);
    let c = f[0].component.as_ref().expect("c");
    assert_eq!((c.name.as_str(), c.purl.as_deref()), ("gcc-10", None));
    assert!(f[0].cwes.is_empty());
    assert_eq!(f[1].kind, FindingKind::Sca);
    assert_eq!(f[1].source_pointer, "/applications/0/vulnerabilities/0");
    assert_eq!(f[1].locations[1].path, "/app/package.json");
}

#[test]
fn license_issues() {
    let lic = json!({
        "id": "snyk:lic:npm:some-lib:GPL-3.0", "type": "license", "title": "GPL-3.0 license",
        "severity": "medium", "packageName": "some-lib", "version": "1.0.0",
        "from": ["my-app@1.0.0", "some-lib@1.0.0"], "license": "GPL-3.0"
    });
    let f = ok(project(json!([lic])));
    assert_eq!(f[0].kind, FindingKind::Other);
    assert_eq!(f[0].tags, vec!["license"]);
    assert_eq!(f[0].help_uri, None);
    assert_eq!(f[0].severity, Severity::Medium);
}

#[test]
fn minimal_vulnerability() {
    let f = ok(
        json!({"vulnerabilities": [{"id": "SNYK-X-1", "cvssScore": null, "fixedIn": null, "from": null}]}),
    );
    let x = &f[0];
    assert_eq!(x.title, "unknown: SNYK-X-1");
    assert_eq!(x.severity, Severity::Medium);
    assert_eq!(x.tool_severity, None);
    assert!(x.locations.is_empty());
    let c = x.component.as_ref().expect("c");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref(), c.purl.as_deref()),
        ("unknown", None, None)
    );
    let f = ok(json!({"vulnerabilities": [{"id": "  "}]}));
    assert_eq!(f[0].rule_id, "unknown");
}

#[test]
fn severity_table() {
    use cordon_sdk::SeveritySource::{Default, Tool};
    assert_maps(
        severity,
        &[
            (Some("critical"), (Severity::Critical, Tool)),
            (Some("High"), (Severity::High, Tool)),
            (Some("medium"), (Severity::Medium, Tool)),
            (Some("low"), (Severity::Low, Tool)),
            (Some("info"), (Severity::Info, Tool)),
            (Some("bogus"), (Severity::Medium, Default)),
            (None, (Severity::Medium, Default)),
        ],
    );
    // severityWithCritical wins over severity.
    let mut v = vuln();
    v["severity"] = json!("high");
    v["severityWithCritical"] = json!("critical");
    assert_eq!(ok(project(json!([v])))[0].severity, Severity::Critical);
}

#[test]
fn dependency_path_drops_versions() {
    let from: Vec<String> = ["@scope/app@1.0.0", "plain", "@lone", "a@b@1.0", "x@"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        dependency_path(&from),
        "@scope/app > plain > @lone > a@b > x"
    );
    assert_eq!(dependency_path(&[]), "");
}

#[test]
fn bom_and_every_prefix() {
    assert_bom_and_every_prefix(parse, &project(json!([vuln()])).to_string(), 1);
}

#[test]
fn long_strings_are_capped() {
    let long = "x".repeat(5000);
    let mut v = vuln();
    v["id"] = json!(long.clone());
    v["packageName"] = json!(long.clone());
    v["title"] = json!(long.clone());
    v["version"] = json!(long.clone());
    let f = ok(project(json!([v])));
    assert!(f[0].rule_id.len() <= 1024);
    assert!(f[0].title.len() <= 4096);
    let c = f[0].component.as_ref().expect("c");
    assert!(c.name.len() <= 1024 && c.version.as_deref().unwrap_or("").len() <= 1024);
}
