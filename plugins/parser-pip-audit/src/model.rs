//! The parts of pip-audit's JSON output (`pip-audit -f json`) that the
//! parser reads.
//!
//! Every property is optional and unknown properties are ignored, but a
//! property that is present must have the documented type (`null` counts as
//! absent). Nothing here holds a whole document as `serde_json::Value`.

use cordon_parser_support::present;
use serde::Deserialize;

pub(crate) use cordon_parser_support::Obj;

/// The current output: `{"dependencies": [...], "fixes": [...]}`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Report {
    /// `Some(None)` when present but `null`.
    #[serde(deserialize_with = "present")]
    pub dependencies: Option<Option<Vec<Obj<Dependency>>>>,
}

/// One audited dependency (the legacy output is a list of these).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Dependency {
    pub name: Option<String>,
    pub version: Option<String>,
    pub vulns: Option<Vec<Obj<Vuln>>>,
    pub skip_reason: Option<String>,
}

/// A known vulnerability of the dependency.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Vuln {
    pub id: Option<String>,
    pub fix_versions: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub description: Option<String>,
}
