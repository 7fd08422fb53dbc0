//! The run as the output writers see it: each finding with its decision and
//! input, in one priority order shared by every writer (so the terminal,
//! `summary.md`, the annotations and a capped SARIF all put the same
//! findings first).

use cordon_model::{Action, Decision, Finding, InputRecord, Location, RunReport, Severity};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One finding with what decided it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// Its decision; none when the run failed before the policy decided.
    pub decision: Option<&'a Decision>,
    /// The input report it came from (its first, after dedup).
    pub input: Option<&'a InputRecord>,
}

impl<'a> Row<'a> {
    /// The decision's action, if there is a decision.
    pub fn action(&self) -> Option<Action> {
        self.decision.map(|d| d.action)
    }

    /// Whether the finding fails the gate (a `block` decision).
    pub fn is_blocking(&self) -> bool {
        self.action() == Some(Action::Block)
    }

    /// The severity the gate judged the finding at: the policy's override
    /// when it made one, else the finding's own.
    pub fn severity(&self) -> Severity {
        self.decision
            .and_then(|d| d.severity_override)
            .unwrap_or(self.finding.severity)
    }

    /// The first location, if the finding has one.
    pub fn location(&self) -> Option<&'a Location> {
        self.finding.locations.first()
    }

    /// The input report's path as given on the command line (`-` is
    /// standard input), or `""` when unknown.
    pub fn input_path(&self) -> &'a str {
        self.input.map_or("", |i| i.path.as_str())
    }
}

/// Rank of an action for ordering: `block` first, then `ticket`,
/// `notify`, `record`, `suppressed`, and findings with no decision last.
pub fn action_rank(action: Option<Action>) -> u8 {
    match action {
        Some(Action::Block) => 0,
        Some(Action::Ticket) => 1,
        Some(Action::Notify) => 2,
        Some(Action::Record) => 3,
        Some(Action::Suppressed) => 4,
        None => 5,
    }
}

/// Every finding of `report` with its decision and input, in findings
/// order.
pub fn rows(report: &RunReport) -> Vec<Row<'_>> {
    let decisions: HashMap<&str, &Decision> = report
        .decisions
        .iter()
        .map(|d| (d.fingerprint.as_str(), d))
        .collect();
    report
        .findings
        .iter()
        .map(|f| Row {
            finding: f,
            decision: decisions.get(f.fingerprint.as_str()).copied(),
            input: report.inputs.get(f.input),
        })
        .collect()
}

/// The priority order: action (`block` first), then severity (most severe
/// first), then tool, rule, path, line and fingerprint, so the order is
/// total and the same for the same run.
pub fn priority(a: &Row<'_>, b: &Row<'_>) -> Ordering {
    fn loc<'a>(r: &Row<'a>) -> Option<(&'a str, u32)> {
        r.location()
            .map(|l| (l.path.as_str(), l.start_line.unwrap_or(0)))
    }
    action_rank(a.action())
        .cmp(&action_rank(b.action()))
        .then(a.severity().cmp(&b.severity()))
        .then_with(|| a.finding.tool.cmp(&b.finding.tool))
        .then_with(|| a.finding.rule_id.cmp(&b.finding.rule_id))
        .then_with(|| loc(a).cmp(&loc(b)))
        .then_with(|| a.finding.fingerprint.cmp(&b.finding.fingerprint))
}

/// [`rows`] sorted by [`priority`].
pub fn prioritised(report: &RunReport) -> Vec<Row<'_>> {
    let mut rows = rows(report);
    rows.sort_by(priority);
    rows
}

/// The blocking findings, most severe first.
pub fn blocking(report: &RunReport) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = rows(report).into_iter().filter(Row::is_blocking).collect();
    rows.sort_by(priority);
    rows
}

/// `path:line:column` (as much of it as the location has), unsanitised.
pub fn location_text(l: &Location) -> String {
    match (l.start_line, l.start_column) {
        (Some(n), Some(c)) => format!("{}:{n}:{c}", l.path),
        (Some(n), None) => format!("{}:{n}", l.path),
        _ => l.path.clone(),
    }
}

/// Counts of findings by judged severity, in [`Severity::ALL`] order.
pub fn severity_counts(rows: &[Row<'_>]) -> [usize; 5] {
    let mut counts = [0usize; 5];
    for r in rows {
        let i = Severity::ALL
            .iter()
            .position(|s| *s == r.severity())
            .unwrap_or(4);
        counts[i] += 1;
    }
    counts
}
