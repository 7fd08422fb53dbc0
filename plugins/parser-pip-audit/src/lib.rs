//! `parser-pip-audit`: pip-audit JSON output (`pip-audit -f json`) into
//! cordon findings.
//!
//! One finding per known vulnerability of an audited dependency
//! (`dependencies[].vulns[]`), in document order. Dependencies that were
//! skipped (`skip_reason`) or have no vulnerabilities give none.
//!
//! # Input
//!
//! Both shapes pip-audit has written:
//!
//! | shape | top level | format name |
//! |---|---|---|
//! | current (2.x) | `{"dependencies": [...], "fixes": [...]}` | `pip-audit-json` |
//! | legacy (1.x) | `[...]`, the list of dependencies | `pip-audit-json-legacy` |
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input`.
//! * Invalid JSON, or a property of the wrong type, is `malformed-input` with
//!   the line and column serde_json reports. Unknown properties are ignored;
//!   `null` counts as absent.
//! * An object without `dependencies`, or a top-level string / number /
//!   boolean / `null`, is `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `pip-audit`, none (the output has no version) |
//! | `rule-id` | the vulnerability `id` (`PYSEC-…`, `GHSA-…`; `unknown` when absent) |
//! | `title` | `<id> in <name> <version>` |
//! | `message` | `description` |
//! | `severity` | medium (see below); `tool-severity` none |
//! | `kind` | `sca` |
//! | `locations` | none (the output does not name the requirements file) |
//! | `component` | the dependency's `name` and `version`, purl `pkg:pypi/<name>@<version>` (name normalised as PEP 503), fixed versions = `fix_versions` |
//! | `vulnerability-ids` | `id`, then `aliases` |
//! | `cwes`, `tags` | none |
//! | `help-uri` | `https://osv.dev/vulnerability/<id>` |
//! | `source-pointer` | `/dependencies/<i>/vulns/<j>` (legacy: `/<i>/vulns/<j>`) |
//!
//! # Severity
//!
//! pip-audit reports no severity. Every finding is **medium**: a known,
//! published vulnerability in a dependency, of unknown impact
//! (`severity-source` `default`).

mod model;

use cordon_parser_support::{finding, json_error_as, nonempty, one_line, package_title, strip_bom};
use cordon_sdk::{Component, Finding, FindingKind, Parser, Severity, SeveritySource, StageError};
use model::{Dependency, Obj, Report};
use serde::de::IgnoredAny;

/// Format name of the current output.
pub const FORMAT: &str = "pip-audit-json";
/// Format name of the legacy (top-level list) output.
pub const FORMAT_LEGACY: &str = "pip-audit-json-legacy";
/// The tool name every finding carries.
pub const TOOL: &str = "pip-audit";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};
/// The start of the error message for JSON of the wrong shape.
const DATA_ERROR: &str = "not valid pip-audit JSON output";
/// The severity of every finding (pip-audit reports none).
pub const SEVERITY: Severity = Severity::Medium;

/// The stage, registered below.
pub struct PipAuditParser;

impl Parser for PipAuditParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(PipAuditParser);

/// Parse pip-audit JSON output (either shape) into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(report);
    let Some(first) = bytes.iter().copied().find(|b| !b.is_ascii_whitespace()) else {
        return Err(StageError::malformed(
            "empty input: expected pip-audit JSON output",
            None,
            None,
            None,
        ));
    };
    let mut findings = Vec::new();
    match first {
        b'[' => {
            let deps: Vec<Obj<Dependency>> =
                serde_json::from_slice(bytes).map_err(|e| json_error_as(&e, DATA_ERROR))?;
            for (i, dep) in deps.iter().enumerate() {
                convert(dep, &format!("/{i}"), &mut findings);
            }
        }
        b'{' => {
            let report: Obj<Report> =
                serde_json::from_slice(bytes).map_err(|e| json_error_as(&e, DATA_ERROR))?;
            let Some(deps) = &report.dependencies else {
                return Err(StageError::UnsupportedFormat(
                    "not pip-audit output: no 'dependencies' property".into(),
                ));
            };
            for (i, dep) in deps.iter().flatten().enumerate() {
                convert(dep, &format!("/dependencies/{i}"), &mut findings);
            }
        }
        _ => {
            serde_json::from_slice::<IgnoredAny>(bytes)
                .map_err(|e| json_error_as(&e, DATA_ERROR))?;
            return Err(StageError::UnsupportedFormat(
                "not pip-audit output: the top-level JSON value must be an object or an array"
                    .into(),
            ));
        }
    }
    Ok(findings)
}

/// The findings of one dependency.
fn convert(dep: &Dependency, pointer: &str, out: &mut Vec<Finding>) {
    let name = nonempty(&dep.name);
    let version = nonempty(&dep.version);
    for (j, v) in dep.vulns.iter().flatten().enumerate() {
        let id = nonempty(&v.id);
        let title = package_title(id.unwrap_or("Vulnerability"), name, version);
        let mut vulnerability_ids: Vec<String> = Vec::new();
        let aliases = v.aliases.iter().flatten().map(|s| s.trim());
        for x in id.into_iter().chain(aliases) {
            if !x.is_empty() && !vulnerability_ids.iter().any(|y| y == x) {
                vulnerability_ids.push(x.to_string());
            }
        }
        out.push(Finding {
            message: nonempty(&v.description).unwrap_or_default().to_string(),
            component: name.map(|n| Component {
                name: n.to_string(),
                version: version.map(str::to_string),
                purl: version.map(|v| format!("pkg:pypi/{}@{v}", pep503(n))),
                fixed_versions: v
                    .fix_versions
                    .iter()
                    .flatten()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            }),
            vulnerability_ids,
            help_uri: id.map(|id| format!("https://osv.dev/vulnerability/{id}")),
            source_pointer: format!("{pointer}/vulns/{j}"),
            severity_source: SeveritySource::Default,
            ..finding(
                TOOL,
                id.unwrap_or(UNKNOWN_RULE).to_string(),
                one_line(&title, TITLE_MAX_CHARS),
                FindingKind::Sca,
                SEVERITY,
            )
        });
    }
}

/// A PyPI project name normalised as PEP 503 requires for purls: lower
/// case, runs of `-`, `_` and `.` replaced by one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests;
