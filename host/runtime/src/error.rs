//! Typed errors. Every error names the stage; limit errors name the limit.

use std::fmt;
use std::time::Duration;

/// Why a component could not be loaded. Nothing was executed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No embedded plugin by that name.
    #[error("stage {stage}: there is no embedded plugin named {stage:?} (embedded: {known})")]
    UnknownEmbedded {
        /// Requested name.
        stage: String,
        /// Names that exist.
        known: String,
    },
    /// The bytes do not hash to the pinned digest.
    #[error(
        "stage {stage}: digest mismatch: expected {expected}, got {actual}; refusing to compile"
    )]
    DigestMismatch {
        /// Stage name.
        stage: String,
        /// The pin.
        expected: String,
        /// What the bytes hash to.
        actual: String,
    },
    /// A plugin file could not be read.
    #[error("stage {stage}: {detail}")]
    Unreadable {
        /// Stage name (or path).
        stage: String,
        /// What failed.
        detail: String,
    },
    /// The plugin file was refused by verification (signature, trust,
    /// manifest).
    #[error("stage {stage}: plugin refused: {reason}")]
    Rejected {
        /// Stage name (or path).
        stage: String,
        /// Why.
        reason: cordon_signing::plugin::PluginRejection,
    },
    /// An embedded plugin's manifest is missing or wrong (a build defect).
    #[error("stage {stage}: {error}")]
    Manifest {
        /// Stage name.
        stage: String,
        /// What is wrong.
        error: cordon_manifest::component::ComponentError,
    },
    /// Not a valid component for this engine.
    #[error("stage {stage}: not a valid WebAssembly component: {detail}")]
    Compile {
        /// Stage name.
        stage: String,
        /// Compiler message.
        detail: String,
    },
    /// The component is over a compile bound (size, functions, the largest
    /// function) or its compilation ran past the compile deadline
    /// ([`crate::compile::CompileBounds`]).
    #[error("stage {stage}: refused by the compile bounds: {detail}")]
    CompileLimit {
        /// Stage name.
        stage: String,
        /// Which bound, and by how much.
        detail: String,
    },
    /// The component imports something the host does not provide to it.
    #[error("stage {stage}: import not provided: {detail}")]
    UnknownImport {
        /// Stage name.
        stage: String,
        /// Which import, from the linker.
        detail: String,
    },
    /// The component does not implement the world its stage kind requires.
    #[error("stage {stage}: does not implement the cordon:stage/{world} world: {detail}")]
    WrongWorld {
        /// Stage name.
        stage: String,
        /// Required world.
        world: &'static str,
        /// Type-check message.
        detail: String,
    },
    /// The engine could not be set up.
    #[error("engine: {0}")]
    Engine(String),
    /// A stage's name is malformed, reserved for an embedded stage, or used
    /// twice in one pipeline.
    #[error("stage {stage}: {detail}")]
    StageName {
        /// Stage name.
        stage: String,
        /// What is wrong.
        detail: String,
    },
    /// The pipeline grants something no stage may have (e.g. `fs-read` of a
    /// system directory or of cordon's own state).
    #[error("stage {stage}: grant refused: {detail}")]
    GrantRefused {
        /// Stage name.
        stage: String,
        /// What was refused and why.
        detail: String,
    },
}

/// A limit a stage call ran into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitKind {
    /// Total linear memory across all memories.
    Memory {
        /// The budget, bytes.
        budget: u64,
    },
    /// Wall-clock deadline.
    Deadline {
        /// The deadline.
        timeout: Duration,
    },
    /// The fuel budget (deterministic mode).
    Fuel {
        /// The budget.
        budget: u64,
    },
    /// The wasm stack.
    Stack,
    /// Number of returned findings or decisions.
    Findings {
        /// The cap.
        max: u64,
    },
    /// Bytes of returned strings.
    StringBytes {
        /// The cap.
        max: u64,
    },
    /// Bytes logged.
    LogBytes {
        /// The cap.
        max: u64,
    },
    /// Number of memories, tables or instances.
    Resources {
        /// Which resource and its cap.
        what: String,
    },
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitKind::Memory { budget } => {
                write!(f, "memory budget of {} MiB", budget >> 20)
            }
            LimitKind::Deadline { timeout } => {
                write!(f, "deadline of {} ms", timeout.as_millis())
            }
            LimitKind::Fuel { budget } => write!(f, "fuel budget of {budget}"),
            LimitKind::Stack => f.write_str("wasm stack limit (stack overflow)"),
            LimitKind::Findings { max } => write!(f, "cap of {max} returned records"),
            LimitKind::StringBytes { max } => write!(f, "cap of {max} returned string bytes"),
            LimitKind::LogBytes { max } => write!(f, "cap of {max} log bytes"),
            LimitKind::Resources { what } => f.write_str(what),
        }
    }
}

