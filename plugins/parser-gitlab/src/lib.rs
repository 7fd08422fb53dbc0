//! `parser-gitlab`: GitLab security reports (`gl-sast-report.json`,
//! dependency scanning, secret detection, container scanning; schemas 2.x
//! to 15.x) into cordon findings.
//!
//! A report is one object: `{version, scan{type, scanner, analyzer, ...},
//! vulnerabilities[...], remediations, dependency_files}`. One finding per
//! entry of `vulnerabilities`, in document order. Nothing is merged here
//! (the normalizer deduplicates by fingerprint). The same parser reads every
//! report type, and the reports cordon itself writes
//! (`cordon run --output gitlab`).
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * A syntax error is `malformed-input` with serde_json's line and column.
//! * `unsupported-format`: a top level that is not an object; an object
//!   without a `vulnerabilities` array, or with neither `scan` nor `version`
//!   beside it, or whose vulnerabilities have no `location` (Snyk's,
//!   npm audit's, cargo-audit's); a CycloneDX BOM (`bomFormat`).
//! * Otherwise a property of the wrong type, or a vulnerability without
//!   `identifiers` or `location` (both required by every schema), is
//!   `malformed-input` with the line and column. Unknown properties are
//!   ignored; `null` counts as absent.
//! * `"vulnerabilities": []` is a clean run: no findings.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | the vulnerability's own `scanner.id` (schemas before 15), else `scan.scanner.id`, else `scan.analyzer.id`, else the scanner the rule identifier's type names (`bandit_test_id` is `bandit`, see [`ID_TYPE_SUFFIXES`]), else `gitlab`; in cordon's own reports, the tool behind the finding (below) |
//! | `tool-version` | the `version` of the scanner (or analyzer) that gave `tool` |
//! | `rule-id` | the `value` (else `name`) of the first identifier that is the scanner's own (a type not in [`PUBLIC_ID_TYPES`]), else of the first identifier (the primary one, a CVE), else `name`, else `unknown` |
//! | `title` | `message` (schemas before 15), else `name` (for a package finding with the package added, as `name in package version`, unless the name has it already), else the first line of `description`, else the rule id |
//! | `message` | `description` (in cordon's own reports without the code fence cordon puts around it), else `message`, else `name`; then a secret's redacted extract; then `Solution: ` and `solution` unless it repeats the description |
//! | `severity`, `tool-severity` | `severity`, see below |
//! | `kind` | by report type, see below |
//! | `locations` | `file` with `start_line` and `end_line`; container scanning: `image` (else `file`) |
//! | `component` | `location.dependency`: `package.name`, `version` (none when blank) |
//! | `vulnerability-ids` | values of identifiers typed `cve`, `ghsa` and the other advisory databases of [`PUBLIC_ID_TYPES`] (not `cwe`, `owasp`), each once |
//! | `cwes` | identifiers typed `cwe` (`79`, `CWE-79`) |
//! | `tags` | `gitlab-report:<type>` (`sast`, `dependency_scanning`, ...); `confidence:<confidence>` when the report has one other than `Unknown` |
//! | `help-uri` | the `url` of the rule's identifier, else the first `links[].url`, when `http(s)` |
//! | `source-pointer` | `/vulnerabilities/{i}` |
//!
//! **tool.** The scanner that found a vulnerability is what users filter
//! by (`semgrep`, `gemnasium`, `checkov`), so it is the tool; the report
//! type is the `gitlab-report:` tag. cordon's own reports name cordon as
//! scanner and keep the real tool as the primary identifier's `type` and the
//! `details.cordon_tool` text (`semgrep 1.101.0`): a finding read back from
//! one gets that tool and version again.
//!
//! **kind.** `scan.type`, else the vulnerability's `category`: `sast` is
//! `sast` (`iac` when the tool is an infrastructure-as-code scanner of
//! [`IAC_TOOLS`], as GitLab files IaC scanning under SAST),
//! `dependency_scanning` `sca`, `secret_detection` `secret`,
//! `container_scanning` and `cluster_image_scanning` `container`, `dast` and
//! `api_fuzzing` `dast`, anything else `other`. Without either, the
//! location decides: an `image` or `operating_system` is `container`, a
//! `dependency` with a package name `sca`, a `commit` `secret`, else `sast`.
//!
//! # Secrets
//!
//! `raw_source_code_extract` is the secret itself in a secret detection
//! report. It never reaches a finding: a secret finding's message shows it
//! redacted by [`redact`] (at most its first four characters and `…`), and
//! where title or message repeat it (four characters or longer) it is
//! replaced by that redacted form. In other report types it is source code
//! and not used.
//!
//! # Severity
//!
//! | GitLab `severity` (any case) | cordon |
//! |---|---|
//! | `Critical` | critical |
//! | `High` | high |
//! | `Medium` | medium |
//! | `Low` | low |
//! | `Info` | info |
//! | `Unknown`, `Undefined`, anything else, absent | the tool's ungraded default (Checkov `medium`, Gitleaks `high`), else `medium` |
//!
//! `tool-severity` keeps the word as written; `severity-source` is `tool`
//! for the five grades, `default` otherwise. CVSS vectors (`cvss_vectors`,
//! 15.x) carry no score and are not read.

