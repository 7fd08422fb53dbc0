//! Suppressions (policy, ignore file, VEX) and what became of each,
//! `--compare-policy`, and `cordon explain`, through the real binary on
//! `tests/fixtures/trivy/image-schema2.json` with the samples in
//! `tests/gating/`.

use crate::common::{CliRun, cordon_in, decided, decision_of};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-12-07";

fn gating_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gating")
}

/// The trivy fixture, relative to `tests/gating`.
const TRIVY: &str = "../fixtures/trivy/image-schema2.json";

fn run_in_gating(extra: &[&str]) -> (CliRun, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tmp");
    let mut args = vec!["run", TRIVY, "--today", TODAY];
    args.extend_from_slice(extra);
    (cordon_in(&gating_dir(), &args, out.path()), out)
}

fn json(run: &CliRun) -> &Value {
    run.json.as_ref().expect("findings.json written")
}

fn statuses(doc: &Value) -> Vec<(String, String, String, u64)> {
    doc["suppressions"]
        .as_array()
        .expect("suppressions")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_string(),
                s["origin"].as_str().unwrap_or_default().to_string(),
                s["status"].as_str().unwrap_or_default().to_string(),
                s["findings"].as_u64().unwrap_or(99),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, &str, u64)]) -> Vec<(String, String, String, u64)> {
    v.iter()
        .map(|(a, b, c, n)| (a.to_string(), b.to_string(), c.to_string(), *n))
        .collect()
}

#[test]
fn the_ignore_file_is_discovered_and_every_entry_reports_its_fate() {
    let (run, _out) = run_in_gating(&[]);
    let doc = json(&run);
    assert_eq!(
        statuses(doc),
        owned(&[
            ("IGN-1", "ignore-file", "applied", 1),
            ("IGN-2", "ignore-file", "expired", 1),
            ("IGN-3", "ignore-file", "unused", 0),
        ])
    );
    let gpl = decision_of(doc, "GPL-3.0-or-later");
    assert_eq!(gpl["action"], "suppressed");
    assert_eq!(gpl["rule_id"], "ignore-file/IGN-1");
    assert_eq!(gpl["policy_name"], ".cordonignore.toml");
    assert_eq!(gpl["suppression"]["id"], "IGN-1");
    assert_eq!(
        gpl["matched"],
        serde_json::json!([
            {"field": "rule_id", "value": "GPL-3.0-or-later", "pattern": "GPL-*"},
            {"field": "component", "value": "bash", "pattern": "bash"},
        ])
    );
    let zlib = decision_of(doc, "CVE-2023-45853");
    assert_eq!(
        zlib["action"], "block",
        "an expired suppression suppresses nothing"
    );
    assert_eq!(zlib["expired_suppression"]["id"], "IGN-2");
    assert!(
        zlib["reason"].as_str().is_some_and(|r| r.ends_with(
            "ignore-file suppression IGN-2 in .cordonignore.toml (owner appsec@shop.example.com) would have covered it but expired on 2026-11-30"
        )),
        "{}",
        zlib["reason"]
    );
    assert!(
        run.stderr
            .contains("suppressions: 1 applied, 1 expired, 1 unused")
    );
    assert!(run.stderr.contains(
        "  expired IGN-2 (ignore-file, .cordonignore.toml): expired 2026-11-30, would cover 1 finding"
    ));
    assert!(
        run.stderr
            .contains("  unused  IGN-3 (ignore-file, .cordonignore.toml): matched nothing")
    );

    let (none, _o) = run_in_gating(&["--no-ignore-file"]);
    assert_eq!(statuses(json(&none)), owned(&[]));
    assert_eq!(
        decision_of(json(&none), "GPL-3.0-or-later")["action"],
        "ticket"
    );
}

#[test]
fn cordon_toml_suppressions_and_an_explicit_ignore_file() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("cordon.toml"),
        "# other settings are not the ignore file's business\n[run]\nenv = 'prod'\n\n\
         [[suppressions]]\nid = 'CT-1'\nowner = 'o@example.com'\nreason = 'accepted'\n\
         expiry = '2027-01-31'\nmatch = { path = 'config/*.py', kind = 'secret' }\n",
    )
    .expect("write");
    let fixture = crate::common::fixture("trivy/image-schema2.json");
    let out = tempfile::tempdir().expect("tmp");
    let run = cordon_in(
        dir.path(),
        &["run", fixture.to_str().expect("utf-8"), "--today", TODAY],
        out.path(),
    );
    let doc = json(&run);
    assert_eq!(
        statuses(doc),
        owned(&[("CT-1", "ignore-file", "applied", 1)])
    );
    assert_eq!(
        decision_of(doc, "stripe-secret-token")["rule_id"],
        "ignore-file/CT-1"
    );

    // --ignore-file replaces discovery
    let explicit = cordon_in(
        dir.path(),
        &[
            "run",
            fixture.to_str().expect("utf-8"),
            "--today",
            TODAY,
            "--ignore-file",
            gating_dir()
                .join(".cordonignore.toml")
                .to_str()
                .expect("utf-8"),
        ],
        out.path(),
    );
    let ids: Vec<String> = statuses(json(&explicit)).into_iter().map(|s| s.0).collect();
    assert_eq!(ids, ["IGN-1", "IGN-2", "IGN-3"]);
}

