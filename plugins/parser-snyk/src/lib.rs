//! `parser-snyk`: Snyk Open Source and Snyk Container JSON (`snyk test
//! --json`, `snyk container test --json`) into cordon findings.
//!
//! One finding per entry of a project's `vulnerabilities` array, in document
//! order. Snyk lists a vulnerability once per dependency path that brings it
//! in; each path is its own finding (it has its own upgrade path), told apart
//! by its first location, the dependency path.
//!
//! # Input
//!
//! * A single project (a JSON object, `snyk test --json`) or an array of
//!   projects (`--all-projects`, `container test` of several images).
//! * A Snyk Container result's `applications` (the image's application
//!   dependencies, `--app-vulns`) are read too, as projects of their own.
//! * A UTF-8 byte-order mark is skipped; empty input is `malformed-input`.
//! * Invalid JSON, and a property this parser reads that has the wrong type
//!   (a vulnerability without a string `id`, a `from` that is not a list of
//!   strings, ...), is `malformed-input` with the line and column serde_json
//!   reports. Unknown properties are ignored.
//! * SARIF (Snyk Code, or `--sarif`) is `unsupported-format`: that is the
//!   SARIF parser's. So is Snyk IaC output, any other JSON without a
//!   `vulnerabilities` array, and an error document the CLI wrote instead of
//!   results (`{"ok": false, "error": "..."}`), also as one element of an
//!   `--all-projects` array: a project that could not be tested is never
//!   "0 findings".
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `snyk` (the report carries no CLI version) |
//! | `rule-id` | `id` (`SNYK-JS-LODASH-567746`, `snyk:lic:npm:...`) |
//! | `title` | `<packageName>: <title>` |
//! | `message` | `description` (Markdown), then the dependency path as written and the fixed versions |
//! | `severity` | `severityWithCritical`, else `severity`, see below |
//! | `locations` | 1: the dependency path `from`, each element without its `@version`, joined with ` > ` (`my-app > express > qs`); 2: the project's `displayTargetFile` (else `targetFile`), e.g. `package-lock.json` |
//! | `component` | `packageName` (else `name`), `version`, a purl for the ecosystems of `packageManager` that have one (npm, maven, pypi, nuget, gem, golang, composer, cocoapods, cargo, hex), fixed versions `fixedIn` |
//! | `vulnerability-ids` | `identifiers.CVE` and `identifiers.GHSA` |
//! | `cwes` | `identifiers.CWE` (`CWE-79` → 79) |
//! | `tags` | `license` for license issues, `upgradable`, `patchable`, `upgrade-to:<pkg@version>` (the first upgrade in `upgradePath`) |
//! | `help-uri` | `https://security.snyk.io/vuln/<id>` for `SNYK-...` and `npm:...` ids (not for license ids) |
//! | `kind` | `other` for license issues, `container` for OS packages (`language: linux`), else `sca` |
//! | `source-pointer` | `/vulnerabilities/<i>`, with `/<p>` in front for an array of projects and `/applications/<a>` for an application of a container result |
//!
//! The dependency path drops versions so that the fingerprint of a finding
//! survives upgrades of the packages in between; the vulnerable package's
//! own version is in the component.
//!
//! # Severity
//!
//! | Snyk | cordon |
//! |---|---|
//! | `critical` | critical |
//! | `high` | high |
//! | `medium` (also `moderate`) | medium |
//! | `low` | low |
//! | `info` | info |
//! | absent or anything else | medium |
//!
//! Matching is case-insensitive; `tool-severity` keeps Snyk's string. Snyk's
//! own severity is used, not one derived from `cvssScore`: it is what Snyk
//! shows, it exists for license issues (which have no CVSS score), and
//! `severityWithCritical` already accounts for Snyk's critical level.
//! `severity-source` is `tool` for Snyk's levels, `default` otherwise.

mod model;

use cordon_parser_support::{
    MAX_ID_BYTES, MAX_TITLE_BYTES, Obj, check_depth, check_syntax, clip, cwe_digits, file_location,
    finding, first_byte, json_error, non_empty, package_url, prepare, tool_or_default,
};
use cordon_sdk::{Component, Finding, FindingKind, Parser, Severity, SeveritySource, StageError};
use model::{Project, Vulnerability};
use serde_json::Value;

/// The `tool` of every finding.
pub const TOOL: &str = "snyk";

/// What a data error (wrong type, missing property) is called.
const DATA_ERROR: &str = "Snyk JSON report";

/// The stage, registered below.
pub struct SnykParser;

impl Parser for SnykParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(SnykParser);

