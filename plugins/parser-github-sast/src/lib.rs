//! `parser-github-sast`: GitHub code scanning alerts (the REST API's
//! `GET /repos/{owner}/{repo}/code-scanning/alerts` response) into cordon
//! findings.
//!
//! The report is a top-level array of alerts; one finding per alert, in
//! document order, whatever its `state`. Nothing is merged here (the
//! normalizer deduplicates by fingerprint).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed and the fields read must have the right
//!   types (`malformed-input` with serde_json's line and column otherwise).
//!   Unknown fields are ignored; so are the string `"None"` in optional text
//!   fields (exports written by Python scripts have it for `null`).
//! * `unsupported-format`: a top level that is not an array, including the
//!   API's error object (`{"message": "Not Found", ...}`, whose message is
//!   repeated), and an array of objects none of which has `rule` or
//!   `most_recent_instance` (another tool's array).
//! * `[]` is a repository without alerts: no findings.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `tool.name` (else `github-code-scanning`), `tool.version` |
//! | `rule-id` | `rule.id`, else `rule.name`, else `unknown` |
//! | `title` | `rule.description`, else the first line of the message, else the rule id (at most [`TITLE_MAX_CHARS`] characters) |
//! | `message` | `most_recent_instance.message.text`, else `rule.full_description`, else `rule.description` |
//! | `severity`, `tool-severity` | `rule.security_severity_level`, else `rule.severity`; see below |
//! | `kind` | `sca` when the rule id is a vulnerability id (`CVE-…`, `GHSA-…`), else `sast` |
//! | `locations` | `most_recent_instance.location`: `path`, `start_line`, `start_column`, `end_line`, `end_column` |
//! | `vulnerability-ids` | the rule id when it is a `CVE-…` / `GHSA-…` id |
//! | `cwes` | `rule.tags` such as `external/cwe/cwe-312` |
//! | `tags` | `rule.tags`; `state:<state>`; `dismissed-reason:<reason>` for a dismissed alert; `classification:<c>` for `most_recent_instance.classifications` (`test`, `generated`, ...); `github-alert:<number>` |
//! | `help-uri` | `rule.help_uri` |
//! | `source-pointer` | `/{i}` |
//!
//! Dismissed and fixed alerts are kept (tagged with their state): whether a
//! dismissal counts is a policy decision.
//!
//! # Severity
//!
//! | GitHub | cordon | `severity-source` |
//! |---|---|---|
//! | `security_severity_level` `critical` | critical | `security-severity` |
//! | `security_severity_level` `high` | high | `security-severity` |
//! | `security_severity_level` `medium` | medium | `security-severity` |
//! | `security_severity_level` `low` | low | `security-severity` |
//! | else, for a tool whose SARIF level is no grade (`tool.name` Checkov, ruff, dependency-check, Gitleaks) | its default: medium, low, medium, high | `default` |
//! | else `severity` `error` | high | `tool` |
//! | else `severity` `warning` | medium | `tool` |
//! | else `severity` `note` | low | `tool` |
//! | else `severity` `none` | info | `tool` |
//! | anything else, or neither | medium | `default` |
//!
//! `security_severity_level` is GitHub's rating from the rule's CVSS-based
//! `security-severity` (security queries only); `severity` is the SARIF
//! level, read as `parser-sarif` reads it in the uploaded SARIF.
//! `tool-severity` keeps the string used.

use cordon_parser_support::{
    Keys, Obj, Position, Shape, UNKNOWN_RULE, check_syntax, finding, first_byte, foreign_entries,
    located, loose_string, loose_strings, parse_or_foreign, prepare, shown, tag, title_line,
    ungraded_level_default,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;

/// `tool` of a finding whose alert names no tool.
pub const DEFAULT_TOOL: &str = "github-code-scanning";
/// The format name of a code scanning alerts API response.
pub const FORMAT: &str = "github-code-scanning-alerts-api-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "GitHub code scanning alerts list";

/// The stage, registered below.
pub struct GithubSastParser;

impl Parser for GithubSastParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GithubSastParser);

/// One alert.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Alert {
    #[serde(deserialize_with = "loose_string")]
    number: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    state: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    dismissed_reason: Option<String>,
    rule: Option<Obj<Rule>>,
    tool: Option<Obj<Tool>>,
    most_recent_instance: Option<Obj<Instance>>,
}

