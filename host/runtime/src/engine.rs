//! One wasmtime [`Engine`] per process, its epoch ticker, and the linker every
//! stage is checked against.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, OptLevel};

use crate::bindings::{config, log, normalizer, parser, policy};
use crate::cache::{CacheError, CacheKey, CompileCache};
use crate::capability::StageState;
use crate::error::LoadError;
use crate::stage::{LoadedStage, StagePre};
use crate::types::{EPOCH_TICK, LogSink, MAX_WASM_STACK, RuntimeOptions};
use crate::verify::VerifiedComponent;
use cordon_manifest::{StageKind, StageSpec};

struct Ticker {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The process-wide stage runtime.
pub struct Runtime {
    engine: Engine,
    linker: Arc<Linker<StageState>>,
    log_sink: LogSink,
    cache: Option<CompileCache>,
    options: RuntimeOptions,
    protected_dirs: Vec<PathBuf>,
    _ticker: Ticker,
}

impl Runtime {
    /// Create the engine, start the epoch ticker and build the linker.
    pub fn new(log_sink: LogSink) -> Result<Runtime, LoadError> {
        Runtime::with_options(log_sink, RuntimeOptions::default())
    }

    /// [`Runtime::new`] with options (deterministic mode enables fuel, which
    /// changes the compiled code: such an engine has its own cache entries).
    pub fn with_options(log_sink: LogSink, options: RuntimeOptions) -> Result<Runtime, LoadError> {
        let mut cfg = Config::new();
        cfg.wasm_component_model(true)
            .epoch_interruption(true)
            .consume_fuel(options.deterministic.is_some())
            .max_wasm_stack(MAX_WASM_STACK)
            .cranelift_opt_level(OptLevel::Speed)
            .parallel_compilation(true);
        let engine = Engine::new(&cfg).map_err(|e| LoadError::Engine(format!("{e:#}")))?;

        let mut linker = Linker::<StageState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| LoadError::Engine(format!("linking WASI: {e:#}")))?;
        log::add_to_linker::<StageState, HasSelf<StageState>>(&mut linker, |s| s)
            .map_err(|e| LoadError::Engine(format!("linking log: {e:#}")))?;
        config::add_to_linker::<StageState, HasSelf<StageState>>(&mut linker, |s| s)
            .map_err(|e| LoadError::Engine(format!("linking config: {e:#}")))?;

        let stop = Arc::new(AtomicBool::new(false));
        let handle = {
            let engine = engine.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("cordon-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
                        engine.increment_epoch();
                    }
                })
                .map_err(|e| LoadError::Engine(format!("starting the epoch ticker: {e}")))?
        };

        Ok(Runtime {
            engine,
            linker: Arc::new(linker),
            log_sink,
            cache: None,
            options,
            protected_dirs: Vec::new(),
            _ticker: Ticker {
                stop,
                handle: Some(handle),
            },
        })
    }

    /// Use an authenticated on-disk compile cache in `dir` (created `0700`
    /// if missing), its entries authenticated with `key`. The key must come
    /// from outside the cache directory (see [`crate::cache`]).
    pub fn enable_cache(&mut self, dir: &Path, key: CacheKey) -> Result<(), CacheError> {
        self.cache = Some(CompileCache::open(dir, key, &self.engine)?);
        Ok(())
    }

    /// Never grant `fs-read` of `dir`, of anything inside it or of any
    /// directory containing it (cordon's state: key files and the like; the
    /// compile cache directory is protected automatically).
    pub fn protect_dir(&mut self, dir: &Path) {
        self.protected_dirs.push(dir.to_path_buf());
    }

    /// The compile cache, if enabled.
    pub fn cache(&self) -> Option<&CompileCache> {
        self.cache.as_ref()
    }

    fn compile(&self, component: &VerifiedComponent) -> Result<Component, LoadError> {
        if let Some(cache) = &self.cache
            && let Some(c) = cache.load(&self.engine, component.sha256())
        {
            return Ok(c);
        }
        self.options.compile.check(component)?;
        let compiled = self.options.compile.compile(&self.engine, component)?;
        if let Some(cache) = &self.cache {
            cache.store(component.sha256(), &compiled);
        }
        Ok(compiled)
    }

    /// Compile a verified component, resolve its imports against what the
    /// host provides, and check it implements the world of its stage kind.
    ///
    /// Nothing of the guest runs here. An import the host does not provide
    /// fails now, before any call, with [`LoadError::UnknownImport`].
    pub fn load(
        &self,
        component: VerifiedComponent,
        spec: &StageSpec,
    ) -> Result<LoadedStage, LoadError> {
        let name = component.name().to_string();
        if component.kind() != spec.kind {
            return Err(LoadError::WrongWorld {
                stage: name,
                world: spec.kind.as_str(),
                detail: format!(
                    "the component is a {} stage, the pipeline uses it as a {} stage",
                    component.kind(),
                    spec.kind
                ),
            });
        }
        if let Some(dir) = &spec.fs_read {
            let mut protected = self.protected_dirs.clone();
            if let Some(cache) = &self.cache {
                protected.push(cache.dir().to_path_buf());
            }
            match cordon_manifest::check_fs_read_dir(dir, &protected) {
                Ok(warnings) => {
                    for w in warnings {
                        (self.log_sink)(&name, crate::LogLevel::Warn, &w);
                    }
                }
                Err(detail) if !dir.is_dir() => {
                    return Err(LoadError::Unreadable {
                        stage: name,
                        detail,
                    });
                }
                Err(detail) => {
                    return Err(LoadError::GrantRefused {
                        stage: name,
                        detail,
                    });
                }
            }
        }
        let compiled = self.compile(&component)?;
        let pre = self
            .linker
            .instantiate_pre(&compiled)
            .map_err(|e| LoadError::UnknownImport {
                stage: name.clone(),
                detail: format!("{e:#}"),
            })?;
        let wrong_world = |e: wasmtime::Error| LoadError::WrongWorld {
            stage: name.clone(),
            world: spec.kind.as_str(),
            detail: format!("{e:#}"),
        };
        let pre = match spec.kind {
            StageKind::Parser => {
                StagePre::Parser(parser::ParserPre::new(pre).map_err(wrong_world)?)
            }
            StageKind::Normalizer => {
                StagePre::Normalizer(normalizer::NormalizerPre::new(pre).map_err(wrong_world)?)
            }
            StageKind::Policy => {
                StagePre::Policy(policy::PolicyPre::new(pre).map_err(wrong_world)?)
            }
        };
        Ok(LoadedStage::new(
            self.engine.clone(),
            component,
            spec,
            pre,
            self.log_sink.clone(),
            self.options,
        ))
    }
}
