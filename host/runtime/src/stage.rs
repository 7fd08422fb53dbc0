//! A loaded stage and its calls: one fresh `Store` per call, limits armed
//! before any guest code runs, every result validated before it is returned.

use cordon_manifest::plugin::PluginManifest;
use cordon_manifest::{Capability, Limits, StageKind, StageSpec};
use cordon_model as model;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use wasmtime::{Engine, Store, Trap};

use crate::bindings::{normalizer, parser, policy, wit};
use crate::capability::{HostTrap, StageState};
use crate::error::{CallError, LimitKind};
use crate::types::{Detection, Determinism, EPOCH_TICK, LogSink, PolicyContext, RuntimeOptions};
use crate::verify::{Verification, VerifiedComponent};
use crate::{contract, validate};

pub(crate) enum StagePre {
    Parser(parser::ParserPre<StageState>),
    Normalizer(normalizer::NormalizerPre<StageState>),
    Policy(policy::PolicyPre<StageState>),
}

/// Bytes of host allocation allowed per returned record beyond its strings
/// (the record itself, its lists and options), for the transfer bound.
const RECORD_OVERHEAD_BYTES: u64 = 1024;

/// A compiled, linked, type-checked stage, ready to be called any number of
/// times (concurrently, too). Each call gets its own store.
pub struct LoadedStage {
    name: Arc<str>,
    kind: StageKind,
    sha256: String,
    verification: Verification,
    grants: Arc<[Capability]>,
    config: Arc<BTreeMap<String, String>>,
    limits: Limits,
    engine: Engine,
    pre: StagePre,
    log_sink: LogSink,
    manifest: Option<PluginManifest>,
    determinism: Option<Determinism>,
    memory_limiter: bool,
    /// The directory of a granted `fs-read:<dir>`.
    fs_read: Option<Arc<Path>>,
}

