//! Unit tests with small inline Trivy documents.

use super::*;
use corpus_support::kit::{
    DEEP, EMPTY_INPUTS, assert_each_malformed, assert_each_unsupported,
    assert_empty_input_malformed, assert_invalid_json_at, assert_unsupported_saying, malformed,
    nested_arrays, nested_objects, parses, severities,
};
use serde_json::{Value, json};

fn ok(v: Value) -> Vec<Finding> {
    parses(parse, v)
}

/// A schema 2 report with the given results.
fn schema2(results: Value) -> Value {
    json!({"SchemaVersion": 2, "ArtifactName": "app:1", "ArtifactType": "container_image", "Results": results})
}

// ---- input errors -------------------------------------------------------------

#[test]
fn empty_input_is_malformed() {
    assert_empty_input_malformed(parse, &EMPTY_INPUTS);
}

#[test]
fn syntax_error_has_line_and_column() {
    let input = b"{\n  \"SchemaVersion\": 2,\n  \"Results\": [,]\n}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_invalid_json_at(&m, 3);
    assert!(!m.message.contains(" at line "), "{}", m.message);
    let m = malformed(parse(b"nonsense").expect_err("rejected"));
    assert!(m.message.starts_with("invalid JSON"), "{}", m.message);
}

#[test]
fn truncated_input_is_malformed() {
    for input in [
        &b"{\"SchemaVersion\": 2, \"Results\": [{"[..],
        b"[{\"Target\": \"x\"",
        b"nul",
    ] {
        let m = malformed(parse(input).expect_err("rejected"));
        assert!(m.message.contains("invalid JSON"), "{}", m.message);
        assert_eq!(m.position.line, Some(1));
    }
}