mod model;

use cordon_parser_support::{
    MAX_ID_BYTES, Obj, Shape, UNKNOWN_RULE, clip, cwe_number, finding, non_empty, nonempty,
    package_title, parse_or_foreign, redact, severity_word, tag, title_line, tool_or_default,
    top_level, ungraded_level_default,
};
use cordon_sdk::{
    Component, Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError,
    canonical_tool,
};
use model::{Identifier, Probe, Report, Tool, Vulnerability, VulnerabilityKeys};

/// `tool` of a finding whose report names no scanner.
pub const DEFAULT_TOOL: &str = "gitlab";
/// Format name of a SAST report (`gl-sast-report.json`).
pub const FORMAT_SAST: &str = "gitlab-sast";
/// Format name of a dependency scanning report.
pub const FORMAT_DEPENDENCY_SCANNING: &str = "gitlab-dependency-scanning";
/// Format name of a secret detection report.
pub const FORMAT_SECRET_DETECTION: &str = "gitlab-secret-detection";
/// Format name of a container scanning report.
pub const FORMAT_CONTAINER_SCANNING: &str = "gitlab-container-scanning";
/// `scan.scanner.id` of the reports cordon writes.
pub const CORDON_SCANNER: &str = "cordon";
/// Identifier types of public databases (advisories, weaknesses, OWASP
/// categories): never a scanner's own rule. All but `cwe` and `owasp` are
/// vulnerability ids.
pub const PUBLIC_ID_TYPES: &[&str] = &[
    "cve", "cwe", "ghsa", "osvdb", "owasp", "usn", "rhsa", "elsa", "alas", "dsa", "dla", "glsa",
    "rustsec", "pysec", "osv", "gsd", "advisory",
];
/// Suffixes of rule identifier types after the scanner's name, longest
/// first (`eslint_rule_id`, `bandit_test_id`, `njsscan_rule_type`,
/// `semgrep_type`).
pub const ID_TYPE_SUFFIXES: &[&str] = &["_rule_id", "_test_id", "_rule_type", "_type", "_id"];
/// Scanners whose SAST findings are about infrastructure as code.
pub const IAC_TOOLS: &[&str] = &["checkov", "kics", "tfsec", "terrascan"];
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "GitLab security report";
/// Secrets shorter than this are not searched for in title and message.
const MIN_SECRET_CHARS: usize = 4;

/// The stage, registered below.
pub struct GitlabParser;

impl Parser for GitlabParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(GitlabParser);

fn foreign(why: &str) -> StageError {
    StageError::UnsupportedFormat(format!("not a {WHAT}: {why}"))
}

