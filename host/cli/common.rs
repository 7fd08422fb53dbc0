//! What several commands share: trust files, plugin files, the cache dir,
//! and turning a pipeline's stage specs into verified components.

use anyhow::{Context, Result};
use cordon_manifest::{PluginRef, StageKind, StageSpec};
use cordon_runtime::{LoadError, VerifiedComponent};
use cordon_signing::TrustPolicy;
use cordon_signing::plugin::PluginFile;
use std::path::{Path, PathBuf};

use crate::embedded::EMBEDDED;

/// This cordon's version: the most a plugin's `min_host_version` may say.
pub const HOST_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Read a trust file (`*.toml` policy or OpenSSH `allowed_signers`). A
/// missing, unreadable or empty file is an error: trust fails closed.
pub fn load_trust(path: &Path) -> Result<TrustPolicy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading trust file {}", path.display()))?;
    Ok(TrustPolicy::parse(&text, &path.display().to_string())?)
}

/// `PLUGIN.wasm.sig` next to `PLUGIN.wasm`.
pub fn sig_path(plugin: &Path) -> PathBuf {
    let mut s = plugin.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// A plugin file and its detached signature, read from disk.
pub struct PluginOnDisk {
    /// The component bytes.
    pub bytes: Vec<u8>,
    /// The signature bytes, if `PLUGIN.wasm.sig` exists.
    pub signature: Option<Vec<u8>>,
    /// Where the signature was looked for.
    pub sig_path: String,
}

/// Read a plugin file and its signature (absent signature is not an error
/// here; verification reports it).
pub fn read_plugin(path: &Path) -> Result<PluginOnDisk> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading plugin {}", path.display()))?;
    let sig = sig_path(path);
    let signature = match std::fs::read(&sig) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading signature {}", sig.display())),
    };
    Ok(PluginOnDisk {
        bytes,
        signature,
        sig_path: sig.display().to_string(),
    })
}

impl PluginOnDisk {
    /// The view the verifier takes.
    pub fn as_file<'a>(&'a self, pin: Option<&'a str>, kind: Option<StageKind>) -> PluginFile<'a> {
        PluginFile {
            bytes: &self.bytes,
            signature: self.signature.as_deref(),
            sig_path: &self.sig_path,
            pin,
            expected_kind: kind,
        }
    }
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

/// A stage spec with its component verified (nothing compiled yet), and
/// where it came from.
pub struct Verified {
    /// The verified component.
    pub component: VerifiedComponent,
    /// The spec it runs under (for `embedded:*`, one per embedded parser).
    pub spec: StageSpec,
    /// `embedded` or the file path.
    pub source: String,
}

/// Verify the component(s) a stage spec names. `embedded:*` (parsers only)
/// expands to every embedded parser, in name order.
pub fn verify_spec(
    spec: &StageSpec,
    trust: Option<&TrustPolicy>,
    now: i64,
) -> Result<Vec<Verified>, LoadError> {
    match &spec.plugin {
        PluginRef::Embedded(name) if name == "*" && spec.kind == StageKind::Parser => {
            let mut out = Vec::new();
            let mut all: Vec<_> = EMBEDDED
                .iter()
                .filter(|p| p.kind == StageKind::Parser)
                .collect();
            all.sort_by_key(|p| p.name);
            for plugin in all {
                out.push(Verified {
                    component: VerifiedComponent::verify_embedded(plugin)?,
                    spec: spec.clone(),
                    source: "embedded".into(),
                });
            }
            Ok(out)
        }
        PluginRef::Embedded(name) => {
            let plugin = EMBEDDED.iter().find(|p| p.name == name).ok_or_else(|| {
                LoadError::UnknownEmbedded {
                    stage: name.clone(),
                    known: EMBEDDED
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?;
            if let Some(pin) = &spec.sha256
                && !pin.eq_ignore_ascii_case(plugin.sha256)
            {
                return Err(LoadError::DigestMismatch {
                    stage: name.clone(),
                    expected: pin.clone(),
                    actual: plugin.sha256.to_string(),
                });
            }
            Ok(vec![Verified {
                component: VerifiedComponent::verify_embedded(plugin)?,
                spec: spec.clone(),
                source: "embedded".into(),
            }])
        }
        PluginRef::File(path) => {
            let shown = path.display().to_string();
            let disk = read_plugin(path).map_err(|e| LoadError::Unreadable {
                stage: shown.clone(),
                detail: format!("{e:#}"),
            })?;
            let file = disk.as_file(spec.sha256.as_deref(), Some(spec.kind));
            let component =
                VerifiedComponent::verify_file(&shown, &file, trust, now, HOST_VERSION)?;
            Ok(vec![Verified {
                component,
                spec: spec.clone(),
                source: shown,
            }])
        }
    }
}
