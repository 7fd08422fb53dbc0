//! Finding identity and the gate built on it, end to end through the
//! binary: occurrences and sources of merged findings, line-free
//! fingerprints, one spelling per path, `--baseline`, `on = "new"` and
//! `--block-at`.

use crate::common::{self, fixture};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stderr: String,
    json: Value,
}

/// `cordon run ARGS --out OUT`, which must write `findings.json`.
fn cordon(args: &[&str], out: &Path) -> Run {
    let r = common::cordon(&[&["run"], args].concat(), out);
    Run {
        code: r.code,
        stderr: r.stderr,
        json: r.json.expect("findings.json written"),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn fingerprints(j: &Value) -> Vec<String> {
    let mut v: Vec<String> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect();
    v.sort();
    v
}

/// `webapp.sarif` with every result's region and URI rewritten by `edit`.
fn edited_sarif(dir: &Path, name: &str, edit: impl Fn(&mut Value)) -> std::path::PathBuf {
    let mut doc: Value = serde_json::from_slice(
        &std::fs::read(fixture("sarif/webapp.sarif")).expect("read fixture"),
    )
    .expect("fixture is JSON");
    for r in doc["runs"][0]["results"]
        .as_array_mut()
        .expect("results")
        .iter_mut()
    {
        edit(&mut r["locations"][0]["physicalLocation"]);
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&doc).expect("serialise")).expect("write");
    path
}

#[test]
fn merged_findings_carry_occurrences_and_every_source_pointer() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = cordon(&[s(&fixture("sarif/webapp.sarif"))], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let findings = r.json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 3);
    let md5 = findings
        .iter()
        .find(|f| f["rule_id"] == "python.lang.security.insecure-hash-md5")
        .expect("the md5 finding");
    assert_eq!(md5["occurrences"], 2);
    assert_eq!(
        md5["sources"],
        serde_json::json!([
            {"input": 0, "source_pointer": "/runs/0/results/1"},
            {"input": 0, "source_pointer": "/runs/0/results/2"},
        ])
    );
    for f in findings.iter().filter(|f| f["rule_id"] != md5["rule_id"]) {
        assert_eq!(f["occurrences"], 1);
        assert_eq!(f["sources"].as_array().map(Vec::len), Some(1));
    }
    assert_eq!(r.json["fingerprint_version"], "normalizer-default/v2");
}

#[test]
fn shifting_lines_keeps_every_fingerprint() {
    let dir = tempfile::tempdir().expect("tmp");
    let shifted = edited_sarif(dir.path(), "shifted.sarif", |loc| {
        let region = &mut loc["region"];
        for key in ["startLine", "endLine"] {
            if let Some(n) = region[key].as_u64() {
                region[key] = (n + 7).into();
            }
        }
    });
    let before = cordon(&[s(&fixture("sarif/webapp.sarif"))], &dir.path().join("a"));
    let after = cordon(&[s(&shifted)], &dir.path().join("b"));
    assert_eq!(fingerprints(&before.json), fingerprints(&after.json));
    assert_eq!(
        after.json["findings"][0]["locations"][0]["start_line"], 49,
        "the display location moves with the code"
    );
}

#[test]
fn every_spelling_of_a_path_is_one_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let uri = |loc: &mut Value, f: &dyn Fn(&str) -> String| {
        let u = loc["artifactLocation"]["uri"]
            .as_str()
            .expect("uri")
            .to_string();
        loc["artifactLocation"]["uri"] = f(&u).into();
    };
    let file_uri = edited_sarif(dir.path(), "uri.sarif", |loc| {
        uri(loc, &|u| format!("file:///home/runner/work/shop/{u}"))
    });
    let dotted = edited_sarif(dir.path(), "dotted.sarif", |loc| {
        uri(loc, &|u| format!("./{u}"))
    });
    let rooted = edited_sarif(dir.path(), "rooted.sarif", |loc| {
        uri(loc, &|u| format!("/{u}"))
    });
    let plain = cordon(&[s(&fixture("sarif/webapp.sarif"))], &dir.path().join("p"));
    let from_uri = cordon(
        &[s(&file_uri), "--source-root", "/home/runner/work/shop"],
        &dir.path().join("u"),
    );
    assert_eq!(from_uri.code, 0, "{}", from_uri.stderr);
    assert_eq!(fingerprints(&plain.json), fingerprints(&from_uri.json));
    assert_eq!(
        from_uri.json["findings"][0]["locations"][0]["path"],
        "app/views.py"
    );
    for other in [&dotted, &rooted] {
        let r = cordon(&[s(other)], &dir.path().join("o"));
        assert_eq!(
            fingerprints(&plain.json),
            fingerprints(&r.json),
            "{other:?}"
        );
    }
    // All four at once: one set of three findings, each seen four times.
    let all = cordon(
        &[
            s(&fixture("sarif/webapp.sarif")),
            s(&file_uri),
            s(&dotted),
            s(&rooted),
            "--source-root",
            "/home/runner/work/shop",
        ],
        &dir.path().join("all"),
    );
    assert_eq!(fingerprints(&all.json), fingerprints(&plain.json));
    let occurrences: Vec<u64> = all.json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["occurrences"].as_u64().expect("occurrences"))
        .collect();
    assert_eq!(occurrences, [4, 8, 4]);
    // A relative --source-root says nothing reports carry: refused.
    let rel = cordon(
        &[s(&file_uri), "--source-root", "shop"],
        &dir.path().join("rel"),
    );
    assert_eq!(rel.code, 2);
    assert!(rel.stderr.contains("--source-root shop"), "{}", rel.stderr);
}

