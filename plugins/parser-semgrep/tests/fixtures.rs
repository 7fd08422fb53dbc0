//! The repository's own Semgrep fixtures (`tests/fixtures/semgrep/` at the
//! repository root), hand-written for cordon: one per format, plus an error
//! document.

use cordon_sdk::{FindingKind, Location, Severity, StageError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/semgrep")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn cli_mixed() {
    let f = parser_semgrep::parse(&fixture("cli-mixed.json")).expect("parses");
    assert_eq!(f.len(), 5);
    for x in &f {
        assert_eq!(x.tool, "semgrep");
        assert_eq!(x.tool_version.as_deref(), Some("1.101.0"));
        assert!(x.fingerprint.is_empty() && x.input == 0);
    }

    let sqli = &f[0];
    assert_eq!(
        sqli.rule_id,
        "python.django.security.injection.sql.sql-injection-using-raw.sql-injection-using-raw"
    );
    assert_eq!(
        (sqli.severity, sqli.kind),
        (Severity::High, FindingKind::Sast)
    );
    assert_eq!(sqli.cwes, vec![89]);
    assert_eq!(
        sqli.locations,
        vec![Location {
            path: "shop/views.py".into(),
            start_line: Some(48),
            start_column: Some(9),
            end_line: Some(48),
            end_column: Some(61),
        }]
    );
    assert!(
        sqli.tags
            .contains(&"owasp:A03:2021 - Injection".to_string())
    );

    // Two matches of one rule on one line: two results, one problem.
    assert_eq!(f[1].rule_id, f[2].rule_id);
    assert_eq!(
        (f[1].severity, f[1].cwes.clone()),
        (Severity::Medium, vec![327])
    );

    let secret = &f[3];
    assert_eq!(
        (secret.kind, secret.severity),
        (FindingKind::Secret, Severity::Low)
    );
    assert!(secret.tags.contains(&"suppressed-in-source".to_string()));

    let sca = &f[4];
    assert_eq!(sca.kind, FindingKind::Sca);
    assert_eq!(sca.rule_id, "CVE-2021-44906");
    assert_eq!(sca.severity, Severity::Critical);
    let c = sca.component.as_ref().expect("component");
    assert_eq!(c.name, "minimist");
    assert_eq!(c.version.as_deref(), Some("1.2.5"));
    assert_eq!(c.purl.as_deref(), Some("pkg:npm/minimist@1.2.5"));
    assert_eq!(c.fixed_versions, vec!["1.2.6"]);
    assert_eq!(sca.locations[0].start_line, Some(2211));

    // The two matches on line 12 (columns 12 and 34) are two places: the
    // normalizer keeps both.
    let n = normalizer_default::normalize(f);
    assert_eq!(n.len(), 5);
}

#[test]
fn cli_rule_error_is_an_error_document() {
    match parser_semgrep::parse(&fixture("cli-rule-error.json")) {
        Err(StageError::UnsupportedFormat(m)) => {
            assert!(m.contains("Invalid rule schema"), "{m}");
        }
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}

#[test]
fn app_findings() {
    let f = parser_semgrep::parse(&fixture("app-findings.json")).expect("parses");
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0].rule_id,
        "javascript.express.security.injection.tainted-sql-string.tainted-sql-string"
    );
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].locations[0].path, "acme/storefront/src/api/orders.ts");
    assert_eq!(f[0].locations[0].start_line, Some(77));
    assert_eq!(f[0].cwes, vec![89]);
    assert_eq!(f[0].source_pointer, "/findings/0");
    assert_eq!(f[1].severity, Severity::Low);
    assert!(f[1].tags.contains(&"triage:ignored".to_string()));
    assert!(f[1].tags.contains(&"repository:acme/admin".to_string()));
    assert_eq!(normalizer_default::normalize(f).len(), 2);
}

#[test]
fn app_sca_vulns() {
    let f = parser_semgrep::parse(&fixture("app-sca-vulns.json")).expect("parses");
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|x| x.kind == FindingKind::Sca));
    assert_eq!(f[0].rule_id, "CVE-2022-25883");
    assert_eq!(
        f[0].vulnerability_ids,
        vec!["CVE-2022-25883", "GHSA-c2qf-rxjj-qqgw"]
    );
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].locations[0].path, "acme/storefront/package-lock.json");
    assert_eq!(f[0].locations[0].start_line, Some(1874));
    assert_eq!(f[0].locations[0].start_column, None);
    assert_eq!(f[1].locations[0].path, "acme/admin/package-lock.json");
    assert_eq!(f[2].severity, Severity::Critical);
    let c = f[2].component.as_ref().expect("component");
    assert_eq!(
        (c.name.as_str(), c.version.as_deref()),
        ("PyYAML", Some("5.3.1"))
    );
    assert_eq!(c.fixed_versions, vec!["5.4"]);
    // The same advisory, file and line in two repositories: two findings.
    assert_eq!(normalizer_default::normalize(f).len(), 3);
}

#[test]
fn every_prefix_is_handled_without_panic() {
    for name in ["cli-mixed.json", "app-findings.json", "app-sca-vulns.json"] {
        let bytes = fixture(name);
        let last = bytes
            .iter()
            .rposition(|&b| b == b'}')
            .expect("has a closing brace");
        for n in 0..=last {
            let prefix = bytes.get(..n).expect("in range");
            match parser_semgrep::parse(prefix) {
                Err(StageError::MalformedInput(_)) => {}
                other => {
                    panic!("{name}: prefix of {n} bytes: expected malformed-input, got {other:?}")
                }
            }
        }
    }
}