/// Parse a Snyk Open Source / Container JSON report (one project or an
/// array of projects) into findings; see the crate docs for the rules.
pub fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(bytes, "a Snyk JSON report")?;
    check_depth(bytes)?;
    let mut findings = Vec::new();
    match first_byte(bytes) {
        Some(b'{') => {
            let project: Obj<Project> =
                serde_json::from_slice(bytes).map_err(|e| json_error(&e, DATA_ERROR))?;
            check_project(&project, "")?;
            convert_project(&project, "", &mut findings);
        }
        Some(b'[') => {
            let projects: Vec<Obj<Project>> =
                serde_json::from_slice(bytes).map_err(|e| json_error(&e, DATA_ERROR))?;
            if projects.is_empty() {
                return Err(StageError::UnsupportedFormat(
                    "not a Snyk report: an empty JSON array".into(),
                ));
            }
            for (p, project) in projects.iter().enumerate() {
                check_project(project, &format!("/{p}"))?;
            }
            for (p, project) in projects.iter().enumerate() {
                convert_project(project, &format!("/{p}"), &mut findings);
            }
        }
        _ => {
            check_syntax(bytes, DATA_ERROR)?;
            return Err(StageError::UnsupportedFormat(
                "not a Snyk report: the top-level JSON value must be an object or an array of projects".into(),
            ));
        }
    }
    Ok(findings)
}

/// Refuse what is not a Snyk Open Source / Container result.
fn check_project(p: &Project, at: &str) -> Result<(), StageError> {
    let where_ = if at.is_empty() {
        String::new()
    } else {
        format!(" (project {at})")
    };
    if p.runs.is_some() {
        return Err(StageError::UnsupportedFormat(format!(
            "a SARIF log (Snyk Code or --sarif output){where_}: read it with the SARIF parser"
        )));
    }
    if p.vulnerabilities.is_none() {
        if let Some(e) = &p.error {
            let text = match e {
                Value::String(s) => s.clone(),
                Value::Object(m) => m
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| e.to_string()),
                other => other.to_string(),
            };
            return Err(StageError::UnsupportedFormat(format!(
                "Snyk wrote an error instead of test results{where_}: {}",
                clip(text.trim(), 300)
            )));
        }
        if p.infrastructure_as_code_issues.is_some() {
            return Err(StageError::UnsupportedFormat(format!(
                "Snyk IaC results{where_} are not supported; this parser reads Snyk Open Source and Container results"
            )));
        }
        return Err(StageError::UnsupportedFormat(format!(
            "not a Snyk Open Source report{where_}: no 'vulnerabilities' array"
        )));
    }
    for (a, app) in p.applications.iter().flatten().enumerate() {
        if app.vulnerabilities.is_none() && app.error.is_some() {
            check_project(app, &format!("{at}/applications/{a}"))?;
        }
    }
    Ok(())
}

fn convert_project(p: &Project, at: &str, out: &mut Vec<Finding>) {
    for (i, v) in p.vulnerabilities.iter().flatten().enumerate() {
        out.push(convert(p, v, format!("{at}/vulnerabilities/{i}")));
    }
    for (a, app) in p.applications.iter().flatten().enumerate() {
        // Applications are results of their own (errors were refused by
        // `check_project`); one without `vulnerabilities` has none.
        convert_project(app, &format!("{at}/applications/{a}"), out);
    }
}

/// Snyk's severity word on the canonical scale, and where it came from:
/// one of Snyk's levels (`tool`), else medium (`default`).
pub fn severity(word: Option<&str>) -> (Severity, SeveritySource) {
    let level = word.and_then(cordon_parser_support::severity_word);
    tool_or_default(level, Severity::Medium)
}

/// A `from` element without its version: `@scope/pkg@1.2.3` → `@scope/pkg`.
fn strip_version(item: &str) -> &str {
    match item.rfind('@') {
        Some(at) if at > 0 => item.get(..at).unwrap_or(item),
        _ => item,
    }
}

/// The dependency path as a location path: `a > b > c`, versions dropped.
pub fn dependency_path(from: &[String]) -> String {
    from.iter()
        .map(|s| strip_version(s.trim()))
        .collect::<Vec<_>>()
        .join(" > ")
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !list.iter().any(|x| x == s) {
        list.push(clip(s, MAX_ID_BYTES));
    }
}

