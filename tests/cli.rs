//! `cordon run` end to end: the binary, the embedded default pipeline, real
//! components, the repo's own fixtures. Exit codes, outputs and errors.

mod common;

use common::fixture;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Run {
    code: i32,
    stderr: String,
    json: Option<Value>,
}

fn cordon(args: &[&str], out: &Path) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .arg("--out")
        .arg(out)
        .env_remove("CORDON_ENV")
        .output()
        .expect("cordon runs");
    let json = std::fs::read(out.join("findings.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("findings.json is JSON"));
    Run {
        code: output.status.code().expect("exited"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn clean_report_passes_with_exit_0() {
    let dir = tmp();
    let r = cordon(&["run", path(&fixture("sarif/clean.sarif"))], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json.expect("findings.json written");
    assert_eq!(j["schema_version"], "cordon.findings/v1");
    assert_eq!(j["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["decisions"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["errors"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["inputs"][0]["status"], "ok");
    assert_eq!(j["inputs"][0]["format"], "sarif-2.1.0");
    assert_eq!(j["gate"]["verdict"], "pass");
    assert!(
        r.stderr.contains("gate: PASS [enforce] -> exit 0"),
        "{}",
        r.stderr
    );
}

#[test]
fn findings_carry_the_contract_fields() {
    let dir = tmp();
    let r = cordon(&["run", path(&fixture("sarif/mixed.sarif"))], dir.path());
    let j = r.json.expect("findings.json written");
    let findings = j["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        for key in ["tool", "rule_id", "severity", "fingerprint"] {
            assert!(
                f[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} in {f}"
            );
        }
        assert!(
            f["vulnerability_ids"].is_array() && f["cwes"].is_array(),
            "{f}"
        );
        assert!(
            f["source_pointer"]
                .as_str()
                .is_some_and(|s| s.starts_with("/runs/0/results/"))
        );
    }
    // The SQL injection result: security-severity 9.8, CWE-89, a real location.
    let sqli = findings
        .iter()
        .find(|f| f["rule_id"] == "js/sql-injection")
        .expect("sql injection finding");
    assert_eq!(sqli["severity"], "critical");
    assert_eq!(sqli["cwes"], serde_json::json!([89]));
    assert!(
        sqli["locations"][0]["path"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );
    assert!(
        sqli["locations"][0]["start_line"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );
    let merge = findings
        .iter()
        .find(|f| f["rule_id"] == "js/vulnerable-merge")
        .expect("merge finding");
    assert_eq!(
        merge["vulnerability_ids"],
        serde_json::json!(["CVE-2019-10744"])
    );
    // One decision per finding, each stamped with the policy digest.
    let decisions = j["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), findings.len());
    assert!(decisions.iter().all(|d| {
        d["policy_digest"]
            .as_str()
            .is_some_and(|s| s.starts_with("sha256:") && s.len() == 71)
    }));
    // Every stage is recorded with its digest and how it was verified; of
    // the embedded parsers only the one an input needed was compiled.
    let stages = j["stages"].as_array().expect("stages");
    assert!(stages.iter().all(|s| {
        s["verified_by"] == "embedded sha256 pin"
            && s["sha256"]
                .as_str()
                .is_some_and(|d| d.starts_with("sha256:"))
    }));
    let used: Vec<&str> = stages
        .iter()
        .filter(|s| s["used"] == true)
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        used,
        ["parser-sarif", "normalizer-default", "policy-threshold"]
    );
}

#[test]
fn dedup_happens_after_parsing() {
    let dir = tmp();
    let r = cordon(&["run", path(&fixture("sarif/webapp.sarif"))], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json.expect("written");
    // Four SARIF results, two of them the same finding.
    assert_eq!(j["inputs"][0]["findings_parsed"], 4);
    assert_eq!(j["findings"].as_array().map(Vec::len), Some(3));
}

#[test]
fn environment_decides_the_gate() {
    let dir = tmp();
    let report = fixture("sarif/webapp.sarif");
    // dev (the policy default) blocks only critical: passes, one ticket.
    let r = cordon(&["run", path(&report)], dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = &r.json.expect("written")["gate"];
    assert_eq!(
        (g["blocked"].as_u64(), g["tickets"].as_u64()),
        (Some(0), Some(1))
    );

    // prod blocks high and above: exit 1.
    let r = cordon(&["run", "--env", "prod", path(&report)], dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json.expect("written");
    assert_eq!(j["gate"]["verdict"], "block");
    assert_eq!(j["gate"]["blocked"], 1);
    let block = j["decisions"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["action"] == "block"))
        .expect("a block decision");
    assert_eq!(block["rule_id"], "prod/block-at-high");
    assert_eq!(
        block["reason"],
        "severity high is at or above the prod block threshold (high)"
    );
    assert!(
        r.stderr
            .contains("blocking:\n  [high] python.flask.security.open-redirect  app/views.py:42"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("gate: BLOCK [enforce] -> exit 1"),
        "{}",
        r.stderr
    );

    // report-only reports the block and passes.
    let r = cordon(
        &[
            "run",
            "--env",
            "prod",
            "--mode",
            "report-only",
            path(&report),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let g = &r.json.expect("written")["gate"];
    assert_eq!(
        (g["verdict"].as_str(), g["blocked"].as_u64()),
        (Some("pass"), Some(1))
    );

    // An environment the policy does not define is an error naming it.
    let r = cordon(&["run", "--env", "qa", path(&report)], dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "environment \"qa\" is not defined in policy \"default\" (defined: dev, prod, staging)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_report_exits_2_and_names_the_file() {
    let dir = tmp();
    let bad = fixture("sarif/malformed.sarif");
    let r = cordon(&["run", path(&bad)], dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r
        .json
        .expect("findings.json is written even for a failed run");
    let e = &j["errors"][0];
    assert_eq!(e["kind"], "malformed-input");
    assert_eq!(e["stage"], "parser-sarif");
    assert_eq!(e["input"], path(&bad));
    let msg = e["message"].as_str().expect("message");
    assert!(
        msg.starts_with(path(&bad)) && msg.contains("line "),
        "{msg}"
    );
    assert!(r.stderr.contains("malformed.sarif"), "{}", r.stderr);
    assert_eq!(j["gate"]["verdict"], "error");
}

#[test]
fn one_bad_input_does_not_stop_the_others() {
    let dir = tmp();
    let empty = dir.path().join("empty.sarif");
    std::fs::write(&empty, b"").expect("write");
    let missing = dir.path().join("does-not-exist.sarif");
    let r = cordon(
        &[
            "run",
            path(&fixture("sarif/webapp.sarif")),
            path(&fixture("sarif/malformed.sarif")),
            path(&empty),
            path(&missing),
            path(&fixture("sarif/mixed.sarif")),
        ],
        &dir.path().join("out"),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r.json.expect("written");
    let status: Vec<&str> = j["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["status"].as_str().expect("status"))
        .collect();
    assert_eq!(status, ["ok", "error", "error", "error", "ok"]);
    let kinds: Vec<&str> = j["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["malformed-input", "empty-input", "input-unreadable"]
    );
    // The good inputs' findings are all there, attributed to their input.
    let findings = j["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["input"] == 0));
    assert!(findings.iter().any(|f| f["input"] == 4));
    assert_eq!(
        j["decisions"].as_array().map(Vec::len),
        Some(findings.len())
    );
}

#[test]
fn pipeline_and_policy_files_are_honoured() {
    let dir = tmp();
    let policy = dir.path().join("rules.toml");
    std::fs::write(
        &policy,
        r#"
name = "strict"
version = "2.0.0"
default_environment = "ci"
[environments.ci]
block = "medium"
[[suppressions]]
id = "SUP-7"
owner = "appsec@example.com"
reason = "redirect targets are validated by the proxy"
rule_id = "python.flask.security.open-redirect"
"#,
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--policy",
            path(&policy),
            path(&fixture("sarif/webapp.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json.expect("written");
    let actions: Vec<&str> = j["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["suppressed", "block", "record"]);
    assert_eq!(j["decisions"][0]["suppression"]["id"], "SUP-7");
    assert_eq!(j["decisions"][1]["policy_name"], "strict");

    // A pipeline file with its own limits: a 1-finding cap is exceeded.
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(
        &pipeline,
        r#"
name = "tight"
[[parsers]]
plugin = "embedded:parser-sarif"
limits = { max_findings = 1 }
[normalizer]
plugin = "embedded:normalizer-default"
[policy]
plugin = "embedded:policy-threshold"
rules = "rules.toml"
"#,
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&pipeline),
            path(&fixture("sarif/webapp.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r.json.expect("written");
    assert_eq!(j["pipeline"], "tight");
    assert_eq!(j["errors"][0]["kind"], "limit-exceeded");
    assert!(
        j["errors"][0]["message"].as_str().is_some_and(
            |m| m.ends_with("stage parser-sarif: exceeded its cap of 1 returned records")
        ),
        "{}",
        j["errors"][0]
    );
}

#[test]
fn pipeline_cannot_grant_what_the_manifest_does_not_request() {
    // The pipeline offers `fs-read` and `config` to stages whose signed
    // manifests ask for `log` only: the run records `log` alone.
    let dir = tmp();
    std::fs::create_dir(dir.path().join("owners")).expect("mkdir");
    std::fs::write(
        dir.path().join("rules.toml"),
        "name = \"r\"\nversion = \"1\"\n[environments.dev]\nblock = \"critical\"\n",
    )
    .expect("write");
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(
        &pipeline,
        r#"
name = "generous"
[[parsers]]
plugin = "embedded:parser-sarif"
capabilities = ["log", "config", "fs-read:owners"]
[normalizer]
plugin = "embedded:normalizer-default"
capabilities = ["log", "fs-read:owners"]
[policy]
plugin = "embedded:policy-threshold"
rules = "rules.toml"
capabilities = ["log"]
"#,
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&pipeline),
            "--env",
            "dev",
            path(&fixture("sarif/webapp.sarif")),
        ],
        dir.path(),
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    let j = r.json.expect("written");
    let stages = j["stages"].as_array().expect("stages");
    assert_eq!(
        stages.iter().filter(|s| s["used"] == true).count(),
        3,
        "{j}"
    );
    for s in stages.iter().filter(|s| s["used"] == true) {
        assert_eq!(s["capabilities"], serde_json::json!(["log"]), "{s}");
    }
}

#[test]
fn configuration_errors_name_the_file() {
    let dir = tmp();
    let pipeline = dir.path().join("p.toml");
    std::fs::write(&pipeline, "name = \"x\"\n[[parsers]]\nplugin = \"embedded:parser-sarif\"\ncapabilities = [\"network\"]\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = \"r.toml\"\n").expect("write");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&pipeline),
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("p.toml: parsers[0].capabilities: unknown capability \"network\""),
        "{}",
        r.stderr
    );
    assert!(r.json.is_none(), "nothing ran, nothing written");

    // A plugin file cannot be loaded without a trust policy, even when it
    // exists and is signed.
    std::fs::write(&pipeline, "name = \"x\"\n[[parsers]]\nplugin = \"evil.wasm\"\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = \"r.toml\"\n").expect("write");
    std::fs::write(
        dir.path().join("r.toml"),
        "name='r'\nversion='1'\n[environments.dev]\nblock='high'\n",
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&pipeline),
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("evil.wasm: No such file or directory"),
        "{}",
        r.stderr
    );
    std::fs::write(
        dir.path().join("evil.wasm"),
        common::component_bytes("hostile"),
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&pipeline),
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("evil.wasm: plugin refused: no trust policy"),
        "{}",
        r.stderr
    );

    // A policy document the policy stage rejects.
    let policy = dir.path().join("bad-rules.toml");
    std::fs::write(
        &policy,
        "name='r'\nversion='1'\n[environments.dev]\nblock='severe'\n",
    )
    .expect("write");
    let r = cordon(
        &[
            "run",
            "--policy",
            path(&policy),
            path(&fixture("sarif/mixed.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2);
    let j = r.json.expect("written");
    assert_eq!(j["errors"][0]["kind"], "invalid-config");
    assert_eq!(j["errors"][0]["stage"], "policy-threshold");
    assert!(
        !j["findings"].as_array().expect("findings").is_empty(),
        "findings kept"
    );
}

#[test]
fn format_can_be_forced() {
    let dir = tmp();
    let r = cordon(
        &[
            "run",
            "--format",
            "sarif",
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json.expect("written")["inputs"][0]["format"], "sarif");
    let r = cordon(
        &[
            "run",
            "--format",
            "sarif-2.1.0",
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 0, "a format name selects its parser: {}", r.stderr);
    let r = cordon(
        &[
            "run",
            "--format",
            "nosuch",
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "--format \"nosuch\" names no parser or format in the pipeline (parsers: parser-"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn unrecognised_report_names_the_parsers_tried() {
    let dir = tmp();
    let f = dir.path().join("notes.txt");
    std::fs::write(&f, "just some text\n").expect("write");
    let r = cordon(&["run", path(&f)], &dir.path().join("out"));
    assert_eq!(r.code, 2);
    let j = r.json.expect("written");
    assert_eq!(j["errors"][0]["kind"], "unrecognised-format");
    let msg = j["errors"][0]["message"].as_str().expect("message");
    assert!(
        msg.contains("formats tried: ") && msg.contains("sarif-2.1.0"),
        "{msg}"
    );
}

#[test]
fn escape_sequences_never_reach_the_terminal() {
    let dir = tmp();
    let r = cordon(
        &[
            "run",
            "--env",
            "prod",
            path(&fixture("sarif/escapes.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stderr.contains('\u{1b}'),
        "raw ESC on stderr: {:?}",
        r.stderr
    );
    assert!(!r.stderr.contains('\u{7}') && !r.stderr.contains('\u{202e}'));
    assert!(
        r.stderr.contains("\\u{1b}[31m"),
        "escapes shown visibly: {}",
        r.stderr
    );
    // findings.json keeps the exact bytes (JSON-escaped), for auditors.
    let j = r.json.expect("written");
    assert!(
        j["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains('\u{1b}'))
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("run")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["run", "--help"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--pipeline",
        "--policy",
        "--env",
        "--mode",
        "--format",
        "--out",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("--help")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Exit codes: 0"));
}

#[test]
fn default_pipeline_files_are_what_is_embedded() {
    // The binary embeds these files with include_str!; this checks they also
    // work from disk through --pipeline, with the same result.
    let dir = tmp();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let report = fixture("sarif/mixed.sarif");
    let a = cordon(&["run", path(&report)], &dir.path().join("a"));
    let b = cordon(
        &[
            "run",
            "--pipeline",
            path(&root.join("policies/pipelines/default.toml")),
            path(&report),
        ],
        &dir.path().join("b"),
    );
    assert_eq!(a.code, b.code);
    let (a, b) = (a.json.expect("a"), b.json.expect("b"));
    assert_eq!(a["findings"], b["findings"]);
    assert_eq!(a["decisions"], b["decisions"]);
}