/// What a stage said went wrong (the WIT `stage-error`), host-side.
/// Messages are the stage's own words, length-capped and sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageFailure {
    /// The input is malformed.
    MalformedInput {
        /// Message.
        message: String,
        /// 1-based line.
        line: Option<u32>,
        /// 1-based column.
        column: Option<u32>,
        /// JSON pointer.
        pointer: Option<String>,
    },
    /// Not a format this stage handles.
    UnsupportedFormat(String),
    /// Bad configuration or policy document.
    InvalidConfig(String),
    /// Anything else.
    Internal(String),
}

impl StageFailure {
    /// Machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            StageFailure::MalformedInput { .. } => "malformed-input",
            StageFailure::UnsupportedFormat(_) => "unsupported-format",
            StageFailure::InvalidConfig(_) => "invalid-config",
            StageFailure::Internal(_) => "stage-internal",
        }
    }
}

impl fmt::Display for StageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageFailure::MalformedInput {
                message,
                line,
                column,
                pointer,
            } => {
                write!(f, "malformed input: {message}")?;
                match (line, column) {
                    (Some(l), Some(c)) => write!(f, " (line {l}, column {c})")?,
                    (Some(l), None) => write!(f, " (line {l})")?,
                    _ => {}
                }
                match pointer.as_deref() {
                    Some("") => write!(f, " at the document root")?,
                    Some(p) => write!(f, " at {p}")?,
                    None => {}
                }
                Ok(())
            }
            StageFailure::UnsupportedFormat(m) => write!(f, "unsupported format: {m}"),
            StageFailure::InvalidConfig(m) => write!(f, "invalid configuration: {m}"),
            StageFailure::Internal(m) => write!(f, "internal stage error: {m}"),
        }
    }
}

/// Why a stage call failed. The host is intact after every one of these.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The stage ran into a limit.
    #[error("stage {stage}: exceeded its {limit}")]
    Limit {
        /// Stage name.
        stage: String,
        /// Which limit.
        limit: LimitKind,
    },
    /// The guest trapped (panic, unreachable, bad memory access, ...).
    #[error("stage {stage}: trapped: {detail}")]
    Trap {
        /// Stage name.
        stage: String,
        /// Trap message plus what the guest wrote to stderr, sanitised.
        detail: String,
    },
    /// The stage called a host interface it was not granted.
    #[error("stage {stage}: used capability `{capability}`, which it was not granted")]
    CapabilityDenied {
        /// Stage name.
        stage: String,
        /// The capability.
        capability: String,
    },
    /// The stage returned its own error.
    #[error("stage {stage}: {failure}")]
    Stage {
        /// Stage name.
        stage: String,
        /// What it said.
        failure: StageFailure,
    },
    /// The stage returned something that breaks the contract.
    #[error("stage {stage}: returned invalid output: {detail}")]
    InvalidOutput {
        /// Stage name.
        stage: String,
        /// What is wrong.
        detail: String,
    },
    /// Instantiation or another host-side step failed.
    #[error("stage {stage}: {detail}")]
    Host {
        /// Stage name.
        stage: String,
        /// What failed.
        detail: String,
    },
}

impl CallError {
    /// Machine-readable kind, as written to `findings.json` `errors[].kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::Limit { .. } => "limit-exceeded",
            CallError::Trap { .. } => "stage-trap",
            CallError::CapabilityDenied { .. } => "capability-denied",
            CallError::Stage { failure, .. } => failure.kind(),
            CallError::InvalidOutput { .. } => "invalid-output",
            CallError::Host { .. } => "host-error",
        }
    }

    /// The stage the error is about.
    pub fn stage(&self) -> &str {
        match self {
            CallError::Limit { stage, .. }
            | CallError::Trap { stage, .. }
            | CallError::CapabilityDenied { stage, .. }
            | CallError::Stage { stage, .. }
            | CallError::InvalidOutput { stage, .. }
            | CallError::Host { stage, .. } => stage,
        }
    }
}

impl LoadError {
    /// Machine-readable kind, as written to `findings.json` `errors[].kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::UnknownEmbedded { .. } => "unknown-plugin",
            LoadError::DigestMismatch { .. } => "digest-mismatch",
            LoadError::Unreadable { .. } => "plugin-unreadable",
            LoadError::Rejected { reason, .. } => reason.code(),
            LoadError::Manifest { .. } => "invalid-manifest",
            LoadError::Compile { .. } => "invalid-component",
            LoadError::CompileLimit { .. } => "compile-limit",
            LoadError::UnknownImport { .. } => "unknown-import",
            LoadError::WrongWorld { .. } => "wrong-world",
            LoadError::Engine(_) => "engine",
            LoadError::StageName { .. } => "stage-name",
            LoadError::GrantRefused { .. } => "grant-refused",
        }
    }
}
