//! `parser-gitleaks`: Gitleaks JSON reports into cordon findings.
//!
//! One finding per leak, in report order. Gitleaks writes a JSON array of
//! leaks; two generations of field names exist and both are read, item by
//! item:
//!
//! * **v7** (and earlier): `rule`, `file`, `lineNumber`, `offender`,
//!   `commit`, `date`, `tags` (one comma-separated string), `leakURL`.
//! * **v8**: `RuleID`, `Description`, `File`, `StartLine`, `EndLine`,
//!   `StartColumn`, `EndColumn`, `Secret`, `Match`, `Commit`, `Date`, `Tags`
//!   (an array), `Link`, `Fingerprint`.
//!
//! The JSON literal `null` is what Gitleaks v7 writes when it finds nothing:
//! it is a report with no leaks (0 findings), like `[]`. Detection does not
//! claim either (other tools write the same bytes; the host reads both as
//! zero findings without choosing a parser).
//!
//! # Secrets
//!
//! The secret itself (`offender`, `Secret`, `Match`, the v7 source `line`)
//! never reaches a finding. Title and message name the rule and the place;
//! the message shows the secret redacted by [`redact`]: at most its first
//! four characters followed by `…`.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * Empty input (or only whitespace) is `malformed-input`.
//! * Invalid JSON, or a field of the wrong type (say `"lineNumber": {}`), is
//!   `malformed-input` with the line and column serde_json reports. Unknown
//!   fields are ignored.
//! * A top-level value other than an array or `null`, or an array item that
//!   has neither v7 nor v8 fields, is `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | v8 | v7 |
//! |---|---|---|
//! | `tool` | `gitleaks` | `gitleaks` |
//! | `tool-version` | none (the report does not carry it) | none |
//! | `rule-id` | `RuleID` | `rule` |
//! | `title` | `Hard-coded secret: ` + `Description` (else the rule id) | `Hard-coded secret: ` + `rule` |
//! | `message` | rule, redacted secret, file and line, commit and date, `Link` | rule, redacted `offender`, file and line, commit and date, `leakURL` |
//! | `severity` | `high` (see below) | `high` |
//! | `kind` | `secret` | `secret` |
//! | `locations` | `File` with `StartLine`, `StartColumn`, `EndLine`, `EndColumn` | `file` with `lineNumber` |
//! | `cwes` | `798` (use of hard-coded credentials) | `798` |
//! | `tags` | `Tags` | `tags`, split on `,` |
//! | `component`, `vulnerability-ids`, `help-uri` | none | none |
//! | `source-pointer` | `/{index}` | `/{index}` |
//!
//! Gitleaks reports a leak once per commit that contains it, so a secret that
//! stayed in a file for ten commits is listed ten times with the same file,
//! line and rule. The fingerprint (rule, file, line) makes those one finding
//! after normalisation; the commit is deliberately not part of the location.
//!
//! # Severity
//!
//! | Gitleaks | cordon |
//! |---|---|
//! | any leak (Gitleaks has no severity) | `high` |
//!
//! `tool-severity` is left empty because the report has none, and
//! `severity-source` is `default`.

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, check_syntax, clip, commit_note, finding, first_byte, json_error, non_empty,
    one_line, position_strict, strip_bom,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;

/// The `tool` of every finding.
pub const TOOL: &str = "gitleaks";
pub use cordon_parser_support::UNKNOWN_RULE;
/// CWE-798: use of hard-coded credentials.
pub const CWE_HARD_CODED_CREDENTIALS: u32 = 798;
pub use cordon_parser_support::TITLE_MAX_CHARS;
pub use cordon_parser_support::redact;
/// How serde type errors are described.
const WHAT: &str = "Gitleaks report";

/// The stage, registered below.
pub struct GitleaksParser;

impl Parser for GitleaksParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GitleaksParser);

/// One leak, with the field names of both generations.
#[derive(Deserialize)]
struct Leak {
    // ---- v8
    #[serde(rename = "RuleID")]
    rule_id_v8: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
    #[serde(rename = "File")]
    file_v8: Option<String>,
    #[serde(rename = "StartLine", default, deserialize_with = "position_strict")]
    start_line: Option<u32>,
    #[serde(rename = "EndLine", default, deserialize_with = "position_strict")]
    end_line: Option<u32>,
    #[serde(rename = "StartColumn", default, deserialize_with = "position_strict")]
    start_column: Option<u32>,
    #[serde(rename = "EndColumn", default, deserialize_with = "position_strict")]
    end_column: Option<u32>,
    #[serde(rename = "Secret")]
    secret_v8: Option<String>,
    #[serde(rename = "Commit")]
    commit_v8: Option<String>,
    #[serde(rename = "Date")]
    date_v8: Option<String>,
    #[serde(rename = "Tags")]
    tags_v8: Option<Vec<String>>,
    #[serde(rename = "Link")]
    link: Option<String>,
    // ---- v7
    rule: Option<String>,
    file: Option<String>,
    #[serde(rename = "lineNumber", default, deserialize_with = "position_strict")]
    line_number: Option<u32>,
    offender: Option<String>,
    commit: Option<String>,
    date: Option<String>,
    tags: Option<String>,
    #[serde(rename = "leakURL")]
    leak_url: Option<String>,
}

