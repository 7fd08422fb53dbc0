//! `parser-trufflehog`: TruffleHog and trufflehog3 reports into cordon
//! findings.
//!
//! Three formats from two different tools, told apart by their first byte
//! and then record by record:
//!
//! * **TruffleHog v2** (`trufflehog`): NDJSON, one object per line with
//!   `branch`, `commit`, `commitHash`, `date`, `path`, `reason`,
//!   `stringsFound` (and `diff`, `printDiff`).
//! * **TruffleHog v3** (`trufflehog`): NDJSON, one object per line with
//!   `SourceMetadata.Data.<Source>` (`file`, `line`, `commit`, `link`, ...),
//!   `DetectorName`, `Verified`, `Raw`, `Redacted`, `ExtraData`.
//! * **trufflehog3** (`trufflehog3`, a separate Python tool): one JSON array.
//!   Current items have `rule` (`id`, `message`, `severity`), `path`, `line`,
//!   `secret`, `context`, `commit`; legacy items (trufflehog3 before 3.0)
//!   have the v2 shape (`path`, `reason`, `stringsFound`, `commitHash`).
//!   `[]` is a report with nothing found (0 findings); detection does not
//!   claim it (other tools write the same bytes; the host reads it as zero
//!   findings without choosing a parser).
//!
//! One finding per record, in report order. NDJSON is read line by line;
//! when the first record does not fit on its line (pretty-printed, e.g.
//! piped through `jq .`), the input is read as concatenated JSON values. Log records that TruffleHog v3
//! writes when stderr is captured with stdout (`level` + `msg`, no finding
//! fields) are skipped.
//!
//! # Secrets
//!
//! The secret itself (`stringsFound`, `diff`, `printDiff`, `Raw`, `RawV2`,
//! `secret`, `context`) never reaches a finding. Messages show only the
//! secret redacted by [`redact`]: at most its first four characters
//! followed by `…` (for v3, the `Redacted` field, which can still hold
//! most of a key, is redacted again).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * Empty input (or only whitespace) is `malformed-input`.
//! * Invalid JSON, or a field of the wrong type, is `malformed-input` with the
//!   line and column serde_json reports; for NDJSON the line is the line of
//!   the bad record and the column counts within it. Unknown fields are
//!   ignored.
//! * A document that starts with neither `{` nor `[`, or a record that has
//!   none of the fields of the format it is in, is `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | TruffleHog v2 / trufflehog3 legacy | TruffleHog v3 | trufflehog3 current |
//! |---|---|---|---|
//! | `tool` | `trufflehog` / `trufflehog3` | `trufflehog` | `trufflehog3` |
//! | `rule-id` | `reason` | `DetectorName` | `rule.id` |
//! | `title` | `Hard-coded secret: ` + `reason` | `Hard-coded secret: ` + `DetectorName` | `Hard-coded secret: ` + `rule.message` |
//! | `message` | reason, number of strings found, path, commit hash, branch, date | detector, verified or not, redacted secret, file and line, commit, repository, link | rule, redacted secret, path and line, commit, branch, date |
//! | `severity` | from `reason` (below) | from `Verified` (below) | `rule.severity` (below) |
//! | `tool-severity` | none | none | `rule.severity` |
//! | `kind` | `secret` | `secret` | `secret` |
//! | `locations` | `path`, no line | `file` (else `filename`, else `link`) with `line` | `path` with `line` |
//! | `cwes` | `798` | `798` | `798` |
//! | `tags` | none | `verified` or `unverified`, `source:<Source>`, `decoder:<DecoderName>` (other than `PLAIN`) | none |
//! | `source-pointer` | `line:N` (v2) / `/{index}` (legacy) | `line:N` | `/{index}` |
//!
//! v2 and legacy records have no line number, so the same reason in the same
//! file is one finding after normalisation however many commits repeat it;
//! with a line number, the same detector at the same file and line is one.
//! Commits are deliberately not part of the location.
//!
//! # Severity
//!
//! | source | condition | cordon |
//! |---|---|---|
//! | v3 | `Verified: true` (the credential works) | `critical` |
//! | v3 | otherwise | `high` |
//! | v2, trufflehog3 legacy | `reason` contains `entropy` (any case) | `low` |
//! | v2, trufflehog3 legacy | `reason` is `Generic Secret` (any case) | `medium` |
//! | v2, trufflehog3 legacy | any other `reason` (a specific key pattern) | `high` |
//! | trufflehog3 current | `rule.severity` `CRITICAL` / `HIGH` / `MEDIUM` / `LOW` / `INFO` (any case) | same name |
//! | trufflehog3 current | absent or another value | `high` |
//!
//! `severity-source` is `tool` for trufflehog3's `rule.severity` and
//! `default` for every other row: TruffleHog and the legacy formats grade
//! nothing, and the rows are this parser's rules.

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, check_syntax, clip, commit_note, finding, first_byte, json_error,
    json_lines, non_empty, one_line, position_strict, secret_detector_level, strip_bom,
    tool_or_default,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// `tool` of TruffleHog v2 and v3 findings.
