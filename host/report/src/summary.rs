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
        // The policy stage's own decisions, not the host's suppressions
        // (ignore files, VEX), name the policy.
        let policy = report
            .decisions
            .iter()
            .find(|d| !cordon_model::suppress::by_host(d))
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

    if !report.suppressions.is_empty() {
        use cordon_model::suppress::State;
        let n = |st: State| {
            report
                .suppressions
                .iter()
                .filter(|x| x.status == st)
                .count()
        };
        let _ = writeln!(
            s,
            "suppressions: {} applied, {} expired, {} unused",
            n(State::Applied),
            n(State::Expired),
            n(State::Unused)
        );
        for x in report
            .suppressions
            .iter()
            .filter(|x| x.status != State::Applied)
        {
            let what = match x.status {
                State::Expired => format!(
                    "expired {}, would cover {} finding{}",
                    terminal(x.expires.as_deref().unwrap_or("?")),
                    x.findings,
                    if x.findings == 1 { "" } else { "s" }
                ),
                _ => "matched nothing".to_string(),
            };
            let _ = writeln!(
                s,
                "  {:<7} {} ({}, {}): {what}",
                if x.status == State::Expired {
                    "expired"
                } else {
                    "unused"
                },
                terminal_short(&x.id, 60),
                x.origin.as_str(),
                terminal_short(&x.file, 80)
            );
        }
    }

    if let Some(c) = &report.policy_comparison {
        match &c.error {
            Some(e) => {
                let _ = writeln!(
                    s,
                    "compare-policy: {} could not be evaluated: {}",
                    terminal(&c.path),
                    terminal(e)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "compare-policy: {} decision{} would change under {} (gate unaffected)",
                    c.changed.len(),
                    if c.changed.len() == 1 { "" } else { "s" },
                    terminal(&c.path)
                );
                for ch in c.changed.iter().take(MAX_LISTED) {
                    let _ = writeln!(
                        s,
                        "  {} -> {}  {}  {}  ({} -> {})",
                        ch.from.as_str(),
                        ch.to.as_str(),
                        terminal_short(&ch.rule_id, 60),
                        terminal_short(ch.path.as_deref().unwrap_or("-"), 80),
                        terminal_short(&ch.from_rule, 60),
                        terminal_short(&ch.to_rule, 60)
                    );
                }
                if c.changed.len() > MAX_LISTED {
                    let _ = writeln!(s, "  ... and {} more", c.changed.len() - MAX_LISTED);
                }
            }
        }
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
