//! parser → normalizer → policy, across all inputs of a run.
//!
//! Blast radius: each input is detected and parsed on its own blocking task,
//! concurrently. A failure in one input is recorded in `errors` and the other
//! inputs go on. A failed normalizer or policy leaves the run with what it
//! had (raw findings, no decisions) and an error; the gate then says `error`.

use cordon_manifest::plugin::{DetectHint, detect_head};
use cordon_manifest::{Capability, StageSpec};
use cordon_model::baseline::Baseline;
use cordon_model::suppress::{self, HostSuppression, SuppressionStatus};
use cordon_model::{
    self as model, Action, BaselineStatus, BaselineSummary, DecisionChange, Gate, InputRecord,
    InputStatus, PolicyComparison, RunError, RunReport, Severity, Signer, StageRecord, StageTiming,
    Verdict,
};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::engine::Runtime;
use crate::error::{CallError, LoadError};
use crate::stage::LoadedStage;
use crate::types::PolicyContext;
use crate::verify::{Verification, VerifiedComponent, sha256_digest};

/// A verified parser, compiled the first time an input needs it. Choosing a
/// parser costs no sandboxed call: the host matches the manifest's
/// detection hints against the head of the input.
pub struct ParserSlot {
    verified: VerifiedComponent,
    spec: StageSpec,
    source: String,
    loaded: OnceLock<Result<Arc<LoadedStage>, Arc<LoadError>>>,
}

impl ParserSlot {
    /// A slot for a verified parser component.
    pub fn new(verified: VerifiedComponent, spec: StageSpec, source: String) -> ParserSlot {
        ParserSlot {
            verified,
            spec,
            source,
            loaded: OnceLock::new(),
        }
    }

    /// Stage name.
    pub fn name(&self) -> &str {
        self.verified.name()
    }

    /// Whether the parser is a third-party plugin (verified by signature and
    /// trust policy) rather than first-party (embedded or caller-pinned).
    pub fn is_third_party(&self) -> bool {
        matches!(self.verified.verification(), Verification::Signed { .. })
    }

    fn hints(&self) -> &[DetectHint] {
        self.verified
            .manifest()
            .map(|m| m.detect.as_slice())
            .unwrap_or(&[])
    }

    fn get(&self, runtime: &Runtime) -> Result<Arc<LoadedStage>, Arc<LoadError>> {
        self.loaded
            .get_or_init(|| {
                runtime
                    .load(self.verified.clone(), &self.spec)
                    .map(Arc::new)
                    .map_err(Arc::new)
            })
            .clone()
    }
}

/// Check the names of a pipeline's stages before anything is compiled:
/// every stage has its own name, and only an embedded stage (verified by
/// the pin compiled into the binary) may carry the name of one of the
/// `embedded` stages. So a third-party plugin can never pose as
/// `parser-sarif`, and every record in `findings.json` names exactly one
/// component. (The charset is checked with each manifest:
/// [`cordon_manifest::plugin::check_stage_name`].)
pub fn check_stage_names<'a>(
    stages: impl IntoIterator<Item = (&'a VerifiedComponent, &'a str)>,
    embedded: &[&str],
) -> Result<(), LoadError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (component, source) in stages {
        let name = component.name();
        cordon_manifest::plugin::check_stage_name(name).map_err(|detail| LoadError::StageName {
            stage: name.to_string(),
            detail: format!("{source}: {detail}"),
        })?;
        if embedded.contains(&name) && *component.verification() != Verification::EmbeddedPin {
            return Err(LoadError::StageName {
                stage: name.to_string(),
                detail: format!(
                    "{source}: the name {name:?} belongs to an embedded stage; a plugin file may not take it"
                ),
            });
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            return Err(LoadError::StageName {
                stage: name.to_string(),
                detail: format!(
                    "two stages of the pipeline are named {name:?} ({first} and {source}); names must be unique"
                ),
            });
        }
        seen.push((name, source));
    }
    Ok(())
}

/// One input report, read by the host.
#[derive(Debug)]
pub struct Input {
    /// The path as the user gave it (for messages and `inputs[].path`).
    pub path: String,
    /// The bytes, or how to read them.
    pub bytes: InputBytes,
    /// The parser or format to use for this input instead of detecting
    /// (`--format NAME=PATH`); overrides [`RunOptions::format`].
    pub format: Option<String>,
}

