//! `parser-ruff`: Ruff's JSON and JSON-lines output (`ruff check
//! --output-format json` and `--output-format json-lines`) into cordon
//! findings.
//!
//! Both formats carry the same diagnostic objects, `{cell, code,
//! end_location, filename, fix, location, message, name, noqa_row, severity,
//! url}` (Ruff 0.17; `name` and `severity` are newer than 0.12): `json` as
//! one array, `json-lines` as one object per line. They are told apart by
//! the first byte (`[` or `{`). One finding per diagnostic, in document
//! order. Nothing is merged here (the normalizer deduplicates by
//! fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`. A clean `json-lines` run writes nothing at all, so
//!   it cannot be told from a lost report: use `--output-format json` if a
//!   clean run must pass (it writes `[]`).
//! * The JSON must be well formed and every diagnostic needs `code`,
//!   `filename` and `location` (each may be `null`) and a string `message`;
//!   a syntax error, a missing field or a field of the wrong type is
//!   `malformed-input` with serde_json's line and column (for JSON lines,
//!   the line of the input and the column within it). Unknown fields are
//!   ignored.
//! * `unsupported-format`: a top level that is neither an array nor an
//!   object; an array of objects none of which has a `noqa_row` or an
//!   `end_location` (another tool's array, such as gitleaks' or Hadolint's);
//!   JSON lines whose first record has neither (another tool's object).
//! * `[]` is a clean `json` run: no findings.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `ruff`; none (the report has no version) |
//! | `rule-id` | `code` (`E501`, `S608`); [`SYNTAX_ERROR_RULE`] when `code` is `null` or blank (Ruff 0.12 writes `null` for a syntax error in the scanned file; 0.17 writes `invalid-syntax` itself) |
//! | `title` | first line of `message` (at most [`TITLE_MAX_CHARS`] characters), else the rule id |
//! | `message` | `message`; for a notebook, ` (notebook cell N)` is added (see below) |
//! | `severity`, `severity-source` | from the rule, see below; always `default` |
//! | `tool-severity` | `severity` as written (Ruff 0.17 writes `error` on every diagnostic) |
//! | `kind` | `sast` |
//! | `locations` | `filename` (as written; Ruff writes absolute paths) with `location` and `end_location` (`row`, `column`); none when `filename` is `null` or blank |
//! | `tags` | `flake8-bandit` for `S` rules, `syntax-error` for syntax errors; `fix:<applicability>` (`fix:safe`, `fix:unsafe`, `fix:displayonly`) when Ruff offers a fix |
//! | `help-uri` | `url` |
//! | `source-pointer` | `/{i}` (JSON), `line:N` (JSON lines: the line the record starts on) |
//!
//! In a Jupyter notebook (`cell` is set) Ruff counts rows within the cell,
//! so the same rule at the same row of two cells would look like one
//! finding; the cell number in the message keeps them apart.
//!
//! # Severity
//!
//! Ruff does not grade its rules: its `severity` is `error` for every rule,
//! style rules included (as `level` in its SARIF). The severity is this
//! parser's, by rule (`severity-source` `default`):
//!
//! | rule | cordon |
//! |---|---|
//! | flake8-bandit rules Bandit always rates `HIGH` ([`HIGH_RULES`]: `S201`, `S304`, `S312`, `S321`, `S401`, `S402`, `S411`, `S412`, `S413`, `S415`, `S501`, `S507`, `S609`, `S701`) | high |
//! | any other flake8-bandit rule (`S` and digits) | medium |
//! | a syntax error (`invalid-syntax`, a `null` code, or `E999` of Ruff before 0.8) | medium |
//! | any other rule (style, pyflakes, bugbear, ...) | low |
//!
//! The flake8-bandit rules are security checks, Bandit's own with Bandit's
//! numbers (`S608` is Bandit's `B608`); the ones Bandit reports `HIGH` in
//! every case are high here. A file with a syntax error is a finding of its
//! own, so a broken file cannot make a gate pass; it is medium because the
//! security rules could not check that code. Everything else is lint, low
//! as in Ruff's SARIF (`parser-sarif`).

use cordon_parser_support::{
    Entries, Keys, Obj, Shape, check_syntax, finding, first_byte, foreign_entries, json_error,
    json_lines, located, non_empty, parse_or_foreign, position, prepare, tag, title_line,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

/// `tool` of every finding.
pub const TOOL: &str = "ruff";
/// The format name of `ruff check --output-format json`.
pub const FORMAT_JSON: &str = "ruff-json";
/// The format name of `ruff check --output-format json-lines`.
pub const FORMAT_JSON_LINES: &str = "ruff-json-lines";
/// The rule id of a diagnostic without a code (a syntax error in the
/// scanned file), Ruff's own name for it.
pub const SYNTAX_ERROR_RULE: &str = "invalid-syntax";
/// The flake8-bandit rules whose Bandit check reports `HIGH` severity in
/// every case (Bandit 1.9); they are high here, other `S` rules medium.
pub const HIGH_RULES: &[&str] = &[
    "S201", "S304", "S312", "S321", "S401", "S402", "S411", "S412", "S413", "S415", "S501", "S507",
    "S609", "S701",
];
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls a JSON report in error messages.
const WHAT: &str = "Ruff JSON report";
/// What the parser calls a JSON-lines report in error messages.
const WHAT_LINES: &str = "Ruff JSON-lines report";

/// The stage, registered below.
pub struct RuffParser;

impl Parser for RuffParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(RuffParser);

/// One diagnostic.
#[derive(Deserialize)]
struct Item {
    #[serde(deserialize_with = "nullable")]
    code: Option<String>,
    #[serde(deserialize_with = "nullable")]
    filename: Option<String>,
    #[serde(deserialize_with = "nullable")]
    location: Option<Obj<Point>>,
    message: String,
    end_location: Option<Obj<Point>>,
    #[serde(default, deserialize_with = "position")]
    cell: Option<u32>,
    fix: Option<Obj<Fix>>,
    severity: Option<String>,
    url: Option<String>,
}

/// `location` and `end_location`.
#[derive(Deserialize)]
struct Point {
    #[serde(default, deserialize_with = "position")]
    row: Option<u32>,
    #[serde(default, deserialize_with = "position")]
    column: Option<u32>,
}

/// The part of `fix` that is kept (its edits are not).
#[derive(Deserialize)]
struct Fix {
    applicability: Option<String>,
}

/// A field that must be present but may be `null` (`deserialize_with`
/// without `default`: an absent key is a missing field).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Keys that mark a Ruff diagnostic: no other scanner writes them.
struct ItemKeys;
impl Keys for ItemKeys {
    const KEYS: &'static [&'static str] = &["noqa_row", "end_location"];
}

