//! `parser-dependency-check`: OWASP Dependency-Check reports (XML, any
//! schema from 1.x to 2.x, and JSON `reportSchema` 1.x) into cordon
//! findings.
//!
//! One finding per `<vulnerability>` and per `<suppressedVulnerability>` of
//! every `<dependency>` (JSON: `dependencies[].vulnerabilities[]` and
//! `dependencies[].suppressedVulnerabilities[]`), in document order.
//! Suppressed vulnerabilities are kept, tagged `suppressed`: the suppression
//! is a decision someone made, and a policy may want to see or audit it.
//! Related dependencies (files Dependency-Check bundled with the main one)
//! are listed in the message, not turned into findings of their own.
//!
//! # Input
//!
//! * XML starts with `<?xml` or `<analysis`; anything else that starts with
//!   `{` is read as the JSON report. A UTF-8 byte-order mark is skipped;
//!   empty input is `malformed-input`.
//! * XML: must be well-formed UTF-8 without a DTD (no `<!DOCTYPE>`, so no
//!   entity expansion); an error is `malformed-input` with line and column.
//!   The root element must be `<analysis>` (any namespace), else
//!   `unsupported-format`. Elements nested more than [`MAX_XML_DEPTH`] deep
//!   are `malformed-input`.
//! * JSON: invalid JSON or a property this parser reads with the wrong type
//!   is `malformed-input` with line and column; unknown properties are
//!   ignored. A `reportSchema` other than `1.x` is `unsupported-format`, and
//!   so is an object without `dependencies`.
//! * Analysis exceptions recorded in `scanInfo` (the scan completed but some
//!   analyzers failed) are logged as a warning; the findings are returned.
//!
//! # Mapping
//!
//! | finding field | from (XML element / JSON property) |
//! |---|---|
//! | `tool`, `tool-version` | `dependency-check`, `scanInfo/engineVersion` |
//! | `rule-id` | the vulnerability's `name` (`CVE-2021-44228`, an OSS Index or npm advisory id, ...) |
//! | `title` | `<component>:<version> \| <name>` (the dependency's file name when no component is known) |
//! | `message` | `description`, then the vulnerability `source`, the suppression `notes`, the dependency's `filePath`, and the related dependencies |
//! | `severity` | see below |
//! | `locations` | 1: the dependency's `fileName` (`log4j-core-2.14.1.jar`, `app.ear: lib.jar`), 2: its `filePath` (machine-specific, so second: it does not enter the fingerprint) |
//! | `component` | the first package URL (`identifiers//package/id`, JSON `packages[].id`) as `namespace:name` and version; else a `maven` identifier `group:artifact:version`; else a `cpe` identifier as `vendor:product` and version; else the first `product` and `version` evidence. `purl` is the package URL when there is one. No fixed versions (the report has none). |
//! | `vulnerability-ids` | the `CVE-...` or `GHSA-...` id the `name` starts with |
//! | `cwes` | `cwes/cwe` (JSON `cwes[]`), else the legacy single `cwe`: `CWE-79`, `79`, `CWE-79 Some text`; `NVD-CWE-Other`, `NVD-CWE-noinfo` and `0` are dropped |
//! | `tags` | `suppressed` for a suppressed vulnerability, `source:<source>` (`source:NVD`, `source:OSSINDEX`, ...) |
//! | `help-uri` | `https://nvd.nist.gov/vuln/detail/<CVE>` for a CVE, else the first reference URL |
//! | `kind` | `sca` |
//! | `source-pointer` | XML: an XPath with 1-based positions (`/analysis/dependencies/dependency[3]/vulnerabilities/vulnerability[1]`); JSON: a pointer (`/dependencies/2/vulnerabilities/0`) |
//!
//! # Severity
//!
//! The first of these words that is a level: the vulnerability's own
//! `severity` (Dependency-Check's summary of its scores; `severity-source`
//! `tool`), else the CVSS v4, v3 and v2 severities in that order (`cvss`):
//!
//! | Dependency-Check | cordon |
//! |---|---|
//! | `CRITICAL` | critical |
//! | `HIGH` | high |
//! | `MEDIUM`, `MODERATE` | medium |
//! | `LOW` | low |
//! | `INFO`, `NONE` | info |
//!
//! None of them: medium (`default`). Matching is case-insensitive;
//! `tool-severity` keeps the word used (or the first word written).
//! Dependency-Check's SARIF writes `level: error` on every result and the
//! same words in the result's properties (`severity`, `cvssv3_baseSeverity`,
//! `cvssv2_severity`), which `parser-sarif` reads with this table.

