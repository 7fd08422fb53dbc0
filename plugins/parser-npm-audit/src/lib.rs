//! `parser-npm-audit`: `npm audit --json` reports into cordon findings.
//!
//! Two report shapes are read, told apart by `auditReportVersion`:
//!
//! * **npm 6** (no `auditReportVersion`): one finding per entry of the
//!   `advisories` object, in document order. An advisory found in several
//!   installed versions of its module stays one finding; every dependency
//!   path of every version becomes a location.
//! * **npm 7 and later** (`auditReportVersion: 2`): one finding per entry of
//!   the `vulnerabilities` object (one per vulnerable package, the count
//!   npm itself reports in `metadata.vulnerabilities.total`), in document
//!   order. A package that is vulnerable only because it depends on another
//!   vulnerable package (its `via` holds only package names) is a finding
//!   too, tagged `transitive`.
//!
//! The output of `npm audit fix --dry-run --json`, which nests the report
//! under `audit`, is read the same way.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; empty input is `malformed-input`.
//! * Invalid JSON, and a property this parser reads that has the wrong type,
//!   is `malformed-input` with the line and column serde_json reports.
//!   Unknown properties are ignored.
//! * An error document (`{"error": {"code": "ENOAUDIT", ...}}`, what npm
//!   writes when the audit itself failed) is `unsupported-format` naming the
//!   code and summary: it is never "0 findings".
//! * An `auditReportVersion` other than `2`, a top level that is not an
//!   object, or an object with neither `advisories` nor `vulnerabilities`,
//!   is `unsupported-format`.
//!
//! # Mapping: npm 6 (`advisories`)
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `npm-audit` (no version in the report) |
//! | `rule-id` | `github_advisory_id`, else the first of `cves`, else `npm-advisory-<id>` |
//! | `title` | `<module_name>: <title>` |
//! | `message` | `overview`, `recommendation`, vulnerable and patched versions, the installed versions with their paths, `url` |
//! | `severity` | `severity`, see below |
//! | `locations` | every dependency path of every entry of `findings[]` (`a>b>c`, as npm writes it), with npm's 64-hex-digit git hashes replaced by `censored_by_npm_audit` (they change on every run) |
//! | `component` | `module_name`, the first `findings[].version`, `pkg:npm/<name>@<version>`, fixed versions `[patched_versions]` (unless `<0.0.0`, npm's "no fix") |
//! | `vulnerability-ids` | `cves` and `github_advisory_id` |
//! | `cwes` | `cwe`: `"CWE-94"`, `["CWE-94", ...]`, the JSON-encoded string `"[\"CWE-94\"]"`, or null |
//! | `tags` | `dev` when every finding of the advisory is a dev dependency |
//! | `help-uri` | `url` |
//! | `kind` | `sca` |
//! | `source-pointer` | `/advisories/<key>` |
//!
//! # Mapping: npm 7+ (`vulnerabilities`)
//!
//! | finding field | from |
//! |---|---|
//! | `tool` | `npm-audit` |
//! | `rule-id` | the GHSA id in the `url` of the first advisory in `via`, else `npm-advisory-<source>`; [`TRANSITIVE_RULE`] when `via` holds no advisory |
//! | `title` | `<name>: <first advisory title>`, or `<name>: depends on vulnerable <via names>` |
//! | `message` | each advisory (title, severity, range, url), the packages it depends on, the affected `range`, `fixAvailable`, `nodes` |
//! | `severity` | the package's `severity`, see below (npm's aggregate over its `via`) |
//! | `locations` | every entry of `nodes` (`node_modules/...`, a path in the project) |
//! | `component` | `name` (else the key), no version (npm 7 reports ranges, not installed versions), `pkg:npm/<name>`, fixed versions `[fixAvailable.version]` when `fixAvailable.name` is this package |
//! | `vulnerability-ids` | the GHSA ids in the `url`s of the advisories in `via` |
//! | `cwes` | the union of the advisories' `cwe` lists |
//! | `tags` | `direct` (`isDirect`), `transitive`, `fix-available`, `fix-is-semver-major`, `fix-via:<name>@<version>` |
//! | `help-uri` | the first advisory's `url` |
//! | `kind` | `sca` |
//! | `source-pointer` | `/vulnerabilities/<key>` (`/audit/...` in the dry-run wrapper) |
//!
//! # Severity
//!
//! | npm | cordon |
//! |---|---|
//! | `critical` | critical |
//! | `high` | high |
//! | `moderate` (also `medium`) | medium |
//! | `low` | low |
//! | `info` | info |
//! | absent or anything else | medium |
//!
//! Matching is case-insensitive; `tool-severity` keeps npm's string.
//! `severity-source` is `tool` for npm's levels, `default` otherwise.

