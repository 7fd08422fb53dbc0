//! Semgrep App (Semgrep Cloud Platform) exports: the findings API
//! (`{"findings": [...]}`) and the Supply Chain vulnerabilities API
//! (`{"vulns": [...], "hasMore": ..., "cursor": ...}`).

use crate::cli::secrets_rule;
use crate::common::{
    Dependency, app_severity, cwes, find_ghsa, is_vuln_id, push_unique, qualify, tag, title_line,
};
use crate::{TOOL, UNKNOWN_RULE};
use cordon_parser_support::{
    Obj, Position, finding, located, loose_string, loose_strings, non_empty, tool_or_default,
};
use cordon_sdk::{Component, Finding, FindingKind, Location, Severity};
use serde::Deserialize;
use serde::de::IgnoredAny;

// ---- findings API ---------------------------------------------------------

/// One entry of `findings`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AppFinding {
    pub rule_name: Option<String>,
    pub rule_message: Option<String>,
    pub severity: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub confidence: Option<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub categories: Vec<String>,
    pub location: Option<Obj<AppLocation>>,
    pub repository: Option<Obj<Repository>>,
    #[serde(deserialize_with = "loose_string")]
    pub triage_state: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub status: Option<String>,
    pub rule: Option<Obj<AppRule>>,
    #[serde(deserialize_with = "loose_string")]
    pub validation_state: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub vulnerability_identifier: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub reachability: Option<String>,
    pub found_dependency: Option<Obj<Dependency>>,
    pub fix_recommendations: Option<Vec<Obj<Dependency>>>,
    pub match_based_id: Option<IgnoredAny>,
    pub syntactic_id: Option<IgnoredAny>,
}

impl AppFinding {
    /// Whether the entry has a key only Semgrep findings have.
    pub fn marked(&self) -> bool {
        self.rule_name.is_some() || self.match_based_id.is_some() || self.syntactic_id.is_some()
    }
}

/// `finding.location`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AppLocation {
    pub file_path: Option<String>,
    pub line: Position,
    pub column: Position,
    pub end_line: Position,
    pub end_column: Position,
}

/// `finding.repository`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Repository {
    pub name: Option<String>,
}

/// `finding.rule`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AppRule {
    pub name: Option<String>,
    pub message: Option<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub cwe_names: Vec<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub owasp_names: Vec<String>,
}

