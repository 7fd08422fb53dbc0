//! `cordon run`: reports in; findings.json, the CI outputs, a signed
//! attestation and a gate verdict out.

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use cordon_manifest::Pipeline;
use cordon_model::baseline::Baseline;
use cordon_model::suppress::{self, HostSuppression};
use cordon_model::{Gate, InputRecord, RunError, RunReport};
use cordon_model::{Severity, Verdict};
use cordon_report::sanitize::terminal;
use cordon_runtime::pipeline::InputBytes;
use cordon_runtime::{
    CandidatePolicy, Determinism, Input, LogLevel, LogSink, Mode, OnUnrecognised, PipelineBuilder,
    RunOptions, RuntimeOptions,
};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::{
    HOST_VERSION, cache_key, default_cache_dir, default_cache_key_file, load_trust,
};
use crate::embedded::EMBEDDED;
use crate::inputs::{self, Source};
use crate::outputs::{self, OutputArg};
use cordon_report::Meta;
use cordon_runtime::cache::CacheError;

/// The embedded default pipeline: the same text as `policies/pipelines/default.toml`.
pub const DEFAULT_PIPELINE: &str = include_str!("../../policies/pipelines/default.toml");
/// The embedded default rules: the same text as `policies/rules/default.toml`.
pub const DEFAULT_RULES: &str = include_str!("../../policies/rules/default.toml");

#[derive(Debug, Clone, Copy, ValueEnum)]
enum UnrecognisedArg {
    /// An input no parser recognises fails the run (exit 2).
    Error,
    /// An input no parser recognises is skipped with a warning; the other
    /// inputs decide the verdict.
    Warn,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    /// Block decisions fail the gate (exit 1).
    Enforce,
    /// Block decisions are reported, the gate passes.
    ReportOnly,
}

