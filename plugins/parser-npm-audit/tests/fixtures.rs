//! The repository's own npm audit fixtures (`tests/fixtures/npm-audit/` at
//! the repository root), hand-written for cordon.

use cordon_sdk::{FindingKind, Severity, StageError};
use parser_npm_audit::{TRANSITIVE_RULE, parse};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/npm-audit")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn paths(f: &cordon_sdk::Finding) -> Vec<&str> {
    f.locations.iter().map(|l| l.path.as_str()).collect()
}

#[test]
fn npm6_report() {
    let f = parse(&fixture("npm6.json")).expect("parses");
    assert_eq!(f.len(), 3);
    assert!(
        f.iter()
            .all(|x| x.tool == "npm-audit" && x.kind == FindingKind::Sca)
    );

    let m = &f[0];
    assert_eq!(m.rule_id, "GHSA-xvch-5gv4-984h");
    assert_eq!(m.title, "minimist: Prototype Pollution");
    assert_eq!(m.severity, Severity::Critical);
    assert_eq!(m.cwes, vec![1321]);
    assert_eq!(
        m.vulnerability_ids,
        vec!["CVE-2021-44906", "GHSA-xvch-5gv4-984h"]
    );
    assert_eq!(
        paths(m),
        [
            "mkdirp>minimist",
            "handlebars>optimist>minimist",
            "rc>minimist"
        ]
    );
    let c = m.component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("minimist", Some("0.0.8"))
    );
    assert_eq!(c.fixed_versions, vec![">=1.2.6"]);
    assert!(
        m.tags.is_empty(),
        "one of the two versions is a prod dependency"
    );
    assert_eq!(m.source_pointer, "/advisories/1179");

    let n = &f[1];
    assert_eq!(n.rule_id, "GHSA-r683-j2x4-v87g");
    assert_eq!(n.severity, Severity::High);
    assert_eq!(n.cwes, vec![173, 200, 601]);
    assert_eq!(paths(n), ["censored_by_npm_audit>node-fetch"]);

    let l = &f[2];
    assert_eq!(l.rule_id, "npm-advisory-88");
    assert_eq!(l.severity, Severity::Low);
    assert!(l.cwes.is_empty() && l.vulnerability_ids.is_empty());
    assert!(l.component.as_ref().expect("c").fixed_versions.is_empty());
    assert_eq!(l.tags, vec!["dev"]);

    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn npm7_report() {
    let f = parse(&fixture("npm7.json")).expect("parses");
    assert_eq!(f.len(), 3);
    let got: Vec<(&str, &str, Severity)> = f
        .iter()
        .map(|x| {
            (
                x.component.as_ref().map(|c| c.name.as_str()).unwrap_or(""),
                x.rule_id.as_str(),
                x.severity,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("json5", "GHSA-9c47-m6qq-7p4h", Severity::High),
            ("loader-utils", "GHSA-76p3-8jx3-jpfq", Severity::Critical),
            ("babel-loader", TRANSITIVE_RULE, Severity::Critical),
        ]
    );
    assert_eq!(
        paths(&f[0]),
        [
            "node_modules/json5",
            "node_modules/babel-loader/node_modules/json5"
        ]
    );
    assert_eq!(f[0].tags, vec!["fix-available"]);
    assert_eq!(
        f[1].component.as_ref().expect("c").fixed_versions,
        vec!["2.0.4"]
    );
    assert!(
        f[1].message
            .contains("Depends on vulnerable versions of json5")
    );
    assert_eq!(
        f[2].tags,
        vec![
            "direct",
            "transitive",
            "fix-available",
            "fix-is-semver-major"
        ]
    );
    assert_eq!(
        f[2].title,
        "babel-loader: depends on vulnerable loader-utils"
    );
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn npm7_dry_run_wrapper() {
    let f = parse(&fixture("npm7-audit-fix-dry-run.json")).expect("parses");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "GHSA-c2qf-rxjj-qqgw");
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].tool_severity.as_deref(), Some("moderate"));
    assert_eq!(f[0].cwes, vec![1333]);
    assert_eq!(f[0].source_pointer, "/audit/vulnerabilities/semver");
    assert_eq!(f[0].tags, vec!["direct", "fix-available"]);
}

#[test]
fn error_document_is_unsupported() {
    match parse(&fixture("error.json")) {
        Err(StageError::UnsupportedFormat(m)) => {
            assert!(m.contains("ENOLOCK"), "{m}");
            assert!(m.contains("requires an existing lockfile"), "{m}");
        }
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn truncated_is_malformed() {
    match parse(&fixture("truncated.json")) {
        Err(StageError::MalformedInput(m)) => {
            assert!(m.message.contains("ends too early"), "{}", m.message);
            assert!(m.position.line.is_some());
        }
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
