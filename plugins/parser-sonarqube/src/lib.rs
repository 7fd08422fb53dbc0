//! `parser-sonarqube`: SonarQube Web API exports into cordon findings.
//!
//! Two responses of SonarQube's (and SonarCloud's) Web API, saved as they
//! come:
//!
//! * [`ISSUES_FORMAT`] `sonarqube-issues-json`: `GET api/issues/search`,
//!   `{total, p, ps, paging, effortTotal, issues[], components[], facets}`;
//!   one finding per `issues[]` entry;
//! * [`HOTSPOTS_FORMAT`] `sonarqube-hotspots-json`: `GET
//!   api/hotspots/search`, `{paging, hotspots[], components[]}`; one finding
//!   per `hotspots[]` entry.
//!
//! Findings are in document order (issues, then hotspots if one document
//! had both). Nothing is merged here. A response is one page: when `paging`
//! says there are more results than this page and the ones before it hold,
//! a warning is logged and only this page is read.
//!
//! The JSON of the `sonar-report` tool (`{date, projectName, rules, issues,
//! hotspotKeys, ...}`, also imported by DefectDojo as "SonarQube") is
//! another format, not read here.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty or blank input is
//!   `malformed-input`.
//! * The JSON must be well formed; a syntax error, a missing required field
//!   (an issue's `rule` and `component`, a hotspot's `component`) or a
//!   field of the wrong type is `malformed-input` with serde_json's line and
//!   column. Unknown fields are ignored.
//! * `unsupported-format`: a top level that is not an object (`[]` and
//!   `null` included); an object without the Web API's `paging` object;
//!   one with neither `issues` nor `hotspots`; sonar-report's JSON
//!   (`projectName` or `hotspotKeys`); an `issues` / `hotspots` array of
//!   objects none of which has an issue's `rule` or `component` (or a
//!   hotspot's `vulnerabilityProbability`, `securityCategory` or
//!   `ruleKey`).
//! * `"issues": []` (or `"hotspots": []`) with `paging` is a clean report:
//!   no findings.
//!
//! # Mapping
//!
//! | finding field | issue | hotspot |
//! |---|---|---|
//! | `tool`, `tool-version` | `sonarqube`; none (the response has no version) | same |
//! | `rule-id` | `rule` (`typescript:S1533`) | `ruleKey`, else `unknown` (older servers have none) |
//! | `title` | first line of `message` (at most [`TITLE_MAX_CHARS`] characters), else the rule; a Dependency-Check plugin issue: `<first id> in <name> <version>` | first line of `message`, else the rule |
//! | `message` | `message` | `message` |
//! | `severity`, `tool-severity` | `impacts[].severity`, else `severity`; see below | `vulnerabilityProbability` |
//! | `kind` | `sast`; `sca` for Dependency-Check plugin rules (`OWASP:...`) | `sast` |
//! | `locations` | the file of `component` (see below) with `line` (else `textRange.startLine`) and `textRange` | same |
//! | `component`, `vulnerability-ids`, `cwes` | Dependency-Check plugin rules only, from the message (see below) | none |
//! | `tags` | `sonarqube-type:<type>`, `sonarqube-status:<status>` (`issueStatus` when there is no `status`), `sonarqube-resolution:<resolution>`, `resolved`, `sonarqube-impact:<quality>:<severity>`, `sonarqube-issue:<key>`, then the issue's own `tags` | `sonarqube-type:security_hotspot`, `sonarqube-category:<securityCategory>`, status, resolution, `resolved`, `sonarqube-hotspot:<key>` |
//! | `help-uri` | none (the response has no server URL) | none |
//! | `source-pointer` | `/issues/{i}` | `/hotspots/{i}` |
//!
//! **Paths.** `component` is a component key, `<project key>:<path>` for a
//! file. The path is that component's `components[].path` when the response
//! lists it; else the key without the leading `<project>:` (the issue's
//! `project`), else the part after the first `:`, else the key as written.
//! An issue on the project itself (`component` equal to `project`, or a
//! component of qualifier `TRK`) has no location. `textRange` offsets are
//! 0-based, so columns are `startOffset + 1` and `endOffset + 1` (an
//! exclusive end, as in SARIF); they are used only when `textRange` starts
//! on the issue's line. `flows` (secondary locations) are not read.
//!
//! **Dependency-Check plugin.** Issues of the `OWASP` rule repository come
//! from the dependency-check-sonar-plugin and describe a vulnerable library:
//! `Filename: <file> | Reference: <id> | CVSS Score: <s> | Category: <cwe> |
//! <description>`, or `... | References: <id> (<s>) <id> (<s>)`. They are
//! `sca`, with `component` the file name (`package:1.1.2` is split into
//! name and version at the last `:`), `vulnerability-ids` from `Reference:`
//! / `References:` and `cwes` from every `Category:`.
//!
//! **Resolved issues** (`status` `RESOLVED` or `CLOSED`, or 10.4+'s
//! `issueStatus` `FIXED`, `FALSE_POSITIVE` or `ACCEPTED`) and reviewed
//! hotspots (`status` `REVIEWED` with a `resolution` other than
//! `ACKNOWLEDGED`, i.e. `FIXED` or `SAFE`) are kept, tagged `resolved`, at
//! severity `info`: SonarQube itself no longer counts them, and a gate must
//! not fail on a fixed or false-positive issue. `tool-severity` keeps the
//! tool's own severity.
//!
//! # Severity
//!
//! | SonarQube | cordon |
//! |---|---|
//! | `impacts[].severity` (10.2+; the highest of the issue's impacts) `BLOCKER` / `HIGH` / `MEDIUM` / `LOW` / `INFO` | critical / high / medium / low / info |
//! | else `severity` `BLOCKER` / `CRITICAL` / `MAJOR` / `MINOR` / `INFO` | critical / high / medium / low / info |
//! | hotspot `vulnerabilityProbability` `HIGH` / `MEDIUM` / `LOW` | high / medium / low |
//! | anything else, or absent | medium (`severity-source` `default`) |
//! | a resolved issue or reviewed hotspot | info |
//!
//! Words are read in any case; `sonarqube-*` tag values are lower-cased
//! (issue and hotspot keys excepted), the issue's own tags kept as written.
//! `tool-severity` keeps the word used, as written; `severity-source` is
//! `tool` for SonarQube's words, `default` otherwise (a resolved issue keeps
//! the source of its own word).