/// Parse Ruff JSON or JSON-lines output (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a Ruff JSON or JSON-lines report")?;
    match first_byte(bytes) {
        Some(b'[') => parse_array(bytes),
        Some(b'{') => parse_lines(bytes),
        _ => {
            check_syntax(bytes, WHAT)?;
            Err(StageError::UnsupportedFormat(
                "not a Ruff report: expected a JSON array (`--output-format json`) \
                 or one JSON object per line (`--output-format json-lines`)"
                    .to_string(),
            ))
        }
    }
}

fn parse_array(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let items: Vec<Obj<Item>> = parse_or_foreign(bytes, WHAT, |shape: Shape<ItemKeys>| {
        shape
            .foreign()
            .then(|| foreign_entries::<ItemKeys>(WHAT, None))
    })?;
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| convert(item, format!("/{i}")))
        .collect())
}

/// JSON lines, read as a stream of JSON values (one per line as Ruff
/// writes them; a pretty-printed stream reads the same). Errors carry the
/// line and column in the whole input.
fn parse_lines(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let mut findings = Vec::new();
    json_lines::<Obj<Item>>(
        bytes,
        |item, line| {
            findings.push(convert(&item, format!("line:{line}")));
            Ok(())
        },
        |bad| {
            if bad.first
                && bad.error.classify() == serde_json::error::Category::Data
                && foreign_record(bad.rest)
            {
                return StageError::UnsupportedFormat(format!(
                    "not a {WHAT_LINES}: the first record has no `noqa_row` or \
                     `end_location` (is this another tool's report?)"
                ));
            }
            json_error(&bad.error, WHAT_LINES)
        },
    )?;
    Ok(findings)
}

/// Whether `rest` starts with a JSON object that has none of Ruff's keys
/// (its values are skipped, not built).
fn foreign_record(rest: &[u8]) -> bool {
    let mut probe = serde_json::Deserializer::from_slice(rest).into_iter::<Entries<IgnoredAny>>();
    matches!(probe.next(), Some(Ok(Entries(keys)))
        if !keys.iter().any(|(k, _)| ItemKeys::KEYS.contains(&k.as_str())))
}

/// `S` followed by digits only: a flake8-bandit rule (not `SIM`, `SLF`,
/// `SLOT`).
fn is_bandit(rule: &str) -> bool {
    rule.strip_prefix('S')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A syntax error in the scanned file: Ruff's `invalid-syntax` (also what a
/// `null` code becomes), or `E999` of Ruff before 0.8.
fn is_syntax_error(rule: &str) -> bool {
    rule == SYNTAX_ERROR_RULE || rule == "E999"
}

/// The severity of a rule (see the crate docs).
fn severity(rule: &str) -> Severity {
    if HIGH_RULES.contains(&rule) {
        Severity::High
    } else if is_bandit(rule) || is_syntax_error(rule) {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn convert(item: &Item, pointer: String) -> Finding {
    let rule_id = non_empty(item.code.as_deref())
        .unwrap_or(SYNTAX_ERROR_RULE)
        .to_string();
    let title = title_line(&item.message).unwrap_or_else(|| rule_id.clone());
    let message = match item.cell {
        Some(cell) => format!("{} (notebook cell {cell})", item.message),
        None => item.message.clone(),
    };
    let mut tags = Vec::new();
    if is_bandit(&rule_id) {
        tags.push("flake8-bandit".to_string());
    } else if is_syntax_error(&rule_id) {
        tags.push("syntax-error".to_string());
    }
    tags.extend(
        item.fix
            .as_ref()
            .and_then(|f| tag("fix", f.applicability.as_deref())),
    );
    let point = |p: &Option<Obj<Point>>| p.as_ref().map_or((None, None), |p| (p.row, p.column));
    let (start_line, start_column) = point(&item.location);
    let (end_line, end_column) = point(&item.end_location);
    let severity = severity(&rule_id);
    Finding {
        message,
        tool_severity: non_empty(item.severity.as_deref()).map(str::to_string),
        severity_source: SeveritySource::Default,
        locations: located(item.filename.as_deref().unwrap_or_default(), |path| {
            Location {
                path: path.to_string(),
                start_line,
                start_column,
                end_line,
                end_column,
            }
        }),
        tags,
        help_uri: non_empty(item.url.as_deref()).map(str::to_string),
        source_pointer: pointer,
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
