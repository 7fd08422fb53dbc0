//! The slice of npm's audit report this parser reads.
//!
//! Only the properties the parser uses are declared; everything else is
//! ignored. Properties whose shape changed between npm versions (`cwe`,
//! `fixAvailable`, `via` entries) are read as small [`Value`]s or enums.

use cordon_parser_support::{Entries, Obj};
use serde::Deserialize;
use serde_json::Value;

/// The top level of any npm audit JSON document (npm 6, npm 7+, the
/// `npm audit fix --dry-run --json` wrapper, or an error document).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    /// `2` for npm 7 and later; absent for npm 6.
    #[serde(default)]
    pub audit_report_version: Option<Value>,
    /// npm 6: advisories by id.
    #[serde(default)]
    pub advisories: Option<Entries<Obj<Advisory>>>,
    /// npm 7+: vulnerable packages by name.
    #[serde(default)]
    pub vulnerabilities: Option<Entries<Obj<Package>>>,
    /// What npm writes instead of a report when the audit failed.
    #[serde(default)]
    pub error: Option<Value>,
    /// `npm audit fix --dry-run --json` nests the report here.
    #[serde(default)]
    pub audit: Option<Box<Obj<Report>>>,
}

/// npm 6: one advisory and where it was found.
#[derive(Deserialize)]
pub(crate) struct Advisory {
    /// npm's advisory number.
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default)]
    pub title: Option<String>,
    pub module_name: String,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub cves: Option<Vec<String>>,
    #[serde(default)]
    pub github_advisory_id: Option<String>,
    /// `null`, `"CWE-79"`, `["CWE-79"]` or `"[\"CWE-79\"]"`.
    #[serde(default)]
    pub cwe: Option<Value>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub overview: Option<String>,
    #[serde(default)]
    pub recommendation: Option<String>,
    #[serde(default)]
    pub vulnerable_versions: Option<String>,
    #[serde(default)]
    pub patched_versions: Option<String>,
    #[serde(default)]
    pub findings: Option<Vec<Obj<AdvisoryFinding>>>,
}

/// npm 6: one installed version an advisory applies to.
#[derive(Deserialize)]
pub(crate) struct AdvisoryFinding {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub paths: Option<Vec<String>>,
    #[serde(default)]
    pub dev: Option<bool>,
}

/// npm 7+: one vulnerable package.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Package {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub is_direct: Option<bool>,
    #[serde(default)]
    pub via: Option<Vec<Via>>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub nodes: Option<Vec<String>>,
    /// `true`, `false` or `{name, version, isSemVerMajor}`.
    #[serde(default)]
    pub fix_available: Option<Value>,
}

/// npm 7+: why a package is vulnerable.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Via {
    /// The name of another vulnerable package this one depends on.
    Dependency(String),
    /// An advisory against this package.
    Advisory(Box<Obj<ViaAdvisory>>),
}

/// npm 7+: an advisory in a `via` list.
#[derive(Deserialize)]
pub(crate) struct ViaAdvisory {
    /// npm's advisory number.
    #[serde(default)]
    pub source: Option<Value>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub cwe: Option<Value>,
    #[serde(default)]
    pub range: Option<String>,
}
