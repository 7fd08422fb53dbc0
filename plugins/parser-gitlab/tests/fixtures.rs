//! Every fixture of `tests/fixtures/gitlab/` (repository root, see its
//! README): the exact number of findings, which is the length of the
//! report's `vulnerabilities` array read here with serde_json; the number
//! left after `normalizer_default::normalize`; and a few exact field values
//! per sample. The truncated sample is malformed input.

use cordon_sdk::{Finding, FindingKind, Severity, SeveritySource, StageError};
use corpus_support::fixtures::fixture;
use parser_gitlab::parse;
use serde_json::Value;

/// (file, findings, after dedup).
const COUNTS: &[(&str, usize, usize)] = &[
    ("semgrep-sast.json", 74, 74),
    ("semgrep-sast-clean.json", 0, 0),
    ("semgrep-secrets.json", 5, 5),
    ("checkov-sast.json", 44, 44),
    ("checkov-sast-clean.json", 0, 0),
    ("cordon-sast.json", 6, 5),
    ("cordon-dependency-scanning.json", 5, 5),
    ("cordon-secret-detection.json", 4, 4),
    (
        "defectdojo-gl-dependency-scanning-report-many-vuln_v14.json",
        6,
        6,
    ),
    (
        "defectdojo-gitlab_secret_detection_report_3_vuln_v15.json",
        3,
        3,
    ),
    (
        "defectdojo-gl-container-scanning-report-5-vuln_v15.json",
        5,
        5,
    ),
    ("defectdojo-gl-sast-report-1-vuln_v14.json", 1, 1),
];

fn findings(name: &str) -> Vec<Finding> {
    parse(&fixture("gitlab", name)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn counts() {
    for &(name, raw, dedup) in COUNTS {
        let bytes = fixture("gitlab", name);
        let doc: Value = serde_json::from_slice(&bytes).expect("JSON");
        let listed = doc["vulnerabilities"].as_array().map(Vec::len);
        assert_eq!(listed, Some(raw), "{name}: vulnerabilities[]");
        let f = findings(name);
        assert_eq!(f.len(), raw, "{name}");
        for (i, x) in f.iter().enumerate() {
            assert_eq!(x.source_pointer, format!("/vulnerabilities/{i}"), "{name}");
        }
        assert_eq!(normalizer_default::normalize(f).len(), dedup, "{name}");
    }
}

#[test]
fn every_fixture_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/gitlab");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && n != "truncated.json")
        .collect();
    names.sort();
    let mut listed: Vec<String> = COUNTS.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed);
}

