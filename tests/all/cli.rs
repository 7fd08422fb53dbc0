//! `cordon run` end to end: the binary, the embedded default pipeline, real
//! components, the repo's own fixtures. Exit codes, outputs and errors.

use crate::common;

use common::{CliRun as Run, cordon, fixture};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// A policy blocking at medium in environment `ci`, with suppression SUP-7
/// of the open-redirect rule (expiring on `expires`, if given).
fn strict_policy(dir: &Path, expires: Option<&str>) -> PathBuf {
    let path = dir.join("rules.toml");
    let expires = expires.map_or(String::new(), |e| format!("expires = \"{e}\"\n"));
    std::fs::write(
        &path,
        format!(
            "name = \"strict\"\nversion = \"2.0.0\"\ndefault_environment = \"ci\"\n\
             [environments.ci]\nblock = \"medium\"\n\
             [[suppressions]]\nid = \"SUP-7\"\nowner = \"appsec@example.com\"\n{expires}\
             reason = \"redirect targets are validated by the proxy\"\n\
             rule_id = \"python.flask.security.open-redirect\"\n"
        ),
    )
    .expect("write policy");
    path
}

#[test]
fn pipeline_and_policy_files_are_honoured() {
    let dir = tmp();
    let policy = strict_policy(dir.path(), None);
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
    // Nothing ran; the run's own record says so (never a stale verdict).
    let j = r.json.expect("the failed run is recorded");
    assert_eq!(j["gate"]["verdict"], "error");
    assert_eq!(j["stages"].as_array().map(Vec::len), Some(0));

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
        r.stderr
            .contains("evil.wasm: cannot open: No such file or directory"),
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
fn identity_less_documents_are_unrecognised_unless_the_format_is_named() {
    // A wrapper that lost the real report and wrote `null` (or `[]`) must
    // not turn the gate green.
    let dir = tmp();
    for (doc, body) in [("null.json", "null\n"), ("empty.json", "[ ]")] {
        let report = dir.path().join(doc);
        std::fs::write(&report, body).expect("write");
        let r = cordon(&["run", path(&report)], dir.path());
        assert_eq!(r.code, 2, "{doc}: {}", r.stderr);
        assert!(
            r.stderr.contains("carries no scanner's identity"),
            "{doc}: {}",
            r.stderr
        );
        let j = r.json.expect("the failed run is recorded");
        assert_eq!(j["gate"]["verdict"], "error", "{doc}");
        assert_eq!(j["errors"][0]["kind"], "unrecognised-format", "{doc}");
        // Named, the scanner's own parser reads it as "no findings".
        let r = cordon(&["run", "--format", "gitleaks", path(&report)], dir.path());
        assert_eq!(r.code, 0, "{doc}: {}", r.stderr);
        let j = r.json.expect("written");
        assert_eq!(j["inputs"][0]["parser"], "parser-gitleaks", "{doc}");
        assert_eq!(j["findings"].as_array().map(Vec::len), Some(0), "{doc}");
    }
}

#[test]
fn on_unrecognised_warn_skips_the_input_and_the_others_decide() {
    let dir = tmp();
    let lost = dir.path().join("lost.json");
    std::fs::write(&lost, "null").expect("write");
    let clean = fixture("sarif/clean.sarif");
    // By default an unrecognised input fails the run, whatever the others say.
    let r = cordon(&["run", path(&lost), path(&clean)], dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    // With `warn` it is skipped, said on stderr and in `warnings`, and the
    // clean report decides: pass.
    let r = cordon(
        &[
            "run",
            "--on-unrecognised",
            "warn",
            path(&lost),
            path(&clean),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[unrecognised-format]"),
        "{}",
        r.stderr
    );
    let j = r.json.expect("written");
    assert_eq!(j["gate"]["verdict"], "pass");
    assert_eq!(j["inputs"][0]["status"], "skipped");
    assert_eq!(j["inputs"][1]["status"], "ok");
    assert_eq!(j["errors"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["warnings"][0]["kind"], "unrecognised-format");
    // A malformed report is still an error under `warn`: only "no parser
    // recognised it" is softened.
    let broken = fixture("checkov/malformed.json");
    let r = cordon(
        &[
            "run",
            "--on-unrecognised",
            "warn",
            path(&broken),
            path(&clean),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
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

/// The gate's clock is the real UTC date (or an explicit `--today`), never
/// `SOURCE_DATE_EPOCH`: a PR author who controls the commit date cannot
/// bring an expired suppression back to life.
#[test]
fn the_gate_judges_expiry_by_the_real_date_not_source_date_epoch() {
    let dir = tmp();
    let policy = strict_policy(dir.path(), Some("2020-01-01"));
    let run = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let o = Command::new(env!("CARGO_BIN_EXE_cordon"))
            .args(["run", "--deterministic", "--no-cache", "--policy"])
            .arg(&policy)
            .args(extra)
            .arg(fixture("sarif/webapp.sarif"))
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "0")
            .env_remove("CORDON_ENV")
            .output()
            .expect("runs");
        let json: Option<Value> = std::fs::read(out.join("findings.json"))
            .ok()
            .map(|b| serde_json::from_slice(&b).expect("json"));
        (
            o.status.code().expect("code"),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            json,
        )
    };
    let first_action = |j: &Value| {
        j["decisions"][0]["action"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };

    let (code, stderr, j) = run(&[], "real");
    let j = j.expect("written");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(first_action(&j), "block", "expired suppression applied");
    let real_today = j["today"].as_str().expect("today").to_string();
    assert!(real_today.as_str() > "2026-01-01", "{real_today}");

    let (code, stderr, j) = run(&["--today", "2019-12-31"], "before");
    let j = j.expect("written");
    assert_eq!(first_action(&j), "suppressed", "{stderr}");
    assert_eq!(j["today"], "2019-12-31");
    assert_eq!(j["decisions"][0]["suppression"]["id"], "SUP-7");
    assert_eq!(code, 1, "the other finding still blocks: {stderr}");

    for bad in ["2026-02-31", "2026-13-01", "26-01-01", "yesterday"] {
        let (code, stderr, _) = run(&["--today", bad], "bad");
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(
            stderr.contains(&format!("--today {bad:?}: expected a real date")),
            "{stderr}"
        );
    }
}

/// A run that fails before its stages run still writes its own
/// findings.json (new run id, verdict error, the reason), so the previous
/// run's `pass` is never left behind to be read as this run's.
#[test]
fn a_failed_run_never_leaves_the_previous_verdict_behind() {
    let dir = tmp();
    let ok = cordon(&["run", path(&fixture("sarif/clean.sarif"))], dir.path());
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let ok = ok.json.expect("written");
    assert_eq!(ok["gate"]["verdict"], "pass");
    let id = ok["run_id"].as_str().expect("run id");
    assert_eq!(id.len(), 32, "{id}");

    let missing = dir.path().join("no-such-pipeline.toml");
    let r = cordon(
        &[
            "run",
            "--pipeline",
            path(&missing),
            path(&fixture("sarif/clean.sarif")),
        ],
        dir.path(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r.json.expect("the failed run wrote its own findings.json");
    assert_eq!(j["gate"]["verdict"], "error");
    assert_ne!(j["run_id"], ok["run_id"], "a new run id");
    assert_eq!(j["errors"][0]["kind"], "run-failed");
    let msg = j["errors"][0]["message"].as_str().expect("message");
    assert!(msg.contains("no-such-pipeline.toml"), "{msg}");
    assert_eq!(j["inputs"][0]["status"], "error");
}

/// Output files are written through a fresh, exclusively created temporary
/// file: a symlink planted under the old predictable temporary name (or at
/// the output's own name) in a shared output directory redirects nothing.
#[cfg(unix)]
#[test]
fn planted_symlinks_in_the_output_directory_redirect_nothing() {
    let dir = tmp();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("victim");
    let pid = std::process::id();
    for name in [
        format!(".findings.json.tmp-{pid}"),
        format!("findings.tmp-{pid}"),
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).expect("plant");
    }
    cordon_report::write_atomic(&out.join("findings.json"), b"{}").expect("writes");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );

    // A symlink at the output's own name is replaced, not written through.
    std::fs::remove_file(out.join("findings.json")).expect("rm");
    std::os::unix::fs::symlink(&victim, out.join("findings.json")).expect("plant");
    let r = cordon(&["run", path(&fixture("sarif/clean.sarif"))], &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    let meta = std::fs::symlink_metadata(out.join("findings.json")).expect("stat");
    assert!(meta.is_file(), "findings.json is a regular file now");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A FIFO (or device) named as a report is refused without being opened for
/// a blocking read; the other reports are still processed.
#[cfg(unix)]
/// Run cordon with `args`; fail the test if it has not exited within 60 s
/// (a FIFO it waits on). Returns the exit code and stderr.
fn cordon_within_a_minute(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .env_remove("CORDON_ENV")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("cordon hung on {args:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fifos_and_devices_as_pipeline_trust_policy_or_plugin_files_are_refused() {
    // Every file cordon reads goes through one reader: a FIFO is never
    // opened, a device never read (`/dev/zero` would never end).
    let dir = tmp();
    let fifo = dir.path().join("plugin.wasm");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let report = fixture("sarif/webapp.sarif");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("out");
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(
        &pipeline,
        format!(
            "name = \"fifo\"\n[[parsers]]\nplugin = \"{}\"\n\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = \"{}\"\n",
            fifo.display(),
            root.join("policies/rules/default.toml").display()
        ),
    )
    .expect("write pipeline");
    let trust = root.join("policies/trust.toml");
    let os = |s: &str| std::ffi::OsString::from(s);
    let cases: Vec<(&str, Vec<std::ffi::OsString>, &str)> = vec![
        (
            "pipeline file",
            vec![
                os("run"),
                os("--no-cache"),
                os("--pipeline"),
                fifo.clone().into(),
                report.clone().into(),
                os("--out"),
                out.clone().into(),
            ],
            "a FIFO",
        ),
        (
            "trust file",
            vec![
                os("run"),
                os("--no-cache"),
                os("--trust"),
                os("/dev/zero"),
                report.clone().into(),
                os("--out"),
                out.clone().into(),
            ],
            "a device",
        ),
        (
            "policy file",
            vec![
                os("run"),
                os("--no-cache"),
                os("--policy"),
                fifo.clone().into(),
                report.clone().into(),
                os("--out"),
                out.clone().into(),
            ],
            "a FIFO",
        ),
        (
            "plugin file in a pipeline",
            vec![
                os("run"),
                os("--no-cache"),
                os("--trust"),
                trust.clone().into(),
                os("--pipeline"),
                pipeline.clone().into(),
                report.clone().into(),
                os("--out"),
                out.clone().into(),
            ],
            "a FIFO",
        ),
        (
            "plugin file to verify",
            vec![
                os("verify"),
                os("--trust"),
                trust.clone().into(),
                fifo.clone().into(),
            ],
            "a FIFO",
        ),
    ];
    for (what, args, kind) in cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let (code, stderr) = cordon_within_a_minute(&args);
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains(&format!("not a regular file ({kind})")),
            "{what}: {stderr}"
        );
    }
}

#[test]
fn a_fifo_given_as_a_report_is_refused_not_waited_on() {
    let dir = tmp();
    let fifo = dir.path().join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let webapp = fixture("sarif/webapp.sarif");
    let out = dir.path().join("out");
    let (code, stderr) = cordon_within_a_minute(&[
        "run".as_ref(),
        "--no-cache".as_ref(),
        fifo.as_os_str(),
        "/dev/zero".as_ref(),
        webapp.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    let j: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/findings.json")).expect("written"),
    )
    .expect("json");
    let messages: Vec<&str> = j["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("not a regular file (a FIFO)"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("not a regular file (a device)"),
        "{messages:?}"
    );
    assert_eq!(j["inputs"][2]["status"], "ok");
    assert_eq!(j["findings"].as_array().map(Vec::len), Some(3));
}

/// The manifest of a third-party parser made from the hostile component,
/// named `name`, with a detection hint that claims every JSON object at the
/// highest confidence.
fn greedy_parser(name: &str) -> String {
    format!(
        "name = \"{name}\"\nversion = \"1.0.0\"\nkind = \"parser\"\ncapabilities = [\"log\"]\n[[detect]]\nformat = \"anything\"\nconfidence = 100\nstarts_with = \"{{\"\n"
    )
}

fn run_with(pipeline: &Path, trust: &Path, reports: &[PathBuf], out: &Path) -> Run {
    let mut args = vec![
        "run".to_string(),
        "--no-cache".into(),
        "--pipeline".into(),
        path(pipeline).into(),
        "--trust".into(),
        path(trust).into(),
    ];
    args.extend(reports.iter().map(|r| path(r).to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cordon(&args, out)
}

/// Detection is tied to trust: a third-party parser trusted only for its own
/// name, whose hint claims every JSON object at confidence 100, cannot take
/// a SARIF report away from the first-party SARIF parser; the conflict is
/// recorded on the input. It still gets the inputs no first-party parser
/// recognises.
#[test]
fn a_third_party_parser_cannot_take_inputs_from_first_party_ones() {
    let dir = tmp();
    let publisher = common::Publisher::new();
    let greedy = publisher.publish("hostile", &greedy_parser("parser-greedy"), "greedy.wasm");
    let pipeline = publisher.pipeline(&[&greedy]);
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"made-up\": true}").expect("write");
    let r = run_with(
        &pipeline,
        &publisher.trust(),
        &[fixture("sarif/webapp.sarif"), other],
        &dir.path().join("out"),
    );
    let j = r.json.expect("written");
    assert_eq!(j["inputs"][0]["parser"], "parser-sarif", "{}", r.stderr);
    assert_eq!(
        j["inputs"][0]["conflicts"],
        serde_json::json!(["parser-greedy"])
    );
    assert_eq!(j["inputs"][0]["findings_parsed"], 4);
    assert_eq!(j["inputs"][1]["parser"], "parser-greedy");
    assert!(j["inputs"][1].get("conflicts").is_none());
    let greedy_stage = j["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == "parser-greedy")
        .expect("recorded");
    assert_eq!(greedy_stage["source"], path(&greedy));
    assert_eq!(greedy_stage["signer"]["identity"], "acme@example.com");
}

/// A plugin file cannot take the name of an embedded stage (and so be
/// labelled `embedded`), two stages cannot share a name, and names are
/// restricted to a-z, 0-9 and '-'.
#[test]
fn stage_names_are_unique_and_embedded_names_are_reserved() {
    let dir = tmp();
    let publisher = common::Publisher::new();
    let trust = publisher.trust();
    let report = [fixture("sarif/webapp.sarif")];

    let impostor = publisher.publish("hostile", &greedy_parser("parser-sarif"), "impostor.wasm");
    let r = run_with(
        &publisher.pipeline(&[&impostor]),
        &trust,
        &report,
        dir.path(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let expected = format!(
        "stage parser-sarif: {}: the name \"parser-sarif\" belongs to an embedded stage; a plugin file may not take it",
        path(&impostor)
    );
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
    let j = r.json.expect("recorded");
    assert_eq!(j["errors"][0]["kind"], "stage-name");

    let a = publisher.publish("hostile", &greedy_parser("parser-twin"), "a.wasm");
    let b = publisher.publish("hostile", &greedy_parser("parser-twin"), "b.wasm");
    let r = run_with(&publisher.pipeline(&[&a, &b]), &trust, &report, dir.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("two stages of the pipeline are named \"parser-twin\""),
        "{}",
        r.stderr
    );

    // A malformed name cannot even be packed.
    let m = publisher.dir.path().join("bad.toml");
    std::fs::write(&m, greedy_parser("Parser_Evil")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(["pack", "--manifest"])
        .arg(&m)
        .arg(common::raw_component("hostile"))
        .arg("--out")
        .arg(dir.path().join("bad.wasm"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("may use only a-z, 0-9 and '-'"), "{stderr}");
}

/// `cordon inspect --pipeline` and `cordon run` apply the same grant rule:
/// for every first-party plugin and for the test plugins (signed as third
/// party), what inspect says the pipeline would grant is what run's
/// `stages[]` records. (A signer ceiling below a manifest's request is a
/// verification failure, tested in tests/signing.rs.)
#[test]
fn inspect_and_run_agree_on_grants() {
    let dir = tmp();
    let publisher = common::Publisher::new();
    let hostile = publisher.sign_copy("hostile", "hostile.wasm");
    let normalizer = publisher.sign_copy("rogue-normalizer", "rogue-normalizer.wasm");
    let policy = publisher.sign_copy("rogue-policy", "rogue-policy.wasm");
    let trust = publisher.trust_with_ceiling(&["log", "config", "clock", "random", "fs-read"]);
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    let all = format!(
        "[\"log\", \"config\", \"clock\", \"random\", \"fs-read:{}\"]",
        data.display()
    );
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/rules/default.toml");
    let write_pipeline = |name: &str,
                          extra_parser: Option<&Path>,
                          normalizer: &str,
                          policy: &str| {
        let mut text = format!(
            "name = \"grants\"\n[[parsers]]\nplugin = \"embedded:*\"\ncapabilities = {all}\n"
        );
        if let Some(p) = extra_parser {
            text.push_str(&format!(
                "[[parsers]]\nplugin = {:?}\ncapabilities = {all}\n",
                p.display().to_string()
            ));
        }
        text.push_str(&format!(
            "[normalizer]\nplugin = {normalizer:?}\ncapabilities = {all}\n[policy]\nplugin = {policy:?}\nrules = {:?}\ncapabilities = {all}\n",
            rules.display().to_string()
        ));
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("pipeline");
        path
    };
    let first_party = write_pipeline(
        "first.toml",
        None,
        "embedded:normalizer-default",
        "embedded:policy-threshold",
    );
    let third_party = write_pipeline(
        "third.toml",
        Some(&hostile),
        &normalizer.display().to_string(),
        &policy.display().to_string(),
    );
    let mut compared = 0;
    for pipeline in [&first_party, &third_party] {
        let r = run_with(
            pipeline,
            &trust,
            &[fixture("sarif/webapp.sarif")],
            &dir.path().join("out"),
        );
        let j = r.json.expect("written");
        let stages = j["stages"].as_array().expect("stages");
        assert!(!stages.is_empty(), "{}", r.stderr);
        for stage in stages {
            let name = stage["name"].as_str().expect("name");
            let plugin = match stage["source"].as_str().expect("source") {
                "embedded" => format!("embedded:{name}"),
                file => file.to_string(),
            };
            let out = Command::new(env!("CARGO_BIN_EXE_cordon"))
                .args([
                    "inspect",
                    &plugin,
                    "--json",
                    "--trust",
                    path(&trust),
                    "--pipeline",
                    path(pipeline),
                ])
                .output()
                .expect("inspect runs");
            let inspected: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!("{plugin}: {e}: {}", String::from_utf8_lossy(&out.stderr))
            });
            let ran: Vec<String> = stage["capabilities"]
                .as_array()
                .expect("capabilities")
                .iter()
                .map(|c| {
                    let c = c.as_str().expect("string");
                    c.split(':').next().unwrap_or(c).to_string()
                })
                .collect();
            let would: Vec<String> = inspected["granted"]
                .as_array()
                .unwrap_or_else(|| panic!("{plugin}: no granted list: {inspected}"))
                .iter()
                .map(|c| c.as_str().expect("string").to_string())
                .collect();
            assert_eq!(ran, would, "{plugin}: run and inspect disagree");
            compared += 1;
        }
    }
    // 29 embedded parsers + normalizer + policy, then the same parsers, the
    // hostile parser and the two rogue stages.
    assert_eq!(compared, 31 + 32, "every stage compared");
}
