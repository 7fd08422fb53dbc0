//! Every fixture of the ZAP family (`tests/fixtures/zap/` at the repository
//! root): the exact number of findings, the number left after
//! `normalizer_default::normalize`, and a few field values per sample; the
//! truncated samples are `malformed-input`. The finding count is also
//! computed from the raw report (alerts summed over sites, with
//! serde_json or roxmltree, not the parser), so the two cannot drift.
//! A file of the directory that this table does not list fails the test.

use cordon_sdk::{Finding, Severity, StageError};
use corpus_support::fixtures::fixture;
use std::path::Path;

/// (file, findings, after dedup).
const COUNTS: &[(&str, usize, usize)] = &[
    ("bcgov-zap-2.11.1.json", 9, 9),
    ("bcgov-zap-2.12.0.json", 8, 8),
    ("bcgov-zap-2.14.0.json", 12, 12),
    ("defectdojo-dvwa_baseline_dojo.xml", 19, 18),
    ("defectdojo-empty_2.9.0.xml", 0, 0),
    ("defectdojo-some_2.9.0.xml", 7, 7),
    ("defectdojo-zap-results-first-scan.xml", 15, 15),
    ("defectdojo-zap-xml-plus-format.xml", 1, 1),
    ("defectdojo-zap_2.16.1_with_req_resp.xml", 4, 4),
];

/// Byte prefixes of the samples above (`head -c N`).
const TRUNCATED: &[&str] = &["truncated.json", "truncated.xml"];

fn findings(name: &str) -> Vec<Finding> {
    parser_zap::parse(&fixture("zap", name)).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// ZAP's own count: the alerts of every site (`site[].alerts[]`, XML
/// `/OWASPZAPReport/site/alerts/alertitem`).
fn alerts_in(name: &str) -> usize {
    let bytes = fixture("zap", name);
    if name.ends_with(".json") {
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        doc["site"]
            .as_array()
            .expect("site[]")
            .iter()
            .map(|s| s["alerts"].as_array().map_or(0, Vec::len))
            .sum()
    } else {
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(text).expect("XML");
        let named = |n: roxmltree::Node<'_, '_>, tag: &str| n.is_element() && n.has_tag_name(tag);
        doc.root_element()
            .children()
            .filter(|s| named(*s, "site"))
            .flat_map(|s| s.children().filter(|a| named(*a, "alerts")))
            .flat_map(|a| a.children().filter(|i| named(*i, "alertitem")))
            .count()
    }
}

#[test]
fn every_fixture_is_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/zap");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/zap")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    let mut listed: Vec<&str> = COUNTS
        .iter()
        .map(|c| c.0)
        .chain(TRUNCATED.iter().copied())
        .collect();
    listed.sort();
    assert_eq!(names, listed);
}

#[test]
fn counts_before_and_after_dedup() {
    for &(name, raw, deduped) in COUNTS {
        let f = findings(name);
        assert_eq!(f.len(), raw, "{name}");
        assert_eq!(alerts_in(name), raw, "{name}: ZAP's own count");
        assert_eq!(normalizer_default::normalize(f).len(), deduped, "{name}");
    }
}

#[test]
fn truncated_samples_are_malformed() {
    for name in TRUNCATED {
        match parser_zap::parse(&fixture("zap", name)) {
            Err(StageError::MalformedInput(m)) => {
                assert!(m.position.line.is_some(), "{name}: {m:?}")
            }
            other => panic!("{name}: expected malformed-input, got {other:?}"),
        }
    }
}

fn path(f: &Finding, i: usize) -> &str {
    f.locations.get(i).map_or("", |l| l.path.as_str())
}

