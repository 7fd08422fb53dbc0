//! The terminal summary of a real multi-scanner run with hostile strings:
//! the line formats other tests grep for, blocking findings by severity,
//! colour only when asked and only on host-made text, timings only when
//! verbose.

use cordon_model::{RunReport, StageTiming, Verdict};
use cordon_report::summary::{SummaryOptions, gate_line, render};
use std::time::Duration;

fn run() -> RunReport {
    serde_json::from_str(include_str!("data/run.json")).expect("run.json is a findings.json")
}

#[test]
fn the_lines_others_grep_for() {
    let s = render(&run(), 1, &SummaryOptions::default());
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[..14],
        [
            "cordon 0.1.0: pipeline default, 7 inputs (0 failed)",
            "  ok     tests/outputs/injection.sarif  [sarif-2.1.0 via parser-sarif]  2 findings",
            "  ok     tests/fixtures/sarif/webapp.sarif  [sarif-2.1.0 via parser-sarif]  4 findings",
            "  ok     tests/fixtures/trivy/image-schema2.json  [trivy-json-schema2 via parser-trivy]  6 findings",
            "  ok     tests/fixtures/gitleaks/v8.json  [gitleaks-json-v8 via parser-gitleaks]  3 findings",
            "  ok     tests/fixtures/npm-audit/npm7.json  [npm-audit-json-v2 via parser-npm-audit]  3 findings",
            "  ok     tests/fixtures/checkov/list.json  [checkov-json-list via parser-checkov]  4 findings",
            "  ok     tests/fixtures/grype/image.json  [grype-json via parser-grype]  4 findings",
            "findings: 24 after dedup (critical 5, high 8, medium 6, low 4, info 1)",
            "decisions: 12 block, 6 ticket, 3 notify, 1 record, 2 suppressed (policy default 1.0.0, environment prod)",
            "suppressions: 2 applied, 1 expired, 2 unused",
            "  expired IGN-2 (ignore-file, tests/gating/.cordonignore.toml): expired 2026-11-30, would cover 1 finding",
            "  unused  IGN-3 (ignore-file, tests/gating/.cordonignore.toml): matched nothing",
            "  unused  openvex.json#/statements/2 (vex, tests/gating/openvex.json): matched nothing",
        ]
    );
    assert_eq!(lines[14], "blocking:");
    assert_eq!(
        *lines.last().expect("a gate line"),
        "gate: BLOCK [enforce] -> exit 1"
    );
    assert!(s.ends_with("gate: BLOCK [enforce] -> exit 1\n"));
}