mod model;

use cordon_sdk::{
    Component, Finding, FindingKind, Location, Parser, Severity, SeveritySource, StageError,
};
// `clip` keeps this crate's own name, `cap` (the unit tests call it).
use cordon_parser_support::{
    MAX_ID_BYTES, MAX_TITLE_BYTES, check_depth, check_syntax, clip as cap, file_location, finding,
    first_byte, json_error, non_empty, pointer_token, prepare, tool_or_default,
};
use model::{Advisory, Package, Report, Via, ViaAdvisory};
use serde_json::Value;

/// The `tool` of every finding.
pub const TOOL: &str = "npm-audit";
/// The only `auditReportVersion` this parser reads (npm 7 and later).
pub const SUPPORTED_REPORT_VERSION: u64 = 2;
/// `rule-id` of an npm 7+ package that is vulnerable only through its
/// dependencies (its `via` names packages, no advisory).
pub const TRANSITIVE_RULE: &str = "npm-audit-vulnerable-dependency";
/// What npm 6 writes in `patched_versions` when no version fixes it.
const NO_PATCH: &str = "<0.0.0";
/// What DefectDojo and npm put in place of git commit hashes in paths.
const CENSORED: &str = "censored_by_npm_audit";

/// What a data error (wrong type, missing property) is called.
const DATA_ERROR: &str = "npm audit report";

/// The stage, registered below.
pub struct NpmAuditParser;

impl Parser for NpmAuditParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(NpmAuditParser);

/// Parse an npm audit JSON report (npm 6 or 7+) into findings; see the crate
/// docs for the rules.
pub fn parse(bytes: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = prepare(bytes, "an npm audit JSON report")?;
    check_depth(bytes)?;
    if first_byte(bytes) != Some(b'{') {
        check_syntax(bytes, DATA_ERROR)?;
        return Err(StageError::UnsupportedFormat(
            "not an npm audit report: the top-level JSON value must be an object".into(),
        ));
    }
    let report: Report = serde_json::from_slice(bytes).map_err(|e| json_error(&e, DATA_ERROR))?;
    match report.audit {
        // `npm audit fix --dry-run --json`: the report is under `audit`.
        Some(inner) if report.advisories.is_none() && report.vulnerabilities.is_none() => {
            convert(inner.0, "/audit")
        }
        _ => convert(report, ""),
    }
}

fn convert(report: Report, base: &str) -> Result<Vec<Finding>, StageError> {
    if let Some(error) = &report.error {
        return Err(error_document(error));
    }
    match &report.audit_report_version {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.as_u64() == Some(SUPPORTED_REPORT_VERSION) => {}
        Some(other) => {
            return Err(StageError::UnsupportedFormat(format!(
                "npm audit auditReportVersion {} is not supported; this parser reads npm 6 reports (no auditReportVersion) and version {SUPPORTED_REPORT_VERSION}",
                cap(&other.to_string(), 64)
            )));
        }
    }
    let v7 = report
        .audit_report_version
        .as_ref()
        .is_some_and(|v| !v.is_null());
    if v7 {
        let Some(vulns) = report.vulnerabilities else {
            return Err(StageError::malformed(
                "npm audit report version 2 without a 'vulnerabilities' object",
                None,
                None,
                Some(format!("{base}/vulnerabilities")),
            ));
        };
        return Ok(vulns
            .0
            .iter()
            .map(|(key, pkg)| {
                let pointer = format!("{base}/vulnerabilities/{}", pointer_token(key));
                package_finding(key, pkg, pointer)
            })
            .collect());
    }
    if let Some(advisories) = report.advisories {
        return Ok(advisories
            .0
            .iter()
            .map(|(key, adv)| {
                let pointer = format!("{base}/advisories/{}", pointer_token(key));
                advisory_finding(key, adv, pointer)
            })
            .collect());
    }
    Err(StageError::UnsupportedFormat(
        "not an npm audit report: neither 'advisories' (npm 6) nor 'auditReportVersion' and 'vulnerabilities' (npm 7+)".into(),
    ))
}