#[test]
fn policy_suppressions_report_their_status_too() {
    let dir = tempfile::tempdir().expect("tmp");
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "name='p'\nversion='1'\ndefault_environment='dev'\n[environments.dev]\nblock='high'\n\
         [[suppressions]]\nid='P-1'\nowner='o'\nreason='license accepted'\nmatch={rule_id='GPL-*'}\n\
         [[suppressions]]\nid='P-2'\nowner='o'\nreason='lapsed'\nexpires='2026-01-01'\nmatch={tool='trivy', severity='>=critical'}\n\
         [[suppressions]]\nid='P-3'\nowner='o'\nreason='nothing'\nmatch={cwe='79'}\n",
    )
    .expect("write");
    let (run, _out) = run_in_gating(&[
        "--no-ignore-file",
        "--policy",
        policy.to_str().expect("utf-8"),
    ]);
    let doc = json(&run);
    assert_eq!(
        statuses(doc),
        owned(&[
            ("P-1", "policy", "applied", 1),
            ("P-2", "policy", "expired", 2),
            ("P-3", "policy", "unused", 0),
        ])
    );
    let secret = decision_of(doc, "stripe-secret-token");
    assert_eq!(secret["action"], "block");
    assert_eq!(secret["expired_suppression"]["id"], "P-2");
    assert!(
        secret["reason"].as_str().is_some_and(|r| r
            .contains("suppression P-2 (owner o) would have covered it but expired on 2026-01-01")),
        "{}",
        secret["reason"]
    );
}

#[test]
fn vex_not_affected_suppresses_by_vulnerability_and_purl() {
    let (run, _out) = run_in_gating(&[
        "--no-ignore-file",
        "--vex",
        "openvex.json",
        "--vex",
        "cyclonedx-vex.json",
    ]);
    let doc = json(&run);
    assert_eq!(
        run.code, 1,
        "the zlib critical still blocks: {}",
        run.stderr
    );
    assert_eq!(
        statuses(doc),
        owned(&[
            ("openvex.json#/statements/0", "vex", "applied", 1),
            ("openvex.json#/statements/2", "vex", "unused", 0),
            ("cyclonedx-vex.json#/vulnerabilities/0", "vex", "applied", 1),
        ])
    );
    let ssl = decision_of(doc, "CVE-2024-2511");
    assert_eq!(ssl["action"], "suppressed");
    assert_eq!(ssl["rule_id"], "vex/openvex.json#/statements/0");
    assert_eq!(
        ssl["suppression"]["owner"],
        "Shop Security Team <security@shop.example.com>"
    );
    assert!(
        ssl["reason"].as_str().is_some_and(|r| r.starts_with(
            "suppressed by vex openvex.json#/statements/0 in openvex.json (owner Shop Security Team <security@shop.example.com>): VEX not_affected (vulnerable_code_not_in_execute_path): the API terminates TLS"
        )),
        "{}",
        ssl["reason"]
    );
    assert_eq!(ssl["matched"][1]["field"], "component");
    let micromatch = decision_of(doc, "GHSA-952p-6rrq-rcjv");
    assert_eq!(
        micromatch["rule_id"], "vex/cyclonedx-vex.json#/vulnerabilities/0",
        "OpenVEX says affected (no suppression); CycloneDX says not_affected"
    );
    assert_eq!(
        micromatch["policy_digest"].as_str().map(|d| d.len()),
        Some(71)
    );

    // Only the OpenVEX file: micromatch is `affected` there, so it stands.
    let (only, _o) = run_in_gating(&["--no-ignore-file", "--vex", "openvex.json"]);
    assert_eq!(
        decision_of(json(&only), "GHSA-952p-6rrq-rcjv")["action"],
        "record"
    );
}