use cordon_parser_support::{
    Keys, Obj, Shape, UNKNOWN_RULE, finding, high_medium_low, located, non_empty, nonempty,
    package_title, parse_or_foreign, position, present, tag, title_line, tool_or_default,
    top_level,
};
use cordon_sdk::{
    Component, Finding, FindingKind, Level, Location, Parser, Severity, SeveritySource, StageError,
};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// `tool` of every finding.
pub const TOOL: &str = "sonarqube";
/// The format name of an `api/issues/search` response.
pub const ISSUES_FORMAT: &str = "sonarqube-issues-json";
/// The format name of an `api/hotspots/search` response.
pub const HOTSPOTS_FORMAT: &str = "sonarqube-hotspots-json";
pub use cordon_parser_support::TITLE_MAX_CHARS;
/// What the parser calls the input in error messages.
const WHAT: &str = "SonarQube Web API response";

/// The stage, registered below.
pub struct SonarQubeParser;

impl Parser for SonarQubeParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(SonarQubeParser);

/// The top level of both responses.
#[derive(Deserialize)]
#[serde(expecting = "a SonarQube Web API response (a JSON object)")]
struct Document {
    paging: Option<Obj<Paging>>,
    issues: Option<Vec<Obj<Issue>>>,
    hotspots: Option<Vec<Obj<Hotspot>>>,
    components: Option<Vec<Obj<ComponentEntry>>>,
    #[serde(rename = "projectName", default, deserialize_with = "present")]
    project_name: Option<IgnoredAny>,
    #[serde(rename = "hotspotKeys", default, deserialize_with = "present")]
    hotspot_keys: Option<IgnoredAny>,
}

/// `paging`: which page of how many results this is.
#[derive(Deserialize)]
struct Paging {
    #[serde(rename = "pageIndex")]
    page_index: Option<u64>,
    #[serde(rename = "pageSize")]
    page_size: Option<u64>,
    total: Option<u64>,
}