pub const TOOL: &str = "trufflehog";
/// `tool` of trufflehog3 findings.
pub const TOOL3: &str = "trufflehog3";
pub use cordon_parser_support::UNKNOWN_RULE;
/// CWE-798: use of hard-coded credentials.
pub const CWE_HARD_CODED_CREDENTIALS: u32 = 798;
pub use cordon_parser_support::TITLE_MAX_CHARS;
pub use cordon_parser_support::redact;
const WHAT_NDJSON: &str = "TruffleHog NDJSON report";
const WHAT_TH3: &str = "trufflehog3 report";

/// The stage, registered below.
pub struct TruffleHogParser;

impl Parser for TruffleHogParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(TruffleHogParser);

/// Parse a TruffleHog v2/v3 NDJSON or trufflehog3 JSON report into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(report);
    match first_byte(bytes) {
        None => Err(StageError::malformed(
            "empty input: expected TruffleHog NDJSON or a trufflehog3 JSON array",
            None,
            None,
            None,
        )),
        Some(b'{') => parse_ndjson(bytes),
        Some(b'[') => parse_trufflehog3(bytes),
        Some(_) => {
            check_syntax(bytes, WHAT_TH3)?;
            Err(StageError::UnsupportedFormat(
                "not a TruffleHog report: expected NDJSON objects (TruffleHog v2/v3) \
                 or a JSON array (trufflehog3)"
                    .to_string(),
            ))
        }
    }
}

// ---- NDJSON (TruffleHog v2 and v3) ------------------------------------------------

/// One NDJSON record, with the fields of v2 and v3.
#[derive(Deserialize)]
struct Record {
    // ---- v3
    #[serde(rename = "SourceMetadata")]
    source_metadata: Option<Obj<SourceMetadata>>,
    #[serde(rename = "DetectorName")]
    detector_name: Option<String>,
    #[serde(rename = "DetectorType")]
    detector_type: Option<IgnoredAny>,
    #[serde(rename = "DetectorDescription")]
    detector_description: Option<String>,
    #[serde(rename = "DecoderName")]
    decoder_name: Option<String>,
    #[serde(rename = "Verified")]
    verified: Option<bool>,
    #[serde(rename = "Redacted")]
    redacted: Option<String>,
    // ---- v2
    path: Option<String>,
    reason: Option<String>,
    #[serde(rename = "commitHash")]
    commit_hash: Option<String>,
    branch: Option<String>,
    date: Option<String>,
    #[serde(rename = "stringsFound")]
    strings_found: Option<Vec<IgnoredAny>>,
    // ---- log lines
    level: Option<IgnoredAny>,
    msg: Option<IgnoredAny>,
}

