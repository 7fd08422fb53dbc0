//! Hostile reports against honest parsers, through the real binary: huge
//! reports, deep nesting, floods. Each is handled within the limits or
//! rejected with a clear, typed error; the host never panics and is never
//! killed; other inputs of the same run still produce their findings.

use crate::common;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Command;

fn run(args: &[&str], out: &Path) -> (i32, Value, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .args(["--mode", "report-only", "--no-cache", "--out"])
        .arg(out)
        .output()
        .expect("cordon runs");
    let code = o
        .status
        .code()
        .expect("exited normally, not killed by a signal");
    let json = serde_json::from_slice(&std::fs::read(out.join("findings.json")).expect("written"))
        .expect("json");
    (code, json, String::from_utf8_lossy(&o.stderr).into_owned())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

/// A SARIF log with `n` results, each with a `pad`-byte message.
fn write_sarif(path: &Path, n: usize, pad: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    write!(f, r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"flood","rules":[{{"id":"r1","defaultConfiguration":{{"level":"warning"}}}}]}}}},"results":["#).expect("w");
    let msg = "m".repeat(pad);
    for i in 0..n {
        if i > 0 {
            f.write_all(b",").expect("w");
        }
        write!(
            f,
            r#"{{"ruleId":"r1","message":{{"text":"{msg}"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"src/f{}.c"}},"region":{{"startLine":{}}}}}}}]}}"#,
            i % 1000,
            i + 1
        )
        .expect("w");
    }
    f.write_all(b"]}]}").expect("w");
    f.flush().expect("flush");
}