/// One findings-API entry into one finding.
pub(crate) fn convert_finding(f: &AppFinding, i: usize) -> Finding {
    let rule = f.rule.as_deref();
    let rule_name = non_empty(f.rule_name.as_deref())
        .or_else(|| non_empty(rule.and_then(|r| r.name.as_deref())));

    let mut vulnerability_ids: Vec<String> = Vec::new();
    if let Some(id) = non_empty(f.vulnerability_identifier.as_deref()).filter(|s| is_vuln_id(s)) {
        vulnerability_ids.push(id.to_string());
    }
    let dep = f.found_dependency.as_deref();
    let is_sca = dep.is_some() || !vulnerability_ids.is_empty();
    let rule_id = match (vulnerability_ids.first(), rule_name) {
        (Some(id), _) => id.clone(),
        (None, Some(name)) => name.to_string(),
        (None, None) => UNKNOWN_RULE.to_string(),
    };

    let message = f
        .rule_message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .or_else(|| rule.and_then(|r| r.message.clone()))
        .unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());

    let kind = if is_sca {
        FindingKind::Sca
    } else if non_empty(f.validation_state.as_deref())
        .is_some_and(|s| !s.eq_ignore_ascii_case("no_validator"))
        || f.categories
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case("secrets"))
        || rule_name.is_some_and(secrets_rule)
    {
        FindingKind::Secret
    } else {
        FindingKind::Sast
    };

    let repo = f.repository.as_deref().and_then(|r| r.name.as_deref());
    let locations = f.location.as_deref().map_or_else(Vec::new, |l| {
        located(l.file_path.as_deref().unwrap_or_default(), |path| {
            Location {
                path: qualify(repo, path.trim()),
                start_line: l.line.0,
                start_column: l.column.0,
                end_line: l.end_line.0,
                end_column: l.end_column.0,
            }
        })
    });

    let mut tags: Vec<String> = Vec::new();
    for c in f
        .categories
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        push_unique(&mut tags, c.to_string());
    }
    tags.extend(tag("confidence", f.confidence.as_deref()));
    tags.extend(tag("triage", f.triage_state.as_deref()));
    tags.extend(tag("state", f.state.as_deref()));
    tags.extend(tag("status", f.status.as_deref()));
    tags.extend(tag("reachability", f.reachability.as_deref()));
    tags.extend(tag(
        "transitivity",
        dep.and_then(|d| d.transitivity.as_deref()),
    ));
    if let Some(r) = non_empty(repo) {
        tags.push(format!("repository:{r}"));
    }
    for o in rule.iter().flat_map(|r| &r.owasp_names) {
        if !o.trim().is_empty() {
            push_unique(&mut tags, format!("owasp:{}", o.trim()));
        }
    }
    if is_sca && let Some(name) = rule_name {
        tags.push(format!("semgrep-rule:{name}"));
    }

    let component = dep.and_then(|d| {
        let version = non_empty(d.version.as_deref()).map(str::to_string);
        d.component(version, |name| {
            f.fix_recommendations
                .iter()
                .flatten()
                .filter(|fix| non_empty(fix.package.as_deref()).is_none_or(|p| p == name))
                .filter_map(|fix| non_empty(fix.version.as_deref()).map(str::to_string))
                .collect()
        })
    });

    let sev_raw = non_empty(f.severity.as_deref());
    let (severity, severity_source) =
        tool_or_default(sev_raw.and_then(app_severity), Severity::Medium);
    Finding {
        message,
        tool_severity: sev_raw.map(str::to_string),
        locations,
        component,
        vulnerability_ids,
        cwes: rule.map(|r| cwes(&r.cwe_names)).unwrap_or_default(),
        tags,
        source_pointer: format!("/findings/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, kind, severity)
    }
}

// ---- Supply Chain vulnerabilities API -------------------------------------

/// One entry of `vulns`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Vuln {
    pub title: Option<String>,
    pub advisory: Option<Obj<Advisory>>,
    #[serde(deserialize_with = "loose_string")]
    pub exposure_type: Option<String>,
    pub matched_dependency: Option<Obj<VersionedName>>,
    pub closest_safe_dependency: Option<Obj<VersionedName>>,
    pub dependency_file_location: Option<Obj<FileLocation>>,
    pub triage: Option<Obj<Triage>>,
    pub repository_name: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub transitivity: Option<String>,
}

impl Vuln {
    /// Whether the entry has a key only Semgrep Supply Chain entries have.
    pub fn marked(&self) -> bool {
        self.advisory.is_some()
            || self.dependency_file_location.is_some()
            || self.matched_dependency.is_some()
    }
}

/// `vuln.advisory`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Advisory {
    pub rule_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: Option<String>,
    pub references: Option<Obj<References>>,
    #[serde(deserialize_with = "loose_string")]
    pub reachability: Option<String>,
    pub safe_dependencies: Option<Vec<Obj<VersionedName>>>,
}

/// `advisory.references`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct References {
    #[serde(deserialize_with = "loose_strings")]
    pub cve_ids: Vec<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub cwe_ids: Vec<String>,
    #[serde(deserialize_with = "loose_strings")]
    pub urls: Vec<String>,
}

/// `{name, versionSpecifier}`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct VersionedName {
    pub name: Option<String>,
    pub version_specifier: Option<String>,
}

/// `vuln.dependencyFileLocation`; the numbers are strings in real exports.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct FileLocation {
    pub path: Option<String>,
    pub start_line: Position,
    pub start_col: Position,
    pub end_line: Position,
    pub end_col: Position,
}

/// `vuln.triage`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Triage {
    #[serde(deserialize_with = "loose_string")]
    pub status: Option<String>,
}

