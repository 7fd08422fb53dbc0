//! GitLab Code Quality report ([`FILE`], for
//! `artifacts:reports:codequality`): a JSON array of issues, each exactly
//! `{description, check_name, fingerprint, severity, location: {path,
//! lines: {begin}}}`, the subset of the Code Climate format GitLab reads.
//!
//! How a run maps onto it:
//!
//! * **Suppressed findings are left out**, as in the security reports
//!   ([`crate::gitlab`]); every other finding is an issue, in the shared
//!   priority order ([`view::prioritised`]).
//! * **`severity`**: `blocker` for a finding that fails the gate (a
//!   `block` decision), else by judged severity ([`Row::severity`]):
//!   critical → `critical`, high → `major`, medium → `minor`, low and
//!   info → `info`.
//! * **`check_name`** is `<tool>/<rule_id>`, so rules of different tools
//!   never merge.
//! * **`fingerprint`** is the finding's own, so GitLab tells new issues
//!   from old ones across runs. Should two issues have the same one, the
//!   later ones get `-2`, `-3`, … appended (the first free one), so every
//!   fingerprint in the file is unique and the same run gives the same
//!   ones.
//! * **`description`** is the finding's title (its message, then its rule
//!   id, when that is blank), on one line.
//! * **`location`**: `path` is the first location's path (repository
//!   relative: cordon canonicalises location paths), else the input
//!   report's path; `lines.begin` is the first location's start line, 1
//!   when unknown.
//! * **Strings from stages**: JSON needs no escaping, but GitLab shows
//!   these strings to people, so control characters and bidi overrides are
//!   made visible with [`crate::sanitize::terminal`].

use crate::gitlab::{non_empty, one_line, report_path};
use crate::view::{self, Row};
use cordon_model::{Action, RunReport, Severity};
use serde_json::{Value, json};
use std::collections::HashSet;

/// File name of the Code Quality report.
pub const FILE: &str = "gl-code-quality-report.json";

/// Render the Code Quality report of `report`: pretty-printed JSON ending
/// in a newline (`[]` when there is nothing to report); the same run gives
/// the same bytes.
pub fn render(report: &RunReport) -> Vec<u8> {
    let mut taken = HashSet::new();
    let issues: Vec<Value> = view::prioritised(report)
        .iter()
        .filter(|r| r.action() != Some(Action::Suppressed))
        .map(|r| issue(r, &mut taken))
        .collect();
    let mut bytes = format!("{:#}", Value::Array(issues)).into_bytes();
    bytes.push(b'\n');
    bytes
}

/// One issue; `taken` are the fingerprints already used.
fn issue(r: &Row<'_>, taken: &mut HashSet<String>) -> Value {
    let f = r.finding;
    let description = [&f.title, &f.message, &f.rule_id]
        .into_iter()
        .find(|s| !s.trim().is_empty())
        .map_or_else(|| "finding".to_owned(), |s| one_line(s));
    let check_name = format!(
        "{}/{}",
        non_empty(one_line(&f.tool), "unknown"),
        non_empty(one_line(&f.rule_id), "unknown")
    );
    let begin = r.location().and_then(|l| l.start_line).unwrap_or(1).max(1);
    json!({
        "description": description,
        "check_name": check_name,
        "fingerprint": unique(non_empty(one_line(&f.fingerprint), "unknown"), taken),
        "severity": severity(r),
        "location": {
            "path": report_path(r),
            "lines": { "begin": begin },
        },
    })
}

/// Code Quality's severity of a row.
fn severity(r: &Row<'_>) -> &'static str {
    if r.is_blocking() {
        return "blocker";
    }
    match r.severity() {
        Severity::Critical => "critical",
        Severity::High => "major",
        Severity::Medium => "minor",
        Severity::Low | Severity::Info => "info",
    }
}

/// `fingerprint`, or the first of `fingerprint-2`, `fingerprint-3`, … not
/// in `taken`; recorded in `taken`.
fn unique(fingerprint: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = fingerprint.clone();
    let mut n = 1u64;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{fingerprint}-{n}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codequality_unique_appends_the_first_free_counter() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a-2".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
        assert_eq!(unique("a".into(), &mut taken), "a-4");
    }
}
