//! `parser-osv-scanner`: OSV-Scanner JSON output (`osv-scanner --format
//! json`) into cordon findings.
//!
//! One finding per OSV record listed for a package
//! (`results[].packages[].vulnerabilities[]`), in document order.
//!
//! # Input
//!
//! * A UTF-8 byte-order mark is skipped; an empty (or all-whitespace) input
//!   is `malformed-input` (osv-scanner always writes a JSON object).
//! * Invalid JSON, or a property of the wrong type in osv-scanner's own
//!   structure or a standard OSV field, is `malformed-input` with the line
//!   and column serde_json reports. Unknown properties are ignored; `null`
//!   counts as absent; values of unexpected types inside the free-form
//!   `database_specific` objects are ignored.
//! * The top level must be an object with a `results` property (an empty
//!   list, or `null`, gives no findings); anything else is
//!   `unsupported-format`.
//!
//! # Mapping
//!
//! | finding field | from |
//! |---|---|
//! | `tool`, `tool-version` | `osv-scanner`, none (the output has no version) |
//! | `rule-id` | the alias group's id (see below), else the record's `id` (`unknown` when absent) |
//! | `title` | `<id> in <package.name> <package.version>` |
//! | `message` | `summary`, then `details` |
//! | `severity` | see below |
//! | `kind` | `container` for OS ecosystems (`Debian`, `Alpine`, `Ubuntu`, ...), else `sca` |
//! | `locations` | `source.path` (the lockfile or directory), no line |
//! | `component` | `package.name`, `.version`, no purl; for a git source without a name, the `GIT` range's `repo` and the `commit`; fixed versions = every `fixed` event of the non-`GIT` ranges |
//! | `vulnerability-ids` | `id`, `aliases`, and the group's `aliases` |
//! | `cwes` | `database_specific.cwe_ids` and `affected[].database_specific.cwes[].cweId` |
//! | `tags` | `ecosystem:<package.ecosystem>`, `source-type:<source.type>` |
//! | `help-uri` | the first `ADVISORY` reference, else the first reference |
//! | `source-pointer` | `/results/<r>/packages/<p>/vulnerabilities/<v>` |
//!
//! ## Alias groups
//!
//! OSV databases publish the same vulnerability under several ids (a
//! `GHSA-...` and a `PYSEC-...` record for one CVE), and osv-scanner lists
//! each record. Its `groups` say which records of a package are one
//! vulnerability. Every record of a group gets the group's smallest id as
//! its `rule-id`, so the normalizer merges them into one finding per
//! vulnerability and package (with the union of the ids and the highest
//! severity). Records that no group covers (older osv-scanner versions
//! write no groups) are grouped the same way when their `id` and `aliases`
//! overlap.
//!
//! # Severity
//!
//! The first that applies:
//!
//! 1. `database_specific.severity` (GitHub's): `CRITICAL` → critical, `HIGH`
//!    → high, `MODERATE` / `MEDIUM` → medium, `LOW` → low;
//! 2. the record's CVSS vector (`severity[]`, `CVSS_V4` before `CVSS_V3`),
//!    scored: `>= 9.0` critical, `>= 7.0` high, `>= 4.0` medium, `> 0` low,
//!    `0` info;
//! 3. the group's `max_severity` score, same bands;
//! 4. a malicious-package record (`MAL-...`): critical, since OSV gives such
//!    records no score but the package is compromised;
//! 5. otherwise low (a known vulnerability of unknown severity).
//!
//! `tool-severity` is the string that decided (`HIGH`, the vector,
//! `max_severity:7.5`, `malicious-package`), or none for the last rule.
//! `severity-source` is `tool` for rule 1, `cvss` for rules 2 and 3,
//! `default` for rules 4 and 5.

mod model;

pub use cordon_parser_support::cvss_severity;
use cordon_parser_support::{
    cwe_suffix, file_location, finding, nonempty, one_line, package_kind, package_title,
    parse_object,
};
use cordon_sdk::{Component, Finding, Parser, Severity, SeveritySource, StageError};
// The tests compare finding kinds.
#[cfg(test)]
use cordon_sdk::FindingKind;
use model::{Obj, Osv, PackageEntry, Report};
use std::collections::HashMap;
use std::str::FromStr;