/// One Supply Chain vulnerability into one finding.
pub(crate) fn convert_vuln(v: &Vuln, i: usize) -> Finding {
    let adv = v.advisory.as_deref();
    let refs = adv.and_then(|a| a.references.as_deref());

    let mut vulnerability_ids: Vec<String> = Vec::new();
    for id in refs.iter().flat_map(|r| &r.cve_ids) {
        if is_vuln_id(id) {
            push_unique(&mut vulnerability_ids, id.trim().to_string());
        }
    }
    for url in refs.iter().flat_map(|r| &r.urls) {
        find_ghsa(url, &mut vulnerability_ids);
    }
    let advisory_rule = non_empty(adv.and_then(|a| a.rule_id.as_deref()));
    let rule_id = vulnerability_ids
        .first()
        .cloned()
        .or_else(|| advisory_rule.map(str::to_string))
        .unwrap_or_else(|| UNKNOWN_RULE.to_string());

    let message = adv.and_then(|a| a.description.clone()).unwrap_or_default();
    let title = non_empty(v.title.as_deref())
        .or_else(|| non_empty(adv.and_then(|a| a.title.as_deref())))
        .and_then(title_line)
        .unwrap_or_else(|| rule_id.clone());

    let repo = v.repository_name.as_deref();
    let locations = v
        .dependency_file_location
        .as_deref()
        .map_or_else(Vec::new, |l| {
            located(l.path.as_deref().unwrap_or_default(), |path| Location {
                path: qualify(repo, path.trim()),
                start_line: l.start_line.0,
                start_column: l.start_col.0,
                end_line: l.end_line.0,
                end_column: l.end_col.0,
            })
        });

    let component = v.matched_dependency.as_deref().and_then(|m| {
        let name = non_empty(m.name.as_deref())?;
        let closest = v
            .closest_safe_dependency
            .as_deref()
            .filter(|c| non_empty(c.name.as_deref()).is_none_or(|n| n == name))
            .and_then(|c| non_empty(c.version_specifier.as_deref()));
        let fixed_versions = match closest {
            Some(c) => vec![c.to_string()],
            None => adv
                .and_then(|a| a.safe_dependencies.as_deref())
                .unwrap_or_default()
                .iter()
                .filter(|s| non_empty(s.name.as_deref()) == Some(name))
                .filter_map(|s| non_empty(s.version_specifier.as_deref()).map(str::to_string))
                .collect(),
        };
        Some(Component {
            name: name.to_string(),
            version: non_empty(m.version_specifier.as_deref()).map(str::to_string),
            purl: None,
            fixed_versions,
        })
    });

    let mut tags: Vec<String> = Vec::new();
    tags.extend(tag("exposure", v.exposure_type.as_deref()));
    tags.extend(tag(
        "reachability",
        adv.and_then(|a| a.reachability.as_deref()),
    ));
    tags.extend(tag("transitivity", v.transitivity.as_deref()));
    tags.extend(tag(
        "triage",
        v.triage.as_deref().and_then(|t| t.status.as_deref()),
    ));
    if let Some(r) = non_empty(repo) {
        tags.push(format!("repository:{r}"));
    }
    if let Some(r) = advisory_rule {
        tags.push(format!("semgrep-rule:{r}"));
    }

    let sev_raw = non_empty(adv.and_then(|a| a.severity.as_deref()));
    let (severity, severity_source) =
        tool_or_default(sev_raw.and_then(app_severity), Severity::Medium);
    Finding {
        message,
        tool_severity: sev_raw.map(str::to_string),
        vulnerability_ids,
        cwes: refs.map(|r| cwes(&r.cwe_ids)).unwrap_or_default(),
        component,
        locations,
        tags,
        help_uri: refs
            .and_then(|r| r.urls.first())
            .filter(|u| u.starts_with("http"))
            .cloned(),
        source_pointer: format!("/vulns/{i}"),
        severity_source,
        ..finding(TOOL, rule_id, title, FindingKind::Sca, severity)
    }
}
