//! `parser-checkov`: Checkov JSON reports into cordon findings.
//!
//! One finding per entry of `results.failed_checks`, in report order. Three
//! document shapes are read:
//!
//! * a single report object: `check_type`, `results` (`passed_checks`,
//!   `failed_checks`, `skipped_checks`, `parsing_errors`), `summary`;
//! * a JSON array of such objects, one per framework (`--framework` with
//!   several values, or several frameworks found);
//! * the summary-only object Checkov 2.x writes when it found nothing to scan
//!   (`passed`, `failed`, `skipped`, `parsing_errors`, `resource_count`,
//!   `checkov_version`, no `results`): 0 findings.
//!
//! Passed checks are not findings. Skipped checks (suppressed in the code
//! with `checkov:skip=`) are not findings either: Checkov does not count
//! them as failures.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped. Line and column numbers in errors
//!   count from the first byte after it.
//! * Empty input (or only whitespace) is `malformed-input`.
//! * Invalid JSON, or a field of the wrong type (say `"file_line_range":
//!   "1-16"`), is `malformed-input` with the line and column serde_json
//!   reports. Unknown fields are ignored.
//! * A document that is neither a report object nor an array of them, or a
//!   summary-only object that counts failed checks it does not list, is
//!   `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `checkov` |
//! | `tool-version` | `summary.checkov_version` of the report object |
//! | `rule-id` | `check_id` (`CKV_AWS_16`), else `bc_check_id`, else `unknown` |
//! | `title` | `check_name`, else the rule id; at most [`TITLE_MAX_CHARS`] characters |
//! | `message` | check name (as checkov's SARIF has it), then `description` / `short_description` when given |
//! | `severity`, `tool-severity` | `severity`, or for SCA checks `vulnerability_details.severity` (see below) |
//! | `kind` | `secret` for check type `secrets`, `sca` for SCA checks (a `vulnerability_details` id, or check type `sca_package` / `sca_image`), else `iac` |
//! | `locations` | `repo_file_path` (the path checkov's SARIF gives too), else `file_path`, with `file_line_range` `[start, end]` (a 0 means unknown) |
//! | `component` | IaC: name = `resource` (`aws_db_instance.default`); SCA: `package_name`, `package_version`, fixed version `lowest_fixed_version` / `fixed_version`; secrets: none (Checkov's `resource` there is a hash of the secret) |
//! | `vulnerability-ids` | `vulnerability_details.id` (`CVE-…`, `GHSA-…`) |
//! | `tags` | `check-type:<check_type>`, `category:<bc_category>` |
//! | `help-uri` | `guideline`, else `vulnerability_details.link` |
//! | `source-pointer` | `/results/failed_checks/{i}`, or `/{r}/results/failed_checks/{i}` in an array |
//!
//! # Severity
//!
//! The first that the check has:
//!
//! | Checkov | cordon | `severity-source` |
//! |---|---|---|
//! | `severity`, else `vulnerability_details.severity`: `CRITICAL` (any case) | `critical` | `tool` |
//! | `HIGH` | `high` | `tool` |
//! | `MEDIUM`, `MODERATE` | `medium` | `tool` |
//! | `LOW` | `low` | `tool` |
//! | `INFO`, `NONE` | `info` | `tool` |
//! | `vulnerability_details.cvss` (an SCA check without a level) | CVSS bands: 9.0 critical, 7.0 high, 4.0 medium, above 0 low, 0 info | `cvss` |
//! | `null`, absent or anything else | `medium` | `default` |
//!
//! Open-source Checkov leaves `severity` `null` for most checks (severities
//! come from the Prisma Cloud platform); `medium` is the neutral middle, and
//! what DefectDojo uses too. Checkov's SARIF of the same scan writes
//! `level: error` on every failed check, which `parser-sarif` reads as no
//! grade and gives the same `medium` (`default`); with a platform
//! severity, its SARIF rules carry it as a `security-severity` score
//! (critical 10.0, high 8.9, medium 6.9, low 3.9), which gives the same
//! level (source `security-severity` there). `tool-severity` is the string
//! as written (the level, or the CVSS score), or empty when there is none.

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, check_syntax, clip, finding, first_byte, json_error, loose_string,
    non_empty, one_line, position_strict, prepare, present,
};
use cordon_sdk::{
    Component, Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError,
};
use serde::Deserialize;
use serde::de::Deserializer;

/// The `tool` of every finding.
pub const TOOL: &str = "checkov";
/// The severity of a check the report does not grade (`severity: null`);
/// `parser-sarif` gives Checkov's ungraded SARIF results the same.
pub const DEFAULT_SEVERITY: Severity = Severity::Medium;
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};
const WHAT: &str = "Checkov report";

