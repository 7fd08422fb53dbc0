//! The authenticated compile cache.
//!
//! Compiling a component is the slowest thing a run does; its result is
//! cached on disk, keyed by (component SHA-256, engine compatibility hash).
//! Loading precompiled code is trusting it completely (wasmtime's
//! `Component::deserialize` maps it as executable native code), so every
//! entry is authenticated with HMAC-SHA256 under a secret [`CacheKey`]. An
//! entry whose tag does not verify (poisoned, truncated, written under
//! another key, for another component or engine) is discarded and the
//! component recompiled; it is never deserialized.
//!
//! **The key never lives in the cache directory.** The cache directory is
//! what CI systems save and restore and what a self-hosted runner may share,
//! so anyone who can write it must not be able to learn the key. The key
//! comes from the embedder ([`CacheKey::parse`], e.g. a CI secret in
//! `CORDON_CACHE_KEY`) or from a per-user key file outside the cache
//! ([`CacheKey::load_or_create`], e.g. `~/.local/state/cordon/cache.key`).
//!
//! Ownership and permissions are checked before anything is trusted: the
//! key file must be a regular file (not a symlink) owned by the current user
//! with no group or world permission bits, in a directory owned by the user
//! that no one else can write; the cache directory must not be a symlink,
//! must be owned by the current user, and must not be group- or
//! world-writable. Anything else is a [`CacheError::Insecure`] and the
//! caller runs without a cache.
//!
//! Entry layout: `tag (32 bytes) || serialized component`, where the tag is
//! HMAC(key, "cordon-compile-cache-v1" || len(digest) || digest || engine
//! hash || bytes). Entries are written to a fresh temporary file (random
//! name, created exclusively, never through a symlink) and renamed into
//! place.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Engine;
use wasmtime::component::Component;

type HmacSha256 = Hmac<Sha256>;

const DOMAIN: &[u8] = b"cordon-compile-cache-v1";
const TAG_LEN: usize = 32;
/// Bytes of a cache key.
pub const KEY_LEN: usize = 32;

/// Errors opening the cache or reading its key. The caller reports the
/// error once and runs without a cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// I/O on the cache directory or the key file.
    #[error("compile cache {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The key file is not 32 bytes.
    #[error(
        "compile cache key {0} is corrupt (expected {KEY_LEN} bytes); delete it to start a new cache"
    )]
    BadKeyFile(PathBuf),
    /// A key given as text (`CORDON_CACHE_KEY`) is not 32 bytes of hex or
    /// base64.
    #[error(
        "compile cache key from {source_name} is not {KEY_LEN} bytes of hex (64 digits) or base64 (44 characters); generate one with `openssl rand -hex 32`"
    )]
    BadKeyText {
        /// Where the text came from.
        source_name: String,
    },
    /// A path another user or process could tamper with.
    #[error("compile cache {path}: refusing to use it: {reason}")]
    Insecure {
        /// The key file or cache directory.
        path: PathBuf,
        /// Why it is not trusted.
        reason: String,
    },
}

/// The secret that authenticates cache entries. Never printed.
#[derive(Clone)]
pub struct CacheKey([u8; KEY_LEN]);

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheKey(<redacted>)")
    }
}

