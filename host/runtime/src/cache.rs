//! The authenticated compile cache.
//!
//! Compiling a component is the slowest thing a run does; its result is
//! cached on disk, keyed by (component SHA-256, engine compatibility hash).
//! Loading precompiled code is trusting it completely (wasmtime's
//! `Component::deserialize` is `unsafe` for that reason), so every entry is
//! authenticated with HMAC-SHA256 under a runner-local key (`cache.key`,
//! 32 random bytes, created `0600` on first use). An entry whose tag does not
//! verify (poisoned, truncated, written under another key, for another
//! engine) is discarded and the component recompiled; it is never
//! deserialized.
//!
//! Entry layout: `tag (32 bytes) || serialized component`, where the tag is
//! HMAC(key, "cordon-compile-cache-v1" || digest || engine hash || bytes).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Engine;
use wasmtime::component::Component;

type HmacSha256 = Hmac<Sha256>;

const DOMAIN: &[u8] = b"cordon-compile-cache-v1";
const TAG_LEN: usize = 32;

/// Errors opening the cache. A cache that cannot be opened is an error the
/// caller reports (the run can go on without a cache).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// I/O on the cache directory or key.
    #[error("compile cache {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The key file is not 32 bytes.
    #[error("compile cache key {0} is corrupt (expected 32 bytes); delete it to start a new cache")]
    BadKey(PathBuf),
}

/// Counters, for tests and `-v` output.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Entries loaded.
    pub hits: AtomicU64,
    /// Components compiled because no entry existed.
    pub misses: AtomicU64,
    /// Entries discarded because their tag did not verify.
    pub rejected: AtomicU64,
}

/// An on-disk, authenticated compile cache.
pub struct CompileCache {
    dir: PathBuf,
    key: [u8; 32],
    engine_hash: String,
    /// Counters.
    pub stats: CacheStats,
}

/// Feeds `Hash` output into SHA-256, so the engine's compatibility hash is
/// stable across processes (unlike `DefaultHasher`).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_or_create_key(path: &Path) -> Result<[u8; 32], CacheError> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(path) {
        Ok(mut f) => {
            let mut key = [0u8; 32];
            getrandom::getrandom(&mut key).map_err(|e| CacheError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })?;
            f.write_all(&key).map_err(io(path))?;
            f.sync_all().map_err(io(path))?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mut bytes = Vec::new();
            fs::File::open(path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(io(path))?;
            bytes
                .try_into()
                .map_err(|_| CacheError::BadKey(path.to_path_buf()))
        }
        Err(e) => Err(io(path)(e)),
    }
}

impl CompileCache {
    /// Open (creating if needed) a cache in `dir` for `engine`.
    pub fn open(dir: &Path, engine: &Engine) -> Result<CompileCache, CacheError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(io(dir))?;
        let key = read_or_create_key(&dir.join("cache.key"))?;
        let mut h = ShaHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut h);
        let engine_hash = hex::encode(&h.0.finalize()[..16]);
        Ok(CompileCache {
            dir: dir.to_path_buf(),
            key,
            engine_hash,
            stats: CacheStats::default(),
        })
    }

    /// Where the entry for a component digest (`sha256:<hex>`) lives.
    pub fn entry_path(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        self.dir.join(format!("{hex}-{}.cwasm", self.engine_hash))
    }

    /// The tag state for an entry. HMAC accepts keys of any length, so this
    /// is always `Some`; a `None` is treated as "not authentic", never a panic.
    fn tag(&self, digest: &str, bytes: &[u8]) -> Option<HmacSha256> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(DOMAIN);
        mac.update(&(digest.len() as u64).to_le_bytes());
        mac.update(digest.as_bytes());
        mac.update(self.engine_hash.as_bytes());
        mac.update(bytes);
        Some(mac)
    }

    /// Load a cached component, if there is an entry whose tag verifies.
    /// A bad entry is deleted and counted in `stats.rejected`.
    pub fn load(&self, engine: &Engine, digest: &str) -> Option<Component> {
        let path = self.entry_path(digest);
        let Ok(data) = fs::read(&path) else {
            self.stats.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let authentic = data.len() > TAG_LEN && {
            let (tag, body) = data.split_at(TAG_LEN);
            self.tag(digest, body)
                .is_some_and(|mac| mac.verify_slice(tag).is_ok())
        };
        if !authentic {
            self.stats.rejected.fetch_add(1, Ordering::Relaxed);
            let _ = fs::remove_file(&path);
            return None;
        }
        // SAFETY: `Component::deserialize` requires bytes produced by
        // `Component::serialize` of a compatible engine, because it maps them
        // as executable code. The HMAC tag just verified proves this entry was
        // written by `store` below, in a process holding this runner's secret
        // cache key, for this component digest and this engine compatibility
        // hash; a tampered, truncated or foreign entry fails the tag and
        // never gets here.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize(engine, &data[TAG_LEN..]) };
        match component {
            Ok(c) => {
                self.stats.hits.fetch_add(1, Ordering::Relaxed);
                Some(c)
            }
            Err(_) => {
                self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Store a compiled component. Failures are ignored: the cache is an
    /// optimisation, never a reason to fail a run.
    pub fn store(&self, digest: &str, component: &Component) {
        let Ok(body) = component.serialize() else {
            return;
        };
        let Some(mac) = self.tag(digest, &body) else {
            return;
        };
        let tag = mac.finalize().into_bytes();
        let path = self.entry_path(digest);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&tag)?;
            f.write_all(&body)?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        };
        if write().is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
}
