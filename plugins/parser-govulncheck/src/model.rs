//! The parts of govulncheck's JSON output that the parser reads: the
//! messages of the `-json` / `-format json` stream (`config`, `progress`,
//! `SBOM`, `osv`, `finding`), and the pre-1.0 result object (`Vulns`,
//! `Requires`, `Calls`, `Imports`).
//!
//! govulncheck's own structure is strict: a property that is present must
//! have its documented type (`null` counts as absent). OSV's `severity`
//! (a list in the OSV schema, a plain string in some custom databases) is
//! read leniently. Unknown properties are ignored. Nothing here holds a
//! whole document as `serde_json::Value`.

use cordon_parser_support::{OsvEvent, OsvPackageName, present};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

pub(crate) use cordon_parser_support::{Obj, StringOrNumber};

/// One message of the stream, or the whole pre-1.0 result object (which
/// is recognised by its capitalised keys), or a SARIF log given by mistake
/// (recognised by `runs`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Message {
    pub config: Option<Obj<Config>>,
    #[serde(deserialize_with = "present")]
    pub progress: Option<IgnoredAny>,
    #[serde(rename = "SBOM", deserialize_with = "present")]
    pub sbom: Option<IgnoredAny>,
    pub osv: Option<Obj<Osv>>,
    pub finding: Option<Obj<FindingMessage>>,
    /// Pre-1.0: `Some(None)` when present but `null`.
    #[serde(rename = "Vulns", deserialize_with = "present")]
    pub vulns: Option<Option<Vec<Obj<LegacyVuln>>>>,
    #[serde(rename = "Requires")]
    pub requires: Option<Obj<Requires>>,
    #[serde(rename = "Calls", deserialize_with = "present")]
    pub calls: Option<IgnoredAny>,
    #[serde(rename = "Imports", deserialize_with = "present")]
    pub imports: Option<IgnoredAny>,
    /// SARIF.
    #[serde(deserialize_with = "present")]
    pub runs: Option<IgnoredAny>,
}

/// `config`: the first message of a run.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Config {
    pub scanner_name: Option<String>,
    pub scanner_version: Option<String>,
}

/// An OSV record from the Go vulnerability database.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Osv {
    pub id: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub summary: Option<String>,
    pub details: Option<String>,
    /// A custom database's severity name (`"High"`); the OSV schema's list
    /// of CVSS vectors reads as `None`.
    pub severity: StringOrNumber,
    pub affected: Option<Vec<Obj<Affected>>>,
    pub database_specific: Option<Obj<DatabaseSpecific>>,
}

/// `affected[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Affected {
    pub package: Option<Obj<OsvPackageName>>,
    pub ranges: Option<Vec<Obj<Range>>>,
}

/// `affected[].ranges[]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Range {
    pub events: Option<Vec<Obj<OsvEvent>>>,
}

/// `database_specific` of a Go OSV record.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DatabaseSpecific {
    pub url: Option<String>,
}

/// `finding`: the vulnerability is reachable at some level.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FindingMessage {
    pub osv: Option<String>,
    pub fixed_version: Option<String>,
    pub trace: Option<Vec<Obj<Frame>>>,
}

/// A frame of a finding's trace; the first is the vulnerable symbol,
/// package or module.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Frame {
    pub module: Option<String>,
    pub version: Option<String>,
    pub package: Option<String>,
    pub function: Option<String>,
    pub receiver: Option<String>,
    pub position: Option<Obj<Position>>,
}

/// A source position in a trace.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Position {
    pub filename: Option<String>,
    pub line: Option<i64>,
    pub column: Option<i64>,
}

/// Pre-1.0 `Vulns[]`: an OSV record and where it is reached.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LegacyVuln {
    #[serde(rename = "OSV")]
    pub osv: Option<Obj<Osv>>,
    #[serde(rename = "Symbol")]
    pub symbol: Option<String>,
    #[serde(rename = "PkgPath")]
    pub pkg_path: Option<String>,
    #[serde(rename = "ModPath")]
    pub mod_path: Option<String>,
    #[serde(rename = "CallSink")]
    pub call_sink: Option<i64>,
    #[serde(rename = "ImportSink")]
    pub import_sink: Option<i64>,
    #[serde(rename = "RequireSink")]
    pub require_sink: Option<i64>,
}

/// Pre-1.0 `Requires`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Requires {
    #[serde(rename = "Modules")]
    pub modules: Option<BTreeMap<String, Obj<LegacyModule>>>,
}

/// Pre-1.0 `Requires.Modules[id]`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LegacyModule {
    #[serde(rename = "Path")]
    pub path: Option<String>,
    #[serde(rename = "Version")]
    pub version: Option<String>,
}