#[test]
fn wrong_types_are_malformed_with_position() {
    let input = b"{\"SchemaVersion\": 2,\n\"Results\": \"none\"}";
    let m = malformed(parse(input).expect_err("rejected"));
    assert_eq!(m.position.line, Some(2));
    assert!(
        m.message.contains("not a valid Trivy JSON report"),
        "{}",
        m.message
    );
    let bad = [
        json!({"SchemaVersion": "2", "Results": []}),
        schema2(json!([{"Target": "t", "Vulnerabilities": [["CVE-1"]]}])),
        schema2(json!([{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": 7}]}])),
        schema2(json!([{"Target": "t", "Secrets": [{"StartLine": "3"}]}])),
        schema2(json!([{"Target": "t", "Vulnerabilities": [{"CweIDs": "CWE-79"}]}])),
        schema2(
            json!([{"Target": "t", "Vulnerabilities": [{"CVSS": {"nvd": {"V3Score": "high"}}}]}]),
        ),
        schema2(json!([[]])),
        json!([1, 2]),
        json!({"ClusterName": "c", "Resources": {"Results": []}}),
    ];
    assert_each_malformed(parse, bad);
}

#[test]
fn other_documents_are_unsupported() {
    assert_unsupported_saying(
        parse,
        json!({"runs": [], "version": "2.1.0"}),
        "no 'SchemaVersion'",
    );
    assert_unsupported_saying(
        parse,
        json!({"SchemaVersion": 3, "Results": []}),
        "SchemaVersion 3",
    );
    assert_each_unsupported(parse, [json!("trivy"), json!(42), json!(true)]);
}

#[test]
fn legacy_null_and_empty_reports_have_no_findings() {
    assert!(parse(b"null").expect("parses").is_empty());
    assert!(parse(b"\xEF\xBB\xBF null\n").expect("parses").is_empty());
    assert!(ok(json!([])).is_empty());
    assert!(ok(schema2(Value::Null)).is_empty());
    assert!(ok(schema2(json!([]))).is_empty());
    assert!(
        ok(schema2(
            json!([{"Target": "alpine", "Class": "os-pkgs", "Vulnerabilities": null}])
        ))
        .is_empty()
    );
    assert!(ok(json!({"ClusterName": "", "Resources": null})).is_empty());
}

#[test]
fn deep_nesting_is_an_error_or_skipped_never_a_panic() {
    // At the top level and in a property that is read: an error.
    let m = malformed(parse(nested_arrays(DEEP).as_bytes()).expect_err("rejected"));
    assert!(
        m.message.contains("expected a JSON object"),
        "{}",
        m.message
    );
    let read = format!(
        r#"{{"SchemaVersion": 2, "Results": [{{"Target": "t", "Vulnerabilities": [{{"CweIDs": {}}}]}}]}}"#,
        nested_arrays(DEEP)
    );
    malformed(parse(read.as_bytes()).expect_err("rejected"));
    let objects = nested_objects("a", DEEP, "");
    malformed(parse(objects.as_bytes()).expect_err("rejected"));
    // In a property that is ignored: skipped.
    let ignored = format!(
        r#"{{"SchemaVersion": 2, "Metadata": {}, "Results": []}}"#,
        nested_arrays(DEEP)
    );
    assert_eq!(parse(ignored.as_bytes()).map(|f| f.len()).ok(), Some(0));
}

// ---- vulnerabilities ------------------------------------------------------------

#[test]
fn vulnerability_maps_every_field() {
    let doc = json!({
        "SchemaVersion": 2,
        "Trivy": {"Version": "0.58.1"},
        "ArtifactName": "app:1",
        "Results": [{
            "Target": "app:1 (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
            "Vulnerabilities": [{
                "VulnerabilityID": "CVE-2024-0001",
                "PkgName": "openssl",
                "PkgIdentifier": {"PURL": "pkg:deb/debian/openssl@3.0.11-1", "UID": "x"},
                "InstalledVersion": "3.0.11-1",
                "FixedVersion": "3.0.13-1, 3.1.5-1",
                "Status": "fixed",
                "SeveritySource": "debian",
                "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2024-0001",
                "Title": "openssl: a flaw\nsecond line",
                "Description": "Long description.",
                "Severity": "HIGH",
                "CweIDs": ["CWE-787", "NVD-CWE-Other", "cwe-20", "CWE-787"],
                "VendorIDs": ["DSA-1"],
                "Layer": {"DiffID": "sha256:1"}
            }]
        }]
    });
    let f = ok(doc);
    assert_eq!(f.len(), 1);
    let x = &f[0];
    assert_eq!(x.tool, "trivy");
    assert_eq!(x.tool_version.as_deref(), Some("0.58.1"));
    assert_eq!(x.rule_id, "CVE-2024-0001");
    assert_eq!(x.title, "CVE-2024-0001 in openssl 3.0.11-1");
    assert_eq!(
        x.message,
        "openssl: a flaw\nsecond line\n\nLong description."
    );
    assert_eq!(x.severity, Severity::High);
    assert_eq!(x.tool_severity.as_deref(), Some("HIGH"));
    assert_eq!(x.kind, FindingKind::Container);
    assert_eq!(x.locations.len(), 1);
    assert_eq!(x.locations[0].path, "app:1 (debian 12.5)");
    assert_eq!(x.locations[0].start_line, None);
    let c = x.component.as_ref().expect("component");
    assert_eq!(c.name, "openssl");
    assert_eq!(c.version.as_deref(), Some("3.0.11-1"));
    assert_eq!(c.purl.as_deref(), Some("pkg:deb/debian/openssl@3.0.11-1"));
    assert_eq!(c.fixed_versions, vec!["3.0.13-1", "3.1.5-1"]);
    assert_eq!(x.vulnerability_ids, vec!["CVE-2024-0001"]);
    assert_eq!(x.cwes, vec![787, 20]);
    assert_eq!(x.tags, vec!["debian", "os-pkgs", "trivy-status:fixed"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://avd.aquasec.com/nvd/cve-2024-0001")
    );
    assert_eq!(x.source_pointer, "/Results/0/Vulnerabilities/0");
    assert!(x.fingerprint.is_empty());
    assert_eq!(x.input, 0);
}

#[test]
fn pkg_path_is_the_location_of_language_packages() {
    let f = ok(schema2(json!([{
        "Target": "Java", "Class": "lang-pkgs", "Type": "jar",
        "Vulnerabilities": [
            {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "PkgPath": "app/lib/a.jar", "Severity": "LOW"},
            {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "PkgPath": "", "Severity": "LOW"}
        ]
    }])));
    assert_eq!(f[0].locations[0].path, "app/lib/a.jar");
    assert_eq!(f[1].locations[0].path, "Java");
    assert!(f.iter().all(|x| x.kind == FindingKind::Sca));
    assert!(
        f[0].component
            .as_ref()
            .is_some_and(|c| c.fixed_versions.is_empty())
    );
}

#[test]
fn severity_table_and_cvss_fallback() {
    let v = |extra: Value| {
        let mut base = json!({"VulnerabilityID": "CVE-1", "PkgName": "p"});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    };
    let f = ok(schema2(json!([{"Target": "t", "Vulnerabilities": [
        v(json!({"Severity": "CRITICAL"})),
        v(json!({"Severity": "high"})),
        v(json!({"Severity": "MEDIUM"})),
        v(json!({"Severity": "LOW"})),
        v(json!({"Severity": "UNKNOWN"})),
        v(json!({})),
        // CVSS of the SeveritySource first, V40 before V3 before V2.
        v(json!({"SeveritySource": "ghsa", "CVSS": {"nvd": {"V3Score": 9.8}, "ghsa": {"V40Score": 2.3, "V3Score": 7.5}}})),
        // No SeveritySource: nvd, then ghsa, redhat, bitnami.
        v(json!({"CVSS": {"redhat": {"V3Score": 5.3}, "ghsa": {"V2Score": 7.2}}})),
        // The first source found decides, even without a score.
        v(json!({"CVSS": {"nvd": {}, "ghsa": {"V3Score": 9.0}}})),
        // An unknown Severity string falls back to CVSS and is kept.
        v(json!({"Severity": "NEGLIGIBLE", "CVSS": {"nvd": {"V3Score": 0.0}}})),
        v(json!({"Severity": "", "CVSS": {"other": {"V3Score": 9.9}}}))
    ]}])));
    assert_eq!(
        severities(&f),
        vec![
            (Severity::Critical, Some("CRITICAL")),
            (Severity::High, Some("high")),
            (Severity::Medium, Some("MEDIUM")),
            (Severity::Low, Some("LOW")),
            (Severity::Info, Some("UNKNOWN")),
            (Severity::Info, None),
            (Severity::Low, Some("ghsa:2.3")),
            (Severity::High, Some("ghsa:7.2")),
            (Severity::Info, None),
            (Severity::Info, Some("NEGLIGIBLE")),
            (Severity::Info, None),
        ]
    );
    use cordon_sdk::SeveritySource::{Cvss, Default, Tool};
    let sources: Vec<_> = f.iter().map(|x| x.severity_source).collect();
    assert_eq!(
        sources,
        [
            Tool, Tool, Tool, Tool, Tool, Default, Cvss, Cvss, Default, Cvss, Default
        ]
    );
    assert_eq!(cvss_severity(9.0), Severity::Critical);
    assert_eq!(cvss_severity(8.9), Severity::High);
    assert_eq!(cvss_severity(4.0), Severity::Medium);
    assert_eq!(cvss_severity(0.1), Severity::Low);
    assert_eq!(cvss_severity(0.0), Severity::Info);
}

#[test]
fn vulnerability_without_id_or_package() {
    let f = ok(json!([{
        "Target": "php-app/composer.lock", "Type": "composer",
        "Vulnerabilities": [{"PkgName": "vendor/pkg"}, {"VulnerabilityID": "CVE-2", "Severity": "LOW"}]
    }]));
    assert_eq!(f[0].rule_id, "unknown");
    assert_eq!(f[0].title, "Vulnerability in vendor/pkg");
    assert!(f[0].vulnerability_ids.is_empty());
    assert_eq!(f[0].severity, Severity::Info);
    assert_eq!(f[1].title, "CVE-2");
    assert!(f[1].component.is_none());
    // Legacy: no Class; the Type tells OS packages from language packages.
    assert!(f.iter().all(|x| x.kind == FindingKind::Sca));
    assert_eq!(f[0].source_pointer, "/0/Vulnerabilities/0");
    assert_eq!(f[1].tags, vec!["composer"]);
    let f = ok(json!([{"Target": "x (alpine 3.19)", "Type": "alpine",
        "Vulnerabilities": [{"VulnerabilityID": "CVE-3", "PkgName": "musl"}]}]));
    assert_eq!(f[0].kind, FindingKind::Container);
}

// ---- misconfigurations, secrets, licenses --------------------------------------

#[test]
fn misconfiguration_maps_every_field() {
    let f = ok(schema2(json!([{
        "Target": "deploy/main.tf", "Class": "config", "Type": "terraform",
        "Misconfigurations": [
            {"Type": "Terraform Security Check", "ID": "AVD-AWS-0086", "AVDID": "AVD-AWS-0086",
             "Title": "S3 Access block should block public ACL", "Description": "Why.",
             "Message": "No public access block so not blocking public acls", "Resolution": "Enable blocking",
             "Severity": "HIGH", "PrimaryURL": "https://avd.aquasec.com/misconfig/avd-aws-0086",
             "Status": "FAIL", "CauseMetadata": {"Resource": "aws_s3_bucket.logs", "StartLine": 12, "EndLine": 0}},
            {"ID": "AVD-AWS-0087", "Severity": "LOW", "Status": "PASS"},
            {"AVDID": "AVD-AWS-0088", "Severity": "MEDIUM", "Status": "EXCEPTION"},
            {"Title": "no id"}
        ]
    }])));
    assert_eq!(f.len(), 3, "PASS is not a finding");
    let x = &f[0];
    assert_eq!(x.rule_id, "AVD-AWS-0086");
    assert_eq!(x.title, "S3 Access block should block public ACL");
    assert_eq!(
        x.message,
        "No public access block so not blocking public acls\n\nWhy.\n\nResource: aws_s3_bucket.logs\n\nResolution: Enable blocking"
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::High, Some("HIGH"))
    );
    assert_eq!(x.kind, FindingKind::Iac);
    assert_eq!(x.locations[0].path, "deploy/main.tf");
    assert_eq!(x.locations[0].start_line, Some(12));
    assert_eq!(x.locations[0].end_line, None);
    assert_eq!(x.tags, vec!["terraform", "config"]);
    assert!(x.component.is_none() && x.vulnerability_ids.is_empty());
    assert_eq!(x.source_pointer, "/Results/0/Misconfigurations/0");
    assert_eq!(f[1].rule_id, "AVD-AWS-0088");
    assert_eq!(f[1].title, "AVD-AWS-0088");
    assert!(f[1].tags.contains(&"trivy-status:EXCEPTION".to_string()));
    assert_eq!(f[1].source_pointer, "/Results/0/Misconfigurations/2");
    assert_eq!(
        (f[2].rule_id.as_str(), f[2].severity),
        ("unknown", Severity::Info)
    );
}

#[test]
fn secret_maps_every_field() {
    let f = ok(schema2(json!([{
        "Target": ".env", "Class": "secret",
        "Secrets": [{"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL",
                     "Title": "AWS Access Key ID", "StartLine": 3, "EndLine": 3,
                     "Match": "AWS_ACCESS_KEY_ID=********************"}]
    }])));
    let x = &f[0];
    assert_eq!(x.rule_id, "aws-access-key-id");
    assert_eq!(x.title, "AWS Access Key ID");
    assert_eq!(
        x.message,
        "Category: AWS\n\nMatch: AWS_ACCESS_KEY_ID=********************"
    );
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!(x.kind, FindingKind::Secret);
    assert_eq!(x.locations[0].path, ".env");
    assert_eq!(
        (x.locations[0].start_line, x.locations[0].end_line),
        (Some(3), Some(3))
    );
    assert_eq!(x.tags, vec!["secret"]);
    assert_eq!(x.source_pointer, "/Results/0/Secrets/0");
}

#[test]
fn license_maps_every_field() {
    let f = ok(schema2(json!([
        {"Target": "OS Packages", "Class": "license",
         "Licenses": [{"Severity": "HIGH", "Category": "restricted", "PkgName": "bash", "FilePath": "",
                       "Name": "GPL-3.0", "Confidence": 1, "Link": ""}]},
        {"Target": "Loose File License(s)", "Class": "license-file",
         "Licenses": [{"Severity": "LOW", "Category": "notice", "PkgName": "", "FilePath": "/etc/x.pl",
                       "Name": "MIT", "Confidence": 0.9, "Link": "https://spdx.org/licenses/MIT.html"}]}
    ])));
    let (a, b) = (&f[0], &f[1]);
    assert_eq!(a.rule_id, "GPL-3.0");
    assert_eq!(a.title, "License GPL-3.0 (restricted)");
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.kind, FindingKind::Other);
    assert!(a.locations.is_empty(), "Target 'OS Packages' is not a path");
    assert_eq!(a.component.as_ref().map(|c| c.name.as_str()), Some("bash"));
    assert_eq!(a.tags, vec!["license", "license-category:restricted"]);
    assert!(a.help_uri.is_none());
    assert_eq!(b.locations[0].path, "/etc/x.pl");
    assert!(b.component.is_none());
    assert_eq!(
        b.help_uri.as_deref(),
        Some("https://spdx.org/licenses/MIT.html")
    );
    assert_eq!(b.source_pointer, "/Results/1/Licenses/0");
}

// ---- Kubernetes ------------------------------------------------------------------

#[test]
fn kubernetes_resources_come_first() {
    let results = json!([
        {"Target": "Deployment/web", "Class": "config", "Type": "kubernetes",
         "Misconfigurations": [{"ID": "KSV001", "Severity": "MEDIUM", "Status": "FAIL",
                                "CauseMetadata": {"StartLine": 20, "EndLine": 30}}]},
        {"Target": "nginx:1.25 (debian 12.2)", "Class": "os-pkgs", "Type": "debian",
         "Vulnerabilities": [{"VulnerabilityID": "CVE-9", "PkgName": "zlib1g", "InstalledVersion": "1", "Severity": "LOW"}]}
    ]);
    let current = json!({"ClusterName": "prod", "Resources": [
        {"Namespace": "shop", "Kind": "Deployment", "Name": "web", "Results": results},
        {"Namespace": "", "Kind": "ClusterRole", "Name": "admin", "Results": null}
    ]});
    let f = ok(current);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].locations.len(), 2);
    assert_eq!(f[0].locations[0].path, "shop/Deployment/web");
    assert_eq!(f[0].locations[0].start_line, Some(20));
    assert_eq!(f[0].locations[1].path, "Deployment/web");
    assert_eq!(f[0].locations[1].start_line, Some(20));
    assert_eq!(
        f[0].source_pointer,
        "/Resources/0/Results/0/Misconfigurations/0"
    );
    assert_eq!(f[1].locations[1].path, "nginx:1.25 (debian 12.2)");
    assert_eq!(f[1].kind, FindingKind::Container);

    let legacy = json!({"ClusterName": "prod",
        "Vulnerabilities": [{"Namespace": "shop", "Kind": "Deployment", "Name": "web", "Results": [results[1].clone()]}],
        "Misconfigurations": [{"Kind": "Deployment", "Name": "web", "Results": [results[0].clone()]}]
    });
    let f = ok(legacy);
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0].source_pointer,
        "/Vulnerabilities/0/Results/0/Vulnerabilities/0"
    );
    assert_eq!(
        f[1].source_pointer,
        "/Misconfigurations/0/Results/0/Misconfigurations/0"
    );
    assert_eq!(f[1].locations[0].path, "Deployment/web");
}

