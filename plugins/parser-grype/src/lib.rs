//! `parser-grype`: Anchore Grype JSON reports (`grype -o json`) into cordon
//! findings.
//!
//! One finding per entry of `matches` (a vulnerability matched to a
//! package), in document order. Grype reports from 0.7 to the current
//! schema are read: `matchDetails` as an object or a list, artifact
//! locations as objects or path strings.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input`.
//! * Invalid JSON, or a property of the wrong type, is `malformed-input` with
//!   the line and column serde_json reports. Unknown properties are ignored;
//!   `null` counts as absent.
//! * The top level must be an object with a `matches` property (an empty
//!   list, or `null`, gives no findings); anything else is
//!   `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `grype`, `descriptor.version` |
//! | `rule-id` | `vulnerability.id` (`unknown` when absent) |
//! | `title` | `<id> in <artifact.name> <artifact.version>` |
//! | `message` | `vulnerability.description`, else the first related vulnerability's; then `Namespace: <namespace>` |
//! | `severity` | see below; `tool-severity` is the severity string used |
//! | `kind` | `container` for OS packages (`artifact.type` `deb`, `rpm`, `apk`, `alpm`, `portage`, `linux-kernel*`), else `sca` |
//! | `locations` | every `artifact.locations[].path`, in order (the first is part of the fingerprint) |
//! | `component` | `artifact.name`, `.version`, `.purl`; fixed versions from `vulnerability.fix.versions` |
//! | `vulnerability-ids` | `vulnerability.id`, then every `relatedVulnerabilities[].id` |
//! | `cwes` | none (Grype reports no CWEs) |
//! | `tags` | the matchers without `-matcher` (`dpkg`, `python`, ...), `fix-state:<vulnerability.fix.state>` |
//! | `help-uri` | `vulnerability.dataSource` |
//! | `source-pointer` | `/matches/<i>` |
//!
//! Grype sometimes lists one vulnerability for one package twice (two
//! matchers, or the same match repeated): those have the same fingerprint
//! and merge in the normalizer. The same package version found at two paths
//! stays two findings, one per path.
//!
//! # Severity
//!
//! | Grype `severity` (any case) | cordon |
//! |---|---|
//! | `Critical` | critical |
//! | `High` | high |
//! | `Medium` | medium |
//! | `Low` | low |
//! | `Negligible` | info |
//! | `Unknown`, other, absent | the first related vulnerability's severity that is one of the above, else info |
//!
//! `severity-source` is `tool`, or `default` for the final info. Grype's
//! own level is kept even where the match has a CVSS score: it is what
//! `grype --fail-on` compares. Grype's SARIF carries the same level in the
//! `Severity:` line of each rule's help text (its `security-severity` is the
//! CVSS score), and `parser-sarif` reads that line with this table; Grype
//! writes `Negligible` and `Unknown` there as `low`.

mod model;

use cordon_parser_support::{
    file_location, finding, grype_level, nonempty, one_line, package_kind, package_title,
    parse_object,
};
use cordon_sdk::{Component, Finding, Location, Parser, Severity, SeveritySource, StageError};
// The tests compare finding kinds.
#[cfg(test)]
use cordon_sdk::FindingKind;
use model::{Match, Obj, Report};

/// Format name of a Grype JSON report.
pub const FORMAT: &str = "grype-json";
/// The tool name every finding carries.
pub const TOOL: &str = "grype";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};

/// The format, as named in malformed-input errors.
const WHAT: &str = "Grype JSON report";

/// `artifact.type` values of operating-system packages.
const OS_TYPES: &[&str] = &["deb", "rpm", "apk", "alpm", "portage"];

/// The stage, registered below.
pub struct GrypeParser;

impl Parser for GrypeParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GrypeParser);

/// Parse a Grype JSON report into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let report: Obj<Report> = parse_object(
        report,
        "a Grype JSON report",
        WHAT,
        "not a Grype report: the top-level JSON value must be an object",
    )?;
    let Some(matches) = &report.matches else {
        return Err(StageError::UnsupportedFormat(
            "not a Grype report: no 'matches' property".into(),
        ));
    };
    let tool_version = report
        .descriptor
        .as_ref()
        .and_then(|d| nonempty(&d.version))
        .map(str::to_string);
    Ok(matches
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, m)| convert(m, i, &tool_version))
        .collect())
}

