//! Every fixture of the Nuclei family (`tests/fixtures/nuclei/` at the
//! repository root): the exact number of findings, which is the number of
//! results in the file counted straight from its JSON (JSON Lines: the
//! non-blank lines; the array export: its elements; none of the samples has
//! a `matcher-status: false` record), the number after
//! `normalizer_default::normalize`, and a few exact field values. The
//! truncated sample is malformed input.

use cordon_sdk::{FindingKind, Severity, SeveritySource, StageError};
use corpus_support::fixtures::fixture;
use serde_json::Value;

/// The results in `bytes`, counted from the JSON alone.
fn results_in(bytes: &[u8]) -> usize {
    let records: Vec<Value> = if bytes.first() == Some(&b'[') {
        serde_json::from_slice(bytes).expect("an array")
    } else {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .map(|l| serde_json::from_slice(l).expect("one object per line"))
            .collect()
    };
    records
        .iter()
        .filter(|r| r.get("matcher-status") != Some(&Value::Bool(false)))
        .count()
}

/// (file, findings, after dedup)
const COUNTS: &[(&str, usize, usize)] = &[
    ("defectdojo-issue_9201.json", 1, 1),
    ("defectdojo-many_findings.json", 18, 18),
    ("defectdojo-many_findings_new.json", 2, 2),
    ("defectdojo-many_findings_third.json", 2, 2),
    ("defectdojo-multiple_matches.json", 2, 2),
    ("defectdojo-multiple_v3.json", 6, 5),
];

#[test]
fn every_fixture_is_counted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/nuclei");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n != "README.md" && n != "truncated.jsonl")
        .collect();
    names.sort();
    let listed: Vec<&str> = COUNTS.iter().map(|c| c.0).collect();
    assert_eq!(names, listed, "every sample has its counts here");
    for &(name, raw, deduped) in COUNTS {
        let bytes = fixture("nuclei", name);
        let f = parser_nuclei::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(f.len(), raw, "{name}");
        assert_eq!(results_in(&bytes), raw, "{name}: counted from the JSON");
        assert_eq!(normalizer_default::normalize(f).len(), deduped, "{name}");
    }
}

#[test]
fn the_truncated_sample_is_malformed() {
    match parser_nuclei::parse(&fixture("nuclei", "truncated.jsonl")) {
        Err(StageError::MalformedInput(m)) => {
            assert!(m.message.contains("ends too early"), "{}", m.message);
            assert_eq!((m.position.line, m.position.column), (Some(9), Some(97)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nuclei_2_json_lines() {
    let f =
        parser_nuclei::parse(&fixture("nuclei", "defectdojo-many_findings.json")).expect("parses");
    let x = &f[0];
    assert_eq!(x.rule_id, "openssh5.3-detect");
    assert_eq!(x.title, "OpenSSH 5.3 Detection");
    assert_eq!(
        (x.severity, x.severity_source),
        (Severity::Low, SeveritySource::Tool)
    );
    assert_eq!(x.locations[0].path, "nuclei-example.com:22");
    assert_eq!(x.tags, ["network", "openssh", "protocol:network"]);
    assert_eq!(
        x.help_uri.as_deref(),
        Some("http://seclists.org/fulldisclosure/2016/Jul/51")
    );
    assert_eq!(x.source_pointer, "line:1");
    let tech: Vec<(&str, &str)> = f
        .iter()
        .filter(|x| x.rule_id == "tech-detect")
        .map(|x| (x.title.as_str(), x.locations[0].path.as_str()))
        .collect();
    assert_eq!(tech.len(), 11);
    assert_eq!(
        tech[3],
        (
            "Wappalyzer Technology Detection (bootstrap)",
            "http://127.0.0.1:9090/WebWolf"
        )
    );
    let last = &f[17];
    assert_eq!(last.rule_id, "mysql-native-password-bruteforce");
    assert_eq!(
        (last.severity, last.kind),
        (Severity::Info, FindingKind::Dast)
    );
    assert_eq!(last.source_pointer, "line:18");
}

#[test]
fn nuclei_2_with_classification() {
    let f = parser_nuclei::parse(&fixture("nuclei", "defectdojo-many_findings_new.json"))
        .expect("parses");
    let x = &f[0];
    assert_eq!(x.rule_id, "CVE-2018-15473");
    assert_eq!(x.vulnerability_ids, ["CVE-2018-15473"]);
    assert_eq!(x.cwes, [362]);
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("medium"))
    );
    assert_eq!(
        x.help_uri.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/cve-2018-15473")
    );
    assert!(x.message.contains("Values were extracted"), "{}", x.message);
    assert!(!format!("{f:?}").contains("OpenSSH_7.4p1"));
    assert_eq!(f[1].locations[0].path, "https://nuclei-example.com/metrics");
    assert!(!format!("{f:?}").contains("curl"));
}

#[test]
fn requests_and_responses_stay_out() {
    for name in [
        "defectdojo-many_findings_third.json",
        "defectdojo-multiple_matches.json",
    ] {
        let f = parser_nuclei::parse(&fixture("nuclei", name)).expect("parses");
        let dump = format!("{f:?}");
        for s in [
            "User-Agent",
            "HTTP/1.1",
            "X-Amz",
            "curl ",
            "127.0.0.1",
            "3.160.231.125",
        ] {
            assert!(!dump.contains(s), "{name}: {s} leaked");
        }
    }
    let f = parser_nuclei::parse(&fixture("nuclei", "defectdojo-many_findings_third.json"))
        .expect("parses");
    assert_eq!(
        f[0].title,
        "HTTP Missing Security Headers (x-content-type-options)"
    );
    // `reference` is null: the template's URL.
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some(
            "https://github.com/projectdiscovery/nuclei-templates/blob/master/\
             misconfiguration/http-missing-security-headers.yaml"
        )
    );
    assert_eq!(f[1].title, "favicon-detection (asp.net-favicon)");
}

#[test]
fn v3_array_export() {
    let f =
        parser_nuclei::parse(&fixture("nuclei", "defectdojo-multiple_v3.json")).expect("parses");
    let got: Vec<(&str, &str, &str)> = f
        .iter()
        .map(|x| {
            (
                x.rule_id.as_str(),
                x.locations[0].path.as_str(),
                x.source_pointer.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("dns-saas-service-detection", "www.asdf.de", "/0"),
            ("caa-fingerprint", "www.asdf.de", "/1"),
            ("ssl-issuer", "www.asdf.de:443", "/2"),
            ("ssl-dns-names", "www.asdf.de:443", "/3"),
            ("tls-version", "www.asdf.de:443", "/4"),
            ("tls-version", "www.asdf.de:443", "/5"),
        ]
    );
    assert_eq!(f[1].cwes, [200]);
    assert_eq!(f[0].title, "DNS SaaS Service Detection (wix)");
    assert!(!format!("{f:?}").contains("wixdns"));
    // The two TLS versions differ only in what was extracted: one finding.
    let n = normalizer_default::normalize_with_sources(f);
    let merged: Vec<&Vec<u32>> = n.sources.iter().filter(|s| s.len() > 1).collect();
    assert_eq!(merged, [&vec![4, 5]]);
}

#[test]
fn odd_urls_are_kept_as_written() {
    let f = parser_nuclei::parse(&fixture("nuclei", "defectdojo-issue_9201.json")).expect("parses");
    assert_eq!(f[0].locations[0].path, "https://example.com/favicon.ico%c0");
    assert_eq!(f[0].rule_id, "favicon-detect");
    assert_eq!(
        f[0].help_uri.as_deref(),
        Some("https://twitter.com/brsn76945860/status/1171233054951501824")
    );
}
