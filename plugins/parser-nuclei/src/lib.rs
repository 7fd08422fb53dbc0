//! `parser-nuclei`: Nuclei results (`nuclei -jsonl`, older `-json`, and the
//! `-je` / `-json-export` array) into cordon findings.
//!
//! Two formats of one record, Nuclei's `ResultEvent`: one object per result
//! (per matcher that matched, or per extraction), with the template's `info`
//! block, the protocol `type`, the target (`host`, `matched-at`) and what
//! the request sent and got back.
//!
//! * **`nuclei-jsonl`**: JSON Lines, one result per line. A clean run writes
//!   an empty file, which the host refuses as empty input before any
//!   parser runs (there is no zero-finding JSON Lines report).
//! * **`nuclei-json-array`**: the same objects in one JSON array; `[]` is a
//!   clean run (what the exporter writes when nothing matched; detection
//!   never claims it, see `CONFORMANCE.md`).
//!
//! Records of older Nuclei 2 releases (2021) spell some keys differently (`templateID`,
//! `matched`, `matcher_name`, `extracted_results`) and write `tags` as one
//! comma-separated string and `reference` as one string; both spellings are
//! read. One finding per result, in report order; nothing is merged here.
//!
//! # Secrets
//!
//! A result can carry what the target answered and what Nuclei sent: the
//! raw `request` and `response`, `curl-command` (cookies, session tokens,
//! the credentials a default-login template tried), `meta` (a template's
//! payload, such as that username and password), `interaction` and
//! `extracted-results` (the tokens template extract keys and tokens
//! verbatim). None of these is read into a finding: a message only says
//! that values were extracted. A `user:password@` in a URL's authority is
//! dropped from the location. Template text (`info`) and the matched URL
//! are kept as written.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The first byte after it chooses the format: `{` JSON Lines, `[` the
//!   array. JSON Lines are read as a stream of JSON objects, so a record
//!   pretty-printed over several lines (`jq .`) reads too; a report cut at a
//!   line break is a shorter report (the format cannot tell), cut anywhere
//!   else it is `malformed-input`.
//! * Every record needs `template-id` (or `templateID`); a syntax error, a
//!   missing `template-id` or a field of the wrong type is `malformed-input`
//!   with serde_json's line and column (for JSON Lines, of the whole input).
//!   Unknown fields are ignored.
//! * `unsupported-format`: a top level that is neither an object nor an
//!   array; a first JSON Lines record without `template-id` or `templateID`
//!   (another tool's NDJSON, or Nuclei's own `-elog` / `-tlog` request log);
//!   an array of objects none of which has one.
//! * Results with `matcher-status: false` are skipped: `nuclei -ms` writes
//!   one for every template that did not match (or failed, with `error`).
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `nuclei`; none (the report has no version) |
//! | `rule-id` | `template-id` |
//! | `title` | `info.name` (else `template-id`), then ` (matcher-name)` or, without one, ` (extractor-name)`; one line, at most [`TITLE_MAX_CHARS`] characters |
//! | `message` | which template matched where (matcher, extractor, fuzzed parameter), that values were extracted, then `info.description`, `info.impact`, `info.remediation` |
//! | `severity`, `tool-severity` | `info.severity`, else `info.classification.cvss-score`, see below |
//! | `kind` | `sast` for `type` `file` (Nuclei read local files), `other` for `code` (it ran code on the scanning host), `dast` for every other protocol |
//! | `locations` | `matched-at` (else `host`), without URL credentials, as written otherwise, with the first of `matched-line` (file templates); none when both are blank |
//! | `vulnerability-ids` | `info.classification.cve-id`, upper-cased |
//! | `cwes` | `info.classification.cwe-id` (`cwe-79`); entries that are not `CWE-<n>` (`nvd-cwe-other`) are skipped |
//! | `tags` | `info.tags`, lower-cased; `protocol:<type>` |
//! | `help-uri` | the first `http(s)` URL of `info.reference`, else `template-url` |
//! | `source-pointer` | `line:N` (JSON Lines, the line the record starts on), `/{i}` (array) |
//!
//! # Severity
//!
//! | source | cordon |
//! |---|---|
//! | `info.severity` `critical`, `high`, `medium`, `low`, `info` (any case; also the common synonyms `moderate`, `informational`, `none`) | same name (`tool`) |
//! | `unknown`, another word or none, with a 0-10 `cvss-score` | by the CVSS bands (`cvss`) |
//! | otherwise | medium (`default`) |
//!
//! `tool-severity` keeps the word (or the score) that decided.

