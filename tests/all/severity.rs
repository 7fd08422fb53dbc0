//! One severity model across report formats, end to end through the
//! binary: the JSON and the SARIF of one real scan (`tests/identity`, see
//! its README) give every finding the same `severity` and the same
//! `severity_source`, and the source is the one `docs/policy.md`
//! ("Severity") documents for the tool.

use crate::common;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A sample made by running the real scanner.
fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/identity")
        .join(rel)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `cordon run REPORTS --out OUT`: its findings.json, which must record no
/// error.
fn run(reports: &[&Path], out: &Path) -> Value {
    let args: Vec<&str> = std::iter::once("run")
        .chain(reports.iter().map(|p| s(p)))
        .collect();
    let r = common::cordon(&args, out);
    let json = r.json.expect("findings.json written");
    assert!(
        json["errors"].as_array().is_some_and(Vec::is_empty),
        "{reports:?}: {}",
        r.stderr
    );
    json
}

/// fingerprint -> (severity, severity_source)
fn rated(j: &Value) -> BTreeMap<String, (String, String)> {
    j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or_else(|| panic!("{k}: {f}"));
            (
                field("fingerprint").to_string(),
                (
                    field("severity").to_string(),
                    field("severity_source").to_string(),
                ),
            )
        })
        .collect()
}

/// How many findings have each `severity/severity_source`.
fn tally(r: &BTreeMap<String, (String, String)>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (sev, source) in r.values() {
        *out.entry(format!("{sev}/{source}")).or_default() += 1;
    }
    out
}

const TOOLS: [&str; 3] = ["bandit", "semgrep", "checkov"];

#[test]
fn json_and_sarif_of_one_real_scan_agree_on_severity_and_its_source() {
    let dir = tempfile::tempdir().expect("tmp");
    for tool in TOOLS {
        for scan in ["scan", "shifted"] {
            let json = sample(&format!("{tool}/{scan}.json"));
            let sarif = sample(&format!("{tool}/{scan}.sarif"));
            let a = rated(&run(&[&json], &dir.path().join(format!("{tool}-{scan}-j"))));
            let b = rated(&run(
                &[&sarif],
                &dir.path().join(format!("{tool}-{scan}-s")),
            ));
            assert!(!a.is_empty(), "{tool} {scan}");
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{tool} {scan}: one set of findings"
            );
            for (fp, json_rating) in &a {
                assert_eq!(
                    Some(json_rating),
                    b.get(fp),
                    "{tool} {scan}: finding {fp}: JSON vs SARIF (severity, severity_source)"
                );
            }
            // Read together, each finding is merged from both and keeps the
            // rating both gave it.
            let both = rated(&run(
                &[&json, &sarif],
                &dir.path().join(format!("{tool}-{scan}-b")),
            ));
            assert_eq!(both, a, "{tool} {scan}: together");
        }
    }
}

#[test]
fn each_tool_gets_its_documented_source() {
    let dir = tempfile::tempdir().expect("tmp");
    let want: [(&str, &[(&str, usize)]); 3] = [
        // `issue_severity` (JSON) / `properties.issue_severity` (SARIF,
        // whose `level` leaves MEDIUM out): Bandit's own level.
        (
            "bandit",
            &[("high/tool", 3), ("low/tool", 4), ("medium/tool", 5)],
        ),
        // `extra.severity` (JSON) / the rule's `defaultConfiguration.level`
        // (SARIF): ERROR high, WARNING medium, INFO low.
        (
            "semgrep",
            &[("high/tool", 5), ("low/tool", 1), ("medium/tool", 5)],
        ),
        // `severity: null` (JSON, offline) / `level: error` on every result
        // (SARIF): no grade, Checkov's default.
        ("checkov", &[("medium/default", 13)]),
    ];
    for (tool, counts) in want {
        let want: BTreeMap<String, usize> =
            counts.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        for ext in ["json", "sarif"] {
            let r = rated(&run(
                &[&sample(&format!("{tool}/scan.{ext}"))],
                &dir.path().join(format!("{tool}-{ext}")),
            ));
            assert_eq!(tally(&r), want, "{tool} {ext}");
        }
    }
}