/// An input's bytes: already in memory, or read when the input's task
/// starts (so a run holds at most `jobs` reports in memory at once).
pub enum InputBytes {
    /// The bytes, or why they could not be read.
    Read(Result<Vec<u8>, String>),
    /// Read them when the input's turn comes.
    Deferred {
        /// Expected size in bytes (e.g. from the file's metadata), for the
        /// run-wide memory budget.
        size: u64,
        /// Reads the bytes.
        read: Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>,
    },
}

impl InputBytes {
    fn read(self) -> Result<Vec<u8>, String> {
        match self {
            InputBytes::Read(r) => r,
            InputBytes::Deferred { read, .. } => read(),
        }
    }

    fn size(&self) -> u64 {
        match self {
            InputBytes::Read(Ok(b)) => b.len() as u64,
            InputBytes::Read(Err(_)) => 0,
            InputBytes::Deferred { size, .. } => *size,
        }
    }
}

impl From<Result<Vec<u8>, String>> for InputBytes {
    fn from(r: Result<Vec<u8>, String>) -> InputBytes {
        InputBytes::Read(r)
    }
}

impl std::fmt::Debug for InputBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputBytes::Read(Ok(b)) => write!(f, "Read({} bytes)", b.len()),
            InputBytes::Read(Err(e)) => write!(f, "Read(Err({e:?}))"),
            InputBytes::Deferred { size, .. } => write!(f, "Deferred({size} bytes)"),
        }
    }
}

/// Gate mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Block decisions fail the gate.
    Enforce,
    /// Block decisions are reported; the gate passes.
    ReportOnly,
}

impl Mode {
    /// `enforce` or `report-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::ReportOnly => "report-only",
        }
    }
}

/// Per-run options.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Environment for the policy; empty = the policy's default.
    pub environment: String,
    /// Gate mode.
    pub mode: Mode,
    /// Force a format / parser instead of detecting (`--format`).
    pub format: Option<String>,
    /// Today's date for suppression expiry (`YYYY-MM-DD`): the real UTC
    /// date or the operator's explicit choice, never a stage's or a
    /// report's.
    pub today: String,
    /// The run's id, recorded in the report.
    pub run_id: String,
    /// Most inputs read and parsed at once (0: one per core). Each holds
    /// its report and one parser store, so this bounds the run's memory:
    /// about `jobs × (report size + parser memory budget)`.
    pub jobs: usize,
    /// Run-wide memory budget in bytes (0: none beyond `jobs`). An input's
    /// task starts only when its cost fits in what is left: the largest
    /// parser memory budget plus the report's size (a task that alone
    /// exceeds the budget runs by itself).
    pub memory_budget: u64,
    /// What an input no parser recognises does to the run.
    pub on_unrecognised: OnUnrecognised,
    /// Absolute path prefixes stripped from location paths
    /// ([`cordon_model::paths::canonical`]): `--source-root`, else the
    /// working directory.
    pub source_roots: Vec<String>,
    /// A previous run to compare with (`--baseline`).
    pub baseline: Option<Baseline>,
    /// Block every finding at or above this severity that the policy did
    /// not suppress (`--block-at`); with a baseline, new findings only.
    pub block_at: Option<Severity>,
    /// Suppressions the host applies over the policy's decisions (ignore
    /// files, VEX statements), in the order they were read.
    pub suppressions: Vec<HostSuppression>,
    /// A candidate policy document to evaluate beside the active one
    /// (`--compare-policy`); it never changes the gate.
    pub compare_policy: Option<CandidatePolicy>,
}

/// A candidate policy document for `--compare-policy`.
#[derive(Debug, Clone)]
pub struct CandidatePolicy {
    /// The file, as named.
    pub path: String,
    /// Its text (or packed bundle).
    pub document: String,
}

/// What an input no parser recognises does to the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnUnrecognised {
    /// It is an error: the run's verdict is `error` (exit 2).
    #[default]
    Error,
    /// It is a warning: the input is `skipped` and the rest of the run
    /// decides the verdict.
    Warn,
}

/// Units of the run-wide memory budget: MiB, so a budget fits a semaphore.
const BUDGET_UNIT: u64 = 1 << 20;

