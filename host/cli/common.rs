//! What several commands share: trust files, plugin files, the cache dir,
//! and turning a pipeline's stage specs into verified components.

use anyhow::{Context, Result};
use cordon_runtime::cache::{CacheError, CacheKey};
use cordon_signing::TrustPolicy;
use std::path::{Path, PathBuf};

/// This cordon's version: the most a plugin's `min_host_version` may say.
pub const HOST_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Read a trust file (`*.toml` policy or OpenSSH `allowed_signers`). A
/// missing, unreadable or empty file is an error: trust fails closed.
pub fn load_trust(path: &Path) -> Result<TrustPolicy> {
    let text = cordon_manifest::file::read_config(path)
        .with_context(|| format!("reading trust file {}", path.display()))?;
    Ok(TrustPolicy::parse(&text, &path.display().to_string())?)
}

/// The default compile cache directory: `$CORDON_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/cordon`, else `$HOME/.cache/cordon`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CORDON_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("cordon"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("cordon"))
}

/// Where the per-user compile-cache key file lives when `CORDON_CACHE_KEY`
/// is not set: `$XDG_STATE_HOME/cordon/cache.key`, else
/// `$HOME/.local/state/cordon/cache.key`. Never inside the cache directory,
/// which CI systems save, restore and share.
pub fn default_cache_key_file() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|d| Path::new(d).is_absolute())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("cordon").join("cache.key"))
}

/// The compile-cache key: `$CORDON_CACHE_KEY` (64 hex digits or base64 of
/// 32 bytes, e.g. a CI secret) if set, else the per-user key file (created
/// on first use). A key file inside `cache_dir` is refused: whoever can
/// write the cache could then forge entries.
pub fn cache_key(cache_dir: &Path) -> Result<CacheKey, CacheError> {
    if let Some(text) = std::env::var_os("CORDON_CACHE_KEY") {
        return CacheKey::parse(&text.to_string_lossy(), "CORDON_CACHE_KEY");
    }
    let Some(file) = default_cache_key_file() else {
        return Err(CacheError::Insecure {
            path: PathBuf::from("~/.local/state/cordon/cache.key"),
            reason: "neither CORDON_CACHE_KEY, XDG_STATE_HOME nor HOME is set".into(),
        });
    };
    let inside = |dir: &Path, file: &Path| {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| abs(p));
        let key_dir = file.parent().unwrap_or(file);
        abs(key_dir).starts_with(abs(dir)) || real(key_dir).starts_with(real(dir))
    };
    if inside(cache_dir, &file) {
        return Err(CacheError::Insecure {
            path: file,
            reason: format!(
                "the key file is inside the cache directory {}; set XDG_STATE_HOME or CORDON_CACHE_KEY elsewhere",
                cache_dir.display()
            ),
        });
    }
    CacheKey::load_or_create(&file)
}
