//! `parser-shellcheck`: ShellCheck JSON reports into cordon findings.
//!
//! ShellCheck writes two JSON shapes of the same comment objects `{file,
//! line, endLine, column, endColumn, level, code, message, fix}`, and the
//! parser tells them apart by the top level:
//!
//! * `shellcheck -f json1` ([`FORMAT_JSON1`]): an object
//!   `{"comments": [...]}`;
//! * `shellcheck -f json` ([`FORMAT_JSON`], the legacy format): a bare
//!   array of the comments.
//!
//! One finding per comment, in document order. Nothing is merged here (the
//! normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed and every comment needs `file` (a string)
//!   and `code` (a number, as ShellCheck writes it); a syntax error, a
//!   missing field or a field of the wrong type is `malformed-input` with
//!   serde_json's line and column. `line`, `column`, `endLine` and
//!   `endColumn` may be numbers or numeric strings (`0` or a non-number is
//!   no position). Unknown fields, `fix` among them, are ignored.
//! * `unsupported-format`: a top level that is neither an object nor an
//!   array; an object without `comments`; a list of objects none of which
//!   has an `endLine` or `endColumn` (another tool's list, Hadolint's JSON
//!   among them, whose `code` is a string such as `"SC2086"`). `null` is
//!   `unsupported-format` (ShellCheck never writes it).
//! * `{"comments": []}` and `[]` are a clean run: no findings. Detection
//!   claims the first and never the second (several tools write `[]`); the
//!   host reads `[]` as zero findings only when the format is named.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `shellcheck`; none (the report has no version) |
//! | `rule-id` | `SC` + `code` (`2086` → `SC2086`) |
//! | `title` | first line of `message` (at most [`TITLE_MAX_CHARS`] characters), else the rule id |
//! | `message` | `message` |
//! | `severity`, `tool-severity` | `level`, see below |
//! | `kind` | `sast` (a shell script is source code) |
//! | `locations` | `file` (as written; none when blank) with `line`, `column`, `endLine`, `endColumn` (ShellCheck's end column is one past the last character, as in SARIF) |
//! | `help-uri` | `https://www.shellcheck.net/wiki/SC<code>` |
//! | `tags`, `cwes`, `component` | none |
//! | `source-pointer` | `/comments/{i}` (json1), `/{i}` (json) |
//!
//! # Severity
//!
//! | ShellCheck `level` (any case) | cordon |
//! |---|---|
//! | `error` | high |
//! | `warning` | medium |
//! | `info` | low |
//! | `style` | info |
//! | anything else, or absent | medium |
//!
//! The same table as `parser-hadolint` uses for the ShellCheck comments it
//! reports in Dockerfiles, so one problem gets one severity from either
//! tool. ShellCheck's levels describe how likely a script misbehaves, not
//! exploitability; `error` is as far as they go, hence no `critical`.
//! `tool-severity` keeps the level as written. `severity-source` is `tool`
//! for ShellCheck's levels, `default` otherwise.

use cordon_parser_support::{
    Keys, Obj, Shape, check_syntax, finding, first_byte, foreign_entries, located, non_empty,
    parse_or_foreign, position, prepare, present, shellcheck_level, title_line, tool_or_default,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;

/// `tool` of every finding.
pub const TOOL: &str = "shellcheck";
/// The format name of `shellcheck -f json1` output.
pub const FORMAT_JSON1: &str = "shellcheck-json1";
/// The format name of the legacy `shellcheck -f json` output.
pub const FORMAT_JSON: &str = "shellcheck-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "ShellCheck report";

/// The stage, registered below.
pub struct ShellCheckParser;

impl Parser for ShellCheckParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(ShellCheckParser);

/// One comment (the same object in both formats).
#[derive(Deserialize)]
struct Comment {
    file: String,
    code: u32,
    message: Option<String>,
    level: Option<String>,
    #[serde(default, deserialize_with = "position")]
    line: Option<u32>,
    #[serde(default, deserialize_with = "position")]
    column: Option<u32>,
    #[serde(rename = "endLine", default, deserialize_with = "position")]
    end_line: Option<u32>,
    #[serde(rename = "endColumn", default, deserialize_with = "position")]
    end_column: Option<u32>,
}

/// The `-f json1` top level.
#[derive(Deserialize)]
struct Json1 {
    /// Absent: another tool's object; `null` or another type: malformed.
    #[serde(default, deserialize_with = "present")]
    comments: Option<Vec<Obj<Comment>>>,
}

/// Keys that mark a ShellCheck comment (every ShellCheck since 0.4 writes
/// both; Hadolint, whose entries are otherwise alike, writes neither).
struct CommentKeys;
impl Keys for CommentKeys {
    const KEYS: &'static [&'static str] = &["endLine", "endColumn"];
}

/// Error-path probe of the `-f json1` top level.
#[derive(Deserialize)]
struct Json1Probe {
    comments: Option<Shape<CommentKeys>>,
}

/// Parse a ShellCheck JSON report, `-f json1` or `-f json` (see the crate
/// docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a ShellCheck JSON report")?;
    let (comments, prefix) = match first_byte(bytes) {
        Some(b'{') => {
            let doc: Obj<Json1> = parse_or_foreign(bytes, WHAT, |probe: Json1Probe| {
                probe
                    .comments
                    .is_some_and(|s| s.foreign())
                    .then(|| foreign_entries::<CommentKeys>(WHAT, Some("comments")))
            })?;
            let Some(comments) = doc.0.comments else {
                return Err(StageError::UnsupportedFormat(format!(
                    "not a {WHAT}: the object has no `comments` array \
                     (is this another tool's report?)"
                )));
            };
            (comments, "/comments")
        }
        Some(b'[') => {
            let comments: Vec<Obj<Comment>> =
                parse_or_foreign(bytes, WHAT, |shape: Shape<CommentKeys>| {
                    shape
                        .foreign()
                        .then(|| foreign_entries::<CommentKeys>(WHAT, None))
                })?;
            (comments, "")
        }
        _ => {
            check_syntax(bytes, WHAT)?;
            return Err(StageError::UnsupportedFormat(format!(
                "not a {WHAT}: the top-level JSON value must be an object (`-f json1`) \
                 or an array (`-f json`)"
            )));
        }
    };
    Ok(comments
        .iter()
        .enumerate()
        .map(|(i, c)| convert(c, &format!("{prefix}/{i}")))
        .collect())
}

fn severity(raw: Option<&str>) -> (Severity, SeveritySource) {
    tool_or_default(raw.and_then(shellcheck_level), Severity::Medium)
}

fn convert(c: &Comment, pointer: &str) -> Finding {
    let rule_id = format!("SC{}", c.code);
    let message = c.message.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let level = non_empty(c.level.as_deref());
    let (severity, severity_source) = severity(level);
    Finding {
        message,
        tool_severity: level.map(str::to_string),
        locations: located(&c.file, |path| Location {
            path: path.to_string(),
            start_line: c.line,
            start_column: c.column,
            end_line: c.end_line,
            end_column: c.end_column,
        }),
        help_uri: Some(format!("https://www.shellcheck.net/wiki/{rule_id}")),
        source_pointer: pointer.to_string(),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
