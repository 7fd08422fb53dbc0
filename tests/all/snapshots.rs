//! Snapshots of what users see (insta): every fixture of the repository
//! through the sandboxed default pipeline, and the CLI's exit code, stdout
//! and stderr together, as uv and ripgrep test theirs. Review changes with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test --test
//! snapshots` and `git diff`).

use crate::common;

use cordon_model::RunReport;
use cordon_runtime::{Input, Mode, RunOptions};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The report as a reviewer wants to read it: per input, the gate, every
/// finding on one line, every error.
fn render(report: &RunReport) -> String {
    let mut out = String::new();
    for i in &report.inputs {
        let _ = writeln!(
            out,
            "input {} [{}] format={} parser={} parsed={} status={:?}",
            i.path,
            i.bytes,
            i.format.as_deref().unwrap_or("-"),
            i.parser.as_deref().unwrap_or("-"),
            i.findings_parsed,
            i.status
        );
    }
    let g = &report.gate;
    let _ = writeln!(
        out,
        "gate {:?}: blocked={} tickets={} notified={} recorded={} suppressed={}",
        g.verdict, g.blocked, g.tickets, g.notified, g.recorded, g.suppressed
    );
    let _ = writeln!(out, "findings ({}):", report.findings.len());
    for (f, d) in report.findings.iter().zip(
        report
            .decisions
            .iter()
            .map(Some)
            .chain(std::iter::repeat(None)),
    ) {
        let at = f.locations.first().map_or("-".to_string(), |l| {
            format!(
                "{}:{}:{}",
                l.path,
                l.start_line.map_or("-".into(), |n| n.to_string()),
                l.start_column.map_or("-".into(), |n| n.to_string())
            )
        });
        let component = f.component.as_ref().map_or(String::new(), |c| {
            format!(" {}@{}", c.name, c.version.as_deref().unwrap_or("?"))
        });
        let mut title: String = f.title.chars().take(80).collect();
        if f.title.chars().count() > 80 {
            title.push('…');
        }
        let _ = writeln!(
            out,
            "  {:?}/{:?} {} {} {at}{component} ids={:?} cwes={:?} fp={} -> {} | {title}",
            f.severity,
            f.kind,
            f.tool,
            f.rule_id,
            f.vulnerability_ids,
            f.cwes,
            f.fingerprint,
            d.map_or("-".to_string(), |d| format!("{:?}", d.action)),
        );
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "errors:");
        for e in &report.errors {
            let _ = writeln!(out, "  {}: {}", e.kind, e.message);
        }
    }
    out
}

#[test]
fn every_fixture_through_the_default_pipeline() {
    let runner = common::pipeline_runner();
    let root = common::fixture("");
    insta::glob!("..", "fixtures/*/*", |path| {
        if common::is_fixture_notes(path) {
            return;
        }
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let opts = RunOptions {
            environment: "prod".into(),
            mode: Mode::Enforce,
            format: None,
            today: "2026-06-01".into(),
            run_id: "0".repeat(32),
            jobs: 1,
            memory_budget: 0,
            on_unrecognised: Default::default(),
            source_roots: Vec::new(),
            baseline: None,
            block_at: None,
            suppressions: Vec::new(),
            compare_policy: None,
        };
        let bytes = std::fs::read(path).expect("fixture");
        let report = runner
            .run_blocking(
                vec![Input {
                    path: name,
                    bytes: Ok(bytes).into(),
                    format: None,
                }],
                &opts,
            )
            .expect("runs");
        insta::assert_snapshot!(render(&report));
    });
}

/// `cordon ARGS` in the repository root: exit code, stdout and stderr.
fn cli(args: &[&str], out: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_cordon"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .env_remove("CORDON_ENV")
        .env_remove("CORDON_CACHE_DIR")
        .env("XDG_STATE_HOME", out.join("state"))
        .output()
        .expect("cordon runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn cli_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let out_s = out.to_str().expect("utf-8");
    let tmp = dir.path().to_str().expect("utf-8").to_string();
    let cases: [(&str, Vec<&str>); 8] = [
        ("help", vec!["--help"]),
        ("run_help", vec!["run", "--help"]),
        (
            "run_webapp_prod",
            vec![
                "run",
                "--no-cache",
                "--env",
                "prod",
                "--today",
                "2026-06-01",
                "--out",
                out_s,
                "tests/fixtures/sarif/webapp.sarif",
            ],
        ),
        (
            "run_clean",
            vec![
                "run",
                "--no-cache",
                "--out",
                out_s,
                "tests/fixtures/sarif/clean.sarif",
            ],
        ),
        (
            "run_malformed_and_missing",
            vec![
                "run",
                "--no-cache",
                "--out",
                out_s,
                "tests/fixtures/sarif/malformed.sarif",
                "no-such-report.json",
            ],
        ),
        (
            "run_bad_today",
            vec![
                "run",
                "--today",
                "2026-02-31",
                "--out",
                out_s,
                "tests/fixtures/sarif/clean.sarif",
            ],
        ),
        (
            "run_unknown_format",
            vec![
                "run",
                "--no-cache",
                "--format",
                "nope",
                "--out",
                out_s,
                "tests/fixtures/sarif/clean.sarif",
            ],
        ),
        ("no_arguments", vec!["run"]),
    ];
    let tmp_pattern = regex_escape(&tmp);
    for (name, args) in cases {
        let text = cli(&args, &out);
        insta::with_settings!({
            filters => vec![(tmp_pattern.as_str(), "[TMP]")],
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(format!("cli_{name}"), text);
        });
    }
}

/// `s` as a regular expression matching itself.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
