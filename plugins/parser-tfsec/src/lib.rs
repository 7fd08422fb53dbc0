//! `parser-tfsec`: tfsec JSON reports into cordon findings.
//!
//! tfsec writes one object, `{"results": [...]}` (`null` when there is
//! nothing to report). One finding per result, in report order, except
//! results that passed:
//!
//! * **current** results (tfsec 0.58 and later): `rule_id`
//!   (`aws-vpc-no-public-egress-sgr`, or `AVD-AWS-0104` in tfsec 1.x),
//!   `long_id`, `legacy_rule_id`, `rule_description`, `rule_provider`,
//!   `rule_service`, `impact`, `resolution`, `links`, `description`,
//!   `severity` (`CRITICAL` .. `LOW`), `status` (`failed`, `passed`,
//!   `ignored`, or the numbers 0, 1, 2), `resource`, `location`;
//! * **legacy** results (before 0.58): `rule_id` (`AWS018`), `link`,
//!   `severity` (`ERROR`, `WARNING`, `INFO`), `passed` (a boolean).
//!
//! Results with `passed: true` or status `passed` are skipped: they are not
//! problems. Ignored results (status `ignored`, only written with
//! `--include-ignored`) are kept, tagged `suppressed-in-source`.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * Empty input (or only whitespace) is `malformed-input`.
//! * Invalid JSON, or a field of the wrong type (say `"start_line": "x"`),
//!   is `malformed-input` with the line and column serde_json reports.
//!   Unknown fields are ignored.
//! * A document that is not an object with a `results` key is
//!   `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `tfsec` |
//! | `rule-id` | `rule_id`, else `long_id`, else `legacy_rule_id`, else `unknown` |
//! | `title` | `rule_description`, else the first line of `description`, else the rule id |
//! | `message` | `description`, then `Impact:` `impact` and `Resolution:` `resolution` |
//! | `severity`, `tool-severity` | `severity` (below) |
//! | `kind` | `iac` |
//! | `locations` | `location.filename` with `start_line` and `end_line` |
//! | `component` | name = `resource` when the result has one |
//! | `tags` | `provider:<rule_provider>`, `service:<rule_service>`, `long-id:<long_id>` and `legacy-id:<legacy_rule_id>` when they differ from the rule id, `suppressed-in-source` for ignored results |
//! | `help-uri` | first of `links`, else the URL in the legacy `link` text |
//! | `source-pointer` | `/results/{i}` |
//!
//! # Severity
//!
//! | tfsec | cordon |
//! |---|---|
//! | `CRITICAL` | `critical` |
//! | `HIGH`, legacy `ERROR` | `high` |
//! | `MEDIUM`, legacy `WARNING` | `medium` |
//! | `LOW` | `low` |
//! | legacy `INFO` | `info` |
//! | absent or anything else | `medium` |
//!
//! `tool-severity` is the string as written. `severity-source` is `tool` for
//! tfsec's levels, `default` otherwise.

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, clip, finding, non_empty, one_line, parse_object, position_strict, present,
    tool_or_default,
};
use cordon_sdk::{Component, Finding, FindingKind, Location, Parser, Severity, StageError};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// The `tool` of every finding.
pub const TOOL: &str = "tfsec";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};
const WHAT: &str = "tfsec report";

/// The stage, registered below.
pub struct TfsecParser;

impl Parser for TfsecParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(TfsecParser);

#[derive(Deserialize)]
struct Report {
    #[serde(default, deserialize_with = "present")]
    results: Option<Option<Vec<Obj<TfResult>>>>,
}

#[derive(Deserialize)]
struct TfResult {
    rule_id: Option<String>,
    long_id: Option<String>,
    legacy_rule_id: Option<String>,
    rule_description: Option<String>,
    rule_provider: Option<String>,
    rule_service: Option<String>,
    impact: Option<String>,
    resolution: Option<String>,
    links: Option<Vec<String>>,
    link: Option<String>,
    description: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    status: Status,
    passed: Option<bool>,
    resource: Option<String>,
    location: Option<Obj<TfLocation>>,
}

#[derive(Deserialize)]
struct TfLocation {
    filename: Option<String>,
    #[serde(default, deserialize_with = "position_strict")]
    start_line: Option<u32>,
    #[serde(default, deserialize_with = "position_strict")]
    end_line: Option<u32>,
}

