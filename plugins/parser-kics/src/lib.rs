//! `parser-kics`: KICS JSON reports into cordon findings.
//!
//! KICS writes one object: scan counters (`files_scanned`, `queries_total`,
//! `severity_counters`, `total_counter`, ...) and `queries`, one entry per
//! query that matched, each with the `files` it matched in. One finding per
//! entry of `queries[].files`, in report order.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * Empty input (or only whitespace) is `malformed-input`.
//! * Invalid JSON, or a field of the wrong type (say `"line": "ten"`), is
//!   `malformed-input` with the line and column serde_json reports. Unknown
//!   fields (`bill_of_materials`, `paths`, ...) are ignored.
//! * A document that is not an object with `queries` is
//!   `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `kics`, `kics_version` |
//! | `rule-id` | `query_id` (a UUID, stable across KICS versions), else `query_name`, else `unknown` |
//! | `title` | `query_name`, else the rule id |
//! | `message` | query `description`, then the file's `expected_value`, `actual_value`, `issue_type` and `search_key` |
//! | `severity`, `tool-severity` | query `severity` (below) |
//! | `kind` | `secret` for the category `Secret Management`, else `iac` |
//! | `locations` | `file_name` with `line` |
//! | `component` | `resource_type` + `.` + `resource_name` when the file entry has them (KICS 1.6+) |
//! | `cwes` | query `cwe` (KICS 1.7+, a number or a string of digits) |
//! | `tags` | `platform:<platform>`, `category:<category>`, `issue-type:<issue_type>` |
//! | `help-uri` | `query_url` |
//! | `source-pointer` | `/queries/{q}/files/{f}` |
//!
//! KICS sometimes lists the same query at the same file and line several
//! times, with the same `similarity_id` (its own dedup key) and only the
//! expected value differing (one entry per wildcard in an RBAC rule, say).
//! Those are one problem at one place and make one finding after
//! normalisation.
//!
//! # Severity
//!
//! | KICS | cordon |
//! |---|---|
//! | `CRITICAL` | `critical` |
//! | `HIGH` | `high` |
//! | `MEDIUM` | `medium` |
//! | `LOW` | `low` |
//! | `INFO`, `TRACE` | `info` |
//! | absent or anything else | `medium` |
//!
//! `severity-source` is `tool` for KICS's levels, `default` otherwise.

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, clip, finding, non_empty, one_line, parse_object, position_strict, present,
    tool_or_default,
};
use cordon_sdk::{Component, Finding, FindingKind, Location, Parser, Severity, StageError};
use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;

/// The `tool` of every finding.
pub const TOOL: &str = "kics";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};
const WHAT: &str = "KICS report";

/// The stage, registered below.
pub struct KicsParser;

impl Parser for KicsParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(KicsParser);

#[derive(Deserialize)]
struct Report {
    kics_version: Option<String>,
    #[serde(default, deserialize_with = "present")]
    queries: Option<Option<Vec<Obj<Query>>>>,
}

#[derive(Deserialize)]
struct Query {
    query_name: Option<String>,
    query_id: Option<String>,
    query_url: Option<String>,
    severity: Option<String>,
    platform: Option<String>,
    category: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "cwe")]
    cwe: Option<u32>,
    files: Option<Vec<Obj<File>>>,
}

#[derive(Deserialize)]
struct File {
    file_name: Option<String>,
    #[serde(default, deserialize_with = "position_strict")]
    line: Option<u32>,
    issue_type: Option<String>,
    search_key: Option<String>,
    expected_value: Option<String>,
    actual_value: Option<String>,
    resource_type: Option<String>,
    resource_name: Option<String>,
}