impl Alert {
    /// Whether the entry has a key only code scanning alerts have.
    fn marked(&self) -> bool {
        self.rule.is_some() || self.most_recent_instance.is_some()
    }
}

/// `alert.rule`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Rule {
    id: Option<String>,
    name: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    severity: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    security_severity_level: Option<String>,
    description: Option<String>,
    full_description: Option<String>,
    #[serde(deserialize_with = "loose_strings")]
    tags: Vec<String>,
    #[serde(deserialize_with = "loose_string")]
    help_uri: Option<String>,
}

/// `alert.tool`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Tool {
    name: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    version: Option<String>,
}

/// `alert.most_recent_instance`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Instance {
    message: Option<Obj<Message>>,
    location: Option<Obj<AlertLocation>>,
    #[serde(deserialize_with = "loose_strings")]
    classifications: Vec<String>,
}

/// `most_recent_instance.message`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Message {
    text: Option<String>,
}

/// `most_recent_instance.location`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AlertLocation {
    path: Option<String>,
    start_line: Position,
    end_line: Position,
    start_column: Position,
    end_column: Position,
}

/// The API's error object (`{"message": "Not Found", ...}`).
#[derive(Deserialize)]
struct ApiError {
    #[serde(default, deserialize_with = "loose_string")]
    message: Option<String>,
}

/// Keys that mark an alert.
struct AlertKeys;
impl Keys for AlertKeys {
    const KEYS: &'static [&'static str] = &["rule", "most_recent_instance"];
}

/// Parse a code scanning alerts list (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a GitHub code scanning alerts JSON array")?;
    if first_byte(bytes) != Some(b'[') {
        check_syntax(bytes, WHAT)?;
        let api_message = if first_byte(bytes) == Some(b'{') {
            serde_json::from_slice::<ApiError>(bytes)
                .ok()
                .and_then(|e| e.message)
        } else {
            None
        };
        return Err(StageError::UnsupportedFormat(match api_message {
            Some(m) => format!(
                "GitHub API error instead of code scanning alerts: {}",
                shown(&m)
            ),
            None => {
                "not a GitHub code scanning alerts list: the top-level JSON value must be an array"
                    .to_string()
            }
        }));
    }
    let alerts: Vec<Obj<Alert>> = parse_or_foreign(bytes, WHAT, |shape: Shape<AlertKeys>| {
        shape.foreign().then(foreign)
    })?;
    if !alerts.is_empty() && !alerts.iter().any(|a| a.marked()) {
        return Err(foreign());
    }
    Ok(alerts
        .iter()
        .enumerate()
        .map(|(i, a)| convert(a, i))
        .collect())
}

fn foreign() -> StageError {
    foreign_entries::<AlertKeys>(WHAT, None)
}

/// A text value, trimmed, without the `"None"` a Python export writes for
/// `null`.
fn text(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty() && *s != "None")
}

/// The severity of an alert, where it came from, and the string used (see
/// the crate docs). `tool` is the alert's tool name.
fn severity(
    security: Option<&str>,
    level: Option<&str>,
    tool: &str,
) -> (Severity, SeveritySource, Option<String>) {
    if let Some(s) = security {
        let sev = match s.to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        };
        if let Some(sev) = sev {
            return (sev, SeveritySource::SecuritySeverity, Some(s.to_string()));
        }
    }
    // The SARIF level the tool uploaded: no grade for some tools.
    if let Some(default) = ungraded_level_default(&cordon_sdk::canonical_tool(tool)) {
        return (
            default,
            SeveritySource::Default,
            level.or(security).map(str::to_string),
        );
    }
    let graded = level.and_then(|l| match l.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::High),
        "warning" => Some(Severity::Medium),
        "note" => Some(Severity::Low),
        "none" => Some(Severity::Info),
        _ => None,
    });
    match graded {
        Some(sev) => (sev, SeveritySource::Tool, level.map(str::to_string)),
        None => (
            Severity::Medium,
            SeveritySource::Default,
            level.or(security).map(str::to_string),
        ),
    }
}

