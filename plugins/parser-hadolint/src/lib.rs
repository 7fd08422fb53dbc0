//! `parser-hadolint`: Hadolint JSON reports (`hadolint -f json`) into cordon
//! findings.
//!
//! The report is a top-level array of `{line, code, message, column, file,
//! level}` objects; one finding per entry, in document order. Nothing is
//! merged here (the normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed and every entry needs `code` and `file`; a
//!   syntax error, a missing field or a field of the wrong type is
//!   `malformed-input` with serde_json's line and column. Unknown fields are
//!   ignored.
//! * `unsupported-format`: a top level that is not an array (Hadolint's JSON
//!   output always is one), or an array of objects none of which has a
//!   `code` (another tool's array, such as gitleaks or Hadolint's own
//!   Code Climate output).
//! * `[]` is a clean run: no findings.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `hadolint`; none (the report has no version) |
//! | `rule-id` | `code` (`DL3008`, or a ShellCheck code such as `SC2086`) |
//! | `title` | first line of `message` (at most [`TITLE_MAX_CHARS`] characters), else `code` |
//! | `message` | `message` |
//! | `severity`, `tool-severity` | `level`, see below |
//! | `kind` | `iac` (a Dockerfile is infrastructure as code) |
//! | `locations` | `file` (as written, Windows separators included; none when blank) with `line` and `column` |
//! | `tags` | `shellcheck` for `SC` codes |
//! | `help-uri` | `https://github.com/hadolint/hadolint/wiki/<code>` for `DL` codes, `https://www.shellcheck.net/wiki/<code>` for `SC` codes |
//! | `source-pointer` | `/{i}` |
//!
//! # Severity
//!
//! | Hadolint `level` (any case) | cordon |
//! |---|---|
//! | `error` | high |
//! | `warning` | medium |
//! | `info` | low |
//! | `style`, `ignore`, `none` | info |
//! | anything else, or absent | medium |
//!
//! Hadolint's levels describe lint strictness, not exploitability; `error`
//! is as far as they go, hence no `critical`. `tool-severity` keeps the
//! level as written. `severity-source` is `tool` for Hadolint's levels,
//! `default` otherwise.

use cordon_parser_support::{
    Keys, Obj, Shape, UNKNOWN_RULE, finding, foreign_entries, located, non_empty, parse_or_foreign,
    position, shellcheck_level, title_line, tool_or_default, top_level,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;

/// `tool` of every finding.
pub const TOOL: &str = "hadolint";
/// The format name of a Hadolint JSON report.
pub const FORMAT: &str = "hadolint-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "Hadolint report";

/// The stage, registered below.
pub struct HadolintParser;

impl Parser for HadolintParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(HadolintParser);

/// One entry of the report.
#[derive(Deserialize)]
struct Item {
    code: String,
    file: String,
    message: Option<String>,
    level: Option<String>,
    #[serde(default, deserialize_with = "position")]
    line: Option<u32>,
    #[serde(default, deserialize_with = "position")]
    column: Option<u32>,
}

/// Keys that mark a Hadolint entry.
struct ItemKeys;
impl Keys for ItemKeys {
    const KEYS: &'static [&'static str] = &["code"];
}

/// Parse a Hadolint JSON report (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'[', "a Hadolint JSON report", WHAT)?;
    let items: Vec<Obj<Item>> = parse_or_foreign(bytes, WHAT, |shape: Shape<ItemKeys>| {
        shape
            .foreign()
            .then(|| foreign_entries::<ItemKeys>(WHAT, None))
    })?;
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| convert(item, i))
        .collect())
}

/// ShellCheck's table (Hadolint uses ShellCheck's level names), plus
/// Hadolint's own `ignore` and `none`.
fn severity(raw: Option<&str>) -> (Severity, SeveritySource) {
    let level = raw.and_then(|s| {
        shellcheck_level(s).or_else(|| {
            matches!(s.trim().to_ascii_lowercase().as_str(), "ignore" | "none")
                .then_some(Severity::Info)
        })
    });
    tool_or_default(level, Severity::Medium)
}

/// `DL3008` / `SC2086`: the prefix and whether the rest is all digits.
fn code_family(code: &str) -> Option<&'static str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if code.strip_prefix("DL").is_some_and(digits) {
        Some("DL")
    } else if code.strip_prefix("SC").is_some_and(digits) {
        Some("SC")
    } else {
        None
    }
}

fn convert(item: &Item, i: usize) -> Finding {
    let code = item.code.trim();
    let rule_id = non_empty(Some(code)).unwrap_or(UNKNOWN_RULE).to_string();
    let message = item.message.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let family = code_family(code);
    let help_uri = match family {
        Some("DL") => Some(format!("https://github.com/hadolint/hadolint/wiki/{code}")),
        Some(_) => Some(format!("https://www.shellcheck.net/wiki/{code}")),
        None => None,
    };
    let level = non_empty(item.level.as_deref());
    let (severity, severity_source) = severity(level);
    Finding {
        message,
        tool_severity: level.map(str::to_string),
        locations: located(&item.file, |path| Location {
            path: path.to_string(),
            start_line: item.line,
            start_column: item.column,
            end_line: None,
            end_column: None,
        }),
        tags: if family == Some("SC") {
            vec!["shellcheck".to_string()]
        } else {
            Vec::new()
        },
        help_uri,
        source_pointer: format!("/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Iac, severity)
    }
}

#[cfg(test)]
mod tests;