#[test]
fn same_vulnerability_in_two_workloads_stays_two() {
    let vuln = json!({"Target": "redis:7 (debian 12)", "Class": "os-pkgs",
        "Vulnerabilities": [{"VulnerabilityID": "CVE-9", "PkgName": "zlib1g", "InstalledVersion": "1", "Severity": "LOW"}]});
    let doc = json!({"ClusterName": "c", "Resources": [
        {"Namespace": "a", "Kind": "Deployment", "Name": "cache", "Results": [vuln.clone()]},
        {"Namespace": "b", "Kind": "Deployment", "Name": "cache", "Results": [vuln.clone()]},
        {"Namespace": "b", "Kind": "Deployment", "Name": "cache", "Results": [vuln]}
    ]});
    let f = normalizer_default::normalize(ok(doc));
    assert_eq!(
        f.len(),
        2,
        "the repeated resource merges, the other namespace does not"
    );
}

#[test]
fn same_check_at_two_places_in_one_workload_stays_two() {
    let check = |line: i64| {
        json!({"ID": "KSV011", "Severity": "LOW", "Status": "FAIL",
        "CauseMetadata": {"StartLine": line, "EndLine": line + 9}})
    };
    let doc = json!({"ClusterName": "c", "Resources": [{"Namespace": "a", "Kind": "Deployment", "Name": "web",
        "Results": [{"Target": "Deployment/web", "Class": "config",
                     "Misconfigurations": [check(120), check(140), check(120)]}]}]});
    let f = normalizer_default::normalize(ok(doc));
    assert_eq!(f.len(), 2);
}

