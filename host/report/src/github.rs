//! GitHub Actions workflow commands (`::error file=…,line=…::…`) that turn
//! the run into annotations on the run page and the pull request's diff;
//! for stdout when `GITHUB_ACTIONS=true`.
//!
//! What is annotated, most important first within each level:
//!
//! * `::error`: the run's errors (`title=cordon`), then the blocking
//!   findings, most severe first (the shared [`view`] priority order).
//! * `::warning`: the run's warnings, then the `ticket` findings. A ticket
//!   is the policy saying "someone must follow this up", which belongs next
//!   to the code in review; warnings have their own budget, so they never
//!   displace a blocking finding. `notify`, `record` and `suppressed`
//!   findings are not annotated (they are in `summary.md`).
//!
//! GitHub shows at most [`MAX_PER_LEVEL`] annotations of each level per
//! step (and 50 per job; actions/toolkit, `docs/problem-matchers.md`), in
//! the order they were printed and silently drops the rest, so at most
//! that many are written per level, and then one plain log line (not a
//! workflow command) says how many were not annotated and where they are.
//!
//! Every property is escaped with [`workflow_property`] and every message
//! with [`workflow_data`]: neither can end the line, so nothing a stage
//! wrote can start a command of its own (`::add-mask::`,
//! `::stop-commands::`) or add a property.

use cordon_model::{Action, RunError, RunReport};
use std::borrow::Cow;
use std::fmt::Write as _;

use crate::sanitize::{workflow_data, workflow_property};
use crate::view::{self, Row};

/// Annotations of one level (error, warning, notice) GitHub shows per step.
pub const MAX_PER_LEVEL: usize = 10;

/// The workflow commands for `report`, one per line, then (when some were
/// left out) one plain line saying how many. Empty when there is nothing to
/// annotate.
pub fn annotations(report: &RunReport) -> String {
    let rows = view::prioritised(report);
    let blocking: Vec<&Row<'_>> = rows.iter().filter(|r| r.is_blocking()).collect();
    let tickets: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| r.action() == Some(Action::Ticket))
        .collect();

    let mut out = String::new();
    let mut left_out = Vec::new();
    for (level, problems, findings, kind) in [
        ("error", &report.errors, &blocking, "blocking"),
        ("warning", &report.warnings, &tickets, "ticket"),
    ] {
        let shown = problems.len().min(MAX_PER_LEVEL);
        for e in &problems[..shown] {
            out.push_str(&problem(level, e));
        }
        let room = MAX_PER_LEVEL - shown;
        for r in findings.iter().take(room) {
            out.push_str(&finding(level, r));
        }
        if problems.len() > shown {
            left_out.push(plural(problems.len() - shown, &format!("more run {level}")));
        }
        if findings.len() > room {
            left_out.push(plural(
                findings.len() - room,
                &format!("more {kind} finding"),
            ));
        }
    }
    if let Some(last) = left_out.pop() {
        let what = if left_out.is_empty() {
            last
        } else {
            format!("{} and {last}", left_out.join(", "))
        };
        let _ = writeln!(
            out,
            "cordon: {} not annotated (GitHub shows {MAX_PER_LEVEL} error and \
             {MAX_PER_LEVEL} warning annotations per step); every finding is in \
             findings.json and summary.md, every run error and warning in the log above",
            what
        );
    }
    out
}

/// `1 ticket finding`, `2 run errors`.
fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `s` cut to at most `max_chars` characters (the last one `…`). The
/// escaping comes after, so a cut never splits an escape.
fn cut(s: &str, max_chars: usize) -> Cow<'_, str> {
    if s.chars().nth(max_chars).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

/// `::error title=cordon::error[kind]: message`.
fn problem(level: &str, e: &RunError) -> String {
    format!(
        "::{level} title=cordon::{}\n",
        workflow_data(&format!(
            "{level}[{}]: {}",
            cut(&e.kind, 60),
            cut(&e.message, 2000)
        ))
    )
}

/// One finding's command: its first location (line and column only when
/// known), a title naming severity, rule and tool, and a message with the
/// title, the message, the decision and the fingerprint.
fn finding(level: &str, r: &Row<'_>) -> String {
    let f = r.finding;
    let mut props = Vec::new();
    if let Some(l) = r.location().filter(|l| !l.path.is_empty()) {
        props.push(format!("file={}", workflow_property(&cut(&l.path, 500))));
        if let Some(line) = l.start_line {
            props.push(format!("line={line}"));
            if let Some(col) = l.start_column {
                props.push(format!("col={col}"));
            }
        }
    }
    let title = format!(
        "[{}] {} ({})",
        r.severity().as_str(),
        cut(&f.rule_id, 100),
        cut(&f.tool, 40)
    );
    props.push(format!("title={}", workflow_property(&title)));

    let mut message = cut(&f.title, 200).into_owned();
    if f.message.trim() != f.title.trim() && !f.message.trim().is_empty() {
        message.push('\n');
        message.push_str(&cut(&f.message, 1000));
    }
    if let Some(d) = r.decision {
        let _ = write!(
            message,
            "\n{} by policy rule {}: {}",
            d.action.as_str(),
            cut(&d.rule_id, 100),
            cut(&d.reason, 300)
        );
    }
    let _ = write!(
        message,
        "\nfingerprint {}, input {}",
        cut(&f.fingerprint, 80),
        cut(r.input_path(), 200)
    );
    format!(
        "::{level} {}::{}\n",
        props.join(","),
        workflow_data(&message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("ééééé", 3), "éé…");
        assert_eq!(cut("", 0), "");
    }
}