#[test]
fn a_100_mb_report_parses_within_the_default_budget() {
    let dir = tempfile::tempdir().expect("tmp");
    let big = dir.path().join("big.sarif");
    // 110 000 results of ~1 KiB: 121 MB.
    write_sarif(&big, 110_000, 900);
    let size = std::fs::metadata(&big).expect("meta").len();
    assert!(size > 100_000_000, "{size}");
    let small = common::fixture("sarif/webapp.sarif");
    let (code, j, err) = run(&["run", s(&big), s(&small)], &dir.path().join("out"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(j["inputs"][0]["findings_parsed"], 110_000);
    assert_eq!(j["inputs"][1]["findings_parsed"], 4);
    assert_eq!(j["findings"].as_array().map(Vec::len), Some(110_003));
}

#[test]
fn deep_nesting_is_a_typed_error_and_other_inputs_survive() {
    let dir = tempfile::tempdir().expect("tmp");
    let deep = dir.path().join("deep.sarif");
    let mut doc = String::from(r#"{"version":"2.1.0","runs":"#);
    doc.push_str(&"[".repeat(10_000));
    doc.push_str(&"]".repeat(10_000));
    doc.push('}');
    std::fs::write(&deep, doc).expect("write");
    let (code, j, err) = run(
        &["run", s(&deep), s(&common::fixture("sarif/webapp.sarif"))],
        &dir.path().join("out"),
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(j["errors"][0]["kind"], "malformed-input");
    let msg = j["errors"][0]["message"].as_str().expect("message");
    assert!(
        msg.contains("deep.sarif") && msg.contains("line 1"),
        "{msg}"
    );
    assert_eq!(j["inputs"][1]["status"], "ok");
    assert_eq!(j["inputs"][1]["findings_parsed"], 4);
}

#[test]
fn floods_beyond_the_pipeline_caps_are_errors_not_truncation() {
    let dir = tempfile::tempdir().expect("tmp");
    let many = dir.path().join("many.sarif");
    write_sarif(&many, 5_000, 10);
    let huge = dir.path().join("huge.sarif");
    write_sarif(&huge, 2, 3 << 20);
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "name='r'\nversion='1'\ndefault_environment='dev'\n[environments.dev]\nblock='critical'\n",
    )
    .expect("w");
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(
        &pipeline,
        "name = \"capped\"\n[limits]\nmax_findings = 1000\nmax_string_bytes = 4194304\n\
         [[parsers]]\nplugin = \"embedded:parser-sarif\"\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n\
         [policy]\nplugin = \"embedded:policy-threshold\"\nrules = \"rules.toml\"\n",
    )
    .expect("w");
    let (code, j, err) = run(
        &[
            "run",
            "--pipeline",
            s(&pipeline),
            s(&many),
            s(&huge),
            s(&common::fixture("sarif/webapp.sarif")),
        ],
        &dir.path().join("out"),
    );
    assert_eq!(code, 2, "{err}");
    let errors = j["errors"].as_array().expect("errors");
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| e["message"].as_str().expect("msg"))
        .collect();
    assert_eq!(errors.len(), 2, "{messages:?}");
    assert!(
        errors.iter().all(|e| e["kind"] == "limit-exceeded"),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("many.sarif")
            && messages[0].ends_with("exceeded its cap of 1000 returned records"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("huge.sarif")
            && messages[1].ends_with("exceeded its cap of 4194304 returned string bytes"),
        "{}",
        messages[1]
    );
    assert_eq!(
        j["inputs"][2]["findings_parsed"], 4,
        "the honest input still counts"
    );
}

#[test]
fn reports_above_the_input_limit_are_refused_before_parsing() {
    let dir = tempfile::tempdir().expect("tmp");
    let big = dir.path().join("big.sarif");
    write_sarif(&big, 3_000, 1000);
    let (code, j, err) = run(
        &["run", "--max-input-mib", "1", s(&big)],
        &dir.path().join("out"),
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(j["errors"][0]["kind"], "input-unreadable");
    assert!(
        j["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("more than the --max-input-mib limit of 1 MiB"))
    );
}

#[test]
fn a_runaway_field_costs_that_value_not_the_report() {
    // Found by fuzzing: scanner fields longer than the host's per-record
    // caps (here a 3 300-byte package name, rule id, severity label, ...)
    // made the host refuse a parser's whole output. The SDK now clips them
    // inside the component; every other finding of the report survives.
    let dir = tempfile::tempdir().expect("tmp");
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins/fuzz/regressions");
    let mut inputs = Vec::new();
    for t in ["gosec", "grype", "hadolint", "pip-audit", "trivy"] {
        for e in std::fs::read_dir(regressions.join(t)).expect("regressions") {
            inputs.push(e.expect("entry").path());
        }
    }
    let mut args = vec!["run"];
    args.extend(inputs.iter().map(|p| s(p)));
    let (code, j, err) = run(&args, &dir.path().join("out"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(j["errors"], serde_json::json!([]), "{err}");
    for (i, input) in j["inputs"].as_array().expect("inputs").iter().enumerate() {
        assert_eq!(input["status"], "ok", "{}", inputs[i].display());
        assert!(
            input["findings_parsed"].as_u64().unwrap_or(0) > 0,
            "{input}"
        );
    }
    let clipped = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.to_string().contains("long-value-long-value-"))
        .count();
    assert!(clipped >= 5, "the long values are kept, clipped: {clipped}");
    for f in j["findings"].as_array().expect("findings") {
        assert!(f["rule_id"].as_str().unwrap_or("").len() <= 1024);
        assert!(f["component"]["name"].as_str().unwrap_or("").len() <= 1024);
    }
}

/// Run `cordon` on `reports` with `extra` flags; return its exit code and
/// peak resident memory (KiB, from the kernel's accounting of the child).
#[cfg(target_os = "linux")]
fn peak_rss_kib(reports: &[std::path::PathBuf], extra: &[&str], out: &Path) -> (i32, i64) {
    // Reaped by wait4 below, which also reports its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("run")
        .args(reports)
        .args(extra)
        .args(["--mode", "report-only", "--no-cache", "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: wait4 on our own child, with pointers to live locals.
    #[allow(unsafe_code)]
    let (waited, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let waited = libc::wait4(pid, &mut status, 0, &mut usage);
        (waited, usage)
    };
    assert_eq!(waited, pid, "wait4");
    assert!(libc::WIFEXITED(status), "cordon was killed");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

/// The run's memory is bounded independently of how many reports it gets:
/// reports are read only when their turn comes, and a turn comes only when
/// the parser's budget plus the report fits the run-wide budget. Each of
/// these reports drives the honest SARIF parser to its (lowered, 128 MiB)
/// memory budget, where it fails; six of them cost what one does. Without
/// the run-wide budget (and with six job slots) the same run costs several
/// times more, so the bound is the budget's doing.
#[cfg(target_os = "linux")]
#[test]
fn many_hostile_reports_stay_within_a_bound_independent_of_their_number() {
    let dir = tempfile::tempdir().expect("tmp");
    let reports: Vec<_> = (0..6)
        .map(|i| {
            let p = dir.path().join(format!("r{i}.sarif"));
            write_sarif(&p, 60_000, 600);
            p
        })
        .collect();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/rules/default.toml");
    let pipeline = dir.path().join("pipeline.toml");
    std::fs::write(
        &pipeline,
        format!(
            "name = \"tight\"\n[limits]\nmemory_mib = 128\n[[parsers]]\nplugin = \"embedded:*\"\n[normalizer]\nplugin = \"embedded:normalizer-default\"\n[policy]\nplugin = \"embedded:policy-threshold\"\nrules = {:?}\n",
            rules.display().to_string()
        ),
    )
    .expect("pipeline");
    let out = dir.path().join("out");
    let pipeline = pipeline.to_str().expect("utf-8");
    let budgeted = [
        "--pipeline",
        pipeline,
        "--jobs",
        "6",
        "--max-memory-mib",
        "200",
    ];
    let (code, one) = peak_rss_kib(&reports[..1], &budgeted, &out);
    assert_eq!(code, 2, "the report exceeds the parser's budget");
    let (code, six) = peak_rss_kib(&reports, &budgeted, &out);
    assert_eq!(code, 2);
    let j: Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).expect("written"))
            .expect("json");
    let errors = j["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 6, "{errors:?}");
    assert!(
        errors.iter().all(|e| e["kind"] == "limit-exceeded"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains("exceeded its memory budget of 128 MiB"))),
        "{errors:?}"
    );
    let unbounded = [
        "--pipeline",
        pipeline,
        "--jobs",
        "6",
        "--max-memory-mib",
        "0",
    ];
    let (_, all_at_once) = peak_rss_kib(&reports, &unbounded, &out);
    println!(
        "peak RSS: 1 report {one} KiB, 6 reports {six} KiB, 6 without the run-wide budget {all_at_once} KiB"
    );
    assert!(
        six < one + one / 2,
        "6 reports took {six} KiB, 1 took {one} KiB: not bounded"
    );
    assert!(
        all_at_once > six * 2,
        "without the budget 6 reports took only {all_at_once} KiB (budgeted: {six} KiB); the test would not notice a missing bound"
    );
}