/// A pipeline whose stages are verified (parsers) or loaded (normalizer,
/// policy). Made by [`crate::PipelineBuilder`], the only way to assemble
/// one.
pub struct PipelineRunner {
    /// The runtime that compiles parsers on demand.
    runtime: Arc<Runtime>,
    /// Pipeline name.
    name: String,
    /// Parser stages, in pipeline order.
    parsers: Vec<Arc<ParserSlot>>,
    /// The normalizer.
    normalizer: Arc<LoadedStage>,
    /// The policy.
    policy: Arc<LoadedStage>,
    /// The policy document.
    policy_document: String,
    /// Where each stage came from (`embedded` or a path), by stage name
    /// (names are unique: [`check_stage_names`]).
    sources: Vec<(String, String)>,
}

struct Parsed {
    record: InputRecord,
    findings: Vec<model::Finding>,
    error: Option<RunError>,
    /// How long the parser took (detection, compilation on first use and
    /// the call), when one ran.
    timing: Option<StageTiming>,
}

fn run_error(kind: &str, stage: Option<&str>, input: Option<&str>, message: String) -> RunError {
    RunError {
        kind: kind.to_string(),
        stage: stage.map(str::to_string),
        input: input.map(str::to_string),
        message,
    }
}

fn call_error(e: &CallError, input: Option<&str>) -> RunError {
    let message = match input {
        Some(path) => format!("{path}: {e}"),
        None => e.to_string(),
    };
    run_error(e.kind(), Some(e.stage()), input, message)
}

fn load_error(e: &LoadError, path: &str) -> RunError {
    run_error(e.kind(), None, Some(path), format!("{path}: {e}"))
}

