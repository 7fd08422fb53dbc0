//! `cordon explain`: for each finding of a `findings.json` that a query
//! selects, its decision and why, from the file alone (no stage runs).
//!
//! A query selects a finding when it is the finding's fingerprint (or at
//! least 6 leading characters of it), matches its rule id, or matches its
//! path, exactly or as a glob (`src/**`, `tests/`; see `cordon_matcher`).
//! No query selects every finding.

use cordon_matcher::Matcher;
use cordon_model::suppress::Subjected;
use cordon_model::{Decision, Finding, RunReport};
use serde_json::{Value, json};
use std::fmt::Write as _;

use crate::sanitize::terminal;

/// The layout version of `cordon explain --json`.
pub const EXPLAIN_SCHEMA_VERSION: &str = "cordon.explain/v1";

/// The findings `query` selects, each with its decision (none when the
/// run failed before the policy decided).
pub fn select<'a>(
    report: &'a RunReport,
    query: Option<&str>,
) -> Vec<(&'a Finding, Option<&'a Decision>)> {
    let matchers: Vec<Matcher> = query
        .map(|q| {
            ["rule_id", "path"]
                .into_iter()
                .filter_map(|field| Matcher::new([(field, vec![q.to_string()])]).ok())
                .collect()
        })
        .unwrap_or_default();
    let decisions: std::collections::HashMap<&str, &Decision> = report
        .decisions
        .iter()
        .map(|d| (d.fingerprint.as_str(), d))
        .collect();
    report
        .findings
        .iter()
        .filter(|f| match query {
            None => true,
            Some(q) => {
                f.fingerprint == q
                    || (q.len() >= 6 && f.fingerprint.starts_with(q))
                    || matchers.iter().any(|m| m.matches(&Subjected(f)).is_some())
            }
        })
        .map(|f| (f, decisions.get(f.fingerprint.as_str()).copied()))
        .collect()
}

fn location(f: &Finding) -> String {
    match f.locations.first() {
        None => "-".into(),
        Some(l) => match (l.start_line, l.start_column) {
            (Some(n), Some(c)) => format!("{}:{n}:{c}", terminal(&l.path)),
            (Some(n), None) => format!("{}:{n}", terminal(&l.path)),
            _ => terminal(&l.path).into_owned(),
        },
    }
}

/// The human explanation of `selected` (from [`select`]).
pub fn render(report: &RunReport, selected: &[(&Finding, Option<&Decision>)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "run {} ({}), pipeline {}, {} of {} finding{}",
        terminal(&report.run_id),
        terminal(&report.today),
        terminal(&report.pipeline),
        selected.len(),
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" }
    );
    for (f, d) in selected {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}  {} {}",
            terminal(&f.fingerprint),
            terminal(&f.tool),
            terminal(&f.rule_id)
        );
        let _ = writeln!(s, "  title:     {}", terminal(&f.title));
        let _ = writeln!(s, "  at:        {}", location(f));
        let _ = writeln!(
            s,
            "  severity:  {} (from {}{})",
            f.severity.as_str(),
            f.severity_source.as_str(),
            f.tool_severity
                .as_deref()
                .map(|t| format!(", tool said {}", terminal(t)))
                .unwrap_or_default()
        );
        if f.occurrences > 1 {
            let sources: Vec<String> = f
                .sources
                .iter()
                .map(|src| {
                    let input = report
                        .inputs
                        .get(src.input)
                        .map(|i| terminal(&i.path).into_owned())
                        .unwrap_or_else(|| format!("input {}", src.input));
                    format!("{input} {}", terminal(&src.source_pointer))
                })
                .collect();
            let _ = writeln!(
                s,
                "  merged:    {} records: {}",
                f.occurrences,
                sources.join(", ")
            );
        }
        if let Some(b) = f.baseline {
            let _ = writeln!(
                s,
                "  baseline:  {}",
                match b {
                    cordon_model::BaselineStatus::New => "new",
                    cordon_model::BaselineStatus::Existing => "existing",
                }
            );
        }
        let Some(d) = d else {
            let _ = writeln!(
                s,
                "  decision:  none (the run failed before the policy decided)"
            );
            continue;
        };
        let version = if d.policy_version.is_empty() {
            String::new()
        } else {
            format!(" {}", terminal(&d.policy_version))
        };
        let _ = writeln!(
            s,
            "  decision:  {} by rule {} (policy {}{version}, {})",
            d.action.as_str().to_ascii_uppercase(),
            terminal(&d.rule_id),
            terminal(&d.policy_name),
            terminal(&d.policy_digest)
        );
        if let Some(sev) = d.severity_override {
            let _ = writeln!(
                s,
                "  judged at: {} (a severity override in the policy)",
                sev.as_str()
            );
        }
        for m in &d.matched {
            let _ = writeln!(
                s,
                "  matched:   {} = {} ({})",
                terminal(&m.field),
                terminal(&m.value),
                terminal(&m.pattern)
            );
        }
        for (what, sup) in [
            ("suppressed by", &d.suppression),
            ("expired:", &d.expired_suppression),
        ] {
            if let Some(x) = sup {
                let _ = writeln!(
                    s,
                    "  {what:<10} {} (owner {}, expires {})",
                    terminal(&x.id),
                    terminal(&x.owner),
                    x.expires.as_deref().map_or("never".into(), terminal)
                );
            }
        }
        let _ = writeln!(s, "  why:       {}", terminal(&d.reason));
    }
    s
}

/// The machine form (`--json`, [`EXPLAIN_SCHEMA_VERSION`]): each selected
/// finding and its decision as `findings.json` has them.
pub fn to_json(report: &RunReport, selected: &[(&Finding, Option<&Decision>)]) -> Value {
    json!({
        "schema_version": EXPLAIN_SCHEMA_VERSION,
        "run_id": report.run_id,
        "today": report.today,
        "pipeline": report.pipeline,
        "explanations": selected
            .iter()
            .map(|(f, d)| json!({ "finding": f, "decision": d }))
            .collect::<Vec<_>>(),
    })
}