impl Leak {
    fn is_v8(&self) -> bool {
        self.rule_id_v8.is_some() || self.file_v8.is_some() || self.secret_v8.is_some()
    }

    fn is_v7(&self) -> bool {
        self.rule.is_some() || self.file.is_some() || self.offender.is_some()
    }
}

/// Parse a Gitleaks JSON report (v7 or v8 field names) into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(report);
    let Some(first) = first_byte(bytes) else {
        return Err(StageError::malformed(
            "empty input: expected a Gitleaks JSON report (an array of leaks, or null)",
            None,
            None,
            None,
        ));
    };
    if first != b'[' && first != b'n' {
        check_syntax(bytes, WHAT)?;
        return Err(StageError::UnsupportedFormat(
            "not a Gitleaks report: the top-level JSON value must be an array of leaks (or null)"
                .to_string(),
        ));
    }
    let leaks: Option<Vec<Obj<Leak>>> =
        serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
    let leaks = leaks.unwrap_or_default();
    let mut findings = Vec::with_capacity(leaks.len());
    for (i, leak) in leaks.iter().enumerate() {
        let finding = if leak.is_v8() {
            convert_v8(leak, i)
        } else if leak.is_v7() {
            convert_v7(leak, i)
        } else {
            return Err(StageError::UnsupportedFormat(format!(
                "not a Gitleaks report: item /{i} has neither v7 (rule, file, offender) \
                 nor v8 (RuleID, File, Secret) fields"
            )));
        };
        findings.push(finding);
    }
    Ok(findings)
}

/// The parts of a leak the two generations share, normalised.
struct Parts<'a> {
    rule: Option<&'a str>,
    label: Option<&'a str>,
    file: Option<&'a str>,
    secret: Option<&'a str>,
    commit: Option<&'a str>,
    date: Option<&'a str>,
    link: Option<&'a str>,
    location: Option<Location>,
    tags: Vec<String>,
}

fn convert_v8(leak: &Leak, i: usize) -> Finding {
    let file = non_empty(leak.file_v8.as_deref());
    let rule = non_empty(leak.rule_id_v8.as_deref());
    build(
        Parts {
            rule,
            label: non_empty(leak.description.as_deref()).or(rule),
            file,
            secret: leak.secret_v8.as_deref().filter(|s| !s.is_empty()),
            commit: non_empty(leak.commit_v8.as_deref()),
            date: non_empty(leak.date_v8.as_deref()),
            link: non_empty(leak.link.as_deref()),
            location: file.map(|path| Location {
                path: path.to_string(),
                start_line: leak.start_line,
                start_column: leak.start_column,
                end_line: leak.end_line,
                end_column: leak.end_column,
            }),
            tags: leak
                .tags_v8
                .iter()
                .flatten()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(|t| clip(t, MAX_ID_BYTES))
                .collect(),
        },
        i,
    )
}

fn convert_v7(leak: &Leak, i: usize) -> Finding {
    let file = non_empty(leak.file.as_deref());
    let rule = non_empty(leak.rule.as_deref());
    build(
        Parts {
            rule,
            label: rule,
            file,
            secret: leak.offender.as_deref().filter(|s| !s.is_empty()),
            commit: non_empty(leak.commit.as_deref()),
            date: non_empty(leak.date.as_deref()),
            link: non_empty(leak.leak_url.as_deref()),
            location: file.map(|path| Location {
                path: path.to_string(),
                start_line: leak.line_number,
                start_column: None,
                end_line: None,
                end_column: None,
            }),
            tags: leak
                .tags
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| clip(t, MAX_ID_BYTES))
                .collect(),
        },
        i,
    )
}

fn build(p: Parts<'_>, i: usize) -> Finding {
    let rule_id = clip(p.rule.unwrap_or(UNKNOWN_RULE), MAX_ID_BYTES);
    let label = one_line(p.label.unwrap_or(UNKNOWN_RULE), TITLE_MAX_CHARS);
    let title = one_line(&format!("Hard-coded secret: {label}"), TITLE_MAX_CHARS);

    let mut message = format!("Gitleaks rule `{rule_id}` matched a secret");
    if let Some(secret) = p.secret {
        message.push_str(&format!(" (`{}`)", redact(secret)));
    }
    match (p.file, p.location.as_ref().and_then(|l| l.start_line)) {
        (Some(file), Some(line)) => message.push_str(&format!(" in `{file}` at line {line}")),
        (Some(file), None) => message.push_str(&format!(" in `{file}`")),
        _ => {}
    }
    message.push('.');
    message.push_str(&commit_note(p.commit, p.date));
    if let Some(link) = p.link {
        message.push_str(&format!(" {link}"));
    }

    Finding {
        message,
        locations: p.location.into_iter().collect(),
        cwes: vec![CWE_HARD_CODED_CREDENTIALS],
        tags: p.tags,
        source_pointer: format!("/{i}"),
        // Gitleaks grades nothing: every leak gets the documented default.
        severity_source: SeveritySource::Default,
        ..finding(TOOL, rule_id, title, FindingKind::Secret, Severity::High)
    }
}

#[cfg(test)]
mod tests;