#[test]
fn a_baseline_splits_findings_into_new_existing_and_fixed() {
    let dir = tempfile::tempdir().expect("tmp");
    let webapp = fixture("sarif/webapp.sarif");
    let semgrep = fixture("semgrep/cli-mixed.json");
    let base = cordon(&[s(&webapp)], &dir.path().join("base"));
    let baseline = dir.path().join("base/findings.json");

    let r = cordon(
        &[s(&webapp), s(&semgrep), "--baseline", s(&baseline)],
        &dir.path().join("next"),
    );
    let total = r.json["findings"].as_array().map_or(0, Vec::len);
    assert!(total > 3, "{total}");
    assert_eq!(r.json["baseline"]["existing"], 3);
    assert_eq!(r.json["baseline"]["new"], total - 3);
    assert_eq!(r.json["baseline"]["fixed"], 0);
    assert_eq!(r.json["baseline"]["run_id"], base.json["run_id"]);
    let existing: Vec<&Value> = r.json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["baseline"] == "existing")
        .collect();
    assert_eq!(existing.len(), 3);
    assert!(existing.iter().all(|f| f["input"] == 0));
    assert!(
        r.stderr
            .contains(&format!("baseline: {} new, 3 existing, 0 fixed", total - 3)),
        "{}",
        r.stderr
    );

    let gone = cordon(
        &[s(&semgrep), "--baseline", s(&baseline)],
        &dir.path().join("gone"),
    );
    assert_eq!(gone.json["baseline"]["existing"], 0);
    assert_eq!(gone.json["baseline"]["fixed"], 3);

    let plain = cordon(&[s(&webapp)], &dir.path().join("plain"));
    assert!(plain.json.get("baseline").is_none());
    assert!(
        plain.json["findings"][0].get("baseline").is_none(),
        "no baseline, no per-finding status"
    );
}

#[test]
fn a_policy_on_new_findings_blocks_only_what_the_baseline_lacks() {
    let dir = tempfile::tempdir().expect("tmp");
    let policy = dir.path().join("new-only.toml");
    std::fs::write(
        &policy,
        "name = \"new-only\"\nversion = \"1\"\ndefault_environment = \"ci\"\n\
         [environments.ci]\nblock = \"low\"\non = \"new\"\n",
    )
    .expect("write policy");
    let webapp = fixture("sarif/webapp.sarif");
    let first = cordon(&[s(&webapp), "--policy", s(&policy)], &dir.path().join("a"));
    assert_eq!(first.code, 1, "without a baseline every finding is new");
    let baseline = dir.path().join("a/findings.json");
    let again = cordon(
        &[
            s(&webapp),
            "--policy",
            s(&policy),
            "--baseline",
            s(&baseline),
        ],
        &dir.path().join("b"),
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let rules: Vec<&str> = again.json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["rule_id"].as_str().expect("rule"))
        .collect();
    assert_eq!(rules, ["ci/existing"; 3]);
    let more = cordon(
        &[
            s(&webapp),
            s(&fixture("semgrep/cli-mixed.json")),
            "--policy",
            s(&policy),
            "--baseline",
            s(&baseline),
        ],
        &dir.path().join("c"),
    );
    assert_eq!(more.code, 1);
    let new = more.json["baseline"]["new"].as_u64().expect("new");
    assert_eq!(more.json["gate"]["blocked"].as_u64(), Some(new));
}