#[test]
fn unusable_vex_and_ignore_files_stop_the_run_naming_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            "no-product.json",
            r#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"not_affected"}]}"#,
            "no product with a package URL",
        ),
        ("unknown.json", r#"{"statements":[]}"#, "neither OpenVEX"),
        (
            "bad.toml",
            "[[suppressions]]\nid='X'\nowner='o'\nreason='r'\nmatch={}\n",
            "would match every finding",
        ),
    ];
    for (name, text, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let flag = if name.ends_with(".toml") {
            "--ignore-file"
        } else {
            "--vex"
        };
        let (run, _o) = run_in_gating(&[flag, path.to_str().expect("utf-8")]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(path.to_str().expect("utf-8")) && run.stderr.contains(says),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn compare_policy_lists_the_decisions_that_would_change_and_leaves_the_gate() {
    let (base, _o1) = run_in_gating(&["--no-ignore-file"]);
    let (cmp, _o2) = run_in_gating(&["--no-ignore-file", "--compare-policy", "candidate.toml"]);
    assert_eq!(cmp.code, base.code, "the gate is unaffected");
    assert_eq!(
        decided(json(&cmp)),
        decided(json(&base)),
        "decisions are the active policy's"
    );
    let c = &json(&cmp)["policy_comparison"];
    assert_eq!(c["path"], "candidate.toml");
    let changed: Vec<(String, String, String, String)> = c["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .map(|x| {
            (
                x["rule_id"].as_str().unwrap_or_default().to_string(),
                x["from"].as_str().unwrap_or_default().to_string(),
                x["to"].as_str().unwrap_or_default().to_string(),
                x["to_rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want = [
        (
            "GHSA-952p-6rrq-rcjv",
            "record",
            "ticket",
            "dev/ticket-at-medium",
        ),
        (
            "stripe-secret-token",
            "block",
            "ticket",
            "dev/ticket-at-medium",
        ),
        ("GPL-3.0-or-later", "ticket", "block", "dev/block-at-high"),
    ];
    assert_eq!(
        changed,
        want.map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
    );
    assert!(
        cmp.stderr.contains(
            "compare-policy: 3 decisions would change under candidate.toml (gate unaffected)"
        ),
        "{}",
        cmp.stderr
    );
    assert!(
        base.json
            .as_ref()
            .is_some_and(|d| d.get("policy_comparison").is_none())
    );

    // A candidate that does not evaluate is reported, and still not the gate's business.
    let dir = tempfile::tempdir().expect("tmp");
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "name='x'\nversion='1'\n[environments.dev]\nblock='severe'\n",
    )
    .expect("write");
    let (bad, _o3) = run_in_gating(&[
        "--no-ignore-file",
        "--compare-policy",
        broken.to_str().expect("utf-8"),
    ]);
    assert_eq!(bad.code, base.code);
    assert!(
        json(&bad)["policy_comparison"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("unknown severity \"severe\"")),
        "{}",
        json(&bad)["policy_comparison"]
    );
}

fn explain(out: &Path, args: &[&str]) -> (i32, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("explain")
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .expect("cordon explain runs");
    (
        o.status.code().expect("exited"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn explain_says_why_from_findings_json_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "name='release-gate'\nversion='3.1.0'\ndefault_environment='prod'\n\
         [environments.prod]\nblock='high'\nticket='medium'\n\
         [[severity]]\nmatch={kind='secret', path='config/'}\nseverity='medium'\nreason='config/ holds test keys only'\n",
    )
    .expect("write");
    let (run, out) = run_in_gating(&[
        "--policy",
        policy.to_str().expect("utf-8"),
        "--vex",
        "openvex.json",
        "--block-at",
        "critical",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let (code, text) = explain(out.path(), &[]);
    assert_eq!(code, 0);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"run [0-9a-f]{32}", "run [run-id]");
    settings.bind(|| insta::assert_snapshot!("explain_every_finding", text));

    // By rule, by path glob, by fingerprint prefix; nothing matches: exit 1.
    let fp = json(&run)["findings"][0]["fingerprint"]
        .as_str()
        .expect("fp")
        .to_string();
    for (query, n) in [
        ("CVE-2023-45853", 1),
        ("GPL-*", 1),
        ("config/", 1),
        ("**/package-lock.json", 1),
        (&fp[..8], 1),
    ] {
        let (code, j) = explain(out.path(), &["--json", query]);
        assert_eq!(code, 0, "{query}");
        let doc: Value = serde_json::from_str(&j).expect("JSON");
        assert_eq!(doc["schema_version"], "cordon.explain/v1");
        assert_eq!(
            doc["explanations"].as_array().map(Vec::len),
            Some(n),
            "{query}"
        );
        assert!(doc["explanations"][0]["decision"]["reason"].is_string());
    }
    assert_eq!(explain(out.path(), &["no-such-rule"]).0, 1);
    // `cordon explain RUN.json [QUERY]`, as the product contract writes it
    let run_json = out.path().join("findings.json");
    let (code, one) = explain(
        &out.path().join("unused"),
        &[run_json.to_str().expect("utf-8"), "DS026"],
    );
    assert_eq!(code, 0);
    assert!(
        one.contains("1 of 6 findings") && one.contains("trivy DS026"),
        "{one}"
    );
    assert_eq!(explain(&out.path().join("missing"), &[]).0, 2);
}
