//! The slice of the SARIF 2.1.0 object model this parser reads.
//!
//! Only the properties the parser uses are declared; everything else is
//! ignored by serde. Properties whose shape varies between producers are kept
//! as [`Value`]. Numbers are read as [`Number`] so that an out-of-range value
//! (SARIF allows arbitrarily large integers) never fails the parse; they are
//! converted with bounds checks where they are used.

use cordon_parser_support::present;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

pub(crate) use cordon_parser_support::Obj;

/// First pass: the top level only, with `runs` skipped. Validates the JSON
/// syntax of the whole document and gives the version check a chance to run
/// before the 2.1.0 object model is applied to `runs`.
#[derive(Deserialize)]
#[serde(expecting = "a SARIF log (a JSON object with 'version' and 'runs')")]
pub(crate) struct Probe {
    #[serde(default, deserialize_with = "present")]
    pub version: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub runs: Option<IgnoredAny>,
}

/// Second pass: the log with its runs.
#[derive(Deserialize)]
#[serde(expecting = "a SARIF log (a JSON object with 'version' and 'runs')")]
pub(crate) struct Log {
    /// `null` is allowed by the 2.1.0 schema and means no runs.
    pub runs: Option<Vec<Obj<Run>>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Run {
    pub tool: Option<Obj<Tool>>,
    pub results: Option<Vec<Obj<SarifResult>>>,
    pub artifacts: Option<Vec<Obj<Artifact>>>,
    pub invocations: Option<Vec<Obj<Invocation>>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Tool {
    pub driver: Option<Obj<ToolComponent>>,
    pub extensions: Option<Vec<Obj<ToolComponent>>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ToolComponent {
    pub name: Option<String>,
    pub version: Option<String>,
    pub semantic_version: Option<String>,
    pub rules: Option<Vec<Obj<Rule>>>,
    pub global_message_strings: Option<HashMap<String, Obj<MultiformatMessage>>>,
    /// Kept as any value: only a few producers' keys are read (govulncheck's
    /// `scan_level`), and a property bag of another shape is ignored.
    pub properties: Option<Value>,
}

/// A `reportingDescriptor` describing a rule.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Rule {
    pub id: Option<String>,
    pub name: Option<String>,
    pub short_description: Option<Obj<MultiformatMessage>>,
    pub full_description: Option<Obj<MultiformatMessage>>,
    pub help_uri: Option<String>,
    /// Kept as any value: only Grype's `help.text` is read, for its level.
    pub help: Option<Value>,
    pub default_configuration: Option<Obj<Configuration>>,
    pub message_strings: Option<HashMap<String, Obj<MultiformatMessage>>>,
    pub relationships: Option<Vec<Obj<Relationship>>>,
    pub properties: Option<Map<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct MultiformatMessage {
    pub text: Option<String>,
    pub markdown: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Configuration {
    pub level: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Relationship {
    pub target: Option<Obj<DescriptorReference>>,
}

/// A `reportingDescriptorReference` (rule, taxon or notification reference).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct DescriptorReference {
    pub id: Option<String>,
    pub index: Option<Number>,
    pub tool_component: Option<Obj<ToolComponentReference>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ToolComponentReference {
    pub name: Option<String>,
    pub index: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Artifact {
    pub location: Option<Obj<ArtifactLocation>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Invocation {
    pub rule_configuration_overrides: Option<Vec<Obj<ConfigurationOverride>>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ConfigurationOverride {
    pub descriptor: Option<Obj<DescriptorReference>>,
    pub configuration: Option<Obj<Configuration>>,
}

/// A SARIF `result`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SarifResult {
    pub rule_id: Option<String>,
    pub rule_index: Option<Number>,
    pub rule: Option<Obj<DescriptorReference>>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub message: Option<Obj<Message>>,
    pub locations: Option<Vec<Obj<ResultLocation>>>,
    pub suppressions: Option<Vec<Obj<Suppression>>>,
    pub stacks: Option<Vec<Obj<Stack>>>,
    pub taxa: Option<Vec<Obj<DescriptorReference>>>,
    pub properties: Option<Map<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Message {
    pub text: Option<String>,
    pub markdown: Option<String>,
    pub id: Option<String>,
    pub arguments: Option<Vec<String>>,
}

/// A result's `location` (only the physical part is read).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ResultLocation {
    pub physical_location: Option<Obj<PhysicalLocation>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    pub artifact_location: Option<Obj<ArtifactLocation>>,
    pub region: Option<Obj<Region>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    pub uri: Option<String>,
    pub index: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Region {
    pub start_line: Option<Number>,
    pub start_column: Option<Number>,
    pub end_line: Option<Number>,
    pub end_column: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Suppression {
    pub status: Option<String>,
}

/// A `stack`. `frames` is required by the schema; `None` means it was absent
/// (a `null` or non-array value already fails deserialisation).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Stack {
    #[serde(deserialize_with = "present")]
    pub frames: Option<Vec<IgnoredAny>>,
}

/// A non-negative integer that fits in `usize`, if `n` is one.
pub(crate) fn as_index(n: Option<&Number>) -> Option<usize> {
    n.and_then(Number::as_u64)
        .and_then(|v| usize::try_from(v).ok())
}

/// A positive integer that fits in `u32`, if `n` is one (0 and negatives give
/// `None`).
pub(crate) fn as_positive_u32(n: Option<&Number>) -> Option<u32> {
    n.and_then(Number::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .filter(|&v| v > 0)
}