#[test]
fn json_samples() {
    let f = findings("bcgov-zap-2.14.0.json");
    let x = &f[0];
    assert_eq!(x.tool_version.as_deref(), Some("2.14.0"));
    assert_eq!(
        (x.rule_id.as_str(), x.title.as_str()),
        ("10038", "Content Security Policy (CSP) Header Not Set")
    );
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("Medium (High)"))
    );
    assert_eq!(path(x, 0), "http://www.itsecgames.com");
    assert_eq!(x.cwes, vec![693]);
    assert!(
        x.tags.contains(&"alert-ref:10038-1".to_string()),
        "{:?}",
        x.tags
    );
    assert_eq!(x.source_pointer, "/site/0/alerts/0");

    // 2.11.1 writes no @programName; 700+ instances of one alert name one PDF.
    let f = findings("bcgov-zap-2.11.1.json");
    assert_eq!(f[0].tool_version.as_deref(), Some("2.11.1"));
    assert_eq!(f[4].title, "Timestamp Disclosure - Unix");
    let paths: Vec<&str> = f[4].locations.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(
        paths[1],
        "http://www.itsecgames.com/downloads/bWAPP_intro.pdf"
    );

    let f = findings("bcgov-zap-2.12.0.json");
    assert_eq!(f[0].tool_version.as_deref(), Some("2.12.0"));
}

#[test]
fn xml_samples_match_defectdojo_facts() {
    let f = findings("defectdojo-dvwa_baseline_dojo.xml");
    assert_eq!(
        (f[0].title.as_str(), f[0].severity, f[0].rule_id.as_str()),
        ("X-Frame-Options Header Not Set", Severity::Medium, "10020")
    );
    assert_eq!(path(&f[0], 0), "http://172.17.0.2");
    // DefectDojo: 11 endpoints, the second `vulnerabilities/sqli_blind/`;
    // cordon puts the site first.
    assert_eq!(f[0].locations.len(), 12);
    assert_eq!(
        path(&f[0], 2),
        "http://172.17.0.2/vulnerabilities/sqli_blind/"
    );
    assert_eq!(
        (f[18].title.as_str(), f[18].severity, f[18].rule_id.as_str()),
        ("Private IP Disclosure", Severity::Low, "2")
    );

    let f = findings("defectdojo-zap-results-first-scan.xml");
    assert_eq!(
        (f[0].title.as_str(), f[0].severity, f[0].rule_id.as_str()),
        (
            "User Controllable HTML Element Attribute (Potential XSS)",
            Severity::Info,
            "10031"
        )
    );
    assert_eq!(
        (f[14].title.as_str(), f[14].severity, f[14].rule_id.as_str()),
        ("PII Disclosure", Severity::High, "10062")
    );
    assert_eq!(f[14].cwes, vec![359]);
    assert_eq!(
        path(&f[14], 1),
        "http://bodgeit.securecodebox-demo.svc:8080/bodgeit/contact.jsp"
    );

    let f = findings("defectdojo-zap-xml-plus-format.xml");
    assert_eq!(
        (f[0].title.as_str(), f[0].severity, f[0].rule_id.as_str()),
        ("Insecure HTTP Method - PUT", Severity::Medium, "90028")
    );
    assert_eq!(
        path(&f[0], 1),
        "http://localhost:8080/bodgeit/js/qndto7n63d"
    );
    // The request header's session cookie is never read.
    assert!(!format!("{f:?}").contains("JSESSIONID"));

    let f = findings("defectdojo-zap_2.16.1_with_req_resp.xml");
    assert_eq!(f[1].tool_version.as_deref(), Some("2.16.1"));
    assert_eq!(
        (f[1].title.as_str(), f[1].severity, f[1].rule_id.as_str()),
        ("Cookie Poisoning", Severity::Info, "10029")
    );
    assert!(!format!("{f:?}").contains("Bearer"));
    assert!(
        f.iter()
            .all(|x| x.locations.iter().all(|l| !l.path.contains('?')))
    );

    let f = findings("defectdojo-some_2.9.0.xml");
    assert_eq!(f[0].title, "Cookie Without Secure Flag");
    assert!(
        f[0].message
            .starts_with("A cookie has been set without the secure flag")
    );
    assert!(!f[0].message.contains("<p>"));
}
