//! `parser-eslint`: ESLint JSON reports (`eslint -f json`) into cordon
//! findings.
//!
//! The report is a top-level array of per-file results, `{filePath,
//! messages, suppressedMessages, errorCount, fatalErrorCount, warningCount,
//! fixableErrorCount, fixableWarningCount, source, usedDeprecatedRules}`;
//! each message is `{ruleId, severity, message, line, column, endLine,
//! endColumn, nodeType, messageId, fatal, fix, suggestions}`. One finding
//! per entry of a file's `messages`, in document order (files in order, then
//! their messages); a file with `messages: []` contributes nothing. Nothing
//! is merged here (the normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed; every file result needs `filePath` (a
//!   string) and `messages` (an array of objects). In a message, `ruleId`
//!   is a string or `null`, `severity` a non-negative integer, `message` a
//!   string, `fatal` a boolean, `line` / `column` / `endLine` /
//!   `endColumn` numbers (or numeric strings; `0` and `null` are no
//!   position); all may be absent. A syntax error, a missing field or a
//!   field of the wrong type is `malformed-input` with serde_json's line and
//!   column. Unknown fields (`source`, `fix`, `suggestions`, the counts...)
//!   are ignored.
//! * `suppressedMessages` are **not** findings and are not read: they are
//!   problems the code suppressed with an `eslint-disable` comment, which
//!   ESLint itself leaves out of its counts and its exit code. A file whose
//!   only problems are suppressed is clean.
//! * `unsupported-format`: a top level that is not an array (ESLint's
//!   `json` formatter always writes one; `json-with-metadata` writes an
//!   object and is not read here), or an array of objects none of which has
//!   a `filePath` (another tool's array, such as Hadolint's or gitleaks').
//! * `[]` is ESLint run on no files (`--no-error-on-unmatched-pattern`): no
//!   findings. Detection never claims it; the format must be named.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `eslint`; none (the report has no version) |
//! | `rule-id` | `ruleId` (`no-unused-vars`, `security/detect-object-injection`); without one: [`FATAL_RULE`] for a `fatal` message (the file could not be parsed, so it was not checked at all), [`UNUSED_DIRECTIVE_RULE`] for ESLint's "Unused eslint-disable directive" / "Unused eslint-enable directive" reports, else `unknown` |
//! | `title` | first line of `message` (at most [`TITLE_MAX_CHARS`] characters), else the rule id |
//! | `message` | `message` |
//! | `severity`, `tool-severity` | `severity` (as written, `"2"`), see below |
//! | `kind` | `sast` |
//! | `locations` | `filePath` (as written: ESLint writes absolute paths; none when blank) with `line`, `column`, `endLine`, `endColumn` |
//! | `tags` | `fatal` for a `fatal: true` message |
//! | `help-uri` | a core rule (no `/`): `https://eslint.org/docs/latest/rules/<ruleId>`; `security/<name>` (eslint-plugin-security): its `docs/rules/<name>.md` on GitHub; `@typescript-eslint/<name>`: `https://typescript-eslint.io/rules/<name>`; other plugins and rule-less messages: none |
//! | `source-pointer` | `/{i}/messages/{j}` |
//!
//! # Severity
//!
//! | ESLint `severity` | cordon |
//! |---|---|
//! | `2` (error) | high |
//! | `1` (warn) | medium |
//! | `0` (off; ESLint never reports it) | info |
//! | any other number, or absent | medium |
//!
//! These are the levels ESLint's SARIF formatter
//! (`@microsoft/eslint-formatter-sarif`) writes as `error` and `warning`,
//! which cordon reads as high and medium, so one scan read from either
//! format gets one severity (DefectDojo maps them the same way, High and
//! Medium). They say how strictly the configuration treats a rule, not how
//! exploitable a problem is. Rules of eslint-plugin-security are not raised:
//! its recommended configuration sets every rule to `warn`, its rules are
//! heuristics (`detect-object-injection` flags every `obj[variable]`), and
//! raising them would make the JSON and the SARIF of one scan disagree; a
//! policy can raise them (`[[severity]]` with
//! `match = { rule_id = "security/*" }`). A fatal parse error is severity
//! `2` (high): the file was not checked. `severity-source` is `tool` for
//! `0`-`2`, `default` otherwise.