use cordon_parser_support::{
    Keys, LooseString, MAX_ID_BYTES, Obj, Shape, UNKNOWN_RULE, clip, cvss_severity, cwe_exact,
    finding, first_byte, foreign_entries, json_error, json_lines, loose_strings, non_empty,
    one_line, parse_or_foreign, prepare, present, severity_word, tag, tool_or_default,
};
use cordon_sdk::{Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// `tool` of every finding.
pub const TOOL: &str = "nuclei";
/// The format name of Nuclei's JSON Lines output (`-jsonl`, older `-json`).
pub const FORMAT_JSONL: &str = "nuclei-jsonl";
/// The format name of Nuclei's JSON array export (`-je`, `-json-export`).
pub const FORMAT_JSON_ARRAY: &str = "nuclei-json-array";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "Nuclei report";

/// The stage, registered below.
pub struct NucleiParser;

impl Parser for NucleiParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(NucleiParser);

/// One result (`ResultEvent`): the fields cordon reads. Everything the
/// target sent back (request, response, curl command, meta, extracted
/// values) is left unread except for whether values were extracted.
#[derive(Deserialize)]
struct Event {
    #[serde(rename = "template-id", alias = "templateID")]
    template_id: String,
    #[serde(rename = "template-url")]
    template_url: Option<String>,
    info: Option<Obj<Info>>,
    #[serde(rename = "matcher-name", alias = "matcher_name")]
    matcher_name: Option<String>,
    #[serde(rename = "extractor-name", alias = "extractor_name")]
    extractor_name: Option<String>,
    #[serde(rename = "type")]
    protocol: Option<String>,
    host: Option<String>,
    #[serde(rename = "matched-at", alias = "matched")]
    matched_at: Option<String>,
    #[serde(rename = "matched-line", default, deserialize_with = "loose_strings")]
    matched_line: Vec<String>,
    #[serde(rename = "extracted-results", alias = "extracted_results")]
    extracted: Option<Vec<IgnoredAny>>,
    #[serde(rename = "matcher-status")]
    matcher_status: Option<bool>,
    fuzzing_method: Option<String>,
    fuzzing_parameter: Option<String>,
    fuzzing_position: Option<String>,
}

/// The template's `info` block.
#[derive(Deserialize)]
struct Info {
    name: Option<String>,
    severity: Option<String>,
    description: Option<String>,
    impact: Option<String>,
    remediation: Option<String>,
    #[serde(default, deserialize_with = "loose_strings")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "loose_strings")]
    reference: Vec<String>,
    classification: Option<Obj<Classification>>,
}

/// `info.classification`.
#[derive(Deserialize)]
struct Classification {
    #[serde(rename = "cve-id", default, deserialize_with = "loose_strings")]
    cve_id: Vec<String>,
    #[serde(rename = "cwe-id", default, deserialize_with = "loose_strings")]
    cwe_id: Vec<String>,
    #[serde(rename = "cvss-score", default)]
    cvss_score: LooseString,
}

/// Keys that mark a Nuclei result.
struct EventKeys;
impl Keys for EventKeys {
    const KEYS: &'static [&'static str] = &["template-id", "templateID"];
}

/// A probe of one JSON Lines record: whether it has a key of a Nuclei
/// result, even `null` (values are skipped).
#[derive(Deserialize)]
struct Marker {
    #[serde(rename = "template-id", default, deserialize_with = "present")]
    template_id: Option<IgnoredAny>,
    #[serde(rename = "templateID", default, deserialize_with = "present")]
    template_id_v2: Option<IgnoredAny>,
}

