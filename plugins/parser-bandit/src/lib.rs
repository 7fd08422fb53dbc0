//! `parser-bandit`: Bandit JSON reports (`bandit -f json`) into cordon
//! findings.
//!
//! One finding per entry of `results`, in document order; nothing is merged
//! here (the normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The top level is an object with `results` (Bandit also writes `errors`,
//!   `generated_at` and `metrics`, which are not needed). The JSON must be
//!   well formed and every result needs `test_id` and `filename`; a syntax
//!   error, a missing field or a field of the wrong type is
//!   `malformed-input` with serde_json's line and column. Unknown fields are
//!   ignored.
//! * `unsupported-format`: a top level that is not an object, an object
//!   without `results`, or a `results` array none of whose entries has a
//!   `test_id` (another tool's report).
//! * Bandit's `errors` are per-file (a file it could not parse); they do not
//!   void the report and are logged as a warning.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `bandit`; none (the JSON report has no version) |
//! | `rule-id` | `test_id` (`B303`) |
//! | `title` | first line of `issue_text` (at most [`TITLE_MAX_CHARS`] characters), else `test_name`, else `test_id` |
//! | `message` | `issue_text` |
//! | `severity`, `tool-severity` | `issue_severity`, see below |
//! | `kind` | `sast` |
//! | `locations` | `filename` (as written, Windows separators included; none when blank) with `line_number`, the last of `line_range` as end line, and `col_offset` / `end_col_offset` + 1 as columns (Bandit's are 0-based) |
//! | `cwes` | `issue_cwe.id` (Bandit ≥ 1.7.5) |
//! | `tags` | `test_name` (`blacklist`, `hardcoded_sql_expressions`, ...), `confidence:<issue_confidence>` |
//! | `help-uri` | `more_info` |
//! | `source-pointer` | `/results/{i}` |
//!
//! # Severity
//!
//! | Bandit `issue_severity` (any case) | cordon |
//! |---|---|
//! | `HIGH` | high |
//! | `MEDIUM` | medium |
//! | `LOW` | low |
//! | `UNDEFINED` | info |
//! | anything else, or absent | medium |
//!
//! Bandit has no "critical"; `tool-severity` keeps the string as written.

use cordon_parser_support::{
    Keys, Obj, Shape, check_syntax, cwe_digits, finding, first_byte, json_error, loose_string,
    position, prepare, title_line,
};
use cordon_sdk::{Finding, FindingKind, Level, Location, Parser, Severity, StageError};
use serde::Deserialize;

/// `tool` of every finding.
pub const TOOL: &str = "bandit";
/// The format name of a Bandit JSON report.
pub const FORMAT: &str = "bandit-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "Bandit report";

/// The stage, registered below.
pub struct BanditParser;

impl Parser for BanditParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(BanditParser);

#[derive(Deserialize)]
#[serde(expecting = "a Bandit report (a JSON object with 'results')")]
struct Report {
    #[serde(default)]
    results: Option<Vec<Obj<BanditResult>>>,
    #[serde(default)]
    errors: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct BanditResult {
    test_id: String,
    filename: String,
    #[serde(default)]
    test_name: Option<String>,
    #[serde(default)]
    issue_text: Option<String>,
    #[serde(default)]
    issue_severity: Option<String>,
    #[serde(default)]
    issue_confidence: Option<String>,
    #[serde(default)]
    issue_cwe: Option<Obj<Cwe>>,
    #[serde(default, deserialize_with = "position")]
    line_number: Option<u32>,
    #[serde(default)]
    line_range: Option<Vec<Line>>,
    #[serde(default)]
    col_offset: Option<serde_json::Number>,
    #[serde(default)]
    end_col_offset: Option<serde_json::Number>,
    #[serde(default)]
    more_info: Option<String>,
}

/// `issue_cwe`: `{"id": 78, "link": "..."}`.
#[derive(Deserialize)]
struct Cwe {
    #[serde(default, deserialize_with = "loose_string")]
    id: Option<String>,
}

/// One entry of `line_range`.
struct Line(Option<u32>);

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        position(d).map(Line)
    }
}

