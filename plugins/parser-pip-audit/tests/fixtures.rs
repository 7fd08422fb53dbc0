//! The repository's own pip-audit fixtures (`tests/fixtures/pip-audit/` at
//! the repository root), hand-written for cordon: one per output shape.

use cordon_sdk::{FindingKind, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/pip-audit")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn current_shape() {
    let f = parser_pip_audit::parse(&fixture("current.json")).expect("parses");
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|x| x.tool == "pip-audit"
        && x.severity == Severity::Medium
        && x.kind == FindingKind::Sca));
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        rules,
        ["GHSA-xqr8-7jwr-rhp7", "PYSEC-2023-192", "PYSEC-2023-212"]
    );
    assert_eq!(
        f[0].vulnerability_ids,
        vec!["GHSA-xqr8-7jwr-rhp7", "CVE-2023-37920", "PYSEC-2023-135"]
    );
    let c = f[1].component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("urllib3", Some("1.26.15"))
    );
    assert_eq!(c.purl.as_deref(), Some("pkg:pypi/urllib3@1.26.15"));
    assert_eq!(c.fixed_versions, vec!["1.26.17", "2.0.6"]);
    assert_eq!(f[2].source_pointer, "/dependencies/1/vulns/1");
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn legacy_shape() {
    let f = parser_pip_audit::parse(&fixture("legacy.json")).expect("parses");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "PYSEC-2020-96");
    assert_eq!(f[0].title, "PYSEC-2020-96 in pyyaml 5.3");
    assert_eq!(f[0].vulnerability_ids, vec!["PYSEC-2020-96"]);
    assert_eq!(f[0].source_pointer, "/0/vulns/0");
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("legacy.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b']')
        .expect("has a closing bracket");
    for n in 0..=last {
        let prefix = bytes.get(..n).expect("in range");
        match parser_pip_audit::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