impl CacheKey {
    /// A key from text: 64 hex digits or the base64 (standard alphabet,
    /// padded or not) of 32 bytes; surrounding whitespace is ignored.
    /// `source_name` names where the text came from in the error.
    pub fn parse(text: &str, source_name: &str) -> Result<CacheKey, CacheError> {
        let bad = || CacheError::BadKeyText {
            source_name: source_name.to_string(),
        };
        let text = text.trim();
        let mut key = [0u8; KEY_LEN];
        if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode_to_slice(text, &mut key).map_err(|_| bad())?;
            return Ok(CacheKey(key));
        }
        use base64ct::{Base64, Base64Unpadded, Encoding};
        let decoded = match text.len() {
            44 => Base64::decode(text, &mut key).map(<[u8]>::len),
            43 => Base64Unpadded::decode(text, &mut key).map(<[u8]>::len),
            _ => return Err(bad()),
        };
        match decoded {
            Ok(KEY_LEN) => Ok(CacheKey(key)),
            _ => Err(bad()),
        }
    }

    /// Read the per-user key file at `path`, creating it (32 random bytes,
    /// mode `0600`, its directory `0700`) if it does not exist. Refuses a
    /// key file that is a symlink, not a regular file, not owned by the
    /// current user, or has any group / world permission bit, and a key
    /// directory that is not owned by the user or that others can write.
    pub fn load_or_create(path: &Path) -> Result<CacheKey, CacheError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        check_private_dir(dir)?;
        match open_nofollow(path) {
            Ok(file) => return read_key_file(path, file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(open_error(path, e)),
        }
        // Write the new key to a private temporary file, then link it into
        // place: a concurrent run either wins the link or reads the winner's
        // complete key, never a half-written file.
        let mut key = [0u8; KEY_LEN];
        getrandom::getrandom(&mut key).map_err(|e| CacheError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let (tmp, mut f) = create_temp(dir, "cache.key").map_err(io(path))?;
        let written = f.write_all(&key).and_then(|()| f.sync_all());
        let linked = written.and_then(|()| fs::hard_link(&tmp, path));
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(CacheKey(key)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let file = open_nofollow(path).map_err(|e| open_error(path, e))?;
                read_key_file(path, file)
            }
            Err(e) => Err(io(path)(e)),
        }
    }
}

fn read_key_file(path: &Path, mut file: File) -> Result<CacheKey, CacheError> {
    let meta = file.metadata().map_err(io(path))?;
    if !meta.is_file() {
        return Err(insecure(path, "not a regular file"));
    }
    check_owner(path, &meta)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(insecure(
                path,
                &format!(
                    "the key file has mode {mode:04o}; other users may read or change it (chmod 600 it, or delete it to start a new cache)"
                ),
            ));
        }
    }
    let mut bytes = Vec::with_capacity(KEY_LEN);
    Read::by_ref(&mut file)
        .take(KEY_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io(path))?;
    let key: [u8; KEY_LEN] = bytes
        .try_into()
        .map_err(|_| CacheError::BadKeyFile(path.to_path_buf()))?;
    Ok(CacheKey(key))
}

fn insecure(path: &Path, reason: &str) -> CacheError {
    CacheError::Insecure {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn open_error(path: &Path, e: std::io::Error) -> CacheError {
    // O_NOFOLLOW on a symlink fails with ELOOP.
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return insecure(path, "it is a symbolic link");
    }
    io(path)(e)
}

/// The effective user id of this process.
#[cfg(unix)]
fn current_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, touches no memory and cannot
    // fail (POSIX).
    #[allow(unsafe_code)]
    unsafe {
        libc::geteuid()
    }
}

fn check_owner(path: &Path, meta: &fs::Metadata) -> Result<(), CacheError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = current_uid();
        if meta.uid() != me {
            return Err(insecure(
                path,
                &format!(
                    "owned by uid {}, not by the current user (uid {me})",
                    meta.uid()
                ),
            ));
        }
    }
    let _ = (path, meta);
    Ok(())
}

/// A directory only its owner, the current user, can change: not a
/// symlink, owned by us, not group- or world-writable.
fn check_private_dir(dir: &Path) -> Result<(), CacheError> {
    let meta = fs::symlink_metadata(dir).map_err(io(dir))?;
    if meta.file_type().is_symlink() {
        return Err(insecure(dir, "it is a symbolic link"));
    }
    if !meta.is_dir() {
        return Err(insecure(dir, "not a directory"));
    }
    check_owner(dir, &meta)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(insecure(
                dir,
                &format!(
                    "the directory has mode {:04o}; other users can write it (chmod go-w it)",
                    mode & 0o777
                ),
            ));
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<(), CacheError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io(dir))
}