/// The CWE number of a tag like `external/cwe/cwe-079` or `CWE-79`.
fn tag_cwe(tag: &str) -> Option<u32> {
    let lower = tag.trim().to_ascii_lowercase();
    let last = lower.rsplit('/').next().unwrap_or("");
    let digits = last.strip_prefix("cwe-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&n| n > 0)
}

/// Whether a rule id is itself a vulnerability id.
fn is_vuln_id(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    let cve = upper
        .strip_prefix("CVE-")
        .and_then(|r| r.split_once('-'))
        .is_some_and(|(y, n)| {
            y.len() == 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && n.len() >= 4
                && n.bytes().all(|b| b.is_ascii_digit())
        });
    let ghsa = upper.strip_prefix("GHSA-").is_some_and(|r| {
        r.len() == 14
            && r.split('-').count() == 3
            && r.split('-')
                .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    });
    cve || ghsa
}

fn convert(a: &Alert, i: usize) -> Finding {
    let rule = a.rule.as_deref();
    let instance = a.most_recent_instance.as_deref();
    let tool = a.tool.as_deref();

    let rule_id = text(rule.and_then(|r| r.id.as_deref()))
        .or_else(|| text(rule.and_then(|r| r.name.as_deref())))
        .unwrap_or(UNKNOWN_RULE)
        .to_string();
    let message = text(
        instance
            .and_then(|inst| inst.message.as_deref())
            .and_then(|m| m.text.as_deref()),
    )
    .or_else(|| text(rule.and_then(|r| r.full_description.as_deref())))
    .or_else(|| text(rule.and_then(|r| r.description.as_deref())))
    .unwrap_or("")
    .to_string();
    let title = text(rule.and_then(|r| r.description.as_deref()))
        .and_then(title_line)
        .or_else(|| title_line(&message))
        .or_else(|| title_line(&rule_id))
        .unwrap_or_default();

    let tool_name = text(tool.and_then(|t| t.name.as_deref())).unwrap_or(DEFAULT_TOOL);
    let (severity, severity_source, tool_severity) = severity(
        text(rule.and_then(|r| r.security_severity_level.as_deref())),
        text(rule.and_then(|r| r.severity.as_deref())),
        tool_name,
    );

    let mut tags: Vec<String> = Vec::new();
    let mut cwes: Vec<u32> = Vec::new();
    for t in rule.iter().flat_map(|r| &r.tags) {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(n) = tag_cwe(t)
            && !cwes.contains(&n)
        {
            cwes.push(n);
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    let state = text(a.state.as_deref());
    tags.extend(tag("state", state));
    if state.is_some_and(|s| s.eq_ignore_ascii_case("dismissed")) {
        tags.extend(tag("dismissed-reason", text(a.dismissed_reason.as_deref())));
    }
    for c in instance.iter().flat_map(|inst| &inst.classifications) {
        tags.extend(tag("classification", text(Some(c))));
    }
    if let Some(n) = text(a.number.as_deref()) {
        tags.push(format!("github-alert:{n}"));
    }

    let vulnerability_ids: Vec<String> = if is_vuln_id(&rule_id) {
        vec![rule_id.clone()]
    } else {
        Vec::new()
    };
    let kind = if vulnerability_ids.is_empty() {
        FindingKind::Sast
    } else {
        FindingKind::Sca
    };

    let locations = instance
        .and_then(|inst| inst.location.as_deref())
        .map_or_else(Vec::new, |l| {
            located(l.path.as_deref().unwrap_or_default(), |path| Location {
                path: path.to_string(),
                start_line: l.start_line.0,
                start_column: l.start_column.0,
                end_line: l.end_line.0,
                end_column: l.end_column.0,
            })
        });

    Finding {
        tool_version: text(tool.and_then(|t| t.version.as_deref())).map(str::to_string),
        message,
        tool_severity,
        locations,
        vulnerability_ids,
        cwes,
        tags,
        help_uri: text(rule.and_then(|r| r.help_uri.as_deref()))
            .filter(|u| u.starts_with("http"))
            .map(str::to_string),
        source_pointer: format!("/{i}"),
        severity_source,
        ..finding(tool_name, rule_id, title, kind, severity)
    }
}

#[cfg(test)]
mod tests;