/// Arguments of `cordon run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scanner reports to process (SARIF, Trivy, ...): files, `-` for
    /// standard input, or directories (every file below, in name order;
    /// hidden entries, symbolic links and the --out directory skipped). The
    /// format is detected from the content, not the file name.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,

    /// Pipeline file (TOML). Default: the embedded default pipeline
    /// (policies/pipelines/default.toml).
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,

    /// Policy document for the policy stage, replacing the pipeline's
    /// `rules`: a file, or a directory holding a Rego bundle (*.rego,
    /// data.json, .manifest) for policy-rego.
    #[arg(long, value_name = "FILE|DIR")]
    policy: Option<PathBuf>,

    /// Evaluate this policy document beside the active one and report the
    /// decisions it would change (in the summary and findings.json
    /// `policy_comparison`). The gate is unaffected.
    #[arg(long, value_name = "FILE|DIR")]
    compare_policy: Option<PathBuf>,

    /// Ignore file(s) to apply (`[[suppressions]]` with id, owner, reason,
    /// expires, match). Default: `.cordonignore.toml` and the
    /// `[[suppressions]]` of `cordon.toml` in the working directory, where
    /// they exist.
    #[arg(long, value_name = "FILE", conflicts_with = "no_ignore_file")]
    ignore_file: Vec<PathBuf>,

    /// Apply no ignore file, not even the ones in the working directory.
    #[arg(long)]
    no_ignore_file: bool,

    /// VEX document(s), OpenVEX or CycloneDX: `not_affected` and `fixed`
    /// statements suppress the findings of that vulnerability on that
    /// package (by id and purl), with the statement's justification as
    /// the reason (repeatable).
    #[arg(long, value_name = "FILE")]
    vex: Vec<PathBuf>,

    /// Environment the gate is for (e.g. prod, dev). Default: the policy's
    /// `default_environment`.
    #[arg(long = "env", value_name = "NAME", env = "CORDON_ENV")]
    environment: Option<String>,

    /// enforce: blocking findings fail the gate; report-only: they are
    /// reported but the gate passes.
    #[arg(long, value_enum, default_value = "enforce")]
    mode: ModeArg,

    /// Skip detection: use the parser with this name (`sarif` or
    /// `parser-sarif`) or format for every report, or with NAME=PATH for
    /// the report (or directory) PATH only, as named on the command line
    /// (repeatable).
    #[arg(long, value_name = "NAME|NAME=PATH")]
    format: Vec<String>,

    /// Directory for outputs (created if missing). Every output an earlier
    /// run left there is removed first.
    #[arg(long, value_name = "DIR", default_value = "cordon-out")]
    out: PathBuf,

    /// Outputs to write into --out, comma-separated: json (findings.json),
    /// sarif (results.sarif), junit (junit.xml), codequality
    /// (gl-code-quality-report.json), gitlab (gl-sast-report.json,
    /// gl-dependency-scanning-report.json, gl-secret-detection-report.json),
    /// markdown (summary.md), rdjsonl (findings.rdjsonl), or all.
    #[arg(
        long,
        value_enum,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "json"
    )]
    output: Vec<OutputArg>,

    /// Write findings.json on one line instead of pretty-printed (about a
    /// quarter smaller; the same JSON).
    #[arg(long)]
    compact: bool,

    /// Sign a run attestation (attestation.intoto.json: an in-toto
    /// statement over every output and input, in a DSSE envelope) with
    /// this OpenSSH ed25519 private key. Check it with `cordon attest
    /// verify` or `ssh-keygen -Y verify` (docs/ci.md).
    #[arg(long, value_name = "FILE", env = "CORDON_ATTEST_KEY")]
    attest_key: Option<PathBuf>,

    /// Trust policy for third-party plugins (`trust.toml`, or an OpenSSH
    /// `allowed_signers` file). Without it only embedded plugins run.
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,

    /// Compile cache directory. Default: $CORDON_CACHE_DIR, else
    /// $XDG_CACHE_HOME/cordon, else ~/.cache/cordon. Entries are
    /// authenticated with a key that never lives there: $CORDON_CACHE_KEY
    /// (64 hex digits or base64 of 32 bytes), else
    /// $XDG_STATE_HOME/cordon/cache.key (or ~/.local/state/cordon/cache.key),
    /// created 0600 on first use.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Compile every stage afresh; do not read or write the compile cache.
    #[arg(long)]
    no_cache: bool,

    /// Deterministic mode: even stages granted `clock` and `random` see a
    /// fixed wall clock ($SOURCE_DATE_EPOCH, else the Unix epoch), a
    /// monotonic clock that only counts readings, and seeded random; fuel
    /// replaces the wall-clock deadline as the CPU budget. The same inputs
    /// give byte-identical findings.json on the same --today. The gate's
    /// own date is never faked (see --today).
    #[arg(long)]
    deterministic: bool,

    /// Seed of the random streams in deterministic mode.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        requires = "deterministic"
    )]
    seed: u64,

    /// The date (YYYY-MM-DD, UTC) the gate judges expiry by: suppressions'
    /// `expires` and trust-file validity. Default: today's real UTC date.
    /// Recorded in findings.json; never taken from SOURCE_DATE_EPOCH or a
    /// report.
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,

    /// Most reports read and parsed at once. Each holds its bytes and one
    /// parser's memory budget. Default: one per core.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    jobs: usize,

    /// Run-wide memory budget, in MiB (0: no budget beyond --jobs). A
    /// report is read and parsed only when its parser's memory budget plus
    /// the report's size fits in what the running ones leave.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    max_memory_mib: u64,

    /// What an input no parser recognises (including a bare `[]` or `null`,
    /// which names no scanner) does to the run.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "error")]
    on_unrecognised: UnrecognisedArg,

    /// A previous run's findings.json: findings whose fingerprint it has
    /// are `existing`, the others `new`, and what it has that this run does
    /// not is counted as fixed. Policies can gate on new findings only.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Block every finding at or above this severity that the policy did
    /// not suppress, whatever the policy's thresholds say (with --baseline,
    /// new findings only). Recorded in each decision it changes.
    #[arg(long, visible_alias = "fail-on", value_enum, value_name = "SEVERITY")]
    block_at: Option<SeverityArg>,

    /// The checkout the reports were made in: absolute location paths
    /// under it are made relative to it (repeatable). Default: the working
    /// directory. `file://` URIs, `./` and a leading `/` are always
    /// normalised.
    #[arg(long, value_name = "DIR")]
    source_root: Vec<PathBuf>,

    /// Largest report accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    max_input_mib: u64,

    /// Also show info and debug lines that stages log, and how long each
    /// stage took.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,

    /// Print only errors and the gate line on stderr.
    #[arg(short, long)]
    quiet: bool,

    /// Colour the terminal summary: auto (when stderr is a terminal and
    /// NO_COLOR is unset), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    color: ColorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// Whether to colour stderr: `auto` follows https://no-color.org and
    /// colours only a terminal that is not `TERM=dumb`.
    fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stderr().is_terminal()
            }
        }
    }
}

