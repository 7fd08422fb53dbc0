//! `parser-zap`: OWASP ZAP's traditional reports, JSON (`zap-json`) and XML
//! (`zap-xml`), into cordon findings.
//!
//! Both reports list sites, each with its alerts; an alert (`alertitem` in
//! XML) is one kind of problem ZAP found on that site, with the requests it
//! found it in as `instances`. **One finding per alert**, in document order,
//! with the site and the instance URIs as its locations: ZAP's own
//! summaries, its baseline scan's pass/fail and DefectDojo all count alerts,
//! not instances (one missing header on 300 crawled pages is one problem).
//!
//! # Input
//!
//! * Told apart by the first byte that is not whitespace (after a UTF-8
//!   byte-order mark): `<` is the XML report, anything else the JSON
//!   report. Empty or blank input is `malformed-input`.
//! * JSON: the top level must be an object (else `unsupported-format`), with
//!   a `site` (an array, or one object as older reports write it) — an
//!   object without one, or whose `@programName` does not name ZAP, is
//!   `unsupported-format`. `alerts` and `instances` may likewise be one
//!   object. Every alert needs `pluginid` and every instance `uri`; a syntax
//!   error, a missing field or a field of the wrong type is `malformed-input`
//!   with serde_json's line and column. Code fields (`pluginid`,
//!   `riskcode`, `confidence`, `cweid`, `wascid`) may be strings (as ZAP
//!   writes them) or integers. Unknown fields are ignored.
//! * XML: well-formed UTF-8 without a DTD (no `<!DOCTYPE>`, so no entity
//!   expansion), elements nested at most [`MAX_XML_DEPTH`] deep; else
//!   `malformed-input` with line and column. The root element must be
//!   `<OWASPZAPReport>`, else `unsupported-format`. An `<alertitem>` without
//!   `<pluginid>` or an `<instance>` without `<uri>` is `malformed-input`.
//! * A site without alerts is a clean scan of that site: no findings.
//! * Request and response headers and bodies (the `-plus` templates) are
//!   never read: they carry cookies and credentials. Nor are `attack`,
//!   `evidence` and `otherinfo`, which quote response content.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `zap`; `@version` (XML `version`) |
//! | `rule-id` | `pluginid` (the scan rule; ZAP's own SARIF uses it as `ruleId`) |
//! | `title` | `alert` (else `name`, else the rule id), one line; ` (false positive)` appended for confidence 0 |
//! | `message` | `desc`, then `Solution: ` and `solution`, HTML reduced to plain text (see [`plain_text`]) |
//! | `severity`, `tool-severity` | `riskcode`, see below; `riskdesc` as written (`Medium (High)`), else `riskcode` |
//! | `kind` | `dast` |
//! | `locations` | the site (`@name`, XML `name`) first, then each instance `uri` without its query and fragment, each once, in report order, at most [`MAX_LOCATIONS`] (the host's cap); no line or column |
//! | `cwes` | `cweid` (`-1`, `0` and non-numbers are none) |
//! | `tags` | `confidence:<word>` (see below), `false-positive` for confidence 0, `wasc:<wascid>`, `alert-ref:<alertRef>` when it differs from `pluginid` (`10038-1`) |
//! | `help-uri` | the first `http(s)://` URL in `reference`, else ZAP's alert page `https://www.zaproxy.org/docs/alerts/<alertRef or pluginid>/` |
//! | `source-pointer` | JSON: `/site/{s}/alerts/{a}` (without `/{s}` or `/{a}` where that member is one object); XML: `/OWASPZAPReport/site[{s}]/alerts/alertitem[{a}]` (1-based) |
//!
//! Why the site comes first: the normalizer deduplicates and fingerprints
//! by tool, rule, *first* location and message. The site is the scope of a
//! ZAP alert, so two scans of one site give an alert one fingerprint even
//! when the crawl reaches its pages in another order; two sites keep their
//! alerts apart. Query strings are dropped because ZAP's attack payloads
//! and session or access tokens live there (DefectDojo drops them too).
//! The message leaves out the instances and their count for the same
//! reason: it is part of the fingerprint.
//!
//! # Severity
//!
//! | ZAP `riskcode` | `riskdesc` | cordon |
//! |---|---|---|
//! | `3` | High | high |
//! | `2` | Medium | medium |
//! | `1` | Low | low |
//! | `0` | Informational | info |
//! | anything else | the first word of `riskdesc`, read as a severity word | else medium (`default`) |
//!
//! ZAP has no level above High. `confidence` does not change the severity;
//! it becomes a tag: `0` `false-positive` (an analyst marked the alert a
//! false positive in ZAP; the alert is kept, tagged `false-positive` and
//! titled so, for a policy to suppress), `1` `low`, `2` `medium`, `3`
//! `high`, `4` `confirmed` (user confirmed); any other value as written.

mod html;
mod json;
mod xml;

pub use html::plain_text;

use cordon_parser_support::{
    MAX_ID_BYTES, MAX_TITLE_BYTES, UNKNOWN_RULE, clip, cwe_exact, finding, non_empty, prepare,
    severity_word, tag, title_line, tool_or_default,
};
use cordon_sdk::{
    Finding, FindingKind, Location, MAX_LOCATIONS, Parser, Severity, SeveritySource, StageError,
};
use std::collections::HashSet;

/// `tool` of every finding.
pub const TOOL: &str = "zap";
/// The format name of ZAP's traditional JSON report.
pub const FORMAT_JSON: &str = "zap-json";
/// The format name of ZAP's traditional XML report.
pub const FORMAT_XML: &str = "zap-xml";
/// The deepest element nesting accepted in an XML report.
pub use cordon_parser_support::xml::MAX_XML_DEPTH;

