//! What a stage call may touch: the per-call store state.
//!
//! Deny by default:
//!
//! * **WASI** (what Rust `std` imports) is linked against an empty context,
//!   built by [`stage_wasi`]: no preopened directories, no environment
//!   variables, no arguments, stdin closed, stdout discarded, stderr captured
//!   (bounded) for trap reports, TCP / UDP / name lookup denied. The one
//!   exception is a granted `fs-read:<dir>`: that directory, read-only, at
//!   [`FS_READ_GUEST_PATH`] (wasmtime-wasi resolves every path inside it
//!   without following links out of it).
//! * **Clocks and random** are fixed unless granted: the wall clock reads
//!   the Unix epoch, the monotonic clock counts readings, the random streams
//!   are seeded. `clock` and `random` grants give the real ones (outside
//!   deterministic mode).
//! * **cordon host interfaces** (`log`, `config`) are always linked so that
//!   every stage type-checks, but a call into one the stage was not granted
//!   traps with [`HostTrap::CapabilityDenied`], naming the capability.
//! * **Memory, tables, instances** are bounded by [`Budget`], one budget
//!   across all of a stage's linear memories.

use cordon_manifest::{Capability, FS_READ_GUEST_PATH, Limits};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{
    Deterministic, FsPerms, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView,
};

use crate::bindings::{config, log};
use crate::error::LimitKind;
use crate::types::{Determinism, LogLevel, LogSink};

/// Bytes of guest stderr kept for trap reports.
pub const STDERR_CAPTURE_BYTES: usize = 8 << 10;
/// Most linear memories one stage instance may create.
pub const MAX_MEMORIES: usize = 16;
/// Most tables one stage instance may create.
pub const MAX_TABLES: usize = 64;
/// Most core instances one stage instantiation may create.
pub const MAX_INSTANCES: usize = 64;
/// Most elements one table may hold.
pub const MAX_TABLE_ELEMENTS: usize = 1 << 20;

/// Build the WASI context every stage gets: empty, everything denied, apart
/// from what `grants` holds:
///
/// * `fs_read`, a granted directory, preopened read-only;
/// * [`Capability::Clock`]: the real wall and monotonic clocks. Without it
///   the wall clock reads the Unix epoch and the monotonic clock counts
///   readings;
/// * [`Capability::Random`]: real random streams. Without it they are seeded
///   (with the deterministic seed, else 0).
///
/// In deterministic mode the clocks are fixed (at `epoch_secs`) and the
/// random streams seeded even when granted. Fails only when `fs_read`
/// cannot be opened.
pub fn stage_wasi(
    stderr: MemoryOutputPipe,
    determinism: Option<Determinism>,
    grants: &[Capability],
    fs_read: Option<&Path>,
) -> Result<WasiCtx, String> {
    let mut b = WasiCtx::builder();
    if let Some(dir) = fs_read {
        b.preopened_dir(dir, FS_READ_GUEST_PATH, FsPerms::ReadOnly)
            .map_err(|e| format!("fs-read directory {}: {e:#}", dir.display()))?;
    }
    b.stderr(stderr)
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .socket_addr_check(|_, _| Box::pin(async { false }));
    let clock = grants.contains(&Capability::Clock);
    let random = grants.contains(&Capability::Random);
    match (clock, determinism) {
        (true, None) => {}
        (true, Some(d)) => {
            b.wall_clock(FixedWallClock(Duration::from_secs(d.epoch_secs)))
                .monotonic_clock(SteppingMonotonicClock::default());
        }
        (false, _) => {
            b.wall_clock(FixedWallClock(Duration::ZERO))
                .monotonic_clock(SteppingMonotonicClock::default());
        }
    }
    if !random || determinism.is_some() {
        let seed = determinism.map_or(0, |d| d.seed);
        let stream = seeded_bytes(seed);
        b.secure_random(Deterministic::new(stream.clone()))
            .insecure_random(Deterministic::new(stream))
            .insecure_random_seed(u128::from(seed));
    }
    Ok(b.build())
}

/// 4 KiB of bytes derived from `seed` (SHA-256 in counter mode): the cycle
/// the deterministic random streams repeat. Reproducible, not secret.
fn seeded_bytes(seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    for counter in 0u64..128 {
        let mut h = Sha256::new();
        h.update(b"cordon-deterministic-random-v1");
        h.update(seed.to_le_bytes());
        h.update(counter.to_le_bytes());
        out.extend_from_slice(&h.finalize());
    }
    out
}

/// A wall clock that always says the same time.
struct FixedWallClock(Duration);

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        self.0
    }
}

/// A monotonic clock that advances by one nanosecond per reading, so time
/// moves forward (loops that wait for it end) but the same program reads
/// the same values.
#[derive(Default)]
struct SteppingMonotonicClock(AtomicU64);