/// A package URL for the package managers that have a purl type.
fn purl(manager: Option<&str>, name: &str, version: Option<&str>) -> Option<String> {
    let kind = match manager?.trim().to_ascii_lowercase().as_str() {
        "npm" | "yarn" | "pnpm" => "npm",
        "maven" | "gradle" | "sbt" => "maven",
        "pip" | "pipenv" | "poetry" | "pip3" => "pypi",
        "nuget" | "paket" => "nuget",
        "rubygems" | "bundler" => "gem",
        "gomodules" | "golangdep" | "govendor" => "golang",
        "composer" => "composer",
        "cocoapods" => "cocoapods",
        "cargo" => "cargo",
        "hex" => "hex",
        _ => return None,
    };
    package_url(kind, name, version)
}

/// One vulnerability (dependency path) into one finding.
fn convert(p: &Project, v: &Vulnerability, pointer: String) -> Finding {
    let id = v.id.trim();
    let rule_id = if id.is_empty() { "unknown" } else { id };
    let package = non_empty(v.package_name.as_deref())
        .or_else(|| non_empty(v.name.as_deref()))
        .unwrap_or("unknown");
    let version = non_empty(v.version.as_deref());
    let from = v.from.as_deref().unwrap_or_default();
    let is_license = v
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("license"));

    let mut locations = Vec::new();
    if !from.is_empty() {
        locations.push(file_location(dependency_path(from)));
    }
    if let Some(target) =
        non_empty(p.display_target_file.as_deref()).or_else(|| non_empty(p.target_file.as_deref()))
    {
        let l = file_location(target.to_string());
        if !locations.contains(&l) {
            locations.push(l);
        }
    }

    let mut vulnerability_ids = Vec::new();
    let mut cwes = Vec::new();
    if let Some(ids) = &v.identifiers {
        for id in ids.cve.iter().chain(ids.ghsa.iter()).flatten() {
            push_unique(&mut vulnerability_ids, id);
        }
        for c in ids.cwe.iter().flatten() {
            if let Some(n) = cwe_digits(c).parse().ok()
                && !cwes.contains(&n)
            {
                cwes.push(n);
            }
        }
    }

    let fixed_versions: Vec<String> = v
        .fixed_in
        .iter()
        .flatten()
        .filter_map(|f| non_empty(Some(f.as_str())))
        .map(|f| clip(f, MAX_ID_BYTES))
        .collect();

    let mut tags = Vec::new();
    if is_license {
        tags.push("license".to_string());
    }
    if v.is_upgradable == Some(true) {
        tags.push("upgradable".to_string());
    }
    if v.is_patchable == Some(true) {
        tags.push("patchable".to_string());
    }
    if let Some(up) = v
        .upgrade_path
        .iter()
        .flatten()
        .find_map(|u| u.as_str().and_then(|s| non_empty(Some(s))))
    {
        push_unique(&mut tags, &format!("upgrade-to:{up}"));
    }

    let word =
        non_empty(v.severity_with_critical.as_deref()).or_else(|| non_empty(v.severity.as_deref()));
    let kind = if is_license {
        FindingKind::Other
    } else if v
        .language
        .as_deref()
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("linux"))
    {
        FindingKind::Container
    } else {
        FindingKind::Sca
    };

    let mut message = non_empty(v.description.as_deref())
        .unwrap_or_default()
        .to_string();
    if !from.is_empty() {
        message.push_str(&format!("\n\nIntroduced through: {}", from.join(" > ")));
    }
    if !fixed_versions.is_empty() {
        message.push_str(&format!("\nFixed in: {}", fixed_versions.join(", ")));
    }
    let title_text = non_empty(v.title.as_deref()).unwrap_or(rule_id);
    let manager =
        non_empty(v.package_manager.as_deref()).or_else(|| non_empty(p.package_manager.as_deref()));

    let (severity, severity_source) = severity(word);
    Finding {
        message: message.trim().to_string(),
        tool_severity: word.map(|w| clip(w, MAX_ID_BYTES)),
        locations,
        component: Some(Component {
            name: clip(package, MAX_ID_BYTES),
            version: version.map(|s| clip(s, MAX_ID_BYTES)),
            purl: purl(manager, package, version),
            fixed_versions,
        }),
        vulnerability_ids,
        cwes,
        tags,
        help_uri: (id.starts_with("SNYK-") || id.starts_with("npm:"))
            .then(|| format!("https://security.snyk.io/vuln/{id}")),
        source_pointer: pointer,
        severity_source,
        ..finding(
            TOOL,
            clip(rule_id, MAX_ID_BYTES),
            clip(&format!("{package}: {title_text}"), MAX_TITLE_BYTES),
            kind,
            severity,
        )
    }
}

#[cfg(test)]
mod tests;
