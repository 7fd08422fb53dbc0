//! Plain types shared by the runtime's modules: options, log sinks,
//! detection results, the policy's run facts. No logic; this module imports
//! nothing of the crate but the compile bounds, so the modules that use these
//! types (engine, capability, stage, validate) never import each other for
//! them.

use std::sync::Arc;
use std::time::Duration;

use crate::compile::CompileBounds;

/// How often the epoch advances. Deadlines are rounded up to this.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Wasm stack available to a stage (deep recursion traps beyond it).
pub const MAX_WASM_STACK: usize = 1 << 20;

/// Severity of a stage log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Error.
    Error,
    /// Warning.
    Warn,
    /// Info.
    Info,
    /// Debug.
    Debug,
}

/// Where stage log lines go: `(stage, level, message)`. The message is the
/// stage's raw string; the sink must sanitise it before it reaches a terminal.
pub type LogSink = Arc<dyn Fn(&str, LogLevel, &str) + Send + Sync>;

/// Deterministic mode: what stages see instead of the real world, so the same
/// inputs give the same outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Determinism {
    /// Seconds since the Unix epoch the wall clock reports (it never moves).
    pub epoch_secs: u64,
    /// Seed of the random streams (`wasi:random`, secure and insecure).
    pub seed: u64,
}

/// How the runtime is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeOptions {
    /// Fixed clocks, seeded random, and fuel instead of wall time.
    pub deterministic: Option<Determinism>,
    /// Enforce the memory budget and the memory / table / instance caps.
    /// Always `true` in cordon; `false` exists only so benchmarks can
    /// measure what the limiter costs.
    pub memory_limiter: bool,
    /// What compiling one component may cost.
    pub compile: CompileBounds,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            deterministic: None,
            memory_limiter: true,
            compile: CompileBounds::default(),
        }
    }
}

/// What a parser said about the first bytes of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// Format name.
    pub format: String,
    /// 0-100.
    pub confidence: u8,
}

/// Facts a policy stage gets about the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyContext {
    /// Environment name; empty means the policy's default.
    pub environment: String,
    /// Today's date, `YYYY-MM-DD`.
    pub today: String,
}