/// `components[]`: what a component key stands for.
#[derive(Deserialize)]
struct ComponentEntry {
    key: Option<String>,
    path: Option<String>,
    qualifier: Option<String>,
}

/// `textRange` of an issue or hotspot.
#[derive(Deserialize)]
struct TextRange {
    #[serde(rename = "startLine", default, deserialize_with = "position")]
    start_line: Option<u32>,
    #[serde(rename = "endLine", default, deserialize_with = "position")]
    end_line: Option<u32>,
    #[serde(rename = "startOffset")]
    start_offset: Option<serde_json::Number>,
    #[serde(rename = "endOffset")]
    end_offset: Option<serde_json::Number>,
}

/// `issues[]` of `api/issues/search`.
#[derive(Deserialize)]
struct Issue {
    key: Option<String>,
    rule: String,
    severity: Option<String>,
    component: String,
    project: Option<String>,
    #[serde(default, deserialize_with = "position")]
    line: Option<u32>,
    #[serde(rename = "textRange")]
    text_range: Option<Obj<TextRange>>,
    status: Option<String>,
    #[serde(rename = "issueStatus")]
    issue_status: Option<String>,
    resolution: Option<String>,
    message: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(rename = "type")]
    issue_type: Option<String>,
    impacts: Option<Vec<Obj<Impact>>>,
}

/// `impacts[]` of an issue (SonarQube 10.2+).
#[derive(Deserialize)]
struct Impact {
    #[serde(rename = "softwareQuality")]
    software_quality: Option<String>,
    severity: Option<String>,
}

/// `hotspots[]` of `api/hotspots/search`.
#[derive(Deserialize)]
struct Hotspot {
    key: Option<String>,
    component: String,
    project: Option<String>,
    #[serde(rename = "securityCategory")]
    security_category: Option<String>,
    #[serde(rename = "vulnerabilityProbability")]
    vulnerability_probability: Option<String>,
    status: Option<String>,
    resolution: Option<String>,
    #[serde(default, deserialize_with = "position")]
    line: Option<u32>,
    #[serde(rename = "textRange")]
    text_range: Option<Obj<TextRange>>,
    message: Option<String>,
    #[serde(rename = "ruleKey")]
    rule_key: Option<String>,
}

/// Keys that mark an issue.
struct IssueKeys;
impl Keys for IssueKeys {
    const KEYS: &'static [&'static str] = &["rule", "component"];
}

/// Keys that mark a hotspot.
struct HotspotKeys;
impl Keys for HotspotKeys {
    const KEYS: &'static [&'static str] =
        &["vulnerabilityProbability", "securityCategory", "ruleKey"];
}

/// Error-path probe: is this a Web API response at all?
#[derive(Deserialize)]
struct Probe {
    #[serde(default, deserialize_with = "present")]
    paging: Option<IgnoredAny>,
    #[serde(rename = "projectName", default, deserialize_with = "present")]
    project_name: Option<IgnoredAny>,
    #[serde(rename = "hotspotKeys", default, deserialize_with = "present")]
    hotspot_keys: Option<IgnoredAny>,
    issues: Option<Shape<IssueKeys>>,
    hotspots: Option<Shape<HotspotKeys>>,
}

impl Probe {
    fn foreign(self) -> Option<StageError> {
        if self.project_name.is_some() || self.hotspot_keys.is_some() {
            return Some(sonar_report());
        }
        if self.paging.is_none() {
            return Some(no_paging());
        }
        if self.issues.as_ref().is_some_and(Shape::foreign) {
            return Some(cordon_parser_support::foreign_entries::<IssueKeys>(
                WHAT,
                Some("issues"),
            ));
        }
        self.hotspots
            .as_ref()
            .is_some_and(Shape::foreign)
            .then(|| cordon_parser_support::foreign_entries::<HotspotKeys>(WHAT, Some("hotspots")))
    }
}

fn sonar_report() -> StageError {
    StageError::UnsupportedFormat(
        "not a SonarQube Web API response: `projectName` / `hotspotKeys` mark the sonar-report \
         tool's JSON, another format"
            .into(),
    )
}

fn no_paging() -> StageError {
    StageError::UnsupportedFormat(
        "not a SonarQube Web API response: no `paging` object (api/issues/search and \
         api/hotspots/search always have one)"
            .into(),
    )
}