/// Pick the parser for one input: forced by name or format, else by
/// detection (see [`detect_in`]).
///
/// Detection is tied to trust: first-party parsers (embedded, or pinned by
/// the embedding application) are asked first, and a third-party parser
/// (signature + trust policy) is considered only when no first-party parser
/// recognises the input. A third-party parser can therefore never take an
/// input away from a first-party one, however confident its hints; when it
/// also claims such an input, the conflict is reported in the returned
/// list of third-party parser names, not silently resolved.
fn choose_parser(
    runtime: &Runtime,
    parsers: &[Arc<ParserSlot>],
    bytes: &[u8],
    forced: Option<&str>,
    path: &str,
) -> Result<Chosen, RunError> {
    let load = |slot: &ParserSlot| slot.get(runtime).map_err(|e| load_error(&e, path));
    if let Some(format) = forced {
        let by_name = parsers
            .iter()
            .find(|p| p.name() == format || p.name().strip_prefix("parser-") == Some(format));
        let by_format = || {
            parsers
                .iter()
                .find(|p| p.hints().iter().any(|h| h.format == format))
        };
        return match by_name.or_else(by_format) {
            Some(slot) => Ok((load(slot)?, format.to_string(), Vec::new())),
            None => Err(run_error(
                "unknown-format",
                None,
                Some(path),
                format!(
                    "{path}: --format {format:?} names no parser or format in the pipeline (parsers: {})",
                    parsers
                        .iter()
                        .map(|p| p.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        };
    }

    let (first, third): (Vec<_>, Vec<_>) =
        parsers.iter().cloned().partition(|p| !p.is_third_party());
    let head = detect_head(bytes);
    if let Some((stage, format)) = detect_in(runtime, &first, bytes, path)? {
        let conflicts = third
            .iter()
            .filter(|p| p.hints().iter().any(|h| h.matches(head)))
            .map(|p| p.name().to_string())
            .collect();
        return Ok((stage, format, conflicts));
    }
    if let Some((stage, format)) = detect_in(runtime, &third, bytes, path)? {
        // Third-party parsers competing for one input: the others' claims
        // are recorded too.
        let conflicts = third
            .iter()
            .filter(|p| p.name() != stage.name() && p.hints().iter().any(|h| h.matches(head)))
            .map(|p| p.name().to_string())
            .collect();
        return Ok((stage, format, conflicts));
    }
    let mut formats: Vec<&str> = parsers
        .iter()
        .flat_map(|p| p.hints().iter().map(|h| h.format.as_str()))
        .collect();
    formats.sort_unstable();
    formats.dedup();
    // `[]` and `null` say nothing about which scanner wrote them. Some
    // scanners write them for "no findings", but so does a wrapper that lost
    // the real report: they are never read as zero findings unless the
    // operator names the format.
    let message = if cordon_manifest::plugin::is_empty_document(bytes) {
        format!(
            "{path}: an empty JSON array or `null` carries no scanner's identity, so it is not read as \"no findings\"; if your scanner writes it when it finds nothing, name its format with --format"
        )
    } else {
        format!(
            "{path}: no parser recognised this report (formats tried: {}); use --format to force one",
            formats.join(", ")
        )
    };
    Err(run_error("unrecognised-format", None, Some(path), message))
}

/// The parser, the format it claimed, and the third-party parsers that also
/// claimed the input but lost (to a first-party parser, or to another
/// third-party one).
type Chosen = (Arc<LoadedStage>, String, Vec<String>);

/// Detection among one trust tier of parsers: the highest-confidence hint
/// wins; ties, and parsers without hints, are asked through their sandboxed
/// `detect` export.
fn detect_in(
    runtime: &Runtime,
    parsers: &[Arc<ParserSlot>],
    bytes: &[u8],
    path: &str,
) -> Result<Option<(Arc<LoadedStage>, String)>, RunError> {
    let load = |slot: &ParserSlot| slot.get(runtime).map_err(|e| load_error(&e, path));
    let head = detect_head(bytes);
    let mut best: Vec<(&Arc<ParserSlot>, &str)> = Vec::new();
    let mut best_confidence = 0u8;
    for slot in parsers {
        if let Some(h) = slot
            .hints()
            .iter()
            .filter(|h| h.matches(head))
            .max_by_key(|h| h.confidence)
        {
            if h.confidence > best_confidence {
                best_confidence = h.confidence;
                best.clear();
            }
            if h.confidence == best_confidence {
                best.push((slot, h.format.as_str()));
            }
        }
    }
    if let [(slot, format)] = best.as_slice() {
        return Ok(Some((load(slot)?, format.to_string())));
    }
    // A tie between hints, or no hint matched: ask the candidates (the tied
    // ones, else the parsers that declare no hints) in the sandbox.
    let candidates: Vec<&Arc<ParserSlot>> = if best.is_empty() {
        parsers.iter().filter(|p| p.hints().is_empty()).collect()
    } else {
        best.iter().map(|(s, _)| *s).collect()
    };
    let raw_head = &bytes[..bytes.len().min(cordon_manifest::plugin::DETECT_HEAD_BYTES)];
    let mut chosen: Option<(Arc<LoadedStage>, String, u8)> = None;
    for slot in candidates {
        let stage = load(slot)?;
        match stage.detect(raw_head) {
            Ok(Some(d)) if chosen.as_ref().is_none_or(|c| d.confidence > c.2) => {
                chosen = Some((stage, d.format, d.confidence));
            }
            Ok(_) => {}
            Err(e) => return Err(call_error(&e, Some(path))),
        }
    }
    if let Some((stage, format, c)) = chosen
        && c > 0
    {
        return Ok(Some((stage, format)));
    }
    if let Some((slot, format)) = best.first() {
        return Ok(Some((load(slot)?, format.to_string())));
    }
    Ok(None)
}

fn parse_one(
    runtime: &Runtime,
    parsers: &[Arc<ParserSlot>],
    forced: Option<&str>,
    roots: &[String],
    index: usize,
    input: Input,
) -> Parsed {
    let mut record = InputRecord::failed(input.path.clone());
    let path = input.path.as_str();
    let fail = |record, e| Parsed {
        record,
        findings: Vec::new(),
        error: Some(e),
        timing: None,
    };
    let bytes = match input.bytes.read() {
        Ok(b) => b,
        Err(why) => {
            let e = run_error(
                "input-unreadable",
                None,
                Some(path),
                format!("{path}: {why}"),
            );
            return fail(record, e);
        }
    };
    record.sha256 = sha256_digest(&bytes);
    record.bytes = bytes.len() as u64;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let e = run_error(
            "empty-input",
            None,
            Some(path),
            format!(
                "{path}: the report is empty ({} bytes, nothing but whitespace)",
                bytes.len()
            ),
        );
        return fail(record, e);
    }
    let started = Instant::now();
    let (parser, format, conflicts) = match choose_parser(runtime, parsers, &bytes, forced, path) {
        Ok(p) => p,
        Err(e) => return fail(record, e),
    };
    record.format = Some(format);
    record.conflicts = conflicts;
    record.parser = Some(parser.name().to_string());
    let parsed = parser.parse(&bytes);
    let timing = Some(StageTiming {
        stage: parser.name().to_string(),
        input: Some(path.to_string()),
        elapsed: started.elapsed(),
    });
    match parsed {
        Ok(mut findings) => {
            for f in &mut findings {
                f.input = index;
                f.sources = vec![f.source()];
                for l in &mut f.locations {
                    l.path = model::paths::canonical(&l.path, roots);
                }
            }
            record.findings_parsed = findings.len();
            record.status = InputStatus::Ok;
            Parsed {
                record,
                findings,
                error: None,
                timing,
            }
        }
        Err(e) => Parsed {
            timing,
            ..fail(record, call_error(&e, Some(path)))
        },
    }
}

impl PipelineRunner {
    pub(crate) fn new(
        runtime: Arc<Runtime>,
        name: String,
        parsers: Vec<Arc<ParserSlot>>,
        normalizer: LoadedStage,
        policy: LoadedStage,
        policy_document: String,
        sources: Vec<(String, String)>,
    ) -> PipelineRunner {
        PipelineRunner {
            runtime,
            name,
            parsers,
            normalizer: Arc::new(normalizer),
            policy: Arc::new(policy),
            policy_document,
            sources,
        }
    }

    /// The parser stages, in pipeline order.
    pub fn parsers(&self) -> &[Arc<ParserSlot>] {
        &self.parsers
    }

    /// The pipeline's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The runtime the stages run in.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// [`PipelineRunner::run`] on a runtime of its own, for callers that are
    /// not async (the binary). Fails only if the async runtime cannot start.
    pub fn run_blocking(
        &self,
        inputs: Vec<Input>,
        opts: &RunOptions,
    ) -> Result<RunReport, LoadError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| LoadError::Engine(format!("starting the async runtime: {e}")))?;
        Ok(rt.block_on(self.run(inputs, opts)))
    }

    /// Run the pipeline over `inputs`. Never fails as a whole: everything
    /// that went wrong is in the report's `errors`.
    pub async fn run(&self, inputs: Vec<Input>, opts: &RunOptions) -> RunReport {
        let n_inputs = inputs.len();
        let jobs = match opts.jobs {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let permits = Arc::new(tokio::sync::Semaphore::new(jobs));
        let budget_units = match opts.memory_budget {
            0 => None,
            b => Some(
                u32::try_from(b.div_ceil(BUDGET_UNIT))
                    .unwrap_or(u32::MAX)
                    .min(tokio::sync::Semaphore::MAX_PERMITS as u32)
                    .max(1),
            ),
        };
        let memory = Arc::new(tokio::sync::Semaphore::new(
            budget_units.unwrap_or(0) as usize
        ));
        let stage_memory = self
            .parsers
            .iter()
            .map(|p| p.spec.limits.memory_bytes)
            .max()
            .unwrap_or(0);
        let mut handles = Vec::with_capacity(n_inputs);
        for (i, input) in inputs.into_iter().enumerate() {
            let parsers = self.parsers.clone();
            let runtime = self.runtime.clone();
            let forced = input.format.clone().or_else(|| opts.format.clone());
            let roots = opts.source_roots.clone();
            let path = input.path.clone();
            let permits = permits.clone();
            let memory = memory.clone();
            let cost = budget_units.map(|total| {
                let want = stage_memory.saturating_add(input.bytes.size());
                u32::try_from(want.div_ceil(BUDGET_UNIT))
                    .unwrap_or(u32::MAX)
                    .clamp(1, total)
            });
            let handle = tokio::spawn(async move {
                // The report is read only once a job slot and its share of
                // the memory budget are held: at most `jobs` reports and
                // parser stores are alive at once, and their cost fits the
                // run-wide budget.
                let _permit = permits.acquire_owned().await;
                let _memory = match cost {
                    Some(n) => memory.acquire_many_owned(n).await.ok(),
                    None => None,
                };
                tokio::task::spawn_blocking(move || {
                    parse_one(&runtime, &parsers, forced.as_deref(), &roots, i, input)
                })
                .await
            });
            handles.push((path, handle));
        }

        let mut records = Vec::with_capacity(n_inputs);
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut timings = Vec::new();
        for (path, handle) in handles {
            let joined = match handle.await {
                Ok(inner) => inner,
                Err(join) => Err(join),
            };
            match joined {
                Ok(mut p) => {
                    match p.error {
                        Some(e)
                            if e.kind == "unrecognised-format"
                                && opts.on_unrecognised == OnUnrecognised::Warn =>
                        {
                            p.record.status = InputStatus::Skipped;
                            warnings.push(e);
                        }
                        other => errors.extend(other),
                    }
                    records.push(p.record);
                    findings.extend(p.findings);
                    timings.extend(p.timing);
                }
                Err(join) => {
                    errors.push(run_error(
                        "host-error",
                        None,
                        Some(&path),
                        format!("{path}: the parse task failed: {join}"),
                    ));
                    records.push(InputRecord::failed(path));
                }
            }
        }

        let normalizer = self.normalizer.clone();
        let started = Instant::now();
        let normalized = tokio::task::spawn_blocking(move || {
            let r = normalizer.normalize(&findings, n_inputs);
            (findings, r)
        })
        .await;
        timings.push(StageTiming {
            stage: self.normalizer.name().to_string(),
            input: None,
            elapsed: started.elapsed(),
        });
        let (mut findings, normalized_ok) = match normalized {
            Ok((_, Ok(n))) => (n, true),
            Ok((raw, Err(e))) => {
                errors.push(call_error(&e, None));
                (raw, false)
            }
            Err(join) => {
                errors.push(run_error(
                    "host-error",
                    Some(self.normalizer.name()),
                    None,
                    format!("normalizer task failed: {join}"),
                ));
                (Vec::new(), false)
            }
        };

        let fingerprint_version = self
            .normalizer
            .manifest()
            .and_then(|m| m.fingerprint.clone());
        let baseline = opts.baseline.as_ref().map(|b| {
            compare_with_baseline(
                &mut findings,
                b,
                fingerprint_version.as_deref(),
                normalized_ok,
                &mut errors,
            )
        });

        let ctx = PolicyContext {
            environment: opts.environment.clone(),
            today: opts.today.clone(),
        };
        let mut decisions = Vec::new();
        let mut suppressions = Vec::new();
        let mut policy_comparison = None;
        if normalized_ok {
            let started = Instant::now();
            let decided = self
                .decide(&findings, self.policy_document.clone(), &ctx, opts)
                .await;
            timings.push(StageTiming {
                stage: self.policy.name().to_string(),
                input: None,
                elapsed: started.elapsed(),
            });
            match decided {
                Ok((d, s)) => {
                    decisions = d;
                    suppressions = s;
                }
                Err(e) => errors.push(e),
            }
            if let Some(candidate) = &opts.compare_policy {
                let outcome = self
                    .decide(&findings, candidate.document.clone(), &ctx, opts)
                    .await;
                policy_comparison = Some(compare_decisions(
                    candidate,
                    &findings,
                    &decisions,
                    outcome.map(|(d, _)| d),
                ));
            }
        }

        let count = |a: Action| decisions.iter().filter(|d| d.action == a).count();
        let blocked = count(Action::Block);
        let verdict = if !errors.is_empty() {
            Verdict::Error
        } else if blocked > 0 && opts.mode == Mode::Enforce {
            Verdict::Block
        } else {
            Verdict::Pass
        };
        let gate = Gate {
            verdict,
            mode: opts.mode.as_str().to_string(),
            environment: opts.environment.clone(),
            blocked,
            tickets: count(Action::Ticket),
            notified: count(Action::Notify),
            recorded: count(Action::Record),
            suppressed: count(Action::Suppressed),
            block_at: opts.block_at,
        };

        let source_of = |name: &str| {
            self.sources
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, src)| src.clone())
                .unwrap_or_else(|| "embedded".into())
        };
        let signer = |v: &Verification| match v {
            Verification::Signed {
                identity,
                fingerprint,
            } => Some(Signer {
                identity: identity.clone(),
                fingerprint: fingerprint.clone(),
            }),
            _ => None,
        };
        let record = |s: &LoadedStage| StageRecord {
            name: s.name().to_string(),
            kind: s.kind().as_str().to_string(),
            source: source_of(s.name()),
            sha256: s.sha256().to_string(),
            version: s.manifest().map(|m| m.version.clone()),
            verified_by: s.verification().to_string(),
            signer: signer(s.verification()),
            capabilities: capability_names(s.grants(), s.fs_read()),
            used: true,
            limits: Some(stage_limits(s.limits())),
        };
        let mut stages = Vec::new();
        for slot in &self.parsers {
            match slot.loaded.get() {
                Some(Ok(stage)) => stages.push(record(stage)),
                _ => {
                    let v = &slot.verified;
                    stages.push(StageRecord {
                        name: v.name().to_string(),
                        kind: v.kind().as_str().to_string(),
                        source: slot.source.clone(),
                        sha256: v.sha256().to_string(),
                        version: v.manifest().map(|m| m.version.clone()),
                        verified_by: v.verification().to_string(),
                        signer: signer(v.verification()),
                        // What it would have been granted, by the same rule.
                        capabilities: capability_names(
                            &v.grant(&slot.spec.capabilities).granted,
                            slot.spec.fs_read.as_deref(),
                        ),
                        used: false,
                        limits: Some(stage_limits(&slot.spec.limits)),
                    });
                }
            }
        }
        stages.push(record(&self.normalizer));
        stages.push(record(&self.policy));

        RunReport {
            schema_version: model::SCHEMA_VERSION.to_string(),
            cordon_version: env!("CARGO_PKG_VERSION").to_string(),
            pipeline: self.name.clone(),
            run_id: opts.run_id.clone(),
            today: opts.today.clone(),
            fingerprint_version,
            baseline,
            findings,
            decisions,
            suppressions,
            policy_comparison,
            inputs: records,
            stages,
            gate,
            errors,
            warnings,
            timings,
        }
    }
}

