//! The one way to assemble a runnable pipeline.
//!
//! [`PipelineBuilder`] takes a parsed pipeline file, the policy document,
//! the embedded first-party plugins (passed in by the binary, so this crate
//! does not depend on it), the trust policy and the run's options, and does
//! every check before anything is compiled:
//!
//! * each stage's plugin is verified: an embedded one against the pin the
//!   build compiled into the binary (and the pipeline's own `sha256` pin, if
//!   any), a plugin file by pin, signature and trust policy;
//! * stage names are checked ([`check_stage_names`]): unique, well-formed,
//!   embedded names reserved for embedded stages;
//! * only then is the runtime created, the compile cache opened, and the
//!   normalizer and policy compiled (parsers compile when an input needs
//!   them).
//!
//! The binary, the tests and the benchmarks all assemble pipelines here.

use cordon_manifest::{Pipeline, PluginRef, StageKind, StageSpec};
use cordon_signing::TrustPolicy;
use cordon_signing::plugin::PluginOnDisk;
use std::path::PathBuf;
use std::sync::Arc;

use crate::cache::CacheKey;
use crate::engine::Runtime;
use crate::error::LoadError;
use crate::pipeline::{ParserSlot, PipelineRunner, check_stage_names};
use crate::types::{LogSink, RuntimeOptions};
use crate::verify::{EmbeddedPlugin, VerifiedComponent};

/// Builds a [`PipelineRunner`]. Defaults:
///
/// * no trust policy: only embedded stages can be verified; a plugin file is
///   refused (`no-trust-policy`);
/// * the real clock for trust-file validity;
/// * [`RuntimeOptions::default`]: real deadlines, the memory limiter on;
/// * stage log lines are dropped;
/// * no compile cache;
/// * no directory protected from `fs-read` grants beyond the built-in
///   system ones;
/// * this crate's version as the host version for `min_host_version`.
pub struct PipelineBuilder {
    pipeline: Pipeline,
    policy_document: String,
    embedded: Vec<EmbeddedPlugin>,
    trust: Option<TrustPolicy>,
    now: Option<i64>,
    options: RuntimeOptions,
    log_sink: LogSink,
    cache: Option<(PathBuf, CacheKey)>,
    protected: Vec<PathBuf>,
    host_version: String,
}

/// A runnable pipeline and what the operator should be told about how it
/// was set up.
pub struct Assembled {
    /// The pipeline, ready to run.
    pub runner: PipelineRunner,
    /// Non-fatal problems, one line each (e.g. the compile cache could not
    /// be used, so this run compiles everything).
    pub warnings: Vec<String>,
}

/// A verified stage: the component, the spec it runs under, where it came
/// from.
struct Verified {
    component: VerifiedComponent,
    spec: StageSpec,
    source: String,
}