/// Read one report: a regular file of at most `max_bytes`
/// ([`cordon_manifest::file::read_regular`]: a FIFO or device is never
/// opened, a swap between check and open is refused).
fn read_report(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    use cordon_manifest::file::{ReadError, read_regular};
    read_regular(path, max_bytes).map_err(|e| match e {
        ReadError::TooLarge { size, max } => format!(
            "report is {} MiB, more than the --max-input-mib limit of {} MiB",
            size >> 20,
            max >> 20
        ),
        other => other.to_string(),
    })
}

/// A policy document: the file's text, or a directory packed as a bundle
/// ([`cordon_manifest::bundle`]).
fn read_policy(path: &Path, what: &str) -> Result<String> {
    if path.is_dir() {
        return cordon_manifest::bundle::pack(path)
            .with_context(|| format!("packing {what} directory {}", path.display()));
    }
    cordon_manifest::file::read_config(path)
        .with_context(|| format!("reading {what} {}", path.display()))
}

/// The ignore files' and VEX documents' suppressions, in the order read:
/// ignore files first (`--ignore-file`, else the working directory's
/// `.cordonignore.toml` and `cordon.toml`), then `--vex`.
fn host_suppressions(args: &RunArgs) -> Result<Vec<HostSuppression>> {
    let ignore_files: Vec<PathBuf> = if args.no_ignore_file {
        Vec::new()
    } else if !args.ignore_file.is_empty() {
        args.ignore_file.clone()
    } else {
        [".cordonignore.toml", "cordon.toml"]
            .into_iter()
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .collect()
    };
    let mut out: Vec<HostSuppression> = Vec::new();
    for path in &ignore_files {
        let text = cordon_manifest::file::read_config(path)
            .with_context(|| format!("reading ignore file {}", path.display()))?;
        let digest = cordon_runtime::verify::sha256_digest(text.as_bytes());
        for s in suppress::parse_ignore_file(&text, &path.display().to_string(), &digest)? {
            if let Some(other) = out.iter().find(|o| o.id == s.id) {
                bail!(
                    "{}: suppression id {:?} is also declared in {}",
                    path.display(),
                    s.id,
                    other.file
                );
            }
            out.push(s);
        }
    }
    for path in &args.vex {
        let bytes =
            cordon_manifest::file::read_regular(path, cordon_manifest::file::MAX_CONFIG_BYTES)
                .with_context(|| format!("reading VEX document {}", path.display()))?;
        let digest = cordon_runtime::verify::sha256_digest(&bytes);
        out.extend(suppress::parse_vex(
            &bytes,
            &path.display().to_string(),
            &digest,
        )?);
    }
    Ok(out)
}

/// Read and parse `--baseline`: a regular file of at most `max_bytes`.
fn read_baseline(path: &Path, max_bytes: u64) -> Result<Baseline> {
    let bytes = read_report(path, max_bytes)
        .map_err(|why| anyhow::anyhow!("--baseline {}: {why}", path.display()))?;
    let digest = cordon_runtime::verify::sha256_digest(&bytes);
    Ok(Baseline::parse(
        &bytes,
        &path.display().to_string(),
        digest,
    )?)
}

/// The prefixes stripped from absolute location paths: each
/// `--source-root` (as given, and resolved when it exists), else the
/// working directory.
fn source_roots(given: &[PathBuf]) -> Result<Vec<String>> {
    let dirs = if given.is_empty() {
        vec![std::env::current_dir().context("reading the working directory")?]
    } else {
        given.to_vec()
    };
    let mut roots = Vec::new();
    for d in dirs {
        let Some(text) = d.to_str() else {
            bail!("--source-root {}: not valid UTF-8", d.display());
        };
        if !d.is_absolute() {
            bail!("--source-root {text}: must be an absolute path (the prefix reports carry)");
        }
        roots.push(text.trim_end_matches('/').to_string());
        if let Ok(real) = fs::canonicalize(&d)
            && let Some(real) = real.to_str()
            && !roots.iter().any(|r| r == real)
        {
            roots.push(real.to_string());
        }
    }
    Ok(roots)
}

