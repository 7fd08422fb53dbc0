//! `parser-cargo-audit`: cargo-audit JSON reports (`cargo audit --json`)
//! into cordon findings.
//!
//! One finding per entry of `vulnerabilities.list` (an advisory affecting a
//! package of `Cargo.lock`), in document order. The `warnings`
//! (unmaintained, unsound and yanked crates) are not findings: cargo-audit
//! itself does not fail on them unless asked to, and they are not
//! vulnerabilities.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input`.
//! * Invalid JSON, or a property of the wrong type, is `malformed-input` with
//!   the line and column serde_json reports. Unknown properties are ignored;
//!   `null` counts as absent.
//! * The top level must be an object with a `vulnerabilities` property;
//!   anything else is `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `cargo-audit`, none (the report has no version) |
//! | `rule-id` | `advisory.id` (`RUSTSEC-…`; `unknown` when absent) |
//! | `title` | `<advisory.id> in <package.name> <package.version>` |
//! | `message` | `advisory.title`, `advisory.description`, then the affected functions (`affected.functions`) |
//! | `severity` | see below |
//! | `kind` | `sca` |
//! | `locations` | none (the report does not name the lockfile) |
//! | `component` | `package.name`, `.version`, purl `pkg:cargo/<name>@<version>` for crates.io packages, fixed versions = `versions.patched` (requirements such as `>=0.38.0`) |
//! | `vulnerability-ids` | `advisory.id`, then `advisory.aliases` |
//! | `cwes` | none (RustSec advisories carry none) |
//! | `tags` | `advisory.categories`, `advisory.keywords`, `informational:<kind>`, `withdrawn` |
//! | `help-uri` | `advisory.url`, else `https://rustsec.org/advisories/<id>.html` |
//! | `source-pointer` | `/vulnerabilities/list/<i>` |
//!
//! # Severity
//!
//! | advisory | cordon | `severity-source` |
//! |---|---|---|
//! | `cvss` vector (v3.x or v4.0) with base score ≥ 9.0 | critical | `cvss` |
//! | ≥ 7.0 | high | `cvss` |
//! | ≥ 4.0 | medium | `cvss` |
//! | > 0 | low | `cvss` |
//! | 0 | info | `cvss` |
//! | no `cvss`, or a vector that does not parse | high | `default` |
//!
//! An advisory in the vulnerability list without a score is still a
//! vulnerability in a dependency; cargo-audit fails the build on it, so
//! cordon treats it as high. `tool-severity` is the vector, when there is
//! one.

mod model;

pub use cordon_parser_support::cvss_severity;
use cordon_parser_support::{finding, nonempty, one_line, package_title, parse_object};
use cordon_sdk::{Component, Finding, FindingKind, Parser, Severity, SeveritySource, StageError};
use model::{Obj, Report, Vulnerability};
use std::str::FromStr;

/// Format name of a cargo-audit JSON report.
pub const FORMAT: &str = "cargo-audit-json";
/// The tool name every finding carries.
pub const TOOL: &str = "cargo-audit";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};

/// The format, as named in malformed-input errors.
const WHAT: &str = "cargo-audit JSON report";
/// Severity of an advisory without a usable CVSS vector.
pub const UNSCORED_SEVERITY: Severity = Severity::High;

/// `package.source` prefixes of crates.io.
const CRATES_IO_SOURCES: &[&str] = &[
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// The stage, registered below.
pub struct CargoAuditParser;

impl Parser for CargoAuditParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(CargoAuditParser);

/// Parse a cargo-audit JSON report into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let report: Obj<Report> = parse_object(
        report,
        "a cargo-audit JSON report",
        WHAT,
        "not a cargo-audit report: the top-level JSON value must be an object",
    )?;
    let Some(vulnerabilities) = &report.vulnerabilities else {
        return Err(StageError::UnsupportedFormat(
            "not a cargo-audit report: no 'vulnerabilities' property".into(),
        ));
    };
    Ok(vulnerabilities
        .as_ref()
        .and_then(|v| v.list.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, v)| convert(v, i))
        .collect())
}