/// The limits a stage runs under, as `findings.json` records them.
fn stage_limits(l: &cordon_manifest::Limits) -> model::StageLimits {
    model::StageLimits {
        memory_bytes: l.memory_bytes,
        timeout_ms: u64::try_from(l.timeout.as_millis()).unwrap_or(u64::MAX),
        fuel: l.fuel,
        max_findings: l.max_findings,
        max_string_bytes: l.max_string_bytes,
        max_log_bytes: l.max_log_bytes,
    }
}

impl PipelineRunner {
    /// Everything that decides: the policy stage over `document`, then the
    /// host's suppressions, then `--block-at`. Returns the decisions and
    /// the status of every suppression (the policy document's first).
    async fn decide(
        &self,
        findings: &[model::Finding],
        document: String,
        ctx: &PolicyContext,
        opts: &RunOptions,
    ) -> Result<(Vec<model::Decision>, Vec<SuppressionStatus>), RunError> {
        let policy = self.policy.clone();
        let digest = sha256_digest(document.as_bytes());
        let fs = findings.to_vec();
        let ctx_owned = ctx.clone();
        let (document, evaluated) = match tokio::task::spawn_blocking(move || {
            let r = policy.evaluate(&fs, &document, &digest, &ctx_owned);
            (document, r)
        })
        .await
        {
            Ok(done) => done,
            Err(join) => {
                return Err(run_error(
                    "host-error",
                    Some(self.policy.name()),
                    None,
                    format!("policy task failed: {join}"),
                ));
            }
        };
        let mut decisions = evaluated.map_err(|e| call_error(&e, None))?;
        let mut statuses = policy_suppressions(&document, &decisions, &ctx.today);
        statuses.extend(suppress::apply(
            &opts.suppressions,
            findings,
            &mut decisions,
            &ctx.today,
        ));
        if let Some(level) = opts.block_at {
            block_at(level, findings, &mut decisions);
        }
        Ok((decisions, statuses))
    }
}

