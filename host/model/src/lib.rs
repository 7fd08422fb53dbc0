//! The host's data model: what stages return once the host has validated it,
//! and the `findings.json` run report.
//!
//! Field names are the snake_case forms of the WIT record fields in
//! `wit/stage.wit` (`rule-id` becomes `rule_id`). Fields the host adds (not the
//! stage) are marked as such.

use serde::{Deserialize, Serialize};

pub mod baseline;
pub mod paths;
pub mod suppress;

/// Version of the `findings.json` layout. Bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "cordon.findings/v1";

/// Canonical severity, most severe first. `Ord` follows that order, so
/// `Severity::Critical < Severity::High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Critical.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
    /// Informational.
    Info,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// Where a finding's severity came from (see `docs/policy.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeveritySource {
    /// A CVSS score or vector in the report.
    Cvss,
    /// SARIF `properties.security-severity`.
    SecuritySeverity,
    /// The tool's own level through the parser's mapping.
    #[default]
    Tool,
    /// The report gives none; the parser's default for the tool.
    Default,
}

impl SeveritySource {
    /// The name used in `findings.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeveritySource::Cvss => "cvss",
            SeveritySource::SecuritySeverity => "security-severity",
            SeveritySource::Tool => "tool",
            SeveritySource::Default => "default",
        }
    }
}

/// What kind of analysis produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Static analysis of source code.
    Sast,
    /// Vulnerable dependencies.
    Sca,
    /// Leaked secrets.
    Secret,
    /// Infrastructure-as-code misconfiguration.
    Iac,
    /// Container image scanning.
    Container,
    /// Dynamic analysis.
    Dast,
    /// Anything else.
    Other,
}

impl FindingKind {
    /// The lowercase name used in files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Sast => "sast",
            FindingKind::Sca => "sca",
            FindingKind::Secret => "secret",
            FindingKind::Iac => "iac",
            FindingKind::Container => "container",
            FindingKind::Dast => "dast",
            FindingKind::Other => "other",
        }
    }
}

/// A place in the scanned project. `path` is the report's own string; the
/// host never joins it onto a host path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path or URI as the report gives it.
    pub path: String,
    /// 1-based start line.
    pub start_line: Option<u32>,
    /// 1-based start column.
    pub start_column: Option<u32>,
    /// 1-based end line.
    pub end_line: Option<u32>,
    /// 1-based end column.
    pub end_column: Option<u32>,
}

/// A software component a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: Option<String>,
    /// Package URL.
    pub purl: Option<String>,
    /// Versions that fix it.
    pub fixed_versions: Vec<String>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Scanner name.
    pub tool: String,
    /// Scanner version.
    pub tool_version: Option<String>,
    /// Scanner rule id.
    pub rule_id: String,
    /// One-line summary.
    pub title: String,
    /// Full message.
    pub message: String,
    /// Canonical severity.
    pub severity: Severity,
    /// The scanner's own severity string.
    pub tool_severity: Option<String>,
    /// Where `severity` came from.
    #[serde(default)]
    pub severity_source: SeveritySource,
    /// Kind of analysis.
    pub kind: FindingKind,
    /// Where it is.
    pub locations: Vec<Location>,
    /// What package it is about.
    pub component: Option<Component>,
    /// CVE / GHSA / ... ids.
    pub vulnerability_ids: Vec<String>,
    /// CWE numbers.
    pub cwes: Vec<u32>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Link to documentation.
    pub help_uri: Option<String>,
    /// Stable dedup key, set by the normalizer.
    pub fingerprint: String,
    /// Pointer into the source report.
    pub source_pointer: String,
    /// Host-added: index into `inputs` of the report this finding came from
    /// (the first one, when dedup merged findings from several inputs).
    pub input: usize,
    /// Host-added: how many records of the input reports this finding
    /// stands for (1, or more when the normalizer merged duplicates).
    #[serde(default = "one")]
    pub occurrences: usize,
    /// Host-added: every record this finding stands for, the one it was
    /// made from first. `occurrences` is its length.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Host-added, with `--baseline` only: whether the baseline run had a
    /// finding with this fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineStatus>,
}

fn one() -> usize {
    1
}

impl Finding {
    /// The record this finding was made from: its `input` and
    /// `source_pointer`.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            input: self.input,
            source_pointer: self.source_pointer.clone(),
        }
    }
}

/// One record of an input report that a finding stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    /// Index into `inputs`.
    pub input: usize,
    /// Where in that report: a JSON pointer or `line:N`.
    pub source_pointer: String,
}

/// A finding compared with a baseline run (`--baseline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineStatus {
    /// Not in the baseline: introduced since.
    New,
    /// In the baseline already.
    Existing,
}

impl BaselineStatus {
    /// `new` or `existing`.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineStatus::New => "new",
            BaselineStatus::Existing => "existing",
        }
    }
}

