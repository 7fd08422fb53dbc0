//! `parser-gosec`: gosec JSON reports (`gosec -fmt json`) into cordon
//! findings.
//!
//! One finding per entry of `Issues`, in document order; nothing is merged
//! here (the normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The top level is an object with `Issues` (gosec also writes
//!   `Golang errors`, `Stats` and, since 2.x, `GosecVersion`). The JSON must
//!   be well formed and every issue needs `rule_id` and `file`; a syntax
//!   error, a missing field or a field of the wrong type is
//!   `malformed-input` with serde_json's line and column. Unknown fields are
//!   ignored.
//! * `unsupported-format`: a top level that is not an object, an object
//!   without `Issues`, or an `Issues` array none of whose entries has a
//!   `rule_id` (another tool's report).
//! * `Golang errors` (packages gosec could not type-check) do not void the
//!   report; they are logged as a warning.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `gosec`, `GosecVersion` |
//! | `rule-id` | `rule_id` (`G104`) |
//! | `title` | first line of `details` (at most [`TITLE_MAX_CHARS`] characters), else `rule_id` |
//! | `message` | `details` |
//! | `severity`, `tool-severity` | `severity`, see below |
//! | `kind` | `sast` |
//! | `locations` | `file` (none when blank) with `line` (a number or a string; a range `"36-39"` gives start and end line) and `column` |
//! | `cwes` | `cwe.id` (a string in gosec's output) |
//! | `tags` | `confidence:<confidence>`; `suppressed-in-source` when `nosec` is true or `suppressions` is not empty |
//! | `help-uri` | `cwe.url` |
//! | `source-pointer` | `/Issues/{i}` |
//!
//! # Severity
//!
//! | gosec `severity` (any case) | cordon |
//! |---|---|
//! | `HIGH` | high |
//! | `MEDIUM` | medium |
//! | `LOW` | low |
//! | anything else, or absent | medium |
//!
//! gosec has no "critical" or "info"; `tool-severity` keeps the string as
//! written. `severity-source` is `tool` for the three levels, `default`
//! otherwise.

use cordon_parser_support::{
    Keys, Obj, Shape, UNKNOWN_RULE, cwe_exact, finding, foreign_entries, high_medium_low, located,
    loose_string, non_empty, parse_or_foreign, position, tag, title_line, tool_or_default,
    top_level,
};
use cordon_sdk::{Finding, FindingKind, Level, Location, Parser, Severity, StageError};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use std::fmt;

/// `tool` of every finding.
pub const TOOL: &str = "gosec";
/// The format name of a gosec JSON report.
pub const FORMAT: &str = "gosec-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "gosec report";

/// The stage, registered below.
pub struct GosecParser;

impl Parser for GosecParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GosecParser);

#[derive(Deserialize)]
#[serde(expecting = "a gosec report (a JSON object with 'Issues')")]
struct Report {
    #[serde(rename = "Issues")]
    issues: Option<Vec<Obj<Issue>>>,
    #[serde(rename = "Golang errors")]
    golang_errors: Option<HashMap<String, IgnoredAny>>,
    #[serde(default, rename = "GosecVersion", deserialize_with = "loose_string")]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Issue {
    rule_id: String,
    file: String,
    severity: Option<String>,
    confidence: Option<String>,
    cwe: Option<Obj<Cwe>>,
    details: Option<String>,
    #[serde(default, deserialize_with = "line_range")]
    line: (Option<u32>, Option<u32>),
    #[serde(default, deserialize_with = "position")]
    column: Option<u32>,
    nosec: Option<bool>,
    suppressions: Option<Vec<IgnoredAny>>,
}

/// `cwe`: `{"id": "252", "url": "https://cwe.mitre.org/..."}`.
#[derive(Deserialize)]
struct Cwe {
    #[serde(default, deserialize_with = "loose_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    url: Option<String>,
}

/// gosec's `line`: `"79"`, `"36-39"` (a range) or a number, as (start, end).
/// Unreadable text is no line; a boolean, array or object is a type error.
fn line_range<'de, D: Deserializer<'de>>(d: D) -> Result<(Option<u32>, Option<u32>), D::Error> {
    struct LineVisitor;
    impl Visitor<'_> for LineVisitor {
        type Value = (Option<u32>, Option<u32>);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a line number or a range like \"36-39\"")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok((u32::try_from(v).ok().filter(|&n| n > 0), None))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok((u32::try_from(v).ok().filter(|&n| n > 0), None))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok((None, None))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let num = |s: &str| s.trim().parse::<u32>().ok().filter(|&n| n > 0);
            Ok(match v.split_once('-') {
                Some((a, b)) => {
                    let (start, end) = (num(a), num(b));
                    (start, end.filter(|e| start.is_some_and(|s| *e >= s)))
                }
                None => (num(v), None),
            })
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok((None, None))
        }
    }
    d.deserialize_any(LineVisitor)
}

/// Keys that mark a gosec issue.
struct IssueKeys;
impl Keys for IssueKeys {
    const KEYS: &'static [&'static str] = &["rule_id"];
}

/// Error-path probe: does `Issues` hold gosec issues at all?
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Issues")]
    issues: Option<Shape<IssueKeys>>,
}

/// Parse a gosec JSON report (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a gosec JSON report", WHAT)?;
    let doc: Report = parse_or_foreign(bytes, WHAT, |p: Probe| {
        let foreign = p.issues.as_ref().is_some_and(Shape::foreign);
        foreign.then(|| foreign_entries::<IssueKeys>(WHAT, Some("Issues")))
    })?;
    let Some(issues) = doc.issues else {
        return Err(StageError::UnsupportedFormat(
            "not a gosec report: no `Issues`".into(),
        ));
    };
    let broken = doc.golang_errors.map_or(0, |e| e.len());
    if broken > 0 {
        cordon_sdk::log(
            Level::Warn,
            &format!(
                "gosec could not type-check {broken} package(s) (see `Golang errors` in the report)"
            ),
        );
    }
    let version = doc.version.filter(|v| !v.trim().is_empty());
    Ok(issues
        .iter()
        .enumerate()
        .map(|(i, issue)| convert(issue, i, version.as_deref()))
        .collect())
}

fn convert(issue: &Issue, i: usize, version: Option<&str>) -> Finding {
    let rule_id = non_empty(Some(&issue.rule_id))
        .unwrap_or(UNKNOWN_RULE)
        .to_string();
    let message = issue.details.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let mut tags: Vec<String> = tag("confidence", issue.confidence.as_deref())
        .into_iter()
        .collect();
    if issue.nosec == Some(true) || issue.suppressions.as_ref().is_some_and(|s| !s.is_empty()) {
        tags.push("suppressed-in-source".to_string());
    }
    let cwe = issue.cwe.as_deref();
    let sev = non_empty(issue.severity.as_deref());
    let (severity, severity_source) =
        tool_or_default(sev.and_then(high_medium_low), Severity::Medium);
    let (start_line, end_line) = issue.line;
    Finding {
        tool_version: version.map(str::to_string),
        message,
        tool_severity: sev.map(str::to_string),
        locations: located(&issue.file, |path| Location {
            path: path.to_string(),
            start_line,
            start_column: issue.column,
            end_line,
            end_column: None,
        }),
        cwes: cwe
            .and_then(|c| c.id.as_deref())
            .and_then(cwe_exact)
            .into_iter()
            .collect(),
        tags,
        help_uri: cwe
            .and_then(|c| c.url.clone())
            .filter(|u| u.starts_with("http")),
        source_pointer: format!("/Issues/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