mod json_report;
mod xml;

use cordon_parser_support::{
    MAX_ID_BYTES, MAX_TITLE_BYTES, clip, cwe_number, file_location, non_empty, severity_word,
    strip_bom,
};
use cordon_sdk::{Component, Finding, FindingKind, Parser, Severity, SeveritySource, StageError};

/// The `tool` of every finding.
pub const TOOL: &str = "dependency-check";
/// The deepest element nesting accepted in an XML report.
pub use cordon_parser_support::xml::MAX_XML_DEPTH;

/// The stage, registered below.
pub struct DependencyCheckParser;

impl Parser for DependencyCheckParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(DependencyCheckParser);

/// Parse a Dependency-Check XML or JSON report into findings; see the crate
/// docs for the rules.
pub fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(bytes);
    let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(StageError::malformed(
            "empty input: expected a Dependency-Check XML or JSON report",
            None,
            None,
            None,
        ));
    };
    match first {
        b'<' => xml::parse(bytes),
        _ => json_report::parse(bytes),
    }
}

/// A dependency, as both report formats describe it.
#[derive(Default)]
pub(crate) struct Dependency {
    pub file_name: Option<String>,
    pub file_path: Option<String>,
    pub component: Option<Component>,
    /// `fileName (filePath)` of each related dependency.
    pub related: Vec<String>,
}

/// A vulnerability of a dependency, as both report formats describe it.
#[derive(Default)]
pub(crate) struct Vulnerability {
    pub name: Option<String>,
    pub source: Option<String>,
    /// Severity words in order of preference: `severity` (`tool`), CVSS v4,
    /// v3, v2 (`cvss`).
    pub severities: Vec<(String, SeveritySource)>,
    pub cwes: Vec<String>,
    pub description: Option<String>,
    pub notes: Option<String>,
    pub first_reference: Option<String>,
    pub suppressed: bool,
}

/// Dependency-Check's severity word on the canonical scale (`None` for a
/// word that is none of its levels). `parser-sarif` reads Dependency-Check's
/// SARIF with the same table.
pub fn severity(word: &str) -> Option<Severity> {
    severity_word(word)
}

/// The severity of a vulnerability, where it came from and the word used:
/// the first word that is a level, else medium (`default`) with the first
/// word written.
fn rate(v: &Vulnerability) -> (Severity, SeveritySource, Option<&str>) {
    let mut first = None;
    for (word, source) in &v.severities {
        let Some(w) = non_empty(Some(word)) else {
            continue;
        };
        first = first.or(Some(w));
        if let Some(s) = severity(w) {
            return (s, *source, Some(w));
        }
    }
    (Severity::Medium, SeveritySource::Default, first)
}

/// The `CVE-YYYY-N...` or `GHSA-xxxx-xxxx-xxxx` id a vulnerability name
/// starts with.
fn leading_id(name: &str) -> Option<&str> {
    let t = name.trim();
    let starts = |p: &str| t.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
    if !(starts("CVE-") || starts("GHSA-")) {
        return None;
    }
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(t.len());
    let id = t.get(..end)?.trim_end_matches('-');
    (id.len() > 5).then_some(id)
}

/// `(namespace:name, version)` of a package URL such as
/// `pkg:maven/org.dom4j/dom4j@2.1.1` or `pkg:npm/%40scope/name@1.0.0`.
pub(crate) fn purl_parts(purl: &str) -> Option<(String, Option<String>)> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    // Drop qualifiers and subpath.
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (_, path) = rest.split_once('/')?;
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) if !v.is_empty() => (p, Some(percent_decode(v))),
        _ => (path, None),
    };
    let path = path.trim_matches('/');
    let name = match path.rsplit_once('/') {
        Some((ns, n)) => format!("{}:{}", percent_decode(ns), percent_decode(n)),
        None => percent_decode(path),
    };
    (!name.is_empty()).then_some((name, version))
}

/// `%40` → `@` and the like; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// `(vendor:product, version)` of a CPE 2.2 (`cpe:/a:apache:xalan-java:2.7.1`)
/// or 2.3 (`cpe:2.3:a:apache:xalan-java:2.7.1:*:...`) name.
pub(crate) fn cpe_parts(cpe: &str) -> Option<(String, Option<String>)> {
    let t = cpe.trim();
    let fields: Vec<&str> = if let Some(rest) = t.strip_prefix("cpe:2.3:") {
        rest.split(':').collect()
    } else {
        t.strip_prefix("cpe:/")?.split(':').collect()
    };
    let vendor = fields
        .get(1)
        .copied()
        .filter(|v| !v.is_empty() && *v != "*")?;
    let product = fields
        .get(2)
        .copied()
        .filter(|v| !v.is_empty() && *v != "*")?;
    let version = fields
        .get(3)
        .copied()
        .filter(|v| !v.is_empty() && *v != "*" && *v != "-")
        .map(str::to_string);
    Some((format!("{vendor}:{product}"), version))
}