/// Parse a SonarQube `api/issues/search` or `api/hotspots/search` response
/// (see the crate docs for the rules).
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let bytes = top_level(report, b'{', "a SonarQube Web API JSON response", WHAT)?;
    let doc: Document = parse_or_foreign(bytes, WHAT, Probe::foreign)?;
    if doc.project_name.is_some() || doc.hotspot_keys.is_some() {
        return Err(sonar_report());
    }
    let Some(paging) = &doc.paging else {
        return Err(no_paging());
    };
    if doc.issues.is_none() && doc.hotspots.is_none() {
        return Err(StageError::UnsupportedFormat(
            "not a SonarQube Web API response: no `issues` (api/issues/search) or `hotspots` \
             (api/hotspots/search)"
                .into(),
        ));
    }
    let paths = Paths::new(doc.components.as_deref().unwrap_or_default());
    let issues = doc.issues.as_deref().unwrap_or_default();
    let hotspots = doc.hotspots.as_deref().unwrap_or_default();
    warn_if_partial(paging, issues.len().max(hotspots.len()));
    let mut out: Vec<Finding> = Vec::with_capacity(issues.len() + hotspots.len());
    out.extend(
        issues
            .iter()
            .enumerate()
            .map(|(i, issue)| convert_issue(issue, i, &paths)),
    );
    out.extend(
        hotspots
            .iter()
            .enumerate()
            .map(|(i, h)| convert_hotspot(h, i, &paths)),
    );
    Ok(out)
}

/// A warning when `paging` says results exist beyond this page.
fn warn_if_partial(paging: &Paging, on_page: usize) {
    let (Some(index), Some(size), Some(total)) =
        (paging.page_index, paging.page_size, paging.total)
    else {
        return;
    };
    let seen = index
        .saturating_sub(1)
        .saturating_mul(size)
        .saturating_add(u64::try_from(on_page).unwrap_or(u64::MAX));
    if total > seen {
        cordon_sdk::log(
            Level::Warn,
            &format!(
                "SonarQube response is page {index} (page size {size}) of {total} results: only \
                 this page is read; export every page (`p=1..`) to see them all"
            ),
        );
    }
}

/// Component keys to file paths (see the crate docs).
struct Paths<'a> {
    components: BTreeMap<&'a str, &'a ComponentEntry>,
}

impl<'a> Paths<'a> {
    fn new(entries: &'a [Obj<ComponentEntry>]) -> Self {
        let mut components = BTreeMap::new();
        for c in entries {
            if let Some(key) = c.key.as_deref() {
                components.entry(key).or_insert(&c.0);
            }
        }
        Paths { components }
    }

    /// The path of the file `component` (in `project`) names; `None` for
    /// the project itself.
    fn path<'s>(&'s self, component: &'s str, project: Option<&str>) -> Option<&'s str> {
        let entry = self.components.get(component);
        if let Some(path) = entry.and_then(|c| nonempty(&c.path)) {
            return Some(path);
        }
        let is_project = entry
            .and_then(|c| nonempty(&c.qualifier))
            .is_some_and(|q| q.eq_ignore_ascii_case("TRK"));
        if is_project || non_empty(project) == Some(component.trim()) {
            return None;
        }
        let in_project = non_empty(project)
            .and_then(|p| component.strip_prefix(p))
            .and_then(|rest| rest.strip_prefix(':'));
        Some(
            in_project
                .or_else(|| component.split_once(':').map(|(_, rest)| rest))
                .unwrap_or(component),
        )
    }

    fn locations(
        &self,
        component: &str,
        project: Option<&str>,
        line: Option<u32>,
        range: Option<&TextRange>,
    ) -> Vec<Location> {
        let Some(path) = self.path(component, project) else {
            return Vec::new();
        };
        let start_line = line.or(range.and_then(|r| r.start_line));
        let range = range.filter(|r| r.start_line.is_some() && r.start_line == start_line);
        located(path, |path| Location {
            path: path.to_string(),
            start_line,
            start_column: range.and_then(|r| column(r.start_offset.as_ref())),
            end_line: range.and_then(|r| r.end_line),
            end_column: range.and_then(|r| column(r.end_offset.as_ref())),
        })
    }
}