/// The `unsupported-format` error for `{"error": {...}}`.
fn error_document(error: &Value) -> StageError {
    let field = |k: &str| {
        error
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let mut what = String::from("npm audit wrote an error document instead of a report");
    match (field("code"), field("summary")) {
        (Some(code), Some(summary)) => what.push_str(&format!(": {code}: {}", cap(summary, 300))),
        (Some(code), None) => what.push_str(&format!(": {code}")),
        (None, Some(summary)) => what.push_str(&format!(": {}", cap(summary, 300))),
        (None, None) => {
            if let Some(s) = error.as_str() {
                what.push_str(&format!(": {}", cap(s, 300)));
            }
        }
    }
    StageError::UnsupportedFormat(what)
}

/// npm's severity word on the canonical scale, and where it came from: one
/// of npm's levels (`tool`), else medium (`default`).
pub fn severity(word: Option<&str>) -> (Severity, SeveritySource) {
    let level = word.and_then(cordon_parser_support::severity_word);
    tool_or_default(level, Severity::Medium)
}

/// CWE numbers from npm's `cwe` property, in whichever shape it comes.
fn cwes_from(value: Option<&Value>, out: &mut Vec<u32>) {
    match value {
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.starts_with('[') {
                if let Ok(list) = serde_json::from_str::<Vec<String>>(t) {
                    for c in &list {
                        push_cwe(c, out);
                    }
                }
            } else {
                push_cwe(t, out);
            }
        }
        Some(Value::Array(items)) => {
            for c in items.iter().filter_map(Value::as_str) {
                push_cwe(c, out);
            }
        }
        _ => {}
    }
}

fn push_cwe(s: &str, out: &mut Vec<u32>) {
    let t = s.trim();
    let digits = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("cwe-"))
        .and_then(|_| t.get(4..))
        .unwrap_or(t);
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if let Some(n) = digits.get(..end).and_then(|d| d.parse::<u32>().ok())
        && !out.contains(&n)
    {
        out.push(n);
    }
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !list.iter().any(|x| x == s) {
        list.push(cap(s, MAX_ID_BYTES));
    }
}

/// `pkg:npm/<name>[@<version>]`, with a scope's `@` percent-encoded.
fn purl(name: &str, version: Option<&str>) -> String {
    let name = name
        .strip_prefix('@')
        .map_or_else(|| name.to_string(), |scoped| format!("%40{scoped}"));
    match version {
        Some(v) => format!("pkg:npm/{name}@{v}"),
        None => format!("pkg:npm/{name}"),
    }
}

/// The GHSA id at the end of an advisory URL (`.../advisories/GHSA-...`).
fn ghsa_from_url(url: &str) -> Option<String> {
    let last = url.trim().trim_end_matches('/').rsplit('/').next()?;
    (last.len() > 5 && last.get(..5)?.eq_ignore_ascii_case("ghsa-")).then(|| last.to_string())
}

/// A path with npm's 64-hex-digit git hashes replaced by [`CENSORED`].
fn censor_hashes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let run = bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            .count();
        if run >= 64 {
            out.push_str(path.get(copied..i).unwrap_or(""));
            // Like a regex replace of `[a-f0-9]{64}`: every whole 64-digit
            // chunk is replaced, a shorter tail is kept.
            for _ in 0..run / 64 {
                out.push_str(CENSORED);
            }
            i += run / 64 * 64;
            copied = i;
            i += run % 64;
        } else {
            i += run.max(1);
        }
    }
    out.push_str(path.get(copied..).unwrap_or(""));
    out
}