#[test]
fn block_at_raises_over_the_policy_and_says_what_the_policy_said() {
    let dir = tempfile::tempdir().expect("tmp");
    let webapp = fixture("sarif/webapp.sarif");
    // The default policy's dev environment tickets `high`.
    let r = cordon(&[s(&webapp), "--block-at", "high"], &dir.path().join("a"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json["gate"]["block_at"], "high");
    let blocked: Vec<&Value> = r.json["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter(|d| d["action"] == "block")
        .collect();
    assert_eq!(blocked.len(), 1);
    assert_eq!(blocked[0]["rule_id"], "cli/block-at-high");
    let reason = blocked[0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains("the policy alone said ticket (dev/ticket-at-high"),
        "{reason}"
    );
    // `--fail-on` is the same flag; with a baseline only new findings rise.
    let baseline = dir.path().join("a/findings.json");
    let again = cordon(
        &[s(&webapp), "--fail-on", "high", "--baseline", s(&baseline)],
        &dir.path().join("b"),
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let bad = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["run", s(&webapp), "--block-at", "severe"])
        .output()
        .expect("cordon runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("severe"),
        "the usage error names the value"
    );
}

#[test]
fn a_baseline_that_cannot_be_compared_is_an_error_and_everything_is_new() {
    let dir = tempfile::tempdir().expect("tmp");
    let webapp = fixture("sarif/webapp.sarif");
    let first = cordon(&[s(&webapp)], &dir.path().join("a"));
    let mut old = first.json.clone();
    old["fingerprint_version"] = "normalizer-default/v1".into();
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, serde_json::to_vec(&old).expect("json")).expect("write");
    let r = cordon(
        &[s(&webapp), "--baseline", s(&old_path)],
        &dir.path().join("b"),
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.json["errors"][0]["kind"], "baseline-incompatible");
    assert_eq!(r.json["baseline"]["new"], 3);
    assert_eq!(r.json["baseline"]["existing"], 0);

    for (name, body) in [
        ("not-json.json", &b"not json"[..]),
        ("array.json", b"[]"),
        ("other.json", br#"{"schema_version":"x/v9","findings":[]}"#),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).expect("write");
        let r = cordon(&[s(&webapp), "--baseline", s(&p)], &dir.path().join("c"));
        assert_eq!(r.code, 2, "{name}");
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert_eq!(r.json["gate"]["verdict"], "error");
    }
}

/// A sample made by running the real scanner (`tests/identity/README.md`
/// has the commands and versions).
fn sample(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/identity")
        .join(rel)
}

const TOOLS: [&str; 3] = ["bandit", "semgrep", "checkov"];

#[test]
fn json_and_sarif_of_one_real_scan_are_one_set_of_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    for tool in TOOLS {
        let json = sample(&format!("{tool}/scan.json"));
        let sarif = sample(&format!("{tool}/scan.sarif"));
        let a = cordon(&[s(&json)], &dir.path().join(format!("{tool}-json")));
        let b = cordon(&[s(&sarif)], &dir.path().join(format!("{tool}-sarif")));
        assert!(
            a.json["errors"].as_array().is_some_and(Vec::is_empty),
            "{tool}: {}",
            a.stderr
        );
        assert!(
            b.json["errors"].as_array().is_some_and(Vec::is_empty),
            "{tool}: {}",
            b.stderr
        );
        let n = a.json["inputs"][0]["findings_parsed"]
            .as_u64()
            .expect("count");
        assert_eq!(
            b.json["inputs"][0]["findings_parsed"].as_u64(),
            Some(n),
            "{tool}"
        );
        assert_eq!(
            fingerprints(&a.json).len() as u64,
            n,
            "{tool}: nothing merged within one report"
        );
        assert_eq!(
            fingerprints(&a.json),
            fingerprints(&b.json),
            "{tool}: JSON vs SARIF"
        );
        let both = cordon(
            &[s(&json), s(&sarif)],
            &dir.path().join(format!("{tool}-both")),
        );
        assert_eq!(
            fingerprints(&both.json),
            fingerprints(&a.json),
            "{tool}: together"
        );
        for f in both.json["findings"].as_array().expect("findings") {
            assert_eq!(f["occurrences"], 2, "{tool}: {}", f["rule_id"]);
            let inputs: Vec<&Value> = f["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .map(|s| &s["input"])
                .collect();
            assert_eq!(inputs, [&Value::from(0), &Value::from(1)], "{tool}");
        }
    }
}

#[test]
fn fingerprints_survive_a_real_line_shift() {
    let dir = tempfile::tempdir().expect("tmp");
    for tool in TOOLS {
        for ext in ["json", "sarif"] {
            let before = cordon(
                &[s(&sample(&format!("{tool}/scan.{ext}")))],
                &dir.path().join(format!("{tool}-{ext}-a")),
            );
            let after = cordon(
                &[s(&sample(&format!("{tool}/shifted.{ext}")))],
                &dir.path().join(format!("{tool}-{ext}-b")),
            );
            assert!(!fingerprints(&before.json).is_empty(), "{tool} {ext}");
            assert_eq!(
                fingerprints(&before.json),
                fingerprints(&after.json),
                "{tool} {ext}"
            );
            let line = |r: &Run| r.json["findings"][0]["locations"][0]["start_line"].clone();
            assert_ne!(
                line(&before),
                line(&after),
                "{tool} {ext}: the lines did move"
            );
        }
    }
}

#[test]
fn one_rule_with_two_messages_on_one_line_stays_two() {
    let dir = tempfile::tempdir().expect("tmp");
    for (report, n) in [
        ("same-line/semgrep/scan.sarif", 6),
        ("same-line/semgrep/scan.json", 6),
        ("same-line/bandit/scan.json", 2),
        ("same-line/bandit/scan.sarif", 2),
    ] {
        let r = cordon(&[s(&sample(report))], dir.path());
        assert_eq!(r.json["inputs"][0]["findings_parsed"], n, "{report}");
        assert_eq!(
            r.json["findings"].as_array().map(Vec::len),
            Some(n),
            "{report}"
        );
    }
}