/// Parse Nuclei JSON Lines output or a JSON array export (see the crate
/// docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "Nuclei JSON Lines output or a Nuclei JSON export")?;
    match first_byte(bytes) {
        Some(b'{') => parse_lines(bytes),
        Some(b'[') => parse_array(bytes),
        _ => {
            cordon_parser_support::check_syntax(bytes, WHAT)?;
            Err(StageError::UnsupportedFormat(
                "not a Nuclei report: expected JSON Lines result objects (`nuclei -jsonl`) \
                 or a JSON array of them (`nuclei -je`)"
                    .to_string(),
            ))
        }
    }
}

/// The JSON array export.
fn parse_array(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let events: Vec<Obj<Event>> = parse_or_foreign(bytes, WHAT, |shape: Shape<EventKeys>| {
        shape
            .foreign()
            .then(|| foreign_entries::<EventKeys>(WHAT, None))
    })?;
    Ok(events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| convert(e, format!("/{i}")))
        .collect())
}

/// JSON Lines, read as a stream of objects; each finding points at the
/// line its record starts on.
fn parse_lines(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let mut findings = Vec::new();
    json_lines::<Obj<Event>>(
        bytes,
        |event, line| {
            findings.extend(convert(&event, format!("line:{line}")));
            Ok(())
        },
        |bad| {
            if bad.first
                && bad.error.classify() == serde_json::error::Category::Data
                && is_foreign(bad.rest)
            {
                StageError::UnsupportedFormat(format!(
                    "not a Nuclei report: the record on line {} has no `template-id` \
                     (is this another tool's NDJSON, or Nuclei's request log?)",
                    bad.line
                ))
            } else {
                json_error(&bad.error, WHAT)
            }
        },
    )?;
    Ok(findings)
}

/// Whether the JSON object at the start of `bytes` reads as an object
/// without a Nuclei key.
fn is_foreign(bytes: &[u8]) -> bool {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Obj<Marker>>()
        .next()
        .and_then(Result::ok)
        .is_some_and(|m| m.template_id.is_none() && m.template_id_v2.is_none())
}

fn severity(info: Option<&Info>) -> (Severity, SeveritySource, Option<String>) {
    let word = info.and_then(|i| non_empty(i.severity.as_deref()));
    if let Some(s) = word.and_then(severity_word) {
        return (s, SeveritySource::Tool, word.map(str::to_string));
    }
    let score = info
        .and_then(|i| i.classification.as_ref())
        .and_then(|c| non_empty(c.cvss_score.0.as_deref()));
    if let Some((raw, value)) = score.and_then(|s| Some((s, s.parse::<f64>().ok()?)))
        && (0.0..=10.0).contains(&value)
    {
        return (
            cvss_severity(value),
            SeveritySource::Cvss,
            Some(raw.to_string()),
        );
    }
    let (s, source) = tool_or_default(None, Severity::Medium);
    (s, source, word.map(str::to_string))
}

fn kind(protocol: Option<&str>) -> FindingKind {
    match protocol.map(str::to_ascii_lowercase).as_deref() {
        Some("file") => FindingKind::Sast,
        Some("code") => FindingKind::Other,
        _ => FindingKind::Dast,
    }
}

/// `url` without the `user:password@` of its authority (if it has one).
fn without_credentials(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = url.get(scheme_end..).unwrap_or_default();
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    match authority.rfind('@') {
        Some(at) => format!(
            "{}{}",
            url.get(..scheme_end).unwrap_or_default(),
            rest.get(at + 1..).unwrap_or_default()
        ),
        None => url.to_string(),
    }
}

