//! The slice of Snyk's `snyk test --json` output this parser reads.
//!
//! Only the properties the parser uses are declared; everything else is
//! ignored. `null` is accepted wherever Snyk has been seen to write it.

use cordon_parser_support::Obj;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

/// One project's result: the whole document for `snyk test --json`, one
/// array element for `--all-projects`, one `applications[]` entry of a
/// container result.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Project {
    #[serde(default)]
    pub vulnerabilities: Option<Vec<Obj<Vulnerability>>>,
    /// Set (with `ok: false`) when the CLI wrote an error instead.
    #[serde(default)]
    pub error: Option<Value>,
    #[serde(default)]
    pub display_target_file: Option<String>,
    #[serde(default)]
    pub target_file: Option<String>,
    #[serde(default)]
    pub package_manager: Option<String>,
    /// Snyk Container: the image's application dependencies (`--app-vulns`).
    #[serde(default)]
    pub applications: Option<Vec<Obj<Project>>>,
    /// SARIF (Snyk Code, `--sarif`): not this format.
    #[serde(default)]
    pub runs: Option<IgnoredAny>,
    /// Snyk IaC: not this format.
    #[serde(default)]
    pub infrastructure_as_code_issues: Option<IgnoredAny>,
}

/// One vulnerable dependency path (or license issue).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Vulnerability {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub severity_with_critical: Option<String>,
    /// `license` for license issues; absent for vulnerabilities.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub package_name: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub package_manager: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub from: Option<Vec<String>>,
    #[serde(default)]
    pub upgrade_path: Option<Vec<Value>>,
    #[serde(default)]
    pub fixed_in: Option<Vec<String>>,
    #[serde(default)]
    pub identifiers: Option<Obj<Identifiers>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_upgradable: Option<bool>,
    #[serde(default)]
    pub is_patchable: Option<bool>,
}

/// `identifiers`: lists of ids by kind.
#[derive(Deserialize)]
pub(crate) struct Identifiers {
    #[serde(default, rename = "CVE")]
    pub cve: Option<Vec<String>>,
    #[serde(default, rename = "GHSA")]
    pub ghsa: Option<Vec<String>>,
    #[serde(default, rename = "CWE")]
    pub cwe: Option<Vec<String>>,
}