/// One list entry into one finding.
fn convert(v: &Vulnerability, i: usize) -> Finding {
    let advisory = v.advisory.as_deref();
    let package = v.package.as_deref();
    let id = advisory.and_then(|a| nonempty(&a.id));
    let name = package.and_then(|p| nonempty(&p.name));
    let version = package.and_then(|p| nonempty(&p.version));

    let title = package_title(id.unwrap_or("Advisory"), name, version);

    let functions = v
        .affected
        .as_ref()
        .and_then(|a| a.functions.as_ref())
        .filter(|f| !f.is_empty())
        .map(|f| {
            let list: Vec<String> = f
                .iter()
                .map(|(func, reqs)| format!("{func} ({})", reqs.join(", ")))
                .collect();
            format!("Affected functions: {}", list.join("; "))
        });
    let message = [
        advisory.and_then(|a| nonempty(&a.title)),
        advisory.and_then(|a| nonempty(&a.description)),
        functions.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n\n");

    let vector = advisory.and_then(|a| nonempty(&a.cvss));
    let (severity, severity_source) = match vector.and_then(cvss_score) {
        Some(score) => (cvss_severity(score), SeveritySource::Cvss),
        None => (UNSCORED_SEVERITY, SeveritySource::Default),
    };

    let crates_io = package
        .and_then(|p| nonempty(&p.source))
        .is_some_and(|s| CRATES_IO_SOURCES.iter().any(|c| s.starts_with(c)));
    let component = name.map(|n| Component {
        name: n.to_string(),
        version: version.map(str::to_string),
        purl: match (crates_io, version) {
            (true, Some(v)) => Some(format!("pkg:cargo/{n}@{v}")),
            _ => None,
        },
        fixed_versions: v
            .versions
            .as_ref()
            .and_then(|v| v.patched.as_ref())
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    });

    let mut vulnerability_ids: Vec<String> = Vec::new();
    let aliases = advisory
        .and_then(|a| a.aliases.as_ref())
        .into_iter()
        .flatten()
        .map(|s| s.trim());
    for x in id.into_iter().chain(aliases) {
        if !x.is_empty() {
            push_unique(&mut vulnerability_ids, x.to_string());
        }
    }

    let mut tags: Vec<String> = Vec::new();
    if let Some(a) = advisory {
        for t in a
            .categories
            .iter()
            .flatten()
            .chain(a.keywords.iter().flatten())
        {
            let t = t.trim();
            if !t.is_empty() {
                push_unique(&mut tags, t.to_string());
            }
        }
        if let Some(kind) = nonempty(&a.informational) {
            push_unique(&mut tags, format!("informational:{kind}"));
        }
        if nonempty(&a.withdrawn).is_some() {
            push_unique(&mut tags, "withdrawn".to_string());
        }
    }

    let help_uri = advisory
        .and_then(|a| nonempty(&a.url))
        .map(str::to_string)
        .or_else(|| id.map(|id| format!("https://rustsec.org/advisories/{id}.html")));

    Finding {
        message,
        tool_severity: vector.map(str::to_string),
        component,
        vulnerability_ids,
        tags,
        help_uri,
        source_pointer: format!("/vulnerabilities/list/{i}"),
        severity_source,
        ..finding(
            TOOL,
            id.unwrap_or(UNKNOWN_RULE).to_string(),
            one_line(&title, TITLE_MAX_CHARS),
            FindingKind::Sca,
            severity,
        )
    }
}

/// The base score of a CVSS v3.x or v4.0 vector, if it parses.
pub fn cvss_score(vector: &str) -> Option<f64> {
    cvss::Cvss::from_str(vector.trim())
        .ok()
        .map(|c| c.score())
        .filter(|s| s.is_finite() && *s >= 0.0)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests;
