//! Every file of the repository's ShellCheck fixtures
//! (`tests/fixtures/shellcheck/` at the repository root, described in its
//! README): the exact number of findings, the number the default normalizer
//! keeps, a few exact field values per sample, and the truncated samples as
//! `malformed-input`.
//!
//! The counts are also recomputed from the raw JSON (the length of
//! `comments` for `-f json1`, of the top-level array for `-f json`), so a
//! sample that changes without this file changing fails.

use cordon_sdk::{Finding, FindingKind, Location, Severity, SeveritySource, StageError};
use corpus_support::fixtures::fixture;
use parser_shellcheck::parse;
use serde_json::Value;

/// The findings of one fixture, checked against its counts.
fn check(name: &str, raw: usize, deduped: usize) -> Vec<Finding> {
    let bytes = fixture("shellcheck", name);
    let doc: Value = serde_json::from_slice(&bytes).expect("the fixture is JSON");
    let items = doc.get("comments").unwrap_or(&doc);
    assert_eq!(
        items.as_array().map(Vec::len),
        Some(raw),
        "{name}: raw count"
    );
    let findings = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(findings.len(), raw, "{name}: findings");
    assert_eq!(
        normalizer_default::normalize(findings.clone()).len(),
        deduped,
        "{name}: after dedup"
    );
    findings
}

fn location(path: &str, line: u32, end_line: u32, column: u32, end_column: u32) -> Vec<Location> {
    vec![Location {
        path: path.into(),
        start_line: Some(line),
        start_column: Some(column),
        end_line: Some(end_line),
        end_column: Some(end_column),
    }]
}

#[test]
fn neofetch_json1() {
    let f = check("neofetch-json1.json", 194, 194);
    let x = &f[0];
    assert_eq!(x.rule_id, "SC2249");
    assert_eq!(
        x.title,
        "Consider adding a default *) case, even if it just exits with error."
    );
    assert_eq!(x.locations, location("neofetch", 972, 1213, 5, 9));
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Low, Some("info"))
    );
    assert_eq!(x.source_pointer, "/comments/0");
    let w = &f[1];
    assert_eq!(w.rule_id, "SC2154");
    assert_eq!(
        w.message,
        "DISTRIBUTION_CODENAME is referenced but not assigned."
    );
    assert_eq!(
        (w.severity, w.tool_severity.as_deref()),
        (Severity::Medium, Some("warning"))
    );
    assert_eq!(f[193].source_pointer, "/comments/193");
    assert_eq!(f[193].locations[0].start_line, Some(11375));
    let warnings = f.iter().filter(|x| x.severity == Severity::Medium).count();
    assert_eq!(warnings, 9);
    assert!(f.iter().all(|x| x.tool == "shellcheck"
        && x.kind == FindingKind::Sast
        && x.severity_source == SeveritySource::Tool
        && x.help_uri.as_deref()
            == Some(&*format!("https://www.shellcheck.net/wiki/{}", x.rule_id))));
}

#[test]
fn samples_json1() {
    let f = check("samples-json1.json", 41, 41);
    let e = &f[6];
    assert_eq!(e.rule_id, "SC1049");
    assert_eq!(e.title, "Did you forget the 'then' for this 'if'?");
    assert_eq!(
        e.locations,
        location("shell-samples/install.sh", 5, 5, 1, 1)
    );
    assert_eq!(
        (e.severity, e.tool_severity.as_deref()),
        (Severity::High, Some("error"))
    );
    // Two rules on the same span stay two findings.
    let (a, b) = (&f[18], &f[19]);
    assert_eq!(
        (a.rule_id.as_str(), b.rule_id.as_str()),
        ("SC2045", "SC2006")
    );
    assert_eq!(a.locations, b.locations);
    assert_eq!(
        a.locations,
        location("shell-samples/deploy.sh", 22, 22, 10, 21)
    );
    assert_eq!(
        (b.severity, b.tool_severity.as_deref()),
        (Severity::Info, Some("style"))
    );
    assert_eq!(b.source_pointer, "/comments/19");
    let count = |s: Severity| f.iter().filter(|x| x.severity == s).count();
    assert_eq!(
        [
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info
        ]
        .map(count),
        [7, 11, 21, 2]
    );
}

#[test]
fn mixed_legacy() {
    let f = check("mixed-legacy.json", 48, 48);
    // The same scan of the same scripts as samples-json1.json, in the legacy
    // shape: the same findings, with the legacy pointers.
    let json1 = check("samples-json1.json", 41, 41);
    for (i, (old, new)) in f.iter().zip(&json1).enumerate() {
        assert_eq!(old.source_pointer, format!("/{i}"));
        let mut old = old.clone();
        old.source_pointer.clone_from(&new.source_pointer);
        assert_eq!(old, *new, "{i}");
    }
    let last = &f[47];
    assert_eq!(last.rule_id, "SC2236");
    assert_eq!(last.message, "Use -z instead of ! -n.");
    assert_eq!(
        last.locations,
        location("neofetch/neofetch", 3912, 3912, 11, 12)
    );
    assert_eq!(
        (last.severity, last.tool_severity.as_deref()),
        (Severity::Info, Some("style"))
    );
    assert_eq!(last.source_pointer, "/47");
    let neofetch = f
        .iter()
        .filter(|x| x.locations[0].path == "neofetch/neofetch")
        .count();
    assert_eq!(neofetch, 7);
}

#[test]
fn clean_runs() {
    check("clean-json1.json", 0, 0);
    check("clean-legacy.json", 0, 0);
}

#[test]
fn truncated_samples_are_malformed() {
    for name in ["truncated-json1.json", "truncated-legacy.json"] {
        match parse(&fixture("shellcheck", name)) {
            Err(StageError::MalformedInput(m)) => {
                assert!(
                    m.message.contains("ends too early"),
                    "{name}: {}",
                    m.message
                );
                assert_eq!(m.position.line, Some(1), "{name}");
            }
            other => panic!("{name}: expected malformed-input, got {other:?}"),
        }
    }
}
