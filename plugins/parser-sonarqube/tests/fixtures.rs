//! Every fixture of `tests/fixtures/sonarqube/` (repository root): the exact
//! number of findings, the number the default normalizer keeps, the tool's
//! own count read from the raw JSON (`issues[]` plus `hotspots[]`), and a
//! few exact field values per sample. See the fixtures' `README.md` for
//! where each file comes from.

use cordon_sdk::{FindingKind, Severity, StageError};
use corpus_support::fixtures::fixture;
use parser_sonarqube::parse;

/// The tool's count: the lengths of `issues` and `hotspots`, from the raw
/// JSON.
fn tool_count(bytes: &[u8]) -> usize {
    let doc: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
    ["issues", "hotspots"]
        .iter()
        .filter_map(|k| doc.get(k).and_then(|v| v.as_array()).map(Vec::len))
        .sum()
}

/// Parse the fixture `name`: `raw` findings, `deduped` after normalising,
/// and `raw` is the tool's own count.
fn counts(name: &str, raw: usize, deduped: usize) -> Vec<cordon_sdk::Finding> {
    let bytes = fixture("sonarqube", name);
    let f = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(f.len(), raw, "{name}");
    assert_eq!(tool_count(&bytes), raw, "{name}: the tool's count");
    assert_eq!(
        normalizer_default::normalize(f.clone()).len(),
        deduped,
        "{name}"
    );
    f
}

#[test]
fn issues_search() {
    let f = counts("defectdojo-findings_over_api.json", 5, 5);
    let x = &f[0];
    assert_eq!(x.rule_id, "OWASP:UsingComponentWithKnownVulnerability");
    assert_eq!(x.title, "CVE-2024-2529 in package 1.1.2");
    assert_eq!(x.kind, FindingKind::Sca);
    assert_eq!(
        (x.severity, x.tool_severity.as_deref()),
        (Severity::Medium, Some("MAJOR"))
    );
    assert_eq!(x.cwes, [120]);
    assert!(x.locations.is_empty());
    let y = &f[1];
    assert_eq!(y.rule_id, "Web:TableWithoutCaptionCheck");
    assert_eq!(y.severity, Severity::Low);
    assert_eq!(y.kind, FindingKind::Sast);
    let l = &y.locations[0];
    assert_eq!(
        l.path,
        "src/app/pages/fjiowefjewio/fjwieof/fjiwoe/details.html"
    );
    assert_eq!(
        (l.start_line, l.start_column, l.end_column),
        (Some(59), Some(7), Some(114))
    );
    assert!(y.tags.contains(&"sonarqube-type:bug".to_string()));
    assert_eq!(f[2].rule_id, "typescript:S1533");
    assert_eq!(f[3].vulnerability_ids, ["GHSA-frr2-c345-p7c2"]);
    assert_eq!(f[4].vulnerability_ids, ["CVE-2023-52428"]);
    assert_eq!(
        (f[4].severity, f[4].tool_severity.as_deref()),
        (Severity::High, Some("CRITICAL"))
    );
    assert_eq!(f[4].source_pointer, "/issues/4");
}

#[test]
fn issues_search_second_file_of_the_zip() {
    let f = counts("defectdojo-findings_over_api2.json", 3, 3);
    assert_eq!(
        (f[0].severity, f[0].tool_severity.as_deref()),
        (Severity::Low, Some("MINOR"))
    );
    assert_eq!(
        (f[1].severity, f[1].tool_severity.as_deref()),
        (Severity::High, Some("CRITICAL"))
    );
    assert_eq!(f[2].rule_id, "typescript:S112533");
    assert_eq!(f[2].severity, Severity::Medium);
}

#[test]
fn hotspots_search() {
    let f = counts("defectdojo-findings_over_api_hotspots.json", 4, 4);
    assert_eq!(f[0].rule_id, "typescript:7777");
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].locations[0].path, "src/app/component.asdf");
    // `keyfoot.htmlfjoes` has no `project:` prefix: its path is from `components`.
    assert_eq!(
        f[1].locations[0].path,
        "src/app/2389479284379021-footer.component.html"
    );
    assert_eq!(f[1].severity, Severity::Low);
    assert!(f[3].tags.contains(&"sonarqube-category:others".to_string()));
    assert_eq!(f[3].source_pointer, "/hotspots/3");
}

#[test]
fn clean_report() {
    counts("defectdojo-findings_over_api_empty.json", 0, 0);
}

#[test]
fn truncated_report_is_malformed() {
    let bytes = fixture("sonarqube", "defectdojo-findings_over_api-truncated.json");
    assert!(matches!(parse(&bytes), Err(StageError::MalformedInput(_))));
}