/// The advisory number as written (`146`, or a string).
fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// npm 6: one advisory into one finding.
fn advisory_finding(key: &str, adv: &Advisory, pointer: String) -> Finding {
    let (severity, severity_source) = severity(adv.severity.as_deref());
    let module = adv.module_name.trim();
    let number = id_text(adv.id.as_ref()).unwrap_or_else(|| key.to_string());
    let cves: Vec<&str> = adv
        .cves
        .iter()
        .flatten()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let ghsa = non_empty(adv.github_advisory_id.as_deref());

    let mut vulnerability_ids = Vec::new();
    for id in cves.iter().copied().chain(ghsa) {
        push_unique(&mut vulnerability_ids, id);
    }
    let rule_id = ghsa
        .or_else(|| cves.first().copied())
        .map(str::to_string)
        .unwrap_or_else(|| format!("npm-advisory-{number}"));

    let findings = adv.findings.as_deref().unwrap_or_default();
    let version = findings
        .iter()
        .find_map(|f| non_empty(f.version.as_deref()));
    let mut locations: Vec<Location> = Vec::new();
    for f in findings {
        for p in f.paths.iter().flatten() {
            let l = file_location(censor_hashes(p.trim()));
            if !l.path.is_empty() && !locations.contains(&l) {
                locations.push(l);
            }
        }
    }

    let mut cwes = Vec::new();
    cwes_from(adv.cwe.as_ref(), &mut cwes);

    let patched = non_empty(adv.patched_versions.as_deref());
    let fixed_versions = patched
        .filter(|p| *p != NO_PATCH)
        .map(|p| vec![cap(p, MAX_ID_BYTES)])
        .unwrap_or_default();

    let mut tags = Vec::new();
    if !findings.is_empty() && findings.iter().all(|f| f.dev == Some(true)) {
        tags.push("dev".to_string());
    }

    let title_text = non_empty(adv.title.as_deref()).unwrap_or(&rule_id);
    let mut message = String::new();
    if let Some(o) = non_empty(adv.overview.as_deref()) {
        message.push_str(o);
        message.push_str("\n\n");
    }
    if let Some(r) = non_empty(adv.recommendation.as_deref()) {
        message.push_str(&format!("Recommendation: {r}\n"));
    }
    if let Some(v) = non_empty(adv.vulnerable_versions.as_deref()) {
        message.push_str(&format!("Vulnerable versions: {v}\n"));
    }
    if let Some(p) = patched {
        message.push_str(&format!("Patched versions: {p}\n"));
    }
    for f in findings {
        let v = non_empty(f.version.as_deref()).unwrap_or("?");
        let paths: Vec<&str> = f.paths.iter().flatten().map(String::as_str).collect();
        message.push_str(&format!("Installed {module}@{v}: {}\n", paths.join(", ")));
    }
    if let Some(u) = non_empty(adv.url.as_deref()) {
        message.push_str(u);
    }

    Finding {
        message: message.trim_end().to_string(),
        tool_severity: adv.severity.as_deref().map(|s| cap(s, MAX_ID_BYTES)),
        locations,
        component: Some(Component {
            name: cap(module, MAX_ID_BYTES),
            version: version.map(|v| cap(v, MAX_ID_BYTES)),
            purl: Some(purl(module, version)),
            fixed_versions,
        }),
        vulnerability_ids,
        cwes,
        tags,
        help_uri: non_empty(adv.url.as_deref()).map(str::to_string),
        source_pointer: pointer,
        severity_source,
        ..finding(
            TOOL,
            cap(&rule_id, MAX_ID_BYTES),
            cap(&format!("{module}: {title_text}"), MAX_TITLE_BYTES),
            FindingKind::Sca,
            severity,
        )
    }
}

