//! The parts of a GitLab security report the parser reads (schemas 2.x to
//! 15.x). Unknown properties are ignored; `null` counts as absent; a
//! property of the wrong type is an error.

use cordon_parser_support::{Keys, Obj, Shape, loose_string, position, present};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The top level.
#[derive(Deserialize)]
pub struct Report {
    /// `version`: the schema version (`15.0.4`); not otherwise used.
    #[serde(default, deserialize_with = "present")]
    pub version: Option<Option<String>>,
    /// `scan` (schema 3 and later).
    pub scan: Option<Obj<Scan>>,
    /// `vulnerabilities`: absent means this is not a GitLab report.
    pub vulnerabilities: Option<Vec<Obj<Vulnerability>>>,
    /// CycloneDX's marker: a BOM with `version` and `vulnerabilities` too.
    #[serde(rename = "bomFormat", default, deserialize_with = "present")]
    pub bom_format: Option<IgnoredAny>,
}

/// The cheap probe of a report that did not deserialise: which of GitLab's
/// top-level properties it has, to tell another tool's object from a broken
/// GitLab report.
#[derive(Deserialize)]
pub struct Probe {
    /// `version`, of any type.
    #[serde(default, deserialize_with = "present")]
    pub version: Option<IgnoredAny>,
    /// `scan`, of any type.
    #[serde(default, deserialize_with = "present")]
    pub scan: Option<IgnoredAny>,
    /// `vulnerabilities`, probed for entries with a `location`.
    pub vulnerabilities: Option<Shape<VulnerabilityKeys>>,
    /// CycloneDX's `bomFormat`.
    #[serde(rename = "bomFormat", default, deserialize_with = "present")]
    pub bom_format: Option<IgnoredAny>,
}

/// What marks a vulnerability of a GitLab report: its required `location`
/// (Snyk's and CycloneDX's vulnerabilities have none).
pub struct VulnerabilityKeys;
impl Keys for VulnerabilityKeys {
    const KEYS: &'static [&'static str] = &["location"];
}

/// `scan`.
#[derive(Deserialize)]
pub struct Scan {
    /// `type`: `sast`, `dependency_scanning`, `secret_detection`,
    /// `container_scanning`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `scanner`: the tool that found the vulnerabilities.
    pub scanner: Option<Obj<Tool>>,
    /// `analyzer`: GitLab's wrapper around the scanner (schema 14.1+).
    pub analyzer: Option<Obj<Tool>>,
}

/// `scan.scanner`, `scan.analyzer`, or a vulnerability's own `scanner`
/// (schemas before 15).
#[derive(Deserialize)]
pub struct Tool {
    /// `id` (`semgrep`, `gemnasium`).
    pub id: Option<String>,
    /// `version`.
    pub version: Option<String>,
}

/// One entry of `vulnerabilities`.
#[derive(Deserialize)]
pub struct Vulnerability {
    /// `category` (schemas before 15): the report type.
    pub category: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `message` (schemas before 15).
    pub message: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `severity`: `Critical` .. `Info`, `Unknown`.
    pub severity: Option<String>,
    /// `confidence` (schemas before 15).
    pub confidence: Option<String>,
    /// `solution`.
    pub solution: Option<String>,
    /// `scanner` (schemas before 15).
    pub scanner: Option<Obj<Tool>>,
    /// `identifiers`: the first is the primary one.
    pub identifiers: Vec<Obj<Identifier>>,
    /// `location`.
    pub location: Obj<VulnLocation>,
    /// `links`.
    pub links: Option<Vec<Obj<Link>>>,
    /// `details`: only cordon's own `cordon_tool` entry is read.
    pub details: Option<Obj<Details>>,
    /// `raw_source_code_extract`: in a secret detection report, the secret.
    pub raw_source_code_extract: Option<String>,
}

/// One entry of `identifiers`.
#[derive(Deserialize)]
pub struct Identifier {
    /// `type`: `cve`, `cwe`, `ghsa`, or the scanner's own (`semgrep_type`).
    #[serde(rename = "type")]
    pub kind: String,
    /// `name`.
    pub name: Option<String>,
    /// `value` (a string; some producers write a CWE as a number).
    #[serde(default, deserialize_with = "loose_string")]
    pub value: Option<String>,
    /// `url`.
    pub url: Option<String>,
}

/// `location`: the fields of every report type.
#[derive(Deserialize)]
pub struct VulnLocation {
    /// `file`.
    pub file: Option<String>,
    /// `start_line`.
    #[serde(default, deserialize_with = "position")]
    pub start_line: Option<u32>,
    /// `end_line`.
    #[serde(default, deserialize_with = "position")]
    pub end_line: Option<u32>,
    /// `dependency` (dependency and container scanning).
    pub dependency: Option<Obj<Dependency>>,
    /// `operating_system` (container scanning).
    pub operating_system: Option<String>,
    /// `image` (container scanning).
    pub image: Option<String>,
    /// `commit` (secret detection).
    #[serde(default, deserialize_with = "present")]
    pub commit: Option<Option<Obj<IgnoredAny>>>,
}

/// `location.dependency`.
#[derive(Deserialize)]
pub struct Dependency {
    /// `package`.
    pub package: Option<Obj<Package>>,
    /// `version`.
    pub version: Option<String>,
}

/// `location.dependency.package`.
#[derive(Deserialize)]
pub struct Package {
    /// `name`.
    pub name: Option<String>,
}

/// One entry of `links`.
#[derive(Deserialize)]
pub struct Link {
    /// `url`.
    pub url: Option<String>,
}

/// `details`: the named list of extra facts.
#[derive(Deserialize)]
pub struct Details {
    /// `cordon_tool`: the tool behind a finding of cordon's own reports.
    pub cordon_tool: Option<Obj<TextDetail>>,
}

/// A `text` entry of `details`.
#[derive(Deserialize)]
pub struct TextDetail {
    /// `value`.
    #[serde(default, deserialize_with = "loose_string")]
    pub value: Option<String>,
}