/// Whether the probe of a document that did not deserialise looks like a
/// GitLab report (then the error is `malformed-input`).
fn looks_like_gitlab(p: &Probe) -> bool {
    let vulns_ok = p
        .vulnerabilities
        .as_ref()
        .is_some_and(|s: &Shape<VulnerabilityKeys>| s.array && (s.objects == 0 || s.marked > 0));
    p.bom_format.is_none() && vulns_ok && (p.scan.is_some() || p.version.is_some())
}

/// Parse a GitLab security report of any type (see the crate docs).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a GitLab security report", WHAT)?;
    let report: Obj<Report> = parse_or_foreign(bytes, WHAT, |probe: Obj<Probe>| {
        (!looks_like_gitlab(&probe)).then(|| {
            foreign("expected a `vulnerabilities` array of objects with a `location` beside `scan` or `version` (is this another tool's report?)")
        })
    })?;
    if report.bom_format.is_some() {
        return Err(foreign("this is a CycloneDX BOM"));
    }
    let Some(vulns) = report.vulnerabilities.as_ref() else {
        return Err(foreign("no `vulnerabilities` array"));
    };
    if report.scan.is_none() && report.version.is_none() {
        return Err(foreign("neither `scan` nor `version`"));
    }
    Ok(vulns
        .iter()
        .enumerate()
        .map(|(i, v)| convert(&report, v, i))
        .collect())
}

/// `tool` and `tool-version` of a vulnerability.
fn tool_of(report: &Report, v: &Vulnerability) -> (String, Option<String>) {
    let scan = report.scan.as_ref();
    let scanner = scan.and_then(|s| s.scanner.as_ref());
    let analyzer = scan.and_then(|s| s.analyzer.as_ref());
    let id = |t: Option<&Obj<Tool>>| t.and_then(|t| nonempty(&t.id)).map(str::to_string);
    let version = |t: Option<&Obj<Tool>>| t.and_then(|t| nonempty(&t.version)).map(str::to_string);
    if from_cordon(report)
        && let Some(found) = cordon_tool(v)
    {
        return found;
    }
    if let Some(own) = id(v.scanner.as_ref()) {
        let same = id(scanner).as_deref() == Some(own.as_str());
        return (own, if same { version(scanner) } else { None });
    }
    if let Some(s) = id(scanner) {
        return (s, version(scanner));
    }
    if let Some(a) = id(analyzer) {
        return (a, version(analyzer));
    }
    let from_rule = v
        .identifiers
        .iter()
        .find(|i| !is_public(&i.kind))
        .and_then(|i| tool_of_id_type(&i.kind));
    (from_rule.unwrap_or(DEFAULT_TOOL).to_string(), None)
}

/// The scanner a rule identifier's type names (`bandit_test_id` is
/// `bandit`, `semgrep_type` `semgrep`), for reports that name no scanner.
fn tool_of_id_type(kind: &str) -> Option<&str> {
    let kind = kind.trim();
    let stem = ID_TYPE_SUFFIXES
        .iter()
        .find_map(|s| kind.strip_suffix(s))
        .unwrap_or(kind);
    non_empty(Some(stem))
}

/// Whether cordon wrote the report (`scan.scanner.id` is `cordon`).
fn from_cordon(report: &Report) -> bool {
    report
        .scan
        .as_ref()
        .and_then(|s| s.scanner.as_ref())
        .and_then(|t| nonempty(&t.id))
        == Some(CORDON_SCANNER)
}

/// A description cordon wrote: the finding's message inside a code fence
/// (a line of three or more backticks, and the same line at the end), so
/// that GitLab's Markdown renders none of it. The text inside, or `d` as
/// it is when it is not fenced.
fn unfence(d: &str) -> &str {
    let Some((fence, rest)) = d.split_once('\n') else {
        return d;
    };
    if fence.len() < 3 || !fence.bytes().all(|b| b == b'`') {
        return d;
    }
    rest.strip_suffix(fence)
        .and_then(|r| r.strip_suffix('\n'))
        .unwrap_or(d)
}

