//! The repository's own Hadolint fixtures (`tests/fixtures/hadolint/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/hadolint")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn clean_has_no_findings() {
    assert!(
        parser_hadolint::parse(&fixture("clean.json"))
            .expect("parses")
            .is_empty()
    );
}

#[test]
fn mixed_maps_every_field() {
    let f = parser_hadolint::parse(&fixture("mixed.json")).expect("parses");
    assert_eq!(f.len(), 7);
    for x in &f {
        assert_eq!(x.tool, "hadolint");
        assert_eq!(x.kind, FindingKind::Iac);
    }
    let codes: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(
        codes,
        [
            "DL3006", "DL3008", "DL3015", "SC2086", "DL3020", "DL3059", "DL3002"
        ]
    );
    let sevs: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    assert_eq!(
        sevs,
        [
            Severity::Medium,
            Severity::Medium,
            Severity::Low,
            Severity::Low,
            Severity::High,
            Severity::Info,
            Severity::Medium
        ]
    );
    assert_eq!(
        f[1].locations,
        vec![Location {
            path: "services/api/Dockerfile".into(),
            start_line: Some(6),
            start_column: Some(1),
            end_line: None,
            end_column: None,
        }]
    );
    assert_eq!(f[3].tags, vec!["shellcheck"]);
    assert_eq!(
        f[4].help_uri.as_deref(),
        Some("https://github.com/hadolint/hadolint/wiki/DL3020")
    );
    assert_eq!(f[6].locations[0].path, "services\\worker\\Dockerfile");
    assert_eq!(f[6].source_pointer, "/6");
    // Two codes on line 6 are two problems.
    assert_eq!(normalizer_default::normalize(f).len(), 7);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("mixed.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b']')
        .expect("has a closing bracket");
    for n in 0..=last {
        let prefix = bytes.get(..n).expect("in range");
        match parser_hadolint::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
