//! The repository's own Grype fixtures (`tests/fixtures/grype/` at the
//! repository root), hand-written for cordon: a current image report and a
//! grype 0.7-era report.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/grype")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn image_report() {
    let f = parser_grype::parse(&fixture("image.json")).expect("parses");
    assert_eq!(f.len(), 4);
    assert!(
        f.iter()
            .all(|x| x.tool == "grype" && x.tool_version.as_deref() == Some("0.87.0"))
    );

    let glibc = &f[0];
    assert_eq!(glibc.rule_id, "CVE-2023-4911");
    assert_eq!(glibc.title, "CVE-2023-4911 in libc6 2.36-9+deb12u1");
    assert_eq!(
        (glibc.severity, glibc.kind),
        (Severity::High, FindingKind::Container)
    );
    assert_eq!(glibc.vulnerability_ids, vec!["CVE-2023-4911"]);
    assert_eq!(glibc.locations[0].path, "/var/lib/dpkg/status");
    let c = glibc.component.as_ref().expect("component");
    assert_eq!(c.fixed_versions, vec!["2.36-9+deb12u3"]);
    assert_eq!(glibc.tags, vec!["dpkg", "fix-state:fixed"]);

    let log4j = &f[1];
    assert_eq!(
        (log4j.severity, log4j.kind),
        (Severity::Critical, FindingKind::Sca)
    );
    assert_eq!(
        log4j.vulnerability_ids,
        vec!["GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"]
    );
    assert_eq!(
        log4j.locations[0].path,
        "/opt/app/lib/log4j-core-2.14.1.jar"
    );
    assert_eq!(
        log4j.component.as_ref().and_then(|c| c.purl.as_deref()),
        Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    );

    assert_eq!(f[3].severity, Severity::Info);
    assert_eq!(f[3].tool_severity.as_deref(), Some("Negligible"));
    assert!(
        f[3].component
            .as_ref()
            .is_some_and(|c| c.fixed_versions.is_empty())
    );

    // The log4j match is listed twice (two match types): one finding.
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 3);
    assert_eq!(n[1].source_pointer, "/matches/1");
}

#[test]
fn old_schema_report() {
    let f = parser_grype::parse(&fixture("old-schema.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].tool_version.as_deref(), Some("0.7.0"));
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].tags, vec!["dpkg"]);
    assert_eq!(f[0].kind, FindingKind::Container);
    // `Unknown`: the related vulnerability's severity is used.
    assert_eq!(
        (f[1].severity, f[1].tool_severity.as_deref()),
        (Severity::Medium, Some("Medium"))
    );
    assert_eq!(f[1].kind, FindingKind::Sca);
    assert_eq!(
        f[1].component.as_ref().map(|c| c.name.as_str()),
        Some("Jinja2")
    );
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("old-schema.json");
    let last_brace = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last_brace {
        let prefix = bytes.get(..n).expect("in range");
        match parser_grype::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