use cordon_parser_support::{
    Keys, Obj, Shape, UNKNOWN_RULE, finding, foreign_entries, located, non_empty, parse_or_foreign,
    position, title_line, tool_or_default, top_level,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;

/// `tool` of every finding.
pub const TOOL: &str = "eslint";
/// The format name of an ESLint JSON report.
pub const FORMAT: &str = "eslint-json";
/// The `rule-id` of a fatal message without a rule: ESLint could not parse
/// (or preprocess) the file, so no rule ran on it.
pub const FATAL_RULE: &str = "fatal-parse-error";
/// The `rule-id` of ESLint's own report of an `eslint-disable` (or
/// `eslint-enable`) comment that suppressed nothing
/// (`--report-unused-disable-directives`, on by default since ESLint 9).
pub const UNUSED_DIRECTIVE_RULE: &str = "unused-disable-directive";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "ESLint report";

/// The stage, registered below.
pub struct EslintParser;

impl Parser for EslintParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(EslintParser);

/// One file's result.
#[derive(Deserialize)]
struct FileResult {
    #[serde(rename = "filePath")]
    file_path: String,
    messages: Vec<Obj<Message>>,
}

/// One problem ESLint reports in a file.
#[derive(Deserialize)]
struct Message {
    #[serde(default, rename = "ruleId")]
    rule_id: Option<String>,
    #[serde(default)]
    severity: Option<u64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    fatal: Option<bool>,
    #[serde(default, deserialize_with = "position")]
    line: Option<u32>,
    #[serde(default, deserialize_with = "position")]
    column: Option<u32>,
    #[serde(default, rename = "endLine", deserialize_with = "position")]
    end_line: Option<u32>,
    #[serde(default, rename = "endColumn", deserialize_with = "position")]
    end_column: Option<u32>,
}

/// Keys that mark an ESLint file result.
struct FileKeys;
impl Keys for FileKeys {
    const KEYS: &'static [&'static str] = &["filePath"];
}

/// Parse an ESLint JSON report (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'[', "an ESLint JSON report", WHAT)?;
    let files: Vec<Obj<FileResult>> = parse_or_foreign(bytes, WHAT, |shape: Shape<FileKeys>| {
        shape
            .foreign()
            .then(|| foreign_entries::<FileKeys>(WHAT, None))
    })?;
    Ok(files
        .iter()
        .enumerate()
        .flat_map(|(i, file)| {
            file.messages
                .iter()
                .enumerate()
                .map(move |(j, m)| convert(&file.file_path, m, i, j))
        })
        .collect())
}

fn severity(raw: Option<u64>) -> (Severity, SeveritySource) {
    let level = match raw {
        Some(2) => Some(Severity::High),
        Some(1) => Some(Severity::Medium),
        Some(0) => Some(Severity::Info),
        _ => None,
    };
    tool_or_default(level, Severity::Medium)
}

/// The rule id of a message, and whether it is ESLint's own (from the
/// report) rather than one this parser names.
fn rule_id(m: &Message, fatal: bool) -> (&str, bool) {
    if let Some(rule) = non_empty(m.rule_id.as_deref()) {
        return (rule, true);
    }
    let text = m.message.as_deref().unwrap_or_default().trim_start();
    let rule = if fatal {
        FATAL_RULE
    } else if text.starts_with("Unused eslint-disable directive")
        || text.starts_with("Unused eslint-enable directive")
    {
        UNUSED_DIRECTIVE_RULE
    } else {
        UNKNOWN_RULE
    };
    (rule, false)
}

/// The documentation page of a rule id ESLint reported, where the id says
/// whose rule it is.
fn help_uri(rule: &str) -> Option<String> {
    let name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if name(rule) {
        return Some(format!("https://eslint.org/docs/latest/rules/{rule}"));
    }
    if let Some(r) = rule.strip_prefix("security/").filter(|r| name(r)) {
        return Some(format!(
            "https://github.com/eslint-community/eslint-plugin-security/blob/main/docs/rules/{r}.md"
        ));
    }
    if let Some(r) = rule.strip_prefix("@typescript-eslint/").filter(|r| name(r)) {
        return Some(format!("https://typescript-eslint.io/rules/{r}"));
    }
    None
}

fn convert(path: &str, m: &Message, i: usize, j: usize) -> Finding {
    let fatal = m.fatal == Some(true);
    let (rule, from_report) = rule_id(m, fatal);
    let rule_id = rule.to_string();
    let message = m.message.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let (severity, severity_source) = severity(m.severity);
    Finding {
        message,
        tool_severity: m.severity.map(|s| s.to_string()),
        locations: located(path, |path| Location {
            path: path.to_string(),
            start_line: m.line,
            start_column: m.column,
            end_line: m.end_line,
            end_column: m.end_column,
        }),
        tags: if fatal {
            vec!["fatal".to_string()]
        } else {
            Vec::new()
        },
        help_uri: from_report.then(|| help_uri(rule)).flatten(),
        source_pointer: format!("/{i}/messages/{j}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