/// Format name of OSV-Scanner JSON output.
pub const FORMAT: &str = "osv-scanner-json";
/// The tool name every finding carries.
pub const TOOL: &str = "osv-scanner";
pub use cordon_parser_support::{TITLE_MAX_CHARS, UNKNOWN_RULE};

/// The format, as named in malformed-input errors.
const WHAT: &str = "OSV-Scanner JSON output";

/// Ecosystem prefixes of operating-system packages.
const OS_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Chainguard",
    "Debian",
    "Mageia",
    "MinimOS",
    "openEuler",
    "openSUSE",
    "Photon OS",
    "Red Hat",
    "Rocky Linux",
    "SUSE",
    "Ubuntu",
    "Wolfi",
];

/// The stage, registered below.
pub struct OsvScannerParser;

impl Parser for OsvScannerParser {
    fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
        parse(report)
    }
}

cordon_sdk::register_parser!(OsvScannerParser);

/// Parse OSV-Scanner JSON output into findings.
pub fn parse(report: &[u8]) -> Result<Vec<Finding>, StageError> {
    let report: Obj<Report> = parse_object(
        report,
        "OSV-Scanner JSON output",
        WHAT,
        "not OSV-Scanner output: the top-level JSON value must be an object",
    )?;
    let Some(results) = &report.results else {
        return Err(StageError::UnsupportedFormat(
            "not OSV-Scanner output: no 'results' property".into(),
        ));
    };
    let mut findings = Vec::new();
    for (r, result) in results.iter().flatten().enumerate() {
        let source = result.source.as_deref();
        let path = source.and_then(|s| nonempty(&s.path));
        let source_type = source.and_then(|s| nonempty(&s.r#type));
        for (p, entry) in result.packages.iter().flatten().enumerate() {
            let (groups, member) = alias_groups(entry);
            for (v, osv) in entry.vulnerabilities.iter().flatten().enumerate() {
                let group = member.get(v).copied().flatten().and_then(|k| groups.get(k));
                findings.push(convert(
                    osv,
                    entry,
                    group,
                    path,
                    source_type,
                    format!("/results/{r}/packages/{p}/vulnerabilities/{v}"),
                ));
            }
        }
    }
    Ok(findings)
}

/// An alias group of a package's records.
struct AliasGroup {
    /// The group's smallest record id: the `rule-id` of every member.
    rule_id: String,
    /// Every id and alias of the group and its members.
    ids: Vec<String>,
}

/// The alias groups of a package's records, and for each record (by index)
/// the group it belongs to.
fn alias_groups(entry: &PackageEntry) -> (Vec<AliasGroup>, Vec<Option<usize>>) {
    let vulns = entry.vulnerabilities.as_deref().unwrap_or_default();
    let ids: Vec<Option<&str>> = vulns.iter().map(|v| nonempty(&v.id)).collect();
    let names = |v: &Osv| -> Vec<String> {
        nonempty(&v.id)
            .into_iter()
            .chain(v.aliases.iter().flatten().map(|s| s.trim()))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut groups: Vec<AliasGroup> = Vec::new();
    let mut member: Vec<Option<usize>> = vec![None; vulns.len()];

    // osv-scanner's groups.
    for g in entry.groups.iter().flatten() {
        let listed: Vec<&str> = g
            .ids
            .iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let Some(rule_id) = listed.iter().min() else {
            continue;
        };
        let mut all: Vec<String> = Vec::new();
        for s in listed
            .iter()
            .copied()
            .chain(g.aliases.iter().flatten().map(|s| s.trim()))
        {
            if !s.is_empty() {
                push_unique(&mut all, s.to_string());
            }
        }
        let k = groups.len();
        for (i, v) in vulns.iter().enumerate() {
            let id = ids.get(i).copied().flatten();
            if let Some(slot) = member.get_mut(i)
                && slot.is_none()
                && id.is_some_and(|id| listed.contains(&id))
            {
                *slot = Some(k);
                for n in names(v) {
                    push_unique(&mut all, n);
                }
            }
        }
        groups.push(AliasGroup {
            rule_id: (*rule_id).to_string(),
            ids: all,
        });
    }

    // The rest: records whose id and aliases overlap (union-find; the root
    // of a set is its smallest index).
    let mut parent: Vec<usize> = (0..vulns.len()).collect();
    fn find(parent: &[usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            i = p;
        }
        i
    }
    let ungrouped: Vec<bool> = (0..vulns.len())
        .map(|i| {
            member.get(i).is_some_and(Option::is_none) && ids.get(i).copied().flatten().is_some()
        })
        .collect();
    let ungrouped = |i: usize| ungrouped.get(i).copied().unwrap_or(false);
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, v) in vulns.iter().enumerate() {
        if !ungrouped(i) {
            continue;
        }
        for name in names(v) {
            match owner.get(&name) {
                Some(&j) => {
                    let (a, b) = (find(&parent, i), find(&parent, j));
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
                None => {
                    owner.insert(name, i);
                }
            }
        }
    }
    let mut by_root: HashMap<usize, usize> = HashMap::new();
    for (i, v) in vulns.iter().enumerate() {
        if !ungrouped(i) {
            continue;
        }
        let Some(id) = ids.get(i).copied().flatten() else {
            continue;
        };
        let root = find(&parent, i);
        let k = *by_root.entry(root).or_insert_with(|| {
            groups.push(AliasGroup {
                rule_id: id.to_string(),
                ids: Vec::new(),
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(k) {
            if id < g.rule_id.as_str() {
                g.rule_id = id.to_string();
            }
            for n in names(v) {
                push_unique(&mut g.ids, n);
            }
        }
        if let Some(slot) = member.get_mut(i) {
            *slot = Some(k);
        }
    }
    (groups, member)
}

/// One OSV record of one package into one finding.
fn convert(
    osv: &Osv,
    entry: &PackageEntry,
    alias_group: Option<&AliasGroup>,
    path: Option<&str>,
    source_type: Option<&str>,
    source_pointer: String,
) -> Finding {
    let package = entry.package.as_deref();
    let name = package.and_then(|p| nonempty(&p.name));
    let version = package.and_then(|p| nonempty(&p.version));
    let ecosystem = package.and_then(|p| nonempty(&p.ecosystem));
    let commit = package.and_then(|p| nonempty(&p.commit));
    let id = nonempty(&osv.id);
    let affected = osv.affected.as_deref().unwrap_or_default();

    let title = package_title(id.unwrap_or("Vulnerability"), name, version);
    let message = [nonempty(&osv.summary), nonempty(&osv.details)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n");

    let group = entry
        .groups
        .iter()
        .flatten()
        .find(|g| id.is_some_and(|id| g.ids.iter().flatten().any(|x| x.trim() == id)));
    let (severity, severity_source, tool_severity) =
        severity(osv, group.and_then(|g| g.max_severity.0.as_deref()));

    let ranges = affected.iter().flat_map(|a| a.ranges.iter().flatten());
    let mut fixed_versions: Vec<String> = Vec::new();
    let mut repo: Option<&str> = None;
    for range in ranges {
        let is_git = nonempty(&range.r#type).is_some_and(|t| t.eq_ignore_ascii_case("GIT"));
        if is_git {
            repo = repo.or(nonempty(&range.repo));
            continue;
        }
        for event in range.events.iter().flatten() {
            if let Some(f) = nonempty(&event.fixed) {
                push_unique(&mut fixed_versions, f.to_string());
            }
        }
    }
    let component = match (name, commit.and(repo)) {
        (Some(n), _) => Some(Component {
            name: n.to_string(),
            version: version.map(str::to_string),
            purl: None,
            fixed_versions,
        }),
        (None, Some(repo)) => Some(Component {
            name: repo.to_string(),
            version: commit.map(str::to_string),
            purl: None,
            fixed_versions,
        }),
        (None, None) => None,
    };

    let mut vulnerability_ids: Vec<String> = Vec::new();
    let aliases = osv.aliases.iter().flatten().map(|s| s.trim());
    let group_ids = alias_group
        .into_iter()
        .flat_map(|g| g.ids.iter().map(String::as_str));
    for v in id.into_iter().chain(aliases).chain(group_ids) {
        if !v.is_empty() {
            push_unique(&mut vulnerability_ids, v.to_string());
        }
    }

    let mut cwes: Vec<u32> = Vec::new();
    let record_cwes = osv
        .database_specific
        .0
        .as_ref()
        .map(|d| d.cwe_ids.0.as_slice())
        .unwrap_or_default();
    let affected_cwes = affected
        .iter()
        .filter_map(|a| a.database_specific.0.as_ref())
        .flat_map(|d| d.cwes.0.iter());
    for c in record_cwes.iter().chain(affected_cwes) {
        if let Some(n) = cwe_suffix(c).and_then(|d| d.parse().ok())
            && !cwes.contains(&n)
        {
            cwes.push(n);
        }
    }

    let mut tags = Vec::new();
    if let Some(e) = ecosystem {
        tags.push(format!("ecosystem:{e}"));
    }
    if let Some(t) = source_type {
        tags.push(format!("source-type:{t}"));
    }

    let is_os = ecosystem.is_some_and(|e| {
        OS_ECOSYSTEMS.iter().any(|os| {
            e.len() >= os.len()
                && e.get(..os.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(os))
        })
    });

    let references = osv.references.as_deref().unwrap_or_default();
    let help_uri = references
        .iter()
        .find(|r| nonempty(&r.r#type).is_some_and(|t| t.eq_ignore_ascii_case("ADVISORY")))
        .and_then(|r| nonempty(&r.url))
        .or_else(|| references.iter().find_map(|r| nonempty(&r.url)))
        .map(str::to_string);

    Finding {
        message,
        tool_severity,
        locations: path.map(file_location).into_iter().collect(),
        component,
        vulnerability_ids,
        cwes,
        tags,
        help_uri,
        source_pointer,
        severity_source,
        ..finding(
            TOOL,
            alias_group
                .map(|g| g.rule_id.as_str())
                .or(id)
                .unwrap_or(UNKNOWN_RULE)
                .to_string(),
            one_line(&title, TITLE_MAX_CHARS),
            package_kind(is_os),
            severity,
        )
    }
}

/// Map GitHub's `database_specific.severity` names.
pub fn severity_from_name(name: &str) -> Option<Severity> {
    Some(match name.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MODERATE" | "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        _ => return None,
    })
}

/// The base score of a CVSS v3.x or v4.0 vector, if it parses.
pub fn cvss_score(vector: &str) -> Option<f64> {
    cvss::Cvss::from_str(vector.trim())
        .ok()
        .map(|c| c.score())
        .filter(|s| s.is_finite() && *s >= 0.0)
}

/// Severity of a record, where it came from, and the string that decided
/// (see the crate docs).
fn severity(osv: &Osv, group_max: Option<&str>) -> (Severity, SeveritySource, Option<String>) {
    let named = osv
        .database_specific
        .0
        .as_ref()
        .and_then(|d| d.severity.0.as_deref())
        .map(str::trim);
    if let Some(s) = named.and_then(severity_from_name) {
        return (s, SeveritySource::Tool, named.map(str::to_string));
    }
    let entries = osv.severity.as_deref().unwrap_or_default();
    for wanted in ["CVSS_V4", "CVSS_V3"] {
        for e in entries {
            if nonempty(&e.r#type).is_some_and(|t| t.eq_ignore_ascii_case(wanted))
                && let Some(vector) = nonempty(&e.score)
                && let Some(s) = cvss_score(vector).and_then(Severity::from_cvss_score)
            {
                return (s, SeveritySource::Cvss, Some(vector.to_string()));
            }
        }
    }
    if let Some(max) = group_max.map(str::trim)
        && let Some(s) = max.parse::<f64>().ok().and_then(Severity::from_cvss_score)
    {
        return (s, SeveritySource::Cvss, Some(format!("max_severity:{max}")));
    }
    if nonempty(&osv.id).is_some_and(|id| id.starts_with("MAL-")) {
        return (
            Severity::Critical,
            SeveritySource::Default,
            Some("malicious-package".to_string()),
        );
    }
    (Severity::Low, SeveritySource::Default, None)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests;