/// Tags that begin with this are the host's: a stage may not return one,
/// and the host adds them to what a policy stage is given (so that a
/// policy built against `cordon:stage@0.1.0` can see facts the record has
/// no field for).
pub const RESERVED_TAG_PREFIX: &str = "cordon:";

/// The tag a policy stage sees on a finding compared with a baseline:
/// `cordon:baseline=new` or `cordon:baseline=existing`.
pub fn baseline_tag(status: BaselineStatus) -> String {
    format!("{RESERVED_TAG_PREFIX}baseline={}", status.as_str())
}

/// A policy action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Fail the gate.
    Block,
    /// Open a ticket.
    Ticket,
    /// Notify someone.
    Notify,
    /// Keep on record.
    Record,
    /// Accepted by a suppression.
    Suppressed,
}

impl Action {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Ticket => "ticket",
            Action::Notify => "notify",
            Action::Record => "record",
            Action::Suppressed => "suppressed",
        }
    }
}

/// A suppression's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Suppression id.
    pub id: String,
    /// Owner.
    pub owner: String,
    /// ISO date it lapses.
    pub expires: Option<String>,
}

/// A policy decision about one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Fingerprint of the finding.
    pub fingerprint: String,
    /// What to do.
    pub action: Action,
    /// The rule that fired.
    pub rule_id: String,
    /// Policy name.
    pub policy_name: String,
    /// Policy version.
    pub policy_version: String,
    /// Host-added: `sha256:<hex>` of the policy document the stage evaluated.
    pub policy_digest: String,
    /// Why.
    pub reason: String,
    /// For suppressions: which one.
    pub suppression: Option<Suppression>,
    /// The fields the deciding rule matched, with the finding's values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<FieldMatch>,
    /// The severity the policy judged the finding at, when a severity
    /// override changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_override: Option<Severity>,
    /// An expired suppression that would have covered the finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_suppression: Option<Suppression>,
}

/// What a candidate policy (`--compare-policy`) would decide differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyComparison {
    /// The candidate policy document, as named.
    pub path: String,
    /// `sha256:<hex>` of it.
    pub sha256: String,
    /// Why the candidate could not be evaluated, if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Decisions whose action differs, in finding order.
    pub changed: Vec<DecisionChange>,
}

/// One decision a candidate policy would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionChange {
    /// The finding.
    pub fingerprint: String,
    /// The finding's rule id.
    pub rule_id: String,
    /// The finding's first location's path.
    pub path: Option<String>,
    /// The active policy's action.
    pub from: Action,
    /// The candidate's action.
    pub to: Action,
    /// The active policy's deciding rule.
    pub from_rule: String,
    /// The candidate's deciding rule.
    pub to_rule: String,
    /// The candidate's reason.
    pub reason: String,
}

/// One field of a finding a rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMatch {
    /// Field name (`rule_id`, `severity`, ...).
    pub field: String,
    /// The finding's value.
    pub value: String,
    /// What the rule gave (exact value, glob, or `>= high`).
    pub pattern: String,
}

/// One input report of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// The path as given on the command line.
    pub path: String,
    /// `sha256:<hex>` of the bytes read.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Format the parser claimed (or the one forced with `--format`).
    pub format: Option<String>,
    /// The parser stage that handled it.
    pub parser: Option<String>,
    /// Findings the parser returned, before normalisation and dedup.
    pub findings_parsed: usize,
    /// `ok` or `error` (details in `errors`).
    pub status: InputStatus,
    /// Third-party parsers whose detection hints also claimed this input
    /// but lost: to a first-party parser (detection never lets a
    /// third-party parser take an input a first-party one recognises), or
    /// to another third-party parser.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
}

impl InputRecord {
    /// The record of an input nothing could be learnt about yet (not read,
    /// or failed before it was): status `error`, everything else empty.
    pub fn failed(path: impl Into<String>) -> InputRecord {
        InputRecord {
            path: path.into(),
            sha256: String::new(),
            bytes: 0,
            format: None,
            parser: None,
            findings_parsed: 0,
            status: InputStatus::Error,
            conflicts: Vec::new(),
        }
    }
}

/// Whether an input was processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStatus {
    /// Parsed.
    Ok,
    /// Failed; see `errors`.
    Error,
    /// Not read: no parser recognised it and the run was told to go on
    /// (`--on-unrecognised warn`); see `warnings`.
    Skipped,
}

/// A stage that ran, and what it was allowed to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    /// Stage name (`parser-sarif`).
    pub name: String,
    /// `parser`, `normalizer` or `policy`.
    pub kind: String,
    /// Where the component came from (`embedded` or a file path).
    pub source: String,
    /// `sha256:<hex>` of the component bytes that were compiled.
    pub sha256: String,
    /// Plugin version from its manifest.
    pub version: Option<String>,
    /// How the component was verified before compilation.
    pub verified_by: String,
    /// Who signed it (third-party plugins).
    pub signer: Option<Signer>,
    /// Capabilities granted.
    pub capabilities: Vec<String>,
    /// Whether it was compiled and run in this run (parsers are compiled
    /// only when an input needs them).
    pub used: bool,
    /// The resource limits it ran under (absent in files from before they
    /// were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<StageLimits>,
}