#[test]
fn blocking_findings_by_severity_with_tool_input_and_fingerprint() {
    let s = render(&run(), 1, &SummaryOptions::default());
    let blocking: Vec<&str> = s
        .lines()
        .skip_while(|l| *l != "blocking:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(blocking.len(), 11, "10 listed and the rest counted: {s}");
    assert_eq!(
        blocking[0],
        "  [critical] GHSA-jfh8-c2jp-5v3q  opt/app/lib/log4j-core-2.14.1.jar  \
         GHSA-jfh8-c2jp-5v3q in log4j-core 2.14.1  (grype, tests/fixtures/grype/image.json, 5ef262798e18)"
    );
    assert_eq!(
        blocking[5],
        "  [high] aws-access-token  infra/terraform.tfvars:4:19  Hard-coded secret: AWS Access Key  \
         (gitleaks, tests/fixtures/gitleaks/v8.json, 4037eda34266)"
    );
    assert_eq!(
        blocking[9],
        "  [high] rule]]>\\u{0}::error::%0A  src/a,b:c%0A</details>\\u{1b}[K.py:3:2  \
         \\u{1b}[31mRED\\u{1b}[0m </details><script>alert(1)</script> ]]> nul\\u{0} ::error::pwned %0A line1  \
         (inject\\u{1b}]8;;http://attacker.invalid…, tests/outputs/injection.sarif, 1c0cda41bfc6)"
    );
    assert_eq!(blocking[10], "  ... and 2 more");
    let severities: Vec<&str> = blocking[..10]
        .iter()
        .map(|l| l.trim_start().split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        severities,
        [
            "[critical]",
            "[critical]",
            "[critical]",
            "[critical]",
            "[critical]",
            "[high]",
            "[high]",
            "[high]",
            "[high]",
            "[high]"
        ]
    );
}

#[test]
fn colour_only_when_asked_and_only_on_host_text() {
    let report = run();
    let plain = render(&report, 1, &SummaryOptions::default());
    assert!(!plain.contains('\u{1b}'), "no raw ESC without colour");

    let opts = SummaryOptions {
        color: true,
        ..SummaryOptions::default()
    };
    let coloured = render(&report, 1, &opts);
    assert!(coloured.contains("  \u{1b}[1;31m[critical]\u{1b}[0m GHSA-jfh8-c2jp-5v3q  "));
    assert!(coloured.contains("  \u{1b}[31m[high]\u{1b}[0m rule]]>\\u{0}::error::%0A  "));
    assert!(coloured.ends_with("gate: \u{1b}[1;31mBLOCK\u{1b}[0m [enforce] -> exit 1\n"));
    // Take the colour codes away and the plain summary is left: every
    // escape is one of ours, around a severity label or the verdict.
    let stripped = coloured
        .replace("\u{1b}[1;31m", "")
        .replace("\u{1b}[31m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(stripped, plain);
    assert_eq!(coloured.matches('\u{1b}').count(), 2 * 11);
}

#[test]
fn gate_line_for_every_verdict() {
    let mut report = run();
    assert_eq!(
        gate_line(&report, 1, false),
        "gate: BLOCK [enforce] -> exit 1"
    );
    report.gate.verdict = Verdict::Pass;
    report.gate.mode = "report-only".into();
    assert_eq!(
        gate_line(&report, 0, false),
        "gate: PASS (report-only: blocking findings were not enforced) [report-only] -> exit 0"
    );
    assert_eq!(
        gate_line(&report, 0, true),
        "gate: \u{1b}[1;33mPASS (report-only: blocking findings were not enforced)\u{1b}[0m [report-only] -> exit 0"
    );
    report.gate.blocked = 0;
    report.gate.mode = "enforce".into();
    assert_eq!(
        gate_line(&report, 0, false),
        "gate: PASS [enforce] -> exit 0"
    );
    assert_eq!(
        gate_line(&report, 0, true),
        "gate: \u{1b}[1;32mPASS\u{1b}[0m [enforce] -> exit 0"
    );
    report.gate.verdict = Verdict::Error;
    assert_eq!(
        gate_line(&report, 2, false),
        "gate: ERROR (the run had errors; see above) [enforce] -> exit 2"
    );
}

#[test]
fn timings_only_when_verbose_slowest_first() {
    let mut report = run();
    let timing = |stage: &str, input: Option<&str>, micros: u64| StageTiming {
        stage: stage.into(),
        input: input.map(Into::into),
        elapsed: Duration::from_micros(micros),
    };
    report.timings = vec![
        timing("parser-sarif", Some("a.sarif"), 1_500),
        timing("policy-threshold", None, 12_345_678),
        timing("parser-sarif", Some("b\u{1b}[2J.sarif"), 250_000),
        timing("normalizer-default", None, 900),
    ];
    let quiet = render(&report, 1, &SummaryOptions::default());
    assert!(!quiet.contains("timings:"));
    let opts = SummaryOptions {
        verbose: true,
        ..SummaryOptions::default()
    };
    let verbose = render(&report, 1, &opts);
    let timings: Vec<&str> = verbose
        .lines()
        .skip_while(|l| *l != "timings:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(
        timings,
        [
            "    12345.7 ms  policy-threshold",
            "      250.0 ms  parser-sarif  b\\u{1b}[2J.sarif",
            "        1.5 ms  parser-sarif  a.sarif",
            "        0.9 ms  normalizer-default",
        ]
    );
    assert!(!verbose.contains('\u{1b}'));
}

#[test]
fn notes_before_the_gate_line() {
    let opts = SummaryOptions {
        notes: vec![
            "results.sarif: 3 results left out".into(),
            "evil\u{1b}[2J\nnote".into(),
        ],
        ..SummaryOptions::default()
    };
    let s = render(&run(), 1, &opts);
    assert!(s.ends_with(
        "note: results.sarif: 3 results left out\nnote: evil\\u{1b}[2J\\u{a}note\ngate: BLOCK [enforce] -> exit 1\n"
    ), "{s}");
}

#[test]
fn judged_severity_counts_and_labels() {
    let mut report = run();
    // The policy judged the hostile high finding critical.
    report.decisions[0].severity_override = Some(cordon_model::Severity::Critical);
    let s = render(&report, 1, &SummaryOptions::default());
    assert!(s.contains("findings: 24 after dedup (critical 6, high 7, medium 6, low 4, info 1)\n"));
    assert!(
        s.contains("\n  [critical] rule]]>\\u{0}::error::%0A  "),
        "{s}"
    );
}