/// `SourceMetadata`: `{"Data": {"Git": {...}}}`.
#[derive(Deserialize)]
struct SourceMetadata {
    #[serde(rename = "Data")]
    data: Option<BTreeMap<String, Option<Obj<SourceData>>>>,
}

/// The fields of a source's metadata that cordon uses.
#[derive(Deserialize)]
struct SourceData {
    file: Option<String>,
    filename: Option<String>,
    link: Option<String>,
    #[serde(default, deserialize_with = "position_strict")]
    line: Option<u32>,
    commit: Option<String>,
    repository: Option<String>,
    timestamp: Option<String>,
}

/// The v2 / trufflehog3-legacy fields of a record or item.
struct Legacy<'a> {
    path: Option<&'a str>,
    reason: Option<&'a str>,
    commit_hash: Option<&'a str>,
    branch: Option<&'a str>,
    date: Option<&'a str>,
    strings_found: usize,
}

impl Legacy<'_> {
    fn is_present(&self) -> bool {
        self.reason.is_some() || self.path.is_some() || self.commit_hash.is_some()
    }
}

/// The legacy view of a struct with the v2 field names.
macro_rules! legacy_view {
    ($t:ty) => {
        impl $t {
            fn legacy(&self) -> Legacy<'_> {
                Legacy {
                    path: self.path.as_deref(),
                    reason: self.reason.as_deref(),
                    commit_hash: self.commit_hash.as_deref(),
                    branch: self.branch.as_deref(),
                    date: self.date.as_deref(),
                    strings_found: self.strings_found.as_ref().map_or(0, Vec::len),
                }
            }
        }
    };
}

legacy_view!(Record);
legacy_view!(Item);

/// NDJSON: one record per line. When the first record does not fit on its
/// line (pretty-printed records, e.g. piped through `jq .`), the input is
/// read as a stream of concatenated JSON values instead.
fn parse_ndjson(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or_default();
    let one_per_line = match serde_json::from_slice::<IgnoredAny>(first) {
        Err(e) => e.classify() != serde_json::error::Category::Eof,
        Ok(_) => true,
    };
    let mut findings = Vec::new();
    if one_per_line {
        for (idx, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record: Obj<Record> = serde_json::from_slice(line)
                .map_err(|e| on_line(json_error(&e, WHAT_NDJSON), line_no))?;
            if let Some(f) = convert_record(&record, line_no)? {
                findings.push(f);
            }
        }
        return Ok(findings);
    }
    json_lines::<Obj<Record>>(
        bytes,
        |record, line| {
            findings.extend(convert_record(&record, line)?);
            Ok(())
        },
        |bad| json_error(&bad.error, WHAT_NDJSON),
    )?;
    Ok(findings)
}

/// A position error from parsing one line alone, moved to that line.
fn on_line(e: StageError, line: u32) -> StageError {
    match e {
        StageError::MalformedInput(mut m) => {
            m.position.line = Some(line);
            StageError::MalformedInput(m)
        }
        other => other,
    }
}

/// One NDJSON record (starting on line `line`) into a finding; `None` for a
/// log record.
fn convert_record(record: &Record, line: u32) -> Result<Option<Finding>, StageError> {
    let pointer = format!("line:{line}");
    let is_v3 = record.source_metadata.is_some()
        || record.detector_name.is_some()
        || record.detector_type.is_some();
    if is_v3 {
        Ok(Some(convert_v3(record, pointer)))
    } else if record.legacy().is_present() {
        Ok(Some(convert_legacy(&record.legacy(), TOOL, pointer)))
    } else if record.level.is_some() && record.msg.is_some() {
        Ok(None)
    } else {
        Err(StageError::UnsupportedFormat(format!(
            "not a TruffleHog report: the record on line {line} has neither v3 \
             (SourceMetadata, DetectorName) nor v2 (path, reason, commitHash) fields"
        )))
    }
}

fn title_for(label: &str) -> String {
    one_line(&format!("Hard-coded secret: {label}"), TITLE_MAX_CHARS)
}