/// The stage, registered below.
pub struct ZapParser;

impl Parser for ZapParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(ZapParser);

/// Parse a ZAP traditional JSON or XML report (see the crate docs for the
/// rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a ZAP JSON or XML report")?;
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => xml::parse(bytes),
        _ => json::parse(bytes),
    }
}

/// One alert, as both report formats describe it (fields as written).
#[derive(Default)]
pub(crate) struct Alert {
    pub plugin_id: String,
    pub alert_ref: Option<String>,
    pub alert: Option<String>,
    pub name: Option<String>,
    pub riskcode: Option<String>,
    pub riskdesc: Option<String>,
    pub confidence: Option<String>,
    pub desc: Option<String>,
    pub solution: Option<String>,
    pub reference: Option<String>,
    pub cweid: Option<String>,
    pub wascid: Option<String>,
    /// The instances' `uri`s.
    pub uris: Vec<String>,
}

/// `riskcode` (else the first word of `riskdesc`) as a severity.
fn rate(a: &Alert) -> (Severity, SeveritySource) {
    let by_code = match non_empty(a.riskcode.as_deref()) {
        Some("3") => Some(Severity::High),
        Some("2") => Some(Severity::Medium),
        Some("1") => Some(Severity::Low),
        Some("0") => Some(Severity::Info),
        _ => None,
    };
    let by_word = || {
        non_empty(a.riskdesc.as_deref())
            .and_then(|d| d.split_whitespace().next())
            .and_then(severity_word)
    };
    tool_or_default(by_code.or_else(by_word), Severity::Medium)
}

/// The confidence tag's word for ZAP's `confidence` code.
fn confidence_word(code: &str) -> &str {
    match code {
        "0" => "false-positive",
        "1" => "low",
        "2" => "medium",
        "3" => "high",
        "4" => "confirmed",
        other => other,
    }
}

/// `uri` without its query and fragment, trimmed.
fn without_query(uri: &str) -> &str {
    uri.split(['?', '#']).next().unwrap_or(uri).trim()
}

/// The first `http://` or `https://` URL in `text` (up to whitespace).
fn first_url(text: &str) -> Option<&str> {
    let start = [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()?;
    let rest = text.get(start..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|u| u.len() > "https://".len())
}

/// One alert of one site into one finding.
pub(crate) fn convert(
    a: &Alert,
    site: Option<&str>,
    version: Option<&str>,
    pointer: String,
) -> Finding {
    let plugin = non_empty(Some(&a.plugin_id));
    let alert_ref = non_empty(a.alert_ref.as_deref());
    let rule_id = plugin.or(alert_ref).unwrap_or(UNKNOWN_RULE);
    let confidence = non_empty(a.confidence.as_deref());
    let false_positive = confidence == Some("0");

    let mut title = non_empty(a.alert.as_deref())
        .or(non_empty(a.name.as_deref()))
        .and_then(title_line)
        .unwrap_or_else(|| rule_id.to_string());
    if false_positive {
        title.push_str(" (false positive)");
    }

    let mut message = a.desc.as_deref().map(plain_text).unwrap_or_default();
    if let Some(s) = a
        .solution
        .as_deref()
        .map(plain_text)
        .filter(|s| !s.is_empty())
    {
        if !message.is_empty() {
            message.push_str("\n\n");
        }
        message.push_str("Solution: ");
        message.push_str(&s);
    }

    let mut locations: Vec<Location> = Vec::new();
    let mut seen = HashSet::new();
    let paths = non_empty(site)
        .into_iter()
        .chain(a.uris.iter().map(|u| without_query(u)));
    for path in paths.filter(|p| !p.is_empty()) {
        if locations.len() == MAX_LOCATIONS {
            break;
        }
        if seen.insert(path) {
            locations.push(Location {
                path: path.to_string(),
                start_line: None,
                start_column: None,
                end_line: None,
                end_column: None,
            });
        }
    }

    let mut tags = Vec::new();
    tags.extend(tag("confidence", confidence.map(confidence_word)));
    if false_positive {
        tags.push("false-positive".to_string());
    }
    if let Some(w) = non_empty(a.wascid.as_deref()).and_then(cwe_exact) {
        tags.push(format!("wasc:{w}"));
    }
    if let Some(r) = alert_ref.filter(|r| Some(*r) != plugin) {
        tags.extend(tag("alert-ref", Some(r)));
    }

    let reference = a.reference.as_deref().map(plain_text).unwrap_or_default();
    let help_uri = first_url(&reference).map(str::to_string).or_else(|| {
        let id = alert_ref.or(plugin)?;
        id.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-')
            .then(|| format!("https://www.zaproxy.org/docs/alerts/{id}/"))
    });

    let (severity, severity_source) = rate(a);
    let tool_severity = non_empty(a.riskdesc.as_deref())
        .or(non_empty(a.riskcode.as_deref()))
        .map(|s| clip(s, MAX_ID_BYTES));

    Finding {
        tool_version: non_empty(version).map(|v| clip(v, MAX_ID_BYTES)),
        message,
        tool_severity,
        severity_source,
        locations,
        cwes: non_empty(a.cweid.as_deref())
            .and_then(cwe_exact)
            .into_iter()
            .collect(),
        tags,
        help_uri,
        source_pointer: pointer,
        ..finding(
            TOOL,
            clip(rule_id, MAX_ID_BYTES),
            clip(&title, MAX_TITLE_BYTES),
            FindingKind::Dast,
            severity,
        )
    }
}

#[cfg(test)]
mod tests;
