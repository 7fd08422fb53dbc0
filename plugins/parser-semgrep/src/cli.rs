//! Semgrep CLI JSON (`semgrep --json`): `results[]`, `errors[]`, `version`.

use crate::common::{cwes, is_vuln_id, purl, push_unique, severity, tag, title_line};
use crate::json::loose_pairs;
use crate::{TOOL, UNKNOWN_RULE};
use cordon_parser_support::{Obj, finding, loose_string, loose_strings, position};
use cordon_sdk::{Component, Finding, FindingKind, Location};
use serde::Deserialize;

/// One entry of `results`.
#[derive(Deserialize)]
pub(crate) struct CliResult {
    pub check_id: String,
    pub path: String,
    pub start: Obj<Position>,
    #[serde(default)]
    pub end: Option<Obj<Position>>,
    #[serde(default)]
    pub extra: Option<Obj<Extra>>,
}

/// `start` / `end` of a result.
#[derive(Deserialize, Default)]
pub(crate) struct Position {
    #[serde(default, deserialize_with = "position")]
    pub line: Option<u32>,
    #[serde(default, deserialize_with = "position")]
    pub col: Option<u32>,
}

/// `result.extra`.
#[derive(Deserialize, Default)]
pub(crate) struct Extra {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub metadata: Option<Obj<Metadata>>,
    #[serde(default)]
    pub is_ignored: Option<bool>,
    #[serde(default, deserialize_with = "loose_string")]
    pub validation_state: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub engine_kind: Option<String>,
    #[serde(default)]
    pub sca_info: Option<Obj<ScaInfo>>,
}

/// `extra.metadata`: written by rule authors, so every field is read
/// leniently (a value of an unexpected shape is ignored, never an error).
#[derive(Deserialize, Default)]
pub(crate) struct Metadata {
    #[serde(default, deserialize_with = "loose_strings")]
    pub cwe: Vec<String>,
    #[serde(default, deserialize_with = "loose_strings")]
    pub owasp: Vec<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "loose_strings")]
    pub subcategory: Vec<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub confidence: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub likelihood: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub impact: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub shortlink: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub product: Option<String>,
    #[serde(
        default,
        rename = "sca-vuln-database-identifier",
        deserialize_with = "loose_strings"
    )]
    pub sca_vuln_id: Vec<String>,
    #[serde(default, rename = "sca-severity", deserialize_with = "loose_string")]
    pub sca_severity: Option<String>,
    #[serde(default, rename = "sca-fix-versions", deserialize_with = "loose_pairs")]
    pub sca_fix_versions: Vec<(String, String)>,
}

/// `extra.sca_info` (Semgrep Supply Chain results).
#[derive(Deserialize, Default)]
pub(crate) struct ScaInfo {
    #[serde(default)]
    pub reachable: Option<bool>,
    #[serde(default)]
    pub dependency_match: Option<Obj<DependencyMatch>>,
}

/// `extra.sca_info.dependency_match`.
#[derive(Deserialize, Default)]
pub(crate) struct DependencyMatch {
    #[serde(default)]
    pub found_dependency: Option<Obj<FoundDependency>>,
}

/// The dependency a Supply Chain rule matched.
#[derive(Deserialize, Default)]
pub(crate) struct FoundDependency {
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub ecosystem: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
    pub transitivity: Option<String>,
}

/// One entry of `errors`. Its `type` is a string or a list in different
/// Semgrep versions, so only `level` and `message` are read, leniently.
#[derive(Deserialize, Default)]
pub(crate) struct CliError {
    #[serde(default, deserialize_with = "loose_string")]
    pub level: Option<String>,
    #[serde(default, deserialize_with = "loose_string")]
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

    // Supply Chain findings carry the advisory's own severity.
    let sev_raw = meta
        .and_then(|m| m.sca_severity.as_deref())
        .filter(|_| is_sca)
        .or_else(|| extra.and_then(|e| e.severity.as_deref()));

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
    tags.extend(tag("engine", extra.and_then(|e| e.engine_kind.as_deref())));
    if extra.and_then(|e| e.is_ignored) == Some(true) {
        tags.push("suppressed-in-source".to_string());
    }

    let component = dep.and_then(|d| {
        let name = d
            .package
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())?;
        let version = d.version.clone().filter(|v| !v.trim().is_empty());
        let fixed_versions = meta
            .map(|m| {
                m.sca_fix_versions
                    .iter()
                    .filter(|(pkg, _)| pkg.trim() == name)
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default();
        Some(Component {
            name: name.to_string(),
            purl: d
                .ecosystem
                .as_deref()
                .and_then(|eco| purl(eco, name, version.as_deref())),
            version,
            fixed_versions,
        })
    });

    let start = &r.start;
    let end = r.end.as_deref();
    Finding {
        tool_version: version.map(str::to_string),
        message,
        tool_severity: sev_raw.map(str::to_string),
        locations: Some(&r.path)
            .filter(|p| !p.trim().is_empty())
            .map(|p| Location {
                path: p.clone(),
                start_line: start.line,
                start_column: start.col,
                end_line: end.and_then(|e| e.line),
                end_column: end.and_then(|e| e.col),
            })
            .into_iter()
            .collect(),
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
        ..finding(TOOL, rule_id, title, kind, severity(sev_raw))
    }
}
