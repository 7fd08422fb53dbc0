//! The repository's own SARIF fixtures (`tests/fixtures/sarif/` at the
//! repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sarif")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn clean_has_no_findings() {
    let bytes = fixture("clean.sarif");
    let d = parser_sarif::detect(&bytes).expect("claimed");
    assert_eq!((d.format.as_str(), d.confidence), ("sarif-2.1.0", 90));
    assert!(parser_sarif::parse(&bytes).expect("parses").is_empty());
}

#[test]
fn malformed_is_rejected_with_position() {
    let bytes = fixture("malformed.sarif");
    // Still recognised: the head looks like SARIF.
    assert!(parser_sarif::detect(&bytes).is_some());
    match parser_sarif::parse(&bytes) {
        Err(StageError::MalformedInput(m)) => {
            assert_eq!(m.position.line, Some(16), "{m:?}");
            assert!(m.position.column.is_some(), "{m:?}");
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}

#[test]
fn mixed_maps_every_field() {
    let bytes = fixture("mixed.sarif");
    let d = parser_sarif::detect(&bytes).expect("claimed");
    assert_eq!(d.format, "sarif-2.1.0");
    let f = parser_sarif::parse(&bytes).expect("parses");
    assert_eq!(f.len(), 4);

    for x in &f {
        assert_eq!(x.tool, "CodeQL");
        assert_eq!(x.tool_version.as_deref(), Some("2.17.0"));
        assert!(x.fingerprint.is_empty());
        assert_eq!(x.input, 0);
        assert!(x.component.is_none());
    }
    let pointers: Vec<&str> = f.iter().map(|x| x.source_pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/runs/0/results/0",
            "/runs/0/results/1",
            "/runs/0/results/2",
            "/runs/0/results/3"
        ]
    );

    // security-severity 9.8 on the rule beats level error.
    let sqli = &f[0];
    assert_eq!(sqli.rule_id, "js/sql-injection");
    assert_eq!(sqli.severity, Severity::Critical);
    assert_eq!(sqli.tool_severity.as_deref(), Some("9.8"));
    assert_eq!(sqli.cwes, vec![89]);
    assert_eq!(sqli.kind, FindingKind::Sast);
    assert_eq!(
        sqli.title,
        "Database query built from user-controlled sources"
    );
    assert_eq!(
        sqli.message,
        "This query depends on a [user-provided value](1)."
    );
    assert_eq!(
        sqli.help_uri.as_deref(),
        Some("https://example.invalid/rules/js-sql-injection")
    );
    assert_eq!(
        sqli.locations,
        vec![Location {
            path: "src/routes/users.js".into(),
            start_line: Some(42),
            start_column: Some(18),
            end_line: None,
            end_column: Some(61),
        }]
    );

    // A CVE in the tags: an SCA finding; the path comes from the artifact index.
    let merge = &f[1];
    assert_eq!(merge.severity, Severity::High);
    assert_eq!(merge.tool_severity.as_deref(), Some("error"));
    assert_eq!(merge.vulnerability_ids, vec!["CVE-2019-10744"]);
    assert_eq!(merge.kind, FindingKind::Sca);
    assert_eq!(merge.cwes, vec![1321]);
    assert_eq!(merge.locations[0].path, "src/util/config.js");
    assert_eq!(merge.locations[0].start_line, Some(7));
    assert_eq!(merge.locations[0].end_line, Some(9));

    let rate = &f[2];
    assert_eq!(rate.severity, Severity::Medium);
    assert_eq!(rate.tool_severity.as_deref(), Some("warning"));
    assert_eq!(rate.cwes, vec![770]);
    assert_eq!(rate.tags, vec!["security", "external/cwe/cwe-770"]);

    // Message from the rule's messageStrings with an argument.
    let unused = &f[3];
    assert_eq!(unused.severity, Severity::Low);
    assert_eq!(unused.tool_severity.as_deref(), Some("note"));
    assert_eq!(unused.message, "Unused variable retries.");
    assert_eq!(unused.title, "Unused variable, import, function or class");
    assert!(unused.cwes.is_empty() && unused.vulnerability_ids.is_empty());
    assert_eq!(unused.locations[0].start_line, Some(3));
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("mixed.sarif");
    // Every prefix that lacks the closing brace of the log is incomplete.
    let last_brace = bytes
        .iter()
        .rposition(|&b| b == b'}')
        .expect("has a closing brace");
    for n in 0..=last_brace {
        let prefix = bytes.get(..n).expect("in range");
        let _ = parser_sarif::detect(prefix);
        match parser_sarif::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
