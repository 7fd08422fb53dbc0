//! The Rego policy stage (`policy-rego`) through the real binary, with the
//! example policies in `policies/rego/` and the pipeline
//! `policies/pipelines/rego.toml`: deny / warn / exception, a bundle
//! directory packed by the host, and gating on new findings.

use crate::common::{CliRun, cordon, decided, decision_of, triples};
use std::path::Path;

const TRIVY: &str = "tests/fixtures/trivy/image-schema2.json";
const PIPELINE: &str = "policies/pipelines/rego.toml";

fn run(extra: &[&str]) -> (CliRun, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tmp");
    let mut args = vec!["run", "--pipeline", PIPELINE, "--no-ignore-file", TRIVY];
    args.extend_from_slice(extra);
    (cordon(&args, out.path()), out)
}

#[test]
fn prod_gate_denies_and_warns_by_environment() {
    let (prod, _o) = run(&["--env", "prod"]);
    assert_eq!(prod.code, 1, "{}", prod.stderr);
    let doc = prod.json.as_ref().expect("findings.json");
    assert_eq!(
        decided(doc),
        triples(&[
            ("CVE-2024-2511", "record", "main.record"),
            ("CVE-2023-45853", "block", "main.deny_critical"),
            ("GHSA-952p-6rrq-rcjv", "notify", "main.warn_medium"),
            ("DS026", "record", "main.record"),
            ("stripe-secret-token", "block", "main.deny_critical"),
            ("GPL-3.0-or-later", "block", "main.deny_high"),
        ])
    );
    let d = &doc["decisions"][0];
    assert_eq!(
        (&d["policy_name"], &d["policy_version"]),
        (&"prod-gate".into(), &"1.0.0".into())
    );
    let gpl = decision_of(doc, "GPL-3.0-or-later");
    assert_eq!(
        gpl["matched"],
        serde_json::json!([{"field": "severity", "value": "high", "pattern": "deny_high"}])
    );
    assert_eq!(
        gpl["reason"],
        "high other finding GPL-3.0-or-later (trivy) blocks prod"
    );

    let (dev, _o) = run(&["--env", "dev"]);
    let high: Vec<_> = decided(dev.json.as_ref().expect("findings.json"))
        .into_iter()
        .filter(|d| d.0 == "GPL-3.0-or-later")
        .collect();
    assert_eq!(
        high,
        triples(&[("GPL-3.0-or-later", "record", "main.record")])
    );
}

#[test]
fn a_bundle_directory_brings_data_and_exceptions() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("policies/rego/bundle/gate.rego"),
        dir.path().join("gate.rego"),
    )
    .expect("copy the shipped bundle's module");
    std::fs::write(
        dir.path().join(".manifest"),
        r#"{"revision": "4.2.0", "metadata": {"name": "shop-gate"}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("data.json"),
        r#"{"exceptions": [{"rule_id": "stripe-secret-token", "path_prefix": "config/", "reason": "test keys only (SEC-9)"}]}"#,
    )
    .expect("write");
    let (packed, _o) = run(&["--policy", dir.path().to_str().expect("utf-8")]);
    let doc = packed.json.as_ref().expect("findings.json");
    assert_eq!(
        decided(doc),
        triples(&[
            ("CVE-2024-2511", "record", "main.record"),
            ("CVE-2023-45853", "block", "main.deny_high"),
            ("GHSA-952p-6rrq-rcjv", "record", "main.record"),
            ("DS026", "record", "main.record"),
            ("stripe-secret-token", "record", "main.record"),
            ("GPL-3.0-or-later", "block", "main.deny_high"),
        ])
    );
    let secret = decision_of(doc, "stripe-secret-token");
    assert_eq!(secret["policy_name"], "shop-gate");
    assert_eq!(secret["policy_version"], "4.2.0");
    assert!(
        secret["reason"]
            .as_str()
            .is_some_and(|r| r.contains("deny_high exempted by exception: test keys only (SEC-9)")),
        "{}",
        secret["reason"]
    );
    // The digest is of the packed bundle: editing data changes it.
    let digest = secret["policy_digest"].clone();
    std::fs::write(dir.path().join("data.json"), r#"{"exceptions": []}"#).expect("write");
    let (again, _o) = run(&["--policy", dir.path().to_str().expect("utf-8")]);
    let doc = again.json.as_ref().expect("findings.json");
    assert_ne!(doc["decisions"][0]["policy_digest"], digest);
    assert!(decided(doc).contains(&(
        "stripe-secret-token".into(),
        "block".into(),
        "main.deny_high".into()
    )));
}

#[test]
fn new_only_blocks_what_the_baseline_lacks() {
    let (first, base) = run(&["--policy", "policies/rego/new-only.rego"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let baseline = base.path().join("findings.json");
    let (second, _o) = run(&[
        "--policy",
        "policies/rego/new-only.rego",
        "--baseline",
        baseline.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        second.code, 0,
        "every finding is existing: {}",
        second.stderr
    );
    let got = decided(second.json.as_ref().expect("findings.json"));
    assert_eq!(
        got.iter().filter(|d| d.2 == "main.warn_existing").count(),
        3,
        "{got:?}"
    );
}

#[test]
fn a_broken_rego_policy_is_a_config_error_with_its_position() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.rego");
    std::fs::write(
        &bad,
        "package main\n\ndeny[msg] {\n  msg := \"v0 syntax\"\n}\n",
    )
    .expect("write");
    let (broken, _o) = run(&["--policy", bad.to_str().expect("utf-8")]);
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    let errors = &broken.json.as_ref().expect("findings.json")["errors"];
    assert_eq!(errors[0]["kind"], "invalid-config", "{errors}");
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("policy.rego:3")),
        "{errors}"
    );
}