/// A 0-based `textRange` offset as a 1-based column (negative, fractional
/// or out-of-range offsets are `None`).
fn column(offset: Option<&serde_json::Number>) -> Option<u32> {
    offset
        .and_then(serde_json::Number::as_u64)
        .and_then(|n| n.checked_add(1))
        .and_then(|n| u32::try_from(n).ok())
}

/// `word` trimmed and upper-cased, for comparisons.
fn upper(word: Option<&str>) -> Option<String> {
    non_empty(word).map(str::to_ascii_uppercase)
}

/// The legacy issue `severity` (every version).
fn legacy_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "BLOCKER" => Severity::Critical,
        "CRITICAL" => Severity::High,
        "MAJOR" => Severity::Medium,
        "MINOR" => Severity::Low,
        "INFO" => Severity::Info,
        _ => return None,
    })
}

/// An `impacts[].severity` (10.2+: `HIGH`, `MEDIUM`, `LOW`; 10.8+ also
/// `BLOCKER` and `INFO`).
fn impact_level(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "BLOCKER" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "INFO" => Severity::Info,
        _ => return None,
    })
}

/// The severity of an issue, where it came from, and the word used.
fn issue_severity(issue: &Issue) -> (Severity, SeveritySource, Option<String>) {
    let impact = issue
        .impacts
        .iter()
        .flatten()
        .filter_map(|i| {
            let word = nonempty(&i.severity)?;
            Some((impact_level(word)?, word))
        })
        .min_by_key(|(s, _)| s.rank());
    if let Some((s, word)) = impact {
        return (s, SeveritySource::Tool, Some(word.to_string()));
    }
    let word = nonempty(&issue.severity);
    let (s, source) = tool_or_default(word.and_then(legacy_level), Severity::Medium);
    (s, source, word.map(str::to_string))
}

/// Whether an issue is no open problem any more (see the crate docs).
fn issue_resolved(issue: &Issue) -> bool {
    matches!(
        upper(issue.status.as_deref()).as_deref(),
        Some("RESOLVED" | "CLOSED")
    ) || matches!(
        upper(issue.issue_status.as_deref()).as_deref(),
        Some("FIXED" | "FALSE_POSITIVE" | "ACCEPTED")
    )
}

/// Whether a hotspot was reviewed as fixed or safe.
fn hotspot_resolved(h: &Hotspot) -> bool {
    upper(h.status.as_deref()).as_deref() == Some("REVIEWED")
        && upper(h.resolution.as_deref()).as_deref() != Some("ACKNOWLEDGED")
}

/// The status tags: status, resolution, and `resolved`.
fn status_tags(status: Option<&str>, resolution: Option<&str>, resolved: bool) -> Vec<String> {
    let mut tags: Vec<String> = [
        tag("sonarqube-status", status),
        tag("sonarqube-resolution", resolution),
    ]
    .into_iter()
    .flatten()
    .collect();
    if resolved {
        tags.push("resolved".to_string());
    }
    tags
}

/// What the dependency-check-sonar-plugin's message says: the library, its
/// vulnerability ids and CWEs.
struct Dependency {
    component: Component,
    ids: Vec<String>,
    cwes: Vec<u32>,
}

/// Read a Dependency-Check plugin message (see the crate docs); `None`
/// unless it starts with `Filename: `.
fn dependency(message: &str) -> Option<Dependency> {
    let mut parts = message.split(" | ");
    let file = non_empty(parts.next()?.trim_start().strip_prefix("Filename: "))?;
    let (name, version) = match file.rsplit_once(':') {
        Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => {
            (n.trim(), Some(v.trim().to_string()))
        }
        _ => (file, None),
    };
    let (mut ids, mut cwes) = (Vec::<String>::new(), Vec::<u32>::new());
    let mut add_id = |id: &str| {
        if !id.is_empty() && !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
        }
    };
    for part in parts {
        let part = part.trim();
        if let Some(id) = part.strip_prefix("Reference: ") {
            add_id(id.trim());
        } else if let Some(list) = part.strip_prefix("References: ") {
            list.split_whitespace()
                .filter(|t| !t.starts_with('('))
                .for_each(&mut add_id);
        } else if let Some(cwe) = part.strip_prefix("Category: ")
            && let Some(n) = cordon_parser_support::cwe_number(cwe)
            && !cwes.contains(&n)
        {
            cwes.push(n);
        }
    }
    Some(Dependency {
        component: Component {
            name: name.to_string(),
            version,
            purl: None,
            fixed_versions: Vec::new(),
        },
        ids,
        cwes,
    })
}

