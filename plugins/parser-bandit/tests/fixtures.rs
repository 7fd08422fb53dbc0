//! The repository's own Bandit fixtures (`tests/fixtures/bandit/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/bandit")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn clean_has_no_findings() {
    assert!(
        parser_bandit::parse(&fixture("clean.json"))
            .expect("parses")
            .is_empty()
    );
}

#[test]
fn mixed_maps_every_field() {
    let f = parser_bandit::parse(&fixture("mixed.json")).expect("parses");
    assert_eq!(f.len(), 5);
    for x in &f {
        assert_eq!(x.tool, "bandit");
        assert_eq!(x.kind, FindingKind::Sast);
        assert!(x.fingerprint.is_empty() && x.input == 0);
    }
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(rules, ["B301", "B602", "B608", "B608", "B101"]);
    let sevs: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    assert_eq!(
        sevs,
        [
            Severity::Medium,
            Severity::High,
            Severity::Medium,
            Severity::Medium,
            Severity::Low
        ]
    );

    let pickle = &f[0];
    assert_eq!(pickle.cwes, vec![502]);
    assert_eq!(pickle.tags, vec!["blacklist", "confidence:high"]);
    assert_eq!(
        pickle.locations,
        vec![Location {
            path: "billing/export.py".into(),
            start_line: Some(18),
            start_column: Some(16),
            end_line: Some(18),
            end_column: Some(31),
        }]
    );
    assert_eq!(
        pickle.help_uri.as_deref(),
        Some("https://bandit.readthedocs.io/en/1.7.9/blacklists/blacklist_calls.html#b301-pickle")
    );
    assert_eq!(f[1].cwes, vec![78]);
    assert_eq!(f[4].locations[0].path, "tests\\test_export.py");
    assert_eq!(f[4].source_pointer, "/results/4");

    // The doubled B608 merges: 4 problems.
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 4);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("mixed.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    // Coarse steps keep the test fast; every byte of the first 600.
    for n in (0..=last).filter(|n| *n < 600 || n % 7 == 0) {
        let prefix = bytes.get(..n).expect("in range");
        match parser_bandit::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