/// The date the gate judges by, and the run's id: fixed before anything
/// else happens, so even a run that fails early reports them.
struct RunStart {
    today: String,
    /// Unix seconds for trust-file validity (00:00 UTC of `--today`, or now).
    now: i64,
    run_id: String,
    /// The clock of the outputs (SARIF, GitLab, JUnit, the attestation):
    /// real time, or in deterministic mode $SOURCE_DATE_EPOCH (else 0) for
    /// both start and finish.
    clock: Option<i64>,
    started: i64,
    /// `--attest-key`, read before anything runs.
    attest_key: Option<ed25519_dalek::SigningKey>,
    reports: Vec<crate::inputs::ReportSpec>,
}

impl RunStart {
    fn new(args: &RunArgs) -> Result<RunStart> {
        let (today, now) = match &args.today {
            Some(text) => {
                let days = parse_date(text).with_context(|| {
                    format!("--today {text:?}: expected a real date as YYYY-MM-DD")
                })?;
                (text.clone(), days * 86_400)
            }
            None => {
                let now = cordon_signing::time::now();
                (cordon_signing::time::format_date(now), now)
            }
        };
        let run_id = if args.deterministic {
            let mut h = Sha256::new();
            h.update(b"cordon-run-id-v1");
            h.update(args.seed.to_le_bytes());
            h.update(today.as_bytes());
            for r in &args.reports {
                h.update(r.as_os_str().as_encoded_bytes());
                h.update([0]);
            }
            for f in &args.format {
                h.update(f.as_bytes());
                h.update([0]);
            }
            hex::encode(&h.finalize()[..16])
        } else {
            let mut id = [0u8; 16];
            getrandom::getrandom(&mut id).map_err(|e| anyhow::anyhow!("drawing a run id: {e}"))?;
            hex::encode(id)
        };
        let clock = args.deterministic.then(source_date_epoch);
        let started = clock.unwrap_or_else(cordon_signing::time::now);
        let attest_key = match &args.attest_key {
            Some(path) => Some(cordon_signing::keys::read_private(path).with_context(|| {
                format!("--attest-key {}: reading the signing key", path.display())
            })?),
            None => None,
        };
        let formats = crate::inputs::Formats::parse(&args.format)?;
        let reports = crate::inputs::expand(&args.reports, &formats, &args.out)?;
        Ok(RunStart {
            today,
            now,
            run_id,
            clock,
            started,
            attest_key,
            reports,
        })
    }

    /// The writers' [`Meta`] once the run is over.
    fn meta(&self, policy: &PolicyRef) -> Meta {
        Meta {
            started: self.started,
            finished: self.clock.unwrap_or_else(cordon_signing::time::now),
            policy_uri: policy.uri.clone(),
            policy_digest: policy.digest.clone(),
        }
    }
}