/// `status`: a name or tfsec's numeric code.
#[derive(Default, PartialEq, Eq, Debug)]
enum Status {
    #[default]
    Unknown,
    Failed,
    Passed,
    Ignored,
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl<'de> Visitor<'de> for StatusVisitor {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a result status (a string or a number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Status, E> {
                Ok(match v.trim().to_ascii_lowercase().as_str() {
                    "failed" | "fail" => Status::Failed,
                    "passed" | "pass" => Status::Passed,
                    "ignored" => Status::Ignored,
                    _ => Status::Unknown,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Status, E> {
                Ok(match v {
                    0 => Status::Failed,
                    1 => Status::Passed,
                    2 => Status::Ignored,
                    _ => Status::Unknown,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Status, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Ok(Status::Unknown),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Status, E> {
                Ok(Status::Unknown)
            }
        }
        d.deserialize_any(StatusVisitor)
    }
}

/// Parse a tfsec JSON report into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let report: Report = parse_object(
        report,
        "a tfsec JSON report",
        WHAT,
        "not a tfsec report: the top-level JSON value must be an object with `results`",
    )?;
    let Some(results) = report.results else {
        return Err(StageError::UnsupportedFormat(
            "not a tfsec report: the object has no `results`".to_string(),
        ));
    };
    let results = results.unwrap_or_default();
    let mut findings = Vec::with_capacity(results.len());
    for (i, r) in results.iter().enumerate() {
        if r.passed == Some(true) || r.status == Status::Passed {
            continue;
        }
        findings.push(convert(r, i));
    }
    Ok(findings)
}

fn severity_of(s: &str) -> Option<Severity> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" | "ERROR" => Severity::High,
        "MEDIUM" | "WARNING" => Severity::Medium,
        "LOW" => Severity::Low,
        "INFO" => Severity::Info,
        _ => return None,
    })
}

/// The first `http(s)://` token of a legacy `link` ("See https://... for
/// more information.").
fn url_in(text: &str) -> Option<&str> {
    text.split_whitespace()
        .find(|w| w.starts_with("https://") || w.starts_with("http://"))
}

fn convert(r: &TfResult, i: usize) -> Finding {
    // Clipped before it is compared with the other ids and written into the
    // title and message (the clip of the output, `fit_to_contract`, comes
    // after that).
    let rule_id = clip(
        non_empty(r.rule_id.as_deref())
            .or(non_empty(r.long_id.as_deref()))
            .or(non_empty(r.legacy_rule_id.as_deref()))
            .unwrap_or(UNKNOWN_RULE),
        MAX_ID_BYTES,
    );
    let description = non_empty(r.description.as_deref());
    let title = non_empty(r.rule_description.as_deref())
        .or(description)
        .map_or_else(|| rule_id.clone(), |t| one_line(t, TITLE_MAX_CHARS));

    let mut message = description
        .or(non_empty(r.rule_description.as_deref()))
        .unwrap_or(&rule_id)
        .to_string();
    if let Some(impact) = non_empty(r.impact.as_deref()) {
        message.push_str(&format!("\n\nImpact: {impact}"));
    }
    if let Some(resolution) = non_empty(r.resolution.as_deref()) {
        message.push_str(&format!("\n\nResolution: {resolution}"));
    }

    let tool_severity = non_empty(r.severity.as_deref());
    let (severity, severity_source) =
        tool_or_default(tool_severity.and_then(severity_of), Severity::Medium);
    let mut tags = Vec::new();
    if let Some(p) = non_empty(r.rule_provider.as_deref()) {
        tags.push(format!("provider:{p}"));
    }
    if let Some(s) = non_empty(r.rule_service.as_deref()) {
        tags.push(format!("service:{s}"));
    }
    for (label, id) in [("long-id", &r.long_id), ("legacy-id", &r.legacy_rule_id)] {
        if let Some(id) = non_empty(id.as_deref()).filter(|id| *id != rule_id) {
            tags.push(format!("{label}:{id}"));
        }
    }
    if r.status == Status::Ignored {
        tags.push("suppressed-in-source".to_string());
    }

    let location = r.location.as_deref();
    Finding {
        message,
        tool_severity: tool_severity.map(str::to_string),
        locations: location
            .and_then(|l| {
                let path = non_empty(l.filename.as_deref())?;
                Some(Location {
                    path: path.to_string(),
                    start_line: l.start_line,
                    start_column: None,
                    end_line: l.end_line.filter(|_| l.start_line.is_some()),
                    end_column: None,
                })
            })
            .into_iter()
            .collect(),
        component: non_empty(r.resource.as_deref()).map(|name| Component {
            name: name.to_string(),
            version: None,
            purl: None,
            fixed_versions: Vec::new(),
        }),
        tags,
        help_uri: r
            .links
            .iter()
            .flatten()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .or_else(|| r.link.as_deref().and_then(url_in))
            .map(str::to_string),
        source_pointer: format!("/results/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Iac, severity)
    }
}

#[cfg(test)]
mod tests;
