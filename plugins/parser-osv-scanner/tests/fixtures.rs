//! The repository's own OSV-Scanner fixtures (`tests/fixtures/osv-scanner/`
//! at the repository root), hand-written for cordon: current output with
//! alias groups, and older output without them.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/osv-scanner")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn lockfiles_with_groups() {
    let f = parser_osv_scanner::parse(&fixture("lockfiles.json")).expect("parses");
    assert_eq!(f.len(), 4);
    assert!(
        f.iter()
            .all(|x| x.tool == "osv-scanner" && x.kind == FindingKind::Sca)
    );

    let (ghsa, pysec) = (&f[0], &f[1]);
    assert_eq!(ghsa.rule_id, "GHSA-h5c8-rqwp-cp95");
    assert_eq!(pysec.rule_id, "GHSA-h5c8-rqwp-cp95", "same alias group");
    assert_eq!(
        (ghsa.severity, ghsa.tool_severity.as_deref()),
        (Severity::Medium, Some("MODERATE"))
    );
    // No severity of its own: the group's max_severity 5.4.
    assert_eq!(
        (pysec.severity, pysec.tool_severity.as_deref()),
        (Severity::Medium, Some("max_severity:5.4"))
    );
    assert_eq!(ghsa.cwes, vec![79]);
    assert_eq!(ghsa.locations[0].path, "/work/shop/backend/poetry.lock");
    assert_eq!(
        ghsa.component.as_ref().map(|c| (
            c.name.as_str(),
            c.version.as_deref(),
            c.fixed_versions.clone()
        )),
        Some(("jinja2", Some("3.1.2"), vec!["3.1.3".to_string()]))
    );

    assert_eq!(f[2].rule_id, "GHSA-v8gr-m533-ghj9");
    assert_eq!(f[2].severity, Severity::High);

    let mal = &f[3];
    assert_eq!(mal.rule_id, "MAL-2025-0042");
    assert_eq!(
        (mal.severity, mal.tool_severity.as_deref()),
        (Severity::Critical, Some("malicious-package"))
    );
    assert_eq!(mal.cwes, vec![506]);
    assert_eq!(
        mal.locations[0].path,
        "/work/shop/frontend/package-lock.json"
    );
    assert_eq!(
        mal.source_pointer,
        "/results/1/packages/0/vulnerabilities/0"
    );

    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 3);
    assert_eq!(
        n[0].vulnerability_ids,
        vec!["CVE-2024-22195", "GHSA-H5C8-RQWP-CP95", "PYSEC-2024-9"]
    );
}

#[test]
fn older_output_without_groups() {
    let f = parser_osv_scanner::parse(&fixture("no-groups.json")).expect("parses");
    assert_eq!(f.len(), 2);
    // Grouped by their overlapping aliases; the smallest id stands for both.
    assert_eq!(f[0].rule_id, "GHSA-4v7x-pqxf-cx7m");
    assert_eq!(f[1].rule_id, "GHSA-4v7x-pqxf-cx7m");
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[1].severity, Severity::Medium);
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].severity, Severity::Medium);
    assert_eq!(n[0].cwes, vec![400]);
    assert_eq!(n[0].title, "GO-2024-2687 in golang.org/x/net 0.17.0");
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("no-groups.json");
    let last_brace = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last_brace {
        let prefix = bytes.get(..n).expect("in range");
        match parser_osv_scanner::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