/// The tool behind a finding of cordon's own reports: the primary
/// identifier's type (cordon writes the tool's name there when it is a
/// plain name, else `cordon_rule`), with the version from the
/// `cordon_tool` detail (`semgrep 1.101.0`).
fn cordon_tool(v: &Vulnerability) -> Option<(String, Option<String>)> {
    let kind = non_empty(v.identifiers.first().map(|i| i.kind.as_str()))?;
    if kind == "cordon_rule" || is_public(kind) {
        return None;
    }
    let detail = v
        .details
        .as_ref()
        .and_then(|d| d.cordon_tool.as_ref())
        .and_then(|t| nonempty(&t.value));
    let version = detail.and_then(|d| {
        let (name, rest) = d.split_once(' ')?;
        (name.eq_ignore_ascii_case(kind))
            .then(|| non_empty(Some(rest)).map(str::to_string))
            .flatten()
    });
    Some((kind.to_string(), version))
}

/// An identifier's `value`, else its `name`, when not blank.
fn rule_value(id: &Identifier) -> Option<&str> {
    nonempty(&id.value).or(nonempty(&id.name))
}

fn is_public(kind: &str) -> bool {
    PUBLIC_ID_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(kind.trim()))
}

/// The report type: `scan.type`, else the vulnerability's `category`.
fn report_type<'a>(report: &'a Report, v: &'a Vulnerability) -> Option<&'a str> {
    report
        .scan
        .as_ref()
        .and_then(|s| nonempty(&s.kind))
        .or_else(|| nonempty(&v.category))
}

fn kind_of(report_type: Option<&str>, v: &Vulnerability, tool: &str) -> FindingKind {
    let l = &v.location;
    let kind = match report_type.map(str::to_ascii_lowercase).as_deref() {
        Some("sast") => FindingKind::Sast,
        Some("dependency_scanning") => FindingKind::Sca,
        Some("secret_detection") => FindingKind::Secret,
        Some("container_scanning" | "cluster_image_scanning") => FindingKind::Container,
        Some("dast" | "api_fuzzing") => FindingKind::Dast,
        Some(_) => FindingKind::Other,
        None if nonempty(&l.image).is_some() || nonempty(&l.operating_system).is_some() => {
            FindingKind::Container
        }
        None if package(v).is_some() => FindingKind::Sca,
        None if l.commit.is_some() => FindingKind::Secret,
        None => FindingKind::Sast,
    };
    if kind == FindingKind::Sast && IAC_TOOLS.contains(&canonical_tool(tool).as_str()) {
        FindingKind::Iac
    } else {
        kind
    }
}

/// The package name of `location.dependency`, when not blank.
fn package(v: &Vulnerability) -> Option<&str> {
    let d = v.location.dependency.as_ref()?;
    d.package.as_ref().and_then(|p| nonempty(&p.name))
}

fn severity(raw: Option<&str>, tool: &str) -> (Severity, SeveritySource) {
    let default = ungraded_level_default(&canonical_tool(tool)).unwrap_or(Severity::Medium);
    tool_or_default(raw.and_then(severity_word), default)
}

fn is_http(u: &str) -> bool {
    let u = u.trim();
    u.starts_with("https://") || u.starts_with("http://")
}

/// `text` with every occurrence of `secret` replaced by its redacted form.
fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if s.chars().count() >= MIN_SECRET_CHARS => text.replace(s, &redact(s)),
        _ => text.to_string(),
    }
}