/// The resource limits of one stage, as the pipeline set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageLimits {
    /// Linear memory budget, in bytes.
    pub memory_bytes: u64,
    /// Wall-clock deadline of one call, in milliseconds.
    pub timeout_ms: u64,
    /// CPU budget in fuel units (deterministic mode).
    pub fuel: u64,
    /// Most findings (or decisions) one call may return.
    pub max_findings: u64,
    /// Most bytes of strings one call may return.
    pub max_string_bytes: u64,
    /// Most bytes one call may log.
    pub max_log_bytes: u64,
}

/// How long one stage took on one call (not in `findings.json`, which is
/// byte-identical across deterministic runs; `cordon run -v` prints them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTiming {
    /// Stage name.
    pub stage: String,
    /// The input it parsed (parsers), else none.
    pub input: Option<String>,
    /// Wall-clock time, compilation on first use included.
    pub elapsed: std::time::Duration,
}

/// The signer of a plugin, as the trust policy knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// Identity from the trust policy.
    pub identity: String,
    /// Key fingerprint, `SHA256:...` as OpenSSH prints it.
    pub fingerprint: String,
}

/// An error that happened during the run. A run with errors still writes
/// what it could.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// Machine-readable kind (`malformed-input`, `limit-exceeded`, ...).
    pub kind: String,
    /// The stage involved, when there is one.
    pub stage: Option<String>,
    /// The input involved, when there is one.
    pub input: Option<String>,
    /// Human-readable message, naming what failed and why.
    pub message: String,
}

/// The gate's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// `pass`, `block` or `error`.
    pub verdict: Verdict,
    /// `enforce` or `report-only`.
    pub mode: String,
    /// The environment the policy evaluated for (empty = policy default).
    pub environment: String,
    /// How many decisions of each action.
    pub blocked: usize,
    /// Number of `ticket` decisions.
    pub tickets: usize,
    /// Number of `notify` decisions.
    pub notified: usize,
    /// Number of `record` decisions.
    pub recorded: usize,
    /// Number of `suppressed` decisions.
    pub suppressed: usize,
    /// `--block-at`: findings at or above this severity were blocked
    /// whatever the policy said (suppressions still apply; with a baseline,
    /// new findings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_at: Option<Severity>,
}

/// Outcome of the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing blocks (or report-only mode).
    Pass,
    /// At least one block decision in enforce mode.
    Block,
    /// The run had errors; the gate could not decide on complete data.
    Error,
}

/// How a run compares with its baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline file, as given.
    pub path: String,
    /// `sha256:<hex>` of the baseline file.
    pub sha256: String,
    /// The baseline's `run_id`.
    pub run_id: String,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings in the baseline too.
    pub existing: usize,
    /// Baseline findings this run no longer has.
    pub fixed: usize,
}

/// The `findings.json` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// cordon version that wrote it.
    pub cordon_version: String,
    /// Pipeline name.
    pub pipeline: String,
    /// Identifies this run (32 hex digits): random, or in deterministic mode
    /// derived from the run's inputs. Every run writes its own report.
    pub run_id: String,
    /// The UTC date (`YYYY-MM-DD`) the gate used for suppression and trust
    /// expiry: the real date or the operator's `--today`.
    pub today: String,
    /// The fingerprint algorithm (declared by the normalizer's signed
    /// manifest, `normalizer-default/v2`); baselines are comparable only
    /// between runs with the same one. `None` when the normalizer declares
    /// none.
    #[serde(default)]
    pub fingerprint_version: Option<String>,
    /// With `--baseline`: how this run compares with the baseline run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Normalised, deduplicated findings.
    pub findings: Vec<Finding>,
    /// One decision per finding.
    pub decisions: Vec<Decision>,
    /// Every suppression the run knew about (the policy document's, the
    /// ignore file's, VEX statements) and whether it applied, had expired
    /// or matched nothing.
    #[serde(default)]
    pub suppressions: Vec<suppress::SuppressionStatus>,
    /// With `--compare-policy`: the decisions a candidate policy would
    /// change. It does not affect the gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_comparison: Option<PolicyComparison>,
    /// The input reports, in command-line order.
    pub inputs: Vec<InputRecord>,
    /// The stages that ran.
    pub stages: Vec<StageRecord>,
    /// The gate.
    pub gate: Gate,
    /// Everything that went wrong.
    pub errors: Vec<RunError>,
    /// What went wrong without failing the run (an unrecognised input under
    /// `--on-unrecognised warn`).
    #[serde(default)]
    pub warnings: Vec<RunError>,
    /// How long each stage call took. Not serialised: timings differ
    /// between runs, and `findings.json` must not.
    #[serde(skip)]
    pub timings: Vec<StageTiming>,
}