/// The stage, registered below.
pub struct CheckovParser;

impl Parser for CheckovParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(CheckovParser);

/// One report object (one framework), or the summary-only object.
#[derive(Deserialize)]
struct Report {
    check_type: Option<String>,
    #[serde(default, deserialize_with = "present")]
    results: Option<Option<Obj<Results>>>,
    summary: Option<Obj<Summary>>,
    // ---- summary-only
    failed: Option<u64>,
    checkov_version: Option<String>,
}

#[derive(Deserialize)]
struct Results {
    failed_checks: Option<Vec<Obj<Check>>>,
}

#[derive(Deserialize)]
struct Summary {
    checkov_version: Option<String>,
}

/// One failed check.
#[derive(Deserialize)]
struct Check {
    check_id: Option<String>,
    bc_check_id: Option<String>,
    check_name: Option<String>,
    file_path: Option<String>,
    /// The path from the repository root (checkov 2+); `file_path` is
    /// relative to the `-d` directory, which its SARIF output is not.
    repo_file_path: Option<String>,
    file_line_range: Option<Vec<Line>>,
    resource: Option<String>,
    severity: Option<String>,
    guideline: Option<String>,
    bc_category: Option<String>,
    description: Option<String>,
    short_description: Option<String>,
    vulnerability_details: Option<Obj<VulnerabilityDetails>>,
}

/// `vulnerability_details` of an SCA check.
#[derive(Deserialize)]
struct VulnerabilityDetails {
    id: Option<String>,
    severity: Option<String>,
    package_name: Option<String>,
    package_version: Option<String>,
    lowest_fixed_version: Option<String>,
    fixed_version: Option<String>,
    link: Option<String>,
    /// The CVSS base score (a number; a string is read too).
    #[serde(default, deserialize_with = "loose_string")]
    cvss: Option<String>,
}

/// One element of `file_line_range`.
struct Line(Option<u32>);

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        position_strict(d).map(Line)
    }
}

/// Parse a Checkov JSON report (object, array of objects, or summary-only).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(report, "a Checkov JSON report")?;
    let reports: Vec<Obj<Report>> = match first_byte(bytes) {
        Some(b'{') => {
            vec![serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?]
        }
        Some(b'[') => serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?,
        _ => {
            check_syntax(bytes, WHAT)?;
            return Err(StageError::UnsupportedFormat(
                "not a Checkov report: expected a JSON object or an array of objects".to_string(),
            ));
        }
    };
    let is_list = first_byte(bytes) == Some(b'[');
    let mut findings = Vec::new();
    for (r, report) in reports.iter().enumerate() {
        let prefix = if is_list {
            format!("/{r}")
        } else {
            String::new()
        };
        let Some(results) = report.results.as_ref() else {
            check_summary_only(report, &prefix)?;
            continue;
        };
        let checks = results
            .as_ref()
            .and_then(|r| r.failed_checks.as_deref())
            .unwrap_or_default();
        let version = report
            .summary
            .as_ref()
            .and_then(|s| s.checkov_version.as_deref());
        for (i, check) in checks.iter().enumerate() {
            let pointer = format!("{prefix}/results/failed_checks/{i}");
            findings.push(convert(
                check,
                report.check_type.as_deref(),
                version,
                pointer,
            ));
        }
    }
    Ok(findings)
}

/// A report object without `results`: the summary-only document, or not
/// Checkov at all.
fn check_summary_only(report: &Report, at: &str) -> Result<(), StageError> {
    let at = if at.is_empty() { "the document" } else { at };
    if report.check_type.is_some() {
        // A framework report whose results were left out.
        return Ok(());
    }
    if report.failed.is_none() && report.checkov_version.is_none() {
        return Err(StageError::UnsupportedFormat(format!(
            "not a Checkov report: {at} has neither `results` nor the summary-only fields \
             (`passed`, `failed`, `checkov_version`)"
        )));
    }
    match report.failed {
        Some(n) if n > 0 => Err(StageError::UnsupportedFormat(format!(
            "Checkov summary-only report: {at} counts {n} failed checks but lists none; \
             run Checkov with `-o json` to get the results"
        ))),
        _ => Ok(()),
    }
}