fn convert(report: &Report, v: &Vulnerability, i: usize) -> Finding {
    let (tool, tool_version) = tool_of(report, v);
    let rtype = report_type(report, v);
    let kind = kind_of(rtype, v, &tool);
    let ids = &v.identifiers;
    let own = ids.iter().find(|id| !is_public(&id.kind));
    let rule_id = own
        .and_then(|id| rule_value(id))
        .or_else(|| ids.first().and_then(|id| rule_value(id)))
        .or(nonempty(&v.name))
        .unwrap_or(UNKNOWN_RULE);
    let rule_id = clip(rule_id, MAX_ID_BYTES);

    let mut vulnerability_ids: Vec<String> = Vec::new();
    let mut cwes: Vec<u32> = Vec::new();
    for id in ids {
        let k = id.kind.trim().to_ascii_lowercase();
        let value = rule_value(id);
        if k == "cwe" {
            if let Some(n) = value.and_then(cwe_number)
                && !cwes.contains(&n)
            {
                cwes.push(n);
            }
        } else if k != "owasp"
            && is_public(&k)
            && let Some(value) = value
            && !vulnerability_ids
                .iter()
                .any(|x| x.eq_ignore_ascii_case(value))
        {
            vulnerability_ids.push(clip(value, MAX_ID_BYTES));
        }
    }

    let pkg = package(v);
    let version = v
        .location
        .dependency
        .as_ref()
        .and_then(|d| nonempty(&d.version));
    let component = pkg.map(|name| Component {
        name: name.to_string(),
        version: version.map(str::to_string),
        purl: None,
        fixed_versions: Vec::new(),
    });

    // A secret finding's extract is the secret: never shown whole.
    let secret = (kind == FindingKind::Secret)
        .then(|| nonempty(&v.raw_source_code_extract))
        .flatten();

    let name = nonempty(&v.name);
    let title = nonempty(&v.message)
        .and_then(title_line)
        .or_else(|| {
            let name = name?;
            match pkg {
                Some(p) if !name.contains(p) => title_line(&package_title(name, Some(p), version)),
                _ => title_line(name),
            }
        })
        .or_else(|| pkg.map(|p| package_title(&rule_id, Some(p), version)))
        .or_else(|| v.description.as_deref().and_then(title_line))
        .unwrap_or_else(|| rule_id.clone());

    let description =
        nonempty(&v.description).map(|d| if from_cordon(report) { unfence(d) } else { d });
    let mut message = description
        .or(nonempty(&v.message))
        .or(name)
        .unwrap_or_default()
        .to_string();
    if let Some(s) = secret {
        message.push_str(&format!("\n\nSecret: `{}`", redact(s)));
    }
    if let Some(solution) = nonempty(&v.solution).filter(|s| Some(*s) != description) {
        message.push_str(&format!("\n\nSolution: {solution}"));
    }
    let message = scrub(message.trim_start(), secret);
    let title = scrub(&title, secret);

    let l = &v.location;
    let path = if kind == FindingKind::Container {
        nonempty(&l.image).or(nonempty(&l.file))
    } else {
        nonempty(&l.file)
    };
    let locations = path
        .map(|p| Location {
            path: p.to_string(),
            start_line: l.start_line,
            start_column: None,
            end_line: l.end_line,
            end_column: None,
        })
        .into_iter()
        .collect();

    let help_uri = own
        .and_then(|id| nonempty(&id.url))
        .filter(|u| is_http(u))
        .or_else(|| {
            v.links
                .iter()
                .flatten()
                .filter_map(|l| nonempty(&l.url))
                .find(|u| is_http(u))
        })
        .map(str::to_string);

    let tool_severity = nonempty(&v.severity);
    let (severity, severity_source) = severity(tool_severity, &tool);
    let tags = [
        tag("gitlab-report", rtype),
        tag(
            "confidence",
            nonempty(&v.confidence).filter(|c| !c.eq_ignore_ascii_case("unknown")),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();

    Finding {
        tool_version,
        message,
        tool_severity: tool_severity.map(str::to_string),
        severity_source,
        locations,
        component,
        vulnerability_ids,
        cwes,
        tags,
        help_uri,
        source_pointer: format!("/vulnerabilities/{i}"),
        ..finding(&tool, rule_id, title, kind, severity)
    }
}

#[cfg(test)]
mod tests;