fn is_http(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The first `http(s)` URL of `info.reference`: a list, or (older Nuclei 2)
/// a string holding YAML's `- url` lines.
fn first_reference(references: &[String]) -> Option<String> {
    references
        .iter()
        .flat_map(|r| r.split_whitespace())
        .map(|r| r.trim_start_matches('-'))
        .find(|r| is_http(r))
        .map(str::to_string)
}

/// Comma-separated or list values, trimmed, without blanks.
fn split_list(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// One result into a finding; `None` for a `matcher-status: false` record.
fn convert(e: &Event, pointer: String) -> Option<Finding> {
    if e.matcher_status == Some(false) {
        return None;
    }
    let info = e.info.as_deref();
    let id = non_empty(Some(&e.template_id));
    let rule_id = clip(id.unwrap_or(UNKNOWN_RULE), MAX_ID_BYTES);
    let matcher = non_empty(e.matcher_name.as_deref());
    let extractor = non_empty(e.extractor_name.as_deref());
    let name = info.and_then(|i| non_empty(i.name.as_deref()));
    let protocol = non_empty(e.protocol.as_deref());
    let mut title = name.unwrap_or(&rule_id).to_string();
    if let Some(m) = matcher.or(extractor) {
        title.push_str(&format!(" ({m})"));
    }
    let target = non_empty(e.matched_at.as_deref())
        .or(non_empty(e.host.as_deref()))
        .map(without_credentials);

    let mut m = format!("Nuclei template `{rule_id}`");
    if let Some(p) = protocol {
        m.push_str(&format!(" ({p})"));
    }
    m.push_str(" matched");
    if let Some(t) = &target {
        m.push_str(&format!(" at {t}"));
    }
    match (matcher, extractor) {
        (Some(mn), Some(x)) => m.push_str(&format!(" (matcher `{mn}`, extractor `{x}`)")),
        (Some(mn), None) => m.push_str(&format!(" (matcher `{mn}`)")),
        (None, Some(x)) => m.push_str(&format!(" (extractor `{x}`)")),
        (None, None) => {}
    }
    m.push('.');
    if let Some(param) = non_empty(e.fuzzing_parameter.as_deref()) {
        m.push_str(&format!(" Fuzzed parameter `{param}`"));
        if let Some(pos) = non_empty(e.fuzzing_position.as_deref()) {
            m.push_str(&format!(" in {pos}"));
        }
        if let Some(method) = non_empty(e.fuzzing_method.as_deref()) {
            m.push_str(&format!(" ({method})"));
        }
        m.push('.');
    }
    if e.extracted.as_ref().is_some_and(|x| !x.is_empty()) {
        m.push_str(" Values were extracted (not copied here, they can hold secrets).");
    }
    for (label, text) in [
        ("", info.and_then(|i| non_empty(i.description.as_deref()))),
        (
            "Impact: ",
            info.and_then(|i| non_empty(i.impact.as_deref())),
        ),
        (
            "Remediation: ",
            info.and_then(|i| non_empty(i.remediation.as_deref())),
        ),
    ] {
        if let Some(t) = text {
            m.push_str(&format!("\n\n{label}{t}"));
        }
    }

    let (severity, severity_source, tool_severity) = severity(info);
    let classification = info.and_then(|i| i.classification.as_deref());
    let mut tags: Vec<String> = info
        .map(|i| split_list(&i.tags).map(|t| clip(&t.to_ascii_lowercase(), MAX_ID_BYTES)))
        .into_iter()
        .flatten()
        .collect();
    tags.extend(tag("protocol", protocol).map(|t| clip(&t, MAX_ID_BYTES)));
    let line = e
        .matched_line
        .first()
        .and_then(|l| l.trim().parse::<u32>().ok())
        .filter(|&n| n > 0);
    Some(Finding {
        message: m,
        tool_severity: tool_severity.map(|s| clip(&s, MAX_ID_BYTES)),
        severity_source,
        locations: target
            .map(|path| Location {
                path,
                start_line: line,
                start_column: None,
                end_line: None,
                end_column: None,
            })
            .into_iter()
            .collect(),
        vulnerability_ids: classification
            .map(|c| {
                split_list(&c.cve_id)
                    .map(|v| clip(&v.to_ascii_uppercase(), MAX_ID_BYTES))
                    .collect()
            })
            .unwrap_or_default(),
        cwes: classification
            .map(|c| split_list(&c.cwe_id).filter_map(cwe_exact).collect())
            .unwrap_or_default(),
        tags,
        help_uri: info
            .and_then(|i| first_reference(&i.reference))
            .or_else(|| {
                non_empty(e.template_url.as_deref())
                    .filter(|u| is_http(u))
                    .map(str::to_string)
            }),
        source_pointer: pointer,
        ..finding(
            TOOL,
            rule_id.clone(),
            one_line(&title, TITLE_MAX_CHARS),
            kind(protocol),
            severity,
        )
    })
}

#[cfg(test)]
mod tests;
