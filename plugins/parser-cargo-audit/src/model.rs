//! The parts of cargo-audit's JSON report (`cargo audit --json`) that the
//! parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent). Nothing here holds a whole document as `serde_json::Value`.

use cordon_parser_support::present;
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) use cordon_parser_support::Obj;

/// The report. `warnings` (unmaintained, unsound and yanked crates) are not
/// read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub vulnerabilities: Option<Option<Obj<Vulnerabilities>>>,
}

/// `vulnerabilities`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vulnerabilities {
    pub list: Option<Vec<Obj<Vulnerability>>>,
}

/// One advisory affecting one package of the lockfile.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vulnerability {
    pub advisory: Option<Obj<Advisory>>,
    pub versions: Option<Obj<Versions>>,
    pub affected: Option<Obj<Affected>>,
    pub package: Option<Obj<Package>>,
}

/// A RustSec advisory.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Advisory {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub categories: Option<Vec<String>>,
    pub keywords: Option<Vec<String>>,
    pub cvss: Option<String>,
    pub informational: Option<String>,
    pub url: Option<String>,
    pub withdrawn: Option<String>,
}

/// `versions`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Versions {
    pub patched: Option<Vec<String>>,
}

/// `affected`: the vulnerable functions, with their version requirements.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Affected {
    pub functions: Option<BTreeMap<String, Vec<String>>>,
}

/// The package in the lockfile.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Package {
    pub name: Option<String>,
    pub version: Option<String>,
    pub source: Option<String>,
}
