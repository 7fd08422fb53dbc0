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
    #[serde(default)]
    pub runs: Option<Vec<Obj<Run>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run {
    #[serde(default)]
    pub tool: Option<Obj<Tool>>,
    #[serde(default)]
    pub results: Option<Vec<Obj<SarifResult>>>,
    #[serde(default)]
    pub artifacts: Option<Vec<Obj<Artifact>>>,
    #[serde(default)]
    pub invocations: Option<Vec<Obj<Invocation>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tool {
    #[serde(default)]
    pub driver: Option<Obj<ToolComponent>>,
    #[serde(default)]
    pub extensions: Option<Vec<Obj<ToolComponent>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolComponent {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub semantic_version: Option<String>,
    #[serde(default)]
    pub rules: Option<Vec<Obj<Rule>>>,
    #[serde(default)]
    pub global_message_strings: Option<HashMap<String, Obj<MultiformatMessage>>>,
}

/// A `reportingDescriptor` describing a rule.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_description: Option<Obj<MultiformatMessage>>,
    #[serde(default)]
    pub full_description: Option<Obj<MultiformatMessage>>,
    #[serde(default)]
    pub help_uri: Option<String>,
    #[serde(default)]
    pub default_configuration: Option<Obj<Configuration>>,
    #[serde(default)]
    pub message_strings: Option<HashMap<String, Obj<MultiformatMessage>>>,
    #[serde(default)]
    pub relationships: Option<Vec<Obj<Relationship>>>,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MultiformatMessage {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub markdown: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Configuration {
    #[serde(default)]
    pub level: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Relationship {
    #[serde(default)]
    pub target: Option<Obj<DescriptorReference>>,
}

/// A `reportingDescriptorReference` (rule, taxon or notification reference).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DescriptorReference {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub index: Option<Number>,
    #[serde(default)]
    pub tool_component: Option<Obj<ToolComponentReference>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolComponentReference {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub index: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Artifact {
    #[serde(default)]
    pub location: Option<Obj<ArtifactLocation>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Invocation {
    #[serde(default)]
    pub rule_configuration_overrides: Option<Vec<Obj<ConfigurationOverride>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigurationOverride {
    #[serde(default)]
    pub descriptor: Option<Obj<DescriptorReference>>,
    #[serde(default)]
    pub configuration: Option<Obj<Configuration>>,
}

/// A SARIF `result`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult {
    #[serde(default)]
    pub rule_id: Option<String>,
    #[serde(default)]
    pub rule_index: Option<Number>,
    #[serde(default)]
    pub rule: Option<Obj<DescriptorReference>>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub message: Option<Obj<Message>>,
    #[serde(default)]
    pub locations: Option<Vec<Obj<ResultLocation>>>,
    #[serde(default)]
    pub suppressions: Option<Vec<Obj<Suppression>>>,
    #[serde(default)]
    pub stacks: Option<Vec<Obj<Stack>>>,
    #[serde(default)]
    pub taxa: Option<Vec<Obj<DescriptorReference>>>,
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Message {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub markdown: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub arguments: Option<Vec<String>>,
}

/// A result's `location` (only the physical part is read).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultLocation {
    #[serde(default)]
    pub physical_location: Option<Obj<PhysicalLocation>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    #[serde(default)]
    pub artifact_location: Option<Obj<ArtifactLocation>>,
    #[serde(default)]
    pub region: Option<Obj<Region>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub index: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Region {
    #[serde(default)]
    pub start_line: Option<Number>,
    #[serde(default)]
    pub start_column: Option<Number>,
    #[serde(default)]
    pub end_line: Option<Number>,
    #[serde(default)]
    pub end_column: Option<Number>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Suppression {
    #[serde(default)]
    pub status: Option<String>,
}

/// A `stack`. `frames` is required by the schema; `None` means it was absent
/// (a `null` or non-array value already fails deserialisation).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Stack {
    #[serde(default, deserialize_with = "present")]
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