/// npm 7+: one vulnerable package into one finding.
fn package_finding(key: &str, pkg: &Package, pointer: String) -> Finding {
    let (severity, severity_source) = severity(pkg.severity.as_deref());
    let name = non_empty(pkg.name.as_deref()).unwrap_or(key);
    let vias = pkg.via.as_deref().unwrap_or_default();
    let advisories: Vec<&ViaAdvisory> = vias
        .iter()
        .filter_map(|v| match v {
            Via::Advisory(a) => Some(&***a),
            Via::Dependency(_) => None,
        })
        .collect();
    let dependencies: Vec<&str> = vias
        .iter()
        .filter_map(|v| match v {
            Via::Dependency(d) => non_empty(Some(d.as_str())),
            Via::Advisory(_) => None,
        })
        .collect();

    let mut vulnerability_ids = Vec::new();
    let mut cwes = Vec::new();
    for a in &advisories {
        if let Some(g) = a.url.as_deref().and_then(ghsa_from_url) {
            push_unique(&mut vulnerability_ids, &g);
        }
        cwes_from(a.cwe.as_ref(), &mut cwes);
    }
    let first = advisories.first();
    let rule_id = match first {
        Some(a) => a
            .url
            .as_deref()
            .and_then(ghsa_from_url)
            .or_else(|| id_text(a.source.as_ref()).map(|s| format!("npm-advisory-{s}")))
            .unwrap_or_else(|| TRANSITIVE_RULE.to_string()),
        None => TRANSITIVE_RULE.to_string(),
    };
    let title = match first.and_then(|a| non_empty(a.title.as_deref())) {
        Some(t) => format!("{name}: {t}"),
        None if !dependencies.is_empty() => {
            format!("{name}: depends on vulnerable {}", dependencies.join(", "))
        }
        None => format!("{name}: vulnerable package"),
    };

    let mut tags = Vec::new();
    if pkg.is_direct == Some(true) {
        tags.push("direct".to_string());
    }
    if advisories.is_empty() {
        tags.push("transitive".to_string());
    }
    let mut fixed_versions = Vec::new();
    let mut fix_line = None;
    match &pkg.fix_available {
        Some(Value::Bool(true)) => {
            tags.push("fix-available".to_string());
            fix_line = Some("Fix available: npm audit fix".to_string());
        }
        Some(Value::Object(fix)) => {
            tags.push("fix-available".to_string());
            let fix_name = fix.get("name").and_then(Value::as_str).map(str::trim);
            let fix_version = fix.get("version").and_then(Value::as_str).map(str::trim);
            if fix.get("isSemVerMajor").and_then(Value::as_bool) == Some(true) {
                tags.push("fix-is-semver-major".to_string());
            }
            if let (Some(n), Some(v)) = (fix_name, fix_version) {
                if n == name {
                    fixed_versions.push(cap(v, MAX_ID_BYTES));
                } else {
                    push_unique(&mut tags, &format!("fix-via:{n}@{v}"));
                }
                fix_line = Some(format!("Fix available: update {n} to {v}"));
            }
        }
        _ => {}
    }

    let mut message = String::new();
    for a in &advisories {
        let t = non_empty(a.title.as_deref()).unwrap_or("advisory");
        message.push_str(t);
        if let Some(s) = non_empty(a.severity.as_deref()) {
            message.push_str(&format!(" ({s})"));
        }
        if let Some(r) = non_empty(a.range.as_deref()) {
            message.push_str(&format!(", affects {name} {r}"));
        }
        if let Some(u) = non_empty(a.url.as_deref()) {
            message.push_str(&format!(": {u}"));
        }
        message.push('\n');
    }
    for d in &dependencies {
        message.push_str(&format!("Depends on vulnerable versions of {d}\n"));
    }
    if let Some(r) = non_empty(pkg.range.as_deref()) {
        message.push_str(&format!("Affected versions of {name}: {r}\n"));
    }
    if let Some(f) = fix_line {
        message.push_str(&f);
        message.push('\n');
    }
    let nodes: Vec<&str> = pkg
        .nodes
        .iter()
        .flatten()
        .filter_map(|n| non_empty(Some(n.as_str())))
        .collect();
    if !nodes.is_empty() {
        message.push_str(&format!("Installed at: {}\n", nodes.join(", ")));
    }
    let mut locations: Vec<Location> = Vec::new();
    for n in &nodes {
        let l = file_location(n.to_string());
        if !locations.contains(&l) {
            locations.push(l);
        }
    }

    Finding {
        message: message.trim_end().to_string(),
        tool_severity: pkg.severity.as_deref().map(|s| cap(s, MAX_ID_BYTES)),
        locations,
        component: Some(Component {
            name: cap(name, MAX_ID_BYTES),
            version: None,
            purl: Some(purl(name, None)),
            fixed_versions,
        }),
        vulnerability_ids,
        cwes,
        tags,
        help_uri: first
            .and_then(|a| non_empty(a.url.as_deref()))
            .map(str::to_string),
        source_pointer: pointer,
        severity_source,
        ..finding(
            TOOL,
            cap(&rule_id, MAX_ID_BYTES),
            cap(&title, MAX_TITLE_BYTES),
            FindingKind::Sca,
            severity,
        )
    }
}

#[cfg(test)]
mod tests;
