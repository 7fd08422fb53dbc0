//! Semgrep CLI JSON (`semgrep --json`): `results[]`, `errors[]`, `version`.

use crate::common::{
    Dependency, cli_severity, cwes, is_vuln_id, push_unique, security_severity, tag, title_line,
};
use crate::json::loose_pairs;
use crate::{TOOL, UNKNOWN_RULE};
use cordon_parser_support::{
    Obj, Position, finding, located, loose_string, loose_strings, tool_or_default,
};
use cordon_sdk::{Finding, FindingKind, Location, Severity, SeveritySource};
use serde::Deserialize;

/// One entry of `results`.
#[derive(Deserialize)]
pub(crate) struct CliResult {
    pub check_id: String,
    pub path: String,
    pub start: Obj<Point>,
    pub end: Option<Obj<Point>>,
    pub extra: Option<Obj<Extra>>,
}

/// `start` / `end` of a result.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Point {
    pub line: Position,
    pub col: Position,
}

/// `result.extra`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Extra {
    pub message: Option<String>,
    pub severity: Option<String>,
    pub metadata: Option<Obj<Metadata>>,
    pub is_ignored: Option<bool>,
    #[serde(deserialize_with = "loose_string")]
    pub validation_state: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub engine_kind: Option<String>,
    pub sca_info: Option<Obj<ScaInfo>>,
}

/// `extra.metadata`: written by rule authors, so every field is read
/// leniently (a value of an unexpected shape is ignored, never an error).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Metadata {
    #[serde(deserialize_with = "loose_strings")]
    pub cwe: Vec<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub owasp: Vec<String>,
    #[serde(deserialize_with = "loose_string")]
    pub category: Option<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub subcategory: Vec<String>,
    #[serde(deserialize_with = "loose_string")]
    pub confidence: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub likelihood: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub impact: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub source: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub shortlink: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub product: Option<String>,
    #[serde(
        rename = "sca-vuln-database-identifier",
        deserialize_with = "loose_strings"
    )]
    pub sca_vuln_id: Vec<String>,
    #[serde(rename = "sca-severity", deserialize_with = "loose_string")]
    pub sca_severity: Option<String>,
    #[serde(rename = "security-severity", deserialize_with = "loose_string")]
    pub security_severity: Option<String>,
    #[serde(rename = "sca-fix-versions", deserialize_with = "loose_pairs")]
    pub sca_fix_versions: Vec<(String, String)>,
}

/// `extra.sca_info` (Semgrep Supply Chain results).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ScaInfo {
    pub reachable: Option<bool>,
    pub dependency_match: Option<Obj<DependencyMatch>>,
}

/// `extra.sca_info.dependency_match`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DependencyMatch {
    pub found_dependency: Option<Obj<Dependency>>,
}

/// One entry of `errors`. Its `type` is a string or a list in different
/// Semgrep versions, so only `level` and `message` are read, leniently.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CliError {
    #[serde(deserialize_with = "loose_string")]
    pub level: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub message: Option<String>,
}

impl CliError {
    /// A fatal error (`level: "error"`), as opposed to a per-file warning.
    pub fn is_fatal(&self) -> bool {
        self.level
            .as_deref()
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("error"))
    }
}

/// Whether a Semgrep validation state says a secrets validator ran.
fn validated(state: Option<&str>) -> bool {
    state
        .map(str::trim)
        .is_some_and(|s| !s.is_empty() && !s.eq_ignore_ascii_case("no_validator"))
}

/// Whether a dotted rule id has a `secrets` segment (`generic.secrets....`).
pub(crate) fn secrets_rule(rule: &str) -> bool {
    rule.split(['.', '/']).any(|seg| seg == "secrets")
}