/// The status of each suppression the policy document declares, from
/// what the (validated) decisions say about it.
fn policy_suppressions(
    document: &str,
    decisions: &[model::Decision],
    today: &str,
) -> Vec<SuppressionStatus> {
    cordon_manifest::declared_suppressions(document)
        .into_iter()
        .map(|s| {
            let expired = s.expires.as_deref().is_some_and(|e| today > e);
            let findings = decisions
                .iter()
                .filter(|d| {
                    let named =
                        |x: &Option<model::Suppression>| x.as_ref().is_some_and(|x| x.id == s.id);
                    if expired {
                        named(&d.expired_suppression)
                    } else {
                        named(&d.suppression)
                    }
                })
                .count();
            SuppressionStatus {
                id: s.id,
                origin: suppress::Origin::Policy,
                file: "policy document".into(),
                owner: s.owner,
                expires: s.expires,
                reason: s.reason,
                status: if expired {
                    suppress::State::Expired
                } else if findings > 0 {
                    suppress::State::Applied
                } else {
                    suppress::State::Unused
                },
                findings,
            }
        })
        .collect()
}

/// What the candidate policy would decide differently from `active`.
fn compare_decisions(
    candidate: &CandidatePolicy,
    findings: &[model::Finding],
    active: &[model::Decision],
    outcome: Result<Vec<model::Decision>, RunError>,
) -> PolicyComparison {
    let mut comparison = PolicyComparison {
        path: candidate.path.clone(),
        sha256: sha256_digest(candidate.document.as_bytes()),
        error: None,
        changed: Vec::new(),
    };
    let proposed = match outcome {
        Ok(d) => d,
        Err(e) => {
            comparison.error = Some(format!("{}: {}", e.kind, e.message));
            return comparison;
        }
    };
    fn by_fp(ds: &[model::Decision]) -> std::collections::HashMap<&str, &model::Decision> {
        ds.iter().map(|d| (d.fingerprint.as_str(), d)).collect()
    }
    let (old, new) = (by_fp(active), by_fp(&proposed));
    for f in findings {
        let fp = f.fingerprint.as_str();
        let (Some(a), Some(b)) = (old.get(fp), new.get(fp)) else {
            continue;
        };
        if a.action != b.action {
            comparison.changed.push(DecisionChange {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.locations.first().map(|l| l.path.clone()),
                from: a.action,
                to: b.action,
                from_rule: a.rule_id.clone(),
                to_rule: b.rule_id.clone(),
                reason: b.reason.clone(),
            });
        }
    }
    comparison
}