/// The severity of a failed check, where it came from, and the string it
/// came from (see the crate docs).
fn rate(check: &Check) -> (Severity, SeveritySource, Option<&str>) {
    let vuln = check.vulnerability_details.as_deref();
    let word = non_empty(check.severity.as_deref())
        .or_else(|| vuln.and_then(|v| non_empty(v.severity.as_deref())));
    if let Some(s) = word.and_then(cordon_parser_support::severity_word) {
        return (s, SeveritySource::Tool, word);
    }
    let score = vuln.and_then(|v| non_empty(v.cvss.as_deref()));
    if let Some(s) = score
        .and_then(|c| c.parse::<f64>().ok())
        .and_then(Severity::from_cvss_score)
    {
        return (s, SeveritySource::Cvss, score);
    }
    (DEFAULT_SEVERITY, SeveritySource::Default, word)
}

fn convert(
    check: &Check,
    check_type: Option<&str>,
    version: Option<&str>,
    pointer: String,
) -> Finding {
    let check_type = non_empty(check_type);
    let vuln = check.vulnerability_details.as_deref();
    let vuln_id = vuln.and_then(|v| non_empty(v.id.as_deref()));
    let is_secret = check_type == Some("secrets");
    let is_sca = vuln_id.is_some() || matches!(check_type, Some("sca_package" | "sca_image"));

    // Clipped before it is written into the title and message (the clip of
    // the output, `fit_to_contract`, comes after that).
    let rule_id = clip(
        non_empty(check.check_id.as_deref())
            .or(non_empty(check.bc_check_id.as_deref()))
            .unwrap_or(UNKNOWN_RULE),
        MAX_ID_BYTES,
    );
    let name = non_empty(check.check_name.as_deref());
    let title = one_line(name.unwrap_or(&rule_id), TITLE_MAX_CHARS);

    let (severity, severity_source, tool_severity) = rate(check);

    let file = non_empty(check.repo_file_path.as_deref())
        .or_else(|| non_empty(check.file_path.as_deref()));
    let range = check.file_line_range.as_deref().unwrap_or_default();
    let start = range.first().and_then(|l| l.0);
    let end = range.get(1).and_then(|l| l.0);
    let resource = non_empty(check.resource.as_deref());

    let component = if is_sca {
        vuln.and_then(|v| non_empty(v.package_name.as_deref()))
            .map(|pkg| Component {
                name: pkg.to_string(),
                version: vuln
                    .and_then(|v| non_empty(v.package_version.as_deref()))
                    .map(str::to_string),
                purl: None,
                fixed_versions: vuln
                    .and_then(|v| {
                        non_empty(v.lowest_fixed_version.as_deref())
                            .or(non_empty(v.fixed_version.as_deref()))
                    })
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
            })
    } else if is_secret {
        None
    } else {
        // Clipped here too, not only by `fit_to_contract`: the unit tests
        // read `parse`'s own output.
        resource.map(|r| Component {
            name: clip(r, MAX_ID_BYTES),
            version: None,
            purl: None,
            fixed_versions: Vec::new(),
        })
    };

    // The message is what checkov's SARIF says too (the check name), so
    // one scan read from either format is one finding; the resource, file,
    // lines and check type are in `component`, `locations` and `tags`.
    let mut message = match name {
        Some(n) => n.to_string(),
        None => format!("Checkov check {rule_id} failed"),
    };
    for text in [
        check.description.as_deref(),
        check.short_description.as_deref(),
    ] {
        if let Some(t) = non_empty(text) {
            message.push_str(&format!("\n\n{t}"));
            break;
        }
    }

    let mut tags = Vec::new();
    if let Some(t) = check_type {
        tags.push(format!("check-type:{t}"));
    }
    if let Some(c) = non_empty(check.bc_category.as_deref()) {
        tags.push(format!("category:{c}"));
    }

    Finding {
        tool_version: non_empty(version).map(str::to_string),
        message,
        tool_severity: tool_severity.map(str::to_string),
        locations: file
            .map(|path| Location {
                path: path.to_string(),
                start_line: start,
                start_column: None,
                end_line: end.filter(|_| start.is_some()),
                end_column: None,
            })
            .into_iter()
            .collect(),
        component,
        vulnerability_ids: vuln_id.map(str::to_string).into_iter().collect(),
        tags,
        help_uri: non_empty(check.guideline.as_deref())
            .or_else(|| vuln.and_then(|v| non_empty(v.link.as_deref())))
            .map(str::to_string),
        source_pointer: pointer,
        severity_source,
        ..finding(
            TOOL,
            rule_id,
            title,
            if is_secret {
                FindingKind::Secret
            } else if is_sca {
                FindingKind::Sca
            } else {
                FindingKind::Iac
            },
            severity,
        )
    }
}

#[cfg(test)]
mod tests;