fn secret_finding(tool: &str, rule: Option<&str>) -> Finding {
    Finding {
        cwes: vec![CWE_HARD_CODED_CREDENTIALS],
        // The reports grade nothing (trufflehog3's `rule.severity` aside):
        // the documented rule for the tool decides.
        severity_source: SeveritySource::Default,
        ..finding(
            tool,
            clip(rule.unwrap_or(UNKNOWN_RULE), MAX_ID_BYTES),
            String::new(),
            FindingKind::Secret,
            Severity::High,
        )
    }
}

fn location(path: &str, line: Option<u32>) -> Location {
    Location {
        path: path.to_string(),
        start_line: line,
        start_column: None,
        end_line: None,
        end_column: None,
    }
}

/// Where `path` is and at which line, for messages.
fn place(path: Option<&str>, line: Option<u32>) -> String {
    match (path, line) {
        (Some(p), Some(l)) => format!(" in `{p}` at line {l}"),
        (Some(p), None) => format!(" in `{p}`"),
        _ => String::new(),
    }
}

fn convert_v3(r: &Record, pointer: String) -> Finding {
    let detector = non_empty(r.detector_name.as_deref());
    let mut f = secret_finding(TOOL, detector);
    // The one source entry, e.g. ("Git", {...}).
    let (source, data) = r
        .source_metadata
        .as_ref()
        .and_then(|m| m.data.as_ref())
        .and_then(|d| d.iter().next())
        .map(|(k, v)| (Some(k.as_str()), v.as_deref()))
        .unwrap_or((None, None));
    let path = data.and_then(|d| {
        non_empty(d.file.as_deref())
            .or(non_empty(d.filename.as_deref()))
            .or(non_empty(d.link.as_deref()))
    });
    let line = data.and_then(|d| d.line);
    let verified = r.verified == Some(true);

    f.title = title_for(detector.unwrap_or(UNKNOWN_RULE));
    f.severity = if verified {
        Severity::Critical
    } else {
        Severity::High
    };
    let mut m = format!(
        "TruffleHog detector `{}` found {} secret",
        f.rule_id,
        if verified {
            "a verified"
        } else {
            "an unverified"
        }
    );
    if let Some(red) = r.redacted.as_deref().filter(|s| !s.trim().is_empty()) {
        m.push_str(&format!(" (`{}`)", redact(red)));
    }
    m.push_str(&place(path, line));
    m.push('.');
    if let Some(d) = data {
        m.push_str(&commit_note(
            non_empty(d.commit.as_deref()),
            non_empty(d.timestamp.as_deref()),
        ));
        if let Some(repo) = non_empty(d.repository.as_deref()) {
            m.push_str(&format!(" Repository {repo}."));
        }
        if let Some(link) = non_empty(d.link.as_deref()) {
            m.push_str(&format!(" {link}"));
        }
    }
    if let Some(desc) = non_empty(r.detector_description.as_deref()) {
        m.push_str(&format!("\n\n{desc}"));
    }
    f.message = m;

    f.tags
        .push(if verified { "verified" } else { "unverified" }.to_string());
    if let Some(s) = non_empty(source) {
        f.tags.push(clip(&format!("source:{s}"), MAX_ID_BYTES));
    }
    if let Some(dec) = non_empty(r.decoder_name.as_deref()).filter(|d| *d != "PLAIN") {
        f.tags.push(clip(&format!("decoder:{dec}"), MAX_ID_BYTES));
    }
    f.locations = path.map(|p| location(p, line)).into_iter().collect();
    f.source_pointer = pointer;
    f
}

/// Severity of a v2 / trufflehog3-legacy `reason`.
fn reason_severity(reason: &str) -> Severity {
    secret_detector_level(reason, "generic secret")
}