/// One CLI result into one finding.
pub(crate) fn convert(r: &CliResult, i: usize, version: Option<&str>) -> Finding {
    let extra = r.extra.as_deref();
    let meta = extra.and_then(|e| e.metadata.as_deref());
    let sca = extra.and_then(|e| e.sca_info.as_deref());
    let dep = sca
        .and_then(|s| s.dependency_match.as_deref())
        .and_then(|m| m.found_dependency.as_deref());

    let check_id = r.check_id.trim();
    let mut vulnerability_ids: Vec<String> = Vec::new();
    for id in meta.iter().flat_map(|m| &m.sca_vuln_id) {
        if is_vuln_id(id) {
            push_unique(&mut vulnerability_ids, id.trim().to_string());
        }
    }
    let is_sca = sca.is_some() || !vulnerability_ids.is_empty();
    let rule_id = match vulnerability_ids.first() {
        Some(id) if is_sca => id.clone(),
        _ if check_id.is_empty() => UNKNOWN_RULE.to_string(),
        _ => check_id.to_string(),
    };

    let message = extra.and_then(|e| e.message.clone()).unwrap_or_default();
    let title = title_line(&message)
        .or_else(|| title_line(check_id))
        .unwrap_or_else(|| rule_id.clone());

    // The rule's score, else its severity; both are what Semgrep's SARIF
    // of the same scan carries (a Supply Chain advisory's `sca-severity`
    // is not there, so it is kept as a tag only).
    let (severity, severity_source, sev_raw) = match meta
        .and_then(|m| m.security_severity.as_deref())
        .and_then(|w| security_severity(w).map(|s| (s, w)))
    {
        Some((s, written)) => (s, SeveritySource::SecuritySeverity, Some(written)),
        None => {
            let raw = extra
                .and_then(|e| e.severity.as_deref())
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let (s, source) = tool_or_default(raw.and_then(cli_severity), Severity::Medium);
            (s, source, raw)
        }
    };

    let kind = if is_sca {
        FindingKind::Sca
    } else if validated(extra.and_then(|e| e.validation_state.as_deref()))
        || meta
            .and_then(|m| m.product.as_deref())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("secrets"))
        || secrets_rule(check_id)
    {
        FindingKind::Secret
    } else {
        FindingKind::Sast
    };

    let mut tags: Vec<String> = Vec::new();
    if let Some(m) = meta {
        if let Some(c) = m
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            push_unique(&mut tags, c.to_string());
        }
        for s in &m.subcategory {
            tags.extend(tag("subcategory", Some(s)));
        }
        tags.extend(tag("confidence", m.confidence.as_deref()));
        tags.extend(tag("likelihood", m.likelihood.as_deref()));
        tags.extend(tag("impact", m.impact.as_deref()));
        for o in m.owasp.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            push_unique(&mut tags, format!("owasp:{o}"));
        }
    }
    if let Some(s) = sca {
        if let Some(reachable) = s.reachable {
            tags.push(
                if reachable {
                    "reachable"
                } else {
                    "unreachable"
                }
                .to_string(),
            );
        }
        tags.extend(tag(
            "transitivity",
            dep.and_then(|d| d.transitivity.as_deref()),
        ));
    }
    if is_sca && rule_id != check_id && !check_id.is_empty() {
        tags.push(format!("semgrep-rule:{check_id}"));
    }
    if is_sca {
        tags.extend(tag(
            "sca-severity",
            meta.and_then(|m| m.sca_severity.as_deref()),
        ));
    }
    tags.extend(tag("engine", extra.and_then(|e| e.engine_kind.as_deref())));
    if extra.and_then(|e| e.is_ignored) == Some(true) {
        tags.push("suppressed-in-source".to_string());
    }

    let component = dep.and_then(|d| {
        let version = d.version.clone().filter(|v| !v.trim().is_empty());
        d.component(version, |name| {
            meta.iter()
                .flat_map(|m| &m.sca_fix_versions)
                .filter(|(pkg, _)| pkg.trim() == name)
                .map(|(_, v)| v.clone())
                .collect()
        })
    });

    let start = &r.start;
    let end = r.end.as_deref();
    Finding {
        tool_version: version.map(str::to_string),
        message,
        tool_severity: sev_raw.map(str::to_string),
        locations: located(&r.path, |path| Location {
            path: path.to_string(),
            start_line: start.line.0,
            start_column: start.col.0,
            end_line: end.and_then(|e| e.line.0),
            end_column: end.and_then(|e| e.col.0),
        }),
        component,
        vulnerability_ids,
        cwes: meta.map(|m| cwes(&m.cwe)).unwrap_or_default(),
        tags,
        help_uri: meta.and_then(|m| {
            m.source
                .clone()
                .or_else(|| m.shortlink.clone())
                .filter(|u| u.starts_with("http"))
        }),
        source_pointer: format!("/results/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, kind, severity)
    }
}