/// One match into one finding.
fn convert(m: &Match, i: usize, tool_version: &Option<String>) -> Finding {
    let vuln = m.vulnerability.as_deref();
    let related = m.related_vulnerabilities.as_deref().unwrap_or_default();
    let artifact = m.artifact.as_deref();
    let id = vuln.and_then(|v| nonempty(&v.id));
    let name = artifact.and_then(|a| nonempty(&a.name));
    let version = artifact.and_then(|a| nonempty(&a.version));

    let title = package_title(id.unwrap_or("Vulnerability"), name, version);

    let description = vuln
        .and_then(|v| nonempty(&v.description))
        .or_else(|| related.iter().find_map(|r| nonempty(&r.description)));
    let namespace = vuln
        .and_then(|v| nonempty(&v.namespace))
        .map(|n| format!("Namespace: {n}"));
    let message = [description, namespace.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n");

    let (severity, severity_source, tool_severity) = severity(m);

    let is_os = artifact.and_then(|a| nonempty(&a.r#type)).is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        OS_TYPES.contains(&t.as_str()) || t.starts_with("linux-kernel")
    });

    let locations = artifact
        .and_then(|a| a.locations.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|l| l.0.as_deref().map(str::trim).filter(|p| !p.is_empty()))
        .map(file_location)
        .fold(Vec::new(), |mut acc: Vec<Location>, l| {
            if !acc.contains(&l) {
                acc.push(l);
            }
            acc
        });

    let fix = vuln.and_then(|v| v.fix.as_deref());
    let component = name.map(|n| Component {
        name: n.to_string(),
        version: version.map(str::to_string),
        purl: artifact.and_then(|a| nonempty(&a.purl)).map(str::to_string),
        fixed_versions: fix
            .and_then(|f| f.versions.as_ref())
            .into_iter()
            .flatten()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
    });

    let mut vulnerability_ids: Vec<String> = Vec::new();
    for rid in id
        .into_iter()
        .chain(related.iter().filter_map(|r| nonempty(&r.id)))
    {
        push_unique(&mut vulnerability_ids, rid.to_string());
    }

    let mut tags: Vec<String> = Vec::new();
    for matcher in m.match_details.iter().flat_map(|d| d.0.iter()) {
        let t = matcher.trim();
        let t = t.strip_suffix("-matcher").unwrap_or(t);
        if !t.is_empty() {
            push_unique(&mut tags, t.to_string());
        }
    }
    if let Some(state) = fix.and_then(|f| nonempty(&f.state)) {
        push_unique(&mut tags, format!("fix-state:{state}"));
    }

    Finding {
        tool_version: tool_version.clone(),
        message,
        tool_severity,
        locations,
        component,
        vulnerability_ids,
        tags,
        help_uri: vuln
            .and_then(|v| nonempty(&v.data_source))
            .map(str::to_string),
        source_pointer: format!("/matches/{i}"),
        severity_source,
        ..finding(
            TOOL,
            id.unwrap_or(UNKNOWN_RULE).to_string(),
            one_line(&title, TITLE_MAX_CHARS),
            package_kind(is_os),
            severity,
        )
    }
}

/// Map Grype's severity names (see the crate docs); `None` for `Unknown`
/// and anything unrecognised. `parser-sarif` reads the level in Grype's
/// SARIF with the same table.
pub fn severity_from_name(name: &str) -> Option<Severity> {
    grype_level(name)
}

/// The match's severity, where it came from, and the string it came from.
fn severity(m: &Match) -> (Severity, SeveritySource, Option<String>) {
    let own = m
        .vulnerability
        .as_deref()
        .and_then(|v| nonempty(&v.severity));
    if let Some(s) = own.and_then(severity_from_name) {
        return (s, SeveritySource::Tool, own.map(str::to_string));
    }
    for r in m.related_vulnerabilities.iter().flatten() {
        let written = nonempty(&r.severity);
        if let Some(s) = written.and_then(severity_from_name) {
            return (s, SeveritySource::Tool, written.map(str::to_string));
        }
    }
    (
        Severity::Info,
        SeveritySource::Default,
        own.map(str::to_string),
    )
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests;