#[test]
fn truncated_is_malformed() {
    match parse(&fixture("gitlab", "truncated.json")) {
        Err(StageError::MalformedInput(m)) => {
            assert!(m.message.contains("ends too early"), "{}", m.message);
            assert_eq!((m.position.line, m.position.column), (Some(1), Some(20000)));
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}

#[test]
fn semgrep() {
    let f = findings("semgrep-sast.json");
    let x = &f[0];
    assert_eq!(
        (
            x.tool.as_str(),
            x.tool_version.as_deref(),
            x.rule_id.as_str()
        ),
        ("semgrep", Some("1.187.0"), "cordon-rules.python-weak-hash")
    );
    assert_eq!(x.title, "Weak hash function (MD5 or SHA-1).");
    assert_eq!(
        (x.severity, x.tool_severity.as_deref(), x.kind),
        (Severity::Medium, Some("Medium"), FindingKind::Sast)
    );
    assert_eq!(
        x.locations[0].path,
        "dockerized_labs/broken_auth_lab/app.py"
    );
    assert_eq!(x.locations[0].start_line, Some(86));
    assert_eq!(x.help_uri, None);
    assert_eq!(x.tags, ["gitlab-report:sast"]);
    let per_rule = |r: &str| f.iter().filter(|x| x.rule_id.ends_with(r)).count();
    assert_eq!(per_rule(".django-request-param"), 34);
    assert_eq!(per_rule(".django-csrf-exempt"), 25);
    let s = findings("semgrep-secrets.json");
    assert!(
        s.iter()
            .all(|x| x.kind == FindingKind::Secret && x.tool == "semgrep")
    );
    assert_eq!(s[0].rule_id, "cordon-rules.github-token");
    assert_eq!(s[0].locations[0].path, "config/deploy.env");
}

#[test]
fn checkov() {
    let f = findings("checkov-sast.json");
    assert!(f.iter().all(|x| x.kind == FindingKind::Iac
        && x.tool == "checkov"
        && x.severity == Severity::Medium
        && x.severity_source == SeveritySource::Default
        && x.tool_severity.as_deref() == Some("Unknown")));
    let x = &f[0];
    assert_eq!(x.rule_id, "CKV_AWS_92");
    assert_eq!(x.title, "Ensure the ELB has access logging enabled");
    assert_eq!(x.message, "Further info can be found None");
    assert_eq!(
        (x.locations[0].start_line, x.locations[0].end_line),
        (Some(287), Some(309))
    );
}

#[test]
fn cordon_reports() {
    let f = findings("cordon-sast.json");
    let tools: Vec<&str> = f.iter().map(|x| x.tool.as_str()).collect();
    assert_eq!(
        tools,
        [
            "semgrep", "checkov", "checkov", "semgrep", "semgrep", "checkov"
        ]
    );
    assert_eq!(f[0].tool_version.as_deref(), Some("1.101.0"));
    assert_eq!(f[0].cwes, [89]);
    assert_eq!(
        f[0].message,
        "Data from the request flows into a raw SQL query. Use the ORM or bind parameters instead."
    );
    assert_eq!(f[1].kind, FindingKind::Iac);
    let d = findings("cordon-dependency-scanning.json");
    assert_eq!(
        (d[0].tool.as_str(), d[0].kind),
        ("npm-audit", FindingKind::Sca)
    );
    assert_eq!(d[0].vulnerability_ids, ["GHSA-76p3-8jx3-jpfq"]);
    let c = d[0].component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("loader-utils", None)
    );
    let s = findings("cordon-secret-detection.json");
    assert_eq!(
        (s[0].tool.as_str(), s[0].rule_id.as_str(), s[0].kind),
        ("gitleaks", "aws-access-token", FindingKind::Secret)
    );
}

#[test]
fn defectdojo_samples() {
    let d = findings("defectdojo-gl-dependency-scanning-report-many-vuln_v14.json");
    let x = &d[0];
    assert_eq!(
        (
            x.tool.as_str(),
            x.tool_version.as_deref(),
            x.rule_id.as_str()
        ),
        (
            "gemnasium",
            Some("2.24.1"),
            "ffb814a0-404c-11eb-b378-0242ac130002"
        )
    );
    assert_eq!(x.title, "Nil Pointer Dereference in golang.org/x/crypto");
    assert_eq!(x.vulnerability_ids, ["CVE-2020-29652"]);
    assert_eq!(
        x.component.as_ref().map(|c| c.name.as_str()),
        Some("golang.org/x/crypto")
    );
    assert!(d[5].vulnerability_ids.is_empty());

    let c = findings("defectdojo-gl-container-scanning-report-5-vuln_v15.json");
    let x = &c[0];
    assert_eq!(
        (x.tool.as_str(), x.rule_id.as_str(), x.kind),
        ("trivy", "CVE-2020-1751", FindingKind::Container)
    );
    assert_eq!(x.title, "CVE-2020-1751 in libc6 2.28-10");
    assert_eq!(x.locations[0].path, "registry/vulnerable-project:latest");
    let high = c.iter().filter(|x| x.severity == Severity::High).count();
    assert_eq!(high, 4);

    let s = findings("defectdojo-gitlab_secret_detection_report_3_vuln_v15.json");
    assert!(
        s.iter()
            .all(|x| x.severity == Severity::Critical && x.kind == FindingKind::Secret)
    );
    assert_eq!(
        (
            s[1].tool.as_str(),
            s[1].tool_version.as_deref(),
            s[1].rule_id.as_str()
        ),
        ("gitleaks", Some("v7.5.0"), "AWS")
    );
    assert_eq!(s[1].locations[0].start_line, Some(7));

    let old = findings("defectdojo-gl-sast-report-1-vuln_v14.json");
    assert_eq!(
        (old[0].tool.as_str(), old[0].rule_id.as_str(), old[0].kind),
        ("trufflehog", "Password in URL", FindingKind::Sast)
    );
    assert_eq!(old[0].severity, Severity::Critical);
}