fn open_nofollow(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW);
    opts.open(path)
}

/// A new file `.<stem>.<random>.tmp` in `dir`, created exclusively (never
/// an existing file, never through a symlink), mode `0600`.
fn create_temp(dir: &Path, stem: &str) -> std::io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..8 {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
        let path = dir.join(format!(".{stem}.{}.tmp", hex::encode(nonce)));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        match opts.open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
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
    key: CacheKey,
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

impl CompileCache {
    /// Open (creating if needed, mode `0700`) a cache in `dir` for `engine`,
    /// authenticated with `key`. Refuses a directory that is a symlink, not
    /// owned by the current user, or group / world-writable.
    pub fn open(dir: &Path, key: CacheKey, engine: &Engine) -> Result<CompileCache, CacheError> {
        if fs::symlink_metadata(dir).is_err() {
            create_private_dir(dir)?;
        }
        check_private_dir(dir)?;
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

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the entry for a component digest (`sha256:<hex>`) lives.
    pub fn entry_path(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        self.dir.join(format!("{hex}-{}.cwasm", self.engine_hash))
    }

    /// The tag state for an entry. HMAC accepts keys of any length, so this
    /// is always `Some`; a `None` is treated as "not authentic", never a panic.
    fn tag(&self, digest: &str, bytes: &[u8]) -> Option<HmacSha256> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key.0).ok()?;
        mac.update(DOMAIN);
        mac.update(&(digest.len() as u64).to_le_bytes());
        mac.update(digest.as_bytes());
        mac.update(self.engine_hash.as_bytes());
        mac.update(bytes);
        Some(mac)
    }

    fn read_entry(path: &Path) -> Option<Vec<u8>> {
        let mut f = open_nofollow(path).ok()?;
        if !f.metadata().ok()?.is_file() {
            return None;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        Some(data)
    }

    /// Load a cached component, if there is an entry whose tag verifies.
    /// A bad entry is deleted and counted in `stats.rejected`.
    pub fn load(&self, engine: &Engine, digest: &str) -> Option<Component> {
        let path = self.entry_path(digest);
        if fs::symlink_metadata(&path).is_err() {
            self.stats.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let data = Self::read_entry(&path).unwrap_or_default();
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
        // cache key (which is never stored in the cache directory), for this
        // component digest and this engine compatibility hash; a tampered,
        // truncated or foreign entry fails the tag and never gets here.
        // The one call site of Component::deserialize (clippy.toml).
        #[allow(unsafe_code, clippy::disallowed_methods)]
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
        let Ok((tmp, mut f)) = create_temp(&self.dir, "entry") else {
            return;
        };
        let written = f
            .write_all(&tag)
            .and_then(|()| f.write_all(&body))
            .and_then(|()| f.sync_all())
            .and_then(|()| fs::rename(&tmp, &path));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text_is_hex_or_base64_of_32_bytes() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assert!(CacheKey::parse(hex, "t").is_ok());
        assert!(CacheKey::parse(&format!("  {hex}\n"), "t").is_ok());
        let b64 = "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=";
        let (a, b) = (
            CacheKey::parse(hex, "t").expect("hex"),
            CacheKey::parse(b64, "t").expect("base64"),
        );
        assert_eq!(a.0, b.0);
        assert!(CacheKey::parse(b64.trim_end_matches('='), "t").is_ok());
        for bad in [
            "",
            "short",
            &hex[..62],
            &format!("{hex}00"),
            "zz".repeat(32).as_str(),
        ] {
            let err = CacheKey::parse(bad, "CORDON_CACHE_KEY").expect_err(bad);
            assert!(err.to_string().contains("CORDON_CACHE_KEY"), "{err}");
        }
        assert_eq!(format!("{a:?}"), "CacheKey(<redacted>)");
    }
}
