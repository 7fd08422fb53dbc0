//! `cordon run`: reports in, `findings.json` and a gate verdict out.

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use cordon_manifest::Pipeline;
use cordon_model::Verdict;
use cordon_report::sanitize::terminal;
use cordon_runtime::{
    Determinism, Input, LogLevel, LogSink, Mode, ParserSlot, PipelineRunner, RunOptions, Runtime,
    RuntimeOptions,
};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::{default_cache_dir, load_trust, verify_spec};

/// The embedded default pipeline: the same text as `policies/pipelines/default.toml`.
pub const DEFAULT_PIPELINE: &str = include_str!("../../policies/pipelines/default.toml");
/// The embedded default rules: the same text as `policies/rules/default.toml`.
pub const DEFAULT_RULES: &str = include_str!("../../policies/rules/default.toml");

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
    /// Scanner reports to process (SARIF, ...). The format is detected from
    /// the content, not the file name.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,

    /// Pipeline file (TOML). Default: the embedded default pipeline
    /// (policies/pipelines/default.toml).
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,

    /// Policy document for the policy stage, replacing the pipeline's `rules`.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// Environment the gate is for (e.g. prod, dev). Default: the policy's
    /// `default_environment`.
    #[arg(long = "env", value_name = "NAME", env = "CORDON_ENV")]
    environment: Option<String>,

    /// enforce: blocking findings fail the gate; report-only: they are
    /// reported but the gate passes.
    #[arg(long, value_enum, default_value = "enforce")]
    mode: ModeArg,

    /// Skip detection: use the parser with this name (`sarif` or
    /// `parser-sarif`) for every report.
    #[arg(long, value_name = "NAME")]
    format: Option<String>,

    /// Directory for outputs (created if missing).
    #[arg(long, value_name = "DIR", default_value = "cordon-out")]
    out: PathBuf,

    /// Trust policy for third-party plugins (`trust.toml`, or an OpenSSH
    /// `allowed_signers` file). Without it only embedded plugins run.
    #[arg(long, value_name = "FILE")]
    trust: Option<PathBuf>,

    /// Compile cache directory. Default: $CORDON_CACHE_DIR, else
    /// $XDG_CACHE_HOME/cordon, else ~/.cache/cordon.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Compile every stage afresh; do not read or write the compile cache.
    #[arg(long)]
    no_cache: bool,

    /// Deterministic mode: stages see a fixed wall clock ($SOURCE_DATE_EPOCH,
    /// else the Unix epoch), a monotonic clock that only counts readings,
    /// and seeded random; fuel replaces the wall-clock deadline as the CPU
    /// budget. The same inputs give byte-identical findings.json.
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

    /// Largest report accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    max_input_mib: u64,

    /// Also show info and debug lines that stages log.
    #[arg(short, long)]
    verbose: bool,
}

fn read_report(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot stat: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max_bytes {
        return Err(format!(
            "report is {} MiB, more than the --max-input-mib limit of {} MiB",
            meta.len() >> 20,
            max_bytes >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` guards against a file that grows while it is read.
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err("report grew past the size limit while being read".into());
    }
    Ok(bytes)
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
pub fn run(args: RunArgs) -> Result<u8> {
    let (pipeline, embedded_default) = match &args.pipeline {
        Some(path) => {
            let text = fs::read_to_string(path)
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
    let policy_document = match (&args.policy, embedded_default) {
        (Some(path), _) => fs::read_to_string(path)
            .with_context(|| format!("reading policy file {}", path.display()))?,
        (None, true) => DEFAULT_RULES.to_string(),
        (None, false) => {
            let Some(rules) = &pipeline.policy.rules else {
                bail!("the pipeline's policy stage has no rules document");
            };
            fs::read_to_string(rules)
                .with_context(|| format!("reading policy rules {}", rules.display()))?
        }
    };

    // Verify every stage before compiling any: a refused plugin stops the
    // run here, before any report is read.
    let trust = args.trust.as_deref().map(load_trust).transpose()?;
    let now = cordon_signing::time::now();
    let mut parser_specs = Vec::new();
    for spec in &pipeline.parsers {
        parser_specs.extend(verify_spec(spec, trust.as_ref(), now)?);
    }
    let normalizer = verify_spec(&pipeline.normalizer, trust.as_ref(), now)?;
    let policy = verify_spec(&pipeline.policy, trust.as_ref(), now)?;
    let (Some(normalizer), Some(policy)) =
        (normalizer.into_iter().next(), policy.into_iter().next())
    else {
        bail!("the pipeline's normalizer and policy must each name one plugin");
    };

    let determinism = args.deterministic.then(|| Determinism {
        epoch_secs: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        seed: args.seed,
    });
    let mut runtime = Runtime::with_options(
        log_sink(args.verbose),
        RuntimeOptions {
            deterministic: determinism,
            ..RuntimeOptions::default()
        },
    )?;
    if !args.no_cache
        && let Some(dir) = args.cache_dir.clone().or_else(default_cache_dir)
        && let Err(e) = runtime.enable_cache(&dir)
    {
        eprintln!("cordon: warning: {e}; continuing without a compile cache");
    }
    let runtime = Arc::new(runtime);
    let mut sources = Vec::new();
    let mut parsers = Vec::new();
    for v in parser_specs {
        sources.push((v.component.name().to_string(), v.source.clone()));
        parsers.push(Arc::new(ParserSlot::new(v.component, v.spec, v.source)));
    }
    sources.push((
        normalizer.component.name().to_string(),
        normalizer.source.clone(),
    ));
    sources.push((policy.component.name().to_string(), policy.source.clone()));
    let normalizer = runtime.load(normalizer.component, &normalizer.spec)?;
    let policy = runtime.load(policy.component, &policy.spec)?;
    let runner = PipelineRunner {
        runtime: runtime.clone(),
        name: pipeline.name.clone(),
        parsers,
        normalizer: Arc::new(normalizer),
        policy: Arc::new(policy),
        policy_document,
        sources,
    };

    let max_bytes = args.max_input_mib.saturating_mul(1 << 20);
    let inputs: Vec<Input> = args
        .reports
        .iter()
        .map(|p| Input {
            path: p.display().to_string(),
            bytes: read_report(p, max_bytes),
        })
        .collect();
    let opts = RunOptions {
        environment: args.environment.clone().unwrap_or_default(),
        mode: match args.mode {
            ModeArg::Enforce => Mode::Enforce,
            ModeArg::ReportOnly => Mode::ReportOnly,
        },
        format: args.format.clone(),
        today: match determinism {
            Some(d) => cordon_runtime::pipeline::civil_date((d.epoch_secs / 86_400) as i64),
            None => cordon_runtime::pipeline::today_utc(),
        },
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = rt.block_on(runner.run(inputs, &opts));

    let code = match report.gate.verdict {
        Verdict::Pass => 0,
        Verdict::Block => 1,
        Verdict::Error => 2,
    };
    let written = cordon_report::write_findings_json(&args.out, &report)?;
    eprint!(
        "{}",
        cordon_report::summary::render(&report, i32::from(code))
    );
    eprintln!("wrote {}", written.display());
    Ok(code)
}