#[test]
fn dedup_follows_package_path() {
    let doc = schema2(
        json!([{"Target": "Java", "Class": "lang-pkgs", "Vulnerabilities": [
            {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "PkgPath": "x/a.jar", "Severity": "LOW"},
            {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "PkgPath": "y/a.jar", "Severity": "LOW"},
            {"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "PkgPath": "x/a.jar", "Severity": "HIGH"}
        ]}]),
    );
    let f = normalizer_default::normalize(ok(doc));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].severity, Severity::High);
}

#[test]
fn never_panics_on_odd_values() {
    let docs = [
        schema2(json!([{}])),
        schema2(
            json!([{"Target": null, "Vulnerabilities": [{}], "Misconfigurations": [{}], "Secrets": [{}], "Licenses": [{}]}]),
        ),
        schema2(
            json!([{"Target": "t", "Secrets": [{"StartLine": -4, "EndLine": 99999999999i64}]}]),
        ),
        schema2(
            json!([{"Target": "t", "Vulnerabilities": [{"CVSS": {"nvd": {"V3Score": -1.0, "V2Score": 1e308}}}]}]),
        ),
        json!({"ClusterName": null, "SchemaVersion": 2}),
        json!({"ClusterName": "x", "Resources": [{}, {"Results": [{}]}]}),
    ];
    for d in docs {
        let f = ok(d);
        assert!(f.iter().all(|x| !x.rule_id.is_empty()));
    }
    let f = ok(schema2(
        json!([{"Target": "t", "Secrets": [{"StartLine": -4, "EndLine": 99999999999i64, "Title": "é".repeat(300)}]}]),
    ));
    assert_eq!(f[0].locations[0].start_line, None);
    assert_eq!(f[0].locations[0].end_line, None);
    assert_eq!(f[0].title.chars().count(), TITLE_MAX_CHARS);
    // Line numbers too large for i64 are a type error, not a panic.
    let big = br#"{"SchemaVersion": 2, "Results": [{"Secrets": [{"StartLine": 123456789012345678901234567890}]}]}"#;
    malformed(parse(big).expect_err("rejected"));
}
