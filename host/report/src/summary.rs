//! The human summary of a run, written to stderr. Plain text, no colour
//! (so `NO_COLOR` is honoured trivially), every stage string sanitised.

use cordon_model::{Action, InputStatus, RunReport, Severity, Verdict};
use std::fmt::Write as _;

use crate::sanitize::{terminal, terminal_short};

/// Most blocking findings listed by name.
pub const MAX_LISTED: usize = 10;

/// Render the summary. `exit_code` is what the process will exit with.
pub fn render(report: &RunReport, exit_code: i32) -> String {
    let mut s = String::new();
    let failed = report
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Error)
        .count();
    let _ = writeln!(
        s,
        "cordon {}: pipeline {}, {} input{} ({} failed)",
        report.cordon_version,
        terminal(&report.pipeline),
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" },
        failed
    );
    for input in &report.inputs {
        match input.status {
            InputStatus::Ok => {
                let _ = writeln!(
                    s,
                    "  ok     {}  [{} via {}]  {} finding{}",
                    terminal(&input.path),
                    terminal(input.format.as_deref().unwrap_or("?")),
                    terminal(input.parser.as_deref().unwrap_or("?")),
                    input.findings_parsed,
                    if input.findings_parsed == 1 { "" } else { "s" }
                );
            }
            InputStatus::Error => {
                let _ = writeln!(s, "  error  {}", terminal(&input.path));
            }
            InputStatus::Skipped => {
                let _ = writeln!(s, "  skip   {}", terminal(&input.path));
            }
        }
    }

    let mut counts = [0usize; 5];
    for f in &report.findings {
        counts[Severity::ALL
            .iter()
            .position(|x| *x == f.severity)
            .unwrap_or(4)] += 1;
    }
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .map(|(sev, n)| format!("{} {n}", sev.as_str()))
        .collect();
    let _ = writeln!(
        s,
        "findings: {} after dedup ({})",
        report.findings.len(),
        by_sev.join(", ")
    );

    if let Some(b) = &report.baseline {
        let _ = writeln!(
            s,
            "baseline: {} new, {} existing, {} fixed (against {})",
            b.new,
            b.existing,
            b.fixed,
            terminal(&b.path)
        );
    }

    let g = &report.gate;
    if !report.decisions.is_empty() || report.findings.is_empty() {
        let policy = report
            .decisions
            .first()
            .map(|d| {
                format!(
                    "{} {}",
                    terminal(&d.policy_name),
                    terminal(&d.policy_version)
                )
            })
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "decisions: {} block, {} ticket, {} notify, {} record, {} suppressed (policy {policy}, environment {})",
            g.blocked,
            g.tickets,
            g.notified,
            g.recorded,
            g.suppressed,
            if g.environment.is_empty() {
                "default"
            } else {
                &g.environment
            }
        );
    }

    let blocking: Vec<_> = report
        .decisions
        .iter()
        .filter(|d| d.action == Action::Block)
        .filter_map(|d| {
            report
                .findings
                .iter()
                .find(|f| f.fingerprint == d.fingerprint)
        })
        .collect();
    if !blocking.is_empty() {
        let _ = writeln!(s, "blocking:");
        for f in blocking.iter().take(MAX_LISTED) {
            let loc = f
                .locations
                .first()
                .map(|l| match l.start_line {
                    Some(n) => format!("{}:{n}", terminal_short(&l.path, 80)),
                    None => terminal_short(&l.path, 80),
                })
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                s,
                "  [{}] {}  {}  {}",
                f.severity.as_str(),
                terminal_short(&f.rule_id, 60),
                loc,
                terminal_short(&f.title, 100)
            );
        }
        if blocking.len() > MAX_LISTED {
            let _ = writeln!(s, "  ... and {} more", blocking.len() - MAX_LISTED);
        }
    }

    for e in &report.errors {
        let _ = writeln!(s, "error[{}]: {}", e.kind, terminal(&e.message));
    }
    for w in &report.warnings {
        let _ = writeln!(s, "warning[{}]: {}", w.kind, terminal(&w.message));
    }

    let verdict = match g.verdict {
        Verdict::Pass if g.blocked > 0 => "PASS (report-only: blocking findings were not enforced)",
        Verdict::Pass => "PASS",
        Verdict::Block => "BLOCK",
        Verdict::Error => "ERROR (the run had errors; see above)",
    };
    let _ = writeln!(s, "gate: {verdict} [{}] -> exit {exit_code}", g.mode);
    s
}
