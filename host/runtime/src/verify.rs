//! Verification before compilation.
//!
//! **Invariant:** [`crate::Runtime::load`] only accepts a [`VerifiedComponent`],
//! and the only constructors of that type are the verifiers in this module.
//! There is no path from raw bytes to the compiler that skips a check.

use cordon_manifest::StageKind;
use sha2::{Digest, Sha256};
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
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verification::EmbeddedPin => "embedded sha256 pin",
            Verification::CallerPin => "caller sha256 pin",
        })
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

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

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
    /// Verify an embedded plugin against the pin compiled into the binary.
    pub fn verify_embedded(plugin: &EmbeddedPlugin) -> Result<VerifiedComponent, LoadError> {
        let sha256 = check_pin(plugin.name, plugin.bytes, plugin.sha256)?;
        Ok(VerifiedComponent {
            name: plugin.name.to_string(),
            kind: plugin.kind,
            bytes: Arc::from(plugin.bytes),
            sha256,
            verification: Verification::EmbeddedPin,
        })
    }

    /// Verify caller-supplied bytes against a digest the caller pinned
    /// (`sha256:<hex>`). For embedders and tests that hold the component
    /// themselves; the CLI never uses this for plugin files.
    pub fn verify_pinned(
        name: &str,
        kind: StageKind,
        bytes: Vec<u8>,
        expected_sha256: &str,
    ) -> Result<VerifiedComponent, LoadError> {
        let sha256 = check_pin(name, &bytes, expected_sha256)?;
        Ok(VerifiedComponent {
            name: name.to_string(),
            kind,
            bytes: Arc::from(bytes),
            sha256,
            verification: Verification::CallerPin,
        })
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
