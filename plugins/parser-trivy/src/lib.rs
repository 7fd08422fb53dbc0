//! `parser-trivy`: Trivy JSON reports into cordon findings.
//!
//! One finding per item the report lists: every entry of a target's
//! `Vulnerabilities`, `Misconfigurations` (except `Status: PASS`), `Secrets`
//! and `Licenses`, in document order.
//!
//! # Input
//!
//! Four layouts, told apart by the top-level value:
//!
//! | layout | top level | format name |
//! |---|---|---|
//! | schema 2 (`trivy image/fs/repo/sbom --format json`) | object with `SchemaVersion: 2` and `Results[]` | `trivy-json-schema2` |
//! | legacy (before schema 2) | array of results, or the literal `null` (no results) | `trivy-json-legacy` |
//! | Kubernetes | object with `ClusterName` and `Resources[]` (each with `Results[]`) | `trivy-k8s-json` |
//! | Kubernetes, legacy | object with `ClusterName` and `Vulnerabilities[]` / `Misconfigurations[]` of resources | `trivy-k8s-json-legacy` |
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input`.
//! * Invalid JSON, or a property of the wrong type (a string where a list
//!   belongs, an array where an object belongs), is `malformed-input` with
//!   the line and column serde_json reports. Unknown properties are ignored;
//!   `null` counts as absent.
//! * An object that is neither schema 2 nor a Kubernetes report, a
//!   `SchemaVersion` other than 2, or a top-level string / number / boolean
//!   is `unsupported-format`.
//!
//! # Mapping
//!
//! Common to every finding: `tool` is `trivy`, `tool-version` is
//! `Trivy.Version` when the report has it, `tags` are the result's `Type` and
//! `Class`. In Kubernetes reports the first location is the resource,
//! `namespace/Kind/name` (empty parts left out, with the item's lines), so
//! that the same problem in two workloads stays two findings; the locations
//! below follow it.
//!
//! | finding field | vulnerability | misconfiguration | secret | license |
//! |---|---|---|---|---|
//! | `rule-id` | `VulnerabilityID` | `ID`, else `AVDID` | `RuleID` | license `Name` |
//! | `title` | `<VulnerabilityID> in <PkgName> <InstalledVersion>` | `Title` | `Title` | `License <Name> (<Category>)` |
//! | `message` | `Title`, then `Description` | `Message`, `Description`, `Resolution` | `Category`, `Match` (Trivy masks the secret) | `Category`, `PkgName`, `FilePath` |
//! | `severity` | see below | `Severity` | `Severity` | `Severity` |
//! | `kind` | `container` for `Class: os-pkgs` (legacy: an OS `Type`), else `sca` | `iac` | `secret` | `other` |
//! | `locations` | `PkgPath`, else `Target` | `Target` with `CauseMetadata.StartLine` / `EndLine` | `Target` with `StartLine` / `EndLine` | `FilePath` (none when empty) |
//! | `component` | `PkgName`, `InstalledVersion`, `PkgIdentifier.PURL`, `FixedVersion` split at commas | none | none | `PkgName` when not empty |
//! | `vulnerability-ids` | `VulnerabilityID` | none | none | none |
//! | `cwes` | `CweIDs` (`CWE-79` → 79; `NVD-CWE-Other` and the like are skipped) | none | none | none |
//! | `tags` | plus `trivy-status:<Status>` | plus `trivy-status:<Status>` unless `FAIL` | | plus `license`, `license-category:<Category>` |
//! | `help-uri` | `PrimaryURL` | `PrimaryURL` | none | `Link` |
//! | `source-pointer` | `/Results/2/Vulnerabilities/5` (legacy `/2/...`, k8s `/Resources/0/Results/2/...`) | same with `Misconfigurations` | `Secrets` | `Licenses` |
//!
//! A vulnerability without `VulnerabilityID` gets rule id `unknown` (the
//! normalizer then tells such findings apart by title). Lines and columns of
//! 0 or less are left out.
//!
//! # Severity
//!
//! Trivy's severity string, case-insensitively:
//!
//! | Trivy `Severity` | cordon |
//! |---|---|
//! | `CRITICAL` | critical |
//! | `HIGH` | high |
//! | `MEDIUM` | medium |
//! | `LOW` | low |
//! | `UNKNOWN`, anything else, absent | info |
//!
//! A vulnerability without a known `Severity` falls back to CVSS: the
//! `CVSS` entry of its `SeveritySource`, else of `nvd`, `ghsa`, `redhat`,
//! `bitnami` (the first that exists); its `V40Score`, else `V3Score`, else
//! `V2Score`: `>= 9.0` critical, `>= 7.0` high, `>= 4.0` medium, `> 0` low,
//! `0` info. `tool-severity` is the `Severity` string as written, or
//! `<source>:<score>` when CVSS decided.
//!
//! `severity-source` is `tool` for Trivy's own `Severity` (`UNKNOWN`
//! included: Trivy's statement that it has none), `cvss` when CVSS decided,
//! `default` for the final info. Trivy's own level wins over CVSS: it is
//! what `trivy --severity` filters on. Trivy's SARIF carries the same level
//! as a tag of each rule (its `security-severity` is a CVSS score), and
//! `parser-sarif` reads that tag with this table.

mod model;

pub use cordon_parser_support::cvss_severity;
use cordon_parser_support::{
    cwe_suffix, finding, json_error, nonempty, one_line, package_kind, package_title, strip_bom,
    tool_or_default, trivy_level,
};
use cordon_sdk::{
    Component, Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError,
};
use model::{Obj, Report, TargetResult, Vulnerability};
use serde::de::IgnoredAny;

/// Format name of a schema 2 report.
pub const FORMAT_SCHEMA2: &str = "trivy-json-schema2";
/// Format name of a legacy (top-level array) report.
pub const FORMAT_LEGACY: &str = "trivy-json-legacy";
/// Format name of a Kubernetes report with `Resources`.
pub const FORMAT_K8S: &str = "trivy-k8s-json";
/// Format name of a legacy Kubernetes report.
pub const FORMAT_K8S_LEGACY: &str = "trivy-k8s-json-legacy";
/// The tool name every finding carries.
pub const TOOL: &str = "trivy";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};

/// The format, as named in malformed-input errors.
const WHAT: &str = "Trivy JSON report";
/// CVSS sources tried, after the vulnerability's own `SeveritySource`.
pub const CVSS_SOURCES: [&str; 4] = ["nvd", "ghsa", "redhat", "bitnami"];

/// `Type` values of OS package results (legacy reports have no `Class`).
const OS_TYPES: &[&str] = &[
    "alma",
    "alpine",
    "amazon",
    "azurelinux",
    "bottlerocket",
    "cbl-mariner",
    "centos",
    "chainguard",
    "coreos",
    "debian",
    "echo",
    "fedora",
    "minimos",
    "opensuse",
    "opensuse-leap",
    "opensuse-tumbleweed",
    "oracle",
    "photon",
    "redhat",
    "rocky",
    "sles",
    "suse linux enterprise server",
    "ubuntu",
    "wolfi",
];

/// The stage, registered below.
pub struct TrivyParser;

impl Parser for TrivyParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(TrivyParser);

/// Parse a Trivy JSON report (any of the four layouts) into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = strip_bom(report);
    let Some(first) = bytes.iter().copied().find(|b| !b.is_ascii_whitespace()) else {
        return Err(StageError::malformed(
            "empty input: expected a Trivy JSON report",
            None,
            None,
            None,
        ));
    };
    let mut out = Out::default();
    match first {
        b'[' => {
            let results: Vec<Obj<TargetResult>> =
                serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
            for (i, result) in results.iter().enumerate() {
                out.result(result, &format!("/{i}"), None);
            }
        }
        b'{' => {
            let report: Obj<Report> =
                serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
            convert_report(&report, &mut out)?;
        }
        _ => {
            // Syntax first: garbage is malformed, not "another format".
            let value: Option<IgnoredAny> =
                serde_json::from_slice(bytes).map_err(|e| json_error(&e, WHAT))?;
            if value.is_some() {
                return Err(StageError::UnsupportedFormat(
                    "not a Trivy report: the top-level JSON value must be an object, an array or null"
                        .into(),
                ));
            }
            // `null`: a legacy report without results.
        }
    }
    Ok(out.findings)
}

fn convert_report(report: &Report, out: &mut Out) -> Result<(), StageError> {
    out.tool_version = report
        .trivy
        .as_ref()
        .and_then(|t| t.version.clone())
        .filter(|v| !v.trim().is_empty());
    match report.schema_version {
        Some(2) => {}
        Some(v) => {
            return Err(StageError::UnsupportedFormat(format!(
                "Trivy JSON SchemaVersion {v} is not supported; this parser reads schema 2, the legacy and the Kubernetes layouts"
            )));
        }
        None if report.cluster_name.is_some() => {}
        None => {
            return Err(StageError::UnsupportedFormat(
                "not a Trivy report: no 'SchemaVersion' and no 'ClusterName'".into(),
            ));
        }
    }
    for (i, result) in report.results.iter().flatten().enumerate() {
        out.result(result, &format!("/Results/{i}"), None);
    }
    let k8s_lists = [
        ("Resources", &report.resources),
        ("Vulnerabilities", &report.vulnerabilities),
        ("Misconfigurations", &report.misconfigurations),
    ];
    for (key, list) in k8s_lists {
        for (r, resource) in list.iter().flatten().enumerate() {
            let name = [&resource.namespace, &resource.kind, &resource.name]
                .into_iter()
                .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
                .collect::<Vec<_>>()
                .join("/");
            let name = Some(name).filter(|n| !n.is_empty());
            for (i, result) in resource.results.iter().flatten().enumerate() {
                out.result(result, &format!("/{key}/{r}/Results/{i}"), name.as_deref());
            }
        }
    }
    Ok(())
}

/// Collects findings; carries what every finding of the report shares.
#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
    tool_version: Option<String>,
}

impl Out {
    /// All items of one result. `resource` is the Kubernetes resource it
    /// belongs to, if any.
    fn result(&mut self, result: &TargetResult, pointer: &str, resource: Option<&str>) {
        let target = nonempty(&result.target);
        let mut tags: Vec<String> = Vec::new();
        for t in [&result.r#type, &result.class] {
            if let Some(t) = nonempty(t) {
                push_unique(&mut tags, t.to_string());
            }
        }
        let locations = |path: Option<&str>, start: Option<i64>, end: Option<i64>| {
            let mut l = Vec::new();
            // The resource's manifest is what the lines refer to.
            if let Some(r) = resource {
                l.push(location(r, start, end));
            }
            if let Some(p) = path {
                l.push(location(p, start, end));
            }
            l
        };

        for (j, v) in result.vulnerabilities.iter().flatten().enumerate() {
            let path = nonempty(&v.pkg_path).or(target);
            let mut f = self.base(
                format!("{pointer}/Vulnerabilities/{j}"),
                tags.clone(),
                locations(path, None, None),
            );
            vulnerability(&mut f, v, result);
            self.findings.push(f);
        }

        for (j, m) in result.misconfigurations.iter().flatten().enumerate() {
            let status = nonempty(&m.status);
            if status.is_some_and(|s| s.eq_ignore_ascii_case("PASS")) {
                continue;
            }
            let cause = m.cause_metadata.as_deref();
            let mut f = self.base(
                format!("{pointer}/Misconfigurations/{j}"),
                tags.clone(),
                locations(
                    target,
                    cause.and_then(|c| c.start_line),
                    cause.and_then(|c| c.end_line),
                ),
            );
            f.rule_id = nonempty(&m.id)
                .or(nonempty(&m.avd_id))
                .unwrap_or(UNKNOWN_RULE)
                .to_string();
            f.title = title_of(nonempty(&m.title).unwrap_or(&f.rule_id));
            let resource_line = cause
                .and_then(|c| nonempty(&c.resource))
                .map(|r| format!("Resource: {r}"));
            let resolution = nonempty(&m.resolution).map(|r| format!("Resolution: {r}"));
            f.message = paragraphs([
                nonempty(&m.message),
                nonempty(&m.description),
                resource_line.as_deref(),
                resolution.as_deref(),
            ]);
            (f.severity, f.severity_source, f.tool_severity) =
                named_severity(m.severity.as_deref());
            f.kind = FindingKind::Iac;
            if let Some(s) = status.filter(|s| !s.eq_ignore_ascii_case("FAIL")) {
                f.tags.push(format!("trivy-status:{s}"));
            }
            f.help_uri = nonempty(&m.primary_url).map(str::to_string);
            self.findings.push(f);
        }

        for (j, s) in result.secrets.iter().flatten().enumerate() {
            let mut f = self.base(
                format!("{pointer}/Secrets/{j}"),
                tags.clone(),
                locations(target, s.start_line, s.end_line),
            );
            f.rule_id = nonempty(&s.rule_id).unwrap_or(UNKNOWN_RULE).to_string();
            f.title = title_of(nonempty(&s.title).unwrap_or(&f.rule_id));
            let category = nonempty(&s.category).map(|c| format!("Category: {c}"));
            let matched = nonempty(&s.r#match).map(|m| format!("Match: {m}"));
            f.message = paragraphs([category.as_deref(), matched.as_deref()]);
            (f.severity, f.severity_source, f.tool_severity) =
                named_severity(s.severity.as_deref());
            f.kind = FindingKind::Secret;
            self.findings.push(f);
        }

        for (j, l) in result.licenses.iter().flatten().enumerate() {
            let file = nonempty(&l.file_path);
            let mut f = self.base(
                format!("{pointer}/Licenses/{j}"),
                tags.clone(),
                locations(file, None, None),
            );
            let name = nonempty(&l.name);
            let category = nonempty(&l.category);
            f.rule_id = name.unwrap_or(UNKNOWN_RULE).to_string();
            f.title = title_of(&match (name, category) {
                (Some(n), Some(c)) => format!("License {n} ({c})"),
                (Some(n), None) => format!("License {n}"),
                (None, _) => "License".to_string(),
            });
            let category_line = category.map(|c| format!("Category: {c}"));
            let package_line = nonempty(&l.pkg_name).map(|p| format!("Package: {p}"));
            let file_line = file.map(|p| format!("File: {p}"));
            f.message = paragraphs([
                category_line.as_deref(),
                package_line.as_deref(),
                file_line.as_deref(),
            ]);
            (f.severity, f.severity_source, f.tool_severity) =
                named_severity(l.severity.as_deref());
            f.kind = FindingKind::Other;
            f.component = nonempty(&l.pkg_name).map(|p| Component {
                name: p.to_string(),
                version: None,
                purl: None,
                fixed_versions: Vec::new(),
            });
            push_unique(&mut f.tags, "license".to_string());
            if let Some(c) = category {
                push_unique(&mut f.tags, format!("license-category:{c}"));
            }
            f.help_uri = nonempty(&l.link).map(str::to_string);
            self.findings.push(f);
        }
    }

    /// A finding with the shared fields set and the rest empty.
    fn base(&self, source_pointer: String, tags: Vec<String>, locations: Vec<Location>) -> Finding {
        Finding {
            tool_version: self.tool_version.clone(),
            locations,
            tags,
            source_pointer,
            ..finding(
                TOOL,
                UNKNOWN_RULE.to_string(),
                String::new(),
                FindingKind::Other,
                Severity::Info,
            )
        }
    }
}

/// Fill in the vulnerability-specific fields.
fn vulnerability(f: &mut Finding, v: &Vulnerability, result: &TargetResult) {
    let id = nonempty(&v.vulnerability_id);
    let pkg = nonempty(&v.pkg_name);
    let version = nonempty(&v.installed_version);
    f.rule_id = id.unwrap_or(UNKNOWN_RULE).to_string();
    f.title = title_of(&package_title(id.unwrap_or("Vulnerability"), pkg, version));
    f.message = paragraphs([nonempty(&v.title), nonempty(&v.description)]);
    (f.severity, f.severity_source, f.tool_severity) = vulnerability_severity(v);
    let class = nonempty(&result.class);
    let is_os = match class {
        Some(c) => c == "os-pkgs",
        None => nonempty(&result.r#type)
            .is_some_and(|t| OS_TYPES.contains(&t.to_ascii_lowercase().as_str())),
    };
    f.kind = package_kind(is_os);
    if let Some(p) = pkg {
        f.component = Some(Component {
            name: p.to_string(),
            version: version.map(str::to_string),
            purl: v
                .pkg_identifier
                .as_ref()
                .and_then(|i| nonempty(&i.purl))
                .map(str::to_string),
            fixed_versions: nonempty(&v.fixed_version)
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    if let Some(id) = id {
        f.vulnerability_ids.push(id.to_string());
    }
    for cwe in v.cwe_ids.iter().flatten() {
        if let Some(n) = cwe_suffix(cwe).and_then(|d| d.parse().ok())
            && !f.cwes.contains(&n)
        {
            f.cwes.push(n);
        }
    }
    if let Some(s) = nonempty(&v.status) {
        f.tags.push(format!("trivy-status:{s}"));
    }
    f.help_uri = nonempty(&v.primary_url).map(str::to_string);
}

/// Map Trivy's severity names (see the crate docs). `parser-sarif` reads
/// the level among the rule tags of Trivy's SARIF with the same table.
pub fn severity_from_name(name: &str) -> Option<Severity> {
    trivy_level(name)
}

/// Severity of a misconfiguration, secret or license.
fn named_severity(name: Option<&str>) -> (Severity, SeveritySource, Option<String>) {
    let name = name.map(str::trim).filter(|s| !s.is_empty());
    let (severity, source) = tool_or_default(name.and_then(severity_from_name), Severity::Info);
    (severity, source, name.map(str::to_string))
}

/// Severity of a vulnerability: `Severity`, else CVSS (see the crate docs).
fn vulnerability_severity(v: &Vulnerability) -> (Severity, SeveritySource, Option<String>) {
    let written = nonempty(&v.severity);
    if let Some(s) = written.and_then(severity_from_name) {
        return (s, SeveritySource::Tool, written.map(str::to_string));
    }
    if let Some(cvss) = v.cvss.as_ref() {
        let sources = nonempty(&v.severity_source)
            .into_iter()
            .chain(CVSS_SOURCES.iter().copied());
        for source in sources {
            let Some(entry) = cvss.get(source) else {
                continue;
            };
            if let Some((severity, score)) = [entry.v40_score, entry.v3_score, entry.v2_score]
                .into_iter()
                .flatten()
                .find_map(|s| Severity::from_cvss_score(s).map(|sev| (sev, s)))
            {
                return (
                    severity,
                    SeveritySource::Cvss,
                    Some(written.map_or_else(|| format!("{source}:{score}"), str::to_string)),
                );
            }
            break;
        }
    }
    (
        Severity::Info,
        SeveritySource::Default,
        written.map(str::to_string),
    )
}

fn location(path: &str, start: Option<i64>, end: Option<i64>) -> Location {
    Location {
        path: path.to_string(),
        start_line: positive(start),
        start_column: None,
        end_line: positive(end),
        end_column: None,
    }
}

/// A 1-based number, or `None` for 0, negatives and values beyond `u32`.
fn positive(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok()).filter(|&n| n > 0)
}

fn push_unique(tags: &mut Vec<String>, tag: String) {
    if !tags.contains(&tag) {
        tags.push(tag);
    }
}

/// The non-empty parts, separated by blank lines.
fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The first non-blank line of `s`, trimmed, capped at [`TITLE_MAX_CHARS`].
fn title_of(s: &str) -> String {
    one_line(s, TITLE_MAX_CHARS)
}

#[cfg(test)]
mod tests;
