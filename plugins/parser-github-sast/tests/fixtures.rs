//! The repository's own GitHub code scanning fixtures
//! (`tests/fixtures/github-sast/` at the repository root), hand-written for
//! cordon.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/github-sast")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn alerts_map_every_field() {
    let f = parser_github_sast::parse(&fixture("alerts.json")).expect("parses");
    assert_eq!(f.len(), 3);
    for x in &f {
        assert_eq!(x.tool, "CodeQL");
        assert_eq!(x.kind, FindingKind::Sast);
        assert!(x.fingerprint.is_empty() && x.input == 0);
    }

    let sqli = &f[0];
    assert_eq!(sqli.rule_id, "java/sql-injection");
    assert_eq!(sqli.tool_version.as_deref(), Some("2.20.3"));
    assert_eq!(sqli.title, "Query built from user-controlled sources");
    assert_eq!(sqli.message, "This query depends on a user-provided value.");
    assert_eq!(
        (sqli.severity, sqli.tool_severity.as_deref()),
        (Severity::High, Some("high"))
    );
    assert_eq!(sqli.cwes, vec![89, 564]);
    assert_eq!(
        sqli.locations,
        vec![Location {
            path: "src/main/java/com/acme/ledger/ReportDao.java".into(),
            start_line: Some(88),
            start_column: Some(36),
            end_line: Some(88),
            end_column: Some(71),
        }]
    );
    assert!(sqli.tags.contains(&"github-alert:212".to_string()));
    assert_eq!(
        sqli.help_uri.as_deref(),
        Some("https://codeql.github.com/codeql-query-help/java/java-sql-injection/")
    );

    let cred = &f[1];
    assert_eq!(cred.severity, Severity::Critical);
    assert_eq!(cred.cwes, vec![798]);
    for t in [
        "state:dismissed",
        "dismissed-reason:used in tests",
        "classification:test",
    ] {
        assert!(cred.tags.contains(&t.to_string()), "{t}: {:?}", cred.tags);
    }

    // No security severity: the SARIF level decides.
    let unused = &f[2];
    assert_eq!(
        (unused.severity, unused.tool_severity.as_deref()),
        (Severity::Low, Some("note"))
    );
    assert!(unused.cwes.is_empty());
    assert!(unused.tags.contains(&"state:fixed".to_string()));
    assert_eq!(unused.source_pointer, "/2");
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn api_error_is_unsupported() {
    match parser_github_sast::parse(&fixture("api-error.json")) {
        Err(StageError::UnsupportedFormat(m)) => assert!(m.contains("no analysis found"), "{m}"),
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let bytes = fixture("alerts.json");
    let last = bytes
        .iter()
        .rposition(|&b| b == b']')
        .expect("has a closing bracket");
    for n in (0..=last).filter(|n| *n < 800 || n % 5 == 0) {
        let prefix = bytes.get(..n).expect("in range");
        match parser_github_sast::parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
