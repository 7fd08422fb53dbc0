//! cordon's stage runtime: the only crate that touches wasmtime.
//!
//! The path a component takes, and the type that proves each step:
//!
//! ```text
//! bytes ──verify──► VerifiedComponent ──Runtime::load──► LoadedStage ──call──► validated records
//!        (digest pin,    (the only input     (compile, link granted    (one Store per call,
//!         signature)      the compiler        imports, type-check       limits, output
//!                         accepts)            the world)                validation)
//! ```
//!
//! * [`verify`]: nothing reaches the compiler until it is a
//!   [`verify::VerifiedComponent`], and only the verifiers construct one.
//! * [`engine`]: one [`Runtime`] (one wasmtime `Engine`) per process, an epoch
//!   ticker for deadlines, the deny-by-default linker.
//! * [`compile`]: bounds on what compiling a component may cost, checked
//!   before the compiler runs, and the compile deadline.
//! * [`capability`]: per-call store state: the empty WASI context, grants,
//!   the memory budget.
//! * [`stage`]: a loaded stage and its calls.
//! * [`types`]: the plain types the modules share (options, log sinks,
//!   detection results), a leaf, so the modules never import each other for
//!   them.
//! * [`validate`]: guest records in, host model out, with every cap checked.
//! * [`contract`]: a stage's output held to the shape of its job (a
//!   normalizer accounts for every input finding; a policy's suppressions
//!   exist and are current).
//! * [`pipeline`]: parsers → normalizer → policy across inputs.
//! * [`PipelineBuilder`]: the one way to assemble a pipeline: verify every
//!   stage, check names, then compile.

mod assemble;
mod bindings;
pub mod cache;
pub mod capability;
pub mod compile;
pub mod contract;
pub mod engine;
pub mod error;
pub mod pipeline;
pub mod stage;
pub mod types;
pub mod validate;
pub mod verify;

pub use assemble::{Assembled, PipelineBuilder};
/// The WIT records as the host receives them from a guest, before
/// [`validate`] checks them. Public so the validators can be tested and
/// fuzzed from outside this crate (`host/fuzzing`).
pub use bindings::wit as guest;
/// `PLUGIN.wasm.sig` next to `PLUGIN.wasm`.
pub use cordon_signing::plugin::signature_path;
pub use engine::Runtime;
pub use error::{CallError, LimitKind, LoadError, StageFailure};
pub use pipeline::{
    CandidatePolicy, Input, InputBytes, Mode, OnUnrecognised, ParserSlot, PipelineRunner,
    RunOptions,
};
pub use stage::LoadedStage;
pub use types::{
    Detection, Determinism, EPOCH_TICK, LogLevel, LogSink, MAX_WASM_STACK, PolicyContext,
    RuntimeOptions,
};
pub use verify::{EmbeddedPlugin, Verification, VerifiedComponent};