/// Keys that mark a Bandit result.
struct ResultKeys;
impl Keys for ResultKeys {
    const KEYS: &'static [&'static str] = &["test_id"];
}

/// Error-path probe: does `results` hold Bandit results at all?
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    results: Option<Shape<ResultKeys>>,
}

/// Parse a Bandit JSON report (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a Bandit JSON report")?;
    if first_byte(bytes) != Some(b'{') {
        check_syntax(bytes, WHAT)?;
        return Err(StageError::UnsupportedFormat(
            "not a Bandit report: the top-level JSON value must be an object".into(),
        ));
    }
    let doc: Report = match serde_json::from_slice(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            if e.classify() == serde_json::error::Category::Data
                && let Ok(p) = serde_json::from_slice::<Probe>(bytes)
                && p.results.as_ref().is_some_and(Shape::foreign)
            {
                return Err(StageError::UnsupportedFormat(
                    "not a Bandit report: no entry of `results` has a `test_id` \
                     (is this another tool's report?)"
                        .into(),
                ));
            }
            return Err(json_error(&e, WHAT));
        }
    };
    let Some(results) = doc.results else {
        return Err(StageError::UnsupportedFormat(
            "not a Bandit report: no `results`".into(),
        ));
    };
    let errors = doc.errors.map_or(0, |e| e.len());
    if errors > 0 {
        cordon_sdk::log(
            Level::Warn,
            &format!("Bandit could not scan {errors} file(s) (see `errors` in the report)"),
        );
    }
    Ok(results
        .iter()
        .enumerate()
        .map(|(i, r)| convert(r, i))
        .collect())
}

fn severity(raw: Option<&str>) -> Severity {
    match raw.map(|s| s.trim().to_ascii_uppercase()).as_deref() {
        Some("HIGH") => Severity::High,
        Some("MEDIUM") => Severity::Medium,
        Some("LOW") => Severity::Low,
        Some("UNDEFINED") => Severity::Info,
        _ => Severity::Medium,
    }
}

/// A 0-based column offset as a 1-based column (negative, fractional or
/// out-of-range offsets are `None`).
fn column(offset: Option<&serde_json::Number>) -> Option<u32> {
    let n = offset?.as_u64()?.checked_add(1)?;
    u32::try_from(n).ok()
}

fn convert(r: &BanditResult, i: usize) -> Finding {
    let rule_id = match r.test_id.trim() {
        "" => "unknown".to_string(),
        id => id.to_string(),
    };
    let message = r.issue_text.clone().unwrap_or_default();
    let test_name = r
        .test_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let title = title_line(&message)
        .or_else(|| test_name.map(str::to_string))
        .unwrap_or_else(|| rule_id.clone());
    let end_line = r
        .line_range
        .as_deref()
        .and_then(|range| range.iter().filter_map(|l| l.0).max())
        .filter(|&end| r.line_number.is_none_or(|start| end >= start));
    let mut tags = Vec::new();
    if let Some(n) = test_name {
        tags.push(n.to_string());
    }
    if let Some(c) = r
        .issue_confidence
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        tags.push(format!("confidence:{}", c.to_ascii_lowercase()));
    }
    let sev = r
        .issue_severity
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    Finding {
        message,
        tool_severity: sev.map(str::to_string),
        locations: Some(&r.filename)
            .filter(|p| !p.trim().is_empty())
            .map(|p| Location {
                path: p.clone(),
                start_line: r.line_number,
                start_column: column(r.col_offset.as_ref()),
                end_line,
                end_column: column(r.end_col_offset.as_ref()),
            })
            .into_iter()
            .collect(),
        cwes: r
            .issue_cwe
            .as_deref()
            .and_then(|c| c.id.as_deref())
            .and_then(|id| cwe_digits(id).parse().ok().filter(|&n| n > 0))
            .into_iter()
            .collect(),
        tags,
        help_uri: r.more_info.clone().filter(|u| u.starts_with("http")),
        source_pointer: format!("/results/{i}"),
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity(sev))
    }
}

#[cfg(test)]
mod tests;
