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
//! | Bandit `issue_severity` (any case) | cordon | `severity-source` |
//! |---|---|---|
//! | `HIGH` | high | `tool` |
//! | `MEDIUM` | medium | `tool` |
//! | `LOW` | low | `tool` |
//! | `UNDEFINED` | info | `tool` |
//! | anything else, or absent | medium | `default` |
//!
//! Bandit has no "critical"; `tool-severity` keeps the string as written.
//! Bandit's SARIF carries the same word in `properties.issue_severity`, and
//! `parser-sarif` reads it with this table, so both formats of one scan
//! agree (its SARIF `level` leaves `MEDIUM` out).

use cordon_parser_support::{
    Keys, Obj, Position, Shape, UNKNOWN_RULE, bandit_level, cwe_exact, finding, foreign_entries,
    located, loose_string, non_empty, parse_or_foreign, position, tag, title_line, tool_or_default,
    top_level,
};
use cordon_sdk::{
    Finding, FindingKind, Level, Location, Parser, Severity, SeveritySource, StageError,
};
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
    results: Option<Vec<Obj<BanditResult>>>,
    errors: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct BanditResult {
    test_id: String,
    filename: String,
    test_name: Option<String>,
    issue_text: Option<String>,
    issue_severity: Option<String>,
    issue_confidence: Option<String>,
    issue_cwe: Option<Obj<Cwe>>,
    #[serde(default, deserialize_with = "position")]
    line_number: Option<u32>,
    line_range: Option<Vec<Position>>,
    col_offset: Option<serde_json::Number>,
    end_col_offset: Option<serde_json::Number>,
    more_info: Option<String>,
}

/// `issue_cwe`: `{"id": 78, "link": "..."}`.
#[derive(Deserialize)]
struct Cwe {
    #[serde(default, deserialize_with = "loose_string")]
    id: Option<String>,
}

/// Keys that mark a Bandit result.
struct ResultKeys;
impl Keys for ResultKeys {
    const KEYS: &'static [&'static str] = &["test_id"];
}

/// Error-path probe: does `results` hold Bandit results at all?
#[derive(Deserialize)]
struct Probe {
    results: Option<Shape<ResultKeys>>,
}

/// Parse a Bandit JSON report (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a Bandit JSON report", WHAT)?;
    let doc: Report = parse_or_foreign(bytes, WHAT, |p: Probe| {
        let foreign = p.results.as_ref().is_some_and(Shape::foreign);
        foreign.then(|| foreign_entries::<ResultKeys>(WHAT, Some("results")))
    })?;
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

/// The severity of `issue_severity` and where it came from (see the crate
/// docs); the same table reads Bandit's SARIF in `parser-sarif`.
fn severity(raw: Option<&str>) -> (Severity, SeveritySource) {
    tool_or_default(raw.and_then(bandit_level), Severity::Medium)
}

/// A 0-based column offset as a 1-based column (negative, fractional or
/// out-of-range offsets are `None`).
fn column(offset: Option<&serde_json::Number>) -> Option<u32> {
    let n = offset?.as_u64()?.checked_add(1)?;
    u32::try_from(n).ok()
}

fn convert(r: &BanditResult, i: usize) -> Finding {
    let rule_id = non_empty(Some(&r.test_id))
        .unwrap_or(UNKNOWN_RULE)
        .to_string();
    let message = r.issue_text.clone().unwrap_or_default();
    let test_name = non_empty(r.test_name.as_deref());
    let title = title_line(&message)
        .or_else(|| test_name.map(str::to_string))
        .unwrap_or_else(|| rule_id.clone());
    let end_line = r
        .line_range
        .as_deref()
        .and_then(|range| range.iter().filter_map(|l| l.0).max())
        .filter(|&end| r.line_number.is_none_or(|start| end >= start));
    let tags = test_name
        .map(str::to_string)
        .into_iter()
        .chain(tag("confidence", r.issue_confidence.as_deref()))
        .collect();
    let sev = non_empty(r.issue_severity.as_deref());
    let (severity, severity_source) = severity(sev);
    Finding {
        message,
        tool_severity: sev.map(str::to_string),
        locations: located(&r.filename, |path| Location {
            path: path.to_string(),
            start_line: r.line_number,
            start_column: column(r.col_offset.as_ref()),
            end_line,
            end_column: column(r.end_col_offset.as_ref()),
        }),
        cwes: r
            .issue_cwe
            .as_deref()
            .and_then(|c| c.id.as_deref())
            .and_then(cwe_exact)
            .into_iter()
            .collect(),
        tags,
        help_uri: r.more_info.clone().filter(|u| u.starts_with("http")),
        source_pointer: format!("/results/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