/// Mark each finding `new` or `existing` against `baseline` and count
/// them. A baseline made with another fingerprint algorithm cannot say
/// what is new: that is an error, and every finding counts as new.
fn compare_with_baseline(
    findings: &mut [model::Finding],
    baseline: &Baseline,
    fingerprint_version: Option<&str>,
    normalized: bool,
    errors: &mut Vec<RunError>,
) -> BaselineSummary {
    let comparable = baseline.fingerprint_version.as_deref() == fingerprint_version;
    if !comparable {
        errors.push(run_error(
            "baseline-incompatible",
            None,
            None,
            format!(
                "--baseline {}: its fingerprints were made by {}, this run's by {}; they cannot be compared, so every finding counts as new (make a new baseline with this cordon)",
                baseline.path,
                baseline.fingerprint_version.as_deref().unwrap_or("an unnamed algorithm"),
                fingerprint_version.unwrap_or("an unnamed algorithm"),
            ),
        ));
    }
    let mut existing = 0;
    for f in findings.iter_mut() {
        let known = comparable && normalized && baseline.fingerprints.contains(&f.fingerprint);
        if known {
            existing += 1;
        }
        f.baseline = Some(if known {
            BaselineStatus::Existing
        } else {
            BaselineStatus::New
        });
    }
    BaselineSummary {
        path: baseline.path.clone(),
        sha256: baseline.sha256.clone(),
        run_id: baseline.run_id.clone(),
        new: findings.len() - existing,
        existing,
        // Fingerprints are unique in a normalised run, so each existing
        // finding accounts for one baseline fingerprint.
        fixed: if comparable && normalized {
            baseline.fingerprints.len().saturating_sub(existing)
        } else {
            0
        },
    }
}