impl PipelineBuilder {
    /// Start from a parsed pipeline file, its policy document and the
    /// embedded plugins that `embedded:NAME` references resolve to.
    pub fn new(
        pipeline: Pipeline,
        policy_document: impl Into<String>,
        embedded: &[EmbeddedPlugin],
    ) -> PipelineBuilder {
        PipelineBuilder {
            pipeline,
            policy_document: policy_document.into(),
            embedded: embedded.to_vec(),
            trust: None,
            now: None,
            options: RuntimeOptions::default(),
            log_sink: Arc::new(|_, _, _| {}),
            cache: None,
            protected: Vec::new(),
            host_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// The host version plugins' `min_host_version` is checked against
    /// (default: this crate's version, which is cordon's).
    pub fn host_version(mut self, version: &str) -> PipelineBuilder {
        self.host_version = version.to_string();
        self
    }

    /// Verify plugin files against this trust policy.
    pub fn trust(mut self, trust: TrustPolicy) -> PipelineBuilder {
        self.trust = Some(trust);
        self
    }

    /// Judge trust-file validity at `unix_secs` instead of the real clock
    /// (the operator's `--today`).
    pub fn now(mut self, unix_secs: i64) -> PipelineBuilder {
        self.now = Some(unix_secs);
        self
    }

    /// Runtime options (deterministic mode).
    pub fn options(mut self, options: RuntimeOptions) -> PipelineBuilder {
        self.options = options;
        self
    }

    /// Where stage log lines go.
    pub fn log_sink(mut self, sink: LogSink) -> PipelineBuilder {
        self.log_sink = sink;
        self
    }

    /// Use the compile cache in `dir`, authenticated with `key`.
    pub fn cache(mut self, dir: PathBuf, key: CacheKey) -> PipelineBuilder {
        self.cache = Some((dir, key));
        self
    }

    /// Never grant `fs-read` of `dir`, anything in it or anything holding it.
    pub fn protect_dir(mut self, dir: PathBuf) -> PipelineBuilder {
        self.protected.push(dir);
        self
    }

    /// Verify every stage, check their names, then create the runtime and
    /// compile the normalizer and policy. Nothing reaches the compiler
    /// before every stage has passed verification.
    pub fn build(self) -> Result<Assembled, LoadError> {
        let now = self.now.unwrap_or_else(cordon_signing::time::now);
        let trust = self.trust.as_ref();
        let host_version = self.host_version.as_str();
        let verify = |spec: &StageSpec| verify_spec(spec, &self.embedded, trust, now, host_version);
        let mut parsers = Vec::new();
        for spec in &self.pipeline.parsers {
            parsers.extend(verify(spec)?);
        }
        let one = |v: Vec<Verified>, what: &str| {
            v.into_iter().next().ok_or_else(|| LoadError::StageName {
                stage: what.to_string(),
                detail: format!("the pipeline's {what} must name one plugin"),
            })
        };
        let normalizer = one(verify(&self.pipeline.normalizer)?, "normalizer")?;
        let policy = one(verify(&self.pipeline.policy)?, "policy")?;
        let embedded_names: Vec<&str> = self.embedded.iter().map(|p| p.name).collect();
        check_stage_names(
            parsers
                .iter()
                .chain([&normalizer, &policy])
                .map(|v| (&v.component, v.source.as_str())),
            &embedded_names,
        )?;

        let mut runtime = Runtime::with_options(self.log_sink, self.options)?;
        let mut warnings = Vec::new();
        for dir in &self.protected {
            runtime.protect_dir(dir);
        }
        if let Some((dir, key)) = self.cache {
            runtime.protect_dir(&dir);
            if let Err(e) = runtime.enable_cache(&dir, key) {
                warnings.push(format!("{e}; continuing without a compile cache"));
            }
        }
        let runtime = Arc::new(runtime);
        let mut sources = Vec::with_capacity(parsers.len() + 2);
        let slots = parsers
            .into_iter()
            .map(|v| {
                sources.push((v.component.name().to_string(), v.source.clone()));
                Arc::new(ParserSlot::new(v.component, v.spec, v.source))
            })
            .collect();
        sources.push((
            normalizer.component.name().to_string(),
            normalizer.source.clone(),
        ));
        sources.push((policy.component.name().to_string(), policy.source.clone()));
        let normalizer = runtime.load(normalizer.component, &normalizer.spec)?;
        let policy = runtime.load(policy.component, &policy.spec)?;
        Ok(Assembled {
            runner: PipelineRunner::new(
                runtime,
                self.pipeline.name,
                slots,
                normalizer,
                policy,
                self.policy_document,
                sources,
            ),
            warnings,
        })
    }
}

/// Verify the component(s) a stage spec names. `embedded:*` (parsers only)
/// expands to every embedded parser, in name order.
fn verify_spec(
    spec: &StageSpec,
    embedded: &[EmbeddedPlugin],
    trust: Option<&TrustPolicy>,
    now: i64,
    host_version: &str,
) -> Result<Vec<Verified>, LoadError> {
    let verified = |component| Verified {
        component,
        spec: spec.clone(),
        source: "embedded".into(),
    };
    match &spec.plugin {
        PluginRef::Embedded(name) if name == "*" && spec.kind == StageKind::Parser => {
            let mut all: Vec<_> = embedded
                .iter()
                .filter(|p| p.kind == StageKind::Parser)
                .collect();
            all.sort_by_key(|p| p.name);
            all.into_iter()
                .map(|p| VerifiedComponent::verify_embedded(p, None).map(verified))
                .collect()
        }
        PluginRef::Embedded(name) => {
            let plugin = embedded.iter().find(|p| p.name == name).ok_or_else(|| {
                LoadError::UnknownEmbedded {
                    stage: name.clone(),
                    known: embedded
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?;
            Ok(vec![verified(VerifiedComponent::verify_embedded(
                plugin,
                spec.sha256.as_deref(),
            )?)])
        }
        PluginRef::File(path) => {
            let shown = path.display().to_string();
            let disk = PluginOnDisk::read(path).map_err(|e| LoadError::Unreadable {
                stage: shown.clone(),
                detail: e.to_string(),
            })?;
            let file = disk.as_file(spec.sha256.as_deref(), Some(spec.kind));
            let component =
                VerifiedComponent::verify_file(&shown, &file, trust, now, host_version)?;
            Ok(vec![Verified {
                component,
                spec: spec.clone(),
                source: shown,
            }])
        }
    }
}