/// `$SOURCE_DATE_EPOCH`, else 0: the clock of deterministic runs.
fn source_date_epoch() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// The policy document the gate evaluated: as named, and its digest.
#[derive(Debug, Clone, Default)]
struct PolicyRef {
    uri: String,
    digest: String,
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` that names a real day.
fn parse_date(text: &str) -> Option<i64> {
    if text.len() != 10 {
        return None;
    }
    cordon_signing::time::parse_time(text, cordon_signing::time::Notation::Trust)
        .ok()
        .map(|secs| secs.div_euclid(86_400))
}

fn log_sink(verbose: bool) -> LogSink {
    Arc::new(move |stage: &str, level: LogLevel, message: &str| {
        let tag = match level {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info if verbose => "info",
            LogLevel::Debug if verbose => "debug",
            _ => return,
        };
        eprintln!(
            "cordon: stage {} [{tag}]: {}",
            terminal(stage),
            terminal(message)
        );
    })
}

/// Run the command; returns the process exit code.
///
/// Every run leaves its own `findings.json`: an earlier run's file is
/// removed first, and a run that fails before it has a report writes one
/// holding the error, so a stale verdict is never mistaken for this run's.
pub fn run(args: RunArgs) -> Result<u8> {
    outputs::remove_previous(&args.out)?;
    let start = RunStart::new(&args)?;
    match run_pipeline(&args, &start) {
        Ok((report, policy)) => finish(&args, &start, &report, &policy),
        Err(err) => {
            // The outputs still say what happened, so a stale verdict is
            // never mistaken for this run's.
            let report = failed_report(&args, &start, &err);
            if let Err(write) = finish(&args, &start, &report, &PolicyRef::default()) {
                eprintln!("cordon: warning: {}", terminal(&format!("{write:#}")));
            }
            Err(err)
        }
    }
}

/// Write the outputs (and the attestation), tell GitHub, print the
/// summary; returns the exit code.
fn finish(args: &RunArgs, start: &RunStart, report: &RunReport, policy: &PolicyRef) -> Result<u8> {
    let code = match report.gate.verdict {
        Verdict::Pass => 0,
        Verdict::Block => 1,
        Verdict::Error => 2,
    };
    let meta = start.meta(policy);
    let formats = outputs::selected(&args.output);
    let mut written = outputs::write(report, &meta, &formats, &args.out, args.compact)?;
    if let Some(key) = &start.attest_key {
        outputs::attest(report, &meta, &written.written, key, &args.out)?;
        written.written.push(outputs::Written {
            name: outputs::ATTESTATION_FILE,
            sha256: String::new(),
        });
    }
    outputs::github(report, &meta, &written.notes)?;
    let color = args.color.enabled();
    if args.quiet {
        for e in &report.errors {
            eprintln!("error[{}]: {}", e.kind, terminal(&e.message));
        }
        eprintln!(
            "{}",
            cordon_report::summary::gate_line(report, i32::from(code), color)
        );
    } else {
        let opts = cordon_report::summary::SummaryOptions {
            color,
            verbose: args.verbose,
            notes: written.notes.clone(),
        };
        eprint!(
            "{}",
            cordon_report::summary::render(report, i32::from(code), &opts)
        );
        let names: Vec<&str> = written.written.iter().map(|w| w.name).collect();
        eprintln!("wrote {}: {}", args.out.display(), names.join(", "));
    }
    Ok(code)
}

/// The report of a run that stopped before its stages ran.
fn failed_report(args: &RunArgs, start: &RunStart, err: &anyhow::Error) -> RunReport {
    let kind = err
        .downcast_ref::<cordon_runtime::LoadError>()
        .map_or("run-failed", |e| e.kind());
    RunReport {
        schema_version: cordon_model::SCHEMA_VERSION.to_string(),
        cordon_version: env!("CARGO_PKG_VERSION").to_string(),
        pipeline: String::new(),
        run_id: start.run_id.clone(),
        today: start.today.clone(),
        findings: Vec::new(),
        decisions: Vec::new(),
        inputs: start
            .reports
            .iter()
            .map(|r| InputRecord::failed(r.name.clone()))
            .collect(),
        stages: Vec::new(),
        gate: Gate {
            verdict: Verdict::Error,
            mode: match args.mode {
                ModeArg::Enforce => Mode::Enforce,
                ModeArg::ReportOnly => Mode::ReportOnly,
            }
            .as_str()
            .to_string(),
            environment: args.environment.clone().unwrap_or_default(),
            blocked: 0,
            tickets: 0,
            notified: 0,
            recorded: 0,
            suppressed: 0,
            block_at: args.block_at.map(Severity::from),
        },
        fingerprint_version: None,
        baseline: None,
        suppressions: Vec::new(),
        policy_comparison: None,
        warnings: Vec::new(),
        errors: vec![RunError {
            kind: kind.to_string(),
            stage: None,
            input: None,
            message: format!("{err:#}"),
        }],
        timings: Vec::new(),
    }
}

fn run_pipeline(args: &RunArgs, start: &RunStart) -> Result<(RunReport, PolicyRef)> {
    let (pipeline, embedded_default) = match &args.pipeline {
        Some(path) => {
            let text = cordon_manifest::file::read_config(path)
                .with_context(|| format!("reading pipeline file {}", path.display()))?;
            let base = path.parent().unwrap_or(Path::new("."));
            (
                Pipeline::parse(&text, &path.display().to_string(), base)?,
                false,
            )
        }
        None => (
            Pipeline::parse(
                DEFAULT_PIPELINE,
                "embedded default pipeline",
                Path::new("policies/pipelines"),
            )?,
            true,
        ),
    };
    let (policy_document, policy_uri) = match (&args.policy, embedded_default) {
        (Some(path), _) => (
            read_policy(path, "policy file")?,
            path.display().to_string(),
        ),
        (None, true) => (
            DEFAULT_RULES.to_string(),
            "embedded:policies/rules/default.toml".to_string(),
        ),
        (None, false) => {
            let Some(rules) = &pipeline.policy.rules else {
                bail!("the pipeline's policy stage has no rules document");
            };
            (
                read_policy(rules, "policy rules")?,
                rules.display().to_string(),
            )
        }
    };
    let policy = PolicyRef {
        digest: cordon_runtime::verify::sha256_digest(policy_document.as_bytes()),
        uri: policy_uri,
    };
    let compare_policy = match &args.compare_policy {
        Some(path) => Some(CandidatePolicy {
            path: path.display().to_string(),
            document: read_policy(path, "--compare-policy")?,
        }),
        None => None,
    };
    let suppressions = host_suppressions(args)?;

    // Verify every stage before compiling any: a refused plugin stops the
    // run here, before any report is read.
    let determinism = args.deterministic.then(|| Determinism {
        epoch_secs: u64::try_from(source_date_epoch()).unwrap_or(0),
        seed: args.seed,
    });
    let mut builder = PipelineBuilder::new(pipeline, policy_document, EMBEDDED)
        .host_version(HOST_VERSION)
        .now(start.now)
        .log_sink(log_sink(args.verbose))
        .options(RuntimeOptions {
            deterministic: determinism,
            ..RuntimeOptions::default()
        });
    if let Some(path) = &args.trust {
        builder = builder.trust(load_trust(path)?);
    }
    // No stage may be granted fs-read of cordon's own state, whether or not
    // this run uses the cache.
    let cache_dir = args.cache_dir.clone().or_else(default_cache_dir);
    if let Some(dir) = &cache_dir {
        builder = builder.protect_dir(dir.clone());
    }
    if let Some(key_dir) = default_cache_key_file().as_deref().and_then(Path::parent) {
        builder = builder.protect_dir(key_dir.to_path_buf());
    }
    if !args.no_cache
        && let Some(dir) = cache_dir
    {
        match cache_key(&dir) {
            Ok(key) => builder = builder.cache(dir, key),
            // A malformed explicit key is a configuration error, not a
            // reason to quietly run slower.
            Err(e @ CacheError::BadKeyText { .. }) => return Err(e.into()),
            Err(e) => eprintln!("cordon: warning: {e}; continuing without a compile cache"),
        }
    }
    let assembled = builder.build()?;
    for w in &assembled.warnings {
        eprintln!("cordon: warning: {}", terminal(w));
    }
    let runner = assembled.runner;

    let max_bytes = args.max_input_mib.saturating_mul(1 << 20);
    let inputs: Vec<Input> = start
        .reports
        .iter()
        .map(|r| Input {
            path: r.name.clone(),
            bytes: match &r.source {
                Source::Stdin => InputBytes::Read(inputs::read_stdin(max_bytes)),
                Source::File(p) => {
                    let path = p.clone();
                    InputBytes::Deferred {
                        size: fs::metadata(p).map_or(0, |m| m.len().min(max_bytes)),
                        read: Box::new(move || read_report(&path, max_bytes)),
                    }
                }
            },
            format: r.format.clone(),
        })
        .collect();
    let baseline = match &args.baseline {
        Some(path) => Some(read_baseline(path, max_bytes)?),
        None => None,
    };
    let opts = RunOptions {
        environment: args.environment.clone().unwrap_or_default(),
        mode: match args.mode {
            ModeArg::Enforce => Mode::Enforce,
            ModeArg::ReportOnly => Mode::ReportOnly,
        },
        format: None,
        today: start.today.clone(),
        run_id: start.run_id.clone(),
        jobs: args.jobs,
        memory_budget: args.max_memory_mib.saturating_mul(1 << 20),
        on_unrecognised: match args.on_unrecognised {
            UnrecognisedArg::Error => OnUnrecognised::Error,
            UnrecognisedArg::Warn => OnUnrecognised::Warn,
        },
        source_roots: source_roots(&args.source_root)?,
        baseline,
        block_at: args.block_at.map(Severity::from),
        suppressions,
        compare_policy,
    };

    let report = runner.run_blocking(inputs, &opts)?;
    Ok((report, policy))
}