impl HostMonotonicClock for SteppingMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// Why a host function refused to continue; raised as a trap in the guest and
/// recovered by the caller as a typed error.
#[derive(Debug)]
pub enum HostTrap {
    /// The stage used a capability it was not granted.
    CapabilityDenied(Capability),
    /// The stage hit a limit inside a host call.
    Limit(LimitKind),
}

impl fmt::Display for HostTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostTrap::CapabilityDenied(c) => write!(f, "capability `{c}` not granted"),
            HostTrap::Limit(l) => write!(f, "exceeded {l}"),
        }
    }
}

impl std::error::Error for HostTrap {}

/// One budget for all linear memories of a store, plus caps on the number of
/// memories, tables and instances. Records which limit was hit, so a trap
/// that follows a refused allocation is reported as the limit it really is.
#[derive(Debug)]
pub struct Budget {
    memory_budget: u64,
    memory_used: u64,
    /// The limit that was hit, if any.
    pub exceeded: Option<LimitKind>,
}

impl Budget {
    /// A budget of `memory_budget` bytes.
    pub fn new(memory_budget: u64) -> Budget {
        Budget {
            memory_budget,
            memory_used: 0,
            exceeded: None,
        }
    }

    /// Bytes of linear memory currently committed across all memories.
    pub fn memory_used(&self) -> u64 {
        self.memory_used
    }
}

impl ResourceLimiter for Budget {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let delta = desired.saturating_sub(current) as u64;
        let total = self.memory_used.saturating_add(delta);
        if total > self.memory_budget {
            self.exceeded = Some(LimitKind::Memory {
                budget: self.memory_budget,
            });
            return Ok(false);
        }
        self.memory_used = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            self.exceeded = Some(LimitKind::Resources {
                what: format!("cap of {MAX_TABLE_ELEMENTS} table elements"),
            });
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

/// Everything one stage call can reach. Created fresh for every call and
/// dropped with its `Store`: no guest state survives between calls.
pub struct StageState {
    pub(crate) stage: Arc<str>,
    pub(crate) grants: Arc<[Capability]>,
    pub(crate) config: Arc<BTreeMap<String, String>>,
    pub(crate) limits: Limits,
    pub(crate) budget: Budget,
    pub(crate) log_sink: LogSink,
    pub(crate) log_bytes: u64,
    pub(crate) stderr: MemoryOutputPipe,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl StageState {
    pub(crate) fn new(
        stage: Arc<str>,
        grants: Arc<[Capability]>,
        config: Arc<BTreeMap<String, String>>,
        limits: Limits,
        log_sink: LogSink,
        determinism: Option<Determinism>,
        fs_read: Option<&Path>,
    ) -> Result<StageState, String> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE_BYTES);
        let wasi = stage_wasi(stderr.clone(), determinism, &grants, fs_read)?;
        Ok(StageState {
            stage,
            grants,
            config,
            budget: Budget::new(limits.memory_bytes),
            limits,
            log_sink,
            log_bytes: 0,
            wasi,
            stderr,
            table: ResourceTable::new(),
        })
    }

    fn require(&self, cap: Capability) -> wasmtime::Result<()> {
        if self.grants.contains(&cap) {
            Ok(())
        } else {
            Err(wasmtime::Error::new(HostTrap::CapabilityDenied(cap)))
        }
    }
}

impl WasiView for StageState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl log::Host for StageState {
    fn log(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        self.require(Capability::Log)?;
        self.log_bytes = self.log_bytes.saturating_add(message.len() as u64);
        if self.log_bytes > self.limits.max_log_bytes {
            return Err(wasmtime::Error::new(HostTrap::Limit(LimitKind::LogBytes {
                max: self.limits.max_log_bytes,
            })));
        }
        let level = match level {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
        };
        (self.log_sink)(&self.stage, level, &message);
        Ok(())
    }
}

impl config::Host for StageState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        self.require(Capability::Config)?;
        Ok(self.config.get(&key).cloned())
    }
}

impl crate::bindings::wit::Host for StageState {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_spans_all_memories() {
        let mut b = Budget::new(10 << 16);
        // four memories growing by 2 pages each: 8 pages used
        for _ in 0..4 {
            assert!(b.memory_growing(0, 2 << 16, None).expect("no error"));
        }
        // a fifth asking for 3 pages would make 11 > 10
        assert!(!b.memory_growing(0, 3 << 16, None).expect("no error"));
        assert_eq!(b.exceeded, Some(LimitKind::Memory { budget: 10 << 16 }));
        assert_eq!(b.memory_used(), 8 << 16);
        // growth of an existing memory counts only the delta
        assert!(b.memory_growing(2 << 16, 4 << 16, None).expect("no error"));
        assert_eq!(b.memory_used(), 10 << 16);
    }
}
