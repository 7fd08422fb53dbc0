//! The parts of Trivy's JSON report that the parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent): a string where an array belongs is a `malformed-input` error with
//! the position serde_json reports. Nothing here holds a whole document as
//! `serde_json::Value`.

use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) use cordon_parser_support::Obj;

/// A top-level object: schema 2 (`SchemaVersion`, `Results`) or a
/// Kubernetes report (`ClusterName` with `Resources`, or the older
/// `Vulnerabilities` / `Misconfigurations` lists of resources).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    #[serde(rename = "SchemaVersion")]
    pub schema_version: Option<i64>,
    #[serde(rename = "Trivy")]
    pub trivy: Option<Obj<TrivyInfo>>,
    #[serde(rename = "ClusterName")]
    pub cluster_name: Option<String>,
    #[serde(rename = "Results")]
    pub results: Option<Vec<Obj<TargetResult>>>,
    #[serde(rename = "Resources")]
    pub resources: Option<Vec<Obj<Resource>>>,
    #[serde(rename = "Vulnerabilities")]
    pub vulnerabilities: Option<Vec<Obj<Resource>>>,
    #[serde(rename = "Misconfigurations")]
    pub misconfigurations: Option<Vec<Obj<Resource>>>,
}

/// `Trivy` (the producer, written by newer versions).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TrivyInfo {
    #[serde(rename = "Version")]
    pub version: Option<String>,
}

/// A Kubernetes resource with the results of its scan.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Resource {
    #[serde(rename = "Namespace")]
    pub namespace: Option<String>,
    #[serde(rename = "Kind")]
    pub kind: Option<String>,
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "Results")]
    pub results: Option<Vec<Obj<TargetResult>>>,
}

/// One scan target (an image's OS, a lockfile, a config file, ...).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TargetResult {
    #[serde(rename = "Target")]
    pub target: Option<String>,
    #[serde(rename = "Class")]
    pub class: Option<String>,
    #[serde(rename = "Type")]
    pub r#type: Option<String>,
    #[serde(rename = "Vulnerabilities")]
    pub vulnerabilities: Option<Vec<Obj<Vulnerability>>>,
    #[serde(rename = "Misconfigurations")]
    pub misconfigurations: Option<Vec<Obj<Misconfiguration>>>,
    #[serde(rename = "Secrets")]
    pub secrets: Option<Vec<Obj<Secret>>>,
    #[serde(rename = "Licenses")]
    pub licenses: Option<Vec<Obj<License>>>,
}

/// A vulnerability in a package.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vulnerability {
    #[serde(rename = "VulnerabilityID")]
    pub vulnerability_id: Option<String>,
    #[serde(rename = "PkgName")]
    pub pkg_name: Option<String>,
    #[serde(rename = "PkgPath")]
    pub pkg_path: Option<String>,
    #[serde(rename = "PkgIdentifier")]
    pub pkg_identifier: Option<Obj<PkgIdentifier>>,
    #[serde(rename = "InstalledVersion")]
    pub installed_version: Option<String>,
    #[serde(rename = "FixedVersion")]
    pub fixed_version: Option<String>,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "SeveritySource")]
    pub severity_source: Option<String>,
    #[serde(rename = "PrimaryURL")]
    pub primary_url: Option<String>,
    #[serde(rename = "Title")]
    pub title: Option<String>,
    #[serde(rename = "Description")]
    pub description: Option<String>,
    #[serde(rename = "Severity")]
    pub severity: Option<String>,
    #[serde(rename = "CweIDs")]
    pub cwe_ids: Option<Vec<String>>,
    #[serde(rename = "CVSS")]
    pub cvss: Option<BTreeMap<String, Obj<Cvss>>>,
}

/// `PkgIdentifier`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PkgIdentifier {
    #[serde(rename = "PURL")]
    pub purl: Option<String>,
}

/// One source's CVSS data (`CVSS.nvd`, `CVSS.ghsa`, ...).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Cvss {
    #[serde(rename = "V2Score")]
    pub v2_score: Option<f64>,
    #[serde(rename = "V3Score")]
    pub v3_score: Option<f64>,
    #[serde(rename = "V40Score")]
    pub v40_score: Option<f64>,
}

/// A failed (or passed) configuration check.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Misconfiguration {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    #[serde(rename = "AVDID")]
    pub avd_id: Option<String>,
    #[serde(rename = "Title")]
    pub title: Option<String>,
    #[serde(rename = "Description")]
    pub description: Option<String>,
    #[serde(rename = "Message")]
    pub message: Option<String>,
    #[serde(rename = "Resolution")]
    pub resolution: Option<String>,
    #[serde(rename = "Severity")]
    pub severity: Option<String>,
    #[serde(rename = "PrimaryURL")]
    pub primary_url: Option<String>,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "CauseMetadata")]
    pub cause_metadata: Option<Obj<CauseMetadata>>,
}

/// Where a misconfiguration is.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CauseMetadata {
    #[serde(rename = "Resource")]
    pub resource: Option<String>,
    #[serde(rename = "StartLine")]
    pub start_line: Option<i64>,
    #[serde(rename = "EndLine")]
    pub end_line: Option<i64>,
}

/// A secret found in a file.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Secret {
    #[serde(rename = "RuleID")]
    pub rule_id: Option<String>,
    #[serde(rename = "Category")]
    pub category: Option<String>,
    #[serde(rename = "Severity")]
    pub severity: Option<String>,
    #[serde(rename = "Title")]
    pub title: Option<String>,
    #[serde(rename = "StartLine")]
    pub start_line: Option<i64>,
    #[serde(rename = "EndLine")]
    pub end_line: Option<i64>,
    #[serde(rename = "Match")]
    pub r#match: Option<String>,
}

/// A license classified by Trivy's license scanner.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct License {
    #[serde(rename = "Severity")]
    pub severity: Option<String>,
    #[serde(rename = "Category")]
    pub category: Option<String>,
    #[serde(rename = "PkgName")]
    pub pkg_name: Option<String>,
    #[serde(rename = "FilePath")]
    pub file_path: Option<String>,
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "Link")]
    pub link: Option<String>,
}