impl std::fmt::Debug for LoadedStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedStage")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("sha256", &self.sha256)
            .field("grants", &self.grants)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl LoadedStage {
    pub(crate) fn new(
        engine: Engine,
        component: VerifiedComponent,
        spec: &StageSpec,
        pre: StagePre,
        log_sink: LogSink,
        options: RuntimeOptions,
    ) -> LoadedStage {
        // The one grant rule (cordon_manifest::grant): pipeline ∩ manifest
        // request ∩ kind ceiling ∩ signer ceiling.
        let grants = component.grant(&spec.capabilities).granted;
        let fs_read = match grants.contains(&Capability::FsRead) {
            true => spec.fs_read.as_deref().map(Arc::from),
            false => None,
        };
        LoadedStage {
            name: Arc::from(component.name()),
            kind: spec.kind,
            sha256: component.sha256().to_string(),
            verification: component.verification().clone(),
            grants: Arc::from(grants),
            config: Arc::new(spec.config.clone()),
            limits: spec.limits.clone(),
            engine,
            pre,
            log_sink,
            manifest: component.manifest().cloned(),
            determinism: options.deterministic,
            memory_limiter: options.memory_limiter,
            fs_read,
        }
    }

    /// The plugin's manifest, when it has one.
    pub fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    /// Stage name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stage kind.
    pub fn kind(&self) -> StageKind {
        self.kind
    }

    /// `sha256:<hex>` of the component.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// How the component was verified.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    /// Capabilities this stage was granted.
    pub fn grants(&self) -> &[Capability] {
        &self.grants
    }

    /// The directory of a granted `fs-read:<dir>` (none unless the pipeline
    /// grants it and the signed manifest requests it).
    pub fn fs_read(&self) -> Option<&Path> {
        self.fs_read.as_deref()
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn store(&self) -> Result<Store<StageState>, CallError> {
        let state = StageState::new(
            self.name.clone(),
            self.grants.clone(),
            self.config.clone(),
            self.limits.clone(),
            self.log_sink.clone(),
            self.determinism,
            self.fs_read.as_deref(),
        )
        .map_err(|detail| CallError::Host {
            stage: self.name.to_string(),
            detail,
        })?;
        let mut store = Store::new(&self.engine, state);
        if self.memory_limiter {
            store.limiter(|s| &mut s.budget);
        }
        // What a call may hand back to the host is bounded by our own caps
        // (string bytes plus a per-record allowance), not wasmtime's 128 MiB
        // default; validation then checks the exact caps.
        let transfer = self.limits.max_string_bytes.saturating_add(
            self.limits
                .max_findings
                .saturating_mul(RECORD_OVERHEAD_BYTES),
        );
        store.set_hostcall_fuel(usize::try_from(transfer).unwrap_or(usize::MAX));
        // Deterministic mode: fuel is the CPU budget (the same input fails the
        // same way every time); the wall clock stays armed only as a backstop
        // at ten times the deadline, so a stage cannot hang the host.
        let wall = match self.determinism {
            Some(_) => {
                // set_fuel only fails when fuel is disabled, which
                // deterministic mode never is.
                let _ = store.set_fuel(self.limits.fuel);
                self.limits.timeout.saturating_mul(10)
            }
            None => self.limits.timeout,
        };
        let tick = EPOCH_TICK.as_nanos().max(1);
        let ticks = wall.as_nanos().div_ceil(tick);
        // +1: the current tick may be almost over when the call starts.
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX).saturating_add(1));
        store.epoch_deadline_trap();
        Ok(store)
    }

    /// Turn a wasmtime error from instantiation or a call into a typed error.
    fn classify(&self, store: &Store<StageState>, err: wasmtime::Error) -> CallError {
        let stage = self.name.to_string();
        if let Some(h) = err.downcast_ref::<HostTrap>() {
            return match h {
                HostTrap::CapabilityDenied(c) => CallError::CapabilityDenied {
                    stage,
                    capability: c.to_string(),
                },
                HostTrap::Limit(limit) => CallError::Limit {
                    stage,
                    limit: limit.clone(),
                },
            };
        }
        if let Some(limit) = &store.data().budget.exceeded {
            return CallError::Limit {
                stage,
                limit: limit.clone(),
            };
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => CallError::Limit {
                stage,
                limit: LimitKind::Deadline {
                    timeout: match self.determinism {
                        Some(_) => self.limits.timeout.saturating_mul(10),
                        None => self.limits.timeout,
                    },
                },
            },
            Some(Trap::OutOfFuel) => CallError::Limit {
                stage,
                limit: LimitKind::Fuel {
                    budget: self.limits.fuel,
                },
            },
            Some(Trap::StackOverflow) => CallError::Limit {
                stage,
                limit: LimitKind::Stack,
            },
            Some(trap) => {
                let stderr = store.data().stderr.contents();
                let stderr = validate::clean_message(&String::from_utf8_lossy(&stderr));
                let detail = if stderr.is_empty() {
                    trap.to_string()
                } else {
                    format!("{trap}; stage stderr: {stderr}")
                };
                CallError::Trap { stage, detail }
            }
            None => {
                let msg = format!("{err:#}");
                // A return value larger than the transfer bound. (wasmtime
                // 48.0.8's wording; it has no typed error for this. A test
                // pins it: hostile::output_floods_are_errors_not_truncation.)
                if msg.contains("fuel allocated for hostcalls has been exhausted") {
                    return CallError::Limit {
                        stage,
                        limit: LimitKind::StringBytes {
                            max: self.limits.max_string_bytes,
                        },
                    };
                }
                // Instantiation refused by a resource cap (instances, tables,
                // memories) surfaces as a plain error with this wording
                // (wasmtime 48.0.8; pinned by limits::too_many_*).
                if msg.contains("resource limit exceeded") {
                    CallError::Limit {
                        stage,
                        limit: LimitKind::Resources {
                            what: validate::clean_message(&msg),
                        },
                    }
                } else {
                    CallError::Host {
                        stage,
                        detail: validate::clean_message(&msg),
                    }
                }
            }
        }
    }

    fn wrong_kind(&self, wanted: StageKind) -> CallError {
        CallError::Host {
            stage: self.name.to_string(),
            detail: format!("is a {} stage, not a {wanted} stage", self.kind),
        }
    }

    /// Ask a parser whether it handles an input, given its first bytes.
    pub fn detect(&self, head: &[u8]) -> Result<Option<Detection>, CallError> {
        let StagePre::Parser(pre) = &self.pre else {
            return Err(self.wrong_kind(StageKind::Parser));
        };
        let mut store = self.store()?;
        let out = pre
            .instantiate(&mut store)
            .and_then(|b| b.call_detect(&mut store, head));
        match out {
            Ok(d) => validate::detection(&self.name, d),
            Err(e) => Err(self.classify(&store, e)),
        }
    }

    /// Parse one report into findings (fingerprints empty, input index 0).
    pub fn parse(&self, report: &[u8]) -> Result<Vec<model::Finding>, CallError> {
        let StagePre::Parser(pre) = &self.pre else {
            return Err(self.wrong_kind(StageKind::Parser));
        };
        let mut store = self.store()?;
        let out = pre
            .instantiate(&mut store)
            .and_then(|b| b.call_parse(&mut store, report));
        match out {
            Ok(Ok(findings)) => validate::findings(&self.name, findings, &self.limits, None),
            Ok(Err(e)) => Err(CallError::Stage {
                stage: self.name.to_string(),
                failure: validate::stage_failure(e),
            }),
            Err(e) => Err(self.classify(&store, e)),
        }
    }

    /// Normalise the findings of all inputs. `inputs` is how many inputs the
    /// run has; every returned finding must point at one of them and carry a
    /// fingerprint.
    pub fn normalize(
        &self,
        findings: &[model::Finding],
        inputs: usize,
    ) -> Result<Vec<model::Finding>, CallError> {
        let StagePre::Normalizer(pre) = &self.pre else {
            return Err(self.wrong_kind(StageKind::Normalizer));
        };
        let arg = validate::findings_to_guest(findings);
        let mut store = self.store()?;
        let out = pre
            .instantiate(&mut store)
            .and_then(|b| b.call_normalize(&mut store, &arg));
        match out {
            Ok(Ok(normalized)) => {
                let wit::Normalized {
                    findings: out,
                    sources,
                } = normalized;
                let mut out = validate::findings(&self.name, out, &self.limits, Some(inputs))?;
                contract::normalizer_accounts_for_every_input(
                    &self.name, findings, &out, &sources,
                )?;
                // The host, not the stage, records what each finding
                // stands for: every input record merged into it, the one it
                // keeps the provenance of first.
                for (f, srcs) in out.iter_mut().zip(&sources) {
                    let kept = f.source();
                    let mut refs: Vec<model::SourceRef> = srcs
                        .iter()
                        .map(|&s| findings[s as usize].source())
                        .collect();
                    if let Some(k) = refs.iter().position(|r| *r == kept) {
                        refs[..=k].rotate_right(1);
                    }
                    f.occurrences = refs.len();
                    f.sources = refs;
                }
                Ok(out)
            }
            Ok(Err(e)) => Err(CallError::Stage {
                stage: self.name.to_string(),
                failure: validate::stage_failure(e),
            }),
            Err(e) => Err(self.classify(&store, e)),
        }
    }

    /// Evaluate a policy document over normalised findings. The host stamps
    /// `policy_digest` on every decision.
    pub fn evaluate(
        &self,
        findings: &[model::Finding],
        document: &str,
        policy_digest: &str,
        context: &PolicyContext,
    ) -> Result<Vec<model::Decision>, CallError> {
        let StagePre::Policy(pre) = &self.pre else {
            return Err(self.wrong_kind(StageKind::Policy));
        };
        let arg = validate::findings_to_guest(findings);
        let ctx = wit::RunContext {
            environment: context.environment.clone(),
            today: context.today.clone(),
        };
        let mut store = self.store()?;
        let out = pre
            .instantiate(&mut store)
            .and_then(|b| b.call_evaluate(&mut store, &arg, document, &ctx));
        match out {
            Ok(Ok(decisions)) => {
                let decisions = validate::decisions(
                    &self.name,
                    decisions,
                    &self.limits,
                    findings,
                    policy_digest,
                )?;
                contract::suppressions_are_declared_and_current(
                    &self.name,
                    &decisions,
                    document,
                    &context.today,
                )?;
                Ok(decisions)
            }
            Ok(Err(e)) => Err(CallError::Stage {
                stage: self.name.to_string(),
                failure: validate::stage_failure(e),
            }),
            Err(e) => Err(self.classify(&store, e)),
        }
    }
}