/// A component from its parts, with bounded strings.
pub(crate) fn component(name: &str, version: Option<&str>, purl: Option<&str>) -> Component {
    Component {
        name: clip(name, MAX_ID_BYTES),
        version: non_empty(version).map(|v| clip(v, MAX_ID_BYTES)),
        purl: non_empty(purl).map(str::to_string),
        fixed_versions: Vec::new(),
    }
}

/// One vulnerability of one dependency into one finding.
pub(crate) fn finding(
    dep: &Dependency,
    v: &Vulnerability,
    tool_version: Option<&str>,
    pointer: String,
) -> Finding {
    let name = non_empty(v.name.as_deref()).unwrap_or("unknown");
    let (severity, severity_source, word) = rate(v);
    let file_name = non_empty(dep.file_name.as_deref());
    let file_path = non_empty(dep.file_path.as_deref());

    let mut locations = Vec::new();
    for p in [file_name, file_path].into_iter().flatten() {
        let l = file_location(p);
        if !locations.contains(&l) {
            locations.push(l);
        }
    }

    let mut cwes = Vec::new();
    for c in &v.cwes {
        if let Some(n) = cwe_number(c)
            && !cwes.contains(&n)
        {
            cwes.push(n);
        }
    }
    let id = leading_id(name);
    let vulnerability_ids: Vec<String> = id.map(|i| clip(i, MAX_ID_BYTES)).into_iter().collect();

    let mut tags = Vec::new();
    if v.suppressed {
        tags.push("suppressed".to_string());
    }
    if let Some(s) = non_empty(v.source.as_deref()) {
        tags.push(clip(&format!("source:{s}"), MAX_ID_BYTES));
    }

    let subject = match &dep.component {
        Some(c) => match &c.version {
            Some(ver) => format!("{}:{ver}", c.name),
            None => c.name.clone(),
        },
        None => file_name.unwrap_or("unknown dependency").to_string(),
    };

    let mut message = non_empty(v.description.as_deref())
        .unwrap_or_default()
        .to_string();
    let mut lines = Vec::new();
    if let Some(s) = non_empty(v.source.as_deref()) {
        lines.push(format!("Source: {s}"));
    }
    if v.suppressed {
        lines.push(format!(
            "Suppressed: {}",
            non_empty(v.notes.as_deref()).unwrap_or("(no notes)")
        ));
    }
    if let Some(p) = file_path {
        lines.push(format!("File: {p}"));
    }
    if !dep.related.is_empty() {
        lines.push(format!(
            "Related dependencies:\n- {}",
            dep.related.join("\n- ")
        ));
    }
    if !lines.is_empty() {
        if !message.is_empty() {
            message.push_str("\n\n");
        }
        message.push_str(&lines.join("\n"));
    }

    let help_uri = match id {
        Some(i) if i.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("cve-")) => Some(format!(
            "https://nvd.nist.gov/vuln/detail/{}",
            i.to_ascii_uppercase()
        )),
        Some(i) => Some(format!("https://github.com/advisories/{i}")),
        None => non_empty(v.first_reference.as_deref()).map(str::to_string),
    };

    Finding {
        tool_version: non_empty(tool_version).map(|t| clip(t, MAX_ID_BYTES)),
        message,
        tool_severity: word.map(|w| clip(w, MAX_ID_BYTES)),
        locations,
        component: dep.component.clone(),
        vulnerability_ids,
        cwes,
        tags,
        help_uri,
        source_pointer: pointer,
        severity_source,
        ..cordon_parser_support::finding(
            TOOL,
            clip(name, MAX_ID_BYTES),
            clip(&format!("{subject} | {name}"), MAX_TITLE_BYTES),
            FindingKind::Sca,
            severity,
        )
    }
}

/// Log that the scan recorded analysis exceptions.
pub(crate) fn warn_exceptions(n: usize) {
    if n > 0 {
        cordon_sdk::log(
            cordon_sdk::Level::Warn,
            &format!(
                "Dependency-Check recorded {n} analysis exception(s): the scan may be incomplete"
            ),
        );
    }
}

#[cfg(test)]
mod tests;