fn convert_issue(issue: &Issue, i: usize, paths: &Paths<'_>) -> Finding {
    let rule_id = non_empty(Some(&issue.rule))
        .unwrap_or(UNKNOWN_RULE)
        .to_string();
    let message = issue.message.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let (mut severity, severity_source, tool_severity) = issue_severity(issue);
    let resolved = issue_resolved(issue);
    if resolved {
        severity = Severity::Info;
    }
    let status = nonempty(&issue.status).or(nonempty(&issue.issue_status));
    let mut tags: Vec<String> = tag("sonarqube-type", issue.issue_type.as_deref())
        .into_iter()
        .collect();
    tags.extend(status_tags(status, issue.resolution.as_deref(), resolved));
    for impact in issue.impacts.iter().flatten() {
        if let (Some(q), Some(s)) = (
            nonempty(&impact.software_quality),
            nonempty(&impact.severity),
        ) {
            tags.push(format!(
                "sonarqube-impact:{}:{}",
                q.to_ascii_lowercase(),
                s.to_ascii_lowercase()
            ));
        }
    }
    tags.extend(nonempty(&issue.key).map(|k| format!("sonarqube-issue:{k}")));
    for t in issue.tags.iter().flatten() {
        if let Some(t) = non_empty(Some(t))
            && !tags.iter().any(|x| x == t)
        {
            tags.push(t.to_string());
        }
    }
    let dep = rule_id
        .starts_with("OWASP:")
        .then(|| dependency(&message))
        .flatten();
    let kind = if dep.is_some() {
        FindingKind::Sca
    } else {
        FindingKind::Sast
    };
    let (component, vulnerability_ids, cwes) = match dep {
        Some(d) => (Some(d.component), d.ids, d.cwes),
        None => (None, Vec::new(), Vec::new()),
    };
    let title = match (&component, vulnerability_ids.first()) {
        (Some(c), Some(id)) => package_title(id, Some(&c.name), c.version.as_deref()),
        _ => title,
    };
    Finding {
        message,
        tool_severity,
        severity_source,
        locations: paths.locations(
            &issue.component,
            issue.project.as_deref(),
            issue.line,
            issue.text_range.as_deref(),
        ),
        component,
        vulnerability_ids,
        cwes,
        tags,
        source_pointer: format!("/issues/{i}"),
        ..finding(TOOL, rule_id, title, kind, severity)
    }
}

fn convert_hotspot(h: &Hotspot, i: usize, paths: &Paths<'_>) -> Finding {
    let rule_id = nonempty(&h.rule_key).unwrap_or(UNKNOWN_RULE).to_string();
    let message = h.message.clone().unwrap_or_default();
    let title = title_line(&message).unwrap_or_else(|| rule_id.clone());
    let word = nonempty(&h.vulnerability_probability);
    let (mut severity, severity_source) =
        tool_or_default(word.and_then(high_medium_low), Severity::Medium);
    let resolved = hotspot_resolved(h);
    if resolved {
        severity = Severity::Info;
    }
    let mut tags = vec!["sonarqube-type:security_hotspot".to_string()];
    tags.extend(tag("sonarqube-category", h.security_category.as_deref()));
    tags.extend(status_tags(
        h.status.as_deref(),
        h.resolution.as_deref(),
        resolved,
    ));
    tags.extend(nonempty(&h.key).map(|k| format!("sonarqube-hotspot:{k}")));
    Finding {
        message,
        tool_severity: word.map(str::to_string),
        severity_source,
        locations: paths.locations(
            &h.component,
            h.project.as_deref(),
            h.line,
            h.text_range.as_deref(),
        ),
        tags,
        source_pointer: format!("/hotspots/{i}"),
        ..finding(TOOL, rule_id, title, FindingKind::Sast, severity)
    }
}

#[cfg(test)]
mod tests;