/// A CWE: a number, a string of digits (`"798"`, `"CWE-798"`), `""` or null.
fn cwe<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct CweVisitor;
    impl<'de> Visitor<'de> for CweVisitor {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a CWE number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok().filter(|&n| n > 0))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u32::try_from(v).ok().filter(|&n| n > 0))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            let digits = t
                .strip_prefix("CWE-")
                .or_else(|| t.strip_prefix("cwe-"))
                .unwrap_or(t);
            if digits.is_empty() {
                return Ok(None);
            }
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::invalid_value(Unexpected::Str(v), &self));
            }
            Ok(digits.parse::<u32>().ok().filter(|&n| n > 0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(CweVisitor)
}

/// Parse a KICS JSON report into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let report: Report = parse_object(
        report,
        "a KICS JSON report",
        WHAT,
        "not a KICS report: the top-level JSON value must be an object with `queries`",
    )?;
    let Some(queries) = report.queries else {
        return Err(StageError::UnsupportedFormat(
            "not a KICS report: the object has no `queries`".to_string(),
        ));
    };
    let version = non_empty(report.kics_version.as_deref());
    let mut findings = Vec::new();
    for (q, query) in queries.iter().flatten().enumerate() {
        for (i, file) in query.files.iter().flatten().enumerate() {
            findings.push(convert(query, file, version, q, i));
        }
    }
    Ok(findings)
}

fn severity_of(s: &str) -> Option<Severity> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "INFO" | "TRACE" => Severity::Info,
        _ => return None,
    })
}

fn convert(query: &Query, file: &File, version: Option<&str>, q: usize, i: usize) -> Finding {
    let name = non_empty(query.query_name.as_deref());
    // Clipped before the title is made of it (the host's clip of the
    // output, `fit_to_contract`, comes after that).
    let rule_id = clip(
        non_empty(query.query_id.as_deref())
            .or(name)
            .unwrap_or(UNKNOWN_RULE),
        MAX_ID_BYTES,
    );
    let title = one_line(name.unwrap_or(&rule_id), TITLE_MAX_CHARS);

    let mut message = non_empty(query.description.as_deref())
        .unwrap_or(&title)
        .to_string();
    for (label, value) in [
        ("Expected", file.expected_value.as_deref()),
        ("Actual", file.actual_value.as_deref()),
        ("Issue type", file.issue_type.as_deref()),
        ("Search key", file.search_key.as_deref()),
    ] {
        if let Some(v) = non_empty(value) {
            message.push_str(&format!("\n{label}: {v}"));
        }
    }

    let category = non_empty(query.category.as_deref());
    let mut tags = Vec::new();
    for (label, value) in [
        ("platform", non_empty(query.platform.as_deref())),
        ("category", category),
        ("issue-type", non_empty(file.issue_type.as_deref())),
    ] {
        if let Some(v) = value {
            tags.push(format!("{label}:{v}"));
        }
    }

    let resource = match (
        non_empty(file.resource_type.as_deref()),
        non_empty(file.resource_name.as_deref()),
    ) {
        (Some(t), Some(n)) => Some(format!("{t}.{n}")),
        (None, Some(n)) => Some(n.to_string()),
        _ => None,
    };

    let tool_severity = non_empty(query.severity.as_deref());
    let (severity, severity_source) =
        tool_or_default(tool_severity.and_then(severity_of), Severity::Medium);
    Finding {
        tool_version: version.map(str::to_string),
        message,
        tool_severity: tool_severity.map(str::to_string),
        locations: non_empty(file.file_name.as_deref())
            .map(|path| Location {
                path: path.to_string(),
                start_line: file.line,
                start_column: None,
                end_line: None,
                end_column: None,
            })
            .into_iter()
            .collect(),
        component: resource.map(|name| Component {
            name,
            version: None,
            purl: None,
            fixed_versions: Vec::new(),
        }),
        cwes: query.cwe.into_iter().collect(),
        tags,
        help_uri: non_empty(query.query_url.as_deref()).map(str::to_string),
        source_pointer: format!("/queries/{q}/files/{i}"),
        severity_source,
        ..finding(
            TOOL,
            rule_id,
            title,
            if category.is_some_and(|c| c.eq_ignore_ascii_case("Secret Management")) {
                FindingKind::Secret
            } else {
                FindingKind::Iac
            },
            severity,
        )
    }
}

#[cfg(test)]
mod tests;
