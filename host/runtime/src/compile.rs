//! Bounds on compiling a component.
//!
//! A signed component is still untrusted input to the compiler: Cranelift's
//! time and memory grow with the code it is given, and a plugin can be made
//! of one enormous function or of millions of small ones. Before anything is
//! compiled, [`CompileBounds::check`] counts the code (one pass over the
//! binary structure, [`cordon_manifest::component::code_size`]) and refuses
//! a component over any bound; the compilation itself then runs on its own
//! thread under a wall-clock deadline.
//!
//! The compiler's time and memory grow with the largest function it compiles
//! at once (times the compile threads, one per core), and not only with its
//! bytes: SSA construction carries every local through every block, so a
//! body of `if`/`else` over many locals is far costlier than its size says
//! (measured: 1 MB over 1000 locals, 92 s and 2.9 GB; 4 MiB aborted the
//! process asking for 26 GB). Both the body's bytes and the product of its
//! locals and control-flow operators are bounded.

use std::sync::mpsc;
use std::time::Duration;
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::LoadError;
use crate::verify::VerifiedComponent;

/// What one component may ask of the compiler. The defaults leave every
/// first-party stage a factor of ten or more of headroom (docs/benchmarks.md
/// has the measured sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileBounds {
    /// Largest component, in bytes (default 64 MiB).
    pub max_component_bytes: u64,
    /// Most core modules at any depth (default 64).
    pub max_modules: u64,
    /// Most function bodies over all core modules (default 200 000).
    pub max_functions: u64,
    /// Largest single function body, in bytes (default 1 MiB).
    pub max_function_bytes: u64,
    /// Largest product of one function's locals and its control-flow
    /// operators (default 10 000 000; see
    /// [`cordon_manifest::component::CodeSize::largest_locals_x_blocks`]).
    pub max_locals_x_blocks: u64,
    /// Wall-clock deadline for compiling one component (default 120 s).
    pub timeout: Duration,
}

impl Default for CompileBounds {
    fn default() -> Self {
        CompileBounds {
            max_component_bytes: 64 << 20,
            max_modules: 64,
            max_functions: 200_000,
            max_function_bytes: 1 << 20,
            max_locals_x_blocks: 10_000_000,
            timeout: Duration::from_secs(120),
        }
    }
}

impl CompileBounds {
    /// Refuse `component` when its code is over a bound; nothing is compiled.
    pub fn check(&self, component: &VerifiedComponent) -> Result<(), LoadError> {
        let refuse = |detail: String| LoadError::CompileLimit {
            stage: component.name().to_string(),
            detail,
        };
        let bytes = component.bytes();
        if bytes.len() as u64 > self.max_component_bytes {
            return Err(refuse(format!(
                "the component is {} bytes, more than {}",
                bytes.len(),
                self.max_component_bytes
            )));
        }
        let size =
            cordon_manifest::component::code_size(bytes).map_err(|e| LoadError::Compile {
                stage: component.name().to_string(),
                detail: e.to_string(),
            })?;
        let over = [
            ("core modules", size.modules, self.max_modules),
            ("function bodies", size.functions, self.max_functions),
            (
                "bytes in its largest function body",
                size.largest_function,
                self.max_function_bytes,
            ),
            (
                "locals x control-flow operators in one function",
                size.largest_locals_x_blocks,
                self.max_locals_x_blocks,
            ),
        ];
        for (what, n, max) in over {
            if n > max {
                return Err(refuse(format!(
                    "the component has {n} {what}, more than {max}"
                )));
            }
        }
        Ok(())
    }

    /// Compile `component` on a thread of its own, giving up after
    /// [`CompileBounds::timeout`]. An abandoned compilation cannot be
    /// interrupted: its thread runs on until the compiler returns, and its
    /// result is dropped (the run has already failed with
    /// [`LoadError::CompileLimit`], and cordon exits).
    pub fn compile(
        &self,
        engine: &Engine,
        component: &VerifiedComponent,
    ) -> Result<Component, LoadError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let engine = engine.clone();
        let bytes = component.shared_bytes();
        std::thread::Builder::new()
            .name("cordon-compile".into())
            .spawn(move || {
                // The one call site of Component::new (clippy.toml): its
                // argument is the bytes of a VerifiedComponent.
                #[allow(clippy::disallowed_methods)]
                let compiled = Component::new(&engine, &bytes[..]);
                // The receiver is gone when the deadline passed first.
                let _ = tx.send(compiled);
            })
            .map_err(|e| LoadError::Engine(format!("starting a compile thread: {e}")))?;
        match rx.recv_timeout(self.timeout) {
            Ok(compiled) => compiled.map_err(|e| LoadError::Compile {
                stage: component.name().to_string(),
                detail: format!("{e:#}"),
            }),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(LoadError::CompileLimit {
                stage: component.name().to_string(),
                detail: format!(
                    "compiling took longer than the {} ms compile deadline",
                    self.timeout.as_millis()
                ),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(LoadError::Compile {
                stage: component.name().to_string(),
                detail: "the compiler thread ended without a result".into(),
            }),
        }
    }
}
