use super::*;
use crate::{BaselineStatus, Component, FindingKind, Location, Severity, SeveritySource};

fn finding(fp: &str, rule: &str, path: &str, purl: Option<&str>, ids: &[&str]) -> Finding {
    Finding {
        tool: "trivy".into(),
        tool_version: None,
        rule_id: rule.into(),
        title: "t".into(),
        message: String::new(),
        severity: Severity::High,
        tool_severity: None,
        severity_source: SeveritySource::Tool,
        kind: FindingKind::Sca,
        locations: vec![Location {
            path: path.into(),
            start_line: None,
            start_column: None,
            end_line: None,
            end_column: None,
        }],
        component: purl.map(|p| Component {
            name: "n".into(),
            version: None,
            purl: Some(p.into()),
            fixed_versions: vec![],
        }),
        vulnerability_ids: ids.iter().map(|s| s.to_string()).collect(),
        cwes: vec![],
        tags: vec![],
        help_uri: None,
        fingerprint: fp.into(),
        source_pointer: String::new(),
        input: 0,
        occurrences: 1,
        sources: vec![],
        baseline: None::<BaselineStatus>,
    }
}

fn decision(fp: &str, action: Action) -> Decision {
    Decision {
        fingerprint: fp.into(),
        action,
        rule_id: "prod/block-at-high".into(),
        policy_name: "p".into(),
        policy_version: "1".into(),
        policy_digest: "sha256:p".into(),
        reason: "severity high".into(),
        suppression: None,
        matched: vec![],
        severity_override: None,
        expired_suppression: None,
    }
}

const IGNORE: &str = r#"
[[suppressions]]
id = "IGN-1"
owner = "platform@example.com"
reason = "vendored test data"
match = { path = "testdata/", rule_id = "CVE-*" }

[[suppressions]]
id = "IGN-2"
owner = "appsec@example.com"
reason = "accepted until the upgrade"
expiry = "2026-06-30"
match = { vulnerability_id = "CVE-2024-0002" }

[[suppressions]]
id = "IGN-3"
owner = "appsec@example.com"
reason = "nothing has this"
match = { tool = "gitleaks" }
"#;

#[test]
fn ignore_file_applies_reports_expired_and_unused() {
    let sups = parse_ignore_file(IGNORE, ".cordonignore.toml", "sha256:i").expect("valid");
    let findings = [
        finding(
            "a",
            "CVE-2024-0001",
            "testdata/x/go.sum",
            None,
            &["CVE-2024-0001"],
        ),
        finding("b", "CVE-2024-0002", "go.sum", None, &["CVE-2024-0002"]),
        finding("c", "CVE-2024-0003", "go.sum", None, &["CVE-2024-0003"]),
    ];
    let mut ds: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|f| decision(f, Action::Block))
        .collect();
    let status = apply(&sups, &findings, &mut ds, "2026-07-01");

    assert_eq!(ds[0].action, Action::Suppressed);
    assert_eq!(ds[0].rule_id, "ignore-file/IGN-1");
    assert_eq!(ds[0].policy_name, ".cordonignore.toml");
    assert_eq!(ds[0].policy_digest, "sha256:i");
    assert_eq!(
        ds[0]
            .matched
            .iter()
            .map(|m| (m.field.as_str(), m.pattern.as_str()))
            .collect::<Vec<_>>(),
        [("rule_id", "CVE-*"), ("path", "testdata/")]
    );
    assert!(
        ds[0]
            .reason
            .ends_with("the policy alone said block (prod/block-at-high: severity high)")
    );

    assert_eq!(ds[1].action, Action::Block, "expired suppresses nothing");
    assert_eq!(
        ds[1].expired_suppression.as_ref().map(|s| s.id.as_str()),
        Some("IGN-2")
    );
    assert!(ds[1].reason.contains("ignore-file suppression IGN-2 in .cordonignore.toml (owner appsec@example.com) would have covered it but expired on 2026-06-30"), "{}", ds[1].reason);
    assert_eq!(ds[2], decision("c", Action::Block));

    let got: Vec<_> = status
        .iter()
        .map(|s| (s.id.as_str(), s.status, s.findings))
        .collect();
    assert_eq!(
        got,
        [
            ("IGN-1", State::Applied, 1),
            ("IGN-2", State::Expired, 1),
            ("IGN-3", State::Unused, 0)
        ]
    );
    // On its last day it still applies.
    let mut ds: Vec<_> = ["b"].iter().map(|f| decision(f, Action::Block)).collect();
    apply(&sups, &findings[1..2], &mut ds, "2026-06-30");
    assert_eq!(ds[0].action, Action::Suppressed);
}

#[test]
fn bad_ignore_files_name_the_entry() {
    for (text, says) in [
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\n",
            "missing field `match`",
        ),
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={}\n",
            "every finding",
        ),
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={rule='x'}\n",
            "unknown match field",
        ),
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nexpires='soon'\nmatch={tool='x'}\n",
            "not a date",
        ),
        (
            "[[suppressions]]\nid='X'\nowner=''\nreason='r'\nmatch={tool='x'}\n",
            "must not be empty",
        ),
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={tool='x'}\n[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={tool='y'}\n",
            "used twice",
        ),
        (
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={tool='x'}\ncolour='red'\n",
            "unknown field",
        ),
    ] {
        let err = parse_ignore_file(text, "c.toml", "d")
            .expect_err(text)
            .to_string();
        assert!(err.starts_with("c.toml: ") && err.contains(says), "{err}");
    }
    // cordon.toml: other tables are not the ignore file's business
    let ok = parse_ignore_file("[run]\nenv='prod'\n", "cordon.toml", "d").expect("valid");
    assert!(ok.is_empty());
}

#[test]
fn purls_compare_by_name_and_version() {
    let p = |s| Purl::parse(s).expect("purl");
    assert!(p("pkg:npm/lodash@4.17.20").covers(&p("pkg:npm/lodash@4.17.20")));
    assert!(p("pkg:npm/lodash").covers(&p("pkg:npm/lodash@4.17.20")));
    assert!(!p("pkg:npm/lodash@4.17.21").covers(&p("pkg:npm/lodash@4.17.20")));
    assert!(p("pkg:NPM/%40babel/core@7.0.0").covers(&p("pkg:npm/@babel/core@7.0.0?arch=x")));
    assert!(
        p("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64").covers(&p(
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"
        ))
    );
    assert!(Purl::parse("lodash").is_none());
}