/// `--block-at`: a finding at or above `level` (at the severity the policy
/// judged it, overrides included) that the policy neither blocked nor
/// suppressed is blocked, and its decision says what the policy
/// alone would have done. With a baseline, only new findings.
fn block_at(level: Severity, findings: &[model::Finding], decisions: &mut [model::Decision]) {
    let by_fp: std::collections::HashMap<&str, &model::Finding> = findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    for d in decisions.iter_mut() {
        let Some(f) = by_fp.get(d.fingerprint.as_str()) else {
            continue;
        };
        // A severity override is the policy's judgement of the finding;
        // the quick gate judges at the same severity.
        let severity = d.severity_override.unwrap_or(f.severity);
        if matches!(d.action, Action::Block | Action::Suppressed)
            || severity > level
            || f.baseline == Some(BaselineStatus::Existing)
        {
            continue;
        }
        d.reason = format!(
            "severity {} is at or above --block-at {}; the policy alone said {} ({}: {})",
            severity.as_str(),
            level.as_str(),
            d.action.as_str(),
            d.rule_id,
            d.reason
        );
        d.rule_id = format!("cli/block-at-{}", level.as_str());
        d.action = Action::Block;
    }
}

/// Capability names as `findings.json` shows them (`fs-read:<dir>` with its
/// directory).
fn capability_names(grants: &[Capability], fs_read: Option<&std::path::Path>) -> Vec<String> {
    grants
        .iter()
        .map(|c| match (c, fs_read) {
            (Capability::FsRead, Some(dir)) => format!("fs-read:{}", dir.display()),
            _ => c.to_string(),
        })
        .collect()
}
