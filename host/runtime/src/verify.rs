//! Verification before compilation.
//!
//! **Invariant:** [`crate::Runtime::load`] only accepts a [`VerifiedComponent`],
//! and the only constructors of that type are the verifiers in this module.
//! There is no path from raw bytes to the compiler that skips a check.

use cordon_manifest::component::{check_manifest, read_manifest};
use cordon_manifest::grant::{Grant, grant};
use cordon_manifest::plugin::PluginManifest;
use cordon_manifest::{Capability, StageKind};
use cordon_signing::TrustPolicy;
use cordon_signing::plugin::{PluginFile, verify_plugin};
use std::fmt;
use std::sync::Arc;

use crate::error::LoadError;

/// A first-party component compiled into the binary, with the SHA-256 pin the
/// build recorded for it.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedPlugin {
    /// Stage name (`parser-sarif`).
    pub name: &'static str,
    /// Stage kind.
    pub kind: StageKind,
    /// The component bytes.
    pub bytes: &'static [u8],
    /// `sha256:<hex>` pin recorded at build time.
    pub sha256: &'static str,
}

/// How a component was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// An embedded first-party component whose bytes matched the pin compiled
    /// into the binary.
    EmbeddedPin,
    /// Bytes supplied by the embedding application (tests, benchmarks) that
    /// matched a digest the caller pinned.
    CallerPin,
    /// A plugin file whose SSHSIG signature verified and whose signer the
    /// trust policy accepted.
    Signed {
        /// Signer identity from the trust policy.
        identity: String,
        /// Signer key fingerprint (`SHA256:...`).
        fingerprint: String,
    },
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verification::EmbeddedPin => f.write_str("embedded sha256 pin"),
            Verification::CallerPin => f.write_str("caller sha256 pin"),
            Verification::Signed { .. } => f.write_str("signature + trust policy"),
        }
    }
}

/// Component bytes that passed verification; the only thing the compiler
/// accepts.
#[derive(Clone)]
pub struct VerifiedComponent {
    name: String,
    kind: StageKind,
    bytes: Arc<[u8]>,
    sha256: String,
    verification: Verification,
    manifest: Option<PluginManifest>,
    /// The most the signer allows; `None` = no signer ceiling.
    ceiling: Option<Vec<Capability>>,
}

impl fmt::Debug for VerifiedComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedComponent")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("sha256", &self.sha256)
            .field("verification", &self.verification)
            .finish_non_exhaustive()
    }
}

/// `sha256:<hex>` of `bytes` (the one digest function:
/// [`cordon_signing::plugin::digest`]).
pub use cordon_signing::plugin::digest as sha256_digest;

fn check_pin(name: &str, bytes: &[u8], expected: &str) -> Result<String, LoadError> {
    let actual = sha256_digest(bytes);
    // Digests are public; a constant-time compare buys nothing here.
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(LoadError::DigestMismatch {
            stage: name.to_string(),
            expected: expected.to_string(),
            actual,
        });
    }
    Ok(actual)
}

impl VerifiedComponent {
    /// Verify an embedded plugin against the pin compiled into the binary
    /// (and against `pipeline_pin`, a pipeline file's own `sha256` for the
    /// stage, when it has one), then read and check its manifest.
    pub fn verify_embedded(
        plugin: &EmbeddedPlugin,
        pipeline_pin: Option<&str>,
    ) -> Result<VerifiedComponent, LoadError> {
        let sha256 = check_pin(plugin.name, plugin.bytes, plugin.sha256)?;
        if let Some(pin) = pipeline_pin {
            check_pin(plugin.name, plugin.bytes, pin)?;
        }
        let manifest_err = |e| LoadError::Manifest {
            stage: plugin.name.to_string(),
            error: e,
        };
        let (manifest, iface) = read_manifest(plugin.bytes).map_err(manifest_err)?;
        check_manifest(&manifest, &iface).map_err(manifest_err)?;
        Ok(VerifiedComponent {
            name: plugin.name.to_string(),
            kind: plugin.kind,
            bytes: Arc::from(plugin.bytes),
            sha256,
            verification: Verification::EmbeddedPin,
            manifest: Some(manifest),
            ceiling: None,
        })
    }

    /// Verify a third-party plugin file: digest pin, trust policy present,
    /// revocation, signature, manifest, scope, validity, rollback, capability
    /// ceiling, `min_host_version` (see `cordon_signing::plugin`). `now` is
    /// Unix seconds; `host_version` is the running host's version (the
    /// `cordon` package version).
    pub fn verify_file(
        stage: &str,
        file: &PluginFile<'_>,
        trust: Option<&TrustPolicy>,
        now: i64,
        host_version: &str,
    ) -> Result<VerifiedComponent, LoadError> {
        let verdict = verify_plugin(file, trust, now, host_version).map_err(|reason| {
            LoadError::Rejected {
                stage: stage.to_string(),
                reason,
            }
        })?;
        Ok(VerifiedComponent {
            name: verdict.manifest.name.clone(),
            kind: verdict.manifest.kind,
            bytes: Arc::from(file.bytes),
            sha256: verdict.digest,
            verification: Verification::Signed {
                identity: verdict.signer.identity.clone(),
                fingerprint: verdict.signer.fingerprint.clone(),
            },
            ceiling: Some(verdict.signer.ceiling.clone()),
            manifest: Some(verdict.manifest),
        })
    }

    /// Verify caller-supplied bytes against a digest the caller pinned
    /// (`sha256:<hex>`). For tests and benchmarks that hold the component
    /// themselves: only with the `caller-pin` feature, which the `cordon`
    /// binary does not enable.
    #[cfg(any(test, feature = "caller-pin"))]
    pub fn verify_pinned(
        name: &str,
        kind: StageKind,
        bytes: Vec<u8>,
        expected_sha256: &str,
    ) -> Result<VerifiedComponent, LoadError> {
        let sha256 = check_pin(name, &bytes, expected_sha256)?;
        // A manifest is read when present; caller-pinned bytes may lack one.
        let manifest = read_manifest(&bytes).ok().map(|(m, _)| m);
        Ok(VerifiedComponent {
            name: name.to_string(),
            kind,
            bytes: Arc::from(bytes),
            sha256,
            verification: Verification::CallerPin,
            manifest,
            ceiling: None,
        })
    }

    /// The plugin's manifest, when it has one.
    pub fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    /// What a pipeline granting `pipeline` gives this component, and why the
    /// rest is withheld: [`cordon_manifest::grant::grant`] with this
    /// component's kind, manifest request and signer ceiling.
    pub fn grant(&self, pipeline: &[Capability]) -> Grant {
        grant(
            self.kind,
            pipeline,
            self.manifest.as_ref().map(|m| m.capabilities.as_slice()),
            self.ceiling.as_deref(),
        )
    }

    /// Stage name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stage kind.
    pub fn kind(&self) -> StageKind {
        self.kind
    }

    /// `sha256:<hex>` of the bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// How it was verified.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, shared (for the compile thread).
    pub(crate) fn shared_bytes(&self) -> Arc<[u8]> {
        self.bytes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_mismatch_is_refused() {
        let bytes = b"\0asm not really".to_vec();
        let pin = sha256_digest(&bytes);
        assert!(
            VerifiedComponent::verify_pinned("x", StageKind::Parser, bytes.clone(), &pin).is_ok()
        );
        let mut flipped = bytes;
        flipped[5] ^= 1;
        let err = VerifiedComponent::verify_pinned("x", StageKind::Parser, flipped, &pin)
            .expect_err("flipped byte");
        assert!(matches!(err, LoadError::DigestMismatch { .. }), "{err}");
    }
}
