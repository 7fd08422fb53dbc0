//! The repository's own Dependency-Check fixtures
//! (`tests/fixtures/dependency-check/` at the repository root), hand-written
//! for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use parser_dependency_check::parse;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/dependency-check")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn xml_report() {
    let f = parse(&fixture("report.xml")).expect("parses");
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|x| x.tool == "dependency-check"
        && x.tool_version.as_deref() == Some("9.0.9")
        && x.kind == FindingKind::Sca));
    let got: Vec<(&str, Severity, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.severity, x.locations[0].path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("CVE-2022-1471", Severity::High, "snakeyaml-1.33.jar"),
            ("CVE-2022-38752", Severity::Medium, "snakeyaml-1.33.jar"),
            (
                "GHSA-xvch-5gv4-984h",
                Severity::Critical,
                "package-lock.json?minimist"
            ),
        ]
    );
    let y = &f[0];
    assert_eq!(y.title, "org.yaml:snakeyaml:1.33 | CVE-2022-1471");
    assert_eq!(y.cwes, vec![502, 20]);
    assert_eq!(y.vulnerability_ids, vec!["CVE-2022-1471"]);
    assert_eq!(
        y.locations[1].path,
        "/builds/billing/target/lib/snakeyaml-1.33.jar"
    );
    let c = y.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("org.yaml:snakeyaml", Some("1.33"))
    );
    assert_eq!(c.purl.as_deref(), Some("pkg:maven/org.yaml/snakeyaml@1.33"));
    assert!(
        y.message
            .contains("billing-service.war: snakeyaml-1.33.jar")
    );
    assert_eq!(
        y.source_pointer,
        "/analysis/dependencies/dependency[2]/vulnerabilities/vulnerability[1]"
    );

    let s = &f[1];
    assert_eq!(s.tags, vec!["suppressed", "source:NVD"]);
    assert!(
        s.message
            .contains("Suppressed: Only trusted configuration files")
    );

    let m = &f[2];
    assert_eq!(m.vulnerability_ids, vec!["GHSA-xvch-5gv4-984h"]);
    assert_eq!(m.tags, vec!["source:NPM"]);
    assert_eq!(
        m.component
            .as_ref()
            .map(|c| (c.name.as_str(), c.version.as_deref())),
        Some(("minimist", Some("1.2.5")))
    );
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn json_report() {
    let f = parse(&fixture("report.json")).expect("parses");
    assert_eq!(f.len(), 3);
    let got: Vec<(&str, Severity, &str)> = f
        .iter()
        .map(|x| (x.rule_id.as_str(), x.severity, x.source_pointer.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "CVE-2024-25710",
                Severity::High,
                "/dependencies/0/vulnerabilities/0"
            ),
            (
                "CVE-2024-26308",
                Severity::Medium,
                "/dependencies/0/vulnerabilities/1"
            ),
            (
                "CVE-2021-36090",
                Severity::High,
                "/dependencies/0/suppressedVulnerabilities/0"
            ),
        ]
    );
    assert!(
        f.iter()
            .all(|x| x.tool_version.as_deref() == Some("10.0.4"))
    );
    assert_eq!(
        f[0].title,
        "org.apache.commons:commons-compress:1.21 | CVE-2024-25710"
    );
    assert_eq!(f[0].cwes, vec![835]);
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2024-25710")
    );
    assert_eq!(f[2].tags, vec!["suppressed", "source:NVD"]);
    assert_eq!(f[2].tool_severity.as_deref(), Some("HIGH"));
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn other_xml_is_unsupported() {
    match parse(&fixture("not-dependency-check.xml")) {
        Err(StageError::UnsupportedFormat(m)) => assert!(m.contains("<project>"), "{m}"),
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn truncated_reports_are_malformed() {
    for name in ["report.xml", "report.json"] {
        let bytes = fixture(name);
        match parse(&bytes[..bytes.len() / 2]) {
            Err(StageError::MalformedInput(m)) => {
                assert!(m.position.line.is_some(), "{name}: {m:?}")
            }
            other => panic!("{name}: expected malformed-input, got {other:?}"),
        }
    }
}
