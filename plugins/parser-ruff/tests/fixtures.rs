//! Every Ruff fixture of the repository (`tests/fixtures/ruff/` at the
//! repository root): the exact number of findings, next to the number of
//! diagnostics counted from the raw JSON with serde_json (array length, or
//! non-blank lines); the number left after `normalizer_default::normalize`;
//! and a few exact field values per sample. The truncated samples are
//! malformed input.

use cordon_sdk::{Finding, Location, Severity, SeveritySource, StageError};
use corpus_support::fixtures::fixture;
use serde_json::Value;

fn parse(name: &str) -> Vec<Finding> {
    parser_ruff::parse(&fixture("ruff", name)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// Ruff's own count: the array's length (`json`), or one diagnostic per
/// non-blank line (`json-lines`).
fn raw_count(name: &str) -> usize {
    let bytes = fixture("ruff", name);
    if name.ends_with(".jsonl") {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .inspect(|l| assert!(serde_json::from_slice::<Value>(l).is_ok(), "{name}"))
            .count()
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Array(items)) => items.len(),
            other => panic!("{name}: not an array: {other:?}"),
        }
    }
}

#[test]
fn counts() {
    for (name, findings, after_dedup) in [
        ("clean.json", 0, 0),
        ("many.json", 80, 80),
        ("many.jsonl", 80, 80),
        ("notebook.json", 5, 5),
        ("invalid-syntax.json", 2, 2),
        ("invalid-syntax-0.12.0.json", 2, 2),
    ] {
        let f = parse(name);
        assert_eq!(raw_count(name), findings, "{name}: raw");
        assert_eq!(f.len(), findings, "{name}");
        assert_eq!(
            normalizer_default::normalize(f).len(),
            after_dedup,
            "{name}: after dedup"
        );
    }
}

#[test]
fn truncated_samples_are_malformed() {
    for name in ["truncated.json", "truncated.jsonl"] {
        let result = parser_ruff::parse(&fixture("ruff", name));
        match result {
            Err(StageError::MalformedInput(m)) => {
                assert!(
                    m.message.contains("ends too early"),
                    "{name}: {}",
                    m.message
                );
                assert!(m.position.line.is_some(), "{name}");
            }
            other => panic!("{name}: expected malformed-input, got {other:?}"),
        }
    }
}

#[test]
fn many_findings() {
    let f = parse("many.json");
    let x = &f[0];
    assert_eq!(
        (x.tool.as_str(), x.rule_id.as_str(), x.title.as_str()),
        ("ruff", "E501", "Line too long (94 > 88)")
    );
    assert_eq!(
        (x.severity, x.severity_source, x.tool_severity.as_deref()),
        (Severity::Low, SeveritySource::Default, Some("error"))
    );
    assert_eq!(
        x.locations,
        vec![Location {
            path: "/src/pygoat/challenge/admin.py".into(),
            start_line: Some(14),
            start_column: Some(89),
            end_line: Some(14),
            end_column: Some(95),
        }]
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://docs.astral.sh/ruff/rules/line-too-long")
    );
    let debug = &f[39];
    assert_eq!(
        (
            debug.rule_id.as_str(),
            debug.severity,
            debug.source_pointer.as_str()
        ),
        ("S201", Severity::High, "/39")
    );
    assert_eq!(debug.message, "Use of `debug=True` in Flask app detected");
    assert_eq!(debug.tags, vec!["flake8-bandit"]);
    assert_eq!(
        debug.locations[0].path,
        "/src/pygoat/dockerized_labs/broken_auth_lab/app.py"
    );
    let count = |s: Severity| f.iter().filter(|x| x.severity == s).count();
    assert_eq!(
        (
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low)
        ),
        (1, 18, 61)
    );
    assert_eq!(
        f.iter()
            .filter(|x| x.tags.iter().any(|t| t == "fix:safe"))
            .count(),
        10
    );
    assert_eq!(
        f.iter()
            .filter(|x| x.tags.iter().any(|t| t == "fix:unsafe"))
            .count(),
        1
    );
}

#[test]
fn json_lines_are_the_same_findings() {
    let array = parse("many.json");
    let lines = parse("many.jsonl");
    assert_eq!(array.len(), lines.len());
    for (i, (a, b)) in array.iter().zip(&lines).enumerate() {
        assert_eq!(a.source_pointer, format!("/{i}"));
        assert_eq!(b.source_pointer, format!("line:{}", i + 1));
        let unpointed = |f: &Finding| Finding {
            source_pointer: String::new(),
            ..f.clone()
        };
        assert_eq!(unpointed(a), unpointed(b), "diagnostic {i}");
    }
}

#[test]
fn syntax_errors() {
    let f = parse("invalid-syntax.json");
    let x = &f[0];
    assert_eq!(
        (x.rule_id.as_str(), x.message.as_str()),
        ("invalid-syntax", "Expected `,`, found identifier")
    );
    assert_eq!(
        (
            x.severity,
            x.tool_severity.as_deref(),
            x.help_uri.as_deref()
        ),
        (Severity::Medium, Some("error"), None)
    );
    assert_eq!(x.tags, vec!["syntax-error"]);
    let l = &x.locations[0];
    assert_eq!(l.path, "/src/ruff-samples/broken.py");
    assert_eq!(
        (l.start_line, l.start_column, l.end_line, l.end_column),
        (Some(8), Some(1), Some(8), Some(6))
    );
    assert_eq!(f[1].message, "unexpected EOF while parsing");
    // Ruff 0.12: `code` is null; the same rule id.
    let old = parse("invalid-syntax-0.12.0.json");
    assert_eq!(
        (old[0].rule_id.as_str(), old[0].title.as_str()),
        ("invalid-syntax", "SyntaxError: Expected ',', found name")
    );
    assert_eq!(
        (old[0].severity, old[0].tool_severity.as_deref()),
        (Severity::Medium, None)
    );
    assert_eq!(old[1].locations[0].start_line, Some(9));
}

#[test]
fn notebook_cells() {
    let f = parse("notebook.json");
    let rules: Vec<&str> = f.iter().map(|x| x.rule_id.as_str()).collect();
    assert_eq!(rules, ["S602", "S607", "S602", "S607", "S105"]);
    assert!(f.iter().all(|x| x.severity == Severity::Medium));
    assert!(
        f[0].message.ends_with(" (notebook cell 1)"),
        "{}",
        f[0].message
    );
    assert!(
        f[2].message.ends_with(" (notebook cell 3)"),
        "{}",
        f[2].message
    );
    // The same rule at the same row and column of two cells.
    assert_eq!(f[0].locations, f[2].locations);
    assert_eq!(f[0].locations[0].path, "/src/ruff-samples/notebook.ipynb");
    assert_eq!(
        f[4].title,
        "Possible hardcoded password assigned to: \"password\""
    );
}
