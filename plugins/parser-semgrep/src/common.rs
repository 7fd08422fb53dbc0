//! Mapping helpers shared by the three Semgrep formats.

use cordon_parser_support::{loose_string, non_empty};
use cordon_sdk::{Component, Severity};
use serde::Deserialize;

pub use cordon_parser_support::TITLE_MAX_CHARS;
pub(crate) use cordon_parser_support::{tag, title_line};

/// A dependency a Supply Chain rule matched: the CLI's
/// `extra.sca_info.dependency_match.found_dependency`, the App's
/// `found_dependency` and `fix_recommendations[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Dependency {
    pub package: Option<String>,
    pub version: Option<String>,
    pub ecosystem: Option<String>,
    #[serde(deserialize_with = "loose_string")]
    pub transitivity: Option<String>,
}

impl Dependency {
    /// The component named by `package` (none without one), at `version`
    /// as the format reads it, with a purl from `ecosystem` and the
    /// versions `fixed` gives for that name.
    pub fn component(
        &self,
        version: Option<String>,
        fixed: impl FnOnce(&str) -> Vec<String>,
    ) -> Option<Component> {
        let name = non_empty(self.package.as_deref())?;
        Some(Component {
            name: name.to_string(),
            purl: self
                .ecosystem
                .as_deref()
                .and_then(|eco| purl(eco, name, version.as_deref())),
            version,
            fixed_versions: fixed(name),
        })
    }
}

/// A CLI rule severity (`extra.severity`) on the canonical scale, folded as
/// Semgrep's SARIF folds it into `defaultConfiguration.level` (`CRITICAL`,
/// `HIGH`, `ERROR` are all `error` there), so that the JSON and the SARIF of
/// one scan agree. See the crate docs for the table.
pub(crate) fn cli_severity(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" | "HIGH" | "ERROR" => Severity::High,
        "MEDIUM" | "MODERATE" | "WARNING" => Severity::Medium,
        "LOW" | "INFO" => Severity::Low,
        "INVENTORY" | "EXPERIMENT" | "NONE" => Severity::Info,
        _ => return None,
    })
}

/// A Semgrep App severity (a finding's `severity`, an advisory's
/// `severity`) on the canonical scale. See the crate docs for the table.
pub(crate) fn app_severity(raw: &str) -> Option<Severity> {
    Some(match raw.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "ERROR" | "HIGH" => Severity::High,
        "WARNING" | "MEDIUM" | "MODERATE" => Severity::Medium,
        "INFO" | "LOW" => Severity::Low,
        "INVENTORY" | "EXPERIMENT" | "NONE" => Severity::Info,
        _ => return None,
    })
}

/// A rule's `metadata.security-severity` when it is a 0.0-10.0 score (a
/// word such as GitLab's `CRITICAL` is not one). Semgrep copies it into its
/// SARIF rule's `properties`, where `parser-sarif` reads it the same way.
pub(crate) fn security_severity(raw: &str) -> Option<Severity> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .and_then(Severity::from_cvss_score)
}

/// `CWE-78: Improper ...`, `CWE-079`, `cwe:22` or `89` as a CWE number.
pub(crate) fn parse_cwe(s: &str) -> Option<u32> {
    let t = s.trim();
    let rest = match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("cwe") => t.get(3..).unwrap_or(""),
        _ => t,
    };
    let rest = rest.trim_start_matches(['-', ':', '_', ' ']);
    let digits: &str = rest
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest, |end| rest.get(..end).unwrap_or(""));
    digits.parse::<u32>().ok().filter(|&n| n > 0)
}

/// Every CWE number found in `items`, in order, without duplicates.
pub(crate) fn cwes<'a>(items: impl IntoIterator<Item = &'a String>) -> Vec<u32> {
    let mut out = Vec::new();
    for n in items.into_iter().filter_map(|s| parse_cwe(s)) {
        push_unique(&mut out, n);
    }
    out
}

/// Push `v` unless it is already there.
pub(crate) fn push_unique<T: PartialEq>(v: &mut Vec<T>, item: T) {
    if !v.contains(&item) {
        v.push(item);
    }
}

/// The `GHSA-xxxx-xxxx-xxxx` ids in `s` (for example in an advisory URL).
pub(crate) fn find_ghsa(s: &str, out: &mut Vec<String>) {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = s.get(from..).and_then(|r| r.find("GHSA-")) {
        let start = from + pos;
        let body = bytes.get(start + 5..start + 19);
        let ok = body.is_some_and(|b| {
            b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 9 {
                    *c == b'-'
                } else {
                    c.is_ascii_alphanumeric()
                }
            })
        });
        let boundary = bytes
            .get(start + 19)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if ok
            && boundary
            && let Some(id) = s.get(start..start + 19)
        {
            push_unique(out, id.to_string());
        }
        from = start + 5;
    }
}

/// Whether `s` looks like a vulnerability id cordon lists in
/// `vulnerability-ids` (`CVE-`, `GHSA-`, ...).
pub(crate) fn is_vuln_id(s: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "CVE-", "GHSA-", "OSV-", "PYSEC-", "RUSTSEC-", "GO-", "GMS-", "SNYK-",
    ];
    let upper = s.trim().to_ascii_uppercase();
    PREFIXES
        .iter()
        .any(|p| upper.starts_with(p) && upper.len() > p.len())
}

/// A package URL for a Semgrep ecosystem name, when the ecosystem is one
/// cordon knows and the name needs no escaping beyond an npm scope.
pub(crate) fn purl(ecosystem: &str, name: &str, version: Option<&str>) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let clean = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '~'))
    };
    let (kind, path) = match ecosystem.trim().to_ascii_lowercase().as_str() {
        "npm" => {
            let path = match name.strip_prefix('@') {
                Some(scoped) => format!("%40{scoped}"),
                None => name.to_string(),
            };
            ("npm", path)
        }
        "pypi" => ("pypi", name.to_ascii_lowercase().replace('_', "-")),
        "gem" | "rubygems" => ("gem", name.to_string()),
        "cargo" => ("cargo", name.to_string()),
        "gomod" | "go" | "golang" => ("golang", name.to_string()),
        "composer" => ("composer", name.to_string()),
        "nuget" => ("nuget", name.to_string()),
        "hex" => ("hex", name.to_string()),
        "pub" => ("pub", name.to_string()),
        "maven" => ("maven", name.replacen(':', "/", 1)),
        _ => return None,
    };
    let check = path.strip_prefix("%40").unwrap_or(&path);
    if !clean(check) {
        return None;
    }
    let version_ok = |v: &str| {
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '~'))
    };
    match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if version_ok(v) => Some(format!("pkg:{kind}/{path}@{}", v.replace('+', "%2B"))),
        Some(_) => None,
        None => Some(format!("pkg:{kind}/{path}")),
    }
}

/// `repository/path` for the App exports, which cover several repositories
/// and give paths relative to each. Without a repository name the path is
/// kept as written.
pub(crate) fn qualify(repository: Option<&str>, path: &str) -> String {
    match repository.map(str::trim).filter(|r| !r.is_empty()) {
        Some(repo) => {
            let repo = repo.trim_end_matches('/');
            let path = path.trim_start_matches('/');
            format!("{repo}/{path}")
        }
        None => path.to_string(),
    }
}
