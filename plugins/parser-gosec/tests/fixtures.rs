//! The repository's own gosec fixtures (`tests/fixtures/gosec/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/gosec")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn clean_has_no_findings() {
    assert!(
        parser_gosec::parse(&fixture("clean.json"))
            .expect("parses")
            .is_empty()
    );
}

#[test]
fn mixed_maps_every_field() {
    let f = parser_gosec::parse(&fixture("mixed.json")).expect("parses");
    assert_eq!(f.len(), 3);
    for x in &f {
        assert_eq!(x.tool, "gosec");
        assert_eq!(x.tool_version.as_deref(), Some("2.21.4"));
        assert_eq!(x.kind, FindingKind::Sast);
    }
    let sqli = &f[0];
    assert_eq!(sqli.rule_id, "G201");
    assert_eq!(sqli.severity, Severity::Medium);
    assert_eq!(sqli.cwes, vec![89]);
    assert_eq!(
        sqli.locations,
        vec![Location {
            path: "/home/ci/src/inventory/store/items.go".into(),
            start_line: Some(41),
            start_column: Some(7),
            end_line: Some(42),
            end_column: None,
        }]
    );
    assert_eq!(sqli.tags, vec!["confidence:high"]);
    let tls = &f[1];
    assert_eq!(
        (tls.rule_id.as_str(), tls.severity),
        ("G402", Severity::High)
    );
    assert_eq!(tls.title, "TLS InsecureSkipVerify set true.");
    assert_eq!(
        tls.help_uri.as_deref(),
        Some("https://cwe.mitre.org/data/definitions/295.html")
    );
    let unhandled = &f[2];
    assert_eq!(unhandled.severity, Severity::Low);
    assert!(unhandled.tags.contains(&"suppressed-in-source".to_string()));
    assert_eq!(unhandled.source_pointer, "/Issues/2");
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("mixed.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last {
        let prefix = bytes.get(..n).expect("in range");
        match parser_gosec::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