fn convert_legacy(l: &Legacy<'_>, tool: &str, pointer: String) -> Finding {
    let reason = non_empty(l.reason);
    let path = non_empty(l.path);
    let mut f = secret_finding(tool, reason);
    f.title = title_for(reason.unwrap_or(UNKNOWN_RULE));
    f.severity = reason.map_or(Severity::High, reason_severity);
    let strings = l.strings_found;
    let mut m = format!(
        "{} found {strings} string{} matching `{}`",
        if tool == TOOL3 {
            "trufflehog3"
        } else {
            "TruffleHog"
        },
        if strings == 1 { "" } else { "s" },
        f.rule_id
    );
    m.push_str(&place(path, None));
    m.push('.');
    m.push_str(&commit_note(non_empty(l.commit_hash), non_empty(l.date)));
    if let Some(b) = non_empty(l.branch) {
        m.push_str(&format!(" Branch {b}."));
    }
    f.message = m;
    f.locations = path.map(|p| location(p, None)).into_iter().collect();
    f.source_pointer = pointer;
    f
}

// ---- trufflehog3 JSON ---------------------------------------------------------------

/// One trufflehog3 item, current or legacy.
#[derive(Deserialize)]
struct Item {
    rule: Option<Obj<Rule>>,
    #[serde(default, deserialize_with = "position_strict")]
    line: Option<u32>,
    secret: Option<String>,
    commit: Option<String>,
    // ---- legacy (and shared)
    path: Option<String>,
    reason: Option<String>,
    #[serde(rename = "commitHash")]
    commit_hash: Option<String>,
    branch: Option<String>,
    date: Option<String>,
    #[serde(rename = "stringsFound")]
    strings_found: Option<Vec<IgnoredAny>>,
}

/// `rule` of a current trufflehog3 item.
#[derive(Deserialize)]
struct Rule {
    id: Option<String>,
    message: Option<String>,
    severity: Option<String>,
}

fn parse_trufflehog3(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let items: Vec<Obj<Item>> =
        serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT_TH3))?;
    let mut findings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/{i}");
        // trufflehog3 itself tells the shapes apart by `reason`, then `rule`.
        if item.reason.is_some() {
            findings.push(convert_legacy(&item.legacy(), TOOL3, pointer));
        } else if let Some(rule) = item.rule.as_ref() {
            findings.push(convert_current(item, rule, pointer));
        } else {
            return Err(StageError::UnsupportedFormat(format!(
                "not a trufflehog3 report: item /{i} has neither `rule` nor `reason`"
            )));
        }
    }
    Ok(findings)
}

fn current_severity(s: &str) -> Option<Severity> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        "low" => Severity::Low,
        "info" => Severity::Info,
        _ => return None,
    })
}

fn convert_current(item: &Item, rule: &Rule, pointer: String) -> Finding {
    let id = non_empty(rule.id.as_deref());
    let path = non_empty(item.path.as_deref());
    let mut f = secret_finding(TOOL3, id);
    f.title = title_for(
        non_empty(rule.message.as_deref())
            .or(id)
            .unwrap_or(UNKNOWN_RULE),
    );
    let tool_severity = non_empty(rule.severity.as_deref());
    (f.severity, f.severity_source) =
        tool_or_default(tool_severity.and_then(current_severity), Severity::High);
    f.tool_severity = tool_severity.map(|s| clip(s, MAX_ID_BYTES));
    let mut m = format!("trufflehog3 rule `{}` matched a secret", f.rule_id);
    if let Some(s) = item.secret.as_deref().filter(|s| !s.trim().is_empty()) {
        m.push_str(&format!(" (`{}`)", redact(s)));
    }
    m.push_str(&place(path, item.line));
    m.push('.');
    m.push_str(&commit_note(
        non_empty(item.commit.as_deref()),
        non_empty(item.date.as_deref()),
    ));
    if let Some(b) = non_empty(item.branch.as_deref()) {
        m.push_str(&format!(" Branch {b}."));
    }
    f.message = m;
    f.locations = path.map(|p| location(p, item.line)).into_iter().collect();
    f.source_pointer = pointer;
    f
}

#[cfg(test)]
mod tests;
